package io.ringlog.exchange.cli;

import io.ringlog.core.OutputEvent;
import io.ringlog.core.OutputListener;

/**
 * Several cheap listeners on one listener thread: every listener is a thread, and on a small machine
 * the counters and the latency recorder do not need one each. Receives replayed events when any
 * member does, and passes them only to the members that want them.
 */
final class ListenerGroup implements OutputListener
{
    private final OutputListener[] listeners;
    private final boolean receivesReplay;

    ListenerGroup(final OutputListener... listeners)
    {
        this.listeners = listeners.clone();
        boolean any = false;
        for (final OutputListener listener : listeners)
        {
            any |= listener.receivesReplay();
        }
        this.receivesReplay = any;
    }

    @Override
    public void onEvent(final OutputEvent event, final boolean endOfBatch) throws Exception
    {
        for (final OutputListener listener : listeners)
        {
            if (!event.isReplay() || listener.receivesReplay())
            {
                listener.onEvent(event, endOfBatch);
            }
        }
    }

    @Override
    public boolean receivesReplay()
    {
        return receivesReplay;
    }
}
