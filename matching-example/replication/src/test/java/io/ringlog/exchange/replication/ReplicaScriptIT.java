package io.ringlog.exchange.replication;

import io.ringlog.exchange.workload.WorkloadConfig;
import io.ringlog.journal.replication.ReplicationStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's session, run as a user runs it: scripts/replica (RINGLOG_NO_BUILD=1, on the jar this
 * build packaged) for a primary and a standby as two processes, publish a command file, read the
 * lag, SIGKILL the primary, promote the standby, continue on it, bring the old primary back with
 * --rejoin, stop both. Every command exits as documented and prints no stack trace. A publish stopped
 * by a signal is withdrawn, and a file published before is refused, saying where to go on from.
 */
class ReplicaScriptIT
{
    private static final Path ROOT = Path.of(System.getProperty("ringlog.root", "../..")).toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void shouldRunAPairPromoteTheStandbyAndRejoinTheOldPrimary() throws Exception
    {
        final int a = Exchanges.freePort();
        final int b = Exchanges.freePort();
        run("scripts/exchange", "generate", "--preset", "exchange-core", "--commands", "20000", "--seed", "7",
            "-o", dir.resolve("commands.txt").toString());
        run("scripts/exchange", "generate", "--preset", "exchange-core", "--commands", "5000", "--seed", "8",
            "-o", dir.resolve("more.txt").toString());
        run("scripts/exchange", "generate", "--preset", "exchange-core", "--commands", "2000", "--seed", "9",
            "-o", dir.resolve("after.txt").toString());
        Process primary = node("a", "primary", a, b, false, "--state-check-every", "5000");
        final Process standby = node("b", "standby", b, a, false, "--state-check-every", "5000");
        try
        {
            final String published = run("scripts/replica", "publish", "--dir", dir.resolve("a").toString(),
                "-i", dir.resolve("commands.txt").toString());
            assertTrue(published.contains("status: published") && published.contains("applied: true") &&
                published.contains("\nreplicated: true\n"), published);
            // The pair compared its states every 5,000 positions, and the standby's status page says so.
            final long checked = Long.parseLong(field(published, "last-position")) / 5_000 * 5_000;
            final java.util.concurrent.atomic.AtomicReference<String> compared = new java.util.concurrent.atomic.AtomicReference<>();
            await(() ->
            {
                try
                {
                    compared.set(run("scripts/replica", "status", "--dir", dir.resolve("b").toString()));
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
                return compared.get().contains("\nstate: equal to the primary's at position " + checked + ", the last " +
                    "compared (");
            }, "the standby to compare its state at position " + checked);
            final String status = run("scripts/replica", "status", "--dir", dir.resolve("a").toString());
            assertTrue(status.contains("role: primary") && status.contains("mode: synchronous") &&
                status.contains("lag-positions: ") &&
                java.util.regex.Pattern.compile("(?m)^ack-latency-us: (p50 |- \\(none timed yet)").matcher(status).find(), status);
            // Malformed lines are skipped, and the answer quotes them: the asker sees them, not only the node's output.
            final Path bad = Files.writeString(dir.resolve("bad.txt"), "buy lots\n" +
                Files.readAllLines(dir.resolve("commands.txt")).get(100) + "\ndeposit account=x\n");
            final String skipped = run("scripts/replica", "publish", "--dir", dir.resolve("a").toString(), "-i",
                bad.toString());
            assertTrue(skipped.contains("status: published") && skipped.contains("commands: 1\n") &&
                skipped.contains("malformed: 2\n") && skipped.contains("malformed-lines: line 1: ") &&
                skipped.contains("; line 3: ") && skipped.contains("(skipped: not published)"), skipped);
            withdrawAPublishAndResumeIt(Long.parseLong(field(skipped, "last-position")));

            primary.toHandle().destroyForcibly();
            primary.waitFor(30, TimeUnit.SECONDS);
            // A killed node's page, as it left it: its peer line says when it is from (it read "peer: connected").
            final String dead = run("scripts/replica", "status", "--dir", dir.resolve("a").toString());
            assertTrue(dead.contains(" (not running: figures as it left them)") &&
                dead.contains("\npeer: connected (when this node ended; last heard "), dead);
            final String promoted = run("scripts/replica", "promote", "--dir", dir.resolve("b").toString());
            assertTrue(promoted.contains("status: promoted") && promoted.contains("epoch: 1"), promoted);

            primary = node("a", "standby", a, b, true);
            // Unsure whether the dead primary's publish got in, a user publishes it again on the new primary: it
            // did (the standby held it before the promotion's epoch command), so it is refused.
            assertFails("every command of the file: it was published to this node already", "scripts/replica",
                "publish", "--dir", dir.resolve("b").toString(), "-i", dir.resolve("more.txt").toString());
            final String more = run("scripts/replica", "publish", "--dir", dir.resolve("b").toString(),
                "-i", dir.resolve("after.txt").toString());
            assertTrue(more.contains("applied: true"), more);
            final String refused = runFailing("scripts/replica", "publish", "--dir", dir.resolve("a").toString(),
                "-i", dir.resolve("after.txt").toString());
            assertTrue(refused.contains("error: this node is a standby"), refused);
            final String rejoined = run("scripts/replica", "status", "--dir", dir.resolve("a").toString());
            assertTrue(rejoined.contains("role: standby") && rejoined.contains("epoch: 1 "), rejoined);

            // stop returns once the node's process has ended, and says how it ended.
            final String stoppedB = run("scripts/replica", "stop", "--dir", dir.resolve("b").toString());
            assertTrue(stoppedB.contains("status: stopped") && stoppedB.contains("exit-code: 0"), stoppedB);
            assertFalse(standby.isAlive(), "b has ended when stop returns");
            // a, b's standby, heard that its primary stopped cleanly, not only that it went silent.
            awaitLog("a", "a: peer 127.0.0.1:" + b + " STOPPED: the primary is stopping cleanly, its journal ending at " +
                "position ");
            // Two stops at once: the node answers one and ends; the other says how it ended too, not an error.
            final CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> stop("a"));
            final String second = stop("a");
            for (final String stopped : new String[]{first.get(200, TimeUnit.SECONDS), second})
            {
                assertTrue(stopped.contains("status: stopped") && stopped.contains("exit-code: 0"), stopped);
            }
            assertTrue(standby.waitFor(60, TimeUnit.SECONDS) && primary.waitFor(60, TimeUnit.SECONDS));
            // A stop that comes once the node has ended (as the second of two can): stopped already, not an error.
            final String after = stop("a");
            assertTrue(after.contains("status: stopped") && after.contains("exit-code: 0") &&
                after.contains("already: true"), after);
            assertEquals(0, standby.exitValue(), log("b"));
            assertEquals(0, primary.exitValue(), log("a"));
            assertNoStackTrace(log("a"));
            assertNoStackTrace(log("b"));
            // Probe (replication): started with --rejoin, a cut was announced as 'FAILED: ... restart it as a standby
            // with --rejoin' and its plan as 'forced: ... --force drops them anyway' (the node has no --force).
            // Started with --rejoin, a says that it follows b, whether or not it had a tail to cut first (it said
            // nothing at all without one).
            assertTrue(log("a").contains("a: rejoin: following the primary from position "), log("a"));
            if (log("a").contains("rejoin: cutting"))
            {
                assertFalse(log("a").contains("a: FAILED:") || log("a").contains("rejoin:   forced:"), log("a"));
            }
            // No library's log lines on the terminal: a restart after the kill found Chronicle's write lock held by
            // the dead process, and Chronicle said so in a WARN line that told the user nothing.
            for (final String name : new String[]{"a", "b"})
            {
                assertFalse(log(name).lines().anyMatch((line) -> line.contains("] WARN ")), log(name));
            }
        }
        finally
        {
            primary.toHandle().destroyForcibly();
            standby.toHandle().destroyForcibly();
        }
        Exchanges.assertSameJournals(dir.resolve("a").resolve("journal"), dir.resolve("b").resolve("journal"));
    }

    /**
     * Ctrl-C (SIGTERM here, the same hook) on a paced publish to the running primary "a", whose journal
     * ends at {@code before}: the publish withdraws its request, the node publishes no more of the file and
     * answers with how far it got, and the stopped publish prints that before it exits. Publishing the file
     * again from line 1 is refused, naming the line to resume from; from that line, the rest goes in.
     */
    private void withdrawAPublishAndResumeIt(final long before) throws Exception
    {
        final Path more = dir.resolve("more.txt");
        final long lines = Files.readAllLines(more).size();
        final NodeDirectory node = new NodeDirectory(dir.resolve("a"));
        final Path said = dir.resolve("paced.txt");
        final ProcessBuilder builder = new ProcessBuilder("scripts/replica", "publish", "--dir", node.root().toString(),
            "-i", more.toString(), "--rate", "2000").directory(ROOT.toFile()).redirectErrorStream(true)
            .redirectOutput(said.toFile());
        scriptEnvironment(builder);
        final Process paced = builder.start();
        try
        {
            await(() -> !paced.isAlive() || ReplicationStatus.read(node.replication()).journaledPosition() > before + 100,
                "the paced publish to get going");
            paced.destroy();
            assertTrue(paced.waitFor(30, TimeUnit.SECONDS), "the withdrawn publish ends");
        }
        finally
        {
            paced.toHandle().destroyForcibly();
        }
        final String withdrawn = Files.readString(said, StandardCharsets.UTF_8);
        assertEquals(143, paced.exitValue(), withdrawn);
        assertNoStackTrace(withdrawn);
        assertTrue(withdrawn.contains("publish: stopped by a signal: withdrawing the publish") &&
            withdrawn.contains("status: cancelled") && withdrawn.contains("error: its asker withdrew it (stopped by a " +
            "signal)"), withdrawn);
        final long got = Long.parseLong(field(withdrawn, "commands"));
        assertTrue(got > 100 && got < lines, "part of the file got in\n" + withdrawn);
        // One command a line: the next line is the first not published.
        assertEquals(got + 1, Long.parseLong(field(withdrawn, "resume-from-line")), withdrawn);
        assertEquals(before + got, Long.parseLong(field(withdrawn, "last-position")), withdrawn);
        awaitLog("a", ": cancelled, " + got + " commands");

        final String again = assertFails("Resume: publish the same file with --from-line " + (got + 1), "scripts/replica",
            "publish", "--dir", node.root().toString(), "-i", more.toString());
        assertTrue(again.contains("its last " + got + " commands, positions " + (before + 1) + ".." + (before + got) +
            ", are the commands of lines 1.." + got + " of " + more) && again.contains("status: refused"), again);
        final String rest = run("scripts/replica", "publish", "--dir", node.root().toString(), "-i", more.toString(),
            "--from-line", Long.toString(got + 1));
        assertTrue(rest.contains("status: published") && rest.contains("commands: " + (lines - got) + "\n") &&
            rest.contains("first-position: " + (before + got + 1) + "\n"), rest);
    }

    /** The value of {@code key: value} in a command's output. */
    private static String field(final String output, final String key)
    {
        return output.lines().filter((l) -> l.startsWith(key + ": ")).findFirst()
            .orElseThrow(() -> new AssertionError("no " + key + " in\n" + output)).substring(key.length() + 2);
    }

    /**
     * What a user gets wrong with a running node: a port it holds, a standby that never answers (not
     * started, or a wrong --peer). Each says what is wrong, in words, exits 1, and prints no stack trace;
     * the synchronous primary says it waits, and a publish to it says why it was not applied. (Endpoints
     * that cannot work at all are ReplicaCliTest's, in process.)
     */
    /**
     * A node paused (SIGSTOP) still reads "running", and a reviewer read its 4 s old page, "peer: connected", as fresh:
     * a page a live node has not updated for 2 s says how old it is. A node alone, as its pause may outlast Aeron's
     * client timeout and fail it.
     */
    @Test
    void shouldSayThatAPausedNodesPageIsOld() throws Exception
    {
        final Process node = node("p", "primary", Exchanges.freePort(), Exchanges.freePort(), false, "--mode", "async");
        try
        {
            // Started: its page written, by a live process.
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            Result started = execute("scripts/replica", "status", "--dir", dir.resolve("p").toString());
            while (started.code != 0 || !started.output.contains(" (running)") ||
                started.output.contains("note: the node is starting"))
            {
                assertTrue(System.nanoTime() < deadline, "p did not start:\n" + started.output);
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
                started = execute("scripts/replica", "status", "--dir", dir.resolve("p").toString());
            }
            final java.util.regex.Matcher process = java.util.regex.Pattern.compile("(?m)^process: (\\d+) \\(running\\)")
                .matcher(started.output);
            assertTrue(process.find(), "p's page names its process");
            run("kill", "-STOP", process.group(1));
            final String paused;
            try
            {
                // The page is written every 10 ms while the node works: 2 s without is the note's threshold.
                final long from = System.nanoTime();
                while (System.nanoTime() - from < TimeUnit.MILLISECONDS.toNanos(2_500))
                {
                    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                }
                paused = run("scripts/replica", "status", "--dir", dir.resolve("p").toString());
            }
            finally
            {
                run("kill", "-CONT", process.group(1));
            }
            assertTrue(paused.contains("process: " + process.group(1) + " (running)") && paused.contains("note: the " +
                "node has not updated this page for ") && paused.contains("its process is alive but not working"), paused);
        }
        finally
        {
            node.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            node.toHandle().destroyForcibly();
            node.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * A reviewer's: a node whose output could not be written (a full disk) said so at its stop, and exited 0: its stop
     * hook halted with the node's own code. It exits 1 now, as every command line does.
     */
    @Test
    void shouldExit1WhenANodesOutputCouldNotBeWritten() throws Exception
    {
        final List<String> command = List.of("scripts/replica", "node", "--role", "primary", "--dir",
            dir.resolve("full").toString(), "--listen", "127.0.0.1:" + Exchanges.freePort(), "--peer", "127.0.0.1:" +
            Exchanges.freePort(), "--mode", "async");
        final ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile())
            .redirectOutput(new java.io.File("/dev/full"))
            .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("full.log").toFile()));
        scriptEnvironment(builder);
        final Process process = builder.start();
        try
        {
            final NodeDirectory node = new NodeDirectory(dir.resolve("full"));
            await(() -> !process.isAlive() || running(node, process), "the node to run its directory");
            stop("full");
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the node stopped");
            final String log = log("full");
            assertEquals(1, process.exitValue(), log);
            assertTrue(log.contains("error: could not write the output: No space left on device"), log);
            assertNoStackTrace(log);
        }
        finally
        {
            process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            process.toHandle().destroyForcibly();
        }
    }

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

    /**
     * A node never acts on requests from before it started: what an older scripts/replica left behind
     * in a directory where no node ran (a stop, a promote, a publish) is discarded by the next node,
     * which says so and goes on running. A publish waiting on a node that is then killed stops waiting
     * at once, saying so; a stop in the dead node's directory fails at once: no node runs there.
     */
    @Test
    void shouldDiscardRequestsFromBeforeItStartedAndNoticeWhenItDies() throws Exception
    {
        final int a = Exchanges.freePort();
        final int b = Exchanges.freePort();
        Exchanges.write(dir.resolve("few.txt"), Exchanges.workload(WorkloadConfig.exchangeCore(9, 2_000)));
        final NodeDirectory stale = new NodeDirectory(dir.resolve("s"));
        Mailbox.ask(stale.control(), "stop", new Properties());
        Mailbox.ask(stale.control(), "promote", new Properties());
        Mailbox.ask(stale.inbox(), "publish-1-1", new Properties());
        final Process node = node("s", "primary", a, b, false);
        try
        {
            awaitLog("s", "s: primary in epoch 0");
            assertTrue(log("s").contains("s: discarded 3 requests left from before this node started (promote, stop, " +
                "publish-1-1)"), log("s"));
            assertTrue(node.isAlive(), "it did not stop for the old stop request:\n" + log("s"));
            assertTrue(run("scripts/replica", "status", "--dir", stale.root().toString()).contains("role: primary"));

            // A synchronous primary with no standby applies nothing: publish waits, and the node is killed meanwhile.
            final Path said = dir.resolve("publish.txt");
            final ProcessBuilder builder = new ProcessBuilder("scripts/replica", "publish", "--dir", stale.root().toString(),
                "-i", dir.resolve("few.txt").toString(), "--timeout-s", "120").directory(ROOT.toFile())
                .redirectErrorStream(true).redirectOutput(said.toFile());
            scriptEnvironment(builder);
            final Process publish = builder.start();
            await(() -> !Mailbox.pending(stale.inbox()).isEmpty() || !publish.isAlive(), "publish's request");
            node.toHandle().destroyForcibly();
            assertTrue(node.waitFor(30, TimeUnit.SECONDS));
            final long killed = System.nanoTime();
            assertTrue(publish.waitFor(30, TimeUnit.SECONDS), "publish still waits for a dead node");
            final long noticed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            final String output = Files.readString(said, StandardCharsets.UTF_8);
            assertEquals(1, publish.exitValue(), output);
            assertTrue(output.contains("error: the node in " + stale.root() + " (pid " + node.pid() + ") ended before it " +
                "answered"), output);
            assertTrue(noticed < 5_000, "noticed after " + noticed + " ms");
            assertNoStackTrace(output);
            assertEquals(List.of(), Mailbox.pending(stale.inbox()), "its request withdrawn");

            final String stop = runFailing("scripts/replica", "stop", "--dir", stale.root().toString());
            assertTrue(stop.startsWith("error: no node is running in " + stale.root() + ": start one with"), stop);
            assertFalse(Files.exists(stale.control().resolve("stop" + Mailbox.REQUEST)), "nothing left");
        }
        finally
        {
            node.toHandle().destroyForcibly();
        }
    }

    private static void await(final BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /** Runs a command that must fail with exit code 1 and say {@code expected}; returns what it printed. */
    private String assertFails(final String expected, final String... command) throws Exception
    {
        final String output = runFailing(command);
        assertTrue(output.contains(expected), "expected '" + expected + "' from " + String.join(" ", command) + ":\n" +
            output);
        return output;
    }

    private void awaitLog(final String name, final String text) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(dir.resolve(name + ".log")) || !log(name).contains(text))
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out waiting for '" + text + "' in " + name + "'s log:\n" + log(name));
            }
            Thread.sleep(50);
        }
    }

    private Process node(final String name, final String role, final int listen, final int peer, final boolean rejoin,
        final String... more) throws IOException
    {
        final List<String> command = new ArrayList<>(List.of("scripts/replica", "node", "--role", role,
            "--dir", dir.resolve(name).toString(), "--listen", "127.0.0.1:" + listen, "--peer", "127.0.0.1:" + peer));
        if (rejoin)
        {
            command.add("--rejoin");
        }
        command.addAll(List.of(more));
        final ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile()));
        scriptEnvironment(builder);
        final Process process = builder.start();
        // The script execs java: this process runs the node once it has claimed its directory.
        final NodeDirectory node = new NodeDirectory(dir.resolve(name));
        await(() -> !process.isAlive() || running(node, process), name + " to run its directory");
        return process;
    }

    private static boolean running(final NodeDirectory node, final Process process)
    {
        final NodeOwner.Running running = NodeOwner.running(node);
        return running != null && running.pid() == process.pid();
    }

    private String log(final String name) throws IOException
    {
        return Files.readString(dir.resolve(name + ".log"), StandardCharsets.UTF_8);
    }

    private String run(final String... command) throws Exception
    {
        final Result result = execute(command);
        assertEquals(0, result.code, String.join(" ", command) + "\n" + result.output);
        return result.output;
    }

    private String stop(final String node)
    {
        try
        {
            return run("scripts/replica", "stop", "--dir", dir.resolve(node).toString());
        }
        catch (final Exception ex)
        {
            throw new CompletionException(ex);
        }
    }

    private String runFailing(final String... command) throws Exception
    {
        final Result result = execute(command);
        assertEquals(1, result.code, String.join(" ", command) + "\n" + result.output);
        return result.output;
    }

    private record Result(int code, String output)
    {
    }

    private Result execute(final String... command) throws Exception
    {
        final Path out = Files.createTempFile(dir, "out", ".txt");
        final ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
            .redirectOutput(out.toFile());
        scriptEnvironment(builder);
        final Process process = builder.start();
        if (!process.waitFor(180, TimeUnit.SECONDS))
        {
            process.toHandle().destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish:\n" + Files.readString(out));
        }
        final String output = Files.readString(out, StandardCharsets.UTF_8);
        assertNoStackTrace(output);
        return new Result(process.exitValue(), output);
    }

    /**
     * A script run by this test: on the jar the build made (never building), with the client compiler only and the
     * serial collector, as NodeProcess starts its nodes: these commands last seconds, and C2's compilations and G1's
     * threads cost more CPU than they do on 2 cores. What they print does not change.
     */
    private static void scriptEnvironment(final ProcessBuilder builder)
    {
        builder.environment().put("RINGLOG_NO_BUILD", "1");
        builder.environment().put("RINGLOG_JAVA_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
    }

    private static void assertNoStackTrace(final String output)
    {
        assertFalse(output.contains("\tat ") || output.contains("Exception in thread"), "a stack trace:\n" + output);
    }
}
