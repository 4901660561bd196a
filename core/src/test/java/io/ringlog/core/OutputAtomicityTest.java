package io.ringlog.core;

import io.ringlog.core.testing.RecordingErrorHandler;
import io.ringlog.core.testing.StateMachineAdapter;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteOrder;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutputAtomicityTest
{
    private static final int EMIT_THREE = 1;
    private static final int EMIT_THREE_THEN_FAIL = 2;
    private static final int EMIT_MANY = 3;
    private static final long POISON = -1;

    /** Emits three events per command; the failing kind marks its events as poison, then throws. */
    static final class ThreeEvents extends StateMachineAdapter
    {
        long completed;
        long started;

        @Override
        public void apply(final Command command, final Output output)
        {
            started++;
            final int events = command.type() == EMIT_MANY ? 10 : 3;
            for (int i = 0; i < events; i++)
            {
                final MutableDirectBuffer event = output.claim(1);
                event.putLong(0, command.type() == EMIT_THREE_THEN_FAIL ? POISON : command.position(),
                    ByteOrder.LITTLE_ENDIAN);
                output.commit(8);
            }
            if (command.type() == EMIT_THREE_THEN_FAIL)
            {
                throw new IllegalStateException("fails after emitting");
            }
            completed++;
        }

        @Override
        public long stateHash()
        {
            return started * 31 + completed;
        }
    }

    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldNeverShowEventsOfACommandBeforeItEndsNorAnyOfACommandThatFailed(final Topology topology)
        throws Exception
    {
        // A small output ring makes the producer refresh its view of the listener often, which is
        // when a single-producer ring would expose claimed-but-unpublished slots. It also fills in the
        // middle of commands, which is when whole commands are handed to an inline listener mid-apply.
        final int commands = 20_000;
        final WholeCommands threaded = new WholeCommands();
        final WholeCommands inline = new WholeCommands();
        final Engine engine = Engine.launch(new EngineContext().stateMachine(new ThreeEvents()).topology(topology)
            .outputRingSize(8).ringSize(64).errorHandler(new RecordingErrorHandler()).listener("checker", threaded)
            .inlineListener("inline-checker", inline));
        final org.agrona.concurrent.UnsafeBuffer empty = new org.agrona.concurrent.UnsafeBuffer(new byte[0]);
        int failing = 0;
        for (int i = 1; i <= commands; i++)
        {
            final boolean fail = i % 3 == 0;
            failing += fail ? 1 : 0;
            engine.publish(fail ? EMIT_THREE_THEN_FAIL : EMIT_THREE, 0, 0, 0, empty, 0, 0);
        }
        engine.close();
        for (final WholeCommands checker : List.of(threaded, inline))
        {
            final String which = checker == inline ? "inline listener: " : "listener: ";
            assertEquals(0, checker.poisonSeen, which + "events of failed commands were visible");
            assertEquals(0, checker.misordered, which + "a command's events were not delivered whole and in order");
            assertEquals(0, checker.batchEndsInACommand, which + "a batch ended between two events of one command");
            assertEquals(3L * (commands - failing), checker.events, which + "events");
        }
        assertEquals(failing, engine.metrics().failed());
    }

    /**
     * Counts events of failed commands, commands whose three events did not arrive whole and in order, and
     * batches that ended inside a command.
     */
    private static final class WholeCommands implements OutputListener
    {
        private volatile int poisonSeen;
        private volatile int misordered;
        private volatile long events;
        private volatile int batchEndsInACommand;
        private long position;
        private int nextIndex;

        @Override
        public void onEvent(final OutputEvent event, final boolean endOfBatch)
        {
            if (event.isRejection())
            {
                return;
            }
            if (endOfBatch && event.index() != 2)
            {
                batchEndsInACommand++;
            }
            if (event.payload().getLong(0, ByteOrder.LITTLE_ENDIAN) == POISON)
            {
                poisonSeen++;
            }
            if (event.position() != position)
            {
                if (nextIndex != 0 && nextIndex != 3)
                {
                    misordered++;
                }
                position = event.position();
                nextIndex = 0;
            }
            if (event.index() != nextIndex++)
            {
                misordered++;
            }
            events++;
        }
    }

    /**
     * More events than the output ring holds halt the engine, live and on replay alike, where they were a rejection
     * (which kept what the command had changed, and which a larger ring replayed otherwise: a reviewer's finding); with
     * a ring that holds them, the journal's command applies whole.
     */
    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldHaltOnMoreEventsThanTheOutputRingHoldsLiveAndOnReplay(final Topology topology) throws Exception
    {
        final InMemoryJournal journal = new InMemoryJournal(16);
        final org.agrona.concurrent.UnsafeBuffer empty = new org.agrona.concurrent.UnsafeBuffer(new byte[0]);
        final ThreeEvents live = new ThreeEvents();
        final Engine first = Engine.launch(new EngineContext().stateMachine(live).topology(topology)
            .maxPayloadLength(16).outputRingSize(8).journal(journal).errorHandler(new RecordingErrorHandler()));
        first.publish(EMIT_THREE, 0, 0, 0, empty, 0, 0);
        first.publish(EMIT_MANY, 0, 0, 0, empty, 0, 0);
        assertThrows(EngineHaltedException.class, first::close, "ten events do not fit an 8-slot output ring");
        assertInstanceOf(EventLimitException.class, first.failure().getCause());

        final EngineHaltedException again = assertThrows(EngineHaltedException.class, () -> Engine.launch(
            new EngineContext().stateMachine(new ThreeEvents()).topology(topology).maxPayloadLength(16).outputRingSize(8)
                .journal(journal).errorHandler(new RecordingErrorHandler())), "the replay halts at the same command");
        assertTrue(again.getMessage().contains("outputRingSize"), again.getMessage());

        final Engine larger = Engine.launch(new EngineContext().stateMachine(new ThreeEvents()).topology(topology)
            .maxPayloadLength(16).outputRingSize(16).journal(journal).errorHandler(new RecordingErrorHandler()));
        larger.close();
        assertEquals(0, larger.metrics().failed(), "a ring of 16 holds the ten events");
    }
}
