package io.ringlog.journal;

import io.ringlog.core.Command;
import io.ringlog.core.JournalReader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The largest payload a journal takes is one Chronicle can write: a document holds at most 16 MiB. A journal opened
 * for 20 MiB used to open, then fail its first append ('write failed. Length: 20971552 > writeRemaining: 16777216').
 */
class LargestEntryTest
{
    @TempDir
    Path dir;

    @Test
    void shouldWriteAndReadAnEntryOfTheLargestPayloadAndRefuseALargerLimit()
    {
        final int size = ChronicleJournal.Context.MAX_PAYLOAD_LENGTH;
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[size]);
        payload.putLong(size - 8, 42);
        final Command command = new Command(size);
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().directory(dir)
            .maxPayloadLength(size)))
        {
            for (long position = 1; position <= 2; position++)
            {
                journal.append(command.set(position, position, 1, 1, 0, 0, 0, payload, 0, size));
                journal.commit();
            }
            try (JournalReader reader = journal.reader(1))
            {
                final Command read = new Command(size);
                for (long position = 1; position <= 2; position++)
                {
                    assertTrue(reader.next(read));
                    assertEquals(position, read.position());
                    assertEquals(size, read.payloadLength());
                    assertEquals(42, read.payload().getLong(size - 8));
                }
            }
        }
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> ChronicleJournal.open(
            new ChronicleJournal.Context().directory(dir.resolve("larger")).maxPayloadLength(size + 1)));
        assertTrue(refused.getMessage().contains("is more than a journal entry holds: at most " + size + " bytes"),
            refused.getMessage());
    }
}
