package io.ringlog.core.testing;

import io.ringlog.core.Command;
import io.ringlog.core.InMemoryJournal;
import io.ringlog.core.Journal;
import io.ringlog.core.JournalId;
import io.ringlog.core.JournalReader;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A deliberately slow journal: each commit parks for a while, and blocks entirely while the gate is
 * closed. Records how far it has committed so tests can compare with what listeners saw.
 */
public final class GatedJournal implements Journal
{
    private final InMemoryJournal delegate;
    private final long commitDelayNanos;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private volatile boolean blockedInCommit;

    public GatedJournal(final int maxPayloadLength, final long commitDelayNanos)
    {
        this.delegate = new InMemoryJournal(maxPayloadLength);
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
    public long lastPosition()
    {
        return delegate.lastPosition();
    }

    @Override
    public void append(final Command command)
    {
        delegate.append(command);
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

    @Override
    public JournalReader reader(final long fromPosition)
    {
        return delegate.reader(fromPosition);
    }

    @Override
    public JournalId id()
    {
        return delegate.id();
    }

    @Override
    public boolean readOnly()
    {
        return delegate.readOnly();
    }

    @Override
    public int maxPayloadLength()
    {
        return delegate.maxPayloadLength();
    }

    @Override
    public void close()
    {
        delegate.close();
    }
}
