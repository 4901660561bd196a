package io.ringlog.core.engine;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.WaitStrategy;
import io.ringlog.core.Command;
import io.ringlog.core.Journal;
import io.ringlog.core.JournalException;
import io.ringlog.core.MappedFileFault;
import io.ringlog.core.Replicator;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * The one handler every input-ring stage runs: journal, replicate, apply, each present or not. The
 * pipelined topology gives each its own thread (a journal stage, a replicator stage, a logic stage
 * gated on them); the compact one runs all three on one thread. Either way a ring batch is appended
 * (and shipped), committed at its end, and only then applied, so nothing is visible before it is
 * durable. The output ring gets the batch's events, published once, after it is applied.
 */
public final class InputStage implements EventHandler<Command>
{
    private final Journal journal;
    private final Replicator replicator;
    private final BusinessLogic logic;
    private final RingOutput output;
    private final RingBuffer<Command> ring;
    private final EngineStatus status;
    private final Runnable onStart;
    private final WaitStrategy progress;
    private final Sequence acknowledged;
    private final IdleStrategy acknowledgementIdle = new BackoffIdleStrategy(64, 64, 1_000, 50_000);
    private Sequence stageSequence;
    private long batchStart = -1;
    /** This stage's journal failed: it appends nothing more, whatever halted the engine first. */
    private boolean journalFailed;

    /**
     * @param journal    appends and commits each batch, or null.
     * @param replicator ships each batch, or null.
     * @param logic      applies each batch after the above, or null; with {@code output}.
     * @param onStart    run on the stage's thread before its first event (recovery, on the logic stage), or null.
     * @param progress   the input ring's wait strategy, told when a journal or replicator stage moves (a logic
     *                   stage may wait for it), or null.
     * @param acknowledged a compact stage's gate: the ring sequence a synchronous replicator's standby has
     *                   acknowledged, which a batch waits for before it is applied; null for none.
     */
    public InputStage(
        final Journal journal,
        final Replicator replicator,
        final BusinessLogic logic,
        final RingOutput output,
        final RingBuffer<Command> ring,
        final EngineStatus status,
        final Runnable onStart,
        final WaitStrategy progress,
        final Sequence acknowledged)
    {
        this.journal = journal;
        this.replicator = replicator;
        this.logic = logic;
        this.output = output;
        this.ring = ring;
        this.status = status;
        this.onStart = onStart;
        this.progress = progress;
        this.acknowledged = acknowledged;
    }

    @Override
    public void setSequenceCallback(final Sequence sequence)
    {
        this.stageSequence = sequence;
    }

    @Override
    public void onStart()
    {
        if (logic != null)
        {
            status.logicThread(Thread.currentThread());
        }
        if (onStart != null)
        {
            onStart.run();
        }
    }

    @Override
    public void onEvent(final Command command, final long sequence, final boolean endOfBatch)
    {
        if (journal != null)
        {
            journal(command, endOfBatch);
        }
        if (replicator != null)
        {
            replicate(command, endOfBatch);
        }
        if (endOfBatch && logic == null && progress != null)
        {
            // A stage the logic stage waits for: move now, not when the processor does, and wake it.
            stageSequence.set(sequence);
            ParkingWaitStrategy.signalMoved(progress);
        }
        if (logic != null)
        {
            if (batchStart < 0)
            {
                batchStart = sequence;
            }
            if (endOfBatch)
            {
                // The batch's slots stay this stage's until its sequence moves past them.
                long s = batchStart;
                status.applying(true);
                try
                {
                    // A close that gave up draining stops the logic at the next command, not at the batch's end (a
                    // batch of slow commands kept changing the state long after close() had thrown): the rest are
                    // journaled, and the next start applies them.
                    while (s <= sequence && !status.halted() && !status.abandoning())
                    {
                        // With a gate, apply each acknowledged part of the batch as its acknowledgement comes.
                        final long limit = acknowledged == null ? sequence : Math.min(sequence, awaitAcknowledged(s));
                        if (limit < s)
                        {
                            break;
                        }
                        for (; s <= limit && !status.halted() && !status.abandoning(); s++)
                        {
                            logic.apply(ring.get(s), false);
                        }
                        output.flush();
                    }
                }
                finally
                {
                    status.applying(false);
                }
                batchStart = -1;
            }
        }
    }

    /**
     * One thread journals, replicates and applies: it waits here for the standby to acknowledge
     * {@code sequence}, and returns the highest sequence acknowledged; -1, to apply nothing more, if
     * the engine halted or is being stopped meanwhile.
     */
    private long awaitAcknowledged(final long sequence)
    {
        acknowledgementIdle.reset();
        long acked;
        while ((acked = acknowledged.get()) < sequence)
        {
            if (status.halted() || status.abandoning())
            {
                return -1;
            }
            acknowledgementIdle.idle();
        }
        return acked;
    }

    private void journal(final Command command, final boolean endOfBatch)
    {
        // A command the business logic failed on halts the engine, and the commands accepted after it are still
        // journaled: publishers were given their positions, which the next start must not give to others. (One
        // volatile read a command while the engine runs, as before: the halt's cause is asked only once it halted.)
        if (journalFailed || status.halted() && status.haltStopsJournal())
        {
            return;
        }
        try
        {
            journal.append(command);
            if (endOfBatch)
            {
                journal.commit();
            }
        }
        catch (final Throwable ex)
        {
            journalFailed = true;
            // Halt before this stage's sequence moves, so business logic sees the failure first.
            status.halt(ex instanceof JournalException ? ex :
                new JournalException(command.position(), "journal write failed: " + describe(ex), ex));
        }
    }

    /**
     * A failure as words. A fault in a memory-mapped file (SIGBUS) reaches Java as an {@link InternalError} at the
     * JVM's next check, which can be past the journal's own catch, so it is named here too.
     */
    private static String describe(final Throwable ex)
    {
        return MappedFileFault.is(ex) ?
            "a fault in a memory-mapped journal file, at a byte the file no longer has (it was cut short while in " +
            "use), or whose storage failed" : String.valueOf(ex);
    }

    private void replicate(final Command command, final boolean endOfBatch)
    {
        if (status.halted())
        {
            return;
        }
        try
        {
            replicator.replicate(command);
            if (endOfBatch)
            {
                replicator.endOfBatch();
            }
        }
        catch (final Throwable ex)
        {
            status.halt(new IllegalStateException("replication of position " + command.position() + " failed: " + ex,
                ex));
        }
    }

    /** What a stage thread does with an exception the handler let through: a bug, so the engine halts. */
    public static final class Failures implements ExceptionHandler<Command>
    {
        private final EngineStatus status;
        private final long basePosition;

        public Failures(final EngineStatus status, final long basePosition)
        {
            this.status = status;
            this.basePosition = basePosition;
        }

        @Override
        public void handleEventException(final Throwable ex, final long sequence, final Command command)
        {
            status.halt(new IllegalStateException("stage failed at position " +
                (command != null ? command.position() : basePosition + sequence), ex));
        }

        @Override
        public void handleOnStartException(final Throwable ex)
        {
            status.halt(ex);
        }

        @Override
        public void handleOnShutdownException(final Throwable ex)
        {
            status.recordError(ex);
        }
    }
}
