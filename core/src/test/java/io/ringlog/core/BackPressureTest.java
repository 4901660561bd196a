package io.ringlog.core;

import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.core.testing.CollectingListener;
import io.ringlog.core.testing.GatedJournal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.ringlog.core.testing.AccumulatorStateMachine.ADD;
import static io.ringlog.core.testing.AccumulatorStateMachine.longPayload;
import static io.ringlog.core.testing.CollectingListener.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackPressureTest
{
    private static final int RING = 8;

    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldRefuseTryPublishAndBlockPublishWhenRingIsFullThenDeliverEverythingInOrder(final Topology topology)
        throws Exception
    {
        final GatedJournal journal = new GatedJournal(64, 0).close(true);
        final AccumulatorStateMachine sm = new AccumulatorStateMachine();
        final CollectingListener listener = new CollectingListener();
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(sm).topology(topology).ringSize(RING)
            .maxPayloadLength(64).journal(journal).listener("collect", listener)))
        {
            int accepted = 0;
            long value = 1;
            // The journal holds its first batch at the closed gate; fill the ring behind it.
            while (engine.tryPublish(ADD, 0, 0, value, longPayload(value), 0, 8))
            {
                accepted++;
                value++;
            }
            assertTrue(accepted >= RING && accepted <= 2 * RING, "ring accepted " + accepted);
            await(journal::blockedInCommit, Duration.ofSeconds(10), "journal blocked at the gate");
            assertFalse(engine.tryPublish(ADD, 0, 0, value, longPayload(value), 0, 8), "full ring refuses");

            final long blockedValue = value;
            final AtomicLong blockedPosition = new AtomicLong(-1);
            final Thread publisher = new Thread(() ->
                blockedPosition.set(engine.publish(ADD, 0, 0, blockedValue, longPayload(blockedValue), 0, 8)));
            publisher.start();
            await(() -> publisher.getState() == Thread.State.TIMED_WAITING, Duration.ofSeconds(10),
                "publisher parked on the full ring");
            assertEquals(-1, blockedPosition.get(), "publish has not returned while the ring is full");
            assertEquals(0, listener.count(), "nothing visible while the journal is stuck");

            journal.close(false);
            publisher.join(10_000);
            assertEquals(accepted + 1, blockedPosition.get());
            engine.awaitApplied(accepted + 1, 10, TimeUnit.SECONDS);
            listener.awaitCount(accepted + 1, Duration.ofSeconds(10));

            final List<CollectingListener.Seen> events = listener.events();
            long total = 0;
            for (int i = 0; i < events.size(); i++)
            {
                total += i + 1;
                assertEquals(i + 1, events.get(i).position(), "nothing dropped, nothing reordered");
                assertEquals(total, events.get(i).value());
            }
        }
        assertFalse(sm.sawOutOfOrder());
    }
}
