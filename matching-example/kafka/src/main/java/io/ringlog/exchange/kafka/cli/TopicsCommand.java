package io.ringlog.exchange.kafka.cli;

import io.ringlog.exchange.kafka.ExchangeKafkaEngine;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/** {@code exchange kafka topics}: the commands topic, the dead-letter topic, and one events topic per engine. */
@CommandLine.Command(name = "topics", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Create the topics an exchange on Kafka needs: the commands topic with N partitions (a symbol's " +
        "commands go to partition symbol mod N), the dead-letter topic with as many, and an events topic for each " +
        "engine. Topics that exist are left as they are.",
        "Prints one 'topic: NAME partitions=K created|exists' line each."})
final class TopicsCommand implements Callable<Integer>
{
    /** More partitions than a single-machine exchange on Kafka could use (an engine each). */
    private static final int MAX_PARTITIONS = 1_000;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = {"-n", "--partitions"}, defaultValue = "2", paramLabel = "N",
        description = "Partitions of the commands topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--engines", paramLabel = "P[,P...]", split = " ", arity = "1..*",
        description = "The engines, each by the partitions it owns, e.g. '--engines 0 1' (default: one engine per " +
            "partition) or '--engines 0,1' (one engine for both).")
    List<String> engines;

    @Option(names = "--events-partitions", defaultValue = "3", paramLabel = "K",
        description = "Partitions of each events topic (default: ${DEFAULT-VALUE}); events are keyed by symbol or account.")
    int eventsPartitions;

    @Override
    public Integer call() throws Exception
    {
        if (partitions > MAX_PARTITIONS || eventsPartitions > MAX_PARTITIONS)
        {
            // Kafka takes minutes to create millions of partitions, silently: far more than any machine here runs is a typo.
            throw new CommandLine.ParameterException(spec.commandLine(), "--partitions and --events-partitions are at most " +
                MAX_PARTITIONS + " here (one engine per commands partition)");
        }
        if (partitions < 1 || eventsPartitions < 1)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--partitions and --events-partitions must be positive");
        }
        final List<NewTopic> topics = new ArrayList<>();
        final String sameTopic = ExchangeKafkaEngine.Context.sameTopic(kafka.commandsTopic, kafka.deadLetterTopic,
            engines().stream().map(kafka::eventsTopic).toArray(String[]::new));
        if (sameTopic != null)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), sameTopic);
        }
        topics.add(new NewTopic(kafka.commandsTopic, partitions, (short)1));
        topics.add(new NewTopic(kafka.deadLetterTopic, partitions, (short)1));
        for (final int[] engine : engines())
        {
            for (final int partition : engine)
            {
                if (partition < 0 || partition >= partitions)
                {
                    throw new CommandLine.ParameterException(spec.commandLine(), "engine partition " + partition +
                        " is not one of the commands topic's 0.." + (partitions - 1));
                }
            }
            topics.add(new NewTopic(kafka.eventsTopic(engine), eventsPartitions, (short)1));
        }
        final PrintWriter out = spec.commandLine().getOut();
        kafka.requireBroker();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap)))
        {
            final Integer existing = partitionsOf(admin, kafka.commandsTopic);
            if (existing != null && existing != partitions)
            {
                // Engines own commands partitions: events topics for partitions that do not exist would mislead.
                throw new IllegalStateException(kafka.commandsTopic + " exists with " + existing + " partition" +
                    (existing == 1 ? "" : "s") + ", not " + partitions + ": nothing was created. Ask for --partitions " +
                    existing + " (adding partitions to a commands topic moves symbols between engines)");
            }
            for (final NewTopic topic : topics)
            {
                String outcome = "created";
                try
                {
                    admin.createTopics(List.of(topic)).all().get();
                }
                catch (final ExecutionException ex)
                {
                    if (!(ex.getCause() instanceof TopicExistsException))
                    {
                        throw ex;
                    }
                    outcome = "exists";
                }
                out.println("topic: " + topic.name() + " partitions=" + topic.numPartitions() + " " + outcome);
            }
        }
        return ExchangeKafkaCli.OK;
    }

    /** The topic's partition count, or null if it does not exist. */
    private static Integer partitionsOf(final Admin admin, final String topic) throws Exception
    {
        try
        {
            return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof UnknownTopicOrPartitionException)
            {
                return null;
            }
            throw ex;
        }
    }

    private List<int[]> engines()
    {
        try
        {
            return parsedEngines();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--engines: " + ex.getMessage());
        }
    }

    private List<int[]> parsedEngines()
    {
        final List<int[]> list = new ArrayList<>();
        if (engines == null || engines.isEmpty())
        {
            for (int p = 0; p < partitions; p++)
            {
                list.add(new int[]{p});
            }
            return list;
        }
        final java.util.Set<Integer> owned = new java.util.HashSet<>();
        for (final String engine : engines)
        {
            final int[] parsed = EngineCommand.parsePartitions(engine);
            for (final int partition : parsed)
            {
                if (!owned.add(partition))
                {
                    throw new IllegalArgumentException("partition " + partition + " is given to two engines: each " +
                        "partition of the commands topic is one engine's");
                }
            }
            list.add(parsed);
        }
        return list;
    }
}
