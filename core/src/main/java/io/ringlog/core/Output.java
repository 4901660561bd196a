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
     * Event types are zero or positive; negative ones are the engine's.
     */
    MutableDirectBuffer claim(int type);

    /** Finishes the event started by {@link #claim(int)} with a payload of {@code length} bytes. */
    void commit(int length);

    /**
     * Emits a rejection of the current command: an event of type {@link OutputEvent#REJECTED} whose
     * payload is the reason code. Business reasons are positive; {@link Rejections} lists the engine's.
     */
    void reject(int reasonCode);
}
