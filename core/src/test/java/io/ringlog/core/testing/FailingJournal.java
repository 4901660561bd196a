package io.ringlog.core.testing;

import io.ringlog.core.Command;
import io.ringlog.core.InMemoryJournal;
import io.ringlog.core.Journal;
import io.ringlog.core.JournalReader;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Fails the append of one position, as a full disk would: everything before it is kept. */
public final class FailingJournal implements Journal
{
    private final InMemoryJournal delegate;
    private final long failAt;

    public FailingJournal(final int maxPayloadLength, final long failAt)
    {
        this.delegate = new InMemoryJournal(maxPayloadLength);
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
    public void close()
    {
        delegate.close();
    }
}
