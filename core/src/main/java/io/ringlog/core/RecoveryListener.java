package io.ringlog.core;

/** Told what start-up recovery does: which snapshot it used or skipped, and replay progress. */
public interface RecoveryListener
{
    RecoveryListener NONE = new RecoveryListener()
    {
    };

    /** A snapshot failed its checks and recovery falls back to an older one (or to a full replay). */
    default void onSnapshotSkipped(final long position, final Exception reason)
    {
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
