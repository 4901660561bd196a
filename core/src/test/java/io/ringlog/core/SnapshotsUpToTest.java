package io.ringlog.core;

import io.ringlog.core.testing.AccumulatorStateMachine;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.LongStream;

import static io.ringlog.core.testing.AccumulatorStateMachine.ADD;
import static io.ringlog.core.testing.AccumulatorStateMachine.longPayload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Snapshots taken through {@link SnapshotsUpTo} keep their journal's identity and entry checksum, so the
 * next recovery can use them; recovery through it sees none past its limit.
 */
class SnapshotsUpToTest
{
    @Test
    void shouldKeepTheIdentityOfSnapshotsTakenThroughItAndHideThoseAfterItsLimit()
    {
        final InMemoryJournal journal = new InMemoryJournal(256);
        final InMemorySnapshotStore store = new InMemorySnapshotStore(3);
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .journal(journal).snapshotStore(new SnapshotsUpTo(store, 100)).snapshotEvery(10)))
        {
            for (long i = 1; i <= 30; i++)
            {
                engine.publish(ADD, 0, 0, 0, longPayload(i), 0, 8);
            }
        }
        assertEquals(journal.id(), store.read(30).journalId(), "taken through the wrapper, the snapshot names its journal");
        assertArrayEquals(new long[]{20, 10}, new SnapshotsUpTo(store, 25).positions());

        final AccumulatorStateMachine recovered = new AccumulatorStateMachine();
        final long[] loaded = {-1};
        Engine.launch(new EngineContext().stateMachine(recovered).journal(ReadOnlyJournal.of(journal))
            .snapshotStore(new SnapshotsUpTo(store, 25)).recoveryListener(new RecoveryListener()
            {
                @Override
                public void onSnapshotLoaded(final long position)
                {
                    loaded[0] = position;
                }
            })).close();
        assertEquals(20, loaded[0], "the newest snapshot at or before the limit, usable on its journal");
        assertEquals(465, recovered.total());
    }

    /**
     * The README's recipe for answering clients across a restart: a listener answered up to position 15,
     * the engine went on to 30 and snapshotted at 30 before it died. Recovering from that snapshot replays
     * nothing, so 16..30 are never answered; recovering through {@code SnapshotsUpTo(store, 15)} replays
     * every event after 15.
     */
    @Test
    void shouldReplayEveryEventPastTheLastAnsweredPositionWhenRecoveringThroughIt()
    {
        final InMemoryJournal journal = new InMemoryJournal(256);
        final InMemorySnapshotStore store = new InMemorySnapshotStore(3);
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .journal(journal).snapshotStore(store).snapshotEvery(10)))
        {
            for (long i = 1; i <= 30; i++)
            {
                engine.publish(ADD, 0, 0, 0, longPayload(i), 0, 8);
            }
        }
        final long lastAnswered = 15;
        assertEquals(List.of(), replayedAfter(journal, store, lastAnswered), "from the snapshot at 30: nothing replayed");
        assertEquals(LongStream.rangeClosed(16, 30).boxed().toList(),
            replayedAfter(journal, new SnapshotsUpTo(store, lastAnswered), lastAnswered), "every position after 15");
    }

    /** The positions of the replayed events past {@code lastAnswered} that a restart through {@code store} delivers. */
    private static List<Long> replayedAfter(final InMemoryJournal journal, final SnapshotStore store, final long lastAnswered)
    {
        final List<Long> answered = new java.util.concurrent.CopyOnWriteArrayList<>();
        Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine()).journal(ReadOnlyJournal.of(journal))
            .snapshotStore(store).listener("answers", new OutputListener()
            {
                @Override
                public void onEvent(final OutputEvent event, final boolean endOfBatch)
                {
                    if (event.isReplay() && event.position() > lastAnswered && !answered.contains(event.position()))
                    {
                        answered.add(event.position());
                    }
                }

                @Override
                public boolean receivesReplay()
                {
                    return true;
                }
            })).close();
        return answered;
    }
}
