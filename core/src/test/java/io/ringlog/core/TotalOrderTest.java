package io.ringlog.core;

import io.ringlog.core.testing.StateMachineAdapter;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TotalOrderTest
{
    private static final int PRODUCERS = 4;
    private static final int PER_PRODUCER = 20_000;

    /** Records the order commands arrive in; the test inspects it after close. */
    static final class OrderRecorder extends StateMachineAdapter
    {
        final long[] positions = new long[PRODUCERS * PER_PRODUCER];
        final long[] sources = new long[PRODUCERS * PER_PRODUCER];
        final long[] sequences = new long[PRODUCERS * PER_PRODUCER];
        int count;

        @Override
        public void apply(final Command command, final Output output)
        {
            positions[count] = command.position();
            sources[count] = command.sourceId();
            sequences[count] = command.sourceSequence();
            count++;
        }

        @Override
        public long stateHash()
        {
            return count;
        }
    }

    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldApplyCommandsFromManyProducersInGapFreePositionOrder(final Topology topology) throws Exception
    {
        final OrderRecorder recorder = new OrderRecorder();
        final AtomicLongArray returnedPositions = new AtomicLongArray(PRODUCERS * PER_PRODUCER);
        final Engine engine = Engine.launch(new EngineContext().stateMachine(recorder).topology(topology)
            .ringSize(256).listener("none", (event, endOfBatch) ->
            {
            }));

        final CountDownLatch start = new CountDownLatch(1);
        final List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++)
        {
            final long source = p + 1;
            final Thread producer = new Thread(() ->
            {
                final UnsafeBuffer payload = new UnsafeBuffer(new byte[8]);
                try
                {
                    start.await();
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
                for (int i = 1; i <= PER_PRODUCER; i++)
                {
                    payload.putLong(0, i, ByteOrder.LITTLE_ENDIAN);
                    final long position = engine.publish(1, source, i, 0, payload, 0, 8);
                    returnedPositions.set((int)(position - 1), source * 1_000_000L + i);
                }
            });
            producers.add(producer);
            producer.start();
        }
        start.countDown();
        for (final Thread producer : producers)
        {
            producer.join(60_000);
            assertTrue(!producer.isAlive(), "producer finished");
        }
        engine.awaitApplied(PRODUCERS * PER_PRODUCER, 30, TimeUnit.SECONDS);
        engine.close();

        assertEquals(PRODUCERS * PER_PRODUCER, recorder.count);
        final long[] lastSequence = new long[PRODUCERS + 1];
        for (int i = 0; i < recorder.count; i++)
        {
            assertEquals(i + 1, recorder.positions[i], "positions are applied gap-free and in order");
            final int source = (int)recorder.sources[i];
            assertEquals(lastSequence[source] + 1, recorder.sequences[i], "each producer's commands keep their order");
            lastSequence[source] = recorder.sequences[i];
            assertEquals(source * 1_000_000L + recorder.sequences[i], returnedPositions.get(i),
                "publish returned the position the command was applied at");
        }
        assertEquals(0, engine.metrics().duplicates());
    }

    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldContinuePositionsAcrossRestart(final Topology topology) throws Exception
    {
        final InMemoryJournal journal = new InMemoryJournal(64);
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[8]);
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(new OrderRecorder()).topology(topology)
            .journal(journal).maxPayloadLength(64)))
        {
            for (int i = 0; i < 10; i++)
            {
                engine.publish(1, 0, 0, 0, payload, 0, 8);
            }
        }
        final OrderRecorder second = new OrderRecorder();
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(second).topology(topology)
            .journal(journal).maxPayloadLength(64)))
        {
            assertEquals(11, engine.nextPosition());
            assertEquals(11, engine.publish(1, 0, 0, 0, payload, 0, 8));
            engine.awaitApplied(11, 10, TimeUnit.SECONDS);
        }
        assertEquals(11, second.count, "10 replayed, 1 live");
        for (int i = 0; i < 11; i++)
        {
            assertEquals(i + 1, second.positions[i]);
        }
        assertEquals(11, journal.lastPosition());
    }
}
