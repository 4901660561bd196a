package io.ringlog.journal.replication;

import io.ringlog.core.Topology;
import io.ringlog.core.testing.AccumulatorStateMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reviewer's finding (replication operator, reproduced): a node of another pair whose {@code --peer} named this
 * pair's primary, in a newer epoch than it, fenced the healthy primary with its REQUEST ("FENCED: the peer is in epoch
 * 1 (learnt from its REQUEST)"), and the pair went down. Every message but an entry now carries its sender's journal
 * identity, which a pair shares: the primary says a node of another journal sends to it, refuses its request, and
 * goes on with its own standby.
 */
class AnotherPairTest
{
    @TempDir
    Path dir;

    @Test
    void shouldNotLetANodeOfAnotherPairInANewerEpochFenceAHealthyPrimary() throws Exception
    {
        final ReplicationMode mode = ReplicationMode.ASYNCHRONOUS;
        final Pair other = new Pair(dir.resolve("other"));
        ReplicationNode stranger = promotedOnce(other, mode);
        final Pair pair = new Pair(dir.resolve("pair"));
        final ReplicationNode a = pair.launch("a", Role.PRIMARY, mode, Topology.COMPACT, new AccumulatorStateMachine());
        final ReplicationNode b = pair.launch("b", Role.STANDBY, mode, Topology.COMPACT, new AccumulatorStateMachine());
        try
        {
            Pair.publish(a.engine(), 1, 500);
            b.engine().awaitApplied(500, 30, TimeUnit.SECONDS);
            // The other pair's promoted node, restarted as a standby with its --peer at this pair's primary.
            stranger = other.launch("b", Role.STANDBY, mode, Topology.COMPACT, new AccumulatorStateMachine(),
                (ctx) -> ctx.peerEndpoint("127.0.0.1:" + pair.portA));
            assertEquals(1, stranger.epoch(), "the stranger is in a newer epoch than the pair");
            Pair.await(() -> new ArrayList<>(pair.events).stream().anyMatch((e) -> e.startsWith("a: ANOTHER JOURNAL: ") &&
                e.contains("(its REQUEST, in epoch 1; its journal id is " + other.journalId("a") + ", this node's " +
                pair.journalId("a") + ")")), Duration.ofSeconds(15), "a to say another journal's node sends to it");
            Pair.publish(a.engine(), 501, 1_000);
            b.engine().awaitApplied(1_000, 30, TimeUnit.SECONDS);
            assertEquals(Role.PRIMARY, a.role());
            assertNull(a.failure());
            assertTrue(new ArrayList<>(pair.events).stream().noneMatch((e) -> e.contains("FENCED")),
                String.join("\n", new ArrayList<>(pair.events)));
            assertTrue(a.status().message().startsWith("ANOTHER JOURNAL"), a.status().message());
            assertEquals(0, stranger.engine().nextPosition() - 1 - 101, "the stranger took nothing from this pair");
        }
        finally
        {
            Pair.closeQuietly(stranger, b, a);
        }
        assertEquals(a.engine().stateHash(), b.engine().stateHash());
        pair.assertSameJournals(1_000);
    }

    /**
     * A reviewer's finding: a new primary, its journal still empty, was fenced by another pair's node in a newer epoch
     * (its heartbeat: "FENCED ... (learnt from its HEARTBEAT)", exit 3), where its journal's identity said nothing yet.
     * It compares the identity it drew: not fenced, it says so, and takes commands.
     */
    @Test
    void shouldNotLetANodeOfAnotherPairFenceANewPrimaryBeforeItsFirstEntry() throws Exception
    {
        final ReplicationMode mode = ReplicationMode.ASYNCHRONOUS;
        final Pair other = new Pair(dir.resolve("other"));
        ReplicationNode stranger = promotedOnce(other, mode);
        final Pair pair = new Pair(dir.resolve("pair"));
        stranger = other.launch("b", Role.PRIMARY, mode, Topology.COMPACT, new AccumulatorStateMachine(),
            (ctx) -> ctx.peerEndpoint("127.0.0.1:" + pair.portA));
        final ReplicationNode a = pair.launch("a", Role.PRIMARY, mode, Topology.COMPACT, new AccumulatorStateMachine());
        try
        {
            assertEquals(1, stranger.epoch());
            Pair.await(() -> new ArrayList<>(pair.events).stream().anyMatch((e) -> e.startsWith("a: ANOTHER JOURNAL: ") &&
                e.contains("(its HEARTBEAT, in epoch 1;")), Duration.ofSeconds(15), "a to say another journal's node sends to it");
            assertEquals(Role.PRIMARY, a.role(), String.join("\n", new ArrayList<>(pair.events)));
            assertNull(a.failure());
            Pair.publish(a.engine(), 1, 100);
            a.engine().awaitApplied(100, 30, TimeUnit.SECONDS);
            assertEquals(Role.PRIMARY, a.role());
            assertTrue(new ArrayList<>(pair.events).stream().noneMatch((e) -> e.contains("FENCED")),
                String.join("\n", new ArrayList<>(pair.events)));
        }
        finally
        {
            Pair.closeQuietly(stranger, a);
        }
    }

    /**
     * A reviewer's finding: a pair made before the two nodes shared one identity (each journal kept the one it drew)
     * was refused after the upgrade as holding another journal, and a synchronous primary made nothing visible. Its
     * standby's entry before what it asks for checks against the primary's: the same history under another name,
     * served, and its acknowledgements taken in the session.
     */
    @Test
    void shouldGoOnServingAPairWhoseJournalsHoldOneHistoryUnderTwoIdentities() throws Exception
    {
        final ReplicationMode mode = ReplicationMode.SYNCHRONOUS;
        final Pair pair = new Pair(dir);
        ReplicationNode a = pair.launch("a", Role.PRIMARY, mode, Topology.COMPACT, new AccumulatorStateMachine());
        ReplicationNode b = pair.launch("b", Role.STANDBY, mode, Topology.COMPACT, new AccumulatorStateMachine());
        try
        {
            Pair.publish(a.engine(), 1, 500);
            a.engine().awaitApplied(500, 30, TimeUnit.SECONDS);
            b.engine().awaitApplied(500, 30, TimeUnit.SECONDS);
            b.close();
            a.close();
            // As a pair made before: b's journal the same entries under an identity of its own.
            java.nio.file.Files.delete(dir.resolve("b").resolve("journal").resolve("ringlog.meta"));
            try (io.ringlog.journal.JournalRepair repair = io.ringlog.journal.JournalRepair.plan(
                dir.resolve("b").resolve("journal"), null, -1, true, false))
            {
                repair.apply();
            }
            assertNotEquals(pair.journalId("a"), pair.journalId("b"));

            a = pair.launch("a", Role.PRIMARY, mode, Topology.COMPACT, new AccumulatorStateMachine());
            b = pair.launch("b", Role.STANDBY, mode, Topology.COMPACT, new AccumulatorStateMachine());
            Pair.publish(a.engine(), 501, 1_000);
            a.engine().awaitApplied(1_000, 30, TimeUnit.SECONDS);
            b.engine().awaitApplied(1_000, 30, TimeUnit.SECONDS);
            assertNull(b.failure());
            assertTrue(new ArrayList<>(pair.events).stream().anyMatch((e) -> e.startsWith("a: a standby whose journal " +
                "holds this primary's history up to position 500 (its entry there checks) under another journal id")),
                String.join("\n", new ArrayList<>(pair.events)));
        }
        finally
        {
            Pair.closeQuietly(b, a);
        }
        assertEquals(a.engine().stateHash(), b.engine().stateHash());
        pair.assertSameJournals(1_000);
    }

    /**
     * A reviewer's finding: a standby whose --peer alone named another pair's primary (its own primary still sending
     * to it) said "connected" and asked again and again, never answered: the other primary refused it, answering its
     * own --peer. It says its requests go unanswered though a primary is heard, and that --peer names another node.
     */
    @Test
    void shouldSayAStandbyHeardButNeverAnsweredNamesAnotherNodeAsItsPeer() throws Exception
    {
        final ReplicationMode mode = ReplicationMode.ASYNCHRONOUS;
        final Pair pair = new Pair(dir.resolve("pair"));
        final Pair other = new Pair(dir.resolve("other"));
        final ReplicationNode a = pair.launch("a", Role.PRIMARY, mode, Topology.COMPACT, new AccumulatorStateMachine());
        final ReplicationNode c = other.launch("a", Role.PRIMARY, mode, Topology.COMPACT, new AccumulatorStateMachine());
        ReplicationNode d = other.launch("b", Role.STANDBY, mode, Topology.COMPACT, new AccumulatorStateMachine());
        try
        {
            Pair.publish(a.engine(), 1, 100);
            Pair.publish(c.engine(), 1, 200);
            d.engine().awaitApplied(200, 30, TimeUnit.SECONDS);
            d.close();
            // d's --peer now names pair's primary a; its own primary c still sends to it.
            d = other.launch("b", Role.STANDBY, mode, Topology.COMPACT, new AccumulatorStateMachine(),
                (ctx) -> ctx.peerEndpoint("127.0.0.1:" + pair.portA));
            final ReplicationNode wrong = d;
            Pair.await(() -> new ArrayList<>(other.events).stream().anyMatch((e) -> e.startsWith("b: NOT ANSWERED: this " +
                "standby has asked 127.0.0.1:" + pair.portA + " to catch it up from position 201 for ") &&
                e.contains("--peer must be that primary's --listen endpoint")), Duration.ofSeconds(20),
                "d to say it is heard but not answered");
            assertTrue(wrong.status().message().startsWith("NOT ANSWERED"), wrong.status().message());
            // It heard its own primary, and said so, not that the node its --peer names was connected.
            assertTrue(new ArrayList<>(other.events).stream().noneMatch((e) -> e.contains(pair.portA + " connected")) &&
                new ArrayList<>(other.events).stream().anyMatch((e) -> e.equals("b: peer heard (epoch 0): the other " +
                "node's messages arrive; this node sends its own to 127.0.0.1:" + pair.portA + " (--peer)")),
                other.events.toString());
            assertEquals(200, wrong.engine().nextPosition() - 1, "nothing cut");
            assertEquals(Role.PRIMARY, a.role());
        }
        finally
        {
            Pair.closeQuietly(d, c, a);
        }
    }

    /** A pair whose standby was promoted (with force, its primary stopped): its node b is in epoch 1, and closed. */
    private static ReplicationNode promotedOnce(final Pair other, final ReplicationMode mode) throws Exception
    {
        final ReplicationNode c = other.launch("a", Role.PRIMARY, mode, Topology.COMPACT, new AccumulatorStateMachine());
        final ReplicationNode d = other.launch("b", Role.STANDBY, mode, Topology.COMPACT, new AccumulatorStateMachine());
        try
        {
            Pair.publish(c.engine(), 1, 100);
            d.engine().awaitApplied(100, 30, TimeUnit.SECONDS);
            c.close();
            d.promote(Duration.ofSeconds(20), true);
            assertEquals(1, d.epoch());
        }
        finally
        {
            Pair.closeQuietly(d, c);
        }
        return null;
    }
}
