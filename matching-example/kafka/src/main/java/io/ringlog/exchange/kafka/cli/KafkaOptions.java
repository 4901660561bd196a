package io.ringlog.exchange.kafka.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

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
     * Like the clients, it tries every address a host name resolves to; a list that is not HOST:PORT
     * entries is bad usage (exit 2).
     */
    void requireBroker()
    {
        // Before the broker is asked: its answer to a bad name (a reviewer's '--commands-topic bad/name') was "The
        // request attempted to perform an operation on an invalid topic", which names neither the topic nor the rule.
        checkTopicName("--commands-topic", commandsTopic);
        checkTopicName("--dead-letter-topic", deadLetterTopic);
        checkTopicName("--events-prefix", eventsPrefix + "p0");
        requireBroker(bootstrap, spec.commandLine());
    }

    /** Kafka's rule for a topic's name: 1 to 249 of ASCII letters, digits, '.', '_' and '-', and not '.' or '..'. */
    private static final java.util.regex.Pattern TOPIC_NAME = java.util.regex.Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    /** Refuses, as bad usage, a topic name Kafka would refuse; {@code option} names where it came from. */
    void checkTopicName(final String option, final String name)
    {
        if (name == null || !TOPIC_NAME.matcher(name).matches() || ".".equals(name) || "..".equals(name))
        {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " '" + name + "' does not make a " +
                "Kafka topic name: 1 to 249 of the ASCII letters, digits, '.', '_' and '-' (and not '.' or '..')");
        }
    }

    /** {@link #requireBroker()} for a bootstrap list given some other way, on behalf of {@code commandLine}. */
    static void requireBroker(final String bootstrap, final CommandLine commandLine)
    {
        final String unanswered = unanswered(bootstrap, commandLine);
        if (unanswered != null)
        {
            throw new IllegalStateException("the broker at " + bootstrap + " did not answer (" + unanswered +
                "): is it running? ('exchange kafka broker' starts one)");
        }
        final String wrong = notABroker(bootstrap);
        if (wrong != null)
        {
            throw new IllegalStateException(wrong);
        }
    }

    /**
     * Where the servers of {@code bootstrap} that accept a connection are none of them a Kafka broker's client
     * listener, why, in one line; null where one is (or where a server answers as Kafka in a way this does not read:
     * the clients then say what they find). Asks each for its API versions, as Kafka's clients do first: another
     * program on the port (an HTTP server) gives no Kafka answer, and a KRaft controller's listener answers without
     * the Metadata request that clients need. Either way Kafka's clients said only "The node does not support
     * METADATA", or nothing for a minute.
     */
    static String notABroker(final String bootstrap)
    {
        final List<String> reasons = new ArrayList<>();
        for (final String entry : bootstrap.split(","))
        {
            final String server = entry.strip();
            final int colon = server.lastIndexOf(':');
            if (server.isEmpty() || colon <= 0)
            {
                continue;
            }
            final String host = server.substring(0, colon).replaceAll("^\\[|\\]$", "");
            final String why = apiVersions(host, port(server.substring(colon + 1)));
            if (why == null)
            {
                return null;
            }
            if (!why.isEmpty())
            {
                reasons.add(server + " " + why);
            }
        }
        return reasons.isEmpty() ? null : String.join("; ", reasons) + ". Name the broker's client listener with " +
            "--bootstrap ('exchange kafka broker' listens on " + DEFAULT_BOOTSTRAP + " by default, or on the --port it " +
            "was started with)";
    }

    /**
     * Asks {@code host:port} for its API versions (Kafka's ApiVersions request, version 0): null where it answers as a
     * broker that serves Metadata, or as Kafka in a way not read here; what it is otherwise; empty where it did not
     * accept the connection (said elsewhere).
     */
    private static String apiVersions(final String host, final int port)
    {
        final int correlation = 0x726C6F67;
        final byte[] client = "ringlog".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        final java.nio.ByteBuffer request = java.nio.ByteBuffer.allocate(4 + 10 + client.length)
            .putInt(10 + client.length).putShort((short)API_VERSIONS).putShort((short)0).putInt(correlation)
            .putShort((short)client.length).put(client);
        final InetAddress[] addresses;
        try
        {
            addresses = InetAddress.getAllByName(host);
        }
        catch (final UnknownHostException ex)
        {
            return "";
        }
        for (final InetAddress address : addresses)
        {
            try (Socket socket = new Socket())
            {
                try
                {
                    socket.connect(new InetSocketAddress(address, port), PROBE_MILLIS);
                }
                catch (final IOException ex)
                {
                    continue;
                }
                socket.setSoTimeout(PROBE_MILLIS);
                socket.getOutputStream().write(request.array());
                socket.getOutputStream().flush();
                return versions(new java.io.DataInputStream(socket.getInputStream()), correlation);
            }
            catch (final IOException ex)
            {
                // No answer in time, or the connection closed or reset without one: a broker paused or still starting
                // (a long GC, a proxy before its container is up) as much as another program. Left to the clients.
                return null;
            }
        }
        return "";
    }

    /** Reads an ApiVersions answer: null for a broker serving Metadata (or an error code), what it is otherwise. */
    private static String versions(final java.io.DataInputStream in, final int correlation) throws IOException
    {
        final int size = in.readInt();
        if (size < 10 || size > 1 << 20 || in.readInt() != correlation)
        {
            return NOT_KAFKA;
        }
        if (in.readShort() != 0)
        {
            return null;
        }
        final int count = in.readInt();
        if (count < 0 || count > (size - 10) / 6)
        {
            return NOT_KAFKA;
        }
        for (int i = 0; i < count; i++)
        {
            final int key = in.readShort();
            in.readShort();
            in.readShort();
            if (key == METADATA)
            {
                return null;
            }
        }
        return "answers as Kafka but serves no Metadata request: it is a KRaft controller's listener (the broker's " +
            "own controller port, say), not the client listener a broker serves topics on";
    }

    /** Kafka's request keys: ApiVersions, asked first, and Metadata, which every client needs. */
    private static final int API_VERSIONS = 18;
    private static final int METADATA = 3;
    private static final String NOT_KAFKA = "accepts connections but answers an ApiVersions request with what is " +
        "no Kafka answer: another program listens there (an HTTP server, say), not a Kafka broker";

    /**
     * Why no server of {@code bootstrap} accepts a connection ("localhost:9092: Connection refused"), or null
     * when one does; a list that is not HOST:PORT entries is bad usage (exit 2), as for {@link #requireBroker()}.
     */
    static String unanswered(final String bootstrap, final CommandLine commandLine)
    {
        final List<String> reasons = new ArrayList<>();
        for (final String entry : bootstrap.split(","))
        {
            final String server = entry.strip();
            if (server.isEmpty())
            {
                continue;
            }
            final int colon = server.lastIndexOf(':');
            final int port = colon > 0 ? port(server.substring(colon + 1)) : -1;
            if (port < 1)
            {
                throw new CommandLine.ParameterException(commandLine, "--bootstrap " + bootstrap + ": '" + server +
                    "' is not HOST:PORT");
            }
            final String host = server.substring(0, colon).replaceAll("^\\[|\\]$", "");
            final InetAddress[] addresses;
            try
            {
                addresses = InetAddress.getAllByName(host);
            }
            catch (final UnknownHostException ex)
            {
                reasons.add(server + ": unknown host");
                continue;
            }
            String why = null;
            for (final InetAddress address : addresses)
            {
                try (Socket socket = new Socket())
                {
                    socket.connect(new InetSocketAddress(address, port), PROBE_MILLIS);
                    return null;
                }
                catch (final IOException ex)
                {
                    why = ex.getMessage() != null ? ex.getMessage() : ex.getClass().getSimpleName();
                }
            }
            reasons.add(server + ": " + why);
        }
        if (reasons.isEmpty())
        {
            throw new CommandLine.ParameterException(commandLine, "--bootstrap names no server");
        }
        return String.join("; ", reasons);
    }

    private static int port(final String text)
    {
        try
        {
            final int port = Integer.parseInt(text);
            return port <= 65_535 ? port : -1;
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
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
