package io.ringlog.exchange.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Credits {@code amount} units of an asset to an account's free balance; opens the account on first use.
 * Flyweight over an Agrona buffer: {@link #wrap} to read, {@link #wrapForEncode} to write; one instance
 * can be reused for every message. Little-endian, 24 bytes:
 *
 * <pre>
 *   0       1       2       3       4       5       6       7
 *  +---------------------------------------------------------------+
 *  |                          account (8)                          |   0
 *  +---------------------------------------------------------------+
 *  |                    amount, asset units (8)                    |   8
 *  +-------------------------------+-------------------------------+
 *  |           asset (4)           |            padding            |  16
 *  +-------------------------------+-------------------------------+
 * </pre>
 */
public final class DepositCommand
{
    /** The command type this layout belongs to. */
    public static final int TYPE = CommandTypes.DEPOSIT;
    /** Encoded length in bytes. */
    public static final int LENGTH = 24;
    public static final int ACCOUNT_OFFSET = 0;
    public static final int AMOUNT_OFFSET = 8;
    public static final int ASSET_OFFSET = 16;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    /** Wraps an encoded message for reading. */
    public DepositCommand wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        return this;
    }

    /** Wraps a buffer for writing; the setters fill it, and {@link #LENGTH} bytes are used. */
    public DepositCommand wrapForEncode(final MutableDirectBuffer buffer, final int offset)
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

    public DepositCommand account(final long value)
    {
        mutableBuffer.putLong(offset + ACCOUNT_OFFSET, value, LE);
        return this;
    }

    /** Amount in the asset's smallest unit; positive. */
    public long amount()
    {
        return buffer.getLong(offset + AMOUNT_OFFSET, LE);
    }

    public DepositCommand amount(final long value)
    {
        mutableBuffer.putLong(offset + AMOUNT_OFFSET, value, LE);
        return this;
    }

    /** Asset id. */
    public int asset()
    {
        return buffer.getInt(offset + ASSET_OFFSET, LE);
    }

    public DepositCommand asset(final int value)
    {
        mutableBuffer.putInt(offset + ASSET_OFFSET, value, LE);
        return this;
    }
}
