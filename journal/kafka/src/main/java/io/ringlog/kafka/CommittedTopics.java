package io.ringlog.kafka;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;

/**
 * Every partition of some topics, read from the beginning, committed records only, with no consumer
 * group: what the readers of this package share ({@link KafkaEventReader}, {@link DeadLetterReader}).
 */
final class CommittedTopics implements AutoCloseable
{
    private final Consumer<byte[], byte[]> consumer;
    private final Map<String, Object> endsConfig;
    private final List<TopicPartition> partitions = new ArrayList<>();
    /** The consumer's connections to brokers, checked at each poll: a reader following its topics polls on quietly. */
    private final BrokerConnections connections;

    /** @throws IllegalStateException if a topic does not exist. */
    CommittedTopics(final Map<String, Object> properties, final List<String> topics)
    {
        final Map<String, Object> config = new HashMap<>(properties);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.endsConfig = new HashMap<>(config);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.connections = new BrokerConnections(consumer::metrics, "consumer-metrics");
        try
        {
            for (final String topic : topics)
            {
                final List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
                if (infos == null || infos.isEmpty())
                {
                    throw new IllegalStateException("topic " + topic + " does not exist");
                }
                for (final PartitionInfo info : infos)
                {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }
        catch (final RuntimeException ex)
        {
            consumer.close(Duration.ZERO);
            throw ex;
        }
    }

    ConsumerRecords<byte[], byte[]> poll(final Duration timeout)
    {
        final ConsumerRecords<byte[], byte[]> records = consumer.poll(timeout);
        connections.check();
        return records;
    }

    /** Since when (epoch ms) the consumer has had no connection to any broker, as of its last poll; 0 while it has one. */
    long brokerAwaySince()
    {
        return connections.awaySince();
    }

    /**
     * Calls {@code poll} until each partition reaches the end it had when this was called, counting
     * records whose transactions are still completing (a commit returns before its markers are
     * written), so it waits for transactions open now to end.
     *
     * @param what what the topics are, for the timeout's message.
     * @throws TimeoutException if it does not get there within {@code timeout}.
     */
    void readToEnd(final Duration timeout, final String what, final Callable<?> poll) throws Exception
    {
        final Map<TopicPartition, Long> ends;
        try (Consumer<byte[], byte[]> uncommitted = new KafkaConsumer<>(endsConfig, new ByteArrayDeserializer(),
            new ByteArrayDeserializer()))
        {
            ends = uncommitted.endOffsets(partitions, timeout);
        }
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!reached(ends))
        {
            if (System.nanoTime() > deadline)
            {
                throw new TimeoutException(what + " not read to their end within " + timeout + ": " + ends);
            }
            poll.call();
        }
    }

    private boolean reached(final Map<TopicPartition, Long> ends)
    {
        for (final TopicPartition partition : partitions)
        {
            if (consumer.position(partition) < ends.get(partition))
            {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close()
    {
        consumer.close(Duration.ofSeconds(5));
    }
}
