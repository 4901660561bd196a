package io.ringlog.journal;

import io.ringlog.core.Crc32c;
import io.ringlog.core.Engine;
import io.ringlog.core.JournalException;
import io.ringlog.core.JournalId;
import io.ringlog.core.Topology;
import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.journal.tool.JournalTool;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static io.ringlog.journal.EngineFixtures.engineContext;
import static io.ringlog.journal.JournalTesting.appendRange;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * ringlog.meta: the journal's identity, created with the journal and never changed, and the
 * committed mark, which lets open tell a journal that lost entries from one that never had them.
 */
class JournalMetadataTest
{
    @TempDir
    Path dir;

    /**
     * A replication standby's empty journal takes on its primary's identity before its first entry: the file is written
     * anew under it, the committed mark and the anchor go on working in the new page, and it is the identity a reopen
     * reads. A journal that holds an entry keeps its own, as does a read-only one.
     */
    @Test
    void shouldTakeOnAnotherIdentityOnlyWhileItHoldsNoEntry()
    {
        final JournalId primary = JournalId.random();
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            final JournalId own = journal.id();
            assertTrue(journal.adopt(primary));
            assertEquals(primary, journal.id());
            assertTrue(journal.adopt(primary), "its own identity again is no change");
            assertFalse(journal.adopt(JournalId.NONE));
            appendRange(journal, 1, 25, 10);
            assertEquals(25, journal.committedPosition(), "the new page takes the mark");
            assertFalse(journal.adopt(own), "an identity never changes under entries");
            assertEquals(primary, journal.id());
        }
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir).readOnly(true)))
        {
            assertEquals(primary, journal.id());
            assertEquals(25, journal.committedPosition());
        }
        final Path other = dir.resolve("other");
        ChronicleJournal.open(JournalTesting.context(other)).close();
        try (ChronicleJournal readOnly = ChronicleJournal.open(JournalTesting.context(other).readOnly(true)))
        {
            assertFalse(readOnly.adopt(primary));
        }
        // The anchor ties the adopted identity to the first entry: the file is not another journal's beside them.
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            assertEquals(primary, journal.id());
            assertEquals(25, journal.lastPosition());
        }
    }

    /**
     * Reviewers' findings: one damaged byte of Chronicle's append lock in metadata.cq4t passed verify and the open,
     * and the first append halted the engine ("locked: unable to append because a lock is being held by
     * pid=9151314442816847872"); one naming pid 1, a running process, was not released by a first fix that released
     * only locks of processes not running. A writer holds the journal's own lock, so a held append lock is stale or
     * damaged: released, and said.
     */
    @ParameterizedTest
    @CsvSource({"chronicle.append.lock, 9151314442816847872", "chronicle.append.lock, -9223372036854775807"})
    void shouldReleaseChroniclesLocksWhichOnlyAKilledWriterOrDamageLeaves(final String key, final long word)
    {
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            appendRange(journal, 1, 100, 10);
        }
        net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder.addAliases();
        try (net.openhft.chronicle.queue.impl.TableStore<?> table = net.openhft.chronicle.queue.impl.table.SingleTableBuilder
            .binary(dir.resolve("metadata.cq4t"), net.openhft.chronicle.queue.impl.table.Metadata.NoMeta.INSTANCE).build())
        {
            table.acquireValueFor(key).setOrderedValue(word);
        }
        final List<String> notices = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir).noticeListener(notices::add)))
        {
            appendRange(journal, 101, 110, 10);
            assertEquals(110, journal.lastPosition());
        }
        assertTrue(notices.stream().anyMatch((n) -> n.startsWith("released Chronicle's " + key + " in " +
            dir.resolve("metadata.cq4t") + ", which was held")), notices.toString());
    }

    /**
     * Chronicle's write lock held in metadata.cq4t by a running process (a pid reused since a writer was killed holding
     * it, or a damaged word whose low 32 bits, where Chronicle reads the pid, name one: 1): every write waits for it, so
     * the first append waited 15 s and halted with Chronicle's words. Chronicle gives no handle to release it in place:
     * the writer, which holds the journal's own lock, deletes the table, says so, and Chronicle makes it again. One
     * naming a process not running, Chronicle releases itself, and the table stays
     * ({@link #shouldLeaveToChronicleAWriteLockOfAProcessNotRunning}).
     */
    @ParameterizedTest
    @ValueSource(longs = {1L, -9223372036854775807L})
    void shouldMakeAgainATableWhoseWriteLockIsHeld(final long word)
    {
        final JournalId id;
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            appendRange(journal, 1, 100, 10);
            id = journal.id();
        }
        net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder.addAliases();
        try (net.openhft.chronicle.queue.impl.TableStore<?> table = net.openhft.chronicle.queue.impl.table.SingleTableBuilder
            .binary(dir.resolve("metadata.cq4t"), net.openhft.chronicle.queue.impl.table.Metadata.NoMeta.INSTANCE).build())
        {
            table.acquireValueFor("chronicle.write.lock").setOrderedValue(word);
        }
        final List<String> notices = new ArrayList<>();
        final long started = System.nanoTime();
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir).noticeListener(notices::add)))
        {
            appendRange(journal, 101, 110, 10);
            assertEquals(110, journal.lastPosition());
            assertEquals(id, journal.id());
        }
        assertTrue(notices.contains("deleted " + dir.resolve("metadata.cq4t") + ", Chronicle Queue's table, whose " +
            "chronicle.write.lock was held: this writer holds the journal's own lock, so no other process writes, and it " +
            "was left by a writer killed holding it, or damaged. It holds none of the journal's own, and Chronicle makes " +
            "it again"), notices.toString());
        System.out.println("opened and appended in " + (System.nanoTime() - started) / 1_000_000 + " ms");
        JournalTesting.assertReadsAllAndVerifies(dir, 110);
    }

    @Test
    void shouldLeaveToChronicleAWriteLockOfAProcessNotRunning() throws Exception
    {
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            appendRange(journal, 1, 100, 10);
        }
        net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder.addAliases();
        try (net.openhft.chronicle.queue.impl.TableStore<?> table = net.openhft.chronicle.queue.impl.table.SingleTableBuilder
            .binary(dir.resolve("metadata.cq4t"), net.openhft.chronicle.queue.impl.table.Metadata.NoMeta.INSTANCE).build())
        {
            table.acquireValueFor("chronicle.write.lock").setOrderedValue(9151314442816847872L);
        }
        final Object before = Files.readAttributes(dir.resolve("metadata.cq4t"),
            java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        final List<String> notices = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir).noticeListener(notices::add)))
        {
            appendRange(journal, 101, 110, 10);
        }
        assertTrue(notices.stream().noneMatch((n) -> n.startsWith("deleted ")), notices.toString());
        assertEquals(before, Files.readAttributes(dir.resolve("metadata.cq4t"),
            java.nio.file.attribute.BasicFileAttributes.class).fileKey(), "the same table");
        JournalTesting.assertReadsAllAndVerifies(dir, 110);
    }

    @Test
    void shouldKeepOneIdentityAndMarkWhatWasCommitted()
    {
        final JournalId id;
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            assertTrue(Files.exists(dir.resolve(JournalMetadata.FILE_NAME)), "created before the first entry");
            id = journal.id();
            assertTrue(id.known());
            assertEquals(0, journal.committedPosition());
            appendRange(journal, 1, 25, 10);
            assertEquals(25, journal.committedPosition());
            journal.append(JournalTesting.command(26, 1, 1, 0));
            assertEquals(25, journal.committedPosition(), "appended is not committed");
        }
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir).readOnly(true)))
        {
            assertEquals(id, journal.id());
            assertEquals(25, journal.committedPosition());
            assertEquals(26, journal.lastPosition(), "a whole entry the close left is still read");
        }
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            assertEquals(id, journal.id());
            assertEquals(26, journal.committedPosition(), "what recovery will apply counts as committed");
        }
        assertNotEquals(id, JournalId.random());
        assertEquals(id, JournalId.parse(id.toString()));
    }

    @Test
    void shouldRefuseToWriteAfterTheNewestCycleFileWasDeletedAndSaySoFromTheCommandLine() throws Exception
    {
        final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
        final ChronicleJournal.Context ctx = JournalTesting.context(dir).rollCycle(JournalRollCycle.SECONDLY)
            .epochMillisClock(millis::get);
        try (ChronicleJournal journal = ChronicleJournal.open(ctx))
        {
            for (int cycle = 0; cycle < 3; cycle++)
            {
                appendRange(journal, cycle * 100L + 1, cycle * 100L + 100, 10);
                millis.addAndGet(1_000);
            }
        }
        final List<Path> files = JournalTesting.cycleFiles(dir);
        Files.delete(files.get(2));

        final JournalException refused = assertThrows(JournalException.class, () -> ChronicleJournal.open(ctx));
        assertEquals(201, refused.position());
        assertTrue(refused.getMessage().contains("the journal ends at position 200, but " +
            dir.resolve("ringlog.meta") + " says positions up to 300 were committed: entries 201..300, which clients " +
            "may have seen, are missing"), refused.getMessage());
        final JournalException engine = assertThrows(JournalException.class, () -> Engine.launch(engineContext(
            new AccumulatorStateMachine(), ChronicleJournal.open(ctx), Topology.COMPACT)));
        assertEquals(201, engine.position());
        try (ChronicleJournal readOnly = ChronicleJournal.open(JournalTesting.context(dir).readOnly(true)))
        {
            assertEquals(200, readOnly.lastPosition(), "read-only opens still read what is there");
            assertEquals(300, readOnly.committedPosition());
        }
        assertEquals(3, files.size());
        assertFalse(Files.exists(files.get(2)), "nothing was written: no position was reused");

        final JournalTesting.Ran verify = JournalTesting.runJvm(60, JournalTool.class, "verify", "-d", dir.toString(),
            "--max-payload", "64");
        assertEquals(1, verify.code(), verify.toString());
        assertTrue(verify.output().contains("last-position: 200\ncommitted-position: 300\n"), verify.toString());
        assertTrue(verify.output().contains("bad-position: 201\n"), verify.toString());
        assertTrue(verify.output().contains("problem: the journal ends at position 200, but positions up to 300 " +
            "were committed: entries 201..300"), verify.toString());
        assertFalse(verify.output().contains("Exception") || verify.output().contains("\tat "), verify.toString());
        // A replay to the end would print the state as of 200 as the journal's: refused, and --to 200 reads what is there.
        final String machine = AccumulatorStateMachine.class.getName();
        final JournalTesting.Ran replay = JournalTesting.runJvm(60, JournalTool.class, "replay", "-d", dir.toString(),
            "--max-payload", "64", "--state-machine", machine);
        assertEquals(1, replay.code(), replay.toString());
        assertTrue(replay.output().contains("error: the journal in " + dir + " ends at position 200, but positions up " +
            "to 300 were committed") && replay.output().contains("replay up to what is there with --to 200"),
            replay.toString());
        final JournalTesting.Ran upTo = JournalTesting.runJvm(60, JournalTool.class, "replay", "-d", dir.toString(),
            "--max-payload", "64", "--state-machine", machine, "--to", "200");
        assertEquals(0, upTo.code(), upTo.toString());
        assertTrue(upTo.output().contains("position: 200\n"), upTo.toString());
    }

    @Test
    void shouldGiveAJournalWrittenBeforeIdentitiesOneOnItsFirstWritableOpen() throws Exception
    {
        final Path journalDir = JournalTesting.restoreJournal("rlc1-journal", dir.resolve("old"));
        try (ChronicleJournal readOnly = ChronicleJournal.open(JournalTesting.context(journalDir).readOnly(true)))
        {
            assertEquals(JournalId.NONE, readOnly.id());
            assertEquals(-1, readOnly.committedPosition(), "unknown");
        }
        assertFalse(Files.exists(journalDir.resolve(JournalMetadata.FILE_NAME)), "read-only opens write nothing");
        final JournalId id;
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(journalDir)))
        {
            id = journal.id();
            assertTrue(id.known());
            assertEquals(40, journal.committedPosition());
        }
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(journalDir).readOnly(true)))
        {
            assertEquals(id, journal.id());
        }
    }

    /**
     * A journal of entry format 2 keeps metadata version 1 while it is only read, and says version 2 once a
     * writer may have appended entries in format 3: ringlog before format 3 refuses it by name rather than
     * take the new entries for damage. A version this code does not know is refused the same way.
     */
    @Test
    void shouldRaiseTheMetadataVersionWhenAFormatTwoJournalIsOpenedForWritingAndRefuseAnUnknownOne() throws Exception
    {
        final Path journalDir = JournalTesting.restoreJournal("rlc2-single-journal", dir.resolve("old"));
        final Path meta = journalDir.resolve(JournalMetadata.FILE_NAME);
        assertEquals(JournalMetadata.ENTRY_FORMAT_2_VERSION, versionOf(meta));
        final JournalId id;
        try (ChronicleJournal readOnly = ChronicleJournal.open(JournalTesting.context(journalDir).readOnly(true)))
        {
            id = readOnly.id();
        }
        assertEquals(JournalMetadata.ENTRY_FORMAT_2_VERSION, versionOf(meta), "a read-only open writes nothing");
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(journalDir)))
        {
            assertEquals(JournalMetadata.FORMAT_VERSION, versionOf(meta), "raised before the first append");
            appendRange(journal, 41, 50, 10);
        }
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(journalDir).readOnly(true)))
        {
            assertEquals(id, journal.id(), "the identity, and its checksum, kept");
            assertEquals(50, journal.committedPosition());
        }
        assertTrue(JournalMetadata.markChecks(JournalTesting.longAt(meta, JournalMetadata.COMMITTED_OFFSET)),
            "the mark carries its check from the raise on");
        final byte[] whole = Files.readAllBytes(meta);
        try (RandomAccessFile raf = new RandomAccessFile(meta.toFile(), "rw"))
        {
            // A flipped bit in the version, the checksum left as it was: damage, not newer code (a reviewer's finding).
            raf.seek(JournalMetadata.VERSION_OFFSET + 2);
            raf.write(1);
        }
        final JournalException flipped = assertThrows(JournalException.class,
            () -> ChronicleJournal.open(JournalTesting.context(journalDir).readOnly(true)));
        assertTrue(flipped.getMessage().startsWith(meta + " is damaged: its format version reads 65539, which no " +
            "ringlog writes, and its identity fails its checksum"), flipped.getMessage());
        Files.write(meta, whole);
        try (RandomAccessFile raf = new RandomAccessFile(meta.toFile(), "rw"))
        {
            // Newer code: a version this code does not know, under a checksum that holds.
            raf.seek(JournalMetadata.VERSION_OFFSET);
            raf.write(JournalMetadata.FORMAT_VERSION + 1);
            final byte[] bytes = Files.readAllBytes(meta);
            final int crc = new io.ringlog.core.Crc32c().update(bytes, 0, JournalMetadata.CHECKSUM_OFFSET).value();
            raf.seek(JournalMetadata.CHECKSUM_OFFSET);
            raf.write(java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(crc).array());
        }
        final JournalException ex = assertThrows(JournalException.class,
            () -> ChronicleJournal.open(JournalTesting.context(journalDir).readOnly(true)));
        assertEquals(meta + " has format version 4; this code reads 1 to 3 (written by newer code?)", ex.getMessage());
    }

    /**
     * Version 2 (entry format 3, the committed mark without its check: every journal written before the check) is
     * read as it is, and raised to version 3 by the first writable open, its mark checked from then on. The version 2
     * file is made here from the layout it had: the version, the identity's checksum over it, the position alone.
     */
    @Test
    void shouldReadAMarkWithoutItsCheckFromVersionTwoAndCheckItOnceWritten() throws Exception
    {
        final JournalId id = JournalTesting.newJournal(dir, 50, 10);
        final Path meta = dir.resolve(JournalMetadata.FILE_NAME);
        final byte[] bytes = asVersionTwo(meta, 50);
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir).readOnly(true)))
        {
            assertEquals(50, journal.committedPosition());
            assertEquals(id, journal.id());
        }
        assertEquals(JournalMetadata.UNCHECKED_MARK_VERSION, versionOf(meta), "a read-only open writes nothing");
        final List<String> notices = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir).noticeListener(notices::add)))
        {
            assertEquals(JournalMetadata.FORMAT_VERSION, versionOf(meta), "raised before the first append");
            // Said, with the way back: the version 2 file kept beside it, as it was.
            final Path kept = dir.resolve(JournalMetadata.FILE_NAME + ".v2");
            assertEquals(List.of(meta + " raised from format version 2 to 3 (the committed mark with its check), which " +
                "ringlog from before 2026-12-06 refuses, read-only tools too. The file as it was is kept as " + kept +
                ": put back as ringlog.meta, it lets ringlog of 2026-12-04 and -05 read and write the journal again " +
                "(journal/README.md, 'Upgrading ringlog over an existing journal')"), notices);
            assertArrayEquals(bytes, Files.readAllBytes(kept));
            assertEquals(50, journal.committedPosition());
            appendRange(journal, 51, 60, 10);
        }
        assertTrue(JournalMetadata.markChecks(JournalTesting.longAt(meta, JournalMetadata.COMMITTED_OFFSET)));
        assertEquals(1, JournalMetadata.read(dir).anchorPosition(), "the anchor carried into the raised file");
        assertFalse(Files.exists(dir.resolve(JournalMetadata.FILE_NAME + ".tmp")), "raised by a rename, nothing left");
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir).readOnly(true)))
        {
            assertEquals(60, journal.committedPosition());
            assertEquals(id, journal.id(), "the identity, and its checksum, kept");
        }
        notices.clear();
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir).noticeListener(notices::add)))
        {
            assertEquals(List.of(), notices, "raised once");
        }
    }

    /** Writes the journal's ringlog.meta as version 2 wrote it, its mark {@code mark}; returns its bytes. */
    private static byte[] asVersionTwo(final Path meta, final long mark) throws Exception
    {
        final byte[] bytes = Files.readAllBytes(meta);
        final UnsafeBuffer page = new UnsafeBuffer(bytes);
        page.putInt(JournalMetadata.VERSION_OFFSET, JournalMetadata.UNCHECKED_MARK_VERSION, ByteOrder.LITTLE_ENDIAN);
        page.putInt(JournalMetadata.CHECKSUM_OFFSET, new Crc32c().update(bytes, 0, JournalMetadata.CHECKSUM_OFFSET).value(),
            ByteOrder.LITTLE_ENDIAN);
        page.putLong(JournalMetadata.COMMITTED_OFFSET, mark, ByteOrder.LITTLE_ENDIAN);
        Files.write(meta, bytes);
        return bytes;
    }

    /**
     * A reviewer's probe: a version 2 journal that ends before its mark is refused by the open, which names a forced
     * repair; that repair set the mark by writing the file at version 3, with no copy kept and nothing said, so the
     * next open had nothing to say either. The repair says it, and keeps the copy, as an open does.
     */
    @Test
    void shouldKeepTheVersionTwoFileWhenARepairRaisesIt() throws Exception
    {
        JournalTesting.newJournal(dir, 50, 10);
        final Path meta = dir.resolve(JournalMetadata.FILE_NAME);
        final byte[] bytes = asVersionTwo(meta, 60);
        final JournalException refused = assertThrows(JournalException.class,
            () -> ChronicleJournal.open(JournalTesting.context(dir)));
        assertTrue(refused.getMessage().contains("--truncate-after 50 --force"), refused.getMessage());
        assertArrayEquals(bytes, Files.readAllBytes(meta), "the refused open wrote nothing");

        final java.io.StringWriter out = new java.io.StringWriter();
        assertEquals(0, JournalTool.run(new java.io.PrintWriter(out), new java.io.PrintWriter(out), "repair", "-d",
            dir.toString(), "--truncate-after", "50", "--force", "--apply"), out.toString());
        final Path kept = dir.resolve(JournalMetadata.FILE_NAME + ".v2");
        assertTrue(out.toString().contains("note: setting the mark raises " + meta + " to format version 3, which " +
            "ringlog from before 2026-12-06 refuses; the file as it was is kept as " + kept + ", the way back"),
            out.toString());
        assertArrayEquals(bytes, Files.readAllBytes(kept));
        assertEquals(JournalMetadata.FORMAT_VERSION, versionOf(meta));
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            assertEquals(50, journal.committedPosition());
        }
    }

    /**
     * The committed mark's CRC-8 finds every error of up to three bits in its 8-byte word, and an all-zero word
     * is no mark.
     */
    @Test
    void shouldFindEveryErrorOfUpToThreeBitsInTheCommittedMark()
    {
        assertFalse(JournalMetadata.markChecks(0), "a zeroed word");
        int tried = 0;
        for (final long position : new long[] {0, 1, 50, 1_000_000_007L, JournalMetadata.MARK_POSITION_MASK})
        {
            final long word = JournalMetadata.mark(position);
            assertTrue(JournalMetadata.markChecks(word));
            assertEquals(position, word & JournalMetadata.MARK_POSITION_MASK);
            for (int i = 0; i < 64; i++)
            {
                tried += failsItsCheck(position, word, 1L << i);
                for (int j = i + 1; j < 64; j++)
                {
                    tried += failsItsCheck(position, word, 1L << i | 1L << j);
                    for (int k = j + 1; k < 64; k++)
                    {
                        tried += failsItsCheck(position, word, 1L << i | 1L << j | 1L << k);
                    }
                }
            }
        }
        assertEquals(5 * (64 + 64 * 63 / 2 + 64 * 63 * 62 / 6), tried);
    }

    private static int failsItsCheck(final long position, final long word, final long flipped)
    {
        if (JournalMetadata.markChecks(word ^ flipped))
        {
            fail("position " + position + ": the bits 0x" + Long.toHexString(flipped) + " flipped pass the check");
        }
        return 1;
    }

    private static int versionOf(final Path meta) throws Exception
    {
        final byte[] bytes = Files.readAllBytes(meta);
        return (bytes[4] & 0xFF) | (bytes[5] & 0xFF) << 8 | (bytes[6] & 0xFF) << 16 | (bytes[7] & 0xFF) << 24;
    }

    @Test
    void shouldRefuseAJournalWhoseMetadataIsMissingOrDamaged() throws Exception
    {
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            appendRange(journal, 1, 10, 10);
        }
        final Path meta = dir.resolve(JournalMetadata.FILE_NAME);
        final byte[] good = Files.readAllBytes(meta);
        try (RandomAccessFile raf = new RandomAccessFile(meta.toFile(), "rw"))
        {
            // Flipped, not overwritten: a random identity holds 0x5A there once in 256 journals.
            raf.seek(JournalMetadata.ID_HIGH_OFFSET + 3);
            final int was = raf.read();
            raf.seek(JournalMetadata.ID_HIGH_OFFSET + 3);
            raf.write(was ^ 0x5A);
        }
        final JournalException damaged = assertThrows(JournalException.class,
            () -> ChronicleJournal.open(JournalTesting.context(dir)));
        assertTrue(damaged.getMessage().contains("is damaged: its identity fails its checksum"), damaged.getMessage());
        assertTrue(damaged.getMessage().endsWith("or give the journal a new identity with 'scripts/journal repair -d " + dir +
            " --new-identity' (it takes back the identity its own snapshots name where their entries match the " +
            "journal's: a snapshot that does not is then not used)"), "what to do: " + damaged.getMessage());

        Files.delete(meta);
        final JournalException missing = assertThrows(JournalException.class,
            () -> ChronicleJournal.open(JournalTesting.context(dir)));
        assertTrue(missing.getMessage().contains("ringlog.meta is missing, but the journal was written by a ringlog " +
            "that keeps it"), missing.getMessage());
        assertFalse(Files.exists(meta), "refused, not recreated with another identity");

        Files.write(meta, good);
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            assertEquals(10, journal.lastPosition());
        }
    }

    /**
     * Probe 31: a ringlog.meta copied from another journal was taken on silently, its identity and its committed
     * mark with it (which decide which snapshots load, and which damaged entries count as never committed and
     * are dropped). The identity is anchored to the journal's first entry: the copy is named and refused for
     * writing, verify lists it, repair --new-identity replaces it without --force; and a journal cut to nothing
     * is anchored anew by its next first entry.
     */
    @Test
    void shouldRefuseAnotherJournalsMetadataAndAnchorAJournalCutToNothingAnew() throws Exception
    {
        final Path ours = dir.resolve("ours");
        final Path theirs = dir.resolve("theirs");
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(ours)))
        {
            appendRange(journal, 1, 50, 10);
        }
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(theirs)))
        {
            journal.append(JournalTesting.command(1, 1, 1, 999));
            journal.commit();
        }
        final Path meta = ours.resolve("ringlog.meta");
        final byte[] own = Files.readAllBytes(meta);
        Files.copy(theirs.resolve("ringlog.meta"), meta, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        final JournalException refused = assertThrows(JournalException.class,
            () -> ChronicleJournal.open(JournalTesting.context(ours)));
        assertTrue(refused.getMessage().startsWith(meta + " is not this journal's: it was written for a journal whose " +
            "entry at position 1 carries checksum 0x") && refused.getMessage().contains("committed mark, 1, are " +
            "another journal's") && refused.getMessage().endsWith("'scripts/journal repair -d " + ours + " --new-identity' " +
            "(it takes back the identity its own snapshots name where their entries match the journal's: a snapshot " +
            "that does not is then not used)"), refused.getMessage());
        final JournalTesting.Ran verify = JournalTesting.runJvm(60, JournalTool.class, "verify", "-d", ours.toString(),
            "--max-payload", "64");
        assertEquals(1, verify.code(), verify.toString());
        assertTrue(verify.output().contains("problem: " + meta + " is not this journal's"), verify.toString());
        // Its mark is another journal's: no note that a writable open sets it, which the open refuses (a reviewer's).
        assertFalse(verify.output().contains("the next writable open sets the mark"), verify.toString());

        // Its own file back: all is well, as before.
        Files.write(meta, own);
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(ours)))
        {
            assertEquals(50, journal.lastPosition());
        }
        // Or, the copy again, a new identity without --force, as the refusal says.
        Files.copy(theirs.resolve("ringlog.meta"), meta, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        // The tool in this JVM from here: verify above ran it as the script does.
        final java.io.StringWriter repairOut = new java.io.StringWriter();
        assertEquals(0, JournalTool.run(new java.io.PrintWriter(repairOut, true), new java.io.PrintWriter(repairOut, true),
            "repair", "-d", ours.toString(), "--new-identity", "--apply"), repairOut.toString());
        final JournalId renewed;
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(ours)))
        {
            assertEquals(50, journal.lastPosition());
            assertEquals(50, journal.committedPosition());
            renewed = journal.id();
        }
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(theirs).readOnly(true)))
        {
            assertNotEquals(journal.id(), renewed);
        }

        // Cut to nothing, then written again with other entries: anchored anew, not refused as another's.
        final java.io.StringWriter cutOut = new java.io.StringWriter();
        assertEquals(0, JournalTool.run(new java.io.PrintWriter(cutOut, true), new java.io.PrintWriter(cutOut, true),
            "repair", "-d", ours.toString(), "--truncate-after", "0", "--force", "--apply"), cutOut.toString());
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(ours)))
        {
            assertEquals(0, journal.lastPosition());
            journal.append(JournalTesting.command(1, 1, 1, 12345));
            journal.commit();
        }
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(ours)))
        {
            assertEquals(1, journal.lastPosition());
            assertEquals(renewed, journal.id());
        }
    }

    /**
     * A reviewer's finding: an anchor that failed its checksum was taken for no anchor, said nothing, and the next
     * writer anchored the file again, so another journal's ringlog.meta with one bit flipped in its anchor was taken
     * on, identity and committed mark. Now a damaged anchor whose remains name another first entry is a problem
     * verify reports and a writable open refuses; one whose check word alone was hit is a note, and set again.
     */
    @Test
    void shouldRefuseADamagedAnchorThatNamesAnotherFirstEntryAndMendOneWhoseCheckWordAloneWasHit() throws Exception
    {
        final Path ours = dir.resolve("ours");
        final Path theirs = dir.resolve("theirs");
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(ours)))
        {
            appendRange(journal, 1, 50, 10);
        }
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(theirs)))
        {
            journal.append(JournalTesting.command(1, 1, 1, 999));
            journal.commit();
        }
        final Path meta = ours.resolve("ringlog.meta");
        final byte[] own = Files.readAllBytes(meta);

        // Another journal's, one bit of its anchor's entry checksum flipped (byte 56).
        final byte[] foreign = Files.readAllBytes(theirs.resolve("ringlog.meta"));
        foreign[56] ^= 1;
        Files.write(meta, foreign);
        final JournalException refused = assertThrows(JournalException.class,
            () -> ChronicleJournal.open(JournalTesting.context(ours)));
        assertTrue(refused.getMessage().startsWith(meta + " is damaged: its anchor fails its checksum (stored CRC32C 0x") &&
            refused.getMessage().contains("does not name this journal's first entry (position 1, checksum 0x") &&
            refused.getMessage().contains("--new-identity"), refused.getMessage());
        assertArrayEquals(foreign, Files.readAllBytes(meta), "refused before anything was written to it");
        final java.io.StringWriter verified = new java.io.StringWriter();
        assertEquals(1, JournalTool.run(new java.io.PrintWriter(verified, true), new java.io.PrintWriter(verified, true),
            "verify", "-d", ours.toString(), "--max-payload", "64"), verified.toString());
        assertTrue(verified.toString().contains("problem: " + meta + " is damaged: its anchor fails its checksum"),
            verified.toString());

        // Its own, its anchor's position hit (byte 52): the same.
        final byte[] hit = own.clone();
        hit[52] ^= 1;
        Files.write(meta, hit);
        assertThrows(JournalException.class, () -> ChronicleJournal.open(JournalTesting.context(ours)));

        // Its own, only the anchor's check word hit (byte 60): a note, and the next writer sets it again.
        final byte[] checkWord = own.clone();
        checkWord[60] ^= 1;
        Files.write(meta, checkWord);
        final java.io.StringWriter noted = new java.io.StringWriter();
        assertEquals(0, JournalTool.run(new java.io.PrintWriter(noted, true), new java.io.PrintWriter(noted, true),
            "verify", "-d", ours.toString(), "--max-payload", "64"), noted.toString());
        assertTrue(noted.toString().contains("note: ringlog.meta's anchor fails its checksum, though what is left of it " +
            "names this journal's first entry"), noted.toString());
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(ours)))
        {
            assertEquals(50, journal.lastPosition());
        }
        final java.io.StringWriter clean = new java.io.StringWriter();
        assertEquals(0, JournalTool.run(new java.io.PrintWriter(clean, true), new java.io.PrintWriter(clean, true),
            "verify", "-d", ours.toString(), "--max-payload", "64"), clean.toString());
        assertFalse(clean.toString().contains("anchor"), clean.toString());

        // The damaged one again: a new identity, as the refusal says, and the journal opens.
        Files.write(meta, hit);
        final java.io.StringWriter repaired = new java.io.StringWriter();
        assertEquals(0, JournalTool.run(new java.io.PrintWriter(repaired, true), new java.io.PrintWriter(repaired, true),
            "repair", "-d", ours.toString(), "--new-identity", "--apply"), repaired.toString());
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(ours)))
        {
            assertEquals(50, journal.lastPosition());
        }
    }

    /**
     * A reviewer's finding: a cycle file of another journal put in the place of this journal's file of the same
     * cycle, its positions lining up, passed verify and replayed to another state with nothing said. ringlog.meta
     * records the first entry the writer appended to each cycle file: the file is named, verify lists it, a writable
     * open and the tool's replay refuse it; the journal's own file back, all is as before.
     */
    @Test
    void shouldRefuseACycleFileOfAnotherJournalPutInTheJournalsOwnPlace() throws Exception
    {
        final Path ours = dir.resolve("ours");
        final Path theirs = dir.resolve("theirs");
        for (final Path journalDir : new Path[] {ours, theirs})
        {
            final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
            try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(journalDir)
                .rollCycle(JournalRollCycle.SECONDLY).epochMillisClock(millis::get)))
            {
                for (int cycle = 0; cycle < 3; cycle++)
                {
                    // The same positions in the same cycles, other commands.
                    for (long position = cycle * 100 + 1; position <= cycle * 100 + 100; position++)
                    {
                        journal.append(JournalTesting.command(position, 1, 1, position * (journalDir == ours ? 3 : 5)));
                    }
                    journal.commit();
                    millis.addAndGet(1_000);
                }
            }
        }
        final List<String> names = cycleFiles(ours);
        assertEquals(3, names.size(), names.toString());
        assertEquals(names, cycleFiles(theirs), "the same cycles, so the same names");
        final Path middle = ours.resolve(names.get(1));
        final byte[] own = Files.readAllBytes(middle);
        Files.copy(theirs.resolve(names.get(1)), middle, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        final JournalException refused = assertThrows(JournalException.class,
            () -> ChronicleJournal.open(JournalTesting.context(ours).rollCycle(JournalRollCycle.SECONDLY)));
        assertTrue(refused.getMessage().startsWith("cycle file " + middle + " does not begin with the entry ringlog.meta " +
            "recorded for its cycle: its first entry, at position 101, carries checksum 0x") && refused.getMessage()
            .contains("Either the file is another journal's (or another history's of this one) put in the place of its " +
            "own"), refused.getMessage());
        final java.io.StringWriter verified = new java.io.StringWriter();
        assertEquals(1, JournalTool.run(new java.io.PrintWriter(verified, true), new java.io.PrintWriter(verified, true),
            "verify", "-d", ours.toString(), "--max-payload", "64"), verified.toString());
        assertTrue(verified.toString().contains("problem: cycle file " + middle + " does not begin with the entry"),
            verified.toString());
        final java.io.StringWriter replayed = new java.io.StringWriter();
        assertEquals(1, JournalTool.run(new java.io.PrintWriter(replayed, true), new java.io.PrintWriter(replayed, true),
            "replay", "-d", ours.toString(), "--state-machine", AccumulatorStateMachine.class.getName(), "--max-payload",
            "64"), replayed.toString());
        assertTrue(replayed.toString().contains("error: cycle file " + middle + " does not begin with the entry"),
            replayed.toString());
        assertFalse(replayed.toString().contains("state-hash:"), replayed.toString());
        // Up to the position before it, the replay is this journal's.
        final java.io.StringWriter before = new java.io.StringWriter();
        assertEquals(0, JournalTool.run(new java.io.PrintWriter(before, true), new java.io.PrintWriter(before, true),
            "replay", "-d", ours.toString(), "--state-machine", AccumulatorStateMachine.class.getName(), "--max-payload",
            "64", "--to", "100"), before.toString());

        Files.write(middle, own);
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(ours).rollCycle(
            JournalRollCycle.SECONDLY)))
        {
            assertEquals(300, journal.lastPosition());
        }
        assertEquals(0, tool("verify", "-d", ours.toString(), "--max-payload", "64").code);

        // A repair rewrites ringlog.meta: the table is kept (a second reviewer found it emptied, and the swap then passed).
        final byte[] metaBeforeCut = Files.readAllBytes(ours.resolve("ringlog.meta"));
        final Tool cut = tool("repair", "-d", ours.toString(), "--truncate-after", "150", "--force", "--apply");
        assertEquals(0, cut.code, cut.out);
        final byte[] cutMiddle = Files.readAllBytes(middle);
        Files.copy(theirs.resolve(names.get(1)), middle, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        final Tool afterCut = tool("verify", "-d", ours.toString(), "--max-payload", "64");
        assertEquals(1, afterCut.code, afterCut.out);
        assertTrue(afterCut.out.contains("problem: cycle file " + middle + " does not begin with the entry"), afterCut.out);
        Files.write(middle, cutMiddle);

        // An older ringlog.meta of this journal put back after a cut and new writes: the file written since does not
        // begin with the entry the old table recorded. Both causes are named; the way out for this one works.
        final AtomicLong millis = new AtomicLong(1_700_000_001_000L);
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(ours)
            .rollCycle(JournalRollCycle.SECONDLY).epochMillisClock(millis::get)))
        {
            // 151..200 in the cut file's cycle, then 201..250 in a new file of the cycle whose file the cut dropped.
            for (long position = 151; position <= 300; position++)
            {
                journal.append(JournalTesting.command(position, 1, 1, position * 11));
                if (position % 50 == 0)
                {
                    journal.commit();
                    millis.addAndGet(1_000);
                }
            }
            journal.commit();
        }
        assertEquals(0, tool("verify", "-d", ours.toString(), "--max-payload", "64").code);
        Files.write(ours.resolve("ringlog.meta"), metaBeforeCut);
        final Tool stale = tool("verify", "-d", ours.toString(), "--max-payload", "64");
        assertEquals(1, stale.code, stale.out);
        assertTrue(stale.out.contains("does not begin with the entry ringlog.meta recorded for its cycle") &&
            stale.out.contains("Or ringlog.meta is an older copy of this journal's, put back from before a repair cut " +
            "the journal"), stale.out);
        final Tool renewed = tool("repair", "-d", ours.toString(), "--new-identity", "--force", "--apply");
        assertEquals(0, renewed.code, renewed.out);
        assertEquals(0, tool("verify", "-d", ours.toString(), "--max-payload", "64").code);
    }

    /**
     * A second reviewer's finding: on a journal trimmed behind its snapshots, an anchor whose check word alone was hit
     * was refused (what is left of it names position 1, before the journal's first entry), where an intact one is not
     * checked there at all. It is a note, as on a whole journal.
     */
    @Test
    void shouldNoteADamagedAnchorOfATrimmedJournalThatNamesAPositionBeforeIt() throws Exception
    {
        final Path journalDir = dir.resolve("trimmed");
        final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(journalDir)
            .rollCycle(JournalRollCycle.SECONDLY).epochMillisClock(millis::get)))
        {
            for (int cycle = 0; cycle < 3; cycle++)
            {
                JournalTesting.appendRange(journal, cycle * 100 + 1, cycle * 100 + 100, 100);
                millis.addAndGet(1_000);
            }
        }
        final List<String> names = cycleFiles(journalDir);
        Files.delete(journalDir.resolve(names.get(0)));
        Files.deleteIfExists(journalDir.resolve("metadata.cq4t"));
        final Path meta = journalDir.resolve("ringlog.meta");
        final byte[] bytes = Files.readAllBytes(meta);
        bytes[60] ^= 1;
        Files.write(meta, bytes);

        final Tool verify = tool("verify", "-d", journalDir.toString(), "--max-payload", "64");

        // Its one problem: trimmed, with no snapshot checked, which a start needs (the anchor is a note).
        assertEquals(1, verify.code, verify.out);
        assertEquals(1, verify.out.lines().filter((line) -> line.startsWith("problem: ")).count(), verify.out);
        assertTrue(verify.out.contains("and none was checked: give --snapshots DIR where they are"), verify.out);
        assertTrue(verify.out.contains("note: ringlog.meta's anchor fails its checksum, and what is left of it names " +
            "position 1, before this journal's first entry at 101"), verify.out);
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(journalDir)
            .rollCycle(JournalRollCycle.SECONDLY)))
        {
            assertEquals(300, journal.lastPosition());
        }
    }

    /** What the journal tool printed, both streams, and its exit code. */
    private record Tool(int code, String out)
    {
    }

    private static Tool tool(final String... args)
    {
        final java.io.StringWriter out = new java.io.StringWriter();
        final int code = JournalTool.run(new java.io.PrintWriter(out, true), new java.io.PrintWriter(out, true), args);
        return new Tool(code, out.toString());
    }

    private static List<String> cycleFiles(final Path journalDir) throws java.io.IOException
    {
        try (java.util.stream.Stream<Path> files = Files.list(journalDir))
        {
            return files.map((file) -> file.getFileName().toString()).filter((name) -> name.endsWith(".cq4"))
                .sorted().toList();
        }
    }
}
