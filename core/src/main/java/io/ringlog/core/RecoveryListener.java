package io.ringlog.core;

/**
 * Told what start-up recovery does: which snapshot it used or skipped, and replay progress. An engine
 * given none prints each skipped snapshot to standard error ({@link #printingSkipped}); {@link #NONE} is
 * silent.
 */
public interface RecoveryListener
{
    RecoveryListener NONE = new RecoveryListener()
    {
    };

    /**
     * Prints a line to standard error for each snapshot recovery skips, with the reason: a damaged or foreign
     * snapshot costs recovery time, and should not go unnoticed. Snapshots past where a replay stops are not
     * printed.
     */
    static RecoveryListener printingSkipped(final String engineName)
    {
        return new RecoveryListener()
        {
            @Override
            public void onSnapshotSkipped(final long position, final Exception reason)
            {
                System.err.println(engineName + ": recovery skipped the snapshot at position " + position + ": " +
                    reason.getMessage());
            }

            @Override
            public void onSnapshotPastTheReplay(final long position, final Exception reason)
            {
                // A replay to a position passes over every newer snapshot: worth no line.
            }
        };
    }

    /** A snapshot failed its checks and recovery falls back to an older one (or to a full replay). */
    default void onSnapshotSkipped(final long position, final Exception reason)
    {
    }

    /**
     * A snapshot newer than where a read-only replay stops ({@code ReadOnlyJournal.upTo}, a journal
     * copied before it): not for this replay, and nothing wrong with it. Told as skipped by default.
     */
    default void onSnapshotPastTheReplay(final long position, final Exception reason)
    {
        onSnapshotSkipped(position, reason);
    }

    default void onSnapshotLoaded(final long position)
    {
    }

    /** Called every few thousand commands during replay, and once at the end. */
    default void onReplayProgress(final long replayedPosition, final long lastPosition)
    {
    }

    default void onRecovered(final long snapshotPosition, final long lastPosition, final long replayed, final long nanos)
    {
    }
}
