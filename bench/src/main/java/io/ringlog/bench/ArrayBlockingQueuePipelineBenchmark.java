package io.ringlog.bench;

import io.ringlog.core.Command;
import io.ringlog.core.InMemoryJournal;
import io.ringlog.core.Output;
import io.ringlog.core.OutputContract;
import io.ringlog.core.OutputEvent;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
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
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The baseline for {@link PipelineBenchmark}: the same pipeline built the textbook way, one
 * thread per stage joined by {@link ArrayBlockingQueue}s, so a single run gives ringlog/ABQ ratios.
 *
 * <pre>
 *  JMH thread ──put──► [ABQ] ──► journal thread ──► [ABQ] ──► logic thread ──► [ABQ] ──► listener thread
 *                                InMemoryJournal             CounterStateMachine          lastPosition
 *                                append, commit              one event per command             │
 *  JMH thread ◄──── spins, then parks, until lastPosition == last published ◄──────────────────┘
 * </pre>
 *
 * Each stage does what the engine's does: the journal thread encodes the command with the same
 * bounded {@link InMemoryJournal} (commit when its queue runs dry, like the engine's batch end),
 * the logic thread runs the same {@link CounterStateMachine} through an {@link Output} that writes
 * the event into the message, the listener publishes the last position and wakes the benchmark thread
 * as the engine's listener does ({@link BatchWait}, the protocol of {@link LastPositionListener}). Messages come from a
 * preallocated pool larger than everything that can be in flight, so the queues' own locking is
 * what is compared; what they allocate (lock-queue nodes when a thread blocks) shows in
 * {@code -prof gc}. The queues hold {@value #QUEUE_CAPACITY} messages, like a ring of that size.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(PipelineBenchmark.BATCH)
public class ArrayBlockingQueuePipelineBenchmark extends RinglogFork
{
    /**
     * A quarter of the pipeline's rings, as before 2026-12-05 16:50: queues of 64K (and a pool of three times that)
     * were no faster here (0.94M and 1.07M against 1.00M and 1.27M, alternated), so the baseline keeps its best.
     */
    static final int QUEUE_CAPACITY = 1 << 14;
    /** Three full queues, one message in each stage's hands, and slack. */
    private static final int POOL_SIZE = 3 * QUEUE_CAPACITY + 8;
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    /**
     * Batches published and not yet waited for: each invocation waits for the batch this many before
     * its own, so the pipeline never drains between invocations, as a producer streaming commands keeps
     * it (exchange-core's throughput test submits its whole flow and waits once). 0 waits for each batch
     * before the next. See {@link InFlight}.
     */
    @Param({"4"})
    public int inFlight;

    private final ArrayBlockingQueue<Message> toJournal = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final ArrayBlockingQueue<Message> toLogic = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final ArrayBlockingQueue<Message> toListener = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final BatchWait wait = new BatchWait();
    private final BatchWait.FailureCheck failureCheck = this::checkFailure;
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[CounterStateMachine.PAYLOAD_LENGTH]);
    private Message[] pool;
    private Thread[] threads;
    private volatile Throwable failure;
    private long position;
    private InFlight window;

    @Setup(Level.Trial)
    public void start()
    {
        // Checked before anything starts: a refused inFlight leaves no thread running.
        window = new InFlight(inFlight);
        pool = new Message[POOL_SIZE];
        for (int i = 0; i < POOL_SIZE; i++)
        {
            pool[i] = new Message();
        }
        payload.putLong(0, 1, ORDER);
        final InMemoryJournal journal = new InMemoryJournal(PipelineBenchmark.MAX_PAYLOAD, JournalKind.RETAINED_ENTRIES);
        final CounterStateMachine stateMachine = new CounterStateMachine();
        threads = new Thread[]{
            new Thread(() -> runJournal(journal), "abq-journal"),
            new Thread(() -> runLogic(stateMachine), "abq-logic"),
            new Thread(this::runListener, "abq-listener")};
        for (final Thread thread : threads)
        {
            thread.setDaemon(true);
            thread.start();
        }
        BenchThreads.print(Arrays.stream(threads).map(Thread::getName).toList(), "blocking queues (ArrayBlockingQueue.take)");
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException
    {
        for (final Thread thread : threads)
        {
            thread.interrupt();
            thread.join();
        }
    }

    /** Publishes {@value PipelineBenchmark#BATCH} commands and waits for the listener to deliver the batch {@code inFlight} before. */
    @Benchmark
    public long publishBatch() throws InterruptedException
    {
        for (int i = 0; i < PipelineBenchmark.BATCH; i++)
        {
            final long next = ++position;
            final Message message = pool[(int)(next % POOL_SIZE)];
            message.command.set(next, System.nanoTime(), CounterStateMachine.ADD, 1, 0, next, next, payload, 0,
                CounterStateMachine.PAYLOAD_LENGTH);
            toJournal.put(message);
        }
        final long awaited = window.published(position);
        if (awaited >= 0)
        {
            awaitDelivered(awaited);
        }
        return position;
    }

    private void awaitDelivered(final long position)
    {
        wait.await(position, failureCheck);
    }

    private void checkFailure()
    {
        if (failure != null)
        {
            throw new IllegalStateException("a stage failed during the benchmark", failure);
        }
    }

    /** The listener's view, for a test that drives the benchmark by hand. */
    long delivered()
    {
        return Math.max(0, wait.lastPosition());
    }

    private void runJournal(final InMemoryJournal journal)
    {
        try
        {
            while (true)
            {
                final Message message = toJournal.take();
                journal.append(message.command);
                if (toJournal.isEmpty())
                {
                    journal.commit();
                }
                toLogic.put(message);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final Throwable ex)
        {
            failure = ex;
        }
    }

    private void runLogic(final CounterStateMachine stateMachine)
    {
        try
        {
            while (true)
            {
                final Message message = toLogic.take();
                stateMachine.apply(message.command, message);
                toListener.put(message);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final Throwable ex)
        {
            failure = ex;
        }
    }

    private void runListener()
    {
        try
        {
            while (true)
            {
                final Message message = toListener.take();
                wait.consumed(message.command.position(), toListener.isEmpty());
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** A command and the one event it causes, reused from the pool; the logic writes the event through it. */
    private static final class Message implements Output
    {
        final Command command = new Command(PipelineBenchmark.MAX_PAYLOAD);
        final UnsafeBuffer event = new UnsafeBuffer(new byte[PipelineBenchmark.MAX_PAYLOAD]);
        int eventType;
        int eventLength;

        @Override
        public void emit(final int type, final DirectBuffer src, final int offset, final int length)
        {
            claim(type).putBytes(0, src, offset, length);
            commit(length);
        }

        @Override
        public MutableDirectBuffer claim(final int type)
        {
            OutputContract.checkEventType(type);
            eventType = type;
            return event;
        }

        @Override
        public void commit(final int length)
        {
            eventLength = length;
        }

        @Override
        public MutableDirectBuffer claimRejection(final int reasonCode)
        {
            OutputContract.checkRejectReason(reasonCode);
            eventType = OutputEvent.REJECTED;
            event.putInt(0, reasonCode, ORDER);
            return event;
        }
    }
}
