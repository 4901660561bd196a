package io.ringlog.core;

import org.agrona.DirectBuffer;

import java.util.Arrays;

/**
 * A snapshot store as recovery should see it when events after a position must be made again (a Kafka
 * sink resuming its topic, a node resuming its events file): only snapshots at or before that position,
 * so replay starts early enough. Snapshots taken go to the store it wraps, with their journal identity and
 * entry checksum; reads go there too; closing closes it.
 */
public final class SnapshotsUpTo implements SnapshotStore
{
    private final SnapshotStore store;
    private final long limit;

    /** Recovery through it sees {@code store}'s snapshots at positions up to {@code limit}. */
    public SnapshotsUpTo(final SnapshotStore store, final long limit)
    {
        this.store = store;
        this.limit = limit;
    }

    @Override
    public void store(final long position, final long stateHash, final DirectBuffer buffer, final int offset, final int length)
    {
        store.store(position, stateHash, buffer, offset, length);
    }

    @Override
    public void store(
        final long position,
        final long stateHash,
        final JournalId journalId,
        final long entryChecksum,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        // Passed on whole: without them, recovery on a journal with an identity would skip the snapshot.
        store.store(position, stateHash, journalId, entryChecksum, buffer, offset, length);
    }

    @Override
    public long[] positions()
    {
        return Arrays.stream(store.positions()).filter((position) -> position <= limit).toArray();
    }

    @Override
    public Snapshot read(final long position)
    {
        return store.read(position);
    }

    @Override
    public boolean persistent()
    {
        return store.persistent();
    }

    @Override
    public void flush()
    {
        store.flush();
    }

    @Override
    public boolean closed()
    {
        return store.closed();
    }

    @Override
    public void close()
    {
        store.close();
    }
}
