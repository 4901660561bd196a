package io.ringlog.core;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Where a {@link StateMachine} emits the events a command causes. Every event is stamped with the
 * command's position, correlation id, source and timestamp. No event of a command is visible to a
 * listener before {@code apply} returns (and the command is durable); if {@code apply} throws, none
 * ever is. A listener may receive one command's events across more than one batch.
 */
public interface Output
{
    /** Emits an event whose payload is copied from {@code src}. */
    void emit(int type, DirectBuffer src, int offset, int length);

    /**
     * Claims the next event to fill in place, without copying: write the payload from offset 0 of
     * the returned buffer, then call {@link #commit(int)} before claiming or emitting another.
     * Event types are zero or positive; negative ones are the engine's (see {@link OutputContract}).
     */
    MutableDirectBuffer claim(int type);

    /** Finishes the event started by {@link #claim(int)} with a payload of {@code length} bytes. */
    void commit(int length);

    /**
     * Claims a rejection of the current command to fill in place: an event of type
     * {@link OutputEvent#REJECTED} whose payload starts with {@code reasonCode} (a little-endian int,
     * already written at offset 0, where {@link OutputEvent#rejectReason()} reads it). Write any
     * details from offset 4 on, then {@link #commit(int)} with a length of at least 4. Use it when a
     * rejection carries more than its reason (the order, the account); {@link #reject(int)} otherwise.
     *
     * @param reasonCode a business reason: positive ({@link Rejections} lists the engine's own, negative, codes).
     * @throws IllegalArgumentException if the code is zero or negative.
     */
    MutableDirectBuffer claimRejection(int reasonCode);

    /**
     * Emits a rejection of the current command whose payload is only the reason code:
     * {@link #claimRejection(int)} and {@code commit(4)}.
     */
    default void reject(final int reasonCode)
    {
        claimRejection(reasonCode);
        commit(Integer.BYTES);
    }
}
