package io.ringlog.kafka;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TimeoutException;

import java.time.Duration;
import java.util.Map;

/**
 * A broker that does not answer, in words: kafka-clients says "Timeout expired after 60000ms while awaiting
 * InitProducerId" or "Topic t not present in metadata after 60000 ms" (the topic exists; the broker is gone).
 * The one place these words are made: the library's failures carry them as an {@link Unanswered}, with Kafka's
 * exception as its cause and its words in parentheses, and a command line passes such a message on as it is
 * ({@link #worded}), wording only a bare Kafka timeout itself ({@link #words}).
 */
public final class BrokerTimeouts
{
    private BrokerTimeouts()
    {
    }

    /** A failure worded here: its message is for the user as it is. Still a Kafka {@link TimeoutException}. */
    public static final class Unanswered extends TimeoutException
    {
        private static final long serialVersionUID = 1L;

        Unanswered(final String message, final Throwable cause)
        {
            super(message, cause);
        }
    }

    /** "the broker at {@code bootstrap} did not answer within {@code within} {@code doing}: is it running? (cause)". */
    static Unanswered unanswered(final Map<String, Object> properties, final Duration within, final String doing,
        final Throwable cause)
    {
        return new Unanswered(words(UndecidedTransactions.bootstrap(properties), within, doing, cause), cause);
    }

    /** "the connection to the broker at {@code bootstrap} was lost {@code doing}: is it running? (cause)". */
    static Unanswered lost(final Map<String, Object> properties, final String doing, final Throwable cause)
    {
        return new Unanswered("the connection to the broker at " + UndecidedTransactions.bootstrap(properties) + " was lost" +
            (doing.isEmpty() ? "" : " " + doing) + ": is it running? (" + cause.getMessage() + ")", cause);
    }

    /**
     * The words for a broker at {@code bootstrap} that did not answer within {@code within} while {@code doing}
     * (may be empty): "the broker at B did not answer within N s doing: is it running? (cause's message)".
     */
    public static String words(final String bootstrap, final Duration within, final String doing, final Throwable cause)
    {
        final Duration rounded = within.toMillis() % 1000 == 0 ? within : within.plusMillis(999);
        return "the broker at " + bootstrap + " did not answer within " + rounded.toSeconds() + " s" +
            (doing.isEmpty() ? "" : " " + doing) + ": is it running? (" + cause.getMessage() + ")";
    }

    /** The failure in {@code failure}'s causes already worded here, or null. */
    public static Unanswered worded(final Throwable failure)
    {
        for (Throwable at = failure; at != null; at = at.getCause() == at ? null : at.getCause())
        {
            if (at instanceof Unanswered unanswered)
            {
                return unanswered;
            }
        }
        return null;
    }

    /** A producer's {@code max.block.ms}: how long its calls (initTransactions, a commit, a send's metadata) wait. */
    static Duration maxBlock(final Map<String, Object> producerProperties)
    {
        return millis(producerProperties, ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
    }

    /** A producer's {@code delivery.timeout.ms}: how long a sent record waits to be acknowledged before it expires. */
    static Duration deliveryTimeout(final Map<String, Object> producerProperties)
    {
        return millis(producerProperties, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
    }

    private static Duration millis(final Map<String, Object> properties, final String name, final long otherwise)
    {
        final Object value = properties.get(name);
        return Duration.ofMillis(value == null ? otherwise : Long.parseLong(String.valueOf(value)));
    }
}
