package io.ringlog.bench;

import java.io.PrintWriter;

/**
 * What a harness says when a signal (Ctrl-C, SIGTERM) stops it before it ends: a reviewer's Ctrl-C of
 * {@code scripts/bench latency} ended the run without a word, leaving the user to guess what was written. Its result
 * files are written whole or not at all ({@link ResultFiles}), so the line says that those it reported writing are
 * whole and no other was written; its temporary journal goes with {@link BenchDirectory}'s own hook. A shutdown hook
 * from {@link #install} until {@link #close}, so a run that ends by itself never says it.
 */
public final class RunInterruption implements AutoCloseable
{
    private final Thread hook;

    private RunInterruption(final PrintWriter err, final String command)
    {
        hook = new Thread(() ->
        {
            err.println();
            err.println("interrupted: " + command + " was stopped by a signal before it finished; the files it said it " +
                "wrote are whole, and no other file of this run was written");
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
