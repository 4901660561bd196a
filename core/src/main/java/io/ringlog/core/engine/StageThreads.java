package io.ringlog.core.engine;

import com.lmax.disruptor.BatchEventProcessor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/** The engine's stage threads: one per Disruptor processor, started in order, stopped within a deadline. */
public final class StageThreads
{
    /** The stage that journals, replicates and applies in the COMPACT topology. */
    public static final String COMPACT = "compact";
    /** PIPELINED's journal stage. */
    public static final String JOURNAL = "journal";
    /** PIPELINED's replicator stage, with a replicator. */
    public static final String REPLICATOR = "replicator";
    /** PIPELINED's business-logic stage. */
    public static final String LOGIC = "logic";

    private final ThreadFactory threadFactory;
    private final String prefix;
    private final Map<String, Integer> cpus;
    private final Consumer<Throwable> pinFailure;
    private final List<BatchEventProcessor<?>> processors = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    /**
     * Threads named {@code prefix + stage}; a stage in {@code cpus} pins its thread to that CPU before it
     * runs, and a pin that fails goes to {@code pinFailure} while the stage runs unpinned.
     */
    public StageThreads(final ThreadFactory threadFactory, final String prefix, final Map<String, Integer> cpus,
        final Consumer<Throwable> pinFailure)
    {
        this.threadFactory = threadFactory;
        this.prefix = prefix;
        this.cpus = cpus;
        this.pinFailure = pinFailure;
    }

    /** The stage name of the listener called {@code name}. */
    public static String listener(final String name)
    {
        return "listener-" + name;
    }

    /** Starts a thread named after {@code stage} running the processor; returns its index. */
    public int start(final BatchEventProcessor<?> processor, final String stage)
    {
        processors.add(processor);
        final Integer cpu = cpus.get(stage);
        final Runnable body = cpu == null ? processor : () ->
        {
            try
            {
                try
                {
                    CpuPinning.pin(cpu);
                }
                catch (final Throwable ex)
                {
                    pinFailure.accept(ex);
                }
            }
            finally
            {
                // Whatever pinning did, the stage runs: recovery and close wait for it.
                processor.run();
            }
        };
        final Thread thread = threadFactory.newThread(body);
        thread.setName(prefix + stage);
        threads.add(thread);
        thread.start();
        return threads.size() - 1;
    }

    public int size()
    {
        return threads.size();
    }

    /** The index {@link #start} gave {@code thread}, or -1 if it is not one of these. */
    public int indexOf(final Thread thread)
    {
        return threads.indexOf(thread);
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
