package io.ringlog.bench;

import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * How a benchmark thread waits for a position, and how the last consumer wakes it: the engine's
 * {@link LastPositionListener} and the consumers of the benchmarks without an engine (the bare Disruptor,
 * the ArrayBlockingQueue pipeline) all use it, so every pipeline in a comparison is waited for alike.
 * The waiter spins briefly and then parks rather than yielding (a yielding waiter takes time slices
 * from the threads it measures when they outnumber the cores); the consumer publishes each position
 * with an ordered store, unparks the waiter as soon as its position arrives, and at the end of each of
 * its batches fences and looks again.
 */
public final class BatchWait
{
    private static final int SPINS = 200;
    private static final long MAX_PARK_NANOS = 1_000_000;

    private final AtomicLong lastPosition = new AtomicLong(-1);
    private volatile long awaited = Long.MAX_VALUE;
    private volatile Thread waiter;
    /** The awaited position the consumer has already woken the waiter for (consumer thread only). */
    private long woken = Long.MIN_VALUE;

    /** Something that throws if the run has failed, checked while waiting; held in a field, not made per wait. */
    @FunctionalInterface
    public interface FailureCheck
    {
        void check();
    }

    /** Consumer side: {@code position} has been consumed; {@code endOfBatch} when nothing more is ready. */
    public void consumed(final long position, final boolean endOfBatch)
    {
        lastPosition.lazySet(position);
        final long awaited = this.awaited;
        if (position >= awaited && awaited != woken)
        {
            // Mid-batch too: a producer keeping batches in flight waits for a position inside this batch.
            woken = awaited;
            LockSupport.unpark(waiter);
        }
        else if (endOfBatch)
        {
            VarHandle.fullFence();
            if (position >= this.awaited)
            {
                LockSupport.unpark(waiter);
            }
        }
    }

    /** The newest position consumed, -1 before the first. */
    public long lastPosition()
    {
        return lastPosition.get();
    }

    /** Waits until {@code position} (or later) has been consumed, calling {@code failure} between parks. */
    public void await(final long position, final FailureCheck failure)
    {
        for (int i = 0; i < SPINS && lastPosition.get() < position; i++)
        {
            Thread.onSpinWait();
        }
        waiter = Thread.currentThread();
        awaited = position;
        try
        {
            while (lastPosition.get() < position)
            {
                failure.check();
                // Bounded, in case the consumer's last batch ended before it could see us waiting.
                LockSupport.parkNanos(this, MAX_PARK_NANOS);
            }
        }
        finally
        {
            awaited = Long.MAX_VALUE;
        }
    }
}
