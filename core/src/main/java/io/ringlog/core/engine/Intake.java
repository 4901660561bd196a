package io.ringlog.core.engine;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import io.ringlog.core.Command;
import io.ringlog.core.SystemCommands;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.function.Supplier;

/**
 * Where commands enter the input ring: each gets its position ({@code basePosition + sequence}) and
 * ingress timestamp here. Producers wait on a full ring with an Agrona {@link IdleStrategy}, one
 * per producer thread, made on first need.
 *
 * <h2>Close loses nothing accepted</h2>
 * A publisher claims its slot first and then reads the engine's state; {@code close()} writes the
 * state first and then reads the ring's cursor. Both are volatile, so either the publisher sees the
 * engine closed (and publishes its slot void, and throws: not accepted), or close sees the claim (and
 * drains it). No shared counter is written on the publish path.
 */
public final class Intake
{
    private static final UnsafeBuffer EMPTY = new UnsafeBuffer(new byte[0]);

    private final RingBuffer<Command> ring;
    private final EngineStatus status;
    private final EpochNanoClock clock;
    private final int maxPayloadLength;
    private final long basePosition;
    private final ThreadLocal<IdleStrategy> idleStrategies;

    /**
     * @param basePosition the position of ring sequence 0: the journal's last position at launch, plus one.
     */
    public Intake(
        final RingBuffer<Command> ring,
        final EngineStatus status,
        final EpochNanoClock clock,
        final int maxPayloadLength,
        final long basePosition,
        final Supplier<IdleStrategy> idleStrategy)
    {
        this.ring = ring;
        this.status = status;
        this.clock = clock;
        this.maxPayloadLength = maxPayloadLength;
        this.basePosition = basePosition;
        this.idleStrategies = ThreadLocal.withInitial(idleStrategy);
    }

    /** Position of ring sequence 0. */
    public long basePosition()
    {
        return basePosition;
    }

    /** Position the next command will get, as of now. */
    public long nextPosition()
    {
        return basePosition + ring.getCursor() + 1;
    }

    /**
     * Publishes one command, waiting while the ring is full when {@code wait}; returns its position,
     * or -1 if it did not wait and the ring was full.
     */
    public long publish(
        final int type,
        final int version,
        final long sourceId,
        final long sourceSequence,
        final long correlationId,
        final DirectBuffer payload,
        final int offset,
        final int length,
        final boolean wait)
    {
        checkCommand(type, sourceId, sourceSequence, payload, offset, length);
        return publish0(type, version, sourceId, sourceSequence, correlationId, payload, offset, length, wait);
    }

    /** Publishes one of the engine's own commands (a snapshot request), waiting for room. */
    public long publishSystem(final int type)
    {
        return publish0(type, 1, 0, 0, 0, EMPTY, 0, 0, true);
    }

    private long publish0(
        final int type,
        final int version,
        final long sourceId,
        final long sourceSequence,
        final long correlationId,
        final DirectBuffer payload,
        final int offset,
        final int length,
        final boolean wait)
    {
        final long sequence = claim(1, wait);
        if (sequence < 0)
        {
            return -1;
        }
        final long position = basePosition + sequence;
        final Command slot = ring.get(sequence);
        try
        {
            slot.set(position, clock.nanoTime(), type, version, sourceId, sourceSequence, correlationId, payload, offset,
                length);
        }
        catch (final RuntimeException | Error ex)
        {
            voidSlot(slot, position, correlationId);
            ring.publish(sequence);
            throw ex;
        }
        ring.publish(sequence);
        return position;
    }

    /**
     * Claims {@code count} slots and returns the last sequence, or -1 if not waiting and the ring is full.
     * Checks the engine's state after the claim (see the class comment): a claim made after close is
     * published void, and the publisher is told.
     */
    private long claim(final int count, final boolean wait)
    {
        status.checkOpen();
        long hi;
        try
        {
            hi = ring.tryNext(count);
        }
        catch (final InsufficientCapacityException full)
        {
            if (!wait)
            {
                return -1;
            }
            hi = awaitRoom(count);
        }
        if (!status.open())
        {
            final long lo = hi - count + 1;
            for (long s = lo; s <= hi; s++)
            {
                voidSlot(ring.get(s), basePosition + s, 0);
            }
            ring.publish(lo, hi);
            status.checkOpen();
        }
        return hi;
    }

    private long awaitRoom(final int count)
    {
        final IdleStrategy idle = idleStrategies.get();
        idle.reset();
        while (true)
        {
            status.checkOpen();
            idle.idle();
            try
            {
                return ring.tryNext(count);
            }
            catch (final InsufficientCapacityException stillFull)
            {
                // keep waiting: back-pressure, never a drop
            }
        }
    }

    private static void voidSlot(final Command slot, final long position, final long correlationId)
    {
        slot.set(position, 0, SystemCommands.VOID, 1, 0, 0, correlationId, EMPTY, 0, 0);
    }

    private void checkCommand(
        final int type,
        final long sourceId,
        final long sourceSequence,
        final DirectBuffer payload,
        final int offset,
        final int length)
    {
        if (type < 0)
        {
            throw new IllegalArgumentException("command type " + type + " is reserved for the engine; use 0 or above");
        }
        if (sourceId != 0 && sourceSequence < 0)
        {
            throw new IllegalArgumentException("source sequence " + sourceSequence + " of source " + sourceId +
                " is negative; sequences of a (non-zero) source start at 0 or above");
        }
        checkPayload(payload, offset, length);
    }

    private void checkPayload(final DirectBuffer payload, final int offset, final int length)
    {
        if (payload == null)
        {
            throw new IllegalArgumentException("payload must not be null (use an empty buffer and length 0)");
        }
        if (length < 0 || length > maxPayloadLength)
        {
            throw new IllegalArgumentException("payload length " + length + " outside 0.." + maxPayloadLength +
                " (maxPayloadLength)");
        }
        if (offset < 0 || (long)offset + length > payload.capacity())
        {
            throw new IllegalArgumentException("payload range [" + offset + ", " + ((long)offset + length) +
                ") is outside the buffer's capacity " + payload.capacity());
        }
    }
}
