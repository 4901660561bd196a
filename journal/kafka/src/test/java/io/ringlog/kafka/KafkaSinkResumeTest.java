package io.ringlog.kafka;

import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.InMemoryJournal;
import io.ringlog.core.InMemorySnapshotStore;
import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.core.testing.CollectingListener;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where a sink resumes in two cases a reviewer reproduced: a topic whose events retention deleted (the sink republished
 * the whole journal), and a restart whose replay ends on an event the topic held already (the events regenerated
 * before it stayed in an open transaction on an idle engine, until the coordinator aborted them).
 */
@ExtendWith(TestBroker.Resolver.class)
class KafkaSinkResumeTest
{
    private static final int KEYS = 5;
    private static TestBroker broker;

    @BeforeAll
    static void broker(final TestBroker testBroker)
    {
        broker = testBroker;
    }

    @Test
    void shouldRefuseATopicRetentionEmptiedUnlessToldWhereToResume() throws Exception
    {
        final String topic = broker.createTopic(TestBroker.uniqueName("events"), 3);
        final InMemoryJournal journal = new InMemoryJournal(256);
        final InMemorySnapshotStore snapshots = new InMemorySnapshotStore();
        final KafkaSink first = KafkaSink.open(context(topic, "retention"));
        try (Engine engine = Engine.launch(first.attach("kafka", engineContext(journal, snapshots))))
        {
            publish(engine, 1, 50);
        }
        first.close();
        assertEquals(50, count(broker.readAll(topic)));
        // Retention deletes the segments (as deleteRecords up to each partition's end).
        final List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1),
            new TopicPartition(topic, 2));
        final Map<TopicPartition, Long> ends = broker.highWatermarks(partitions);
        for (final TopicPartition partition : partitions)
        {
            broker.deleteRecordsBefore(topic, partition.partition(), ends.get(partition));
        }
        assertEquals(0, count(broker.readAll(topic)), "nothing left in the topic");

        final IllegalStateException refused = assertThrows(IllegalStateException.class,
            () -> KafkaSink.open(context(topic, "retention")));
        assertTrue(refused.getMessage().startsWith(topic + " held events, and holds none now: they were deleted") &&
            refused.getMessage().contains("KafkaSink.Context.resumeAfter(position)"), refused.getMessage());
        // Told, it resumes there: nothing of the 50 again.
        final KafkaSink resumed = KafkaSink.open(context(topic, "retention").resumeAfter(50));
        try (Engine engine = Engine.launch(resumed.attach("kafka", engineContext(journal, snapshots))))
        {
            engine.awaitApplied(50, 10, TimeUnit.SECONDS);
            publish(engine, 51, 1);
            CollectingListener.await(() -> resumed.committedPosition() >= 51, java.time.Duration.ofSeconds(20),
                "the new command's event committed");
        }
        resumed.close();
        assertEquals(0, resumed.regenerated(), "none of the 50 published again");
        assertEquals(1, count(broker.readAll(topic)), "only the new event");
    }

    /**
     * A transaction committed in partitions 1 and 2 and aborted in 0 (what aborting a hanging transaction can leave).
     * The restart resumes before partition 0's first lacking event and, replaying, sends partition 0's events and skips
     * the others'. When the last event of a listener batch is one it skips, onEvent returns before the
     * endOfBatch commit: the transaction holding partition 0's regenerated events stays open on an idle engine.
     */
    @Test
    void shouldCommitWhatItRegeneratedWhenTheReplayEndsOnAnEventTheTopicHeld() throws Exception
    {
        final String topic = broker.createTopic(TestBroker.uniqueName("events"), 3);
        final String scratch = broker.createTopic(TestBroker.uniqueName("scratch"), 3);
        final InMemoryJournal journal = new InMemoryJournal(256);
        final InMemorySnapshotStore snapshots = new InMemorySnapshotStore();
        final KafkaSink first = KafkaSink.open(context(topic, "hangidle"));
        try (Engine engine = Engine.launch(first.attach("kafka", engineContext(journal, snapshots))))
        {
            publish(engine, 1, 100);
        }
        first.close();

        // The journal's last command: one whose event goes to partition 1 or 2 (key = position % KEYS).
        long last = 150;
        while (partitionOf(last % KEYS) == 0)
        {
            last--;
        }
        final KafkaSink maker = KafkaSink.open(context(scratch, "scratch").transactionalId("hangidle-" + topic));
        try (Engine engine = Engine.launch(maker.attach("kafka", engineContext(journal, snapshots))))
        {
            publish(engine, 101, (int)(last - 100));
        }
        maker.close();
        final List<List<ConsumerRecord<byte[], byte[]>>> made = broker.readAll(scratch);
        copy(made, topic, 101, last, true);
        copy(made, topic, 101, last, false);
        final long lackingInP0 = made.get(0).stream().filter((r) -> position(r) >= 101).count();

        final KafkaSink resumed = KafkaSink.open(context(topic, "hangidle"));
        final Engine engine = Engine.launch(resumed.attach("kafka", engineContext(journal, snapshots)));
        try
        {
            engine.awaitApplied(last, 10, TimeUnit.SECONDS);
            // Idle engine: nothing more comes, and what it regenerated is committed all the same.
            final long endOfJournal = last;
            CollectingListener.await(() -> resumed.committedPosition() >= endOfJournal, java.time.Duration.ofSeconds(20),
                "the regenerated events committed on an idle engine: produced " + resumed.produced() + ", skipped " +
                resumed.skipped() + ", committed up to " + resumed.committedPosition());
            assertTrue(resumed.produced() > 0 && resumed.skipped() > 0, "it sent partition 0's and skipped the others'");
            final long high = broker.highWatermarks(List.of(new TopicPartition(topic, 0))).get(new TopicPartition(topic, 0));
            assertEquals(high, lastStable(topic, 0), "no transaction left open in partition 0");
            assertEquals(lackingInP0, broker.readAll(topic).get(0).stream().filter((r) -> position(r) >= 101).count(),
                "partition 0's lacking events are there, committed");
        }
        finally
        {
            engine.close();
            resumed.close();
        }
    }

    private static long lastStable(final String topic, final int partition)
    {
        final Map<String, Object> properties = broker.clientProperties();
        properties.put(org.apache.kafka.clients.consumer.ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer =
            new org.apache.kafka.clients.consumer.KafkaConsumer<>(properties,
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer()))
        {
            final TopicPartition tp = new TopicPartition(topic, partition);
            return consumer.endOffsets(List.of(tp)).get(tp);
        }
    }

    private static int partitionOf(final long key)
    {
        final byte[] bytes = ByteBuffer.allocate(8).putLong(key).array();
        return Utils.toPositive(Utils.murmur2(bytes)) % 3;
    }

    private static long position(final ConsumerRecord<byte[], byte[]> record)
    {
        return KafkaHeaders.number(record.headers(), KafkaHeaders.POSITION, -1);
    }

    private static int count(final List<List<ConsumerRecord<byte[], byte[]>>> partitions)
    {
        return partitions.stream().mapToInt(List::size).sum();
    }

    private static void copy(final List<List<ConsumerRecord<byte[], byte[]>>> made, final String topic, final long from,
        final long to, final boolean committed)
    {
        final Map<String, Object> properties = broker.clientProperties();
        properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "copy-" + committed + "-" + topic);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(),
            new ByteArraySerializer()))
        {
            producer.initTransactions();
            producer.beginTransaction();
            for (int p = committed ? 1 : 0; p < (committed ? made.size() : 1); p++)
            {
                for (final ConsumerRecord<byte[], byte[]> record : made.get(p))
                {
                    final long position = position(record);
                    if (position >= from && position <= to)
                    {
                        producer.send(new ProducerRecord<>(topic, p, record.timestamp(), record.key(), record.value(),
                            record.headers()));
                    }
                }
            }
            if (committed)
            {
                producer.commitTransaction();
            }
            else
            {
                producer.flush();
                producer.abortTransaction();
            }
        }
    }

    private static EngineContext engineContext(final InMemoryJournal journal, final InMemorySnapshotStore snapshots)
    {
        return new EngineContext().stateMachine(new AccumulatorStateMachine()).journal(journal).snapshotStore(snapshots)
            .snapshotEvery(30);
    }

    private static KafkaSink.Context context(final String topic, final String name)
    {
        return new KafkaSink.Context().bootstrapServers(broker.bootstrapServers()).topic(topic)
            .transactionalId(name + "-" + topic).keys((event) -> event.position() % KEYS);
    }

    private static void publish(final Engine engine, final long from, final int count) throws Exception
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[8]);
        long last = 0;
        for (long value = from; value < from + count; value++)
        {
            payload.putLong(0, value, ByteOrder.LITTLE_ENDIAN);
            last = engine.publish(AccumulatorStateMachine.ADD, 0, 0, 1000 + value, payload, 0, 8);
        }
        engine.awaitApplied(last, 10, TimeUnit.SECONDS);
    }
}
