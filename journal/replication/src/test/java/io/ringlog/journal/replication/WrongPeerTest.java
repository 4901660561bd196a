package io.ringlog.journal.replication;

import io.ringlog.core.Topology;
import io.ringlog.core.testing.AccumulatorStateMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Probe (replication operator): a node whose --peer is not the other node's --listen. It heard its peer, so
 * both its log and its status said "connected", while nothing it sent arrived: a standby that never
 * acknowledged, a primary that caught the standby up from position 1 again and again. The node that hears
 * but is not heard says ONE WAY, once, naming its --peer, and its status says one_way.
 */
class WrongPeerTest
{
    @TempDir
    Path dir;

    @Test
    void shouldSayANodeWhosePeerEndpointNobodyListensOnIsHeardOneWay() throws Exception
    {
        final Pair pair = new Pair(dir);
        final int nobody = Pair.freePort();
        // b sends to a port nobody listens on; a sends to b's listen endpoint, as it should.
        final ReplicationNode standby = pair.launch("b", Role.STANDBY, ReplicationMode.SYNCHRONOUS, Topology.PIPELINED,
            new AccumulatorStateMachine(), (ctx) -> ctx.peerEndpoint("127.0.0.1:" + nobody));
        final ReplicationNode primary = pair.launch("a", Role.PRIMARY, ReplicationMode.ASYNCHRONOUS, Topology.PIPELINED,
            new AccumulatorStateMachine());
        try
        {
            final String said = "b: peer ONE WAY: this node hears its peer, but nothing listens at 127.0.0.1:" + nobody +
                ", where this node sends: its --peer";
            Pair.await(() -> new java.util.ArrayList<>(pair.events).stream().anyMatch((e) -> e.startsWith(said)),
                Duration.ofSeconds(20), "the standby to say it is heard one way");
            assertEquals(PeerState.ONE_WAY, standby.status().peer(), String.join("\n", new java.util.ArrayList<>(pair.events)));
            assertTrue(standby.status().fields().get("peer").startsWith("one_way"), standby.status().fields().toString());
            assertTrue(new java.util.ArrayList<>(pair.events).stream().noneMatch((e) -> e.startsWith("a: peer ONE WAY")),
                "the primary is not heard by the standby's sends at all: it says NOT HEARD, not one way\n" +
                String.join("\n", new java.util.ArrayList<>(pair.events)));
        }
        finally
        {
            Pair.closeQuietly(primary, standby);
        }
    }
}
