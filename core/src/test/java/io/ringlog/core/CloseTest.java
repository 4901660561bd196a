package io.ringlog.core;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.core.testing.StateMachineAdapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static io.ringlog.core.testing.AccumulatorStateMachine.ADD;
import static io.ringlog.core.testing.AccumulatorStateMachine.longPayload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CloseTest
{
    private static final int COMMANDS = 20_000;
    private static final long SLOW_NANOS = 700_000_000L;

    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldDrainEveryAcceptedCommandToStateAndListenersOnClose(final Topology topology)
    {
        final AccumulatorStateMachine sm = new AccumulatorStateMachine();
        final AtomicLong slowSeen = new AtomicLong();
        final AtomicLong lastPosition = new AtomicLong();
        final InMemoryJournal journal = new InMemoryJournal(64);
        final Engine engine = Engine.launch(new EngineContext().stateMachine(sm).topology(topology).ringSize(1024)
            .maxPayloadLength(64).journal(journal)
            .listener("slow", (event, endOfBatch) ->
            {
                if ((event.position() & 1023) == 0)
                {
                    LockSupport.parkNanos(1_000_000);
                }
                slowSeen.incrementAndGet();
                lastPosition.set(event.position());
            }));
        long expectedTotal = 0;
        for (int i = 1; i <= COMMANDS; i++)
        {
            engine.publish(ADD, 0, 0, i, longPayload(i), 0, 8);
            expectedTotal += i;
        }
        engine.close();

        assertEquals(COMMANDS, sm.count(), "every accepted command applied");
        assertEquals(expectedTotal, sm.total());
        assertEquals(COMMANDS, slowSeen.get(), "every event delivered before close returned");
        assertEquals(COMMANDS, lastPosition.get());
        assertEquals(COMMANDS, journal.lastPosition(), "every command journaled");
        engine.close();
    }

    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldRefusePublishAfterClose(final Topology topology)
    {
        final Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .topology(topology).snapshotStore(new InMemorySnapshotStore(1)));
        engine.close();
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> engine.publish(ADD, 0, 0, 0, longPayload(1), 0, 8));
        assertTrue(ex.getMessage().contains("closed"), ex.getMessage());
        assertThrows(IllegalStateException.class, () -> engine.tryPublish(ADD, 0, 0, 0, longPayload(1), 0, 8));
        final IllegalStateException snapshot = assertThrows(IllegalStateException.class, engine::requestSnapshot);
        assertTrue(snapshot.getMessage().contains("closed"), snapshot.getMessage());
        final long started = System.nanoTime();
        final IllegalStateException never = assertThrows(IllegalStateException.class,
            () -> engine.awaitApplied(5, 60, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(never.getMessage().contains("is closed, and applied up to position 0: position 5 will not be applied"),
            never.getMessage());
        assertTrue(System.nanoTime() - started < java.util.concurrent.TimeUnit.SECONDS.toNanos(30),
            "said at once, not after the timeout");
    }

    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldLoseNothingWhenClosingWhileProducersArePublishing(final Topology topology) throws Exception
    {
        final AccumulatorStateMachine sm = new AccumulatorStateMachine();
        final Engine engine = Engine.launch(new EngineContext().stateMachine(sm).topology(topology).ringSize(64));
        final AtomicLong acceptedSum = new AtomicLong();
        final AtomicLong acceptedCount = new AtomicLong();
        final Thread[] producers = new Thread[2];
        for (int p = 0; p < producers.length; p++)
        {
            producers[p] = new Thread(() ->
            {
                for (long i = 1; ; i++)
                {
                    try
                    {
                        engine.publish(ADD, 0, 0, 0, longPayload(i), 0, 8);
                    }
                    catch (final IllegalStateException closed)
                    {
                        return;
                    }
                    acceptedSum.addAndGet(i);
                    acceptedCount.incrementAndGet();
                }
            });
            producers[p].start();
        }
        io.ringlog.core.testing.CollectingListener.await(() -> acceptedCount.get() > 5_000,
            java.time.Duration.ofSeconds(30), "producers under way");
        engine.close();
        for (final Thread producer : producers)
        {
            producer.join(10_000);
        }
        assertEquals(acceptedCount.get(), sm.count(), "every publish that returned was applied");
        assertEquals(acceptedSum.get(), sm.total());
    }

    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldGiveUpLoudlyWhenAListenerNeverReturnsInsteadOfHangingClose(final Topology topology) throws Exception
    {
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        final io.ringlog.core.testing.RecordingErrorHandler errors = new io.ringlog.core.testing.RecordingErrorHandler();
        final Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .topology(topology).closeTimeout(java.time.Duration.ofMillis(300))
            .errorHandler(errors)
            .listener("stuck", (event, endOfBatch) ->
            {
                entered.countDown();
                release.await();
            }));
        try
        {
            engine.publish(ADD, 0, 0, 0, longPayload(1), 0, 8);
            assertTrue(entered.await(10, java.util.concurrent.TimeUnit.SECONDS));
            // A newcomer's probe: this was an IllegalStateException alone (the drain's timeout dropped), also given to
            // the error handler, which printed it with its stack trace before close threw it; and it named a
            // replicator and a snapshot store this engine did not have.
            final DrainTimeoutException ex = assertThrows(DrainTimeoutException.class, engine::close);
            assertTrue(!ex.commandsUnapplied() && ex.getMessage().contains("every accepted command was applied, but " +
                "listeners have not seen every event. Then ") && ex.getMessage().contains(": threads did not stop within " +
                "300 ms (closeTimeout): ") && ex.getMessage().contains("listener-stuck") && ex.getMessage().contains(
                "; the journal is left open, as closing them under a live thread could pull mapped memory from under " +
                "it. Once the thread returns, close() again closes them"), ex.getMessage());
            assertEquals(List.of(), errors.errors(), "thrown once, not also handed to the error handler");
            assertThrows(IllegalStateException.class, engine::stateHash, "not stopped, so no state hash");
        }
        finally
        {
            release.countDown();
        }
        engine.close();
        assertEquals(1, engine.metrics().applied());
    }

    /**
     * A reviewer's probe: a listener stuck on command 1's event, and command 2 taking longer than closeTimeout to apply.
     * The logic finished command 2 as the engine stopped, but the report, built from the drain's before the stages
     * stopped, said commands were not applied (commandsUnapplied true). Where only listeners are stuck, the stages
     * have stopped, and the report says how far they got.
     */
    @Test
    void shouldSayACommandFinishedAsTheEngineStoppedThoughAListenerIsStuck() throws Exception
    {
        final AccumulatorStateMachine applied = new AccumulatorStateMachine();
        final StateMachine slowSecond = new StateMachineAdapter()
        {
            @Override
            public void apply(final Command command, final Output output)
            {
                if (command.position() == 2)
                {
                    slowly();
                }
                applied.apply(command, output);
            }
        };
        final java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        final Engine engine = Engine.launch(new EngineContext().name("stuck").closeTimeout(java.time.Duration.ofMillis(600))
            .errorHandler(new io.ringlog.core.testing.RecordingErrorHandler()).stateMachine(slowSecond)
            .listener("stuck", (event, endOfBatch) ->
            {
                entered.countDown();
                release.await();
            }));
        try
        {
            engine.publish(ADD, 0, 0, 0, longPayload(1), 0, 8);
            assertTrue(entered.await(10, java.util.concurrent.TimeUnit.SECONDS));
            engine.publish(ADD, 0, 0, 0, longPayload(1), 0, 8);
            final DrainTimeoutException ex = assertThrows(DrainTimeoutException.class, engine::close);
            assertEquals(2, engine.metrics().lastAppliedPosition(), ex.getMessage());
            assertFalse(ex.commandsUnapplied(), ex.getMessage());
            assertTrue(ex.getMessage().startsWith("stuck: gave up waiting for the input ring to drain after 600 ms " +
                "(closeTimeout); the command being applied then finished as the engine stopped, so every accepted " +
                "command, up to position 2, was applied (listeners may not have seen its events). Then stuck: threads " +
                "did not stop within 600 ms (closeTimeout): ") && ex.getMessage().contains("listener-stuck"),
                ex.getMessage());
        }
        finally
        {
            release.countDown();
        }
        engine.close();
    }

    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldSayWhetherADrainThatRanOutLeftCommandsUnapplied(final Topology topology)
    {
        // Slow, not stuck: one command that takes a little more than a closeTimeout (700 ms of 600), so close gives
        // up draining, then the stage finishes it and stops within the second closeTimeout that stopping the
        // threads allows: the stage may start up to 500 ms late on a loaded machine (with 900 ms it was 300).
        final java.time.Duration closeTimeout = java.time.Duration.ofMillis(600);
        final Engine slowApply = Engine.launch(new EngineContext().name("slow-apply").topology(topology)
            .closeTimeout(closeTimeout).stateMachine(new SlowStateMachine(new AccumulatorStateMachine())));
        slowApply.publish(ADD, 0, 0, 0, longPayload(1), 0, 8);
        // The command finished as the engine stopped: said so, with the position, not "may not have been applied".
        final DrainTimeoutException unapplied = assertThrows(DrainTimeoutException.class, slowApply::close);
        assertEquals(1, slowApply.metrics().applied());
        assertTrue(!unapplied.commandsUnapplied(), unapplied.getMessage());
        assertEquals("slow-apply: gave up waiting for the input ring to drain after 600 ms (closeTimeout); the command " +
            "being applied then finished as the engine stopped, so every accepted command, up to position 1, was " +
            "applied (listeners may not have seen its events)", unapplied.getMessage());

        final Engine slowListener = Engine.launch(new EngineContext().name("slow-listener").topology(topology)
            .closeTimeout(closeTimeout).stateMachine(new AccumulatorStateMachine())
            .listener("slow", (event, endOfBatch) -> slowly()));
        slowListener.publish(ADD, 0, 0, 0, longPayload(1), 0, 8);
        final DrainTimeoutException undelivered = assertThrows(DrainTimeoutException.class, slowListener::close);
        assertTrue(!undelivered.commandsUnapplied(), undelivered.getMessage());
        assertTrue(undelivered.getMessage().contains("every accepted command was applied"), undelivered.getMessage());
        assertEquals(1, slowListener.metrics().applied());

        if (topology == Topology.PIPELINED)
        {
            // An asynchronous replicator runs beside the logic: a slow one leaves nothing unapplied.
            final Engine slowReplicator = Engine.launch(new EngineContext().name("slow-replicator").topology(topology)
                .closeTimeout(closeTimeout).stateMachine(new AccumulatorStateMachine()).replicator(new Replicator()
                {
                    @Override
                    public boolean synchronous()
                    {
                        return false;
                    }

                    @Override
                    public void replicate(final Command command)
                    {
                        slowly();
                    }

                    @Override
                    public void endOfBatch()
                    {
                    }
                }));
            slowReplicator.publish(ADD, 0, 0, 0, longPayload(1), 0, 8);
            final DrainTimeoutException unshipped = assertThrows(DrainTimeoutException.class, slowReplicator::close);
            assertTrue(!unshipped.commandsUnapplied(), unshipped.getMessage());
            assertTrue(unshipped.getMessage().contains("every accepted command was applied, but not every one was " +
                "shipped to the standby"), unshipped.getMessage());
            assertEquals(1, slowReplicator.metrics().applied());
        }
    }

    /**
     * Probe (embedder): 100 commands of 20 ms each, a 200 ms closeTimeout. close() threw "threads did not stop
     * ... journal, replicator and snapshot store left open" (not the DrainTimeoutException its Javadoc names),
     * the logic went on applying the rest of its batch for a second and more, and the journal stayed open, so
     * the service could not start again in the same process. The logic now stops at the next command: close
     * throws the drain's timeout, nothing is applied after it, and a new engine on the same journal recovers
     * every command.
     */
    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldStopApplyingAtTheNextCommandWhenACloseGivesUpDraining(final Topology topology) throws Exception
    {
        final InMemoryJournal journal = new InMemoryJournal(256);
        final AccumulatorStateMachine applied = new AccumulatorStateMachine();
        final StateMachine slow = new StateMachineAdapter()
        {
            @Override
            public void apply(final Command command, final Output output)
            {
                LockSupport.parkNanos(20_000_000L);
                applied.apply(command, output);
            }
        };
        final Engine engine = Engine.launch(new EngineContext().name("slow").topology(topology).journal(journal)
            .closeTimeout(java.time.Duration.ofMillis(200)).stateMachine(slow));
        for (int i = 1; i <= 100; i++)
        {
            engine.publish(ADD, 0, 0, i, longPayload(1), 0, 8);
        }
        final DrainTimeoutException unapplied = assertThrows(DrainTimeoutException.class, engine::close);
        assertTrue(unapplied.commandsUnapplied(), unapplied.getMessage());
        final long atClose = applied.total();
        // How far each stage got, as a halt's message says it (it said "some accepted commands may not have been applied").
        assertTrue(unapplied.getMessage().endsWith("(closeTimeout); some accepted commands were not applied: accepted " +
            "up to position 100, applied up to " + atClose + ", journaled up to 100 (a start on this journal applies " +
            (atClose + 1) + "..100)"), unapplied.getMessage());
        LockSupport.parkNanos(200_000_000L);
        assertEquals(atClose, applied.total(), "nothing applied after close() returned");
        assertTrue(atClose < 100, "the close gave up before the end: " + atClose);

        final AccumulatorStateMachine restarted = new AccumulatorStateMachine();
        Engine.launch(new EngineContext().name("again").journal(journal).stateMachine(restarted)).close();
        assertEquals(100, restarted.total(), "every accepted command, journaled, is applied by the next start");
    }

    /**
     * Probe (README walk-through): a listener taking 100 ms an event, 50 events, a 500 ms closeTimeout. close()
     * threw "threads did not stop ... journal, replicator and snapshot store left open" where the README
     * promises a DrainTimeoutException (the listener, slow, not stuck, went on through the batch it held), the
     * listener kept receiving events for seconds after close returned, and the journal could not be opened
     * again in the process. The listener now gets no event after the close gives up: close throws the drain's
     * timeout and the journal is closed.
     */
    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldStopASlowListenerAtTheNextEventWhenACloseGivesUpDraining(final Topology topology) throws Exception
    {
        final InMemoryJournal journal = new InMemoryJournal(256);
        final java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger();
        final Engine engine = Engine.launch(new EngineContext().name("slow-listener").topology(topology).journal(journal)
            .closeTimeout(java.time.Duration.ofMillis(500)).stateMachine(new AccumulatorStateMachine())
            .listener("slow", (event, endOfBatch) ->
            {
                LockSupport.parkNanos(100_000_000L);
                seen.incrementAndGet();
            }));
        for (int i = 1; i <= 50; i++)
        {
            engine.publish(ADD, 0, 0, i, longPayload(1), 0, 8);
        }
        engine.awaitApplied(50, 10, java.util.concurrent.TimeUnit.SECONDS);
        final DrainTimeoutException undelivered = assertThrows(DrainTimeoutException.class, engine::close);
        assertTrue(!undelivered.commandsUnapplied() && undelivered.getMessage().contains("listeners have not seen every " +
            "event"), undelivered.getMessage());
        final int atClose = seen.get();
        assertTrue(atClose < 50, "the close gave up before the listener saw everything: " + atClose);
        LockSupport.parkNanos(300_000_000L);
        assertEquals(atClose, seen.get(), "no event delivered after close() returned");

        final AccumulatorStateMachine restarted = new AccumulatorStateMachine();
        Engine.launch(new EngineContext().name("again").journal(journal).stateMachine(restarted)).close();
        assertEquals(50, restarted.total(), "the journal was closed, and holds every command");
    }

    /** Takes {@link #SLOW_NANOS}, however early a park returns. */
    private static void slowly()
    {
        final long end = System.nanoTime() + SLOW_NANOS;
        for (long left = SLOW_NANOS; left > 0; left = end - System.nanoTime())
        {
            LockSupport.parkNanos(left);
        }
    }

    /** Applies as its delegate does, 700 ms a command. */
    private static final class SlowStateMachine implements StateMachine
    {
        private final StateMachine delegate;

        SlowStateMachine(final StateMachine delegate)
        {
            this.delegate = delegate;
        }

        @Override
        public void apply(final Command command, final Output output)
        {
            slowly();
            delegate.apply(command, output);
        }

        @Override
        public int writeSnapshot(final org.agrona.MutableDirectBuffer buffer, final int offset)
        {
            return delegate.writeSnapshot(buffer, offset);
        }

        @Override
        public void loadSnapshot(final org.agrona.DirectBuffer buffer, final int offset, final int length)
        {
            delegate.loadSnapshot(buffer, offset, length);
        }

        @Override
        public long stateHash()
        {
            return delegate.stateHash();
        }
    }

    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldStopTheLogicThreadWhenItWaitsOnAFullOutputRingBehindAStuckListener(final Topology topology)
        throws Exception
    {
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        final Engine engine = Engine.launch(new EngineContext().name("full-output")
            .stateMachine(new AccumulatorStateMachine()).topology(topology).outputRingSize(4)
            .closeTimeout(java.time.Duration.ofMillis(300)).errorHandler(new io.ringlog.core.testing.RecordingErrorHandler())
            .listener("stuck", (event, endOfBatch) -> release.await()));
        for (int i = 0; i < 20; i++)
        {
            engine.publish(ADD, 0, 0, 0, longPayload(1), 0, 8);
        }
        try
        {
            final IllegalStateException ex = assertThrows(IllegalStateException.class, engine::close);
            assertTrue(ex.getMessage().contains("listener-stuck"), ex.getMessage());
            assertTrue(!ex.getMessage().contains("-logic") && !ex.getMessage().contains("-compact"),
                "the logic thread gave up waiting for the output ring: " + ex.getMessage());
        }
        finally
        {
            release.countDown();
        }
        final EngineHaltedException halted = assertThrows(EngineHaltedException.class, engine::close,
            "the abandoned commands are reported");
        // The command the logic was applying when the listeners stopped did not fail: it is applied at the next start.
        assertEquals(0, engine.metrics().failed(), "no command failed");
        assertFalse(String.valueOf(halted.getCause()).contains("CommandFailedException"), String.valueOf(halted.getCause()));
        assertTrue(String.valueOf(halted.getMessage()).contains("the close timed out while position ") &&
            halted.getMessage().contains("the next start recovers them from the journal, where only listeners that " +
                "receive replayed events (OutputListener.receivesReplay) see theirs"), halted.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldRefuseCloseFromTheEnginesOwnThreadInsteadOfDeadlocking(final Topology topology) throws Exception
    {
        final java.util.concurrent.atomic.AtomicReference<Throwable> fromListener =
            new java.util.concurrent.atomic.AtomicReference<>();
        final Engine[] self = new Engine[1];
        final java.util.concurrent.CountDownLatch tried = new java.util.concurrent.CountDownLatch(1);
        self[0] = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine()).topology(topology)
            .listener("closer", (event, endOfBatch) ->
            {
                try
                {
                    self[0].close();
                }
                catch (final Throwable ex)
                {
                    fromListener.set(ex);
                }
                tried.countDown();
            }));
        self[0].publish(ADD, 0, 0, 0, longPayload(1), 0, 8);
        assertTrue(tried.await(10, java.util.concurrent.TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, fromListener.get());
        assertTrue(fromListener.get().getMessage().contains("own thread"), fromListener.get().getMessage());
        self[0].close();
    }

    /**
     * A reviewer's finding: awaitApplied from an inline listener, for a position not applied yet, held the whole
     * engine for its timeout: the thread it waited on was its own. Refused at once, as close() is; a position applied
     * already is answered as from any thread, and a threaded listener (whose wait other threads can end) may wait.
     */
    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldRefuseAnAwaitAppliedFromTheBusinessLogicThreadThatWouldWaitForItself(final Topology topology)
        throws Exception
    {
        final java.util.List<String> said = new java.util.concurrent.CopyOnWriteArrayList<>();
        final Engine[] self = new Engine[1];
        final java.util.concurrent.CountDownLatch tried = new java.util.concurrent.CountDownLatch(2);
        self[0] = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine()).topology(topology)
            .inlineListener("waiter", (event, endOfBatch) ->
            {
                final long started = System.nanoTime();
                try
                {
                    self[0].awaitApplied(event.position(), 1, java.util.concurrent.TimeUnit.DAYS);
                    said.add("applied already: answered");
                    self[0].awaitApplied(event.position() + 1, 1, java.util.concurrent.TimeUnit.DAYS);
                    said.add("waited");
                }
                catch (final Throwable ex)
                {
                    said.add(ex.getClass().getSimpleName() + ": " + ex.getMessage() + " after " +
                        (System.nanoTime() - started) / 1_000_000_000 + " s");
                }
                tried.countDown();
            })
            .listener("threaded", (event, endOfBatch) ->
            {
                try
                {
                    self[0].awaitApplied(event.position(), 10, java.util.concurrent.TimeUnit.SECONDS);
                    said.add("threaded: answered");
                }
                catch (final Throwable ex)
                {
                    said.add("threaded: " + ex);
                }
                tried.countDown();
            }));
        try
        {
            self[0].publish(ADD, 0, 0, 0, longPayload(1), 0, 8);
            assertTrue(tried.await(10, java.util.concurrent.TimeUnit.SECONDS), said.toString());
            assertTrue(said.contains("applied already: answered") && said.contains("threaded: answered"), said.toString());
            assertTrue(said.stream().anyMatch((s) -> s.startsWith("IllegalStateException: ") &&
                s.contains(": awaitApplied(2) called from the engine's own thread ") &&
                s.contains(", which applies it, would wait for itself (applied up to 1); wait from another thread after 0 s")),
                said.toString());
        }
        finally
        {
            self[0].close();
        }
    }

    /**
     * A reviewer's finding: a close that timed out stopped the listeners while the logic thread waited for room to emit
     * a rejection the engine makes itself (a duplicate here). That escaped as a stage's failure, a halt that stops the
     * journal, and about half the accepted commands after it were never journaled, while close said they were. Now it
     * halts as any command waiting on stopped listeners does: the journal goes on, and every accepted command is in it.
     */
    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldJournalEveryAcceptedCommandWhenACloseTimesOutOnARejectionTheEngineMakes(final Topology topology)
        throws Exception
    {
        final int first = 100;
        final int accepted = 2_100;
        final InMemoryJournal inner = new InMemoryJournal(64);
        final io.ringlog.core.testing.ForwardingJournal slowDisk = new io.ringlog.core.testing.ForwardingJournal(inner)
        {
            @Override
            public void append(final Command command)
            {
                if (command.position() > first)
                {
                    LockSupport.parkNanos(1_000_000);
                }
                super.append(command);
            }
        };
        final Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .topology(topology).journal(slowDisk).maxPayloadLength(64).ringSize(4096).outputRingSize(16)
            .closeTimeout(java.time.Duration.ofMillis(1_500)).errorHandler(new io.ringlog.core.testing.RecordingErrorHandler())
            .listener("slow", (event, endOfBatch) -> busy(50_000_000L)));
        // Source 1, sequence 1 every time: each command after the first is a duplicate, which the engine rejects. The
        // first hundred as one batch, so that the logic is still waiting for room for their rejections (84 of them
        // behind the listener's 50 ms each) when close gives up. Published one by one, the logic could take most of
        // them as one batch and the rest after it, once that was applied, and be through them before close gave up: it
        // was then journaling the rest, and stopped at the next command without a halt (two fresh clones failed so on a
        // loaded machine; a batch of 75, a pause, then the rest, does it every time).
        final CommandBatch firstHundred = engine.newBatch();
        firstHundred.claim(first);
        for (int i = 1; i <= first; i++)
        {
            firstHundred.add(ADD, 1, 1, 1, i, longPayload(i), 0, 8);
        }
        firstHundred.publish();
        io.ringlog.core.testing.CollectingListener.await(() -> inner.lastPosition() >= first,
            java.time.Duration.ofSeconds(10), "the first commands journaled");
        for (int i = first + 1; i <= accepted; i++)
        {
            engine.publish(ADD, 1, 1, i, longPayload(i), 0, 8);
        }
        final DrainTimeoutException drain = assertThrows(DrainTimeoutException.class, engine::close);
        assertEquals(accepted, inner.lastPosition(), "every accepted command journaled; close said: " + drain.getMessage());
        // Halted by the stopped listeners, where the logic waited for room: not a stage's failure, which stops the journal.
        assertTrue(engine.failure() instanceof io.ringlog.core.engine.RingOutput.ListenersStopped,
            "the halt is the stopped listeners', not a stage's failure: " + engine.failure());
    }

    /**
     * With the first fix above the reviewer's case journals everything; a journal that fails while a timed-out close
     * waits for it still stops it, and close no longer says "journaled up to" the stage's sequence, which moves past
     * the commands it skipped (the reviewer's report said 1989 of a journal that held 965).
     */
    @Test
    void shouldNotNameAJournaledPositionTheJournalDoesNotHoldWhenItFailsDuringATimedOutClose() throws Exception
    {
        final int stuckAt = 50;
        final InMemoryJournal inner = new InMemoryJournal(64);
        final io.ringlog.core.testing.ForwardingJournal failing = new io.ringlog.core.testing.ForwardingJournal(inner)
        {
            @Override
            public void append(final Command command)
            {
                if (command.position() == stuckAt)
                {
                    busy(2_500_000_000L);   // past closeTimeout, then the disk fails
                    throw new IllegalStateException("disk failed");
                }
                super.append(command);
            }
        };
        final Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .topology(Topology.COMPACT).journal(failing).maxPayloadLength(64).ringSize(1024)
            .closeTimeout(java.time.Duration.ofMillis(1_000)).errorHandler(new io.ringlog.core.testing.RecordingErrorHandler()));
        for (int i = 1; i <= 200; i++)
        {
            engine.publish(ADD, 0, 0, i, longPayload(i), 0, 8);
        }
        final DrainTimeoutException drain = assertThrows(DrainTimeoutException.class, engine::close);
        assertTrue(inner.lastPosition() < stuckAt, "the journal stopped at the failure: " + inner.lastPosition());
        assertTrue(drain.getMessage().contains("the engine halted meanwhile, which stopped the journal, so accepted " +
            "commands after position ") && drain.getMessage().contains("disk failed") &&
            !drain.getMessage().contains("journaled up to"), drain.getMessage());
    }

    /**
     * A reviewer's finding: a listener that closed the engine (on a "shutdown" command, say) while another thread's
     * close was draining blocked on close's lock before being told it runs on the engine's own thread, and the drain
     * waited for that listener: twice closeTimeout, then "threads did not stop", the journal left open. The listener's
     * close is refused at once now, and the other close drains and returns.
     */
    @Test
    void shouldRefuseCloseFromAListenerAtOnceWhileAnotherThreadCloses() throws Exception
    {
        final java.util.concurrent.atomic.AtomicReference<Throwable> fromListener =
            new java.util.concurrent.atomic.AtomicReference<>();
        final Engine[] self = new Engine[1];
        final java.util.concurrent.CountDownLatch closing = new java.util.concurrent.CountDownLatch(1);
        final org.agrona.concurrent.UnsafeBuffer payload = longPayload(2);
        self[0] = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine()).maxPayloadLength(64)
            .closeTimeout(java.time.Duration.ofSeconds(5)).listener("stopper", (event, endOfBatch) ->
            {
                if (event.position() == 1)
                {
                    assertTrue(closing.await(10, java.util.concurrent.TimeUnit.SECONDS));
                    // Until the other thread's close has begun: publishing is refused from then on.
                    final long until = System.nanoTime() + 10_000_000_000L;
                    while (System.nanoTime() < until)
                    {
                        try
                        {
                            self[0].tryPublish(ADD, 0, 0, 2, payload, 0, 8);
                        }
                        catch (final IllegalStateException refused)
                        {
                            break;
                        }
                        Thread.onSpinWait();
                    }
                    try
                    {
                        self[0].close();
                    }
                    catch (final Throwable ex)
                    {
                        fromListener.set(ex);
                    }
                }
            }));
        self[0].publish(ADD, 0, 0, 1, longPayload(1), 0, 8);
        closing.countDown();
        final long started = System.nanoTime();
        self[0].close();
        final long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertInstanceOf(IllegalStateException.class, fromListener.get());
        assertTrue(fromListener.get().getMessage().contains("own thread"), fromListener.get().getMessage());
        assertTrue(tookMs < 5_000, "the close drained, not waited out closeTimeout: " + tookMs + " ms");
    }

    /**
     * A reviewer's finding: a closeTimeout of zero, which the context accepts, made every close of an idle engine fail
     * with "threads did not stop within 0 s" and leave the journal open. The threads get at least 100 ms to stop.
     */
    @Test
    void shouldCloseAnIdleEngineWhoseCloseTimeoutIsZero()
    {
        final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        final Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .maxPayloadLength(64).closeTimeout(java.time.Duration.ZERO)
            .journal(new io.ringlog.core.testing.ForwardingJournal(new InMemoryJournal(64))
            {
                @Override
                public void close()
                {
                    closed.set(true);
                    super.close();
                }
            }));
        engine.close();
        assertTrue(closed.get(), "the journal is closed");
    }

    /**
     * A reviewer's finding: a publisher that had claimed its slot while the engine was open, and was filling it as the
     * engine halted (HALT, a command that threw) and closed, got its position back, but the halted close did not wait
     * for the publish, and the command was never journaled: the next start gave its position to another command. Close
     * waits for it (until closeTimeout), and the journal holds it.
     */
    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldJournalACommandWhosePublishWasUnderWayWhenAHaltedEngineClosed(final Topology topology) throws Exception
    {
        final HeldPublish held = new HeldPublish();
        final InMemoryJournal journal = new InMemoryJournal(64);
        final Engine engine = Engine.launch(new EngineContext().stateMachine(held.machine()).topology(topology)
            .journal(journal).maxPayloadLength(64).errorPolicy(ErrorPolicy.HALT)
            .closeTimeout(java.time.Duration.ofSeconds(30)).errorHandler(new io.ringlog.core.testing.RecordingErrorHandler())
            .clock(held.clock()));
        final java.util.concurrent.CompletableFuture<Long> published = held.haltWithAPublishUnderWay(engine);
        final java.util.concurrent.atomic.AtomicReference<Throwable> closeSaid = new java.util.concurrent.atomic.AtomicReference<>();
        final Thread closer = closeInTheBackground(engine, closeSaid);
        // The publisher goes on once close is stopping the stages (before the fix it had stopped them, and returned).
        held.fill.countDown();
        assertEquals(2L, published.get(30, java.util.concurrent.TimeUnit.SECONDS), "the publish returned its position");
        closer.join(30_000);
        assertInstanceOf(EngineHaltedException.class, closeSaid.get());
        assertEquals(2, journal.lastPosition(), "and the journal holds it: a start replays it");
    }

    /**
     * A reviewer's finding: a CommandBatch claimed before close and published after close had given up on it (its
     * closeTimeout ran out) returned as if published; its positions were in no journal. The publish says so.
     */
    @Test
    void shouldTellTheBatchPublishedAfterCloseGaveUpOnItThatItWasNotJournaled()
    {
        final InMemoryJournal journal = new InMemoryJournal(64);
        final Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .maxPayloadLength(64).journal(journal).closeTimeout(java.time.Duration.ofMillis(200)));
        engine.publish(ADD, 0, 0, 0, longPayload(1), 0, 8);
        final CommandBatch batch = engine.newBatch();
        batch.claim(2);
        batch.add(ADD, 1, 0, 0, 0, longPayload(2), 0, 8);
        batch.add(ADD, 1, 0, 0, 0, longPayload(3), 0, 8);
        final DrainTimeoutException timedOut = assertThrows(DrainTimeoutException.class, engine::close);
        assertTrue(timedOut.getMessage().contains("position 2 was claimed and never published"), timedOut.getMessage());
        final IllegalStateException told = assertThrows(IllegalStateException.class, batch::publish);
        assertEquals("ringlog closed before positions 2..3 could be journaled: close() gave up waiting for this publish " +
            "after its closeTimeout: they are not journaled, and a start on the journal gives those positions to other " +
            "commands", told.getMessage());
        assertEquals(1, journal.lastPosition());
    }

    /**
     * From a code review of the check above: a listener's publish (a CommandBatch claimed while the engine was open)
     * made while close was still journaling what it had accepted was told "not journaled", and close then journaled
     * it. A stage thread cannot wait for the stages to stop, nor know: it is told nothing, and the journal holds it.
     */
    @Test
    void shouldNotTellAListenersPublishDuringCloseThatItIsNotJournaledWhenCloseJournalsIt() throws Exception
    {
        // A slow disk: close's drain runs out while the journal stage commits positions 2..5.
        final HeldCommits journal = new HeldCommits(2, 5);
        final java.util.concurrent.CountDownLatch atFirstEvent = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch claim = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch claimed = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch publish = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CompletableFuture<Long> listenersPublish = new java.util.concurrent.CompletableFuture<>();
        final Engine[] engine = new Engine[1];
        engine[0] = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine()).journal(journal)
            .maxPayloadLength(64).closeTimeout(java.time.Duration.ofMillis(500))
            .listener("feedback", (event, endOfBatch) ->
            {
                if (event.position() != 1)
                {
                    return;
                }
                atFirstEvent.countDown();
                awaitLatch(claim);
                final CommandBatch batch = engine[0].newBatch();
                final long position = batch.claim(1);
                batch.add(ADD, 1, 0, 0, 0, longPayload(9), 0, 8);
                claimed.countDown();
                awaitLatch(publish);
                try
                {
                    batch.publish();
                    listenersPublish.complete(position);
                }
                catch (final Throwable ex)
                {
                    listenersPublish.completeExceptionally(ex);
                }
            }));
        engine[0].publish(ADD, 0, 0, 0, longPayload(1), 0, 8);
        awaitLatch(atFirstEvent);
        engine[0].publish(ADD, 0, 0, 0, longPayload(2), 0, 8);
        awaitLatch(journal.held);
        for (int i = 3; i <= 5; i++)
        {
            engine[0].publish(ADD, 0, 0, 0, longPayload(i), 0, 8);
        }
        claim.countDown();
        awaitLatch(claimed);
        final java.util.concurrent.atomic.AtomicReference<Throwable> closeSaid = new java.util.concurrent.atomic.AtomicReference<>();
        final Thread closer = closeInTheBackground(engine[0], closeSaid);
        publish.countDown();
        assertEquals(6L, listenersPublish.get(30, java.util.concurrent.TimeUnit.SECONDS), "the listener's publish returned");
        journal.release.countDown();
        closer.join(30_000);
        assertInstanceOf(DrainTimeoutException.class, closeSaid.get());
        assertEquals(6, journal.lastPosition(), "and close journaled it");
    }

    /**
     * From the same review: where close found a stage thread stuck (a commit that never returned), the journal is left
     * open, and the publisher it had waited for was told its position "goes to other commands"; the stuck commit then
     * returned and journaled it. It is told it may yet be journaled.
     */
    @Test
    void shouldTellAPublisherThatItsCommandMayYetBeJournaledWhenCloseFindsTheJournalStuck() throws Exception
    {
        final HeldCommits journal = new HeldCommits(2, Long.MAX_VALUE);
        final HeldPublish held = new HeldPublish();
        final Engine engine = Engine.launch(new EngineContext().stateMachine(held.machine()).journal(journal)
            .maxPayloadLength(64).errorPolicy(ErrorPolicy.HALT).closeTimeout(java.time.Duration.ofMillis(300))
            .errorHandler(new io.ringlog.core.testing.RecordingErrorHandler()).clock(held.clock()));
        final java.util.concurrent.CompletableFuture<Long> published = held.haltWithAPublishUnderWay(engine);
        final java.util.concurrent.atomic.AtomicReference<Throwable> closeSaid = new java.util.concurrent.atomic.AtomicReference<>();
        final Thread closer = closeInTheBackground(engine, closeSaid);
        // Published as the halted close waits for it; the journal stage takes it into a commit that does not return.
        held.fill.countDown();
        awaitLatch(journal.held);
        final java.util.concurrent.ExecutionException told = assertThrows(java.util.concurrent.ExecutionException.class,
            () -> published.get(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals("ringlog closed with a thread stuck before position 2 could be journaled: the journal is left open, " +
            "and it may yet be journaled once that thread returns (close() said which); once close() again succeeds, the " +
            "journal's last position says", told.getCause().getMessage());
        closer.join(30_000);
        assertTrue(closeSaid.get() != null && closeSaid.get().getMessage().contains("left open"), String.valueOf(
            closeSaid.get()));
        journal.release.countDown();
        final long journaledBy = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (journal.lastPosition() < 2 && System.nanoTime() < journaledBy)
        {
            LockSupport.parkNanos(1_000_000);
        }
        assertEquals(2, journal.lastPosition(), "the stuck commit returned and journaled it, as the publisher was told");
        assertThrows(EngineHaltedException.class, engine::close);
    }

    /**
     * From a review of the case above: with only a listener stuck, the input stages stopped, so what the journal holds is
     * final; the publisher close gave up on was told its command "may yet be journaled", and it never could be.
     */
    @Test
    void shouldTellAPublisherItsCommandIsNotJournaledWhereOnlyAListenerIsStuck() throws Exception
    {
        final java.util.concurrent.CountDownLatch listening = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch releaseListener = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch filling = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch fill = new java.util.concurrent.CountDownLatch(1);
        final Thread[] held = new Thread[1];
        final InMemoryJournal journal = new InMemoryJournal(64);
        final Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .maxPayloadLength(64).journal(journal).closeTimeout(java.time.Duration.ofMillis(200))
            .errorHandler(new io.ringlog.core.testing.RecordingErrorHandler())
            .clock(() ->
            {
                if (Thread.currentThread() == held[0])
                {
                    filling.countDown();
                    awaitLatch(fill);
                }
                return System.nanoTime();
            })
            .listener("stuck", (event, endOfBatch) ->
            {
                listening.countDown();
                awaitLatch(releaseListener);
            }));
        engine.publish(ADD, 0, 0, 0, longPayload(1), 0, 8);
        awaitLatch(listening);
        final java.util.concurrent.CompletableFuture<Long> published = new java.util.concurrent.CompletableFuture<>();
        final Thread publisher = new Thread(() ->
        {
            try
            {
                published.complete(engine.publish(ADD, 0, 0, 0, longPayload(2), 0, 8));
            }
            catch (final Throwable ex)
            {
                published.completeExceptionally(ex);
            }
        });
        held[0] = publisher;
        publisher.start();
        awaitLatch(filling);
        final DrainTimeoutException timedOut = assertThrows(DrainTimeoutException.class, engine::close);
        assertTrue(timedOut.getMessage().contains("ringlog-listener-stuck"), timedOut.getMessage());
        fill.countDown();
        final java.util.concurrent.ExecutionException told = assertThrows(java.util.concurrent.ExecutionException.class,
            () -> published.get(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals("ringlog closed before position 2 could be journaled: close() gave up waiting for this publish after " +
            "its closeTimeout: it is not journaled, and a start on the journal gives that position to other commands",
            told.getCause().getMessage());
        releaseListener.countDown();
        engine.close();
        assertEquals(1, journal.lastPosition(), "position 2 was never journaled, as the publisher was told");
    }

    /**
     * Closes {@code engine} on a thread of its own, keeping what close threw; returns once close is stopping the stages
     * (in Engine.Shutdown), or has returned.
     */
    private static Thread closeInTheBackground(final Engine engine,
        final java.util.concurrent.atomic.AtomicReference<Throwable> closeSaid)
    {
        final Thread closer = new Thread(() ->
        {
            try
            {
                engine.close();
            }
            catch (final Throwable ex)
            {
                closeSaid.set(ex);
            }
        });
        closer.start();
        final long stoppingBy = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (closer.isAlive() && !stopping(closer) && System.nanoTime() < stoppingBy)
        {
            LockSupport.parkNanos(1_000_000);
        }
        return closer;
    }

    /** A journal whose commits of a batch ending at {@code from..to} wait for {@link #release} (a slow or stuck disk). */
    private static final class HeldCommits extends io.ringlog.core.testing.ForwardingJournal
    {
        final java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        private final long from;
        private final long to;
        private long appended;

        HeldCommits(final long from, final long to)
        {
            super(new InMemoryJournal(64));
            this.from = from;
            this.to = to;
        }

        @Override
        public void append(final Command command)
        {
            appended = command.position();
            super.append(command);
        }

        @Override
        public void commit()
        {
            if (appended >= from && appended <= to)
            {
                held.countDown();
                awaitLatch(release);
            }
            super.commit();
        }
    }

    /**
     * A publish held between its claim and its publish (a GC pause, a descheduled thread) by the engine's clock, while
     * the command before it, type 77, halts the engine (HALT): {@link #fill} lets it go on.
     */
    private static final class HeldPublish
    {
        final java.util.concurrent.CountDownLatch fill = new java.util.concurrent.CountDownLatch(1);
        private final java.util.concurrent.CountDownLatch failing = new java.util.concurrent.CountDownLatch(1);
        private final java.util.concurrent.CountDownLatch fail = new java.util.concurrent.CountDownLatch(1);
        private final java.util.concurrent.CountDownLatch filling = new java.util.concurrent.CountDownLatch(1);
        private volatile Thread publisher;

        StateMachine machine()
        {
            return new io.ringlog.core.testing.ForwardingStateMachine(new AccumulatorStateMachine())
            {
                @Override
                public void apply(final Command command, final Output output)
                {
                    if (command.type() == 77)
                    {
                        failing.countDown();
                        awaitLatch(fail);
                        throw new IllegalStateException("the command that halts the engine");
                    }
                    super.apply(command, output);
                }
            };
        }

        org.agrona.concurrent.EpochNanoClock clock()
        {
            return () ->
            {
                if (Thread.currentThread() == publisher)
                {
                    filling.countDown();
                    awaitLatch(fill);
                }
                return System.nanoTime();
            };
        }

        /** Position 1 halts the engine while position 2's publish is under way; returns that publish's outcome. */
        java.util.concurrent.CompletableFuture<Long> haltWithAPublishUnderWay(final Engine engine)
        {
            assertEquals(1, engine.publish(77, 0, 0, 0, longPayload(1), 0, 8));
            awaitLatch(failing);
            final java.util.concurrent.CompletableFuture<Long> published = new java.util.concurrent.CompletableFuture<>();
            final Thread thread = new Thread(() ->
            {
                try
                {
                    published.complete(engine.publish(ADD, 0, 0, 0, longPayload(5), 0, 8));
                }
                catch (final Throwable ex)
                {
                    published.completeExceptionally(ex);
                }
            });
            publisher = thread;
            thread.start();
            awaitLatch(filling);
            fail.countDown();
            final long haltBy = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (engine.failure() == null && System.nanoTime() < haltBy)
            {
                LockSupport.parkNanos(1_000_000);
            }
            assertTrue(engine.failure() != null, "halted");
            return published;
        }
    }

    /** Whether {@code closer} is in close's stop of the stages (Engine.Shutdown). */
    private static boolean stopping(final Thread closer)
    {
        for (final StackTraceElement frame : closer.getStackTrace())
        {
            if (frame.getClassName().equals(Engine.class.getName() + "$Shutdown"))
            {
                return true;
            }
        }
        return false;
    }

    private static void awaitLatch(final java.util.concurrent.CountDownLatch latch)
    {
        try
        {
            if (!latch.await(60, java.util.concurrent.TimeUnit.SECONDS))
            {
                throw new AssertionError("the test never released the latch");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    /** Work that takes {@code nanos}: parked in parts, as a park returns early when a stage wakes the thread. */
    private static void busy(final long nanos)
    {
        final long until = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = until - System.nanoTime())
        {
            LockSupport.parkNanos(left);
        }
    }
}
