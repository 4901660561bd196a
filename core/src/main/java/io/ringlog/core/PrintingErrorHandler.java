package io.ringlog.core;

import org.agrona.ErrorHandler;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The engine's error handler when none is set: prints each distinct failure once with its stack trace
 * (a {@link Diagnosed} one without: its message says it all), and its repeats as one line a second at
 * most, with their count; repeats not yet printed when the engine closes are counted then, in one line each.
 * <p>
 * Why: a listener that throws on every event (a bug, or input it cannot handle) would otherwise print a
 * stack trace per event, a million a second, burying everything else on stderr and slowing the engine
 * to the speed of the terminal. Failures are the same when their exception classes and the frames they
 * were thrown from are, through the cause chain, and, for a {@link ListenerException}, the listener is;
 * their messages (positions, values) may differ. Every failure still counts in the engine's metrics.
 */
final class PrintingErrorHandler implements ErrorHandler
{
    /** Distinct failures remembered; past this, new ones are printed with their stack traces every time. */
    static final int MAX_DISTINCT = 1_000;
    private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String name;
    private final PrintStream out;
    private final LongSupplier nanoClock;
    private final Map<String, Repeats> seen = new HashMap<>();

    /** @param out where to print; null: {@code System.err} as it is at each failure. */
    PrintingErrorHandler(final String name, final PrintStream out, final LongSupplier nanoClock)
    {
        this.name = name;
        this.out = out;
        this.nanoClock = nanoClock;
    }

    /** Prints to {@code System.err} as it is at each failure (tests and tools may replace it). */
    static PrintingErrorHandler toStandardError(final String name)
    {
        return new PrintingErrorHandler(name, null, System::nanoTime);
    }

    @Override
    public synchronized void onError(final Throwable throwable)
    {
        final PrintStream out = this.out != null ? this.out : System.err;
        final long now = nanoClock.getAsLong();
        final String key = key(throwable);
        final Repeats repeats = seen.get(key);
        if (repeats == null)
        {
            if (seen.size() < MAX_DISTINCT)
            {
                seen.put(key, new Repeats(now));
            }
            out.println(name + ": " + throwable);
            if (!(throwable instanceof Diagnosed))
            {
                // The trace without its first line, which is the line just printed (it was there twice).
                final java.io.StringWriter trace = new java.io.StringWriter();
                throwable.printStackTrace(new java.io.PrintWriter(trace));
                final String frames = trace.toString();
                out.print(frames.substring(frames.indexOf('\n') + 1));
                out.flush();
            }
            return;
        }
        repeats.unprinted++;
        repeats.last = throwable.toString();
        if (now - repeats.printedAt >= QUIET_NANOS)
        {
            repeats.total += repeats.unprinted;
            out.println(name + ": " + throwable + " (the same failure " + repeats.unprinted + " more time" +
                (repeats.unprinted == 1 ? "" : "s") + " since it was last printed, " + (repeats.total + 1) +
                " in all; its stack trace was printed the first time)");
            repeats.unprinted = 0;
            repeats.printedAt = now;
        }
    }

    /** Prints the repeats not printed yet, one line per kind of failure: the engine calls it as it closes. */
    synchronized void printUnprintedRepeats()
    {
        final PrintStream out = this.out != null ? this.out : System.err;
        for (final Repeats repeats : seen.values())
        {
            if (repeats.unprinted > 0)
            {
                repeats.total += repeats.unprinted;
                out.println(name + ": " + repeats.last + " (the same failure " + repeats.unprinted + " more time" +
                    (repeats.unprinted == 1 ? "" : "s") + " since it was last printed, " + (repeats.total + 1) +
                    " in all, counted at close; its stack trace was printed the first time)");
                repeats.unprinted = 0;
            }
        }
    }

    private static String key(final Throwable throwable)
    {
        final StringBuilder key = new StringBuilder();
        if (throwable instanceof ListenerException)
        {
            key.append(((ListenerException)throwable).listener()).append('|');
        }
        int depth = 0;
        for (Throwable t = throwable; t != null && depth < 4; t = t.getCause() == t ? null : t.getCause(), depth++)
        {
            key.append(t.getClass().getName());
            final StackTraceElement[] frames = t.getStackTrace();
            if (frames.length > 0)
            {
                key.append('@').append(frames[0]);
            }
            key.append('|');
        }
        return key.toString();
    }

    private static final class Repeats
    {
        long printedAt;
        long unprinted;
        long total;
        String last;

        Repeats(final long printedAt)
        {
            this.printedAt = printedAt;
        }
    }
}
