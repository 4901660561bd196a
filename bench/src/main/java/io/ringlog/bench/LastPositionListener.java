package io.ringlog.bench;

import io.ringlog.core.Engine;
import io.ringlog.core.OutputEvent;
import io.ringlog.core.OutputListener;

import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes the position of the newest event it has received, so the benchmark thread can wait
 * for a position. An ordered store per event (a full fence per event would cost the listener more
 * than the event itself) and a look at the position the benchmark thread waits for, which it wakes
 * as soon as that arrives, mid-batch too (a producer keeping batches in flight waits for a position
 * inside the listener's batch); at the end of each batch, a fence and a second look, since the plain
 * look can miss a waiter that has just begun to wait.
 * <p>
 * The waiting thread spins briefly and then parks rather than yielding: on a machine with fewer
 * cores than threads a yielding waiter takes time slices from the engine it is measuring.
 */
public final class LastPositionListener implements OutputListener
{
    private static final int SPINS = 200;
    private final AtomicLong lastPosition = new AtomicLong();
    private volatile long awaited = Long.MAX_VALUE;
    private volatile Thread waiter;
    /** The awaited position this listener has already woken the waiter for (listener thread only). */
    private long woken = Long.MIN_VALUE;

    @Override
    public void onEvent(final OutputEvent event, final boolean endOfBatch)
    {
        final long position = event.position();
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

    public long lastPosition()
    {
        return lastPosition.get();
    }

    /** Waits until an event of {@code position} (or later) has arrived; fails if the engine halts meanwhile. */
    public void awaitPosition(final long position, final Engine engine)
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
                if (engine.failure() != null)
                {
                    throw new IllegalStateException("engine halted during the benchmark", engine.failure());
                }
                // Bounded, in case the listener's last batch ended before it could see us waiting.
                LockSupport.parkNanos(this, 1_000_000);
            }
        }
        finally
        {
            awaited = Long.MAX_VALUE;
        }
    }
}
