package io.ringlog.bench.suite;

import io.ringlog.bench.BenchDirectory;
import io.ringlog.bench.ListenerPlacement;
import io.ringlog.bench.OptionChecks;
import io.ringlog.journal.tool.CliSupport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import java.nio.file.Files;
import java.nio.file.Path;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code scripts/bench} with no arguments, or {@code scripts/bench suite [--quick] [--out DIR]}: every
 * figure issue 9 asks for, from one invocation on one machine, back to back.
 * <pre>
 *  1  stream     generate the exchange-core workload once: ExchangeBenchmark's stream, the peer's file, proven equal
 *  2  JMH        bare Disruptor ×2, pipeline in-memory / journaled / PHASED / YIELDING / BUSY_SPIN / inline
 *                listener, ArrayBlockingQueue, exchange in-memory / journaled / pinned / inline listener /
 *                journaled one publish per command
 *                                                                                        (Runner, one fork per row)
 *  3  peer       exchange-core throughput on the file, unpinned, then pinned    (bench/peers/peer, its own JVM)
 *  4  latency    per rate: ringlog exchange, Chronicle journal, its listener on its own thread, then on the
 *                logic thread (LatencyHarness, own JVM each), then exchange-core
 *  5  replication none / async / sync to a standby over Aeron, side by side   (ReplicationBench, its own JVM)
 *  6  report     results.json, results.md, latency-&lt;rate&gt;.png; ratios from this run's medians
 * </pre>
 * Exit status 0 when every step ran (whatever the ratios), 1 when one failed (the files still say what
 * ran), 2 for a usage error.
 */
@Command(name = "scripts/bench suite", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs the benchmark suite (8 to 9 minutes on 2 cores; --quick: a few seconds a row) and writes " +
        "results.json, results.md and a latency chart per rate into one directory."})
public final class BenchSuite implements Callable<Integer>
{
    private static final DateTimeFormatter DIRECTORY = DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm", Locale.ROOT);
    /** The packed stream of the exchange-core preset: types, offsets and payloads (35.3 bytes measured). */
    static final int STREAM_BYTES_PER_COMMAND = 36;
    /**
     * Heap per byte of that stream while it is recorded: its buffers double as they grow, so a 40M-command stream
     * (1.3 GiB) needed more than 4 GiB and fitted in 5 (measured with RecordedWorkload.record alone, G1).
     */
    static final double HEAP_PER_STREAM_BYTE = 3.5;
    private static final double GIB = 1 << 30;

    @Option(names = "--quick", description = "every row for a moment, JMH in this JVM: checks the suite runs; its " +
        "figures mean nothing")
    boolean quick;

    @Option(names = "--out", paramLabel = "DIR", description = "results directory (default: " +
        "bench/results/<yyyy-MM-dd-HHmm>)")
    Path out;

    @Option(names = "--seed", paramLabel = "S", description = "workload seed (default: ${DEFAULT-VALUE})")
    long seed = 42;

    @Option(names = "--rates", paramLabel = "R", split = ",", description = "fixed latency rates, commands/s " +
        "(default: 100000,500000; --quick: 10000)")
    List<Long> rates;

    @Option(names = "--exchange-commands", paramLabel = "N", description = "flow commands in ExchangeBenchmark's " +
        "stream (default: 40000000; --quick: 1000000); raise it if the exchange rows run out")
    Long exchangeCommands;

    @Option(names = "--peer", paramLabel = "FILE", description = "the exchange-core peer's script (default: " +
        "${DEFAULT-VALUE})")
    Path peer = Path.of("bench", "peers", "peer");

    /**
     * Build the peer ({@code PEER build}) once the options pass, before the first step: scripts/bench gives it with its
     * own peer. It built the peer before the suite read its options, so {@code suite --help} and a misspelt option
     * waited for a Maven build (and, with RINGLOG_NO_BUILD=1 and no jar, failed for it).
     */
    @Option(names = "--build-peer", hidden = true)
    boolean buildPeer;

    @Option(names = "--lock-wait", paramLabel = "SECONDS", description = "how long to wait for another JMH run to " +
        "finish (default: ${DEFAULT-VALUE})")
    long lockWaitSeconds = 900;

    @Option(names = "--keep-work", description = "keep the generated streams (work/ in the results directory)")
    boolean keepWork;

    @Spec
    CommandLine.Model.CommandSpec spec;

    private PrintStream console = System.out;
    /**
     * The topmost directory this suite made for its --out (checked, and so made, before the run): --out itself or a
     * parent it had to make too; null if --out was there.
     */
    private Path madeOut;
    /** A signal stopped the peer's build. */
    private volatile boolean buildStopped;
    private SuiteInterruption interruption;

    public static void main(final String[] args)
    {
        if (System.getProperty("java.awt.headless") == null)
        {
            // Charts are drawn off-screen; no display is needed or wanted.
            System.setProperty("java.awt.headless", "true");
        }
        final PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        final PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(CliSupport.configure(new CommandLine(new BenchSuite()), out, err).execute(args));
    }

    @Override
    public Integer call() throws Exception
    {
        OptionChecks.notNegative(spec, "--lock-wait", lockWaitSeconds);
        SuitePlan plan = quick ? SuitePlan.quick() : SuitePlan.full();
        if (rates != null)
        {
            if (rates.isEmpty())
            {
                throw OptionChecks.refused(spec, "--rates needs at least one rate");
            }
            OptionChecks.notGroupedByCommas(spec, "--rates");
            for (final long rate : rates)
            {
                OptionChecks.positive(spec, "--rates", rate);
                if (rate > Long.MAX_VALUE / (plan.latencyWarmupSeconds() + plan.latencySeconds()))
                {
                    // A reviewer's 3074457345618258603 wrapped to 2 commands and passed the stream's length check.
                    throw OptionChecks.refused(spec, "--rates " + rate + " for " + (plan.latencyWarmupSeconds() +
                        plan.latencySeconds()) + " s is more commands than a run can count");
                }
            }
            plan = plan.latencyRates(rates);
        }
        if (exchangeCommands != null)
        {
            plan = plan.exchangeFlowCommands(exchangeCommands);
        }
        final long peerFlow = Math.max(plan.peerFlowCommands(), plan.latencyFlowCommands());
        if (plan.exchangeFlowCommands() < peerFlow)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--exchange-commands must be at least " +
                peerFlow + " (the peer's file and the latency runs draw from the same stream)");
        }
        // The numbers are wrong whatever directory the suite runs from.
        if (!java.nio.file.Files.isRegularFile(peer) || !java.nio.file.Files.isExecutable(peer))
        {
            throw OptionChecks.refused(spec, "--peer " + peer + " is no executable file: it names the script that runs " +
                "exchange-core (bench/peers/peer, or one that takes the same arguments)");
        }
        if (out != null)
        {
            // Last of the checks, as it makes the directory: whether the suite made it is known only before (an interrupted suite
            // deletes one it made and left empty).
            madeOut = firstMissing(out);
            // A reviewer's finding: an --out it could not write was "error: no such file or directory: /x", exit 1,
            // where the other commands refuse it as bad usage, naming the option.
            OptionChecks.outputDirectory(spec, "--out", out);
        }
        if (buildPeer)
        {
            // Before anything is measured, not between two measured steps; its own lines say what it does.
            final int built = buildPeer();
            if (built != 0 && buildStopped)
            {
                // The hook said it.
                return CliSupport.FAILED;
            }
            if (built != 0)
            {
                if (madeOut != null)
                {
                    removeMade(out, madeOut);
                }
                spec.commandLine().getErr().println("error: " + peer + " build exited " + built + ": the exchange-core " +
                    "peer is not built (its lines are above); nothing was measured");
                spec.commandLine().getErr().flush();
                return CliSupport.FAILED;
            }
        }
        try
        {
            return run(plan, peerFlow);
        }
        catch (final OutOfMemoryError ex)
        {
            // Unwound to here, the stream is garbage: there is room again to say what happened, in one line.
            spec.commandLine().getErr().println(outOfMemory(Runtime.getRuntime().maxMemory(), plan.exchangeFlowCommands(),
                peerFlow));
            spec.commandLine().getErr().flush();
            return CliSupport.FAILED;
        }
    }

    /** The topmost of {@code dir} and its parents that does not exist, or null if {@code dir} does. */
    static Path firstMissing(final Path dir)
    {
        Path missing = null;
        for (Path at = dir.toAbsolutePath().normalize(); at != null && !Files.exists(at); at = at.getParent())
        {
            missing = at;
        }
        return missing;
    }

    /**
     * Deletes {@code dir}, then each parent up to {@code madeFrom} (the topmost this suite made) while it is empty (a
     * reviewer's: an --out whose parents the suite made kept them when it removed the directory). Returns the topmost
     * directory removed, or null if {@code dir} was not; a parent someone else has written into since is kept.
     */
    static Path removeMade(final Path dir, final Path madeFrom) throws IOException
    {
        final Path top = madeFrom.toAbsolutePath().normalize();
        Path at = dir.toAbsolutePath().normalize();
        if (!at.startsWith(top) || !Files.deleteIfExists(at))
        {
            return null;
        }
        Path removed = at;
        while (!at.equals(top))
        {
            at = at.getParent();
            try
            {
                if (!Files.deleteIfExists(at))
                {
                    break;
                }
            }
            catch (final java.nio.file.DirectoryNotEmptyException kept)
            {
                break;
            }
            removed = at;
        }
        return removed;
    }

    /**
     * Runs {@code PEER build}; stopped by a signal meanwhile (a first build runs Maven for minutes), it stops the build,
     * removes the --out it made, and says so (a reviewer's finding: it said nothing, left both, and the build ran on).
     */
    private int buildPeer() throws IOException, InterruptedException
    {
        final java.util.concurrent.atomic.AtomicReference<Process> build = new java.util.concurrent.atomic.AtomicReference<>();
        final PrintWriter err = spec.commandLine().getErr();
        final java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        final Thread stop = new Thread(() ->
        {
            buildStopped = true;
            try
            {
                // A signal as the build starts: its process is known once start returns, which it does at once.
                started.await(5, java.util.concurrent.TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            final Process building = build.get();
            if (building != null)
            {
                building.descendants().forEach(ProcessHandle::destroy);
                building.destroy();
            }
            Path removed = null;
            try
            {
                removed = madeOut != null ? removeMade(out, madeOut) : null;
            }
            catch (final IOException ex)
            {
                // Not empty: someone else's files are there now; kept.
            }
            err.println("suite: interrupted while the exchange-core peer was building; nothing was measured" +
                (removed != null ? "; removed " + removed + ", empty" : ""));
            err.flush();
        }, "suite-build-interrupted");
        // Before the build starts: a signal as soon as it says a word finds the hook there.
        Runtime.getRuntime().addShutdownHook(stop);
        try
        {
            try
            {
                build.set(new ProcessBuilder(peer.toString(), "build").inheritIO().start());
            }
            finally
            {
                started.countDown();
            }
            return build.get().waitFor();
        }
        finally
        {
            try
            {
                Runtime.getRuntime().removeShutdownHook(stop);
            }
            catch (final IllegalStateException ex)
            {
                // The JVM is stopping: the hook runs.
            }
        }
    }

    /**
     * The line for a suite that ran out of heap: almost always while recording ExchangeBenchmark's stream, which
     * it holds in memory whole, at {@value #STREAM_BYTES_PER_COMMAND} bytes a command.
     */
    static String outOfMemory(final long maxHeapBytes, final long flowCommands, final long minimumFlowCommands)
    {
        final double streamGib = flowCommands * (double)STREAM_BYTES_PER_COMMAND / GIB;
        // Half a GiB more for the peer's stream and the rest of the suite.
        final long suggestedGib = (long)Math.ceil(streamGib * HEAP_PER_STREAM_BYTE + 0.5);
        return String.format(Locale.ROOT, "error: out of memory with a %,d MB heap: the suite records ExchangeBenchmark's " +
            "stream of %,d flow commands (%,d MB) in memory; give it a larger heap (RINGLOG_JAVA_OPTS=-Xmx%dg) or a " +
            "shorter stream (--exchange-commands N, at least %,d)", maxHeapBytes >> 20, flowCommands,
            Math.round(streamGib * 1024), suggestedGib, minimumFlowCommands);
    }

    private int run(final SuitePlan plan, final long peerFlow) throws Exception
    {
        final LocalDateTime started = LocalDateTime.now();
        final Path dir = (out != null ? out : Path.of("bench", "results", DIRECTORY.format(started))).toAbsolutePath();
        final Path madeDir = out != null ? madeOut : firstMissing(dir);
        Files.createDirectories(dir);
        final Path work = dir.resolve("work");
        final long startNanos = System.nanoTime();

        final SuiteReport report = new SuiteReport();
        final Map<String, Object> machine = Machine.describe();
        final Map<String, Object> load = new LinkedHashMap<>();
        load.put("before", Machine.load());
        report.put("suite", "ringlog benchmark suite");
        report.put("ringlog-version", CliSupport.version());
        report.put("commit", Machine.commit());
        report.put("mode", plan.name());
        report.put("started", started.withNano(0).toString());
        report.put("command", "scripts/bench suite" + (quick ? " --quick" : "") + (out != null ? " --out " + out : ""));
        report.put("machine", machine);
        report.put("load", load);
        report.put("jmh-settings", plan.jmhSettings());
        final Path here = Path.of("").toAbsolutePath();
        final Path peerAt = peer.toAbsolutePath().normalize();
        final Path peerNamed = peerAt.startsWith(here) ? here.relativize(peerAt) : peerAt;
        report.put("peer-settings", peerNamed + ", exchange-core 0.5.3, " + ChildRuns.PEER_WAIT + ", " +
            plan.peerWarmupIterations() + " warm-up + " + plan.peerIterations() + " measured passes over the file");
        report.put("latency-settings", String.format(Locale.ROOT, "Each run: %d s warm-up, then %d s recorded, in a JVM of its " +
            "own; rates %s.", plan.latencyWarmupSeconds(), plan.latencySeconds(), plan.latencyRates()));
        console.printf(Locale.ROOT, "ringlog benchmark suite (%s) into %s%n", plan.name(), dir);
        console.printf(Locale.ROOT, "machine: %s, %s, %s cores, %s GiB, %s; load %.2f%n", machine.get("arch"),
            machine.get("cpu-model"), machine.get("cores"), machine.get("memory-gib"), machine.get("jdk"), load.get("before"));
        console.printf(Locale.ROOT, "code: ringlog %s, commit %s%n", report.get("ringlog-version"), report.get("commit"));

        interruption = new SuiteInterruption(dir, madeDir, work, keepWork, spec.commandLine().getErr()).install();
        try (JmhLock lock = new JmhLock())
        {
            if (!lock.acquire(Duration.ofSeconds(lockWaitSeconds)))
            {
                console.println("error: another JMH run held " + lock.file() + " for " + lockWaitSeconds + " s");
                return CliSupport.FAILED;
            }
            final WorkloadFiles workload = stream(plan, work, peerFlow, report);
            if (workload != null)
            {
                jmh(plan, workload, dir, lock, report);
                step("exchange-core throughput (peer)");
                report.add(done(ChildRuns.peerThroughput(peer.toAbsolutePath(), workload, plan, dir, Machine.load(), false)));
                step("exchange-core throughput (peer), threads pinned to cores");
                report.add(done(ChildRuns.peerThroughput(peer.toAbsolutePath(), workload, plan, dir, Machine.load(), true)));
                for (final long rate : plan.latencyRates())
                {
                    step(String.format(Locale.ROOT, "latency at %,d/s: ringlog exchange, Chronicle journal", rate));
                    report.add(done(ChildRuns.ringlogLatency(rate, ListenerPlacement.THREAD, workload, plan, dir,
                        Machine.load())));
                    step(String.format(Locale.ROOT, "latency at %,d/s: ringlog exchange, Chronicle journal, inline " +
                        "listener", rate));
                    report.add(done(ChildRuns.ringlogLatency(rate, ListenerPlacement.INLINE, workload, plan, dir,
                        Machine.load())));
                    step(String.format(Locale.ROOT, "latency at %,d/s: exchange-core", rate));
                    report.add(done(ChildRuns.peerLatency(peer.toAbsolutePath(), rate, workload, plan, dir,
                        Machine.load())));
                }
                step("replication: none, asynchronous, synchronous to a standby over Aeron (loopback UDP)");
                report.add(done(ChildRuns.replication(plan, dir, Machine.load())));
            }
        }
        finally
        {
            interruption.close();
            // Stopped: the shutdown hook deletes it, and says so.
            if (!keepWork && !interruption.stopping())
            {
                delete(work);
            }
        }
        load.put("after", Machine.load());
        report.put("duration-seconds", (System.nanoTime() - startNanos) / 1_000_000_000L);
        report.drawCharts(dir, String.valueOf(machine.get("cores")));
        report.write(dir);
        summary(report, dir);
        return report.ok() ? 0 : CliSupport.FAILED;
    }

    private WorkloadFiles stream(final SuitePlan plan, final Path work, final long peerFlow, final SuiteReport report)
    {
        step(String.format(Locale.ROOT, "stream: exchange-core preset, seed %d, %,d flow commands (%,d for the peer)",
            seed, plan.exchangeFlowCommands(), peerFlow));
        try
        {
            final WorkloadFiles workload = WorkloadFiles.generate(work, seed, plan.exchangeFlowCommands(), peerFlow);
            report.put("workload", workload.describe());
            console.println("  identical on both sides, crc32c " + Long.toHexString(workload.checksum()));
            return workload;
        }
        catch (final Exception ex)
        {
            report.problem("the command stream: " + ex.getMessage());
            console.println("  failed: " + ex.getMessage());
            return null;
        }
    }

    private void jmh(
        final SuitePlan plan, final WorkloadFiles workload, final Path dir, final JmhLock lock, final SuiteReport report)
        throws IOException
    {
        for (final JmhRows.Row row : JmhRows.rows(workload))
        {
            step(row.id() + ": " + row.label());
            ThroughputResult result = null;
            for (int attempt = 0; attempt < 3; attempt++)
            {
                final double load = Machine.load();
                // JMH takes the lock itself; another JMH may still win the gap, so wait and try again.
                lock.release();
                result = JmhRows.run(row, plan, dir, load);
                if (!lock.acquire(Duration.ofSeconds(lockWaitSeconds)))
                {
                    report.problem("another JMH run held " + lock.file() + " for " + lockWaitSeconds + " s after " +
                        row.id() + ": the steps after it shared the machine");
                }
                if (result.ok() || !result.error().contains("JMH lock"))
                {
                    break;
                }
            }
            report.add(done(result));
        }
    }

    private void step(final String what)
    {
        if (interruption != null && interruption.stopping())
        {
            // The shutdown hook is deleting the streams and stopping the children: start nothing more.
            throw new IllegalStateException("interrupted");
        }
        console.printf(Locale.ROOT, "%s %s%n", LocalDateTime.now().withNano(0).toLocalTime(), what);
    }

    private ThroughputResult done(final ThroughputResult row)
    {
        if (row.ok())
        {
            console.printf(Locale.ROOT, "  %s commands/s (median; %s - %s)%s, load before %.2f%n",
                SuiteReport.rate(row.median()), SuiteReport.rate(row.min()), SuiteReport.rate(row.max()),
                row.bytesPerOp() == null ? "" : String.format(Locale.ROOT, ", %.3f B/op", row.bytesPerOp()), row.load());
        }
        else
        {
            console.println("  failed: " + row.error());
        }
        return row;
    }

    private LatencyResult done(final LatencyResult run)
    {
        if (run.ok())
        {
            console.printf(Locale.ROOT, "  p50 %s us, p99 %s us, p99.9 %s us, max %s us; achieved %s/s, kept-up %s%n",
                SuiteReport.micros(run.figures().get("latency-p50-us")), SuiteReport.micros(run.figures().get("latency-p99-us")),
                SuiteReport.micros(run.figures().get("latency-p99.9-us")),
                SuiteReport.micros(run.figures().get("latency-max-us")), SuiteReport.count(run.figures().get("achieved-rate")),
                run.figure("kept-up"));
        }
        else
        {
            console.println("  failed: " + run.error());
        }
        return run;
    }

    private ReplicationResult done(final ReplicationResult run)
    {
        if (!run.ok())
        {
            console.println("  failed: " + run.error());
            return run;
        }
        for (final String mode : ReplicationResult.MODES)
        {
            final Map<String, Object> figures = run.mode(mode);
            console.printf(Locale.ROOT, "  %-5s %s commands/s; p50 %s us, p99 %s us, p99.9 %s us, max %s us%n", mode,
                figures.get("commands-per-s") instanceof Number number ? SuiteReport.rate(number.doubleValue()) : "-",
                SuiteReport.micros(figures.get("latency-p50-us")), SuiteReport.micros(figures.get("latency-p99-us")),
                SuiteReport.micros(figures.get("latency-p99.9-us")), SuiteReport.micros(figures.get("latency-max-us")));
        }
        return run;
    }

    private void summary(final SuiteReport report, final Path dir)
    {
        console.println("ratios (this run's medians):");
        for (final Map<String, Object> ratio : report.ratios())
        {
            final Object value = ratio.get("value");
            final Object target = ratio.get("target");
            console.printf(Locale.ROOT, "  %-80s %s%s%n", ratio.get("label"),
                value == null ? "-" : String.format(Locale.ROOT, "%.2f", ((Number)value).doubleValue()),
                target == null ? "" : " (target >= " + target + ": " + (value == null ? "not measured" :
                    Boolean.TRUE.equals(ratio.get("met")) ? "met" : "NOT met") + ")");
        }
        console.println("wrote " + dir.resolve("results.md") + ", results.json and " + report.chartCount() +
            " latency chart(s) beside it");
        if (!report.ok())
        {
            console.println("error: some steps did not run; results.md lists them");
        }
    }

    static void delete(final Path dir) throws IOException
    {
        BenchDirectory.deleteTree(dir);
    }

    BenchSuite console(final PrintStream console)
    {
        this.console = console;
        return this;
    }
}
