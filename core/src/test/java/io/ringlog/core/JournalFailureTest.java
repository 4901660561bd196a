package io.ringlog.core;

import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.core.testing.CollectingListener;
import io.ringlog.core.testing.FailingJournal;
import io.ringlog.core.testing.ForwardingJournal;
import io.ringlog.core.testing.RecordingErrorHandler;
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
}
