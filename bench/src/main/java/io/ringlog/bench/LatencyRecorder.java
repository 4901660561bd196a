package io.ringlog.bench;

import io.ringlog.core.OutputEvent;
import io.ringlog.core.OutputListener;
import org.HdrHistogram.Histogram;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The latency harness's listener: on the first event of each command (an exchange command causes
 * several, all with its position; the first is when its sender learns the outcome) it reads the shared
 * nano clock and records two latencies, in nanoseconds, for commands sent at or after the end of the
 * warm-up.
 * <ul>
 *   <li>corrected: from the time the command was <em>meant</em> to be sent (carried in its
 *   correlation id), so a stall that delays later sends counts against every command it delayed
 *   (the coordinated-omission correction);</li>
 *   <li>service: from the command's ingress timestamp, stamped by the engine when it was actually
 *   published; it hides such stalls and is shown only for contrast.</li>
 * </ul>
 * Only the listener thread records; read the histograms after the engine has closed.
 */
public final class LatencyRecorder implements OutputListener
{
    /** An hour in nanoseconds: anything longer is clamped, never an exception on the listener thread. */
    static final long HIGHEST_TRACKABLE_NANOS = 3_600_000_000_000L;
    private static final int SIGNIFICANT_DIGITS = 3;

    private final Histogram corrected = new Histogram(HIGHEST_TRACKABLE_NANOS, SIGNIFICANT_DIGITS);
    private final Histogram service = new Histogram(HIGHEST_TRACKABLE_NANOS, SIGNIFICANT_DIGITS);
    private final AtomicLong lastPosition = new AtomicLong();
    /** Volatile: the harness sets it once the set-up commands are through, from its own thread. */
    private volatile long measureFromNanos;

    /**
     * @param measureFromNanos intended send time (on {@link System#nanoTime()}) of the first command
     *                         to record; earlier ones are warm-up.
     */
    public LatencyRecorder(final long measureFromNanos)
    {
        this.measureFromNanos = measureFromNanos;
    }

    /** Moves the start of the measured commands, for a run that knows it only after its set-up. */
    public void measureFrom(final long measureFromNanos)
    {
        this.measureFromNanos = measureFromNanos;
    }

    @Override
    public void onEvent(final OutputEvent event, final boolean endOfBatch)
    {
        final long position = event.position();
        if (position != lastPosition.get())
        {
            record(event.correlationId(), event.timestamp(), System.nanoTime());
            lastPosition.lazySet(position);
        }
    }

    /** Records one command meant to be sent at {@code intended}, published at {@code ingress}, received at {@code received}. */
    void record(final long intended, final long ingress, final long received)
    {
        if (intended >= measureFromNanos)
        {
            corrected.recordValue(clamp(received - intended));
            service.recordValue(clamp(received - ingress));
        }
    }

    private static long clamp(final long nanos)
    {
        return Math.max(0, Math.min(nanos, HIGHEST_TRACKABLE_NANOS));
    }

    /** Position of the newest event received; safe to read from any thread. */
    public long lastPosition()
    {
        return lastPosition.get();
    }

    public Histogram corrected()
    {
        return corrected;
    }

    public Histogram service()
    {
        return service;
    }
}
