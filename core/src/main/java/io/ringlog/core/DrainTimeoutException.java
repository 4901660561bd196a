package io.ringlog.core;

/**
 * {@link Engine#close()} gave up draining at its {@code closeTimeout}: the engine is stopped, and
 * {@link #commandsUnapplied()} says whether accepted commands were left unapplied (the business logic had
 * not reached the end of the input ring) or only left unshipped by an asynchronous replicator or
 * undelivered to a listener. Either way the journal holds every command it
 * acknowledged, and a restart replays it.
 */
public class DrainTimeoutException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;
    private final boolean commandsUnapplied;

    public DrainTimeoutException(final String message, final boolean commandsUnapplied)
    {
        super(message);
        this.commandsUnapplied = commandsUnapplied;
    }

    /** True when accepted commands were not all applied; false when only the replicator or listeners lagged. */
    public boolean commandsUnapplied()
    {
        return commandsUnapplied;
    }
}
