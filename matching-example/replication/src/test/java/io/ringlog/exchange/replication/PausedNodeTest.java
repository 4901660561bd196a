package io.ringlog.exchange.replication;

import io.ringlog.exchange.workload.WorkloadConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node paused (a stop signal, a long GC pause, a frozen VM) for longer than Aeron's client timeout, from
 * outside: two node processes on loopback, the standby stopped with SIGSTOP and continued. Aeron's client closes
 * itself after such a pause, for good. A newcomer's probe: the node went on running, 'peer: lost' for ever, and
 * a primary paused so took commands unfenced after its standby was promoted. Now the node fails, saying why and
 * how to come back, and restarted it follows again.
 */
class PausedNodeTest
{
    /** The media driver's client liveness timeout for the paused node, shortened from Aeron's 10 s for the test. */
    private static final List<String> SHORT_CLIENT_TIMEOUT = List.of("-Daeron.client.liveness.timeout=2000000000");

    @TempDir
    Path dir;

    @Test
    void shouldFailAStandbyPausedPastAeronsClientTimeoutAndFollowOnceRestarted() throws Exception
    {
        final List<String> workload = Exchanges.workload(WorkloadConfig.exchangeCore(11, 600));
        final int half = workload.size() / 2;
        final int[] ports = {Exchanges.freePort(), Exchanges.freePort()};
        final NodeProcess a = NodeProcess.start(dir, "a", "primary", ports[0], ports[1], "sync", false,
            dir.resolve("a-events.txt"));
        final NodeProcess b = NodeProcess.start(dir, "b", "standby", ports[1], ports[0], "sync", false,
            dir.resolve("b-events.txt"), SHORT_CLIENT_TIMEOUT);
        NodeProcess again = null;
        try
        {
            a.awaitRunning();
            b.awaitRunning();
            // Synchronous: published and applied means the standby acknowledged every command.
            KillPrimaryTest.publish(a, Exchanges.write(dir.resolve("first.txt"), workload.subList(0, half)), 0, true);
            b.signal("STOP");
            // The pause itself is what is tested: twice the client timeout, in the stopped process's time.
            TimeUnit.SECONDS.sleep(4);
            b.signal("CONT");
            assertTrue(b.process.waitFor(60, TimeUnit.SECONDS), "the paused node ended; see " + b.log);
            final String log = Files.readString(b.log);
            assertEquals(1, b.process.exitValue(), log);
            assertTrue(log.contains("b: FAILED: this node's Aeron client closed itself (") && log.contains("it went " +
                "unserved for longer than the media driver's client timeout (2 s), as when the process is paused (a stop " +
                "signal, a long GC pause, a frozen VM), so the node can no longer send to or hear from its peer, and " +
                "stops. Restart it: as a standby; it asks the primary for what it missed from its next position"), log);
            assertEquals(1, log.split("this node's Aeron client closed itself", -1).length - 2, "said on stderr once, " +
                "and once in the line the close ends with: " + log);
            assertFalse(log.contains("\tat "), log);

            again = NodeProcess.start(dir, "b", "standby", ports[1], ports[0], "sync", false, dir.resolve("b-again.txt"));
            again.awaitRunning();
            KillPrimaryTest.publish(a, Exchanges.write(dir.resolve("second.txt"), workload.subList(half, workload.size())),
                0, true);
            KillPrimaryTest.stop(again);
            KillPrimaryTest.stop(a);
            Exchanges.assertSameJournals(a.directory().journal(), again.directory().journal());
        }
        finally
        {
            NodeProcess.killAlive(a, b, again);
        }
    }
}
