package io.ringlog.core;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.PhasedBackoffWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Named Disruptor wait strategies for {@link EngineContext#waitStrategy}; each ring gets its own instance. */
public enum WaitStrategies implements Supplier<WaitStrategy>
{
    /**
     * Spin 1 µs, yield up to 1 ms, then block on a lock. Behaves where threads outnumber cores; the
     * default.
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
