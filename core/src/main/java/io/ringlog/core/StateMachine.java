package io.ringlog.core;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The business logic: all of a service's state, changed only by {@link #apply}, on one thread.
 * <p>
 * To keep replay deterministic an implementation may read only the command (its timestamp is the
 * clock) and its own state: no wall clock, no unseeded randomness, no I/O, and no iteration order
 * that depends on identity hash codes. A business rejection is an event
 * ({@link Output#reject(int)}), not an exception; an exception is treated as a bug and handled by the
 * engine's {@link ErrorPolicy}. Validate before mutating, so a command that throws leaves no half
 * change behind.
 */
public interface StateMachine
{
    /** Applies one command, emitting any events it causes to {@code output}. */
    void apply(Command command, Output output);

    /**
     * Writes the whole state into {@code buffer} from {@code offset} and returns the bytes written.
     * The buffer expands on demand. The encoding must be deterministic: equal states, equal bytes.
     */
    int writeSnapshot(MutableDirectBuffer buffer, int offset);

    /** Replaces the state with one written by {@link #writeSnapshot}; called on a fresh instance before replay. */
    void loadSnapshot(DirectBuffer buffer, int offset, int length);

    /** A hash of the whole state, equal for equal states regardless of how they were reached. */
    long stateHash();

    /**
     * The name of one of this state machine's rejection reasons ({@link Output#reject(int)}'s codes), for tools that
     * count rejections by reason ({@code scripts/journal replay}); null, the default, where it has none, and the code
     * is shown as a number. The engine's own (negative) reasons are named by {@link Rejections#describe}. Called on any
     * thread, after the replay too: a function of the code alone.
     */
    default String rejectionName(final int reasonCode)
    {
        return null;
    }
}
