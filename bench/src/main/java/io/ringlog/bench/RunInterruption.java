package io.ringlog.bench;

import java.io.PrintWriter;

/**
 * What a harness says when a signal (Ctrl-C, SIGTERM) stops it before it ends: a reviewer's Ctrl-C of
 * {@code scripts/bench latency} ended the run without a word, leaving the user to guess what was written. Its result
 * files are written whole or not at all ({@link ResultFiles}; the hook deletes the hidden file of a write going on), so
 * the line says each is whole or absent; its temporary journal goes with {@link BenchDirectory}'s own hook. A hook
 * from {@link #install} until {@link #close}, so a run that ends by itself never says it.
 */
public final class RunInterruption implements AutoCloseable
{
    private final Thread hook;

    private RunInterruption(final PrintWriter err, final String command)
    {
        hook = new Thread(() ->
        {
            // A write going on is dropped: its hidden file would outlive the JVM.
            ResultFiles.deletePartials();
            err.println();
            err.println("interrupted: " + command + " was stopped by a signal before it finished; each of its result " +
                "files is whole or not there (those it said it wrote are)");
            err.flush();
        }, "run-interrupted");
    }

    /** Says so if the JVM stops, by a signal, before {@link #close}. */
    public static RunInterruption install(final PrintWriter err, final String command)
    {
        final RunInterruption interruption = new RunInterruption(err, command);
        Runtime.getRuntime().addShutdownHook(interruption.hook);
        return interruption;
    }

    @Override
    public void close()
    {
        try
        {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (final IllegalStateException ex)
        {
            // The JVM is stopping already: the hook runs, or has run.
        }
    }
}
