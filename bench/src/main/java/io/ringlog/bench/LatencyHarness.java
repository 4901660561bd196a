package io.ringlog.bench;

import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.InMemoryJournal;
import io.ringlog.core.Topology;
import io.ringlog.core.WaitStrategies;
import io.ringlog.journal.tool.CliSupport;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/**
 * Fixed-rate latency of the engine, corrected for coordinated omission: command i is meant to be
 * sent at {@code start + i / rate}, and its latency is measured from that intended time to the
 * moment the listener receives its event, on one nano clock ({@link System#nanoTime()}, which is
 * also the engine's ingress clock here). A producer that falls behind (a full ring, a descheduled
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
 * Run with {@code scripts/bench latency --help}.
 */
@Command(name = "latency", mixinStandardHelpOptions = true,
    description = "Publishes at a fixed rate and prints latency percentiles corrected for coordinated omission.")
public final class LatencyHarness implements Callable<Integer>
{
    private static final String THREAD_PREFIX = "latency";
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** Farther than this from the next send, the producer parks; closer, it yields. */
    private static final long PARK_THRESHOLD_NANOS = 200_000;
    /** parkNanos overshoots by tens of microseconds on Linux; wake up early and yield the rest. */
    private static final long PARK_MARGIN_NANOS = 100_000;

    @Option(names = "--rate", description = "commands per second (default: ${DEFAULT-VALUE})")
    long rate = 20_000;

    @Option(names = "--seconds", description = "measured seconds (default: ${DEFAULT-VALUE})")
    long seconds = 10;

    @Option(names = "--warmup", description = "warm-up seconds at the same rate, not recorded (default: ${DEFAULT-VALUE})")
    long warmupSeconds = 5;

    @Option(names = "--topology", description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    Topology topology = Topology.COMPACT;

    @Option(names = "--wait", description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}); " +
        "BUSY_SPIN only with a core per thread")
    WaitStrategies waitStrategy = WaitStrategies.PARKING;

    @Option(names = "--out", description = "directory for the .hgrm and .csv files (default: ${DEFAULT-VALUE})")
    Path out = Path.of("bench", "results");

    @Option(names = "--ring-size", description = "input and output ring slots, a power of two (default: ${DEFAULT-VALUE})")
    int ringSize = 1 << 14;

    @Spec
    CommandSpec spec;

    private PrintStream console = System.out;
    private LatencyRecorder recorder;

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

    @Override
    public Integer call() throws Exception
    {
        if (rate <= 0 || seconds <= 0 || warmupSeconds < 0)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rate and --seconds must be positive, " +
                "--warmup not negative");
        }
        final long total = Math.multiplyExact(rate, seconds + warmupSeconds);
        final long start = System.nanoTime() + NANOS_PER_SECOND / 10;
        recorder = new LatencyRecorder(start + warmupSeconds * NANOS_PER_SECOND);

        final Engine engine = Engine.launch(new EngineContext()
            .name(THREAD_PREFIX)
            .topology(topology)
            .waitStrategy(waitStrategy)
            .ringSize(ringSize)
            .outputRingSize(ringSize)
            .maxPayloadLength(PipelineBenchmark.MAX_PAYLOAD)
            .maxEventPayloadLength(PipelineBenchmark.MAX_PAYLOAD)
            .journal(new InMemoryJournal(PipelineBenchmark.MAX_PAYLOAD, JournalKind.RETAINED_ENTRIES))
            .clock(System::nanoTime)
            .stateMachine(new CounterStateMachine())
            .listener("latency", recorder));
        final int engineThreads = countThreads(THREAD_PREFIX + "-");
        console.printf(Locale.ROOT, "ringlog latency: topology=%s wait=%s rate=%d/s measured=%ds warmup=%ds%n",
            topology, waitStrategy.name(), rate, seconds, warmupSeconds);
        console.printf(Locale.ROOT, "machine: %d cores available to the JVM; threads: %d engine + 1 producer = %d%n",
            Runtime.getRuntime().availableProcessors(), engineThreads, engineThreads + 1);

        final long maxSendLag;
        try
        {
            maxSendLag = publishAtFixedRate(engine, start, total);
            awaitDelivered(engine, total);
        }
        finally
        {
            engine.close();
        }

        console.printf(Locale.ROOT, "producer: %d commands, worst send lag behind schedule %.1f us%n",
            total, maxSendLag / 1000.0);
        final LatencyReport report = new LatencyReport(
            topology.name(), waitStrategy.name(), rate, recorder.corrected(), recorder.service());
        report.printTable(console);
        console.println("wrote " + report.write(out) + " and " + out.resolve(report.baseName() + ".hgrm"));
        final Path png = out.resolve(report.baseName() + ".png");
        try
        {
            LatencyChart.write(png, String.format(Locale.ROOT, "ringlog %s, %s wait, %d commands/s, %d cores",
                topology, waitStrategy.name(), rate, Runtime.getRuntime().availableProcessors()),
                recorder.corrected(), recorder.service());
            console.println("wrote " + png);
        }
        catch (final Exception | LinkageError ex)
        {
            // The chart is a convenience: a JDK without fonts or AWT must not cost the figures above.
            console.println("no chart: " + ex);
        }
        return 0;
    }

    /** Sends command i at start + i/rate; returns how far behind schedule the worst send was, in ns. */
    private long publishAtFixedRate(final Engine engine, final long start, final long total)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[CounterStateMachine.PAYLOAD_LENGTH]);
        payload.putLong(0, 1, ByteOrder.LITTLE_ENDIAN);
        long maxSendLag = 0;
        for (long i = 0; i < total; i++)
        {
            final long intended = start + i * NANOS_PER_SECOND / rate;
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
            engine.publish(CounterStateMachine.ADD, 0, 0, i + 1, intended, payload, 0, CounterStateMachine.PAYLOAD_LENGTH);
        }
        return maxSendLag;
    }

    private void awaitDelivered(final Engine engine, final long position)
    {
        final long deadline = System.nanoTime() + 60 * NANOS_PER_SECOND;
        while (recorder.lastPosition() < position)
        {
            if (engine.failure() != null)
            {
                throw new IllegalStateException("engine halted during the run", engine.failure());
            }
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("listener received " + recorder.lastPosition() + " of " + position +
                    " events within 60 s of the last send");
            }
            LockSupport.parkNanos(PARK_THRESHOLD_NANOS);
        }
    }

    private static int countThreads(final String prefix)
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
}
