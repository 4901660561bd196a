package io.ringlog.journal.replication;

import io.ringlog.core.EngineMetrics;
import io.ringlog.core.Topology;
import io.ringlog.core.testing.AccumulatorStateMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a synchronous primary does without its standby is a setting: by default it waits (nothing
 * becomes visible); under {@link StandbyLoss#DEGRADE} it goes on alone after a timeout, loudly, and is
 * synchronous again once a standby has caught up. An asynchronous primary reports the lag.
 */
class StandbyLossTest
{
    @TempDir
    Path dir;

    @Test
    void shouldWaitByDefaultAndDegradeLoudlyWhenToldThenBeSynchronousAgain() throws Exception
    {
        final Pair pair = new Pair(dir);
        final ReplicationMode mode = ReplicationMode.SYNCHRONOUS;
        final ReplicationNode primary = pair.launch("a", Role.PRIMARY, mode, Topology.PIPELINED,
            new AccumulatorStateMachine(),
            (ctx) -> ctx.standbyLoss(StandbyLoss.DEGRADE).degradeAfter(Duration.ofMillis(5_000))
                .peerTimeout(Duration.ofMillis(500)));
        ReplicationNode standby = null;
        try
        {
            Pair.publish(primary.engine(), 1, 100);
            // No standby yet, past the peer timeout and well short of degradeAfter (4.5 s of slack for a loaded
            // machine, counted from the launch): journaled, said, not visible.
            Pair.await(() -> primary.engine().metrics().position(EngineMetrics.Stage.JOURNAL) == 100,
                Duration.ofSeconds(10), "the commands journaled");
            Pair.await(() -> pair.events.stream().anyMatch((e) -> e.startsWith("a: peer ") && e.contains(" NOT HEARD ") &&
                e.endsWith("waiting up to 5000 ms before degrading to asynchronous")), Duration.ofSeconds(10),
                "the primary says it has no standby");
            assertEquals(0, primary.engine().metrics().lastAppliedPosition(), "waits for a standby");
            primary.engine().awaitApplied(100, 20, TimeUnit.SECONDS);
            Pair.await(() -> "degraded".equals(primary.status().mode()), Duration.ofSeconds(5), "the status says so");
            assertEquals(1, primary.status().degradations());
            assertTrue(pair.events.stream().anyMatch((e) -> e.startsWith("a: DEGRADED to asynchronous")), "said loudly");

            standby = pair.launch("b", Role.STANDBY, mode, Topology.PIPELINED, new AccumulatorStateMachine());
            Pair.publish(primary.engine(), 101, 2_000);
            standby.engine().awaitApplied(2_000, 20, TimeUnit.SECONDS);
            Pair.await(() -> "synchronous".equals(primary.status().mode()), Duration.ofSeconds(10),
                "synchronous again");
            assertTrue(pair.events.stream().anyMatch((e) -> e.contains("SYNCHRONOUS again")), "said so");
        }
        finally
        {
            primary.close();
            if (standby != null)
            {
                standby.close();
            }
        }
    }

    @Test
    void shouldReportLagInPositionsAndTimeWhenAsynchronous() throws Exception
    {
        final Pair pair = new Pair(dir);
        final ReplicationMode mode = ReplicationMode.ASYNCHRONOUS;
        final ReplicationNode standby = pair.launch("b", Role.STANDBY, mode, Topology.PIPELINED,
            new AccumulatorStateMachine());
        final ReplicationNode primary = pair.launch("a", Role.PRIMARY, mode, Topology.PIPELINED,
            new AccumulatorStateMachine());
        try (standby; primary)
        {
            Pair.publish(primary.engine(), 1, 1_000);
            standby.engine().awaitApplied(1_000, 20, TimeUnit.SECONDS);
            // Dropped until the lag is seen, however long that takes on a loaded machine, then received again.
            standby.dropReceiving(Duration.ofSeconds(60));
            Pair.await(() -> pair.events.stream().anyMatch((e) -> e.startsWith("b: receiving dropped")),
                Duration.ofSeconds(5), "b stops receiving");
            Pair.publish(primary.engine(), 1_001, 3_000);
            primary.engine().awaitApplied(3_000, 20, TimeUnit.SECONDS);
            Pair.await(() -> primary.status().lagPositions() >= 1_000, Duration.ofSeconds(5), "lag in positions");
            assertEquals(PeerState.CONNECTED, primary.status().peer(), "heartbeats still flow");
            standby.dropReceiving(Duration.ZERO);
            standby.engine().awaitApplied(3_000, 30, TimeUnit.SECONDS);
            Pair.await(() -> primary.status().lagPositions() == 0, Duration.ofSeconds(5), "no lag once caught up");
        }
    }

    /**
     * A reviewer's finding: a standby whose engine halted (its journal failed, as on a full disk) went on heartbeating
     * and acknowledging what it had, its node saying nothing (failure() null, role STANDBY), so a synchronous primary
     * set to degrade never did, and showed nothing more. The standby's node fails, saying why, and the primary degrades.
     */
    @Test
    void shouldFailAStandbyWhoseEngineHaltedSoThatItsPrimaryDegrades() throws Exception
    {
        final Pair pair = new Pair(dir);
        final ReplicationMode mode = ReplicationMode.SYNCHRONOUS;
        final ReplicationNode a = ReplicationNode.launch(pair.context("a", mode).standbyLoss(StandbyLoss.DEGRADE)
                .degradeAfter(Duration.ofMillis(1_000)),
            pair.engine("a", new AccumulatorStateMachine(), Topology.PIPELINED).closeTimeout(Duration.ofSeconds(2)),
            Role.PRIMARY);
        final io.ringlog.core.Journal full = new io.ringlog.core.testing.ForwardingJournal(pair.journal("b"))
        {
            @Override
            public void append(final io.ringlog.core.Command command)
            {
                if (command.position() > 300)
                {
                    throw new io.ringlog.core.JournalException(command.position(), "the test's disk is full");
                }
                super.append(command);
            }
        };
        final ReplicationNode b = ReplicationNode.launch(pair.context("b", mode),
            pair.engine("b", new AccumulatorStateMachine(), Topology.PIPELINED, full).closeTimeout(Duration.ofSeconds(2)),
            Role.STANDBY);
        try
        {
            Pair.publish(a.engine(), 1, 300);
            a.engine().awaitApplied(300, 30, TimeUnit.SECONDS);
            Pair.publish(a.engine(), 301, 400);
            Pair.await(() -> b.failure() != null, Duration.ofSeconds(10), "b's node fails");
            assertTrue(b.failure().getMessage().startsWith("this standby's engine halted, so it journals and applies " +
                "nothing more") && b.failure().getMessage().contains("the test's disk is full"), b.failure().getMessage());
            assertEquals(Role.FAILED, b.role());
            a.engine().awaitApplied(400, 20, TimeUnit.SECONDS);   // degraded: visible without a standby
            assertTrue(pair.events.stream().anyMatch((e) -> e.startsWith("a: DEGRADED to asynchronous")), pair.events.toString());
        }
        finally
        {
            Pair.closeQuietly(a, b);
        }
    }

    /**
     * A standby halted by a command it cannot apply (newer code's), not by its journal: what it took from the primary
     * goes on into its journal, for its next start, so its failure does not say it journals nothing more (a reviewer
     * read that and saw the journal grow by 2,000 positions).
     */
    @Test
    void shouldSayAStandbyHaltedByACommandKeepsWhatItTookInItsJournal() throws Exception
    {
        final Pair pair = new Pair(dir);
        final ReplicationMode mode = ReplicationMode.ASYNCHRONOUS;
        final ReplicationNode a = ReplicationNode.launch(pair.context("a", mode),
            pair.engine("a", new AccumulatorStateMachine(), Topology.PIPELINED).closeTimeout(Duration.ofSeconds(2)),
            Role.PRIMARY);
        final ReplicationNode b = ReplicationNode.launch(pair.context("b", mode),
            pair.engine("b", new NewerFrom(301), Topology.PIPELINED).closeTimeout(Duration.ofSeconds(2)), Role.STANDBY);
        try
        {
            Pair.publish(a.engine(), 1, 400);
            Pair.await(() -> b.failure() != null, Duration.ofSeconds(10), "b's node fails");
            assertTrue(b.failure().getMessage().startsWith("this standby's engine halted, so it applies nothing more " +
                "and follows the primary no more (what it had taken from the primary is journaled, for its next start to " +
                "apply): "), b.failure().getMessage());
            assertTrue(b.failure().getMessage().contains("command at position 301 is newer code's") &&
                b.failure().getMessage().contains("asynchronous: the primary goes on alone"), b.failure().getMessage());
            assertEquals(Role.FAILED, b.role());
        }
        finally
        {
            Pair.closeQuietly(a, b);
        }
        try (io.ringlog.core.Journal journal = pair.journal("b"))
        {
            assertTrue(journal.lastPosition() >= 301, "b journaled the command it halted on: " + journal.lastPosition());
        }
    }

    /** Applies as an accumulator up to a position, and cannot apply the commands from it on, as older code cannot. */
    private static final class NewerFrom extends io.ringlog.core.testing.StateMachineAdapter
    {
        private final long from;

        NewerFrom(final long from)
        {
            this.from = from;
        }

        @Override
        public void apply(final io.ringlog.core.Command command, final io.ringlog.core.Output output)
        {
            if (command.position() >= from)
            {
                throw new Newer("command at position " + command.position() + " is newer code's");
            }
        }
    }

    /** What older code throws for a command it cannot apply at all. */
    private static final class Newer extends IllegalStateException implements io.ringlog.core.CannotApply
    {
        private static final long serialVersionUID = 1L;

        Newer(final String message)
        {
            super(message);
        }
    }
}
