package io.ringlog.exchange.cli;

import io.ringlog.core.RecoveryListener;
import io.ringlog.journal.tool.Progress;

import java.io.PrintWriter;

/** Recovery progress on stderr, and what the recovery did for the summary. */
final class RecoveryProgress implements RecoveryListener
{
    private final PrintWriter err;
    private final Progress progress;
    long snapshotPosition = -1;
    long replayed;
    long nanos;
    private long lastPosition;
    private String writer;

    /** Whether the recovery is said when done (a run's start, whose summary has no place for it). */
    private final boolean say;

    RecoveryProgress(final PrintWriter err, final String what)
    {
        this(err, what, false);
    }

    RecoveryProgress(final PrintWriter err, final String what, final boolean say)
    {
        this.err = err;
        this.progress = new Progress(err, what);
        this.say = say;
    }

    @Override
    public void onSnapshotSkipped(final long position, final Exception reason)
    {
        err.println("snapshot-skipped: " + position + " (" + ExchangeCli.message(reason) + ")");
    }

    /** The process appending to the journal a replay reads, as "pid N, since ...", or null if none is. */
    void writer(final String writer)
    {
        this.writer = writer;
    }

    @Override
    public void onSnapshotPastTheReplay(final long position, final Exception reason)
    {
        if (writer == null)
        {
            onSnapshotSkipped(position, reason);
            return;
        }
        // A reviewer read "past the journal's last position" beside a live run as entries lost.
        err.println("snapshot-skipped: " + position + " (taken since this replay began: a writer (" + writer + ") " +
            "is appending to the journal, and the replay reads it as it was then)");
    }

    @Override
    public void onSnapshotLoaded(final long position)
    {
        snapshotPosition = position;
        if (say)
        {
            err.println("recover: loaded the snapshot at position " + position + ": replaying the journal after it");
            err.flush();
        }
    }

    @Override
    public void onReplayProgress(final long replayedPosition, final long lastPosition)
    {
        progress.total(lastPosition);
        progress.updateNow(replayedPosition, -1);
    }

    @Override
    public void onRecovered(final long snapshotPosition, final long lastPosition, final long replayed,
        final long nanos)
    {
        this.replayed = replayed;
        this.nanos = nanos;
        this.lastPosition = lastPosition;
    }

    /**
     * Says what the recovery did, where it recovered anything; called by the run once it takes the state it reached (a
     * run refused for it said "recovered" a line before its error, a later reviewer's finding).
     */
    void sayRecovered()
    {
        if (say && lastPosition > 0)
        {
            // A reviewer's finding: a restart took 7 s before its first line, and nothing said from which snapshot or how
            // much it replayed, the first thing a service's operator asks of a recovery.
            err.printf(java.util.Locale.ROOT, "recovered: positions up to %d in %.3f s: %s %,d replayed from the " +
                "journal%n", lastPosition, nanos / 1e9, snapshotPosition > 0 ? "the snapshot at position " +
                snapshotPosition + ", then" : "no snapshot, all", replayed);
            err.flush();
        }
    }
}
