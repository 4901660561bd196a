package io.ringlog.core.testing;

import io.ringlog.core.Command;
import io.ringlog.core.Journal;
import io.ringlog.core.JournalId;
import io.ringlog.core.JournalReader;

/** A journal that passes every call on to another: tests override the calls they watch or hold up. */
public abstract class ForwardingJournal implements Journal
{
    protected final Journal delegate;

    protected ForwardingJournal(final Journal delegate)
    {
        this.delegate = delegate;
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
        delegate.commit();
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
    public boolean adopt(final JournalId id)
    {
        return delegate.adopt(id);
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
    public boolean closed()
    {
        return delegate.closed();
    }

    @Override
    public long firstPosition()
    {
        return delegate.firstPosition();
    }

    @Override
    public void close()
    {
        delegate.close();
    }
}
