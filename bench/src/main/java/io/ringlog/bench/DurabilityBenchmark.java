package io.ringlog.bench;

import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.Topology;
import io.ringlog.core.WaitStrategies;
import io.ringlog.journal.ChronicleJournal;
import io.ringlog.journal.Durability;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * What each {@link Durability} level costs, through the engine in the {@link Topology#COMPACT}
 * topology (one thread appends, commits, then applies, so a sync is paid on the path of every
 * batch) with a {@link ChronicleJournal} in a temporary directory made for the trial.
 *
 * <pre>
 *  JMH thread ──publish──► [input ring] ──► compact: append each command to Chronicle Queue,
 *                                           commit at batch end:
 *                                             MEMORY_MAPPED    nothing more
 *                                             SYNC_INTERVAL    msync if 10 ms have passed since the last
 *                                             SYNC_EACH_BATCH  msync, every batch
 *                                           then apply the batch ──► [output ring] ──► listener
 *                                                                                        │
 *  JMH thread ◄──── yields until the listener has seen the last position ◄───────────────┘
 * </pre>
 *
 * Two shapes, because a sync per batch costs what the batches are:
 * <ul>
 *   <li>{@link #publishBatch}: {@value PipelineBenchmark#BATCH} commands, then wait. While one msync
 *       runs the publisher keeps filling the ring, so batches grow and a sync is shared by many
 *       commands (group commit): the throughput figure.</li>
 *   <li>{@link #publishOne}: one command, then wait for its event, as a client waiting for its
 *       acknowledgement would. Every command is its own batch: under SYNC_EACH_BATCH one msync per
 *       command, the worst case.</li>
 * </ul>
 * The secondary result {@code commits} counts the journal's commits a second (one per ring batch,
 * and a sync each under SYNC_EACH_BATCH): commands/s divided by it is the batch size.
 * <p>
 * Iterations are short by default: at SYNC_EACH_BATCH a 1-second iteration on a slow disk holds only
 * a few hundred syncs, which is already a stable figure.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class DurabilityBenchmark extends RinglogFork
{
    @Param({"MEMORY_MAPPED", "SYNC_INTERVAL", "SYNC_EACH_BATCH"})
    public Durability durability;

    @Param({"PARKING"})
    public WaitStrategies waitStrategy;

    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[CounterStateMachine.PAYLOAD_LENGTH]);
    private final BenchDirectory directory = new BenchDirectory("durability");
    private LastPositionListener listener;
    private CommitCountingJournal journal;
    private Engine engine;
    private long correlationId;

    @Setup(Level.Trial)
    public void launch()
    {
        listener = new LastPositionListener();
        journal = new CommitCountingJournal(JournalKind.CHRONICLE.open(directory, durability, PipelineBenchmark.MAX_PAYLOAD));
        final BenchThreads threads = new BenchThreads();
        engine = Engine.launch(new EngineContext()
            .name("durability")
            .threadFactory(threads)
            .topology(Topology.COMPACT)
            .waitStrategy(waitStrategy)
            .ringSize(PipelineBenchmark.RING_SIZE)
            .outputRingSize(PipelineBenchmark.RING_SIZE)
            .maxPayloadLength(PipelineBenchmark.MAX_PAYLOAD)
            .maxEventPayloadLength(PipelineBenchmark.MAX_PAYLOAD)
            .journal(journal)
            .stateMachine(new CounterStateMachine())
            .listener("last-position", listener));
        threads.print(waitStrategy.name());
        payload.putLong(0, 1, ByteOrder.LITTLE_ENDIAN);
    }

    @TearDown(Level.Trial)
    public void close()
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

    /** The journal's commits, reported by JMH per second next to the commands. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Commits
    {
        public long commits;

        @Setup(Level.Iteration)
        public void reset()
        {
            commits = 0;
        }
    }

    /** Publishes {@value PipelineBenchmark#BATCH} commands and waits until the listener has the last one's event. */
    @Benchmark
    @OperationsPerInvocation(PipelineBenchmark.BATCH)
    public long publishBatch(final Commits commits)
    {
        final long before = journal.commits();
        long last = 0;
        for (int i = 0; i < PipelineBenchmark.BATCH; i++)
        {
            last = publish();
        }
        listener.awaitPosition(last, engine);
        commits.commits += journal.commits() - before;
        return last;
    }

    /** Publishes one command and waits for its event: one batch, so one sync at SYNC_EACH_BATCH, per command. */
    @Benchmark
    public long publishOne(final Commits commits)
    {
        final long before = journal.commits();
        final long position = publish();
        listener.awaitPosition(position, engine);
        commits.commits += journal.commits() - before;
        return position;
    }

    private long publish()
    {
        return engine.publish(CounterStateMachine.ADD, 0, 0, ++correlationId, payload, 0, CounterStateMachine.PAYLOAD_LENGTH);
    }


    /** The listener's view, for a test that drives the benchmark by hand. */
    long delivered()
    {
        return listener.lastPosition();
    }
}
