package io.ringlog.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import static io.ringlog.journal.JournalTesting.appendRange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The writer maps the pages ahead of it with madvise ({@link Prefault}): it keeps ahead of the writer
 * in every cycle file, changes no byte of what is written, and a refused call is only a fallback.
 */
class PrefaultTest
{
    private static final long ENTRIES_PER_CYCLE = 20_000;
    private static final int ENTRY_LENGTH = io.ringlog.core.CommandCodec.compactLength(JournalTesting.command(1, 1, 1, 3));

    @TempDir
    Path dir;

    @Test
    void shouldMapPagesAheadOfTheWriterInEveryCycleFileAndChangeNoByte() throws Exception
    {
        assumeTrue(kernelPopulates(), "MADV_POPULATE_WRITE needs Linux 5.14: " + System.getProperty("os.version"));
        final Path with = dir.resolve("with");
        final Path without = dir.resolve("without");
        final long[] prefaulted = write(with, PrefaultMode.ALWAYS);
        final long[] none = write(without, PrefaultMode.NEVER);

        // Each cycle file is populated at least as far as it was written (its entries, Chronicle's index besides).
        assertTrue(prefaulted[0] >= ENTRIES_PER_CYCLE * ENTRY_LENGTH, "first cycle: " + prefaulted[0]);
        assertTrue(prefaulted[1] - prefaulted[0] >= ENTRIES_PER_CYCLE * ENTRY_LENGTH,
            "second cycle, after the roll: " + (prefaulted[1] - prefaulted[0]));
        assertEquals(0, none[1], "NEVER populates nothing");

        // The same commands under the same clock give the same cycle files, byte for byte.
        JournalTesting.assertSameCycleFiles(with, without, 2);

        // And the journal reads back whole, as the user's tool sees it.
        JournalTesting.assertReadsAllAndVerifies(with, 2 * ENTRIES_PER_CYCLE);
    }

    @Test
    void shouldPrefaultByDefaultOnlyOnTmpfs() throws Exception
    {
        assumeTrue(kernelPopulates(), "MADV_POPULATE_WRITE needs Linux 5.14: " + System.getProperty("os.version"));
        final Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && Prefault.onTmpfs(shm), "no tmpfs at /dev/shm");
        final Path onTmpfs = Files.createTempDirectory(shm, "ringlog-prefault-test-");
        try
        {
            assertTrue(write(onTmpfs.resolve("journal"), PrefaultMode.AUTO)[1] > 0, "AUTO on tmpfs prefaults");
        }
        finally
        {
            CycleRewriter.deleteRecursively(onTmpfs);
        }
        if (!Prefault.onTmpfs(dir))
        {
            assertEquals(0, write(dir.resolve("journal"), PrefaultMode.AUTO)[1],
                "AUTO on " + Files.getFileStore(dir).type() + " leaves the faults to the writer");
        }
    }

    @Test
    void shouldAnswerFalseWhereTheKernelRefuses()
    {
        // Nothing can be mapped at 4 KiB (vm.mmap_min_addr): madvise fails, and the writer would take the faults.
        assertFalse(Prefault.populate(4096, 4096));
    }

    /** Writes two cycle files of {@link #ENTRIES_PER_CYCLE} entries; returns the bytes prefaulted after each. */
    private static long[] write(final Path directory, final PrefaultMode prefault)
    {
        final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
        final long[] prefaulted = new long[2];
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(directory)
            .rollCycle(JournalRollCycle.SECONDLY).epochMillisClock(clock::get).prefault(prefault)))
        {
            appendRange(journal, 1, ENTRIES_PER_CYCLE, 100);
            prefaulted[0] = journal.prefaultedBytes();
            clock.addAndGet(1_000);
            appendRange(journal, ENTRIES_PER_CYCLE + 1, 2 * ENTRIES_PER_CYCLE, 100);
            prefaulted[1] = journal.prefaultedBytes();
            assertEquals(2, journal.cycleCount());
        }
        return prefaulted;
    }

    /** Linux 5.14 or later, where madvise knows MADV_POPULATE_WRITE. */
    private static boolean kernelPopulates()
    {
        if (!"Linux".equals(System.getProperty("os.name")))
        {
            return false;
        }
        final String[] version = System.getProperty("os.version").split("[.-]");
        final int major = Integer.parseInt(version[0]);
        final int minor = version.length > 1 ? Integer.parseInt(version[1]) : 0;
        return major > 5 || major == 5 && minor >= 14;
    }
}
