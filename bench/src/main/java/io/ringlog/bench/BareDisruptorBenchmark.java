package io.ringlog.bench;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.dsl.ProducerType;
import io.ringlog.core.WaitStrategies;
import io.ringlog.core.engine.ParkingWaitStrategy;
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

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The ceiling for {@link PipelineBenchmark}: a bare Disruptor 4 ring, one producer (the JMH thread) and
 * one consumer thread that adds each event's value to a sum, with nothing of ringlog in between. It is
 * measured the way the pipeline is: publish {@value PipelineBenchmark#BATCH} events, then wait (spin, then
 * park: {@link BatchWait}, the protocol of the pipeline's {@link LastPositionListener}) until the consumer
 * has the last one, with the pipeline's ring size and wait strategy, so "in-memory pipeline / bare
 * Disruptor" is what ringlog's intake, journal stage, output ring and listener cost.
 *
 * <pre>
 *  JMH thread ──next(), set value, publish(seq)──► [ring, 64K slots] ──► consumer thread: sum += value
 *                                                                              │
 *  JMH thread ◄──── spins, then parks, until the consumer has the last one ◄──┘
 * </pre>
 *
 * {@code producerType} MULTI is the sequencer ringlog's input ring uses by default (it accepts publishes from any
 * thread), so it is the like-for-like ceiling; SINGLE is the Disruptor's best case, shown for reference, and what the
 * input ring is with {@code EngineContext.singlePublisher}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(PipelineBenchmark.BATCH)
public class BareDisruptorBenchmark extends RinglogFork
{
    @Param({"PARKING"})
    public WaitStrategies waitStrategy;

    @Param({"MULTI", "SINGLE"})
    public ProducerType producerType;

    /**
     * With MULTI and a ringlog parking strategy: true, the consumer waits on the slots' published flags and a publish
     * skips its fence (its claim's CAS serves), as ringlog's input ring has since 2026-12-05 14:30
     * ({@code ParkingWaitStrategy.publishersClaimOnCursor}); false, the consumer reads the cursor the producer CASes
     * and each publish fences, as the strategy does on any ring the engine says nothing about (the suite's ceiling
     * before then).
     */
    @Param({"true"})
    public boolean slotFlags = true;

    /**
     * Batches published and not yet waited for: each invocation waits for the batch this many before
     * its own, so the pipeline never drains between invocations, as a producer streaming commands keeps
     * it (exchange-core's throughput test submits its whole flow and waits once). 0 waits for each batch
     * before the next. See {@link InFlight}.
     */
    @Param({"4"})
    public int inFlight;

    /** Slots in the ring: the pipelines' ({@link PipelineBenchmark#RING_SIZE}) unless asked. */
    @Param({"65536"})
    public int ringSize = PipelineBenchmark.RING_SIZE;

    private final BatchWait wait = new BatchWait();
    private final BatchWait.FailureCheck noFailure = () ->
    {
    };
    private RingBuffer<ValueEvent> ring;
    private BatchEventProcessor<ValueEvent> consumer;
    private Thread consumerThread;
    private long value;
    private InFlight window;

    @Setup(Level.Trial)
    public void start()
    {
        // Checked before anything starts: a refused inFlight leaves no thread running.
        window = new InFlight(inFlight);
        final WaitStrategy strategy = waitStrategy.get();
        ring = RingBuffer.create(producerType, ValueEvent::new, ringSize, strategy);
        if (slotFlags && producerType == ProducerType.MULTI && strategy instanceof ParkingWaitStrategy)
        {
            // As on ringlog's input ring: the claim's CAS on the cursor is the fence the publish's wake-up check needs,
            // and the consumer reads the slots' flags, not the cursor.
            ((ParkingWaitStrategy)strategy).publishersClaimOnCursor(ring);
        }
        consumer = new BatchEventProcessorBuilder().build(ring, ring.newBarrier(), new SumHandler(wait));
        ring.addGatingSequences(consumer.getSequence());
        consumerThread = new Thread(consumer, "bare-disruptor-consumer");
        consumerThread.setDaemon(true);
        consumerThread.start();
        BenchThreads.print(List.of(consumerThread.getName()), waitStrategy.name());
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException
    {
        consumer.halt();
        consumerThread.join();
    }

    /** Publishes {@value PipelineBenchmark#BATCH} events and waits until the consumer has the batch {@code inFlight} before. */
    @Benchmark
    public long publishBatch()
    {
        final RingBuffer<ValueEvent> ring = this.ring;
        long sequence = -1;
        for (int i = 0; i < PipelineBenchmark.BATCH; i++)
        {
            sequence = ring.next();
            ring.get(sequence).value = ++value;
            ring.publish(sequence);
        }
        final long awaited = window.published(sequence);
        if (awaited >= 0)
        {
            wait.await(awaited, noFailure);
        }
        return sequence;
    }

    /**
     * Events the consumer has handled, for a test that drives the benchmark by hand: as its handler saw
     * them (the processor's own sequence moves only at the end of a batch).
     */
    long consumed()
    {
        return wait.lastPosition() + 1;
    }

    /** A preallocated ring slot. */
    static final class ValueEvent
    {
        long value;
    }

    /** The trivial work: a running sum, kept in a field so the JIT cannot drop it; then the waiter's signal. */
    static final class SumHandler implements EventHandler<ValueEvent>
    {
        private final BatchWait wait;
        long sum;

        SumHandler(final BatchWait wait)
        {
            this.wait = wait;
        }

        @Override
        public void onEvent(final ValueEvent event, final long sequence, final boolean endOfBatch)
        {
            sum += event.value;
            wait.consumed(sequence, endOfBatch);
        }
    }
}
