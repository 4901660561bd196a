package io.ringlog.journal.replication;

/** Replication cannot go on as configured; the message says why and what to do. */
public class ReplicationException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public ReplicationException(final String message)
    {
        super(message);
    }

    public ReplicationException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
