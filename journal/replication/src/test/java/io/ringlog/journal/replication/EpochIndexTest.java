package io.ringlog.journal.replication;

import io.ringlog.core.Command;
import io.ringlog.core.InMemoryJournal;
import io.ringlog.core.SystemCommands;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The epoch index is written ahead of the epoch commands it lists and checked against the journal on
 * load: a line past the journal's end is dropped (a promotion that never completed, or a tail cut
 * off), a line the journal contradicts is an error, and where each epoch began is what a rejoining
 * node is told to keep up to.
 */
class EpochIndexTest
{
    @TempDir
    Path dir;

    @Test
    void shouldKeepWhatTheJournalHoldsDropWhatItDoesNotAndRefuseWhatItContradicts() throws Exception
    {
        final InMemoryJournal journal = journal(10, 5, 8);
        final List<String> events = new ArrayList<>();
        assertEquals(0, EpochIndex.load(dir, new InMemoryJournal(64), 64, events::add).current(), "a new journal: epoch 0");
        assertTrue(events.isEmpty(), events.toString());
        // No index beside a journal with epoch commands: rebuilt from them (it went back to epoch 0 without a word).
        final EpochIndex rebuilt = EpochIndex.load(dir, journal, 64, events::add);
        assertEquals(2, rebuilt.current());
        assertEquals(8, rebuilt.currentStart());
        assertTrue(events.stream().anyMatch((e) -> e.endsWith("was missing: rebuilt from the journal's 10 entries (epoch 1 " +
            "at position 5, epoch 2 at position 8)")), events.toString());
        assertTrue(Files.readString(dir.resolve(EpochIndex.FILE_NAME)).contains("1 5\n2 8\n"), "and written");

        rebuilt.begin(3, 11);
        assertTrue(Files.readString(dir.resolve(EpochIndex.FILE_NAME)).contains("3 11"), "written ahead");

        final EpochIndex loaded = EpochIndex.load(dir, journal, 64, events::add);
        assertEquals(2, loaded.current(), "epoch 3's command never reached the journal");
        assertEquals(8, loaded.currentStart());
        assertEquals(5, loaded.startAfter(0));
        assertEquals(8, loaded.startAfter(1));
        assertEquals(Long.MAX_VALUE, loaded.startAfter(2));
        assertTrue(events.stream().anyMatch((e) -> e.contains("epoch 3 at position 11 is not in the journal")), events.toString());
        assertFalse(Files.readString(dir.resolve(EpochIndex.FILE_NAME)).contains("3 11"), "dropped from the file too");

        Files.writeString(dir.resolve(EpochIndex.FILE_NAME), "1 5\n2 7\n");
        final ReplicationException contradicted = assertThrows(ReplicationException.class,
            () -> EpochIndex.load(dir, journal, 64, events::add));
        assertTrue(contradicted.getMessage().contains("says epoch 2 began at position 7"), contradicted.getMessage());
    }

    /** Its older entries deleted, a journal may have lost an epoch command: no index is rebuilt from a guess. */
    @Test
    void shouldRefuseToRebuildAMissingIndexFromAJournalWhoseOlderEntriesWereDeleted()
    {
        final io.ringlog.core.Journal journal = new io.ringlog.core.testing.ForwardingJournal(journal(10, 5))
        {
            @Override
            public long firstPosition()
            {
                return 4;
            }
        };
        final ReplicationException refused = assertThrows(ReplicationException.class,
            () -> EpochIndex.load(dir, journal, 64, (e) ->
            {
            }));
        assertTrue(refused.getMessage().contains("is missing, and the journal's entries before position 4 were deleted"),
            refused.getMessage());
    }

    /** Positions 1..last: ADD commands, and EPOCH commands (epochs 1, 2, ...) at the given positions. */
    private static InMemoryJournal journal(final long last, final long... epochAt)
    {
        final InMemoryJournal journal = new InMemoryJournal(64);
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[8]);
        final Command command = new Command(64);
        long epoch = 0;
        for (long position = 1; position <= last; position++)
        {
            boolean isEpoch = false;
            for (final long at : epochAt)
            {
                isEpoch |= at == position;
            }
            if (isEpoch)
            {
                payload.putLong(0, ++epoch, ByteOrder.LITTLE_ENDIAN);
                command.set(position, position, SystemCommands.EPOCH, 1, 0, 0, 0, payload, 0, 8);
            }
            else
            {
                payload.putLong(0, position, ByteOrder.LITTLE_ENDIAN);
                command.set(position, position, 1, 1, 0, 0, 0, payload, 0, 8);
            }
            journal.append(command);
        }
        journal.commit();
        return journal;
    }
}
