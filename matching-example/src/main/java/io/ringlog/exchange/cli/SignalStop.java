package io.ringlog.exchange.cli;

import io.ringlog.journal.ChronicleJournal;
import io.ringlog.journal.tool.CliSupport;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * SIGTERM or Ctrl-C for a command that reads a file and, stopped, says where to go on from: the signal
 * sets {@link #signalled()} (the command stops before its next line), says so on stderr, and holds the
 * JVM until {@link #close()}, so the command finishes what it read and prints its summary and resume line
 * before the JVM halts. Close it in a finally, after printing; without a signal, close removes the hook.
 */
public final class SignalStop implements AutoCloseable
{
    private final AtomicBoolean signalled = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;
    private volatile Closeable input;

    private SignalStop(final PrintWriter err, final java.util.function.Supplier<String> saying, final String name)
    {
        hook = new Thread(() ->
        {
            signalled.set(true);
            err.println(saying.get());
            err.flush();
            closeInput();
            try
            {
                // As long as the command takes to finish: its own waits are bounded, and what it prints last (the
                // summary, the line to resume from, an error) matters.
                finished.await();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }, name);
    }

    /** Installs the hook; {@code saying} is the line printed on stderr when the signal comes. */
    public static SignalStop install(final PrintWriter err, final String saying, final String name)
    {
        return install(err, () -> saying, name);
    }

    /** {@link #install(PrintWriter, String, String)}, with the line made when the signal comes (where the work is). */
    public static SignalStop install(final PrintWriter err, final java.util.function.Supplier<String> saying,
        final String name)
    {
        // Chronicle adds a hook of its own as a journal first opens, which the JVM refuses once a signal came.
        ChronicleJournal.loadShutdownHooks();
        final SignalStop stop = new SignalStop(err, saying, name);
        Runtime.getRuntime().addShutdownHook(stop.hook);
        return stop;
    }

    /**
     * Closes {@code input} when the signal comes, or now if it came: a read blocked on a pipe whose writer sends
     * nothing then returns (at an end, or throwing, which {@link io.ringlog.exchange.text.CommandFileReader} takes for the
     * stop; the command takes the end for it where its action says it closed the input),
     * where otherwise the stop waited for the pipe's next line (a reviewer's finding). For inputs that give their
     * lines once only: a regular file's read never waits long.
     */
    public void closeOnSignal(final Closeable input)
    {
        this.input = input;
        if (signalled.get())
        {
            closeInput();
        }
    }

    private void closeInput()
    {
        final Closeable closing = input;
        input = null;
        if (closing == null)
        {
            return;
        }
        try
        {
            closing.close();
        }
        catch (final IOException | RuntimeException ex)
        {
            // Closed to stop the read: the read's end is what the command reports.
        }
    }

    /** Whether a signal came: stop before the next line. */
    public boolean signalled()
    {
        return signalled.get();
    }

    /** Lets a running hook return (the JVM then halts), or removes the hook if no signal came. */
    @Override
    public void close()
    {
        finished.countDown();
        if (signalled.get())
        {
            // The JVM is stopping with the signal's status (130, 143), and halts once the hook returns. A caller that
            // went on to System.exit with its own code could win that race (a fresh clone's ledger-demo stopped by
            // SIGTERM exited 1): what it had to say is said, so this thread waits for the halt.
            while (true)
            {
                java.util.concurrent.locks.LockSupport.park(this);
            }
        }
        CliSupport.removeHook(hook); // if a signal came, the hook runs and says so
    }
}
