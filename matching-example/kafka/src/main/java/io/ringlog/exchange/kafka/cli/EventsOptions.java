package io.ringlog.exchange.kafka.cli;

import io.ringlog.core.OutputListener;
import io.ringlog.kafka.KafkaEventReader;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Which events topics a reader reads: the ones named, or every topic with the events prefix. */
final class EventsOptions
{
    @Mixin
    KafkaOptions kafka;

    @Option(names = {"-t", "--events-topic"}, paramLabel = "TOPIC",
        description = "An events topic to read; repeat for more (default: every topic starting with the events prefix).")
    List<String> topics;

    List<String> topics() throws Exception
    {
        kafka.requireBroker();
        if (topics != null && !topics.isEmpty())
        {
            return topics;
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap)))
        {
            final List<String> found = admin.listTopics().names().get(60, TimeUnit.SECONDS).stream()
                .filter((name) -> name.startsWith(kafka.eventsPrefix)).sorted().toList();
            if (found.isEmpty())
            {
                throw new IllegalArgumentException("no topic starts with " + kafka.eventsPrefix + " on " + kafka.bootstrap +
                    ": run engines first, or name one with --events-topic");
            }
            return found;
        }
    }

    /** Reads {@code topics} from the beginning to their present end into {@code listener}; returns the events read. */
    long readToEnd(final List<String> topics, final OutputListener listener) throws Exception
    {
        try (KafkaEventReader reader = new KafkaEventReader(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap), topics, listener, 256))
        {
            return reader.readToEnd(Duration.ofMinutes(10));
        }
    }
}
