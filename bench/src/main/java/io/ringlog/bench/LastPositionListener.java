package io.ringlog.bench;

import io.ringlog.core.Engine;
import io.ringlog.core.OutputEvent;
import io.ringlog.core.OutputListener;

import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes the position of the newest event it has received, so the benchmark thread can wait
 * for the end of a batch. An ordered store per event (a full fence per event would cost the
 * listener more than the event itself), and at the end of each batch a fence and a look at whether
 * the benchmark thread is parked waiting for a position it now has.
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

    @Override
    public void onEvent(final OutputEvent event, final boolean endOfBatch)
    {
        lastPosition.lazySet(event.position());
        if (endOfBatch)
        {
            VarHandle.fullFence();
            if (event.position() >= awaited)
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
