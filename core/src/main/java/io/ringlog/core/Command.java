package io.ringlog.core;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One sequenced command: the header every command carries and its payload. Instances are ring
 * slots (or a reader's reusable instance during replay), so a {@link StateMachine} must not keep a
 * reference to one, nor to its payload buffer, after {@code apply} returns.
 */
public final class Command
{
    private long position;
    private long timestamp;
    private long sourceId;
    private long sourceSequence;
    private long correlationId;
    private int type;
    private int version;
    private int payloadLength;
    private final UnsafeBuffer payload;
    /** The same bytes, {@code payloadLength} of them: what readers get, so none reads an earlier command's bytes. */
    private final UnsafeBuffer view;

    /**
     * @param maxPayloadLength capacity of this command's payload buffer, preallocated once.
     */
    public Command(final int maxPayloadLength)
    {
        payload = new UnsafeBuffer(new byte[maxPayloadLength]);
        view = new UnsafeBuffer(payload.byteArray(), 0, 0);
    }

    /** Position in the total order: gap-free, increasing, 1 for the first command ever. */
    public long position()
    {
        return position;
    }

    /**
     * Epoch nanoseconds stamped once at ingress; the only time business logic may use. Not ordered by position:
     * two producers' commands can take their slots in the other order than they read the clock, and the clock may
     * step back (a wall clock corrected). A state machine that needs time to only move forward keeps the largest it
     * has seen (in its state, so replay gives the same).
     */
    public long timestamp()
    {
        return timestamp;
    }

    /** Who sent the command; 0 means anonymous, which is never deduplicated. */
    public long sourceId()
    {
        return sourceId;
    }

    /** The sender's own sequence; a second command with sequence at or below the last applied one is a duplicate. */
    public long sourceSequence()
    {
        return sourceSequence;
    }

    /** Opaque to the engine; copied into every event the command causes. */
    public long correlationId()
    {
        return correlationId;
    }

    /** Command type; negative types are reserved for the engine (see {@link SystemCommands}). */
    public int type()
    {
        return type;
    }

    /** Schema version of the payload for this type. */
    public int version()
    {
        return version;
    }

    /**
     * The payload: {@link #payloadLength()} bytes from offset 0, and no more. The slot's buffer is reused, so
     * bytes past the length are an earlier command's, different live and on replay: reading there throws
     * {@link IndexOutOfBoundsException} (Agrona's bounds checks, on unless {@code agrona.disable.bounds.checks}
     * is set), never returns them. A command with no payload has none to read.
     */
    public DirectBuffer payload()
    {
        return view;
    }

    public int payloadLength()
    {
        return payloadLength;
    }

    /** Capacity of the payload buffer. */
    public int maxPayloadLength()
    {
        return payload.capacity();
    }

    /**
     * Fills this command. For stages and readers that rebuild commands (a journal reader, an
     * upcaster, a standby); business logic never calls it.
     */
    public Command set(
        final long position,
        final long timestamp,
        final int type,
        final int version,
        final long sourceId,
        final long sourceSequence,
        final long correlationId,
        final DirectBuffer src,
        final int srcOffset,
        final int length)
    {
        checkLength(length);
        this.position = position;
        this.timestamp = timestamp;
        this.type = type;
        this.version = version;
        this.sourceId = sourceId;
        this.sourceSequence = sourceSequence;
        this.correlationId = correlationId;
        this.payloadLength = length;
        view.wrap(payload.byteArray(), 0, length);
        if (length > 0)
        {
            payload.putBytes(0, src, srcOffset, length);
        }
        return this;
    }

    /** Replaces the payload (and its version) in place: what an upcaster does. */
    public void payload(final int version, final DirectBuffer src, final int srcOffset, final int length)
    {
        checkLength(length);
        this.version = version;
        this.payloadLength = length;
        view.wrap(payload.byteArray(), 0, length);
        payload.putBytes(0, src, srcOffset, length);
    }

    /** Writable payload for codecs that fill in place; finish with {@link #payloadLength(int)}. */
    public UnsafeBuffer mutablePayload()
    {
        return payload;
    }

    public void payloadLength(final int length)
    {
        checkLength(length);
        this.payloadLength = length;
        view.wrap(payload.byteArray(), 0, length);
    }

    void position(final long position)
    {
        this.position = position;
    }

    void header(
        final long timestamp,
        final int type,
        final int version,
        final long sourceId,
        final long sourceSequence,
        final long correlationId)
    {
        this.timestamp = timestamp;
        this.type = type;
        this.version = version;
        this.sourceId = sourceId;
        this.sourceSequence = sourceSequence;
        this.correlationId = correlationId;
    }

    private void checkLength(final int length)
    {
        if (length < 0 || length > payload.capacity())
        {
            throw new IllegalArgumentException(
                "payload length " + length + " outside 0.." + payload.capacity() + " (maxPayloadLength)");
        }
    }

    @Override
    public String toString()
    {
        return "Command{position=" + position + ", type=" + type + ", version=" + version +
            ", timestamp=" + timestamp + ", sourceId=" + sourceId + ", sourceSequence=" + sourceSequence +
            ", correlationId=" + correlationId + ", payloadLength=" + payloadLength + '}';
    }
}
