package io.ringlog.core;

import io.ringlog.core.EngineMetrics.Stage;
import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.core.testing.CollectingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.ringlog.core.testing.AccumulatorStateMachine.ADD;
import static io.ringlog.core.testing.AccumulatorStateMachine.longPayload;
import static io.ringlog.core.testing.CollectingListener.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A synchronous replicator that acknowledges through its {@link ReplicationGate}: business logic waits
 * for the acknowledgements, which arrive on another thread. In PIPELINED its stage ships batch after
 * batch without waiting; in COMPACT the one thread waits for each batch's acknowledgement and ships what
 * arrived meanwhile as the next batch. The gate can halt the engine; a promoted follower's first command
 * is its epoch.
 */
class GatedReplicationTest
{
    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldShowNothingBeforeItsAcknowledgementAndJournalShipAndApplyEachCommandOnce(final Topology topology)
        throws Exception
    {
        final TestReplicator replicator = new TestReplicator();
        final AtomicInteger violations = new AtomicInteger();
        final CollectingListener listener = acknowledgedOnly(replicator, violations);
        // On the logic thread, the same holds.
        final CollectingListener inline = acknowledgedOnly(replicator, violations);
        final InMemoryJournal journal = new InMemoryJournal(64);
        final AccumulatorStateMachine state = new AccumulatorStateMachine();
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(state).journal(journal)
            .topology(topology).maxPayloadLength(64).ringSize(1024).replicator(replicator).listener("check", listener)
            .inlineListener("inline-check", inline)))
        {
            // The first command goes alone, so the rest arrive while its batch waits for an acknowledgement.
            engine.publish(ADD, 0, 0, 1, longPayload(1), 0, 8);
            await(() -> replicator.sent.get() == 1, Duration.ofSeconds(10), "the first sent");
            for (int i = 2; i <= 100; i++)
            {
                engine.publish(ADD, 0, 0, i, longPayload(i), 0, 8);
            }
            if (topology == Topology.PIPELINED)
            {
                // The replicator stage never waits for a round trip: everything is shipped before any acknowledgement.
                await(() -> replicator.sent.get() == 100, Duration.ofSeconds(10), "all 100 sent before any acknowledgement");
                assertEquals(0, listener.count(), "nothing is visible before its acknowledgement");
                assertEquals(0, inline.count(), "nothing reaches an inline listener before its acknowledgement");
                replicator.acknowledge(40);
                await(() -> engine.metrics().lastAppliedPosition() == 40, Duration.ofSeconds(10), "applied up to the ack");
                listener.awaitCount(40, Duration.ofSeconds(10));
                assertEquals(40, listener.count());
                replicator.acknowledge(100);
            }
            else
            {
                // The one thread also applies: it waits for each batch's acknowledgement, and what arrived
                // meanwhile goes as the next batch. Until the first is acknowledged, the rest wait in the ring.
                assertEquals(1, replicator.sent.get(), "a compact stage waits for its batch's acknowledgement");
                assertEquals(1, journal.lastPosition(), "and journals nothing more meanwhile");
                // Acknowledge whatever has been shipped until all has.
                while (replicator.acknowledged.get() < 100)
                {
                    final long acknowledged = replicator.acknowledged.get();
                    await(() -> replicator.sent.get() > acknowledged, Duration.ofSeconds(10),
                        "a batch shipped after position " + acknowledged);
                    final long shipped = replicator.sent.get();
                    replicator.acknowledge(shipped);
                    listener.awaitCount((int)shipped, Duration.ofSeconds(10));
                }
            }
            listener.awaitCount(100, Duration.ofSeconds(10));
            // COMPACT's replicator position is the compact stage's sequence, which moves when its batch ends.
            await(() -> engine.metrics().position(Stage.REPLICATOR) == 100, Duration.ofSeconds(10),
                "the replicator stage's position to reach 100");
        }
        assertEquals(0, violations.get(), "events became visible before their acknowledgement");
        assertEquals(listener.events(), inline.events(), "the inline listener saw what the threaded one saw");
        assertEquals(100, replicator.calls.get(), "each command shipped once");
        assertEquals(5050, state.total(), "each command applied once");
        final Command command = new Command(64);
        try (JournalReader reader = journal.reader(1))
        {
            for (long position = 1; position <= 100; position++)
            {
                assertTrue(reader.next(command), "journal entry " + position);
                assertEquals(position, command.position());
            }
            assertFalse(reader.next(command), "nothing journaled twice");
        }
    }

    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldHaltWhenTheReplicatorSaysSoAndShowNothingAfter(final Topology topology) throws Exception
    {
        final TestReplicator replicator = new TestReplicator();
        final CollectingListener listener = new CollectingListener();
        final Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .topology(topology).maxPayloadLength(64).replicator(replicator).listener("check", listener)
            .errorHandler((ex) ->
            {
            }).closeTimeout(Duration.ofSeconds(5)));
        for (int i = 1; i <= 10; i++)
        {
            engine.publish(ADD, 0, 0, i, longPayload(i), 0, 8);
        }
        replicator.acknowledge(5);
        listener.awaitCount(5, Duration.ofSeconds(10));
        // Something past the acknowledgement is shipped (in COMPACT, the batch it ended in may still be waiting).
        await(() -> replicator.sent.get() > 5, Duration.ofSeconds(10), "commands past the acknowledgement shipped");
        replicator.gate.halt(new IllegalStateException("fenced by epoch 2"));
        replicator.acknowledge(10);
        assertThrows(EngineHaltedException.class, () -> engine.publish(ADD, 0, 0, 0, longPayload(1), 0, 8));
        final EngineHaltedException halted = assertThrows(EngineHaltedException.class, engine::close);
        assertTrue(halted.getMessage().contains("fenced by epoch 2"), halted.getMessage());
        assertEquals(5, listener.count(), "nothing after the halt became visible");
    }

    /**
     * A reviewer's finding on the wait a halted close added for the logic thread: it waited for the logic stage to pass
     * every accepted command, which behind the gate it never does once the standby is lost, so a fenced primary's close
     * took all of closeTimeout (forever, with an unbounded one). It waits only while a batch is being applied.
     */
    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldCloseAHaltedEngineAtOnceThoughNoAcknowledgementWillCome(final Topology topology) throws Exception
    {
        final TestReplicator replicator = new TestReplicator();
        final CollectingListener listener = new CollectingListener();
        final Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .topology(topology).maxPayloadLength(64).replicator(replicator).listener("check", listener)
            .errorHandler((ex) ->
            {
            }).closeTimeout(Duration.ofSeconds(30)));
        for (int i = 1; i <= 10; i++)
        {
            engine.publish(ADD, 0, 0, i, longPayload(i), 0, 8);
        }
        replicator.acknowledge(5);
        listener.awaitCount(5, Duration.ofSeconds(10));
        await(() -> replicator.sent.get() > 5, Duration.ofSeconds(10), "commands past the acknowledgement shipped");
        replicator.gate.halt(new IllegalStateException("standby lost"));
        final long started = System.nanoTime();
        assertThrows(EngineHaltedException.class, engine::close);
        final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(tookMs < 10_000, "close waited " + tookMs + " ms for acknowledgements that never come");
        assertEquals(5, listener.count(), "nothing after the halt became visible");
    }

    @Test
    void shouldMakeTheEpochTheFirstCommandOfAPromotedFollowerAndApplyItAsNothing() throws Exception
    {
        final InMemoryJournal journal = new InMemoryJournal(64);
        final AccumulatorStateMachine state = new AccumulatorStateMachine();
        final CollectingListener listener = new CollectingListener();
        try (Engine follower = Engine.launch(new EngineContext().stateMachine(state).journal(journal)
            .maxPayloadLength(64).follower(true).listener("events", listener)))
        {
            assertEquals(1, follower.follower().append(1, 1_000, ADD, 1, 0, 0, 0, longPayload(3), 0, 8));
            assertEquals(2, follower.promote(7));
            assertThrows(IllegalStateException.class, () -> follower.promote(8), "promoted once");
            assertEquals(3, follower.publish(ADD, 0, 0, 0, longPayload(4), 0, 8));
            follower.awaitApplied(3, 10, TimeUnit.SECONDS);
            listener.awaitCount(2, Duration.ofSeconds(10));
        }
        assertEquals(7, state.total());
        assertEquals(0, listener.events().stream().filter((e) -> e.position() == 2).count(), "the epoch shows nothing");
        final Command command = new Command(64);
        try (JournalReader reader = journal.reader(2))
        {
            assertTrue(reader.next(command));
        }
        assertEquals(SystemCommands.EPOCH, command.type());
        assertEquals(7, command.payload().getLong(0, ByteOrder.LITTLE_ENDIAN));
    }

    /** Sends nothing anywhere: counts what its stage shipped and acknowledges when the test says so. */
    private static final class TestReplicator implements Replicator
    {
        final AtomicLong sent = new AtomicLong();
        final AtomicLong calls = new AtomicLong();
        final AtomicLong acknowledged = new AtomicLong();
        volatile ReplicationGate gate;

        @Override
        public boolean synchronous()
        {
            return true;
        }

        @Override
        public boolean acknowledgesThroughGate()
        {
            return true;
        }

        @Override
        public void start(final ReplicationGate gate, final long nextPosition)
        {
            assertEquals(1, nextPosition);
            this.gate = gate;
        }

        @Override
        public void replicate(final Command command)
        {
            calls.incrementAndGet();
            sent.set(command.position());
        }

        @Override
        public void endOfBatch()
        {
        }

        void acknowledge(final long position)
        {
            // From a thread of its own, as a network replicator's acknowledgements arrive.
            final Thread acker = new Thread(() ->
            {
                acknowledged.set(position);
                gate.acknowledged(position);
            });
            acker.start();
            try
            {
                acker.join();
            }
            catch (final InterruptedException ex)
            {
                throw new IllegalStateException(ex);
            }
        }
    }

    /** Collects events, counting any whose position {@code replicator} had not acknowledged yet. */
    private static CollectingListener acknowledgedOnly(final TestReplicator replicator, final AtomicInteger violations)
    {
        return new CollectingListener()
        {
            @Override
            public void onEvent(final OutputEvent event, final boolean endOfBatch) throws Exception
            {
                if (event.position() > replicator.acknowledged.get())
                {
                    violations.incrementAndGet();
                }
                super.onEvent(event, endOfBatch);
            }
        };
    }
}
