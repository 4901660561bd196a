package io.ringlog.journal.tool;

import io.ringlog.core.CommandFailedException;
import org.agrona.ErrorHandler;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An engine {@link ErrorHandler} for command lines: the first failure of each kind (the same exception
 * class thrown from the same line) is printed once, with its message; later ones of the kind are only counted,
 * and {@link #printSummary} says how many there were. A run where one bug hits 10,000 commands
 * prints two lines, not 10,000 (and never a stack trace).
 */
public final class FailureReport implements ErrorHandler
{
    private final PrintWriter err;
    private final String prefix;
    private final Map<String, Kind> kinds = new LinkedHashMap<>();
    private long total;

    /** What one kind of failure did: how often, and where first. */
    private static final class Kind
    {
        final String description;
        final long firstPosition;
        long count;

        Kind(final String description, final long firstPosition)
        {
            this.description = description;
            this.firstPosition = firstPosition;
        }
    }

    /**
     * @param err    where the lines go.
     * @param prefix what starts each line, e.g. {@code "engine"} or {@code "replay"}.
     */
    public FailureReport(final PrintWriter err, final String prefix)
    {
        this.err = err;
        this.prefix = prefix;
    }

    @Override
    public synchronized void onError(final Throwable ex)
    {
        total++;
        final Throwable cause = ex instanceof CommandFailedException && ex.getCause() != null ? ex.getCause() : ex;
        // The same bug: the same exception thrown from the same line, whichever command reached it.
        final StackTraceElement[] stack = cause.getStackTrace();
        final String key = cause.getClass().getSimpleName() + (stack.length > 0 ? " at " + stack[0].getClassName() + "." +
            stack[0].getMethodName() + ":" + stack[0].getLineNumber() : "");
        final Kind kind = kinds.get(key);
        if (kind != null)
        {
            kind.count++;
            return;
        }
        final long position = ex instanceof CommandFailedException ? ((CommandFailedException)ex).position() : -1;
        final Kind first = new Kind(key, position);
        first.count = 1;
        kinds.put(key, first);
        err.println(prefix + ": " + CliSupport.message(ex) + (ex instanceof CommandFailedException ?
            " (further failures like it are counted, not printed)" : ""));
        err.flush();
    }

    /** Failures reported so far, of every kind. */
    public synchronized long total()
    {
        return total;
    }

    /** One line per kind that happened more than once: how many times, and where first. */
    public synchronized void printSummary()
    {
        for (final Kind kind : kinds.values())
        {
            if (kind.count > 1)
            {
                err.println(prefix + ": " + kind.count + " failures like the first (" + kind.description + ")" +
                    (kind.firstPosition > 0 ? ", the first at position " + kind.firstPosition : "") +
                    "; only the first was printed");
            }
        }
        err.flush();
    }
}
