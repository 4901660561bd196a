package io.ringlog.exchange.codec;

import io.ringlog.exchange.codec.command.ConfigureCommandEncoder;
import io.ringlog.exchange.codec.command.PlaceOrderCommandDecoder;
import io.ringlog.exchange.codec.event.BalanceChangedEventEncoder;
import io.ringlog.exchange.codec.event.BookChangedEventEncoder;
import io.ringlog.exchange.codec.event.InstrumentAddedEventEncoder;
import io.ringlog.exchange.codec.event.OrderAcceptedEventEncoder;
import io.ringlog.exchange.codec.event.OrderCancelledEventEncoder;
import io.ringlog.exchange.codec.event.OrderMovedEventEncoder;
import io.ringlog.exchange.codec.event.OrderReducedEventEncoder;
import io.ringlog.exchange.codec.event.RejectedEventEncoder;
import io.ringlog.exchange.codec.event.TradeEventDecoder;
import io.ringlog.exchange.codec.event.TradeEventEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The codecs generated from the SBE schemas write version 1's layouts: every command and event as the
 * bytes the hand-written flyweights of version 1 wrote (their drawn layouts, packed independently of this
 * code when the flyweights were retired), with what version 2 appended after them (a place's and an
 * acceptance's client order id; {@link #NULL_CLIENT_ORDER_ID} when none) and version 3 (a rejection's
 * symbol). So journals written before the
 * schema decode unchanged, and event readers of version 1 see the payloads they knew. Values differ in
 * every byte, so a field at a wrong offset cannot pass; padding is zero.
 */
class SchemaLayoutTest
{
    private static final long A = 0x0102030405060708L;
    private static final long B = 0x1112131415161718L;
    private static final long C = 0x2122232425262728L;
    private static final long D = 0x3132333435363738L;
    private static final long E = 0x4142434445464748L;
    /** The int64 null value, little-endian: the client order id of a place that gives none. */
    private static final String NULL_CLIENT_ORDER_ID = "0000000000000080";

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[128]);
    private final CommandEncoder encoder = new CommandEncoder();

    @BeforeEach
    void dirty()
    {
        // Padding must come out zero whatever the buffer held before.
        buffer.setMemory(0, buffer.capacity(), (byte)0x5A);
    }

    @Test
    void shouldWriteCommandsAsVersionOneDid()
    {
        assertBytes("0d0c0b0a1d1c1b1a2d2c2b2a0000000038373635343332314847464544434241",
            encoder.addInstrument(buffer, 0, 0x0A0B0C0D, 0x1A1B1C1D, 0x2A2B2C2D, D, E));
        assertBytes("080706050403020128272625242322211413121100000000", encoder.deposit(buffer, 0, A, 0x11121314, C));
        assertBytes("080706050403020128272625242322211413121100000000", encoder.withdraw(buffer, 0, A, 0x11121314, C));
        assertBytes("08070605040302011817161514131211383736353433323148474645444342412423222101030000" +
            NULL_CLIENT_ORDER_ID, encoder.place(buffer, 0, A, B, 0x21222324, 1, 3, D, E));
        assertBytes("08070605040302011817161514131211383736353433323148474645444342412423222101030000" +
            "5857565554535251", encoder.place(buffer, 0, A, B, 0x21222324, 1, 3, D, E, 0x5152535455565758L));
        assertBytes("08070605040302011817161514131211", encoder.cancel(buffer, 0, A, B));
        assertBytes("080706050403020118171615141312112827262524232221", encoder.reduce(buffer, 0, A, B, C));
        assertBytes("080706050403020118171615141312112827262524232221", encoder.move(buffer, 0, A, B, C));
        new ConfigureCommandEncoder().wrap(buffer, 0).settingsVersion(0x01020304).maxAssets(0x11121314);
        assertBytes("0403020114131211", ConfigureCommandEncoder.BLOCK_LENGTH);

        encoder.place(buffer, 0, A, B, 0x21222324, 1, 3, D, E);
        final PlaceOrderCommandDecoder place = new PlaceOrderCommandDecoder()
            .wrap(buffer, 0, PlaceOrderCommandDecoder.BLOCK_LENGTH, CommandEncoder.VERSION);
        assertEquals(0x21222324, place.symbol());
        assertEquals(1, place.side());
        assertEquals(3, place.orderType());
        assertEquals(D, place.price());
    }

    @Test
    void shouldWriteEventsAsVersionOneDid()
    {
        zero(RejectedEventEncoder.BLOCK_LENGTH);
        new RejectedEventEncoder().wrap(buffer, 0).reason(0x01020304).commandType(0x11121314).orderId(C).account(D)
            .symbol(0x41424344);
        // Version 3 appended the symbol (and 4 bytes of padding) after version 1's 24 bytes.
        assertBytes("040302011413121128272625242322213837363534333231" + "4443424100000000",
            RejectedEventEncoder.BLOCK_LENGTH);
        assertEquals(0, RejectedEventEncoder.reasonEncodingOffset(), "the engine writes the reason at offset 0");

        zero(InstrumentAddedEventEncoder.BLOCK_LENGTH);
        new InstrumentAddedEventEncoder().wrap(buffer, 0).symbol(0x01020304).baseAsset(0x11121314)
            .quoteAsset(0x21222324).tickSize(D).lotSize(E);
        assertBytes("0403020114131211242322210000000038373635343332314847464544434241",
            InstrumentAddedEventEncoder.BLOCK_LENGTH);

        zero(OrderAcceptedEventEncoder.BLOCK_LENGTH);
        new OrderAcceptedEventEncoder().wrap(buffer, 0).orderId(A).account(B).price(C).quantity(D).symbol(0x41424344)
            .side((byte)1).orderType((byte)2).clientOrderId(0x5152535455565758L);
        assertBytes("08070605040302011817161514131211282726252423222138373635343332314443424101020000" +
            "5857565554535251", OrderAcceptedEventEncoder.BLOCK_LENGTH);

        zero(TradeEventEncoder.BLOCK_LENGTH);
        new TradeEventEncoder().wrap(buffer, 0).tradeId(A).makerOrderId(B).takerOrderId(C).makerAccount(D)
            .takerAccount(E).price(0x5152535455565758L).quantity(0x6162636465666768L).makerRemaining(0x7172737475767778L)
            .takerRemaining(0x0807060504030201L).symbol(0x18171615).takerSide((byte)1);
        final TradeEventDecoder trade = new TradeEventDecoder().wrap(buffer, 0, TradeEventDecoder.BLOCK_LENGTH, 1);
        assertEquals(0x7172737475767778L, trade.makerRemaining());
        assertEquals(0x18171615, trade.symbol());
        assertBytes("0807060504030201181716151413121128272625242322213837363534333231484746454443424158575655545352516867" +
            "666564636261787776757473727101020304050607081516171801000000", TradeEventEncoder.BLOCK_LENGTH);

        zero(OrderCancelledEventEncoder.BLOCK_LENGTH);
        new OrderCancelledEventEncoder().wrap(buffer, 0).orderId(A).account(B).price(C).quantity(D).symbol(0x41424344)
            .side((byte)1).reason((byte)3);
        assertBytes("08070605040302011817161514131211282726252423222138373635343332314443424101030000",
            OrderCancelledEventEncoder.BLOCK_LENGTH);

        zero(OrderReducedEventEncoder.BLOCK_LENGTH);
        new OrderReducedEventEncoder().wrap(buffer, 0).orderId(A).account(B).price(C).reducedBy(D).remaining(E)
            .symbol(0x51525354).side((byte)1);
        assertBytes("080706050403020118171615141312112827262524232221383736353433323148474645444342415453525101000000",
            OrderReducedEventEncoder.BLOCK_LENGTH);

        zero(OrderMovedEventEncoder.BLOCK_LENGTH);
        new OrderMovedEventEncoder().wrap(buffer, 0).orderId(A).account(B).oldPrice(C).newPrice(D).remaining(E)
            .symbol(0x51525354).side((byte)1);
        assertBytes("080706050403020118171615141312112827262524232221383736353433323148474645444342415453525101000000",
            OrderMovedEventEncoder.BLOCK_LENGTH);

        zero(BookChangedEventEncoder.BLOCK_LENGTH);
        new BookChangedEventEncoder().wrap(buffer, 0).price(A).totalQuantity(B).symbol(0x21222324)
            .orderCount(0x31323334).side((byte)1);
        assertBytes("0807060504030201181716151413121124232221343332310100000000000000", BookChangedEventEncoder.BLOCK_LENGTH);

        zero(BalanceChangedEventEncoder.BLOCK_LENGTH);
        new BalanceChangedEventEncoder().wrap(buffer, 0).account(A).free(B).reserved(C).asset(0x31323334);
        assertBytes("0807060504030201181716151413121128272625242322213433323100000000",
            BalanceChangedEventEncoder.BLOCK_LENGTH);
    }

    /** The exchange zeroes an event's block before encoding it (the encoders leave padding alone). */
    private void zero(final int length)
    {
        buffer.setMemory(0, length, (byte)0);
    }

    private void assertBytes(final String expectedHex, final int length)
    {
        assertEquals(expectedHex.length() / 2, length, "length");
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        assertEquals(expectedHex, HexFormat.of().formatHex(bytes));
        buffer.setMemory(0, buffer.capacity(), (byte)0x5A);
    }
}
