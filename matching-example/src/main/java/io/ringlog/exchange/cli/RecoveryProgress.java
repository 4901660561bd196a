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

    RecoveryProgress(final PrintWriter err, final String what)
    {
        this.err = err;
        this.progress = new Progress(err, what);
    }

    @Override
    public void onSnapshotSkipped(final long position, final Exception reason)
    {
        err.println("snapshot-skipped: " + position + " (" + ExchangeCli.message(reason) + ")");
    }

    @Override
    public void onSnapshotLoaded(final long position)
    {
        snapshotPosition = position;
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
    }
}
