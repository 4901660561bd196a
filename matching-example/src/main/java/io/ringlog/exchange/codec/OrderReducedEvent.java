package io.ringlog.exchange.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * A resting order's quantity was reduced, keeping its place in the queue.
 * Flyweight over an Agrona buffer: {@link #wrap} to read, {@link #wrapForEncode} to write; one instance
 * can be reused for every message. Little-endian, 48 bytes:
 *
 * <pre>
 *   0       1       2       3       4       5       6       7
 *  +---------------------------------------------------------------+
 *  |                          order id (8)                         |   0
 *  +---------------------------------------------------------------+
 *  |                          account (8)                          |   8
 *  +---------------------------------------------------------------+
 *  |                 price, quote units per lot (8)                |  16
 *  +---------------------------------------------------------------+
 *  |                      reduced by, lots (8)                     |  24
 *  +---------------------------------------------------------------+
 *  |                      remaining, lots (8)                      |  32
 *  +-------------------------------+-------+-----------------------+
 *  |           symbol (4)          |  side |        padding        |  40
 *  +-------------------------------+-------+-----------------------+
 * </pre>
 */
public final class OrderReducedEvent
{
    /** The event type this layout belongs to. */
    public static final int TYPE = EventTypes.ORDER_REDUCED;
    /** Encoded length in bytes. */
    public static final int LENGTH = 48;
    public static final int ORDER_ID_OFFSET = 0;
    public static final int ACCOUNT_OFFSET = 8;
    public static final int PRICE_OFFSET = 16;
    public static final int REDUCED_BY_OFFSET = 24;
    public static final int REMAINING_OFFSET = 32;
    public static final int SYMBOL_OFFSET = 40;
    public static final int SIDE_OFFSET = 44;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    /** Wraps an encoded message for reading. */
    public OrderReducedEvent wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        return this;
    }

    /** Wraps a buffer for writing; the setters fill it, and {@link #LENGTH} bytes are used. */
    public OrderReducedEvent wrapForEncode(final MutableDirectBuffer buffer, final int offset)
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

    /** Client-chosen order id, unique among live orders of the exchange. */
    public long orderId()
    {
        return buffer.getLong(offset + ORDER_ID_OFFSET, LE);
    }

    public OrderReducedEvent orderId(final long value)
    {
        mutableBuffer.putLong(offset + ORDER_ID_OFFSET, value, LE);
        return this;
    }

    /** Account id. */
    public long account()
    {
        return buffer.getLong(offset + ACCOUNT_OFFSET, LE);
    }

    public OrderReducedEvent account(final long value)
    {
        mutableBuffer.putLong(offset + ACCOUNT_OFFSET, value, LE);
        return this;
    }

    /** Price in quote-asset units per lot; a multiple of the instrument's tick size. */
    public long price()
    {
        return buffer.getLong(offset + PRICE_OFFSET, LE);
    }

    public OrderReducedEvent price(final long value)
    {
        mutableBuffer.putLong(offset + PRICE_OFFSET, value, LE);
        return this;
    }

    /** Lots taken off. */
    public long reducedBy()
    {
        return buffer.getLong(offset + REDUCED_BY_OFFSET, LE);
    }

    public OrderReducedEvent reducedBy(final long value)
    {
        mutableBuffer.putLong(offset + REDUCED_BY_OFFSET, value, LE);
        return this;
    }

    /** Lots left; 0 means it left the book. */
    public long remaining()
    {
        return buffer.getLong(offset + REMAINING_OFFSET, LE);
    }

    public OrderReducedEvent remaining(final long value)
    {
        mutableBuffer.putLong(offset + REMAINING_OFFSET, value, LE);
        return this;
    }

    /** Instrument's symbol id. */
    public int symbol()
    {
        return buffer.getInt(offset + SYMBOL_OFFSET, LE);
    }

    public OrderReducedEvent symbol(final int value)
    {
        mutableBuffer.putInt(offset + SYMBOL_OFFSET, value, LE);
        return this;
    }

    /** {@link io.ringlog.exchange.Side} code: 0 buy, 1 sell. */
    public int side()
    {
        return buffer.getByte(offset + SIDE_OFFSET);
    }

    public OrderReducedEvent side(final int value)
    {
        mutableBuffer.putByte(offset + SIDE_OFFSET, (byte)value);
        return this;
    }
}
