package io.ringlog.core;

import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.core.testing.GatedJournal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.ringlog.core.testing.AccumulatorStateMachine.ADD;
import static io.ringlog.core.testing.AccumulatorStateMachine.longPayload;
import static io.ringlog.core.testing.CollectingListener.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DurableBeforeVisibleTest
{
    private static final int COMMANDS = 3_000;

    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldNeverShowAnEventBeforeItsCommandIsCommittedToTheJournal(final Topology topology) throws Exception
    {
        // 200 µs per commit: batches build up behind the journal, which is where a leak would show.
        final GatedJournal journal = new GatedJournal(64, 200_000);
        final AtomicInteger violations = new AtomicInteger();
        final AtomicLong seen = new AtomicLong();
        final AtomicLong maxSeenPosition = new AtomicLong();
        final OutputListener checker = (event, endOfBatch) ->
        {
            if (event.position() > journal.committedPosition())
            {
                violations.incrementAndGet();
            }
            maxSeenPosition.accumulateAndGet(event.position(), Math::max);
            seen.incrementAndGet();
        };
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .topology(topology).ringSize(1024).maxPayloadLength(64).journal(journal).listener("checker", checker)))
        {
            for (int i = 1; i <= COMMANDS; i++)
            {
                engine.publish(ADD, 0, 0, i, longPayload(i), 0, 8);
            }
            engine.awaitApplied(COMMANDS, 30, TimeUnit.SECONDS);
            await(() -> seen.get() == COMMANDS, java.time.Duration.ofSeconds(30), "all events seen");
        }
        assertEquals(0, violations.get(), "events seen before their command was journaled");
        assertEquals(COMMANDS, maxSeenPosition.get());
        assertTrue(journal.commits() < COMMANDS, "commits were batched: " + journal.commits());
    }
}
