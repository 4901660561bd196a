package io.ringlog.core;

import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.core.testing.ForwardingJournal;
import io.ringlog.core.testing.RecordingErrorHandler;
import io.ringlog.core.testing.StateMachineAdapter;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static io.ringlog.core.testing.AccumulatorStateMachine.ADD;
import static io.ringlog.core.testing.AccumulatorStateMachine.EMIT_THEN_FAIL;
import static io.ringlog.core.testing.AccumulatorStateMachine.longPayload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an embedding user gets wrong at launch, refused there in words, where it used to go silently
 * wrong later: a StateMachine or a context launched twice, a journal that holds smaller payloads than
 * the engine accepts, snapshots configured to go nowhere, a snapshot another StateMachine wrote, and a
 * command that halts every restart.
 */
class LaunchRulesTest
{
    @Test
    void shouldRefuseAStateMachineInstanceLaunchedBeforeAndRecoverIntoANewOne()
    {
        final InMemoryJournal journal = new InMemoryJournal(256);
        final AccumulatorStateMachine first = new AccumulatorStateMachine();
        final Engine engine = Engine.launch(new EngineContext().name("first").stateMachine(first).journal(journal));
        for (long i = 1; i <= 10; i++)
        {
            engine.publish(ADD, 0, 0, 0, longPayload(1), 0, 8);
        }
        engine.close();
        assertEquals(10, first.total());

        // Relaunched as a supervisor might: the journal replayed onto the old state would make 20.
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () ->
            Engine.launch(new EngineContext().stateMachine(first).journal(ReadOnlyJournal.of(journal))));
        assertTrue(ex.getMessage().contains("instance was launched before (by engine 'first')") &&
            ex.getMessage().contains("Launch each engine with a new StateMachine instance"), ex.getMessage());
        assertEquals(10, first.total(), "refused before anything was replayed into it");

        final AccumulatorStateMachine fresh = new AccumulatorStateMachine();
        Engine.launch(new EngineContext().stateMachine(fresh).journal(ReadOnlyJournal.of(journal))).close();
        assertEquals(10, fresh.total());
    }

    @Test
    void shouldRefuseAJournalAnotherEngineRunsOnAndLeaveThatEngineWhole()
    {
        final InMemoryJournal journal = new InMemoryJournal(256);
        final AccumulatorStateMachine first = new AccumulatorStateMachine();
        final Engine engine = Engine.launch(new EngineContext().name("first").stateMachine(first).journal(journal));
        engine.publish(ADD, 0, 0, 0, longPayload(1), 0, 8);

        // Before, both launched: their positions interleaved in the journal, and the first to close closed it under
        // the other, which halted with every command it had accepted lost.
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () ->
            Engine.launch(new EngineContext().name("second").stateMachine(new AccumulatorStateMachine()).journal(journal)));
        assertTrue(ex.getMessage().startsWith("this InMemoryJournal is the journal of engine 'first', which is running: " +
            "two engines writing one journal would interleave their positions and damage it") &&
            ex.getMessage().endsWith("or close 'first' first. Nothing was closed"), ex.getMessage());

        engine.publish(ADD, 0, 0, 0, longPayload(2), 0, 8);
        engine.close();
        assertEquals(3, first.total(), "the running engine went on, untouched");
        assertEquals(2, journal.lastPosition());

        // Closed, the journal may serve a new engine: a restart recovers from it.
        final AccumulatorStateMachine restarted = new AccumulatorStateMachine();
        Engine.launch(new EngineContext().stateMachine(restarted).journal(journal)).close();
        assertEquals(3, restarted.total());
    }

    /**
     * Probe (embedder): one snapshot store given to two engines was accepted, and refused only when a snapshot
     * was written ("a snapshot of another journal ... is at position 300"), one clash of several said; each
     * journal's verify then listed the other's snapshots. Refused at launch now, as a shared journal is.
     */
    @Test
    void shouldRefuseASnapshotStoreAnotherEngineRunsWith()
    {
        final InMemorySnapshotStore store = new InMemorySnapshotStore();
        final AccumulatorStateMachine first = new AccumulatorStateMachine();
        final Engine engine = Engine.launch(new EngineContext().name("first").stateMachine(first)
            .journal(new InMemoryJournal(256)).snapshotStore(store).snapshotEvery(2));
        final InMemoryJournal second = new InMemoryJournal(256);
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () ->
            Engine.launch(new EngineContext().name("second").stateMachine(new AccumulatorStateMachine()).journal(second)
                .snapshotStore(store)));
        assertTrue(ex.getMessage().startsWith("this InMemorySnapshotStore is the snapshot store of engine 'first', " +
            "which is running") && ex.getMessage().endsWith("Give each engine a snapshot store of its own, in a " +
            "directory of its own, or close 'first' first. Nothing was closed"), ex.getMessage());
        for (int i = 1; i <= 4; i++)
        {
            engine.publish(ADD, 0, 0, 0, longPayload(i), 0, 8);
        }
        engine.close();
        assertEquals(10, first.total(), "the running engine went on, its snapshots in its store");
        assertNull(engine.failure());

        // Its engine closed, the store is no longer claimed: another may take it.
        final AccumulatorStateMachine third = new AccumulatorStateMachine();
        Engine.launch(new EngineContext().name("third").stateMachine(third).journal(second).snapshotStore(store)).close();
        assertEquals(0, third.total());
    }

    /** Probe (embedder): ringSize(1 << 30) ended in a bare "OutOfMemoryError: Java heap space". */
    @Test
    void shouldRefuseRingsTheHeapCannotHoldInWords()
    {
        final InMemoryJournal journal = new InMemoryJournal(64);
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Engine.launch(
            new EngineContext().stateMachine(new AccumulatorStateMachine()).journal(journal).ringSize(1 << 30)
                .maxPayloadLength(64)));
        assertTrue(ex.getMessage().startsWith("the engine's rings need about ") && ex.getMessage().contains(
            "(ringSize 1073741824 x (maxPayloadLength 64 + ~200 bytes) = 270336 MiB") && ex.getMessage().endsWith(
            "make the rings or their payloads smaller, or give the JVM more heap"), ex.getMessage());
        // The refused launch closed its journal, as any refused for its settings does; rings that fit launch.
        Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine()).journal(new InMemoryJournal(64))
            .ringSize(1 << 16).maxPayloadLength(64)).close();
    }

    @Test
    void shouldLetAStateMachineServeAgainWhenALaunchFailedBeforeRecoveryReachedIt()
    {
        final InMemoryJournal journal = new InMemoryJournal(256);
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine()).journal(journal)))
        {
            engine.publish(ADD, 0, 0, 0, longPayload(3), 0, 8);
        }
        final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        final Journal unreadable = new Journal()
        {
            @Override
            public long lastPosition()
            {
                return journal.lastPosition();
            }

            @Override
            public void append(final Command command)
            {
                throw new UnsupportedOperationException();
            }

            @Override
            public void commit()
            {
            }

            @Override
            public JournalReader reader(final long fromPosition)
            {
                throw new JournalException(fromPosition, "the disk is not there");
            }

            @Override
            public void close()
            {
                closed.set(true);
            }
        };
        final AccumulatorStateMachine machine = new AccumulatorStateMachine();
        assertThrows(RuntimeException.class, () -> Engine.launch(new EngineContext().stateMachine(machine).journal(unreadable)));
        assertTrue(closed.get(), "the engine closes the journal it was given");
        // Nothing reached the machine: the same instance recovers on the journal once it can be read.
        Engine.launch(new EngineContext().stateMachine(machine).journal(ReadOnlyJournal.of(journal))).close();
        assertEquals(3, machine.total());
    }

    /**
     * A context refused for its settings (a ring size that is no power of two, no state machine) closes
     * the journal it names, as any refused launch does, so the service can open it again and launch with
     * the settings fixed; a journal another engine runs on is left to that engine.
     */
    @Test
    void shouldCloseTheStagesOfAContextRefusedForItsSettingsUnlessAnotherEngineRunsOnThem()
    {
        final CountingJournal journal = new CountingJournal();
        final IllegalArgumentException ring = assertThrows(IllegalArgumentException.class, () -> Engine.launch(
            new EngineContext().stateMachine(new AccumulatorStateMachine()).journal(journal).ringSize(1000)));
        assertTrue(ring.getMessage().contains("ringSize"), ring.getMessage());
        assertEquals(1, journal.closes, "the refused launch closed the journal it was given");
        assertThrows(IllegalArgumentException.class, () -> Engine.launch(new EngineContext().journal(journal)));
        assertEquals(2, journal.closes, "no state machine: closed too");

        final CountingJournal running = new CountingJournal();
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine()).journal(running)))
        {
            assertThrows(IllegalArgumentException.class, () -> Engine.launch(new EngineContext()
                .stateMachine(new AccumulatorStateMachine()).journal(running).ringSize(1000)));
            assertEquals(0, running.closes, "the running engine's journal was not closed under it");
            engine.publish(ADD, 0, 0, 0, longPayload(1), 0, 8);
        }
        assertEquals(1, running.closes, "its own engine closed it");
        assertEquals(1, running.lastPosition());
    }

    /** An in-memory journal that counts how often it is closed (the in-memory journal's close does nothing). */
    private static final class CountingJournal extends ForwardingJournal
    {
        private volatile int closes;

        CountingJournal()
        {
            super(new InMemoryJournal(256));
        }

        @Override
        public void close()
        {
            closes++;
        }
    }

    @Test
    void shouldRefuseAContextLaunchedBefore()
    {
        final EngineContext ctx = new EngineContext().name("once").stateMachine(new AccumulatorStateMachine());
        Engine.launch(ctx).close();
        ctx.stateMachine(new AccumulatorStateMachine());
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Engine.launch(ctx));
        assertTrue(ex.getMessage().contains("this EngineContext launched engine 'once' already"), ex.getMessage());
    }

    @Test
    void shouldRefuseAJournalThatHoldsSmallerPayloadsThanTheEngineAccepts()
    {
        final InMemoryJournal journal = new InMemoryJournal(32);
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Engine.launch(
            new EngineContext().stateMachine(new AccumulatorStateMachine()).journal(journal).maxPayloadLength(64)));
        assertEquals("the journal holds payloads of at most 32 bytes, but the engine's maxPayloadLength is 64: give " +
            "both the same value", ex.getMessage());
        assertEquals(0, journal.lastPosition(), "nothing was accepted");
        // Refused, it was not launched: the same state machine may serve a launch with matching sizes.
        final AccumulatorStateMachine machine = new AccumulatorStateMachine();
        assertThrows(IllegalArgumentException.class, () -> Engine.launch(new EngineContext().stateMachine(machine)
            .journal(new InMemoryJournal(32)).maxPayloadLength(64)));
        Engine.launch(new EngineContext().stateMachine(machine).journal(new InMemoryJournal(64)).maxPayloadLength(64)).close();
    }

    @Test
    void shouldRefuseSnapshotsThatWouldGoNowhere()
    {
        final IllegalArgumentException every = assertThrows(IllegalArgumentException.class, () -> Engine.launch(
            new EngineContext().stateMachine(new AccumulatorStateMachine()).snapshotEvery(100)));
        assertTrue(every.getMessage().startsWith("snapshotEvery(100) needs a snapshotStore"), every.getMessage());
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())))
        {
            final IllegalStateException requested = assertThrows(IllegalStateException.class, engine::requestSnapshot);
            assertTrue(requested.getMessage().contains("has no snapshotStore"), requested.getMessage());
        }
    }

    @Test
    void shouldNameTheSnapshotAndTheStateMachineWhenAnotherStateMachineCannotLoadIt()
    {
        final InMemoryJournal journal = new InMemoryJournal(256);
        final InMemorySnapshotStore snapshots = new InMemorySnapshotStore(1);
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .journal(journal).snapshotStore(snapshots).snapshotEvery(5)))
        {
            for (long i = 1; i <= 5; i++)
            {
                engine.publish(ADD, 0, 0, 0, longPayload(i), 0, 8);
            }
        }
        // Another service's StateMachine, whose snapshots are longer than the accumulator's 24 bytes.
        final StateMachine other = new StateMachineAdapter()
        {
            @Override
            public void apply(final Command command, final Output output)
            {
            }

            @Override
            public void loadSnapshot(final DirectBuffer buffer, final int offset, final int length)
            {
                if (length != 48)
                {
                    throw new IllegalArgumentException("a snapshot of 48 bytes expected, not " + length);
                }
            }
        };
        final SnapshotException ex = assertThrows(SnapshotException.class, () -> Engine.launch(new EngineContext()
            .stateMachine(other).journal(ReadOnlyJournal.of(journal)).snapshotStore(snapshots)));
        assertTrue(ex.getMessage().startsWith("the snapshot at position 5 passed its checks, but " +
            other.getClass().getName() + ".loadSnapshot failed on it (a snapshot of 48 bytes expected, not 24)") &&
            ex.getMessage().contains("Is this the StateMachine that wrote this journal and its snapshots"), ex.getMessage());
    }

    @Test
    void shouldSayASkippedSnapshotOnStandardErrorWhenNoRecoveryListenerIsGiven()
    {
        final InMemoryJournal journal = new InMemoryJournal(256);
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine()).journal(journal)))
        {
            for (long i = 1; i <= 4; i++)
            {
                engine.publish(ADD, 0, 0, 0, longPayload(i), 0, 8);
            }
        }
        // A snapshot that names no journal: recovery cannot match it to this one, and skips it.
        final InMemorySnapshotStore snapshots = new InMemorySnapshotStore(1);
        snapshots.store(3, 0L, new UnsafeBuffer(new byte[8]), 0, 8);
        final PrintStream saved = System.err;
        final ByteArrayOutputStream said = new ByteArrayOutputStream();
        final AccumulatorStateMachine recovered = new AccumulatorStateMachine();
        System.setErr(new PrintStream(said, true, StandardCharsets.UTF_8));
        try
        {
            Engine.launch(new EngineContext().name("told").stateMachine(recovered).journal(ReadOnlyJournal.of(journal))
                .snapshotStore(snapshots)).close();
        }
        finally
        {
            System.setErr(saved);
        }
        final String text = said.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("told: recovery skipped the snapshot at position 3: snapshot at position 3 names no " +
            "journal"), text);
        assertEquals(10, recovered.total(), "replayed from position 1 instead");
    }

    @Test
    void shouldSayHowToGetPastACommandThatHaltsEveryRecovery()
    {
        final InMemoryJournal journal = new InMemoryJournal(256);
        final Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .journal(journal).errorPolicy(ErrorPolicy.HALT).errorHandler(new RecordingErrorHandler()));
        engine.publish(ADD, 0, 0, 0, longPayload(1), 0, 8);
        engine.publish(EMIT_THEN_FAIL, 0, 0, 0, longPayload(1), 0, 8);
        assertThrows(EngineHaltedException.class, engine::close);

        final EngineHaltedException ex = assertThrows(EngineHaltedException.class, () -> Engine.launch(
            new EngineContext().stateMachine(new AccumulatorStateMachine()).journal(ReadOnlyJournal.of(journal))
                .errorPolicy(ErrorPolicy.HALT).errorHandler(new RecordingErrorHandler())));
        assertTrue(ex.getMessage().startsWith("recovery halted at position 2 by the error policy (HALT): the state " +
            "machine threw on the journal's command there (") &&
            ex.getMessage().contains("deliberate failure at position 2") &&
            ex.getMessage().contains("fix the state machine, or launch with errorPolicy REJECT"), ex.getMessage());

        final AccumulatorStateMachine past = new AccumulatorStateMachine();
        Engine.launch(new EngineContext().stateMachine(past).journal(ReadOnlyJournal.of(journal))
            .errorHandler(new RecordingErrorHandler())).close();
        assertEquals(1, past.total(), "with REJECT the failing command is passed over");
    }
}
