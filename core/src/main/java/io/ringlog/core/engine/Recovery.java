package io.ringlog.core.engine;

import io.ringlog.core.CannotApply;
import io.ringlog.core.Command;
import io.ringlog.core.Diagnosed;
import io.ringlog.core.EngineHaltedException;
import io.ringlog.core.Journal;
import io.ringlog.core.JournalException;
import io.ringlog.core.JournalId;
import io.ringlog.core.JournalReader;
import io.ringlog.core.ReadOnlyJournal;
import io.ringlog.core.RecoveryListener;
import io.ringlog.core.Snapshot;
import io.ringlog.core.SnapshotException;
import io.ringlog.core.SnapshotMatch;
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
    private final boolean follower;
    private volatile boolean touched;

    public Recovery(
        final Journal journal,
        final SnapshotStore snapshots,
        final RecoveryListener listener,
        final BusinessLogic logic,
        final RingOutput output,
        final EngineStatus status,
        final int maxPayloadLength,
        final boolean follower)
    {
        this.follower = follower;
        this.journal = journal;
        this.snapshots = snapshots;
        this.listener = listener;
        this.logic = logic;
        this.output = output;
        this.status = status;
        this.maxPayloadLength = maxPayloadLength;
    }

    /** Whether the state machine was given a snapshot or a command: after that, only a new instance can try again. */
    public boolean touched()
    {
        return touched;
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
            logic.replayingTo(last);
            final Command command = new Command(maxPayloadLength);
            final long failedBefore = logic.failed();
            long firstFailed = 0;
            try (JournalReader reader = journal.reader(expected))
            {
                while (expected <= last && reader.next(command))
                {
                    if (command.position() != expected)
                    {
                        throw new JournalException(expected, "gap in the journal: expected position " + expected +
                            ", found " + command.position());
                    }
                    touched = true;
                    if (!logic.apply(command, true))
                    {
                        throw halted(expected, status.failure());
                    }
                    if (firstFailed == 0 && logic.failed() != failedBefore)
                    {
                        firstFailed = expected;
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
            if (firstFailed != 0)
            {
                // Rejected as COMMAND_FAILED by the error policy, as live; but nothing says they threw live too.
                listener.onReplayFailures(logic.failed() - failedBefore, firstFailed);
            }
        }
        listener.onRecovered(snapshotPosition, last, last - snapshotPosition, System.nanoTime() - started);
        return last;
    }

    /** Why replay stopped at {@code position}, and what gets past it: it depends on what the state machine threw. */
    private static EngineHaltedException halted(final long position, final Throwable failure)
    {
        final Throwable cause = failure != null && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof VirtualMachineError)
        {
            // Not the command's doing: the same replay with more memory (or stack) goes on.
            return new EngineHaltedException("recovery halted at position " + position + ": the JVM ran out of " +
                "resources applying the journal's command there (" + cause + "); give it more memory (-Xmx) or stack " +
                "(-Xss) and start again", failure);
        }
        if (cause instanceof CannotApply)
        {
            // Not the policy's doing either, and REJECT would not get past it: it would fork the history.
            return new EngineHaltedException("recovery halted at position " + position + ": the state machine cannot " +
                "apply the journal's command there (" + (cause instanceof Diagnosed ? cause.getMessage() : cause) + "). " +
                "This code cannot go on past it: start it with code that can, the code that wrote the command", failure);
        }
        return new EngineHaltedException("recovery halted at position " + position + " by the error policy (HALT): " +
            "the state machine threw on the journal's command there" + (cause == null ? "" : " (" + cause + ")") +
            ". Every start will halt there until the state machine applies it: fix the state machine, or launch with " +
            "errorPolicy REJECT to record it as COMMAND_FAILED and go on", failure);
    }

    private long loadSnapshot(final long last)
    {
        if (snapshots == null)
        {
            return 0;
        }
        final long[] shown = snapshots.positions();
        final SnapshotStore all = snapshots.unfiltered();
        if (all != snapshots && !journal.readOnly() && !follower)
        {
            // The snapshots past the end that a view (SnapshotsUpTo) leaves out: one of this journal's there refuses a
            // start that takes new commands, as it does without the view. (A replay or a follower has nothing to
            // refuse: the view's choice stands, unsaid, as before.)
            for (final long position : all.positions())
            {
                if (position > last && java.util.Arrays.stream(shown).noneMatch((p) -> p == position))
                {
                    skipSnapshotPastTheEnd(all, position, last);
                }
            }
        }
        for (final long position : shown)
        {
            if (position > last)
            {
                skipSnapshotPastTheEnd(snapshots, position, last);
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
            final String foreign = SnapshotMatch.mismatch(journal, snapshot, maxPayloadLength);
            if (foreign != null)
            {
                listener.onSnapshotSkipped(position, new SnapshotException("snapshot at position " + position + " " +
                    foreign));
                continue;
            }
            touched = true;
            logic.loadSnapshot(snapshot);
            listener.onSnapshotLoaded(position);
            return position;
        }
        return 0;
    }

    /**
     * A snapshot past the journal's end. On a replay (a read-only journal, possibly cut at a
     * position) it is simply not for this replay. On a journal that will take new commands, a snapshot
     * of this same journal there means the journal lost entries up to at least its position, entries
     * whose events clients may have seen: starting would give new commands those positions, so
     * recovery refuses. A snapshot of another journal is just skipped, as is one on a follower, whose positions
     * come from its leader.
     */
    private void skipSnapshotPastTheEnd(final SnapshotStore snapshots, final long position, final long last)
    {
        final String pastTheEnd = "snapshot at position " + position + " is past the journal's last position " + last;
        if (journal.readOnly())
        {
            listener.onSnapshotPastTheReplay(position, new SnapshotException(journal instanceof ReadOnlyJournal view &&
                view.stopsBeforeTheEnd() ? "snapshot at position " + position + " is past position " + last + ", where " +
                "this replay stops" : pastTheEnd));
            return;
        }
        final Snapshot snapshot;
        try
        {
            snapshot = snapshots.read(position);
        }
        catch (final SnapshotException ex)
        {
            if (!follower && journal.id().known() && journal.id().equals(snapshots.journalNamedAt(position)))
            {
                // Its body is damaged, its header whole: it was taken of this journal there, so the entries are missing.
                throw entriesMissing(position, last, " (the snapshot is damaged, " + ex.getMessage() + ", but its " +
                    "header names this journal and that position)");
            }
            listener.onSnapshotSkipped(position, new SnapshotException(pastTheEnd + ", and unreadable: " +
                ex.getMessage(), ex));
            return;
        }
        final JournalId id = journal.id();
        if (id.known() && snapshot.journalId().known() && !id.equals(snapshot.journalId()))
        {
            listener.onSnapshotSkipped(position, new SnapshotException(pastTheEnd + ", and was taken on journal " +
                snapshot.journalId() + ", not this one (" + id + ")"));
            return;
        }
        if (follower)
        {
            // A reviewer's finding: a standby whose journal was moved away (its snapshots kept) took on its primary's
            // identity, which its old snapshots carry, and refused its next start as a journal that lost committed
            // entries. A follower's positions come from its leader, never from new commands: it catches up again.
            listener.onSnapshotSkipped(position, new SnapshotException(pastTheEnd + ": this follower takes positions " +
                (last + 1) + ".." + position + " from its leader again (its journal was moved away or lost), so the " +
                "snapshot is not used; it takes new ones as it catches up"));
            return;
        }
        throw entriesMissing(position, last, "");
    }

    private static JournalException entriesMissing(final long position, final long last, final String damaged)
    {
        return new JournalException(last + 1, "the journal ends at position " + last + ", but a snapshot of this " +
            "journal was taken at position " + position + damaged + ": entries " + (last + 1) + ".." + position + " were " +
            "committed, and clients may have seen their events, but the journal no longer has them (a cycle file " +
            "deleted or lost, or an older copy of the journal put back). Refusing to start, so those positions are " +
            "not given to new commands. Restore the missing journal files; or, to accept the loss, remove the " +
            "snapshots past position " + last + " ('scripts/journal repair -d JOURNAL_DIR --truncate-after " + last +
            " --snapshots SNAPSHOT_DIR --force --apply' does it, and lowers the journal's committed mark; without " +
            "--apply it shows what it would do)");
    }
}
