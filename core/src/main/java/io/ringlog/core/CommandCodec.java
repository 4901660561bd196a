package io.ringlog.core;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The binary layout of one command as journals store it and replicators ship it. Little-endian.
 *
 * <pre>
 * entry format 3, magic 'RLC' 0xB3 (what journals are written in: {@link #encodeCompact})
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+-------------------------------+
 *  |        payload length (4)     |  magic 'RLC' 0xB3 (4)         |  0
 *  +-------------------------------+---------------+-------+-------+
 *  |  CRC32C (4) of bytes 0..7     |   type (2)    |version| flags |  8
 *  |  and 12 to the end            |   unsigned    |  (1)  |  (1)  |
 *  +-------------------------------+---------------+-------+-------+
 *  |                         position (8)                          | 16
 *  +---------------------------------------------------------------+
 *  |                    timestamp, epoch ns (8)                    | 24
 *  +---------------------------------------------------------------+
 *  |  then only the fields the flags name, in this order:          | 32
 *  |    source id and source sequence: 4 bytes each (flag 0x01)    |
 *  |                                or 8 bytes each (flag 0x02)    |
 *  |    correlation id: 4 bytes (flag 0x04) or 8 bytes (flag 0x08) |
 *  |  (a 4-byte field holds a value that fits an int, sign-extended)|
 *  +---------------------------------------------------------------+
 *  |                         payload ...                           |
 *  +---------------------------------------------------------------+
 *
 * entry format 2, magic 'RLC2' (what replication ships, and the canonical form checksums name; journals
 * hold it for commands whose type or version does not fit format 3, and from before format 3)
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
 * Formats 1 and 2 keep their magic at byte 52; format 3 keeps it at byte 4, where formats 1 and 2 hold
 * the high half of a position, which is never negative, while format 3's magic is. So a reader tells the
 * three apart (and a command from garbage) before trusting a length. Format 3 exists because a journal's
 * write rate is bounded by the bytes it writes: a small command is about 40 bytes in it against 72 in
 * format 2. The checksum covers every byte of the entry but its own
 * field, so a flipped bit anywhere, header or payload, is a {@link CorruptEntryException} saying
 * "checksum mismatch", never a command that decodes to other values.
 *
 * <p>Checksums that name a command across journals and formats (a snapshot's, replication's comparison
 * of two histories) are format 2's: {@link #checksum(Command, MutableDirectBuffer, Crc32c)}. What an
 * entry carries in its own format is {@link #storedChecksum}.
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

    /** Entry format 3's magic, 'RLC' then 0xB3, read as a little-endian int: negative, at byte 4. */
    public static final int COMPACT_MAGIC = 0xB3434C52;
    public static final int COMPACT_LENGTH_OFFSET = 0;
    public static final int COMPACT_MAGIC_OFFSET = 4;
    public static final int COMPACT_CHECKSUM_OFFSET = 8;
    public static final int COMPACT_TYPE_OFFSET = 12;
    public static final int COMPACT_VERSION_OFFSET = 14;
    public static final int COMPACT_FLAGS_OFFSET = 15;
    public static final int COMPACT_POSITION_OFFSET = 16;
    public static final int COMPACT_TIMESTAMP_OFFSET = 24;
    /** Format 3's fixed header; the optional fields its flags name follow it. */
    public static final int COMPACT_HEADER_LENGTH = 32;
    /** The shortest entry of any format: a format-3 header with no optional field and no payload. */
    public static final int MIN_ENTRY_LENGTH = COMPACT_HEADER_LENGTH;
    /** Format 3 flag: source id and source sequence follow the header as two ints. */
    public static final int FLAG_SOURCE_INT = 0x01;
    /** Format 3 flag: source id and source sequence follow the header as two longs. */
    public static final int FLAG_SOURCE_LONG = 0x02;
    /** Format 3 flag: the correlation id follows (after any source fields) as an int. */
    public static final int FLAG_CORRELATION_INT = 0x04;
    /** Format 3 flag: the correlation id follows (after any source fields) as a long. */
    public static final int FLAG_CORRELATION_LONG = 0x08;

    private static final int KNOWN_FLAGS = 0x0F;
    private static final String HEADERS = MIN_ENTRY_LENGTH + " bytes or more in format 3, " + LEGACY_HEADER_LENGTH +
        " in format 1, " + HEADER_LENGTH + " in format 2";
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
     * Bytes the command takes in the format journals are written in ({@link #encodeCompact}); never more
     * than {@link #encodedLength(Command)}.
     */
    public static int compactLength(final Command command)
    {
        if (!fitsCompact(command))
        {
            return encodedLength(command);
        }
        return COMPACT_HEADER_LENGTH + optionalLength(compactFlags(command)) + command.payloadLength();
    }

    /**
     * Writes the command at offset in entry format 3, checksum included, and returns the bytes written
     * ({@link #compactLength(Command)}). A command whose type does not fit 16 unsigned bits, or whose
     * version 8, is written in format 2, which every reader of format 3 also reads.
     */
    public static int encodeCompact(
        final Command command, final MutableDirectBuffer buffer, final int offset, final Crc32c crc)
    {
        if (!fitsCompact(command))
        {
            return encode(command, buffer, offset, crc);
        }
        final int flags = compactFlags(command);
        final int length = command.payloadLength();
        buffer.putInt(offset + COMPACT_LENGTH_OFFSET, length, ORDER);
        buffer.putInt(offset + COMPACT_MAGIC_OFFSET, COMPACT_MAGIC, ORDER);
        buffer.putShort(offset + COMPACT_TYPE_OFFSET, (short)command.type(), ORDER);
        buffer.putByte(offset + COMPACT_VERSION_OFFSET, (byte)command.version());
        buffer.putByte(offset + COMPACT_FLAGS_OFFSET, (byte)flags);
        buffer.putLong(offset + COMPACT_POSITION_OFFSET, command.position(), ORDER);
        buffer.putLong(offset + COMPACT_TIMESTAMP_OFFSET, command.timestamp(), ORDER);
        int at = offset + COMPACT_HEADER_LENGTH;
        if ((flags & FLAG_SOURCE_INT) != 0)
        {
            buffer.putInt(at, (int)command.sourceId(), ORDER);
            buffer.putInt(at + 4, (int)command.sourceSequence(), ORDER);
            at += 8;
        }
        else if ((flags & FLAG_SOURCE_LONG) != 0)
        {
            buffer.putLong(at, command.sourceId(), ORDER);
            buffer.putLong(at + 8, command.sourceSequence(), ORDER);
            at += 16;
        }
        if ((flags & FLAG_CORRELATION_INT) != 0)
        {
            buffer.putInt(at, (int)command.correlationId(), ORDER);
            at += 4;
        }
        else if ((flags & FLAG_CORRELATION_LONG) != 0)
        {
            buffer.putLong(at, command.correlationId(), ORDER);
            at += 8;
        }
        if (length > 0)
        {
            buffer.putBytes(at, command.payload(), 0, length);
        }
        final int total = at + length - offset;
        buffer.putInt(offset + COMPACT_CHECKSUM_OFFSET, compactChecksum(buffer, offset, total, crc), ORDER);
        return total;
    }

    private static boolean fitsCompact(final Command command)
    {
        return (command.type() & ~0xFFFF) == 0 && (command.version() & ~0xFF) == 0;
    }

    private static int compactFlags(final Command command)
    {
        final long sourceId = command.sourceId();
        final long sourceSequence = command.sourceSequence();
        final long correlationId = command.correlationId();
        int flags = 0;
        if (sourceId != 0 || sourceSequence != 0)
        {
            flags |= sourceId == (int)sourceId && sourceSequence == (int)sourceSequence ? FLAG_SOURCE_INT :
                FLAG_SOURCE_LONG;
        }
        if (correlationId != 0)
        {
            flags |= correlationId == (int)correlationId ? FLAG_CORRELATION_INT : FLAG_CORRELATION_LONG;
        }
        return flags;
    }

    /** Bytes the optional fields named by format-3 flags take; -1 for flags no reader knows. */
    private static int optionalLength(final int flags)
    {
        if ((flags & ~KNOWN_FLAGS) != 0 || (flags & 0x03) == 0x03 || (flags & 0x0C) == 0x0C)
        {
            return -1;
        }
        return ((flags & FLAG_SOURCE_INT) != 0 ? 8 : 0) + ((flags & FLAG_SOURCE_LONG) != 0 ? 16 : 0) +
            ((flags & FLAG_CORRELATION_INT) != 0 ? 4 : 0) + ((flags & FLAG_CORRELATION_LONG) != 0 ? 8 : 0);
    }

    private static int compactChecksum(final DirectBuffer buffer, final int offset, final int length, final Crc32c crc)
    {
        return checksumAround(buffer, offset, length, COMPACT_CHECKSUM_OFFSET, crc);
    }

    /** The CRC32C of an entry's {@code length} bytes but the 4-byte checksum field at {@code field}. */
    private static int checksumAround(
        final DirectBuffer buffer, final int offset, final int length, final int field, final Crc32c crc)
    {
        return crc.reset().update(buffer, offset, field).update(buffer, offset + field + 4, length - field - 4).value();
    }

    /** Whether the bytes at offset, of which {@code available} can be read, start a format-3 entry. */
    private static boolean isCompact(final DirectBuffer buffer, final int offset, final int available)
    {
        return available >= COMPACT_MAGIC_OFFSET + 4 && buffer.getInt(offset + COMPACT_MAGIC_OFFSET, ORDER) == COMPACT_MAGIC;
    }

    /**
     * Whether the 56 or more bytes at offset are no format-2 entry (no 'RLC2' at byte 52: its checksum
     * decides) and bytes 4..7, not format 3's magic, are no position of format 1 either: negative (format
     * 3's magic with a bit of its first three bytes flipped) or starting 'RLC' (its last byte flipped), which
     * a position would only be past 10^16. A damaged format-3 entry is then never read as one of format 1,
     * which has no checksum, whatever its payload holds at byte 52.
     */
    private static boolean damagedCompactMagic(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + MAGIC_OFFSET, ORDER) != MAGIC &&
            damagedCompactMagic(buffer.getInt(offset + COMPACT_MAGIC_OFFSET, ORDER));
    }

    /**
     * Whether the little-endian int at an entry's bytes 4..7, not format 3's magic, is no position of format
     * 1 either (see {@link #damagedCompactMagic(DirectBuffer, int)}).
     */
    public static boolean damagedCompactMagic(final int word)
    {
        return word != COMPACT_MAGIC && (word < 0 || (word & 0x00FF_FFFF) == (COMPACT_MAGIC & 0x00FF_FFFF));
    }

    /**
     * The length a format-3 entry has by its header: fixed header, the optional fields its flags name, and
     * the payload; -1 where the flags are unknown or the payload length negative.
     */
    public static int compactEntryLength(final int payloadLength, final int flags)
    {
        final int optional = optionalLength(flags);
        return optional < 0 || payloadLength < 0 ? -1 : COMPACT_HEADER_LENGTH + optional + payloadLength;
    }

    /**
     * The CRC32C an encoded format-2 entry of {@code length} bytes should carry: bytes 0..55, then
     * everything from 60 on (the checksum field itself is left out).
     */
    public static int checksum(final DirectBuffer buffer, final int offset, final int length, final Crc32c crc)
    {
        return checksumAround(buffer, offset, length, CHECKSUM_OFFSET, crc);
    }

    /**
     * The checksum of a command in format 2, the canonical one: what its entry carries as replication
     * ships it, computed from the fields alone, so it can be compared whatever format or journal holds
     * the command (a snapshot keeps it to name the history it was taken on). Encodes into {@code scratch},
     * which must hold {@link #encodedLength(Command)} bytes.
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
     * Reads one encoded command of {@code length} bytes into {@code into}, in any format; a format-2 or
     * format-3 entry must match its checksum.
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
            throw new PayloadTooLargeException(payloadLength, "the maxPayloadLength " + into.maxPayloadLength() +
                " it is read with");
        }
        if (isCompact(buffer, offset, length))
        {
            final int flags = buffer.getByte(offset + COMPACT_FLAGS_OFFSET) & 0xFF;
            int at = offset + COMPACT_HEADER_LENGTH;
            long sourceId = 0;
            long sourceSequence = 0;
            long correlationId = 0;
            if ((flags & FLAG_SOURCE_INT) != 0)
            {
                sourceId = buffer.getInt(at, ORDER);
                sourceSequence = buffer.getInt(at + 4, ORDER);
                at += 8;
            }
            else if ((flags & FLAG_SOURCE_LONG) != 0)
            {
                sourceId = buffer.getLong(at, ORDER);
                sourceSequence = buffer.getLong(at + 8, ORDER);
                at += 16;
            }
            if ((flags & FLAG_CORRELATION_INT) != 0)
            {
                correlationId = buffer.getInt(at, ORDER);
            }
            else if ((flags & FLAG_CORRELATION_LONG) != 0)
            {
                correlationId = buffer.getLong(at, ORDER);
            }
            return into.set(
                buffer.getLong(offset + COMPACT_POSITION_OFFSET, ORDER),
                buffer.getLong(offset + COMPACT_TIMESTAMP_OFFSET, ORDER),
                buffer.getShort(offset + COMPACT_TYPE_OFFSET, ORDER) & 0xFFFF,
                buffer.getByte(offset + COMPACT_VERSION_OFFSET) & 0xFF,
                sourceId,
                sourceSequence,
                correlationId,
                buffer,
                offset + headerLength,
                payloadLength);
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
     * Checks that {@code length} bytes are one whole, intact command in any format (magic, lengths, and
     * for formats 2 and 3 the checksum), without decoding it or bounding its payload.
     *
     * @return the length of what precedes the payload: the header, and in format 3 its optional fields.
     * @throws CorruptEntryException saying what is wrong.
     */
    public static int check(final DirectBuffer buffer, final int offset, final int length, final Crc32c crc)
    {
        if (length < MIN_ENTRY_LENGTH)
        {
            throw new CorruptEntryException("entry of " + length + " bytes is shorter than a command header (" +
                HEADERS + ")");
        }
        if (isCompact(buffer, offset, length))
        {
            final int stored = buffer.getInt(offset + COMPACT_CHECKSUM_OFFSET, ORDER);
            final int computed = compactChecksum(buffer, offset, length, crc);
            if (stored != computed)
            {
                throw mismatch(length, computed, stored);
            }
            final int flags = buffer.getByte(offset + COMPACT_FLAGS_OFFSET) & 0xFF;
            final int payloadLength = buffer.getInt(offset + COMPACT_LENGTH_OFFSET, ORDER);
            if (optionalLength(flags) < 0)
            {
                throw new CorruptEntryException("unknown flags 0x" + Integer.toHexString(flags) +
                    " (written by newer code?)");
            }
            final int expected = compactEntryLength(payloadLength, flags);
            if (expected != length)
            {
                throw new CorruptEntryException("payload length " + payloadLength + " does not match entry length " +
                    length);
            }
            return length - payloadLength;
        }
        if (length < LEGACY_HEADER_LENGTH || damagedCompactMagic(buffer, offset))
        {
            throw badMagic(buffer, offset, length);
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
                throw mismatch(length, computed, stored);
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
            throw badMagic(buffer, offset, length);
        }
        final int payloadLength = buffer.getInt(offset + PAYLOAD_LENGTH_OFFSET, ORDER);
        if (payloadLength < 0 || headerLength + payloadLength != length)
        {
            throw new CorruptEntryException("payload length " + payloadLength + " does not match entry length " + length);
        }
        return headerLength;
    }

    private static CorruptEntryException mismatch(final int length, final int computed, final int stored)
    {
        return new CorruptEntryException("checksum mismatch: the entry's " + length + " bytes have CRC32C 0x" +
            Integer.toHexString(computed) + " but it carries 0x" + Integer.toHexString(stored) +
            " (damaged on disk or in transit)");
    }

    /**
     * Neither format 3's magic at byte 4 nor, where there are bytes enough for one, formats 1 and 2's at
     * byte 52: the words found are named.
     */
    private static CorruptEntryException badMagic(final DirectBuffer buffer, final int offset, final int available)
    {
        boolean zeros = true;
        for (int i = 0; i < MIN_ENTRY_LENGTH && zeros; i += 4)
        {
            zeros = buffer.getInt(offset + i, ORDER) == 0;
        }
        if (zeros)
        {
            return new CorruptEntryException("bad magic: the entry's header (its first " + MIN_ENTRY_LENGTH + " bytes) is " +
                "all zeros, as where its bytes never reached the disk (the machine stopped before writing them back) or " +
                "were zeroed since");
        }
        final String compact = "0x" + Integer.toHexString(buffer.getInt(offset + COMPACT_MAGIC_OFFSET, ORDER));
        final boolean compactOnly = available < LEGACY_HEADER_LENGTH || damagedCompactMagic(buffer, offset);
        return new CorruptEntryException("bad magic " + (compactOnly ? compact + " at byte 4" :
            compact + " at byte 4 and 0x" + Integer.toHexString(buffer.getInt(offset + MAGIC_OFFSET, ORDER)) +
            " at byte 52") + " (not a ringlog command, or damaged)");
    }

    /**
     * The length of the entry at {@code offset}, read from its header (magic, payload length, and in format
     * 3 its flags), without checking its checksum: how a reader steps through several entries stored back
     * to back (a journal document holding a batch). {@link #check} then checks the entry at that length.
     *
     * @param available bytes from {@code offset} to the end of what holds the entry.
     * @throws CorruptEntryException if no whole entry header is there, or the length it gives runs past
     *                               {@code available}.
     */
    public static int entryLength(final DirectBuffer buffer, final int offset, final int available)
    {
        if (available < MIN_ENTRY_LENGTH)
        {
            throw new CorruptEntryException(available + " bytes left, fewer than a command header (" + HEADERS + ")");
        }
        final int payloadLength;
        final int length;
        if (isCompact(buffer, offset, available))
        {
            payloadLength = buffer.getInt(offset + COMPACT_LENGTH_OFFSET, ORDER);
            final int flags = buffer.getByte(offset + COMPACT_FLAGS_OFFSET) & 0xFF;
            if (optionalLength(flags) < 0)
            {
                throw new CorruptEntryException("unknown flags 0x" + Integer.toHexString(flags) +
                    " (a damaged header, or an entry written by newer code)");
            }
            length = compactEntryLength(payloadLength, flags);
        }
        else
        {
            if (available < LEGACY_HEADER_LENGTH || damagedCompactMagic(buffer, offset))
            {
                throw badMagic(buffer, offset, available);
            }
            final int magic = buffer.getInt(offset + MAGIC_OFFSET, ORDER);
            final int headerLength = magic == MAGIC ? HEADER_LENGTH : magic == LEGACY_MAGIC ? LEGACY_HEADER_LENGTH : -1;
            if (headerLength < 0)
            {
                throw badMagic(buffer, offset, available);
            }
            payloadLength = buffer.getInt(offset + PAYLOAD_LENGTH_OFFSET, ORDER);
            length = payloadLength < 0 || available < headerLength ? -1 : headerLength + payloadLength;
        }
        if (payloadLength < 0)
        {
            throw new CorruptEntryException("payload length " + payloadLength + " is negative (a damaged header)");
        }
        if (length < 0 || length > available)
        {
            throw new CorruptEntryException("payload length " + payloadLength + " runs past the " + available +
                " bytes that hold the entry (a damaged header, or an entry cut short)");
        }
        return length;
    }

    /** The position field of an encoded command (format 3's, or formats 1 and 2's), without decoding the rest. */
    public static long position(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + (buffer.getInt(offset + COMPACT_MAGIC_OFFSET, ORDER) == COMPACT_MAGIC ?
            COMPACT_POSITION_OFFSET : POSITION_OFFSET), ORDER);
    }

    /**
     * The checksum an encoded entry carries in its own format (format 3's or format 2's field; 0 for format
     * 1, which has none): what names the entry within its journal. Across formats and journals a command is
     * named by {@link #checksum(Command, MutableDirectBuffer, Crc32c)}.
     */
    public static int storedChecksum(final DirectBuffer buffer, final int offset)
    {
        switch (format(buffer, offset))
        {
            case 3:
                return buffer.getInt(offset + COMPACT_CHECKSUM_OFFSET, ORDER);
            case 2:
                return buffer.getInt(offset + CHECKSUM_OFFSET, ORDER);
            default:
                return 0;
        }
    }

    /**
     * The entry format of encoded bytes from their magic: 3, 2, 1, or 0 when they are no command. Reads
     * byte 52 only when bytes 4..7 are not format 3's magic, so the buffer must hold 56 bytes for a
     * format-1 or format-2 entry, 8 for a format-3 one.
     */
    public static int format(final DirectBuffer buffer, final int offset)
    {
        if (buffer.getInt(offset + COMPACT_MAGIC_OFFSET, ORDER) == COMPACT_MAGIC)
        {
            return 3;
        }
        if (buffer.capacity() - offset < LEGACY_HEADER_LENGTH || damagedCompactMagic(buffer, offset))
        {
            return 0;
        }
        final int magic = buffer.getInt(offset + MAGIC_OFFSET, ORDER);
        return magic == MAGIC ? 2 : magic == LEGACY_MAGIC ? 1 : 0;
    }
}
