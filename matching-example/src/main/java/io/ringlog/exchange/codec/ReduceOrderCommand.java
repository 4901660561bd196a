package io.ringlog.exchange.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Takes {@code reduceBy} lots off a resting order, keeping its time priority; reducing by its whole
 * remaining quantity or more removes it.
 * Flyweight over an Agrona buffer: {@link #wrap} to read, {@link #wrapForEncode} to write; one instance
 * can be reused for every message. Little-endian, 24 bytes:
 *
 * <pre>
 *   0       1       2       3       4       5       6       7
 *  +---------------------------------------------------------------+
 *  |                          order id (8)                         |   0
 *  +---------------------------------------------------------------+
 *  |                          account (8)                          |   8
 *  +---------------------------------------------------------------+
 *  |                      reduce by, lots (8)                      |  16
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class ReduceOrderCommand
{
    /** The command type this layout belongs to. */
    public static final int TYPE = CommandTypes.REDUCE_ORDER;
    /** Encoded length in bytes. */
    public static final int LENGTH = 24;
    public static final int ORDER_ID_OFFSET = 0;
    public static final int ACCOUNT_OFFSET = 8;
    public static final int REDUCE_BY_OFFSET = 16;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    /** Wraps an encoded message for reading. */
    public ReduceOrderCommand wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        return this;
    }

    /** Wraps a buffer for writing; the setters fill it, and {@link #LENGTH} bytes are used. */
    public ReduceOrderCommand wrapForEncode(final MutableDirectBuffer buffer, final int offset)
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

    public ReduceOrderCommand orderId(final long value)
    {
        mutableBuffer.putLong(offset + ORDER_ID_OFFSET, value, LE);
        return this;
    }

    /** Account id. */
    public long account()
    {
        return buffer.getLong(offset + ACCOUNT_OFFSET, LE);
    }

    public ReduceOrderCommand account(final long value)
    {
        mutableBuffer.putLong(offset + ACCOUNT_OFFSET, value, LE);
        return this;
    }

    /** Lots to take off; positive. */
    public long reduceBy()
    {
        return buffer.getLong(offset + REDUCE_BY_OFFSET, LE);
    }

    public ReduceOrderCommand reduceBy(final long value)
    {
        mutableBuffer.putLong(offset + REDUCE_BY_OFFSET, value, LE);
        return this;
    }
}
