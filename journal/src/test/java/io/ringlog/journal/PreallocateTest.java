package io.ringlog.journal;

import io.ringlog.core.JournalException;
import io.ringlog.core.testing.DiskBlocks;
import io.ringlog.core.testing.SmallFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static io.ringlog.journal.JournalTesting.appendRange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A journal preallocated at open ({@link ChronicleJournal.Context#preallocate}): the appends into the preallocated
 * bytes write nothing ahead, what they journal reads back and verifies as any journal's does, a reopen preallocates
 * past the newest entry, and a disk without the room refuses the open in words and keeps the journal as it was.
 */
class PreallocateTest
{
    private static final long EIGHT_MIB = 8L << 20;
    private static final long SIXTEEN_MIB = 16L << 20;

    @TempDir
    Path dir;

    /**
     * A crash between Chronicle renaming a {@code .precreated} file into place as a new cycle's and writing its header
     * leaves a cycle file of zeros, listed in Chronicle's table. Every open waited 10 s for its header, verify too,
     * without a word, and a writable open had Chronicle write one into it. It holds nothing: verify says so and reads
     * the journal at once, and a writable open deletes it; the next append in that cycle makes the file again.
     */
    @Test
    void shouldDeleteACycleFileOfZerosACrashLeftAsChronicleBeganIt() throws Exception
    {
        final ChronicleJournal.Context ctx = JournalTesting.context(dir).rollCycle(JournalRollCycle.SECONDLY)
            .epochMillisClock(new AtomicLong(1_700_000_000_000L)::get);
        // The next cycle begun, its file in Chronicle's table; then what reached the disk of it was nothing.
        final Path blank = secondCycleZeroed(ctx, 101, true);
        final long length = Files.size(blank);
        // And one for a cycle after it, made by hand, which Chronicle's table does not list: not a table older than
        // the journal's entries, since it holds none (a newcomer was told to move the table away).
        final Path unlisted = blank.resolveSibling(blank.getFileName().toString().replace("221321T", "221322T"));
        assertFalse(unlisted.equals(blank), "the next second's name: " + blank);
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(unlisted.toFile(), "rw"))
        {
            raf.setLength(length);
        }

        final JournalTesting.Ran verify = JournalTesting.runJvm(60, io.ringlog.journal.tool.JournalTool.class, "verify",
            "-d", dir.toString(), "--max-payload", "64");
        assertEquals(0, verify.code(), verify.toString());
        assertTrue(verify.output().contains("last-position: 100\n") && verify.output().contains("note: " + blank +
            " is zeros from end to end (a crash as Chronicle began a new cycle file): it holds no entry, and the next " +
            "writable open deletes it\n") && verify.output().contains("note: " + unlisted + " is zeros from end to end") &&
            verify.output().contains("entries-read: 100\n"), verify.toString());
        final java.util.List<String> notices = new java.util.ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.open(ctx.noticeListener(notices::add)))
        {
            assertEquals(100, journal.lastPosition());
        }
        assertFalse(Files.exists(blank) || Files.exists(unlisted), "deleted, not given a header by Chronicle");
        assertEquals(java.util.Set.of("deleted " + blank + ", zeros from end to end (a crash as Chronicle began a new " +
            "cycle file): it held no entry", "deleted " + unlisted + ", zeros from end to end (a crash as Chronicle " +
            "began a new cycle file): it held no entry"), java.util.Set.copyOf(notices), "said, not silent");
        try (ChronicleJournal journal = ChronicleJournal.open(ctx))
        {
            appendRange(journal, 101, 110, 5);
        }
        assertTrue(Files.exists(blank), "made again by the next append in its cycle");
        JournalTesting.assertReadsAllAndVerifies(dir, 110);
    }

    /**
     * As above, but the committed mark says the file of zeros held entries (zeroed by damage, or never written back
     * before the machine stopped): the writable open is refused for the missing entries, as before, and deleted the
     * file first, evidence an operator restoring the journal looks for, with a notice that it "held no entry". It is
     * left as it was, and the refusal names it; an open that died with it set aside has it put back by the next.
     */
    @Test
    void shouldLeaveACycleFileOfZerosWhereCommittedEntriesAreMissing() throws Exception
    {
        final ChronicleJournal.Context ctx = JournalTesting.context(dir).rollCycle(JournalRollCycle.SECONDLY)
            .epochMillisClock(new AtomicLong(1_700_000_000_000L)::get);
        final Path zeroed = secondCycleZeroed(ctx, 150, false);
        final long length = Files.size(zeroed);

        final java.util.List<String> notices = new java.util.ArrayList<>();
        final JournalException refused = assertThrows(JournalException.class,
            () -> ChronicleJournal.open(ctx.noticeListener(notices::add)).close());
        assertTrue(refused.getMessage().contains("entries 101..150, which clients may have seen, are missing") &&
            refused.getMessage().contains(". " + zeroed + " is zeros from end to end, and left as it is: where committed " +
            "entries are missing, a file of zeros may be where they were"), refused.getMessage());
        assertTrue(Files.exists(zeroed) && Files.size(zeroed) == length, "left as it was");
        assertEquals(java.util.List.of(), notices, "nothing said deleted");
        assertEquals(java.util.List.of(zeroed), JournalTesting.cycleFiles(dir).subList(1, 2));

        // An open that died with it set aside: the next puts it back before it reads the journal.
        final Path aside = zeroed.resolveSibling(zeroed.getFileName() + ".zeros");
        Files.move(zeroed, aside);
        final JournalException again = assertThrows(JournalException.class, () -> ChronicleJournal.open(ctx).close());
        assertTrue(again.getMessage().contains(zeroed + " is zeros from end to end, and left as it is"), again.getMessage());
        assertTrue(Files.exists(zeroed) && !Files.exists(aside), "put back under its own name");
    }

    /**
     * Positions 1..100 in one cycle file, 101..{@code last} in the next (the context's clock a second on), then that
     * file made zeros from end to end at its length. {@code markOfTheFirst}: ringlog.meta put back as the first cycle
     * left it (what reached the disk of the second was nothing); otherwise its committed mark says {@code last}.
     * Returns the zeroed file.
     */
    private Path secondCycleZeroed(final ChronicleJournal.Context ctx, final long last, final boolean markOfTheFirst)
        throws Exception
    {
        try (ChronicleJournal journal = ChronicleJournal.open(ctx))
        {
            appendRange(journal, 1, 100, 10);
        }
        final byte[] meta = Files.readAllBytes(dir.resolve(JournalMetadata.FILE_NAME));
        final long first = ctx.epochMillisClock().getAsLong();
        try (ChronicleJournal journal = ChronicleJournal.open(ctx.epochMillisClock(() -> first + 1_000)))
        {
            appendRange(journal, 101, last, 10);
        }
        final Path zeroed = JournalTesting.cycleFiles(dir).get(1);
        final long length = Files.size(zeroed);
        Files.delete(zeroed);
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(zeroed.toFile(), "rw"))
        {
            raf.setLength(length);
        }
        if (markOfTheFirst)
        {
            Files.write(dir.resolve(JournalMetadata.FILE_NAME), meta);
        }
        return zeroed;
    }

    @Test
    void shouldWriteNothingAheadIntoPreallocatedBytesAndReadBackWhatWasJournaled() throws Exception
    {
        final Path journalDir = dir.resolve("journal");
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(journalDir).preallocate(EIGHT_MIB)))
        {
            // A new journal: the cycle file the first append starts is waiting, with its blocks, for Chronicle to take.
            assertTrue(precreatedBytes(journalDir) >= EIGHT_MIB, "precreated: " + precreatedBytes(journalDir));
            appendRange(journal, 1, 20_000, 100);
            assertEquals(0, journal.reservationWrites(), "no zeros written ahead while appending into preallocated bytes");
        }
        assertEquals(-1, precreatedBytes(journalDir), "Chronicle took the precreated file");
        final Path cycleFile = JournalTesting.cycleFiles(journalDir).get(0);
        // Chronicle's file is longer than that whatever it holds (a sparse tail): the blocks on disk say what was given.
        assertTrue(DiskBlocks.allocatedBytes(cycleFile) >= EIGHT_MIB, "allocated: " +
            DiskBlocks.allocatedBytes(cycleFile));

        // Reopened: the newest file gets the room again, past its newest entry.
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(journalDir).preallocate(EIGHT_MIB)))
        {
            assertEquals(20_000, journal.lastPosition());
            assertTrue(DiskBlocks.allocatedBytes(cycleFile) >= 20_000L * 40 + EIGHT_MIB, "allocated: " +
                DiskBlocks.allocatedBytes(cycleFile));
            appendRange(journal, 20_001, 40_000, 100);
            assertEquals(0, journal.reservationWrites());
        }
        // Without it, the same journal grows 256 KB at a time as before, which is what the counter above counts.
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(journalDir)))
        {
            appendRange(journal, 40_001, 400_000, 100);
            assertTrue(journal.reservationWrites() > 0, "past the preallocated bytes, the writer reserves again");
        }
        JournalTesting.assertReadsAllAndVerifies(journalDir, 400_000);
    }

    @Test
    void shouldLeaveNoPrecreatedFileForACycleTheClockLeftBeforeTheFirstAppend() throws Exception
    {
        final Path journalDir = dir.resolve("journal");
        final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(journalDir)
            .rollCycle(JournalRollCycle.SECONDLY).epochMillisClock(millis::get).preallocate(EIGHT_MIB)))
        {
            assertTrue(precreatedBytes(journalDir) >= EIGHT_MIB);
            millis.addAndGet(5_000);
            appendRange(journal, 1, 1_000, 100);
        }
        assertEquals(-1, precreatedBytes(journalDir), "the unused precreated file is deleted at close");
        assertEquals(1, JournalTesting.cycleFiles(journalDir).size());

        // Opened and closed with nothing appended: nothing left behind either.
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(journalDir)
            .rollCycle(JournalRollCycle.SECONDLY).epochMillisClock(millis::get).preallocate(EIGHT_MIB)))
        {
            millis.addAndGet(5_000);
            assertEquals(1_000, journal.lastPosition());
        }
        assertEquals(-1, precreatedBytes(journalDir));
        JournalTesting.assertReadsAll(journalDir, 1_000);
    }

    @Test
    void shouldRefuseToOpenWhenTheDiskCannotHoldThePreallocationAndKeepTheJournalAsItWas() throws Exception
    {
        final Path fs = dir.resolve("small-fs");
        final StringBuilder why = new StringBuilder();
        final SmallFileSystem mounted = SmallFileSystem.mount(fs, "8m", why);
        assumeTrue(mounted != null, "cannot mount a tmpfs here: " + why);
        try (mounted)
        {
            // A new journal: more than the disk has free is refused before a byte is written, and leaves no file.
            final Path fresh = fs.resolve("fresh");
            final JournalException refusedNew = assertThrows(JournalException.class,
                () -> ChronicleJournal.open(JournalTesting.context(fresh).preallocate(SIXTEEN_MIB)).close());
            assertTrue(refusedNew.getMessage().startsWith("no room for the journal: preallocating 16777216 bytes (16 MiB) " +
                "for ") && refusedNew.getMessage().contains(" needs that much free, and " + fresh + " has ") &&
                refusedNew.getMessage().endsWith("Free space, or preallocate less; the journal is as it was"),
                refusedNew.getMessage());
            assertEquals(-1, precreatedBytes(fresh));
            assertFalse(Files.exists(fresh), "no journal where there was none");

            // An existing journal: its file is cut back to the length it had, and the space is free again.
            final Path journalDir = fs.resolve("journal");
            try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(journalDir)))
            {
                appendRange(journal, 1, 1_000, 100);
            }
            final Path cycleFile = JournalTesting.cycleFiles(journalDir).get(0);
            final long lengthBefore = Files.size(cycleFile);
            final long freeBefore = Files.getFileStore(fs).getUsableSpace();
            // Chronicle's file is longer than its entries (a sparse tail), which may hold blocks already: the zeros are
            // written, and the disk fills part way.
            assertTrue(lengthBefore > SIXTEEN_MIB - freeBefore, "the test needs a sparse tail: " + lengthBefore);
            final JournalException refused = assertThrows(JournalException.class,
                () -> ChronicleJournal.open(JournalTesting.context(journalDir).preallocate(SIXTEEN_MIB)).close());
            assertRefusal(refused.getMessage());
            assertEquals(lengthBefore, Files.size(cycleFile));
            assertTrue(Files.getFileStore(fs).getUsableSpace() >= freeBefore, "the zeros written are given back");

            // Less than the disk holds is taken, and the journal goes on from where it was.
            try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(journalDir).preallocate(1L << 20)))
            {
                assertEquals(1_000, journal.lastPosition());
                appendRange(journal, 1_001, 2_000, 100);
            }
            JournalTesting.assertReadsAll(journalDir, 2_000);
        }
    }

    @Test
    void shouldReserveAgainPastThePreallocatedBytesInTheSameSession() throws Exception
    {
        final Path journalDir = dir.resolve("journal");
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(journalDir).preallocate(1L << 20)))
        {
            // About 40 bytes an entry: 100,000 of them run some 3 MiB past the preallocated one.
            appendRange(journal, 1, 100_000, 100);
            assertTrue(journal.reservationWrites() >= 8, "reserved " + journal.reservationWrites() + " times");
        }
        JournalTesting.assertReadsAll(journalDir, 100_000);
    }

    /**
     * A cycle file Chronicle started and wrote no entry into (a crash between its header and its first document) is
     * the file the next append writes to: it is preallocated, not a {@code .precreated} file Chronicle would never take.
     */
    @Test
    void shouldPreallocateACycleFileThatHasNoEntryYet() throws Exception
    {
        final Path journalDir = dir.resolve("journal");
        final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
        final java.util.function.Supplier<ChronicleJournal.Context> context = () -> JournalTesting.context(journalDir)
            .rollCycle(JournalRollCycle.SECONDLY).epochMillisClock(millis::get);
        try (ChronicleJournal journal = ChronicleJournal.open(context.get()))
        {
            appendRange(journal, 1, 100, 10);
        }
        millis.addAndGet(5_000);
        JournalTesting.startEmptyCycle(journalDir, JournalRollCycle.SECONDLY, millis.get());
        final List<Path> files = JournalTesting.cycleFiles(journalDir);
        assertEquals(2, files.size(), files.toString());
        final Path empty = files.get(1);

        try (ChronicleJournal journal = ChronicleJournal.open(context.get().preallocate(EIGHT_MIB)))
        {
            assertEquals(-1, precreatedBytes(journalDir));
            assertTrue(DiskBlocks.allocatedBytes(empty) >= EIGHT_MIB, "the empty cycle file's blocks: " +
                DiskBlocks.allocatedBytes(empty));
            appendRange(journal, 101, 20_000, 100);
            assertEquals(0, journal.reservationWrites());
        }
        assertEquals(2, JournalTesting.cycleFiles(journalDir).size());
        JournalTesting.assertReadsAll(journalDir, 20_000);
    }

    @Test
    void shouldDeleteAPrecreatedFileACrashLeftAndRefuseAbsurdSizesUpFront() throws Exception
    {
        final Path journalDir = dir.resolve("journal");
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(journalDir)))
        {
            appendRange(journal, 1, 100, 10);
        }
        // A writer killed after making a cycle's .precreated file and before Chronicle took it.
        final Path left = journalDir.resolve("20200101F.precreated");
        Files.write(left, new byte[1 << 20]);
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(journalDir)))
        {
            assertFalse(Files.exists(left), "a writable open deletes it");
        }

        final IllegalArgumentException huge = assertThrows(IllegalArgumentException.class,
            () -> JournalTesting.context(journalDir).preallocate(Long.MAX_VALUE).conclude());
        assertTrue(huge.getMessage().startsWith("preallocate must be from 0 to 1 PiB"), huge.getMessage());
        // 1 PiB is taken as a size, and refused before anything is written: no disk here has it free.
        final Path cycleFile = JournalTesting.cycleFiles(journalDir).get(0);
        final long length = Files.size(cycleFile);
        final JournalException refused = assertThrows(JournalException.class,
            () -> ChronicleJournal.open(JournalTesting.context(journalDir).preallocate(1L << 50)).close());
        assertTrue(refused.getMessage().contains(" needs that much free, and "), refused.getMessage());
        assertEquals(length, Files.size(cycleFile));
        JournalTesting.assertReadsAll(journalDir, 100);
    }

    /**
     * A refused preallocation where there was no journal leaves none: the open had made Chronicle's metadata,
     * ringlog's and the writer lock, so a second start found an empty journal in a directory the user never got one
     * in, and "the journal is as it was" was not quite so.
     */
    @Test
    void shouldLeaveNoJournalWhereARefusedPreallocationFoundNone() throws Exception
    {
        final Path made = dir.resolve("made").resolve("journal");
        refuseAPebibyte(made);
        assertFalse(Files.exists(made), "the directory the open made is gone");

        final Path empty = Files.createDirectories(dir.resolve("empty"));
        refuseAPebibyte(empty);
        try (Stream<Path> files = Files.list(empty))
        {
            assertEquals(List.of(), files.toList(), "the empty directory is empty again");
        }
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(empty)))
        {
            appendRange(journal, 1, 100, 10);
        }
        JournalTesting.assertReadsAll(empty, 100);
    }

    private static void refuseAPebibyte(final Path journalDir)
    {
        final JournalException refused = assertThrows(JournalException.class,
            () -> ChronicleJournal.open(JournalTesting.context(journalDir).preallocate(1L << 50)).close());
        assertTrue(refused.getMessage().contains(" needs that much free, and ") &&
            refused.getMessage().endsWith("the journal is as it was"), refused.getMessage());
    }

    private static void assertRefusal(final String message)
    {
        assertTrue(message.startsWith("no room for the journal: preallocating 16777216 bytes (16 MiB) for ") &&
            message.contains("No space left on device") && message.endsWith("Free space, or preallocate less; the " +
            "journal is as it was"), message);
    }

    /** The size of the journal's {@code .precreated} file, -1 if there is none. */
    private static long precreatedBytes(final Path journalDir) throws Exception
    {
        if (!Files.isDirectory(journalDir))
        {
            return -1;
        }
        try (Stream<Path> files = Files.list(journalDir))
        {
            final List<Path> precreated = files.filter((file) -> file.toString().endsWith(".precreated")).toList();
            assertTrue(precreated.size() <= 1, precreated.toString());
            return precreated.isEmpty() ? -1 : Files.size(precreated.get(0));
        }
    }
}
