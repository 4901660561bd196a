package io.ringlog.core.engine;

import com.lmax.disruptor.RingBuffer;
import io.ringlog.core.ListenerException;
import io.ringlog.core.OutputEvent;
import io.ringlog.core.OutputListener;

import java.util.List;

/**
 * The listeners that run on the business-logic thread: {@link RingOutput#flush()} hands them each range
 * it publishes, in order, before the thread goes on. They see what listeners on their own threads see,
 * at the moment those can first see it, with no thread between the logic and them: no wake-up, and the
 * event's cache lines never leave the core that wrote them. Replayed events reach one only if it asked
 * for them; an exception it throws is recorded and counted, and it goes on with the next event. A
 * {@link VirtualMachineError} (out of memory, a stack overflow) halts the engine instead.
 */
public final class InlineListeners
{
    private final String[] names;
    private final OutputListener[] listeners;
    private final boolean[] receivesReplay;
    private final EngineStatus status;
    private final Counters counters;

    public InlineListeners(final List<String> names, final List<OutputListener> listeners, final EngineStatus status,
        final Counters counters)
    {
        this.names = names.toArray(new String[0]);
        this.listeners = listeners.toArray(new OutputListener[0]);
        this.receivesReplay = new boolean[this.listeners.length];
        for (int i = 0; i < this.listeners.length; i++)
        {
            receivesReplay[i] = this.listeners[i].receivesReplay();
        }
        this.status = status;
        this.counters = counters;
    }

    /** Whether there is none: the output then never calls {@link #deliver}. */
    public boolean isEmpty()
    {
        return listeners.length == 0;
    }

    /** Whether one of them asked for replayed events. */
    public boolean anyReceivesReplay()
    {
        for (final boolean replay : receivesReplay)
        {
            if (replay)
            {
                return true;
            }
        }
        return false;
    }

    /** Hands the events {@code lo..hi}, just published, to each listener in turn, event by event. */
    void deliver(final RingBuffer<OutputEvent> ring, final long lo, final long hi)
    {
        for (long sequence = lo; sequence <= hi; sequence++)
        {
            final OutputEvent event = ring.get(sequence);
            final boolean replay = event.isReplay();
            final boolean endOfBatch = sequence == hi;
            for (int i = 0; i < listeners.length; i++)
            {
                if (replay && !receivesReplay[i])
                {
                    continue;
                }
                try
                {
                    listeners[i].onEvent(event, endOfBatch);
                }
                catch (final VirtualMachineError fatal)
                {
                    // Out of memory, a stack overflow: the logic thread it ran on cannot be trusted to go on. The
                    // engine halts, as when the business logic throws one, naming the listener: the command whose
                    // events it was given did not fail, and its events are out.
                    status.halt(new ListenerException(names[i], event.position(), fatal));
                    throw fatal;
                }
                catch (final Throwable ex)
                {
                    counters.listenerErrors.getAndIncrement();
                    status.recordError(new ListenerException(names[i], event.position(), ex));
                }
            }
        }
    }
}
