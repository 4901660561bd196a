package io.ringlog.core;

/** A snapshot cannot be written, or read back intact; the message says which and why. */
public class SnapshotException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public SnapshotException(final String message)
    {
        super(message);
    }

    public SnapshotException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
