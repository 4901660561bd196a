package io.ringlog.core;

/** Recorded when a {@link StateMachine} throws: which command, at which position, and why. */
public class CommandFailedException extends RuntimeException
{
    private static final long serialVersionUID = 1L;
    private final long position;
    private final int commandType;

    public CommandFailedException(final long position, final int commandType, final Throwable cause)
    {
        this(position, commandType, cause, null);
    }

    /** @param hint what the cause most likely means, in words, or null. */
    public CommandFailedException(final long position, final int commandType, final Throwable cause, final String hint)
    {
        // A diagnosed cause's message says it all; its class name only read as a bug's (a reviewer's finding).
        super("command at position " + position + " (type " + commandType + ") failed: " +
            (cause instanceof Diagnosed ? cause.getMessage() : String.valueOf(cause)) +
            (hint == null ? "" : " (" + hint + ")"), cause);
        this.position = position;
        this.commandType = commandType;
    }

    public long position()
    {
        return position;
    }

    public int commandType()
    {
        return commandType;
    }
}
