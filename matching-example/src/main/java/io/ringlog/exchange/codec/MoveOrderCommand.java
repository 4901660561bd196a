package io.ringlog.exchange.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Moves a resting order to a new price: it loses time priority and may match at once.
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
 *  |                         new price (8)                         |  16
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class MoveOrderCommand
{
    /** The command type this layout belongs to. */
    public static final int TYPE = CommandTypes.MOVE_ORDER;
    /** Encoded length in bytes. */
    public static final int LENGTH = 24;
    public static final int ORDER_ID_OFFSET = 0;
    public static final int ACCOUNT_OFFSET = 8;
    public static final int NEW_PRICE_OFFSET = 16;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    /** Wraps an encoded message for reading. */
    public MoveOrderCommand wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        return this;
    }

    /** Wraps a buffer for writing; the setters fill it, and {@link #LENGTH} bytes are used. */
    public MoveOrderCommand wrapForEncode(final MutableDirectBuffer buffer, final int offset)
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

    public MoveOrderCommand orderId(final long value)
    {
        mutableBuffer.putLong(offset + ORDER_ID_OFFSET, value, LE);
        return this;
    }

    /** Account id. */
    public long account()
    {
        return buffer.getLong(offset + ACCOUNT_OFFSET, LE);
    }

    public MoveOrderCommand account(final long value)
    {
        mutableBuffer.putLong(offset + ACCOUNT_OFFSET, value, LE);
        return this;
    }

    /** New price in quote units per lot; a multiple of the tick size. */
    public long newPrice()
    {
        return buffer.getLong(offset + NEW_PRICE_OFFSET, LE);
    }

    public MoveOrderCommand newPrice(final long value)
    {
        mutableBuffer.putLong(offset + NEW_PRICE_OFFSET, value, LE);
        return this;
    }
}
