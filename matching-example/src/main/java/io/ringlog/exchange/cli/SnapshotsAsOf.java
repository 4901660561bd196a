package io.ringlog.exchange.cli;

import io.ringlog.core.Snapshot;
import io.ringlog.core.SnapshotException;
import io.ringlog.core.SnapshotStore;
import org.agrona.DirectBuffer;

import java.util.Arrays;

/**
 * A snapshot store that shows only the snapshots at or before {@code position}, so a replay to that
 * position starts from the newest one it can use without reporting the later ones as skipped.
 * Read-only: storing is refused.
 */
final class SnapshotsAsOf implements SnapshotStore
{
    private final SnapshotStore store;
    private final long position;

    SnapshotsAsOf(final SnapshotStore store, final long position)
    {
        this.store = store;
        this.position = position;
    }

    @Override
    public void store(final long at, final long stateHash, final DirectBuffer buffer, final int offset,
        final int length)
    {
        throw new SnapshotException("a replay reads snapshots; it does not take them");
    }

    @Override
    public long[] positions()
    {
        return Arrays.stream(store.positions()).filter((at) -> at <= position).toArray();
    }

    @Override
    public Snapshot read(final long at)
    {
        return store.read(at);
    }

    @Override
    public void close()
    {
        store.close();
    }
}
