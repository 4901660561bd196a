package io.ringlog.core;

import io.ringlog.core.testing.AccumulatorStateMachine;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.ringlog.core.testing.AccumulatorStateMachine.ADD;
import static io.ringlog.core.testing.AccumulatorStateMachine.longPayload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadOnlyJournalTest
{
    @Test
    void shouldRebuildTheStateAsOfAPositionAndRefuseWrites()
    {
        final InMemoryJournal journal = new InMemoryJournal(64);
        final AccumulatorStateMachine firstHundred = new AccumulatorStateMachine();
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .maxPayloadLength(64).journal(journal).clock(() -> 7)))
        {
            for (int i = 1; i <= 250; i++)
            {
                engine.publish(ADD, 0, 0, 0, longPayload(i), 0, 8);
            }
        }
        final Engine engine = Engine.launch(new EngineContext().stateMachine(firstHundred).maxPayloadLength(64)
            .journal(ReadOnlyJournal.upTo(journal, 100)).errorHandler(new io.ringlog.core.testing.RecordingErrorHandler()));
        assertEquals(101, engine.nextPosition());
        // Refused at the publish, in words (a newcomer's finding: it was accepted, and the journal's refusal to append
        // it then halted the engine).
        for (final org.junit.jupiter.api.function.Executable publish : List.<org.junit.jupiter.api.function.Executable>of(
            () -> engine.publish(ADD, 0, 0, 0, longPayload(1), 0, 8),
            () -> engine.tryPublish(ADD, 0, 0, 0, longPayload(1), 0, 8),
            () -> engine.newBatch().claim(2)))
        {
            final IllegalStateException refused = assertThrows(IllegalStateException.class, publish);
            assertTrue(refused.getMessage().contains("runs on a read-only journal"), refused.getMessage());
        }
        engine.close();
        assertEquals(101, engine.nextPosition(), "nothing was accepted");
        assertEquals(null, engine.failure(), "nor halted");
        assertEquals(5050, firstHundred.total());
        assertEquals(100, firstHundred.count());

        final JournalReader reader = ReadOnlyJournal.upTo(journal, 3).reader(2);
        final Command command = new Command(64);
        assertTrue(reader.next(command));
        assertTrue(reader.next(command));
        assertEquals(3, command.position());
        assertFalse(reader.next(command), "the reader stops at the position");
        assertEquals(250, ReadOnlyJournal.of(journal).lastPosition());
    }

    /**
     * A reviewer's finding: a follower on a read-only journal took its leader's command (the position returned), and the
     * journal's refusal to append it then halted the engine. Refused at the append, as a publish is.
     */
    @Test
    void shouldRefuseAFollowersAppendOnAReadOnlyJournal()
    {
        final InMemoryJournal journal = new InMemoryJournal(64);
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .maxPayloadLength(64).journal(journal)))
        {
            engine.publish(ADD, 0, 0, 0, longPayload(1), 0, 8);
        }
        final Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .maxPayloadLength(64).journal(ReadOnlyJournal.of(journal)).follower(true)
            .errorHandler(new io.ringlog.core.testing.RecordingErrorHandler()));
        for (final org.junit.jupiter.api.function.Executable append : List.<org.junit.jupiter.api.function.Executable>of(
            () -> engine.follower().append(2, 5, ADD, 1, 0, 0, 0, longPayload(2), 0, 8),
            () -> engine.follower().tryAppend(2, 5, ADD, 1, 0, 0, 0, longPayload(2), 0, 8)))
        {
            final IllegalStateException refused = assertThrows(IllegalStateException.class, append);
            assertTrue(refused.getMessage().contains("runs on a read-only journal") &&
                refused.getMessage().contains("its leader's neither"), refused.getMessage());
        }
        engine.close();
        assertEquals(null, engine.failure(), "not halted");
        assertEquals(2, engine.nextPosition(), "nothing was accepted");
    }
}
