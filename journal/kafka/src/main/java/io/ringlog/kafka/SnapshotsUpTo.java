package io.ringlog.kafka;

import io.ringlog.core.Snapshot;
import io.ringlog.core.SnapshotStore;
import org.agrona.DirectBuffer;

import java.util.Arrays;

/**
 * A snapshot store as recovery should see it when a sink must regenerate events after a position:
 * only snapshots at or before it, so replay starts early enough. Stores and reads go to the store it
 * wraps; closing closes it.
 */
final class SnapshotsUpTo implements SnapshotStore
{
    private final SnapshotStore store;
    private final long limit;

    SnapshotsUpTo(final SnapshotStore store, final long limit)
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
    public void flush()
    {
        store.flush();
    }

    @Override
    public void close()
    {
        store.close();
    }
}
