package io.ringlog.core;

import org.agrona.collections.MutableLong;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The state hashes an engine's business logic took as it applied commands, each with its position: every
 * {@link EngineContext#stateCheckEvery N}-th position and at each snapshot it took, live; at the same positions
 * (those of {@link EngineContext#snapshotEvery} whether or not it takes a snapshot) in the tail of its replay at
 * launch, where {@link EngineContext#replayStateChecks} asks (a replicated node); and at the snapshot it started
 * from. Two engines that applied the same journal entries with the same code hold the same hash at the same position,
 * so a replicated pair compares them to find states that parted (code that differs between the nodes, or is not
 * deterministic) while the journals agree.
 * <p>
 * Written by the business-logic thread only; read from any thread. Keeps the newest {@value #CAPACITY}; a read
 * that races with the write of the slot it reads finds nothing rather than a hash of another position.
 */
public final class StateChecks
{
    /** How many of the newest checks are kept. */
    public static final int CAPACITY = 64;

    private final AtomicLongArray positions = new AtomicLongArray(CAPACITY);
    private final AtomicLongArray hashes = new AtomicLongArray(CAPACITY);
    private long written;
    private volatile long latest;

    /** Records the state hash after {@code position}; positions only go up. Business-logic thread only. */
    public void record(final long position, final long hash)
    {
        if (position <= latest)
        {
            // A snapshot and a check at the same position: one hash.
            return;
        }
        final int slot = (int)(written++ & (CAPACITY - 1));
        // Zero first: a reader that read the old position in this slot reads it again after the hash, and sees it gone.
        positions.set(slot, 0);
        hashes.set(slot, hash);
        positions.set(slot, position);
        latest = position;
    }

    /** The newest position a hash was taken at, or 0 if none. */
    public long latestPosition()
    {
        return latest;
    }

    /**
     * The hash taken at {@code position}, into {@code hash}.
     *
     * @return false if none was taken there, or it is no longer kept.
     */
    public boolean hashAt(final long position, final MutableLong hash)
    {
        if (position <= 0)
        {
            return false;
        }
        for (int slot = 0; slot < CAPACITY; slot++)
        {
            if (positions.get(slot) == position)
            {
                final long value = hashes.get(slot);
                if (positions.get(slot) == position)
                {
                    hash.set(value);
                    return true;
                }
                return false;
            }
        }
        return false;
    }

    /**
     * The newest kept check before {@code position}: its position, with its hash into {@code hash}; 0 if none is kept.
     * Walks them newest first: {@code p = newestBefore(p, hash)} from {@code Long.MAX_VALUE} until 0.
     */
    public long newestBefore(final long position, final MutableLong hash)
    {
        return nearest(position, false, hash);
    }

    /**
     * The oldest kept check after {@code position}: its position, with its hash into {@code hash}; 0 if none is kept.
     * Walks them in order: {@code p = nextAfter(p, hash)} until 0.
     */
    public long nextAfter(final long position, final MutableLong hash)
    {
        return nearest(position, true, hash);
    }

    /** The kept check nearest {@code position} after it (or before it): its position, its hash into {@code hash}; or 0. */
    private long nearest(final long position, final boolean after, final MutableLong hash)
    {
        long best = 0;
        long bestHash = 0;
        for (int slot = 0; slot < CAPACITY; slot++)
        {
            final long at = positions.get(slot);
            if (after ? at > position && (best == 0 || at < best) : at != 0 && at < position && at > best)
            {
                final long value = hashes.get(slot);
                if (positions.get(slot) == at)
                {
                    best = at;
                    bestHash = value;
                }
            }
        }
        if (best != 0)
        {
            hash.set(bestHash);
        }
        return best;
    }

    @Override
    public String toString()
    {
        return "StateChecks{latest=" + latest + "}";
    }
}
