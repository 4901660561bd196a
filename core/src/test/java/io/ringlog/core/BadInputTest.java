package io.ringlog.core;

import com.lmax.disruptor.WaitStrategy;
import io.ringlog.core.engine.ParkingWaitStrategy;
import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.core.testing.CollectingListener;
import io.ringlog.core.testing.RecordingErrorHandler;
import io.ringlog.core.testing.StateMachineAdapter;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static io.ringlog.core.testing.AccumulatorStateMachine.ADD;
import static io.ringlog.core.testing.AccumulatorStateMachine.longPayload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BadInputTest
{
    @Test
    void shouldRejectNullOversizedAndOutOfRangePayloadsWithoutLosingAcceptedCommands() throws Exception
    {
        final AccumulatorStateMachine sm = new AccumulatorStateMachine();
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(sm).maxPayloadLength(16)))
        {
            engine.publish(ADD, 0, 0, 0, longPayload(1), 0, 8);
            final IllegalArgumentException nullPayload = assertThrows(IllegalArgumentException.class,
                () -> engine.publish(ADD, 0, 0, 0, null, 0, 8));
            assertTrue(nullPayload.getMessage().contains("null"), nullPayload.getMessage());
            final IllegalArgumentException oversized = assertThrows(IllegalArgumentException.class,
                () -> engine.tryPublish(ADD, 0, 0, 0, new UnsafeBuffer(new byte[32]), 0, 17));
            assertTrue(oversized.getMessage().contains("maxPayloadLength"), oversized.getMessage());
            assertThrows(IllegalArgumentException.class, () -> engine.publish(ADD, 0, 0, 0, longPayload(1), 4, 8));
            assertThrows(IllegalArgumentException.class, () -> engine.publish(ADD, 0, 0, 0, longPayload(1), 0, -1));
            assertThrows(IllegalArgumentException.class, () -> engine.publish(-5, 0, 0, 0, longPayload(1), 0, 8),
                "negative types are reserved");
            assertEquals(2, engine.publish(ADD, 0, 0, 0, longPayload(2), 0, 8), "no position was used up");
            engine.awaitApplied(2, 10, TimeUnit.SECONDS);
        }
        assertEquals(3, sm.total());
    }

    @Test
    void shouldRefuseBatchingWaitsOnARingThatCannotHoldTwoBatches()
    {
        assertEquals("waitStrategy BATCHING holds off a stage that finds fewer than 64 entries ready (for at least 10 µs) " +
            "before it takes them, and ringSize 64 cannot hold two such batches: nearly every batch would wait out the " +
            "hold; use a ringSize of at least 128 entries, or PARKING",
            refused(batching(WaitStrategies.BATCHING).ringSize(64)));
        assertEquals("waitStrategy BATCHING holds off a stage that finds fewer than 64 entries ready (for at least 10 µs) " +
            "before it takes them, and ringSize 32 and outputRingSize 2 cannot hold two such batches: nearly every batch " +
            "would wait out the hold; use rings of at least 128 entries, or PARKING",
            refused(batching(WaitStrategies.BATCHING).ringSize(32).outputRingSize(2)), "both rings named, not one at a time");
        assertEquals("waitStrategy ParkingWaitStrategy{spins=200, yields=4, batch=100, batchDelayNanos=1500} holds off a " +
            "stage that finds fewer than 100 entries ready (for at least 1500 ns) before it takes them, and outputRingSize " +
            "128 cannot hold two such batches: nearly every batch would wait out the hold; use an outputRingSize of at least " +
            "256 entries, or PARKING",
            refused(batching(() -> ParkingWaitStrategy.batching(200, 4, 100, 1_500)).outputRingSize(128)));
        // Two batches of 2^30 are more than an int, and more than any ring: said so, not wrapped round to negative.
        assertEquals("waitStrategy ParkingWaitStrategy{spins=200, yields=4, batch=1073741824, batchDelayNanos=1000} holds " +
            "off a stage that finds fewer than 1073741824 entries ready (for at least 1 µs) before it takes them, and " +
            "ringSize 65536 and outputRingSize 65536 cannot hold two such batches: nearly every batch would wait out the " +
            "hold; no ring can (the largest holds 2^30 entries): use a smaller batch, or PARKING",
            refused(batching(() -> ParkingWaitStrategy.batching(200, 4, 1 << 30, 1_000))));
        // Each ring is checked against the instance it gets: a supplier that batches only on its later calls is caught.
        final AtomicInteger calls = new AtomicInteger();
        final String second = refused(batching(() -> calls.getAndIncrement() == 0 ? WaitStrategies.PARKING.get() :
            ParkingWaitStrategy.batching(200, 4, 64, 10_000)).outputRingSize(64));
        assertTrue(second.contains("and outputRingSize 64 cannot hold"), second);
        // Two batches fit: launches; plain parking never holds, so any ring will do.
        Engine.launch(batching(WaitStrategies.BATCHING).ringSize(128).outputRingSize(128)).close();
        Engine.launch(batching(WaitStrategies.PARKING).ringSize(2).outputRingSize(2)).close();
    }

    private static EngineContext batching(final Supplier<WaitStrategy> strategy)
    {
        return new EngineContext().stateMachine(new AccumulatorStateMachine()).waitStrategy(strategy);
    }

    private static String refused(final EngineContext ctx)
    {
        return assertThrows(IllegalArgumentException.class, () -> Engine.launch(ctx)).getMessage();
    }

    @Test
    void shouldRejectBadConfigurationAtLaunch()
    {
        final IllegalArgumentException ring = assertThrows(IllegalArgumentException.class, () ->
            Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine()).ringSize(1000)));
        assertTrue(ring.getMessage().contains("ringSize must be a power of two"), ring.getMessage());
        assertThrows(IllegalArgumentException.class, () ->
            Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine()).outputRingSize(3)));
        assertThrows(IllegalArgumentException.class, () ->
            Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine()).maxPayloadLength(0)));
        final IllegalArgumentException noLogic = assertThrows(IllegalArgumentException.class, () ->
            Engine.launch(new EngineContext()));
        assertTrue(noLogic.getMessage().contains("stateMachine"), noLogic.getMessage());
    }

    @Test
    void shouldReportAThrowingListenerAndKeepDeliveringToItAndToOthers() throws Exception
    {
        final AccumulatorStateMachine sm = new AccumulatorStateMachine();
        final RecordingErrorHandler errors = new RecordingErrorHandler();
        final CollectingListener healthy = new CollectingListener();
        final CollectingListener flaky = new CollectingListener()
        {
            @Override
            public void onEvent(final OutputEvent event, final boolean endOfBatch) throws Exception
            {
                if (event.position() == 2)
                {
                    throw new IllegalStateException("listener bug");
                }
                super.onEvent(event, endOfBatch);
            }
        };
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(sm).errorHandler(errors)
            .listener("flaky", flaky).listener("healthy", healthy)))
        {
            for (int i = 1; i <= 3; i++)
            {
                engine.publish(ADD, 0, 0, i, longPayload(i), 0, 8);
            }
            healthy.awaitCount(3, Duration.ofSeconds(10));
            flaky.awaitCount(2, Duration.ofSeconds(10));
            assertEquals(1, engine.metrics().listenerErrors());
        }
        assertEquals(6, sm.total(), "business logic unaffected");
        assertEquals(3, flaky.events().get(1).position(), "the failing listener goes on with later events");
        final ListenerException error = assertInstanceOf(ListenerException.class, errors.errors().get(0));
        assertEquals("flaky", error.listener());
        assertEquals(2, error.position());
    }

    @Test
    void shouldRejectEventPayloadLargerThanConfiguredAsCommandFailure() throws Exception
    {
        final StateMachine tooChatty = new StateMachineAdapter()
        {
            @Override
            public void apply(final Command command, final Output output)
            {
                output.emit(1, new UnsafeBuffer(new byte[64]), 0, 64);
            }
        };
        final CollectingListener listener = new CollectingListener();
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(tooChatty).maxEventPayloadLength(16)
            .errorHandler(new RecordingErrorHandler()).listener("collect", listener)))
        {
            engine.publish(1, 0, 0, 0, longPayload(1), 0, 8);
            listener.awaitCount(1, Duration.ofSeconds(10));
        }
        assertEquals(Rejections.COMMAND_FAILED, listener.events().get(0).value());
    }

    @Test
    void shouldPublishAVoidCommandWhenTheClockThrowsSoTheRingNeverStalls() throws Exception
    {
        final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        final AccumulatorStateMachine sm = new AccumulatorStateMachine();
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(sm).clock(() ->
        {
            if (calls.incrementAndGet() == 2)
            {
                throw new IllegalStateException("clock failure");
            }
            return 0;
        })))
        {
            engine.publish(ADD, 0, 0, 0, longPayload(1), 0, 8);
            assertThrows(IllegalStateException.class, () -> engine.publish(ADD, 0, 0, 0, longPayload(10), 0, 8));
            assertEquals(3, engine.publish(ADD, 0, 0, 0, longPayload(100), 0, 8), "the failed slot used position 2");
            engine.awaitApplied(3, 10, TimeUnit.SECONDS);
        }
        assertEquals(101, sm.total(), "the void command applied as nothing");
    }

    @Test
    void shouldRefuseEmittingAnEventThatPassesForARejection() throws Exception
    {
        final StateMachine forger = new StateMachineAdapter()
        {
            @Override
            public void apply(final Command command, final Output output)
            {
                output.emit(OutputEvent.REJECTED, longPayload(1), 0, 4);
            }
        };
        final CollectingListener listener = new CollectingListener();
        final RecordingErrorHandler errors = new RecordingErrorHandler();
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(forger).errorHandler(errors)
            .listener("collect", listener)))
        {
            engine.publish(1, 0, 0, 0, longPayload(1), 0, 8);
            listener.awaitCount(1, Duration.ofSeconds(10));
        }
        assertEquals(Rejections.COMMAND_FAILED, listener.events().get(0).value());
        assertInstanceOf(IllegalArgumentException.class, errors.errors().get(0).getCause());
    }

    /**
     * Probe (embedder): a state machine that read a long from a command published with no payload got the
     * bytes an earlier command left in the reused ring slot: live it read the command eight positions back,
     * on replay the one just before, and the replayed state differed from the live one with no word. The
     * payload is now only the command's bytes: the read throws, live and on replay alike, and the command
     * fails the same way in both.
     */
    @Test
    void shouldNotLetACommandReadAnEarlierCommandsBytesPastItsPayload() throws Exception
    {
        final InMemoryJournal journal = new InMemoryJournal(64);
        final Careless live = new Careless();
        final RecordingErrorHandler errors = new RecordingErrorHandler();
        final Engine engine = Engine.launch(new EngineContext().stateMachine(live).journal(journal).ringSize(8)
            .maxPayloadLength(64).errorHandler(errors));
        for (int i = 1; i <= 10; i++)
        {
            engine.publish(1, 0, 0, i, longPayload(i), 0, 8);
        }
        engine.publish(1, 0, 0, 11, longPayload(0), 0, 0);
        engine.close();
        assertEquals(1, engine.metrics().failed(), errors.errors().toString());
        final CommandFailedException failed = assertInstanceOf(CommandFailedException.class, errors.errors().get(0));
        assertEquals(11, failed.position());
        assertInstanceOf(IndexOutOfBoundsException.class, failed.getCause());
        assertTrue(failed.getMessage().endsWith("(it read past the command's payload of 0 bytes: Command.payload() " +
            "holds payloadLength() bytes, and a command may carry fewer than the state machine expects (check the " +
            "length first))"), failed.getMessage());

        final Careless replayed = new Careless();
        final Engine again = Engine.launch(new EngineContext().stateMachine(replayed).journal(journal).ringSize(16)
            .maxPayloadLength(64).errorHandler(new RecordingErrorHandler()));
        again.close();
        assertEquals(55, live.total);
        assertEquals(live.total, replayed.total, "the state a replay gives is the live one");
    }

    /** Reads a long from every command, whatever its length. */
    private static final class Careless extends StateMachineAdapter
    {
        private long total;

        @Override
        public void apply(final Command command, final Output output)
        {
            total += command.payload().getLong(0, java.nio.ByteOrder.LITTLE_ENDIAN);
        }
    }

    /** Probe (embedder): an event claimed in place and written past its capacity said only "Range [8, 8 + 8)". */
    @Test
    void shouldNameMaxEventPayloadLengthWhenAClaimedEventIsWrittenPastIt() throws Exception
    {
        final StateMachine overflowing = new StateMachineAdapter()
        {
            @Override
            public void apply(final Command command, final Output output)
            {
                output.claim(1).putLong(8, 42L);
                output.commit(16);
            }
        };
        final RecordingErrorHandler errors = new RecordingErrorHandler();
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(overflowing).maxEventPayloadLength(8)
            .errorHandler(errors)))
        {
            engine.publish(1, 0, 0, 0, longPayload(1), 0, 8);
        }
        final CommandFailedException failed = assertInstanceOf(CommandFailedException.class, errors.errors().get(0));
        assertTrue(failed.getMessage().endsWith("(an event claimed with Output.claim was written past its 8 bytes, the " +
            "engine's maxEventPayloadLength (EngineContext.maxEventPayloadLength))"), failed.getMessage());
    }
}
