package io.ringlog.core;

import io.ringlog.core.EngineMetrics.Stage;
import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.core.testing.GatedJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.ringlog.core.testing.AccumulatorStateMachine.ADD;
import static io.ringlog.core.testing.AccumulatorStateMachine.longPayload;
import static io.ringlog.core.testing.CollectingListener.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplicationTest
{
    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldNotShowAnEventBeforeTheStandbyAcknowledgedItsCommandInSynchronousMode(final Topology topology)
        throws Exception
    {
        final GatedJournal standbyJournal = new GatedJournal(64, 100_000);
        final InMemoryReplicator replicator = new InMemoryReplicator(standbyJournal, true);
        final AtomicInteger violations = new AtomicInteger();
        final AtomicLong seen = new AtomicLong();
        try (Engine primary = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .topology(topology).maxPayloadLength(64).replicator(replicator)
            .listener("checker", (event, endOfBatch) ->
            {
                if (event.position() > standbyJournal.committedPosition())
                {
                    violations.incrementAndGet();
                }
                seen.incrementAndGet();
            })))
        {
            for (int i = 1; i <= 2_000; i++)
            {
                primary.publish(ADD, 0, 0, i, longPayload(i), 0, 8);
            }
            await(() -> seen.get() == 2_000, Duration.ofSeconds(30), "all events");
            // COMPACT's replicator position is the compact stage's sequence, which moves when its batch ends:
            // after the listener may already have every event.
            await(() -> primary.metrics().position(Stage.REPLICATOR) == 2_000, Duration.ofSeconds(30),
                "the replicator stage's position to reach 2,000");
        }
        assertEquals(0, violations.get(), "events became visible before the standby acknowledged them");
        assertEquals(2_000, replicator.acknowledgedPosition());
    }

    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldPromoteTheStandbyToTheSameStateAndContinuePositions(final Topology topology) throws Exception
    {
        final InMemoryJournal standbyJournal = new InMemoryJournal(64);
        final Engine primary = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .topology(topology).maxPayloadLength(64).replicator(new InMemoryReplicator(standbyJournal, true)));
        for (int i = 1; i <= 5_000; i++)
        {
            primary.publish(ADD, i % 3, i, i, longPayload(i * 31L), 0, 8);
        }
        primary.close();

        final Engine promoted = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .topology(topology).maxPayloadLength(64).journal(standbyJournal));
        assertEquals(5_001, promoted.nextPosition());
        promoted.close();
        assertEquals(primary.stateHash(), promoted.stateHash());
    }

    /** Pipelined only: in the compact topology one thread journals, replicates and applies in order. */
    @Test
    void shouldLetBusinessLogicRunAheadOfAnAsynchronousStandbyAndReportItsLag() throws Exception
    {
        final Topology topology = Topology.PIPELINED;
        final GatedJournal standbyJournal = new GatedJournal(64, 0).close(true);
        final InMemoryReplicator replicator = new InMemoryReplicator(standbyJournal, false);
        try (Engine primary = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .topology(topology).ringSize(1024).maxPayloadLength(64).replicator(replicator)))
        {
            for (int i = 1; i <= 100; i++)
            {
                primary.publish(ADD, 0, 0, i, longPayload(i), 0, 8);
            }
            primary.awaitApplied(100, 10, TimeUnit.SECONDS);
            await(standbyJournal::blockedInCommit, Duration.ofSeconds(10), "standby stuck");
            assertTrue(primary.metrics().lag(Stage.REPLICATOR) > 0, primary.metrics().toString());
            // Applied is counted per command; the logic stage's sequence moves once its batch is done.
            await(() -> primary.metrics().lag(Stage.LOGIC) == 0, Duration.ofSeconds(10), "logic ahead of the standby");
            standbyJournal.close(false);
            await(() -> primary.metrics().lag(Stage.REPLICATOR) == 0, Duration.ofSeconds(10), "standby caught up");
        }
        assertEquals(100, replicator.acknowledgedPosition());
    }
}
