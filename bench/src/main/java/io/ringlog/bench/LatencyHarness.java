package io.ringlog.bench;

import com.lmax.disruptor.WaitStrategy;
import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.StateMachine;
import io.ringlog.core.Topology;
import io.ringlog.core.WaitStrategies;
import io.ringlog.core.engine.ParkingWaitStrategy;
import io.ringlog.exchange.ExchangeStateMachine;
import io.ringlog.exchange.codec.CommandEncoder;
import io.ringlog.exchange.workload.WorkloadConfig;
import io.ringlog.journal.Durability;
import io.ringlog.journal.tool.CliSupport;
import io.ringlog.journal.tool.FailureReport;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;

/**
 * Fixed-rate latency of the engine, corrected for coordinated omission: command i is meant to be
 * sent at {@code start + i / rate}, and its latency is measured from that intended time to the
 * moment the listener receives its first event, on one nano clock ({@link System#nanoTime()}, which
 * is also the engine's ingress clock here). A producer that falls behind (a full ring, a descheduled
 * thread) sends late and catches up back to back; the delay still counts against every command it
 * held up, which is the point.
 *
 * <pre>
 *  producer (this thread): command i at t_i, with t_i as its correlation id
 *     │
 *     ▼
 *  [input ring] ──► PIPELINED: journal ──► logic ──────────────┐
 *               or  COMPACT:   compact (journal, then logic) ──┴──► [output ring] ──► LatencyRecorder
 *                                                                                     records now - t_i
 * </pre>
 *
 * Two workloads: {@code COUNTER}, one {@link CounterStateMachine} add per command (what the pipeline
 * costs), and {@code EXCHANGE}, the exchange-core order flow into {@link ExchangeStateMachine}, its
 * set-up (instruments, deposits, the prefilled book) published and drained before the clock starts.
 * The journal is the in-memory one or Chronicle Queue ({@link Durability#MEMORY_MAPPED}, in a
 * temporary directory deleted afterwards). The run says whether the producer kept the rate: below 99%
 * of it, the corrected figures measure a backlog, not the engine at that rate.
 * <p>
 * Engine failures (a state machine that throws, a journal that cannot write) go to a
 * {@link FailureReport}, as in the other command lines: one line per kind on stderr, never a stack
 * trace. A run with any exits 1 after printing its figures, since those figures include the cost of
 * the exceptions; an engine that halts ends the run with one {@code error:} line.
 * <p>
 * Run with {@code scripts/bench latency --help}.
 */
@Command(name = "scripts/bench latency", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Publishes at a fixed rate and prints latency percentiles corrected for coordinated omission.")
public final class LatencyHarness implements Callable<Integer>
{
    /** What the harness publishes. */
    public enum Workload
    {
        /** One {@link CounterStateMachine} add per command: the pipeline with trivial logic. */
        COUNTER,
        /** The exchange-core order flow into {@link ExchangeStateMachine}. */
        EXCHANGE
    }

    private static final String THREAD_PREFIX = "latency";
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** Farther than this from the next send, the producer parks; closer, it yields. */
    private static final long PARK_THRESHOLD_NANOS = 200_000;
    /** parkNanos overshoots by tens of microseconds on Linux; wake up early and yield the rest. */
    private static final long PARK_MARGIN_NANOS = 100_000;
    /** Below this share of the asked rate, the run did not keep up (the peer uses the same rule). */
    static final double KEPT_UP = 0.99;
    /** Correlation id of set-up commands: before every intended send time, so never recorded. */
    private static final long SETUP_CORRELATION = Long.MIN_VALUE;

    @Option(names = "--rate", description = "commands per second (default: ${DEFAULT-VALUE})")
    long rate = 20_000;

    @Option(names = "--seconds", description = "measured seconds (default: ${DEFAULT-VALUE})")
    long seconds = 10;

    @Option(names = "--warmup", description = "warm-up seconds at the same rate, not recorded (default: ${DEFAULT-VALUE})")
    long warmupSeconds = 5;

    /**
     * The most exchange commands a run generates up front, into one buffer of at most 2 GiB: it failed at some 89
     * million, and at 80 million for a reviewer (27 bytes a command with that seed), so 60 million.
     */
    static final long MOST_EXCHANGE_COMMANDS = 60_000_000;
    /** Heap a generated exchange command takes while its buffer grows (doubling): about twice its 27 bytes, and some. */
    static final long HEAP_PER_EXCHANGE_COMMAND = 64;

    @Option(names = "--topology", description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    Topology topology = Topology.COMPACT;

    @Option(names = {"--wait", "--wait-strategy"}, description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}); " +
        "BUSY_SPIN only with a core per thread; BATCHING with a --ring-size of 128 or more")
    WaitStrategies waitStrategy = WaitStrategies.PARKING;

    @Option(names = "--listener", description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}): the listener " +
        "that records each latency on its own thread, or on the business-logic thread (EngineContext.inlineListener)")
    ListenerPlacement listenerPlacement = ListenerPlacement.THREAD;

    @Option(names = "--workload", description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}): a counter " +
        "add per command, or the exchange-core order flow into the exchange")
    Workload workload = Workload.COUNTER;

    @Option(names = "--journal", description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}); CHRONICLE is " +
        "MEMORY_MAPPED in a temporary directory")
    JournalKind journal = JournalKind.IN_MEMORY;

    @Option(names = "--journal-preallocate-mib", paramLabel = "MIB", description = "CHRONICLE: MiB of journal given disk " +
        "blocks at open (ChronicleJournal.Context.preallocate), so appends write no zeros ahead (default: ${DEFAULT-VALUE}: " +
        "256 KB at a time as it grows)")
    long journalPreallocateMib;

    @Option(names = "--journal-no-readahead", description = "CHRONICLE: ask the kernel not to read ahead around the " +
        "touch-ahead thread's page faults (ChronicleJournal.Context.touchAheadReadahead(false)): shorter latency tails " +
        "on the 2-core VM, about twice that thread's CPU")
    boolean journalNoReadahead;

    @Option(names = "--seed", description = "EXCHANGE: the generator's seed (default: ${DEFAULT-VALUE})")
    long seed = 42;

    @Option(names = "--workload-file", paramLabel = "FILE", description = "EXCHANGE: publish a stream saved by " +
        "RecordedWorkload.write (the suite's) instead of generating rate x (warmup + seconds) commands")
    Path workloadFile;

    @Option(names = "--out", description = "directory for the .hgrm, .csv and .png files (default: ${DEFAULT-VALUE})")
    Path out = Path.of("bench", "results");

    @Option(names = "--json", paramLabel = "FILE", description = "also write the results as one JSON object here")
    Path json;

    /** EngineContext's default, as a user gets it (16K until 2026-12-05); the suite's latency rows say it from there. */
    @Option(names = "--ring-size", description = "input and output ring slots, a power of two (default: ${DEFAULT-VALUE}, " +
        "the engine's)")
    int ringSize = new EngineContext().ringSize();

    @Spec
    CommandSpec spec;

    private PrintStream console = System.out;
    private LatencyRecorder recorder;
    private UnaryOperator<StateMachine> stateMachineWrapper = UnaryOperator.identity();

    public static void main(final String[] args)
    {
        if (System.getProperty("java.awt.headless") == null)
        {
            // The chart is drawn off-screen; no display is needed or wanted.
            System.setProperty("java.awt.headless", "true");
        }
        final PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        final PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(CliSupport.configure(commandLine(new LatencyHarness()), out, err).execute(args));
    }

    /** The harness's command line; enum options accept any case. */
    static CommandLine commandLine(final LatencyHarness harness)
    {
        return new CommandLine(harness).setCaseInsensitiveEnumValuesAllowed(true);
    }

    /**
     * A reviewer's finding: --seed with COUNTER, and the journal's options with IN_MEMORY, ran with a 0 exit and no
     * word, while --workload-file with COUNTER was refused; an option given where it has no effect is refused.
     */
    private void checkOptionsApply()
    {
        final CommandLine.ParseResult given = spec.commandLine().getParseResult();
        if (given == null)
        {
            return;
        }
        if (given.hasMatchedOption("--seed") && (workload != Workload.EXCHANGE || workloadFile != null))
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--seed is the exchange generator's, for " +
                "--workload EXCHANGE without --workload-file; this run " + (workloadFile != null ? "reads " + workloadFile :
                "is --workload " + workload) + " and would not use it");
        }
        for (final String option : new String[] {"--journal-preallocate-mib", "--journal-no-readahead"})
        {
            if (given.hasMatchedOption(option) && journal != JournalKind.CHRONICLE)
            {
                throw new CommandLine.ParameterException(spec.commandLine(), option + " is for --journal CHRONICLE; " +
                    "this run's journal is " + journal + ", which it would not change");
            }
        }
    }

    /** The engine refuses BATCHING on rings too small for two of its batches, in its own words; these are the options'. */
    private void checkBatchesFit()
    {
        final WaitStrategy strategy = waitStrategy.get();
        final int batch = strategy instanceof ParkingWaitStrategy ? ((ParkingWaitStrategy)strategy).batch() : 1;
        if (batch > 1 && ringSize < 2L * batch)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--wait " + waitStrategy + " holds off a stage " +
                "that finds fewer than " + batch + " commands ready, and --ring-size " + ringSize + " cannot hold two " +
                "such batches: nearly every batch would wait out the hold; use --ring-size " +
                (Long.highestOneBit(2L * batch - 1) << 1) + " or more, or --wait PARKING");
        }
    }

    @Override
    public Integer call() throws Exception
    {
        try (RunInterruption ignored = RunInterruption.install(spec.commandLine().getErr(), "scripts/bench latency"))
        {
            return measure();
        }
    }

    private Integer measure() throws Exception
    {
        OptionChecks.positive(spec, "--rate", rate);
        OptionChecks.positive(spec, "--seconds", seconds);
        OptionChecks.notNegative(spec, "--warmup", warmupSeconds);
        OptionChecks.powerOfTwo(spec, "--ring-size", ringSize);
        checkBatchesFit();
        OptionChecks.notNegative(spec, "--journal-preallocate-mib", journalPreallocateMib);
        if (workloadFile != null && workload != Workload.EXCHANGE)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--workload-file is a stream of exchange " +
                "commands, for --workload EXCHANGE, not --workload " + workload);
        }
        if (workloadFile != null && !Files.isReadable(workloadFile))
        {
            // Found only after --out was made, it exited 1 and left the directory behind.
            throw new CommandLine.ParameterException(spec.commandLine(), "--workload-file " + workloadFile + ": no " +
                "readable file there");
        }
        // The exchange's stream is generated up front, into one buffer of at most 2 GiB (some 24 bytes a command).
        final long total = OptionChecks.commandsAtRate(spec, rate, seconds, warmupSeconds,
            workload == Workload.EXCHANGE ? MOST_EXCHANGE_COMMANDS : Long.MAX_VALUE);
        final long heap = Runtime.getRuntime().maxMemory();
        if (workload == Workload.EXCHANGE && workloadFile == null && heap != Long.MAX_VALUE &&
            total * HEAP_PER_EXCHANGE_COMMAND > heap * 3 / 4)
        {
            // A reviewer's finding: it ran out of heap generating the stream, with a stack trace.
            throw new CommandLine.ParameterException(spec.commandLine(), String.format(Locale.ROOT, "--rate %d for " +
                "%d s (%d s warm-up) is %,d exchange commands, generated up front: about %,d MiB of heap, and this JVM " +
                "may use %,d MiB. Lower --rate or --seconds, or give it more (RINGLOG_JAVA_OPTS=-Xmx%dg)", rate,
                seconds + warmupSeconds, warmupSeconds, total, total * HEAP_PER_EXCHANGE_COMMAND >> 20, heap >> 20,
                (total * HEAP_PER_EXCHANGE_COMMAND * 4 / 3 >> 30) + 1));
        }
        checkOptionsApply();
        // Fail now, not after the measured run, when the results could not be written.
        OptionChecks.outputDirectory(spec, "--out", out);
        if (json != null)
        {
            OptionChecks.outputFile(spec, "--json", json);
        }
        final Sender sender = workload == Workload.EXCHANGE ? exchangeSender(total) : new CounterSender();
        recorder = new LatencyRecorder(Long.MAX_VALUE);
        final PrintWriter err = spec.commandLine().getErr();
        final FailureReport failures = new FailureReport(err, "engine");
        final BenchDirectory directory = new BenchDirectory("latency");
        final Engine engine = Engine.launch(listenerPlacement.add(new EngineContext()
            .name(THREAD_PREFIX)
            .topology(topology)
            .waitStrategy(waitStrategy)
            .ringSize(ringSize)
            .outputRingSize(ringSize)
            .maxPayloadLength(sender.maxPayload())
            .maxEventPayloadLength(sender.maxEventPayload())
            .journal(journal.open(directory, Durability.MEMORY_MAPPED, sender.maxPayload(), journalPreallocateMib << 20,
                true, !journalNoReadahead))
            .clock(System::nanoTime)
            .stateMachine(stateMachineWrapper.apply(sender.stateMachine()))
            .errorHandler(failures), "latency", recorder));
        final int engineThreads = countThreads(THREAD_PREFIX + "-");
        // Started by the journal at its first append, parked while it is ahead of the writer (ChronicleJournal.Context.touchAhead).
        final int toucher = journal == JournalKind.CHRONICLE ? 1 : 0;
        final String threads = engineThreads + " engine + 1 producer" + (toucher > 0 ? " + the journal's touch-ahead " +
            "thread" : "") + " = " + (engineThreads + 1 + toucher);
        console.printf(Locale.ROOT, "ringlog latency: topology=%s wait=%s listener=%s rate=%d/s measured=%ds " +
            "warmup=%ds workload=%s journal=%s%s%s ring=%d%n", topology, waitStrategy.name(), listenerPlacement, rate,
            seconds, warmupSeconds, workload, journal, journalNoReadahead && journal == JournalKind.CHRONICLE ?
            " no-readahead" : "", journalPreallocateMib > 0 && journal == JournalKind.CHRONICLE ? " preallocated=" +
            journalPreallocateMib + "MiB" : "", ringSize);
        console.printf(Locale.ROOT, "machine: %d cores available to the JVM; threads: %s%n",
            Runtime.getRuntime().availableProcessors(), threads);
        final String spinning = spinWarning(waitStrategy, engineThreads + 1 + toucher, Runtime.getRuntime().availableProcessors());
        if (spinning != null)
        {
            console.println(spinning);
        }

        final long maxSendLag;
        final long start;
        final long sent;
        final long sentCommands;
        try
        {
            final long setupLast = sender.publishSetup(engine);
            if (setupLast > 0)
            {
                awaitDelivered(engine, setupLast);
            }
            start = System.nanoTime() + NANOS_PER_SECOND / 10;
            recorder.measureFrom(start + warmupSeconds * NANOS_PER_SECOND);
            final long[] lastPosition = new long[2];
            maxSendLag = publishAtFixedRate(engine, sender, start, total, lastPosition);
            sent = System.nanoTime();
            sentCommands = lastPosition[1];
            awaitDelivered(engine, lastPosition[0]);
        }
        finally
        {
            try
            {
                engine.close();
            }
            finally
            {
                directory.delete();
            }
        }

        // Command i is due at start + i/rate, so n commands on schedule span n/rate: from the start to the last send,
        // and one interval more. (It was to the last send alone, which read n/(n-1) of the rate: 1,818/s of 1/s.)
        final double achieved = sentCommands * (double)NANOS_PER_SECOND / (sent - start + NANOS_PER_SECOND / rate);
        final boolean keptUp = sentCommands == total && achieved >= rate * KEPT_UP;
        console.printf(Locale.ROOT, "producer: %d commands, worst send lag behind schedule %.1f us%n",
            sentCommands, maxSendLag / 1000.0);
        if (sentCommands < total)
        {
            console.printf(Locale.ROOT, "stopped sending at twice the run's length (%d s): %d of the %d commands " +
                "scheduled were sent; the engine (or this machine) does not keep up with %d/s%n",
                2 * (seconds + warmupSeconds), sentCommands, total, rate);
        }
        console.printf(Locale.ROOT, "achieved: %d/s of %d/s, kept-up: %s%n", Math.round(achieved), rate, keptUp);
        if (recorder.corrected().getTotalCount() == 0)
        {
            // A reviewer's run at 100M/s wrote percentiles of 0 us from no sample, exit 0.
            throw new IllegalStateException("no command was measured: the " + sentCommands + " sent went to the " +
                warmupSeconds + " s of warm-up, as the engine (or this machine) does not keep up with " + rate + "/s; " +
                "nothing was written. Give a lower --rate, or more --seconds");
        }
        // A preallocated journal's files, or one without readahead, beside the default's in the same --out: named apart.
        final String preallocated = journal == JournalKind.CHRONICLE && journalPreallocateMib > 0 ? "-preallocated" : "";
        final String noReadahead = journal == JournalKind.CHRONICLE && journalNoReadahead ? "-no-readahead" : "";
        // A reviewer's finding: a run with another --ring-size replaced the default run's files in the same --out.
        final String ring = ringSize != new EngineContext().ringSize() ? "-ring-" + ringSize : "";
        final LatencyReport report = new LatencyReport(filePrefix(workload, journal, listenerPlacement) + preallocated +
            noReadahead + ring,
            workload.name(),
            journal.name(), listenerPlacement.name(), topology.name(), waitStrategy.name(), rate, recorder.corrected(),
            recorder.service(), Math.round(achieved), keptUp);
        report.printTable(console);
        if (Files.exists(out.resolve(report.baseName() + ".csv")))
        {
            // A reviewer's note: runs of another --seed or --seconds into one --out replaced each other without a word.
            console.println("replacing an earlier run's files of these settings in " + out + " (runs that differ only in " +
                "--seed, --seconds or --warmup share their names: give each its own --out to keep both)");
        }
        final Path png = out.resolve(report.baseName() + ".png");
        byte[] chart = null;
        try
        {
            chart = LatencyChart.draw(String.format(Locale.ROOT, "ringlog %s%s, %s, %s wait%s, %d commands/s, %d cores",
                workload == Workload.EXCHANGE ? "exchange" : "counter",
                journal == JournalKind.CHRONICLE ? " + Chronicle journal" : "", topology, waitStrategy.name(),
                listenerPlacement == ListenerPlacement.INLINE ? ", inline listener" : "", rate,
                Runtime.getRuntime().availableProcessors()), recorder.corrected(), recorder.service());
        }
        catch (final Exception | LinkageError ex)
        {
            // The chart is a convenience: a JDK without fonts or AWT must not cost the figures above.
            console.println("no chart: " + ex);
        }
        // Once drawn, the chart is one of the run's files, replaced with the others or not at all (a reviewer's full disk
        // at the chart left the earlier run's beside this run's histograms and CSV).
        final Map<Path, byte[]> withChart = new LinkedHashMap<>();
        if (chart != null)
        {
            withChart.put(png, chart);
        }
        final Path csv = report.write(out, withChart);
        console.println("wrote " + csv + ", " + out.resolve(report.baseName() + ".hgrm") + (chart != null ? ", " : " and ") +
            out.resolve(report.baseName() + "-service.hgrm") + (chart != null ? " and " + png : ""));
        if (json != null)
        {
            final Map<String, Object> results = new LinkedHashMap<>();
            results.put("engine", "ringlog");
            results.put("mode", "latency");
            results.put("workload", workload.name());
            results.put("journal", journal.name());
            results.put("durability", journal == JournalKind.CHRONICLE ? Durability.MEMORY_MAPPED.name() : "none");
            results.put("journal-preallocated-mib", journal == JournalKind.CHRONICLE ? journalPreallocateMib : 0);
            results.put("journal-readahead", journal != JournalKind.CHRONICLE || !journalNoReadahead);
            results.put("topology", topology.name());
            results.put("wait-strategy", waitStrategy.name());
            results.put("listener", listenerPlacement.name());
            results.put("rate", rate);
            results.put("achieved-rate", Math.round(achieved));
            results.put("kept-up", keptUp);
            results.put("warmup-seconds", warmupSeconds);
            results.put("seconds", seconds);
            results.put("commands-sent", sentCommands);
            results.put("commands-scheduled", total);
            results.put("ring-size", ringSize);
            results.put("setup-commands", sender.setupCommands());
            results.put("flow-checksum", Long.toHexString(sender.flowChecksum(sentCommands)));
            results.put("max-send-lag-us", maxSendLag / 1000.0);
            results.put("failures", failures.total());
            results.put("latency-from", "intended send time (corrected) / ingress timestamp (service) to the first " +
                "event of the command at a listener");
            results.put("threads", threads);
            results.put("engine-threads", engineThreads);
            results.put("cores", Runtime.getRuntime().availableProcessors());
            results.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
            results.put("latency-count", recorder.corrected().getTotalCount());
            results.putAll(LatencyReport.percentiles("latency", recorder.corrected()));
            results.putAll(LatencyReport.percentiles("service", recorder.service()));
            results.put("histogram", out.resolve(report.baseName() + ".hgrm").toString());
            results.put("service-histogram", out.resolve(report.baseName() + "-service.hgrm").toString());
            ResultFiles.write(json, Json.write(results));
            console.println("wrote " + json);
        }
        failures.printSummary();
        if (failures.total() > 0)
        {
            err.printf(Locale.ROOT, "error: %,d commands failed in the engine (the first of each kind is above); " +
                "these figures include the cost of the exceptions%n", failures.total());
            err.flush();
            return CliSupport.FAILED;
        }
        return 0;
    }

    private Sender exchangeSender(final long total) throws Exception
    {
        final RecordedWorkload recorded = workloadFile != null ? RecordedWorkload.read(workloadFile) :
            RecordedWorkload.record(WorkloadConfig.exchangeCore(seed, total));
        final long flow = recorded.size() - (long)recorded.setupCommands();
        if (flow < total)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), String.format(Locale.ROOT,
                "%d/s for %d s (%d s warm-up) needs %d flow commands; %s holds %d", rate, seconds + warmupSeconds,
                warmupSeconds, total, workloadFile, flow));
        }
        return new ExchangeSender(recorded);
    }

    /**
     * Sends command i at start + i/rate; returns how far behind schedule the worst send was, in ns, the last
     * command's position in {@code lastPosition[0]}, and how many it sent in {@code lastPosition[1]}: fewer than
     * {@code total} where it stopped at twice the run's length.
     */
    private long publishAtFixedRate(
        final Engine engine, final Sender sender, final long start, final long total, final long[] lastPosition)
    {
        long maxSendLag = 0;
        long position = 0;
        // A reviewer's finding: at a rate the engine cannot keep, --seconds 1 ran for minutes (all rate x seconds
        // commands, sent as fast as they went). Sending stops at twice the run's length.
        final long stopAt = start + 2 * (seconds + warmupSeconds) * NANOS_PER_SECOND;
        long i = 0;
        for (; i < total; i++)
        {
            final long intended = start + i * NANOS_PER_SECOND / rate;
            if ((i & 1023) == 0 && System.nanoTime() - stopAt > 0)
            {
                break;
            }
            long now;
            while ((now = System.nanoTime()) < intended)
            {
                final long remaining = intended - now;
                if (remaining > PARK_THRESHOLD_NANOS)
                {
                    LockSupport.parkNanos(remaining - PARK_MARGIN_NANOS);
                }
                else
                {
                    Thread.yield();
                }
            }
            maxSendLag = Math.max(maxSendLag, now - intended);
            position = sender.send(engine, i, intended);
        }
        lastPosition[0] = position;
        lastPosition[1] = i;
        return maxSendLag;
    }

    private void awaitDelivered(final Engine engine, final long position)
    {
        final long deadline = System.nanoTime() + 60 * NANOS_PER_SECOND;
        while (recorder.lastPosition() < position)
        {
            if (engine.failure() != null)
            {
                throw new IllegalStateException("the engine halted during the run: " +
                    CliSupport.message(engine.failure()), engine.failure());
            }
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("listener received " + recorder.lastPosition() + " of " + position +
                    " events within 60 s of the last send");
            }
            LockSupport.parkNanos(PARK_THRESHOLD_NANOS);
        }
    }

    /**
     * The start of a run's file names: {@code latency}, then what differs from the counter on the in-memory
     * journal with its listener on its own thread. The exchange always names its journal (the suite's files,
     * {@code latency-exchange-chronicle[-inline]-...}); the counter only a journal other than IN_MEMORY.
     */
    static String filePrefix(final Workload workload, final JournalKind journal, final ListenerPlacement listener)
    {
        final StringBuilder prefix = new StringBuilder("latency");
        if (workload != Workload.COUNTER)
        {
            prefix.append('-').append(workload.name().toLowerCase(Locale.ROOT));
        }
        if (workload != Workload.COUNTER || journal != JournalKind.IN_MEMORY)
        {
            prefix.append('-').append(journal.name().toLowerCase(Locale.ROOT));
        }
        if (listener != ListenerPlacement.THREAD)
        {
            prefix.append('-').append(listener.name().toLowerCase(Locale.ROOT));
        }
        return prefix.toString();
    }

    /** Live threads whose names start with {@code prefix}: an engine's stages, named after its context. */
    static int countThreads(final String prefix)
    {
        int count = 0;
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (thread.isAlive() && thread.getName().startsWith(prefix))
            {
                count++;
            }
        }
        return count;
    }

    LatencyHarness console(final PrintStream console)
    {
        this.console = console;
        return this;
    }

    LatencyRecorder recorder()
    {
        return recorder;
    }

    /** For tests: runs the workload's state machine inside {@code wrapper}'s (one that fails, say). */
    LatencyHarness stateMachineWrapper(final UnaryOperator<StateMachine> wrapper)
    {
        this.stateMachineWrapper = wrapper;
        return this;
    }

    /** What a workload publishes, and into which state machine. */
    private interface Sender
    {
        StateMachine stateMachine();

        int maxPayload();

        int maxEventPayload();

        /** Publishes the untimed set-up; returns the last one's position, 0 if there is none. */
        long publishSetup(Engine engine);

        int setupCommands();

        /** Publishes flow command {@code index} meant for {@code intended}; returns its position. */
        long send(Engine engine, long index, long intended);

        /** A fingerprint of the first {@code count} flow commands, so two runs can show they sent the same. */
        long flowChecksum(long count);
    }

    private static final class CounterSender implements Sender
    {
        private final UnsafeBuffer payload = new UnsafeBuffer(new byte[CounterStateMachine.PAYLOAD_LENGTH]);

        CounterSender()
        {
            payload.putLong(0, 1, ByteOrder.LITTLE_ENDIAN);
        }

        @Override
        public StateMachine stateMachine()
        {
            return new CounterStateMachine();
        }

        @Override
        public int maxPayload()
        {
            return PipelineBenchmark.MAX_PAYLOAD;
        }

        @Override
        public int maxEventPayload()
        {
            return PipelineBenchmark.MAX_PAYLOAD;
        }

        @Override
        public long publishSetup(final Engine engine)
        {
            return 0;
        }

        @Override
        public int setupCommands()
        {
            return 0;
        }

        @Override
        public long send(final Engine engine, final long index, final long intended)
        {
            return engine.publish(CounterStateMachine.ADD, 0, 0, index + 1, intended, payload, 0,
                CounterStateMachine.PAYLOAD_LENGTH);
        }

        @Override
        public long flowChecksum(final long count)
        {
            return 0;
        }
    }

    private static final class ExchangeSender implements Sender
    {
        private final RecordedWorkload workload;
        private final DirectBuffer payloads;
        private final int setup;

        ExchangeSender(final RecordedWorkload workload)
        {
            this.workload = workload;
            this.payloads = workload.payloads();
            this.setup = workload.setupCommands();
        }

        @Override
        public StateMachine stateMachine()
        {
            // Trades report balance changes, as in ExchangeBenchmark: the same events per command.
            return new ExchangeStateMachine(workload.maxAssets(), true);
        }

        @Override
        public int maxPayload()
        {
            return ExchangeDriver.MAX_PAYLOAD;
        }

        @Override
        public int maxEventPayload()
        {
            return ExchangeDriver.MAX_EVENT_PAYLOAD;
        }

        @Override
        public long publishSetup(final Engine engine)
        {
            long last = 0;
            for (int i = 0; i < setup; i++)
            {
                last = engine.publish(workload.type(i), CommandEncoder.VERSION, 0, 0, SETUP_CORRELATION, payloads,
                    workload.offset(i), workload.length(i));
            }
            return last;
        }

        @Override
        public int setupCommands()
        {
            return setup;
        }

        @Override
        public long send(final Engine engine, final long index, final long intended)
        {
            final int i = setup + (int)index;
            return engine.publish(workload.type(i), CommandEncoder.VERSION, 0, 0, intended, payloads, workload.offset(i),
                workload.length(i));
        }

        @Override
        public long flowChecksum(final long count)
        {
            return workload.checksum(setup, Math.toIntExact(setup + count));
        }
    }

    /**
     * A line for a run whose stages spin on fewer cores than it has threads, or null: BUSY_SPIN never gives its core
     * up, so there they take turns by the scheduler's time slice and the percentiles measure that (a reviewer's note:
     * it ran on 2 cores without a word).
     */
    static String spinWarning(final WaitStrategies wait, final int threads, final int cores)
    {
        return wait == WaitStrategies.BUSY_SPIN && threads > cores ? String.format(Locale.ROOT, "warning: BUSY_SPIN " +
            "never gives up a core, and this run has %d threads on %d cores: its stages take turns by the scheduler's " +
            "time slice, and the figures measure that; it is meant for a core per stage (PARKING, the default, suits " +
            "fewer cores than threads)", threads, cores) : null;
    }
}
