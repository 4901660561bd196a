package io.ringlog.exchange.kafka.cli;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
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
    /** How long a bootstrap server gets to accept a connection before it counts as not there. */
    static final int PROBE_MILLIS = 3_000;

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

    /**
     * Fails at once, with one line that says so, when no bootstrap server accepts a TCP connection. Kafka's
     * clients would otherwise log a warning every second and give up only after their API timeout, a
     * minute later. A broker that accepts the connection is left to the clients, and their own timeouts.
     */
    void requireBroker()
    {
        requireBroker(bootstrap);
    }

    /** {@link #requireBroker()} for a bootstrap list given some other way. */
    static void requireBroker(final String bootstrap)
    {
        String why = null;
        for (final String server : bootstrap.split(","))
        {
            final String address = server.strip();
            final int colon = address.lastIndexOf(':');
            final int port;
            try
            {
                port = colon > 0 ? Integer.parseInt(address.substring(colon + 1)) : -1;
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("--bootstrap " + bootstrap + ": '" + address + "' is not HOST:PORT");
            }
            if (port < 1 || port > 65_535)
            {
                throw new IllegalArgumentException("--bootstrap " + bootstrap + ": '" + address + "' is not HOST:PORT");
            }
            try (Socket socket = new Socket())
            {
                socket.connect(new InetSocketAddress(address.substring(0, colon), port), PROBE_MILLIS);
                return;
            }
            catch (final IOException | IllegalArgumentException ex)
            {
                why = address + ": " + (ex.getMessage() != null ? ex.getMessage() : ex.getClass().getSimpleName());
            }
        }
        throw new IllegalStateException("the broker at " + bootstrap + " did not answer (" + why + "): is it running? " +
            "('exchange kafka broker' starts one)");
    }

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
