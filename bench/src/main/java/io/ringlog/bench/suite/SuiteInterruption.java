package io.ringlog.bench.suite;

import io.ringlog.bench.BenchDirectory;
import io.ringlog.journal.FileErrors;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * What the suite does when it is stopped (Ctrl-C, SIGTERM) before it ends: stops the JVMs it started
 * (JMH forks, latency runs, the peer), which would otherwise go on for minutes, and deletes its work
 * directory, the generated streams of up to 1.4 GB that nothing will read, unless {@code --keep-work}
 * asked to keep it, and the results directory if it made it and nothing was written there yet; then says on
 * stderr that it was interrupted, what it removed, and where the steps that ran left their files. A shutdown hook
 * from {@link #install} until {@link #close}, so a suite that ends by itself never runs it.
 */
final class SuiteInterruption implements AutoCloseable
{
    private static final long MEGABYTE = 1L << 20;

    private final Path results;
    private final Path madeFrom;
    private final Path work;
    private final boolean keepWork;
    private final PrintWriter err;
    private final LongSupplier stopChildren;
    private final Thread hook;
    private volatile boolean stopping;

    /**
     * @param results     the suite's results directory ({@code --out}), of which {@code work} is a child.
     * @param madeFrom the topmost directory this suite made, {@code results} or one above it, or null if it made none:
     *                 only a directory it made is removed, if empty (its parents too, up to this one).
     */
    SuiteInterruption(final Path results, final Path madeFrom, final Path work, final boolean keepWork,
        final PrintWriter err)
    {
        this(results, madeFrom, work, keepWork, err, SuiteInterruption::stopChildren);
    }

    /** With {@code stopChildren} stopping the processes the suite started and returning how many (tests: none). */
    SuiteInterruption(final Path results, final Path madeFrom, final Path work, final boolean keepWork,
        final PrintWriter err, final LongSupplier stopChildren)
    {
        this.results = results;
        this.madeFrom = madeFrom;
        this.work = work;
        this.keepWork = keepWork;
        this.err = err;
        this.stopChildren = stopChildren;
        this.hook = new Thread(this::run, "suite-interrupted");
    }

    SuiteInterruption install()
    {
        Runtime.getRuntime().addShutdownHook(hook);
        return this;
    }

    /** The hook's work, run by the JVM as it stops. */
    void run()
    {
        stopping = true;
        long children = stopChildren.getAsLong();
        final String removed;
        if (!Files.exists(work))
        {
            removed = "";
        }
        else if (keepWork)
        {
            removed = "; kept " + work + " (--keep-work)";
        }
        else
        {
            removed = delete();
        }
        // The suite's thread runs on while the hook does: a step it began meanwhile is stopped too.
        children += stopChildren.getAsLong();
        err.println("suite: interrupted" + (children > 0 ? String.format(Locale.ROOT, "; stopped %d process%s it " +
            "started", children, children == 1 ? "" : "es") : "") + removed + results());
        err.flush();
    }

    /** Whether the JVM is stopping: the suite starts no further step. */
    boolean stopping()
    {
        return stopping;
    }

    /** What became of the results directory: removed if this suite made it and nothing is in it, else named. */
    private String results()
    {
        try (Stream<Path> entries = Files.list(results))
        {
            if (entries.filter(entry -> !entry.equals(work)).findAny().isEmpty())
            {
                if (Files.exists(work))
                {
                    return "";
                }
                if (madeFrom == null)
                {
                    return "; nothing was written to " + results;
                }
                return "; removed " + BenchSuite.removeMade(results, madeFrom) + ", empty";
            }
            return "; " + results + " holds the files of the steps that ran, the last one's cut short, and no " +
                "results.md or results.json (those are written at the end)";
        }
        catch (final NoSuchFileException gone)
        {
            return "";
        }
        catch (final IOException ex)
        {
            return "; could not look into " + results + ": " + FileErrors.describe(ex);
        }
    }

    private static long stopChildren()
    {
        return ProcessHandle.current().descendants().filter(ProcessHandle::destroy).count();
    }

    private String delete()
    {
        long bytes = 0;
        // The suite's own thread may still be writing a stream into it: walk again until nothing is left.
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                bytes = Math.max(bytes, BenchDirectory.bytes(work));
                BenchSuite.delete(work);
                return String.format(Locale.ROOT, "; deleted %s (%,d MB of generated streams)", work,
                    (bytes + MEGABYTE / 2) / MEGABYTE);
            }
            catch (final IOException | UncheckedIOException ex)
            {
                final Throwable cause = ex instanceof UncheckedIOException unchecked ? unchecked.getCause() : ex;
                if (attempt == 5 || !(cause instanceof DirectoryNotEmptyException || cause instanceof NoSuchFileException))
                {
                    return "; could not delete " + work + ": " + FileErrors.describe(cause);
                }
            }
        }
    }

    @Override
    public void close()
    {
        try
        {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (final IllegalStateException shuttingDown)
        {
            // The JVM is stopping: the hook runs, or has run.
        }
    }
}
