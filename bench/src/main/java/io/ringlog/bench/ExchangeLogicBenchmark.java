package io.ringlog.bench;

import io.ringlog.exchange.ExchangeStateMachine;
import org.agrona.DirectBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The exchange's business logic alone, on the benchmark's one thread: {@link ExchangeBenchmark}'s command
 * stream applied straight to an {@link ExchangeStateMachine} by an {@link ExchangeDriver}, each command's
 * events encoded as the engine encodes them, into an output that discards them (as a replay that no
 * listener wants does).
 * No ring, no journal, no other thread: what it measures is the logic's own cost per command, free of
 * the scheduling that moves the end-to-end figures on a machine with few cores, so a change to the
 * logic can be judged by an A/B of this benchmark.
 * <p>
 * When the stream runs out, a fresh exchange starts it again from its first command: the set-up commands
 * (5,001 of a pass of 3 million; they are measured and counted like the rest), then the same flow on
 * the same state, so every pass matches as the first did.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class ExchangeLogicBenchmark extends RinglogFork
{
    private static final int OPERATIONS = 100;

    @Param({"42"})
    public long seed;

    /** Flow commands in the stream, replayed from the start when it runs out. */
    @Param({"3000000"})
    public long flowCommands;

    /** A stream saved by {@link RecordedWorkload#write} (the suite's), read instead of generated; empty: generate. */
    @Param({""})
    public String workloadFile;

    private RecordedWorkload workload;
    private ExchangeStateMachine exchange;
    private ExchangeDriver driver;
    private int next;
    private int passes;
    private long passHash;

    @Setup(Level.Trial)
    public void generate() throws Exception
    {
        workload = RecordedWorkload.load(workloadFile, seed, flowCommands);
        restart();
    }

    /** {@value #OPERATIONS} commands of the stream, each applied and its events encoded. */
    @Benchmark
    @OperationsPerInvocation(OPERATIONS)
    public int apply()
    {
        for (int i = 0; i < OPERATIONS; i++)
        {
            if (next == workload.size())
            {
                restart();
            }
            applyNext();
        }
        return next;
    }

    /** A fresh exchange; the stream starts again from its first command (the set-up ones, counted like the rest). */
    private void restart()
    {
        if (exchange != null)
        {
            passes++;
            passHash = exchange.stateHash();
        }
        exchange = new ExchangeStateMachine(workload.maxAssets(), true);
        driver = new ExchangeDriver(exchange);
        next = 0;
    }

    RecordedWorkload workload()
    {
        return workload;
    }

    /** Whole passes over the stream so far. */
    int passes()
    {
        return passes;
    }

    /** The exchange's state hash at the end of the latest whole pass. */
    long passHash()
    {
        return passHash;
    }

    /** The exchange's state hash now. */
    long stateHash()
    {
        return exchange.stateHash();
    }

    private void applyNext()
    {
        final int i = next++;
        final DirectBuffer payloads = workload.payloads();
        driver.apply(workload.type(i), payloads, workload.offset(i), workload.length(i));
    }
}
