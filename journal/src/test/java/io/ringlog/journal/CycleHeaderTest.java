package io.ringlog.journal;

import io.ringlog.core.Command;
import io.ringlog.core.JournalException;
import io.ringlog.core.JournalReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Chronicle's header at the start of each cycle file, checked with plain reads: every file Chronicle
 * writes reads as intact (for each roll cycle, and the journals of older ringlog versions), and a damaged
 * byte anywhere in it is either named, or one Chronicle does not depend on (the journal reads whole).
 */
class CycleHeaderTest
{
    private static final long ENTRIES = 300;

    @TempDir
    Path root;

    @Test
    void shouldReadTheHeaderOfEveryFileChronicleWritesAsIntact() throws Exception
    {
        for (final JournalRollCycle rollCycle : JournalRollCycle.values())
        {
            final Path dir = root.resolve(rollCycle.name());
            try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir).rollCycle(rollCycle)))
            {
                JournalTesting.appendRange(journal, 1, 2_000, 7);
            }
            for (final Path file : JournalTesting.cycleFiles(dir))
            {
                final CycleFileScan scan = CycleFileScan.scan(file, 1024);
                assertNull(scan.headerDamage, rollCycle + " " + scan);
                assertTrue(scan.entries > 0, rollCycle + " " + scan);
            }
        }
        for (final String resource : List.of("rlc1-journal", "rlc2-single-journal"))
        {
            final Path dir = JournalTesting.restoreJournal(resource, root.resolve(resource));
            for (final Path file : JournalTesting.cycleFiles(dir))
            {
                assertNull(CycleFileScan.scan(file, 1024).headerDamage, resource + " " + file);
            }
        }
    }

    /**
     * Each byte of the header and of the index document's start, damaged in turn in a copy of a journal:
     * the open names the header's damage (where Chronicle would fail, fault, or read another file than
     * the one written), or the journal reads every entry, as written. Nothing else (a Chronicle exception,
     * a SIGBUS, entries missing) is allowed.
     */
    @Test
    void shouldNameDamageInTheHeaderOrReadEveryEntry() throws Exception
    {
        final Path written = root.resolve("written");
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(written)))
        {
            JournalTesting.appendRange(journal, 1, ENTRIES, 10);
        }
        final List<Integer> named = new ArrayList<>();
        final List<Integer> harmless = new ArrayList<>();
        final int span = headerSpan(JournalTesting.cycleFiles(written).get(0));
        for (int offset = 0; offset < span; offset++)
        {
            final Path copy = root.resolve("copy-" + offset);
            JournalTesting.copyJournal(written, copy);
            final Path file = JournalTesting.cycleFiles(copy).get(0);
            JournalTesting.flip(file, offset, 0x5A);
            final String damage = CycleFileScan.scan(file, 1024).headerDamage;
            try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(copy).readOnly(true)))
            {
                assertNull(damage, "byte " + offset + ": named damage, but the journal opened");
                assertEquals(ENTRIES, readAll(journal), "byte " + offset + ": entries read");
                harmless.add(offset);
            }
            catch (final JournalException ex)
            {
                assertTrue(damage != null && ex.getMessage().contains("cannot be read by Chronicle Queue: " + damage),
                    "byte " + offset + ": " + ex.getMessage());
                named.add(offset);
            }
            catch (final RuntimeException | InternalError ex)
            {
                fail("byte " + offset + ": " + ex, ex);
            }
            if (harmless.contains(offset))
            {
                // Harmless to readers must be harmless to the writer too: the next appends go after every entry.
                try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(copy)))
                {
                    JournalTesting.appendRange(journal, ENTRIES + 1, ENTRIES + 10, 5);
                }
                try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(copy).readOnly(true)))
                {
                    assertEquals(ENTRIES + 10, readAll(journal), "byte " + offset + ": entries read after appending");
                }
            }
            CycleRewriter.deleteRecursively(copy);
        }
        // The structure (names, codes, lengths) and the values Chronicle acts on: most of the header.
        assertTrue(named.size() > span * 3 / 4, "named " + named + ", harmless " + harmless);
    }

    /**
     * Chronicle moves a file's write position in two writes: the position, then the count with the position's
     * low bits above it. A reader between the two (a writer at work in another process, descheduled there on
     * a busy machine) sees a count that belongs to the document before; Chronicle counts from its index then,
     * and so must the check: it is not damage, and the writer's next appends go after every entry.
     */
    @Test
    void shouldReadAHeaderCaughtBetweenItsTwoWritePositionWordsAsIntact() throws Exception
    {
        final Path dir = root.resolve("between");
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            JournalTesting.appendRange(journal, 1, ENTRIES, 10);
        }
        final Path file = JournalTesting.cycleFiles(dir).get(0);
        final CycleHeader before = header(file);
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            JournalTesting.appendRange(journal, ENTRIES + 1, ENTRIES + 10, 10);
        }
        final CycleHeader after = header(file);
        final int at = wordAt(file, after.writeSequence);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(at);
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(before.writeSequence).array());
        }
        final CycleHeader between = header(file);
        assertEquals(after.writePosition, between.writePosition);
        assertEquals(before.writeSequence, between.writeSequence);
        assertTrue(before.sequenceAtWritePosition() >= 0 && between.sequenceAtWritePosition() < 0);

        assertNull(CycleFileScan.scan(file, 1024).headerDamage);
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir).readOnly(true)))
        {
            assertEquals(ENTRIES + 10, readAll(journal));
        }
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            JournalTesting.appendRange(journal, ENTRIES + 11, ENTRIES + 20, 5);
        }
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir).readOnly(true)))
        {
            assertEquals(ENTRIES + 20, readAll(journal));
        }
    }

    private static CycleHeader header(final Path file) throws Exception
    {
        final byte[] first = new byte[CycleHeader.READ];
        CycleFileScan.read(file, 0, first, first.length);
        return CycleHeader.read(first, first.length);
    }

    /**
     * Chronicle's first index lists its index documents, which list every indexSpacing-th document's offset. A file of
     * more documents than the header's first 512 bytes list index documents for (over ten million of FAST_DAILY's;
     * here SECONDLY's, whose index documents cover 131,072 each) had its later index documents unchecked: a damaged
     * offset in one was a SIGBUS for a reader sent there. The open reads the whole first index from the file, and
     * names the damage.
     */
    @Test
    void shouldCheckTheIndexDocumentsListedPastTheHeadersBytes() throws Exception
    {
        final Path dir = root.resolve("journal");
        final ChronicleJournal.Context ctx = JournalTesting.context(dir).rollCycle(JournalRollCycle.SECONDLY)
            .epochMillisClock(() -> 1_700_000_000_000L);
        try (ChronicleJournal journal = ChronicleJournal.open(ctx))
        {
            JournalTesting.appendRange(journal, 1, 1, 1);
            final CycleHeader empty = header(JournalTesting.cycleFiles(dir).get(0));
            // One index document more than the header's bytes list: SECONDLY's each cover 32,768 x 4 documents.
            final long documents = (CycleHeader.READ - empty.indexOffsetsAt) / 8 * empty.indexCount * empty.indexSpacing + 8;
            JournalTesting.appendRange(journal, 2, documents, 1);
        }
        final Path file = JournalTesting.cycleFiles(dir).get(0);
        final CycleHeader header = header(file);
        assertTrue(header.indexUsed > header.indexOffsets.length, "index documents listed: " + header.indexUsed +
            ", in the header's bytes: " + header.indexOffsets.length);
        assertNull(CycleFileScan.scan(file, 1024).headerDamage, "whole as Chronicle wrote it");

        // The second offset of the last index document (document 3972's), sent past the file's end.
        final long lastIndexDocument = JournalTesting.longAt(file, header.indexOffsetsAt + (header.indexUsed - 1) * 8);
        final long value = ((lastIndexDocument + 28 + 7) & ~7L) + 8;
        final long starts = JournalTesting.longAt(file, value);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(value);
            raf.write(new byte[] {0, 0, 0, 0x7F});
        }
        final long number = ((header.indexUsed - 1) * header.indexCount + 1) * header.indexSpacing;
        final JournalException refused = assertThrows(JournalException.class, () -> ChronicleJournal.open(
            JournalTesting.context(dir).rollCycle(JournalRollCycle.SECONDLY).readOnly(true)));
        assertTrue(refused.getMessage().contains("Chronicle's index of the file is damaged: it says data document " +
            number + " starts at byte " + ((starts & ~0xFFFF_FFFFL) | 0x7F00_0000L) + ", past the file's end (" +
            java.nio.file.Files.size(file) + " bytes), where it starts at byte " + starts + "."), refused.getMessage());
    }

    /** Where in the header the 8 bytes of {@code value} are, little-endian. */
    private static int wordAt(final Path file, final long value) throws Exception
    {
        final byte[] first = new byte[CycleHeader.READ];
        CycleFileScan.read(file, 0, first, first.length);
        final ByteBuffer bytes = ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 0; at + 8 <= first.length; at += 4)
        {
            if (bytes.getLong(at) == value)
            {
                return at;
            }
        }
        throw new IllegalStateException("the header of " + file + " does not hold " + value);
    }

    /** Bytes from the file's start to the end of the first index document's first offset: what the check reads. */
    private static int headerSpan(final Path file) throws Exception
    {
        final byte[] first = new byte[CycleHeader.READ];
        CycleFileScan.read(file, 0, first, first.length);
        return (int)CycleHeader.read(first, first.length).end + 48;
    }

    private static long readAll(final ChronicleJournal journal)
    {
        final Command into = new Command(JournalTesting.MAX_PAYLOAD);
        long read = 0;
        try (JournalReader reader = journal.reader(1))
        {
            while (reader.next(into))
            {
                read++;
                assertEquals(read, into.position());
                assertEquals(read * 10, into.correlationId(), "position " + read);
            }
        }
        return read;
    }
}
