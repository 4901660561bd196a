package io.ringlog.journal;

import io.ringlog.core.JournalException;
import io.ringlog.core.JournalId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A reviewer's finding: a run killed in its first tenth of a second on a new journal left Chronicle's table,
 * {@code metadata.cq4t}, as zeros or with its header marked as being written. The next run waited 31 s and failed
 * with Chronicle's "Unable to claim exclusive shared lock", a lock no process held: the run's own read-only checks
 * waited 10 s each for the table. Under the writer lock nobody is making the table: a writable open deletes it, says
 * so, and Chronicle makes it again; a read-only open with no writer running says at once what it is.
 */
class UnfinishedTableTest
{
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void shouldMakeAgainATableAWriterKilledInItsFirstMomentsLeftUnfinished(final boolean zeros) throws Exception
    {
        final ChronicleJournal.Context ctx = JournalTesting.context(dir);
        final JournalId id;
        try (ChronicleJournal journal = ChronicleJournal.open(ctx))
        {
            id = journal.id();
        }
        final Path table = unfinish(zeros);

        final List<String> notices = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.open(ctx.noticeListener(notices::add)))
        {
            assertEquals(id, journal.id(), "the journal's own identity, kept");
            JournalTesting.appendRange(journal, 1, 50, 10);
        }
        assertEquals(List.of(deleted(table)), notices);
        JournalTesting.assertReadsAllAndVerifies(dir, 50);
    }

    /**
     * Beside entries too (a table moved away and made again by a writer killed as Chronicle made it): the journal's own
     * is in its cycle files and ringlog.meta, and Chronicle makes its table from the directory. A read-only open (the
     * tools, a run's own checks before it opens to write) said nothing for 10 s and failed with Chronicle's lock
     * message; it says at once what the file is and that the next writable open mends it.
     */
    @Test
    void shouldMakeAgainAnUnfinishedTableBesideEntriesAndTellAReaderAtOnce() throws Exception
    {
        final ChronicleJournal.Context ctx = JournalTesting.context(dir);
        try (ChronicleJournal journal = ChronicleJournal.open(ctx))
        {
            JournalTesting.appendRange(journal, 1, 50, 10);
        }
        final Path table = unfinish(false);

        final JournalException refused = assertThrows(JournalException.class,
            () -> ChronicleJournal.open(JournalTesting.context(dir).readOnly(true)).close());
        assertEquals("cannot read the journal in " + dir + ": " + table + ", Chronicle Queue's table, was never finished " +
            "(its header is not written: a writer killed as Chronicle made it), and no writer is running. It holds none " +
            "of the journal's own (no entry, no identity, no committed mark): the next writable open (a run on this " +
            "journal) makes it again, or move it away ('mv " + table + " " + table + ".damaged') and the journal reads " +
            "as it was", refused.getMessage());

        final List<String> notices = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.open(ctx.noticeListener(notices::add)))
        {
            assertEquals(50, journal.lastPosition());
            JournalTesting.appendRange(journal, 51, 60, 10);
        }
        assertEquals(List.of(deleted(table)), notices);
        JournalTesting.assertReadsAllAndVerifies(dir, 60);
    }

    private static String deleted(final Path table)
    {
        return "deleted " + table + ", Chronicle Queue's table, never finished (a writer killed as Chronicle made it): it " +
            "holds none of the journal's own, and Chronicle makes it again";
    }

    /**
     * Chronicle's table as a writer killed while Chronicle made it leaves it: zeros from end to end (made, nothing
     * written: what the reviewer's kill left), or its first header word saying the header is being written (0x80000000:
     * not complete, no length yet), what was written of it after.
     */
    private Path unfinish(final boolean zeros) throws Exception
    {
        final Path table = dir.resolve(ChronicleJournal.METADATA_FILE);
        final byte[] bytes = zeros ? new byte[(int)Files.size(table)] : Files.readAllBytes(table);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(0, zeros ? 0 : 0x8000_0000);
        Files.write(table, bytes);
        return table;
    }
}
