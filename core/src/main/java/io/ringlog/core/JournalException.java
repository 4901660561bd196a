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

    /** A failure of the journal as a whole (it cannot be opened, say), at no particular position: position 0. */
    public JournalException(final String message)
    {
        this(message, null);
    }

    /** A failure of the journal as a whole, at no particular position (position 0), with its cause. */
    public JournalException(final String message, final Throwable cause)
    {
        super(message, cause);
        this.position = 0;
    }

    public long position()
    {
        return position;
    }
}
