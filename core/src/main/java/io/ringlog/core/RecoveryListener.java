package io.ringlog.core;

/**
 * Told what start-up recovery does: which snapshot it used or skipped, replay progress, and commands that threw
 * as they were replayed. An engine given none prints each skipped snapshot, and the commands that threw, to standard
 * error ({@link #printingSkipped}); {@link #NONE} is silent.
 */
public interface RecoveryListener
{
    RecoveryListener NONE = new RecoveryListener()
    {
    };

    /**
     * Prints a line to standard error for each snapshot recovery skips, with the reason: a damaged or foreign
     * snapshot costs recovery time, and should not go unnoticed. Snapshots past where a replay stops are not
     * printed. Commands that threw as they were replayed are counted in one line.
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

            @Override
            public void onReplayFailures(final long failed, final long firstPosition)
            {
                // A reviewer's finding: v2 code without the upcaster for v1 payloads rejected 25,000 replayed deposits,
                // and the service went on from a state that was not the journal's, told only by the failures' lines.
                System.err.println(engineName + ": recovery: " + failed + " of the journal's commands threw as they " +
                    "were replayed (the first at position " + firstPosition + "), and the error policy (REJECT) " +
                    "rejected them as COMMAND_FAILED. If they did not throw when they were first applied, this code " +
                    "does not apply the journal as the code that wrote it did (an upcaster missing for an older " +
                    "payload version, say), and the state is not the journal's: mark what the state machine throws for " +
                    "such a command CannotApply, and recovery halts at it instead");
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

    /**
     * Commands of the journal threw in the state machine (or its upcasters) as recovery replayed them, and the error
     * policy ({@code REJECT}) rejected them as {@code COMMAND_FAILED}, as it would live. Called once, at the end of the
     * replay, with how many threw and the position of the first. Recovery cannot tell whether they threw when they were
     * first applied too; where they did not, the state recovered is not the one the journal's writer had.
     */
    default void onReplayFailures(final long failed, final long firstPosition)
    {
    }

    default void onRecovered(final long snapshotPosition, final long lastPosition, final long replayed, final long nanos)
    {
    }
}
