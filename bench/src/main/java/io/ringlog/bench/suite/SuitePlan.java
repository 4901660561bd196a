package io.ringlog.bench.suite;

import java.util.List;

/**
 * How long each part of the suite runs. {@link #full()} takes 8 to 9 minutes on 2 cores (430 s in run J; 522 s and
 * 473 s in runs AH and AI, with 24 JMH rows, exchange-core twice, the latency and replication runs; ~50 s of it
 * generates the stream)
 * and keeps JMH's settings short (one fork, 1 s iterations) so every row runs within minutes of the others;
 * {@link #quick()} runs every row for a moment, to prove the suite works end to end (its figures mean
 * nothing).
 *
 * @param name                 "full" or "quick".
 * @param forks                JMH forks per row; 0 runs the benchmarks in the suite's own JVM.
 * @param warmupIterations     JMH warm-up iterations per row.
 * @param warmupMillis         length of each warm-up iteration.
 * @param iterations           JMH measured iterations per row.
 * @param iterationMillis      length of each measured iteration.
 * @param exchangeFlowCommands order-flow commands ExchangeBenchmark's stream holds: more than its
 *                             iterations can publish at the fastest rate expected.
 * @param peerFlowCommands     order-flow commands of the text file exchange-core reads (each of its
 *                             throughput iterations runs them all) and both latency runs draw from.
 * @param peerWarmupIterations exchange-core's warm-up iterations over the file.
 * @param peerIterations       exchange-core's measured iterations over the file.
 * @param latencyRates         fixed rates, commands per second, each run on both exchanges.
 * @param latencyWarmupSeconds seconds sent at the rate before recording.
 * @param latencySeconds       seconds recorded.
 * @param replication          how long ReplicationBench runs none, async and sync.
 */
public record SuitePlan(
    String name,
    int forks,
    int warmupIterations,
    int warmupMillis,
    int iterations,
    int iterationMillis,
    long exchangeFlowCommands,
    long peerFlowCommands,
    int peerWarmupIterations,
    int peerIterations,
    List<Long> latencyRates,
    int latencyWarmupSeconds,
    int latencySeconds,
    Replication replication)
{
    /**
     * ReplicationBench's settings: each round runs none, async and sync, each with a fresh primary (and
     * standby), {@code commands} flat out, then {@code warmupSeconds} + {@code seconds} at {@code rate};
     * only the last round is reported, so the JIT has seen every mode before it.
     */
    public record Replication(long commands, long rate, int warmupSeconds, int seconds, int rounds)
    {
        /** ReplicationBench's command line for these settings. */
        List<String> args()
        {
            return List.of("--commands", Long.toString(commands), "--rate", Long.toString(rate),
                "--warmup", Integer.toString(warmupSeconds), "--seconds", Integer.toString(seconds),
                "--rounds", Integer.toString(rounds));
        }
    }

    /**
     * The suite that gives the figures: 2 × 1 s warm-up and 5 × 1 s measured per JMH row; a 40M-command
     * stream for the exchange (7 s at up to ~5.7M commands/s); exchange-core on 3M commands, 2 warm-up and
     * 5 measured passes; latency at 100K and 500K commands/s, 1 s warm-up and 5 s measured, which the
     * same 3M commands cover; replication in 2 rounds (53 s alone on a loaded 2-core machine), each mode
     * 200K commands flat out, then 10K commands/s for 1 s warm-up and 5 s measured.
     */
    public static SuitePlan full()
    {
        return new SuitePlan("full", 1, 2, 1_000, 5, 1_000, 40_000_000L, 3_000_000L, 2, 5,
            List.of(100_000L, 500_000L), 1, 5, new Replication(200_000L, 10_000L, 1, 5, 2));
    }

    /** Every row for a moment, JMH in this JVM: a check that the suite runs, for tests. */
    public static SuitePlan quick()
    {
        return new SuitePlan("quick", 0, 0, 100, 1, 200, 1_000_000L, 20_000L, 0, 1, List.of(10_000L), 0, 1,
            new Replication(2_000L, 2_000L, 0, 1, 1));
    }

    /** This plan with other latency rates. */
    public SuitePlan latencyRates(final List<Long> rates)
    {
        return new SuitePlan(name, forks, warmupIterations, warmupMillis, iterations, iterationMillis,
            exchangeFlowCommands, peerFlowCommands, peerWarmupIterations, peerIterations, List.copyOf(rates),
            latencyWarmupSeconds, latencySeconds, replication);
    }

    /** This plan with another exchange stream length. */
    public SuitePlan exchangeFlowCommands(final long commands)
    {
        return new SuitePlan(name, forks, warmupIterations, warmupMillis, iterations, iterationMillis, commands,
            peerFlowCommands, peerWarmupIterations, peerIterations, latencyRates, latencyWarmupSeconds, latencySeconds,
            replication);
    }

    /** Flow commands the latency runs need at the highest rate: the text file must hold at least these. */
    public long latencyFlowCommands()
    {
        long most = 0;
        for (final long rate : latencyRates)
        {
            most = Math.max(most, rate * (latencyWarmupSeconds + latencySeconds));
        }
        return most;
    }

    /** How JMH ran, in words, for the report. */
    public String jmhSettings()
    {
        // A reviewer read "0 x 100 ms warm-up" in --quick's report.
        return (forks == 0 ? "no fork (in the suite's JVM)" : forks + " fork") + ", " + (warmupIterations == 0 ?
            "no warm-up" : warmupIterations + " x " + warmupMillis + " ms warm-up") + ", " + iterations + " x " +
            iterationMillis + " ms measured, -prof gc";
    }
}
