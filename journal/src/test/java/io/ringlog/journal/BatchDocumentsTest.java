package io.ringlog.journal;

import io.ringlog.core.Command;
import io.ringlog.core.CommandCodec;
import io.ringlog.core.Crc32c;
import io.ringlog.core.JournalException;
import io.ringlog.core.JournalReader;
import io.ringlog.journal.tool.JournalTool;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.ringlog.journal.JournalTesting.appendRange;
import static io.ringlog.journal.JournalTesting.command;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Chronicle document holds the entries of one commit (up to 64 KiB of them), not one entry: what
 * readers, the open-time checks and repair see of that. Journals written one entry per document
 * (test data in src/test/resources/rlc2-single-journal, written by the code before batching, in entry
 * format 2) are read and continued (in format 3).
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
        // A clock that stands still a second after the old journal's second cycle: one new cycle file, whatever
        // the time it takes.
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(journalDir)
            .rollCycle(JournalRollCycle.SECONDLY).epochMillisClock(() -> 1_700_000_002_000L)))
        {
            assertEquals(40, journal.lastPosition());
            appendRange(journal, 41, 140, 50);
        }
        final List<Path> files = JournalTesting.cycleFiles(journalDir);
        final CycleFileScan after = CycleFileScan.scan(files.get(files.size() - 1), 0);
        assertEquals(100, after.entries, after.toString());
        assertEquals(3, after.documents, "41 alone, then a document for each commit: " + after);
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
        // The old entries stay in format 2 (72 bytes each); those continuing the journal are format 3.
        assertTrue(out.toString().contains("entry-bytes: " + (40 * (CommandCodec.HEADER_LENGTH + 8) +
            100 * CommandCodec.compactLength(command(140, 1, 1, 0))) + "\n"), out.toString());
    }

    @Test
    void shouldSplitALargeBatchIntoDocumentsOfAtMost64KiBAndFindEveryPosition() throws Exception
    {
        final int entries = 2_000;
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            appendRange(journal, 1, entries, entries);
        }
        final int entryLength = CommandCodec.compactLength(command(entries, 1, 1, 0));
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
    void shouldReadPastADamagedEntryInsideABatchFromAfterItAndNameItFromBefore() throws Exception
    {
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            appendRange(journal, 1, 100, 10);
        }
        final Path file = JournalTesting.cycleFiles(dir).get(0);
        // Entry 35, in the document of entries 31..40: one payload byte.
        JournalTesting.flip(file, JournalTesting.entryOffset(file, 35) - 1, 0x01);
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir).readOnly(true)))
        {
            assertEquals(100, journal.lastPosition());
            assertReads(journal, 41, 100);
            assertReads(journal, 1, 34);
            // Entries after the damaged one in its document are reachable, as when each had a document of its own.
            assertReads(journal, 36, 100);
            assertReads(journal, 40, 100);
            for (final long from : new long[] {1, 31, 34, 35})
            {
                final JournalException ex = assertThrows(JournalException.class, () -> assertReads(journal, from, 100),
                    "from " + from);
                assertEquals(35, ex.position(), "from " + from + ": " + ex.getMessage());
                assertTrue(ex.getMessage().contains("checksum mismatch"), ex.getMessage());
            }
        }
    }

    @Test
    void shouldRefuseToOpenAJournalWhoseNewestEntryIsPastWhatItsEntriesCount()
    {
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            appendRange(journal, 1, 10, 10);
        }
        // A whole, checksummed entry saying position 20 where 11 belongs, as a document of its own.
        final UnsafeBuffer bytes = new UnsafeBuffer(new byte[CommandCodec.HEADER_LENGTH + 64]);
        final int length = CommandCodec.encode(command(20, 1, 1, 60), bytes, 0, new Crc32c());
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir).build();
            ExcerptAppender appender = queue.createAppender();
            DocumentContext dc = appender.writingDocument())
        {
            dc.wire().bytes().write(bytes.byteArray(), 0, length);
        }
        final JournalException ex = assertThrows(JournalException.class,
            () -> ChronicleJournal.open(JournalTesting.context(dir)).close());
        assertEquals(11, ex.position(), ex.getMessage());
        assertTrue(ex.getMessage().contains("says position 20") && ex.getMessage().contains("a gap or a foreign entry"),
            ex.getMessage());
    }

    @Test
    void shouldLeaveNoTornEntryBehindOnceABatchTornByAKillIsWrittenOver() throws Exception
    {
        final Process child = JournalTesting.startJvm(TornBatchMain.class, dir.toString(), "500");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)))
        {
            assertEquals("half-written", out.readLine());
        }
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child dies");
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            assertNotNull(journal.tornEntry(), "500 entries appended in one document, never committed");
            assertEquals(40, journal.lastPosition());
            appendRange(journal, 41, 41, 1);
        }
        for (long position = 42; position <= 44; position++)
        {
            try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
            {
                assertNull(journal.tornEntry(), "the torn batch's bytes were cleared when 41 was written over them");
                appendRange(journal, position, position, 1);
            }
        }
        final StringWriter out = new StringWriter();
        assertEquals(0, JournalTool.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "verify", "-d",
            dir.toString(), "--max-payload", "64"), out.toString());
        assertTrue(out.toString().contains("entries-read: 44\n"), out.toString());
    }

    /**
     * The engine's own commands (negative types) do not fit format 3 and are written in format 2, among
     * format-3 entries in the same documents, as are commands with wide ids: a reader from every position
     * steps over both by their own lengths and reads each back whole, and stats counts each at its size.
     */
    @Test
    void shouldReadEntriesOfFormatsTwoAndThreeSideBySideInOneDocument() throws Exception
    {
        final List<Command> written = new ArrayList<>();
        long bytes = 0;
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            for (long position = 1; position <= 60; position++)
            {
                final UnsafeBuffer payload = new UnsafeBuffer(new byte[(int)(position % 20)]);
                payload.setMemory(0, payload.capacity(), (byte)position);
                final int type = position % 7 == 0 ? -3 : (int)(position % 5);
                final long correlationId = position % 4 == 0 ? Long.MAX_VALUE - position : position;
                final Command command = new Command(JournalTesting.MAX_PAYLOAD).set(position, position * 1_000, type,
                    position % 11 == 0 ? 300 : 1, position % 3 == 0 ? 1L << 40 : 0, position, correlationId, payload, 0,
                    payload.capacity());
                journal.append(command);
                written.add(new Command(JournalTesting.MAX_PAYLOAD).set(command.position(), command.timestamp(),
                    command.type(), command.version(), command.sourceId(), command.sourceSequence(),
                    command.correlationId(), new UnsafeBuffer(payload.byteArray().clone()), 0, payload.capacity()));
                bytes += CommandCodec.compactLength(command);
                if (position % 20 == 0)
                {
                    journal.commit();
                }
            }
        }
        assertTrue(bytes < 60L * CommandCodec.HEADER_LENGTH, "most of them in format 3");
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir).readOnly(true)))
        {
            final Command into = new Command(JournalTesting.MAX_PAYLOAD);
            for (long from = 1; from <= 60; from++)
            {
                try (JournalReader reader = journal.reader(from))
                {
                    for (long position = from; position <= 60; position++)
                    {
                        assertTrue(reader.next(into), "entry " + position + " from " + from);
                        final Command expected = written.get((int)position - 1);
                        assertEquals(expected.toString(), into.toString(), "from " + from);
                        assertEquals(new UnsafeBuffer(expected.payload(), 0, expected.payloadLength()),
                            new UnsafeBuffer(into.payload(), 0, into.payloadLength()), "payload of " + position);
                    }
                    assertFalse(reader.next(into));
                }
            }
        }
        final StringWriter out = new StringWriter();
        assertEquals(0, JournalTool.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "verify", "-d",
            dir.toString(), "--max-payload", "64"), out.toString());
        final StringWriter stats = new StringWriter();
        assertEquals(0, JournalTool.run(new PrintWriter(stats), new PrintWriter(new StringWriter()), "stats", "-d",
            dir.toString(), "--max-payload", "64"), stats.toString());
        assertTrue(stats.toString().contains("entries: 60\n") && stats.toString().contains("entry-bytes: " + bytes + "\n"),
            stats.toString());
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
