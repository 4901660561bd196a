package io.ringlog.example.ledger;

import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.EngineHaltedException;
import io.ringlog.core.InMemoryJournal;
import io.ringlog.core.Journal;
import io.ringlog.core.ReadOnlyJournal;
import io.ringlog.core.Topology;
import io.ringlog.core.WaitStrategies;
import io.ringlog.journal.ChronicleJournal;
import io.ringlog.journal.tool.CliSupport;
import io.ringlog.journal.tool.FailureReport;
import io.ringlog.journal.tool.Progress;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code scripts/ledger-demo}: a seeded stream of random deposits, withdrawals and transfers through
 * an engine, then a replay of its journal into a fresh ledger; both must reach the same state hash.
 * Prints the same {@code key: value} summary as {@code scripts/exchange demo}.
 */
@CommandLine.Command(name = "ledger-demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Run seeded random deposits, withdrawals and transfers through an engine (journaled in memory, or to " +
            "--journal DIR), replay the journal into a fresh ledger, and check both end in the same state.",
        "Prints key: value lines ending in replay-matches; exit 1 if the replay does not match."},
    footer = {"", "The journal tool reads a --journal DIR:",
        "  scripts/journal replay -d DIR \\",
        "    --state-machine io.ringlog.example.ledger.LedgerStateMachine"})
public final class LedgerDemo implements Callable<Integer>
{
    /** Every command of the run went through: what follows is the replay check (for the words of a stop). */
    private static final java.util.concurrent.atomic.AtomicBoolean CHECKING = new java.util.concurrent.atomic.AtomicBoolean();
    /** Whether the run has its journal open and is about to publish: a signal before says it publishes nothing. */
    private static final java.util.concurrent.atomic.AtomicBoolean STARTED = new java.util.concurrent.atomic.AtomicBoolean();

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-n", "--commands"}, defaultValue = "1000000", paramLabel = "N",
        description = "Commands to run (default: ${DEFAULT-VALUE}).")
    long commands;

    @Option(names = "--accounts", defaultValue = "1000", paramLabel = "N",
        description = "Accounts the commands pick from (default: ${DEFAULT-VALUE}).")
    int accounts;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--topology", defaultValue = "COMPACT", paramLabel = "TOPOLOGY",
        description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Topology topology;

    @Option(names = "--wait-strategy", defaultValue = "PARKING", paramLabel = "STRATEGY",
        description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    WaitStrategies waitStrategy;

    @Option(names = "--journal", paramLabel = "DIR",
        description = "Journal to a Chronicle Queue in DIR (new or empty) instead of the heap, for the journal " +
            "tool (below).")
    Path journalDir;

    LedgerDemo()
    {
    }

    public static void main(final String[] args)
    {
        final io.ringlog.journal.tool.StandardOutput stdout = io.ringlog.journal.tool.StandardOutput.install();
        final PrintWriter out = stdout.writer();
        final PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        final CommandLine commandLine = CliSupport.configure(new CommandLine(new LedgerDemo()), out, err);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        final int code = commandLine.execute(args);
        err.flush();
        System.exit(stdout.exit(code, err));
    }

    @Override
    public Integer call() throws Exception
    {
        // Stopped (SIGTERM, Ctrl-C), it publishes no more, closes the engine so that its journal ends on whole entries
        // (a reviewer's verify found a torn entry after a SIGTERM), and says how far it got, before the JVM halts. Installed
        // first: a reviewer's signal in the first second and a half (the checks, the journal's open) exited 130 or 143
        // without a word, and left the journal directory it had begun.
        CHECKING.set(false);
        STARTED.set(false);
        // A reviewer's signal during the replay check read "no more commands are published" of a run that had them all.
        final io.ringlog.exchange.cli.SignalStop stop = io.ringlog.exchange.cli.SignalStop.install(
            spec.commandLine().getErr(), () -> CHECKING.get() ? "ledger-demo: stopping during the replay check: every " +
            "command was published, journaled and applied; the check finishes and prints its result first" :
            STARTED.get() ? "ledger-demo: stopping: no more commands are published; what was published is being " +
            "journaled and applied" : "ledger-demo: stopping as it starts: it publishes nothing" + (journalDir == null ?
            "" : "; the journal in " + journalDir + " is closed whole, with what it holds then"),
            "ledger-demo-stop");
        try
        {
            return demo(stop);
        }
        finally
        {
            spec.commandLine().getOut().flush();
            spec.commandLine().getErr().flush();
            stop.close();
        }
    }

    private int demo(final io.ringlog.exchange.cli.SignalStop stop) throws Exception
    {
        if (commands < 0)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--commands must not be negative: " + commands);
        }
        if (accounts < 1)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--accounts must be at least 1: " + accounts);
        }
        final String shortfall = journalDir == null ? CliSupport.heapShortfall(commands, InMemoryJournal.bytesPerEntry(64)) :
            null;
        if (shortfall != null)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--commands " + commands + ": " + shortfall +
                ", ask for fewer, or journal to disk with --journal DIR");
        }
        if (journalDir != null && !ChronicleJournal.isJournalDirectory(journalDir) && Files.isDirectory(journalDir))
        {
            // The help says new or empty: a reviewer's journal went in beside another example's journal/ and snapshots/.
            try (java.util.stream.Stream<Path> held = Files.list(journalDir))
            {
                // ringlog.lock alone is a journal's own, left by a start killed before its first entry.
                final List<String> names = held.map((p) -> p.getFileName().toString())
                    .filter((name) -> !name.equals("ringlog.lock")).sorted().limit(4).toList();
                if (!names.isEmpty())
                {
                    throw new IllegalArgumentException("--journal " + journalDir + " holds other files (" +
                        String.join(", ", names) + (names.size() == 4 ? ", ..." : "") + ") and no journal; name a new " +
                        "or empty directory");
                }
            }
        }
        if (journalDir != null && ChronicleJournal.isJournalDirectory(journalDir))
        {
            // Asked read-only first: a writable open rewrites Chronicle's table of a journal this demo then refuses.
            long held;
            try (ChronicleJournal existing = ChronicleJournal.open(new ChronicleJournal.Context().directory(journalDir)
                .maxPayloadLength(64).readOnly(true)))
            {
                held = existing.lastPosition();
            }
            catch (final RuntimeException ex)
            {
                held = 0;   // the writable open below says what is wrong with it
            }
            if (held != 0)
            {
                // What is on disk, not the command line: exit 1, as any command's directory that will not do.
                throw new IllegalArgumentException("--journal " + journalDir + " already holds entries; name a new or " +
                    "empty directory");
            }
        }
        final Journal journal = journalDir == null ? new InMemoryJournal(64) :
            ChronicleJournal.open(new ChronicleJournal.Context().directory(journalDir).maxPayloadLength(64));
        if (journal.lastPosition() != 0)
        {
            journal.close();
            throw new IllegalArgumentException("--journal " + journalDir + " already holds entries; name a new or empty " +
                "directory");
        }
        STARTED.set(true);
        final Result result = run(commands, accounts, seed, topology, waitStrategy, journal, spec.commandLine().getOut(),
            spec.commandLine().getErr(), stop::signalled);
        return !result.halted() && result.liveHash() == result.replayHash() ? 0 : CliSupport.FAILED;
    }

    /**
     * Publishes the seeded commands until {@code stop} says so; how many. Throws {@link EngineHaltedException} if the
     * engine halts.
     */
    private static long publish(final Engine engine, final long commands, final int accounts, final long seed,
        final Progress progress, final java.util.function.BooleanSupplier stop)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
        final SplittableRandom random = new SplittableRandom(seed);
        for (long i = 0; i < commands; i++)
        {
            if ((i & 1023) == 0 && stop.getAsBoolean())
            {
                return i;
            }
            progress.update(i);
            final long account = 1 + random.nextInt(accounts);
            final int pick = random.nextInt(10);
            final int type;
            final int length;
            if (pick < 3)
            {
                type = LedgerCodec.DEPOSIT;
                length = LedgerCodec.accountAmount(payload, account, 1 + random.nextInt(10_000));
            }
            else if (pick < 5)
            {
                type = LedgerCodec.WITHDRAW;
                length = LedgerCodec.accountAmount(payload, account, 1 + random.nextInt(10_000));
            }
            else
            {
                type = LedgerCodec.TRANSFER;
                length = LedgerCodec.transfer(payload, account, 1 + random.nextInt(accounts), 1 + random.nextInt(5_000));
            }
            engine.publish(type, 1, i + 1, i, payload, 0, length);
        }
        return commands;
    }

    /** A run stopped by a signal, its engine closed: how far it got, and what its journal holds. */
    private static Result stopped(final Engine engine, final Journal journal, final long commands, final long published,
        final PrintWriter out)
    {
        final Path directory = journal instanceof ChronicleJournal chronicle ? chronicle.directory() : null;
        out.println("journal: " + (directory != null ? directory : "in-memory"));
        out.println("commands: " + commands);
        out.println("published: " + published);
        out.println("applied: " + engine.metrics().applied());
        // The live state's hash, which a replay of the journal gives too (a reviewer's finding: it had nothing to compare).
        out.println("state-hash: " + String.format("%016x", engine.stateHash()));
        out.println("stopped: by a signal after " + published + " of the " + commands + " commands, every one of them " +
            "journaled and applied; " + (directory == null ? "the journal was in memory: nothing is kept" : directory +
            " holds them ('scripts/journal verify -d " + directory + "' reads it, 'scripts/journal replay -d " +
            directory + " --state-machine " + LedgerStateMachine.class.getName() + "' replays it to the state-hash " +
            "above)"));
        out.flush();
        return new Result(0, 0, 0, 0, true);
    }

    /**
     * A run the engine halted (its journal's disk full, say): closed, so that its journal ends on whole entries (a
     * reviewer found one left open, which {@code journal verify} then called torn), then said in words: how far it
     * got, what the journal holds, and what a user can do with it, since this demo does not continue a journal.
     */
    private static Result halted(final Engine engine, final Journal journal, final long commands, final long[] counts,
        final PrintWriter out, final PrintWriter err)
    {
        try
        {
            engine.close();
        }
        catch (final EngineHaltedException expected)
        {
            // The halt, said below.
        }
        final Throwable halt = engine.failure();
        final long applied = engine.metrics().applied();
        final Path directory = journal instanceof ChronicleJournal chronicle ? chronicle.directory() : null;
        long journaled = -1;
        if (directory != null)
        {
            try (ChronicleJournal recorded = ChronicleJournal.open(new ChronicleJournal.Context().directory(directory)
                .maxPayloadLength(64).readOnly(true)))
            {
                journaled = recorded.lastPosition();
            }
            catch (final RuntimeException unreadable)
            {
                err.println("ledger-demo: cannot read the journal back: " + CliSupport.message(unreadable));
            }
        }
        out.println("journal: " + (directory != null ? directory : "in-memory"));
        out.println("commands: " + commands);
        out.println("applied: " + applied);
        out.println("accepted: " + counts[0]);
        out.println("rejected: " + counts[1]);
        if (journaled >= 0)
        {
            out.println("journaled: " + journaled);
        }
        out.println("halted: " + CliSupport.message(halt));
        out.flush();
        err.println("error: the engine halted after applying " + applied + " of the " + commands + " commands: " +
            CliSupport.message(halt) + (directory == null ? "; the journal was in memory: nothing is kept" : journaled >= 0 ?
            "; " + directory + (journaled == 0 ? " holds no entry" : " holds positions 1.." + journaled + ", whole") +
            ": 'scripts/journal verify -d " + directory +
            "' reads it, and 'scripts/journal replay -d " + directory + " --state-machine " +
            LedgerStateMachine.class.getName() + "' replays it. ledger-demo does not go on in a journal: once the " +
            "cause is mended, run it with a new --journal directory" : ""));
        err.flush();
        return new Result(0, 0, counts[0], counts[1], true);
    }

    /**
     * What a run found: the live and replayed state hashes, and how many commands were accepted and rejected; or that
     * the engine halted (no hashes).
     */
    record Result(long liveHash, long replayHash, long accepted, long rejected, boolean halted)
    {
    }

    static Result run(final long commands, final int accounts, final long seed, final Topology topology,
        final WaitStrategies waitStrategy, final Journal journal, final PrintWriter out, final PrintWriter err)
    {
        return run(commands, accounts, seed, topology, waitStrategy, journal, out, err, () -> false);
    }

    /** {@link #run(long, int, long, Topology, WaitStrategies, Journal, PrintWriter, PrintWriter)}, stopped early. */
    static Result run(final long commands, final int accounts, final long seed, final Topology topology,
        final WaitStrategies waitStrategy, final Journal journal, final PrintWriter out, final PrintWriter err,
        final java.util.function.BooleanSupplier stop)
    {
        final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        final long[] counts = new long[2];
        final Map<String, Long> reasons = new TreeMap<>();
        final LedgerStateMachine ledger = new LedgerStateMachine();
        final EpochNanoClock clock = new OffsetEpochNanoClock();
        final FailureReport failures = new FailureReport(err, "engine");
        final EngineContext ctx = new EngineContext()
            .name("ledger")
            .stateMachine(ledger)
            .journal(journal)
            .topology(topology)
            .waitStrategy(waitStrategy)
            .clock(clock)
            .maxPayloadLength(64)
            // A journal failure halts the engine, which the demo says in its summary and error (not a third time).
            .errorHandler((ex) ->
            {
                if (!(ex instanceof io.ringlog.core.JournalException))
                {
                    failures.onError(ex);
                }
            })
            .listener("stats", (event, endOfBatch) ->
            {
                if (event.index() == 0)
                {
                    latency.recordValue(Math.max(0, clock.nanoTime() - event.timestamp()));
                    counts[event.isRejection() ? 1 : 0]++;
                    if (event.isRejection())
                    {
                        reasons.merge(LedgerCodec.reason(event.rejectReason()), 1L, Long::sum);
                    }
                }
            });
        final long start = System.nanoTime();
        final Engine engine = Engine.launch(ctx);
        // A run of millions says how far it is, once a second, on stderr; a short one says nothing.
        final Progress progress = new Progress(err, "ledger-demo");
        progress.total(commands);
        final long published;
        try
        {
            published = publish(engine, commands, accounts, seed, progress, stop);
            engine.close();
        }
        catch (final EngineHaltedException halted)
        {
            return halted(engine, journal, commands, counts, out, err);
        }
        if (published < commands)
        {
            return stopped(engine, journal, commands, published, out);
        }
        final long elapsed = System.nanoTime() - start;
        final long liveHash = engine.stateHash();
        CHECKING.set(true);

        final long replayStart = System.nanoTime();
        // The live engine closed its journal: a journal on disk is opened again, read-only, as a restart would.
        final Journal recorded = journal instanceof ChronicleJournal ? ChronicleJournal.open(new ChronicleJournal.Context()
            .directory(((ChronicleJournal)journal).directory()).maxPayloadLength(64).readOnly(true)) : journal;
        final Engine replay = Engine.launch(new EngineContext().name("ledger-replay").errorHandler(failures)
            .stateMachine(new LedgerStateMachine()).journal(ReadOnlyJournal.of(recorded)).maxPayloadLength(64));
        replay.close();
        recorded.close();
        final long replayElapsed = System.nanoTime() - replayStart;
        failures.printSummary();

        out.println("journal: " + (journal instanceof ChronicleJournal ? ((ChronicleJournal)journal).directory() :
            "in-memory"));
        out.println("topology: " + topology);
        out.println("wait-strategy: " + waitStrategy);
        out.println("cores: " + Runtime.getRuntime().availableProcessors());
        out.println("commands: " + commands);
        out.println("accepted: " + counts[0]);
        out.println("rejected: " + counts[1]);
        final StringBuilder line = new StringBuilder();
        reasons.forEach((reason, count) -> line.append(line.length() == 0 ? "" : " ").append(reason).append('=')
            .append(count));
        out.println("rejected-by-reason: " + (line.length() == 0 ? "none" : line));
        out.println("failed: " + failures.total());
        out.printf(Locale.ROOT, "seconds: %.3f%n", elapsed / 1e9);
        out.printf(Locale.ROOT, "throughput: %.0f commands/s%n", commands * 1e9 / elapsed);
        // The producer never waits, so the ring fills: this is queueing delay under saturation, not
        // service time. The bench module's fixed-rate harness measures latency properly.
        out.println("latency-load: saturated (published flat out; ingress to first event, includes queueing)");
        out.println("latency-count: " + latency.getTotalCount());
        out.printf(Locale.ROOT, "latency-p50-us: %.1f%n", latency.getValueAtPercentile(50) / 1e3);
        out.printf(Locale.ROOT, "latency-p90-us: %.1f%n", latency.getValueAtPercentile(90) / 1e3);
        out.printf(Locale.ROOT, "latency-p99-us: %.1f%n", latency.getValueAtPercentile(99) / 1e3);
        out.printf(Locale.ROOT, "latency-p99.9-us: %.1f%n", latency.getValueAtPercentile(99.9) / 1e3);
        out.printf(Locale.ROOT, "latency-max-us: %.1f%n", latency.getMaxValue() / 1e3);
        out.println("last-position: " + journal.lastPosition());
        out.printf(Locale.ROOT, "state-hash: %016x%n", liveHash);
        out.printf(Locale.ROOT, "replay-seconds: %.3f%n", replayElapsed / 1e9);
        out.printf(Locale.ROOT, "replay-rate: %.0f commands/s%n", commands * 1e9 / replayElapsed);
        out.printf(Locale.ROOT, "replay-state-hash: %016x%n", replay.stateHash());
        out.println("replay-matches: " + (liveHash == replay.stateHash()));
        out.flush();
        if (liveHash != replay.stateHash())
        {
            err.println("error: the replayed state differs from the live run's: deterministic replay is broken");
        }
        return new Result(liveHash, replay.stateHash(), counts[0], counts[1], false);
    }
}
