package io.ringlog.exchange.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Progress lines on stderr for long jobs, at most one a second and none for a job that takes less:
 * {@code progress: run 1,048,576/3,005,001 (35%), 812,345/s}. Cheap enough to call per item; the
 * clock is read once every 4,096 items.
 */
final class Progress
{
    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final PrintWriter err;
    private final String what;
    private long total;
    private final long started = System.nanoTime();
    private long nextPrint = started + INTERVAL_NANOS;

    /**
     * @param total how many items the job has, 0 when unknown.
     */
    Progress(final PrintWriter err, final String what, final long total)
    {
        this.err = err;
        this.what = what;
        this.total = total;
    }

    /** Sets the number of items once it is known. */
    void total(final long total)
    {
        this.total = total;
    }

    /** Reports {@code done} items, if a second has passed since the last line. */
    void update(final long done)
    {
        if ((done & 0xFFF) == 0)
        {
            updateNow(done);
        }
    }

    /** Like {@link #update} without the every-4,096 filter, for callers that report in steps already. */
    void updateNow(final long done)
    {
        final long now = System.nanoTime();
        if (now - nextPrint >= 0)
        {
            nextPrint = now + INTERVAL_NANOS;
            final long rate = Math.round(done * 1e9 / Math.max(1, now - started));
            if (total > 0)
            {
                err.printf(Locale.ROOT, "progress: %s %,d/%,d (%d%%), %,d/s%n", what, done, total, done * 100 / total, rate);
            }
            else
            {
                err.printf(Locale.ROOT, "progress: %s %,d, %,d/s%n", what, done, rate);
            }
            err.flush();
        }
    }
}
