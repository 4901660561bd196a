package io.ringlog.journal.replication;

import io.ringlog.core.EngineHaltedException;
import io.ringlog.core.Topology;
import io.ringlog.core.testing.AccumulatorStateMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a node's status page keeps as its last role, which decides at its next start whether its journal may end in
 * entries it wrote as a primary ({@link ReplicationStatus#lastRole}). A reviewer's two cases: a rejoin that failed
 * as diverged recorded STANDBY before its tail was cut, so an uncut journal read as the primary's history; and a
 * start that failed before its agent wrote its role read as a primary's (a fresh page's role field is 0).
 */
class LastRoleTest
{
    @TempDir
    Path dir;

    @Test
    void shouldKeepThePrimaryRoleUntilTheRejoinsCutIsDone() throws Exception
    {
        final Pair pair = new Pair(dir);
        final ReplicationMode mode = ReplicationMode.ASYNCHRONOUS;
        ReplicationNode a = pair.launch("a", Role.PRIMARY, mode, Topology.PIPELINED, new AccumulatorStateMachine());
        ReplicationNode b = pair.launch("b", Role.STANDBY, mode, Topology.PIPELINED, new AccumulatorStateMachine());
        try
        {
            Pair.publish(a.engine(), 1, 500);
            b.engine().awaitApplied(500, 30, TimeUnit.SECONDS);
            b.dropReceiving(Duration.ofSeconds(60));
            Pair.await(() -> pair.events.contains("b: receiving dropped: the log and catch-up subscriptions are closed " +
                "for a while"), Duration.ofSeconds(10), "b's subscriptions closed");
            final ReplicationNode primary = a;
            Pair.publish(primary.engine(), 501, 700);
            Pair.await(() -> primary.engine().metrics().lastAppliedPosition() == 700 ||
                primary.status().lagPositions() > 0, Duration.ofSeconds(30), "a tail");
            b.promote(Duration.ofSeconds(10), true);
            Pair.await(() -> primary.role() == Role.FENCED, Duration.ofSeconds(10), "a fenced");
            assertThrows(EngineHaltedException.class, primary::close);
            final long aLast = a.engine().metrics().lastAppliedPosition();
            assertEquals(Role.FENCED, ReplicationStatus.lastRole(dir.resolve("a").resolve("replication")));

            // a restarted with --rejoin: it fails as diverged, and the app is to cut its tail next.
            a = pair.launch("a", Role.STANDBY, mode, Topology.PIPELINED, new AccumulatorStateMachine(),
                (ctx) -> ctx.rejoining(true));
            final ReplicationNode rejoining = a;
            Pair.await(() -> rejoining.failure() != null, Duration.ofSeconds(10), "the divergence found");
            assertInstanceOf(DivergedHistoryException.class, a.failure());
            assertThrows(EngineHaltedException.class, rejoining::close);
            // The cut has not happened (the process died, or Rejoin.truncate threw): the journal still ends in a's own tail.
            assertEquals(Role.FENCED, ReplicationStatus.lastRole(dir.resolve("a").resolve("replication")),
                "uncut journal still ends in entries a wrote as a primary (it ends at " + aLast + ")");
            // Cut, and said so: the journal ends in b's history now.
            final DivergedHistoryException diverged = (DivergedHistoryException)rejoining.failure();
            Rejoin.truncate(dir.resolve("a").resolve("journal"), null, diverged.keepUpTo(), (line) ->
            {
            });
            Rejoin.cutDone(dir.resolve("a").resolve("replication"));
            assertEquals(Role.STANDBY, ReplicationStatus.lastRole(dir.resolve("a").resolve("replication")));
        }
        finally
        {
            Pair.closeQuietly(b, a);
        }
    }

    @Test
    void shouldNotTakeAStartThatFailedBeforeItsRoleForAPrimarysRun() throws Exception
    {
        final Pair pair = new Pair(dir);
        java.nio.file.Files.createDirectories(dir.resolve("b"));
        java.nio.file.Files.writeString(dir.resolve("b").resolve("aeron"), "not a directory");
        assertThrows(RuntimeException.class, () -> pair.launch("b", Role.STANDBY, ReplicationMode.SYNCHRONOUS,
            Topology.PIPELINED, new AccumulatorStateMachine()));
        assertEquals(null, ReplicationStatus.lastRole(dir.resolve("b").resolve("replication")),
            "a standby that never ran, whose start failed");
    }

    /**
     * A reviewer's finding: b, promoted and then asynchronous with a standby a that stopped hearing it, showed
     * 1101..1600; both stopped, and a was restarted as the primary (its journal ending at 1100) with b as its standby.
     * b was told its 1101..1600 were "shipped by its primary, which stopped before it journaled them ... No client saw
     * them", and cut them. They are b's own, shown: b refuses, saying to start it as the primary, which keeps them.
     */
    @Test
    void shouldRefuseToCutWhatThisNodeShowedAsThePrimaryWhenAnOlderHistoryStartsAsPrimary() throws Exception
    {
        final Pair pair = new Pair(dir);
        final ReplicationMode mode = ReplicationMode.ASYNCHRONOUS;
        final java.util.concurrent.atomic.AtomicReference<io.ringlog.core.Engine> aEngine =
            new java.util.concurrent.atomic.AtomicReference<>();
        final java.util.concurrent.atomic.AtomicReference<io.ringlog.core.Engine> bEngine =
            new java.util.concurrent.atomic.AtomicReference<>();
        ReplicationNode a = pair.launch("a", Role.PRIMARY, mode, Topology.PIPELINED, new AccumulatorStateMachine(),
            shown(aEngine));
        aEngine.set(a.engine());
        ReplicationNode b = pair.launch("b", Role.STANDBY, mode, Topology.PIPELINED, new AccumulatorStateMachine(),
            shown(bEngine));
        final Path bReplication = dir.resolve("b").resolve("replication");
        try
        {
            Pair.publish(a.engine(), 1, 1_000);
            b.engine().awaitApplied(1_000, 30, TimeUnit.SECONDS);
            final ReplicationNode first = b;
            Pair.await(() -> first.status().peerHeardMillis() > 0, Duration.ofSeconds(10), "b heard a's heartbeat");
            a.close();
            assertEquals(1_001, b.promote(Duration.ofSeconds(10)).position());
            bEngine.set(b.engine());
            aEngine.set(null);
            a = pair.launch("a", Role.STANDBY, mode, Topology.PIPELINED, new AccumulatorStateMachine(), shown(aEngine));
            Pair.publish(b.engine(), 1_002, 1_100);
            a.engine().awaitApplied(1_100, 30, TimeUnit.SECONDS);
            a.dropReceiving(Duration.ofSeconds(120));
            Pair.await(() -> pair.events.contains("a: receiving dropped: the log and catch-up subscriptions are closed " +
                "for a while"), Duration.ofSeconds(10), "a's subscriptions closed");
            Pair.publish(b.engine(), 1_101, 1_600);
            b.engine().awaitApplied(1_600, 30, TimeUnit.SECONDS);
            Pair.await(() -> ReplicationStatus.shownPosition(bReplication) == 1_600, Duration.ofSeconds(10),
                "b's page: shown 1600");
            a.close();
            b.close();

            aEngine.set(null);
            bEngine.set(null);
            a = pair.launch("a", Role.PRIMARY, mode, Topology.PIPELINED, new AccumulatorStateMachine(), shown(aEngine));
            aEngine.set(a.engine());
            b = pair.launch("b", Role.STANDBY, mode, Topology.PIPELINED, new AccumulatorStateMachine(), shown(bEngine));
            final ReplicationNode standby = b;
            Pair.await(() -> standby.failure() != null, Duration.ofSeconds(20), "b refuses");
            final Throwable refused = b.failure();
            assertFalse(refused instanceof DivergedHistoryException, "nothing cut: " + refused);
            assertTrue(refused.getMessage().startsWith("this node was the primary before it stopped, and showed events " +
                "up to position 1600, past position 1100, where the journal of the node started as the primary now " +
                "ends") && refused.getMessage().contains("restart this one as the primary"), refused.getMessage());
            Pair.closeQuietly(b, a);   // b's engine halted with the refusal

            // Started to rejoin, as the refusal says drops them: b is told to cut 1101..1600 (a reviewer's finding: --rejoin
            // was refused the same way, and nothing said how to drop them). The cut is the caller's (Rejoin.truncate), so
            // b's journal still holds them for the start below.
            a = pair.launch("a", Role.PRIMARY, mode, Topology.PIPELINED, new AccumulatorStateMachine(), shown(aEngine));
            aEngine.set(a.engine());
            b = pair.launch("b", Role.STANDBY, mode, Topology.PIPELINED, new AccumulatorStateMachine(), (ctx) ->
                shown(bEngine).apply(ctx).rejoining(true));
            final ReplicationNode rejoining = b;
            Pair.await(() -> rejoining.failure() != null, Duration.ofSeconds(20), "b told to cut");
            final DivergedHistoryException cut = (DivergedHistoryException)b.failure();
            assertEquals(1_100, cut.keepUpTo(), cut.getMessage());
            assertEquals(1_600, cut.lastPosition(), cut.getMessage());
            assertFalse(cut.neverShown(), "clients may have seen them: " + cut.getMessage());
            assertTrue(cut.getMessage().startsWith("positions 1101..1600 of this node's journal are its own, from its last " +
                "run as a primary, which showed events up to position 1600"), cut.getMessage());
            Pair.closeQuietly(b, a);

            // As it says: b as the primary, a as its standby, which follows b's history to 1600.
            aEngine.set(null);
            bEngine.set(null);
            b = pair.launch("b", Role.PRIMARY, mode, Topology.PIPELINED, new AccumulatorStateMachine(), shown(bEngine));
            bEngine.set(b.engine());
            a = pair.launch("a", Role.STANDBY, mode, Topology.PIPELINED, new AccumulatorStateMachine(), shown(aEngine));
            a.engine().awaitApplied(1_600, 30, TimeUnit.SECONDS);
            assertEquals(null, a.failure());
        }
        finally
        {
            Pair.closeQuietly(b, a);
        }
    }

    private static java.util.function.UnaryOperator<ReplicationContext> shown(
        final java.util.concurrent.atomic.AtomicReference<io.ringlog.core.Engine> engine)
    {
        return (ctx) -> ctx.shownPosition(() ->
        {
            final io.ringlog.core.Engine e = engine.get();
            return e == null ? -1 : e.metrics().lastAppliedPosition();
        });
    }
}
