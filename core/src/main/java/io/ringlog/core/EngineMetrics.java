package io.ringlog.core;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import io.ringlog.core.engine.Counters;

import java.util.List;
import java.util.function.LongSupplier;

/**
 * Live figures of a running engine, safe to read from any thread: each stage's position and how
 * far it lags the ring cursor (the newest accepted command), and counts of what business logic did.
 * In the compact topology journal, replicator and logic share one thread and report one position.
 */
public final class EngineMetrics
{
    /** The stages on the input ring. */
    public enum Stage
    {
        JOURNAL, REPLICATOR, LOGIC
    }

    private final long basePosition;
    /** The last sequence claimed on the input ring, published or not (a single publisher's announced claim). */
    private final LongSupplier claimed;
    private final Sequence journal;
    private final Sequence replicator;
    private final Sequence logic;
    private final RingBuffer<OutputEvent> output;
    private final List<Sequence> listeners;
    private final List<String> listenerNames;
    private final Counters counters;

    EngineMetrics(
        final long basePosition,
        final LongSupplier claimed,
        final Sequence journal,
        final Sequence replicator,
        final Sequence logic,
        final RingBuffer<OutputEvent> output,
        final List<Sequence> listeners,
        final List<String> listenerNames,
        final Counters counters)
    {
        this.basePosition = basePosition;
        this.claimed = claimed;
        this.journal = journal;
        this.replicator = replicator;
        this.logic = logic;
        this.output = output;
        this.listeners = listeners;
        this.listenerNames = listenerNames;
        this.counters = counters;
    }

    /** Position of the newest accepted command (claimed by a publisher), 0 if none. */
    public long cursorPosition()
    {
        return basePosition + claimed.getAsLong();
    }

    /** Position the stage has finished, or -1 for a stage the engine does not run. */
    public long position(final Stage stage)
    {
        final Sequence sequence;
        switch (stage)
        {
            case JOURNAL:
                sequence = journal;
                break;
            case REPLICATOR:
                sequence = replicator;
                break;
            default:
                sequence = logic;
                break;
        }
        return sequence == null ? -1 : basePosition + sequence.get();
    }

    /** Commands accepted but not yet finished by the stage; 0 for a stage the engine does not run. */
    public long lag(final Stage stage)
    {
        final long position = position(stage);
        return position < 0 ? 0 : Math.max(0, cursorPosition() - position);
    }

    /** Events published to the output ring but not yet consumed by the listener at {@code index}. */
    public long listenerLag(final int index)
    {
        return Math.max(0, output.getCursor() - listeners.get(index).get());
    }

    /**
     * Commands accepted into the ring since launch: callers' commands, not the slots the engine published
     * void in their place (a claim close refused, a publish that failed, a batch's unfilled slots), which
     * take positions too (and count in {@link #applied()}, as nothing). Claimed slots count from their
     * claim, so while a batch is filled the figure can exceed what it ends at, and drop once its unfilled
     * slots are voided: it is not monotonic.
     */
    public long accepted()
    {
        // The count of voids first: a slot claimed and voided between the two reads then counts as claimed, never
        // as a void without its claim (which could make the figure negative).
        final long voided = counters.voided.get();
        return claimed.getAsLong() + 1 - voided;
    }

    /**
     * Commands business logic has finished since launch (replay included), rejected ones too, and the void
     * slots {@link #accepted()} leaves out.
     */
    public long applied()
    {
        return counters.applied.get();
    }

    /** Position of the last command business logic finished. */
    public long lastAppliedPosition()
    {
        return counters.lastAppliedPosition.get();
    }

    /**
     * Commands rejected since launch (replay included): by the state machine ({@code Output.reject}) and by the engine
     * itself. A newcomer read this figure as every rejection when it counted only the engine's, and saw 0 for a run
     * with thousands.
     */
    public long rejected()
    {
        return rejectedByStateMachine() + engineRejected();
    }

    /** Commands the state machine rejected ({@code Output.reject}, {@code claimRejection}), replay included. */
    public long rejectedByStateMachine()
    {
        return counters.rejectedByStateMachine.get();
    }

    /** Rejections the engine emitted itself: duplicates, failed commands, unknown system commands. */
    public long engineRejected()
    {
        return counters.rejected.get();
    }

    public long duplicates()
    {
        return counters.duplicates.get();
    }

    /** Commands during which the state machine threw. */
    public long failed()
    {
        return counters.failed.get();
    }

    /**
     * Snapshots handed to the snapshot store, not snapshots on disk: a store that writes in the background
     * (the journal module's {@code FileSnapshotStore}) says how many it wrote and how many failed
     * ({@code written()}, {@code failed()}), and reports each failure to its error handler.
     */
    public long snapshots()
    {
        return counters.snapshots.get();
    }

    public long listenerErrors()
    {
        return counters.listenerErrors.get();
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder(256)
            .append("cursor=").append(cursorPosition())
            .append(" journal=").append(position(Stage.JOURNAL)).append(" (lag ").append(lag(Stage.JOURNAL)).append(')');
        if (replicator != null)
        {
            sb.append(" replicator=").append(position(Stage.REPLICATOR))
                .append(" (lag ").append(lag(Stage.REPLICATOR)).append(')');
        }
        sb.append(" logic=").append(position(Stage.LOGIC)).append(" (lag ").append(lag(Stage.LOGIC)).append(')');
        for (int i = 0; i < listeners.size(); i++)
        {
            sb.append(" listener[").append(listenerNames.get(i)).append("] lag ").append(listenerLag(i));
        }
        return sb.append(" accepted=").append(accepted())
            .append(" applied=").append(applied())
            .append(" rejected=").append(rejected()).append(" (by the engine ").append(engineRejected()).append(')')
            .append(" duplicates=").append(duplicates())
            .append(" failed=").append(failed())
            .append(" snapshots=").append(snapshots())
            .append(" listenerErrors=").append(listenerErrors())
            .toString();
    }
}
