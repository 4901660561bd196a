package io.ringlog.core;

/**
 * The replicator stage: ships each command to a standby, beside the journal stage. When
 * {@link #synchronous()} is true business logic waits for this stage too, so no event is visible
 * before the standby has acknowledged its command.
 */
public interface Replicator extends AutoCloseable
{
    /** Whether business logic is gated on this stage. */
    boolean synchronous();

    /** Sends one command. */
    void replicate(Command command);

    /** Called at the end of each ring batch; a synchronous replicator waits here for the acknowledgement. */
    void endOfBatch();

    @Override
    default void close()
    {
    }
}
