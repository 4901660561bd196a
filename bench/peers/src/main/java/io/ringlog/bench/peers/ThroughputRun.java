package io.ringlog.bench.peers;

import exchange.core2.core.common.api.ApiBinaryDataCommand;
import exchange.core2.core.common.api.ApiCommand;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Throughput of exchange-core on a translated command file, timed as its own throughput test times its
 * benchmark commands: one exchange for all iterations; each iteration loads the set-up (instruments,
 * accounts, deposits, the prefilled book) untimed, then submits the whole order flow with
 * {@code submitCommandsSync} and divides the flow's file commands by the elapsed time; then RESET and a
 * {@link System#gc()} before the next. Warm-up iterations run the same way and are not reported.
 * <p>
 * Every iteration must answer every command, and all iterations must give the same counts (the flow and
 * exchange-core are deterministic): otherwise the run fails rather than report a rate for work that was
 * not done.
 *
 * <pre>
 *  iteration:  RESET ─► gc ─► set-up (untimed, sync) ─► t0 ─► flow: submitCommand × (n-1), last one sync ─► t1
 * </pre>
 */
final class ThroughputRun
{
    private static final double NANOS_PER_SECOND = 1e9;

    /** What a run measured. */
    record Result(
        List<Double> commandsPerSecond,
        List<Double> seconds,
        ResultCounts setupCounts,
        ResultCounts flowCounts,
        int exchangeThreads)
    {
        double median()
        {
            final double[] sorted = sorted();
            final int n = sorted.length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }

        double min()
        {
            return sorted()[0];
        }

        double max()
        {
            final double[] sorted = sorted();
            return sorted[sorted.length - 1];
        }

        private double[] sorted()
        {
            final double[] values = commandsPerSecond.stream().mapToDouble(Double::doubleValue).toArray();
            Arrays.sort(values);
            return values;
        }
    }

    private ThroughputRun()
    {
    }

    static Result run(
        final Translation translation,
        final PeerExchange.Settings settings,
        final int warmupIterations,
        final int iterations,
        final PrintWriter progress)
    {
        if (iterations < 1 || warmupIterations < 0)
        {
            throw new IllegalArgumentException("iterations must be positive and warm-up iterations not negative");
        }
        final List<ApiCommand> flow = translation.flow();
        if (flow.isEmpty())
        {
            throw new IllegalArgumentException("the file has no order flow after its " + translation.setupFileCommands() +
                " set-up commands");
        }
        final long expectedResults = commandResults(flow);
        final List<Double> rates = new ArrayList<>();
        final List<Double> seconds = new ArrayList<>();
        ResultCounts setupCounts = null;
        ResultCounts flowCounts = null;
        int threads = 0;
        try (PeerExchange exchange = PeerExchange.start(settings))
        {
            final ResultCounter counter = exchange.counter();
            for (int i = 0; i < warmupIterations + iterations; i++)
            {
                if (i > 0)
                {
                    exchange.reset();
                    System.gc();
                }
                counter.reset();
                exchange.submitSync(translation.setup());
                final ResultCounts setup = counter.snapshot();
                counter.reset();

                final long start = System.nanoTime();
                exchange.submitSync(flow);
                final long elapsed = System.nanoTime() - start;

                final ResultCounts counts = counter.snapshot();
                if (counts.commandResults() != expectedResults)
                {
                    throw new IllegalStateException("iteration " + (i + 1) + ": exchange-core answered " +
                        counts.commandResults() + " of " + expectedResults + " flow commands");
                }
                if (flowCounts == null)
                {
                    setupCounts = setup;
                    flowCounts = counts;
                }
                else if (!flowCounts.equals(counts) || !setupCounts.equals(setup))
                {
                    throw new IllegalStateException("iteration " + (i + 1) + " answered differently from the first: " +
                        counts + " vs " + flowCounts);
                }
                threads = Math.max(threads, exchange.liveThreads());
                final double rate = translation.flowFileCommands() * NANOS_PER_SECOND / elapsed;
                final boolean warmup = i < warmupIterations;
                if (!warmup)
                {
                    rates.add(rate);
                    seconds.add(elapsed / NANOS_PER_SECOND);
                }
                progress.printf(Locale.ROOT, "iteration %d/%d%s: %.0f commands/s (%.3f s)%n", i + 1,
                    warmupIterations + iterations, warmup ? " (warm-up)" : "", rate, elapsed / NANOS_PER_SECOND);
                progress.flush();
            }
        }
        return new Result(Collections.unmodifiableList(rates), Collections.unmodifiableList(seconds), setupCounts,
            flowCounts, threads);
    }

    /** Results a list of commands should get that {@link ResultCounts#commandResults()} counts: all but binary frames. */
    static long commandResults(final List<ApiCommand> commands)
    {
        long n = 0;
        for (final ApiCommand command : commands)
        {
            if (!(command instanceof ApiBinaryDataCommand))
            {
                n++;
            }
        }
        return n;
    }
}
