package io.ringlog.kafka;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TimeoutException;

import java.time.Duration;
import java.util.Map;

/**
 * A broker that does not answer, in words: kafka-clients says "Timeout expired after 60000ms while awaiting
 * InitProducerId" or "Topic t not present in metadata after 60000 ms" (the topic exists; the broker is gone).
 * Still a {@link TimeoutException}, with Kafka's as its cause and its words in parentheses.
 */
final class BrokerTimeouts
{
    private BrokerTimeouts()
    {
    }

    /** "the broker at {@code bootstrap} did not answer within {@code within} {@code doing}: is it running? (cause)". */
    static TimeoutException unanswered(final Map<String, Object> properties, final Duration within, final String doing,
        final Throwable cause)
    {
        final Duration rounded = within.toMillis() % 1000 == 0 ? within : within.plusMillis(999);
        return new TimeoutException("the broker at " + UndecidedTransactions.bootstrap(properties) + " did not answer within " +
            rounded.toSeconds() + " s " + doing + ": is it running? (" + cause.getMessage() + ")", cause);
    }

    /** A producer's {@code max.block.ms}: how long its calls wait for a broker. */
    static Duration maxBlock(final Map<String, Object> producerProperties)
    {
        final Object value = producerProperties.get(ProducerConfig.MAX_BLOCK_MS_CONFIG);
        return Duration.ofMillis(value == null ? 60_000 : Long.parseLong(String.valueOf(value)));
    }
}
