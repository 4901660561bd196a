package io.ringlog.core;

/** An {@link OutputListener} threw; the engine recorded it and the listener goes on with later events. */
public class ListenerException extends RuntimeException
{
    private static final long serialVersionUID = 1L;
    private final String listener;
    private final long position;

    public ListenerException(final String listener, final long position, final Throwable cause)
    {
        super("listener '" + listener + "' failed on the event of position " + position + ": " + cause, cause);
        this.listener = listener;
        this.position = position;
    }

    public String listener()
    {
        return listener;
    }

    public long position()
    {
        return position;
    }
}
