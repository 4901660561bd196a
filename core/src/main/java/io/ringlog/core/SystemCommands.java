package io.ringlog.core;

/**
 * Command types the engine reserves for itself. They travel through the journal like any other
 * command, so what they do happens at an exact position. User command types are zero or positive.
 */
public final class SystemCommands
{
    /** Take a snapshot of the state after this position. Ignored on replay. */
    public static final int SNAPSHOT = -1;

    /**
     * Fills a ring slot whose publisher failed after claiming it (its clock threw, say): the slot
     * must be published for the stages to move on. Journaled like any command; applies as nothing.
     */
    public static final int VOID = -2;

    private SystemCommands()
    {
    }
}
