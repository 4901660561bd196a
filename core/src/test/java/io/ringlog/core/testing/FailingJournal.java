package io.ringlog.core.testing;

import io.ringlog.core.Command;
import io.ringlog.core.InMemoryJournal;
import io.ringlog.core.Journal;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Delegates to a real journal until one position, whose append fails as a full disk would. */
public final class FailingJournal extends ForwardingJournal
{
    private final long failAt;

    /** Over an in-memory journal. */
    public FailingJournal(final int maxPayloadLength, final long failAt)
    {
        this(new InMemoryJournal(maxPayloadLength), failAt);
    }

    public FailingJournal(final Journal delegate, final long failAt)
    {
        super(delegate);
        this.failAt = failAt;
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
}
