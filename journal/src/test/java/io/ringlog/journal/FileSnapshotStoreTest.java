package io.ringlog.journal;

import io.ringlog.core.JournalId;
import io.ringlog.core.Snapshot;
import io.ringlog.core.SnapshotException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileSnapshotStoreTest
{
    @TempDir
    Path dir;

    @Test
    void shouldWriteOffThreadAndReadBackVerified()
    {
        final List<String> writers = new ArrayList<>();
        try (FileSnapshotStore store = FileSnapshotStore.open(new FileSnapshotStore.Context().directory(dir)
            .onRetention((oldest) -> writers.add(Thread.currentThread().getName()))))
        {
            store.store(42, 0xABCDL, body(100, 5), 5, 90);
            store.flush();
            assertArrayEquals(new long[]{42}, store.positions());
            final Snapshot snapshot = store.read(42);
            assertEquals(42, snapshot.position());
            assertEquals(0xABCDL, snapshot.stateHash());
            assertEquals(90, snapshot.length());
            for (int i = 0; i < 90; i++)
            {
                assertEquals((byte)(i + 5), snapshot.data().getByte(i));
            }
            assertEquals(FileSnapshotStore.HEADER_LENGTH + 90, store.path(42).toFile().length());
        }
        assertEquals(List.of("ringlog-snapshot-writer"), writers);
    }

    @Test
    void shouldKeepTheNewestAndReportTheOldestKept()
    {
        final List<Long> oldestKept = new ArrayList<>();
        try (FileSnapshotStore store = FileSnapshotStore.open(new FileSnapshotStore.Context().directory(dir).retain(2)
            .onRetention(oldestKept::add)))
        {
            for (long position = 100; position <= 500; position += 100)
            {
                store.store(position, position, body(10, 0), 0, 10);
            }
            store.flush();
            assertArrayEquals(new long[]{500, 400}, store.positions());
            assertEquals(400L, oldestKept.get(oldestKept.size() - 1));
            for (int i = 1; i < oldestKept.size(); i++)
            {
                assertTrue(oldestKept.get(i - 1) <= oldestKept.get(i), oldestKept.toString());
            }
            assertFalse(Files.exists(store.path(300)));
        }
    }

    /**
     * A reviewer's finding: a snapshot damaged in its body counted as one of the newest kept, so retention deleted a
     * whole one for it (and told the journal it could trim up to it). It counts as none now, and goes once older than
     * the whole ones kept.
     */
    @Test
    void shouldNotCountADamagedSnapshotAmongThoseKept() throws Exception
    {
        try (FileSnapshotStore store = FileSnapshotStore.open(new FileSnapshotStore.Context().directory(dir).retain(3)))
        {
            for (long position = 100; position <= 300; position += 100)
            {
                store.store(position, position, body(10, 0), 0, 10);
            }
            store.flush();
        }
        final Path damaged = dir.resolve("snapshot-00000000000000000300.rls");
        final byte[] bytes = Files.readAllBytes(damaged);
        bytes[bytes.length - 1] ^= (byte)0xFF;
        Files.write(damaged, bytes);
        // Checked a megabyte at a time, as read() checks it whole.
        assertEquals(0, FileSnapshotStore.checksumHolds(damaged, 300));
        assertEquals(1, FileSnapshotStore.checksumHolds(dir.resolve("snapshot-00000000000000000200.rls"), 200));
        assertEquals(0, FileSnapshotStore.checksumHolds(dir.resolve("snapshot-00000000000000000200.rls"), 100),
            "a header of another position");

        final List<Long> oldestKept = new ArrayList<>();
        try (FileSnapshotStore store = FileSnapshotStore.open(new FileSnapshotStore.Context().directory(dir).retain(3)
            .onRetention(oldestKept::add)))
        {
            store.store(400, 400, body(10, 0), 0, 10);
            store.store(500, 500, body(10, 0), 0, 10);
            store.flush();
            assertArrayEquals(new long[]{500, 400, 300, 200}, store.positions(), "three whole ones, and the damaged one");
            assertEquals(200L, oldestKept.get(oldestKept.size() - 1), "the journal is trimmed up to a whole one");
            store.store(600, 600, body(10, 0), 0, 10);
            store.flush();
            assertArrayEquals(new long[]{600, 500, 400}, store.positions(), "the damaged one goes once older");
        }
    }

    /** A reviewer's copy named snapshot-100.rls beside snapshot-000...100.rls was listed twice, as position 100 both times. */
    @Test
    void shouldListOnlyTheNamesItWrites() throws Exception
    {
        try (FileSnapshotStore store = FileSnapshotStore.open(new FileSnapshotStore.Context().directory(dir).retain(3)))
        {
            store.store(100, 100, body(10, 0), 0, 10);
            store.flush();
            Files.copy(store.path(100), dir.resolve("snapshot-100.rls"));
            assertArrayEquals(new long[]{100}, store.positions());
        }
    }

    /**
     * A reviewer's finding: a snapshot file cut short inside its header was never pruned (it names no journal, so it was
     * not counted as this one's), and {@code journal verify} failed on it every run until it was deleted by hand. A
     * file no reader can take is nobody's: not counted, deleted once older than the snapshots kept.
     */
    @Test
    void shouldPruneSnapshotFilesWhoseHeaderNoReaderCanTake() throws IOException
    {
        final JournalId a = new JournalId(1, 1);
        try (FileSnapshotStore store = FileSnapshotStore.open(new FileSnapshotStore.Context().directory(dir).retain(2)))
        {
            store.store(200, 200, a, 7, body(10, 0), 0, 10);
            store.store(300, 300, a, 7, body(10, 0), 0, 10);
            store.flush();
            try (RandomAccessFile file = new RandomAccessFile(store.path(200).toFile(), "rw"))
            {
                file.setLength(20);
            }
            Files.write(store.path(250), new byte[FileSnapshotStore.HEADER_LENGTH + 10]);
            store.store(400, 400, a, 7, body(10, 0), 0, 10);
            store.flush();
            assertArrayEquals(new long[]{400, 300}, store.positions(), "the cut one and the zeros pruned as the oldest");

            try (RandomAccessFile file = new RandomAccessFile(store.path(400).toFile(), "rw"))
            {
                file.setLength(20);
            }
            store.store(500, 500, a, 7, body(10, 0), 0, 10);
            store.flush();
            assertArrayEquals(new long[]{500, 400, 300}, store.positions(),
                "one among the newest is left, and not counted: two readable ones are kept");
            assertEquals(300, store.read(300).position());
        }
    }

    /**
     * A reviewer's finding: a second process opened a store on a running engine's snapshot directory (before its
     * journal, whose open was refused) and deleted the temporary file the engine's store was writing, as a stale one:
     * the snapshot was lost ("no such file or directory ... .tmp -> .rls"). A file being written is left alone; one a
     * writer left behind is still swept.
     */
    @Test
    void shouldLeaveTheFileAnotherProcessIsWritingAndSweepOnlyStaleOnes() throws Exception
    {
        final Process child = JournalTesting.startJvm(SnapshotWriterMain.class, dir.toString(), "96");
        try (java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(),
            java.nio.charset.StandardCharsets.UTF_8)))
        {
            assertEquals("writing", out.readLine(), "the child's store had its temporary file there");
            final Path stale = Files.write(dir.resolve("snapshot-00000000000000000007.rls.tmp"), new byte[10]);
            try (FileSnapshotStore second = FileSnapshotStore.open(dir, 3))
            {
                assertFalse(Files.exists(stale), "a writer's leftover is swept");
                assertEquals(0, second.positions().length);
            }
            assertEquals("written", out.readLine(), "the child's snapshot was written whole");
        }
        finally
        {
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child ends");
        }
        try (FileSnapshotStore store = FileSnapshotStore.open(new FileSnapshotStore.Context().directory(dir).readOnly(true)))
        {
            assertArrayEquals(new long[]{42}, store.positions());
            assertEquals(96 << 20, store.read(42).length());
        }
    }

    /** A reviewer's finding: a writable store opened on a read-only file system, and failed at its first write. */
    @Test
    void shouldRefuseAWritableOpenOnAReadOnlyFileSystem() throws Exception
    {
        final Path source = Files.createDirectories(dir.resolve("source"));
        final Path view = Files.createDirectories(dir.resolve("view"));
        final StringBuilder why = new StringBuilder();
        try (io.ringlog.core.testing.SmallFileSystem readOnly = io.ringlog.core.testing.SmallFileSystem.readOnlyView(
            source, view, why))
        {
            org.junit.jupiter.api.Assumptions.assumeTrue(readOnly != null, "no read-only mount here: " + why);
            final SnapshotException refused = assertThrows(SnapshotException.class, () -> FileSnapshotStore.open(view, 3));
            assertEquals("cannot prepare snapshot directory " + view + ": read-only file system. Snapshots are written " +
                "there: give a directory this user can write to (the exchange's --snapshots DIR), or take none (leave " +
                "out --snapshot-every)", refused.getMessage());
            try (FileSnapshotStore store = FileSnapshotStore.open(new FileSnapshotStore.Context().directory(view)
                .readOnly(true)))
            {
                assertEquals(0, store.positions().length, "read-only, it opens");
            }
        }
    }

    /**
     * Two journals given one snapshot directory (a --snapshots mistake): each prunes only its own snapshots, and
     * neither replaces the other's at the same position. The other's used to be deleted as the oldest.
     */
    @Test
    void shouldNeitherPruneNorReplaceAnotherJournalsSnapshots() throws IOException
    {
        final JournalId a = new JournalId(1, 1);
        final JournalId b = new JournalId(2, 2);
        try (FileSnapshotStore store = FileSnapshotStore.open(new FileSnapshotStore.Context().directory(dir).retain(2)))
        {
            for (long position = 100; position <= 300; position += 100)
            {
                store.store(position, position, a, 7, body(10, 0), 0, 10);
            }
            store.flush();
        }
        final List<Throwable> failures = new ArrayList<>();
        try (FileSnapshotStore store = FileSnapshotStore.open(new FileSnapshotStore.Context().directory(dir).retain(2)
            .errorHandler(failures::add)))
        {
            for (final long position : new long[]{250, 300, 350, 450})
            {
                store.store(position, position, b, 7, body(10, 0), 0, 10);
                // Each written, none superseded while waiting; the one at a's position fails, and flush says so.
                if (position == 300)
                {
                    assertThrows(SnapshotException.class, store::flush);
                }
                else
                {
                    store.flush();
                }
            }
            assertArrayEquals(new long[]{450, 350, 300, 200}, store.positions(), "b keeps its newest two, a its own");
            assertEquals(a, store.read(300).journalId(), "a's snapshot at 300 is a's still");
            assertEquals(a, store.read(200).journalId());
        }
        assertEquals(1, failures.size(), failures.toString());
        assertTrue(failures.get(0).getMessage().contains("a snapshot of another journal (" + a + ") is at position 300 in " +
            dir + ": snapshots of two journals share this directory"), failures.get(0).getMessage());
    }

    @Test
    void shouldNameWhatFailsWhenReadingADamagedSnapshot() throws IOException
    {
        try (FileSnapshotStore store = FileSnapshotStore.open(dir, 10))
        {
            for (long position = 1; position <= 5; position++)
            {
                store.store(position, position, body(64, 0), 0, 64);
            }
            store.flush();

            flipByte(store.path(1), FileSnapshotStore.HEADER_LENGTH + 10);
            assertReason(store, 1, "checksum");

            flipByte(store.path(2), 0);
            assertReason(store, 2, "bad magic");

            try (RandomAccessFile raf = new RandomAccessFile(store.path(3).toFile(), "rw"))
            {
                raf.setLength(raf.length() - 1);
            }
            assertReason(store, 3, "declares a body of 64 bytes but holds 63");

            Files.copy(store.path(5), store.path(4), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertReason(store, 4, "says position 5");

            try (RandomAccessFile raf = new RandomAccessFile(store.path(5).toFile(), "rw"))
            {
                raf.seek(4);
                raf.write(new byte[]{9, 0, 0, 0});
            }
            assertReason(store, 5, "format version 9");
            assertReason(store, 6, "no snapshot at position 6");
        }
    }

    @Test
    void shouldKeepOnlyAsManyWaitingSnapshotsAsItRetains() throws Exception
    {
        final CountDownLatch writerBusy = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        try (FileSnapshotStore store = FileSnapshotStore.open(new FileSnapshotStore.Context().directory(dir).retain(2)
            .onRetention((oldest) ->
            {
                writerBusy.countDown();
                awaitQuietly(release);
            })))
        {
            store.store(1, 1, body(8, 0), 0, 8);
            assertTrue(writerBusy.await(10, TimeUnit.SECONDS));
            for (long position = 2; position <= 5; position++)
            {
                store.store(position, position, body(8, 0), 0, 8);
            }
            release.countDown();
            store.flush();
            assertArrayEquals(new long[]{5, 4}, store.positions());
            assertEquals(2, store.superseded());
            assertEquals(4, store.read(4).stateHash());
        }
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void shouldIgnoreAndRemoveLeftoverTempFiles() throws IOException
    {
        final Path leftover = dir.resolve("snapshot-00000000000000000007.rls.tmp");
        Files.write(leftover, new byte[]{1, 2, 3});
        try (FileSnapshotStore store = FileSnapshotStore.open(dir, 3))
        {
            assertEquals(0, store.positions().length);
            assertFalse(Files.exists(leftover));
        }
    }

    @Test
    void shouldReportAFailedWriteOnFlush() throws IOException
    {
        final List<Throwable> errors = new ArrayList<>();
        try (FileSnapshotStore store = FileSnapshotStore.open(new FileSnapshotStore.Context().directory(dir)
            .errorHandler(errors::add)))
        {
            Files.createDirectory(store.path(9));
            store.store(9, 1, body(8, 0), 0, 8);
            final SnapshotException ex = assertThrows(SnapshotException.class, store::flush);
            assertTrue(ex.getMessage().contains("position 9"), ex.getMessage());
            assertEquals(1, errors.size());
            assertEquals(1, store.failed());
            assertEquals(0, store.written());
            store.store(10, 1, body(8, 0), 0, 8);
            store.flush();
            assertEquals(1, store.failed());
            assertEquals(1, store.written());
        }
    }

    private static void assertReason(final FileSnapshotStore store, final long position, final String reason)
    {
        final SnapshotException ex = assertThrows(SnapshotException.class, () -> store.read(position));
        assertTrue(ex.getMessage().contains(reason), ex.getMessage());
    }

    private static void flipByte(final Path file, final long offset) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(offset);
            final int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ 0xFF);
        }
    }

    private static UnsafeBuffer body(final int length, final int first)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[length + first]);
        for (int i = 0; i < length + first; i++)
        {
            buffer.putByte(i, (byte)i);
        }
        return buffer;
    }

    /**
     * Snapshots on disk of the in-memory journal (the context's default journal): every start, on a new
     * in-memory journal, skipped them all and started empty, and the second run's close failed with a stack
     * trace (two journals' snapshots in one directory). Refused at launch, saying why and what to use.
     */
    @Test
    void shouldBeRefusedBesideTheInMemoryJournal()
    {
        final FileSnapshotStore store = FileSnapshotStore.open(dir.resolve("snapshots"), 3);
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () ->
            io.ringlog.core.Engine.launch(new io.ringlog.core.EngineContext()
                .stateMachine(new io.ringlog.core.testing.AccumulatorStateMachine()).snapshotStore(store)
                .snapshotEvery(10)));
        assertTrue(refused.getMessage().startsWith("a snapshot store on disk with the in-memory journal (no journal " +
            "was given): the journal ends with the process") && refused.getMessage().contains("Journal to disk " +
            "(ChronicleJournal, ringlog-journal)"), refused.getMessage());
        assertTrue(new io.ringlog.core.SnapshotsUpTo(store, 10).persistent(), "wrapped, still on disk");
    }

    /**
     * A newcomer's finding: a snapshot store (or journal) an engine had closed, given to the next launch, was taken,
     * and the first snapshot failed with a thread pool's words ("Task ... rejected from ... Terminated"); the journal
     * at its first read ("journal position 1: ... is closed"). The launch refuses either, saying which and why.
     */
    @Test
    void shouldRefuseALaunchWithAJournalOrSnapshotStoreAnEngineClosed()
    {
        final ChronicleJournal journal = EngineFixtures.journal(dir);
        final io.ringlog.core.SnapshotStore store = EngineFixtures.snapshots(dir, 3);
        io.ringlog.core.Engine.launch(EngineFixtures.engineContext(new io.ringlog.core.testing.AccumulatorStateMachine(),
            journal, io.ringlog.core.Topology.COMPACT).snapshotStore(store)).close();

        final IllegalArgumentException store2 = assertThrows(IllegalArgumentException.class, () ->
            io.ringlog.core.Engine.launch(EngineFixtures.engineContext(new io.ringlog.core.testing.AccumulatorStateMachine(),
                EngineFixtures.journal(dir), io.ringlog.core.Topology.COMPACT).snapshotStore(store)));
        assertEquals("the snapshot store given (FileSnapshotStore) is closed: an engine closes the journal and snapshot " +
            "store it is given when it closes. Open new ones for each launch", store2.getMessage());
        // Behind SnapshotsUpTo, as an answering listener recovers (a reviewer's finding: it was taken).
        final IllegalArgumentException upTo = assertThrows(IllegalArgumentException.class, () ->
            io.ringlog.core.Engine.launch(EngineFixtures.engineContext(new io.ringlog.core.testing.AccumulatorStateMachine(),
                EngineFixtures.journal(dir), io.ringlog.core.Topology.COMPACT)
                .snapshotStore(new io.ringlog.core.SnapshotsUpTo(store, 10))));
        assertTrue(upTo.getMessage().startsWith("the snapshot store given (SnapshotsUpTo) is closed"), upTo.getMessage());
        final IllegalArgumentException journal2 = assertThrows(IllegalArgumentException.class, () ->
            io.ringlog.core.Engine.launch(EngineFixtures.engineContext(new io.ringlog.core.testing.AccumulatorStateMachine(),
                journal, io.ringlog.core.Topology.COMPACT).snapshotStore(EngineFixtures.snapshots(dir, 3))));
        assertTrue(journal2.getMessage().startsWith("the journal given (ChronicleJournal) is closed"), journal2.getMessage());
        // The refused launch closed what it was given that was open (as any refused launch does): a new pair launches.
        io.ringlog.core.Engine.launch(EngineFixtures.engineContext(new io.ringlog.core.testing.AccumulatorStateMachine(),
            EngineFixtures.journal(dir), io.ringlog.core.Topology.COMPACT).snapshotStore(EngineFixtures.snapshots(dir, 3)))
            .close();
    }
}
