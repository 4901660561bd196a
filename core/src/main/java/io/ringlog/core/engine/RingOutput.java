package io.ringlog.core.engine;

import com.lmax.disruptor.RingBuffer;
import io.ringlog.core.Command;
import io.ringlog.core.EventLimitException;
import io.ringlog.core.Output;
import io.ringlog.core.OutputContract;
import io.ringlog.core.OutputEvent;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * The business-logic thread's {@link Output}, and the only producer of the output ring.
 * <p>
 * Events are written into slots past the ring's cursor without claiming them, so no listener can see
 * them; {@link #flush()} then claims and publishes everything written so far as one range: one
 * cursor write and one wake-up for many events, no CAS. Only whole commands are ever flushed (at the
 * end of a ring batch, or once a quarter of the ring waits), so a listener never sees part of a
 * command, and a command that throws is {@link #abort aborted} by forgetting its events: they were
 * never visible. Before writing a slot the output checks, without claiming, that the listeners have
 * freed it; if not, it publishes the whole commands it holds and waits.
 * <p>
 * (A claim per event is what a single-producer Disruptor sequencer cannot be trusted with here: when
 * it refreshes its view of the consumers it moves its cursor to the last claimed slot, publishing the
 * first events of an unfinished command.)
 * <p>
 * Listeners on the business-logic thread ({@link InlineListeners}) get each range as it is published,
 * before {@code flush()} returns; they hold no slot, so the ring waits only for the threaded ones.
 * <p>
 * In discard mode (replay with no listener that wants it) events go to a scratch buffer, under the
 * same per-command limit, so live and replay behave alike.
 */
public final class RingOutput implements Output
{

    private final RingBuffer<OutputEvent> ring;
    private final int capacity;
    private final int flushAt;
    private final int maxEventsPerCommand;
    private final EngineStatus status;
    private final InlineListeners inline;
    private final UnsafeBuffer scratch;
    private final IdleStrategy idle = new BackoffIdleStrategy(64, 64, 1_000, 50_000);
    private Command cause;
    private boolean replay;
    private boolean discard;
    /** Last sequence published: the ring's cursor, since this is its only producer. */
    private long published = -1;
    /** Last sequence written; {@code published + 1 .. written} wait for a flush. */
    private long written = -1;
    /** First sequence of the current command's events. */
    private long commandStart;
    private int count;
    private OutputEvent current;
    private MutableDirectBuffer currentPayload;
    private boolean claimed;
    /** The reason code of the claimed rejection, or 0 when the claimed event is not one. */
    private int claimedReason;
    private boolean rejectedByStateMachine;

    public RingOutput(final RingBuffer<OutputEvent> ring, final int maxEventPayloadLength, final EngineStatus status,
        final InlineListeners inline)
    {
        this.ring = ring;
        this.capacity = ring.getBufferSize();
        // Mid-batch, whole commands go out once a quarter of the ring waits: often enough that listeners
        // work alongside logic, rarely enough that waking a parked listener (a futex call) stays cheap.
        this.flushAt = Math.max(1, capacity / 4);
        // The events of one command must fit in the ring at once.
        this.maxEventsPerCommand = capacity;
        this.status = status;
        this.inline = inline == null || inline.isEmpty() ? null : inline;
        this.scratch = new UnsafeBuffer(new byte[maxEventPayloadLength]);
    }

    /** Starts the events of {@code cause}; {@code discard} drops them (a replay no listener wants). */
    public void begin(final Command cause, final boolean replay, final boolean discard)
    {
        this.cause = cause;
        this.replay = replay;
        this.discard = discard;
        this.commandStart = written + 1;
        this.count = 0;
        this.claimed = false;
        this.rejectedByStateMachine = false;
    }

    /** Ends the command; its events wait for {@link #flush()}, or go out when enough whole commands wait. */
    public void end()
    {
        if (claimed)
        {
            claimed = false;
            abort();
            throw new IllegalStateException("an event claimed with claim() was never committed");
        }
        cause = null;
        if (written - published >= flushAt)
        {
            flush();
        }
    }

    /** Forgets the command's events: they were never published, so nobody ever sees them. */
    public void abort()
    {
        written = commandStart - 1;
        count = 0;
        claimed = false;
        cause = null;
    }

    /**
     * Publishes every whole command written so far as one range, then hands it to the inline listeners,
     * if any, on this thread.
     */
    public void flush()
    {
        final long end = cause == null ? written : commandStart - 1;
        if (end > published)
        {
            final long lo = published + 1;
            final long hi = ring.next((int)(end - published));
            ring.publish(lo, hi);
            published = hi;
            if (inline != null)
            {
                inline.deliver(ring, lo, hi);
            }
        }
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
        rejectedByStateMachine = true;
        return claimRejection0(reasonCode);
    }

    /** Whether the state machine rejected the command begun last (counted once it applied whole). */
    public boolean rejectedByStateMachine()
    {
        return rejectedByStateMachine;
    }

    /** A rejection with one of the engine's own (negative) reasons: the business logic's, never the state machine's. */
    public void engineReject(final int reasonCode)
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
            throw new EventLimitException("command at position " + cause.position() + " emitted more than " +
                maxEventsPerCommand + " events, the most the output ring takes for one command (outputRingSize " +
                maxEventsPerCommand + "): the engine halts, the command journaled; start it with a larger outputRingSize " +
                "and the command is applied whole");
        }
        claimed = true;
        claimedReason = 0;
        if (discard)
        {
            count++;
            currentPayload = scratch;
            return scratch;
        }
        final long sequence = written + 1;
        awaitFree(sequence);
        current = ring.get(sequence);
        current.reset(cause, type, count, replay);
        count++;
        written = sequence;
        currentPayload = current.mutablePayload();
        return currentPayload;
    }

    /** Waits until the listeners have moved past the lap before {@code sequence}, publishing whole commands first. */
    private void awaitFree(final long sequence)
    {
        if (ring.hasAvailableCapacity((int)(sequence - published)))
        {
            return;
        }
        flush();
        idle.reset();
        while (!ring.hasAvailableCapacity((int)(sequence - published)))
        {
            if (status.abandoning())
            {
                claimed = false;
                throw new ListenersStopped();
            }
            idle.idle();
        }
    }

    /** The capacity of the event claimed and not yet committed, or -1 when none is. */
    public int claimedCapacity()
    {
        return claimed ? scratch.capacity() : -1;
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

    /**
     * Thrown into the state machine's {@code claim} when a close that timed out stopped the listeners while
     * the business logic waited for room: not the command's failure, and not counted as one.
     */
    public static final class ListenersStopped extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        ListenersStopped()
        {
            this("the engine is closing and its listeners have stopped");
        }

        /** Says itself: what happened is the close's timeout, not a fault in code a stack would point at. */
        ListenersStopped(final String message)
        {
            super(message, null, false, false);
        }
    }
}
