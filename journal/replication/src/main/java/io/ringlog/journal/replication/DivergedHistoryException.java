package io.ringlog.journal.replication;

/**
 * A standby's journal has entries the primary's history does not: it was a primary that went on
 * alone after its standby was promoted. It can rejoin only once those entries are cut off after
 * {@link #keepUpTo()}, which {@link Rejoin#truncate} does, saying what it drops.
 */
public final class DivergedHistoryException extends ReplicationException
{
    private static final long serialVersionUID = 1L;

    private final long keepUpTo;
    private final long lastPosition;

    public DivergedHistoryException(final String message, final long keepUpTo, final long lastPosition)
    {
        super(message);
        this.keepUpTo = keepUpTo;
        this.lastPosition = lastPosition;
    }

    /** The last position both histories share. */
    public long keepUpTo()
    {
        return keepUpTo;
    }

    /** The standby's last position when it asked. */
    public long lastPosition()
    {
        return lastPosition;
    }
}
