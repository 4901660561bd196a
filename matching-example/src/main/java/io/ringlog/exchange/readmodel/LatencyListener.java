package io.ringlog.exchange.readmodel;

import io.ringlog.core.OutputEvent;
import io.ringlog.core.OutputListener;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.EpochNanoClock;

/**
 * Records, for each command, the time from its ingress timestamp to the moment its first event
 * reaches this listener: the whole pipeline (ring, journal, logic, output ring) as a client would
 * see it. The clock must be the engine's ({@code EngineContext.clock()}). Replayed events are not
 * recorded. Read the histogram with {@link #copy()} from any thread.
 */
public final class LatencyListener implements OutputListener
{
    private final EpochNanoClock clock;
    private final Histogram histogram;

    /** Records up to an hour with 3 significant digits. */
    public LatencyListener(final EpochNanoClock clock)
    {
        this.clock = clock;
        this.histogram = new Histogram(3_600_000_000_000L, 3);
    }

    @Override
    public void onEvent(final OutputEvent event, final boolean endOfBatch)
    {
        if (event.index() == 0 && !event.isReplay())
        {
            final long latency = Math.max(0, clock.nanoTime() - event.timestamp());
            synchronized (histogram)
            {
                histogram.recordValue(Math.min(latency, histogram.getHighestTrackableValue()));
            }
        }
    }

    /** A copy of the histogram so far, in nanoseconds. */
    public Histogram copy()
    {
        synchronized (histogram)
        {
            return histogram.copy();
        }
    }

    /** One line: count and percentiles in microseconds. */
    public String summary()
    {
        final Histogram h = copy();
        return String.format("latency us: count %d, p50 %.1f, p90 %.1f, p99 %.1f, p99.9 %.1f, p99.99 %.1f, max %.1f",
            h.getTotalCount(), h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3,
            h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3, h.getValueAtPercentile(99.99) / 1e3,
            h.getMaxValue() / 1e3);
    }
}
