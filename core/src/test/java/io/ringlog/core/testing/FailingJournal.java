package io.ringlog.core.testing;

import io.ringlog.core.Command;
import io.ringlog.core.InMemoryJournal;
import io.ringlog.core.Journal;
import io.ringlog.core.JournalId;
import io.ringlog.core.JournalReader;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Delegates to a real journal until one position, whose append fails as a full disk would. */
public final class FailingJournal implements Journal
{
    private final Journal delegate;
    private final long failAt;

    /** Over an in-memory journal. */
    public FailingJournal(final int maxPayloadLength, final long failAt)
    {
        this(new InMemoryJournal(maxPayloadLength), failAt);
    }

    public FailingJournal(final Journal delegate, final long failAt)
    {
        this.delegate = delegate;
        this.failAt = failAt;
    }

    @Override
    public long lastPosition()
    {
        return delegate.lastPosition();
    }

    @Override
    public void append(final Command command)
    {
        if (command.position() >= failAt)
        {
            throw new UncheckedIOException(new IOException("No space left on device (injected)"));
        }
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
