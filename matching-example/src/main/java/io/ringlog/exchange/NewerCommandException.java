package io.ringlog.exchange;

/**
 * A command of a schema version newer than this code's, as a journal written by newer code holds after a rollback:
 * this code cannot apply it (read up to the block it knows, it would be applied as something else), and a state
 * replayed past it is not the journal's. Thrown by {@link ExchangeStateMachine#apply} before it changes anything; it
 * halts the engine whatever its error policy ({@link io.ringlog.core.CannotApply}), so no entry point (the command
 * line, a Kafka engine, a replica node, an embedding service) goes on from such a state.
 */
public final class NewerCommandException extends IllegalStateException implements io.ringlog.core.Diagnosed,
    io.ringlog.core.CannotApply
{
    private static final long serialVersionUID = 1L;

    private final long position;

    public NewerCommandException(final String message, final long position)
    {
        super(message);
        this.position = position;
    }

    /** The command's position in its journal. */
    public long position()
    {
        return position;
    }
}
