package io.ringlog.journal;

import io.ringlog.core.JournalException;
import io.ringlog.journal.tool.JournalTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Probe 32: Chronicle's {@code metadata.cq4t} put back from an older copy of a journal of several cycle
 * files. Read-only opens take the newest cycle from it and never refresh it, so verify, dump and replay read
 * the journal as ending at that cycle's end ({@code journal ends at position 100 before its last position
 * 300}), with nothing said of the cause. Now they refuse, naming the table and the way out; a writer
 * refreshes it and goes on.
 */
class StaleTableTest
{
    @TempDir
    Path dir;

    @Test
    void shouldNameAnOlderChronicleTableInsteadOfReadingTheJournalAsEndingEarly() throws Exception
    {
        final Path journalDir = dir.resolve("journal");
        final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
        final ChronicleJournal.Context ctx = JournalTesting.context(journalDir).rollCycle(JournalRollCycle.SECONDLY)
            .epochMillisClock(millis::get);
        try (ChronicleJournal journal = ChronicleJournal.open(ctx))
        {
            JournalTesting.appendRange(journal, 1, 100, 10);
        }
        final Path table = journalDir.resolve("metadata.cq4t");
        final Path older = dir.resolve("older.cq4t");
        Files.copy(table, older);
        try (ChronicleJournal journal = ChronicleJournal.open(ctx))
        {
            millis.addAndGet(1_000);
            JournalTesting.appendRange(journal, 101, 200, 10);
            millis.addAndGet(1_000);
            JournalTesting.appendRange(journal, 201, 300, 10);
        }
        Files.copy(older, table, StandardCopyOption.REPLACE_EXISTING);

        final JournalTesting.Ran verify = JournalTesting.runJvm(60, JournalTool.class, "verify", "-d",
            journalDir.toString(), "--max-payload", "64");
        assertEquals(1, verify.code(), verify.toString());
        assertTrue(verify.output().contains("problem: Chronicle's table " + table + " lists cycle files up to " +
            "20231114-221320T.cq4, but the directory holds them up to 20231114-221322T.cq4: the table is older than " +
            "the files") && verify.output().contains("Move the table away"), verify.toString());
        assertFalse(verify.output().contains("\tat "), verify.toString());

        // Moved away, as it says: the tools read all 300 entries.
        Files.move(table, dir.resolve("moved.cq4t"));
        final JournalTesting.Ran again = JournalTesting.runJvm(60, JournalTool.class, "verify", "-d",
            journalDir.toString(), "--max-payload", "64");
        assertEquals(0, again.code(), again.toString());
        assertTrue(again.output().contains("entries-read: 300\n"), again.toString());

        // Or left there: a writer refreshes it from the directory and goes on from 300.
        Files.copy(older, table);
        assertThrows(JournalException.class, () -> ChronicleJournal.open(JournalTesting.context(journalDir)
            .readOnly(true)));
        try (ChronicleJournal journal = ChronicleJournal.open(ctx))
        {
            assertEquals(300, journal.lastPosition());
            JournalTesting.appendRange(journal, 301, 310, 10);
        }
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(journalDir).readOnly(true)))
        {
            assertEquals(310, journal.lastPosition());
        }
    }

    /**
     * A newcomer's probe: an older cycle file copied into the directory under a newer cycle's name. Verify first said
     * the table was older than the files and to move it away, which would have lost what tells the copy from the
     * original. It names the copy now, and the table is left as it is.
     */
    @Test
    void shouldNameACopiedFileUnderANewerNameNotTheTable() throws Exception
    {
        final Path journalDir = dir.resolve("journal");
        final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
        final ChronicleJournal.Context ctx = JournalTesting.context(journalDir).rollCycle(JournalRollCycle.SECONDLY)
            .epochMillisClock(millis::get);
        try (ChronicleJournal journal = ChronicleJournal.open(ctx))
        {
            JournalTesting.appendRange(journal, 1, 100, 10);
            millis.addAndGet(1_000);
            JournalTesting.appendRange(journal, 101, 200, 10);
        }
        final Path second = journalDir.resolve("20231114-221321T.cq4");
        final Path copy = journalDir.resolve("20231114-221325T.cq4");
        Files.copy(second, copy);

        final JournalException refused = assertThrows(JournalException.class, () -> ChronicleJournal.open(
            JournalTesting.context(journalDir).readOnly(true)).close());
        assertTrue(refused.getMessage().startsWith("cycle file " + copy + " starts at position 101, which " +
            "20231114-221321T.cq4 holds too, and Chronicle's table ") && refused.getMessage().contains("is a copy") &&
            refused.getMessage().contains("Move it out of " + journalDir) && !refused.getMessage().contains("Move the table"),
            refused.getMessage());
        Files.move(copy, dir.resolve("copy.cq4"));
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(journalDir).readOnly(true)))
        {
            assertEquals(200, journal.lastPosition());
        }
    }
}
