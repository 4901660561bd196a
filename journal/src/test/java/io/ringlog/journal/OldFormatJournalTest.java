package io.ringlog.journal;

import io.ringlog.core.Command;
import io.ringlog.core.JournalReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.ringlog.journal.JournalTesting.appendRange;
import static io.ringlog.journal.JournalTesting.command;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A journal written by older code (test data in src/test/resources/rlc1-journal: entry format 1,
 * two cycles, 40 entries) stays readable, read-only and for writing, and new entries continue it.
 */
class OldFormatJournalTest
{
    @TempDir
    Path dir;

    @Test
    void shouldReadEveryFieldOfAnOldJournalAndContinueIt() throws Exception
    {
        final Path journalDir = JournalTesting.restoreJournal("rlc1-journal", dir.resolve("journal"));
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(journalDir).readOnly(true)))
        {
            assertEquals(1, journal.firstPosition());
            assertEquals(40, journal.lastPosition());
            assertEquals(2, journal.cycleCount());
            assertReads(journal, 40);
        }
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(journalDir)
            .rollCycle(JournalRollCycle.SECONDLY)))
        {
            assertEquals(40, journal.lastPosition());
            appendRange(journal, 41, 45, 5);
        }
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(journalDir).readOnly(true)))
        {
            assertEquals(45, journal.lastPosition());
            assertReads(journal, 45);
        }
    }

    private static void assertReads(final ChronicleJournal journal, final long last)
    {
        final Command into = new Command(JournalTesting.MAX_PAYLOAD);
        try (JournalReader reader = journal.reader(1))
        {
            for (long position = 1; position <= last; position++)
            {
                assertTrue(reader.next(into), "entry " + position);
                assertEquals(command(position, 1, 1, position * 3).toString(), into.toString());
                assertEquals(position * 3, into.payload().getLong(0, java.nio.ByteOrder.LITTLE_ENDIAN));
            }
            assertFalse(reader.next(into));
        }
    }
}
