package io.ringlog.kafka;

/**
 * Thrown by a {@link CommandDecoder} for a record this engine must neither take nor dead-letter: a command newer code
 * sent that this code cannot even journal as it is (longer than its {@code maxPayloadLength}, say). Dead-lettered, it
 * would be passed over for good once a later record moved the engine's resume offset past it. The source stops at it,
 * taking nothing from its offset on, so the engine stops, and a start of the same code stops there again, until code
 * that takes it runs.
 */
public final class NotForThisCodeException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public NotForThisCodeException(final String message)
    {
        super(message);
    }

    public NotForThisCodeException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
