package io.ringlog.core;

/**
 * Command types the engine reserves for itself. They travel through the journal like any other
 * command, so what they do happens at an exact position. User command types are zero or positive.
 */
public final class SystemCommands
{
    /** Take a snapshot of the state after this position. Ignored on replay. */
    public static final int SNAPSHOT = -1;

    private SystemCommands()
    {
    }
}
