package io.ringlog.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import static io.ringlog.journal.JournalTesting.appendRange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The journal's own thread touches the pages ahead of the writer ({@link TouchAhead}): it follows the writer into
 * every cycle file, reaches ahead of it in a preallocated one, changes no byte (of what is written, or of the zeros
 * past it), starts no thread where it is off or the journal is read-only, and is gone when the journal closes.
 */
class TouchAheadTest
{
    private static final long ENTRIES_PER_CYCLE = 20_000;
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(20);
    private static final Path SMAPS = Path.of("/proc/self/smaps");
    /** The first line of a mapping in smaps: its address range, then perms, offset, device, inode and path. */
    private static final Pattern MAPPING = Pattern.compile("[0-9a-f]+-[0-9a-f]+ ");

    @TempDir
    Path dir;

    @Test
    void shouldFollowTheWriterIntoEveryCycleFileAndChangeNoByte() throws Exception
    {
        final Path with = dir.resolve("with");
        final Path without = dir.resolve("without");
        final long[] touched = writeTwoCycles(with, true);
        assertTrue(touched[0] > 0, "the first cycle file was touched ahead");
        assertTrue(touched[1] > touched[0], "the second cycle file too, after the roll: " + touched[1] + " after " +
            touched[0]);
        assertEquals(0, writeTwoCycles(without, false)[1], "touchAhead(false) touches nothing");
        JournalTesting.assertSameCycleFiles(with, without, 2);

        // And the journal reads back whole, as the user's tool sees it.
        JournalTesting.assertReadsAllAndVerifies(with, 2 * ENTRIES_PER_CYCLE);
    }

    @Test
    void shouldReachAheadOfTheWriterInAPreallocatedFileAndLeaveItsZerosAsTheyWere() throws Exception
    {
        final Path with = dir.resolve("with");
        final Path without = dir.resolve("without");
        final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(with).epochMillisClock(clock::get)
            .preallocate(8 << 20)))
        {
            appendRange(journal, 1, ENTRIES_PER_CYCLE, 100);
            final long written = writtenBytes(with);
            // The lead is a mebibyte past the writer, inside the 8 MiB that have blocks: the toucher gets there.
            awaitTrue(() -> journal.touchedAheadBytes() >= TouchAhead.LEAD / 2, () -> "touched " +
                journal.touchedAheadBytes() + " bytes ahead of a writer at " + written);
            assertTrue(journal.touchAheadRunning());
        }
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(without).epochMillisClock(clock::get)
            .preallocate(8 << 20).touchAhead(false)))
        {
            appendRange(journal, 1, ENTRIES_PER_CYCLE, 100);
            assertFalse(journal.touchAheadRunning(), "touchAhead(false) starts no thread");
            assertEquals(0, journal.touchedAheadBytes());
        }
        // Past the newest entry the preallocated file is zeros in both: the touched pages are as they were.
        JournalTesting.assertSameCycleFiles(with, without, 1);
    }

    @Test
    void shouldFollowTheWriterIntoTheNextChunkOfTheMapAndChangeNoByte() throws Exception
    {
        // Past 64 MiB, the first chunk of Chronicle's map: the toucher takes the next chunk's map from the writer, asks
        // it for no readahead (as asked here), and touches on there.
        final long entries = 1_600_000;
        final Path with = dir.resolve("with");
        final Path without = dir.resolve("without");
        final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(with).epochMillisClock(clock::get)
            .touchAheadReadahead(false)))
        {
            appendRange(journal, 1, entries, 1_000);
            final long written = Files.size(JournalTesting.cycleFiles(with).get(0));
            awaitTrue(() -> journal.touchedAheadBytes() > (66L << 20), () -> "touched " + journal.touchedAheadBytes() +
                " bytes of a file of " + written);
        }
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(without).epochMillisClock(clock::get)
            .touchAhead(false)))
        {
            appendRange(journal, 1, entries, 1_000);
        }
        JournalTesting.assertSameCycleFiles(with, without, 1);
        JournalTesting.assertReadsAllAndVerifies(with, entries);
    }

    @Test
    void shouldAskTheKernelNotToReadAheadOfItsTouchesWhereAskedTo() throws Exception
    {
        // What the kernel holds for the map, as /proc shows it: "rr" in VmFlags is madvise(MADV_RANDOM).
        assumeTrue(Files.isReadable(SMAPS) && Prefault.nativeCalls(), "Linux with Chronicle's native binding");
        final Path with = dir.resolve("with");
        final Path without = dir.resolve("without");
        // A clock of its own: one cycle file, whatever the time of day.
        final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(with).epochMillisClock(clock::get)
            .preallocate(8 << 20).touchAheadReadahead(false)))
        {
            appendRange(journal, 1, ENTRIES_PER_CYCLE, 100);
            awaitTrue(() -> journal.touchedAheadBytes() > 0, () -> "nothing touched");
            final List<String> flags = vmFlags(JournalTesting.cycleFiles(with).get(0));
            assertFalse(flags.isEmpty(), "the cycle file is mapped");
            // Every map of the file, whole: an advice cut short would split a map into an advised part and one not.
            assertTrue(flags.stream().allMatch((line) -> line.contains(" rr")), "no readahead around the touches: " + flags);
        }
        // The default: the thread touches, and the kernel reads ahead as it likes.
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(without).epochMillisClock(clock::get)
            .preallocate(8 << 20)))
        {
            appendRange(journal, 1, ENTRIES_PER_CYCLE, 100);
            awaitTrue(() -> journal.touchedAheadBytes() > 0, () -> "nothing touched");
            final List<String> flags = vmFlags(JournalTesting.cycleFiles(without).get(0));
            assertFalse(flags.isEmpty(), "the cycle file is mapped");
            assertTrue(flags.stream().noneMatch((line) -> line.contains(" rr")), "the kernel's default without it: " + flags);
        }
    }

    @Test
    void shouldStopItsThreadAtCloseAndStartNoneForAReader() throws Exception
    {
        // A name no other test's journal has, so the thread found is this journal's.
        final Path journalDir = dir.resolve("touch-ahead-thread-test");
        final String name = "ringlog-touch-ahead-touch-ahead-thread-test";
        final ChronicleJournal writer = ChronicleJournal.open(JournalTesting.context(journalDir).preallocate(4 << 20));
        try (writer)
        {
            appendRange(writer, 1, 1_000, 100);
            assertTrue(writer.touchAheadRunning());
            assertTrue(threadNamed(name), "a thread named " + name);
        }
        assertFalse(writer.touchAheadRunning(), "the journal's thread is gone once it is closed");

        try (ChronicleJournal reader = ChronicleJournal.open(JournalTesting.context(journalDir).readOnly(true)))
        {
            assertEquals(1_000, reader.lastPosition());
            assertFalse(reader.touchAheadRunning());
            assertFalse(threadNamed(name), "a read-only journal touches nothing");
        }
    }

    /** Writes two cycle files of {@link #ENTRIES_PER_CYCLE} entries; returns the bytes touched after each. */
    private static long[] writeTwoCycles(final Path directory, final boolean touchAhead)
    {
        final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
        final long[] touched = new long[2];
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(directory)
            .rollCycle(JournalRollCycle.SECONDLY).epochMillisClock(clock::get).prefault(PrefaultMode.NEVER)
            .touchAhead(touchAhead)))
        {
            appendRange(journal, 1, ENTRIES_PER_CYCLE, 100);
            if (touchAhead)
            {
                awaitTrue(() -> journal.touchedAheadBytes() > 0, () -> "nothing touched in the first cycle file");
            }
            touched[0] = journal.touchedAheadBytes();
            clock.addAndGet(1_000);
            appendRange(journal, ENTRIES_PER_CYCLE + 1, 2 * ENTRIES_PER_CYCLE, 100);
            if (touchAhead)
            {
                awaitTrue(() -> journal.touchedAheadBytes() > touched[0], () -> "nothing touched in the second cycle file");
            }
            touched[1] = journal.touchedAheadBytes();
            assertEquals(2, journal.cycleCount());
            assertEquals(touchAhead, journal.touchAheadRunning());
        }
        return touched;
    }

    /** Offset just past the last non-zero byte of the journal's only cycle file. */
    private static long writtenBytes(final Path directory) throws Exception
    {
        final byte[] bytes = Files.readAllBytes(JournalTesting.cycleFiles(directory).get(0));
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == 0)
        {
            end--;
        }
        return end;
    }

    /** The VmFlags lines of this process's mappings of {@code file}, from /proc/self/smaps. */
    private static List<String> vmFlags(final Path file) throws IOException
    {
        final String name = file.toRealPath().toString();
        final List<String> flags = new ArrayList<>();
        boolean inFile = false;
        for (final String line : Files.readAllLines(SMAPS))
        {
            if (MAPPING.matcher(line).lookingAt())
            {
                inFile = line.endsWith(" " + name);
            }
            else if (inFile && line.startsWith("VmFlags:"))
            {
                flags.add(line);
            }
        }
        return flags;
    }

    private static boolean threadNamed(final String name)
    {
        return Thread.getAllStackTraces().keySet().stream().anyMatch((thread) -> thread.getName().equals(name));
    }

    private static void awaitTrue(final BooleanSupplier condition, final Supplier<String> message)
    {
        final long deadline = System.nanoTime() + WAIT_NANOS;
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() < deadline, message);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
