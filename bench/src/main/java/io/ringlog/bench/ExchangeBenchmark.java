package io.ringlog.bench;

import io.ringlog.core.CommandBatch;
import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.Topology;
import io.ringlog.core.WaitStrategies;
import io.ringlog.core.engine.CpuPinning;
import io.ringlog.exchange.ExchangeStateMachine;
import io.ringlog.exchange.codec.CommandEncoder;
import io.ringlog.exchange.workload.WorkloadConfig;
import io.ringlog.journal.Durability;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * End-to-end throughput of the exchange, in commands per second: the exchange-core workload
 * (~71% move, 13% GTC, 7% reduce, 7% cancel, ~2% IOC/FOK against a ~1,000-order book, 2,000
 * accounts), generated into memory before the trial, published through the engine, journaled,
 * matched by {@link ExchangeStateMachine} and delivered to a listener.
 *
 * <pre>
 *  trial set-up:  WorkloadGenerator ──► RecordedWorkload (packed in memory), then a new exchange and
 *                 journal (CHRONICLE: a fresh directory), launch, publish the ~5,000 set-up commands
 *                 (instruments, deposits, prefilled book) and wait
 *  measured, through warm-up and measurement iterations alike:
 *   JMH thread ──publish next 1000 flow commands──► [input ring] ──► journal ──► ExchangeStateMachine
 *                                                   (PIPELINED: journal and logic threads;
 *                                                    COMPACT:   one thread, journal then logic)
 *                                                                        │ ~2 events a command
 *                                                                        ▼
 *   JMH thread ◄──── yields until the listener has seen the last position ◄── [output ring] ◄─┘
 * </pre>
 *
 * The stream cannot be replayed into a live exchange (order ids would repeat), so one engine takes
 * the flow from start to end over the whole trial, and the stream must outlast it: the default
 * {@code flowCommands} covers about 5 seconds of iterations (the class's default 2 warm-up and 3
 * measured iterations of 1 s) at 3M commands/s, ~450 MB of heap. A trial that runs past the end fails and names the parameter
 * to raise. Everything the engine needs is built in the trial set-up, outside what
 * {@code -prof gc} counts: its iterations see only the per-command path.
 * <p>
 * JMH does not run the trial's tear-down when the set-up or the benchmark method throws, so both close
 * the engine and delete the directory themselves before the exception leaves them: otherwise the
 * engine's threads keep the forked VM alive (JMH waits for them) and the journal stays in /tmp.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(ExchangeBenchmark.BATCH)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ExchangeBenchmark extends RinglogFork
{
    /** Commands per benchmark invocation. */
    public static final int BATCH = 1000;
    /** The engine's default ring, as the pipeline rows ({@link PipelineBenchmark#RING_SIZE}). */
    static final int RING_SIZE = PipelineBenchmark.RING_SIZE;

    @Param({"COMPACT", "PIPELINED"})
    public Topology topology;

    @Param({"IN_MEMORY", "CHRONICLE"})
    public JournalKind journal;

    @Param({"PARKING"})
    public WaitStrategies waitStrategy;

    /**
     * Commands per claim: 1 publishes each on its own ({@code Engine.publish}); more publishes them in
     * {@link io.ringlog.core.CommandBatch}es of this size, as a producer reading a packet or a poll would.
     */
    @Param({"100"})
    public int publishBatch;

    /** Order-flow commands generated for the trial: more than all its iterations publish. */
    @Param({"40000000"})
    public long flowCommands;

    @Param({"42"})
    public long seed;

    /**
     * Batches published and not yet waited for: each invocation waits for the batch this many before
     * its own, so the pipeline never drains between invocations. 0 waits for each batch before the next;
     * -1 never waits: the producer publishes flat out and only a full ring holds it back, as
     * exchange-core's throughput test submits its whole flow and waits once (the suite's exchange rows). See
     * {@link InFlight}.
     */
    @Param({"4"})
    public int inFlight;

    /** Slots in the input ring and in the output ring; {@link #RING_SIZE}, the engine's default, unless asked. */
    @Param({"65536"})
    public int ringSize = RING_SIZE;

    /**
     * Stage threads pinned to CPUs, as {@code stage=cpu} pairs joined by {@code +}
     * ({@code compact=1+listener-last-position=1}; see {@link EngineContext#stageCpu}). Empty: none.
     */
    @Param({""})
    public String stageCpus;

    /** The CPU the JMH thread, the producer, is pinned to at its first invocation; -1: not pinned. */
    @Param({"-1"})
    public int producerCpu;

    /**
     * A stream {@link RecordedWorkload#write} saved, read instead of generated: the benchmark suite
     * generates once and hands the same bytes to every trial, its latency run and (as text) the
     * exchange-core peer. It must have been generated with {@code seed} and {@code flowCommands}, or the
     * trial fails saying so. Empty: generate here.
     */
    @Param({""})
    public String workloadFile;

    /**
     * The listener on its own thread (THREAD, one thread more than the stages) or on the business-logic
     * thread (INLINE; see {@link io.ringlog.core.EngineContext#inlineListener}).
     */
    @Param({"THREAD"})
    public ListenerPlacement listenerPlacement = ListenerPlacement.THREAD;

    /**
     * MiB of journal given disk blocks when the trial opens it ({@code ChronicleJournal.Context.preallocate}), so the
     * appends into them write nothing ahead; 0: the journal reserves 256 KB at a time as it grows. CHRONICLE only.
     */
    @Param({"0"})
    public long journalPreallocateMiB;

    /**
     * Whether the journal's own thread touches its pages ahead of the writer ({@code ChronicleJournal.Context.touchAhead},
     * the default); false leaves the first store into each page to the business-logic thread. CHRONICLE only.
     */
    @Param({"true"})
    public boolean journalTouchAhead = true;

    private final BenchDirectory directory = new BenchDirectory("exchange");
    private WorkloadConfig config;
    private RecordedWorkload workload;
    private LastPositionListener listener;
    private ExchangeStateMachine exchange;
    private Engine engine;
    private int next;

    /** Generates the stream, launches a fresh exchange and applies the set-up commands. */
    @Setup(Level.Trial)
    public void launch() throws Exception
    {
        config = WorkloadConfig.exchangeCore(seed, flowCommands);
        workload = RecordedWorkload.load(workloadFile, seed, flowCommands);
        listener = new LastPositionListener();
        exchange = new ExchangeStateMachine(config.maxAssets(), true);
        final BenchThreads threads = new BenchThreads();
        engine = Engine.launch(listenerPlacement.add(StageCpus.apply(stageCpus, new EngineContext())
            .name("exchange")
            .threadFactory(threads)
            .topology(topology)
            .waitStrategy(waitStrategy)
            .ringSize(ringSize)
            .outputRingSize(ringSize)
            .maxPayloadLength(ExchangeDriver.MAX_PAYLOAD)
            .maxEventPayloadLength(ExchangeDriver.MAX_EVENT_PAYLOAD)
            .journal(journal.open(directory, Durability.MEMORY_MAPPED, ExchangeDriver.MAX_PAYLOAD, journalPreallocateMiB << 20,
                journalTouchAhead))
            .stateMachine(exchange)
            .errorHandler((ex) ->
            {
                if (firstFailure == null)
                {
                    firstFailure = ex.getMessage();
                }
            }), "last-position", listener));
        threads.print(waitStrategy.name());
        released = false;
        next = 0;
        try
        {
            window = new InFlight(inFlight);
            batch = engine.newBatch();
            listener.awaitPosition(publish(workload.setupCommands()), engine);
        }
        catch (final RuntimeException | Error ex)
        {
            release();
            throw ex;
        }
    }

    private volatile String firstFailure;
    private CommandBatch batch;
    private InFlight window;
    private boolean producerPinned;
    private boolean released;

    @TearDown(Level.Trial)
    public void close()
    {
        release();
        // A state machine that throws is measuring exceptions, not matching: fail the trial, loudly.
        if (engine.metrics().failed() > 0)
        {
            throw new IllegalStateException(engine.metrics().failed() + " commands failed in the exchange (the first: " +
                firstFailure + "); these figures would include exception costs");
        }
        // Anything else the engine reported (a stage that could not be pinned, a listener that threw): not
        // the configuration the figures would be labelled with.
        if (firstFailure != null)
        {
            throw new IllegalStateException("the engine reported an error during the trial: " + firstFailure);
        }
    }

    /**
     * Publishes the next {@value #BATCH} flow commands and waits until the listener has the events of the
     * batch published {@code inFlight} invocations before (this one's, with 0).
     */
    @Benchmark
    public long publishBatch()
    {
        try
        {
            if (producerCpu >= 0 && !producerPinned)
            {
                CpuPinning.pin(producerCpu);
                producerPinned = true;
            }
            final long last = publish(BATCH);
            final long awaited = window.published(last);
            // Every exchange command ends in at least one event (accepted, rejected, cancelled...), so this returns.
            if (awaited >= 0)
            {
                listener.awaitPosition(awaited, engine);
            }
            return last;
        }
        catch (final RuntimeException | Error ex)
        {
            // The trial ends here and JMH skips close(): stop the engine and delete the journal now.
            release();
            throw ex;
        }
    }

    /** Closes the engine and deletes the directory, once: from close(), or where an exception ends the trial. */
    private void release()
    {
        if (released)
        {
            return;
        }
        released = true;
        try
        {
            engine.close();
        }
        finally
        {
            directory.delete();
        }
    }

    private long publish(final int count)
    {
        final RecordedWorkload workload = this.workload;
        final int end = next + count;
        if (end > workload.size())
        {
            throw new IllegalStateException("the workload ran out after " + (next - workload.setupCommands()) +
                " flow commands: raise -p flowCommands or shorten the iterations (-r, -w, -i, -wi)");
        }
        final Engine engine = this.engine;
        final DirectBuffer payloads = workload.payloads();
        long last = 0;
        if (publishBatch <= 1)
        {
            for (int i = next; i < end; i++)
            {
                last = engine.publish(workload.type(i), CommandEncoder.VERSION, 0, 0, i, payloads, workload.offset(i),
                    workload.length(i));
            }
        }
        else
        {
            final CommandBatch batch = this.batch;
            for (int i = next; i < end; )
            {
                final int size = Math.min(publishBatch, end - i);
                batch.claim(size);
                for (int j = 0; j < size; j++, i++)
                {
                    last = batch.add(workload.type(i), CommandEncoder.VERSION, 0, 0, i, payloads, workload.offset(i),
                        workload.length(i));
                }
                batch.publish();
            }
        }
        next = end;
        return last;
    }


    /** Flow commands published so far, for a test that drives the benchmark by hand. */
    int flowPublished()
    {
        return next - workload.setupCommands();
    }

    /** Whether the trial's directory is there: from a file-backed journal's launch to its release. */
    boolean directoryExists()
    {
        return directory.exists();
    }

    /** The exchange's state hash; read it once the engine is closed. */
    long exchangeHash()
    {
        return exchange.stateHash();
    }

    WorkloadConfig config()
    {
        return config;
    }

    RecordedWorkload workload()
    {
        return workload;
    }
}
