package io.ringlog.exchange.replication;

import io.ringlog.core.OutputEvent;
import io.ringlog.core.OutputListener;

import java.io.Flushable;

/**
 * Passes on only the events this node made visible as a primary: those of positions from
 * {@link #from(long)} on. A standby applies what it follows (hot), and those events are its
 * primary's to show, not its own; once promoted, it shows its own from the promotion position.
 */
final class LeaderEvents implements OutputListener
{
    private final OutputListener listener;
    private final Flushable output;
    private volatile long from = Long.MAX_VALUE;

    /** @param output what {@code listener} writes to, flushed at the end of a batch that ends on a hidden event. */
    LeaderEvents(final OutputListener listener, final Flushable output)
    {
        this.listener = listener;
        this.output = output;
    }

    /** Shows events of positions from {@code position} on. */
    void from(final long position)
    {
        from = position;
    }

    @Override
    public void onEvent(final OutputEvent event, final boolean endOfBatch) throws Exception
    {
        if (event.position() >= from)
        {
            listener.onEvent(event, endOfBatch);
        }
        else if (endOfBatch)
        {
            // The wrapped listener flushes at the end of a batch; one that ends on a hidden event must too.
            output.flush();
        }
    }

    @Override
    public boolean receivesReplay()
    {
        return false;
    }
}
