package io.ringlog.core;

import org.agrona.DirectBuffer;

/**
 * Keeps snapshots of the engine's state, each at an exact position.
 */
public interface SnapshotStore extends AutoCloseable
{
    /**
     * Stores a snapshot taken after {@code position}, without what ties it to its history: recovery
     * will not use it on a journal that has an identity. Implement
     * {@link #store(long, long, JournalId, long, DirectBuffer, int, int)}, which the engine calls.
     */
    void store(long position, long stateHash, DirectBuffer buffer, int offset, int length);

    /**
     * Stores a snapshot taken after {@code position} on journal {@code journalId}, whose entry at
     * {@code position} has checksum {@code entryChecksum}. Called on the business-logic thread; the
     * buffer is only valid during the call, so copy it (and write the copy on another thread). A
     * store that cannot keep the identity and checksum falls back to
     * {@link #store(long, long, DirectBuffer, int, int)}, and its snapshots are then not used.
     */
    default void store(
        final long position,
        final long stateHash,
        final JournalId journalId,
        final long entryChecksum,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        store(position, stateHash, buffer, offset, length);
    }

    /** Positions of the stored snapshots, newest first. */
    long[] positions();

    /**
     * Reads and verifies the snapshot at {@code position}.
     *
     * @throws SnapshotException if it is missing or fails its checks (length, checksum, format).
     */
    Snapshot read(long position);

    /**
     * The journal the snapshot at {@code position} names in its header, where its header can be read and holds that
     * position, also where its body is damaged (fails its checksum, is cut short): {@link JournalId#NONE} where no
     * readable header says so. A damaged snapshot of this journal past its end still says entries up to it were
     * committed, so recovery refuses it as it refuses a whole one.
     */
    default JournalId journalNamedAt(final long position)
    {
        return JournalId.NONE;
    }

    /**
     * The store with every snapshot it holds, where this one is a view that shows recovery only some of them
     * ({@link SnapshotsUpTo}): recovery still looks at the others past the journal's end, which say the journal lost
     * committed entries. A store that is no view is its own.
     */
    default SnapshotStore unfiltered()
    {
        return this;
    }

    /**
     * Whether the snapshots outlive the process (on disk). An engine with the in-memory journal refuses
     * such a store: each in-memory journal is another journal, so every start would skip them all.
     */
    default boolean persistent()
    {
        return false;
    }

    /** Waits until every stored snapshot is written. */
    default void flush()
    {
    }

    /** Whether this store was closed: an engine refuses to launch with it (see {@link Journal#closed()}). */
    default boolean closed()
    {
        return false;
    }

    @Override
    default void close()
    {
    }
}
