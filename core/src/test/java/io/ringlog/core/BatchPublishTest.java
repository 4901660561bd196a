package io.ringlog.core;

import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.core.testing.CollectingListener;
import io.ringlog.core.testing.CollectingListener.Seen;
import io.ringlog.core.testing.GatedJournal;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static io.ringlog.core.testing.AccumulatorStateMachine.ADD;
import static io.ringlog.core.testing.CollectingListener.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many commands with one claim and one publish: positions, order, back-pressure, voids, validation. */
class BatchPublishTest
{
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[8]);

    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldGiveABatchConsecutivePositionsInterleavedWithOtherProducersWithoutGaps(final Topology topology)
        throws Exception
    {
        final AccumulatorStateMachine sm = new AccumulatorStateMachine();
        final CollectingListener listener = new CollectingListener();
        final int batches = 200;
        final int size = 50;
        final List<Long> firsts = new ArrayList<>();
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(sm).topology(topology).ringSize(256)
            .listener("collect", listener)))
        {
            final Thread single = new Thread(() ->
            {
                final UnsafeBuffer one = new UnsafeBuffer(new byte[8]);
                for (int i = 0; i < batches * size; i++)
                {
                    one.putLong(0, 1, ByteOrder.LITTLE_ENDIAN);
                    engine.publish(ADD, 0, 0, -1, one, 0, 8);
                }
            });
            single.start();
            final CommandBatch batch = engine.newBatch();
            for (int b = 0; b < batches; b++)
            {
                final long first = batch.claim(size);
                try
                {
                    for (int i = 0; i < size; i++)
                    {
                        payload.putLong(0, 1, ByteOrder.LITTLE_ENDIAN);
                        assertEquals(first + i, batch.add(ADD, 1, 0, 0, b * size + i, payload, 0, 8));
                    }
                }
                finally
                {
                    batch.publish();
                }
                firsts.add(first);
            }
            single.join();
            engine.awaitApplied(2L * batches * size, 10, TimeUnit.SECONDS);
            listener.awaitCount(2 * batches * size, Duration.ofSeconds(10));
        }
        assertEquals(2L * batches * size, sm.total(), "every command applied once");
        assertTrue(!sm.sawOutOfOrder(), "applied in position order");
        final List<Seen> events = listener.events();
        for (int i = 0; i < events.size(); i++)
        {
            assertEquals(i + 1, events.get(i).position(), "gap-free positions");
        }
        for (int b = 0; b < batches; b++)
        {
            final long first = firsts.get(b);
            for (int i = 0; i < size; i++)
            {
                assertEquals(b * size + i, events.get((int)(first + i - 1)).correlationId(),
                    "a batch's positions are consecutive and its own, whatever other producers do");
            }
        }
    }

    @Test
    void shouldNameTheClaimNeverPublishedWhenEverythingWaitsBehindIt() throws Exception
    {
        final AccumulatorStateMachine sm = new AccumulatorStateMachine();
        final Engine engine = Engine.launch(new EngineContext().stateMachine(sm).ringSize(8).maxPayloadLength(64)
            .closeTimeout(Duration.ofMillis(300)));
        final CommandBatch forgotten = engine.newBatch();
        assertEquals(1, forgotten.claim(1));
        forgotten.add(ADD, 1, 0, 0, 1, payload, 0, 8);
        // No publish: a producer that threw between claim and publish without a finally.
        final long other = engine.publish(ADD, 0, 0, 2, payload, 0, 8);
        assertEquals(2, other);
        final TimeoutException waited = assertThrows(TimeoutException.class,
            () -> engine.awaitApplied(other, 200, TimeUnit.MILLISECONDS));
        assertTrue(waited.getMessage().contains("position 1 was claimed and never published, and every stage waits for " +
            "it (positions up to 2 are claimed). A CommandBatch must publish() what it claimed"), waited.getMessage());
        final DrainTimeoutException drain = assertThrows(DrainTimeoutException.class, engine::close);
        assertTrue(drain.getMessage().contains("some accepted commands were not applied: position 1 was " +
            "claimed and never published"), drain.getMessage());
    }

    @Test
    void shouldVoidUnfilledSlotsAndKeepValidationPerCommand() throws Exception
    {
        final AccumulatorStateMachine sm = new AccumulatorStateMachine();
        final CollectingListener listener = new CollectingListener();
        final InMemoryJournal journal = new InMemoryJournal(64);
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(sm).journal(journal).ringSize(16).maxPayloadLength(64)
            .listener("collect", listener)))
        {
            final CommandBatch batch = engine.newBatch();
            assertThrows(IllegalArgumentException.class, () -> batch.claim(17), "more than the ring holds");
            assertThrows(IllegalStateException.class, () -> batch.add(ADD, 1, 0, 0, 0, payload, 0, 8), "add before claim");
            assertEquals(1, batch.claim(3));
            payload.putLong(0, 5, ByteOrder.LITTLE_ENDIAN);
            batch.add(ADD, 1, 0, 0, 1, payload, 0, 8);
            assertThrows(IllegalArgumentException.class, () -> batch.add(-7, 1, 0, 0, 2, payload, 0, 8),
                "a reserved type is refused and uses no slot");
            assertThrows(IllegalStateException.class, () -> batch.claim(1), "publish before claiming again");
            assertEquals(2, batch.remaining());
            batch.publish();
            engine.awaitApplied(3, 10, TimeUnit.SECONDS);
            assertEquals(4, batch.claim(1), "positions go on after the voids");
            batch.add(ADD, 1, 0, 0, 4, payload, 0, 8);
            batch.publish();
            engine.awaitApplied(4, 10, TimeUnit.SECONDS);
            listener.awaitCount(2, Duration.ofSeconds(10));
        }
        assertEquals(10, sm.total());
        assertEquals(List.of(1L, 4L), listener.events().stream().map(Seen::position).toList(),
            "the void positions are journaled but apply as nothing");
        assertEquals(4, journal.lastPosition());
    }

    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldRefuseTryClaimOnAFullRingAndWaitWithTheConfiguredIdleStrategy(final Topology topology) throws Exception
    {
        final GatedJournal journal = new GatedJournal(64, 0).close(true);
        final AtomicInteger idles = new AtomicInteger();
        final IdleStrategy counting = new IdleStrategy()
        {
            @Override
            public void idle(final int workCount)
            {
                idle();
            }

            @Override
            public void idle()
            {
                idles.incrementAndGet();
                Thread.yield();
            }

            @Override
            public void reset()
            {
            }
        };
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .topology(topology).ringSize(8).maxPayloadLength(64).journal(journal).producerIdleStrategy(() -> counting)))
        {
            final CommandBatch batch = engine.newBatch();
            while (batch.tryClaim(4) >= 0)
            {
                batch.publish();
            }
            await(journal::blockedInCommit, Duration.ofSeconds(10), "journal blocked at the gate");
            assertEquals(-1, batch.tryClaim(4), "back-pressure, not a drop");
            final Thread waiting = new Thread(() ->
            {
                batch.claim(4);
                batch.publish();
            });
            waiting.start();
            await(() -> idles.get() > 10, Duration.ofSeconds(10), "the producer waits with the configured strategy");
            journal.close(false);
            waiting.join(TimeUnit.SECONDS.toMillis(10));
            assertTrue(!waiting.isAlive(), "the claim went through once the journal moved");
        }
    }
}
