package io.ringlog.core;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.function.Supplier;

/**
 * One sequenced command: the header every command carries and its payload. Instances are ring
 * slots (or a reader's reusable instance during replay), so a {@link StateMachine} must not keep a
 * reference to one, nor to its payload buffer, after {@code apply} returns.
 *
 * <p>The header and the payload are bytes of one array, the header first, and a ring's slots lie end to
 * end in shared arrays ({@link #ringSlots}): a publish writes one run of memory, a line or two for a small
 * command, which is what the stage on the other core then has to fetch. As fields of four objects (the
 * command, two buffers and the payload's own array), a command took three or four lines each way, and on a
 * machine whose cores pass lines slowly each line cost about as much as a whole event of a bare Disruptor.
 */
public final class Command
{
    private static final int POSITION = 0;
    private static final int TIMESTAMP = 8;
    private static final int SOURCE_ID = 16;
    private static final int SOURCE_SEQUENCE = 24;
    private static final int CORRELATION_ID = 32;
    private static final int TYPE = 40;
    private static final int VERSION = 44;
    private static final int PAYLOAD_LENGTH = 48;
    /** The header's length, rounded up so the payload starts 8-aligned. */
    static final int HEADER = 56;

    /** This command's header, then its payload: {@link #HEADER} + maxPayloadLength bytes. */
    private final UnsafeBuffer slot;
    /** The payload's bytes, all maxPayloadLength of them: what codecs fill in place. */
    private final UnsafeBuffer payload;
    /** The same bytes, {@code payloadLength} of them: what readers get, so none reads an earlier command's bytes. */
    private final UnsafeBuffer view;

    /**
     * @param maxPayloadLength capacity of this command's payload buffer, preallocated once.
     */
    public Command(final int maxPayloadLength)
    {
        this(new byte[HEADER + RingSlots.checkMax(HEADER, maxPayloadLength)], 0, maxPayloadLength);
    }

    private Command(final byte[] bytes, final int offset, final int maxPayloadLength)
    {
        slot = new UnsafeBuffer(bytes, offset, HEADER + maxPayloadLength);
        payload = new UnsafeBuffer(bytes, offset + HEADER, maxPayloadLength);
        view = new UnsafeBuffer(bytes, offset + HEADER, 0);
    }

    /**
     * The slots of one ring, handed out in order (a ring asks for its slots in sequence order): {@code count}
     * commands laid end to end, 8-aligned, in as few arrays as hold them.
     */
    static Supplier<Command> ringSlots(final int count, final int maxPayloadLength)
    {
        return ringSlots(count, maxPayloadLength, RingSlots.ARRAY_BYTES);
    }

    /** As above, in arrays of at most {@code arrayBytes} (at least one slot each). */
    static Supplier<Command> ringSlots(final int count, final int maxPayloadLength, final int arrayBytes)
    {
        final int max = RingSlots.checkMax(HEADER, maxPayloadLength);
        return new RingSlots<>(count, HEADER + max, arrayBytes, (bytes, offset) -> new Command(bytes, offset, max));
    }

    /** Position in the total order: gap-free, increasing, 1 for the first command ever. */
    public long position()
    {
        return slot.getLong(POSITION);
    }

    /**
     * Epoch nanoseconds stamped once at ingress; the only time business logic may use. Not ordered by position:
     * two producers' commands can take their slots in the other order than they read the clock, and the clock may
     * step back (a wall clock corrected). A state machine that needs time to only move forward keeps the largest it
     * has seen (in its state, so replay gives the same).
     */
    public long timestamp()
    {
        return slot.getLong(TIMESTAMP);
    }

    /** Who sent the command; 0 means anonymous, which is never deduplicated. */
    public long sourceId()
    {
        return slot.getLong(SOURCE_ID);
    }

    /** The sender's own sequence; a second command with sequence at or below the last applied one is a duplicate. */
    public long sourceSequence()
    {
        return slot.getLong(SOURCE_SEQUENCE);
    }

    /** Opaque to the engine; copied into every event the command causes. */
    public long correlationId()
    {
        return slot.getLong(CORRELATION_ID);
    }

    /** Command type; negative types are reserved for the engine (see {@link SystemCommands}). */
    public int type()
    {
        return slot.getInt(TYPE);
    }

    /** Schema version of the payload for this type. */
    public int version()
    {
        return slot.getInt(VERSION);
    }

    /**
     * The payload: {@link #payloadLength()} bytes from offset 0, and no more. The slot's buffer is reused, so
     * bytes past the length are an earlier command's, different live and on replay: reading there throws
     * {@link IndexOutOfBoundsException} (Agrona's bounds checks, on unless {@code agrona.disable.bounds.checks}
     * is set), never returns them. A command with no payload has none to read. The bytes are a region of an array
     * the ring's slots share: code that reaches for {@code byteArray()} starts at {@code wrapAdjustment()}, not 0.
     */
    public DirectBuffer payload()
    {
        return view;
    }

    public int payloadLength()
    {
        return slot.getInt(PAYLOAD_LENGTH);
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
        final UnsafeBuffer slot = this.slot;
        slot.putLong(POSITION, position);
        slot.putLong(TIMESTAMP, timestamp);
        slot.putLong(SOURCE_ID, sourceId);
        slot.putLong(SOURCE_SEQUENCE, sourceSequence);
        slot.putLong(CORRELATION_ID, correlationId);
        slot.putInt(TYPE, type);
        slot.putInt(VERSION, version);
        length(length);
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
        slot.putInt(VERSION, version);
        length(length);
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
        length(length);
    }

    void position(final long position)
    {
        slot.putLong(POSITION, position);
    }

    /** The view is re-wrapped only when the length changes: a wrap writes the view's own line, one more to hand over. */
    private void length(final int length)
    {
        slot.putInt(PAYLOAD_LENGTH, length);
        if (view.capacity() != length)
        {
            view.wrap(payload, 0, length);
        }
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
        return "Command{position=" + position() + ", type=" + type() + ", version=" + version() +
            ", timestamp=" + timestamp() + ", sourceId=" + sourceId() + ", sourceSequence=" + sourceSequence() +
            ", correlationId=" + correlationId() + ", payloadLength=" + payloadLength() + '}';
    }
}
