package io.ringlog.core;

import io.ringlog.core.EngineMetrics.Stage;
import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.core.testing.GatedJournal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.ringlog.core.testing.AccumulatorStateMachine.ADD;
import static io.ringlog.core.testing.AccumulatorStateMachine.REJECT;
import static io.ringlog.core.testing.AccumulatorStateMachine.longPayload;
import static io.ringlog.core.testing.CollectingListener.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsTest
{
    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldReportLagBehindCursorWhileAStageIsBehindAndZeroOnceItCatchesUp(final Topology topology) throws Exception
    {
        final GatedJournal journal = new GatedJournal(64, 0).close(true);
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .topology(topology).ringSize(256).maxPayloadLength(64).journal(journal)))
        {
            final EngineMetrics metrics = engine.metrics();
            engine.publish(ADD, 0, 0, 0, longPayload(1), 0, 8);
            await(journal::blockedInCommit, Duration.ofSeconds(10), "journal at the gate");
            for (int i = 0; i < 99; i++)
            {
                engine.publish(ADD, 0, 0, 0, longPayload(1), 0, 8);
            }
            assertEquals(100, metrics.cursorPosition());
            assertEquals(100, metrics.accepted());
            assertTrue(metrics.lag(Stage.JOURNAL) >= 99, metrics.toString());
            assertEquals(100, metrics.lag(Stage.LOGIC), metrics.toString());
            assertEquals(0, metrics.applied());
            assertEquals(-1, metrics.position(Stage.REPLICATOR), "no replicator configured");

            journal.close(false);
            engine.publish(REJECT, 0, 0, 0, longPayload(0), 0, 8);
            engine.awaitApplied(101, 10, TimeUnit.SECONDS);
            await(() -> metrics.lag(Stage.LOGIC) == 0 && metrics.lag(Stage.JOURNAL) == 0, Duration.ofSeconds(10),
                "lag back to zero: " + metrics);
            assertEquals(101, metrics.applied());
            assertEquals(101, metrics.lastAppliedPosition());
            // Every rejection counts (a newcomer saw rejected=0 for thousands of the state machine's), each side named.
            assertEquals(1, metrics.rejected(), metrics.toString());
            assertEquals(1, metrics.rejectedByStateMachine(), metrics.toString());
            assertEquals(0, metrics.engineRejected(), metrics.toString());
            engine.publish(ADD, 7, 1, 0, longPayload(1), 0, 8);
            engine.publish(ADD, 7, 1, 0, longPayload(1), 0, 8);   // a duplicate: the engine rejects it
            engine.awaitApplied(103, 10, TimeUnit.SECONDS);
            assertEquals(2, metrics.rejected(), metrics.toString());
            assertEquals(1, metrics.engineRejected(), metrics.toString());
            assertTrue(metrics.toString().contains("logic=103") && metrics.toString().contains(" rejected=2 (by the " +
                "engine 1) duplicates=1 "), metrics.toString());
        }
    }

    /**
     * Slots the engine publishes void in place of commands (here a batch's unfilled ones) take positions and
     * are applied as nothing, but were never a caller's command: {@code accepted} leaves them out.
     */
    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldNotCountVoidSlotsAsAcceptedCommands(final Topology topology) throws Exception
    {
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .topology(topology).ringSize(256).maxPayloadLength(64).journal(new InMemoryJournal(64))))
        {
            final EngineMetrics metrics = engine.metrics();
            engine.publish(ADD, 0, 0, 0, longPayload(1), 0, 8);
            final CommandBatch batch = engine.newBatch();
            assertEquals(2, batch.claim(5));
            batch.add(ADD, 1, 0, 0, 0, longPayload(2), 0, 8);
            batch.add(ADD, 1, 0, 0, 0, longPayload(3), 0, 8);
            batch.publish();
            engine.publish(ADD, 0, 0, 0, longPayload(4), 0, 8);
            engine.awaitApplied(7, 10, TimeUnit.SECONDS);
            assertEquals(7, metrics.cursorPosition(), "the three unfilled slots took positions 4 to 6");
            assertEquals(4, metrics.accepted(), metrics.toString());
        }
    }
}
