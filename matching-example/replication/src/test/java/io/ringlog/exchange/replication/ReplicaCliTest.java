package io.ringlog.exchange.replication;

import io.ringlog.exchange.replication.ReplicaRun.Said;
import io.ringlog.exchange.workload.WorkloadConfig;
import io.ringlog.journal.replication.ReplicationStatus;
import io.ringlog.journal.replication.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static io.ringlog.exchange.replication.ReplicaRun.replica;
import static io.ringlog.exchange.replication.ReplicaRun.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a user gets wrong before a node answers, in process: endpoints a node cannot work with and a
 * role no node starts in are usage errors (exit code 2) that name the flag, before the node creates
 * anything in its directory; publish, promote and stop where no node runs fail at once (exit code 1)
 * in one line that says how to start one, creating nothing; and one that waits gives up as soon as
 * its node dies. Never a stack trace.
 */
class ReplicaCliTest
{
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "127.0.0.1:99999        | 127.0.0.1:20102 | --listen must be host:port with a port in 1..65535: '127.0.0.1:99999'",
        "127.0.0.1:20101        | 127.0.0.1       | --peer must be host:port with a port in 1..65535: '127.0.0.1'",
        "127.0.0.1:20101        | 127.0.0.1:20101 | --listen and --peer are the same, 127.0.0.1:20101: " +
            "this node would hear its own messages",
        "localhost:20101        | 127.0.0.1:20101 | --listen localhost:20101 and --peer 127.0.0.1:20101 are the same " +
            "endpoint of this machine: this node would hear its own messages",
        "0.0.0.0:20101          | localhost:20101 | --listen 0.0.0.0:20101 and --peer localhost:20101 are the same " +
            "endpoint of this machine: this node would hear its own messages",
        "no-such-host.invalid:1 | 127.0.0.1:20102 | --listen names a host this machine cannot resolve: 'no-such-host.invalid'",
        "127.0.0.1:20101 | no-such-host.invalid:1 | --peer names a host this machine cannot resolve: 'no-such-host.invalid'"})
    void shouldRefuseEndpointsThatCannotWorkBeforeCreatingAnything(final String listen, final String peer,
        final String expected)
    {
        final Path node = dir.resolve("node");
        final Said said = replica("node", "--role", "primary", "--dir", node.toString(), "--listen", listen, "--peer", peer);
        assertEquals(2, said.code, said.err);
        assertTrue(said.err.startsWith("error: " + expected), said.err);
        assertTrue(said.err.contains("Try 'replica node --help'"), said.err);
        assertNoStackTrace(said);
        assertEquals("", said.out);
        assertFalse(Files.exists(node), "nothing created");
    }

    /** Each wrong number is named alone with its value; before, every rule of every option came at once. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--max-assets 1          | --max-assets must be between 2 (a base and a quote) and 1024: 1",
        "--snapshot-every -1     | --snapshot-every must not be negative: -1",
        "--degrade-after-ms -5   | --degrade-after-ms must not be negative: -5",
        "--drain-timeout-s 0     | --drain-timeout-s must be at least 1: 0",
        "--heartbeat-ms 0        | --heartbeat-ms must be positive: 0",
        "--peer-timeout-ms 100   | --peer-timeout-ms 100 must be longer than --heartbeat-ms 100: the peer would count " +
            "as lost between two heartbeats",
        "--journal-preallocate 12x   | Invalid value for option '--journal-preallocate': '12x' is not a size: a whole " +
            "number of bytes, or one with k, m, g or t (512m, 2g)",
        "--journal-preallocate 1025t | Invalid value for option '--journal-preallocate': '1025t' is not a size a " +
            "journal preallocates: it must be from 0 to 1 PiB (1024t)"})
    void shouldNameTheOneNodeOptionThatIsWrong(final String option, final String expected)
    {
        final Path node = dir.resolve("node");
        final List<String> args = new ArrayList<>(List.of("node", "--role", "primary", "--dir", node.toString(),
            "--listen", "127.0.0.1:20101", "--peer", "127.0.0.1:20102"));
        args.addAll(List.of(option.split(" ")));
        final Said said = replica(args.toArray(new String[0]));
        assertEquals(2, said.code, said.err);
        assertEquals(List.of("error: " + expected, "Try 'replica node --help' for more information."),
            said.err.lines().toList());
        assertFalse(Files.exists(node), "nothing created");
    }

    /** An events file inside the node's journal, snapshots or state would destroy them when replaced: refused. */
    @Test
    void shouldRefuseAnEventsFileInsideWhatTheNodeKeeps() throws Exception
    {
        final Path node = dir.resolve("node");
        Files.createDirectories(node.resolve("journal"));
        final Path meta = Files.writeString(node.resolve("journal").resolve("ringlog.meta"), "kept");
        final Said said = replica("node", "--role", "primary", "--dir", node.toString(), "--listen", "127.0.0.1:20101",
            "--peer", "127.0.0.1:20102", "--events", meta.toString());
        assertEquals(2, said.code, said.err);
        assertTrue(said.err.startsWith("error: the events file " + meta + " is inside " + node.resolve("journal") +
            ", which this command keeps its journal, snapshots or state in"), said.err);
        assertNoStackTrace(said);
        assertEquals("kept", Files.readString(meta), "untouched");
    }

    /**
     * An --aeron-dir that names a file, or a directory of someone else's files: the media driver deletes its
     * directory as it starts and stops, and the bad-input probe's node deleted both, with what they held.
     */
    @Test
    void shouldRefuseAnAeronDirectoryThatHoldsOtherFilesAndDeleteNothing() throws Exception
    {
        final Path victims = Files.createDirectories(dir.resolve("victims"));
        final Path data = Files.writeString(victims.resolve("mydata.txt"), "keep");
        final Path file = Files.writeString(dir.resolve("victim"), "precious");
        for (final Path aeron : List.of(victims, file))
        {
            final Path node = dir.resolve("node-" + aeron.getFileName());
            final Said said = replica("node", "--role", "primary", "--dir", node.toString(), "--listen",
                "127.0.0.1:20105", "--peer", "127.0.0.1:20106", "--aeron-dir", aeron.toString());
            assertEquals(2, said.code, said.err);
            assertTrue(said.err.startsWith("error: --aeron-dir: the Aeron directory " + aeron + (aeron == file ?
                " is a file" : " holds files that are not a media driver's (mydata.txt)") + ": a media driver deletes " +
                "its directory as it starts and as it stops"), said.err);
            assertNoStackTrace(said);
            assertFalse(Files.exists(node), "nothing made");
            assertFalse(Files.exists(aeron.resolveSibling(aeron.getFileName() + ".lock")), "no lock beside it");
        }
        assertEquals("keep", Files.readString(data));
        assertEquals("precious", Files.readString(file));
    }

    /**
     * The replication newcomer's findings: an --aeron-dir under a file made the node's folders and then failed
     * ("cannot lock the Aeron directory"), leaving them behind; a --dir that is a file was named in the file system's
     * words ("a file or directory of that name already exists"). Both are refused in the option's words, nothing made.
     */
    @Test
    void shouldRefuseADirectoryThatIsAFileOrLiesUnderOneAndMakeNothing() throws Exception
    {
        final Path file = Files.writeString(dir.resolve("afile"), "precious");
        final Path node = dir.resolve("node-under-file");
        final Said aeron = replica("node", "--role", "primary", "--dir", node.toString(), "--listen", "127.0.0.1:20105",
            "--peer", "127.0.0.1:20106", "--aeron-dir", file.resolve("aeron").toString());
        assertEquals(2, aeron.code, aeron.err);
        assertTrue(aeron.err.startsWith("error: --aeron-dir: the Aeron directory " + file.resolve("aeron") + " cannot be " +
            "made: " + file + " is a file, not a directory"), aeron.err);
        assertNoStackTrace(aeron);
        assertFalse(Files.exists(node), "nothing made");
        for (final Path named : List.of(file, file.resolve("node")))
        {
            final Said said = replica("node", "--role", "primary", "--dir", named.toString(), "--listen", "127.0.0.1:20105",
                "--peer", "127.0.0.1:20106");
            assertEquals(2, said.code, said.err);
            assertTrue(said.err.startsWith("error: --dir " + named + (named == file ? " is a file" : " cannot be made: " +
                file + " is a file") + ", not a directory: give the node's directory"), said.err);
            assertNoStackTrace(said);
        }
        assertEquals("precious", Files.readString(file));
    }

    /**
     * An --events path that is a directory, and a --timeout-s of promote that is not positive: the bad-input probe's
     * node hung 71 s and exited 1, leaving its lock files, and its promote said "no answer" and promoted all the same.
     */
    @Test
    void shouldRefuseAnEventsDirectoryAndAPromoteTimeoutThatIsNotPositiveAtOnce() throws Exception
    {
        final Path node = dir.resolve("node-events");
        final long started = System.nanoTime();
        final Said said = replica("node", "--role", "primary", "--dir", node.toString(), "--listen", "127.0.0.1:20107",
            "--peer", "127.0.0.1:20108", "--events", dir.toString());
        assertEquals(2, said.code, said.err);
        assertTrue(said.err.startsWith("error: cannot write --events file " + dir + ": it is a directory"), said.err);
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10), "at once");
        assertFalse(Files.exists(node), "nothing made");
        for (final String timeout : List.of("0", "-1"))
        {
            final Said promote = replica("promote", "--dir", node.toString(), "--timeout-s", timeout);
            assertEquals(2, promote.code, promote.err);
            assertTrue(promote.err.startsWith("error: --timeout-s must be positive: " + timeout), promote.err);
        }
    }

    /** The directory of an 'exchange run' journal: a node would start a new, empty exchange beside it. */
    @Test
    void shouldRefuseAJournalDirectoryAsANodeDirectory() throws Exception
    {
        final Path journal = Files.createDirectories(dir.resolve("j1"));
        Files.writeString(journal.resolve("metadata.cq4t"), "");
        final Said said = replica("node", "--role", "primary", "--dir", journal.toString(), "--listen", "127.0.0.1:20103",
            "--peer", "127.0.0.1:20104");
        assertEquals(2, said.code, said.err);
        assertTrue(said.err.startsWith("error: " + journal + " is a journal itself (its Chronicle files are in it), not a " +
            "node directory: a node keeps its journal in NODE_DIR/journal."), said.err);
        assertNoStackTrace(said);
        try (java.util.stream.Stream<Path> files = Files.list(journal))
        {
            assertEquals(List.of(journal.resolve("metadata.cq4t")), files.toList(), "nothing created beside it");
        }
    }

    @Test
    void shouldRefuseANegativeRateAsBadUsage() throws Exception
    {
        final Path commands = Files.writeString(dir.resolve("commands.txt"), "");
        final Said said = replica("publish", "--dir", dir.resolve("node").toString(), "-i", commands.toString(), "--rate",
            "-5");
        assertEquals(2, said.code, said.err);
        assertTrue(said.err.startsWith("error: --rate must not be negative (0: flat out)"), said.err);
        assertNoStackTrace(said);
        final Said line = replica("publish", "--dir", dir.resolve("node").toString(), "-i", commands.toString(),
            "--from-line", "0");
        assertEquals(2, line.code, line.err);
        assertTrue(line.err.startsWith("error: --from-line counts lines from 1: 0"), line.err);
        // A file that will not do is what the disk holds, exit 1, as for exchange run (a reviewer's: it was 2, usage).
        final Said directory = replica("publish", "--dir", dir.resolve("node").toString(), "-i", dir.toString());
        assertEquals(1, directory.code, directory.err);
        assertTrue(directory.err.startsWith("error: cannot read command file " + dir + ": it is a directory: give a " +
            "command file"), directory.err);
        final Said missing = replica("publish", "--dir", dir.resolve("node").toString(), "-i",
            dir.resolve("nowhere.txt").toString());
        assertEquals(1, missing.code, missing.err);
        assertEquals("error: cannot read command file " + dir.resolve("nowhere.txt") + ": no such file or directory\n",
            missing.err);
        // The command line's own errors first, as exchange run says them (a review of the change above).
        final Said both = replica("publish", "--dir", dir.resolve("node").toString(), "-i",
            dir.resolve("nowhere.txt").toString(), "--rate", "-1");
        assertEquals(2, both.code, both.err);
        assertTrue(both.err.startsWith("error: --rate must not be negative (0: flat out)"), both.err);
    }

    /** A node that dies while a publish waits for it: the publish says so, and how to go on without losing a line. */
    @Test
    void shouldSayHowToGoOnWhenTheNodeDiesDuringAPublish() throws Exception
    {
        final Path node = dir.resolve("node");
        Files.createDirectories(node);
        final Path commands = Files.writeString(dir.resolve("commands.txt"), "");
        final Process standIn = new ProcessBuilder("sleep", "60").start();
        try
        {
            NodeOwner.write(node, standIn.pid(), standIn.info().startInstant().orElseThrow());
            final CompletableFuture<Said> publish = CompletableFuture.supplyAsync(() -> replica("publish", "--dir",
                node.toString(), "-i", commands.toString()));
            await(() -> publish.isDone() || listInbox(node).stream().anyMatch((f) -> f.startsWith("publish-")),
                "publish's request");
            standIn.destroyForcibly();
            final Said said = publish.get(10, TimeUnit.SECONDS);
            assertEquals(1, said.code, said.err);
            assertTrue(said.err.startsWith("error: the node in " + node + " (pid " + standIn.pid() + ") ended before it " +
                "answered. What it journaled of " + commands + " is in its journal: once a node runs on " + node) &&
                said.err.contains("publish the same file again without --from-line, and it names the line to go on from"),
                said.err);
        }
        finally
        {
            standIn.destroyForcibly();
        }
    }

    private static List<String> listInbox(final Path node)
    {
        try (java.util.stream.Stream<Path> files = Files.list(new NodeDirectory(node).inbox()))
        {
            return files.map((f) -> f.getFileName().toString()).toList();
        }
        catch (final java.io.IOException ex)
        {
            return List.of();
        }
    }

    /** FENCED and FAILED are states a node comes to, not roles to start it in: neither offered nor taken. */
    @ParameterizedTest
    @ValueSource(strings = {"fenced", "FAILED", "leader"})
    void shouldStartANodeOnlyAsAPrimaryOrAStandby(final String role)
    {
        final Path node = dir.resolve("node");
        final Said said = replica("node", "--role", role, "--dir", node.toString(), "--listen", "127.0.0.1:20101",
            "--peer", "127.0.0.1:20102");
        assertEquals(2, said.code, said.err);
        assertTrue(said.err.startsWith("error: Invalid value for option '--role': expected one of [PRIMARY, STANDBY] " +
            "(case-insensitive) but was '" + role + "'"), said.err);
        assertNoStackTrace(said);
        assertFalse(Files.exists(node), "nothing created");
        final Said help = replica("node", "--help");
        assertEquals(0, help.code, help.err);
        assertTrue(help.out.contains("--role=ROLE") && help.out.contains("primary or standby"), help.out);
        assertFalse(help.out.toLowerCase(java.util.Locale.ROOT).contains("fenced,") ||
            help.out.contains("FAILED"), help.out);
    }

    /**
     * The directory does not exist, or holds a node that is gone: one line, nothing created or left, no
     * longer than the moment they give a node that is starting (all six at once, so the test takes it once).
     */
    @Test
    void shouldSayAtOnceThatNoNodeRunsInTheDirectory() throws Exception
    {
        final Path commands = Files.writeString(dir.resolve("commands.txt"), "");
        final Path nope = dir.resolve("nope");
        final Path gone = dir.resolve("gone");
        Files.createDirectories(gone);
        // What a SIGKILLed node leaves: its node.pid, naming a process that has ended.
        NodeOwner.write(gone, 2_147_483_646L, Instant.now());
        final long started = System.nanoTime();
        final Map<String, CompletableFuture<Said>> runs = new LinkedHashMap<>();
        // A thread each: the common pool has as few as one thread a core, and each run waits ~2 s for a node.
        final ExecutorService threads = Executors.newFixedThreadPool(6);
        for (final Path node : List.of(nope, gone))
        {
            for (final String command : List.of("stop", "promote", "publish"))
            {
                final List<String> args = new ArrayList<>(List.of(command, "--dir", node.toString()));
                if (command.equals("publish"))
                {
                    args.addAll(List.of("-i", commands.toString()));
                }
                runs.put(String.join(" ", args), CompletableFuture.supplyAsync(() -> replica(args.toArray(new String[0])),
                    threads));
            }
        }
        for (final Map.Entry<String, CompletableFuture<Said>> run : runs.entrySet())
        {
            final Said said = run.getValue().get(30, TimeUnit.SECONDS);
            final String node = run.getKey().split(" ")[2];
            assertEquals(1, said.code, run.getKey() + ": " + said.err);
            assertEquals("error: no node is running in " + node + ": start one with 'scripts/replica node --role " +
                "primary|standby --dir " + node + " --listen HOST:PORT --peer HOST:PORT'\n", said.err, run.getKey());
            assertEquals("", said.out, run.getKey());
        }
        threads.shutdown();
        final long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        assertTrue(seconds <= ReplicaCli.STARTING.toSeconds() + 3, "took " + seconds + " s");
        assertFalse(Files.exists(nope), "nothing created");
        try (var files = Files.list(gone))
        {
            assertEquals(List.of(gone.resolve(NodeOwner.PID_FILE), gone.resolve(NodeOwner.STARTED_FILE)),
                files.sorted().toList(), "nothing created or left");
        }
    }

    /** A node that dies while stop waits for its answer: stop says so within a second, and withdraws its request. */
    @Test
    void shouldStopWaitingWhenTheNodeDies() throws Exception
    {
        final Path node = dir.resolve("node");
        Files.createDirectories(node);
        // A stand-in node: a live process named by node.pid, that never answers.
        final Process standIn = new ProcessBuilder("sleep", "60").start();
        try
        {
            NodeOwner.write(node, standIn.pid(), standIn.info().startInstant().orElseThrow());
            final CompletableFuture<Said> stop = CompletableFuture.supplyAsync(() -> replica("stop", "--dir", node.toString()));
            final Path request = new NodeDirectory(node).control().resolve("stop" + Mailbox.REQUEST);
            await(() -> Files.exists(request) || stop.isDone(), "stop's request");
            assertFalse(stop.isDone(), "stop waits while the node runs: " + (stop.isDone() ? stop.join().err : ""));
            standIn.destroyForcibly();
            final Said said = stop.get(5, TimeUnit.SECONDS);
            assertEquals(1, said.code, said.err);
            assertEquals("error: the node in " + node + " (pid " + standIn.pid() + ") ended before it answered\n", said.err);
            assertFalse(Files.exists(request), "its request withdrawn");
        }
        finally
        {
            standIn.destroyForcibly();
        }
    }

    /**
     * A node started with {@code &} just before may still be building the jar or starting its JVM: while a
     * process that starts a node on the directory is alive, stop waits for that node past the short
     * allowance, and is answered once it runs (then waits for that process to end: ReplicaScriptIT).
     */
    @Test
    void shouldWaitForANodeThatIsStillStarting() throws Exception
    {
        final NodeDirectory node = new NodeDirectory(dir.resolve("starting"));
        // What 'scripts/replica node ... --dir DIR &' looks like while it builds: a live process naming the directory.
        final Process starter = new ProcessBuilder("bash", "-c", "sleep 60; true", "node", "--dir",
            node.root().toString()).start();
        final ExecutorService thread = Executors.newSingleThreadExecutor();
        try
        {
            await(() -> NodeOwner.starter(node) != null, "the starter to be seen");
            final long asked = System.nanoTime();
            final CompletableFuture<Said> stop = CompletableFuture.supplyAsync(() -> replica("stop", "--dir",
                node.root().toString()), thread);
            await(() -> System.nanoTime() - asked > ReplicaCli.STARTING.plusSeconds(1).toNanos() || stop.isDone(),
                "the short allowance to pass");
            assertFalse(stop.isDone(), "still waiting for the starting node: " + (stop.isDone() ? stop.get() : ""));
            try (NodeOwner owner = NodeOwner.claim(node, (line) ->
            {
            }))
            {
                await(() -> Mailbox.pending(node.control()).contains("stop"), "the stop request");
                final Properties answer = new Properties();
                answer.setProperty("status", "stopping");
                Mailbox.answer(node.control(), "stop", answer);
                // Answered: stop took the answer, and now waits for the node's process (this one) to end.
                final Path result = node.control().resolve("stop" + Mailbox.RESULT);
                await(() -> !Files.exists(result) || stop.isDone(), "stop to take its answer");
                assertFalse(stop.isDone(), "stop waits for the process to end: " + (stop.isDone() ? stop.get() : ""));
            }
        }
        finally
        {
            starter.destroyForcibly();
            thread.shutdownNow();
        }
    }

    /**
     * A node started from another directory with the same relative {@code --dir} is another directory's
     * node: the starter's own working directory decides, not the asker's.
     */
    @Test
    void shouldNotTakeANodeStartedElsewhereWithTheSameRelativeDirForOneStartingHere() throws Exception
    {
        final Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        final Path here = Files.createDirectories(dir.resolve("here"));
        final Process starter = new ProcessBuilder("bash", "-c", "sleep 60; true", "node", "--dir", "run/a")
            .directory(elsewhere.toFile()).start();
        try
        {
            final NodeDirectory there = new NodeDirectory(elsewhere.resolve("run/a"));
            await(() -> NodeOwner.starter(there) != null, "the starter to be seen for its own directory");
            assertEquals(null, NodeOwner.starter(new NodeDirectory(here.resolve("run/a"))),
                "run/a of another working directory is not this one");
        }
        finally
        {
            starter.destroyForcibly();
        }
    }

    /** A starting node empties its mailboxes, saying which requests it drops; a second node on the directory is refused. */
    @Test
    void shouldDiscardRequestsLeftFromBeforeTheNodeStarted() throws Exception
    {
        final NodeDirectory node = new NodeDirectory(dir.resolve("node"));
        Mailbox.ask(node.control(), "stop", new Properties());
        Mailbox.ask(node.control(), "promote", new Properties());
        Mailbox.ask(node.inbox(), "publish-1-2", new Properties());
        Mailbox.write(node.inbox().resolve("publish-0-2" + Mailbox.RESULT), new Properties());
        final List<String> said = new ArrayList<>();
        try (NodeOwner owner = NodeOwner.claim(node, said::add))
        {
            assertEquals(List.of("discarded 3 requests left from before this node started (promote, stop, publish-1-2): " +
                "ask again if it still matters"), said);
            assertEquals(List.of(), Mailbox.pending(node.control()));
            try (var files = Files.list(node.inbox()))
            {
                assertEquals(List.of(), files.toList());
            }
            assertEquals(owner.self(), NodeOwner.running(node));
            final IllegalStateException second = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> NodeOwner.claim(node, said::add));
            assertEquals("a node is already running in " + node.root() + " (pid " + ProcessHandle.current().pid() + "): " +
                "stop it first ('scripts/replica stop --dir " + node.root() + "')", second.getMessage());
        }
        assertEquals(null, NodeOwner.running(node), "a stopped node withdraws");
        try (NodeOwner again = NodeOwner.claim(node, said::add))
        {
            assertEquals(1, said.size(), "nothing more to discard: " + said);
        }
    }

    /**
     * The two nodes of a pair both started as synchronous primaries (the standby restarted with --role primary by
     * mistake): neither acknowledges the other, so a publish runs out of its --timeout-s. Its error says the peer is a
     * primary too and what to do, not that a standby is missing; the advice followed, the one restarted as a standby
     * with --rejoin cuts its own entries and follows.
     */
    @Test
    void shouldSayThePeerIsAPrimaryTooWhenTwoSynchronousPrimariesAcknowledgeNothing() throws Exception
    {
        final int portA = Exchanges.freePort();
        final int portB = Exchanges.freePort();
        final Path few = dir.resolve("few.txt");
        Exchanges.write(few, Exchanges.workload(WorkloadConfig.exchangeCore(9, 50)));
        final NodeProcess a = NodeProcess.start(dir, "a", "primary", portA, portB, "sync", false, dir.resolve("a.events"),
            "--drain-timeout-s", "2");
        // A pair first: b copies a's journal, and takes on its identity; then it is restarted as a primary.
        final NodeProcess standby = NodeProcess.start(dir, "b", "standby", portB, portA, "sync", false,
            dir.resolve("b-0.events"));
        final NodeProcess[] rejoined = new NodeProcess[2];
        try
        {
            a.awaitRunning();
            standby.awaitRunning();
            await(() -> standby.statusShows((status) -> status.role() == Role.STANDBY && status.journaledPosition() > 0 &&
                status.journaledPosition() == a.status().journaledPosition()), "b to follow a");
            replica("stop", "--dir", standby.root.toString());
            assertTrue(standby.process.waitFor(60, TimeUnit.SECONDS), "b has ended");
            rejoined[1] = NodeProcess.start(dir, "b", "primary", portB, portA, "sync", false, dir.resolve("b.events"));
            final NodeProcess b = rejoined[1];
            b.awaitRunning();
            // Commands of its own: b journals them, and no standby acknowledges them. (The node must reach the request
            // within the timeout too: 3 s ran out before it did once, beside another module's tests.)
            final Said own = replica("publish", "--dir", b.root.toString(), "-i", few.toString(), "--timeout-s", "6");
            assertTrue(own.code == 1 && own.err.startsWith("error: the primary journaled up to position "),
                own.out + own.err);
            // The publish goes on in the node: all of it journaled before a asks to follow.
            await(() -> b.statusShows((status) -> status.journaledPosition() == 5_052), "b to journal its commands");
            await(() ->
            {
                final ReplicationStatus status = a.status();
                return status != null && status.message() != null && status.message().startsWith("TWO PRIMARIES");
            }, "a's status page to say there are two primaries");
            final Said said = replica("publish", "--dir", a.root.toString(), "-i", few.toString(), "--timeout-s", "1");
            assertEquals(1, said.code, said.out + said.err);
            assertTrue(said.err.startsWith("error: the primary journaled up to position ") &&
                said.err.contains("its peer is not a standby but a primary too. Both were started as primaries") &&
                said.err.contains("restart it with --role standby --rejoin") && !said.err.contains("Start the standby"),
                said.err);
            assertNoStackTrace(said);
            // Probe (replication): the advice followed word for word, 'replica stop' waited its drain timeout and
            // said 'failed' with nothing to say why; the node says it, and that it is expected here.
            replica("stop", "--dir", a.root.toString());
            await(() -> text(a.log).contains("stopping: positions ") && text(a.log).contains("no standby will " +
                "acknowledge them: the peer is a primary too. This stop waits the 2 s of --drain-timeout-s for " +
                "nothing, then stops without applying them and says it failed: expected here"), "a's stop to say why");
            assertTrue(a.process.waitFor(60, TimeUnit.SECONDS), "a has ended");

            // Restarted as b's standby without --rejoin first, a refuses to follow (exit 4) and keeps its entries.
            final int refusedFrom = text(a.log).length();
            final NodeProcess refused = NodeProcess.start(dir, "a", "standby", portA, portB, "sync", false,
                dir.resolve("a-1.events"));
            assertTrue(refused.process.waitFor(60, TimeUnit.SECONDS), "a has ended");
            assertEquals(4, refused.process.exitValue(), text(a.log).substring(refusedFrom));

            // The advice followed: a, restarted as b's standby with --rejoin, cuts off its own entries and follows.
            // It used to announce the cut with the very advice it was following ('restart it as a standby with
            // --rejoin'); now it says it is rejoining, and only that.
            final int before = text(a.log).length();
            rejoined[0] = NodeProcess.start(dir, "a", "standby", portA, portB, "sync", true, dir.resolve("a-2.events"));
            await(() -> text(a.log).substring(before).contains("rejoin: cutting"), "a's rejoin to cut its entries");
            await(() -> rejoined[0].statusShows((status) -> status.role() == Role.STANDBY && status.message().isEmpty()),
                "a following b");
            final String rejoining = text(a.log).substring(before);
            assertTrue(rejoining.contains("DIVERGED, and started to rejoin, so it cuts its tail off now"), rejoining);
            assertFalse(rejoining.contains("restart it as a standby with --rejoin") || rejoining.contains("FAILED"),
                rejoining);
            // What a showed as a primary, nothing (no standby acknowledged), still decides what the cut says, though the
            // refused run came between (it said 'clients may have seen them': that run's page said only 'failed').
            assertTrue(rejoining.contains("a: rejoin:   dropped though committed: positions ") &&
                rejoining.contains("this node showed no event (its events file holds none), so no client saw them from " +
                "it"), rejoining);
            // And once b serves it, that it follows from where the cut left its journal.
            final java.util.regex.Matcher cut = java.util.regex.Pattern.compile("catch up from position (\\d+)")
                .matcher(rejoining);
            assertTrue(cut.find(), rejoining);
            final String following = "a: rejoin: following the primary from position " + cut.group(1) + ": this node's " +
                "journal" + ("1".equals(cut.group(1)) ? " is empty" : ", up to position " + (Long.parseLong(cut.group(1)) - 1) +
                ", is the primary's history");
            await(() -> text(a.log).substring(before).contains(following), "a to say it follows b: " + following);
            // Its second start line, after the cut, says so (it read as a second start in the epoch it was leaving).
            await(() -> text(a.log).substring(before).contains("a: standby again after the rejoin's cut, its journal in " +
                "epoch "), "a's start line after the cut");
        }
        finally
        {
            a.kill();
            standby.kill();
            for (final NodeProcess node : rejoined)
            {
                if (node != null)
                {
                    node.kill();
                }
            }
        }
    }

    /**
     * A reviewer's finding (replication operator, reproduced): a standby whose --peer named another pair's primary
     * was told its journal "took another course" and to restart with --rejoin; doing so cut its whole journal and
     * copied in the other pair's. Here the other journal is a primary's started beside it on a new journal, as two
     * primaries started by mistake would be, or a wrong --peer finds: the standby is refused, says the primary holds
     * another journal, and cuts nothing, with --rejoin too; moved away as it says, its journal is a copy of the
     * primary's from then on.
     */
    @Test
    void shouldRefuseToFollowAPrimaryOfAnotherJournalAndCutNothingEvenToRejoin() throws Exception
    {
        final int portA = Exchanges.freePort();
        final int portB = Exchanges.freePort();
        final NodeProcess a = NodeProcess.start(dir, "a", "primary", portA, portB, "async", false, dir.resolve("a.events"));
        final NodeProcess b = NodeProcess.start(dir, "b", "primary", portB, portA, "async", false, dir.resolve("b.events"));
        NodeProcess follower = null;
        try
        {
            a.awaitRunning();
            b.awaitRunning();
            await(() -> a.statusShows((status) -> status.message() != null && status.message().startsWith("ANOTHER " +
                "JOURNAL: a node whose journal is another one than this node's sends to 127.0.0.1:" + portA)),
                "a's status page to say b holds another journal");
            replica("stop", "--dir", b.root.toString());
            assertTrue(b.process.waitFor(60, TimeUnit.SECONDS), "b has ended");
            final long own = ReplicationStatus.read(b.root.resolve("replication")).journaledPosition();
            assertTrue(own > 0, "b journaled commands of its own");

            for (final boolean rejoin : new boolean[] {false, true})
            {
                final int from = text(b.log).length();
                final NodeProcess refused = NodeProcess.start(dir, "b", "standby", portB, portA, "async", rejoin,
                    dir.resolve("b-" + rejoin + ".events"));
                assertTrue(refused.process.waitFor(60, TimeUnit.SECONDS), "b has ended");
                final String said = text(b.log).substring(from);
                assertEquals(1, refused.process.exitValue(), said);
                assertTrue(said.contains("started as standby in epoch 0") && said.contains("journal ends at " + own) &&
                    said.contains("b: FAILED: the primary at 127.0.0.1:" + portA + " holds another journal than this " +
                    "node's") && said.contains("nothing was cut or changed") && said.contains("move its journal " +
                    "away, and start it again as a standby, and it copies the primary's"), said);
                assertFalse(said.contains("rejoin: cutting") || said.contains("Exception") || said.contains("\tat "),
                    said);
                assertEquals(own, ReplicationStatus.read(b.root.resolve("replication")).journaledPosition(),
                    "nothing was cut");
            }

            Files.move(b.root.resolve("journal"), dir.resolve("b-journal-moved-away"));
            Files.move(b.root.resolve("snapshots"), dir.resolve("b-snapshots-moved-away"));
            final int from = text(b.log).length();
            follower = NodeProcess.start(dir, "b", "standby", portB, portA, "async", false, dir.resolve("b-2.events"));
            final NodeProcess following = follower;
            await(() -> following.statusShows((status) -> status.role() == Role.STANDBY && "".equals(status.message()) &&
                status.journaledPosition() > 0 && status.journaledPosition() == a.status().journaledPosition()),
                "b to copy a's journal");
            assertTrue(text(b.log).substring(from).contains("b: this standby's journal is empty: it takes on the " +
                "primary's journal id "), text(b.log).substring(from));
        }
        finally
        {
            a.kill();
            b.kill();
            if (follower != null)
            {
                follower.kill();
            }
        }
    }

    /**
     * A publish to a node that does not answer (stopped with SIGSTOP: a frozen JVM, a paused container) said
     * "no answer in 5 s" for a --timeout-s of 3 and that its request "is left" in the inbox, as if the node
     * might still publish it. It says what the wait was, that nothing is published after the deadline, and
     * takes its request back; the node, running again, publishes nothing of it.
     */
    /**
     * A reviewer's finding: a node stopped by SIGTERM (or Ctrl-C) exited 143 (130) however it ended, though its help
     * says 0 stopped, 1 failed, and 'replica stop' read 0 for the same node. It exits with the code it recorded.
     */
    @Test
    void shouldExitZeroWhenSigtermStopsItCleanly() throws Exception
    {
        final NodeProcess a = NodeProcess.start(dir, "a", "primary", Exchanges.freePort(), Exchanges.freePort(), "async",
            false, dir.resolve("a.events"));
        try
        {
            a.awaitRunning();
            final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(a.log).contains("a: primary in epoch 0") && System.nanoTime() < deadline)
            {
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
            }
            a.process.destroy(); // SIGTERM
            assertTrue(a.process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the node stopped");
            final String output = Files.readString(a.log);
            assertEquals(0, a.process.exitValue(), output);
            assertTrue(output.contains("a: stopped"), output);
        }
        finally
        {
            a.kill();
        }
    }

    @Test
    void shouldSayThatAPublishToAFrozenNodeIsNotPublishedLater() throws Exception
    {
        final int portA = Exchanges.freePort();
        final Path few = dir.resolve("few.txt");
        Exchanges.write(few, Exchanges.workload(WorkloadConfig.exchangeCore(9, 50)));
        final NodeProcess a = NodeProcess.start(dir, "a", "primary", portA, Exchanges.freePort(), "async", false,
            dir.resolve("a.events"));
        try
        {
            a.awaitRunning();
            signal("STOP", a);
            final Said said;
            final List<Path> left;
            try
            {
                said = replica("publish", "--dir", a.root.toString(), "-i", few.toString(), "--timeout-s", "1");
                // Looked at while the node is still stopped: running, it would answer a request it found expired.
                try (java.util.stream.Stream<Path> inbox = Files.list(a.directory().inbox()))
                {
                    left = inbox.filter((f) -> f.toString().endsWith(Mailbox.REQUEST)).toList();
                }
            }
            finally
            {
                signal("CONT", a);
            }
            assertEquals(1, said.code, said.out + said.err);
            assertTrue(said.err.startsWith("error: no answer in 3 s from the node on " + a.root + " (--timeout-s 1, and " +
                "2 s for its answer): it is stopped or busy, and this publish is taken back. What the node journaled of " +
                few + " before its deadline, if anything, stays in its journal"), said.err);
            assertNoStackTrace(said);
            assertEquals(List.of(), left, "the request taken back");
            // Running again, the node publishes what it is asked next, and nothing of the given-up file before it: its
            // first command goes right after the exchange's settings, at position 2.
            final Said next = replica("publish", "--dir", a.root.toString(), "-i", few.toString());
            assertEquals(0, next.code, next.out + next.err);
            assertTrue(next.out.contains("first-position: 2\n"), next.out);
        }
        finally
        {
            a.kill();
        }
    }

    /**
     * A reviewer's finding: 'replica stop' of a frozen node (SIGSTOP) waited its 60 s without a word. It says early
     * that the node has not taken the request, gives up after --timeout-s saying the request is left, and the node
     * stops when it runs again.
     */
    @Test
    void shouldSayThatAFrozenNodeHasNotTakenTheStopAndStopItWhenItRunsAgain() throws Exception
    {
        final NodeProcess a = NodeProcess.start(dir, "a", "primary", Exchanges.freePort(), Exchanges.freePort(), "async",
            false, dir.resolve("a.events"));
        try
        {
            a.awaitRunning();
            signal("STOP", a);
            final Said said;
            try
            {
                said = replica("stop", "--dir", a.root.toString(), "--timeout-s", "4");
            }
            finally
            {
                signal("CONT", a);
            }
            assertEquals(1, said.code, said.out + said.err);
            assertTrue(said.err.startsWith("note: the node in " + a.root + " (pid " + a.process.pid() + ") has not " +
                "taken the stop request in 2 s: it is busy, or not running (stopped with SIGSTOP") &&
                said.err.contains("error: no answer in 4 s from the node in " + a.root + " (pid " + a.process.pid() +
                "): it is stopped or busy. The stop request is left in ") &&
                said.err.contains("the node stops when it runs again"), said.err);
            assertNoStackTrace(said);
            assertTrue(a.process.waitFor(60, TimeUnit.SECONDS), "running again, the node takes the stop left for it");
            assertEquals(0, a.process.exitValue(), text(a.log));
        }
        finally
        {
            a.kill();
        }
    }

    /**
     * A reviewer's finding: a primary whose engine halted early in a publish (its journal failed) answered with the
     * line after the last command it had taken into its ring as the one to resume from, though far fewer had reached
     * its journal; followed, the commands between were never journaled, and everything said success. The answer says
     * how many reached the journal and to give the same file again without --from-line; followed, on a disk with room,
     * the journal ends up holding every command of the file once.
     */
    @Test
    void shouldNotNameALineToResumeFromPastWhatAHaltedPrimaryJournaled() throws Exception
    {
        final Path file = dir.resolve("many.txt");
        Exchanges.write(file, Exchanges.workload(WorkloadConfig.exchangeCore(7, 25_000)));
        final Path journal = dir.resolve("a").resolve("journal");
        final StringBuilder why = new StringBuilder();
        final io.ringlog.core.testing.SmallFileSystem small = io.ringlog.core.testing.SmallFileSystem.mount(journal, "2m",
            why);
        org.junit.jupiter.api.Assumptions.assumeTrue(small != null, "cannot mount a tmpfs for the journal here: " + why);
        final Said said;
        try (small)
        {
            final NodeProcess a = NodeProcess.start(dir, "a", "primary", Exchanges.freePort(), Exchanges.freePort(),
                "async", false, dir.resolve("a.events"));
            try
            {
                a.awaitRunning();
                said = replica("publish", "--dir", a.root.toString(), "-i", file.toString(), "--timeout-s", "60");
            }
            finally
            {
                a.kill();
            }
            copyTree(dir.resolve("a"), dir.resolve("b"));
        }
        assertEquals(1, said.code, said.out + said.err);
        assertTrue(said.err.contains("were committed to the journal when the engine halted (more may reach it as the " +
            "node closes: what a restart finds is what counts). Resume: once the node can take it, publish the same " +
            "file again without --from-line"), said.out + said.err);
        assertFalse(said.out.contains("resume-from-line"), said.out);
        assertNoStackTrace(said);

        // Followed, on a disk with room: the same file without --from-line, then from the line it names, if it does.
        java.nio.file.Files.deleteIfExists(dir.resolve("b").resolve("node.pid"));
        final NodeProcess b = NodeProcess.start(dir, "b", "primary", Exchanges.freePort(), Exchanges.freePort(), "async",
            false, dir.resolve("b.events"));
        try
        {
            b.awaitRunning();
            Said again = replica("publish", "--dir", b.root.toString(), "-i", file.toString());
            final java.util.regex.Matcher from = java.util.regex.Pattern.compile("--from-line (\\d+)").matcher(again.err);
            if (again.code != 0 && from.find())
            {
                again = replica("publish", "--dir", b.root.toString(), "-i", file.toString(), "--from-line", from.group(1));
            }
            assertEquals(0, again.code, again.out + again.err);
            final long commands = java.nio.file.Files.readAllLines(file).stream().filter((l) -> !l.isBlank() &&
                !l.startsWith("#")).count();
            assertTrue(again.out.contains("last-position: " + (commands + 1) + "\n"), "every command once, after the " +
                "exchange's settings at position 1: " + again.out);
        }
        finally
        {
            b.kill();
        }
    }

    private static void copyTree(final Path from, final Path to) throws java.io.IOException
    {
        try (java.util.stream.Stream<Path> all = java.nio.file.Files.walk(from))
        {
            for (final Path each : (Iterable<Path>)all::iterator)
            {
                final Path target = to.resolve(from.relativize(each).toString());
                if (java.nio.file.Files.isDirectory(each))
                {
                    java.nio.file.Files.createDirectories(target);
                }
                else if (!each.getFileName().toString().endsWith(".lock") || !java.nio.file.Files.isDirectory(each))
                {
                    java.nio.file.Files.copy(each, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void signal(final String signal, final NodeProcess node) throws Exception
    {
        final Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(node.process.pid())).start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal);
    }

    /**
     * An asynchronous primary and a standby started with --mode sync: the standby's status said
     * "synchronous" while nothing waited for it. Each node's log says the modes differ, which decides and
     * what to do; 'replica status' says it on the mode line.
     */
    @Test
    void shouldSayThatThePairWasStartedWithDifferentModes() throws Exception
    {
        final int portA = Exchanges.freePort();
        final int portB = Exchanges.freePort();
        final NodeProcess a = NodeProcess.start(dir, "a", "primary", portA, portB, "async", false, dir.resolve("a.events"));
        final NodeProcess b = NodeProcess.start(dir, "b", "standby", portB, portA, "sync", false, dir.resolve("b.events"));
        try
        {
            a.awaitRunning();
            b.awaitRunning();
            await(() -> text(b.log).contains("the primary at 127.0.0.1:" + portA +
                " was started asynchronous and this node synchronous: the primary does not wait for this standby"),
                "b's log to say the modes differ");
            await(() -> text(a.log).contains("the standby at 127.0.0.1:" + portB +
                " was started synchronous and this node asynchronous"), "a's log to say the modes differ");
            final Said said = replica("status", "--dir", b.root.toString());
            assertEquals(0, said.code, said.out + said.err);
            assertTrue(said.out.contains("mode: synchronous (the primary was started asynchronous: the primary's mode " +
                "decides, this node's applies once it is promoted; give both the same mode)"), said.out);
            // Probe (replication): a promote with the primary alive was taken without a word, and the asynchronous
            // primary showed 7,056 positions of events the new history gave to other commands before it was fenced.
            final Said promote = replica("promote", "--dir", b.root.toString());
            assertEquals(1, promote.code, promote.out + promote.err);
            final String answer = promote.out + promote.err;
            assertTrue(answer.contains("status: refused") && answer.contains("error: the primary at 127.0.0.1:" + portA +
                " was heard from ") && answer.contains("ms ago: it is running") &&
                answer.contains("Stop it first (replica stop, or kill it), then promote"), answer);
            assertEquals("standby", replica("status", "--dir", b.root.toString()).out.lines()
                .filter((line) -> line.startsWith("role: ")).findFirst().orElse("").substring("role: ".length()));
            assertFalse(text(b.log).contains("Exception"), text(b.log));
        }
        finally
        {
            a.kill();
            b.kill();
        }
    }

    /**
     * A restarted node appends to its events file, after its last whole line: a line a kill tore is cut
     * off, saying so.
     */
    @Test
    void shouldAppendToAnEventsFileAfterItsLastWholeLine() throws Exception
    {
        final Path torn = dir.resolve("torn.txt");
        Files.writeString(torn, "pos=1 a\n" + "pos=2 b\n".repeat(1_000) + "pos=3 par");
        final List<String> said = new ArrayList<>();
        try (java.io.Writer writer = ExchangeNode.openEvents(torn, said::add))
        {
            writer.write("pos=3 c\n");
        }
        assertEquals("pos=1 a\n" + "pos=2 b\n".repeat(1_000) + "pos=3 c\n", Files.readString(torn));
        assertEquals(List.of("events file " + torn + ": cut off its torn last line (9 bytes, 'pos=3 par'), left by a " +
            "node that was killed while writing it; its event is written again"), said);
        final Path fresh = dir.resolve("fresh.txt");
        try (java.io.Writer writer = ExchangeNode.openEvents(fresh, said::add))
        {
            writer.write("pos=1 a\n");
        }
        Files.writeString(fresh, "po", java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
        try (java.io.Writer writer = ExchangeNode.openEvents(fresh, said::add))
        {
            writer.write("pos=1 a\n");
        }
        assertEquals("pos=1 a\n", Files.readString(fresh));
        assertEquals(2, said.size(), "the torn first line was cut, saying so: " + said);
    }

    /**
     * --events naming a file that holds something else (the command file, notes without a last newline)
     * is refused before the node starts: it would append events to it, and cut off its last line.
     */
    @Test
    void shouldRefuseAnEventsFileThatHoldsSomethingElse() throws Exception
    {
        final String notes = "pos=1 looks like an event\nbut this is a note with no newline";
        final String commands = "deposit account=1 asset=1 amount=100\n";
        final String junk = "pos=1 a\n" + "x".repeat(5_000);
        int port = 20111;
        for (final String content : List.of(notes, commands, junk))
        {
            final Path file = Files.writeString(dir.resolve("file-" + port + ".txt"), content);
            final Path node = dir.resolve("node-" + port);
            final Said said = replica("node", "--role", "primary", "--dir", node.toString(), "--listen",
                "127.0.0.1:" + port++, "--peer", "127.0.0.1:" + port++, "--events", file.toString());
            assertEquals(2, said.code, said.err);
            assertTrue(said.err.startsWith("error: the events file " + file + " holds something else than events: ") &&
                said.err.contains("every line of an events file starts 'pos='"), said.err);
            assertNoStackTrace(said);
            assertEquals(content, Files.readString(file), "untouched");
            assertFalse(Files.exists(node), "nothing created");
        }
    }

    private static void assertNoStackTrace(final Said said)
    {
        assertFalse(said.err.contains("\tat ") || said.err.contains("Exception"), said.err);
    }

    private static void await(final BooleanSupplier condition, final String what) throws Exception
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out waiting for " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /**
     * A node still starting has a page with its pid and no figures: status printed a note that they were placeholders,
     * then every one of them below it (role, mode, peer), which still read as the node's (a reviewer's finding). It
     * prints the note alone.
     */
    @Test
    void shouldPrintNoFiguresOfANodeThatHasNotWrittenItsPageYet() throws Exception
    {
        final Path node = dir.resolve("starting");
        io.ringlog.journal.replication.FreshStatusPage.create(new NodeDirectory(node).replication());
        final Said said = replica("status", "--dir", node.toString());
        assertEquals(0, said.code, said.out + said.err);
        assertEquals("process: " + ProcessHandle.current().pid() + " (running)\nnote: the node is starting and has not " +
            "written its status yet (it does every 10 ms once it runs): no figures to show; ask again in a moment\n",
            said.out);
    }
}
