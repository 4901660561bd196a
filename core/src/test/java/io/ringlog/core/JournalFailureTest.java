package io.ringlog.core;

import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.core.testing.CollectingListener;
import io.ringlog.core.testing.FailingJournal;
import io.ringlog.core.testing.ForwardingJournal;
import io.ringlog.core.testing.RecordingErrorHandler;
import io.ringlog.core.testing.StateMachineAdapter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;

import static io.ringlog.core.testing.AccumulatorStateMachine.ADD;
import static io.ringlog.core.testing.AccumulatorStateMachine.longPayload;
import static io.ringlog.core.testing.CollectingListener.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalFailureTest
{
    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldHaltOnJournalWriteFailureAndExposeNothingFromTheFailurePositionOn(final Topology topology)
        throws Exception
    {
        final FailingJournal journal = new FailingJournal(64, 50);
        final AccumulatorStateMachine sm = new AccumulatorStateMachine();
        final CollectingListener listener = new CollectingListener();
        final RecordingErrorHandler errors = new RecordingErrorHandler();
        final Engine engine = Engine.launch(new EngineContext().stateMachine(sm).topology(topology).ringSize(16)
            .maxPayloadLength(64).journal(journal).errorHandler(errors).listener("collect", listener));
        try
        {
            int published = 0;
            try
            {
                for (int i = 1; i <= 1000; i++)
                {
                    engine.publish(ADD, 0, 0, i, longPayload(1), 0, 8);
                    published++;
                }
            }
            catch (final EngineHaltedException expected)
            {
                assertTrue(expected.getMessage().contains("No space left on device"), expected.getMessage());
            }
            assertTrue(published >= 49 && published < 1000, "publishing stopped at the halt: " + published);
            await(() -> engine.failure() != null, Duration.ofSeconds(10), "halt");
        }
        finally
        {
            assertThrows(EngineHaltedException.class, engine::close, "close says the engine had halted");
        }
        final JournalException failure = assertInstanceOf(JournalException.class, engine.failure());
        assertEquals(50, failure.position());
        assertTrue(failure.getMessage().contains("journal position 50"), failure.getMessage());
        assertEquals(failure, errors.errors().get(0));

        assertTrue(sm.count() < 50, "nothing from position 50 on was applied: " + sm.count());
        assertTrue(journal.lastPosition() < 50, "committed up to " + journal.lastPosition());
        for (final CollectingListener.Seen seen : listener.events())
        {
            assertTrue(seen.position() <= journal.lastPosition(),
                "event of position " + seen.position() + " became visible but only " + journal.lastPosition() +
                " was committed");
        }
        assertTrue(sm.count() <= journal.lastPosition(), "only committed commands were applied: " + sm.count());
        // And every command applied before the halt was shown: close gives the listeners the events left in the ring.
        assertEquals(java.util.stream.LongStream.rangeClosed(1, sm.count()).boxed().toList(),
            listener.events().stream().map(CollectingListener.Seen::position).toList(), "one event per applied command");
        assertThrows(IllegalStateException.class, () -> engine.publish(ADD, 0, 0, 0, longPayload(1), 0, 8));
    }

    /**
     * A SIGBUS in a memory-mapped journal file (one cut short under the engine) reaches Java as an InternalError at the
     * JVM's next check, which can be past the journal's own catch: the engine halts naming it in words, not the JVM's.
     */
    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldNameAFaultInAMappedJournalFileInWords(final Topology topology) throws Exception
    {
        final Journal journal = new ForwardingJournal(new InMemoryJournal(64))
        {
            @Override
            public void append(final Command command)
            {
                if (command.position() == 20)
                {
                    throw new InternalError("a fault occurred in a recent unsafe memory access operation in compiled Java code");
                }
                delegate.append(command);
            }
        };
        final Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .topology(topology).ringSize(16).maxPayloadLength(64).journal(journal).errorHandler(new RecordingErrorHandler()));
        try
        {
            try
            {
                for (int i = 1; i <= 100; i++)
                {
                    engine.publish(ADD, 0, 0, i, longPayload(1), 0, 8);
                }
            }
            catch (final EngineHaltedException expected)
            {
                // publishing stops at the halt
            }
            await(() -> engine.failure() != null, Duration.ofSeconds(10), "halt");
        }
        finally
        {
            assertThrows(EngineHaltedException.class, engine::close);
        }
        final JournalException failure = assertInstanceOf(JournalException.class, engine.failure());
        assertEquals(20, failure.position());
        assertEquals("journal position 20: journal write failed: a fault in a memory-mapped journal file, at a byte the " +
            "file no longer has (it was cut short while in use), or whose storage failed", failure.getMessage());
        assertFalse(failure.getMessage().contains("InternalError"), failure.getMessage());
    }

    /**
     * A reviewer's finding: close() on a halted engine drained the listeners up to the output cursor it read at once,
     * while the logic thread was still applying the command it was in; that thread then stopped at the halt and
     * published the events of the commands it had applied, but close had begun stopping the listeners, which skipped
     * them all. Journaled, committed and applied before the halt (PIPELINED: the journal fails on another thread), their
     * events now reach the listener before close returns.
     */
    @org.junit.jupiter.api.Test
    void shouldDeliverTheEventsOfCommandsAppliedBeforeAHaltThatCameWhileTheLogicThreadWasBusy() throws Exception
    {
        final java.util.concurrent.CountDownLatch inFifth = new java.util.concurrent.CountDownLatch(1);
        final StateMachine slowFifth = new StateMachineAdapter()
        {
            private final org.agrona.concurrent.UnsafeBuffer scratch = new org.agrona.concurrent.UnsafeBuffer(new byte[8]);

            @Override
            public void apply(final Command command, final Output output)
            {
                if (command.position() == 5)
                {
                    inFifth.countDown();
                    final long until = System.nanoTime() + 800_000_000L;   // a slow command, or a GC pause
                    while (System.nanoTime() < until)
                    {
                        // Returns early on a stage's wake-up.
                        java.util.concurrent.locks.LockSupport.parkNanos(until - System.nanoTime());
                    }
                }
                scratch.putLong(0, command.position());
                output.emit(10, scratch, 0, 8);
            }
        };
        final InMemoryJournal inner = new InMemoryJournal(64);
        final CollectingListener listener = new CollectingListener();
        final Engine engine = Engine.launch(new EngineContext().stateMachine(slowFifth).topology(Topology.PIPELINED)
            .journal(new FailingJournal(inner, 7)).maxPayloadLength(64).ringSize(1024).closeTimeout(Duration.ofSeconds(5))
            .errorHandler(new RecordingErrorHandler()).listener("out", listener));
        final org.agrona.concurrent.UnsafeBuffer payload = new org.agrona.concurrent.UnsafeBuffer(new byte[8]);
        // Positions 1..6 in one claim: one batch, committed at once, then applied as one batch.
        final CommandBatch batch = engine.newBatch();
        batch.claim(6);
        for (int i = 0; i < 6; i++)
        {
            batch.add(1, 1, 0, 0, i, payload, 0, 8);
        }
        batch.publish();
        assertTrue(inFifth.await(10, java.util.concurrent.TimeUnit.SECONDS), "the logic thread is in position 5");
        engine.publish(1, 0, 0, 7, payload, 0, 8);   // the journal fails on it: the engine halts
        await(() -> engine.failure() != null, Duration.ofSeconds(10), "the halt");
        assertThrows(EngineHaltedException.class, engine::close);
        assertEquals(6, inner.lastPosition(), "1..6 journaled and committed");
        assertEquals(5, listener.count(), "the events of 1..5, applied before the halt: " + listener.events());
    }
}
