package io.ringlog.bench.peers;

import exchange.core2.core.common.cmd.OrderCommand;
import org.HdrHistogram.Histogram;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Records the latency of each command of a fixed-rate run on exchange-core's results thread, in
 * nanoseconds on {@link System#nanoTime()}:
 * <ul>
 *   <li>corrected: from the time the command was <em>meant</em> to be sent, carried in the command's
 *   {@code timestamp} (exchange-core copies it through), so a stall that delays later sends counts
 *   against every command it delayed (the coordinated-omission correction);</li>
 *   <li>service: from the moment it was actually submitted; it hides such stalls and is shown for contrast.</li>
 * </ul>
 * Results arrive in submission order, one per command, so the k-th result is the k-th command sent.
 */
final class LatencyProbe
{
    /** An hour in nanoseconds: anything longer is clamped, never an exception on the results thread. */
    static final long HIGHEST_TRACKABLE_NANOS = 3_600_000_000_000L;

    private final Histogram corrected = new Histogram(HIGHEST_TRACKABLE_NANOS, 3);
    private final Histogram service = new Histogram(HIGHEST_TRACKABLE_NANOS, 3);
    private final long[] sendTimes;
    private final long measureFromNanos;
    private final AtomicLong received = new AtomicLong();
    private int next;

    /**
     * @param commands         commands the run sends
     * @param measureFromNanos intended send time of the first command to record; earlier ones are warm-up
     */
    LatencyProbe(final int commands, final long measureFromNanos)
    {
        this.sendTimes = new long[commands];
        this.measureFromNanos = measureFromNanos;
    }

    /** The publisher's note of when command {@code index} was really submitted; call it before submitting. */
    void sent(final int index, final long nanos)
    {
        sendTimes[index] = nanos;
    }

    void onResult(final OrderCommand cmd)
    {
        final long now = System.nanoTime();
        final int index = next++;
        final long intended = cmd.timestamp;
        if (index < sendTimes.length && intended >= measureFromNanos)
        {
            corrected.recordValue(clamp(now - intended));
            service.recordValue(clamp(now - sendTimes[index]));
        }
        received.lazySet(next);
    }

    private static long clamp(final long nanos)
    {
        return Math.max(0, Math.min(nanos, HIGHEST_TRACKABLE_NANOS));
    }

    /** Results seen so far; safe from any thread. */
    long received()
    {
        return received.get();
    }

    Histogram corrected()
    {
        return corrected;
    }

    Histogram service()
    {
        return service;
    }
}
