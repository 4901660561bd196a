package io.ringlog.journal.replication;

import io.ringlog.core.Topology;
import io.ringlog.core.testing.AccumulatorStateMachine;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A primary and a hot standby on loopback UDP: the standby journals every entry, applies it (same
 * hash at the same position) and snapshots where the primary does, in both modes and topologies.
 */
class ReplicationTest
{
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"SYNCHRONOUS, PIPELINED", "ASYNCHRONOUS, PIPELINED", "SYNCHRONOUS, COMPACT"})
    void shouldKeepAHotStandbyWithTheSameJournalAndState(final ReplicationMode mode, final Topology topology)
        throws Exception
    {
        final Pair pair = new Pair(dir);
        final AccumulatorStateMachine primaryState = new AccumulatorStateMachine();
        final AccumulatorStateMachine standbyState = new AccumulatorStateMachine();
        final ReplicationNode standby = pair.launch("b", Role.STANDBY, mode, topology, standbyState);
        final ReplicationNode primary = pair.launch("a", Role.PRIMARY, mode, topology, primaryState);
        try (standby; primary)
        {
            Pair.publish(primary.engine(), 1, 20_000);
            primary.engine().awaitApplied(20_000, 30, TimeUnit.SECONDS);
            standby.engine().awaitApplied(20_000, 30, TimeUnit.SECONDS);
            Pair.await(() -> primary.status().acknowledgedPosition() == 20_000, Duration.ofSeconds(10), "the last ack");
            final ReplicationStatus status = primary.status();
            assertEquals(Role.PRIMARY, status.role());
            assertEquals(PeerState.CONNECTED, status.peer());
            if (mode == ReplicationMode.SYNCHRONOUS)
            {
                assertTrue(primary.ackLatency().getTotalCount() > 0, "acknowledgement latency measured");
            }
        }
        assertEquals(primary.engine().stateHash(), standby.engine().stateHash(), "hot standby: same state");
        assertEquals(primaryState.total(), standbyState.total());
        for (final String node : java.util.List.of("a", "b"))
        {
            // A log read top down: the node says it started before it says its peer is heard.
            final java.util.List<String> said = pair.events.stream().filter((e) -> e.startsWith(node + ": ") &&
                (e.contains("started as ") || e.contains(": peer heard (epoch "))).toList();
            assertTrue(said.size() >= 2 && said.get(0).startsWith(node + ": started as "), said.toString());
        }
        pair.assertSameJournals(20_000);
        assertEquals(pair.replayHash("a"), pair.replayHash("b"));
    }

    /**
     * An asynchronous primary with a standby started synchronous (the probe's pair): the standby's status
     * said "synchronous" while nothing waited for it. Each node says once that the modes differ, which one
     * decides, and what to do; each status's mode line says it too.
     */
    @org.junit.jupiter.api.Test
    void shouldSayWhenThePairWasStartedWithDifferentModes() throws Exception
    {
        final Pair pair = new Pair(dir);
        final ReplicationNode standby = pair.launch("b", Role.STANDBY, ReplicationMode.SYNCHRONOUS, Topology.COMPACT,
            new AccumulatorStateMachine());
        final ReplicationNode primary = pair.launch("a", Role.PRIMARY, ReplicationMode.ASYNCHRONOUS, Topology.COMPACT,
            new AccumulatorStateMachine());
        try (standby; primary)
        {
            Pair.publish(primary.engine(), 1, 1_000);
            Pair.await(() -> standby.status().journaledPosition() == 1_000 &&
                "synchronous".equals(primary.status().peerMode()) && "asynchronous".equals(standby.status().peerMode()),
                Duration.ofSeconds(20), "the standby to hold every command and each node to know the other's mode");
            Pair.await(() -> said(pair, "a: the standby at ") == 1 && said(pair, "b: the primary at ") == 1,
                Duration.ofSeconds(10), "each node to say the modes differ");
            assertTrue(pair.events.stream().anyMatch((e) -> e.startsWith("b: the primary at ") && e.contains(
                "was started asynchronous and this node synchronous: the primary does not wait for this standby (what " +
                "it shows can be lost with it, whatever this node's mode), and this node's mode applies only once it " +
                "is promoted. Give both nodes the same mode (ReplicationContext.mode; --mode on the command line)")),
                pair.events.toString());
            assertTrue(pair.events.stream().anyMatch((e) -> e.startsWith("a: the standby at ") && e.contains(
                "was started synchronous and this node asynchronous: this primary does not wait for it")),
                pair.events.toString());
            assertEquals("synchronous (the primary was started asynchronous: the primary's mode decides, this node's " +
                "applies once it is promoted; give both the same mode)", standby.status().fields().get("mode"));
            assertEquals("asynchronous (the standby was started synchronous: this node's mode decides, the standby's " +
                "applies once it is promoted; give both the same mode)", primary.status().fields().get("mode"));
            // Heartbeats go on; the warning is not repeated.
            final long heard = primary.status().peerHeardMillis();
            Pair.await(() -> primary.status().peerHeardMillis() > heard, Duration.ofSeconds(10), "another heartbeat");
            assertEquals(1, said(pair, "a: the standby at "), pair.events.toString());
            assertEquals(1, said(pair, "b: the primary at "), pair.events.toString());
        }
    }

    /**
     * A clean stop is told to the peer, which said only that it went silent, as for a crash: a standby whose primary
     * was stopped for maintenance logged "LOST ... an arbiter may promote this standby" and no more. It now says the
     * primary is stopping, where its journal ends and whether it holds all of it; and the primary, of a standby.
     */
    @org.junit.jupiter.api.Test
    void shouldTellThePeerOfACleanStop() throws Exception
    {
        final Pair pair = new Pair(dir);
        final ReplicationNode standby = pair.launch("b", Role.STANDBY, ReplicationMode.SYNCHRONOUS, Topology.COMPACT,
            new AccumulatorStateMachine());
        final ReplicationNode primary = pair.launch("a", Role.PRIMARY, ReplicationMode.SYNCHRONOUS, Topology.COMPACT,
            new AccumulatorStateMachine());
        try (standby)
        {
            try (primary)
            {
                Pair.publish(primary.engine(), 1, 1_000);
                primary.engine().awaitApplied(1_000, 20, TimeUnit.SECONDS);
            }
            final String stopped = "b: peer 127.0.0.1:" + pair.portA + " STOPPED: the primary is stopping cleanly, its " +
                "journal ending at position 1000; this standby holds all of it (up to position 1000): promoting it " +
                "loses nothing";
            Pair.await(() -> pair.events.contains(stopped), Duration.ofSeconds(10), "b to say: " + stopped);
            Pair.await(() -> pair.events.stream().anyMatch((e) -> e.startsWith("b: peer ") && e.contains(" LOST: silent " +
                "for ") && e.contains(" since it said it was stopping (the STOPPED line above): no automatic failover")),
                Duration.ofSeconds(10), "b's LOST line to say the primary had said it was stopping");
            assertFalse(pair.events.stream().anyMatch((e) -> e.startsWith("b: peer ONE WAY")),
                "a primary that stopped is not a wrong --peer: " + pair.events);
        }
        assertFalse(pair.events.stream().anyMatch((e) -> e.startsWith("a: peer ") && e.contains("STOPPED")),
            "a stopped first: " + pair.events);

        // And the other way: a standby's clean stop, told to its primary.
        final Pair again = new Pair(dir.resolve("again"));
        try (ReplicationNode b = again.launch("b", Role.STANDBY, ReplicationMode.ASYNCHRONOUS, Topology.COMPACT,
            new AccumulatorStateMachine());
            ReplicationNode a = again.launch("a", Role.PRIMARY, ReplicationMode.ASYNCHRONOUS, Topology.COMPACT,
                new AccumulatorStateMachine()))
        {
            Pair.publish(a.engine(), 1, 100);
            Pair.await(() -> b.status().journaledPosition() == 100, Duration.ofSeconds(20), "b to hold every command");
            b.close();
            Pair.await(() -> again.events.stream().anyMatch((e) -> e.startsWith("a: peer ") &&
                e.contains(" STOPPED: the standby is stopping cleanly, its journal ending at position 100")),
                Duration.ofSeconds(10), "a to say its standby is stopping: " + again.events);
        }
    }

    private static long said(final Pair pair, final String start)
    {
        return pair.events.stream().filter((e) -> e.startsWith(start) && e.contains(" was started ")).count();
    }

    /**
     * A node given the Aeron directory of a node that runs (the probe's two nodes with one --aeron-dir) is
     * refused before its media driver starts: it would delete the directory under the running driver, which
     * then neither sent nor received, without an error, until restarted. The running pair goes on.
     */
    @org.junit.jupiter.api.Test
    void shouldRefuseANodeGivenTheAeronDirectoryOfANodeThatRuns() throws Exception
    {
        final Pair pair = new Pair(dir);
        final AccumulatorStateMachine primaryState = new AccumulatorStateMachine();
        final AccumulatorStateMachine standbyState = new AccumulatorStateMachine();
        final ReplicationNode standby = pair.launch("b", Role.STANDBY, ReplicationMode.SYNCHRONOUS, Topology.COMPACT,
            standbyState);
        final ReplicationNode primary = pair.launch("a", Role.PRIMARY, ReplicationMode.SYNCHRONOUS, Topology.COMPACT,
            primaryState);
        try (standby; primary)
        {
            final ReplicationException refused = org.junit.jupiter.api.Assertions.assertThrows(ReplicationException.class,
                () -> pair.launch("c", Role.STANDBY, ReplicationMode.SYNCHRONOUS, Topology.COMPACT,
                    new AccumulatorStateMachine(), (ctx) -> ctx.aeronDirectory(dir.resolve("a").resolve("aeron"))));
            assertTrue(refused.getMessage().startsWith("c: the Aeron directory " + dir.resolve("a").resolve("aeron") +
                " is in use by another node that is running") && refused.getMessage().contains("Give each node its own " +
                "Aeron directory (ReplicationContext.aeronDirectory; --aeron-dir on the command line"), refused.getMessage());
            Pair.publish(primary.engine(), 1, 2_000);
            primary.engine().awaitApplied(2_000, 30, TimeUnit.SECONDS);
            standby.engine().awaitApplied(2_000, 30, TimeUnit.SECONDS);
        }
        assertEquals(primary.engine().stateHash(), standby.engine().stateHash(), "the pair went on");
    }
}
