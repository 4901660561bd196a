package io.ringlog.journal.tool;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Progress lines on stderr for long jobs, at most one a second and none for a job that takes less
 * than a second: {@code progress: replay 35% (1,048,576 of 3,005,001), 812,345/s} when the total is
 * known, {@code progress: run 1,048,576, 812,345/s} when it is not. A job whose size is known in
 * another unit than its items (a command file's bytes) reports that with {@link #update(long, double)}. Cheap
 * enough to call per item: the clock is read once every 4,096 items.
 */
public final class Progress
{
    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final PrintWriter err;
    private final String what;
    private final long intervalNanos;
    private final long started = System.nanoTime();
    private long total;
    private long nextPrint;

    /** A job of unknown size, until {@link #total} says. */
    public Progress(final PrintWriter err, final String what)
    {
        this(err, what, INTERVAL_NANOS);
    }

    Progress(final PrintWriter err, final String what, final long intervalNanos)
    {
        this.err = err;
        this.what = what;
        this.intervalNanos = intervalNanos;
        this.nextPrint = started + intervalNanos;
    }

    /** Sets the number of items once it is known. */
    public void total(final long total)
    {
        this.total = total;
    }

    /** Reports {@code done} items, if a second has passed since the last line; looks at the clock every 4,096 calls. */
    public void update(final long done)
    {
        if ((done & 0xFFF) == 0)
        {
            updateNow(done, -1);
        }
    }

    /** Like {@link #update}, with the share of the job done measured otherwise (0..1; negative when unknown). */
    public void update(final long done, final double fraction)
    {
        if ((done & 0xFFF) == 0)
        {
            updateNow(done, fraction);
        }
    }

    /** Like {@link #update} without the every-4,096 filter, for callers that report in steps already. */
    public void updateNow(final long done, final double fraction)
    {
        final long now = System.nanoTime();
        if (now - nextPrint >= 0)
        {
            nextPrint = now + intervalNanos;
            final long rate = Math.round(done * 1e9 / Math.max(1, now - started));
            if (total > 0)
            {
                err.printf(Locale.ROOT, "progress: %s %d%% (%,d of %,d), %,d/s%n", what, Math.min(100, done * 100 / total),
                    done, total, rate);
            }
            else if (fraction >= 0)
            {
                err.printf(Locale.ROOT, "progress: %s %d%% (%,d), %,d/s%n", what, (int)Math.min(100, fraction * 100), done, rate);
            }
            else
            {
                err.printf(Locale.ROOT, "progress: %s %,d, %,d/s%n", what, done, rate);
            }
            err.flush();
        }
    }
}
