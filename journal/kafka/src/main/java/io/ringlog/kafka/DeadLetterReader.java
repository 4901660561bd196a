package io.ringlog.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Headers;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Reads a dead-letter topic that {@link KafkaSource}s wrote, from the beginning, committed records
 * only: each record that was not a command, with why and where it came from. For an operator who
 * wants to see, fix and resend what the engine never got.
 * <p>
 * {@link #poll(Consumer)} reads what one poll brings; {@link #readToEnd(Duration, Consumer)} reads
 * what is there now. Not thread-safe.
 */
public final class DeadLetterReader implements AutoCloseable
{
    private static final Duration POLL = Duration.ofMillis(100);

    private final CommittedTopics topics;
    private long read;

    /**
     * A record of the commands topic that was not a command.
     *
     * @param sourceTopic     the commands topic it was read from.
     * @param sourcePartition its partition there.
     * @param sourceOffset    its offset there.
     * @param reason          why it is not a command, in words (the decoder's reason).
     * @param record          the dead letter itself: the original key, value and headers, with the
     *                        dead-letter headers added ({@link KafkaHeaders}).
     */
    public record DeadLetter(
        String sourceTopic, int sourcePartition, long sourceOffset, String reason, ConsumerRecord<byte[], byte[]> record)
    {
        /** The original record's header {@code key} as a number ({@link KafkaHeaders#TYPE}, say), or {@code missing}. */
        public long number(final String key, final long missing)
        {
            return KafkaHeaders.number(record.headers(), key, missing);
        }
    }

    /**
     * @param properties consumer settings: bootstrap servers at least.
     * @param topic      the dead-letter topic; every partition is read from the beginning.
     * @throws IllegalStateException if the topic does not exist.
     */
    public DeadLetterReader(final Map<String, Object> properties, final String topic)
    {
        this.topics = new CommittedTopics(properties, List.of(topic));
    }

    /**
     * Polls once and hands each dead letter that came to {@code handler}; returns how many.
     *
     * @throws IllegalStateException if a record lacks the dead-letter headers: the topic is not a
     *                               dead-letter topic of a {@link KafkaSource}.
     */
    public int poll(final Consumer<DeadLetter> handler)
    {
        final ConsumerRecords<byte[], byte[]> records = topics.poll(POLL);
        for (final ConsumerRecord<byte[], byte[]> record : records)
        {
            handler.accept(toDeadLetter(record));
            read++;
        }
        return records.count();
    }

    /**
     * Reads every dead letter written before this was called; returns how many.
     *
     * @throws TimeoutException if it does not get there within {@code timeout}.
     */
    public long readToEnd(final Duration timeout, final Consumer<DeadLetter> handler) throws Exception
    {
        final long before = read;
        topics.readToEnd(timeout, "dead-letter partitions", () -> poll(handler));
        return read - before;
    }

    private static DeadLetter toDeadLetter(final ConsumerRecord<byte[], byte[]> record)
    {
        final Headers headers = record.headers();
        final String reason = KafkaHeaders.text(headers, KafkaHeaders.DEAD_LETTER_REASON);
        final String topic = KafkaHeaders.text(headers, KafkaHeaders.DEAD_LETTER_TOPIC);
        final long partition = KafkaHeaders.number(headers, KafkaHeaders.DEAD_LETTER_PARTITION, -1);
        final long offset = KafkaHeaders.number(headers, KafkaHeaders.DEAD_LETTER_OFFSET, -1);
        if (reason == null || topic == null || partition < 0 || offset < 0)
        {
            throw new IllegalStateException(record.topic() + "-" + record.partition() + " offset " + record.offset() +
                " is not a ringlog dead letter: it lacks " + KafkaHeaders.DEAD_LETTER_REASON + ", " +
                KafkaHeaders.DEAD_LETTER_TOPIC + ", " + KafkaHeaders.DEAD_LETTER_PARTITION + " or " +
                KafkaHeaders.DEAD_LETTER_OFFSET);
        }
        return new DeadLetter(topic, (int)partition, offset, reason, record);
    }

    /** Dead letters handed out so far. */
    public long read()
    {
        return read;
    }

    @Override
    public void close()
    {
        topics.close();
    }

    /**
     * Since when (epoch milliseconds) this reader has had no connection to any broker, as of its last poll, or 0
     * while it has one: a reader following its topics polls on quietly while the broker is away, so this is how the
     * program around it can say so.
     */
    public long brokerAwaySince()
    {
        return topics.brokerAwaySince();
    }
}
