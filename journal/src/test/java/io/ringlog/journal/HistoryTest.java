package io.ringlog.journal;

import io.ringlog.core.Engine;
import io.ringlog.core.JournalException;
import io.ringlog.core.ReadOnlyJournal;
import io.ringlog.core.Snapshot;
import io.ringlog.core.Topology;
import io.ringlog.core.testing.AccumulatorStateMachine;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static io.ringlog.core.testing.AccumulatorStateMachine.ADD;
import static io.ringlog.core.testing.AccumulatorStateMachine.longPayload;
import static io.ringlog.journal.EngineFixtures.engineContext;
import static io.ringlog.journal.EngineFixtures.fullReplayHash;
import static io.ringlog.journal.EngineFixtures.journal;
import static io.ringlog.journal.EngineFixtures.snapshots;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Never two histories in one state. A journal put back to an older copy beside newer snapshots used
 * to skip them as "past the journal's last position", go on writing, and, once the journal passed
 * their positions, load a snapshot of the lost history. Snapshots now name their journal and the
 * checksum of its entry at their position.
 */
class HistoryTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRefuseToStartOnAnOlderCopyOfTheJournalBesideNewerSnapshots() throws Exception
    {
        runTo(500, 100);
        JournalTesting.copyJournal(dir.resolve("journal"), dir.resolve("backup-at-500"));
        runTo(1_000, 100);
        final FileSnapshotStore store = FileSnapshotStore.open(dir.resolve("snapshots"), 3);
        assertEquals(List.of(1_000L, 900L, 800L), asList(store.positions()));

        putBack(dir.resolve("backup-at-500"));
        final EngineFixtures.RecordingRecovery recovery = new EngineFixtures.RecordingRecovery();
        final JournalException refused = assertThrows(JournalException.class, () -> Engine.launch(
            engineContext(new AccumulatorStateMachine(), journal(dir), Topology.COMPACT)
                .snapshotStore(snapshots(dir, 3)).recoveryListener(recovery)));
        assertEquals(501, refused.position());
        assertTrue(refused.getMessage().contains("the journal ends at position 500, but a snapshot of this journal " +
            "was taken at position 1000: entries 501..1000 were committed, and clients may have seen their events, " +
            "but the journal no longer has them") && refused.getMessage().contains("Refusing to start"),
            refused.getMessage());
        try (ChronicleJournal journal = journal(dir))
        {
            assertEquals(500, journal.lastPosition(), "nothing was written");
        }

        final EngineFixtures.RecordingRecovery replay = new EngineFixtures.RecordingRecovery();
        final Engine readOnly = Engine.launch(engineContext(new AccumulatorStateMachine(),
            ReadOnlyJournal.of(ChronicleJournal.open(JournalTesting.context(dir.resolve("journal")).readOnly(true))),
            Topology.COMPACT).snapshotStore(snapshots(dir, 3)).recoveryListener(replay));
        readOnly.close();
        assertEquals(List.of(1_000L, 900L, 800L), replay.skipped, "a replay skips them, saying why");
        assertTrue(replay.skipReasons.get(0).contains("past the journal's last position 500"), replay.skipReasons.get(0));
    }

    /**
     * A reviewer's finding: started through a view of the snapshots up to a position (SnapshotsUpTo, as a Kafka sink
     * whose topic lags at 450 recovers, or a node resuming its events file), the same restored journal was not refused:
     * the view hid the snapshots past the end, and the engine gave positions 501.. to new commands. And where the
     * snapshot past the end was damaged, the view did not pass on the journal its header names, and it was skipped.
     */
    @Test
    void shouldRefuseAnOlderCopyOfTheJournalThroughAViewOfTheSnapshotsUpToAPositionToo() throws Exception
    {
        runTo(500, 100);
        JournalTesting.copyJournal(dir.resolve("journal"), dir.resolve("backup-at-500"));
        runTo(1_000, 100);
        putBack(dir.resolve("backup-at-500"));
        final JournalException refused = assertThrows(JournalException.class, () -> Engine.launch(
            engineContext(new AccumulatorStateMachine(), journal(dir), Topology.COMPACT)
                .snapshotStore(new io.ringlog.core.SnapshotsUpTo(snapshots(dir, 3), 450))));
        assertTrue(refused.getMessage().contains("the journal ends at position 500, but a snapshot of this journal " +
            "was taken at position 1000: entries 501..1000 were committed"), refused.getMessage());
        try (ChronicleJournal journal = journal(dir))
        {
            assertEquals(500, journal.lastPosition(), "nothing was written");
        }
        assertEquals(List.of(1_000L, 900L, 800L), asList(FileSnapshotStore.open(dir.resolve("snapshots"), 3).positions()),
            "no snapshot removed");

        // The newest past the end damaged, its header whole: refused too, through the view, as without it.
        final FileSnapshotStore store = FileSnapshotStore.open(dir.resolve("snapshots"), 3);
        final Path newest = store.path(1_000);
        final byte[] bytes = java.nio.file.Files.readAllBytes(newest);
        bytes[bytes.length - 1] ^= 1;
        java.nio.file.Files.write(newest, bytes);
        final JournalException damaged = assertThrows(JournalException.class, () -> Engine.launch(
            engineContext(new AccumulatorStateMachine(), journal(dir), Topology.COMPACT)
                .snapshotStore(new io.ringlog.core.SnapshotsUpTo(snapshots(dir, 3), 10_000))));
        assertTrue(damaged.getMessage().contains("a snapshot of this journal was taken at position 1000 (the snapshot " +
            "is damaged"), damaged.getMessage());

        // A replay through the view is as before: it starts, and loads what the view shows.
        final EngineFixtures.RecordingRecovery replay = new EngineFixtures.RecordingRecovery();
        Engine.launch(engineContext(new AccumulatorStateMachine(),
            ReadOnlyJournal.of(ChronicleJournal.open(JournalTesting.context(dir.resolve("journal")).readOnly(true))),
            Topology.COMPACT).snapshotStore(new io.ringlog.core.SnapshotsUpTo(snapshots(dir, 3), 450))
            .recoveryListener(replay)).close();
        assertEquals(List.of(), replay.skipped, "the view hides the snapshots past 450 from a replay, unsaid");
    }

    /** A reviewer's finding: a snapshot requested at a multiple of snapshotEvery was taken, written and counted twice. */
    @Test
    void shouldTakeOneSnapshotWhereARequestedOneFallsOnAMultipleOfSnapshotEvery()
    {
        final FileSnapshotStore store = FileSnapshotStore.open(dir.resolve("snapshots"), 3);
        final Engine engine = Engine.launch(engineContext(new AccumulatorStateMachine(), journal(dir), Topology.COMPACT)
            .snapshotStore(store).snapshotEvery(10));
        for (long position = 1; position <= 9; position++)
        {
            engine.publish(ADD, 0, 0, position, longPayload(position), 0, 8);
        }
        assertEquals(10, engine.requestSnapshot());
        engine.close();
        assertEquals(1, store.written(), "one snapshot at position 10");
        assertEquals(List.of(10L), asList(store.positions()));
    }

    @Test
    void shouldNeverLoadASnapshotOfTheHistoryAnOlderCopyReplaced() throws Exception
    {
        runTo(500, 100);
        JournalTesting.copyJournal(dir.resolve("journal"), dir.resolve("backup-at-500"));
        runTo(1_000, 100);
        putBack(dir.resolve("backup-at-500"));
        // Someone goes on writing on the old copy, bypassing the engine's refusal: other entries at 501..950.
        try (ChronicleJournal journal = journal(dir))
        {
            for (long position = 501; position <= 950; position++)
            {
                journal.append(JournalTesting.command(position, ADD, 1, position % 13));
            }
            journal.commit();
        }
        Files.delete(FileSnapshotStore.open(dir.resolve("snapshots"), 3).path(1_000));

        final EngineFixtures.RecordingRecovery recovery = new EngineFixtures.RecordingRecovery();
        final Engine engine = Engine.launch(engineContext(new AccumulatorStateMachine(), journal(dir),
            Topology.COMPACT).snapshotStore(snapshots(dir, 3)).recoveryListener(recovery));
        engine.close();
        assertEquals(List.of(900L, 800L), recovery.skipped);
        for (final String reason : recovery.skipReasons)
        {
            assertTrue(reason.contains("was taken on another history of this journal"), reason);
        }
        assertEquals(-1, recovery.loaded, "no snapshot of the lost history was used: a full replay");
        assertEquals(fullReplayHash(dir), engine.stateHash());
    }

    @Test
    void shouldSkipSnapshotsOfAnotherJournalAndOfOlderFormats() throws Exception
    {
        runTo(300, 100);
        final Path other = dir.resolve("other");
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(other.resolve("journal"))))
        {
            JournalTesting.appendRange(journal, 1, 300, 10);
        }
        final EngineFixtures.RecordingRecovery recovery = new EngineFixtures.RecordingRecovery();
        final Engine engine = Engine.launch(engineContext(new AccumulatorStateMachine(), journal(other),
            Topology.COMPACT).snapshotStore(snapshots(dir, 3)).recoveryListener(recovery));
        engine.close();
        assertEquals(List.of(300L, 200L, 100L), recovery.skipped);
        assertTrue(recovery.skipReasons.get(0).contains("was taken on journal ") &&
            recovery.skipReasons.get(0).contains(", not this one ("), recovery.skipReasons.get(0));

        final FileSnapshotStore store = FileSnapshotStore.open(dir.resolve("snapshots"), 3);
        writeFormatOne(store.path(300), 300, store.read(300));
        final Snapshot old = store.read(300);
        assertEquals(false, old.journalId().known());
        assertEquals(Snapshot.UNKNOWN, old.entryChecksum());
        final EngineFixtures.RecordingRecovery mine = new EngineFixtures.RecordingRecovery();
        final Engine own = Engine.launch(engineContext(new AccumulatorStateMachine(), journal(dir),
            Topology.COMPACT).snapshotStore(snapshots(dir, 3)).recoveryListener(mine));
        own.close();
        assertEquals(List.of(300L), mine.skipped);
        assertTrue(mine.skipReasons.get(0).contains("names no journal (written by an older ringlog"),
            mine.skipReasons.get(0));
        assertEquals(200, mine.loaded);
        assertEquals(fullReplayHash(dir), own.stateHash());
    }

    /** Runs the engine on dir's journal up to {@code last}, ADD commands, a snapshot every {@code every}. */
    private void runTo(final long last, final long every)
    {
        final Engine engine = Engine.launch(engineContext(new AccumulatorStateMachine(), journal(dir),
            Topology.COMPACT).snapshotStore(snapshots(dir, 3)).snapshotEvery(every));
        for (long position = engine.nextPosition(); position <= last; position++)
        {
            engine.publish(ADD, 0, 0, position, longPayload(position), 0, 8);
        }
        engine.close();
    }

    /** Replaces the journal's files with a backup's, as a restore does; the snapshots stay. */
    private void putBack(final Path backup) throws Exception
    {
        final Path journal = dir.resolve("journal");
        CycleRewriter.deleteRecursively(journal);
        JournalTesting.copyJournal(backup, journal);
    }

    /** Rewrites a snapshot in format 1, which named no journal, as older ringlog wrote it. */
    private static void writeFormatOne(final Path file, final long position, final Snapshot snapshot) throws Exception
    {
        final byte[] bytes = new byte[FileSnapshotStore.LEGACY_HEADER_LENGTH + snapshot.length()];
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        buffer.putInt(0, FileSnapshotStore.MAGIC, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(4, 1, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(8, position, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(16, snapshot.stateHash(), ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(24, snapshot.length(), ByteOrder.LITTLE_ENDIAN);
        snapshot.data().getBytes(0, bytes, FileSnapshotStore.LEGACY_HEADER_LENGTH, snapshot.length());
        buffer.putInt(28, FileSnapshotStore.checksum(bytes, FileSnapshotStore.LEGACY_HEADER_LENGTH, 28),
            ByteOrder.LITTLE_ENDIAN);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.setLength(0);
            raf.write(bytes);
        }
    }

    private static List<Long> asList(final long[] values)
    {
        return Arrays.stream(values).boxed().toList();
    }
}
