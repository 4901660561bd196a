package io.ringlog.core.engine;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import io.ringlog.core.ListenerException;
import io.ringlog.core.OutputEvent;
import io.ringlog.core.OutputListener;

/**
 * One listener on the output ring, on its own thread. Replayed events reach it only if it asked for
 * them; an exception it throws is recorded and counted, and it goes on with the next event. Once a
 * close gives up draining, it gets the rest of the command it is in, and no later command's events.
 */
public final class ListenerStage implements EventHandler<OutputEvent>, ExceptionHandler<OutputEvent>
{
    private final String name;
    private final OutputListener listener;
    private final boolean receivesReplay;
    private final EngineStatus status;
    private final Counters counters;
    /** Set on this listener's thread once a close gave up: no command's events are delivered after. */
    private boolean stopped;

    public ListenerStage(final String name, final OutputListener listener, final EngineStatus status,
        final Counters counters)
    {
        this.name = name;
        this.listener = listener;
        this.receivesReplay = listener.receivesReplay();
        this.status = status;
        this.counters = counters;
    }

    /** On the listener's thread as it starts: a blocking publish from it is refused where it could wait forever. */
    @Override
    public void onStart()
    {
        status.listenerThread(Thread.currentThread(), name);
    }

    @Override
    public void onEvent(final OutputEvent event, final long sequence, final boolean endOfBatch) throws Exception
    {
        // A close that gave up waiting for the listeners stops them at the next command's first event, as it stops
        // the logic at the next command: a slow listener would otherwise go on through the batch it holds (the
        // processor sees its halt only between batches), outlast the stop, and keep the journal open after close
        // returned. Never within a command: a listener sees all of a command's events or none.
        if (!stopped && event.index() == 0 && status.abandoning())
        {
            stopped = true;
        }
        if (stopped || event.isReplay() && !receivesReplay)
        {
            return;
        }
        listener.onEvent(event, endOfBatch);
    }

    @Override
    public void handleEventException(final Throwable ex, final long sequence, final OutputEvent event)
    {
        counters.listenerErrors.getAndIncrement();
        status.recordError(new ListenerException(name, event == null ? -1 : event.position(), ex));
    }

    @Override
    public void handleOnStartException(final Throwable ex)
    {
        status.recordError(new ListenerException(name, -1, ex));
    }

    @Override
    public void handleOnShutdownException(final Throwable ex)
    {
        status.recordError(new ListenerException(name, -1, ex));
    }
}
