package io.ringlog.core;

/**
 * Replicates into a standby {@link Journal} in the same process: each command is appended to the
 * standby's journal and committed at the end of each batch, which stands for the standby's
 * acknowledgement. Promoting the standby is launching an engine on that journal. The seam a
 * network replicator (Aeron) fills; useful for tests and for a warm copy on a second disk.
 */
public final class InMemoryReplicator implements Replicator
{
    private final Journal standby;
    private final boolean synchronous;
    private volatile long acknowledgedPosition;

    /**
     * @param standby     the standby's journal; the replicator does not close it (the standby owns it).
     * @param synchronous whether business logic waits for the standby's acknowledgement.
     */
    public InMemoryReplicator(final Journal standby, final boolean synchronous)
    {
        if (standby == null)
        {
            throw new IllegalArgumentException("standby journal must not be null");
        }
        this.standby = standby;
        this.synchronous = synchronous;
    }

    @Override
    public boolean synchronous()
    {
        return synchronous;
    }

    @Override
    public void replicate(final Command command)
    {
        standby.append(command);
    }

    @Override
    public void endOfBatch()
    {
        standby.commit();
        acknowledgedPosition = standby.lastPosition();
    }

    /** Highest position the standby has acknowledged. */
    public long acknowledgedPosition()
    {
        return acknowledgedPosition;
    }
}
