package io.ringlog.bench;

import io.ringlog.core.CommandCodec;
import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.RecoveryListener;
import io.ringlog.core.Topology;
import io.ringlog.core.WaitStrategies;
import io.ringlog.exchange.ExchangeStateMachine;
import io.ringlog.exchange.codec.CommandEncoder;
import io.ringlog.exchange.workload.WorkloadConfig;
import io.ringlog.exchange.workload.WorkloadGenerator;
import io.ringlog.journal.ChronicleJournal;
import io.ringlog.journal.FileSnapshotStore;
import io.ringlog.journal.tool.CliSupport;
import io.ringlog.journal.tool.FailureReport;
import org.agrona.DirectBuffer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * How fast a restart gets back to where it was: for journals of growing size, the time
 * {@link Engine#launch} takes to recover the exchange by replaying the whole journal, against
 * loading a snapshot taken near the end and replaying only the tail after it.
 *
 * <pre>
 *  1. build   WorkloadGenerator ──publish──► Engine(ExchangeStateMachine) ──► ChronicleJournal (dir/journal)
 *             exchangeCore(seed, n)            at snapshotAt x total: requestSnapshot ──► FileSnapshotStore (dir/snapshots)
 *             live state hash H kept after close
 *
 *  2. full    open journal ──► Engine.launch, no snapshot store:
 *             replay positions 1..last through a fresh ExchangeStateMachine          hash must be H
 *
 *  3. snap    open journal ──► Engine.launch with the store: load snapshot at s,
 *             replay s+1..last                                                      hash must be H
 * </pre>
 *
 * Recovery time is the wall time of opening the journal (which scans its cycle files) plus
 * {@link Engine#launch}, which returns once recovery is done; the replay rate is the commands
 * replayed over the recovery time the engine itself reports to its {@link RecoveryListener}. The
 * journal was just written, so replay reads from the page cache: these are warm restarts, the best
 * case for a full replay. A warm-up journal is built and recovered first, unreported, and each recovery
 * runs {@code --runs} times with the fastest reported, so JIT compilation of the replay path does
 * not count against the smallest journal. Run with
 * {@code scripts/bench recovery --help}.
 */
@Command(name = "scripts/bench recovery", mixinStandardHelpOptions = true,
    description = "Builds exchange journals of growing size and times recovery: full replay against snapshot + tail.")
public final class RecoveryBench implements Callable<Integer>
{
    private static final int MAX_PAYLOAD = 64;
    private static final int MAX_EVENT_PAYLOAD = 128;
    private static final String THREAD_PREFIX = "recovery";

    @Option(names = "--sizes", split = ",", defaultValue = "100000,1000000,3000000",
        description = "order-flow commands of each journal, after the exchange-core setup of ~5,000 commands " +
            "(default: ${DEFAULT-VALUE})")
    long[] sizes;

    @Option(names = "--warmup", description = "order-flow commands of a journal built and recovered first, " +
        "unreported, so the first size is not measured on a cold JIT; 0 for none (default: ${DEFAULT-VALUE})")
    long warmup = 300_000;

    @Option(names = "--seed", description = "workload seed (default: ${DEFAULT-VALUE})")
    long seed = 42;

    @Option(names = "--snapshot-at", description = "fraction of the journal after which the snapshot is " +
        "requested, in (0, 1] (default: ${DEFAULT-VALUE})")
    double snapshotAt = 0.99;

    @Option(names = "--runs", description = "recoveries of each kind per journal; the fastest is reported " +
        "(default: ${DEFAULT-VALUE})")
    int runs = 5;

    @Option(names = "--topology", description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    Topology topology = Topology.COMPACT;

    @Option(names = {"--wait", "--wait-strategy"}, description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    WaitStrategies waitStrategy = WaitStrategies.PARKING;

    @Spec
    CommandSpec spec;

    PrintStream console = System.out;
    /** The engine's threads while building a journal, counted at its launch; recovery replays on one of them. */
    private int engineThreads;
    /** Engine failures, printed once per kind and counted: a benchmark with any has measured exceptions. */
    final FailureReport failures = new FailureReport(new PrintWriter(System.err, true, StandardCharsets.UTF_8), "recovery");

    public static void main(final String[] args)
    {
        final PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        final PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(CliSupport.configure(commandLine(new RecoveryBench()), out, err).execute(args));
    }

    static CommandLine commandLine(final RecoveryBench bench)
    {
        return new CommandLine(bench).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public Integer call() throws Exception
    {
        try (RunInterruption ignored = RunInterruption.install(spec.commandLine().getErr(), "scripts/bench recovery"))
        {
            return measure();
        }
    }

    private Integer measure() throws Exception
    {
        if (sizes.length == 0)
        {
            throw OptionChecks.refused(spec, "--sizes needs at least one size");
        }
        OptionChecks.notGroupedByCommas(spec, "--sizes");
        OptionChecks.positive(spec, "--runs", runs);
        OptionChecks.notNegative(spec, "--warmup", warmup);
        if (!(snapshotAt > 0 && snapshotAt <= 1))
        {
            throw OptionChecks.refused(spec, "--snapshot-at must be in (0, 1]: " + snapshotAt);
        }
        for (final long size : sizes)
        {
            if (size < 0)
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "--sizes must not be negative: " + size);
            }
        }
        console.printf(Locale.ROOT, "ringlog recovery: exchange-core workload seed=%d, topology=%s, wait=%s, " +
            "snapshot at %s%% of each journal, best of %d run%s%n",
            // %.0f said 100% for --snapshot-at 0.999, and %.2f 0% for 0.00001 (a reviewer's).
            seed, topology, waitStrategy.name(), java.math.BigDecimal.valueOf(snapshotAt * 100).round(
                new java.math.MathContext(4)).stripTrailingZeros().toPlainString(), runs, runs == 1 ? "" : "s");
        console.printf(Locale.ROOT, "machine: %d cores available to the JVM, java %s%n",
            Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        if (warmup > 0)
        {
            final Row row = measure(warmup);
            printThreads();
            console.printf(Locale.ROOT, "  warm-up, %,d flow commands: built in %.1f s, full %.0f ms, snapshot %.0f ms%n",
                warmup, row.buildNanos / 1e9, row.full.wallNanos / 1e6, row.fromSnapshot.wallNanos / 1e6);
        }
        final List<Row> rows = new ArrayList<>();
        for (final long size : sizes)
        {
            final Row row = measure(size);
            if (rows.isEmpty() && warmup == 0)
            {
                printThreads();
            }
            rows.add(row);
            console.printf(Locale.ROOT, "  %,d flow commands: built in %.1f s, full %.0f ms, snapshot %.0f ms%n",
                size, row.buildNanos / 1e9, row.full.wallNanos / 1e6, row.fromSnapshot.wallNanos / 1e6);
        }
        printTable(rows);
        failures.printSummary();
        if (failures.total() > 0)
        {
            console.println("error: " + failures.total() + " commands failed in the exchange; these figures include " +
                "exception costs");
            return CliSupport.FAILED;
        }
        return 0;
    }

    /** Counted at the first journal's build, so printed after it: the engine's own threads, not a guess from the topology. */
    private void printThreads()
    {
        console.printf(Locale.ROOT, "threads: %d engine + 1 publisher = %d while building a journal; recovery replays " +
            "on the engine's logic thread, inside Engine.launch%n", engineThreads, engineThreads + 1);
    }

    /** Builds one journal with a snapshot near its end, then times both kinds of recovery from it. */
    Row measure(final long flowCommands) throws Exception
    {
        final BenchDirectory directory = new BenchDirectory("recovery");
        try
        {
            final WorkloadConfig config = WorkloadConfig.exchangeCore(seed, flowCommands);
            final Row row = build(config, directory);
            row.full = fastest(config, directory, false, row.liveHash);
            row.fromSnapshot = fastest(config, directory, true, row.liveHash);
            return row;
        }
        finally
        {
            directory.delete();
        }
    }

    private Row build(final WorkloadConfig config, final BenchDirectory directory) throws Exception
    {
        final long total = expectedCommands(config);
        final ChronicleJournal journal = openJournal(directory);
        final Engine engine = Engine.launch(context(config, journal, directory, true));
        engineThreads = LatencyHarness.countThreads(THREAD_PREFIX + "-");
        final Publisher publisher = new Publisher(engine, Math.max(1, Math.round(total * snapshotAt)));
        final long started = System.nanoTime();
        final long generated;
        try
        {
            generated = new WorkloadGenerator(config).generate(publisher);
        }
        finally
        {
            engine.close();
        }
        final Row row = new Row();
        row.buildNanos = System.nanoTime() - started;
        if (engine.failure() != null)
        {
            throw new IllegalStateException("the engine halted while building the journal", engine.failure());
        }
        if (publisher.snapshotPosition == 0)
        {
            throw new IllegalStateException("generated " + generated + " commands, expected " + total +
                ": the snapshot was never requested");
        }
        row.flowCommands = config.commands();
        row.entries = journal.lastPosition();
        row.journalBytes = journal.committedBytes();
        row.snapshotPosition = publisher.snapshotPosition;
        row.liveHash = engine.stateHash();
        row.snapshotBytes = BenchDirectory.bytes(directory.resolve("snapshots"));
        return row;
    }

    /** Instruments, two deposits per account and the prefilled book, then the flow: what the generator makes. */
    static long expectedCommands(final WorkloadConfig config)
    {
        return config.symbols() + (long)config.accounts() * (1 + config.symbols()) +
            (long)config.symbols() * config.restingPerSymbol() + config.commands();
    }

    private Recovery fastest(
        final WorkloadConfig config, final BenchDirectory directory, final boolean withSnapshot, final long liveHash)
    {
        Recovery best = null;
        for (int i = 0; i < runs; i++)
        {
            final Recovery recovery = recover(config, directory, withSnapshot);
            if (recovery.hash != liveHash)
            {
                throw new IllegalStateException((withSnapshot ? "snapshot" : "full") + " recovery ended in state hash " +
                    recovery.hash + ", the live run in " + liveHash);
            }
            if (best == null || recovery.wallNanos < best.wallNanos)
            {
                best = recovery;
            }
        }
        return best;
    }

    private Recovery recover(final WorkloadConfig config, final BenchDirectory directory, final boolean withSnapshot)
    {
        final Recovery recovery = new Recovery();
        final long started = System.nanoTime();
        final ChronicleJournal journal = openJournal(directory);
        final Engine engine = Engine.launch(context(config, journal, directory, withSnapshot)
            .recoveryListener(recovery));
        recovery.wallNanos = System.nanoTime() - started;
        engine.close();
        recovery.hash = engine.stateHash();
        return recovery;
    }

    private EngineContext context(
        final WorkloadConfig config, final ChronicleJournal journal, final BenchDirectory directory,
        final boolean withSnapshots)
    {
        return new EngineContext()
            .name(THREAD_PREFIX)
            .topology(topology)
            .waitStrategy(waitStrategy)
            .maxPayloadLength(MAX_PAYLOAD)
            .maxEventPayloadLength(MAX_EVENT_PAYLOAD)
            .journal(journal)
            .snapshotStore(withSnapshots ? FileSnapshotStore.open(directory.resolve("snapshots"), 1) : null)
            .errorHandler(failures)
            .stateMachine(new ExchangeStateMachine(config.maxAssets(), true));
    }

    private static ChronicleJournal openJournal(final BenchDirectory directory)
    {
        return ChronicleJournal.open(new ChronicleJournal.Context()
            .directory(directory.resolve("journal"))
            .maxPayloadLength(MAX_PAYLOAD));
    }

    private void printTable(final List<Row> rows)
    {
        console.println();
        console.println("| flow commands | journal entries | journal bytes | full replay | replay rate | " +
            "snapshot at | snapshot bytes | tail replayed | with snapshot | full / snapshot |");
        console.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (final Row row : rows)
        {
            console.printf(Locale.ROOT, "| %,d | %,d | %,.1f MB | %,.0f ms | %,.2f M cmd/s | %,d | %,.2f MB | %,d | %,.1f ms | %,.1f |%n",
                row.flowCommands, row.entries, row.journalBytes / 1e6, row.full.wallNanos / 1e6,
                row.full.replayed / (row.full.recoveryNanos / 1e9) / 1e6, row.snapshotPosition, row.snapshotBytes / 1e6,
                row.fromSnapshot.replayed, row.fromSnapshot.wallNanos / 1e6,
                (double)row.full.wallNanos / row.fromSnapshot.wallNanos);
        }
        console.println();
        console.println("full replay and with snapshot: wall time of opening the journal + Engine.launch; replay rate: " +
            "commands replayed / the engine's own recovery time. Journal bytes are the entries' bytes (a " +
            CommandCodec.COMPACT_HEADER_LENGTH + "-byte header + payload, or " + CommandCodec.HEADER_LENGTH + " where " +
            "a command's fields do not fit the compact header), Chronicle adds a 4-byte header each.");
    }

    /** Publishes each generated command; requests the snapshot once {@code snapshotAfter} commands are in. */
    private static final class Publisher implements WorkloadGenerator.CommandSink
    {
        private final Engine engine;
        private final long snapshotAfter;
        private long published;
        private long snapshotPosition;

        Publisher(final Engine engine, final long snapshotAfter)
        {
            this.engine = engine;
            this.snapshotAfter = snapshotAfter;
        }

        @Override
        public void command(final int type, final DirectBuffer payload, final int length)
        {
            engine.publish(type, CommandEncoder.VERSION, 0, 0, 0, payload, 0, length);
            if (++published == snapshotAfter)
            {
                snapshotPosition = engine.requestSnapshot();
            }
        }
    }

    /** What one recovery took, as the engine reported it. */
    static final class Recovery implements RecoveryListener
    {
        long wallNanos;
        long recoveryNanos;
        long snapshotPosition;
        long replayed;
        long hash;

        @Override
        public void onRecovered(final long snapshotPosition, final long lastPosition, final long replayed, final long nanos)
        {
            this.snapshotPosition = snapshotPosition;
            this.replayed = replayed;
            this.recoveryNanos = nanos;
        }
    }

    /** One journal's figures. */
    static final class Row
    {
        long flowCommands;
        long entries;
        long journalBytes;
        long snapshotPosition;
        long snapshotBytes;
        long buildNanos;
        long liveHash;
        Recovery full;
        Recovery fromSnapshot;
    }
}
