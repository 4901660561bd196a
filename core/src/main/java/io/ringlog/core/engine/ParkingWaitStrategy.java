package io.ringlog.core.engine;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;

import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A Disruptor wait strategy for machines with fewer cores than threads: spin briefly, yield a few
 * times, then park. A parked consumer costs nothing, and a producer pays for waking it only when
 * one is parked: {@link #signalAllWhenBlocking()} is a fence and one volatile read otherwise, where
 * a lock-based strategy takes a monitor on every publish.
 * <p>
 * A consumer counts itself in {@code parked} and then re-reads the sequence it waits for; a producer
 * publishes and then reads {@code parked} (after a full fence, since Disruptor publishes with release
 * stores). So either the producer sees the consumer parked and unparks it, or the consumer sees the
 * new sequence and does not park. Stages whose progress is not a publish (a journal stage that a
 * logic stage waits for) signal when they move; anything else is caught by a bounded park.
 */
public final class ParkingWaitStrategy implements WaitStrategy
{
    /** A consumer waiting on a sequence nobody signals (a dependent stage) looks again after this long. */
    private static final long MAX_PARK_NANOS = 1_000_000;

    private final int spins;
    private final int yields;
    private final AtomicInteger parked = new AtomicInteger();
    private volatile Thread[] consumers = new Thread[0];

    /**
     * @param spins  busy-wait iterations ({@code Thread.onSpinWait()}) before yielding.
     * @param yields {@code Thread.yield()} calls before parking.
     */
    public ParkingWaitStrategy(final int spins, final int yields)
    {
        this.spins = spins;
        this.yields = yields;
    }

    @Override
    public long waitFor(final long sequence, final Sequence cursor, final Sequence dependentSequence,
        final SequenceBarrier barrier) throws AlertException
    {
        long available;
        int counter = 0;
        while ((available = dependentSequence.get()) < sequence)
        {
            barrier.checkAlert();
            if (counter < spins)
            {
                Thread.onSpinWait();
                counter++;
            }
            else if (counter < spins + yields)
            {
                Thread.yield();
                counter++;
            }
            else
            {
                park(sequence, dependentSequence, barrier);
            }
        }
        return available;
    }

    private void park(final long sequence, final Sequence dependentSequence, final SequenceBarrier barrier)
        throws AlertException
    {
        register(Thread.currentThread());
        parked.getAndIncrement();
        try
        {
            if (dependentSequence.get() < sequence)
            {
                barrier.checkAlert();
                LockSupport.parkNanos(this, MAX_PARK_NANOS);
            }
        }
        finally
        {
            parked.getAndDecrement();
        }
    }

    private void register(final Thread thread)
    {
        final Thread[] known = consumers;
        for (final Thread consumer : known)
        {
            if (consumer == thread)
            {
                return;
            }
        }
        synchronized (this)
        {
            final Thread[] now = consumers;
            for (final Thread consumer : now)
            {
                if (consumer == thread)
                {
                    return;
                }
            }
            final Thread[] grown = java.util.Arrays.copyOf(now, now.length + 1);
            grown[now.length] = thread;
            consumers = grown;
        }
    }

    @Override
    public void signalAllWhenBlocking()
    {
        VarHandle.fullFence();
        if (parked.get() != 0)
        {
            for (final Thread consumer : consumers)
            {
                LockSupport.unpark(consumer);
            }
        }
    }

    @Override
    public String toString()
    {
        return "ParkingWaitStrategy{spins=" + spins + ", yields=" + yields + '}';
    }
}
