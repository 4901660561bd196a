package io.ringlog.exchange.replication;

import io.ringlog.exchange.workload.WorkloadConfig;
import io.ringlog.journal.replication.ReplicationStatus;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a user gets wrong with a running node: a port it holds, a standby that never answers (not
 * started, or a wrong --peer). Each says what is wrong, in words, exits 1, and prints no stack trace;
 * the synchronous primary says it waits, and a publish to it says why it was not applied. (Endpoints
 * that cannot work at all are ReplicaCliTest's, in process.)
 */
class ReplicaScriptFaultsIT extends ReplicaScripts
{
    @Test
    void shouldSayWhatIsWrongWithATakenPortAndAStandbyThatNeverAnswers() throws Exception
    {
        final int a = Exchanges.freePort();
        final int b = Exchanges.freePort();
        Exchanges.write(dir.resolve("few.txt"), Exchanges.workload(WorkloadConfig.exchangeCore(9, 2_000)));
        // The standby was never started: nobody listens on the primary's --peer.
        final Process primary = node("a", "primary", a, b, false, "--drain-timeout-s", "3");
        try
        {
            awaitLog("a", "NOT HEARD from in the 2000 ms since this node started");
            // The pid alone, as 'kill $(cat a/node.pid)' and a systemd unit's PIDFile= read it.
            assertEquals(Long.toString(primary.pid()), Files.readString(dir.resolve("a").resolve("node.pid")).strip());
            assertTrue(log("a").contains("synchronous, so nothing more becomes visible until a standby acknowledges it"),
                log("a"));
            final String taken = assertFails("c: cannot start: cannot listen on 127.0.0.1:" + a + ": another process " +
                "holds that port (address already in use). Give this node another endpoint to listen on (and its peer the " +
                "matching peer endpoint: ReplicationContext.localEndpoint and peerEndpoint; --listen and --peer on the " +
                "command line), or stop the process that holds it",
                "scripts/replica", "node", "--role", "standby", "--dir", dir.resolve("c").toString(),
                "--listen", "127.0.0.1:" + a, "--peer", "127.0.0.1:" + b);
            assertFalse(taken.contains("Aeron") || taken.contains("(at "), "Aeron's own text is not the user's: " + taken);
            assertFalse(Files.exists(dir.resolve("c")), "a node that cannot listen leaves no directory behind");
            // Another node given this one's Aeron directory: its driver would delete it under the running one's.
            final Path aeron = dir.resolve("a").resolve("aeron");
            assertFails("c: cannot start: the Aeron directory " + aeron + " is in use by another node that is running",
                "scripts/replica", "node", "--role", "standby", "--dir", dir.resolve("c").toString(),
                "--listen", "127.0.0.1:" + Exchanges.freePort(), "--peer", "127.0.0.1:" + a, "--aeron-dir", aeron.toString());
            assertTrue(Files.isDirectory(aeron), "the running node's Aeron directory is still there");
            // A file that is no command file (an events file, say): refused, not 'published' with nothing in it, and
            // the node's log quotes the first hundred of its lines, not every one.
            final Path events = dir.resolve("not-commands.txt");
            Files.write(events, java.util.stream.IntStream.rangeClosed(1, 300).mapToObj((i) -> "position=" + i +
                " trade maker=3 taker=4").toList());
            final String notCommands = assertFails("error: none of the lines of " + events + " is a command (300 " +
                "malformed; the first: line 1: ", "scripts/replica", "publish", "--dir", dir.resolve("a").toString(), "-i",
                events.toString(), "--timeout-s", "5");
            assertTrue(notCommands.contains("status: refused") && notCommands.contains("is it a command file?"),
                notCommands);
            awaitLog("a", events + ": 200 more malformed lines not logged");
            assertEquals(100, log("a").lines().filter((l) -> l.startsWith("a: " + events + " line ")).count(), log("a"));
            final String pastEnd = run("scripts/replica", "publish", "--dir", dir.resolve("a").toString(), "-i",
                dir.resolve("few.txt").toString(), "--from-line", "999999", "--timeout-s", "5");
            assertTrue(pastEnd.contains("note: no command at or after line 999999: the file has ") &&
                pastEnd.contains("commands: 0"), pastEnd);
            final long asked = System.nanoTime();
            final String waiting = assertFails("but its standby acknowledged only up to 0 (peer: never_seen): in " +
                "synchronous mode nothing becomes visible until a standby acknowledges it", "scripts/replica", "publish",
                "--dir", dir.resolve("a").toString(), "-i", dir.resolve("few.txt").toString(), "--timeout-s", "3");
            assertTrue(waiting.contains("--degrade-after-ms"), waiting);
            // The node's own answer at --timeout-s, not the asker giving up: what did not happen is exit code 1.
            assertTrue(waiting.contains("status: not-applied") && waiting.contains("applied: false"), waiting);
            assertTrue(System.nanoTime() - asked < TimeUnit.SECONDS.toNanos(30), "publish waits --timeout-s, not longer");
            // A request the node reaches after its asker's deadline (it was starting, or busy with another publish)
            // is not published: the asker has given up, and its retry would enter the commands twice.
            final NodeDirectory nodeA = new NodeDirectory(dir.resolve("a"));
            final long journaled = ReplicationStatus.read(nodeA.replication()).journaledPosition();
            final Properties late = new Properties();
            late.setProperty("file", dir.resolve("few.txt").toAbsolutePath().toString());
            late.setProperty("deadline-ms", Long.toString(System.currentTimeMillis() - 1));
            Mailbox.ask(nodeA.inbox(), "publish-late", late);
            final Properties expired = Mailbox.awaitAnswer(nodeA.inbox(), "publish-late", Duration.ofSeconds(30));
            assertEquals("expired", expired.getProperty("status"), expired.toString());
            assertEquals("false", expired.getProperty("applied"), expired.toString());
            assertEquals(journaled, ReplicationStatus.read(nodeA.replication()).journaledPosition(), "nothing journaled");

            // More commands than the ring holds: nothing is applied while no standby acknowledges, so the ring
            // fills and the publish waits for room. At its --timeout-s it stops, publishing no more of the file.
            final int ring = 1 << 16;
            // Another seed: the same one's first 7,001 commands are few.txt's, which the node would take for a publish
            // of many.txt that stopped there, and refuse.
            Exchanges.write(dir.resolve("many.txt"), Exchanges.workload(WorkloadConfig.exchangeCore(10, ring + 5_000)));
            final String ranOut = assertFails("publish's --timeout-s ran out", "scripts/replica", "publish", "--dir",
                dir.resolve("a").toString(), "-i", dir.resolve("many.txt").toString(), "--timeout-s", "4");
            assertTrue(ranOut.contains("status: not-applied") && ranOut.contains("applied: false"), ranOut);
            // Nothing was ever applied here (no acknowledgement came), so the ring is full at position 'ring'; on a
            // machine slow enough to reach the deadline first, fewer got in.
            final long publishedBeforeDeadline = Long.parseLong(ranOut.lines().filter((l) -> l.startsWith("commands: "))
                .findFirst().orElseThrow().substring("commands: ".length()));
            assertTrue(publishedBeforeDeadline > 0 && publishedBeforeDeadline <= ring - journaled, ranOut);
            assertTrue(ranOut.contains("the first " + publishedBeforeDeadline + " of the file's commands got in, " +
                "the rest were not published"), ranOut);
            // One command a line: the next line is the first not published, and the answer says to resume there.
            assertTrue(ranOut.contains("resume-from-line: " + (publishedBeforeDeadline + 1) + "\n") &&
                ranOut.contains("resume: publish the same file with --from-line " + (publishedBeforeDeadline + 1)),
                ranOut);
            if (publishedBeforeDeadline == ring - journaled)
            {
                assertTrue(ranOut.contains("ran out while it waited for room in the ring") &&
                    ranOut.contains("--degrade-after-ms"), "what to do about it: " + ranOut);
            }
            // Nothing was shipped, so there is no batch whose age is the lag: status says so rather than 0 ms.
            final String lagging = run("scripts/replica", "status", "--dir", dir.resolve("a").toString());
            final long lag = Long.parseLong(lagging.lines().filter((l) -> l.startsWith("lag-positions: ")).findFirst()
                .orElseThrow().substring("lag-positions: ".length()));
            assertTrue(lag > journaled && lagging.contains("lag-ms: - (none of the " + lag + " unacknowledged positions " +
                "is out to the standby: it is not connected"), lagging);

            // A publish waiting for room in the full ring still lets 'replica stop' in, and is answered too.
            // A file of its own, so that the node's line saying it took this publish names it and no other.
            final Path more = Files.copy(dir.resolve("few.txt"), dir.resolve("more.txt"));
            final Path publishOut = dir.resolve("publish-more.txt");
            final ProcessBuilder publishing = new ProcessBuilder("scripts/replica", "publish", "--dir",
                dir.resolve("a").toString(), "-i", more.toString()).directory(ROOT.toFile())
                .redirectErrorStream(true).redirectOutput(publishOut.toFile());
            scriptEnvironment(publishing);
            final Process publish = publishing.start();
            try
            {
                awaitLog("a", "a: publishing " + more.toAbsolutePath() + " for publish-");
                final long stopAsked = System.nanoTime();
                // The node stops the publish at once, drains for its --drain-timeout-s waiting for a standby, and
                // stops anyway; stop waits for that and says the node stopped without applying everything: exit 1.
                final String stopped = assertFails("error: stopped without applying every accepted command " +
                    "(--drain-timeout-s ran out)", "scripts/replica", "stop", "--dir", dir.resolve("a").toString());
                assertTrue(stopped.contains("status: failed") && stopped.contains("exit-code: 1"), stopped);
                assertTrue(System.nanoTime() - stopAsked < TimeUnit.SECONDS.toNanos(20),
                    "a stop is answered while a publish waits for room in the ring, not after it");
                assertNoStackTrace(stopped);
                assertTrue(publish.waitFor(30, TimeUnit.SECONDS), "the publish was answered too");
                final String published = Files.readString(publishOut, StandardCharsets.UTF_8);
                assertEquals(1, publish.exitValue(), published);
                assertTrue(published.contains("status: stopped") && published.contains("applied: false") &&
                    published.contains("error: the node is stopping"), published);
                if (publishedBeforeDeadline == ring - journaled)
                {
                    assertTrue(published.contains("commands: 0") && published.contains("first-position: none"),
                        "the ring was full: nothing more got in\n" + published);
                }
                assertNoStackTrace(published);
            }
            finally
            {
                publish.toHandle().destroyForcibly();
            }
            // The stopping primary drains for its --drain-timeout-s, waiting for a standby, then stops anyway: exit 1.
            assertTrue(primary.waitFor(60, TimeUnit.SECONDS), "the primary drains for 3 s, then stops");
            assertEquals(1, primary.exitValue(), log("a"));
            final String stoppedLog = log("a");
            assertTrue(stoppedLog.contains("a: stopping: positions ") && stoppedLog.contains(" are accepted and not yet " +
                "applied: no standby has acknowledged them (peer never_seen). Waiting up to 3 s (--drain-timeout-s) for one " +
                "to;"), stoppedLog);
            assertTrue(stoppedLog.contains("a: while closing: a: gave up waiting for the input ring to drain after 3 s") &&
                stoppedLog.contains("a: stopped without applying every accepted command (--drain-timeout-s ran out)"),
                stoppedLog);
            assertFalse(stoppedLog.contains("a: closed"), "no clean close is claimed\n" + stoppedLog);
            assertNoStackTrace(stoppedLog);
        }
        finally
        {
            primary.toHandle().destroyForcibly();
        }

        // A reviewer's finding: a primary gone on alone (--degrade-after-ms) answered a publish 'applied: true' and
        // nothing more, as a replicated publish, though no standby held any of it.
        final Process alone = node("d", "primary", Exchanges.freePort(), b, false, "--degrade-after-ms", "300");
        try
        {
            awaitLog("d", "DEGRADED to asynchronous: no standby for 300 ms");
            final String published = run("scripts/replica", "publish", "--dir", dir.resolve("d").toString(), "-i",
                dir.resolve("few.txt").toString());
            assertTrue(published.contains("applied: true") && published.contains("\nreplicated: false\n"), published);
            final String last = field(published, "last-position");
            assertTrue(published.contains("\nnote: this primary is degraded: no standby acknowledged within " +
                "--degrade-after-ms, so it applied them alone, and positions 2.." + last + " are on this machine only " +
                "(the standby has acknowledged up to 0, peer never_seen) until a standby catches up"), published);
            assertNoStackTrace(published);
            assertTrue(stop("d").contains("exit-code: 0"), log("d"));
        }
        finally
        {
            alone.toHandle().destroyForcibly();
        }
    }
}
