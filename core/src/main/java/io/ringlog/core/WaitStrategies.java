package io.ringlog.core;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.PhasedBackoffWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import io.ringlog.core.engine.ParkingWaitStrategy;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Named Disruptor wait strategies for {@link EngineContext#waitStrategy}; each ring gets its own instance. */
public enum WaitStrategies implements Supplier<WaitStrategy>
{
    /**
     * Spin a few microseconds, yield a few times, then park; a publisher wakes a parked consumer, and
     * pays nothing when none is parked. Idle stages cost no CPU, so on a machine with fewer cores
     * than threads the busy stage gets the core. The default. See {@link ParkingWaitStrategy}.
     */
    PARKING
    {
        @Override
        public WaitStrategy get()
        {
            return new ParkingWaitStrategy(200, 4);
        }
    },
    /**
     * {@link #PARKING}, except that a stage that comes back from a batch and finds fewer than 64 entries
     * ready waits at least 10 µs (yielding) before it takes them: throughput for latency, when commands
     * come faster than a stage takes them one by one and cores are few. A stage that was idle takes an
     * entry the moment it comes. Each stage that waits with it can hold. Needs rings of at least 128 entries (two
     * batches): a launch on smaller ones is refused. See {@link ParkingWaitStrategy#batching}.
     */
    BATCHING
    {
        @Override
        public WaitStrategy get()
        {
            return ParkingWaitStrategy.batching(200, 4, 64, 10_000);
        }
    },
    /**
     * Spin 1 µs, yield up to 1 ms, then block on a lock. The Disruptor's phased back-off: a publisher
     * takes the lock on every publish, and a waiting stage yields for up to a millisecond, which on a
     * small machine takes time slices from the busy stage.
     */
    PHASED
    {
        @Override
        public WaitStrategy get()
        {
            return PhasedBackoffWaitStrategy.withLock(1, 1000, TimeUnit.MICROSECONDS);
        }
    },
    /** Lock and condition: least CPU, most latency. */
    BLOCKING
    {
        @Override
        public WaitStrategy get()
        {
            return new BlockingWaitStrategy();
        }
    },
    /** Spin, then park in short sleeps. */
    SLEEPING
    {
        @Override
        public WaitStrategy get()
        {
            return new SleepingWaitStrategy();
        }
    },
    /** Spin briefly, then {@code Thread.yield()}: low latency, a core per stage that is mostly busy. */
    YIELDING
    {
        @Override
        public WaitStrategy get()
        {
            return new YieldingWaitStrategy();
        }
    },
    /** Never gives up the core. Only with a dedicated core per stage thread. */
    BUSY_SPIN
    {
        @Override
        public WaitStrategy get()
        {
            return new BusySpinWaitStrategy();
        }
    }
}
