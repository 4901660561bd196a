package io.ringlog.core;

import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.core.testing.CollectingListener;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.ringlog.core.testing.AccumulatorStateMachine.ADD;
import static io.ringlog.core.testing.AccumulatorStateMachine.longPayload;
import static org.junit.jupiter.api.Assertions.assertEquals;

class EngineSmokeTest
{
    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldApplyPublishedCommandsAndDeliverEvents(final Topology topology) throws Exception
    {
        final AccumulatorStateMachine sm = new AccumulatorStateMachine();
        final CollectingListener listener = new CollectingListener();
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(sm).topology(topology).ringSize(1024)
            .listener("collect", listener)))
        {
            for (int i = 1; i <= 1000; i++)
            {
                assertEquals(i, engine.publish(ADD, 0, 0, i, longPayload(i), 0, 8));
            }
            engine.awaitApplied(1000, 10, TimeUnit.SECONDS);
            listener.awaitCount(1000, Duration.ofSeconds(10));
        }
        assertEquals(500_500, sm.total());
        assertEquals(500_500, listener.events().get(999).value());
        assertEquals(1000, listener.events().get(999).correlationId());
    }
}
