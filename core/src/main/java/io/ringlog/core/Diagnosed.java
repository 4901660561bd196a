package io.ringlog.core;

/**
 * Marks an exception whose message says what happened and what to do: a condition that was
 * recognised and described (a fenced primary, a history that diverged, a refusal), not a bug. The
 * engine's default error handler prints it in one line, without a stack trace, which would say
 * nothing more to the operator who reads it. An application may mark its own such exceptions.
 */
public interface Diagnosed
{
}
