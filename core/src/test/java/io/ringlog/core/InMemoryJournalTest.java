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

    /** A standby's empty journal takes on its primary's identity; one that holds an entry keeps its own. */
    @Test
    void shouldTakeOnAnotherIdentityOnlyWhileEmpty()
    {
        final InMemoryJournal journal = new InMemoryJournal(16);
        final JournalId primary = JournalId.random();
        assertTrue(journal.adopt(primary));
        assertEquals(primary, journal.id());
        assertFalse(journal.adopt(JournalId.NONE));
        journal.append(new Command(16).set(1, 0, 1, 1, 0, 0, 0, new UnsafeBuffer(new byte[0]), 0, 0));
        assertFalse(journal.adopt(JournalId.random()));
        assertEquals(primary, journal.id());
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

    /**
     * Entries of up to 1 MiB of payload: a slab of 4096 of them overflowed an int (to 278,528 bytes), so the second
     * append failed, and the engine's default journal halted on its second command; a bounded one could not be made.
     */
    @Test
    void shouldHoldEntriesOfAMebibyteBoundedOrNot()
    {
        final int max = 1 << 20;
        for (final InMemoryJournal journal : new InMemoryJournal[] {new InMemoryJournal(max), new InMemoryJournal(max, 4)})
        {
            final Command command = new Command(max);
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[max]);
            for (long p = 1; p <= 12; p++)
            {
                payload.putLong(max - 8, p);
                journal.append(command.set(p, 0, 1, 1, 0, 0, 0, payload, 0, p % 2 == 0 ? max : 8));
                journal.commit();
            }
            final JournalReader reader = journal.reader(journal.firstPosition());
            long expected = journal.firstPosition();
            while (reader.next(command))
            {
                assertEquals(expected, command.position());
                assertEquals(expected % 2 == 0 ? max : 8, command.payloadLength());
                if (expected % 2 == 0)
                {
                    assertEquals(expected, command.payload().getLong(max - 8));
                }
                expected++;
            }
            assertEquals(13, expected, "read up to the last entry");
        }
    }

    @Test
    void shouldRunTheEnginesDefaultJournalWithAMebibyteOfPayload() throws Exception
    {
        final io.ringlog.core.testing.AccumulatorStateMachine sm = new io.ringlog.core.testing.AccumulatorStateMachine();
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(sm).maxPayloadLength(1 << 20)
            .ringSize(16).outputRingSize(16)))
        {
            for (int i = 0; i < 3; i++)
            {
                engine.publish(io.ringlog.core.testing.AccumulatorStateMachine.ADD, 0, 0, 0,
                    io.ringlog.core.testing.AccumulatorStateMachine.longPayload(2), 0, 8);
            }
            engine.awaitApplied(3, 10, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertEquals(6, sm.total());
    }

    @Test
    void shouldSayWhyItCannotRetainMoreThanTheHeapHolds()
    {
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> new InMemoryJournal(1 << 20, 1L << 40));
        assertTrue(refused.getMessage().contains("retain fewer entries, or give the JVM more heap"),
            refused.getMessage());
        final IllegalArgumentException huge = assertThrows(IllegalArgumentException.class,
            () -> new InMemoryJournal(Integer.MAX_VALUE - 20));
        assertTrue(huge.getMessage().contains("too large for the in-memory journal"), huge.getMessage());
    }
}
