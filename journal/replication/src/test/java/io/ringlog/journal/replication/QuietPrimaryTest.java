package io.ringlog.journal.replication;

import io.ringlog.core.Topology;
import io.ringlog.core.testing.AccumulatorStateMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A standby restarted beside a primary that takes no command meanwhile: the primary takes its request and has nothing
 * to send, so nothing but its heartbeats came, and the standby said {@code NOT ANSWERED ... the primary heard does not
 * get this node's requests} after twice the peer timeout, on its status page too, though it followed (found by hand: a
 * rejoin after both nodes were killed). The heartbeat names the session the primary serves: that is its answer.
 */
class QuietPrimaryTest
{
    @TempDir
    Path dir;

    @Test
    void shouldTakeAQuietPrimarysHeartbeatForTheAnswerToItsRequest() throws Exception
    {
        final Pair pair = new Pair(dir);
        final ReplicationMode mode = ReplicationMode.ASYNCHRONOUS;
        final ReplicationNode a = pair.launch("a", Role.PRIMARY, mode, Topology.PIPELINED, new AccumulatorStateMachine());
        ReplicationNode b = pair.launch("b", Role.STANDBY, mode, Topology.PIPELINED, new AccumulatorStateMachine());
        try
        {
            Pair.publish(a.engine(), 1, 300);
            b.engine().awaitApplied(300, 30, TimeUnit.SECONDS);
            b.close();

            // Started to rejoin, so that the primary's answer is said: nothing to cut, and it follows from 301.
            b = pair.launch("b", Role.STANDBY, mode, Topology.PIPELINED, new AccumulatorStateMachine(),
                (ctx) -> ctx.rejoining(true));
            Pair.await(() -> pair.events.contains("b: rejoin: following the primary from position 301: this node's " +
                "journal, up to position 300, is the primary's history"), Duration.ofSeconds(10),
                "the primary's answer, with no command to send");
            // Twice the peer timeout (1.5 s) is when an unanswered request is said: past it, and a bit more, nothing.
            final long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(4_000);
            while (System.nanoTime() < until)
            {
                assertFalse(b.status().message().startsWith("NOT ANSWERED"), b.status().message());
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
            assertTrue(new ArrayList<>(pair.events).stream().noneMatch((e) -> e.startsWith("b: NOT ANSWERED")),
                pair.events.toString());

            // And it does follow: the next command reaches it.
            Pair.publish(a.engine(), 301, 301);
            b.engine().awaitApplied(301, 30, TimeUnit.SECONDS);
            assertEquals(301, b.engine().metrics().lastAppliedPosition());
        }
        finally
        {
            Pair.closeQuietly(b, a);
        }
    }
}
