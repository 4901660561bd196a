package io.ringlog.journal;

import io.ringlog.core.Command;
import io.ringlog.core.Engine;
import io.ringlog.core.JournalException;
import io.ringlog.core.JournalReader;
import io.ringlog.core.Topology;
import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.core.testing.CollectingListener;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.ringlog.core.testing.AccumulatorStateMachine.ADD;
import static io.ringlog.core.testing.AccumulatorStateMachine.REJECT;
import static io.ringlog.core.testing.AccumulatorStateMachine.longPayload;
import static io.ringlog.journal.EngineFixtures.engineContext;
import static io.ringlog.journal.EngineFixtures.fullReplayHash;
import static io.ringlog.journal.EngineFixtures.journal;
import static io.ringlog.journal.EngineFixtures.snapshots;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecoveryTest
{
    private static final UnsafeBuffer EMPTY = new UnsafeBuffer(new byte[0]);

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldReachTheSameStateLiveByFullReplayAndBySnapshotPlusTail(final Topology topology)
    {
        final long seed = System.nanoTime();
        final String context = "seed " + seed + ", " + topology;
        final Random random = new Random(seed);
        final int commands = 30_000;
        final long[] lastSequence = new long[6];
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[8]);

        final Engine live = Engine.launch(engineContext(new AccumulatorStateMachine(), journal(dir), topology)
            .snapshotStore(snapshots(dir, 3))
            .snapshotEvery(2_500));
        long published = 0;
        for (int i = 0; i < commands; i++)
        {
            final int dice = random.nextInt(100);
            final int source = 1 + random.nextInt(5);
            final boolean duplicate = dice < 5 && lastSequence[source] > 0;
            final long sequence = duplicate ? lastSequence[source] - random.nextInt((int)Math.min(3, lastSequence[source])) :
                ++lastSequence[source];
            payload.putLong(0, random.nextInt(2_000_001) - 1_000_000L, java.nio.ByteOrder.LITTLE_ENDIAN);
            if (dice < 80)
            {
                published = live.publish(ADD, source, sequence, i, payload, 0, 8);
            }
            else if (dice < 88)
            {
                published = live.publish(REJECT, source, sequence, i, EMPTY, 0, 0);
            }
            else if (dice < 96)
            {
                published = live.publish(ADD, 0, 0, i, payload, 0, 8);
            }
            else if (dice < 97)
            {
                published = live.requestSnapshot();
            }
            else
            {
                published = live.publish(50, source, sequence, i, payload, 0, 8);
            }
        }
        assertNull(live.failure(), context);
        live.close();
        final long liveHash = live.stateHash();

        assertEquals(liveHash, fullReplayHash(dir), "full replay, " + context);

        final EngineFixtures.RecordingRecovery recovery = new EngineFixtures.RecordingRecovery();
        final Engine fromSnapshot = Engine.launch(engineContext(new AccumulatorStateMachine(), journal(dir), topology)
            .snapshotStore(snapshots(dir, 3))
            .recoveryListener(recovery));
        fromSnapshot.close();
        assertTrue(recovery.loaded > 0 && recovery.loaded <= published, "loaded " + recovery.loaded + ", " + context);
        assertEquals(published, recovery.recoveredLast, context);
        assertEquals(published - recovery.loaded, recovery.replayed, context);
        assertEquals(liveHash, fromSnapshot.stateHash(), "snapshot + tail, " + context);
    }

    @Test
    void shouldContinuePositionsAndNotRedeliverReplayToOrdinaryListeners() throws Exception
    {
        final Engine first = Engine.launch(engineContext(new AccumulatorStateMachine(), journal(dir), Topology.PIPELINED));
        for (int i = 1; i <= 50; i++)
        {
            assertEquals(i, first.publish(ADD, 1, i, i, longPayload(i), 0, 8));
        }
        first.close();

        final CollectingListener ordinary = new CollectingListener();
        final CollectingListener replaying = new CollectingListener(true);
        final Engine second = Engine.launch(engineContext(new AccumulatorStateMachine(), journal(dir), Topology.PIPELINED)
            .listener("ordinary", ordinary)
            .listener("replaying", replaying));
        for (int i = 51; i <= 60; i++)
        {
            assertEquals(i, second.publish(ADD, 1, i, i, longPayload(i), 0, 8));
        }
        second.awaitApplied(60, 10, TimeUnit.SECONDS);
        ordinary.awaitCount(10, Duration.ofSeconds(10));
        replaying.awaitCount(60, Duration.ofSeconds(10));
        second.close();

        assertEquals(10, ordinary.count());
        for (final CollectingListener.Seen seen : ordinary.events())
        {
            assertTrue(seen.position() > 50 && !seen.replay(), seen.toString());
        }
        final List<CollectingListener.Seen> all = replaying.events();
        for (int i = 0; i < 60; i++)
        {
            assertEquals(i + 1, all.get(i).position());
            assertEquals(i < 50, all.get(i).replay());
        }
        assertEquals(60 * 61 / 2, all.get(59).value(), "running total carried over the restart");

        try (ChronicleJournal journal = journal(dir); JournalReader reader = journal.reader(1))
        {
            final Command into = new Command(JournalTesting.MAX_PAYLOAD);
            long expected = 1;
            while (reader.next(into))
            {
                assertEquals(expected++, into.position());
            }
            assertEquals(61, expected);
        }
    }

    @Test
    void shouldFallBackToAnOlderSnapshotThenToFullReplayWhenSnapshotsAreCorrupt() throws Exception
    {
        final Engine live = Engine.launch(engineContext(new AccumulatorStateMachine(), journal(dir), Topology.PIPELINED)
            .snapshotStore(snapshots(dir, 3))
            .snapshotEvery(200));
        for (int i = 1; i <= 1_000; i++)
        {
            live.publish(ADD, 1, i, i, longPayload(i * 7L), 0, 8);
        }
        live.close();
        final long liveHash = live.stateHash();

        final FileSnapshotStore store = FileSnapshotStore.open(dir.resolve("snapshots"), 3);
        assertEquals(List.of(1_000L, 800L, 600L), asList(store.positions()));
        corrupt(store.path(1_000));

        final EngineFixtures.RecordingRecovery fellBack = new EngineFixtures.RecordingRecovery();
        final Engine second = Engine.launch(engineContext(new AccumulatorStateMachine(), journal(dir), Topology.PIPELINED)
            .snapshotStore(store)
            .recoveryListener(fellBack));
        second.close();
        assertEquals(List.of(1_000L), fellBack.skipped);
        assertTrue(fellBack.skipReasons.get(0).contains("checksum"), fellBack.skipReasons.get(0));
        assertEquals(800, fellBack.loaded);
        assertEquals(liveHash, second.stateHash());

        final FileSnapshotStore damaged = FileSnapshotStore.open(dir.resolve("snapshots"), 3);
        corrupt(damaged.path(800));
        corrupt(damaged.path(600));
        final EngineFixtures.RecordingRecovery fullReplay = new EngineFixtures.RecordingRecovery();
        final Engine third = Engine.launch(engineContext(new AccumulatorStateMachine(), journal(dir), Topology.PIPELINED)
            .snapshotStore(damaged)
            .recoveryListener(fullReplay));
        third.close();
        assertEquals(List.of(1_000L, 800L, 600L), fullReplay.skipped);
        assertEquals(-1, fullReplay.loaded);
        assertEquals(1_000, fullReplay.replayed);
        assertEquals(liveHash, third.stateHash());
    }

    @Test
    void shouldRecoverAfterTrimmingCyclesOlderThanTheOldestKeptSnapshot() throws Exception
    {
        final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
        final ChronicleJournal.Context journalContext = JournalTesting.context(dir.resolve("journal"))
            .rollCycle(JournalRollCycle.SECONDLY)
            .epochMillisClock(millis::get);
        final ChronicleJournal journal = ChronicleJournal.open(journalContext);
        final FileSnapshotStore store = FileSnapshotStore.open(new FileSnapshotStore.Context()
            .directory(dir.resolve("snapshots"))
            .retain(2)
            .onRetention((oldestKept) -> journal.deleteCyclesBefore(oldestKept)));
        final Engine live = Engine.launch(engineContext(new AccumulatorStateMachine(), journal, Topology.PIPELINED)
            .snapshotStore(store)
            .snapshotEvery(500));
        for (int i = 1; i <= 5_000; i++)
        {
            live.publish(ADD, 0, 0, i, longPayload(i), 0, 8);
            if (i % 250 == 0)
            {
                live.awaitApplied(i, 10, TimeUnit.SECONDS);
                millis.addAndGet(1_000);
            }
        }
        live.close();
        final long liveHash = live.stateHash();

        try (ChronicleJournal trimmed = ChronicleJournal.open(journalContext))
        {
            assertEquals(5_000, trimmed.lastPosition());
            assertTrue(trimmed.firstPosition() > 1 && trimmed.firstPosition() <= 4_501,
                "first position kept " + trimmed.firstPosition());
            assertTrue(trimmed.cycleCount() < 20, "cycles kept " + trimmed.cycleCount());
        }
        final FileSnapshotStore kept = FileSnapshotStore.open(dir.resolve("snapshots"), 2);
        assertEquals(List.of(5_000L, 4_500L), asList(kept.positions()));
        corrupt(kept.path(5_000));

        final EngineFixtures.RecordingRecovery recovery = new EngineFixtures.RecordingRecovery();
        final Engine restarted = Engine.launch(engineContext(new AccumulatorStateMachine(),
            ChronicleJournal.open(journalContext), Topology.PIPELINED).snapshotStore(kept).recoveryListener(recovery));
        restarted.close();
        assertEquals(List.of(5_000L), recovery.skipped);
        assertEquals(4_500, recovery.loaded);
        assertEquals(500, recovery.replayed);
        assertEquals(liveHash, restarted.stateHash());

        final Engine continued = Engine.launch(engineContext(new AccumulatorStateMachine(),
            ChronicleJournal.open(journalContext), Topology.PIPELINED)
            .snapshotStore(FileSnapshotStore.open(dir.resolve("snapshots"), 2)));
        assertEquals(5_001, continued.publish(ADD, 0, 0, 0, longPayload(1), 0, 8));
        continued.close();
    }

    @Test
    void shouldStopRecoveryAtGarbageInTheMiddleWithPositionAndReason() throws Exception
    {
        final Engine live = Engine.launch(engineContext(new AccumulatorStateMachine(), journal(dir), Topology.COMPACT));
        for (int i = 1; i <= 300; i++)
        {
            live.publish(ADD, 1, i, i, longPayload(i), 0, 8);
        }
        live.close();
        JournalTesting.garbleMagicOfEntry(JournalTesting.cycleFiles(dir.resolve("journal")).get(0), 149);

        final CollectingListener replaying = new CollectingListener(true);
        final JournalException ex = assertThrows(JournalException.class, () -> Engine.launch(
            engineContext(new AccumulatorStateMachine(), journal(dir), Topology.PIPELINED).listener("replaying", replaying)));
        assertEquals(150, ex.position());
        assertTrue(ex.getMessage().contains("journal position 150") && ex.getMessage().contains("bad magic"),
            ex.getMessage());
    }

    @Test
    void shouldRecoverUpToTheLastWholeEntryAfterATornWrite() throws Exception
    {
        final Process child = JournalTesting.startJvm(TornWriterMain.class, dir.resolve("journal").toString(), "25");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)))
        {
            assertEquals("half-written", out.readLine());
        }
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));

        final List<TornEntry> torn = new ArrayList<>();
        final EngineFixtures.RecordingRecovery recovery = new EngineFixtures.RecordingRecovery();
        final AccumulatorStateMachine state = new AccumulatorStateMachine();
        final Engine engine = Engine.launch(engineContext(state,
            ChronicleJournal.open(JournalTesting.context(dir.resolve("journal")).tornEntryListener(torn::add)),
            Topology.PIPELINED).recoveryListener(recovery));
        assertEquals(26, engine.publish(ADD, 0, 0, 0, longPayload(1), 0, 8));
        engine.close();
        assertEquals(1, torn.size());
        assertEquals(25, torn.get(0).lastWholePosition());
        assertEquals(25, recovery.recoveredLast);
        assertEquals(26, state.count());
        assertFalse(state.sawOutOfOrder());
    }

    private static void corrupt(final Path snapshot) throws Exception
    {
        try (RandomAccessFile raf = new RandomAccessFile(snapshot.toFile(), "rw"))
        {
            raf.seek(raf.length() - 3);
            final int b = raf.read();
            raf.seek(raf.length() - 3);
            raf.write(b ^ 0x5A);
        }
    }

    private static List<Long> asList(final long[] values)
    {
        final List<Long> list = new ArrayList<>();
        for (final long value : values)
        {
            list.add(value);
        }
        return list;
    }
}
