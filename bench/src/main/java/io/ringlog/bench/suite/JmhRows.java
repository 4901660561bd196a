package io.ringlog.bench.suite;

import io.ringlog.bench.ArrayBlockingQueuePipelineBenchmark;
import io.ringlog.bench.BareDisruptorBenchmark;
import io.ringlog.bench.ExchangeBenchmark;
import io.ringlog.bench.ExchangeLogicBenchmark;
import io.ringlog.bench.PipelineBenchmark;
import io.ringlog.core.engine.CpuPinning;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The suite's JMH rows, each one benchmark with one set of parameters, run through JMH's {@link Runner}
 * with the plan's short settings, {@code -prof gc}, and JSON results in {@code jmh/<id>.json}. JMH's own
 * console output goes to {@code logs/jmh-<id>.log}.
 */
final class JmhRows
{
    static final String PARKING = "PARKING, the default (spin 200, yield 4 times, then park; a publisher unparks a " +
        "parked consumer)";
    private static final String PHASED = "PHASED (spin 1 us, yield to 1 ms, then block on a lock taken by every publish)";
    private static final String YIELDING = "YIELDING (spin 100 times, then Thread.yield)";
    private static final String BUSY_SPIN = "BUSY_SPIN (never gives up the core)";
    private static final String BATCHING = "BATCHING (PARKING, and a stage that comes back from a batch to fewer than 64 " +
        "entries ready yields for at least 10 us before taking them)";
    private static final String ALLOCATION = "gc.alloc.rate.norm";
    private static final String WAITER = "; the JMH thread waits by spinning, then parking, and the last consumer " +
        "unparks it when that position arrives";
    /** Batches each streaming row keeps in flight (the benchmarks' {@code inFlight}). */
    static final int IN_FLIGHT = 4;
    private static final String WINDOW = Integer.toString(IN_FLIGHT);
    private static final String STREAMING = ", " + IN_FLIGHT + " batches before it (" + IN_FLIGHT +
        " stay in flight, so the pipeline never drains between invocations)";
    /** The benchmarks' {@code inFlight} for a producer that never waits for events (InFlight.STREAM). */
    private static final String STREAM = "-1";
    /** The most journal row {@code exchange-chronicle-inline-preallocated} preallocates. */
    private static final long PREALLOCATE_MAX_MIB = 1536;
    /** How the exchange rows' producer runs: as exchange-core's throughput test submits. */
    private static final String FLAT_OUT = ": the JMH thread never waits for events, only a full input ring holds it " +
        "back (the engine's producer idle strategy, BackoffIdleStrategy: 64 spins, 64 yields, then parks of 1 to 50 us), as " +
        "exchange-core's throughput test submits its whole flow and waits for the last command only; at most one " +
        "ring (64K commands) is published and not yet processed at an iteration's end";

    /** What a Chronicle journal adds to a row's threads: its page toucher, which runs, and Chronicle's, which idle. */
    private static final String CHRONICLE_THREADS = " + the journal's touch-ahead thread (parked while it is ahead; " +
        "ChronicleJournal.Context.touchAhead) (+ Chronicle's idle daemons)";

    private JmhRows()
    {
    }

    /**
     * One row: a benchmark class and its parameters, and what the report says about it.
     *
     * @param threads runnable threads, and which; the benchmarks' topologies are fixed, so this is known.
     */
    record Row(String id, String label, Class<?> benchmark, Map<String, String> params, String measures,
        String waitStrategy, String threads)
    {
    }

    /** The rows, in the order they run: ceiling, pipeline, its wait strategies, baseline, exchange. */
    static List<Row> rows(final WorkloadFiles workload)
    {
        final List<Row> rows = new ArrayList<>();
        final String batch = "publish 1,000 commands, then wait until the last event of the batch published" + STREAMING +
            " arrives" + WAITER;
        rows.add(new Row("disruptor-multi", "bare Disruptor 4, multi-producer ring (the ceiling)",
            BareDisruptorBenchmark.class, params("producerType", "MULTI", "waitStrategy", "PARKING", "inFlight", WINDOW),
            "events/s: publish 1,000 events (next, set, publish) to one consumer adding them up, then wait until it " +
                "has the last of the batch published" + STREAMING + WAITER + "; ring 64K, as the pipelines'; the consumer " +
                "waits on the slots' published flags and a publish has no fence of its own, as on ringlog's input ring",
            PARKING,
            "2: consumer + JMH producer"));
        rows.add(new Row("disruptor-multi-cursor",
            "bare Disruptor 4, multi-producer ring, consumer reading the cursor (the ceiling until 2026-12-05 14:30)",
            BareDisruptorBenchmark.class, params("producerType", "MULTI", "waitStrategy", "PARKING", "inFlight", WINDOW,
                "slotFlags", "false"),
            "as above, with the consumer reading the cursor each producer CASes and a fence a publish: what the " +
                "ceiling measured in every run before ringlog's input ring stopped doing both", PARKING,
            "2: consumer + JMH producer"));
        rows.add(new Row("disruptor-multi-ring-16k",
            "bare Disruptor 4, multi-producer ring of 16K (the ceiling's ring until 2026-12-05 16:50)",
            BareDisruptorBenchmark.class, params("producerType", "MULTI", "waitStrategy", "PARKING", "inFlight", WINDOW,
                "ringSize", "16384"),
            "as disruptor-multi, with a ring of 16K slots: the ceiling for row pipeline-memory-ring-16k", PARKING,
            "2: consumer + JMH producer"));
        rows.add(new Row("disruptor-single", "bare Disruptor 4, single-producer ring (reference)",
            BareDisruptorBenchmark.class, params("producerType", "SINGLE", "waitStrategy", "PARKING", "inFlight", WINDOW),
            "as above, with the single-producer sequencer, which ringlog's input ring has only with " +
                "EngineContext.singlePublisher (row pipeline-memory-single-publisher)",
            PARKING, "2: consumer + JMH producer"));
        rows.add(pipeline("pipeline-memory", "ringlog pipeline, COMPACT, in-memory journal", "IN_MEMORY", "PARKING",
            PARKING, batch));
        rows.add(pipeline("pipeline-chronicle", "ringlog pipeline, COMPACT, Chronicle journal (MEMORY_MAPPED)",
            "CHRONICLE", "PARKING", PARKING, batch));
        rows.add(untouched(pipeline("pipeline-chronicle-no-touch-ahead", "ringlog pipeline, COMPACT, Chronicle journal " +
            "(MEMORY_MAPPED), no touch-ahead thread", "CHRONICLE", "PARKING", PARKING, batch)));
        rows.add(pipeline("pipeline-memory-phased", "ringlog pipeline, COMPACT, in-memory journal, PHASED",
            "IN_MEMORY", "PHASED", PHASED, batch));
        rows.add(pipeline("pipeline-memory-yielding", "ringlog pipeline, COMPACT, in-memory journal, YIELDING",
            "IN_MEMORY", "YIELDING", YIELDING, batch));
        rows.add(pipeline("pipeline-memory-busy-spin", "ringlog pipeline, COMPACT, in-memory journal, BUSY_SPIN",
            "IN_MEMORY", "BUSY_SPIN", BUSY_SPIN, batch));
        rows.add(pipeline("pipeline-memory-batching", "ringlog pipeline, COMPACT, in-memory journal, BATCHING",
            "IN_MEMORY", "BATCHING", BATCHING, batch));
        rows.add(commandBatches(pipeline("pipeline-memory-batch-publish",
            "ringlog pipeline, COMPACT, in-memory journal, commands published in CommandBatches of 100", "IN_MEMORY",
            "PARKING", PARKING, batch), 100));
        rows.add(singlePublisher(pipeline("pipeline-memory-single-publisher",
            "ringlog pipeline, COMPACT, in-memory journal, one publishing thread (EngineContext.singlePublisher)",
            "IN_MEMORY", "PARKING", PARKING, batch)));
        rows.add(inline(pipeline("pipeline-memory-inline",
            "ringlog pipeline, COMPACT, in-memory journal, listener on the business-logic thread", "IN_MEMORY", "PARKING",
            PARKING, batch), "2: compact (journal, logic, then the listener) + JMH producer"));
        rows.add(ringOf16k(pipeline("pipeline-memory-ring-16k",
            "ringlog pipeline, COMPACT, in-memory journal, rings of 16K (the suite's rings until 2026-12-05 16:50)",
            "IN_MEMORY", "PARKING", PARKING, batch)));
        rows.add(new Row("abq", "ArrayBlockingQueue pipeline (same stages, textbook)",
            ArrayBlockingQueuePipelineBenchmark.class, params("inFlight", WINDOW),
            "commands/s: " + batch + "; journal, logic and listener threads joined by ArrayBlockingQueues, the same " +
                "InMemoryJournal and CounterStateMachine",
            "blocking put/take (a lock and conditions per queue)", "4: journal + logic + listener + JMH producer"));
        rows.add(new Row("exchange-logic", "ringlog exchange's business logic alone, one thread (the exchange's ceiling)",
            ExchangeLogicBenchmark.class,
            params("seed", Long.toString(workload.seed()), "flowCommands", Long.toString(workload.exchangeFlowCommands()),
                "workloadFile", workload.exchangeStream().toAbsolutePath().toString()),
            "commands/s: the same stream applied straight to ExchangeStateMachine on the JMH thread, each command's " +
                "events encoded into an output that discards them; no ring, no journal, no other thread",
            "none: one thread", "1: JMH thread"));
        rows.add(exchange("exchange-memory", "ringlog exchange end to end, COMPACT, in-memory journal", "IN_MEMORY", 100,
            workload));
        rows.add(exchange("exchange-chronicle", "ringlog exchange end to end, COMPACT, Chronicle journal (MEMORY_MAPPED)",
            "CHRONICLE", 100, workload));
        rows.add(untouched(workload));
        rows.add(windowed(exchange("exchange-chronicle-windowed", "ringlog exchange end to end, COMPACT, Chronicle " +
            "journal (MEMORY_MAPPED), producer waiting for the batch " + IN_FLIGHT + " back (the pipelines' harness)",
            "CHRONICLE", 100, workload)));
        if (!CpuPinning.allowedCpus().isEmpty())
        {
            rows.add(pinned(workload));
        }
        rows.add(inline(exchange("exchange-chronicle-inline", "ringlog exchange end to end, COMPACT, Chronicle journal " +
            "(MEMORY_MAPPED), listener on the business-logic thread", "CHRONICLE", 100, workload),
            withToucher("2: compact (journal, logic, then the listener) + JMH producer")));
        rows.add(inline(preallocated(workload),
            withToucher("2: compact (journal, logic, then the listener) + JMH producer")));
        rows.add(exchange("exchange-chronicle-publish-one",
            "ringlog exchange end to end, COMPACT, Chronicle journal (MEMORY_MAPPED), one publish per command",
            "CHRONICLE", 1, workload));
        return rows;
    }

    private static Row pipeline(final String id, final String label, final String journal, final String wait,
        final String waitText, final String batch)
    {
        return new Row(id, label, PipelineBenchmark.class,
            params("topology", "COMPACT", "journal", journal, "waitStrategy", wait, "inFlight", WINDOW),
            "commands/s: " + batch + "; Engine.publish per command, CounterStateMachine, one event per command, " +
                "rings of 64K (EngineContext's default)",
            waitText, "CHRONICLE".equals(journal) ?
                withToucher("3: compact (journal, then logic) + listener + JMH producer") :
                "3: compact (journal, then logic) + listener + JMH producer");
    }

    private static Row exchange(final String id, final String label, final String journal, final int publishBatch,
        final WorkloadFiles workload)
    {
        return new Row(id, label, ExchangeBenchmark.class,
            params("topology", "COMPACT", "journal", journal, "waitStrategy", "PARKING",
                "publishBatch", Integer.toString(publishBatch), "inFlight", STREAM,
                "seed", Long.toString(workload.seed()), "flowCommands", Long.toString(workload.exchangeFlowCommands()),
                "workloadFile", workload.exchangeStream().toAbsolutePath().toString()),
            "commands/s: publish the next 1,000 commands of the stream (" + (publishBatch > 1 ? "in CommandBatches of " +
                publishBatch : "one Engine.publish each") + ") flat out" + FLAT_OUT +
                "; ExchangeStateMachine with trade balances reported (~3.6 events a command), rings of 64K (the engine's " +
                "default)",
            PARKING, "CHRONICLE".equals(journal) ?
                withToucher("3: compact (journal, then logic) + listener + JMH producer") :
                "3: compact (journal, then logic) + listener + JMH producer");
    }

    /**
     * Row {@code exchange-chronicle} with the compact and listener threads pinned to the last CPU this process may use and the JMH
     * thread, the producer, to the first: the stage that writes every event and the one that reads it
     * share a core's caches, and the producer has the other core to itself. Left out where threads cannot be
     * pinned.
     */
    private static Row pinned(final WorkloadFiles workload)
    {
        final BitSet cpus = CpuPinning.allowedCpus();
        final int first = cpus.nextSetBit(0);
        final int last = cpus.length() - 1;
        final Row row = exchange("exchange-chronicle-pinned", "ringlog exchange end to end, COMPACT, Chronicle journal " +
            "(MEMORY_MAPPED), compact and listener on CPU " + last + ", producer on CPU " + first, "CHRONICLE", 100, workload);
        final Map<String, String> params = new LinkedHashMap<>(row.params());
        params.put("stageCpus", "compact=" + last + "+listener-last-position=" + last);
        params.put("producerCpu", Integer.toString(first));
        return new Row(row.id(), row.label(), row.benchmark(), params, row.measures() + "; EngineContext.stageCpu pins " +
            "the compact and listener threads to CPU " + last + ", the JMH thread pins itself to CPU " + first,
            row.waitStrategy(), row.threads());
    }

    /**
     * Row {@code exchange-chronicle} with the journal's pages left to the writer's first store, and its room reserved
     * by writing zeros, as every journal did before the touch-ahead thread
     * ({@code ChronicleJournal.Context.touchAhead(false)}): what the thread (and the fallocate it allows) buys, beside it.
     */
    private static Row untouched(final WorkloadFiles workload)
    {
        return untouched(exchange("exchange-chronicle-no-touch-ahead", "ringlog exchange end to end, COMPACT, Chronicle " +
            "journal (MEMORY_MAPPED), no touch-ahead thread", "CHRONICLE", 100, workload));
    }

    /** {@code row}, a Chronicle row, with the journal's touch-ahead thread off (see above). */
    private static Row untouched(final Row row)
    {
        final Map<String, String> params = new LinkedHashMap<>(row.params());
        params.put("journalTouchAhead", "false");
        return new Row(row.id(), row.label(), row.benchmark(), params, row.measures() + "; the journal's first store into " +
            "each page of its map is the business-logic thread's, and its room ahead is written as zeros " +
            "(ChronicleJournal.Context.touchAhead(false))",
            row.waitStrategy(), withoutToucher(row.threads()));
    }

    /** {@code threads} ("N: a + b") with a Chronicle journal's touch-ahead thread counted and named. */
    static String withToucher(final String threads)
    {
        final int colon = threads.indexOf(':');
        return (Integer.parseInt(threads.substring(0, colon)) + 1) + threads.substring(colon) + CHRONICLE_THREADS;
    }

    /** {@link #withToucher}'s {@code threads} back, with Chronicle's idle daemons still named. */
    static String withoutToucher(final String threads)
    {
        final int colon = threads.indexOf(':');
        return (Integer.parseInt(threads.substring(0, colon)) - 1) + threads.substring(colon).replace(CHRONICLE_THREADS,
            " (+ Chronicle's idle daemons)");
    }

    /**
     * Row {@code exchange-chronicle} with the journal given its disk blocks when the trial opens it (the suite runs it
     * with the listener inline, beside {@code exchange-chronicle-inline})
     * ({@code ChronicleJournal.Context.preallocate}): what the stream could journal at about 64 bytes a command,
     * up to {@value #PREALLOCATE_MAX_MIB} MiB (more than a row's iterations write on 2 cores). The appends then
     * write no zeros ahead of the map; each new page of journal is paid for before the first iteration.
     */
    private static Row preallocated(final WorkloadFiles workload)
    {
        final long mib = Math.min(PREALLOCATE_MAX_MIB, (workload.exchangeFlowCommands() * 64 + (1 << 20) - 1) >> 20);
        final Row row = exchange("exchange-chronicle-inline-preallocated", "ringlog exchange end to end, COMPACT, " +
            "Chronicle journal (MEMORY_MAPPED), " + mib + " MiB of it preallocated at open, listener on the business-logic " +
            "thread", "CHRONICLE", 100, workload);
        final Map<String, String> params = new LinkedHashMap<>(row.params());
        params.put("journalPreallocateMiB", Long.toString(mib));
        return new Row(row.id(), row.label(), row.benchmark(), params, row.measures() + "; the journal's file is given " +
            "disk blocks for " + mib + " MiB when the trial opens it (ChronicleJournal.Context.preallocate), so its " +
            "appends write no zeros ahead", row.waitStrategy(), row.threads());
    }

    /**
     * {@code row} driven as the pipeline rows are: after each 1,000 commands the producer waits until the
     * events of the batch {@value #IN_FLIGHT} back have arrived, and the listener wakes it. Beside the
     * streaming row, it shows what that harness costs the exchange.
     */
    private static Row windowed(final Row row)
    {
        final Map<String, String> params = new LinkedHashMap<>(row.params());
        params.put("inFlight", WINDOW);
        return new Row(row.id(), row.label(), row.benchmark(), params, row.measures().replace(" flat out" + FLAT_OUT,
            ", then wait until the first event of the last command of the batch published" + STREAMING + " arrives" +
                WAITER), row.waitStrategy(), row.threads());
    }

    /** {@code row} with its commands published in CommandBatches of {@code size}, as the exchange rows publish theirs. */
    private static Row commandBatches(final Row row, final int size)
    {
        final Map<String, String> params = new LinkedHashMap<>(row.params());
        params.put("publishBatch", Integer.toString(size));
        return new Row(row.id(), row.label(), row.benchmark(), params, row.measures().replace("Engine.publish per command",
            "CommandBatches of " + size + " (one claim and one publish a batch, as the exchange rows)"), row.waitStrategy(),
            row.threads());
    }

    /** {@code row} on a single-producer input ring: the JMH thread is the engine's one publisher. */
    private static Row singlePublisher(final Row row)
    {
        final Map<String, String> params = new LinkedHashMap<>(row.params());
        params.put("singlePublisher", "true");
        return new Row(row.id(), row.label(), row.benchmark(), params, row.measures().replace("Engine.publish per command",
            "Engine.publish per command from the one thread that publishes (a single-producer input ring: the claim " +
                "announced by a volatile store, no CAS)"), row.waitStrategy(), row.threads());
    }

    /** {@code row} with rings of 16K slots, a quarter of the engine's default. */
    private static Row ringOf16k(final Row row)
    {
        final Map<String, String> params = new LinkedHashMap<>(row.params());
        params.put("ringSize", "16384");
        final String rings = "rings of 64K (EngineContext's default)";
        if (!row.measures().contains(rings))
        {
            // So that a reworded row cannot go on describing its 16K rings as 64K.
            throw new IllegalStateException("row " + row.id() + " does not say '" + rings + "': " + row.measures());
        }
        return new Row(row.id(), row.label(), row.benchmark(), params, row.measures().replace(rings, "rings of 16K"),
            row.waitStrategy(), row.threads());
    }

    /** {@code row} with its listener on the business-logic thread (EngineContext.inlineListener). */
    private static Row inline(final Row row, final String threads)
    {
        final Map<String, String> params = new LinkedHashMap<>(row.params());
        params.put("listenerPlacement", "INLINE");
        return new Row(row.id(), row.label(), row.benchmark(), params, row.measures() + "; the listener runs on the " +
            "business-logic thread as EngineContext.inlineListener, after each range of events is published",
            row.waitStrategy(), threads);
    }

    private static Map<String, String> params(final String... keyValues)
    {
        final Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2)
        {
            params.put(keyValues[i], keyValues[i + 1]);
        }
        return params;
    }

    /** Runs one row; a benchmark that fails becomes a row that says so, never an exception. */
    static ThroughputResult run(final Row row, final SuitePlan plan, final Path out, final double load)
    {
        final Path json = out.resolve("jmh").resolve(row.id() + ".json");
        final Path log = out.resolve("logs").resolve("jmh-" + row.id() + ".log");
        final String source = out.relativize(json) + ", " + out.relativize(log);
        final ChainedOptionsBuilder options = new OptionsBuilder()
            .include("^" + Pattern.quote(row.benchmark().getName()) + "\\.")
            .forks(plan.forks())
            .warmupIterations(plan.warmupIterations())
            .warmupTime(TimeValue.milliseconds(plan.warmupMillis()))
            .measurementIterations(plan.iterations())
            .measurementTime(TimeValue.milliseconds(plan.iterationMillis()))
            .addProfiler(GCProfiler.class)
            .shouldFailOnError(true)
            .resultFormat(ResultFormatType.JSON)
            .result(json.toString())
            .output(log.toString());
        for (final Map.Entry<String, String> param : row.params().entrySet())
        {
            options.param(param.getKey(), param.getValue());
        }
        try
        {
            json.getParent().toFile().mkdirs();
            log.getParent().toFile().mkdirs();
            final Collection<RunResult> results = new Runner(options.build()).run();
            if (results.size() != 1)
            {
                return failed(row, "JMH returned " + results.size() + " results, not one; see " + out.relativize(log),
                    load, source);
            }
            final RunResult result = results.iterator().next();
            final List<Double> iterations = new ArrayList<>();
            for (final BenchmarkResult fork : result.getBenchmarkResults())
            {
                for (final IterationResult iteration : fork.getIterationResults())
                {
                    iterations.add(iteration.getPrimaryResult().getScore());
                }
            }
            final Result<?> allocation = result.getSecondaryResults().get(ALLOCATION);
            return new ThroughputResult(row.id(), row.label(), row.measures(), row.waitStrategy(), row.threads(), null,
                iterations, allocation == null ? null : allocation.getScore(), load, source);
        }
        catch (final RunnerException | RuntimeException ex)
        {
            return failed(row, firstLine(ex) + "; see " + out.relativize(log), load, source);
        }
    }

    private static ThroughputResult failed(final Row row, final String error, final double load, final String source)
    {
        return new ThroughputResult(row.id(), row.label(), row.measures(), row.waitStrategy(), row.threads(), error,
            List.of(), null, load, source);
    }

    private static String firstLine(final Throwable ex)
    {
        Throwable cause = ex;
        while (cause.getCause() != null && cause.getMessage() == null)
        {
            cause = cause.getCause();
        }
        final String message = String.valueOf(cause.getMessage());
        final int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
