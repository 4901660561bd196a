package io.ringlog.kafka;

import io.ringlog.core.OutputEvent;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A record of an events topic that is no ringlog event: the reader names the header that is wrong, and says whether it
 * is missing or does not read as a number (a reviewer's 'ringlog.position: x' was said to be missing).
 */
@ExtendWith(TestBroker.Resolver.class)
class KafkaEventReaderTest
{
    @Test
    void shouldNameTheHeaderThatMakesARecordNoEvent(final TestBroker broker) throws Exception
    {
        final String unreadable = broker.createTopic(TestBroker.uniqueName("unreadable"), 1);
        final String missing = broker.createTopic(TestBroker.uniqueName("missing"), 1);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), new ByteArraySerializer(),
            new ByteArraySerializer()))
        {
            producer.send(new ProducerRecord<>(unreadable, 0, (byte[])null, new byte[0],
                headers("x", "0", "7"))).get();
            producer.send(new ProducerRecord<>(missing, 0, (byte[])null, new byte[0],
                headers(null, "0", "7"))).get();
        }
        assertEquals(unreadable + "-0 offset 0 is not a ringlog event: its " + KafkaHeaders.POSITION + " header reads " +
            "'x', not a position (1 or more) (an event carries " + KafkaHeaders.POSITION + ", " + KafkaHeaders.INDEX +
            " and " + KafkaHeaders.TYPE + ")", failure(broker, unreadable));
        assertEquals(missing + "-0 offset 0 is not a ringlog event: it lacks " + KafkaHeaders.POSITION + " (an event " +
            "carries " + KafkaHeaders.POSITION + ", " + KafkaHeaders.INDEX + " and " + KafkaHeaders.TYPE + ")",
            failure(broker, missing));
    }

    private static RecordHeaders headers(final String position, final String index, final String type)
    {
        final RecordHeaders headers = new RecordHeaders();
        if (position != null)
        {
            headers.add(KafkaHeaders.POSITION, position.getBytes(StandardCharsets.UTF_8));
        }
        headers.add(KafkaHeaders.INDEX, index.getBytes(StandardCharsets.UTF_8));
        headers.add(KafkaHeaders.TYPE, type.getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    private static String failure(final TestBroker broker, final String topic)
    {
        final IllegalStateException failed = assertThrows(IllegalStateException.class, () ->
        {
            try (KafkaEventReader reader = new KafkaEventReader(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()), List.of(topic), (final OutputEvent event, final boolean endOfBatch) ->
            {
            }, 256))
            {
                reader.readToEnd(Duration.ofSeconds(30));
            }
        });
        return failed.getMessage();
    }
}
