package io.ringlog.core.engine;

import io.ringlog.core.CommandFailedException;
import io.ringlog.core.EngineHaltedException;
import org.agrona.ErrorHandler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether an engine takes commands, and why not: shared by the intake, the stages and shutdown
 * instead of each holding the engine. One volatile {@code state} is all a publisher reads.
 * <pre>
 *   OPEN ──close()──► CLOSED ──abandon()──► ABANDONING
 *     └──halt(cause)──► HALTED (from any state; the first cause wins)
 * </pre>
 */
public final class EngineStatus
{
    private static final int OPEN = 0;
    private static final int CLOSED = 1;
    private static final int HALTED = 2;

    private final String name;
    private final ErrorHandler errorHandler;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private static final VarHandle STATE;

    static
    {
        try
        {
            STATE = MethodHandles.lookup().findVarHandle(EngineStatus.class, "state", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private volatile int state = OPEN;
    private volatile boolean abandoning;
    /** The stages have stopped (or were found stuck) after {@link #abandon()}: the journal takes nothing more. */
    private volatile boolean stagesStopped;
    /** Close found an input stage's thread stuck: the journal is left open, and may take more once it returns. */
    private volatile boolean stagesStuck;
    /** A cause that stops the journal came after a halt that did not. */
    private volatile boolean journalStopped;
    /** The logic thread is applying a batch (its events are published when it ends). */
    private volatile boolean applying;
    /** The thread that runs the business logic (and inline listeners), once it has started. */
    private volatile Thread logicThread;
    /** The threads of the listeners on their own threads, by thread: asked only when a publish finds the ring full. */
    private final java.util.Map<Thread, String> listenerThreads = new java.util.concurrent.ConcurrentHashMap<>();

    public EngineStatus(final String name, final ErrorHandler errorHandler)
    {
        this.name = name;
        this.errorHandler = errorHandler;
    }

    public String name()
    {
        return name;
    }

    /** Records the business-logic thread: a publish from it must never wait for room, which only it can make. */
    public void logicThread(final Thread thread)
    {
        logicThread = thread;
    }

    /** Records the thread of the listener {@code name}, which the business logic may wait for. */
    public void listenerThread(final Thread thread, final String name)
    {
        listenerThreads.put(thread, name);
    }

    /** The name of the listener whose thread is calling, or null when it is no listener's of this engine. */
    public String onListenerThread()
    {
        return listenerThreads.get(Thread.currentThread());
    }

    /** Whether the calling thread is the business-logic thread. */
    public boolean onLogicThread()
    {
        return Thread.currentThread() == logicThread;
    }

    /** Whether publishers may still add commands: neither closed nor halted. */
    public boolean open()
    {
        return state == OPEN;
    }

    /**
     * Throws what a publisher should be told when the engine takes no more commands.
     *
     * @throws EngineHaltedException if it halted.
     * @throws IllegalStateException if it was closed.
     */
    public void checkOpen()
    {
        if (state != OPEN)
        {
            final Throwable cause = failure.get();
            if (cause != null)
            {
                throw new EngineHaltedException(name + " has halted: " + cause.getMessage(), cause);
            }
            throw new IllegalStateException(name + " is closed: it takes no more commands");
        }
    }

    /** Stops intake; what was accepted before still drains. */
    public void close()
    {
        // A halt is final: closing a halted engine must not make it look merely closed.
        STATE.compareAndSet(this, OPEN, CLOSED);
    }

    /** The stages are being stopped: waits that depend on them (a full output ring) give up. */
    public void abandon()
    {
        close();
        abandoning = true;
    }

    public boolean abandoning()
    {
        return abandoning;
    }

    /**
     * Close has stopped the stages ({@code stuck} false: what the journal holds now is final), or found an input stage's
     * thread stuck ({@code stuck} true: the journal is left open, and may take more once that thread returns).
     */
    public void stagesStopped(final boolean stuck)
    {
        stagesStuck = stuck;
        stagesStopped = true;
    }

    /** Whether close found a stage thread stuck ({@link #stagesStopped(boolean)}). */
    public boolean stagesStuck()
    {
        return stagesStuck;
    }

    /** Whether {@link #stagesStopped(boolean)} was called. */
    public boolean areStagesStopped()
    {
        return stagesStopped;
    }

    /**
     * The logic thread begins or ends applying a batch. Set before it reads whether the engine halted, so that a close
     * which saw the halt and then this false knows the thread applies nothing more and has published every event of
     * what it applied.
     */
    public void applying(final boolean applying)
    {
        this.applying = applying;
    }

    public boolean applying()
    {
        return applying;
    }

    /**
     * Records the failure and stops the engine from applying or exposing anything further. The first cause is the
     * halt's; a later one that stops the journal (a halt of the business logic leaves it going) still stops it, and
     * reaches the error handler.
     */
    public void halt(final Throwable cause)
    {
        if (failure.compareAndSet(null, cause))
        {
            state = HALTED;
            recordError(cause);
        }
        else if (!journalStopped && stopsJournal(cause) && !stopsJournal(failure.get()))
        {
            journalStopped = true;
            recordError(cause);
        }
    }

    public boolean halted()
    {
        return failure.get() != null;
    }

    /**
     * Whether the halt stops journaling too. A command that threw in the business logic (the HALT policy), or
     * listeners stopped by a close that timed out, leave the journal sound: what was accepted is still journaled, so
     * its positions stay its own and a start on the journal replays it. Any other halt stops it where it is: the
     * journal's own failure, the replicator's, a fenced primary, a stage's bug, and a JVM error wherever it surfaced
     * (out of memory, or a fault in the journal's mapped file that the JVM reports at its next check, which may be in
     * the business logic or an inline listener), whether it came first or after the halt.
     */
    public boolean haltStopsJournal()
    {
        final Throwable cause = failure.get();
        return journalStopped || cause != null && stopsJournal(cause);
    }

    private static boolean stopsJournal(final Throwable cause)
    {
        final boolean logicFailure = cause instanceof CommandFailedException &&
            !(cause.getCause() instanceof VirtualMachineError);
        return !logicFailure && !(cause instanceof RingOutput.ListenersStopped);
    }

    /** The failure that halted the engine, or null. */
    public Throwable failure()
    {
        return failure.get();
    }

    /** Hands a failure to the user's error handler, which must not throw. */
    public void recordError(final Throwable cause)
    {
        try
        {
            errorHandler.onError(cause);
        }
        catch (final Throwable ignore)
        {
            // An ErrorHandler must not throw; if it does there is nowhere left to report it.
        }
    }
}
