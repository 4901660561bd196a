package io.ringlog.exchange.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Admin command: lists an instrument. Base and quote are asset ids; tick size is in quote units per lot,
 * lot size in base units.
 * Flyweight over an Agrona buffer: {@link #wrap} to read, {@link #wrapForEncode} to write; one instance
 * can be reused for every message. Little-endian, 32 bytes:
 *
 * <pre>
 *   0       1       2       3       4       5       6       7
 *  +-------------------------------+-------------------------------+
 *  |           symbol (4)          |         base asset (4)        |   0
 *  +-------------------------------+-------------------------------+
 *  |        quote asset (4)        |            padding            |   8
 *  +-------------------------------+-------------------------------+
 *  |                   tick size, quote units (8)                  |  16
 *  +---------------------------------------------------------------+
 *  |                    lot size, base units (8)                   |  24
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class AddInstrumentCommand
{
    /** The command type this layout belongs to. */
    public static final int TYPE = CommandTypes.ADD_INSTRUMENT;
    /** Encoded length in bytes. */
    public static final int LENGTH = 32;
    public static final int SYMBOL_OFFSET = 0;
    public static final int BASE_ASSET_OFFSET = 4;
    public static final int QUOTE_ASSET_OFFSET = 8;
    public static final int TICK_SIZE_OFFSET = 16;
    public static final int LOT_SIZE_OFFSET = 24;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    /** Wraps an encoded message for reading. */
    public AddInstrumentCommand wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        return this;
    }

    /** Wraps a buffer for writing; the setters fill it, and {@link #LENGTH} bytes are used. */
    public AddInstrumentCommand wrapForEncode(final MutableDirectBuffer buffer, final int offset)
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

    /** Instrument's symbol id. */
    public int symbol()
    {
        return buffer.getInt(offset + SYMBOL_OFFSET, LE);
    }

    public AddInstrumentCommand symbol(final int value)
    {
        mutableBuffer.putInt(offset + SYMBOL_OFFSET, value, LE);
        return this;
    }

    /** Asset bought and sold, counted in lots. */
    public int baseAsset()
    {
        return buffer.getInt(offset + BASE_ASSET_OFFSET, LE);
    }

    public AddInstrumentCommand baseAsset(final int value)
    {
        mutableBuffer.putInt(offset + BASE_ASSET_OFFSET, value, LE);
        return this;
    }

    /** Asset prices are paid in. */
    public int quoteAsset()
    {
        return buffer.getInt(offset + QUOTE_ASSET_OFFSET, LE);
    }

    public AddInstrumentCommand quoteAsset(final int value)
    {
        mutableBuffer.putInt(offset + QUOTE_ASSET_OFFSET, value, LE);
        return this;
    }

    /** Smallest price step, in quote units per lot; every price is a multiple of it. */
    public long tickSize()
    {
        return buffer.getLong(offset + TICK_SIZE_OFFSET, LE);
    }

    public AddInstrumentCommand tickSize(final long value)
    {
        mutableBuffer.putLong(offset + TICK_SIZE_OFFSET, value, LE);
        return this;
    }

    /** Base-asset units in one lot; quantities count lots. */
    public long lotSize()
    {
        return buffer.getLong(offset + LOT_SIZE_OFFSET, LE);
    }

    public AddInstrumentCommand lotSize(final long value)
    {
        mutableBuffer.putLong(offset + LOT_SIZE_OFFSET, value, LE);
        return this;
    }
}
