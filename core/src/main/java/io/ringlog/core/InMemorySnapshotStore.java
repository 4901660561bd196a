package io.ringlog.core;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.TreeMap;

/** Keeps snapshots in the heap: for tests, and for engines whose journal is in memory too. */
public final class InMemorySnapshotStore implements SnapshotStore
{
    private final TreeMap<Long, Snapshot> snapshots = new TreeMap<>();
    private final int retain;

    /** Keeps every snapshot. */
    public InMemorySnapshotStore()
    {
        this(Integer.MAX_VALUE);
    }

    /** Keeps only the newest {@code retain} snapshots. */
    public InMemorySnapshotStore(final int retain)
    {
        if (retain < 1)
        {
            throw new IllegalArgumentException("retain must be at least 1: " + retain);
        }
        this.retain = retain;
    }

    @Override
    public void store(
        final long position, final long stateHash, final DirectBuffer buffer, final int offset, final int length)
    {
        store(position, stateHash, JournalId.NONE, Snapshot.UNKNOWN, buffer, offset, length);
    }

    @Override
    public synchronized void store(
        final long position,
        final long stateHash,
        final JournalId journalId,
        final long entryChecksum,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        snapshots.put(position, new Snapshot(position, stateHash, new UnsafeBuffer(copy), length, journalId,
            entryChecksum));
        while (snapshots.size() > retain)
        {
            snapshots.pollFirstEntry();
        }
    }

    @Override
    public synchronized long[] positions()
    {
        return snapshots.descendingKeySet().stream().mapToLong(Long::longValue).toArray();
    }

    @Override
    public synchronized Snapshot read(final long position)
    {
        final Snapshot snapshot = snapshots.get(position);
        if (snapshot == null)
        {
            throw new SnapshotException("no snapshot at position " + position);
        }
        return snapshot;
    }
}
