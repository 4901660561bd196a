package io.ringlog.bench;

import io.ringlog.journal.ChronicleJournal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;

/**
 * Says in a benchmark's output which threads run and how its stages wait. JMH's header counts only its
 * own benchmark threads ({@code Threads: 1}), not the stage threads beside them, and on a machine with
 * fewer cores than threads the count is what explains a figure. As an engine's {@code threadFactory} it
 * records the stage threads the engine starts (non-daemon, as the engine's default).
 */
public final class BenchThreads implements ThreadFactory
{
    private final List<Thread> started = new CopyOnWriteArrayList<>();

    @Override
    public Thread newThread(final Runnable body)
    {
        final Thread thread = new Thread(body);
        // A new thread takes its creator's daemon flag, and JMH's threads may be daemons: the engine's are not.
        thread.setDaemon(false);
        started.add(thread);
        return thread;
    }

    /**
     * Prints the threads this factory made (their names, read now) beside the JMH thread, and a Chronicle journal's
     * touch-ahead thread where one runs (the journal starts it, not the engine).
     */
    public void print(final String waitStrategy)
    {
        final List<String> names = new ArrayList<>();
        for (final Thread thread : started)
        {
            names.add(thread.getName());
        }
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (thread.isAlive() && thread.getName().startsWith(ChronicleJournal.TOUCH_AHEAD_THREAD_PREFIX))
            {
                names.add(thread.getName());
            }
        }
        print(names, waitStrategy);
    }

    /**
     * Prints {@code stageThreads} beside the JMH thread that publishes, and what the stages wait with. In
     * brackets and without a line end: set-up runs after JMH has begun the first iteration's line, whose
     * figure then follows on the same line.
     */
    public static void print(final List<String> stageThreads, final String waitStrategy)
    {
        System.out.print("[" + line(stageThreads, waitStrategy) + "] ");
        System.out.flush();
    }

    static String line(final List<String> stageThreads, final String waitStrategy)
    {
        return "ringlog: " + (stageThreads.size() + 1) + " threads (JMH's 'Threads' counts only the first): the JMH " +
            "thread publishing" + (stageThreads.isEmpty() ? "" : ", " + String.join(", ", stageThreads)) +
            "; the stages wait with " + waitStrategy + ", " + Runtime.getRuntime().availableProcessors() + " CPUs";
    }
}
