package io.ringlog.core.engine;

import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.WaitStrategy;
import io.ringlog.core.ReplicationGate;

/**
 * The {@link ReplicationGate} an engine gives its replicator: a Disruptor {@link Sequence} of its own,
 * separate from the replicator stage's, that the business-logic stage waits for (beside the journal
 * stage) when the replicator is synchronous and acknowledges through the gate.
 * <pre>
 *  replicator stage ── sends batch n, n+1, n+2 ... (its own sequence; never waits for an ack)
 *  acks (any thread) ── acknowledged(position) ──► gate sequence ──► logic stage's barrier
 * </pre>
 * Positions map to ring sequences by the position of sequence 0, known once recovery has run; an
 * acknowledgement from before that (a standby catching up on old history) moves nothing.
 */
public final class AcknowledgementGate implements ReplicationGate
{
    private final Sequence sequence = new Sequence();
    private final EngineStatus status;
    private final WaitStrategy waitStrategy;
    private volatile long basePosition = Long.MAX_VALUE;

    public AcknowledgementGate(final EngineStatus status, final WaitStrategy waitStrategy)
    {
        this.status = status;
        this.waitStrategy = waitStrategy;
    }

    /** The sequence business logic waits for. */
    public Sequence sequence()
    {
        return sequence;
    }

    /** Sets the position of ring sequence 0, once recovery has found it; acknowledgements count from then. */
    public void basePosition(final long basePosition)
    {
        this.basePosition = basePosition;
    }

    @Override
    public void acknowledged(final long position)
    {
        final long base = basePosition;
        if (position < base)
        {
            return;
        }
        final long target = position - base;
        long current;
        do
        {
            current = sequence.get();
            if (target <= current)
            {
                return;
            }
        }
        while (!sequence.compareAndSet(current, target));
        ParkingWaitStrategy.signalMoved(waitStrategy);
    }

    @Override
    public void halt(final Throwable cause)
    {
        status.halt(cause);
        ParkingWaitStrategy.signalMoved(waitStrategy);
    }
}
