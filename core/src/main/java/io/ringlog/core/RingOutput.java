package io.ringlog.core;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * The business-logic thread's {@link Output}. Events of a command are claimed as they are emitted
 * and published together when the command ends; if the command fails they are published cancelled,
 * so listeners never see them. In discard mode (replay with no listener that wants it) events go to
 * a scratch buffer, under the same per-command limit, so live and replay behave alike.
 * <p>
 * The ring is a multi-producer ring although only this thread publishes: a single-producer
 * sequencer moves its cursor to the last <em>claimed</em> slot whenever it refreshes its view of the
 * consumers, which would show listeners the first events of a command before the command ended
 * (or failed). The multi-producer sequencer marks each slot published on its own.
 */
final class RingOutput implements Output
{
    private final RingBuffer<OutputEvent> ring;
    private final int maxEventsPerCommand;
    private final Engine engine;
    private final UnsafeBuffer scratch;
    private Command cause;
    private boolean replay;
    private boolean discard;
    private long first = -1;
    private int count;
    private OutputEvent current;
    private MutableDirectBuffer currentPayload;
    private boolean claimed;
    /** The reason code of the claimed rejection, or 0 when the claimed event is not one. */
    private int claimedReason;

    RingOutput(final RingBuffer<OutputEvent> ring, final int maxEventPayloadLength, final Engine engine)
    {
        this.ring = ring;
        this.engine = engine;
        // Claimed but unpublished slots hold the consumers back: a command may not claim the whole ring.
        this.maxEventsPerCommand = ring.getBufferSize() - 1;
        this.scratch = new UnsafeBuffer(new byte[maxEventPayloadLength]);
    }

    void begin(final Command cause, final boolean replay, final boolean discard)
    {
        this.cause = cause;
        this.replay = replay;
        this.discard = discard;
        this.first = -1;
        this.count = 0;
        this.claimed = false;
    }

    /** Publishes the command's events. */
    void end()
    {
        if (claimed)
        {
            claimed = false;
            throw new IllegalStateException("an event claimed with claim() was never committed");
        }
        if (count > 0 && !discard)
        {
            ring.publish(first, first + count - 1);
        }
        count = 0;
        cause = null;
    }

    /** Publishes the command's events cancelled: the slots are used, nobody sees them. */
    void abort()
    {
        if (count > 0 && !discard)
        {
            final long last = first + count - 1;
            for (long seq = first; seq <= last; seq++)
            {
                ring.get(seq).cancel();
            }
            ring.publish(first, last);
        }
        count = 0;
        claimed = false;
        cause = null;
    }

    @Override
    public MutableDirectBuffer claim(final int type)
    {
        OutputContract.checkEventType(type);
        return claim0(type);
    }

    @Override
    public MutableDirectBuffer claimRejection(final int reasonCode)
    {
        OutputContract.checkRejectReason(reasonCode);
        return claimRejection0(reasonCode);
    }

    /** A rejection with one of the engine's own (negative) reasons: the business logic's, never the state machine's. */
    void engineReject(final int reasonCode)
    {
        claimRejection0(reasonCode);
        commit(Integer.BYTES);
    }

    private MutableDirectBuffer claimRejection0(final int reasonCode)
    {
        final MutableDirectBuffer buffer = claim0(OutputEvent.REJECTED);
        buffer.putInt(0, reasonCode, ByteOrder.LITTLE_ENDIAN);
        claimedReason = reasonCode;
        return buffer;
    }

    private MutableDirectBuffer claim0(final int type)
    {
        if (cause == null)
        {
            throw new IllegalStateException("events can only be emitted while a command is applied");
        }
        if (claimed)
        {
            throw new IllegalStateException("commit() the claimed event before claiming another");
        }
        if (count == maxEventsPerCommand)
        {
            throw new IllegalStateException("command at position " + cause.position() + " emitted more than " +
                maxEventsPerCommand + " events; raise outputRingSize");
        }
        claimed = true;
        claimedReason = 0;
        if (discard)
        {
            count++;
            currentPayload = scratch;
            return scratch;
        }
        final long seq = nextSlot();
        if (count == 0)
        {
            first = seq;
        }
        current = ring.get(seq);
        current.reset(cause, type, count, replay);
        count++;
        currentPayload = current.mutablePayload();
        return currentPayload;
    }

    /** Waits for a free slot, but gives up if the engine is being abandoned (listeners gone). */
    private long nextSlot()
    {
        int idle = 0;
        while (true)
        {
            try
            {
                return ring.tryNext();
            }
            catch (final InsufficientCapacityException ex)
            {
                if (engine.abandoning())
                {
                    claimed = false;
                    throw new IllegalStateException("the engine is closing and its listeners have stopped");
                }
                idle = Engine.backOff(idle);
            }
        }
    }

    @Override
    public void commit(final int length)
    {
        if (!claimed)
        {
            throw new IllegalStateException("commit() without claim()");
        }
        OutputContract.checkPayloadLength(length, scratch.capacity());
        if (claimedReason != 0)
        {
            OutputContract.checkRejectionLength(length);
            if (currentPayload.getInt(0, ByteOrder.LITTLE_ENDIAN) != claimedReason)
            {
                throw new IllegalStateException("the rejection's reason code at offset 0 was overwritten: " +
                    "claimRejection(" + claimedReason + ") owns the first 4 bytes");
            }
        }
        claimed = false;
        if (!discard)
        {
            current.payloadLength(length);
        }
    }

    @Override
    public void emit(final int type, final DirectBuffer src, final int offset, final int length)
    {
        if (src == null)
        {
            throw new IllegalArgumentException("event payload must not be null");
        }
        OutputContract.checkPayloadLength(length, scratch.capacity());
        final MutableDirectBuffer buffer = claim(type);
        if (length > 0)
        {
            buffer.putBytes(0, src, offset, length);
        }
        commit(length);
    }
}
