package io.ringlog.exchange.codec;

import io.ringlog.exchange.codec.command.AddInstrumentCommandDecoder;
import io.ringlog.exchange.codec.command.AddInstrumentCommandEncoder;
import io.ringlog.exchange.codec.command.CancelOrderCommandEncoder;
import io.ringlog.exchange.codec.command.ConfigureCommandEncoder;
import io.ringlog.exchange.codec.command.DepositCommandEncoder;
import io.ringlog.exchange.codec.command.MoveOrderCommandEncoder;
import io.ringlog.exchange.codec.command.PlaceOrderCommandDecoder;
import io.ringlog.exchange.codec.command.PlaceOrderCommandEncoder;
import io.ringlog.exchange.codec.command.ReduceOrderCommandEncoder;
import io.ringlog.exchange.codec.command.WithdrawCommandEncoder;
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
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The codecs generated from the SBE schemas lay every command and event out byte for byte as the
 * hand-written flyweights of version 1 did: same type, same length, same bytes for the same values. So
 * journals written before the switch decode unchanged, and event readers see the same payloads.
 * Values differ in every byte, so a field at a wrong offset cannot pass, and the generated decoders read
 * what the old encoders wrote.
 */
class SchemaLayoutTest
{
    private final UnsafeBuffer old = new UnsafeBuffer(new byte[128]);
    private final UnsafeBuffer generated = new UnsafeBuffer(new byte[128]);

    @Test
    void shouldLayCommandsOutAsVersionOneDid()
    {
        final CommandEncoder encoder = new CommandEncoder();

        same(CommandTypes.ADD_INSTRUMENT, AddInstrumentCommandEncoder.TEMPLATE_ID,
            encoder.addInstrument(old, 0, 0x0A0B0C0D, 0x1A1B1C1D, 0x2A2B2C2D, 0x3132333435363738L, 0x4142434445464748L),
            AddInstrumentCommandEncoder.BLOCK_LENGTH);
        new AddInstrumentCommandEncoder().wrap(generated, 0).symbol(0x0A0B0C0D).baseAsset(0x1A1B1C1D)
            .quoteAsset(0x2A2B2C2D).tickSize(0x3132333435363738L).lotSize(0x4142434445464748L);
        sameBytes(AddInstrumentCommandEncoder.BLOCK_LENGTH);
        final AddInstrumentCommandDecoder instrument = new AddInstrumentCommandDecoder()
            .wrap(generated, 0, AddInstrumentCommandEncoder.BLOCK_LENGTH, 1);
        assertEquals(0x2A2B2C2D, instrument.quoteAsset());
        assertEquals(0x4142434445464748L, instrument.lotSize());

        same(CommandTypes.DEPOSIT, DepositCommandEncoder.TEMPLATE_ID,
            encoder.deposit(old, 0, 0x0102030405060708L, 0x11121314, 0x2122232425262728L),
            DepositCommandEncoder.BLOCK_LENGTH);
        new DepositCommandEncoder().wrap(generated, 0).account(0x0102030405060708L).asset(0x11121314)
            .amount(0x2122232425262728L);
        sameBytes(DepositCommandEncoder.BLOCK_LENGTH);

        same(CommandTypes.WITHDRAW, WithdrawCommandEncoder.TEMPLATE_ID,
            encoder.withdraw(old, 0, 0x0102030405060708L, 0x11121314, 0x2122232425262728L),
            WithdrawCommandEncoder.BLOCK_LENGTH);
        new WithdrawCommandEncoder().wrap(generated, 0).account(0x0102030405060708L).asset(0x11121314)
            .amount(0x2122232425262728L);
        sameBytes(WithdrawCommandEncoder.BLOCK_LENGTH);

        same(CommandTypes.PLACE_ORDER, PlaceOrderCommandEncoder.TEMPLATE_ID,
            encoder.place(old, 0, 0x0102030405060708L, 0x1112131415161718L, 0x21222324, 1, 3, 0x3132333435363738L,
                0x4142434445464748L), PlaceOrderCommandEncoder.BLOCK_LENGTH);
        new PlaceOrderCommandEncoder().wrap(generated, 0).orderId(0x0102030405060708L).account(0x1112131415161718L)
            .symbol(0x21222324).side((byte)1).orderType((byte)3).price(0x3132333435363738L)
            .quantity(0x4142434445464748L);
        sameBytes(PlaceOrderCommandEncoder.BLOCK_LENGTH);
        final PlaceOrderCommandDecoder place = new PlaceOrderCommandDecoder()
            .wrap(generated, 0, PlaceOrderCommandEncoder.BLOCK_LENGTH, 1);
        assertEquals(0x21222324, place.symbol());
        assertEquals(1, place.side());
        assertEquals(3, place.orderType());
        assertEquals(0x3132333435363738L, place.price());

        same(CommandTypes.CANCEL_ORDER, CancelOrderCommandEncoder.TEMPLATE_ID,
            encoder.cancel(old, 0, 0x0102030405060708L, 0x1112131415161718L), CancelOrderCommandEncoder.BLOCK_LENGTH);
        new CancelOrderCommandEncoder().wrap(generated, 0).orderId(0x0102030405060708L).account(0x1112131415161718L);
        sameBytes(CancelOrderCommandEncoder.BLOCK_LENGTH);

        same(CommandTypes.REDUCE_ORDER, ReduceOrderCommandEncoder.TEMPLATE_ID,
            encoder.reduce(old, 0, 0x0102030405060708L, 0x1112131415161718L, 0x2122232425262728L),
            ReduceOrderCommandEncoder.BLOCK_LENGTH);
        new ReduceOrderCommandEncoder().wrap(generated, 0).orderId(0x0102030405060708L).account(0x1112131415161718L)
            .reduceBy(0x2122232425262728L);
        sameBytes(ReduceOrderCommandEncoder.BLOCK_LENGTH);

        same(CommandTypes.MOVE_ORDER, MoveOrderCommandEncoder.TEMPLATE_ID,
            encoder.move(old, 0, 0x0102030405060708L, 0x1112131415161718L, 0x2122232425262728L),
            MoveOrderCommandEncoder.BLOCK_LENGTH);
        new MoveOrderCommandEncoder().wrap(generated, 0).orderId(0x0102030405060708L).account(0x1112131415161718L)
            .newPrice(0x2122232425262728L);
        sameBytes(MoveOrderCommandEncoder.BLOCK_LENGTH);

        clear();
        new ConfigureCommand().wrapForEncode(old, 0).settingsVersion(0x01020304).maxAssets(0x11121314);
        same(CommandTypes.CONFIGURE, ConfigureCommandEncoder.TEMPLATE_ID, ConfigureCommand.LENGTH,
            ConfigureCommandEncoder.BLOCK_LENGTH);
        new ConfigureCommandEncoder().wrap(generated, 0).settingsVersion(0x01020304).maxAssets(0x11121314);
        sameBytes(ConfigureCommandEncoder.BLOCK_LENGTH);
    }

    @Test
    void shouldLayEventsOutAsVersionOneDid()
    {
        clear();
        new RejectedEvent().wrapForEncode(old, 0).reason(0x01020304).commandType(0x11121314)
            .orderId(0x2122232425262728L).account(0x3132333435363738L);
        new RejectedEventEncoder().wrap(generated, 0).reason(0x01020304).commandType(0x11121314)
            .orderId(0x2122232425262728L).account(0x3132333435363738L);
        same(RejectedEvent.LENGTH, RejectedEventEncoder.BLOCK_LENGTH);
        assertEquals(0, RejectedEventEncoder.reasonEncodingOffset(), "the engine writes the reason at offset 0");

        clear();
        new InstrumentAddedEvent().wrapForEncode(old, 0).symbol(0x01020304).baseAsset(0x11121314)
            .quoteAsset(0x21222324).tickSize(0x3132333435363738L).lotSize(0x4142434445464748L);
        new InstrumentAddedEventEncoder().wrap(generated, 0).symbol(0x01020304).baseAsset(0x11121314)
            .quoteAsset(0x21222324).tickSize(0x3132333435363738L).lotSize(0x4142434445464748L);
        sameEvent(InstrumentAddedEvent.TYPE, InstrumentAddedEventEncoder.TEMPLATE_ID, InstrumentAddedEvent.LENGTH,
            InstrumentAddedEventEncoder.BLOCK_LENGTH);

        clear();
        new OrderAcceptedEvent().wrapForEncode(old, 0).orderId(0x0102030405060708L).account(0x1112131415161718L)
            .price(0x2122232425262728L).quantity(0x3132333435363738L).symbol(0x41424344).side(1).orderType(2);
        new OrderAcceptedEventEncoder().wrap(generated, 0).orderId(0x0102030405060708L).account(0x1112131415161718L)
            .price(0x2122232425262728L).quantity(0x3132333435363738L).symbol(0x41424344).side((byte)1)
            .orderType((byte)2);
        sameEvent(OrderAcceptedEvent.TYPE, OrderAcceptedEventEncoder.TEMPLATE_ID, OrderAcceptedEvent.LENGTH,
            OrderAcceptedEventEncoder.BLOCK_LENGTH);

        clear();
        new TradeEvent().wrapForEncode(old, 0).tradeId(0x0102030405060708L).makerOrderId(0x1112131415161718L)
            .takerOrderId(0x2122232425262728L).makerAccount(0x3132333435363738L).takerAccount(0x4142434445464748L)
            .price(0x5152535455565758L).quantity(0x6162636465666768L).makerRemaining(0x7172737475767778L)
            .takerRemaining(0x0807060504030201L).symbol(0x18171615).takerSide(1);
        new TradeEventEncoder().wrap(generated, 0).tradeId(0x0102030405060708L).makerOrderId(0x1112131415161718L)
            .takerOrderId(0x2122232425262728L).makerAccount(0x3132333435363738L).takerAccount(0x4142434445464748L)
            .price(0x5152535455565758L).quantity(0x6162636465666768L).makerRemaining(0x7172737475767778L)
            .takerRemaining(0x0807060504030201L).symbol(0x18171615).takerSide((byte)1);
        sameEvent(TradeEvent.TYPE, TradeEventEncoder.TEMPLATE_ID, TradeEvent.LENGTH, TradeEventEncoder.BLOCK_LENGTH);
        final TradeEventDecoder trade = new TradeEventDecoder().wrap(generated, 0, TradeEvent.LENGTH, 1);
        assertEquals(0x7172737475767778L, trade.makerRemaining());
        assertEquals(0x18171615, trade.symbol());

        clear();
        new OrderCancelledEvent().wrapForEncode(old, 0).orderId(0x0102030405060708L).account(0x1112131415161718L)
            .price(0x2122232425262728L).quantity(0x3132333435363738L).symbol(0x41424344).side(1).reason(3);
        new OrderCancelledEventEncoder().wrap(generated, 0).orderId(0x0102030405060708L).account(0x1112131415161718L)
            .price(0x2122232425262728L).quantity(0x3132333435363738L).symbol(0x41424344).side((byte)1)
            .reason((byte)3);
        sameEvent(OrderCancelledEvent.TYPE, OrderCancelledEventEncoder.TEMPLATE_ID, OrderCancelledEvent.LENGTH,
            OrderCancelledEventEncoder.BLOCK_LENGTH);

        clear();
        new OrderReducedEvent().wrapForEncode(old, 0).orderId(0x0102030405060708L).account(0x1112131415161718L)
            .price(0x2122232425262728L).reducedBy(0x3132333435363738L).remaining(0x4142434445464748L)
            .symbol(0x51525354).side(1);
        new OrderReducedEventEncoder().wrap(generated, 0).orderId(0x0102030405060708L).account(0x1112131415161718L)
            .price(0x2122232425262728L).reducedBy(0x3132333435363738L).remaining(0x4142434445464748L)
            .symbol(0x51525354).side((byte)1);
        sameEvent(OrderReducedEvent.TYPE, OrderReducedEventEncoder.TEMPLATE_ID, OrderReducedEvent.LENGTH,
            OrderReducedEventEncoder.BLOCK_LENGTH);

        clear();
        new OrderMovedEvent().wrapForEncode(old, 0).orderId(0x0102030405060708L).account(0x1112131415161718L)
            .oldPrice(0x2122232425262728L).newPrice(0x3132333435363738L).remaining(0x4142434445464748L)
            .symbol(0x51525354).side(1);
        new OrderMovedEventEncoder().wrap(generated, 0).orderId(0x0102030405060708L).account(0x1112131415161718L)
            .oldPrice(0x2122232425262728L).newPrice(0x3132333435363738L).remaining(0x4142434445464748L)
            .symbol(0x51525354).side((byte)1);
        sameEvent(OrderMovedEvent.TYPE, OrderMovedEventEncoder.TEMPLATE_ID, OrderMovedEvent.LENGTH,
            OrderMovedEventEncoder.BLOCK_LENGTH);

        clear();
        new BookChangedEvent().wrapForEncode(old, 0).price(0x0102030405060708L).totalQuantity(0x1112131415161718L)
            .symbol(0x21222324).orderCount(0x31323334).side(1);
        new BookChangedEventEncoder().wrap(generated, 0).price(0x0102030405060708L).totalQuantity(0x1112131415161718L)
            .symbol(0x21222324).orderCount(0x31323334).side((byte)1);
        sameEvent(BookChangedEvent.TYPE, BookChangedEventEncoder.TEMPLATE_ID, BookChangedEvent.LENGTH,
            BookChangedEventEncoder.BLOCK_LENGTH);

        clear();
        new BalanceChangedEvent().wrapForEncode(old, 0).account(0x0102030405060708L).free(0x1112131415161718L)
            .reserved(0x2122232425262728L).asset(0x31323334);
        new BalanceChangedEventEncoder().wrap(generated, 0).account(0x0102030405060708L).free(0x1112131415161718L)
            .reserved(0x2122232425262728L).asset(0x31323334);
        sameEvent(BalanceChangedEvent.TYPE, BalanceChangedEventEncoder.TEMPLATE_ID, BalanceChangedEvent.LENGTH,
            BalanceChangedEventEncoder.BLOCK_LENGTH);
    }

    private void clear()
    {
        old.setMemory(0, old.capacity(), (byte)0);
        generated.setMemory(0, generated.capacity(), (byte)0);
    }

    private void same(final int type, final int templateId, final int length, final int blockLength)
    {
        assertEquals(type, templateId, "a command's type is its template id");
        assertEquals(length, blockLength);
        generated.setMemory(0, generated.capacity(), (byte)0);
    }

    private void sameEvent(final int type, final int templateId, final int length, final int blockLength)
    {
        assertEquals(type, templateId, "an event's type is its template id");
        same(length, blockLength);
    }

    private void same(final int length, final int blockLength)
    {
        assertEquals(length, blockLength);
        sameBytes(blockLength);
    }

    private void sameBytes(final int length)
    {
        assertArrayEquals(Arrays.copyOf(old.byteArray(), length), Arrays.copyOf(generated.byteArray(), length));
        assertArrayEquals(new byte[128 - length], Arrays.copyOfRange(old.byteArray(), length, 128));
        old.setMemory(0, old.capacity(), (byte)0);
    }
}
