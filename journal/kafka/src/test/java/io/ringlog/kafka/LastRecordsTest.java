package io.ringlog.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where a sink resumes: the last committed record of a partition, read only once no transaction in it
 * is undecided. A transaction that will still commit, read while open, would make the sink resume
 * before it and publish its events twice (BrokerAwayTest saw a commit completed by a broker that came
 * back after its client had given up).
 */
@ExtendWith(TestBroker.Resolver.class)
@Timeout(120)
class LastRecordsTest
{
    private static TestBroker broker;

    @BeforeAll
    static void broker(final TestBroker testBroker)
    {
        broker = testBroker;
    }

    @Test
    void shouldWaitForAnOpenTransactionToCommitAndReturnItsLastRecord() throws Exception
    {
        final String topic = broker.createTopic(TestBroker.uniqueName("last"), 1);
        final TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaProducer<byte[], byte[]> producer = transactional("last-" + topic))
        {
            producer.initTransactions();
            send(producer, topic, "committed");
            // Left open: decided later, while the reader is looking.
            producer.beginTransaction();
            for (int i = 1; i <= 100; i++)
            {
                producer.send(new ProducerRecord<>(topic, 0, null, ("open " + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
            final CompletableFuture<ConsumerRecord<byte[], byte[]>> read = CompletableFuture.supplyAsync(() ->
            {
                try (LastRecords reader = new LastRecords(broker.clientProperties(), Duration.ofSeconds(30)))
                {
                    return reader.last(partition);
                }
            });
            // The reader must still be waiting: nothing in the partition is decided past "committed".
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1_000));
            assertTrue(!read.isDone(), "returned while a transaction was open: " + (read.isDone() ? text(read.get()) : ""));
            producer.commitTransaction();
            assertEquals("open 100", text(read.get(60, TimeUnit.SECONDS)), "the transaction's last record, once committed");
        }
    }

    @Test
    void shouldSaySoWhenATransactionStaysUndecided() throws Exception
    {
        final String topic = broker.createTopic(TestBroker.uniqueName("undecided"), 1);
        try (KafkaProducer<byte[], byte[]> producer = transactional("undecided-" + topic))
        {
            producer.initTransactions();
            send(producer, topic, "committed");
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, 0, null, "open".getBytes(StandardCharsets.UTF_8)));
            producer.flush();
            // Offset 0 the committed record, 1 its commit marker, 2 the open transaction's first record.
            final String abort = "kafka-transactions.sh --bootstrap-server " + broker.bootstrapServers() + " abort --topic " +
                topic + " --partition 0 --start-offset 2";
            try (LastRecords reader = new LastRecords(broker.clientProperties(), Duration.ofSeconds(1), "sink-" + topic))
            {
                final UndecidedTransactionException undecided = assertThrows(UndecidedTransactionException.class,
                    () -> reader.last(new TopicPartition(topic, 0)));
                // The broker answers: callers that say "is the broker running?" on a timeout must not take this for one.
                assertFalse(KafkaSink.brokerUnreachable(undecided), "not a broker timeout");
                final String message = undecided.getMessage();
                assertTrue(message.startsWith("a transaction in " + topic + "-0 is still undecided after "), message);
                assertTrue(message.contains("the open transaction is producer id "), message);
                assertTrue(message.contains(", epoch "), message);
                assertTrue(message.contains("from offset 2: not known to be this writer's (sink-" + topic), message);
                assertTrue(message.contains("find-hanging --topic " + topic + " --partition 0 lists it if so"), message);
                assertFalse(message.contains(abort), "no abort of a transaction its coordinator tracks: " + message);
            }
            // Read as the writer of that transactional id: its coordinator still has the transaction open.
            try (LastRecords reader = new LastRecords(broker.clientProperties(), Duration.ofSeconds(1), "undecided-" + topic))
            {
                final String message = assertThrows(UndecidedTransactionException.class, () -> reader.last(new TopicPartition(topic, 0)))
                    .getMessage();
                assertTrue(message.contains("that is this writer's own transactional id undecided-" + topic +
                    ", and its coordinator has this transaction Ongoing"), message);
                assertFalse(message.contains(" abort --topic"), message);
            }
            // A reader that aborts its writer's hanging transactions leaves one its coordinator still tracks alone.
            try (LastRecords reader = new LastRecords(broker.clientProperties(), Duration.ofSeconds(2), "undecided-" + topic,
                true))
            {
                assertThrows(UndecidedTransactionException.class, () -> reader.last(new TopicPartition(topic, 0)));
                assertEquals(java.util.List.of(), reader.aborted(), "nothing aborted");
            }
            producer.commitTransaction();
            try (LastRecords reader = new LastRecords(broker.clientProperties(), Duration.ofSeconds(30)))
            {
                assertEquals("open", text(reader.last(new TopicPartition(topic, 0))), "the transaction committed, whole");
            }
        }
    }

    private static KafkaProducer<byte[], byte[]> transactional(final String id)
    {
        final Map<String, Object> properties = broker.clientProperties();
        properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
        return new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(final KafkaProducer<byte[], byte[]> producer, final String topic, final String value)
    {
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(topic, 0, null, value.getBytes(StandardCharsets.UTF_8)));
        producer.commitTransaction();
    }

    private static String text(final ConsumerRecord<byte[], byte[]> record)
    {
        return record == null ? "none" : new String(record.value(), StandardCharsets.UTF_8);
    }
}
