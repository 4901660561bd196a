package io.ringlog.core.testing;

import io.ringlog.core.InMemoryJournal;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A deliberately slow journal: each commit parks for a while, and blocks entirely while the gate is
 * closed. Records how far it has committed so tests can compare with what listeners saw.
 */
public final class GatedJournal extends ForwardingJournal
{
    private final long commitDelayNanos;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private volatile boolean blockedInCommit;

    public GatedJournal(final int maxPayloadLength, final long commitDelayNanos)
    {
        super(new InMemoryJournal(maxPayloadLength));
        this.commitDelayNanos = commitDelayNanos;
    }

    public GatedJournal close(final boolean closed)
    {
        open.set(!closed);
        return this;
    }

    /** Position up to which commits have completed. */
    public long committedPosition()
    {
        return committed.get();
    }

    public long commits()
    {
        return commits.get();
    }

    /** True while the journal thread is held at a closed gate. */
    public boolean blockedInCommit()
    {
        return blockedInCommit;
    }

    @Override
    public void commit()
    {
        while (!open.get())
        {
            blockedInCommit = true;
            LockSupport.parkNanos(100_000);
        }
        blockedInCommit = false;
        if (commitDelayNanos > 0)
        {
            LockSupport.parkNanos(commitDelayNanos);
        }
        delegate.commit();
        committed.set(delegate.lastPosition());
        commits.incrementAndGet();
    }
}
