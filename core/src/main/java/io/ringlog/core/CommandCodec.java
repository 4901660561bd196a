package io.ringlog.core;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The binary layout of one command as journals store it and replicators ship it. Little-endian.
 *
 * <pre>
 * entry format 2, magic 'RLC2' (written by this code)
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
 *  |        payload length (4)     |  magic 'RLC2' (4)             | 48
 *  +-------------------------------+-------------------------------+
 *  |  CRC32C (4) of bytes 0..55,   |  flags (4), 0                 | 56
 *  |  60..63 and the payload       |                               |
 *  +-------------------------------+-------------------------------+
 *  |                      payload (length) ...                     | 64
 *  +---------------------------------------------------------------+
 *
 * entry format 1, magic 'RLC1' (journals written before checksums; read, never written)
 *  bytes 0..55 as above with magic 'RLC1', then the payload from byte 56; no checksum.
 * </pre>
 *
 * The magic sits at the same offset in both formats, so a reader tells them apart (and a command
 * from garbage) before trusting the length. The checksum covers every byte of the entry but its own
 * field, so a flipped bit anywhere, header or payload, is a {@link CorruptEntryException} saying
 * "checksum mismatch", never a command that decodes to other values.
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
    public static final int CHECKSUM_OFFSET = 56;
    public static final int FLAGS_OFFSET = 60;
    /** Header length of the format this code writes (2). */
    public static final int HEADER_LENGTH = 64;
    /** Header length of entry format 1, which had no checksum. */
    public static final int LEGACY_HEADER_LENGTH = 56;
    /** "RLC2" read as a little-endian int: entry format 2, with a checksum. */
    public static final int MAGIC = 0x32434C52;
    /** "RLC1" read as a little-endian int: entry format 1, without a checksum. */
    public static final int LEGACY_MAGIC = 0x31434C52;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    private static final ThreadLocal<Crc32c> LOCAL_CRC = ThreadLocal.withInitial(Crc32c::new);

    private CommandCodec()
    {
    }

    public static int encodedLength(final Command command)
    {
        return HEADER_LENGTH + command.payloadLength();
    }

    /**
     * Writes the command at offset, checksum included, and returns the bytes written. Uses a
     * per-thread {@link Crc32c}; hot paths that own one pass it to
     * {@link #encode(Command, MutableDirectBuffer, int, Crc32c)}.
     */
    public static int encode(final Command command, final MutableDirectBuffer buffer, final int offset)
    {
        return encode(command, buffer, offset, LOCAL_CRC.get());
    }

    /** Writes the command at offset, checksum included, and returns the bytes written. */
    public static int encode(
        final Command command, final MutableDirectBuffer buffer, final int offset, final Crc32c crc)
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
        buffer.putInt(offset + FLAGS_OFFSET, 0, ORDER);
        final int length = command.payloadLength();
        if (length > 0)
        {
            buffer.putBytes(offset + HEADER_LENGTH, command.payload(), 0, length);
        }
        buffer.putInt(offset + CHECKSUM_OFFSET, checksum(buffer, offset, HEADER_LENGTH + length, crc), ORDER);
        return HEADER_LENGTH + length;
    }

    /**
     * The CRC32C an encoded format-2 entry of {@code length} bytes should carry: bytes 0..55, then
     * everything from 60 on (the checksum field itself is left out).
     */
    public static int checksum(final DirectBuffer buffer, final int offset, final int length, final Crc32c crc)
    {
        return crc.reset()
            .update(buffer, offset, CHECKSUM_OFFSET)
            .update(buffer, offset + FLAGS_OFFSET, length - FLAGS_OFFSET)
            .value();
    }

    /**
     * The checksum of a command as this code encodes it: what the entry at its position carries in a
     * journal written now, computed from the fields alone, so it can be compared whatever format or
     * journal holds the command (a snapshot keeps it to name the history it was taken on). Encodes
     * into {@code scratch}, which must hold {@link #encodedLength(Command)} bytes.
     */
    public static int checksum(final Command command, final MutableDirectBuffer scratch, final Crc32c crc)
    {
        encode(command, scratch, 0, crc);
        return scratch.getInt(CHECKSUM_OFFSET, ORDER);
    }

    /** {@link #decode(DirectBuffer, int, int, Command, Crc32c)} with a per-thread {@link Crc32c}. */
    public static Command decode(final DirectBuffer buffer, final int offset, final int length, final Command into)
    {
        return decode(buffer, offset, length, into, LOCAL_CRC.get());
    }

    /**
     * Reads one encoded command of {@code length} bytes into {@code into}, in either format; a
     * format-2 entry must match its checksum.
     *
     * @throws CorruptEntryException if the bytes are not a whole, intact command.
     */
    public static Command decode(
        final DirectBuffer buffer, final int offset, final int length, final Command into, final Crc32c crc)
    {
        final int headerLength = check(buffer, offset, length, crc);
        final int payloadLength = length - headerLength;
        if (payloadLength > into.maxPayloadLength())
        {
            // It passed its checks: the entry is whole, only larger than this reader was sized for.
            throw new CorruptEntryException("the entry is whole, but its payload of " + payloadLength + " bytes is " +
                "larger than the maxPayloadLength " + into.maxPayloadLength() + " it is read with: open the journal, " +
                "and the engine, with a maxPayloadLength of at least " + payloadLength + " (the one it was written with)");
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
            offset + headerLength,
            payloadLength);
    }

    /**
     * Checks that {@code length} bytes are one whole, intact command in either format (magic, lengths,
     * and for format 2 the checksum), without decoding it or bounding its payload.
     *
     * @return the header length of its format.
     * @throws CorruptEntryException saying what is wrong.
     */
    public static int check(final DirectBuffer buffer, final int offset, final int length, final Crc32c crc)
    {
        if (length < LEGACY_HEADER_LENGTH)
        {
            throw new CorruptEntryException("entry of " + length + " bytes is shorter than a command header (" +
                LEGACY_HEADER_LENGTH + " bytes in format 1, " + HEADER_LENGTH + " in format 2)");
        }
        final int magic = buffer.getInt(offset + MAGIC_OFFSET, ORDER);
        final int headerLength;
        if (magic == MAGIC)
        {
            headerLength = HEADER_LENGTH;
            if (length < HEADER_LENGTH)
            {
                throw new CorruptEntryException("entry of " + length + " bytes is shorter than the " + HEADER_LENGTH +
                    "-byte command header");
            }
            final int stored = buffer.getInt(offset + CHECKSUM_OFFSET, ORDER);
            final int computed = checksum(buffer, offset, length, crc);
            if (stored != computed)
            {
                throw new CorruptEntryException("checksum mismatch: the entry's " + length + " bytes have CRC32C 0x" +
                    Integer.toHexString(computed) + " but it carries 0x" + Integer.toHexString(stored) +
                    " (damaged on disk or in transit)");
            }
            final int flags = buffer.getInt(offset + FLAGS_OFFSET, ORDER);
            if (flags != 0)
            {
                throw new CorruptEntryException("unknown flags 0x" + Integer.toHexString(flags) +
                    " (written by newer code?)");
            }
        }
        else if (magic == LEGACY_MAGIC)
        {
            headerLength = LEGACY_HEADER_LENGTH;
        }
        else
        {
            throw new CorruptEntryException("bad magic 0x" + Integer.toHexString(magic) +
                " (not a ringlog command, or damaged)");
        }
        final int payloadLength = buffer.getInt(offset + PAYLOAD_LENGTH_OFFSET, ORDER);
        if (payloadLength < 0 || headerLength + payloadLength != length)
        {
            throw new CorruptEntryException("payload length " + payloadLength + " does not match entry length " + length);
        }
        return headerLength;
    }

    /**
     * The length of the entry at {@code offset}, read from its header (magic and payload length),
     * without checking its checksum: how a reader steps through several entries stored back to back
     * (a journal document holding a batch). {@link #check} then checks the entry at that length.
     *
     * @param available bytes from {@code offset} to the end of what holds the entry.
     * @throws CorruptEntryException if no whole entry header is there, or the length it gives runs past
     *                               {@code available}.
     */
    public static int entryLength(final DirectBuffer buffer, final int offset, final int available)
    {
        if (available < LEGACY_HEADER_LENGTH)
        {
            throw new CorruptEntryException(available + " bytes left, fewer than a command header (" +
                LEGACY_HEADER_LENGTH + " bytes in format 1, " + HEADER_LENGTH + " in format 2)");
        }
        final int magic = buffer.getInt(offset + MAGIC_OFFSET, ORDER);
        final int headerLength = magic == MAGIC ? HEADER_LENGTH : magic == LEGACY_MAGIC ? LEGACY_HEADER_LENGTH : -1;
        if (headerLength < 0)
        {
            throw new CorruptEntryException("bad magic 0x" + Integer.toHexString(magic) +
                " (not a ringlog command, or damaged)");
        }
        final int payloadLength = buffer.getInt(offset + PAYLOAD_LENGTH_OFFSET, ORDER);
        if (payloadLength < 0 || available < headerLength || payloadLength > available - headerLength)
        {
            throw new CorruptEntryException("payload length " + payloadLength + " runs past the " + available +
                " bytes that hold the entry");
        }
        return headerLength + payloadLength;
    }

    /** The position field of an encoded command, without decoding the rest. */
    public static long position(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + POSITION_OFFSET, ORDER);
    }

    /** The entry format of encoded bytes from their magic: 2, 1, or 0 when they are no command. */
    public static int format(final DirectBuffer buffer, final int offset)
    {
        final int magic = buffer.getInt(offset + MAGIC_OFFSET, ORDER);
        return magic == MAGIC ? 2 : magic == LEGACY_MAGIC ? 1 : 0;
    }
}
