package io.ringlog.bench;

import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.OutputEvent;
import io.ringlog.core.OutputListener;
import io.ringlog.core.Topology;
import io.ringlog.core.WaitStrategies;
import io.ringlog.journal.ChronicleJournal;
import io.ringlog.journal.replication.ReplicationContext;
import io.ringlog.journal.replication.ReplicationMode;
import io.ringlog.journal.replication.ReplicationNode;
import io.ringlog.journal.replication.ReplicationStatus;
import io.ringlog.journal.replication.Role;
import io.ringlog.journal.tool.CliSupport;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * None, asynchronous and synchronous replication side by side, in one run on one machine: for each,
 * a primary on a Chronicle journal (and, replicated, a standby with its own journal, in this JVM with
 * its own media driver, over loopback UDP), then
 * <ul>
 *   <li>throughput: N commands published flat out, timed from the first publish to the primary's
 *       last event (visible: in synchronous mode, acknowledged by the standby);</li>
 *   <li>latency: a fixed rate, corrected for coordinated omission as {@link LatencyHarness} does:
 *       from each command's intended send time to its event at the primary's listener;</li>
 *   <li>the replication figures the primary measured: acknowledgement round trip, lag.</li>
 * </ul>
 * <pre>
 *  producer ──► primary: [ring] ─► journal ──┐                          ┌─► listener: now - intended
 *                               ─► replicator┴─► logic (waits for acks ─┘    (sync) )
 *                                     │ UDP 127.0.0.1                ▲ acks
 *                                     ▼                              │
 *                          standby: agent ─► [ring] ─► journal ─► logic ─► ack of committed
 * </pre>
 * Run with {@code scripts/bench replication --help}.
 */
@Command(name = "scripts/bench replication", mixinStandardHelpOptions = true,
    description = "Throughput and latency percentiles without replication, with asynchronous and with synchronous " +
        "replication to a standby over Aeron (loopback UDP), side by side.")
public final class ReplicationBench implements Callable<Integer>
{
    /** The JDK's reaper of child processes, and Chronicle's releaser of mapped files: one each a JVM. */
    private static final Set<String> JVM_WIDE = Set.of("process reaper", "background~resource~releaser");

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final int MAX_PAYLOAD = 64;
    /** The engines' stages wait as the engine's default does; named here so the figures can say so. */
    private static final WaitStrategies WAIT = WaitStrategies.PARKING;

    @Option(names = "--commands", description = "commands published flat out for throughput (default: ${DEFAULT-VALUE})")
    long commands = 300_000;

    @Option(names = "--rate", description = "commands per second for latency (default: ${DEFAULT-VALUE})")
    long rate = 10_000;

    @Option(names = "--seconds", description = "measured seconds at that rate (default: ${DEFAULT-VALUE})")
    long seconds = 10;

    @Option(names = "--warmup", description = "warm-up seconds at that rate, not recorded (default: ${DEFAULT-VALUE})")
    long warmupSeconds = 3;

    @Option(names = "--topology", description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    Topology topology = Topology.PIPELINED;

    @Option(names = "--rounds", description = "rounds of none, async, sync; the last is reported, so the JIT has " +
        "seen every mode before it (default: ${DEFAULT-VALUE})")
    int rounds = 2;

    @Option(names = "--out", description = "directory for the CSV (default: ${DEFAULT-VALUE})")
    Path out = Path.of("bench", "results");

    @Option(names = "--json", paramLabel = "FILE", description = "also write the results as one JSON object here")
    Path json;

    @Spec
    CommandSpec spec;

    private PrintStream console = System.out;

    public static void main(final String[] args)
    {
        final PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        final PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(CliSupport.configure(new CommandLine(new ReplicationBench()).setCaseInsensitiveEnumValuesAllowed(true),
            out, err).execute(args));
    }

    /**
     * One row: what a mode measured, and the threads it started (engines, replication agents, media
     * drivers: names with their numbers dropped, and how many of each), the producer not among them.
     */
    record Row(String mode, double commandsPerSecond, Histogram latency, Histogram ackLatency, long maxLag,
        double achievedRate, Map<String, Integer> threads)
    {
        /** Whether the fixed-rate run sent at the rate asked, as {@link LatencyHarness} judges it. */
        boolean keptUp(final long rate)
        {
            return achievedRate >= rate * LatencyHarness.KEPT_UP;
        }

        int threadCount()
        {
            int count = 0;
            for (final int each : threads.values())
            {
                count += each;
            }
            return count;
        }
    }

    @Override
    public Integer call() throws Exception
    {
        try (RunInterruption ignored = RunInterruption.install(spec.commandLine().getErr(), "scripts/bench replication"))
        {
            return measure();
        }
    }

    private Integer measure() throws Exception
    {
        OptionChecks.positive(spec, "--commands", commands);
        OptionChecks.positive(spec, "--rate", rate);
        OptionChecks.positive(spec, "--seconds", seconds);
        OptionChecks.notNegative(spec, "--warmup", warmupSeconds);
        OptionChecks.positive(spec, "--rounds", rounds);
        OptionChecks.commandsAtRate(spec, rate, seconds, warmupSeconds, Long.MAX_VALUE);
        // Fail now, not after the measured rounds, when the results could not be written.
        OptionChecks.outputDirectory(spec, "--out", out);
        if (json != null)
        {
            OptionChecks.outputFile(spec, "--json", json);
        }
        console.printf(Locale.ROOT, "ringlog replication: topology=%s wait=%s commands=%d rate=%d/s measured=%ds " +
            "warmup=%ds%n", topology, WAIT.name(), commands, rate, seconds, warmupSeconds);
        console.printf(Locale.ROOT, "machine: %d cores; load average before: %.2f%n",
            Runtime.getRuntime().availableProcessors(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        final List<Row> rows = new ArrayList<>();
        for (int round = 1; round <= rounds; round++)
        {
            console.printf(Locale.ROOT, "round %d of %d%s%n", round, rounds, round < rounds ? " (warm-up, not reported)" : "");
            rows.clear();
            for (final String mode : new String[]{"none", "async", "sync"})
            {
                rows.add(run(mode));
            }
        }
        console.printf(Locale.ROOT, "load average after: %.2f%n",
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        print(rows);
        Files.createDirectories(out);
        final Path csv = out.resolve("replication-" + topology.name().toLowerCase(Locale.ROOT) + "-" + rate + ".csv");
        final StringBuilder text = new StringBuilder("mode,commands_per_s,achieved_rate,kept_up,p50_us,p90_us,p99_us," +
            "p99.9_us,max_us,ack_p50_us,ack_p99_us,max_lag_positions\n");
        for (final Row row : rows)
        {
            // No standby, no acknowledgement and no lag: empty fields, not 0.0 (the table says '-').
            final boolean none = row.mode().equals("none");
            text.append(String.format(Locale.ROOT, "%s,%.0f,%.0f,%s,%.1f,%.1f,%.1f,%.1f,%.1f,%s,%s,%s%n", row.mode(),
                row.commandsPerSecond(), row.achievedRate(), row.keptUp(rate), us(row.latency(), 50), us(row.latency(), 90),
                us(row.latency(), 99), us(row.latency(), 99.9), row.latency().getMaxValue() / 1e3,
                none ? "" : String.format(Locale.ROOT, "%.1f", us(row.ackLatency(), 50)),
                none ? "" : String.format(Locale.ROOT, "%.1f", us(row.ackLatency(), 99)), none ? "" : row.maxLag() + ""));
        }
        ResultFiles.write(csv, text.toString());
        console.println("wrote " + csv);
        if (json != null)
        {
            writeJson(rows);
        }
        return 0;
    }

    private Row run(final String mode) throws Exception
    {
        final BenchDirectory dir = new BenchDirectory("replication-" + mode);
        final Recorder recorder = new Recorder();
        final ReplicationMode replication = mode.equals("none") ? null :
            mode.equals("sync") ? ReplicationMode.SYNCHRONOUS : ReplicationMode.ASYNCHRONOUS;
        final int portA = freePort();
        final int portB = freePort();
        final Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        ReplicationNode standby = null;
        ReplicationNode primaryNode = null;
        Engine alone = null;
        final Engine primary;
        try
        {
            if (replication == null)
            {
                alone = Engine.launch(engine("primary", dir.resolve("primary")).listener("latency", recorder));
                primary = alone;
            }
            else
            {
                standby = ReplicationNode.launch(replication("standby", dir.resolve("standby"), portB, portA, replication),
                    engine("standby", dir.resolve("standby")), Role.STANDBY);
                primaryNode = ReplicationNode.launch(replication("primary", dir.resolve("primary"), portA, portB,
                    replication), engine("primary", dir.resolve("primary")).listener("latency", recorder), Role.PRIMARY);
                primary = primaryNode.engine();
                awaitPeer(primaryNode);
            }
            final Map<String, Integer> threads = threadsSince(before);
            final double throughput = throughput(primary, recorder);
            final FixedRate fixed = latency(primary, recorder, primaryNode);
            final Histogram ack = primaryNode != null ? primaryNode.ackLatency() : new Histogram(3);
            console.printf(Locale.ROOT, "%-6s %,12.0f commands/s; latency p50 %.1f us, p99 %.1f us at %,.0f/s of %,d/s%n",
                mode, throughput, us(recorder.latency, 50), us(recorder.latency, 99), fixed.achieved(), rate);
            return new Row(mode, throughput, recorder.latency, ack, fixed.maxLag(), fixed.achieved(), threads);
        }
        finally
        {
            if (primaryNode != null)
            {
                primaryNode.close();
            }
            if (alone != null)
            {
                alone.close();
            }
            if (standby != null)
            {
                standby.close();
            }
            dir.delete();
        }
    }

    private double throughput(final Engine primary, final Recorder recorder)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[CounterStateMachine.PAYLOAD_LENGTH]);
        payload.putLong(0, 1, ByteOrder.LITTLE_ENDIAN);
        final long first = primary.nextPosition();
        final long started = System.nanoTime();
        for (long i = 0; i < commands; i++)
        {
            primary.publish(CounterStateMachine.ADD, 0, 0, 0, payload, 0, CounterStateMachine.PAYLOAD_LENGTH);
        }
        awaitDelivered(primary, recorder, first + commands - 1);
        return commands * 1e9 / (System.nanoTime() - started);
    }

    /** What a fixed-rate run did: the rate it sent at, and the largest lag (positions) the primary reported meanwhile. */
    record FixedRate(double achieved, long maxLag)
    {
    }

    /** Publishes at the fixed rate. */
    private FixedRate latency(final Engine primary, final Recorder recorder, final ReplicationNode node)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[CounterStateMachine.PAYLOAD_LENGTH]);
        payload.putLong(0, 1, ByteOrder.LITTLE_ENDIAN);
        final long total = Math.multiplyExact(rate, seconds + warmupSeconds);
        final long start = System.nanoTime() + NANOS_PER_SECOND / 10;
        recorder.measureFrom = start + warmupSeconds * NANOS_PER_SECOND;
        final long first = primary.nextPosition();
        long maxLag = 0;
        long lastLook = 0;
        for (long i = 0; i < total; i++)
        {
            final long intended = start + i * NANOS_PER_SECOND / rate;
            long now;
            while ((now = System.nanoTime()) < intended)
            {
                final long remaining = intended - now;
                if (remaining > 200_000)
                {
                    LockSupport.parkNanos(remaining - 100_000);
                }
                else
                {
                    Thread.yield();
                }
            }
            primary.publish(CounterStateMachine.ADD, 0, 0, intended, payload, 0, CounterStateMachine.PAYLOAD_LENGTH);
            if (node != null && now - lastLook > NANOS_PER_SECOND / 20)
            {
                lastLook = now;
                final ReplicationStatus status = node.status();
                maxLag = Math.max(maxLag, status.lagPositions());
            }
        }
        final long sent = System.nanoTime();
        awaitDelivered(primary, recorder, first + total - 1);
        // n commands on schedule span n/rate: to the last send and one interval more (LatencyHarness says why).
        return new FixedRate(total * (double)NANOS_PER_SECOND / (sent - start + NANOS_PER_SECOND / rate), maxLag);
    }

    private static void awaitDelivered(final Engine engine, final Recorder recorder, final long position)
    {
        final long deadline = System.nanoTime() + 120 * NANOS_PER_SECOND;
        while (recorder.lastPosition.get() < position)
        {
            if (engine.failure() != null)
            {
                throw new IllegalStateException("the primary halted during the run", engine.failure());
            }
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("the primary showed " + recorder.lastPosition.get() + " of " + position +
                    " within 120 s");
            }
            LockSupport.parkNanos(200_000);
        }
    }

    private static void awaitPeer(final ReplicationNode node) throws InterruptedException
    {
        final long deadline = System.nanoTime() + 30 * NANOS_PER_SECOND;
        while (node.status().catchUps() == 0)
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("the standby did not connect within 30 s");
            }
            Thread.sleep(10);
        }
    }

    private EngineContext engine(final String name, final Path dir)
    {
        return new EngineContext()
            .name(name)
            .topology(topology)
            .waitStrategy(WAIT)
            .stateMachine(new CounterStateMachine())
            .journal(ChronicleJournal.open(new ChronicleJournal.Context().directory(dir.resolve("journal"))
                .maxPayloadLength(MAX_PAYLOAD)))
            .maxPayloadLength(MAX_PAYLOAD)
            .maxEventPayloadLength(MAX_PAYLOAD)
            .clock(System::nanoTime)
            .closeTimeout(Duration.ofSeconds(60));
    }

    private static ReplicationContext replication(final String name, final Path dir, final int local, final int peer,
        final ReplicationMode mode)
    {
        return new ReplicationContext()
            .name(name)
            .directory(dir.resolve("replication"))
            .aeronDirectory(dir.resolve("aeron"))
            .localEndpoint("127.0.0.1:" + local)
            .peerEndpoint("127.0.0.1:" + peer)
            .mode(mode)
            .eventHandler((message) ->
            {
            });
    }

    private void print(final List<Row> rows)
    {
        console.println();
        console.printf(Locale.ROOT, "%-6s %14s %12s %8s %10s %10s %10s %10s %10s %12s %12s %9s %8s%n", "mode",
            "commands/s", "sent at/s", "kept up", "p50 us", "p90 us", "p99 us", "p99.9 us", "max us", "ack p50 us",
            "ack p99 us", "max lag", "threads");
        for (final Row row : rows)
        {
            console.printf(Locale.ROOT, "%-6s %,14.0f %,12.0f %8s %10.1f %10.1f %10.1f %10.1f %10.1f %12s %12s %9s %8s%n",
                row.mode(), row.commandsPerSecond(), row.achievedRate(), row.keptUp(rate) ? "yes" : "NO",
                us(row.latency(), 50), us(row.latency(), 90), us(row.latency(), 99),
                us(row.latency(), 99.9), row.latency().getMaxValue() / 1e3,
                row.mode().equals("none") ? "-" : String.format(Locale.ROOT, "%.1f", us(row.ackLatency(), 50)),
                row.mode().equals("none") ? "-" : String.format(Locale.ROOT, "%.1f", us(row.ackLatency(), 99)),
                row.mode().equals("none") ? "-" : Long.toString(row.maxLag()), (row.threadCount() + 1) + "");
        }
        console.println("latency: fixed rate " + rate + "/s, from intended send to the primary's event " +
            "(coordinated omission corrected); sent at: the rate the producer achieved (kept up: at least " +
            Math.round(LatencyHarness.KEPT_UP * 100) + "% of it; a mode that did not keep up measured a lower load); " +
            "ack: shipped batch to standby acknowledgement, over the whole run; threads: the engines', replication " +
            "agents' and media drivers' threads the mode started, and the producer (--json names them)");
    }

    private void writeJson(final List<Row> rows) throws IOException
    {
        final Map<String, Object> results = new LinkedHashMap<>();
        results.put("benchmark", "replication");
        results.put("journal", "CHRONICLE");
        results.put("transport", "Aeron UDP on loopback, an embedded media driver (SHARED) per node, in this JVM");
        results.put("topology", topology.name());
        results.put("wait-strategy", WAIT.name());
        results.put("replication-idle-strategy", new ReplicationContext().idleStrategy().get().getClass().getSimpleName());
        results.put("commands", commands);
        results.put("rate", rate);
        results.put("warmup-seconds", warmupSeconds);
        results.put("seconds", seconds);
        results.put("rounds", rounds);
        results.put("cores", Runtime.getRuntime().availableProcessors());
        results.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        results.put("throughput-measures", "commands published flat out, from the first publish to the primary's last " +
            "event (synchronous: acknowledged by the standby first)");
        results.put("latency-from", "intended send time (corrected for coordinated omission) to the command's event at " +
            "the primary's listener");
        final List<Object> modes = new ArrayList<>();
        for (final Row row : rows)
        {
            final Map<String, Object> mode = new LinkedHashMap<>();
            mode.put("mode", row.mode());
            mode.put("commands-per-s", Math.round(row.commandsPerSecond()));
            mode.put("achieved-rate", Math.round(row.achievedRate()));
            mode.put("kept-up", row.keptUp(rate));
            mode.put("latency-count", row.latency().getTotalCount());
            mode.putAll(LatencyReport.percentiles("latency", row.latency()));
            if (!row.mode().equals("none"))
            {
                mode.put("ack-p50-us", Math.round(us(row.ackLatency(), 50) * 10) / 10.0);
                mode.put("ack-p99-us", Math.round(us(row.ackLatency(), 99) * 10) / 10.0);
                mode.put("max-lag-positions", row.maxLag());
            }
            mode.put("threads", row.threadCount() + " + 1 producer = " + (row.threadCount() + 1));
            mode.put("thread-names", row.threads());
            modes.add(mode);
        }
        results.put("modes", modes);
        final Path parent = json.toAbsolutePath().getParent();
        if (parent != null)
        {
            Files.createDirectories(parent);
        }
        ResultFiles.write(json, Json.write(results));
        console.println("wrote " + json);
    }

    /**
     * Threads alive now that were not in {@code before}, by name without digits or the directory a media
     * driver names its thread after: what a mode runs on. Not the JVM-wide helpers that whichever mode runs
     * first starts once for the whole JVM, off every mode's path ({@link #JVM_WIDE}): the first mode alone
     * counted them.
     */
    private static Map<String, Integer> threadsSince(final Set<Thread> before)
    {
        final Map<String, Integer> threads = new TreeMap<>();
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (thread.isAlive() && !before.contains(thread) && !JVM_WIDE.contains(thread.getName()))
            {
                final String name = thread.getName();
                threads.merge(name.substring(name.lastIndexOf('/') + 1).replaceAll("[0-9]+", "#"), 1, Integer::sum);
            }
        }
        return threads;
    }

    private static double us(final Histogram histogram, final double percentile)
    {
        return histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(percentile) / 1e3;
    }

    private static int freePort()
    {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))
        {
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    ReplicationBench console(final PrintStream console)
    {
        this.console = console;
        return this;
    }

    /** The primary's listener: the last position it saw, and the corrected latency of measured commands. */
    private static final class Recorder implements OutputListener
    {
        final Histogram latency = new Histogram(LatencyRecorder.HIGHEST_TRACKABLE_NANOS, 3);
        final AtomicLong lastPosition = new AtomicLong();
        volatile long measureFrom = Long.MAX_VALUE;

        @Override
        public void onEvent(final OutputEvent event, final boolean endOfBatch)
        {
            final long intended = event.correlationId();
            if (intended >= measureFrom)
            {
                latency.recordValue(Math.min(LatencyRecorder.HIGHEST_TRACKABLE_NANOS,
                    Math.max(0, System.nanoTime() - intended)));
            }
            lastPosition.lazySet(event.position());
        }
    }
}
