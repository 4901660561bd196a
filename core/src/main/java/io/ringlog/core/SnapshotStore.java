package io.ringlog.core;

import org.agrona.DirectBuffer;

/**
 * Keeps snapshots of the engine's state, each at an exact position.
 */
public interface SnapshotStore extends AutoCloseable
{
    /**
     * Stores a snapshot taken after {@code position}. Called on the business-logic thread; the
     * buffer is only valid during the call, so copy it (and write the copy on another thread).
     */
    void store(long position, long stateHash, DirectBuffer buffer, int offset, int length);

    /** Positions of the stored snapshots, newest first. */
    long[] positions();

    /**
     * Reads and verifies the snapshot at {@code position}.
     *
     * @throws SnapshotException if it is missing or fails its checks (length, checksum, format).
     */
    Snapshot read(long position);

    /** Waits until every stored snapshot is written. */
    default void flush()
    {
    }

    @Override
    default void close()
    {
    }
}
