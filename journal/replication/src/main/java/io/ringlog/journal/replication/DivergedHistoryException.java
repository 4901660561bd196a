package io.ringlog.journal.replication;

/**
 * A standby's journal has entries the primary's history does not: it was a primary that went on
 * alone after its standby was promoted, or its primary shipped them and stopped before it journaled
 * them ({@link #neverShown()}). It can follow only once those entries are cut off after
 * {@link #keepUpTo()}, which {@link Rejoin#truncate} does, saying what it drops.
 */
public final class DivergedHistoryException extends ReplicationException
{
    private static final long serialVersionUID = 1L;

    private final long keepUpTo;
    private final long lastPosition;
    private final boolean neverShown;

    public DivergedHistoryException(final String message, final long keepUpTo, final long lastPosition)
    {
        this(message, keepUpTo, lastPosition, false);
    }

    /**
     * @param neverShown the entries after {@code keepUpTo} were never shown by any primary (see {@link #neverShown()}).
     */
    public DivergedHistoryException(final String message, final long keepUpTo, final long lastPosition,
        final boolean neverShown)
    {
        super(message);
        this.keepUpTo = keepUpTo;
        this.lastPosition = lastPosition;
        this.neverShown = neverShown;
    }

    /**
     * True when the entries after {@link #keepUpTo()} are a tail the primary shipped and never journaled (it
     * was stopped in between) and never showed: cutting them off loses nothing any client saw, so a node may
     * do it without being asked to ({@link Rejoin#truncate}, then launch again as a standby). False when they
     * are another history that only a rejoin the operator asks for cuts off.
     */
    public boolean neverShown()
    {
        return neverShown;
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
