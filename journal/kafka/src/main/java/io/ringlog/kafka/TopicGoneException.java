package io.ringlog.kafka;

/**
 * A topic the sink produced to is not on the broker any more (deleted under a running engine): the broker answers, so
 * its timeout words ("is it running?") would mislead whoever reads them. The message says what happened and how to go
 * on; the cause is the Kafka client's timeout that revealed it.
 */
public final class TopicGoneException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    public TopicGoneException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
