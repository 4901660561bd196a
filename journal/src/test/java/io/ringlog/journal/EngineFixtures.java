package io.ringlog.journal;

import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.Journal;
import io.ringlog.core.RecoveryListener;
import io.ringlog.core.SnapshotStore;
import io.ringlog.core.StateMachine;
import io.ringlog.core.Topology;
import io.ringlog.core.testing.AccumulatorStateMachine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds engines on a journal directory the way a service would, and records what recovery did. */
final class EngineFixtures
{
    private EngineFixtures()
    {
    }

    static EngineContext engineContext(final StateMachine stateMachine, final Journal journal, final Topology topology)
    {
        return new EngineContext()
            .name("journal-test")
            .stateMachine(stateMachine)
            .journal(journal)
            .topology(topology)
            .maxPayloadLength(JournalTesting.MAX_PAYLOAD)
            .ringSize(1024)
            .outputRingSize(4096)
            .errorHandler((ex) ->
            {
            });
    }

    static ChronicleJournal journal(final Path root)
    {
        return ChronicleJournal.open(JournalTesting.context(root.resolve("journal")));
    }

    static SnapshotStore snapshots(final Path root, final int retain)
    {
        return FileSnapshotStore.open(root.resolve("snapshots"), retain);
    }

    /** Launches on the journal alone (no snapshots), closes at once, and returns the replayed state hash. */
    static long fullReplayHash(final Path root)
    {
        final Engine engine = Engine.launch(engineContext(new AccumulatorStateMachine(), journal(root),
            Topology.PIPELINED));
        engine.close();
        return engine.stateHash();
    }

    /** Remembers what start-up recovery reported. */
    static final class RecordingRecovery implements RecoveryListener
    {
        final List<Long> skipped = new ArrayList<>();
        final List<String> skipReasons = new ArrayList<>();
        long loaded = -1;
        long recoveredLast = -1;
        long replayed = -1;

        @Override
        public void onSnapshotSkipped(final long position, final Exception reason)
        {
            skipped.add(position);
            skipReasons.add(reason.getMessage());
        }

        @Override
        public void onSnapshotLoaded(final long position)
        {
            loaded = position;
        }

        @Override
        public void onRecovered(final long snapshotPosition, final long lastPosition, final long replayed,
            final long nanos)
        {
            this.recoveredLast = lastPosition;
            this.replayed = replayed;
        }
    }
}
