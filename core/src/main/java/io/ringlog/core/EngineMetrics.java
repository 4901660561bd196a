package io.ringlog.core;

import com.lmax.disruptor.Sequence;

import java.util.concurrent.atomic.AtomicLong;

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

    private final Engine engine;
    final AtomicLong listenerErrors = new AtomicLong();

    EngineMetrics(final Engine engine)
    {
        this.engine = engine;
    }

    /** Position of the newest accepted command (claimed by a publisher), 0 if none. */
    public long cursorPosition()
    {
        return engine.basePosition() + engine.input().getCursor();
    }

    /** Position the stage has finished, or -1 for a stage the engine does not run. */
    public long position(final Stage stage)
    {
        final Sequence sequence;
        switch (stage)
        {
            case JOURNAL: sequence = engine.journalSequence(); break;
            case REPLICATOR: sequence = engine.replicatorSequence(); break;
            default: sequence = engine.logicSequence(); break;
        }
        return sequence == null ? -1 : engine.basePosition() + sequence.get();
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
        final long consumed = engine.listenerProcessors().get(index).getSequence().get();
        return Math.max(0, engine.output().getCursor() - consumed);
    }

    /** Commands accepted into the ring since launch. */
    public long accepted()
    {
        return engine.input().getCursor() + 1;
    }

    /** Commands business logic has finished since launch (replay included), rejected ones too. */
    public long applied()
    {
        return engine.logic().applied.get();
    }

    /** Position of the last command business logic finished. */
    public long lastAppliedPosition()
    {
        return engine.logic().lastAppliedPosition.get();
    }

    /** Rejections the engine emitted itself: duplicates, failed commands, unknown system commands. */
    public long rejected()
    {
        return engine.logic().rejected.get();
    }

    public long duplicates()
    {
        return engine.logic().duplicates.get();
    }

    /** Commands during which the state machine threw. */
    public long failed()
    {
        return engine.logic().failed.get();
    }

    public long snapshots()
    {
        return engine.logic().snapshots.get();
    }

    public long listenerErrors()
    {
        return listenerErrors.get();
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder(256)
            .append("cursor=").append(cursorPosition())
            .append(" journal=").append(position(Stage.JOURNAL)).append(" (lag ").append(lag(Stage.JOURNAL)).append(')');
        if (engine.replicatorSequence() != null)
        {
            sb.append(" replicator=").append(position(Stage.REPLICATOR))
                .append(" (lag ").append(lag(Stage.REPLICATOR)).append(')');
        }
        sb.append(" logic=").append(position(Stage.LOGIC)).append(" (lag ").append(lag(Stage.LOGIC)).append(')');
        for (int i = 0; i < engine.listenerProcessors().size(); i++)
        {
            sb.append(" listener[").append(engine.listenerNames().get(i)).append("] lag ").append(listenerLag(i));
        }
        return sb.append(" accepted=").append(accepted())
            .append(" applied=").append(applied())
            .append(" rejected=").append(rejected())
            .append(" duplicates=").append(duplicates())
            .append(" failed=").append(failed())
            .append(" snapshots=").append(snapshots())
            .append(" listenerErrors=").append(listenerErrors())
            .toString();
    }
}
