package io.ringlog.core;

import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.core.testing.CollectingListener;
import io.ringlog.core.testing.CollectingListener.Seen;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.ringlog.core.testing.AccumulatorStateMachine.ADD;
import static io.ringlog.core.testing.AccumulatorStateMachine.TOTAL;
import static io.ringlog.core.testing.AccumulatorStateMachine.longPayload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class DuplicateTest
{
    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldRejectDuplicateSourceSequence(final Topology topology) throws Exception
    {
        final AccumulatorStateMachine sm = new AccumulatorStateMachine();
        final CollectingListener listener = new CollectingListener();
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(sm).topology(topology)
            .listener("collect", listener)))
        {
            engine.publish(ADD, 7, 1, 100, longPayload(5), 0, 8);
            engine.publish(ADD, 7, 1, 101, longPayload(5), 0, 8);   // same sequence: duplicate
            engine.publish(ADD, 7, 3, 102, longPayload(5), 0, 8);   // gaps are allowed
            engine.publish(ADD, 7, 2, 103, longPayload(5), 0, 8);   // below the last applied: duplicate
            engine.publish(ADD, 8, 1, 104, longPayload(5), 0, 8);   // another source has its own sequence
            engine.publish(ADD, 0, 1, 105, longPayload(5), 0, 8);   // anonymous: never deduplicated
            engine.publish(ADD, 0, 1, 106, longPayload(5), 0, 8);
            engine.publish(ADD, -7, 1, 107, longPayload(5), 0, 8);  // a negative id is a source of its own, not 7's
            engine.publish(ADD, -7, 1, 108, longPayload(5), 0, 8);  // and is deduplicated as any other
            engine.awaitApplied(9, 10, TimeUnit.SECONDS);
            listener.awaitCount(9, Duration.ofSeconds(10));
            assertEquals(3, engine.metrics().duplicates());
        }
        final List<Seen> events = listener.events();
        assertEquals(TOTAL, events.get(0).type());
        assertEquals(OutputEvent.REJECTED, events.get(1).type());
        assertEquals(Rejections.DUPLICATE, events.get(1).value());
        assertEquals(101, events.get(1).correlationId(), "the rejection carries the duplicate's correlation id");
        assertEquals(TOTAL, events.get(2).type());
        assertEquals(OutputEvent.REJECTED, events.get(3).type());
        assertEquals(Rejections.DUPLICATE, events.get(3).value());
        assertEquals(TOTAL, events.get(4).type());
        assertEquals(TOTAL, events.get(5).type());
        assertEquals(TOTAL, events.get(6).type());
        assertEquals(TOTAL, events.get(7).type());
        assertEquals(OutputEvent.REJECTED, events.get(8).type());
        assertEquals(Rejections.DUPLICATE, events.get(8).value());
        assertEquals(30, sm.total());
    }

    @Test
    void shouldKeepDedupTableAcrossSnapshotAndRestart() throws Exception
    {
        final InMemoryJournal journal = new InMemoryJournal(64);
        final InMemorySnapshotStore snapshots = new InMemorySnapshotStore();
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .maxPayloadLength(64).journal(journal).snapshotStore(snapshots)))
        {
            engine.publish(ADD, 7, 10, 0, longPayload(1), 0, 8);
            engine.requestSnapshot();
            engine.awaitApplied(2, 10, TimeUnit.SECONDS);
        }
        assertEquals(1, snapshots.positions().length);

        final CollectingListener listener = new CollectingListener();
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .maxPayloadLength(64).journal(journal).snapshotStore(snapshots).listener("collect", listener)))
        {
            engine.publish(ADD, 7, 10, 0, longPayload(1), 0, 8);
            engine.awaitApplied(3, 10, TimeUnit.SECONDS);
            listener.awaitCount(1, Duration.ofSeconds(10));
        }
        assertEquals(Rejections.DUPLICATE, listener.events().get(0).value(), "resend after restart is a duplicate");
    }

    @Test
    void shouldIncludeDedupTableInStateHash()
    {
        final long withSourceA = hashAfterOneAdd(7);
        final long withSourceB = hashAfterOneAdd(8);
        final long anonymous = hashAfterOneAdd(0);
        assertNotEquals(withSourceA, withSourceB);
        assertNotEquals(withSourceA, anonymous);
        assertEquals(withSourceA, hashAfterOneAdd(7));
    }

    private static long hashAfterOneAdd(final long source)
    {
        final Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .clock(() -> 42L));
        engine.publish(ADD, source, 1, 0, longPayload(3), 0, 8);
        engine.close();
        return engine.stateHash();
    }

    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldRefuseNegativeSourceSequencesAtPublishAndRejectThemDeterministicallyInAJournal(final Topology topology)
        throws Exception
    {
        final Engine refusing = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .topology(topology));
        final IllegalArgumentException ex = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> refusing.publish(ADD, 7, Long.MIN_VALUE, 0, longPayload(1), 0, 8));
        org.junit.jupiter.api.Assertions.assertTrue(ex.getMessage().contains("negative"), ex.getMessage());
        refusing.close();

        // A journal from elsewhere may still hold one: it is rejected, live and on replay, never a halt.
        final InMemoryJournal journal = new InMemoryJournal(64);
        final Command command = new Command(64);
        journal.append(command.set(1, 0, ADD, 1, 7, Long.MIN_VALUE, 11, longPayload(5), 0, 8));
        journal.append(command.set(2, 0, ADD, 1, 7, 1, 12, longPayload(6), 0, 8));
        journal.commit();
        final CollectingListener listener = new CollectingListener(true);
        final AccumulatorStateMachine sm = new AccumulatorStateMachine();
        final Engine replayed = Engine.launch(new EngineContext().stateMachine(sm).topology(topology)
            .maxPayloadLength(64).journal(journal).listener("all", listener));
        listener.awaitCount(2, Duration.ofSeconds(10));
        replayed.close();
        assertEquals(Rejections.INVALID_SOURCE_SEQUENCE, listener.events().get(0).value());
        assertEquals(6, sm.total());
        assertEquals(null, replayed.failure());
    }

    @Test
    void shouldTellWhereEachSourceResumesAfterRecovery() throws Exception
    {
        final InMemoryJournal journal = new InMemoryJournal(64);
        final InMemorySnapshotStore snapshots = new InMemorySnapshotStore();
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .maxPayloadLength(64).journal(journal).snapshotStore(snapshots)))
        {
            assertEquals(-1, engine.recoveredSourceSequence(7), "a fresh engine has applied nothing");
            engine.publish(ADD, 7, 10, 0, longPayload(1), 0, 8);
            engine.publish(ADD, 8, 3, 0, longPayload(1), 0, 8);
            engine.requestSnapshot();
            engine.publish(ADD, 7, 12, 0, longPayload(1), 0, 8);   // in the journal after the snapshot
            engine.publish(ADD, 7, 11, 0, longPayload(1), 0, 8);   // a duplicate leaves the table as it was
            engine.awaitApplied(5, 10, TimeUnit.SECONDS);
            assertEquals(-1, engine.recoveredSourceSequence(7), "live commands do not change what recovery left");
        }

        try (Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .maxPayloadLength(64).journal(journal).snapshotStore(snapshots)))
        {
            assertEquals(12, engine.recoveredSourceSequence(7), "snapshot, then the journal tail");
            assertEquals(3, engine.recoveredSourceSequence(8));
            assertEquals(-1, engine.recoveredSourceSequence(9));
            assertEquals(-1, engine.recoveredSourceSequence(0), "anonymous commands are never in the table");
        }
    }
}
