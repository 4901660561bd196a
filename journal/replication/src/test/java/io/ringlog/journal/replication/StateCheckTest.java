package io.ringlog.journal.replication;

import io.ringlog.core.Command;
import io.ringlog.core.Output;
import io.ringlog.core.StateMachine;
import io.ringlog.core.Topology;
import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.core.testing.ForwardingStateMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pair compares its states: the primary sends the state hash its engine took every {@code stateCheckEvery}
 * positions, the standby compares it with its own there. Two nodes whose code agrees are seen to agree; a standby
 * whose code rejects a command the primary applied (a reviewer's finding: the states parted silently, up to a
 * failover that served the standby's) says where, on both nodes, in their status, and is not promoted unless forced.
 */
class StateCheckTest
{
    @TempDir
    Path dir;

    @Test
    void shouldShowAStandbysStateEqualToThePrimarysAtEachCheck() throws Exception
    {
        final Pair pair = new Pair(dir);
        final ReplicationMode mode = ReplicationMode.SYNCHRONOUS;
        final ReplicationNode a = pair.launch("a", Role.PRIMARY, mode, Topology.PIPELINED, new AccumulatorStateMachine(),
            (ctx) -> ctx.stateCheckEvery(500));
        final ReplicationNode b = pair.launch("b", Role.STANDBY, mode, Topology.PIPELINED, new AccumulatorStateMachine(),
            (ctx) -> ctx.stateCheckEvery(500));
        try
        {
            Pair.publish(a.engine(), 1, 3_000);
            a.engine().awaitApplied(3_000, 20, TimeUnit.SECONDS);
            Pair.await(() -> b.status().stateEqualAt() == 3_000, Duration.ofSeconds(20),
                "the standby compares its state at position 3000");
            // At 500, 1000, ..., 3000: the checks and the snapshots (every 1,000) at the same positions, one hash each.
            assertEquals(6, b.status().stateEqualCount(), b.status().fields().toString());
            assertEquals("equal to the primary's at position 3000, the last compared (6 compared since it started)",
                ReplicationStatus.read(dir.resolve("b").resolve("replication")).fields().get("state"));
            assertEquals(0, a.status().stateDiffersAt());
            Pair.await(() -> a.status().stateEqualAt() == 3_000, Duration.ofSeconds(10), "the standby tells the primary");
            assertEquals("the standby's equal to this node's at position 3000, the last it compared",
                a.status().fields().get("state"));
            assertTrue(pair.events.stream().noneMatch((e) -> e.contains("DIFFERS")), pair.events.toString());
        }
        finally
        {
            Pair.closeQuietly(a, b);
        }
    }

    @Test
    void shouldSayWhereAStandbysStatePartsFromThePrimarysAndRefuseToPromoteIt() throws Exception
    {
        final Pair pair = new Pair(dir);
        final ReplicationMode mode = ReplicationMode.SYNCHRONOUS;
        final ReplicationNode a = pair.launch("a", Role.PRIMARY, mode, Topology.PIPELINED, new AccumulatorStateMachine(),
            (ctx) -> ctx.stateCheckEvery(500));
        final ReplicationNode b = standby(pair, new ThrowsAt(1_700));
        try
        {
            Pair.publish(a.engine(), 1, 3_000);
            a.engine().awaitApplied(3_000, 20, TimeUnit.SECONDS);
            Pair.await(() -> pair.events.stream().anyMatch((e) -> e.startsWith("b: STATE DIFFERS")),
                Duration.ofSeconds(20), "the standby says its state differs");
            final String said = pair.events.stream().filter((e) -> e.startsWith("b: STATE DIFFERS")).findFirst().get();
            assertTrue(said.startsWith("b: STATE DIFFERS from the primary's at position 2000: this node's state hash " +
                "there is "), said);
            Pair.await(() -> a.status().stateEqualAt() == 1_500, Duration.ofSeconds(10),
                "the primary's page shows the standby's last equal comparison, without waiting for a later check");
            assertTrue(said.contains("(equal at position 1500, the last compared before it)") &&
                said.contains("a promotion of it is refused unless forced") &&
                said.contains("move away its snapshots after position 1500"), said);
            assertEquals(1, pair.events.stream().filter((e) -> e.startsWith("b: STATE DIFFERS")).count(), "said once");
            Pair.await(() -> pair.events.stream().anyMatch((e) -> e.startsWith("a: THE STANDBY'S STATE DIFFERS from " +
                "this node's at position 2000")), Duration.ofSeconds(10), "the primary says so too");
            final ReplicationStatus standby = ReplicationStatus.read(dir.resolve("b").resolve("replication"));
            assertEquals(2_000, standby.stateDiffersAt());
            assertTrue(standby.fields().get("state").startsWith("DIFFERS: this node's state differed from its " +
                "primary's at position 2000 (state hash "), standby.fields().toString());
            assertTrue(a.status().fields().get("state").startsWith("DIFFERS: the standby's state differed from this " +
                "node's at position 2000"), a.status().fields().toString());
            assertTrue(standby.fields().get("message").startsWith("STATE DIFFERS"), standby.fields().toString());
            assertEquals(2_000, a.status().stateDiffersAt());
            assertEquals(b.status().stateHashHere(), a.status().stateHashPeer());
            assertEquals(b.status().stateHashPeer(), a.status().stateHashHere());
            // It goes on following: what the primary journals after the difference is in its journal too.
            Pair.publish(a.engine(), 3_001, 3_100);
            b.engine().awaitApplied(3_100, 20, TimeUnit.SECONDS);

            a.close();
            final ReplicationException refused = assertThrows(ReplicationException.class,
                () -> b.promote(Duration.ofSeconds(20)), "a standby whose state differs is not promoted");
            assertTrue(refused.getMessage().startsWith("this standby's state differs from the primary's: " +
                "found at position 2000"), refused.getMessage());
            assertEquals(Role.STANDBY, b.role());
            pair.assertSameJournals(3_100);
            // Forced, where its state is wanted over none; and it says what that means for the next standby.
            b.promote(Duration.ofSeconds(20), true);
            assertEquals(Role.PRIMARY, b.role());
            assertTrue(pair.events.stream().anyMatch((e) -> e.startsWith("b: PROMOTED to primary in epoch 1") &&
                e.contains("Its state differed from the former primary's at position 2000, and it is the state this " +
                "pair serves now")), pair.events.toString());
            assertTrue(b.status().fields().get("state").startsWith("DIFFERS: this node's state differed from its " +
                "primary's at position 2000 (state hash ") && b.status().fields().get("state").contains(", before it " +
                "was promoted"), b.status().fields().toString());
        }
        finally
        {
            Pair.closeQuietly(a, b);
        }
    }

    /**
     * A reviewer's finding: a standby that differed, restarted with the same code, showed "not compared yet" and was
     * promoted without force. The difference is kept until a comparison comes back equal; the advice, followed, does.
     * A node takes its hashes in its replay too, so on an idle pair (no command after the restarts) each start is
     * compared within a heartbeat: it was compared only at the next multiple of stateCheckEvery past its journal's end
     * (a reviewer's note: a million positions away at the default, its promotion refused until then).
     */
    @Test
    void shouldKeepADifferenceAcrossARestartUntilTheAdviceMendsIt() throws Exception
    {
        final Pair pair = new Pair(dir);
        final ReplicationMode mode = ReplicationMode.SYNCHRONOUS;
        final ReplicationNode a = pair.launch("a", Role.PRIMARY, mode, Topology.PIPELINED, new AccumulatorStateMachine(),
            (ctx) -> ctx.stateCheckEvery(500));
        ReplicationNode b = standby(pair, new ThrowsAt(1_700));
        try
        {
            Pair.publish(a.engine(), 1, 3_000);
            a.engine().awaitApplied(3_000, 20, TimeUnit.SECONDS);
            Pair.await(() -> pair.events.stream().anyMatch((e) -> e.startsWith("a: THE STANDBY'S STATE DIFFERS")),
                Duration.ofSeconds(20), "the pair finds the difference");
            b.close();

            b = standby(pair, new ThrowsAt(1_700));
            final ReplicationStatus restarted = b.status();
            assertTrue(restarted.stateDiffersAt() == 2_000 && (restarted.stateDiffersCarried() ? restarted.fields()
                .get("state").contains("found by an earlier process of this node, and shown until a comparison comes " +
                "back equal") : restarted.stateEqualCount() == 0), restarted.fields().toString());
            // The same code replays to the same state: found again at the primary's newest check, without a new command,
            // and the first difference kept, with the advice it gave.
            Pair.await(() -> pair.events.stream().anyMatch((e) -> e.startsWith("b: STATE DIFFERS from the primary's at " +
                "position 3000: this node's state hash there is ") && e.contains("(still: an earlier process of this " +
                "node found it differing at position 2000, equal at position 1500 before it)") && e.contains("move away " +
                "its snapshots after position 1500")), Duration.ofSeconds(20), "the restarted standby compares at once");
            assertEquals(2_000, b.status().stateDiffersAt());
            final ReplicationNode same = b;
            final ReplicationException refused = assertThrows(ReplicationException.class,
                () -> same.promote(Duration.ofSeconds(20)), "still not promoted");
            assertTrue(refused.getMessage().startsWith("this standby's state differs from the primary's: found at " +
                "position 2000 by an earlier process of this node, and again by this one at position 3000 (") &&
                refused.getMessage().contains("stop it, move away its snapshots after position 1500"), refused.getMessage());
            b.close();

            // The advice: its snapshots after 1500 moved away, started again with the primary's code.
            moveSnapshotsAfter(dir.resolve("b").resolve("snapshots"), 1_500, dir.resolve("b-snapshots-after-1500"));
            b = standby(pair, new AccumulatorStateMachine());
            Pair.await(() -> pair.events.stream().anyMatch((e) -> e.startsWith("b: STATE EQUAL to the primary's at " +
                "position 3000: the difference at position 2000 that an earlier process of this node found is gone")),
                Duration.ofSeconds(20), "the mended standby says so, without a new command");
            Pair.await(() -> pair.events.stream().anyMatch((e) -> e.startsWith("a: the standby's state is EQUAL to " +
                "this node's at position 3000")), Duration.ofSeconds(20), "and the primary");
            final ReplicationNode mended = b;
            Pair.await(() -> mended.status().stateDiffersAt() == 0 && a.status().stateDiffersAt() == 0,
                Duration.ofSeconds(10), "both pages clear");
            assertEquals("equal to the primary's at position 3000, the last compared (1 compared since it started)",
                b.status().fields().get("state"));
            a.close();
            b.promote(Duration.ofSeconds(20));
            assertEquals(Role.PRIMARY, b.role());
        }
        finally
        {
            Pair.closeQuietly(a, b);
        }
    }

    /**
     * A reviewer's findings on restarts where the primary's newest check is a snapshot position (every 1,500) and not a
     * multiple of stateCheckEvery (1,000): a healthy standby started again without its snapshots showed "not compared
     * yet" for good on an idle pair, and a mended one stayed DIFFERS, its promotion refused. The replay takes its hashes
     * at the snapshot positions too; with another --snapshot-every than the primary's, the primary's older checks, sent
     * again in turn, give a position both hold. No command is published after any restart here.
     */
    @Test
    void shouldCompareARestartedStandbyOnAnIdlePairWhereverTheNewestCheckIs() throws Exception
    {
        final Pair pair = new Pair(dir);
        final ReplicationNode a = primaryEvery(pair, 1_000);
        ReplicationNode b = standbyEvery(pair, new ThrowsAt(1_700), 1_500);
        try
        {
            partAt(pair, a, 2_000);
            b.close();

            // Mended as advised: its snapshots after 1500 moved away (4500 among them, the primary's newest check).
            moveSnapshotsAfter(dir.resolve("b").resolve("snapshots"), 1_500, dir.resolve("b-moved"));
            b = standbyEvery(pair, new AccumulatorStateMachine(), 1_500);
            // At whichever check both hold after the difference reaches it first (its replay may still be going when the
            // first checks come), then at the newest.
            Pair.await(() -> pair.events.stream().anyMatch((e) -> e.startsWith("b: STATE EQUAL to the primary's at " +
                "position ") && e.contains(": the difference at position 2000 that an earlier process of this node found " +
                "is gone")), Duration.ofSeconds(20), "the mended standby says so at once");
            final ReplicationNode mended = b;
            Pair.await(() -> mended.status().stateEqualAt() == 4_500, Duration.ofSeconds(20),
                "the mended standby compares the primary's newest check, a snapshot's");
            b.close();

            // Healthy, started again with no snapshot at all, and another --snapshot-every: 4500 is no position it takes a
            // hash at; 4000, a check both take, sent again, is.
            moveSnapshotsAfter(dir.resolve("b").resolve("snapshots"), 0, dir.resolve("b-moved-all"));
            b = standbyEvery(pair, new AccumulatorStateMachine(), 2_500);
            final ReplicationNode restarted = b;
            Pair.await(() -> restarted.status().stateEqualAt() == 4_000, Duration.ofSeconds(20),
                "the standby compares the primary's check at 4000, sent again");
            assertEquals(0, restarted.status().stateDiffersAt(), restarted.status().fields().toString());
            a.close();
            b.promote(Duration.ofSeconds(20));
            assertEquals(Role.PRIMARY, b.role());
        }
        finally
        {
            Pair.closeQuietly(a, b);
        }
    }

    /**
     * A reviewer's finding: with checks at snapshots only (stateCheckEvery 0), the replay took no hash, so a standby
     * mended as advised held none at any position the primary sent, and stayed DIFFERS on an idle pair.
     */
    @Test
    void shouldCompareARestartedStandbyWithChecksAtSnapshotsOnly() throws Exception
    {
        final Pair pair = new Pair(dir);
        final ReplicationNode a = primaryEvery(pair, 0);
        ReplicationNode b = standbyEvery(pair, new ThrowsAt(1_700), 1_500, 0);
        try
        {
            // At a snapshot both take, the first after 1700.
            partAt(pair, a, 3_000);
            b.close();

            moveSnapshotsAfter(dir.resolve("b").resolve("snapshots"), 1_500, dir.resolve("b-moved"));
            b = standbyEvery(pair, new AccumulatorStateMachine(), 1_500, 0);
            Pair.await(() -> pair.events.stream().anyMatch((e) -> e.startsWith("b: STATE EQUAL to the primary's at " +
                "position ") && e.contains(": the difference at position 3000 that an earlier process of this node found " +
                "is gone")), Duration.ofSeconds(20), "the mended standby says so, without a new command");
        }
        finally
        {
            Pair.closeQuietly(a, b);
        }
    }

    /** Node a as a synchronous primary, snapshots every 1,500 positions, checks every {@code stateCheckEvery}. */
    private static ReplicationNode primaryEvery(final Pair pair, final long stateCheckEvery)
    {
        return ReplicationNode.launch(pair.context("a", ReplicationMode.SYNCHRONOUS).stateCheckEvery(stateCheckEvery),
            pair.engine("a", new AccumulatorStateMachine(), Topology.PIPELINED).snapshotEvery(1_500), Role.PRIMARY);
    }

    /** Publishes positions 1..4600 on {@code a}; its standby, which rejects 1700, says its state differs at {@code at}. */
    private static void partAt(final Pair pair, final ReplicationNode a, final long at) throws Exception
    {
        Pair.publish(a.engine(), 1, 4_600);
        a.engine().awaitApplied(4_600, 20, TimeUnit.SECONDS);
        Pair.await(() -> pair.events.stream().anyMatch((e) -> e.startsWith("b: STATE DIFFERS from the primary's at " +
            "position " + at)), Duration.ofSeconds(20), "the pair finds the difference at " + at);
    }

    private static ReplicationNode standbyEvery(final Pair pair, final StateMachine stateMachine, final long snapshotEvery)
    {
        return standbyEvery(pair, stateMachine, snapshotEvery, 1_000);
    }

    private static ReplicationNode standbyEvery(final Pair pair, final StateMachine stateMachine, final long snapshotEvery,
        final long stateCheckEvery)
    {
        return ReplicationNode.launch(pair.context("b", ReplicationMode.SYNCHRONOUS).stateCheckEvery(stateCheckEvery),
            pair.engine("b", stateMachine, Topology.PIPELINED).snapshotEvery(snapshotEvery)
                .closeTimeout(Duration.ofSeconds(2)), Role.STANDBY);
    }

    /** Moves the snapshots of positions after {@code position} from {@code snapshots} into {@code away}. */
    private static void moveSnapshotsAfter(final Path snapshots, final long position, final Path away) throws Exception
    {
        Files.createDirectories(away);
        final String last = String.format("snapshot-%020d.rls", position);
        try (java.util.stream.Stream<Path> files = Files.list(snapshots))
        {
            for (final Path file : files.toList())
            {
                if (file.getFileName().toString().compareTo(last) > 0)
                {
                    Files.move(file, away.resolve(file.getFileName()));
                }
            }
        }
    }

    /**
     * Node b as a synchronous standby checking every 500 positions; promoted, it has no standby of its own, so its close
     * gives up waiting for acknowledgements after 2 s, not the pair's 20 s.
     */
    private static ReplicationNode standby(final Pair pair, final StateMachine stateMachine)
    {
        return ReplicationNode.launch(pair.context("b", ReplicationMode.SYNCHRONOUS).stateCheckEvery(500),
            pair.engine("b", stateMachine, Topology.PIPELINED).closeTimeout(Duration.ofSeconds(2)), Role.STANDBY);
    }

    /** An accumulator that rejects the command at one position, as code only one node runs would. */
    private static final class ThrowsAt extends ForwardingStateMachine
    {
        private final long position;

        ThrowsAt(final long position)
        {
            super(new AccumulatorStateMachine());
            this.position = position;
        }

        @Override
        public void apply(final Command command, final Output output)
        {
            if (command.position() == position)
            {
                throw new IllegalStateException("this node's code alone cannot apply position " + position);
            }
            delegate.apply(command, output);
        }
    }
}
