package io.ringlog.exchange.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * A command was rejected and changed nothing. The reason comes first, so
 * {@link io.ringlog.core.OutputEvent#rejectReason()} reads it too.
 * Flyweight over an Agrona buffer: {@link #wrap} to read, {@link #wrapForEncode} to write; one instance
 * can be reused for every message. Little-endian, 24 bytes:
 *
 * <pre>
 *   0       1       2       3       4       5       6       7
 *  +-------------------------------+-------------------------------+
 *  |           reason (4)          |        command type (4)       |   0
 *  +-------------------------------+-------------------------------+
 *  |                          order id (8)                         |   8
 *  +---------------------------------------------------------------+
 *  |                          account (8)                          |  16
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class RejectedEvent
{
    /** The event type this layout belongs to. */
    public static final int TYPE = EventTypes.REJECTED;
    /** Encoded length in bytes. */
    public static final int LENGTH = 24;
    public static final int REASON_OFFSET = 0;
    public static final int COMMAND_TYPE_OFFSET = 4;
    public static final int ORDER_ID_OFFSET = 8;
    public static final int ACCOUNT_OFFSET = 16;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    /** Wraps an encoded message for reading. */
    public RejectedEvent wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        return this;
    }

    /** Wraps a buffer for writing; the setters fill it, and {@link #LENGTH} bytes are used. */
    public RejectedEvent wrapForEncode(final MutableDirectBuffer buffer, final int offset)
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

    /** {@link io.ringlog.exchange.RejectReason} code. */
    public int reason()
    {
        return buffer.getInt(offset + REASON_OFFSET, LE);
    }

    public RejectedEvent reason(final int value)
    {
        mutableBuffer.putInt(offset + REASON_OFFSET, value, LE);
        return this;
    }

    /** Type of the rejected command ({@link CommandTypes}). */
    public int commandType()
    {
        return buffer.getInt(offset + COMMAND_TYPE_OFFSET, LE);
    }

    public RejectedEvent commandType(final int value)
    {
        mutableBuffer.putInt(offset + COMMAND_TYPE_OFFSET, value, LE);
        return this;
    }

    /** Order id the command named, or 0. */
    public long orderId()
    {
        return buffer.getLong(offset + ORDER_ID_OFFSET, LE);
    }

    public RejectedEvent orderId(final long value)
    {
        mutableBuffer.putLong(offset + ORDER_ID_OFFSET, value, LE);
        return this;
    }

    /** Account the command named, or 0. */
    public long account()
    {
        return buffer.getLong(offset + ACCOUNT_OFFSET, LE);
    }

    public RejectedEvent account(final long value)
    {
        mutableBuffer.putLong(offset + ACCOUNT_OFFSET, value, LE);
        return this;
    }
}
