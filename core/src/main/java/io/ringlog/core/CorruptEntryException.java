package io.ringlog.core;

/** Bytes that should hold a command do not; the message says why. */
public class CorruptEntryException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public CorruptEntryException(final String message)
    {
        super(message);
    }
}
