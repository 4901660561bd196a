package io.ringlog.core;

/**
 * A journal cannot be written or read. Carries the position concerned (0 when none applies) so a
 * failure always says where it happened.
 */
public class JournalException extends RuntimeException
{
    private static final long serialVersionUID = 1L;
    private final long position;

    public JournalException(final long position, final String message, final Throwable cause)
    {
        super("journal position " + position + ": " + message, cause);
        this.position = position;
    }

    public JournalException(final long position, final String message)
    {
        this(position, message, null);
    }

    public long position()
    {
        return position;
    }
}
