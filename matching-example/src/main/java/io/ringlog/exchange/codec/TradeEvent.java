package io.ringlog.exchange.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * A fill between a resting (maker) order and an incoming (taker) order, at the maker's price.
 * Flyweight over an Agrona buffer: {@link #wrap} to read, {@link #wrapForEncode} to write; one instance
 * can be reused for every message. Little-endian, 80 bytes:
 *
 * <pre>
 *   0       1       2       3       4       5       6       7
 *  +---------------------------------------------------------------+
 *  |                          trade id (8)                         |   0
 *  +---------------------------------------------------------------+
 *  |                       maker order id (8)                      |   8
 *  +---------------------------------------------------------------+
 *  |                       taker order id (8)                      |  16
 *  +---------------------------------------------------------------+
 *  |                       maker account (8)                       |  24
 *  +---------------------------------------------------------------+
 *  |                       taker account (8)                       |  32
 *  +---------------------------------------------------------------+
 *  |                           price (8)                           |  40
 *  +---------------------------------------------------------------+
 *  |                       quantity, lots (8)                      |  48
 *  +---------------------------------------------------------------+
 *  |                      maker remaining (8)                      |  56
 *  +---------------------------------------------------------------+
 *  |                      taker remaining (8)                      |  64
 *  +-------------------------------+-------+-----------------------+
 *  |           symbol (4)          | tside |        padding        |  72
 *  +-------------------------------+-------+-----------------------+
 * </pre>
 */
public final class TradeEvent
{
    /** The event type this layout belongs to. */
    public static final int TYPE = EventTypes.TRADE;
    /** Encoded length in bytes. */
    public static final int LENGTH = 80;
    public static final int TRADE_ID_OFFSET = 0;
    public static final int MAKER_ORDER_ID_OFFSET = 8;
    public static final int TAKER_ORDER_ID_OFFSET = 16;
    public static final int MAKER_ACCOUNT_OFFSET = 24;
    public static final int TAKER_ACCOUNT_OFFSET = 32;
    public static final int PRICE_OFFSET = 40;
    public static final int QUANTITY_OFFSET = 48;
    public static final int MAKER_REMAINING_OFFSET = 56;
    public static final int TAKER_REMAINING_OFFSET = 64;
    public static final int SYMBOL_OFFSET = 72;
    public static final int TAKER_SIDE_OFFSET = 76;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    /** Wraps an encoded message for reading. */
    public TradeEvent wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        return this;
    }

    /** Wraps a buffer for writing; the setters fill it, and {@link #LENGTH} bytes are used. */
    public TradeEvent wrapForEncode(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer;
        this.offset = offset;
        buffer.setMemory(offset, LENGTH, (byte)0);
        return this;
    }

    public DirectBuffer buffer()
    {
        return buffer;
    }

    public int offset()
    {
        return offset;
    }

    /** Exchange-wide trade sequence, from 1. */
    public long tradeId()
    {
        return buffer.getLong(offset + TRADE_ID_OFFSET, LE);
    }

    public TradeEvent tradeId(final long value)
    {
        mutableBuffer.putLong(offset + TRADE_ID_OFFSET, value, LE);
        return this;
    }

    /** Resting order. */
    public long makerOrderId()
    {
        return buffer.getLong(offset + MAKER_ORDER_ID_OFFSET, LE);
    }

    public TradeEvent makerOrderId(final long value)
    {
        mutableBuffer.putLong(offset + MAKER_ORDER_ID_OFFSET, value, LE);
        return this;
    }

    /** Incoming order. */
    public long takerOrderId()
    {
        return buffer.getLong(offset + TAKER_ORDER_ID_OFFSET, LE);
    }

    public TradeEvent takerOrderId(final long value)
    {
        mutableBuffer.putLong(offset + TAKER_ORDER_ID_OFFSET, value, LE);
        return this;
    }

    /** Maker's account. */
    public long makerAccount()
    {
        return buffer.getLong(offset + MAKER_ACCOUNT_OFFSET, LE);
    }

    public TradeEvent makerAccount(final long value)
    {
        mutableBuffer.putLong(offset + MAKER_ACCOUNT_OFFSET, value, LE);
        return this;
    }

    /** Taker's account. */
    public long takerAccount()
    {
        return buffer.getLong(offset + TAKER_ACCOUNT_OFFSET, LE);
    }

    public TradeEvent takerAccount(final long value)
    {
        mutableBuffer.putLong(offset + TAKER_ACCOUNT_OFFSET, value, LE);
        return this;
    }

    /** Trade price: the maker's, quote units per lot. */
    public long price()
    {
        return buffer.getLong(offset + PRICE_OFFSET, LE);
    }

    public TradeEvent price(final long value)
    {
        mutableBuffer.putLong(offset + PRICE_OFFSET, value, LE);
        return this;
    }

    /** Lots traded. */
    public long quantity()
    {
        return buffer.getLong(offset + QUANTITY_OFFSET, LE);
    }

    public TradeEvent quantity(final long value)
    {
        mutableBuffer.putLong(offset + QUANTITY_OFFSET, value, LE);
        return this;
    }

    /** Maker's lots left after this fill; 0 means it left the book. */
    public long makerRemaining()
    {
        return buffer.getLong(offset + MAKER_REMAINING_OFFSET, LE);
    }

    public TradeEvent makerRemaining(final long value)
    {
        mutableBuffer.putLong(offset + MAKER_REMAINING_OFFSET, value, LE);
        return this;
    }

    /** Taker's lots left after this fill. */
    public long takerRemaining()
    {
        return buffer.getLong(offset + TAKER_REMAINING_OFFSET, LE);
    }

    public TradeEvent takerRemaining(final long value)
    {
        mutableBuffer.putLong(offset + TAKER_REMAINING_OFFSET, value, LE);
        return this;
    }

    /** Instrument's symbol id. */
    public int symbol()
    {
        return buffer.getInt(offset + SYMBOL_OFFSET, LE);
    }

    public TradeEvent symbol(final int value)
    {
        mutableBuffer.putInt(offset + SYMBOL_OFFSET, value, LE);
        return this;
    }

    /** Taker's {@link io.ringlog.exchange.Side} code. */
    public int takerSide()
    {
        return buffer.getByte(offset + TAKER_SIDE_OFFSET);
    }

    public TradeEvent takerSide(final int value)
    {
        mutableBuffer.putByte(offset + TAKER_SIDE_OFFSET, (byte)value);
        return this;
    }
}
