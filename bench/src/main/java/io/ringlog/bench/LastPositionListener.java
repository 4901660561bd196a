package io.ringlog.bench;

import io.ringlog.core.Engine;
import io.ringlog.core.OutputEvent;
import io.ringlog.core.OutputListener;

/**
 * Publishes the position of the newest event it has received, so the benchmark thread can wait for a
 * position: {@link BatchWait}'s protocol, which the benchmarks whose last consumer is not an engine
 * listener use too, so every pipeline in a comparison is waited for alike. An ordered store per event,
 * a wake-up as soon as the awaited position arrives (mid-batch too), and a fence and a second look at
 * the end of each batch.
 * <p>
 * The waiting thread spins briefly and then parks rather than yielding: on a machine with fewer
 * cores than threads a yielding waiter takes time slices from the engine it is measuring.
 */
public final class LastPositionListener implements OutputListener
{
    private final BatchWait wait = new BatchWait();
    private Engine checked;
    private BatchWait.FailureCheck failureCheck;

    @Override
    public void onEvent(final OutputEvent event, final boolean endOfBatch)
    {
        wait.consumed(event.position(), endOfBatch);
    }

    /** The newest position delivered, -1 before the first. */
    public long lastPosition()
    {
        return wait.lastPosition();
    }

    /** Waits until an event of {@code position} (or later) has arrived; fails if the engine halts meanwhile. */
    public void awaitPosition(final long position, final Engine engine)
    {
        if (engine != checked)
        {
            // Made once per engine, not per wait: the wait allocates nothing.
            checked = engine;
            failureCheck = () ->
            {
                if (engine.failure() != null)
                {
                    throw new IllegalStateException("engine halted during the benchmark", engine.failure());
                }
            };
        }
        wait.await(position, failureCheck);
    }
}
