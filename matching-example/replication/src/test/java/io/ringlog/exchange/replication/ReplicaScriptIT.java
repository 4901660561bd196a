package io.ringlog.exchange.replication;

import io.ringlog.exchange.workload.WorkloadConfig;
import io.ringlog.journal.replication.ReplicationStatus;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

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
class ReplicaScriptIT extends ReplicaScripts
{
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
            while (started.code() != 0 || !started.output().contains(" (running)") ||
                started.output().contains("note: the node is starting"))
            {
                assertTrue(System.nanoTime() < deadline, "p did not start:\n" + started.output());
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
                started = execute("scripts/replica", "status", "--dir", dir.resolve("p").toString());
            }
            final java.util.regex.Matcher process = java.util.regex.Pattern.compile("(?m)^process: (\\d+) \\(running\\)")
                .matcher(started.output());
            assertTrue(process.find(), "p's page names its process");
            run("kill", "-STOP", process.group(1));
            final String paused;
            try
            {
                // The page is written every 10 ms while the node works: 2 s without is the note's threshold.
                final long from = System.nanoTime();
                while (System.nanoTime() - from < TimeUnit.MILLISECONDS.toNanos(2_500))
                {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
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
}
