package io.ringlog.bench;

import io.ringlog.core.Engine;
import io.ringlog.core.OutputEvent;
import io.ringlog.core.OutputListener;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes the position of the newest event it has received, so the benchmark thread can wait
 * for the end of a batch. An ordered store per event: the reader only needs to see it eventually,
 * and a full fence per event would cost the listener more than the event itself.
 */
public final class LastPositionListener implements OutputListener
{
    private final AtomicLong lastPosition = new AtomicLong();

    @Override
    public void onEvent(final OutputEvent event, final boolean endOfBatch)
    {
        lastPosition.lazySet(event.position());
    }

    public long lastPosition()
    {
        return lastPosition.get();
    }

    /** Yields until an event of {@code position} (or later) has arrived; fails if the engine halts meanwhile. */
    public void awaitPosition(final long position, final Engine engine)
    {
        while (lastPosition.get() < position)
        {
            if (engine.failure() != null)
            {
                throw new IllegalStateException("engine halted during the benchmark", engine.failure());
            }
            Thread.yield();
        }
    }
}
