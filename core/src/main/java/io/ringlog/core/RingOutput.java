package io.ringlog.core;

import com.lmax.disruptor.RingBuffer;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * The business-logic thread's {@link Output}: the single producer of the output ring. Events of a
 * command are claimed as they are emitted and published together when the command ends; if the
 * command fails they are published cancelled, so listeners never see them. In discard mode (replay
 * with no listener that wants it) events go to a scratch buffer.
 */
final class RingOutput implements Output
{
    private final RingBuffer<OutputEvent> ring;
    private final int ringSize;
    private final UnsafeBuffer scratch;
    private Command cause;
    private boolean replay;
    private boolean discard;
    private long first = -1;
    private int count;
    private OutputEvent current;
    private boolean claimed;

    RingOutput(final RingBuffer<OutputEvent> ring, final int maxEventPayloadLength)
    {
        this.ring = ring;
        this.ringSize = ring.getBufferSize();
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
        if (cause == null)
        {
            throw new IllegalStateException("events can only be emitted while a command is applied");
        }
        if (claimed)
        {
            throw new IllegalStateException("commit() the claimed event before claiming another");
        }
        claimed = true;
        if (discard)
        {
            count++;
            return scratch;
        }
        if (count == ringSize - 1)
        {
            claimed = false;
            throw new IllegalStateException("command at position " + cause.position() + " emitted more than " +
                (ringSize - 1) + " events; raise outputRingSize");
        }
        final long seq = ring.next();
        if (count == 0)
        {
            first = seq;
        }
        current = ring.get(seq);
        current.reset(cause, type, count, replay);
        count++;
        return current.mutablePayload();
    }

    @Override
    public void commit(final int length)
    {
        if (!claimed)
        {
            throw new IllegalStateException("commit() without claim()");
        }
        if (length < 0 || length > scratch.capacity())
        {
            throw new IllegalArgumentException("event payload length " + length + " outside 0.." + scratch.capacity() +
                " (maxEventPayloadLength)");
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
        if (length < 0 || length > scratch.capacity())
        {
            throw new IllegalArgumentException("event payload length " + length + " outside 0.." + scratch.capacity() +
                " (maxEventPayloadLength)");
        }
        final MutableDirectBuffer buffer = claim(type);
        if (length > 0)
        {
            buffer.putBytes(0, src, offset, length);
        }
        commit(length);
    }

    @Override
    public void reject(final int reasonCode)
    {
        claim(OutputEvent.REJECTED).putInt(0, reasonCode, ByteOrder.LITTLE_ENDIAN);
        commit(4);
    }
}
