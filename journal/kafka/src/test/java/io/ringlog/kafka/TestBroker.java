package io.ringlog.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real one-node KRaft broker (combined broker and controller), started in this JVM from Kafka's own
 * test kit, once for all the test classes of a run: a test class with {@code @ExtendWith(TestBroker.Resolver.class)}
 * takes it as a parameter; the first use starts it and JUnit closes it when the run ends. Tests make
 * topics of their own with unique names.
 */
public final class TestBroker implements AutoCloseable
{
    private static final AtomicInteger TOPICS = new AtomicInteger();

    private final KafkaClusterTestKit cluster;
    private final Admin admin;

    private TestBroker() throws Exception
    {
        final KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
            .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build());
        // One broker: the internal topics (offsets, transaction state) can have one replica only.
        builder.setConfigProp("offsets.topic.replication.factor", "1");
        builder.setConfigProp("offsets.topic.num.partitions", "2");
        builder.setConfigProp("transaction.state.log.replication.factor", "1");
        builder.setConfigProp("transaction.state.log.min.isr", "1");
        builder.setConfigProp("transaction.state.log.num.partitions", "2");
        builder.setConfigProp("group.initial.rebalance.delay.ms", "0");
        builder.setConfigProp("auto.create.topics.enable", "false");
        cluster = builder.build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
    }

    /** The broker of this test run, started on first use. */
    public static TestBroker get(final ExtensionContext context)
    {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
            .getOrComputeIfAbsent(TestBroker.class, (key) -> start(), TestBroker.class);
    }

    private static TestBroker start()
    {
        try
        {
            return new TestBroker();
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("could not start the in-process Kafka broker", ex);
        }
    }

    public String bootstrapServers()
    {
        return cluster.bootstrapServers();
    }

    /** A topic name no other test uses. */
    public static String uniqueName(final String prefix)
    {
        return prefix + "-" + TOPICS.incrementAndGet();
    }

    /** Creates {@code name} with {@code partitions} partitions and waits until it exists. */
    public String createTopic(final String name, final int partitions) throws Exception
    {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short)1))).all().get();
        return name;
    }

    /** Deletes the records of {@code partition} of {@code topic} before {@code offset}, as retention would. */
    public void deleteRecordsBefore(final String topic, final int partition, final long offset) throws Exception
    {
        admin.deleteRecords(Map.of(new TopicPartition(topic, partition),
            org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(offset))).all().get();
    }

    /** Like {@link #createTopic(String, int)}, with topic configs (max.message.bytes, say). */
    public String createTopic(final String name, final int partitions, final Map<String, String> configs) throws Exception
    {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short)1).configs(configs))).all().get();
        return name;
    }

    public Map<String, Object> clientProperties()
    {
        final Map<String, Object> properties = new HashMap<>();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return properties;
    }

    /** A plain (non-transactional) producer of byte arrays. */
    public KafkaProducer<byte[], byte[]> producer()
    {
        final Map<String, Object> properties = clientProperties();
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * The end of each partition including records whose transactions are still completing: a commit
     * returns before its markers are written, and until then a read_committed consumer's end is short.
     */
    public Map<TopicPartition, Long> highWatermarks(final List<TopicPartition> partitions)
    {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(clientProperties(), new ByteArrayDeserializer(),
            new ByteArrayDeserializer()))
        {
            return consumer.endOffsets(partitions);
        }
    }

    /**
     * Every committed record of every partition of {@code topic}, partition by partition, in offset
     * order, once every transaction written so far has completed.
     */
    public List<List<ConsumerRecord<byte[], byte[]>>> readAll(final String topic) throws Exception
    {
        final Map<String, Object> properties = clientProperties();
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(),
            new ByteArrayDeserializer()))
        {
            final List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic).forEach((info) -> partitions.add(new TopicPartition(topic, info.partition())));
            partitions.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> ends = highWatermarks(partitions);
            final List<List<ConsumerRecord<byte[], byte[]>>> all = new ArrayList<>();
            partitions.forEach((partition) -> all.add(new ArrayList<>()));
            final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!reached(consumer, partitions, ends))
            {
                if (System.nanoTime() > deadline)
                {
                    throw new IllegalStateException("could not read " + topic + " to its end " + ends);
                }
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100)))
                {
                    all.get(record.partition()).add(record);
                }
            }
            return all;
        }
    }

    private static boolean reached(final KafkaConsumer<byte[], byte[]> consumer, final List<TopicPartition> partitions,
        final Map<TopicPartition, Long> ends)
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
    public void close() throws Exception
    {
        admin.close();
        cluster.close();
    }

    /** Hands the run's broker to test methods and lifecycle methods that declare a {@link TestBroker} parameter. */
    public static final class Resolver implements ParameterResolver
    {
        @Override
        public boolean supportsParameter(final ParameterContext parameter, final ExtensionContext context)
        {
            return parameter.getParameter().getType() == TestBroker.class;
        }

        @Override
        public Object resolveParameter(final ParameterContext parameter, final ExtensionContext context)
        {
            return get(context);
        }
    }
}
