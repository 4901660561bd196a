package io.ringlog.core;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

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
}
