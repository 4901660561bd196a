package io.ringlog.exchange.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * An account's balance of one asset after a change: free and reserved by resting orders.
 * Flyweight over an Agrona buffer: {@link #wrap} to read, {@link #wrapForEncode} to write; one instance
 * can be reused for every message. Little-endian, 32 bytes:
 *
 * <pre>
 *   0       1       2       3       4       5       6       7
 *  +---------------------------------------------------------------+
 *  |                          account (8)                          |   0
 *  +---------------------------------------------------------------+
 *  |                            free (8)                           |   8
 *  +---------------------------------------------------------------+
 *  |                          reserved (8)                         |  16
 *  +-------------------------------+-------------------------------+
 *  |           asset (4)           |            padding            |  24
 *  +-------------------------------+-------------------------------+
 * </pre>
 */
public final class BalanceChangedEvent
{
    /** The event type this layout belongs to. */
    public static final int TYPE = EventTypes.BALANCE_CHANGED;
    /** Encoded length in bytes. */
    public static final int LENGTH = 32;
    public static final int ACCOUNT_OFFSET = 0;
    public static final int FREE_OFFSET = 8;
    public static final int RESERVED_OFFSET = 16;
    public static final int ASSET_OFFSET = 24;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    /** Wraps an encoded message for reading. */
    public BalanceChangedEvent wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        return this;
    }

    /** Wraps a buffer for writing; the setters fill it, and {@link #LENGTH} bytes are used. */
    public BalanceChangedEvent wrapForEncode(final MutableDirectBuffer buffer, final int offset)
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

    /** Account id. */
    public long account()
    {
        return buffer.getLong(offset + ACCOUNT_OFFSET, LE);
    }

    public BalanceChangedEvent account(final long value)
    {
        mutableBuffer.putLong(offset + ACCOUNT_OFFSET, value, LE);
        return this;
    }

    /** Units free to trade or withdraw. */
    public long free()
    {
        return buffer.getLong(offset + FREE_OFFSET, LE);
    }

    public BalanceChangedEvent free(final long value)
    {
        mutableBuffer.putLong(offset + FREE_OFFSET, value, LE);
        return this;
    }

    /** Units held by resting orders. */
    public long reserved()
    {
        return buffer.getLong(offset + RESERVED_OFFSET, LE);
    }

    public BalanceChangedEvent reserved(final long value)
    {
        mutableBuffer.putLong(offset + RESERVED_OFFSET, value, LE);
        return this;
    }

    /** Asset id. */
    public int asset()
    {
        return buffer.getInt(offset + ASSET_OFFSET, LE);
    }

    public BalanceChangedEvent asset(final int value)
    {
        mutableBuffer.putInt(offset + ASSET_OFFSET, value, LE);
        return this;
    }
}
