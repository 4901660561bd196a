package io.ringlog.core;

import io.ringlog.core.engine.ParkingWaitStrategy;
import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.core.testing.CollectingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.ringlog.core.testing.AccumulatorStateMachine.ADD;
import static io.ringlog.core.testing.AccumulatorStateMachine.longPayload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every wait strategy delivers, in both topologies, when stages go idle between commands: one
 * command at a time, each waited for at the listener, so consumers spin out and park (or block)
 * before the next arrives and must be woken by the publish (or, for a stage waiting on another
 * stage, by that stage's progress). A lost wake-up would stall a round until a bounded park ran out.
 */
class WaitStrategyTest
{
    private static final int ROUNDS = 300;

    @ParameterizedTest
    @EnumSource(value = WaitStrategies.class, names = {"PARKING", "BATCHING", "PHASED", "BLOCKING", "SLEEPING", "YIELDING"})
    @Timeout(120)
    void shouldDeliverEveryCommandWhenStagesGoIdleBetweenThem(final WaitStrategies strategy) throws Exception
    {
        for (final Topology topology : Topology.values())
        {
            final AccumulatorStateMachine sm = new AccumulatorStateMachine();
            final CollectingListener listener = new CollectingListener();
            try (Engine engine = Engine.launch(new EngineContext().stateMachine(sm).topology(topology)
                .waitStrategy(strategy).listener("collect", listener)))
            {
                for (int i = 1; i <= ROUNDS; i++)
                {
                    engine.publish(ADD, 0, 0, i, longPayload(1), 0, 8);
                    listener.awaitCount(i, Duration.ofSeconds(10));
                }
            }
            assertEquals(ROUNDS, sm.total(), strategy + " " + topology);
            assertEquals(ROUNDS, listener.events().get(ROUNDS - 1).value());
        }
    }

    /**
     * A publish to the multi-producer input ring skips its fence (its claim's CAS serves) only where the strategy
     * instance is that ring's own: one instance handed to both rings keeps it, since the output ring's publishes need
     * it, and an instance whose publishes skip it is refused to any other engine.
     */
    @Test
    void shouldSkipThePublishFenceOnlyOnTheInputRingsOwnParkingInstance() throws Exception
    {
        final List<ParkingWaitStrategy> made = new ArrayList<>();
        final ParkingWaitStrategy shared = new ParkingWaitStrategy(200, 4);
        try (Engine sharing = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
                .waitStrategy(() -> shared));
            Engine own = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
                .waitStrategy(() ->
                {
                    final ParkingWaitStrategy strategy =
                        new ParkingWaitStrategy(200, 4);
                    made.add(strategy);
                    return strategy;
                })))
        {
            assertFalse(shared.skipsPublishFence(), "both rings' instance keeps it");
            assertTrue(made.get(0).skipsPublishFence(), "the input ring's own skips it");
            assertFalse(made.get(1).skipsPublishFence(), "the output ring's keeps it");
            final IllegalArgumentException refused = assertThrows(
                IllegalArgumentException.class, () -> Engine.launch(new EngineContext()
                    .stateMachine(new AccumulatorStateMachine()).waitStrategy(() -> made.get(0))));
            assertTrue(refused.getMessage().startsWith("waitStrategy handed this " +
                "engine an instance that another engine's input ring uses"), refused.getMessage());

            // The other order: an instance another engine's rings use already is handed to this one's input ring. It
            // keeps its fence (and its stage reads the cursor), and both engines deliver.
            final boolean[] first = {true};
            final CollectingListener listener = new CollectingListener();
            try (Engine late = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
                .listener("collect", listener).waitStrategy(() ->
                {
                    final boolean input = first[0];
                    first[0] = false;
                    return input ? shared : new ParkingWaitStrategy(200, 4);
                })))
            {
                assertFalse(shared.skipsPublishFence(), "an instance another engine's rings use is never flagged");
                for (int i = 1; i <= 100; i++)
                {
                    late.publish(ADD, 0, 0, i, longPayload(1), 0, 8);
                    sharing.publish(ADD, 0, 0, i, longPayload(1), 0, 8);
                }
                listener.awaitCount(100, Duration.ofSeconds(10));
            }
        }
    }
}
