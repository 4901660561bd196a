package io.ringlog.exchange.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The exchange's settings, as the first command of its journal (position 1): the settings its state
 * depends on travel with the journal, so every replay builds the exchange the journal was written by.
 * Flyweight over an Agrona buffer: {@link #wrap} to read, {@link #wrapForEncode} to write. Little-endian,
 * 8 bytes:
 *
 * <pre>
 *   0       1       2       3       4       5       6       7
 *  +-------------------------------+-------------------------------+
 *  |     settings version (4)      |        max assets (4)         |   0
 *  +-------------------------------+-------------------------------+
 * </pre>
 */
public final class ConfigureCommand
{
    /** The command type this layout belongs to. */
    public static final int TYPE = CommandTypes.CONFIGURE;
    /** Encoded length in bytes. */
    public static final int LENGTH = 8;
    /** The settings layout this code writes and reads. */
    public static final int SETTINGS_VERSION = 1;
    public static final int SETTINGS_VERSION_OFFSET = 0;
    public static final int MAX_ASSETS_OFFSET = 4;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    /** Wraps an encoded message for reading. */
    public ConfigureCommand wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        return this;
    }

    /** Wraps a buffer for writing; the setters fill it, and {@link #LENGTH} bytes are used. */
    public ConfigureCommand wrapForEncode(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer;
        this.offset = offset;
        buffer.setMemory(offset, LENGTH, (byte)0);
        return this;
    }

    /** Layout of the settings; {@link #SETTINGS_VERSION} for these. */
    public int settingsVersion()
    {
        return buffer.getInt(offset + SETTINGS_VERSION_OFFSET, LE);
    }

    public ConfigureCommand settingsVersion(final int value)
    {
        mutableBuffer.putInt(offset + SETTINGS_VERSION_OFFSET, value, LE);
        return this;
    }

    /** Asset ids are 0..maxAssets-1; every account keeps a balance for each. */
    public int maxAssets()
    {
        return buffer.getInt(offset + MAX_ASSETS_OFFSET, LE);
    }

    public ConfigureCommand maxAssets(final int value)
    {
        mutableBuffer.putInt(offset + MAX_ASSETS_OFFSET, value, LE);
        return this;
    }
}
