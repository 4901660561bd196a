package io.ringlog.core;

import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.core.testing.CollectingListener;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.ringlog.core.testing.AccumulatorStateMachine.ADD;
import static io.ringlog.core.testing.AccumulatorStateMachine.longPayload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A follower takes commands whose positions and timestamps its leader assigned: the next position
 * only, refusing gaps and duplicates; it ends in the leader's state, and once promoted it sequences
 * its own commands from where the leader stopped.
 */
class FollowerIntakeTest
{
    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldFollowALeadersJournalExactlyRefuseGapsAndDuplicatesAndContinueWhenPromoted(final Topology topology)
        throws Exception
    {
        final InMemoryJournal leaderJournal = new InMemoryJournal(64);
        final AccumulatorStateMachine leaderState = new AccumulatorStateMachine();
        final Engine leader = Engine.launch(new EngineContext().stateMachine(leaderState).journal(leaderJournal).maxPayloadLength(64)
            .snapshotStore(new InMemorySnapshotStore(1))
            .topology(topology));
        for (long i = 1; i <= 1_000; i++)
        {
            leader.publish(i % 10 == 0 ? AccumulatorStateMachine.REJECT : ADD, 7, i, i, longPayload(i), 0, 8);
        }
        leader.requestSnapshot();
        leader.close();

        final InMemoryJournal followerJournal = new InMemoryJournal(64);
        final AccumulatorStateMachine followerState = new AccumulatorStateMachine();
        final CollectingListener listener = new CollectingListener();
        final Engine follower = Engine.launch(new EngineContext().stateMachine(followerState).journal(followerJournal)
            .maxPayloadLength(64)
            .topology(topology).follower(true).listener("collect", listener));
        final FollowerIntake intake = follower.follower();
        final UnsafeBuffer payload = longPayload(1);
        assertThrows(IllegalStateException.class, () -> follower.publish(ADD, 0, 0, 0, payload, 0, 8),
            "a follower takes commands only from its leader");
        final Command command = new Command(64);
        try (JournalReader reader = leaderJournal.reader(1))
        {
            long expected = 1;
            while (reader.next(command))
            {
                if (command.position() == 500)
                {
                    assertEquals(FollowerIntake.GAP, intake.append(command.position() + 1, command.timestamp(),
                        command.type(), command.version(), command.sourceId(), command.sourceSequence(),
                        command.correlationId(), command.payload(), 0, command.payloadLength()), "a gap is refused");
                }
                assertEquals(expected, intake.append(command));
                if (command.position() == 700)
                {
                    assertEquals(FollowerIntake.DUPLICATE, intake.append(command), "a duplicate is refused");
                    final IllegalArgumentException notAPosition = assertThrows(IllegalArgumentException.class, () ->
                        intake.append(0, command.timestamp(), command.type(), command.version(), command.sourceId(),
                            command.sourceSequence(), command.correlationId(), command.payload(), 0,
                            command.payloadLength()), "no journal has position 0: not a duplicate, a mistake");
                    assertEquals("position 0 is not a journal position: positions start at 1", notAPosition.getMessage());
                }
                expected++;
            }
        }
        assertEquals(1_002, intake.nextPosition());
        follower.awaitApplied(1_001, 10, TimeUnit.SECONDS);

        follower.promote();
        assertThrows(IllegalStateException.class, () -> intake.append(command), "promoted: the leader's intake is closed");
        assertEquals(1_002, follower.publish(ADD, 0, 0, 0, longPayload(5), 0, 8), "positions go on where the leader stopped");
        listener.awaitCount(1_001, Duration.ofSeconds(10));
        follower.close();

        assertEquals(leaderState.total() + 5, followerState.total());
        assertEquals(1_002, followerJournal.lastPosition());
        try (JournalReader leaderEntries = leaderJournal.reader(1); JournalReader followerEntries = followerJournal.reader(1))
        {
            final Command theirs = new Command(64);
            final Command ours = new Command(64);
            while (leaderEntries.next(theirs))
            {
                followerEntries.next(ours);
                assertEquals(theirs.toString(), ours.toString(), "the same entry: position, timestamp, header");
            }
        }
    }

    /**
     * A source that resumes from its own sequences (a Kafka partition) on a promoted follower resumes where
     * the follower stood at its promotion, not where it stood at launch: the commands it followed count.
     */
    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldResumeASourceWhereItStoodAtThePromotion(final Topology topology) throws Exception
    {
        final Engine follower = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .journal(new InMemoryJournal(64)).maxPayloadLength(64).topology(topology).follower(true));
        try
        {
            final FollowerIntake intake = follower.follower();
            for (long i = 1; i <= 100; i++)
            {
                if (i == 50)
                {
                    // The leader's own promotion, followed: its epoch is not this engine's.
                    assertEquals(i, intake.append(i, i, SystemCommands.EPOCH, 1, 0, 0, 0, longPayload(1), 0,
                        SystemCommands.EPOCH_LENGTH));
                    continue;
                }
                assertEquals(i, intake.append(i, i, ADD, 1, 7, i, i, longPayload(1), 0, 8));
            }
            follower.awaitApplied(100, 10, TimeUnit.SECONDS);
            assertEquals(-1, follower.recoveredSourceSequence(7), "as of launch, source 7 had sent nothing, whatever " +
                "epoch the leader began");

            final long epoch = follower.promote(2);
            assertEquals(101, epoch);
            follower.awaitApplied(epoch, 10, TimeUnit.SECONDS);
            assertEquals(100, follower.recoveredSourceSequence(7), "as of the promotion");
            assertEquals(-1, follower.recoveredSourceSequence(8));
            follower.publish(ADD, 7, 101, 0, longPayload(1), 0, 8);
            follower.awaitApplied(102, 10, TimeUnit.SECONDS);
            assertEquals(100, follower.recoveredSourceSequence(7), "commands since the promotion do not move it");
        }
        finally
        {
            follower.close();
        }
    }
}
