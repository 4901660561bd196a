package io.ringlog.core;

/** Reason codes the engine itself puts in {@link OutputEvent#REJECTED} events. Business codes are positive. */
public final class Rejections
{
    /** The command's (source id, source sequence) was already applied. */
    public static final int DUPLICATE = -1;
    /** The state machine threw while applying the command; see the engine's error handler for the exception. */
    public static final int COMMAND_FAILED = -2;
    /** A reserved (negative) command type the engine does not know. */
    public static final int UNKNOWN_SYSTEM_COMMAND = -3;
    /** A command of a (non-zero) source with a negative source sequence, which dedup cannot order. */
    public static final int INVALID_SOURCE_SEQUENCE = -4;

    private Rejections()
    {
    }

    public static String describe(final int reasonCode)
    {
        switch (reasonCode)
        {
            case DUPLICATE: return "DUPLICATE";
            case COMMAND_FAILED: return "COMMAND_FAILED";
            case UNKNOWN_SYSTEM_COMMAND: return "UNKNOWN_SYSTEM_COMMAND";
            case INVALID_SOURCE_SEQUENCE: return "INVALID_SOURCE_SEQUENCE";
            default: return Integer.toString(reasonCode);
        }
    }
}
