package io.ringlog.exchange.kafka.cli;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A one-node KRaft broker (broker and controller in one server) in this JVM, from Kafka's own jars:
 * the configuration a single machine needs, storage formatted on first use with Kafka's StorageTool,
 * then {@code KafkaRaftServer}, as {@code kafka-server-start.sh} would run it.
 */
final class LocalBroker implements AutoCloseable
{
    private final KafkaRaftServer server;
    private final int port;
    private final boolean formatted;

    private LocalBroker(final KafkaRaftServer server, final int port, final boolean formatted)
    {
        this.server = server;
        this.port = port;
        this.formatted = formatted;
    }

    /** Starts a broker whose data lives in {@code dir}, listening on localhost, and waits until clients can use it. */
    static LocalBroker start(final Path dir, final int port, final int controllerPort) throws Exception
    {
        Files.createDirectories(dir);
        final Properties properties = config(dir, port, controllerPort);
        final Path config = dir.resolve("server.properties");
        try (Writer writer = Files.newBufferedWriter(config))
        {
            properties.store(writer, "written by 'exchange kafka broker'; rewritten on every start");
        }
        boolean formatted = false;
        if (!Files.exists(dir.resolve("data").resolve("meta.properties")))
        {
            final ByteArrayOutputStream output = new ByteArrayOutputStream();
            final int code = StorageTool.execute(new String[]{"format", "-t", Uuid.randomUuid().toString(),
                "-c", config.toString()}, new PrintStream(output, true, StandardCharsets.UTF_8));
            if (code != 0)
            {
                throw new IllegalStateException("formatting " + dir + " failed: " + output.toString(StandardCharsets.UTF_8).strip());
            }
            formatted = true;
        }
        final KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(properties), Time.SYSTEM);
        server.startup();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + port)))
        {
            admin.describeCluster().nodes().get(Duration.ofMinutes(2).toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (final Exception ex)
        {
            server.shutdown();
            throw ex;
        }
        return new LocalBroker(server, port, formatted);
    }

    private static Properties config(final Path dir, final int port, final int controllerPort)
    {
        final Properties properties = new Properties();
        properties.setProperty("process.roles", "broker,controller");
        properties.setProperty("node.id", "1");
        properties.setProperty("controller.quorum.voters", "1@localhost:" + controllerPort);
        properties.setProperty("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
        properties.setProperty("advertised.listeners", "PLAINTEXT://localhost:" + port);
        properties.setProperty("controller.listener.names", "CONTROLLER");
        properties.setProperty("inter.broker.listener.name", "PLAINTEXT");
        properties.setProperty("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        properties.setProperty("log.dirs", dir.resolve("data").toAbsolutePath().toString());
        // One broker: the internal topics (offsets, transaction state) can only have one replica.
        properties.setProperty("offsets.topic.replication.factor", "1");
        properties.setProperty("transaction.state.log.replication.factor", "1");
        properties.setProperty("transaction.state.log.min.isr", "1");
        properties.setProperty("group.initial.rebalance.delay.ms", "0");
        properties.setProperty("auto.create.topics.enable", "false");
        return properties;
    }

    String bootstrapServers()
    {
        return "localhost:" + port;
    }

    /** Whether this start formatted new storage (the first start on its directory). */
    boolean formatted()
    {
        return formatted;
    }

    void awaitShutdown()
    {
        server.awaitShutdown();
    }

    @Override
    public void close()
    {
        server.shutdown();
        server.awaitShutdown();
    }
}
