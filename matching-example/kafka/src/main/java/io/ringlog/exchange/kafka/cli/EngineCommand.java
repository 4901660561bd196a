package io.ringlog.exchange.kafka.cli;

import io.ringlog.core.ListenerException;
import io.ringlog.core.Topology;
import io.ringlog.exchange.cli.ByteSize;
import io.ringlog.exchange.kafka.ExchangeKafkaEngine;
import io.ringlog.journal.Durability;
import io.ringlog.journal.tool.CliSupport;
import io.ringlog.kafka.BrokerTimeouts;
import io.ringlog.kafka.KafkaSink;
import io.ringlog.kafka.KafkaSource;
import io.ringlog.kafka.UndecidedTransactionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code exchange kafka engine}: one exchange engine on its partitions of the commands topic. */
@CommandLine.Command(name = "engine", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Run an exchange engine on some partitions of the commands topic, with its journal in " +
        "JOURNAL_DIR and its events going to its own events topic, until Ctrl-C or SIGTERM (or, with " +
        "--until-caught-up, until it has applied what its partitions held when it started).",
        "Start it again after a crash (even kill -9) with the same partitions and directory: it resumes each " +
        "partition after the last offset its journal holds, and produces to the events topic exactly the events " +
        "it lacks. Prints where it resumed, then, when it stops, what it did and its state hash."})
final class EngineCommand implements java.util.concurrent.Callable<Integer>
{
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = {"-p", "--partitions"}, required = true, paramLabel = "P[,P...]",
        description = "The commands topic's partitions this engine owns, e.g. 0 or 0,1.")
    String partitionList;

    @Option(names = {"-d", "--dir"}, required = true, paramLabel = "JOURNAL_DIR",
        description = "Journal directory (snapshots in its 'snapshots' folder); created if missing, recovered if not.")
    Path journalDir;

    @Option(names = "--name", paramLabel = "NAME",
        description = "Names the transactional ids and the consumer group; keep it across restarts (default: " +
            "exchange-<commands topic>-p<partitions>). Two engines with one name fence each other: an engine on another " +
            "-d and events topic for the same partition (a rebuild beside the running one) needs a name of its own.")
    String name;

    @Option(names = "--events-topic", paramLabel = "TOPIC",
        description = "This engine's events topic, written by nothing else (default: <events prefix>p<partitions>).")
    String eventsTopic;

    @Option(names = "--snapshot-every", defaultValue = "100_000", paramLabel = "N",
        description = "Snapshot after every N-th position, newest 3 kept (default: ${DEFAULT-VALUE}; 0 never).")
    long snapshotEvery;

    @Option(names = "--topology", defaultValue = "COMPACT", paramLabel = "TOPOLOGY",
        description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Topology topology;

    @Option(names = "--durability", defaultValue = "MEMORY_MAPPED", paramLabel = "LEVEL",
        description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}: survives a killed process, not a power cut).")
    Durability durability;

    @Option(names = "--journal-preallocate", defaultValue = "0", paramLabel = "SIZE", converter = ByteSize.class,
        description = "Give the journal's file disk blocks for SIZE more bytes (512m, 2g) at start, past its newest entry: " +
            "appends into them write nothing ahead, and a disk without the room refuses the start. Costs about a second " +
            "per GB at each start, more on a slow disk (default: 0, the journal grows 256 KB at a time).")
    long journalPreallocate;

    @Option(names = "--broker-timeout", defaultValue = "60", paramLabel = "SECONDS",
        description = "Stop, saying so, when the broker has not answered for this long at start-up or while events " +
            "wait to be committed (default: ${DEFAULT-VALUE}). An idle engine waits for the broker as long as it takes.")
    int brokerTimeoutSeconds;

    @Option(names = "--accept-commands-topic-id", paramLabel = "ID",
        description = "Go on from a commands topic that was deleted and made again with the old one's records at the " +
            "same offsets (restored from a copy): its new topic id, as the refused start named it.")
    String acceptCommandsTopicId;

    @Option(names = "--accept-events-topic-id", paramLabel = "ID",
        description = "Go on publishing into an events topic that was deleted and made again and holds the old one's " +
            "records (restored from a copy): its new topic id, as the refused start named it.")
    String acceptEventsTopicId;

    @Option(names = "--until-caught-up",
        description = "Stop once every record its partitions held at start is applied and its events are committed.")
    boolean untilCaughtUp;

    @Override
    public Integer call() throws Exception
    {
        if (snapshotEvery < 0)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--snapshot-every must not be negative");
        }
        if (brokerTimeoutSeconds < 1)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--broker-timeout must be at least 1 second");
        }
        final int[] partitions;
        try
        {
            partitions = parsePartitions(partitionList);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), ex.getMessage());
        }
        final String sameTopic = ExchangeKafkaEngine.Context.sameTopic(kafka.commandsTopic, kafka.deadLetterTopic,
            eventsTopic != null ? eventsTopic : kafka.eventsTopic(partitions));
        if (sameTopic != null)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), sameTopic);
        }
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final ExchangeKafkaEngine.Context ctx = new ExchangeKafkaEngine.Context()
            .name(name != null ? name : kafka.engineName(partitions))
            .bootstrapServers(kafka.bootstrap)
            .commandsTopic(kafka.commandsTopic)
            .partitions(partitions)
            .eventsTopic(eventsTopic != null ? eventsTopic : kafka.eventsTopic(partitions))
            .deadLetterTopic(kafka.deadLetterTopic)
            .journalDir(journalDir)
            .snapshotEvery(snapshotEvery)
            .topology(topology)
            .durability(durability)
            .journalPreallocate(journalPreallocate)
            .brokerTimeout(Duration.ofSeconds(brokerTimeoutSeconds))
            .acceptCommandsTopicId(acceptCommandsTopicId)
            .acceptEventsTopicId(acceptEventsTopicId)
            .errorHandler((error) ->
            {
                // A broker that stopped answering stops the engine, whose last line says so: once, not twice. So does
                // a command of newer code, which halts it or stops its source (a reviewer read each twice).
                if (BrokerTimeouts.worded(error) == null && !newerCodes(error))
                {
                    err.println("engine: " + said(error));
                }
            });
        // Started before its broker (a machine booting, a broker restarting), it waits up to --broker-timeout for
        // one: said now, where it used to say nothing until that ran out.
        final String unanswered = KafkaOptions.unanswered(kafka.bootstrap, spec.commandLine());
        if (unanswered != null && java.util.Arrays.stream(unanswered.split("; ")).allMatch((r) -> r.endsWith(": unknown host")))
        {
            // A reviewer's finding: it said it would wait, then Kafka's client failed at once ("Failed to construct
            // kafka consumer"): a client is not made on names that do not resolve. Said as the other commands say it.
            throw new IllegalStateException("the broker at " + kafka.bootstrap + " did not answer (" + unanswered +
                "): is the name right? ('exchange kafka broker' starts one on localhost)");
        }
        if (unanswered != null)
        {
            err.println("engine: nothing answers at " + kafka.bootstrap + " yet (" + unanswered + "): waiting up to " +
                "--broker-timeout (" + brokerTimeoutSeconds + " s) for the broker to start ('exchange kafka broker' " +
                "starts one)");
            err.flush();
        }
        else
        {
            // Something answers: if it is not a broker's client listener, no wait makes it one.
            final String wrong = KafkaOptions.notABroker(kafka.bootstrap);
            if (wrong != null)
            {
                throw new IllegalStateException(wrong);
            }
        }
        final long starting = System.nanoTime();
        final Map<Integer, Long> ends;
        final ExchangeKafkaEngine engine;
        try
        {
            ends = untilCaughtUp ? endOffsets(ctx) : Map.of();
            engine = ExchangeKafkaEngine.start(ctx);
        }
        catch (final RuntimeException ex)
        {
            throw startFailed(ctx, ex);
        }
        printStart(out, engine, System.nanoTime() - starting);

        final CountDownLatch stop = new CountDownLatch(1);
        final CountDownLatch stopped = new CountDownLatch(1);
        final Thread hook = new Thread(() ->
        {
            stop.countDown();
            try
            {
                stopped.await(60, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ignored)
            {
                Thread.currentThread().interrupt();
            }
        }, "engine-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        final BrokerWatch watch = BrokerWatch.engine(ctx.bootstrapServers(), brokerTimeoutSeconds);
        try
        {
            while (!stop.await(50, TimeUnit.MILLISECONDS))
            {
                if (engine.failure() != null)
                {
                    break;
                }
                watch.say(err, engine.source().brokerAwaySince());
                if (untilCaughtUp && engine.caughtUp(ends))
                {
                    break;
                }
            }
            final Throwable running = engine.failure();
            engine.close();
            // Closing commits the last batch, which fails too when the broker has gone.
            final Throwable failure = running != null ? running : engine.failure();
            if (failure != null)
            {
                // Said here, not by picocli after call() returns: after a signal the JVM halts once the hook returns.
                err.println("error: " + stopped(ctx, failure));
                err.flush();
                return CliSupport.FAILED;
            }
            printEnd(out, engine);
            out.println("ran-for: " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - starting) + " ms");
            return ExchangeKafkaCli.OK;
        }
        finally
        {
            out.flush();
            stopped.countDown();
            if (stop.getCount() > 0)
            {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
    }

    /** Whether a failure is a command of newer code, which the engine's last line says: in its causes. */
    private static boolean newerCodes(final Throwable error)
    {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause())
        {
            if (cause instanceof io.ringlog.kafka.NotForThisCodeException || cause instanceof io.ringlog.core.CannotApply)
            {
                return true;
            }
        }
        return false;
    }

    private static void printStart(final PrintWriter out, final ExchangeKafkaEngine engine, final long nanos)
    {
        final ExchangeKafkaEngine.Context ctx = engine.context();
        final KafkaSink sink = engine.sink();
        out.println("engine: " + ctx.name());
        out.println("commands-topic: " + ctx.commandsTopic());
        out.println("events-topic: " + ctx.eventsTopic());
        out.println("journal: " + ctx.journalDir());
        for (final String aborted : sink.hangingAborted())
        {
            out.println("events-hanging-aborted: " + aborted + ": a transaction of this engine's that a broker restart " +
                "left open and no timeout aborts (KIP-664); its events are regenerated from the journal");
        }
        out.println("events-resume-after: position " + sink.resumePosition() + " index " + sink.resumeIndex() +
            (sink.resumePosition() == 0 ? " (the events topic holds none of this engine's events yet: every event is " +
            "published from the first)" : ""));
        out.println("recovered-position: " + (engine.engine().nextPosition() - 1));
        for (final int partition : ctx.partitions())
        {
            out.println("resume-offset-" + partition + ": " + engine.source().nextOffset(partition));
        }
        out.println("started-in: " + TimeUnit.NANOSECONDS.toMillis(nanos) + " ms (" + engine.startupTimes() + ")");
        out.println("running: true");
        out.flush();
    }

    private static void printEnd(final PrintWriter out, final ExchangeKafkaEngine engine)
    {
        final KafkaSource source = engine.source();
        final KafkaSink sink = engine.sink();
        out.println("published: " + source.published());
        out.println("dead-lettered: " + source.deadLettered());
        out.println("dead-letters-seen-again: " + source.seenAgain());
        out.println("events-produced: " + sink.produced());
        out.println("events-regenerated: " + sink.regenerated());
        out.println("events-skipped: " + sink.skipped());
        out.println("transactions: " + sink.transactions());
        out.println("last-position: " + (engine.engine().nextPosition() - 1));
        out.println("state-hash: " + ExchangeKafkaCli.hex(engine.stateHash()));
        out.println("exchange-hash: " + ExchangeKafkaCli.hex(engine.exchange().stateHash()));
    }

    /**
     * The line a user reads when a running engine stops. A broker that went away is said plainly, with
     * what it means for the data: every command the engine applied is in its journal, every command it
     * did not is still in the commands topic, and a restart produces the events the topic lacks.
     */
    static String stopped(final ExchangeKafkaEngine.Context ctx, final Throwable failure)
    {
        final UndecidedTransactionException undecided = undecided(failure);
        if (undecided != null)
        {
            return ctx.name() + " stopped: " + undecided.getMessage();
        }
        for (Throwable at = failure; at != null; at = at.getCause() == at ? null : at.getCause())
        {
            if (at instanceof io.ringlog.kafka.TopicGoneException)
            {
                // Before the broker's timeout it wraps: the broker answered (a reviewer read "is it running?" here).
                return ctx.name() + " stopped: " + at.getMessage();
            }
        }
        final String unanswered = unanswered(ctx, failure);
        if (unanswered == null)
        {
            return ctx.name() + " stopped: " + said(failure);
        }
        final String words = withoutKafkasWords(unanswered, failure);
        return ctx.name() + " stopped: " + words + (words.endsWith("?") ? " " : ". ") + "Nothing is lost: the " +
            "journal in " + ctx.journalDir() + " holds every command applied, the commands topic the rest; start " +
            "the engine again once the broker is back and it produces the events its topic lacks.";
    }

    /**
     * The broker's words less the Kafka client's own in parentheses at their end ("Timeout expired after 5000ms
     * while awaiting EndTxn(true) ... max.block.ms"): the line says which broker did not answer, and that is enough.
     */
    private static String withoutKafkasWords(final String words, final Throwable failure)
    {
        for (Throwable at = failure; at != null; at = at.getCause() == at ? null : at.getCause())
        {
            final String kafka = " (" + at.getMessage() + ")";
            if (at.getMessage() != null && words.endsWith(kafka) && words.length() > kafka.length())
            {
                return words.substring(0, words.length() - kafka.length());
            }
        }
        return words;
    }

    /**
     * What a start that failed with {@code failure} throws: a broker that did not answer said so, anything else
     * (a transaction left undecided in a topic, whose broker answers) as it is.
     */
    static RuntimeException startFailed(final ExchangeKafkaEngine.Context ctx, final RuntimeException failure)
    {
        final UndecidedTransactionException undecided = undecided(failure);
        if (undecided != null)
        {
            return undecided;
        }
        final String unanswered = unanswered(ctx, failure);
        if (unanswered == null)
        {
            if (String.valueOf(failure.getMessage()).endsWith("refusing to resume"))
            {
                // The way out, which the sink (a library) cannot name: the commands topic still holds every command.
                return new IllegalStateException(failure.getMessage() + ". To go on: restore the journal that wrote " +
                    ctx.eventsTopic() + "; or rebuild from the commands topic, which holds every command, with a new " +
                    "journal directory (-d), a new events topic (--events-topic) and a --name of its own (the name " +
                    "is the engine's Kafka transactional id: started under this engine's, it would fence it), then " +
                    "compare its events with " + ctx.eventsTopic() + "'s", failure);
            }
            return failure;
        }
        return new IllegalStateException(unanswered + " ('exchange kafka broker' starts one)", failure);
    }

    /**
     * A failure in words, as a user reads it: its message without the exception's class name (a listener's
     * with what it threw, the same way), the class's simple name only when there is no message.
     */
    static String said(final Throwable error)
    {
        if (error instanceof ListenerException listener && listener.getCause() != null)
        {
            return "listener '" + listener.listener() + "' failed on the event of position " + listener.position() + ": " +
                said(listener.getCause());
        }
        if (error instanceof org.agrona.concurrent.AgentTerminationException && error.getCause() != null)
        {
            // The source's own failure, not the wrapper whose message is its class name and that failure's.
            return said(error.getCause());
        }
        final String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
    }

    /** The undecided transaction in {@code failure}'s causes, or null: its message says whose it is and what to do. */
    private static UndecidedTransactionException undecided(final Throwable failure)
    {
        for (Throwable at = failure; at != null; at = at.getCause())
        {
            if (at instanceof UndecidedTransactionException undecided)
            {
                return undecided;
            }
        }
        return null;
    }

    /**
     * A broker that did not answer, in words, or null if {@code failure} is not that: the library's words as they
     * are (BrokerTimeouts owns them), or those words for a bare Kafka timeout (one of this command's own reads).
     */
    private static String unanswered(final ExchangeKafkaEngine.Context ctx, final Throwable failure)
    {
        final Throwable worded = BrokerTimeouts.worded(failure);
        if (worded != null)
        {
            return worded.getMessage();
        }
        final Throwable timeout = brokerTimeout(failure);
        return timeout == null ? null : BrokerTimeouts.words(ctx.bootstrapServers(), ctx.brokerTimeout(), "", timeout);
    }

    /** The Kafka client's timeout in {@code failure}'s causes, or null: the broker did not answer in time. */
    private static Throwable brokerTimeout(final Throwable failure)
    {
        for (Throwable at = failure; at != null; at = at.getCause())
        {
            if (at instanceof org.apache.kafka.common.errors.TimeoutException)
            {
                return at;
            }
        }
        return null;
    }

    /** Each partition's end (committed records only) now: what --until-caught-up waits for. */
    private static Map<Integer, Long> endOffsets(final ExchangeKafkaEngine.Context ctx)
    {
        final Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, ctx.bootstrapServers());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final List<TopicPartition> partitions = new ArrayList<>();
        for (final int partition : ctx.partitions())
        {
            partitions.add(new TopicPartition(ctx.commandsTopic(), partition));
        }
        final Map<Integer, Long> ends = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
            new ByteArrayDeserializer()))
        {
            // Asked for a partition that does not exist, endOffsets waits out the whole broker timeout.
            final var existing = consumer.partitionsFor(ctx.commandsTopic(), ctx.brokerTimeout());
            final int count = existing == null ? 0 : existing.size();
            for (final int partition : ctx.partitions())
            {
                if (count == 0)
                {
                    // As the engine's source says it, and the README quotes (a reviewer met "has 0 partitions").
                    throw new IllegalArgumentException("topic " + ctx.commandsTopic() + " does not exist (or has no " +
                        "partitions); create it first");
                }
                if (partition >= count)
                {
                    throw new IllegalArgumentException(ctx.commandsTopic() + " has " + count + " partitions; there is " +
                        "no partition " + partition);
                }
            }
            consumer.endOffsets(partitions, ctx.brokerTimeout())
                .forEach((partition, end) -> ends.put(partition.partition(), end));
        }
        return ends;
    }

    /** "0,2" to {0, 2}. */
    static int[] parsePartitions(final String text)
    {
        final String[] parts = text.split(",");
        final int[] partitions = new int[parts.length];
        for (int i = 0; i < parts.length; i++)
        {
            try
            {
                partitions[i] = Integer.parseInt(parts[i].trim());
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("'" + text + "' is not a list of partitions like 0 or 0,1");
            }
            if (partitions[i] < 0)
            {
                throw new IllegalArgumentException("partition " + partitions[i] + " is negative");
            }
            for (int j = 0; j < i; j++)
            {
                if (partitions[j] == partitions[i])
                {
                    throw new IllegalArgumentException("partition " + partitions[i] + " is named twice in '" + text + "'");
                }
            }
        }
        return partitions;
    }
}
