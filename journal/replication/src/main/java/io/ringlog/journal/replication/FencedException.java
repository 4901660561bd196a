package io.ringlog.journal.replication;

/**
 * A primary learned that its peer is in a newer epoch: it was promoted, so this node is a stale
 * primary. Its engine halts with this, and nothing more becomes visible here.
 */
public final class FencedException extends ReplicationException
{
    private static final long serialVersionUID = 1L;

    private final long epoch;
    private final long newerEpoch;

    public FencedException(final String message, final long epoch, final long newerEpoch)
    {
        super(message);
        this.epoch = epoch;
        this.newerEpoch = newerEpoch;
    }

    /** This node's epoch. */
    public long epoch()
    {
        return epoch;
    }

    /** The peer's, newer, epoch. */
    public long newerEpoch()
    {
        return newerEpoch;
    }
}
