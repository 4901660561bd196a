package io.ringlog.core.testing;

import io.ringlog.core.OutputEvent;
import io.ringlog.core.OutputListener;

import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Copies each event it receives; tests wait on it with {@link #awaitCount}. */
public class CollectingListener implements OutputListener
{
    /** What a test needs of one event. */
    public record Seen(long position, int type, int index, long correlationId, long value, boolean replay)
    {
    }

    private final List<Seen> seen = new ArrayList<>();
    private final boolean receivesReplay;

    public CollectingListener()
    {
        this(false);
    }

    public CollectingListener(final boolean receivesReplay)
    {
        this.receivesReplay = receivesReplay;
    }

    @Override
    public void onEvent(final OutputEvent event, final boolean endOfBatch) throws Exception
    {
        final long value = event.payloadLength() >= 8 ? event.payload().getLong(0, ByteOrder.LITTLE_ENDIAN) :
            event.payloadLength() >= 4 ? event.payload().getInt(0, ByteOrder.LITTLE_ENDIAN) : 0;
        synchronized (this)
        {
            seen.add(new Seen(event.position(), event.type(), event.index(), event.correlationId(), value,
                event.isReplay()));
            notifyAll();
        }
    }

    @Override
    public boolean receivesReplay()
    {
        return receivesReplay;
    }

    public synchronized List<Seen> events()
    {
        return new ArrayList<>(seen);
    }

    public synchronized int count()
    {
        return seen.size();
    }

    public synchronized void awaitCount(final int count, final Duration timeout) throws InterruptedException, TimeoutException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (seen.size() < count)
        {
            final long left = deadline - System.nanoTime();
            if (left <= 0)
            {
                throw new TimeoutException("saw " + seen.size() + " events, waited for " + count);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** Polls a condition with a yielding wait until it holds or the timeout passes. */
    public static void await(final BooleanSupplier condition, final Duration timeout, final String what)
        throws TimeoutException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new TimeoutException("timed out waiting for " + what);
            }
            Thread.yield();
        }
    }
}
