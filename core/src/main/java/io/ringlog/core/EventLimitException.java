package io.ringlog.core;

/**
 * A command emitted more than the engine's output takes for one command: more events than the output ring holds
 * ({@link EngineContext#outputRingSize}), or an event longer than {@link EngineContext#maxEventPayloadLength}. It halts
 * the engine whatever its {@link ErrorPolicy}, as a {@link CannotApply} does: the limit is the engine's setting, not a
 * property of the command's place in the history, so a rejection would make the state a function of the journal and
 * of that setting. Rejected, the command's changes to the state before the emit stayed while clients were told it
 * failed, and a restart with the limit raised (as the message advised) applied it whole, to another state hash (a
 * reviewer's ledger: 65 of 100 credits kept live, 100 in the replay). Halted, the command is journaled, and a start
 * with the limit raised applies it whole, live and in every replay alike.
 */
public final class EventLimitException extends IllegalArgumentException implements CannotApply, Diagnosed
{
    private static final long serialVersionUID = 1L;

    public EventLimitException(final String message)
    {
        super(message);
    }
}
