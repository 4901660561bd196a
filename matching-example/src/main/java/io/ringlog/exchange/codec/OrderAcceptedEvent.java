package io.ringlog.exchange.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * An order passed validation and had its funds reserved; its trades, if any, follow.
 * Flyweight over an Agrona buffer: {@link #wrap} to read, {@link #wrapForEncode} to write; one instance
 * can be reused for every message. Little-endian, 40 bytes:
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
 *  |                       quantity, lots (8)                      |  24
 *  +-------------------------------+-------+-------+---------------+
 *  |           symbol (4)          |  side |  type |    padding    |  32
 *  +-------------------------------+-------+-------+---------------+
 * </pre>
 */
public final class OrderAcceptedEvent
{
    /** The event type this layout belongs to. */
    public static final int TYPE = EventTypes.ORDER_ACCEPTED;
    /** Encoded length in bytes. */
    public static final int LENGTH = 40;
    public static final int ORDER_ID_OFFSET = 0;
    public static final int ACCOUNT_OFFSET = 8;
    public static final int PRICE_OFFSET = 16;
    public static final int QUANTITY_OFFSET = 24;
    public static final int SYMBOL_OFFSET = 32;
    public static final int SIDE_OFFSET = 36;
    public static final int ORDER_TYPE_OFFSET = 37;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    /** Wraps an encoded message for reading. */
    public OrderAcceptedEvent wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        return this;
    }

    /** Wraps a buffer for writing; the setters fill it, and {@link #LENGTH} bytes are used. */
    public OrderAcceptedEvent wrapForEncode(final MutableDirectBuffer buffer, final int offset)
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

    public OrderAcceptedEvent orderId(final long value)
    {
        mutableBuffer.putLong(offset + ORDER_ID_OFFSET, value, LE);
        return this;
    }

    /** Account id. */
    public long account()
    {
        return buffer.getLong(offset + ACCOUNT_OFFSET, LE);
    }

    public OrderAcceptedEvent account(final long value)
    {
        mutableBuffer.putLong(offset + ACCOUNT_OFFSET, value, LE);
        return this;
    }

    /** Price in quote-asset units per lot; a multiple of the instrument's tick size. */
    public long price()
    {
        return buffer.getLong(offset + PRICE_OFFSET, LE);
    }

    public OrderAcceptedEvent price(final long value)
    {
        mutableBuffer.putLong(offset + PRICE_OFFSET, value, LE);
        return this;
    }

    /** Quantity in lots. */
    public long quantity()
    {
        return buffer.getLong(offset + QUANTITY_OFFSET, LE);
    }

    public OrderAcceptedEvent quantity(final long value)
    {
        mutableBuffer.putLong(offset + QUANTITY_OFFSET, value, LE);
        return this;
    }

    /** Instrument's symbol id. */
    public int symbol()
    {
        return buffer.getInt(offset + SYMBOL_OFFSET, LE);
    }

    public OrderAcceptedEvent symbol(final int value)
    {
        mutableBuffer.putInt(offset + SYMBOL_OFFSET, value, LE);
        return this;
    }

    /** {@link io.ringlog.exchange.Side} code: 0 buy, 1 sell. */
    public int side()
    {
        return buffer.getByte(offset + SIDE_OFFSET);
    }

    public OrderAcceptedEvent side(final int value)
    {
        mutableBuffer.putByte(offset + SIDE_OFFSET, (byte)value);
        return this;
    }

    /** {@link io.ringlog.exchange.OrderType} code. */
    public int orderType()
    {
        return buffer.getByte(offset + ORDER_TYPE_OFFSET);
    }

    public OrderAcceptedEvent orderType(final int value)
    {
        mutableBuffer.putByte(offset + ORDER_TYPE_OFFSET, (byte)value);
        return this;
    }
}
