package io.ringlog.core.engine;

import io.ringlog.core.Command;
import io.ringlog.core.EngineHaltedException;
import io.ringlog.core.Journal;
import io.ringlog.core.JournalException;
import io.ringlog.core.JournalReader;
import io.ringlog.core.RecoveryListener;
import io.ringlog.core.Snapshot;
import io.ringlog.core.SnapshotException;
import io.ringlog.core.SnapshotStore;

/**
 * Start-up: the newest snapshot that verifies, then every journal entry after it through business
 * logic, on the business-logic thread before it takes its first live command (so the output ring
 * keeps one producer for its whole life). Replayed events reach only listeners that asked for them.
 */
public final class Recovery
{
    private static final int PROGRESS_INTERVAL = 1 << 16;

    private final Journal journal;
    private final SnapshotStore snapshots;
    private final RecoveryListener listener;
    private final BusinessLogic logic;
    private final RingOutput output;
    private final EngineStatus status;
    private final int maxPayloadLength;

    public Recovery(
        final Journal journal,
        final SnapshotStore snapshots,
        final RecoveryListener listener,
        final BusinessLogic logic,
        final RingOutput output,
        final EngineStatus status,
        final int maxPayloadLength)
    {
        this.journal = journal;
        this.snapshots = snapshots;
        this.listener = listener;
        this.logic = logic;
        this.output = output;
        this.status = status;
        this.maxPayloadLength = maxPayloadLength;
    }

    /** Loads the newest verifying snapshot and replays the journal after it; returns the last position. */
    public long recover()
    {
        final long started = System.nanoTime();
        final long last = journal.lastPosition();
        final long snapshotPosition = loadSnapshot(last);

        long expected = snapshotPosition + 1;
        if (expected <= last)
        {
            final Command command = new Command(maxPayloadLength);
            try (JournalReader reader = journal.reader(expected))
            {
                while (expected <= last && reader.next(command))
                {
                    if (command.position() != expected)
                    {
                        throw new JournalException(expected, "gap in the journal: expected position " + expected +
                            ", found " + command.position());
                    }
                    if (!logic.apply(command, true))
                    {
                        throw new EngineHaltedException("recovery halted at position " + expected +
                            " by the error policy", status.failure());
                    }
                    if (expected % PROGRESS_INTERVAL == 0)
                    {
                        output.flush();
                        listener.onReplayProgress(expected, last);
                    }
                    expected++;
                }
            }
            output.flush();
            if (expected <= last)
            {
                throw new JournalException(expected, "journal ended before its last position " + last);
            }
            listener.onReplayProgress(last, last);
        }
        listener.onRecovered(snapshotPosition, last, last - snapshotPosition, System.nanoTime() - started);
        return last;
    }

    private long loadSnapshot(final long last)
    {
        if (snapshots == null)
        {
            return 0;
        }
        for (final long position : snapshots.positions())
        {
            if (position > last)
            {
                listener.onSnapshotSkipped(position, new SnapshotException("snapshot at position " + position +
                    " is past the journal's last position " + last));
                continue;
            }
            final Snapshot snapshot;
            try
            {
                snapshot = snapshots.read(position);
            }
            catch (final SnapshotException ex)
            {
                listener.onSnapshotSkipped(position, ex);
                continue;
            }
            logic.loadSnapshot(snapshot);
            listener.onSnapshotLoaded(position);
            return position;
        }
        return 0;
    }
}
