package io.ringlog.bench;

import io.ringlog.core.CommandBatch;
import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.Topology;
import io.ringlog.core.WaitStrategies;
import io.ringlog.journal.Durability;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * End-to-end throughput of the engine, in commands per second: the JMH thread publishes a batch of
 * {@value #BATCH} commands, then waits until the listener has seen the last one, so every
 * operation counted has been journaled, applied and delivered.
 *
 * <pre>
 * PIPELINED: journal, logic and listener threads, plus the JMH thread
 *
 *  JMH thread ──publish──► [input ring] ──► journal: append, commit at batch end
 *                               │           │
 *                               │           ▼ logic waits for the journal's sequence
 *                               └─────────► logic: CounterStateMachine ──► [output ring] ──► listener
 *                                                                                             │
 *  JMH thread ◄──── yields until the listener has seen the last position ◄────────────────────┘
 *
 * COMPACT: compact and listener threads, plus the JMH thread
 *
 *  JMH thread ──publish──► [input ring] ──► compact: append each command, commit at batch end,
 *                                           then apply the batch ──► [output ring] ──► listener
 *                                                                                       │
 *  JMH thread ◄──── yields until the listener has seen the last position ◄──────────────┘
 * </pre>
 *
 * The {@code journal} parameter picks the journal stage's journal, so one run gives the cost of
 * journaling as a ratio:
 * <ul>
 *   <li>{@link JournalKind#IN_MEMORY}: the core's bounded {@link io.ringlog.core.InMemoryJournal},
 *       which allocates nothing while running, so {@code -prof gc} shows what the engine itself
 *       allocates per command (nothing, in steady state);</li>
 *   <li>{@link JournalKind#CHRONICLE}: a {@link io.ringlog.journal.ChronicleJournal} in a temporary
 *       directory made for the trial and deleted after it, {@link Durability#MEMORY_MAPPED} (no
 *       msync: {@link DurabilityBenchmark} prices those), 68 bytes a command on disk.</li>
 * </ul>
 * Draining at the end of each batch puts a bubble in the pipeline once per {@value #BATCH}
 * commands; the baseline {@link ArrayBlockingQueuePipelineBenchmark} pays the same.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(PipelineBenchmark.BATCH)
public class PipelineBenchmark extends RinglogFork
{
    /** Commands per benchmark invocation. */
    public static final int BATCH = 1000;
    /** Room for the payload of {@link CounterStateMachine#ADD} with no waste per slot. */
    static final int MAX_PAYLOAD = 16;
    /**
     * EngineContext's default ring, as a user gets it. The suite used a quarter of it (16K) until 2026-12-05 16:50,
     * which on its 2-core VM made a one-publish-a-command pipeline 1.2 to 2 times slower (row
     * {@code pipeline-memory-ring-16k}).
     */
    static final int RING_SIZE = 1 << 16;

    @Param({"PIPELINED", "COMPACT"})
    public Topology topology;

    /** PARKING (the default) behaves where threads outnumber cores; BUSY_SPIN only makes sense with a core per thread. */
    @Param({"PARKING"})
    public WaitStrategies waitStrategy;

    @Param({"IN_MEMORY", "CHRONICLE"})
    public JournalKind journal;

    /**
     * Batches published and not yet waited for: each invocation waits for the batch this many before
     * its own, so the pipeline never drains between invocations, as a producer streaming commands keeps
     * it (exchange-core's throughput test submits its whole flow and waits once). 0 waits for each batch
     * before the next. See {@link InFlight}.
     */
    @Param({"4"})
    public int inFlight;

    /**
     * The listener on its own thread (THREAD, one thread more than the stages) or on the business-logic
     * thread (INLINE; see {@link io.ringlog.core.EngineContext#inlineListener}).
     */
    @Param({"THREAD"})
    public ListenerPlacement listenerPlacement = ListenerPlacement.THREAD;

    /**
     * Commands per claim: 1 publishes each on its own ({@code Engine.publish}, one claim and one publish a
     * command); more publishes them in {@link CommandBatch}es of this size (one claim and one publish a
     * batch), as a producer reading a packet or a poll would, and as the exchange rows do. {@value #BATCH}
     * or more publishes each invocation (of {@value #BATCH}) as one batch. Not to be confused with the benchmark
     * method, {@link #publishBatch()}, which always publishes {@value #BATCH}.
     */
    @Param({"1"})
    public int publishBatch = 1;

    /**
     * {@code EngineContext.singlePublisher}: the input ring single-producer, as a service with one publishing thread
     * (a network reader) runs it; the JMH thread is that publisher. False, the default: any thread may publish.
     */
    @Param({"false"})
    public boolean singlePublisher;

    /** Slots in the input ring and in the output ring; {@link #RING_SIZE}, the engine's default, unless asked. */
    @Param({"65536"})
    public int ringSize = RING_SIZE;

    /**
     * Whether the journal's own thread touches its pages ahead of the writer, its room given by {@code fallocate}
     * ({@code ChronicleJournal.Context.touchAhead}, the default), or not, the writer writing zeros ahead of itself and
     * taking the first store into each page. CHRONICLE only.
     */
    @Param({"true"})
    public boolean journalTouchAhead = true;

    private final BenchDirectory directory = new BenchDirectory("pipeline");

    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[CounterStateMachine.PAYLOAD_LENGTH]);
    private LastPositionListener listener;
    private Engine engine;
    private long sourceSequence;
    private InFlight window;
    private CommandBatch batch;
    private CounterStateMachine counter;
    private long batchesPublished;

    @Setup(Level.Trial)
    public void launch()
    {
        // Checked before anything starts: a refused inFlight or publishBatch leaves no thread running.
        window = new InFlight(inFlight);
        if (publishBatch < 1)
        {
            throw new IllegalArgumentException("publishBatch " + publishBatch + ": the commands per claim, 1 or more");
        }
        listener = new LastPositionListener();
        counter = new CounterStateMachine();
        final BenchThreads threads = new BenchThreads();
        engine = Engine.launch(listenerPlacement.add(new EngineContext()
            .name("bench")
            .threadFactory(threads)
            .topology(topology)
            .waitStrategy(waitStrategy)
            .singlePublisher(singlePublisher)
            .ringSize(ringSize)
            .outputRingSize(ringSize)
            .maxPayloadLength(MAX_PAYLOAD)
            .maxEventPayloadLength(MAX_PAYLOAD)
            .journal(journal.open(directory, Durability.MEMORY_MAPPED, MAX_PAYLOAD, 0, journalTouchAhead))
            .stateMachine(counter), "last-position", listener));
        threads.print(waitStrategy.name());
        batch = engine.newBatch();
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

    /** Publishes {@value #BATCH} commands and waits for the listener to deliver the batch {@code inFlight} before. */
    @Benchmark
    public long publishBatch()
    {
        final long last = publishBatch == 1 ? publishEach() : publishInBatches();
        final long awaited = window.published(last);
        if (awaited >= 0)
        {
            listener.awaitPosition(awaited, engine);
        }
        return last;
    }


    private long publishEach()
    {
        final Engine engine = this.engine;
        long last = 0;
        for (int i = 0; i < BATCH; i++)
        {
            final long sequence = ++sourceSequence;
            last = engine.publish(CounterStateMachine.ADD, 0, 0, sequence, payload, 0, CounterStateMachine.PAYLOAD_LENGTH);
        }
        return last;
    }

    private long publishInBatches()
    {
        final CommandBatch batch = this.batch;
        long last = 0;
        for (int i = 0; i < BATCH; )
        {
            final int size = Math.min(publishBatch, BATCH - i);
            batch.claim(size);
            try
            {
                for (int j = 0; j < size; j++, i++)
                {
                    final long sequence = ++sourceSequence;
                    last = batch.add(CounterStateMachine.ADD, 1, 0, 0, sequence, payload, 0, CounterStateMachine.PAYLOAD_LENGTH);
                }
            }
            finally
            {
                batch.publish();
                batchesPublished++;
            }
        }
        return last;
    }

    /** The listener's view, for a test that drives the benchmark by hand. */
    long delivered()
    {
        return listener.lastPosition();
    }

    /** CommandBatches published so far: none when each command is published on its own. */
    long batchesPublished()
    {
        return batchesPublished;
    }

    /** The counter's total: every command adds 1. Read it once {@link #delivered()} has the last position. */
    long sum()
    {
        return counter.total();
    }
}
