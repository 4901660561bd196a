package io.ringlog.core;

/**
 * The replicator stage: ships each command to a standby, beside the journal stage. When
 * {@link #synchronous()} is true business logic waits for this stage too, so no event is visible
 * before the standby has acknowledged its command.
 * <p>
 * A synchronous replicator waits for its acknowledgement in one of two ways. By default in
 * {@link #endOfBatch()}: business logic then waits for this stage. One that
 * {@link #acknowledgesThroughGate()} returns from {@code endOfBatch} as soon as the batch is sent, and
 * reports acknowledgements through the {@link ReplicationGate} given to {@link #start}; business logic
 * waits for the gate instead. In the pipelined topology the next batch is then on its way while the last
 * one is acknowledged; in the compact one, the stage's one thread also applies, so it waits for the
 * acknowledgement, and what producers publish meanwhile goes as the next batch (group commit).
 */
public interface Replicator extends AutoCloseable
{
    /** Whether business logic is gated on this stage. */
    boolean synchronous();

    /**
     * Whether a synchronous replicator reports acknowledgements through its {@link ReplicationGate}
     * rather than by returning from {@link #endOfBatch()}. False by default.
     */
    default boolean acknowledgesThroughGate()
    {
        return false;
    }

    /**
     * Called once, after recovery and before the first command: the gate this replicator reports
     * through, and the position the engine's first command will get.
     */
    default void start(final ReplicationGate gate, final long nextPosition)
    {
    }

    /** Sends one command. */
    void replicate(Command command);

    /** Called at the end of each ring batch; a synchronous replicator waits here for the acknowledgement. */
    void endOfBatch();

    @Override
    default void close()
    {
    }
}
