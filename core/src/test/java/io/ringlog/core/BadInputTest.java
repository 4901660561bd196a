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

    /**
     * An event longer than maxEventPayloadLength halts the engine whatever its error policy (REJECT here): a rejection
     * kept the command's changes before the emit while clients were told it failed, and a start with the limit
     * raised applied it whole, to another state (a reviewer's finding, of the output ring's limit).
     */
    @Test
    void shouldHaltOnAnEventPayloadLargerThanConfiguredWhateverTheErrorPolicy()
    {
        final StateMachine tooChatty = new StateMachineAdapter()
        {
            @Override
            public void apply(final Command command, final Output output)
            {
                output.emit(1, new UnsafeBuffer(new byte[64]), 0, 64);
            }
        };
        final Engine engine = Engine.launch(new EngineContext().stateMachine(tooChatty).maxEventPayloadLength(16)
            .errorPolicy(ErrorPolicy.REJECT).errorHandler(new RecordingErrorHandler()));
        engine.publish(1, 0, 0, 0, longPayload(1), 0, 8);
        assertThrows(EngineHaltedException.class, engine::close);
        final CommandFailedException failed = assertInstanceOf(CommandFailedException.class, engine.failure());
        assertInstanceOf(EventLimitException.class, failed.getCause());
        assertTrue(failed.getMessage().contains("event payload length 64 outside 0..16 (maxEventPayloadLength): the " +
            "engine halts, the command journaled; start it with a larger maxEventPayloadLength and the command is applied " +
            "whole"), failed.getMessage());
    }

    /**
     * A reviewer's ledger: a command crediting 100 accounts, an event each, on an output ring of 64 slots, kept 65 of
     * the credits and was rejected; replayed with the ring of 128 the message advised, all 100, another state hash. It
     * halts; restarted with the larger ring, it applies whole, as on an engine that had that ring from the start.
     */
    @Test
    void shouldHaltWhereACommandEmitsMoreEventsThanTheOutputRingHoldsAndApplyItWholeWithALargerOne()
    {
        final InMemoryJournal journal = new InMemoryJournal(256);
        final Engine small = Engine.launch(new EngineContext().stateMachine(new Airdrop()).outputRingSize(64)
            .journal(journal).errorHandler(new RecordingErrorHandler()));
        small.publish(1, 0, 0, 0, longPayload(100), 0, 8);
        assertThrows(EngineHaltedException.class, small::close);
        final CommandFailedException failed = assertInstanceOf(CommandFailedException.class, small.failure());
        assertInstanceOf(EventLimitException.class, failed.getCause());
        assertTrue(failed.getMessage().contains("emitted more than 64 events, the most the output ring takes for one " +
            "command (outputRingSize 64): the engine halts, the command journaled; start it with a larger " +
            "outputRingSize and the command is applied whole"), failed.getMessage());

        final Engine larger = Engine.launch(new EngineContext().stateMachine(new Airdrop()).outputRingSize(128)
            .journal(journal));
        larger.close();
        final Engine fresh = Engine.launch(new EngineContext().stateMachine(new Airdrop()).outputRingSize(128));
        fresh.publish(1, 0, 0, 0, longPayload(100), 0, 8);
        fresh.close();
        assertEquals(0, larger.metrics().failed());
        assertEquals(fresh.stateHash(), larger.stateHash(), "the journal's command applied whole, as live with that ring");
    }

    /** A reviewer's: launch(null) met an NPE, and closeTimeout(null) was told of six settings that must not be null. */
    @Test
    void shouldNameTheSettingThatIsNullAndRefuseANullContext()
    {
        final IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> Engine.launch(null));
        assertEquals("Engine.launch needs an EngineContext: Engine.launch(new EngineContext().stateMachine(yours))",
            none.getMessage());
        final IllegalArgumentException nullTimeout = assertThrows(IllegalArgumentException.class, () -> Engine.launch(
            new EngineContext().stateMachine(new AccumulatorStateMachine()).closeTimeout(null)));
        assertEquals("closeTimeout must not be null (leave a setting out for its default)", nullTimeout.getMessage());
    }

    /** Credits 1 to each of the first N accounts, N the command's payload, an event each. */
    private static final class Airdrop extends StateMachineAdapter
    {
        private final long[] balances = new long[1000];
        private final UnsafeBuffer event = new UnsafeBuffer(new byte[8]);

        @Override
        public void apply(final Command command, final Output output)
        {
            final long accounts = command.payload().getLong(0, java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int account = 0; account < accounts; account++)
            {
                balances[account]++;
                event.putLong(0, balances[account]);
                output.emit(1, event, 0, 8);
            }
        }

        @Override
        public long stateHash()
        {
            return java.util.Arrays.hashCode(balances);
        }
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
        final Engine engine = Engine.launch(new EngineContext().stateMachine(overflowing).maxEventPayloadLength(8)
            .errorHandler(new RecordingErrorHandler()));
        engine.publish(1, 0, 0, 0, longPayload(1), 0, 8);
        // A limit of the engine's, as an emit past it is: it halts (shouldHaltOnAnEventPayloadLargerThanConfigured...).
        assertThrows(EngineHaltedException.class, engine::close);
        final CommandFailedException failed = assertInstanceOf(CommandFailedException.class, engine.failure());
        assertTrue(failed.getMessage().endsWith("(an event claimed with Output.claim was written past its 8 bytes, the " +
            "engine's maxEventPayloadLength (EngineContext.maxEventPayloadLength): the engine halts, the command " +
            "journaled; start it with a larger maxEventPayloadLength and the command is applied whole)"),
            failed.getMessage());
    }
}
