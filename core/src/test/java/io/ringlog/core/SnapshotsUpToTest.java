package io.ringlog.core;

import io.ringlog.core.testing.AccumulatorStateMachine;
import org.junit.jupiter.api.Test;

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
}
