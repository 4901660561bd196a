package io.ringlog.core;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InMemoryJournalTest
{
    @Test
    void shouldMakeEntriesReadableOnlyAfterCommit()
    {
        final InMemoryJournal journal = new InMemoryJournal(16);
        final Command command = new Command(16);
        command.set(1, 5, 1, 1, 0, 0, 0, new UnsafeBuffer(new byte[4]), 0, 4);
        journal.append(command);
        assertEquals(0, journal.lastPosition());
        assertFalse(journal.reader(1).next(new Command(16)));
        journal.commit();
        assertEquals(1, journal.lastPosition());
        final Command read = new Command(16);
        assertTrue(journal.reader(1).next(read));
        assertEquals(5, read.timestamp());
    }

    @Test
    void shouldKeepOnlyTheNewestEntriesWhenBounded()
    {
        final InMemoryJournal journal = new InMemoryJournal(16, 4096);
        final Command command = new Command(16);
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[8]);
        for (long p = 1; p <= 5 * 4096; p++)
        {
            payload.putLong(0, p);
            journal.append(command.set(p, 0, 1, 1, 0, 0, 0, payload, 0, 8));
        }
        journal.commit();
        assertEquals(3 * 4096 + 1, journal.firstPosition());
        final JournalException gone = assertThrows(JournalException.class, () -> journal.reader(1).next(command));
        assertEquals(1, gone.position());

        final JournalReader reader = journal.reader(journal.firstPosition());
        long expected = journal.firstPosition();
        while (reader.next(command))
        {
            assertEquals(expected, command.position());
            assertEquals(expected, command.payload().getLong(0));
            expected++;
        }
        assertEquals(5 * 4096 + 1, expected);
    }

    @Test
    void shouldRefuseOutOfOrderAppend()
    {
        final InMemoryJournal journal = new InMemoryJournal(16);
        final Command command = new Command(16);
        journal.append(command.set(1, 0, 1, 1, 0, 0, 0, new UnsafeBuffer(new byte[0]), 0, 0));
        assertThrows(JournalException.class,
            () -> journal.append(command.set(3, 0, 1, 1, 0, 0, 0, new UnsafeBuffer(new byte[0]), 0, 0)));
    }

    @Test
    void shouldDropAnUncommittedTailWhenANewEngineAppendsAfterTheCommittedEntries()
    {
        final InMemoryJournal journal = new InMemoryJournal(16);
        final Command command = new Command(16);
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[8]);
        for (long p = 1; p <= 5; p++)
        {
            journal.append(command.set(p, 0, 1, 1, 0, 0, 0, payload, 0, 8));
        }
        journal.commit();
        journal.append(command.set(6, 0, 1, 1, 0, 0, 0, payload, 0, 8));
        journal.append(command.set(7, 0, 1, 1, 0, 0, 0, payload, 0, 8));
        assertEquals(5, journal.lastPosition(), "6 and 7 were appended, never committed (a halt mid-batch)");

        payload.putLong(0, 42);
        journal.append(command.set(6, 0, 1, 1, 0, 0, 0, payload, 0, 8));
        journal.commit();
        assertEquals(6, journal.lastPosition());
        final Command read = new Command(16);
        final JournalReader reader = journal.reader(6);
        assertTrue(reader.next(read));
        assertEquals(42, read.payload().getLong(0), "the new entry 6 replaced the uncommitted one");
        assertFalse(reader.next(read));
    }
}
