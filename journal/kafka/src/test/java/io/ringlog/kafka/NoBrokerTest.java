package io.ringlog.kafka;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A broker that is not there: the sink and the source say so in words after their timeout, with the
 * Kafka exception as the cause, instead of "Timeout expired after 60000ms while awaiting InitProducerId".
 */
@Timeout(60)
class NoBrokerTest
{
    @Test
    void shouldSayTheBrokerDidNotAnswerWhenTheSinkFencesOrReadsTheTopicsEnd() throws Exception
    {
        final String servers = "localhost:" + freePort();
        final TimeoutException fencing = assertThrows(TimeoutException.class, () -> KafkaSink.open(sink(servers)));
        assertTrue(fencing.getMessage().startsWith("the broker at " + servers + " did not answer within 1 s when this " +
            "sink fenced its predecessor (initTransactions, transactional id nobroker): is it running? (Timeout expired"),
            fencing.getMessage());
        assertTrue(fencing.getCause() instanceof TimeoutException, "Kafka's exception kept as the cause");

        // With journalLastPosition the topic's end is read first, before fencing.
        final TimeoutException reading = assertThrows(TimeoutException.class,
            () -> KafkaSink.open(sink(servers).journalLastPosition(0)));
        assertTrue(reading.getMessage().startsWith("the broker at " + servers + " did not answer within 1 s when asked for the " +
            "partitions of nobroker.events: is it running?"), reading.getMessage());
    }

    @Test
    void shouldSayTheBrokerDidNotAnswerWhenTheSourceChecksItsTopics() throws Exception
    {
        final String servers = "localhost:" + freePort();
        final TimeoutException checking = assertThrows(TimeoutException.class, () -> KafkaSource.checkTopics(
            new KafkaSource.Context().name("nobroker").bootstrapServers(servers).topic("nobroker.commands").partitions(0)
                .deadLetterTopic("nobroker.dead").startupTimeout(Duration.ofSeconds(1))));
        assertTrue(checking.getMessage().startsWith("the broker at " + servers + " did not answer within 1 s when asked for " +
            "the partitions of nobroker.commands: is it running?"), checking.getMessage());
    }

    private static KafkaSink.Context sink(final String servers)
    {
        return new KafkaSink.Context().producerProperties(Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000))
            .bootstrapServers(servers).startupTimeout(Duration.ofSeconds(1)).topic("nobroker.events")
            .transactionalId("nobroker").keys((event) -> 0);
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }
}
