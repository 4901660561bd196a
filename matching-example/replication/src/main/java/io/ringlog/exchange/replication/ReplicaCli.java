package io.ringlog.exchange.replication;

import io.ringlog.core.Topology;
import io.ringlog.exchange.cli.ByteSize;
import io.ringlog.exchange.cli.ExchangeCli;
import io.ringlog.exchange.cli.SignalStop;
import io.ringlog.journal.replication.ReplicationContext;
import io.ringlog.journal.replication.ReplicationMode;
import io.ringlog.journal.replication.ReplicationStatus;
import io.ringlog.journal.replication.Role;
import io.ringlog.journal.replication.StandbyLoss;
import io.ringlog.journal.tool.CliSupport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * {@code replica node | publish | status | promote | stop}: the stock exchange as a primary and a
 * hot standby, two processes replicating over Aeron (scripts/replica).
 */
@Command(
    name = "replica",
    mixinStandardHelpOptions = true,
    description = "Run the ringlog stock exchange as a primary and a hot standby that replicate over Aeron (UDP), " +
        "publish command files to the primary, watch replication lag, promote the standby.",
    subcommands = {
        ReplicaCli.NodeCommand.class,
        ReplicaCli.PublishCommand.class,
        ReplicaCli.StatusCommand.class,
        ReplicaCli.PromoteCommand.class,
        ReplicaCli.StopCommand.class,
        CommandLine.HelpCommand.class})
public final class ReplicaCli implements Callable<Integer>
{
    /**
     * How long publish, promote and stop wait for a node that is not running yet when no process is starting
     * one on that directory; while one is (started with {@code &} just before, building or starting its JVM),
     * they wait as long as their own timeout.
     */
    static final Duration STARTING = Duration.ofMillis(500);
    /** How long publish waits beyond --timeout-s for the node's own answer, which says why its commands were not applied. */
    private static final Duration ANSWER_GRACE = Duration.ofSeconds(2);
    /** How long a publish stopped by a signal waits for the node to say how far it got. */
    private static final Duration CANCEL_ANSWER = Duration.ofSeconds(10);

    @Spec
    CommandLine.Model.CommandSpec spec;

    ReplicaCli()
    {
    }

    public static void main(final String[] args)
    {
        final io.ringlog.journal.tool.StandardOutput out = io.ringlog.journal.tool.StandardOutput.install();
        final PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(out.exit(run(out.writer(), err, args), err));
    }

    /** Runs the command line with the given output streams and returns its exit code. */
    public static int run(final PrintWriter out, final PrintWriter err, final String... args)
    {
        final CommandLine commandLine = new CommandLine(new ReplicaCli());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        final int code = CliSupport.configure(commandLine, out, err).execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public Integer call()
    {
        spec.commandLine().usage(spec.commandLine().getErr()); // a usage error: not into a script's output
        return CommandLine.ExitCode.USAGE;
    }

    /** The roles a node starts in; it becomes fenced or failed by itself, never by being started so. */
    enum StartRole
    {
        PRIMARY(Role.PRIMARY), STANDBY(Role.STANDBY);

        final Role role;

        StartRole(final Role role)
        {
            this.role = role;
        }
    }

    /** Node modes by the names a person types. */
    enum Mode
    {
        SYNC(ReplicationMode.SYNCHRONOUS), ASYNC(ReplicationMode.ASYNCHRONOUS);

        final ReplicationMode mode;

        Mode(final ReplicationMode mode)
        {
            this.mode = mode;
        }
    }

    /** {@code replica node}: runs one node until stopped, fenced or failed. */
    @Command(name = "node", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Run one node of the pair in this process until it is stopped ('replica stop', SIGTERM), fenced or fails. " +
                "A primary on an empty journal writes the exchange's settings at position 1; a standby follows its " +
                "primary, catching up from its journal first, applies every command (a hot standby) and takes " +
                "snapshots at the same positions.",
            "Exit codes: 0 stopped; 1 failed, or stopped before every accepted command was applied (--drain-timeout-s); " +
                "3 fenced (a standby was promoted: restart this node with --role standby " +
                "--rejoin); 4 diverged (this standby's journal has a tail the primary does not: restart with --rejoin)."})
    static final class NodeCommand implements Callable<Integer>
    {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "primary or standby.")
        StartRole role;

        @Option(names = {"-d", "--dir"}, required = true, paramLabel = "NODE_DIR",
            description = "The node's directory: journal, snapshots, replication state, requests (created if missing).")
        Path dir;

        @Option(names = "--listen", required = true, paramLabel = "HOST:PORT", description = "UDP endpoint this node receives on.")
        String listen;

        @Option(names = "--peer", required = true, paramLabel = "HOST:PORT", description = "UDP endpoint the other node receives on.")
        String peer;

        @Option(names = "--mode", defaultValue = "SYNC", paramLabel = "MODE",
            description = "sync: an event is visible once the standby's journal has its command; async: it does not " +
                "wait (what the standby had not acknowledged is lost if the primary dies) (default: ${DEFAULT-VALUE}).")
        Mode mode;

        @Option(names = "--degrade-after-ms", paramLabel = "MS",
            description = "Synchronous primary without a standby: after this long, show events without its " +
                "acknowledgement, loudly, until a standby catches up (default: wait for a standby, however long).")
        Long degradeAfterMs;

        @Option(names = "--heartbeat-ms", defaultValue = "100", paramLabel = "MS",
            description = "Heartbeat interval (default: ${DEFAULT-VALUE}).")
        long heartbeatMs;

        @Option(names = "--peer-timeout-ms", defaultValue = "2000", paramLabel = "MS",
            description = "Silence after which the peer counts as lost (default: ${DEFAULT-VALUE}).")
        long peerTimeoutMs;

        @Option(names = "--events", paramLabel = "EVENTS_FILE",
            description = "Write the events this node makes visible as a primary here, one line each, flushed at the " +
                "end of each batch. A file that exists is appended to: a restarted node goes on after what it " +
                "showed (a line a kill tore is cut off first, saying so). A file that holds something else is refused.")
        Path events;

        @Option(names = "--snapshot-every", defaultValue = "0", paramLabel = "N",
            description = "Take a snapshot after every N-th position; a standby takes its own at the same positions " +
                "as it applies them (positions a start replays from the node's own journal take none) (default: " +
                "${DEFAULT-VALUE}, never).")
        long snapshotEvery;

        @Option(names = "--state-check-every", defaultValue = "1000000", paramLabel = "N",
            description = "Compare this node's state with its peer's every N positions: both take their state hash " +
                "there (and at snapshots), the primary sends its own, and a standby whose hash differs says STATE " +
                "DIFFERS, shows it in status, and refuses a promotion unless forced. Give both nodes the same N and " +
                "--snapshot-every: a node started again is compared within a few heartbeats at a position both took a " +
                "hash at, its replay's included; 0 compares at snapshots only (default: ${DEFAULT-VALUE}).")
        long stateCheckEvery;

        @Option(names = "--topology", defaultValue = "PIPELINED", paramLabel = "TOPOLOGY",
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}: the replicator ships batch after batch " +
                "while acknowledgements come back; COMPACT waits for each batch's on one thread).")
        Topology topology;

        @Option(names = "--rejoin",
            description = "A standby whose journal goes on past where the primary's history took another course (a " +
                "fenced primary) cuts that tail off, saying what it drops, and follows.")
        boolean rejoin;

        @Option(names = "--max-assets", defaultValue = "64", paramLabel = "N",
            description = "A new journal's asset ids 0..N-1, written at position 1 by the first primary (default: ${DEFAULT-VALUE}).")
        int maxAssets;

        @Option(names = "--drain-timeout-s", defaultValue = "30", paramLabel = "S",
            description = "On a stop, how long to wait until every accepted command is applied (a synchronous primary: " +
                "acknowledged by its standby) before closing anyway, with exit code 1 (default: ${DEFAULT-VALUE}).")
        long drainTimeoutSeconds;

        @Option(names = "--aeron-dir", paramLabel = "DIR",
            description = "The node's own media driver directory (default: NODE_DIR/aeron; /dev/shm/... is faster).")
        Path aeronDir;

        @Option(names = "--journal-preallocate", defaultValue = "0", paramLabel = "SIZE", converter = ByteSize.class,
            description = "Give the journal's file disk blocks for SIZE more bytes (512m, 2g) at start, past its newest " +
                "entry, as a primary or a standby: appends into them write nothing ahead, and a disk without the room " +
                "refuses the start instead of halting the node later. Only the file of the day the node starts in gets " +
                "them (a node running past the day's roll grows 256 KB at a time again): restart it each day. Costs " +
                "about a second per GB at each start, twice when --rejoin cuts the journal (default: 0, the journal " +
                "grows 256 KB at a time).")
        long journalPreallocate;

        /**
         * Refuses a directory that is a journal itself ('exchange run -d DIR' made it): a node keeps its journal in
         * DIR/journal, so it would start a new, empty exchange beside it.
         */
        private void checkNotAJournal(final Path directory) throws java.io.IOException
        {
            // A file, or a path under one: said in the option's words, not as the file system's exception.
            for (Path at = directory.toAbsolutePath(); at != null; at = at.getParent())
            {
                if (Files.exists(at) && !Files.isDirectory(at))
                {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--dir " + directory + (at.equals(
                        directory.toAbsolutePath()) ? " is a file" : " cannot be made: " + at + " is a file") + ", not a " +
                        "directory: give the node's directory (one that does not exist is made)");
                }
                if (Files.exists(at))
                {
                    break;
                }
            }
            if (!Files.isDirectory(directory))
            {
                return;
            }
            try (java.util.stream.Stream<Path> files = Files.list(directory))
            {
                final boolean journal = files.map((file) -> file.getFileName().toString())
                    .anyMatch((name) -> name.endsWith(".cq4") || name.equals("metadata.cq4t"));
                if (journal)
                {
                    throw new CommandLine.ParameterException(spec.commandLine(), directory + " is a journal itself (its " +
                        "Chronicle files are in it), not a node directory: a node keeps its journal in NODE_DIR/journal. " +
                        "Give a new directory, or move this journal to DIR/journal of one");
                }
            }
        }

        @Override
        public Integer call() throws Exception
        {
            // The one option that is wrong, with its value: not every rule at once.
            final String wrong = maxAssets < 2 || maxAssets > 1024 ? "--max-assets must be between 2 (a base and a " +
                "quote) and 1024: " + maxAssets :
                snapshotEvery < 0 ? "--snapshot-every must not be negative: " + snapshotEvery :
                stateCheckEvery < 0 ? "--state-check-every must not be negative: " + stateCheckEvery :
                degradeAfterMs != null && degradeAfterMs < 0 ? "--degrade-after-ms must not be negative: " + degradeAfterMs :
                drainTimeoutSeconds < 1 ? "--drain-timeout-s must be at least 1: " + drainTimeoutSeconds :
                heartbeatMs <= 0 ? "--heartbeat-ms must be positive: " + heartbeatMs :
                peerTimeoutMs <= heartbeatMs ? "--peer-timeout-ms " + peerTimeoutMs + " must be longer than " +
                    "--heartbeat-ms " + heartbeatMs + ": the peer would count as lost between two heartbeats" : null;
            if (wrong != null)
            {
                throw new CommandLine.ParameterException(spec.commandLine(), wrong);
            }
            checkEndpoints();
            checkNotAJournal(dir);
            // Before anything is made: the media driver deletes its directory, with whatever a mistyped path held.
            final String aeronRefusal = ReplicationContext.aeronDirectoryRefusal(aeronDir);
            if (aeronRefusal != null)
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "--aeron-dir: " + aeronRefusal);
            }
            if (events != null)
            {
                final NodeDirectory node = new NodeDirectory(dir);
                try
                {
                    // A directory, or a path under a file: refused before the node's directory is made.
                    ExchangeCli.checkWritable(events, "--events file");
                    ExchangeCli.checkNotOverwriting(events, "events file", null, node.journal(), node.snapshots(),
                        node.replication(), node.aeron(), node.inbox(), node.control(),
                        node.root().resolve(NodeOwner.LOCK_FILE), node.root().resolve(NodeOwner.PID_FILE),
                        node.root().resolve(NodeOwner.STARTED_FILE), node.ended());
                }
                catch (final IllegalArgumentException ex)
                {
                    throw new CommandLine.ParameterException(spec.commandLine(), ex.getMessage());
                }
                final String foreign = ExchangeNode.notAnEventsFile(events);
                if (foreign != null)
                {
                    throw new CommandLine.ParameterException(spec.commandLine(), foreign);
                }
            }
            if (!Files.exists(dir))
            {
                // A port another process holds is refused before the node's directory is made, not after.
                final String refusal = new ReplicationContext().localEndpoint(listen).listenRefusal();
                if (refusal != null)
                {
                    spec.commandLine().getErr().println(dir.getFileName() + ": cannot start: " + refusal);
                    return ExchangeNode.FAILED;
                }
            }
            Files.createDirectories(dir);
            final ExchangeNode.Settings settings = new ExchangeNode.Settings(role.role, new NodeDirectory(dir), listen, peer,
                mode.mode, degradeAfterMs != null ? StandbyLoss.DEGRADE : StandbyLoss.WAIT,
                Duration.ofMillis(degradeAfterMs != null ? degradeAfterMs : 5_000), Duration.ofMillis(heartbeatMs),
                Duration.ofMillis(peerTimeoutMs), events, snapshotEvery, topology, rejoin, maxAssets, aeronDir,
                Duration.ofSeconds(drainTimeoutSeconds), journalPreallocate, stateCheckEvery);
            return new ExchangeNode(settings, spec.commandLine().getOut(), spec.commandLine().getErr()).run();
        }

        /** Before anything is created: endpoints that cannot work are a usage error, in the flags' names. */
        private void checkEndpoints()
        {
            try
            {
                new ReplicationContext().name("check").directory(dir.resolve("replication")).localEndpoint(listen)
                    .peerEndpoint(peer).conclude();
            }
            catch (final IllegalArgumentException ex)
            {
                throw new CommandLine.ParameterException(spec.commandLine(),
                    ex.getMessage().replace("localEndpoint", "--listen").replace("peerEndpoint", "--peer"));
            }
        }
    }

    /** {@code replica publish}: hands a command file to a running primary and waits until it is applied. */
    @Command(name = "publish", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Publish every command of a command file through the primary running on NODE_DIR, and wait " +
            "until they are applied there (in sync mode: acknowledged by the standby). Prints positions and counts, " +
                "and whether the standby holds them (replicated: false where a degraded or asynchronous primary went on " +
                "without it, with a note naming the positions only this machine holds).",
            "Ctrl-C (or SIGTERM) withdraws the publish: the node publishes no more of the file and answers with how " +
                "far it got and the line to resume from.",
            "Exit codes: 0 every command applied; 1 not (no node running on NODE_DIR, a standby, not applied within " +
                "--timeout-s, the node stopped, a command file that cannot be read): the error line says why; 2 a usage " +
                "error (an unknown option, a value out of range); 130 or 143 stopped by a signal."})
    static final class PublishCommand implements Callable<Integer>
    {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = {"-d", "--dir"}, required = true, paramLabel = "NODE_DIR", description = "The primary's directory.")
        Path dir;

        @Option(names = {"-i", "--input"}, required = true, paramLabel = "COMMANDS_FILE",
            description = "Command file in the text format ('scripts/exchange generate').")
        Path commands;

        @Option(names = "--rate", defaultValue = "0", paramLabel = "PER_SECOND",
            description = "Publish at this many commands a second (default: ${DEFAULT-VALUE}, flat out).")
        long rate;

        @Option(names = "--timeout-s", defaultValue = "" + ExchangeNode.PUBLISH_TIMEOUT_S, paramLabel = "S",
            description = "How long to wait until every command is published and applied; if they are not by then, " +
                "exit code 1 (default: ${DEFAULT-VALUE}).")
        long timeoutSeconds;

        @Option(names = "--from-line", defaultValue = "1", paramLabel = "N",
            description = "Start at line N of the command file: to go on after a publish that stopped part way (it " +
                "prints the line to resume from) (default: ${DEFAULT-VALUE}).")
        long fromLine;

        @Option(names = "--append",
            description = "Publish the file even though the node's journal ends with its first commands (it was " +
                "published before, whole or part way): without it, that publish is refused, since it would apply " +
                "commands twice, and the refusal names the line to go on from.")
        boolean append;

        @Override
        public Integer call() throws Exception
        {
            if (fromLine < 1)
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "--from-line counts lines from 1: " +
                    fromLine);
            }
            if (timeoutSeconds <= 0)
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "--timeout-s must be positive");
            }
            if (rate < 0)
            {
                // As 'exchange run' and 'kafka feed' refuse it: a negative rate is a typo, not "flat out".
                throw new CommandLine.ParameterException(spec.commandLine(), "--rate must not be negative (0: flat out)");
            }
            // What the disk holds, not the command line: exit 1, as exchange run says it, after the usage errors as
            // there (a reviewer's, from the README's rule; this was a usage error, exit 2).
            if (Files.isDirectory(commands))
            {
                throw new IllegalArgumentException("cannot read command file " + commands + ": it is a directory: give " +
                    "a command file ('exchange generate' writes one)");
            }
            ExchangeCli.checkReadable(commands, "command file");
            final NodeDirectory node = new NodeDirectory(dir);
            final Duration timeout = Duration.ofSeconds(timeoutSeconds);
            final NodeOwner.Running running = NodeOwner.await(node, STARTING, timeout);
            final Properties request = new Properties();
            request.setProperty("file", commands.toAbsolutePath().toString());
            request.setProperty("rate", Long.toString(rate));
            request.setProperty("from-line", Long.toString(fromLine));
            request.setProperty("append", Boolean.toString(append));
            request.setProperty("deadline-ms", Long.toString(System.currentTimeMillis() + timeout.toMillis()));
            final String name = "publish-" + System.currentTimeMillis() + "-" + ProcessHandle.current().pid();
            final PrintWriter err = spec.commandLine().getErr();
            // Stopped by a signal, it withdraws the request rather than leave the node publishing a file nobody
            // waits for, and holds the JVM until the node says how far it got (bounded by CANCEL_ANSWER).
            try (SignalStop stop = SignalStop.install(err, "publish: stopped by a signal: withdrawing the publish; " +
                "the node stops publishing " + commands + " and says how far it got", "publish-withdraw"))
            {
                Mailbox.ask(node.inbox(), name, request);
                try
                {
                    return await(node, name, timeout, withdrawnOnSignal(stop, node, name, () ->
                    {
                        final String gone = running.gone();
                        // What it journaled of the file is in its journal: the next publish of the file finds where.
                        return gone == null ? null : gone + ". What it journaled of " + commands + " is in its " +
                            "journal: once a node runs on " + node.root() + " (or on the standby, promoted), publish " +
                            "the same file again without --from-line, and it names the line to go on from";
                    }));
                }
                catch (final IllegalStateException | TimeoutException ex)
                {
                    if (!stop.signalled())
                    {
                        throw ex;
                    }
                    // Said here: once the signal's hook returns (closing the stop), the JVM halts.
                    err.println("error: " + CliSupport.message(ex));
                    return CliSupport.FAILED;
                }
                finally
                {
                    spec.commandLine().getOut().flush();
                    err.flush();
                }
            }
        }

        /**
         * What {@link Mailbox#awaitAnswer} asks a few times a second: once a signal came, it withdraws the
         * request, then waits up to {@link #CANCEL_ANSWER} for the node's answer; otherwise whether the node is gone.
         */
        private Supplier<String> withdrawnOnSignal(final SignalStop stop, final NodeDirectory node, final String name,
            final Supplier<String> gone)
        {
            final long[] withdrawnAt = {0};
            return () ->
            {
                if (stop.signalled())
                {
                    if (withdrawnAt[0] == 0)
                    {
                        Mailbox.cancel(node.inbox(), name);
                        withdrawnAt[0] = System.nanoTime();
                    }
                    else if (System.nanoTime() - withdrawnAt[0] > CANCEL_ANSWER.toNanos())
                    {
                        return "the publish was withdrawn, but the node on " + node.root() + " did not answer in " +
                            CANCEL_ANSWER.toSeconds() + " s, so how much of " + commands + " got in is not known " +
                            "here: 'replica status --dir " + node.root() + "' shows the node's positions. It " +
                            "publishes no more of the file once it sees the withdrawal";
                    }
                }
                return gone.get();
            };
        }

        private Integer await(final NodeDirectory node, final String name, final Duration timeout,
            final Supplier<String> gone) throws IOException, InterruptedException, TimeoutException
        {
            Properties result;
            try
            {
                result = Mailbox.awaitAnswer(node.inbox(), name, timeout.plus(ANSWER_GRACE), gone);
            }
            catch (final TimeoutException ex)
            {
                // An answer that came just as the wait ran out is still the answer.
                result = Mailbox.takeAnswer(node.inbox(), name);
                if (result == null)
                {
                    throw unanswered(node, name, timeout);
                }
            }
            // The node's own words, when they already say what to do (a publish it stopped at its deadline).
            final String waiting = "not-applied".equals(result.getProperty("status")) &&
                !result.getProperty("message", "").contains("--degrade-after-ms") ? waitingForStandby(node) : null;
            if (waiting != null)
            {
                result.setProperty("message", waiting);
            }
            return print(result, spec.commandLine().getOut(), spec.commandLine().getErr(), "published");
        }

        /** Why the wait ran out, in words; the request, if the node has not taken it up, is taken back first. */
        private TimeoutException unanswered(final NodeDirectory node, final String name, final Duration timeout)
            throws IOException
        {
            final String waiting = waitingForStandby(node);
            if (waiting != null)
            {
                return new TimeoutException(waiting);
            }
            // A node that reaches it after this would only answer it expired; one that has it open goes on until the
            // deadline and stops there.
            Files.deleteIfExists(node.inbox().resolve(name + Mailbox.REQUEST));
            return new TimeoutException("no answer in " + timeout.plus(ANSWER_GRACE).toSeconds() + " s from the node " +
                "on " + node.root() + " (--timeout-s " + timeout.toSeconds() + ", and " + ANSWER_GRACE.toSeconds() +
                " s for its answer): it is stopped or busy, and this publish is taken back. What the node journaled of " +
                commands + " before its deadline, if anything, stays in its journal, and publishing the file again " +
                "is safe: a node refuses the lines its journal ends with and names the line to go on from. 'replica " +
                "status --dir " + node.root() + "' shows the node's positions");
        }
    }

    /**
     * Why a running synchronous primary has not answered, when it is waiting for a standby's
     * acknowledgement (a standby never started, dead, or a wrong --peer); null when that is not it.
     */
    static String waitingForStandby(final NodeDirectory node)
    {
        final ReplicationStatus status;
        try
        {
            status = ReplicationStatus.read(node.replication());
        }
        catch (final RuntimeException ex)
        {
            return null;
        }
        final boolean running = ProcessHandle.of(status.pid()).map(ProcessHandle::isAlive).orElse(false);
        if (!running || status.role() != Role.PRIMARY || !"synchronous".equals(status.mode()) ||
            status.acknowledgedPosition() >= status.journaledPosition())
        {
            return null;
        }
        if (status.message() != null && status.message().startsWith("TWO PRIMARIES"))
        {
            return "the primary journaled up to position " + status.journaledPosition() + " and nothing acknowledged " +
                "it past " + status.acknowledgedPosition() + ": its peer is not a standby but " +
                status.message().substring("TWO PRIMARIES".length()).replaceFirst("^ in epoch \\d+: the peer is ", "") +
                ". In synchronous mode nothing becomes visible until a standby acknowledges it. The publish goes on in " +
                "the node";
        }
        if (status.message() != null && status.message().startsWith("ANOTHER JOURNAL"))
        {
            return "the primary journaled up to position " + status.journaledPosition() + " and nothing acknowledged " +
                "it past " + status.acknowledgedPosition() + ": the node it hears holds another journal, not a copy of " +
                "this one (its status: " + status.message() + "). In synchronous mode nothing becomes visible until a " +
                "standby acknowledges it. The publish goes on in the node";
        }
        return "the primary journaled up to position " + status.journaledPosition() + " but its standby acknowledged " +
            "only up to " + status.acknowledgedPosition() + " (peer: " + status.peer().name().toLowerCase() + "): in " +
            "synchronous mode nothing becomes visible until a standby acknowledges it. Start the standby (or check the " +
            "primary's --peer), or run the primary with --degrade-after-ms to go on without one. The publish goes on " +
            "in the node; 'replica status --dir " + node.root() + "' shows the lag";
    }

    /** {@code replica status}: a node's replication figures. */
    @Command(name = "status", mixinStandardHelpOptions = true,
        description = "Print a node's replication status: role, epoch, peer, positions, lag in positions and time, " +
            "acknowledgement latency, catch-up progress. Works on a stopped or killed node too (its last figures).")
    static final class StatusCommand implements Callable<Integer>
    {
        /** A page older than this, of a live process, is said to be stale. */
        private static final long STALE_MILLIS = 2_000;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = {"-d", "--dir"}, required = true, paramLabel = "NODE_DIR", description = "The node's directory.")
        Path dir;

        @Override
        public Integer call()
        {
            final ReplicationStatus status = ReplicationStatus.read(new NodeDirectory(dir).replication());
            final PrintWriter out = spec.commandLine().getOut();
            final boolean running = ProcessHandle.of(status.pid()).map(ProcessHandle::isAlive).orElse(false);
            out.println("process: " + status.pid() + (running ? " (running)" : " (not running: figures as it left them)"));
            final long age = System.currentTimeMillis() - status.updatedMillis();
            if (running && status.updatedMillis() == 0)
            {
                // A reviewer's monitor would have read a starting synchronous primary's page as an asynchronous one's;
                // and printed below the note, the placeholders still read as figures: none is printed.
                out.println("note: the node is starting and has not written its status yet (it does every 10 ms once " +
                    "it runs): no figures to show; ask again in a moment");
                return 0;
            }
            else if (running && age > STALE_MILLIS)
            {
                // A reviewer's SIGSTOPped standby read "running" and "peer: connected", 4 s old.
                out.println("note: the node has not updated this page for " + age / 1000 + " s (it does every 10 ms " +
                    "while it works): its process is alive but not working (paused, stopped with SIGSTOP, or starved " +
                    "of CPU), and the figures below are that old");
            }
            for (final Map.Entry<String, String> field : status.fields().entrySet())
            {
                if (field.getKey().equals("peer") && !running)
                {
                    // Read alone, "peer: connected" of a killed node says the pair is up.
                    final String value = field.getValue();
                    final int open = value.indexOf(" (");
                    out.println("peer: " + (open < 0 ? value + " (when this node ended)" : value.substring(0, open) +
                        " (when this node ended; " + value.substring(open + 2)));
                }
                else if (!field.getKey().equals("pid"))
                {
                    out.println(field.getKey() + ": " + field.getValue());
                }
            }
            return 0;
        }
    }

    /** {@code replica promote}: makes a standby the primary. */
    @Command(name = "promote", mixinStandardHelpOptions = true,
        description = "Promote the standby running on NODE_DIR to primary: it stops following, journals a new epoch " +
            "as its first own command, and fences the old primary as soon as it hears from it. An arbiter decides " +
            "when: the pair has no quorum to decide by itself (see the README).")
    static final class PromoteCommand implements Callable<Integer>
    {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = {"-d", "--dir"}, required = true, paramLabel = "NODE_DIR", description = "The standby's directory.")
        Path dir;

        @Option(names = "--timeout-s", defaultValue = "60", paramLabel = "S",
            description = "How long to wait for the node (default: ${DEFAULT-VALUE}).")
        long timeoutSeconds;

        @Option(names = "--force",
            description = "Promote even a standby that has not heard from a primary since it started (it cannot know " +
                "the primary's epoch): only when the old primary is known to be gone; or one whose primary is still " +
                "heard from: only when that primary is cut off from its clients too.")
        boolean force;

        @Override
        public Integer call() throws Exception
        {
            if (timeoutSeconds <= 0)
            {
                // Asked anyway, the node promoted while the command said it had no answer.
                throw new CommandLine.ParameterException(spec.commandLine(), "--timeout-s must be positive: " +
                    timeoutSeconds);
            }
            final NodeDirectory node = new NodeDirectory(dir);
            final NodeOwner.Running running = NodeOwner.await(node, STARTING, Duration.ofSeconds(timeoutSeconds));
            final Properties request = new Properties();
            request.setProperty("force", Boolean.toString(force));
            Mailbox.ask(node.control(), "promote", request);
            return print(Mailbox.awaitAnswer(node.control(), "promote", Duration.ofSeconds(timeoutSeconds), running::gone),
                spec.commandLine().getOut(), spec.commandLine().getErr(), "promoted");
        }
    }

    /** {@code replica stop}: stops a node gracefully. */
    @Command(name = "stop", mixinStandardHelpOptions = true,
        description = {"Stop the node running on NODE_DIR: it stops taking commands, drains (up to its " +
            "--drain-timeout-s), and closes. Waits until its process has ended, and prints how.",
            "Exit codes: 0 the node stopped with every accepted command applied; 1 not (no node running on NODE_DIR, " +
                "it stopped without applying every accepted command, it failed while closing, or it did not end in " +
                "time): the error line says why."})
    static final class StopCommand implements Callable<Integer>
    {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = {"-d", "--dir"}, required = true, paramLabel = "NODE_DIR", description = "The node's directory.")
        Path dir;

        @Option(names = "--timeout-s", paramLabel = "SECONDS", defaultValue = "60", description = "How long to wait " +
            "for the node to take the request (default: ${DEFAULT-VALUE}); then the drain and close it answers with.")
        long timeoutSeconds;

        @Override
        public Integer call() throws Exception
        {
            if (timeoutSeconds <= 0)
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "--timeout-s must be above 0, not " +
                    timeoutSeconds);
            }
            final NodeDirectory node = new NodeDirectory(dir);
            final NodeOwner.Running running;
            try
            {
                running = NodeOwner.await(node, STARTING, Duration.ofSeconds(60));
            }
            catch (final IllegalStateException none)
            {
                // No node runs there. One that ended saying how (another stop got there first, a moment ago, or
                // long before) is stopped, which is what was asked; one killed, or never started, is the error.
                final Properties ended = endedSaying(node);
                if (ended == null)
                {
                    throw none;
                }
                // Not "no node was running": a second stop that came while the first one's drain ran waits (up to
                // 60 s) for the stopping node to end, and ends here too.
                ended.setProperty("already", "true (the node here was stopping, or had stopped, when this stop came)");
                return print(ended, spec.commandLine().getOut(), spec.commandLine().getErr(), "stopped");
            }
            Mailbox.ask(node.control(), "stop", new Properties());
            final Properties answer;
            final long asked = System.nanoTime();
            final long noteAfter = TimeUnit.SECONDS.toNanos(Math.min(5, Math.max(1, timeoutSeconds / 2)));
            final boolean[] noted = {false};
            final PrintWriter err = spec.commandLine().getErr();
            try
            {
                answer = Mailbox.awaitAnswer(node.control(), "stop", Duration.ofSeconds(timeoutSeconds), () ->
                {
                    final String gone = running.gone();
                    if (gone == null && !noted[0] && System.nanoTime() - asked > noteAfter)
                    {
                        // A reviewer's finding: a stop of a frozen node waited its 60 s without a word.
                        noted[0] = true;
                        err.println("note: the node in " + node.root() + " (pid " + running.pid() + ") has not taken " +
                            "the stop request in " + TimeUnit.NANOSECONDS.toSeconds(noteAfter) + " s: it is busy, or " +
                            "not running (stopped with SIGSTOP, a paused container, a frozen machine?). Waiting up to " +
                            timeoutSeconds + " s (--timeout-s)");
                        err.flush();
                    }
                    return gone;
                });
            }
            catch (final java.util.concurrent.TimeoutException frozen)
            {
                return print(failed("no answer in " + timeoutSeconds + " s from the node in " + node.root() + " (pid " +
                    running.pid() + "): it is stopped or busy. The stop request is left in " + node.control() + ": the " +
                    "node stops when it runs again (delete " + node.control().resolve("stop" + Mailbox.REQUEST) + " to " +
                    "withdraw it); 'kill " + running.pid() + "' (SIGTERM) stops it too, once it runs"),
                    spec.commandLine().getOut(), err, "stopped");
            }
            catch (final IllegalStateException gone)
            {
                // The node stopped before it answered this request: another stop (or a signal) got there first.
                // That is what was asked for: once it has ended and said how, say so, as for an answered stop.
                final Properties ended = awaitEnd(node, running, 30);
                if (ended.getProperty("exit-code") == null)
                {
                    throw gone; // killed, or ended without saying how: its own words say more
                }
                return print(ended, spec.commandLine().getOut(), spec.commandLine().getErr(), "stopped");
            }
            if (!"stopping".equals(answer.getProperty("status")))
            {
                return print(answer, spec.commandLine().getOut(), spec.commandLine().getErr(), "stopping");
            }
            return print(awaitEnd(node, running, Long.parseLong(answer.getProperty("drain-timeout-s", "30"))),
                spec.commandLine().getOut(), spec.commandLine().getErr(), "stopped");
        }

        /** Waits for the stopping node's process to end (a drain, then as long again to stop threads), and reads how. */
        private static Properties awaitEnd(final NodeDirectory node, final NodeOwner.Running running,
            final long drainSeconds) throws InterruptedException
        {
            // The node's own bound on its close (the drain, then as long again, then 10 s), and a margin.
            final long patience = drainSeconds * 2 + 30;
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(patience);
            while (running.alive())
            {
                if (System.nanoTime() > deadline)
                {
                    return failed("the node in " + node.root() + " (pid " + running.pid() + ") answered that it " +
                        "is stopping but is still running after " + patience + " s; its log says what it is doing");
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
            Properties ended;
            try
            {
                ended = Mailbox.read(node.ended());
            }
            catch (final IOException ex)
            {
                ended = null;
            }
            if (ended == null || !Long.toString(running.pid()).equals(ended.getProperty("pid")))
            {
                return failed("the node in " + node.root() + " (pid " + running.pid() + ") ended without saying " +
                    "how (killed while it closed?); its log says why, and 'replica status' shows its last figures");
            }
            return howItEnded(ended);
        }

        /** A stop's answer from what a node wrote of how it ended: status, exit-code, message. */
        private static Properties howItEnded(final Properties ended)
        {
            final Properties result = new Properties();
            result.setProperty("status", "0".equals(ended.getProperty("exit-code")) ? "stopped" : "failed");
            result.setProperty("exit-code", ended.getProperty("exit-code", "?"));
            result.setProperty("message", ended.getProperty("outcome", "?"));
            return result;
        }

        /** How the last node in {@code node} ended, as it wrote it (status, exit-code, message), or null if it did not. */
        private static Properties endedSaying(final NodeDirectory node)
        {
            final Properties ended;
            try
            {
                ended = Files.exists(node.ended()) ? Mailbox.read(node.ended()) : null;
            }
            catch (final IOException ex)
            {
                return null;
            }
            return ended == null || ended.getProperty("exit-code") == null ? null : howItEnded(ended);
        }

        private static Properties failed(final String why)
        {
            final Properties result = new Properties();
            result.setProperty("status", "failed");
            result.setProperty("message", why);
            return result;
        }
    }

    /** Prints a node's answer as {@code key: value} lines; 0 if its status is {@code ok}, else 1 with the message on stderr. */
    static int print(final Properties result, final PrintWriter out, final PrintWriter err, final String ok)
    {
        final String status = result.getProperty("status", "?");
        for (final String key : new java.util.TreeSet<>(result.stringPropertyNames()))
        {
            if (!key.equals("message") || status.equals(ok))
            {
                out.println(key + ": " + result.getProperty(key));
            }
        }
        if (!status.equals(ok))
        {
            err.println("error: " + result.getProperty("message", status));
            return CliSupport.FAILED;
        }
        return 0;
    }
}
