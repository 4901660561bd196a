package io.ringlog.journal;

import io.ringlog.core.testing.DiskBlocks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.ringlog.journal.JournalTesting.appendRange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A growing journal with its touch-ahead thread keeps the disk space ahead of its writer allocated with
 * {@code fallocate} where it can: the file has the blocks past its newest entry (a full disk refuses the allocation,
 * as {@link FullDiskTest} shows), and no zeros were written for them. Without the thread it writes the zeros.
 */
class SpaceReservationTest
{
    @TempDir
    Path dir;

    @Test
    void shouldAllocateTheRoomAheadOfTheWriterWithoutWritingZeros() throws Exception
    {
        assumeTrue("Linux".equals(System.getProperty("os.name")) && Prefault.nativeCalls(),
            "fallocate through Chronicle's native binding, on Linux");
        final Path journalDir = dir.resolve("journal");
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(journalDir)
            .prefault(PrefaultMode.NEVER)))
        {
            appendRange(journal, 1, 100_000, 100);
            assertTrue(journal.reservationWrites() > 4, "reserved " + journal.reservationWrites() + " times");
            assertEquals(journal.reservationWrites(), journal.reservationAllocations(),
                "every reservation was an fallocate: no zeros written");
            final Path cycleFile = JournalTesting.cycleFiles(journalDir).get(0);
            final long written = journal.writeEndForTests();
            // The margin ahead of the writer (a mebibyte and an entry) has its blocks, as the zeros gave it before.
            assertTrue(DiskBlocks.allocatedBytes(cycleFile) >= written + (1 << 20), "allocated " +
                DiskBlocks.allocatedBytes(cycleFile) + " bytes with the newest entry ending at " + written);
        }
        JournalTesting.assertReadsAll(journalDir, 100_000);
    }

    @Test
    void shouldWriteZerosWithoutTheTouchAheadThread() throws Exception
    {
        final Path journalDir = dir.resolve("journal");
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(journalDir)
            .prefault(PrefaultMode.NEVER).touchAhead(false)))
        {
            appendRange(journal, 1, 100_000, 100);
            assertTrue(journal.reservationWrites() > 4, "reserved " + journal.reservationWrites() + " times");
            assertEquals(0, journal.reservationAllocations(), "the writer's first stores would fill the page cache");
            final Path cycleFile = JournalTesting.cycleFiles(journalDir).get(0);
            assertTrue(DiskBlocks.allocatedBytes(cycleFile) >= journal.writeEndForTests() + (1 << 20));
        }
        JournalTesting.assertReadsAll(journalDir, 100_000);
    }
}
