package io.ringlog.core;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandCodecTest
{
    @Test
    void shouldRoundTripEveryHeaderFieldAndThePayload()
    {
        final UnsafeBuffer payload = new UnsafeBuffer("hello".getBytes());
        final Command original = new Command(32).set(17, 123456789L, 4, 2, 99, 1000, 555, payload, 0, 5);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final int length = CommandCodec.encode(original, buffer, 3);
        assertEquals(CommandCodec.HEADER_LENGTH + 5, length);
        assertEquals(17, CommandCodec.position(buffer, 3));

        final Command decoded = CommandCodec.decode(buffer, 3, length, new Command(32));
        assertEquals(original.toString(), decoded.toString());
        assertEquals("hello", decoded.payload().getStringWithoutLengthAscii(0, 5));
    }

    @Test
    void shouldRefuseGarbageShortAndInconsistentEntries()
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final Command command = new Command(8).set(1, 0, 1, 1, 0, 0, 0, new UnsafeBuffer(new byte[8]), 0, 8);
        final int length = CommandCodec.encode(command, buffer, 0);

        assertThrows(CorruptEntryException.class, () -> CommandCodec.decode(buffer, 0, 10, new Command(8)));
        assertThrows(CorruptEntryException.class, () -> CommandCodec.decode(buffer, 0, length - 1, new Command(8)));
        final CorruptEntryException tooBig = assertThrows(CorruptEntryException.class,
            () -> CommandCodec.decode(buffer, 0, length, new Command(4)));
        assertTrue(tooBig.getMessage().contains("maxPayloadLength"), tooBig.getMessage());

        buffer.putInt(CommandCodec.MAGIC_OFFSET, 0xDEADBEEF);
        final CorruptEntryException magic = assertThrows(CorruptEntryException.class,
            () -> CommandCodec.decode(buffer, 0, length, new Command(8)));
        assertTrue(magic.getMessage().contains("bad magic"), magic.getMessage());
    }

    @Test
    void shouldDetectEveryFlippedBitOfAnEntryAsAChecksumMismatchOrAnotherNamedFault()
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
        final Command command = new Command(16).set(4242, 77L, 7, 1, 1125, 9, 15085, payload, 0, 11);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[128]);
        final int length = CommandCodec.encode(command, buffer, 0);
        for (int at = 0; at < length; at++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                final int index = at;
                final byte original = buffer.getByte(at);
                buffer.putByte(at, (byte)(original ^ (1 << bit)));
                final CorruptEntryException ex = assertThrows(CorruptEntryException.class,
                    () -> CommandCodec.decode(buffer, 0, length, new Command(16)), "byte " + index + " bit " + bit);
                if (at < CommandCodec.MAGIC_OFFSET || at >= CommandCodec.CHECKSUM_OFFSET)
                {
                    assertTrue(ex.getMessage().startsWith("checksum mismatch"), "byte " + at + ": " + ex.getMessage());
                }
                buffer.putByte(at, original);
            }
        }
        assertEquals(command.toString(), CommandCodec.decode(buffer, 0, length, new Command(16)).toString());
    }

    @Test
    void shouldChecksumOffHeapBuffersAsHeapOnesAndNameTheCommandsChecksum()
    {
        final Command command = new Command(16).set(5, 6, 7, 1, 8, 9, 10, new UnsafeBuffer(new byte[16]), 0, 16);
        final UnsafeBuffer heap = new UnsafeBuffer(new byte[100], 10, 90);
        final UnsafeBuffer direct = new UnsafeBuffer(ByteBuffer.allocateDirect(100));
        final Crc32c crc = new Crc32c();
        final int length = CommandCodec.encode(command, heap, 3, crc);
        assertEquals(length, CommandCodec.encode(command, direct, 3, crc));
        assertEquals(heap.getInt(3 + CommandCodec.CHECKSUM_OFFSET), direct.getInt(3 + CommandCodec.CHECKSUM_OFFSET));
        assertEquals(command.toString(), CommandCodec.decode(direct, 3, length, new Command(16), crc).toString());
        assertEquals(heap.getInt(3 + CommandCodec.CHECKSUM_OFFSET, ByteOrder.LITTLE_ENDIAN),
            CommandCodec.checksum(command, new UnsafeBuffer(new byte[80]), crc));
    }

    @Test
    void shouldReadEntryFormatOneWhichHasNoChecksum()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        buffer.putLong(0, 12, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(8, 1_000, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(16, 7, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(24, 12, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(32, 120, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(40, 1, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(44, 1, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(48, 8, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(52, CommandCodec.LEGACY_MAGIC, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(56, 36, ByteOrder.LITTLE_ENDIAN);
        assertEquals(1, CommandCodec.format(buffer, 0));
        final Command decoded = CommandCodec.decode(buffer, 0, 64, new Command(8));
        assertEquals("Command{position=12, type=1, version=1, timestamp=1000, sourceId=7, sourceSequence=12, " +
            "correlationId=120, payloadLength=8}", decoded.toString());
        assertEquals(36, decoded.payload().getLong(0, ByteOrder.LITTLE_ENDIAN));
    }
}
