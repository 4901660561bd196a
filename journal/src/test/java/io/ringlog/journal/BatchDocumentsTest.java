package io.ringlog.journal;

import io.ringlog.core.Command;
import io.ringlog.core.CommandCodec;
import io.ringlog.core.JournalException;
import io.ringlog.core.JournalReader;
import io.ringlog.journal.tool.JournalTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static io.ringlog.journal.JournalTesting.appendRange;
import static io.ringlog.journal.JournalTesting.command;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Chronicle document holds the entries of one commit (up to 64 KiB of them), not one entry: what
 * readers, the open-time checks and repair see of that. Journals written one entry per document
 * (test data in src/test/resources/rlc2-single-journal, written by the code before batching) are read
 * and continued.
 */
class BatchDocumentsTest
{
    @TempDir
    Path dir;

    @Test
    void shouldReadAJournalWrittenOneEntryPerDocumentAndContinueItInBatches() throws Exception
    {
        final Path journalDir = JournalTesting.restoreJournal("rlc2-single-journal", dir.resolve("journal"));
        final CycleFileScan before = CycleFileScan.scan(JournalTesting.cycleFiles(journalDir).get(1), 0);
        assertEquals(15, before.documents, before.toString());
        assertEquals(15, before.entries, before.toString());
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(journalDir).readOnly(true)))
        {
            assertEquals(40, journal.lastPosition());
            assertEquals(2, journal.cycleCount());
            assertReadsFromEveryPosition(journal, 1, 40);
        }
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(journalDir)
            .rollCycle(JournalRollCycle.SECONDLY)))
        {
            assertEquals(40, journal.lastPosition());
            appendRange(journal, 41, 140, 50);
        }
        final List<Path> files = JournalTesting.cycleFiles(journalDir);
        final CycleFileScan after = CycleFileScan.scan(files.get(files.size() - 1), 0);
        assertTrue(after.documents < after.entries, "the two new commits of 50 went into 2 documents: " + after);
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(journalDir).readOnly(true)))
        {
            assertEquals(140, journal.lastPosition());
            assertReadsFromEveryPosition(journal, 1, 140);
        }
        // 40 old documents; then, in a new cycle file, 41 alone (written before the file is reserved), 42..90, 91..140.
        final StringWriter out = new StringWriter();
        assertEquals(0, JournalTool.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "stats", "-d",
            journalDir.toString(), "--max-payload", "64"), out.toString());
        assertTrue(out.toString().contains("entries: 140\n") &&
            out.toString().contains("documents: 43 (3.3 entries per Chronicle document: one per commit)\n"),
            out.toString());
    }

    @Test
    void shouldSplitALargeBatchIntoDocumentsOfAtMost64KiBAndFindEveryPosition() throws Exception
    {
        final int entries = 2_000;
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            appendRange(journal, 1, entries, entries);
        }
        final int entryLength = CommandCodec.HEADER_LENGTH + 8;
        final int perDocument = ChronicleJournal.MAX_DOCUMENT_BYTES / entryLength;
        final CycleFileScan scan = CycleFileScan.scan(JournalTesting.cycleFiles(dir).get(0), 0);
        assertEquals(entries, scan.entries, scan.toString());
        // The first document of a new cycle file holds one entry (it is written before the file is reserved).
        assertEquals(1 + (entries - 1 + perDocument - 1) / perDocument, scan.documents, scan.toString());
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir).readOnly(true)))
        {
            final Random random = new Random(42);
            for (int i = 0; i < 200; i++)
            {
                final long from = 1 + random.nextInt(entries);
                assertReads(journal, from, Math.min(entries, from + 3));
            }
            assertReads(journal, 1, 2);
            assertReads(journal, perDocument + 1, perDocument + 2);
            assertReads(journal, perDocument + 2, perDocument + 2);
            assertReads(journal, entries, entries);
        }
    }

    @Test
    void shouldFindPositionsPastADamagedDocumentAndNameTheDamagedEntryFromEitherSide() throws Exception
    {
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            appendRange(journal, 1, 100, 10);
        }
        final Path file = JournalTesting.cycleFiles(dir).get(0);
        // Entry 35, in the document of entries 31..40: one payload byte.
        JournalTesting.flip(file, JournalTesting.entryOffset(file, 34) + CommandCodec.HEADER_LENGTH, 0x01);
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir).readOnly(true)))
        {
            assertEquals(100, journal.lastPosition());
            assertReads(journal, 41, 100);
            assertReads(journal, 1, 34);
            for (final long from : new long[] {1, 31, 35, 36, 40})
            {
                final JournalException ex = assertThrows(JournalException.class, () -> assertReads(journal, from, 100),
                    "from " + from);
                assertEquals(35, ex.position(), "from " + from + ": " + ex.getMessage());
                assertTrue(ex.getMessage().contains("checksum mismatch"), ex.getMessage());
            }
        }
    }

    private static void assertReadsFromEveryPosition(final ChronicleJournal journal, final long first, final long last)
    {
        for (long from = first; from <= last; from++)
        {
            assertReads(journal, from, last);
        }
    }

    /** A reader from {@code from} gives exactly the entries {@code from..to}, each with its fields. */
    private static void assertReads(final ChronicleJournal journal, final long from, final long to)
    {
        final Command into = new Command(JournalTesting.MAX_PAYLOAD);
        try (JournalReader reader = journal.reader(from))
        {
            for (long position = from; position <= to; position++)
            {
                assertTrue(reader.next(into), "entry " + position + " from " + from);
                assertEquals(command(position, 1, 1, position * 3).toString(), into.toString(), "from " + from);
                assertEquals(position * 3, into.payload().getLong(0, ByteOrder.LITTLE_ENDIAN));
            }
            if (to == journal.lastPosition())
            {
                assertFalse(reader.next(into), "nothing after " + to);
            }
        }
    }
}
