package io.ringlog.core;

import org.agrona.DirectBuffer;

import java.util.Arrays;

/**
 * A snapshot store as recovery should see it when events after a position must be made again (a Kafka
 * sink resuming its topic, a node resuming its events file): only snapshots at or before that position,
 * so replay starts early enough. Snapshots taken go to the store it wraps, with their journal identity and
 * entry checksum; reads go there too; closing closes it. A snapshot past the journal's end is still seen by recovery,
 * through {@link #unfiltered()}, whatever the limit: it says the journal lost committed entries, and a start that
 * would give their positions to new commands is refused.
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
    public JournalId journalNamedAt(final long position)
    {
        return store.journalNamedAt(position);
    }

    /**
     * The wrapped store, whole: a reviewer's finding was a restored journal (ending at 500, its snapshots at 800..1000
     * kept) started writable through a view up to 450, as a sink whose topic lags does: the view hid the snapshots that
     * say entries 501..1000 were committed, and the engine gave positions 501.. to new commands without a word.
     */
    @Override
    public SnapshotStore unfiltered()
    {
        return store.unfiltered();
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
