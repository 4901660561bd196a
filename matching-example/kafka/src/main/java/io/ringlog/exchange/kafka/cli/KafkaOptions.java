package io.ringlog.exchange.kafka.cli;

import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Where the broker is and what the topics are called, shared by every subcommand. An engine's name
 * and events topic derive from its partitions, so a restarted engine finds its transactional ids and
 * its topic again without being told.
 */
final class KafkaOptions
{
    static final String DEFAULT_BOOTSTRAP = "localhost:9092";

    @Option(names = {"-b", "--bootstrap"}, defaultValue = DEFAULT_BOOTSTRAP, paramLabel = "HOST:PORT",
        description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}, where 'exchange kafka broker' listens).")
    String bootstrap;

    @Option(names = "--commands-topic", defaultValue = "exchange.commands", paramLabel = "TOPIC",
        description = "The commands topic (default: ${DEFAULT-VALUE}).")
    String commandsTopic;

    @Option(names = "--dead-letter-topic", defaultValue = "exchange.dead-letters", paramLabel = "TOPIC",
        description = "Where records that are not commands go, partition p's to its partition p (default: ${DEFAULT-VALUE}).")
    String deadLetterTopic;

    @Option(names = "--events-prefix", defaultValue = "exchange.events.", paramLabel = "PREFIX",
        description = "Each engine's events topic is PREFIX + p<partitions>, e.g. exchange.events.p0 (default: ${DEFAULT-VALUE}).")
    String eventsPrefix;

    /** {@code p0-1} for partitions 0 and 1: names an engine by what it owns. */
    static String suffix(final int[] partitions)
    {
        return "p" + Arrays.stream(partitions).sorted().mapToObj(Integer::toString).collect(Collectors.joining("-"));
    }

    String eventsTopic(final int[] partitions)
    {
        return eventsPrefix + suffix(partitions);
    }

    String engineName(final int[] partitions)
    {
        return "exchange-" + commandsTopic + "-" + suffix(partitions);
    }
}
