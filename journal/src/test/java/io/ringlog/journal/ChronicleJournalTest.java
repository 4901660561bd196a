package io.ringlog.journal;

import io.ringlog.core.testing.Chattr;
import io.ringlog.core.Command;
import io.ringlog.core.JournalException;
import io.ringlog.core.JournalReader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.ringlog.journal.JournalTesting.appendRange;
import static io.ringlog.journal.JournalTesting.command;
import static io.ringlog.journal.JournalTesting.context;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChronicleJournalTest
{
    @TempDir
    Path dir;

    /** A reviewer's empty --journal: Chronicle wrote its cycle file at / (new File(new File(""), name)). */
    @Test
    void shouldRefuseAnEmptyDirectoryPath()
    {
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> ChronicleJournal.open(new ChronicleJournal.Context().directory(java.nio.file.Path.of(""))));
        assertEquals("the journal directory is an empty path: name a directory ('.' for the current one)",
            refused.getMessage());
    }

    @Test
    void shouldReadBackEveryFieldOfEveryEntry()
    {
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir)))
        {
            assertEquals(0, journal.lastPosition());
            appendRange(journal, 1, 500, 7);
            assertEquals(500, journal.lastPosition());
            // Entry format 3: the 32-byte header, source id and sequence and correlation id as ints, the payload.
            assertEquals(500L * (32 + 12 + 8), journal.committedBytes());
            final Command into = new Command(JournalTesting.MAX_PAYLOAD);
            try (JournalReader reader = journal.reader(1))
            {
                for (long position = 1; position <= 500; position++)
                {
                    assertTrue(reader.next(into), "entry " + position);
                    final Command expected = command(position, 1, 1, position * 3);
                    assertEquals(expected.toString(), into.toString());
                    assertEquals(position * 3, into.payload().getLong(0, ByteOrder.LITTLE_ENDIAN));
                }
                assertFalse(reader.next(into));
            }
        }
    }

    @Test
    void shouldContinuePositionsAcrossReopen()
    {
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir)))
        {
            appendRange(journal, 1, 100, 10);
        }
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir)))
        {
            assertEquals(100, journal.lastPosition());
            assertNull(journal.tornEntry());
            final JournalException outOfOrder = assertThrows(JournalException.class,
                () -> journal.append(command(100, 1, 1, 0)));
            assertEquals(100, outOfOrder.position());
            appendRange(journal, 101, 150, 10);
        }
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir)))
        {
            assertEquals(150, journal.lastPosition());
            assertEquals(List.of(40L, 41L, 42L), readPositions(journal, 40, 3));
            assertEquals(150, readPositions(journal, 1, Integer.MAX_VALUE).size());
        }
    }

    @Test
    void shouldMapPositionsAcrossCyclesAndDeleteWholeCyclesOnly()
    {
        final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
        final ChronicleJournal.Context ctx = context(dir).rollCycle(JournalRollCycle.SECONDLY)
            .epochMillisClock(millis::get);
        try (ChronicleJournal journal = ChronicleJournal.open(ctx))
        {
            for (int cycle = 0; cycle < 5; cycle++)
            {
                appendRange(journal, cycle * 10L + 1, cycle * 10L + 10, 4);
                millis.addAndGet(1000);
            }
            assertEquals(5, journal.cycleCount());
        }
        try (ChronicleJournal journal = ChronicleJournal.open(ctx))
        {
            assertEquals(50, journal.lastPosition());
            assertEquals(5, journal.cycleCount());
            for (long from = 1; from <= 50; from += 7)
            {
                assertEquals(from, readPositions(journal, from, 1).get(0), "seek to " + from);
            }
            assertEquals(List.of(10L, 11L, 12L), readPositions(journal, 10, 3));

            assertEquals(2, journal.deleteCyclesBefore(25));
            assertEquals(21, journal.firstPosition());
            assertEquals(30, readPositions(journal, 21, Integer.MAX_VALUE).size());
            final JournalException trimmed = assertThrows(JournalException.class, () -> journal.reader(5));
            assertEquals(5, trimmed.position());
            assertEquals(2, journal.deleteCyclesBefore(1_000), "all but the cycle being written");
            assertEquals(41, journal.firstPosition());
            assertEquals(List.of(41L, 42L), readPositions(journal, 41, 2));
        }
    }

    @Test
    void shouldLetAReaderFollowTheWriterAcrossCycles()
    {
        final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir).rollCycle(JournalRollCycle.SECONDLY)
            .epochMillisClock(millis::get)))
        {
            appendRange(journal, 1, 10, 4);
            final Command into = new Command(JournalTesting.MAX_PAYLOAD);
            try (JournalReader follower = journal.reader(1))
            {
                for (long position = 1; position <= 10; position++)
                {
                    assertTrue(follower.next(into));
                    assertEquals(position, into.position());
                }
                assertFalse(follower.next(into), "caught up");
                millis.addAndGet(1_000);
                appendRange(journal, 11, 20, 4);
                for (long position = 11; position <= 20; position++)
                {
                    assertTrue(follower.next(into), "entry " + position + " in the next cycle");
                    assertEquals(position, into.position());
                }
                assertFalse(follower.next(into));
            }
            try (JournalReader fromTheEnd = journal.reader(21))
            {
                assertFalse(fromTheEnd.next(into));
                appendRange(journal, 21, 21, 1);
                assertTrue(fromTheEnd.next(into));
                assertEquals(21, into.position());
            }
        }
    }

    /**
     * A reader asked for the position after the last one, while the writer appends on another thread,
     * starts at that position. (It once went to the queue's end, and an append in between made it skip
     * the entry: a standby's catch-up then failed on every read.)
     */
    @Test
    void shouldStartAReaderOfAPositionToComeAtThatPositionWhileTheWriterAppends() throws Exception
    {
        final int readers = 200;
        final long most = 2_000_000;
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir)))
        {
            final AtomicBoolean stop = new AtomicBoolean();
            final Thread writer = new Thread(() ->
            {
                for (long position = 1; position <= most && !stop.get(); position++)
                {
                    journal.append(command(position, 1, 1, position * 3));
                    journal.commit();
                }
            }, "writer");
            final Command into = new Command(JournalTesting.MAX_PAYLOAD);
            writer.start();
            try
            {
                for (int opened = 0; opened < readers; opened++)
                {
                    final long last = journal.lastPosition();
                    assertTrue(last < most, "the writer wrote all " + most + " entries before " + readers +
                        " readers were opened: raise the limit");
                    try (JournalReader reader = journal.reader(last + 1))
                    {
                        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                        while (!reader.next(into))
                        {
                            assertTrue(System.nanoTime() < deadline, "position " + (last + 1) + " never came to its reader");
                            Thread.onSpinWait();
                        }
                        assertEquals(last + 1, into.position(), "the first entry of a reader from " + (last + 1));
                    }
                }
            }
            finally
            {
                stop.set(true);
                writer.join(TimeUnit.SECONDS.toMillis(30));
            }
            assertFalse(writer.isAlive(), "the writer stopped");
        }
    }

    @Test
    void shouldKeepTheNewestCycleWhenDeleting()
    {
        final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
        final ChronicleJournal.Context ctx = context(dir).rollCycle(JournalRollCycle.SECONDLY)
            .epochMillisClock(millis::get);
        try (ChronicleJournal journal = ChronicleJournal.open(ctx))
        {
            appendRange(journal, 1, 10, 5);
            millis.addAndGet(1000);
            appendRange(journal, 11, 20, 5);
            assertEquals(1, journal.deleteCyclesBefore(1_000));
            assertEquals(11, journal.firstPosition());
            appendRange(journal, 21, 25, 5);
        }
        try (ChronicleJournal journal = ChronicleJournal.open(ctx))
        {
            assertEquals(11, journal.firstPosition());
            assertEquals(25, journal.lastPosition());
        }
    }

    @Test
    void shouldFailOnGarbageInTheMiddleWithPositionAndReason() throws Exception
    {
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir)))
        {
            appendRange(journal, 1, 100, 10);
        }
        JournalTesting.garbleMagicOfEntry(JournalTesting.cycleFiles(dir).get(0), 49);
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir)))
        {
            assertEquals(100, journal.lastPosition());
            final List<Long> seen = new ArrayList<>();
            final Command into = new Command(JournalTesting.MAX_PAYLOAD);
            try (JournalReader reader = journal.reader(1))
            {
                final JournalException ex = assertThrows(JournalException.class, () ->
                {
                    while (reader.next(into))
                    {
                        seen.add(into.position());
                    }
                });
                assertEquals(50, ex.position());
                assertTrue(ex.getMessage().contains("bad magic"), ex.getMessage());
            }
            assertEquals(49, seen.size());
        }
    }

    /**
     * A flag flipped in a Chronicle document's header mid-file, so Chronicle's readers would pass over its
     * entries: the walk finds the entries whole in it, and the failure says which document, without naming a
     * position (not "position 0"), and that a repair writes the file anew with every entry (it used to count
     * one document fewer than Chronicle's index and send the user to a cut, which lost entries and did not mend it).
     */
    @Test
    void shouldSayAfterWhichPositionADamagedDocumentHeaderLeavesTheFileWhole() throws Exception
    {
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir)))
        {
            appendRange(journal, 1, 100, 10);
        }
        final Path file = JournalTesting.cycleFiles(dir).get(0);
        // Entries 41..50 are one document (a commit every 10): its 4-byte header lies just before entry 41.
        JournalTesting.flip(file, JournalTesting.entryOffset(file, 40) - 1, 0x40);
        final JournalException ex = assertThrows(JournalException.class, () -> ChronicleJournal.open(context(dir)));
        assertTrue(ex.getMessage().startsWith("cycle file " + file + " cannot be read by Chronicle Queue: its document " +
            "at byte " + (JournalTesting.entryOffset(file, 40) - 4) + " holds whole entries but is marked as Chronicle's " +
            "metadata (its header word is damaged): Chronicle's readers would pass over them. Its entries are whole, " +
            "and the walk past the damage found 100 whole entries, positions 1..100: 'scripts/journal repair -d " + dir + "'"),
            ex.getMessage());
        assertFalse(ex.getMessage().contains("journal position 0"), "no position it cannot stand behind");
    }

    /**
     * A flipped bit in the journal's very first entry: the journal used to be unreadable as a whole ("cannot
     * tell where the journal starts", position 0), even to verify and repair, though only entry 1 was damaged.
     * The second entry's position, less one, says where it starts: verify names position 1 and the checksum,
     * every later entry is read, and the repair's dry run counts them all.
     */
    @Test
    void shouldFindWhereAJournalStartsWhenItsFirstEntryIsDamaged() throws Exception
    {
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir)))
        {
            appendRange(journal, 1, 100, 10);
        }
        final Path file = JournalTesting.cycleFiles(dir).get(0);
        // The last byte of entry 1's payload (entry 1 is a document of its own, the first of its cycle file).
        JournalTesting.flip(file, JournalTesting.entryOffset(file, 0) +
            io.ringlog.core.CommandCodec.compactLength(command(1, 1, 1, 3)) - 1, 0x04);
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir).readOnly(true)))
        {
            assertEquals(1, journal.firstPosition());
            assertEquals(100, journal.lastPosition());
            final Command into = new Command(JournalTesting.MAX_PAYLOAD);
            try (JournalReader reader = journal.reader(2))
            {
                for (long position = 2; position <= 100; position++)
                {
                    assertTrue(reader.next(into));
                    assertEquals(command(position, 1, 1, position * 3).toString(), into.toString());
                }
            }
            final JournalException ex = assertThrows(JournalException.class, () ->
            {
                try (JournalReader reader = journal.reader(1))
                {
                    reader.next(into);
                }
            });
            assertTrue(ex.getMessage().startsWith("journal position 1: checksum mismatch"), ex.getMessage());
        }
        final StringWriter out = new StringWriter();
        assertEquals(1, io.ringlog.journal.tool.JournalTool.run(new PrintWriter(out), new PrintWriter(new StringWriter()),
            "verify", "-d", dir.toString(), "--max-payload", "64"));
        assertTrue(out.toString().contains("first-position: 1\n") && out.toString().contains("bad-position: 1\n") &&
            out.toString().contains("problem: journal position 1: checksum mismatch"), out.toString());
        final StringWriter repair = new StringWriter();
        io.ringlog.journal.tool.JournalTool.run(new PrintWriter(repair), new PrintWriter(repair), "repair", "-d",
            dir.toString());
        assertTrue(repair.toString().contains("last-whole-position: 100\n") &&
            repair.toString().contains("problem: journal position 1: checksum mismatch"), repair.toString());
    }

    /**
     * Entry 1's header damaged (its magic), so that nothing tells where the journal starts: the probe got "journal
     * position 0: the oldest entry, in cycle 20791, ..." from verify, no command, and "error: the first entry of F is
     * damaged" from every repair. Both now say the two ways out: a copy, or moving the directory aside.
     */
    @Test
    void shouldSayTheWaysOutWhenTheFirstEntrysHeaderIsDamaged() throws Exception
    {
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir)))
        {
            appendRange(journal, 1, 100, 10);
        }
        final Path file = JournalTesting.cycleFiles(dir).get(0);
        JournalTesting.flipByte(file, JournalTesting.entryOffset(file, 0) + io.ringlog.core.CommandCodec.COMPACT_MAGIC_OFFSET);
        final String said = "the journal's oldest entry, the first of " + file + ", is damaged, its header too: where " +
            "the journal starts cannot be told, so no entry of it can be read. Restore the file from a copy";
        final StringWriter verify = new StringWriter();
        assertEquals(1, io.ringlog.journal.tool.JournalTool.run(new PrintWriter(verify), new PrintWriter(verify),
            "verify", "-d", dir.toString()));
        assertTrue(verify.toString().contains("problem: " + said) && verify.toString().contains("(mv " + dir + " " + dir +
            ".damaged)") && !verify.toString().contains("position 0"), verify.toString());
        final StringWriter repair = new StringWriter();
        assertEquals(1, io.ringlog.journal.tool.JournalTool.run(new PrintWriter(repair), new PrintWriter(repair),
            "repair", "-d", dir.toString()));
        assertTrue(repair.toString().contains("error: " + said) && !repair.toString().contains("\tat "), repair.toString());
    }

    /**
     * The same with entries of 185-byte payloads: an entry in format 3 starts with its payload length, whose
     * low byte is then 0xB9, the byte Chronicle's own metadata documents start with; the walk still tells the
     * entries from Chronicle's metadata by the magic after it, and does not pass over them.
     */
    @Test
    void shouldTellEntriesWhoseFirstByteIsChroniclesEventNameFromChroniclesMetadata() throws Exception
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[185]);
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir).maxPayloadLength(200)))
        {
            for (long position = 1; position <= 100; position++)
            {
                journal.append(new Command(200).set(position, position, 1, 1, 0, 0, 0, payload, 0, 185));
                if (position % 10 == 0)
                {
                    journal.commit();
                }
            }
        }
        final Path file = JournalTesting.cycleFiles(dir).get(0);
        final long entry41 = JournalTesting.entryOffset(file, 40);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r"))
        {
            raf.seek(entry41);
            assertEquals(0xB9, raf.read(), "the entry starts with the byte Chronicle's metadata does");
        }
        JournalTesting.flip(file, entry41 - 1, 0x40);
        final JournalException ex = assertThrows(JournalException.class,
            () -> ChronicleJournal.open(context(dir).maxPayloadLength(200)));
        assertTrue(ex.getMessage().contains("its document at byte " + (entry41 - 4) + " holds whole entries but is " +
            "marked as Chronicle's metadata") && ex.getMessage().contains("found 100 whole entries, positions 1..100"),
            ex.getMessage());
    }

    /**
     * A high bit flipped in a document header's length in an older cycle file, so that it claims to run past
     * the file's end: the walk finds where its entries end and the next document starts, and says the length
     * word is damaged, the entries whole (it used to call the file cut after position 50 and offer a cut).
     */
    @Test
    void shouldSayADocumentThatRunsPastTheEndOfAnOlderFileMayBeADamagedHeader() throws Exception
    {
        final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
        final ChronicleJournal.Context ctx = context(dir).rollCycle(JournalRollCycle.SECONDLY).epochMillisClock(millis::get);
        try (ChronicleJournal journal = ChronicleJournal.open(ctx))
        {
            appendRange(journal, 1, 100, 10);
            millis.addAndGet(1_000);
            appendRange(journal, 101, 200, 10);
        }
        final Path older = JournalTesting.cycleFiles(dir).get(0);
        // The header of the document of entries 41..50: bit 29 of its length, so it claims half a GiB more.
        JournalTesting.flip(older, JournalTesting.entryOffset(older, 40) - 1, 0x20);
        final JournalException ex = assertThrows(JournalException.class,
            () -> ChronicleJournal.open(context(dir).readOnly(true)));
        assertTrue(ex.getMessage().startsWith("cycle file " + older + " cannot be read by Chronicle Queue: the length " +
            "word of its document at byte " + (JournalTesting.entryOffset(older, 40) - 4) + " is damaged: it says ") &&
            ex.getMessage().contains("the walk past the damage found 100 whole entries, positions 1..100: 'scripts/journal " +
            "repair -d " + dir + "' writes the file anew"), ex.getMessage());
    }

    /**
     * A clock behind the journal's newest cycle file (stepped back, as NTP does, or a service's own clock). Chronicle
     * refuses to write into a cycle it rolled past, which halted the engine, and after a restart halted it again at the
     * first append, for as long as the clock stayed behind (a newcomer's finding: 11 hours, for a file of a day ahead).
     * The journal goes on writing into its newest file until the clock passes it, in a run and after a restart.
     */
    @Test
    void shouldKeepWritingIntoTheNewestCycleFileWhenTheClockIsBehindIt() throws Exception
    {
        final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir).rollCycle(JournalRollCycle.SECONDLY)
            .epochMillisClock(millis::get)))
        {
            appendRange(journal, 1, 10, 10);
            millis.addAndGet(2_000);
            appendRange(journal, 11, 20, 10);
            millis.addAndGet(-2_000);   // stepped back in the run
            appendRange(journal, 21, 30, 10);
        }
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir).rollCycle(JournalRollCycle.SECONDLY)
            .epochMillisClock(millis::get)))   // and behind at the restart
        {
            appendRange(journal, 31, 40, 10);
            millis.addAndGet(5_000);   // past it: a new file
            appendRange(journal, 41, 50, 10);
        }
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir).readOnly(true)))
        {
            assertEquals(50, journal.lastPosition());
            final Command entry = new Command(64);
            long expected = 1;
            try (JournalReader reader = journal.reader(1))
            {
                while (reader.next(entry))
                {
                    assertEquals(expected++, entry.position());
                }
            }
            assertEquals(51, expected, "every entry read back, in order");
        }
        try (java.util.stream.Stream<java.nio.file.Path> files = Files.list(dir))
        {
            assertEquals(3, files.filter((file) -> file.toString().endsWith(".cq4")).count(),
                "the first second's file, the newest one written on while the clock was behind, and the next");
        }
    }

    /**
     * A reviewer's case: the newest cycle file holds no entry (the writer rolled to it, Chronicle wrote its header and
     * the end-of-file marker of the file before, and the process died before its first document), and the clock is
     * back in the older file's cycle. The floor is the newest file by name, not the newest with entries.
     */
    @Test
    void shouldKeepWritingWhenTheClockIsBehindANewestCycleFileWithNoEntry() throws Exception
    {
        final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
        final java.util.function.Supplier<ChronicleJournal.Context> context = () -> context(dir)
            .rollCycle(JournalRollCycle.SECONDLY).epochMillisClock(millis::get);
        try (ChronicleJournal journal = ChronicleJournal.open(context.get()))
        {
            appendRange(journal, 1, 100, 10);
        }
        millis.addAndGet(5_000);
        JournalTesting.startEmptyCycle(dir, JournalRollCycle.SECONDLY, millis.get());
        assertEquals(2, JournalTesting.cycleFiles(dir).size(), "the empty newer file is there");
        millis.addAndGet(-5_000);
        try (ChronicleJournal journal = ChronicleJournal.open(context.get()))
        {
            assertEquals(100, journal.lastPosition());
            appendRange(journal, 101, 110, 10);
        }
        JournalTesting.assertReadsAllAndVerifies(dir, 110);
    }

    /** The clock Chronicle asks never goes back, whichever threads ask it at once (a reviewer's race). */
    @Test
    void shouldNeverGiveAnEarlierCycleTimeToConcurrentCallers() throws Exception
    {
        final AtomicLong source = new AtomicLong(1_000);
        final ChronicleJournal.CycleClock clock = new ChronicleJournal.CycleClock(source::incrementAndGet);
        final AtomicLong wentBack = new AtomicLong();
        final Runnable caller = () ->
        {
            long last = 0;
            for (int i = 0; i < 2_000_000; i++)
            {
                final long now = clock.currentTimeMillis();
                if (now < last)
                {
                    wentBack.incrementAndGet();
                }
                last = now;
            }
        };
        final Thread other = new Thread(caller, "cycle-clock-caller");
        other.start();
        caller.run();
        other.join();
        assertEquals(0, wentBack.get(), "times a caller saw the clock earlier than it had said before");
    }

    /**
     * A journal whose metadata.cq4t this user cannot write (here immutable, which binds root too): a
     * writable open says so, not that the disk is full, and a read-only open reads it.
     */
    @ParameterizedTest
    @CsvSource({"metadata.cq4t, Chronicle's metadata.cq4t", "ringlog.meta, its ringlog.meta"})
    void shouldSayAJournalItCannotWriteIsNotWritableRatherThanFull(final String name, final String said) throws Exception
    {
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir)))
        {
            appendRange(journal, 1, 10, 10);
        }
        // ringlog.meta: a reviewer's immutable one said "cannot map ... for writing: operation not permitted", no more.
        final Path table = dir.resolve(name);
        org.junit.jupiter.api.Assumptions.assumeTrue(Chattr.set("+i", table), "chattr +i works here");
        try
        {
            final JournalException ex = assertThrows(JournalException.class, () -> ChronicleJournal.open(context(dir)));
            assertTrue(ex.getMessage().startsWith("cannot write to the journal in " + dir + ": " + said + " there is not " +
                "writable by this user") && !ex.getMessage().contains("no room") &&
                ex.getMessage().contains("Make the journal's files writable to run on it"), ex.getMessage());
            try (ChronicleJournal readOnly = ChronicleJournal.open(context(dir).readOnly(true)))
            {
                assertEquals(10, readOnly.lastPosition());
            }
        }
        finally
        {
            Chattr.set("-i", table);
        }
    }

    /** Garbage in Chronicle's own metadata.cq4t: the failure names that file as the likely cause, and the way out. */
    @Test
    void shouldPointAtADamagedChronicleMetadataFileAndOpenOnceItIsMovedAway() throws Exception
    {
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir)))
        {
            appendRange(journal, 1, 100, 10);
        }
        final Path table = dir.resolve("metadata.cq4t");
        final byte[] garbage = new byte[64];
        Arrays.fill(garbage, (byte)0x5A);
        Files.write(table, garbage);
        final JournalException ex = assertThrows(JournalException.class, () -> ChronicleJournal.open(context(dir)));
        // Named before Chronicle is asked (it waited 10 s for its lock, then guessed): damaged, and how to mend it.
        assertTrue(ex.getMessage().contains(table + " is damaged: Chronicle Queue cannot read it (") &&
            ex.getMessage().endsWith("move it away ('mv " + table + " " + table + ".damaged') and the journal opens as " +
            "it was"), ex.getMessage());
        Files.delete(table);
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir)))
        {
            assertEquals(100, journal.lastPosition());
            appendRange(journal, 101, 110, 10);
        }
        assertTrue(Files.exists(table), "the writer made it again");
    }

    @Test
    void shouldReportTornEntryAndRecoverUpToTheLastWholeEntry() throws Exception
    {
        final Process child = JournalTesting.startJvm(TornWriterMain.class, dir.toString(), "40");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)))
        {
            assertEquals("half-written", out.readLine());
        }
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));

        final List<TornEntry> read = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir).readOnly(true).tornEntryListener(read::add)))
        {
            assertEquals(40, journal.lastPosition());
        }
        assertEquals(1, read.size());
        assertTrue(read.get(0).halfWritten());
        assertTrue(read.get(0).toString().endsWith("a writer stopped mid-entry; ignored (the next writable open writes " +
            "over it; 'scripts/journal repair -d " + dir + " --truncate-after 40' clears it now, dropping no whole entry)"),
            "a reader is told the way out: " + read.get(0));

        final List<TornEntry> reported = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir).tornEntryListener(reported::add)))
        {
            assertEquals(40, journal.lastPosition());
            assertEquals(1, reported.size());
            assertTrue(reported.get(0).halfWritten());
            assertTrue(reported.get(0).toString().endsWith("a writer stopped mid-entry; ignored, and this journal's next " +
                "append writes over it"), "a writer is told it has nothing to do, not to repair: " + reported.get(0));
            assertNotNull(journal.tornEntry());
            assertEquals(40, journal.tornEntry().lastWholePosition());
            assertEquals(40, readPositions(journal, 1, Integer.MAX_VALUE).size());
            appendRange(journal, 41, 45, 5);
        }
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir)))
        {
            assertNull(journal.tornEntry(), "the next append reclaimed the torn slot");
            assertEquals(45, journal.lastPosition());
            assertEquals(45, readPositions(journal, 1, Integer.MAX_VALUE).size());
        }
    }

    @Test
    void shouldReportAWriteTornAsTheFirstEntryOfANewCycle() throws Exception
    {
        final Process child = JournalTesting.startJvm(TornWriterMain.class, dir.toString(), "30", "new-cycle");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)))
        {
            assertEquals("half-written", out.readLine());
        }
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, JournalTesting.cycleFiles(dir).size(), "the torn entry started a cycle file of its own");

        final List<TornEntry> reported = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir).readOnly(true).tornEntryListener(reported::add)))
        {
            assertEquals(30, journal.lastPosition());
            assertEquals(1, reported.size(), "it used to go unreported: the journal only looked after its newest whole entry");
            assertEquals(30, reported.get(0).lastWholePosition());
            assertEquals(JournalTesting.cycleFiles(dir).get(1), reported.get(0).file());
        }
    }

    /**
     * Chronicle's {@code appender.sync()} msyncs only the 64 MiB chunk of the map the writer is in. A batch whose first
     * documents went into the chunk before (37 entries of 4,000 bytes: three documents of up to 64 KiB) was synced
     * only in part, its first ~70 KB left to the kernel until close (seen under strace: the commit msynced from the
     * new chunk's start only). Such a sync now also syncs the file, once a crossing; batches within a chunk do not.
     */
    @Test
    void shouldSyncTheWholeOfABatchThatCrossesIntoTheNextChunkOfTheMap()
    {
        final int payload = 4_000;
        final UnsafeBuffer bytes = new UnsafeBuffer(new byte[payload]);
        final Command command = new Command(payload);
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().directory(dir)
            .maxPayloadLength(payload).durability(Durability.SYNC_EACH_BATCH)))
        {
            long position = 0;
            // 80 MB: past the first chunk's end (64 MiB), once.
            while (position < 20_000)
            {
                for (int i = 0; i < 37; i++)
                {
                    position++;
                    bytes.putLong(0, position);
                    journal.append(command.set(position, position, 1, 1, 0, 0, 0, bytes, 0, payload));
                }
                journal.commit();
            }
            assertEquals(position, journal.syncedPosition());
            assertTrue(journal.syncForces() >= 1, "a batch crossed into the second chunk, and its sync covered the first");
            assertTrue(journal.syncForces() <= 3, "only batches that crossed synced the file: " + journal.syncForces());
        }
        try (ChronicleJournal mapped = ChronicleJournal.open(new ChronicleJournal.Context().directory(dir.resolve("m"))
            .maxPayloadLength(payload)))
        {
            for (long position = 1; position <= 20_000; position++)
            {
                mapped.append(command.set(position, position, 1, 1, 0, 0, 0, bytes, 0, payload));
                if (position % 37 == 0)
                {
                    mapped.commit();
                }
            }
            mapped.commit();
            assertEquals(0, mapped.syncForces(), "MEMORY_MAPPED syncs nothing");
        }
    }

    /**
     * A copy of the journal's first cycle file put in its directory under an earlier cycle's name: two files that hold
     * positions 1..200. It was called missing positions ("positions 201..0 are missing (a cycle file deleted or lost)")
     * with a forced cut as the way out, which deleted the real files after the cut and kept the copy, and the journal
     * then failed the same way. It is named as two files holding the same positions, to move one out; with the copy
     * gone, the journal reads whole.
     */
    @Test
    void shouldNameACycleFileThatHoldsPositionsAnotherAlreadyHolds() throws Exception
    {
        final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
        final ChronicleJournal.Context writing = context(dir).rollCycle(JournalRollCycle.SECONDLY)
            .epochMillisClock(millis::get);
        try (ChronicleJournal journal = ChronicleJournal.open(writing))
        {
            for (int cycle = 0; cycle < 3; cycle++)
            {
                appendRange(journal, cycle * 200 + 1, (cycle + 1) * 200, 10);
                millis.addAndGet(1_000);
            }
        }
        final List<Path> files = JournalTesting.cycleFiles(dir);
        final String earlier = java.time.format.DateTimeFormatter.ofPattern(JournalRollCycle.SECONDLY.chronicle().format())
            .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.ofEpochMilli(1_700_000_000_000L - 5_000)) + ".cq4";
        final Path stray = dir.resolve(earlier);
        Files.copy(files.get(0), stray);
        final JournalException refused = assertThrows(JournalException.class,
            () -> ChronicleJournal.open(context(dir).readOnly(true)).close());
        assertTrue(refused.getMessage().contains("cycle file " + files.get(0) + " starts at position 1, but an earlier " +
            "file, " + earlier + ", holds positions 1..200: both hold position 1, which a journal's files never do") &&
            refused.getMessage().contains("so " + earlier + " is the one put there after it") &&
            refused.getMessage().contains("Move the one that does not belong out of " + dir) &&
            !refused.getMessage().contains("--truncate-after"), refused.getMessage());
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = io.ringlog.journal.tool.JournalTool.run(new PrintWriter(out), new PrintWriter(err), "repair", "-d",
            dir.toString());
        assertEquals(1, code, out + "\n" + err);
        assertTrue(out.toString().contains("both hold position 1,") && !out.toString().contains("--force"),
            "the repair offers no cut: " + out);
        final Path movedOut = Files.createTempDirectory("moved-out");
        Files.move(stray, movedOut.resolve(earlier));
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir).readOnly(true)))
        {
            assertEquals(600, journal.lastPosition());
            assertEquals(200, readPositions(journal, 401, 1_000).size());
        }
        Files.delete(movedOut.resolve(earlier));

        // The original moved out instead, the copy kept: Chronicle's table starts at a file that is gone, and its
        // readers looked for position 1 where it is not ('the journal has no entry there ... repair --rebuild mends',
        // which mended nothing). Said as the table's; with the table moved away, the journal reads whole.
        Files.copy(files.get(0), stray);
        Files.move(files.get(0), movedOut.resolve(files.get(0).getFileName()));
        final JournalException table = assertThrows(JournalException.class,
            () -> ChronicleJournal.open(context(dir).readOnly(true)).close());
        assertTrue(table.getMessage().contains("lists cycle files from " + files.get(0).getFileName() + ", which is not " +
            "in the directory, and not " + earlier + ", which is") && table.getMessage().contains("Move the table away"),
            table.getMessage());
        Files.move(dir.resolve("metadata.cq4t"), movedOut.resolve("metadata.cq4t"));
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir).readOnly(true)))
        {
            assertEquals(600, journal.lastPosition());
            assertEquals(200, readPositions(journal, 1, 200).size());
        }
        Files.move(movedOut.resolve("metadata.cq4t"), dir.resolve("metadata.cq4t"));
        Files.delete(stray);
        Files.move(movedOut.resolve(files.get(0).getFileName()), files.get(0));

        // A copy named after the newest cycle (Chronicle's table moved away, as its staleness message advises): the
        // file named is the one that holds the copy's first position, not the newest one before it.
        final String later = java.time.format.DateTimeFormatter.ofPattern(JournalRollCycle.SECONDLY.chronicle().format())
            .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.ofEpochMilli(millis.get() + 5_000)) + ".cq4";
        Files.copy(files.get(0), dir.resolve(later));
        Files.move(dir.resolve("metadata.cq4t"), movedOut.resolve("metadata.cq4t"));
        final JournalException named = assertThrows(JournalException.class,
            () -> ChronicleJournal.open(context(dir).readOnly(true)).close());
        assertTrue(named.getMessage().contains("cycle file " + dir.resolve(later) + " starts at position 1, but an " +
            "earlier file, " + files.get(0).getFileName() + ", holds positions 1..200"), named.getMessage());
        Files.delete(dir.resolve(later));
        Files.delete(movedOut.resolve("metadata.cq4t"));
        Files.delete(movedOut);
    }

    @Test
    void shouldSyncAsTheDurabilityLevelSays()
    {
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir.resolve("mapped"))))
        {
            appendRange(journal, 1, 50, 5);
            assertEquals(0, journal.syncedPosition());
        }
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir.resolve("batch"))
            .durability(Durability.SYNC_EACH_BATCH)))
        {
            journal.append(command(1, 1, 1, 0));
            assertEquals(0, journal.syncedPosition());
            journal.commit();
            assertEquals(1, journal.syncedPosition());
            appendRange(journal, 2, 50, 5);
            assertEquals(50, journal.syncedPosition());
        }
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir.resolve("interval"))
            .durability(Durability.SYNC_INTERVAL).syncInterval(java.time.Duration.ofHours(1))))
        {
            appendRange(journal, 1, 10, 10);
            assertEquals(10, journal.syncedPosition(), "the first commit syncs");
            appendRange(journal, 11, 20, 10);
            assertEquals(10, journal.syncedPosition(), "the next one is inside the interval");
            assertEquals(20, journal.lastPosition());
        }
        for (final String level : List.of("mapped", "batch", "interval"))
        {
            try (ChronicleJournal journal = ChronicleJournal.open(context(dir.resolve(level))))
            {
                assertTrue(journal.lastPosition() >= 20, level);
            }
        }
    }

    @Test
    void shouldRefuseWritesWhenReadOnlyOrClosed()
    {
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir)))
        {
            appendRange(journal, 1, 3, 3);
        }
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir).readOnly(true)))
        {
            assertEquals(3, journal.lastPosition());
            assertThrows(JournalException.class, () -> journal.append(command(4, 1, 1, 0)));
        }
        try (ChronicleJournal small = ChronicleJournal.open(context(dir).maxPayloadLength(4)))
        {
            final JournalException tooLarge = assertThrows(JournalException.class,
                () -> small.append(command(4, 1, 1, 0)));
            assertTrue(tooLarge.getMessage().contains("exceeds the journal's maxPayloadLength 4"), tooLarge.getMessage());
        }
        final ChronicleJournal journal = ChronicleJournal.open(context(dir));
        journal.close();
        final JournalException ex = assertThrows(JournalException.class, () -> journal.append(command(4, 1, 1, 0)));
        assertEquals(4, ex.position());
    }

    private static List<Long> readPositions(final ChronicleJournal journal, final long from, final int max)
    {
        final List<Long> positions = new ArrayList<>();
        final Command into = new Command(JournalTesting.MAX_PAYLOAD);
        try (JournalReader reader = journal.reader(from))
        {
            while (positions.size() < max && reader.next(into))
            {
                positions.add(into.position());
            }
        }
        return positions;
    }
}
