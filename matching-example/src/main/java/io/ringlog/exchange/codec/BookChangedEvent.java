package io.ringlog.exchange.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * An L2 level changed: its new total quantity and order count; zero total means the level is gone.
 * Flyweight over an Agrona buffer: {@link #wrap} to read, {@link #wrapForEncode} to write; one instance
 * can be reused for every message. Little-endian, 32 bytes:
 *
 * <pre>
 *   0       1       2       3       4       5       6       7
 *  +---------------------------------------------------------------+
 *  |                 price, quote units per lot (8)                |   0
 *  +---------------------------------------------------------------+
 *  |                    total quantity, lots (8)                   |   8
 *  +-------------------------------+-------------------------------+
 *  |           symbol (4)          |        order count (4)        |  16
 *  +-------+-----------------------+-------------------------------+
 *  |  side |                        padding                        |  24
 *  +-------+-------------------------------------------------------+
 * </pre>
 */
public final class BookChangedEvent
{
    /** The event type this layout belongs to. */
    public static final int TYPE = EventTypes.BOOK_CHANGED;
    /** Encoded length in bytes. */
    public static final int LENGTH = 32;
    public static final int PRICE_OFFSET = 0;
    public static final int TOTAL_QUANTITY_OFFSET = 8;
    public static final int SYMBOL_OFFSET = 16;
    public static final int ORDER_COUNT_OFFSET = 20;
    public static final int SIDE_OFFSET = 24;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    /** Wraps an encoded message for reading. */
    public BookChangedEvent wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        return this;
    }

    /** Wraps a buffer for writing; the setters fill it, and {@link #LENGTH} bytes are used. */
    public BookChangedEvent wrapForEncode(final MutableDirectBuffer buffer, final int offset)
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

    /** Price in quote-asset units per lot; a multiple of the instrument's tick size. */
    public long price()
    {
        return buffer.getLong(offset + PRICE_OFFSET, LE);
    }

    public BookChangedEvent price(final long value)
    {
        mutableBuffer.putLong(offset + PRICE_OFFSET, value, LE);
        return this;
    }

    /** Lots resting at this price after the change. */
    public long totalQuantity()
    {
        return buffer.getLong(offset + TOTAL_QUANTITY_OFFSET, LE);
    }

    public BookChangedEvent totalQuantity(final long value)
    {
        mutableBuffer.putLong(offset + TOTAL_QUANTITY_OFFSET, value, LE);
        return this;
    }

    /** Instrument's symbol id. */
    public int symbol()
    {
        return buffer.getInt(offset + SYMBOL_OFFSET, LE);
    }

    public BookChangedEvent symbol(final int value)
    {
        mutableBuffer.putInt(offset + SYMBOL_OFFSET, value, LE);
        return this;
    }

    /** Orders resting at this price after the change. */
    public int orderCount()
    {
        return buffer.getInt(offset + ORDER_COUNT_OFFSET, LE);
    }

    public BookChangedEvent orderCount(final int value)
    {
        mutableBuffer.putInt(offset + ORDER_COUNT_OFFSET, value, LE);
        return this;
    }

    /** {@link io.ringlog.exchange.Side} code: 0 buy, 1 sell. */
    public int side()
    {
        return buffer.getByte(offset + SIDE_OFFSET);
    }

    public BookChangedEvent side(final int value)
    {
        mutableBuffer.putByte(offset + SIDE_OFFSET, (byte)value);
        return this;
    }
}
