package io.ringlog.core;

/** The engine has stopped taking commands because of an earlier failure, given as the cause. */
public class EngineHaltedException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    public EngineHaltedException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
