package io.ringlog.kafka;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the last committed record of a partition: how a sink finds the last event it published and
 * a source the last record it dead-lettered. Reads with {@code read_committed}, so it must run after
 * the writer's {@code initTransactions()}, which aborts what a killed predecessor left open; then the
 * last committed record is the last record the previous incarnation made visible.
 * <p>
 * Reads a small window before the end, and steps back in windows eight times larger while a window
 * holds only transaction markers or aborted records (a killed writer's open transaction, aborted by
 * the fencing, can be thousands of records).
 */
final class LastRecords implements AutoCloseable
{
    /** Short: a window of aborted records returns nothing, and poll waits this long before saying so. */
    private static final Duration POLL = Duration.ofMillis(10);

    private final Consumer<byte[], byte[]> consumer;
    private final Duration timeout;

    /** A consumer of its own, built from {@code properties} (bootstrap servers and security). */
    LastRecords(final Map<String, Object> properties, final Duration timeout)
    {
        final Map<String, Object> config = new HashMap<>(properties);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase(Locale.ROOT));
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        // It reads a few records just before the end: a fetch that reaches the end must not wait there for
        // records to arrive (500 ms by default), since a request for the next partition's offsets waits
        // behind it, and a window of aborted records ends in such a fetch.
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.timeout = timeout;
    }

    /** Partitions of {@code topic}; fails if the topic does not exist. */
    int partitionCount(final String topic)
    {
        final var partitions = consumer.partitionsFor(topic, timeout);
        if (partitions == null || partitions.isEmpty())
        {
            throw new IllegalStateException("topic " + topic + " does not exist (or has no partitions); create it first");
        }
        return partitions.size();
    }

    /** The last committed record of {@code partition}, or null if it has none. */
    ConsumerRecord<byte[], byte[]> last(final TopicPartition partition)
    {
        final List<TopicPartition> one = List.of(partition);
        consumer.assign(one);
        final long begin = consumer.beginningOffsets(one, timeout).get(partition);
        long end = consumer.endOffsets(one, timeout).get(partition);   // the last stable offset, read_committed
        long window = 64;
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (end > begin)
        {
            final long from = Math.max(begin, end - window);
            consumer.seek(partition, from);
            ConsumerRecord<byte[], byte[]> last = null;
            while (consumer.position(partition, timeout) < end)
            {
                if (System.nanoTime() > deadline)
                {
                    throw new TimeoutException("reading the end of " + partition + " took more than " + timeout);
                }
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL).records(partition))
                {
                    if (record.offset() < end)
                    {
                        last = record;
                    }
                }
            }
            if (last != null)
            {
                return last;
            }
            end = from;
            window *= 8;
        }
        return null;
    }

    @Override
    public void close()
    {
        consumer.close(Duration.ofSeconds(5));
    }
}
