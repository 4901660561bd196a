package io.ringlog.core;

/**
 * Marks an exception a {@link StateMachine} throws for a command this code cannot apply at all, whatever the state: one
 * of a newer schema version than it knows, say, which the code that wrote it does apply. It halts the engine whatever its
 * {@link ErrorPolicy}: a rejection, which that code's replay of the same journal would not make, would fork the history,
 * and every event after it would be of a state that is not the journal's. Like a JVM error, it is not a property of the
 * command's place in the history, so it is never a deterministic rejection.
 */
public interface CannotApply
{
}
