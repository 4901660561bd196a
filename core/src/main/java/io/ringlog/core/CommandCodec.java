package io.ringlog.core;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The binary layout of one command as journals store it and replicators ship it. Little-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                         position (8)                          |  0
 *  +---------------------------------------------------------------+
 *  |                    timestamp, epoch ns (8)                    |  8
 *  +---------------------------------------------------------------+
 *  |                         source id (8)                         | 16
 *  +---------------------------------------------------------------+
 *  |                      source sequence (8)                      | 24
 *  +---------------------------------------------------------------+
 *  |                      correlation id (8)                       | 32
 *  +-------------------------------+-------------------------------+
 *  |            type (4)           |          version (4)          | 40
 *  +-------------------------------+-------------------------------+
 *  |        payload length (4)     |  magic 'RLC1' (4)             | 48
 *  +-------------------------------+-------------------------------+
 *  |                      payload (length) ...                     | 56
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * The magic word lets a reader tell a command from garbage before trusting the length.
 */
public final class CommandCodec
{
    public static final int POSITION_OFFSET = 0;
    public static final int TIMESTAMP_OFFSET = 8;
    public static final int SOURCE_ID_OFFSET = 16;
    public static final int SOURCE_SEQUENCE_OFFSET = 24;
    public static final int CORRELATION_ID_OFFSET = 32;
    public static final int TYPE_OFFSET = 40;
    public static final int VERSION_OFFSET = 44;
    public static final int PAYLOAD_LENGTH_OFFSET = 48;
    public static final int MAGIC_OFFSET = 52;
    public static final int HEADER_LENGTH = 56;
    /** "RLC1" read as a little-endian int. */
    public static final int MAGIC = 0x31434C52;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private CommandCodec()
    {
    }

    public static int encodedLength(final Command command)
    {
        return HEADER_LENGTH + command.payloadLength();
    }

    /** Writes the command at offset and returns the bytes written. */
    public static int encode(final Command command, final MutableDirectBuffer buffer, final int offset)
    {
        buffer.putLong(offset + POSITION_OFFSET, command.position(), ORDER);
        buffer.putLong(offset + TIMESTAMP_OFFSET, command.timestamp(), ORDER);
        buffer.putLong(offset + SOURCE_ID_OFFSET, command.sourceId(), ORDER);
        buffer.putLong(offset + SOURCE_SEQUENCE_OFFSET, command.sourceSequence(), ORDER);
        buffer.putLong(offset + CORRELATION_ID_OFFSET, command.correlationId(), ORDER);
        buffer.putInt(offset + TYPE_OFFSET, command.type(), ORDER);
        buffer.putInt(offset + VERSION_OFFSET, command.version(), ORDER);
        buffer.putInt(offset + PAYLOAD_LENGTH_OFFSET, command.payloadLength(), ORDER);
        buffer.putInt(offset + MAGIC_OFFSET, MAGIC, ORDER);
        final int length = command.payloadLength();
        if (length > 0)
        {
            buffer.putBytes(offset + HEADER_LENGTH, command.payload(), 0, length);
        }
        return HEADER_LENGTH + length;
    }

    /**
     * Reads one encoded command of {@code length} bytes into {@code into}.
     *
     * @throws CorruptEntryException if the bytes are not a whole, well-formed command.
     */
    public static Command decode(final DirectBuffer buffer, final int offset, final int length, final Command into)
    {
        if (length < HEADER_LENGTH)
        {
            throw new CorruptEntryException("entry of " + length + " bytes is shorter than the " +
                HEADER_LENGTH + "-byte command header");
        }
        final int magic = buffer.getInt(offset + MAGIC_OFFSET, ORDER);
        if (magic != MAGIC)
        {
            throw new CorruptEntryException("bad magic 0x" + Integer.toHexString(magic) + " (not a ringlog command)");
        }
        final int payloadLength = buffer.getInt(offset + PAYLOAD_LENGTH_OFFSET, ORDER);
        if (payloadLength < 0 || HEADER_LENGTH + payloadLength != length)
        {
            throw new CorruptEntryException("payload length " + payloadLength + " does not match entry length " + length);
        }
        if (payloadLength > into.maxPayloadLength())
        {
            throw new CorruptEntryException("payload length " + payloadLength + " exceeds maxPayloadLength " +
                into.maxPayloadLength());
        }
        return into.set(
            buffer.getLong(offset + POSITION_OFFSET, ORDER),
            buffer.getLong(offset + TIMESTAMP_OFFSET, ORDER),
            buffer.getInt(offset + TYPE_OFFSET, ORDER),
            buffer.getInt(offset + VERSION_OFFSET, ORDER),
            buffer.getLong(offset + SOURCE_ID_OFFSET, ORDER),
            buffer.getLong(offset + SOURCE_SEQUENCE_OFFSET, ORDER),
            buffer.getLong(offset + CORRELATION_ID_OFFSET, ORDER),
            buffer,
            offset + HEADER_LENGTH,
            payloadLength);
    }

    /** The position field of an encoded command, without decoding the rest. */
    public static long position(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + POSITION_OFFSET, ORDER);
    }
}
