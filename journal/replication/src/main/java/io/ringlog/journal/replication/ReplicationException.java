package io.ringlog.journal.replication;

import io.ringlog.core.Diagnosed;

/**
 * Replication cannot go on as configured; the message says why and what to do ({@link Diagnosed}: the
 * engine's default error handler prints it without a stack trace).
 */
public class ReplicationException extends RuntimeException implements Diagnosed
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
