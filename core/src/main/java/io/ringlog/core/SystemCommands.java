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

    /**
     * The first command of a promoted follower ({@link Engine#promote(long)}): its payload is the
     * epoch it was promoted in, 8 bytes little-endian. Applies as nothing; it marks in the journal,
     * at an exact position, where that epoch's history begins, so replicas can tell whose history
     * an entry belongs to.
     */
    public static final int EPOCH = -3;

    /** Payload length of an {@link #EPOCH} command. */
    public static final int EPOCH_LENGTH = 8;

    private SystemCommands()
    {
    }
}
