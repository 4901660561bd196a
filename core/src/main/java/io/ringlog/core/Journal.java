package io.ringlog.core;

/**
 * The journal stage's store: every command, in position order, durable before business logic sees
 * it. Called from one thread at a time: the journal stage while running, the engine during
 * start-up and close.
 */
public interface Journal extends AutoCloseable
{
    /**
     * Position of the newest committed entry, 0 when the journal is empty. Unlike the rest of this
     * interface, readable from any thread (a replication agent, a status page): implementations publish
     * it with a volatile write at each commit.
     */
    long lastPosition();

    /**
     * The oldest position this journal still holds (1 unless older entries were deleted or overwritten): a reader
     * from before it fails. Read by a replication primary, which refuses a standby that needs older entries.
     */
    default long firstPosition()
    {
        return 1;
    }

    /** Appends one command; it may sit in a buffer until {@link #commit()}. */
    void append(Command command);

    /** Makes everything appended so far durable, to this journal's durability level. Called once per ring batch. */
    void commit();

    /** Reads entries from {@code fromPosition} (inclusive) on, in order. */
    JournalReader reader(long fromPosition);

    /**
     * This journal's identity, drawn once when it was created; {@link JournalId#NONE} if it has none.
     * Snapshots record it, and recovery uses only snapshots of the journal it replays.
     */
    default JournalId id()
    {
        return JournalId.NONE;
    }

    /**
     * Takes on {@code id} as this journal's identity, while it holds no entry: a replication standby's empty journal
     * becomes a copy of its primary's, one history under one identity, so that the pair's snapshots are each other's
     * and a node of another pair is told from its peer. Returns whether this journal now has {@code id}: false where
     * it keeps no identity, is read-only or closed, or holds entries (an identity never changes under entries).
     * Called where nothing is appended meanwhile (a standby before its first entry).
     */
    default boolean adopt(final JournalId id)
    {
        return false;
    }

    /**
     * Whether this journal takes no writes (a replay, a tool). Recovery on a writable journal refuses
     * to start where continuing could give new commands positions that were already seen.
     */
    default boolean readOnly()
    {
        return false;
    }

    /**
     * Whether this journal was closed: an engine refuses to launch on it (an engine closes the journal it is given
     * when it closes, so a journal handed to a second launch is closed, and would fail at its first read or write).
     */
    default boolean closed()
    {
        return false;
    }

    /**
     * The largest command payload an entry can hold, in bytes. An engine whose {@code maxPayloadLength} is
     * larger refuses to launch on this journal, rather than accept commands the journal would then refuse.
     */
    default int maxPayloadLength()
    {
        return Integer.MAX_VALUE;
    }

    @Override
    void close();
}
