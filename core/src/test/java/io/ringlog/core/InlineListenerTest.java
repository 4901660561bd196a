package io.ringlog.core;

import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.core.testing.CollectingListener;
import io.ringlog.core.testing.GatedJournal;
import io.ringlog.core.testing.RecordingErrorHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static io.ringlog.core.testing.AccumulatorStateMachine.ADD;
import static io.ringlog.core.testing.AccumulatorStateMachine.longPayload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A listener on the business-logic thread ({@link EngineContext#inlineListener}) sees what a listener on
 * its own thread sees, in the same order, never before it is durable, and is treated the same when it
 * throws or when the journal is replayed.
 */
class InlineListenerTest
{
    private static final int COMMANDS = 3_000;

    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldSeeWhatAThreadedListenerSeesOnTheLogicThreadAndNothingBeforeItIsJournaled(final Topology topology)
        throws Exception
    {
        // 200 µs per commit: batches build up behind the journal, which is where a leak would show.
        final GatedJournal journal = new GatedJournal(64, 200_000);
        final CollectingListener threaded = new CollectingListener();
        final AtomicInteger early = new AtomicInteger();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        final CollectingListener inline = new CollectingListener()
        {
            @Override
            public void onEvent(final OutputEvent event, final boolean endOfBatch) throws Exception
            {
                if (event.position() > journal.committedPosition())
                {
                    early.incrementAndGet();
                }
                threads.add(Thread.currentThread().getName());
                super.onEvent(event, endOfBatch);
            }
        };
        final EngineContext ctx = new EngineContext().name("inline").stateMachine(new AccumulatorStateMachine())
            .topology(topology).ringSize(1024).outputRingSize(256).maxPayloadLength(64).journal(journal)
            .listener("threaded", threaded).inlineListener("inline", inline);
        assertFalse(ctx.stageNames().contains("listener-inline"), "an inline listener has no thread: " + ctx.stageNames());
        try (Engine engine = Engine.launch(ctx))
        {
            for (int i = 1; i <= COMMANDS; i++)
            {
                engine.publish(ADD, 0, 0, i, longPayload(i), 0, 8);
            }
        }
        // Close drains: every event reached both before it returned.
        assertEquals(COMMANDS, inline.count());
        assertEquals(threaded.events(), inline.events(), "the same events in the same order");
        assertEquals((long)COMMANDS * (COMMANDS + 1) / 2, inline.events().get(COMMANDS - 1).value());
        assertEquals(0, early.get(), "events seen before their command was journaled");
        final String logicThread = "inline-" + (topology == Topology.COMPACT ? "compact" : "logic");
        assertEquals(Set.of(logicThread), threads, "inline listeners run on the business-logic thread");
        assertTrue(journal.commits() < COMMANDS, "commits were batched: " + journal.commits());
    }

    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldReportAndCountWhatItThrowsAndGoOnWithTheNextEvent(final Topology topology) throws Exception
    {
        final RecordingErrorHandler errors = new RecordingErrorHandler();
        final CollectingListener after = new CollectingListener();
        final OutputListener failing = (event, endOfBatch) ->
        {
            if (event.position() == 3)
            {
                throw new IllegalStateException("no room for position 3");
            }
        };
        final AccumulatorStateMachine sm = new AccumulatorStateMachine();
        final EngineMetrics metrics;
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(sm).topology(topology).errorHandler(errors)
            .inlineListener("failing", failing).inlineListener("after", after)))
        {
            metrics = engine.metrics();
            for (int i = 1; i <= 5; i++)
            {
                engine.publish(ADD, 0, 0, i, longPayload(i), 0, 8);
            }
        }
        assertEquals(1, metrics.listenerErrors());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), after.events().stream().map(CollectingListener.Seen::position).toList(),
            "the next listener, and the next event, still delivered");
        assertEquals(15, sm.total(), "the business logic never saw the listener's failure");
        final ListenerException failure = assertInstanceOf(ListenerException.class, errors.errors().get(0));
        assertEquals("failing", failure.listener());
        assertEquals(3, failure.position());
        assertTrue(failure.getMessage().contains("no room for position 3"), failure.getMessage());
        assertEquals(1, errors.errors().size(), errors.errors().toString());
    }

    @Test
    void shouldHaltTheEngineWhenItRunsOutOfStackOrMemoryOnTheLogicThread() throws Exception
    {
        final RecordingErrorHandler errors = new RecordingErrorHandler();
        final OutputListener overflowing = (event, endOfBatch) ->
        {
            if (event.position() == 2)
            {
                throw new StackOverflowError("deep");
            }
        };
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .errorHandler(errors).inlineListener("overflowing", overflowing)))
        {
            engine.publish(ADD, 0, 0, 1, longPayload(1), 0, 8);
            engine.publish(ADD, 0, 0, 2, longPayload(2), 0, 8);
            CollectingListener.await(() -> engine.failure() != null, Duration.ofSeconds(10), "the engine to halt");
            assertInstanceOf(StackOverflowError.class, engine.failure().getCause(), engine.failure().toString());
            // The listener's failure, not the command's: it was applied, and its events were out.
            final ListenerException blamed = assertInstanceOf(ListenerException.class, engine.failure());
            assertEquals("overflowing", blamed.listener());
            assertEquals(2, blamed.position());
            assertEquals(0, engine.metrics().failed(), "no command failed");
            assertThrows(EngineHaltedException.class, () -> engine.publish(ADD, 0, 0, 3, longPayload(3), 0, 8));
        }
        catch (final EngineHaltedException closedHalted)
        {
            // close() of a halted engine says it halted; what matters is above.
        }
    }

    @Test
    @Timeout(30)
    void shouldRefuseAPublishThatWouldWaitForTheLogicThreadItRunsOn() throws Exception
    {
        final RecordingErrorHandler errors = new RecordingErrorHandler();
        final AtomicReference<Engine> self = new AtomicReference<>();
        final AtomicInteger accepted = new AtomicInteger();
        final OutputListener republishing = (event, endOfBatch) ->
        {
            if (event.position() == 1)
            {
                // More than the 16-slot ring holds, and only this thread can free a slot.
                for (int i = 0; i < 64; i++)
                {
                    self.get().publish(ADD, 0, 0, 100 + i, longPayload(1), 0, 8);
                    accepted.incrementAndGet();
                }
            }
        };
        final AccumulatorStateMachine sm = new AccumulatorStateMachine();
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(sm).ringSize(16).errorHandler(errors)
            .inlineListener("republishing", republishing)))
        {
            self.set(engine);
            engine.publish(ADD, 0, 0, 1, longPayload(1), 0, 8);
            CollectingListener.await(() -> !errors.errors().isEmpty(), Duration.ofSeconds(10), "the refusal");
        }
        final ListenerException refused = assertInstanceOf(ListenerException.class, errors.errors().get(0));
        assertEquals("republishing", refused.listener());
        assertTrue(refused.getCause().getMessage().contains("it would wait for itself forever; use tryPublish there"),
            refused.getCause().getMessage());
        assertEquals(1, errors.errors().size(), errors.errors().toString());
        assertTrue(accepted.get() > 0 && accepted.get() < 16, "the ring's room was used first: " + accepted.get());
        assertEquals(1 + accepted.get(), sm.total(), "what was accepted was applied, and nothing else");
    }

    /**
     * A listener on a thread of its own that publishes a follow-up for each event, under load, with small
     * rings: the probe's engine wedged for good, the logic waiting on the full output ring for that listener
     * and the listener waiting on the full input ring for the logic, with no word. The publish that finds
     * the ring full on that thread is refused instead, the error handler says why, and the engine goes on.
     * The listener holds its first event until the input ring is full (the logic then waits on the output
     * ring it filled, and the publisher on the input ring), so the refusal does not depend on the machine
     * being too slow for the listener to keep up.
     */
    @Test
    @Timeout(60)
    void shouldRefuseABlockingPublishFromAThreadedListenerThatTheLogicMayWaitFor() throws Exception
    {
        final RecordingErrorHandler errors = new RecordingErrorHandler();
        final AtomicReference<Engine> self = new AtomicReference<>();
        final AtomicInteger followUps = new AtomicInteger();
        final AtomicBoolean held = new AtomicBoolean();
        final OutputListener echo = (event, endOfBatch) ->
        {
            if (event.sourceId() == 1)
            {
                if (held.compareAndSet(false, true))
                {
                    awaitUnchecked(() -> self.get().metrics().lag(EngineMetrics.Stage.LOGIC) >= 64,
                        "the input ring to fill while this listener holds its first event");
                }
                self.get().publish(ADD, 0, 0, 0, longPayload(1), 0, 8);
                followUps.incrementAndGet();
            }
        };
        final AccumulatorStateMachine sm = new AccumulatorStateMachine();
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(sm).ringSize(64).outputRingSize(64)
            .errorHandler(errors).listener("echo", echo)))
        {
            self.set(engine);
            for (int i = 1; i <= 20_000; i++)
            {
                engine.publish(ADD, 1, i, 0, longPayload(1), 0, 8);
            }
            CollectingListener.await(() -> engine.metrics().lastAppliedPosition() == engine.nextPosition() - 1 &&
                engine.metrics().listenerLag(0) == 0, Duration.ofSeconds(30), "the engine to drain");
        }
        assertFalse(errors.errors().isEmpty(), "20,000 commands through 64-slot rings fill them: some publish was refused");
        final ListenerException refused = assertInstanceOf(ListenerException.class, errors.errors().get(0));
        assertEquals("echo", refused.listener());
        assertTrue(refused.getCause().getMessage().startsWith("the input ring is full and this publish comes from the " +
            "thread of listener 'echo', which the business logic may be waiting for") &&
            refused.getCause().getMessage().contains("use tryPublish there"), refused.getCause().getMessage());
        assertEquals(20_000 + followUps.get(), sm.total(), "every accepted command applied, follow-ups included");
    }

    @Test
    void shouldGetReplayedEventsOnlyIfItAsksForThem() throws Exception
    {
        final InMemoryJournal journal = new InMemoryJournal(64);
        try (Engine first = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine()).journal(journal)
            .maxPayloadLength(64)))
        {
            for (int i = 1; i <= 10; i++)
            {
                first.publish(ADD, 0, 0, i, longPayload(i), 0, 8);
            }
        }
        final CollectingListener replaying = new CollectingListener(true);
        final CollectingListener live = new CollectingListener(false);
        try (Engine second = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine()).journal(journal)
            .maxPayloadLength(64)
            .inlineListener("replaying", replaying).inlineListener("live", live)))
        {
            assertEquals(10, replaying.count(), "replayed before launch returned, on the logic thread");
            assertTrue(replaying.events().stream().allMatch(CollectingListener.Seen::replay));
            assertEquals(55, replaying.events().get(9).value());
            assertEquals(0, live.count(), "no replayed event for a listener that did not ask");
            second.publish(ADD, 0, 0, 11, longPayload(11), 0, 8);
            second.awaitApplied(11, 10, TimeUnit.SECONDS);
            replaying.awaitCount(11, Duration.ofSeconds(10));
        }
        assertEquals(1, live.count());
        assertEquals(11, live.events().get(0).position());
        assertFalse(live.events().get(0).replay());
        assertEquals(66, live.events().get(0).value());
    }

    @Test
    void shouldRefuseTwoListenersOfOneName()
    {
        final EngineContext ctx = new EngineContext().listener("out", (event, endOfBatch) ->
        {
        });
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> ctx.inlineListener("out", (event, endOfBatch) ->
            {
            }));
        assertEquals("a listener named 'out' was added already: errors and stage names tell listeners apart by name",
            refused.getMessage());
    }

    private static void awaitUnchecked(final BooleanSupplier condition, final String what)
    {
        try
        {
            CollectingListener.await(condition, Duration.ofSeconds(20), what);
        }
        catch (final TimeoutException e)
        {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
