package io.ringlog.core.engine;

import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.Topology;
import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.core.testing.CollectingListener;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.ringlog.core.testing.AccumulatorStateMachine.ADD;
import static io.ringlog.core.testing.AccumulatorStateMachine.longPayload;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * "A parked stage is never missed", with nothing to hide a miss: every stage parks at once (no spins, no yields)
 * and its bounded park is a minute, so a publish (or a stage's progress, or a batch's publish) that fails to wake
 * a stage that parked for it stalls its round past the 10 s each round waits, where the default park would cost a
 * millisecond nobody sees. One command, or one batch, at a time, each waited for at the listener, so every stage
 * parks between rounds. Both rings, both topologies, any thread or a single publisher.
 */
class NoMissedWakeUpTest
{
    private static final int ROUNDS = 300;

    @ParameterizedTest
    @CsvSource({"COMPACT, false, 1", "PIPELINED, false, 1", "COMPACT, true, 1", "PIPELINED, true, 1", "COMPACT, true, 3",
        "PIPELINED, false, 3"})
    @Timeout(120)
    void shouldWakeEveryStageThatParkedForAPublish(final Topology topology, final boolean singlePublisher,
        final int batch) throws Exception
    {
        final AccumulatorStateMachine sm = new AccumulatorStateMachine();
        final CollectingListener listener = new CollectingListener();
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(sm).topology(topology)
            .singlePublisher(singlePublisher).listener("collect", listener)
            .waitStrategy(() -> new ParkingWaitStrategy(0, 0, 1, 0, System::nanoTime, TimeUnit.MINUTES.toNanos(1)))))
        {
            final io.ringlog.core.CommandBatch commands = engine.newBatch();
            for (int round = 1; round <= ROUNDS; round++)
            {
                if (batch == 1)
                {
                    engine.publish(ADD, 0, 0, round, longPayload(1), 0, 8);
                }
                else
                {
                    commands.claim(batch);
                    try
                    {
                        for (int i = 0; i < batch; i++)
                        {
                            commands.add(ADD, 1, 0, 0, round, longPayload(1), 0, 8);
                        }
                    }
                    finally
                    {
                        commands.publish();
                    }
                }
                listener.awaitCount(round * batch, Duration.ofSeconds(10));
            }
        }
        assertEquals((long)ROUNDS * batch, sm.total());
    }

    /**
     * Two threads publish a command each a round, racing, on a multi-producer ring whose publishes skip their own
     * fence (the claim's CAS comes first): a stage that parked for one is woken by whichever publishes it.
     */
    @ParameterizedTest
    @CsvSource({"COMPACT", "PIPELINED"})
    @Timeout(120)
    void shouldWakeEveryStageWhenTwoThreadsPublishAtOnce(final Topology topology) throws Exception
    {
        final AccumulatorStateMachine sm = new AccumulatorStateMachine();
        final CollectingListener listener = new CollectingListener();
        final ExecutorService other = Executors.newSingleThreadExecutor();
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(sm).topology(topology)
            .listener("collect", listener)
            .waitStrategy(() -> new ParkingWaitStrategy(0, 0, 1, 0, System::nanoTime, TimeUnit.MINUTES.toNanos(1)))))
        {
            for (int round = 1; round <= ROUNDS; round++)
            {
                final int sequence = round;
                final Future<?> published =
                    other.submit(() -> engine.publish(ADD, 0, 1, sequence, longPayload(1), 0, 8));
                engine.publish(ADD, 0, 0, round, longPayload(1), 0, 8);
                published.get(10, TimeUnit.SECONDS);
                listener.awaitCount(round * 2, Duration.ofSeconds(10));
            }
        }
        finally
        {
            other.shutdownNow();
        }
        assertEquals(ROUNDS * 2L, sm.total());
    }
}
