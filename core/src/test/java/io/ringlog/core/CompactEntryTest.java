package io.ringlog.core;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Entry format 3, the compact one journals are written in, against the format-2 one it stands for. */
class CompactEntryTest
{
    private static final int MAX_PAYLOAD = 64;

    /**
     * Every command, whatever its field values, reads back the same from its compact encoding, in no more
     * bytes than format 2 takes; its entry steps, checks and names its position like any other.
     */
    @Property(tries = 2_000)
    void shouldReadBackEveryCommandItsCompactEntryWasWrittenFrom(
        @ForAll final long position, @ForAll final long timestamp, @ForAll final int type, @ForAll final int version,
        @ForAll final long sourceId, @ForAll final long sourceSequence, @ForAll final long correlationId,
        @ForAll @IntRange(max = MAX_PAYLOAD) final int payloadLength, @ForAll final long seed)
    {
        final byte[] payload = new byte[payloadLength];
        new Random(seed).nextBytes(payload);
        final Command command = new Command(MAX_PAYLOAD).set(position, timestamp, type, version, sourceId,
            sourceSequence, correlationId, new UnsafeBuffer(payload), 0, payloadLength);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[5 + CommandCodec.HEADER_LENGTH + MAX_PAYLOAD]);
        final Crc32c crc = new Crc32c();

        final int length = CommandCodec.encodeCompact(command, buffer, 5, crc);
        assertEquals(CommandCodec.compactLength(command), length);
        assertTrue(length <= CommandCodec.encodedLength(command));
        assertEquals(length, CommandCodec.entryLength(buffer, 5, buffer.capacity() - 5));
        assertEquals(position, CommandCodec.position(buffer, 5));
        final Command decoded = CommandCodec.decode(buffer, 5, length, new Command(MAX_PAYLOAD), crc);
        assertEquals(command.toString(), decoded.toString());
        assertEquals(new UnsafeBuffer(payload), new UnsafeBuffer(decoded.payload(), 0, payloadLength));
        final boolean compact = (type & ~0xFFFF) == 0 && (version & ~0xFF) == 0;
        assertEquals(compact ? 3 : 2, CommandCodec.format(buffer, 5));
    }

    @Test
    void shouldTakeFortyFourBytesForAnEightBytePayloadWithACorrelationIdWhereFormatTwoTakesSeventyTwo()
    {
        final Command command = new Command(8).set(1_000_000, System.nanoTime(), 1, 0, 0, 0, 123_456,
            new UnsafeBuffer(new byte[8]), 0, 8);
        assertEquals(44, CommandCodec.compactLength(command));
        assertEquals(72, CommandCodec.encodedLength(command));
        final Command noIds = new Command(8).set(1, 2, 3, 4, 0, 0, 0, new UnsafeBuffer(new byte[8]), 0, 8);
        assertEquals(40, CommandCodec.compactLength(noIds));
        final Command wide = new Command(8).set(1, 2, 3, 4, 1L << 40, 1, 1L << 33, new UnsafeBuffer(new byte[8]), 0, 8);
        assertEquals(32 + 16 + 8 + 8, CommandCodec.compactLength(wide));
    }

    @Test
    void shouldDetectEveryFlippedBitOfACompactEntry()
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
        final Command command = new Command(16).set(4242, 77L, 7, 1, 1125, 9, 15085, payload, 0, 11);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[128]);
        final int length = CommandCodec.encodeCompact(command, buffer, 0, new Crc32c());
        for (int at = 0; at < length; at++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                final int index = at;
                final int flipped = bit;
                final byte original = buffer.getByte(at);
                buffer.putByte(at, (byte)(original ^ (1 << bit)));
                final CorruptEntryException ex = assertThrows(CorruptEntryException.class,
                    () -> CommandCodec.decode(buffer, 0, length, new Command(16)), () -> "byte " + index + " bit " + flipped);
                if (at >= CommandCodec.COMPACT_CHECKSUM_OFFSET)
                {
                    assertTrue(ex.getMessage().startsWith("checksum mismatch"), "byte " + at + ": " + ex.getMessage());
                }
                buffer.putByte(at, original);
            }
        }
        assertEquals(command.toString(), CommandCodec.decode(buffer, 0, length, new Command(16)).toString());
    }

    /**
     * A compact entry whose magic is damaged is never read as format 1 or 2, even where its payload holds,
     * at the entry's byte 48, a payload length and magic 'RLC1' that would make a whole format-1 entry: a
     * format-1 entry has no checksum, and would be read with other values.
     */
    @Test
    void shouldNotReadACompactEntryWithADamagedMagicAsAnOlderFormat()
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[40]);
        // Entry bytes 48..55 are payload bytes 16..23: a format-1 payload length (72 - 56) and 'RLC1'.
        payload.putInt(16, 16, ByteOrder.LITTLE_ENDIAN);
        payload.putInt(20, CommandCodec.LEGACY_MAGIC, ByteOrder.LITTLE_ENDIAN);
        final Command command = new Command(64).set(5, 6, 7, 1, 0, 0, 0, payload, 0, 40);
        for (final int[] flip : new int[][] {{7, 0x80}, {7, 0x01}, {4, 0x01}, {5, 0x10}, {6, 0x04}})
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[72]);
            assertEquals(72, CommandCodec.encodeCompact(command, buffer, 0, new Crc32c()));
            buffer.putByte(flip[0], (byte)(buffer.getByte(flip[0]) ^ flip[1]));
            final String what = "byte " + flip[0] + " ^ 0x" + Integer.toHexString(flip[1]);
            final CorruptEntryException ex = assertThrows(CorruptEntryException.class,
                () -> CommandCodec.decode(buffer, 0, 72, new Command(64)), what);
            assertTrue(ex.getMessage().startsWith("bad magic 0x") && ex.getMessage().contains(" at byte 4 (not a"),
                what + ": " + ex.getMessage());
            assertThrows(CorruptEntryException.class, () -> CommandCodec.entryLength(buffer, 0, 72), what);
            assertEquals(0, CommandCodec.format(buffer, 0), what);
        }
    }

    @Test
    void shouldRefuseUnknownFlagsAndLengthsThatDisagreeWithTheHeader()
    {
        final Command command = new Command(8).set(3, 0, 1, 1, 0, 0, 0, new UnsafeBuffer(new byte[8]), 0, 8);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[128]);
        final int length = CommandCodec.encodeCompact(command, buffer, 0, new Crc32c());
        assertEquals(40, length);

        assertThrows(CorruptEntryException.class, () -> CommandCodec.decode(buffer, 0, length - 1, new Command(8)));
        final CorruptEntryException tooShort = assertThrows(CorruptEntryException.class,
            () -> CommandCodec.entryLength(buffer, 0, 31));
        assertTrue(tooShort.getMessage().contains("fewer than a command header"), tooShort.getMessage());
        final CorruptEntryException runsPast = assertThrows(CorruptEntryException.class,
            () -> CommandCodec.entryLength(buffer, 0, 39));
        assertTrue(runsPast.getMessage().contains("runs past the 39 bytes"), runsPast.getMessage());

        // A newer writer's flag, with the checksum made right: still refused, by name.
        buffer.putByte(CommandCodec.COMPACT_FLAGS_OFFSET, (byte)0x10);
        buffer.putInt(CommandCodec.COMPACT_CHECKSUM_OFFSET, new Crc32c().reset()
            .update(buffer, 0, 8).update(buffer, 12, length - 12).value(), ByteOrder.LITTLE_ENDIAN);
        final CorruptEntryException flags = assertThrows(CorruptEntryException.class,
            () -> CommandCodec.decode(buffer, 0, length, new Command(8)));
        assertTrue(flags.getMessage().contains("unknown flags 0x10"), flags.getMessage());
    }

    @Test
    void shouldNameAnEntryByTheChecksumItCarriesInItsOwnFormatAndACommandByItsFormatTwoChecksum()
    {
        final Command command = new Command(8).set(9, 10, 1, 1, 0, 0, 77, new UnsafeBuffer(new byte[8]), 0, 8);
        final UnsafeBuffer compact = new UnsafeBuffer(new byte[128]);
        final UnsafeBuffer full = new UnsafeBuffer(new byte[128]);
        final Crc32c crc = new Crc32c();
        CommandCodec.encodeCompact(command, compact, 0, crc);
        CommandCodec.encode(command, full, 0, crc);
        assertEquals(compact.getInt(CommandCodec.COMPACT_CHECKSUM_OFFSET, ByteOrder.LITTLE_ENDIAN),
            CommandCodec.storedChecksum(compact, 0));
        assertEquals(full.getInt(CommandCodec.CHECKSUM_OFFSET, ByteOrder.LITTLE_ENDIAN), CommandCodec.storedChecksum(full, 0));
        assertEquals(CommandCodec.storedChecksum(full, 0),
            CommandCodec.checksum(CommandCodec.decode(compact, 0, 44, new Command(8)), new UnsafeBuffer(new byte[128]), crc));
    }
}
