package io.ringlog.core.engine;

import com.lmax.disruptor.BatchEventProcessor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;

/** The engine's stage threads: one per Disruptor processor, started in order, stopped within a deadline. */
public final class StageThreads
{
    private final ThreadFactory threadFactory;
    private final List<BatchEventProcessor<?>> processors = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    public StageThreads(final ThreadFactory threadFactory)
    {
        this.threadFactory = threadFactory;
    }

    /** Starts a thread named {@code name} running the processor; returns its index. */
    public int start(final BatchEventProcessor<?> processor, final String name)
    {
        processors.add(processor);
        final Thread thread = threadFactory.newThread(processor);
        thread.setName(name);
        threads.add(thread);
        thread.start();
        return threads.size() - 1;
    }

    public int size()
    {
        return threads.size();
    }

    /** Whether the calling thread is one of these (which must not wait for them). */
    public boolean isStageThread(final Thread thread)
    {
        return threads.contains(thread);
    }

    /**
     * Halts processors [from, to) and joins their threads until the deadline (System.nanoTime);
     * appends the names of those still alive to {@code stuck}.
     */
    public void stop(final int from, final int to, final long deadline, final StringBuilder stuck)
    {
        for (int i = from; i < to; i++)
        {
            processors.get(i).halt();
        }
        boolean interrupted = false;
        for (int i = from; i < to; i++)
        {
            final Thread thread = threads.get(i);
            while (thread.isAlive())
            {
                final long leftMs = (deadline - System.nanoTime()) / 1_000_000;
                if (leftMs <= 0)
                {
                    stuck.append(stuck.length() == 0 ? "" : ", ").append(thread.getName());
                    break;
                }
                try
                {
                    thread.join(leftMs);
                }
                catch (final InterruptedException ex)
                {
                    interrupted = true;
                }
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }
}
