package io.ringlog.exchange.kafka;

import io.ringlog.core.Command;
import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.JournalException;
import io.ringlog.core.JournalReader;
import io.ringlog.core.OutputListener;
import io.ringlog.core.Topology;
import io.ringlog.exchange.ExchangeStateMachine;
import io.ringlog.exchange.codec.CommandEncoder;
import io.ringlog.exchange.codec.CommandUpcasters;
import io.ringlog.journal.ChronicleJournal;
import io.ringlog.journal.Durability;
import io.ringlog.journal.FileSnapshotStore;
import io.ringlog.kafka.HeaderCommandDecoder;
import io.ringlog.kafka.KafkaSink;
import io.ringlog.kafka.KafkaSource;
import io.ringlog.kafka.SourceIds;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One exchange engine on Kafka: its partitions of the commands topic in, its own events topic out.
 * <pre>
 *  commands topic, partitions P ──► KafkaSource ──► Engine(ExchangeStateMachine, Chronicle journal in DIR,
 *                                        │                 snapshots in DIR/snapshots) ──► KafkaSink ──► events topic
 *                                        └──► dead-letter topic
 * </pre>
 * Start-up order is what makes it exact: the sink opens first (fences its predecessor, finds the last
 * event in its topic), the engine recovers from a snapshot before that event and hands the sink the
 * events the topic lacks, then the source seeks each partition to the offset after the last one the
 * recovered dedup table holds, and starts its thread. Close runs the other way.
 * <p>
 * Names derive from {@link Context#name}: the sink's transactional id is {@code name + ".events"}, the
 * dead-letter producer's {@code name + ".dead-letters"}, the consumer group (monitoring only) {@code name};
 * keep the name when the engine restarts, and never give two engines one name.
 */
public final class ExchangeKafkaEngine implements AutoCloseable
{
    private final Context ctx;
    private final ExchangeStateMachine exchange;
    private final KafkaSink sink;
    private final Engine engine;
    private final KafkaSource source;
    private final AgentRunner sourceRunner;
    private final long sinkOpenNanos;
    private final long launchNanos;
    private final long sourceOpenNanos;
    private volatile Throwable engineError;
    private boolean closed;

    private ExchangeKafkaEngine(final Context ctx)
    {
        this.ctx = ctx;
        // Its settings come from position 1 of its journal, as the exchange CLI's do: the journal says which
        // exchange it was written by, and 'exchange replay|book|balances' read it as they read run's.
        this.exchange = ExchangeStateMachine.configuredByJournal(true);
        // A start refused before anything came from Kafka leaves no journal where there was none.
        final boolean newDirectory = emptyOrAbsent(ctx.journalDir());
        final ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context()
            .directory(ctx.journalDir()).maxPayloadLength(ExchangeRecords.MAX_PAYLOAD_LENGTH).durability(ctx.durability())
            .preallocate(ctx.journalPreallocate()));
        KafkaSink sink = null;
        Engine engine = null;
        long sinkOpen = 0;
        long launch = 0;
        long sourceOpen = 0;
        try
        {
            final FileSnapshotStore snapshots = FileSnapshotStore.open(new FileSnapshotStore.Context()
                .directory(ctx.journalDir().resolve("snapshots")).retain(3).errorHandler(ctx.errorHandler()::onError));
            final EngineContext engineContext = new EngineContext()
                .name(ctx.name())
                .stateMachine(exchange)
                // A record without ringlog.version is a version 1 command: read as the exchange replays it.
                .upcasters(CommandUpcasters.create())
                .journal(journal)
                .snapshotStore(snapshots)
                .snapshotEvery(ctx.snapshotEvery())
                .topology(ctx.topology())
                .maxPayloadLength(ExchangeRecords.MAX_PAYLOAD_LENGTH)
                // The source is the only producer. When the ring is full (the sink, the slowest stage, holds
                // the engine back) there are tens of thousands of commands queued, so waking every 50 us to
                // look again only burns a core others need; parks grow to 1 ms instead.
                .producerIdleStrategy(() -> new BackoffIdleStrategy(16, 16, 1_000, 1_000_000))
                .errorHandler(this::onEngineError);
            for (final Map.Entry<String, OutputListener> listener : ctx.listeners())
            {
                engineContext.listener(listener.getKey(), listener.getValue());
            }
            final KafkaSource.Context sourceContext = new KafkaSource.Context()
                .name(ctx.name())
                .producerProperties(ctx.brokerTimeoutProperties())
                .startupTimeout(ctx.brokerTimeout())
                .bootstrapServers(ctx.bootstrapServers())
                .topic(ctx.commandsTopic())
                .partitions(ctx.partitions())
                .decoder(new HeaderCommandDecoder(ExchangeRecords.PAYLOAD_CHECK))
                .deadLetterTopic(ctx.deadLetterTopic())
                .maxPayloadLength(ExchangeRecords.MAX_PAYLOAD_LENGTH);
            // Before the sink fences anything and the engine starts its threads: a missing topic or partition is
            // refused with nothing to undo.
            KafkaSource.checkTopics(sourceContext);
            checkFedByTheTopic(journal, ctx);
            checkPartitionsKept(journal, ctx, KafkaSource.topicId(sourceContext), EventsTopic.of(ctx));
            long started = System.nanoTime();
            if (ctx.eventsTopic() != null)
            {
                sink = KafkaSink.open(new KafkaSink.Context()
                    .producerProperties(ctx.brokerTimeoutProperties())
                    .startupTimeout(ctx.brokerTimeout())
                    .bootstrapServers(ctx.bootstrapServers())
                    .topic(ctx.eventsTopic())
                    .transactionalId(ctx.name() + ".events")
                    .journalLastPosition(engineContext.journal().lastPosition())
                    .keys(ExchangeRecords.eventKeys())
                    .maxEventPayloadLength(engineContext.maxEventPayloadLength()));
                sink.attach("kafka-events", engineContext);
            }
            sinkOpen = System.nanoTime() - started;
            started = System.nanoTime();
            engine = Engine.launch(engineContext);
            configure(engine, exchange, ctx);
            launch = System.nanoTime() - started;
            started = System.nanoTime();
            this.source = new KafkaSource(engine, sourceContext);
            sourceOpen = System.nanoTime() - started;
        }
        catch (final RuntimeException ex)
        {
            if (engine != null)
            {
                closeQuietly(engine);
            }
            else
            {
                journal.close();
            }
            if (sink != null)
            {
                closeQuietly(sink);
            }
            if (newDirectory)
            {
                removeQuietly(ctx.journalDir());
            }
            throw ex;
        }
        this.sink = sink;
        this.engine = engine;
        this.sinkOpenNanos = sinkOpen;
        this.launchNanos = launch;
        this.sourceOpenNanos = sourceOpen;
        // poll() waits for records itself (pollTimeout), so the runner need not idle on top of it.
        this.sourceRunner = new AgentRunner(NoOpIdleStrategy.INSTANCE, ctx.errorHandler(), null, source);
        AgentRunner.startOnThread(sourceRunner);
    }

    /**
     * Refuses a journal whose first command after the settings did not come from the commands topic: one that
     * 'exchange run' wrote, say. Its history would be published into the events topic and the partition's
     * commands appended to it, and the engine of that partition would later be refused as behind its topic.
     * The same for one whose first command came from a partition this engine is not for (another partition's
     * engine's journal). An engine whose list of partitions changed is caught by {@link #checkPartitionsKept}.
     */
    private static void checkFedByTheTopic(final ChronicleJournal journal, final Context ctx)
    {
        if (journal.lastPosition() < 2)
        {
            return;
        }
        final Command second = new Command(ExchangeRecords.MAX_PAYLOAD_LENGTH);
        try (JournalReader reader = journal.reader(2))
        {
            if (!reader.next(second) || second.position() != 2)
            {
                return;   // trimmed: its snapshots cover it, and they were taken by an engine of this journal
            }
        }
        catch (final JournalException trimmed)
        {
            return;
        }
        if (!SourceIds.isOf(second.sourceId(), ctx.commandsTopic()))
        {
            throw new IllegalStateException("the journal in " + ctx.journalDir() + " was not written by an engine of " +
                ctx.commandsTopic() + ": its first command (position 2) came from " + (second.sourceId() == 0 ?
                "no source (a file 'exchange run' read, say)" : "partition " + SourceIds.partition(second.sourceId()) +
                " of another commands topic (source id " + second.sourceId() + "; a journal keeps a hash of its topic's " +
                "name, not the name)") + ", not from a partition of " + ctx.commandsTopic() + ". Give the engine a " +
                "journal directory of its own (a new one starts empty), or the --commands-topic it was written from");
        }
        final int partition = SourceIds.partition(second.sourceId());
        if (java.util.Arrays.stream(ctx.partitions()).noneMatch((p) -> p == partition))
        {
            // Another partition's engine journal: its history would go into this partition's events topic, and this
            // partition's commands would be applied on top of that partition's state.
            throw new IllegalStateException("the journal in " + ctx.journalDir() + " holds the commands of partition " +
                partition + " of " + ctx.commandsTopic() + " (its first command, position 2, came from there), and " +
                "this engine is for partition" + (ctx.partitions().length == 1 ? " " : "s ") +
                java.util.Arrays.toString(ctx.partitions()).replaceAll("[\\[\\]]", "") + ": give each partition's " +
                "engine a journal directory of its own (-d), or run this one with -p " + partition);
        }
    }

    private static boolean emptyOrAbsent(final Path directory)
    {
        if (!Files.isDirectory(directory))
        {
            return !Files.exists(directory);
        }
        try (java.util.stream.Stream<Path> files = Files.list(directory))
        {
            return files.findAny().isEmpty();
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /** Removes what a refused start made in a directory that was empty or absent: its journal files, nothing else. */
    private static void removeQuietly(final Path directory)
    {
        try (java.util.stream.Stream<Path> files = Files.walk(directory))
        {
            for (final Path file : (Iterable<Path>)files.sorted(java.util.Comparator.reverseOrder())::iterator)
            {
                Files.deleteIfExists(file);
            }
        }
        catch (final IOException | RuntimeException ignored)
        {
            // Left as it is: the next start reads it as the journal it is, with nothing from Kafka in it.
        }
    }

    /** The file beside the journal that names the partitions its engine is for. */
    static final String PARTITIONS_FILE = "kafka-engine.properties";

    /**
     * Refuses an engine whose partitions are not those its journal was written for ({@value #PARTITIONS_FILE},
     * written at its first start): an engine restarted with fewer (-p 0,1, then -p 0) would publish the other
     * partitions' history into this partition's events topic, one restarted with more would apply a partition's
     * commands on top of a state that never had its earlier ones. A journal written before the file existed is
     * taken as it is, and the file written; so is one that holds no command from Kafka yet.
     * <p>
     * The file also keeps the commands topic's id ({@link KafkaSource#topicId}): a topic deleted and made again
     * under the same name counts its offsets from 0 again, and the source, resuming after the last offset the
     * journal applied, would pass over the new topic's first records without a word. A file written before it
     * kept the id is given the topic's id now.
     */
    private static void checkPartitionsKept(final ChronicleJournal journal, final Context ctx, final String topicId,
        final EventsTopic events)
    {
        final Path file = ctx.journalDir().resolve(PARTITIONS_FILE);
        final String partitions = Arrays.stream(ctx.partitions()).sorted().mapToObj(Integer::toString)
            .collect(Collectors.joining(","));
        final Properties kept = new Properties();
        try
        {
            // A journal with no command from Kafka yet is no one's: a start refused for something else wrote the file.
            if (Files.exists(file) && journal.lastPosition() >= 2)
            {
                try (Reader in = Files.newBufferedReader(file))
                {
                    kept.load(in);
                }
                final String topic = kept.getProperty("commands-topic");
                final String were = kept.getProperty("partitions");
                if (!ctx.commandsTopic().equals(topic) || !partitions.equals(were))
                {
                    throw new IllegalStateException("the journal in " + ctx.journalDir() + " was written by the engine " +
                        "of partition" + (String.valueOf(were).contains(",") ? "s " : " ") + were + " of " + topic +
                        ", and this one is for partition" + (partitions.contains(",") ? "s " : " ") + partitions + " of " +
                        ctx.commandsTopic() + ": an engine keeps the partitions it started with (its journal holds " +
                        "their commands, its events topic their events). Run it with -p " + were + (ctx.commandsTopic()
                        .equals(topic) ? "" : " and the commands topic " + topic) + ", or give this one a journal " +
                        "directory of its own (-d)");
                }
                final String keptId = kept.getProperty("commands-topic-id");
                if (keptId != null && !keptId.equals(topicId) && !topicId.equals(ctx.acceptCommandsTopicId()))
                {
                    throw new IllegalStateException(renewedTopic(journal, ctx, file, keptId, topicId));
                }
                final String keptEventsId = ctx.eventsTopic() != null && ctx.eventsTopic().equals(
                    kept.getProperty("events-topic")) ? kept.getProperty("events-topic-id") : null;
                if (events != null && keptEventsId != null && !keptEventsId.equals(events.id()) && events.records() > 0 &&
                    !events.id().equals(ctx.acceptEventsTopicId()))
                {
                    throw new IllegalStateException(renewedEventsTopic(ctx, file, keptEventsId, events));
                }
                if (topicId.equals(keptId) && (events == null ? ctx.eventsTopic() == null ||
                    !ctx.eventsTopic().equals(kept.getProperty("events-topic")) : events.id().equals(keptEventsId)))
                {
                    return;
                }
            }
            kept.setProperty("commands-topic", ctx.commandsTopic());
            kept.setProperty("commands-topic-id", topicId);
            kept.setProperty("partitions", partitions);
            if (events != null)
            {
                kept.setProperty("events-topic", ctx.eventsTopic());
                kept.setProperty("events-topic-id", events.id());
            }
            final Path written = ctx.journalDir().resolve(PARTITIONS_FILE + ".new");
            try (Writer out = Files.newBufferedWriter(written))
            {
                kept.store(out, "the partitions of the commands topic this journal's engine is for; keep them");
            }
            Files.move(written, file, StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read or write " + file + ": " + ex.getMessage(), ex);
        }
    }

    /** Why an engine does not resume on a commands topic that was deleted and made again, and the ways on. */
    private static String renewedTopic(final ChronicleJournal journal, final Context ctx, final Path file,
        final String keptId, final String topicId)
    {
        String last = "";
        final Command command = new Command(ExchangeRecords.MAX_PAYLOAD_LENGTH);
        try (JournalReader reader = journal.reader(journal.lastPosition()))
        {
            if (reader.next(command) && SourceIds.isOf(command.sourceId(), ctx.commandsTopic()))
            {
                last = " (its last command, position " + command.position() + ", was offset " + command.sourceSequence() +
                    " of partition " + SourceIds.partition(command.sourceId()) + ")";
            }
        }
        catch (final JournalException unread)
        {
            // The refusal stands without the offset; the journal's own check says what is wrong with it.
        }
        return "the commands topic " + ctx.commandsTopic() + " is not the one the journal in " + ctx.journalDir() +
            " was fed from: its topic id is " + topicId + ", and the journal's commands came from topic id " + keptId +
            " (kept in " + file + "). The topic was deleted and made again, and a new topic counts its offsets from 0: " +
            "this engine would resume after the last offset it applied" + last + " and pass over the new topic's " +
            "records up to there without applying them. If the new topic holds the old one's records at the same " +
            "offsets (restored from a copy), start the engine with --accept-commands-topic-id " + topicId + ". " +
            "Otherwise this journal cannot take the new topic's commands (their offsets are ones it has already " +
            "applied): run an engine for the new topic with a journal directory (-d), an events topic " +
            "(--events-topic) and a --name of its own (the name is its Kafka transactional id: under this engine's, " +
            "it would fence it)";
    }

    /** Why an engine does not go on publishing into an events topic that was deleted and made again. */
    private static String renewedEventsTopic(final Context ctx, final Path file, final String keptId,
        final EventsTopic events)
    {
        return "the events topic " + ctx.eventsTopic() + " is not the one this engine published to: its topic id is " +
            events.id() + ", and the engine's events went to topic id " + keptId + " (kept in " + file + "). It was " +
            "deleted and made again, and it is not empty (its partitions end at offsets adding up to " + events.records() +
            ": an engine that ran on meanwhile went on publishing into it): it lacks this engine's earlier events, " +
            "and a start would go on after its last one as if it held them all. If the topic holds the old one's " +
            "records (restored from a copy), start the engine with --accept-events-topic-id " + events.id() + ". To " +
            "get a complete events topic, " +
            "empty this one (delete it and make it again, with no engine running): an engine started on an empty " +
            "events topic publishes every event from the first";
    }

    /** The events topic as the broker has it now: its id, and how many records it holds (0: none ever, or all deleted). */
    record EventsTopic(String id, long records)
    {
        /** Null where the context names no events topic or the topic does not exist (the sink then says so). */
        static EventsTopic of(final Context ctx)
        {
            if (ctx.eventsTopic() == null)
            {
                return null;
            }
            final int timeoutMs = (int)Math.min(Integer.MAX_VALUE, ctx.brokerTimeout().toMillis());
            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(Map.of(
                org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, ctx.bootstrapServers(),
                org.apache.kafka.clients.admin.AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs,
                org.apache.kafka.clients.admin.AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs)))
            {
                final org.apache.kafka.clients.admin.TopicDescription topic = admin.describeTopics(
                    List.of(ctx.eventsTopic())).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS).get(ctx.eventsTopic());
                final Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> ends =
                    new java.util.HashMap<>();
                topic.partitions().forEach((partition) -> ends.put(new org.apache.kafka.common.TopicPartition(
                    ctx.eventsTopic(), partition.partition()), org.apache.kafka.clients.admin.OffsetSpec.latest()));
                long records = 0;
                for (final org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo end : admin
                    .listOffsets(ends).all().get(timeoutMs, TimeUnit.MILLISECONDS).values())
                {
                    records += end.offset();
                }
                return new EventsTopic(topic.topicId().toString(), records);
            }
            catch (final java.util.concurrent.ExecutionException ex)
            {
                if (ex.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
                {
                    return null;
                }
                throw new IllegalStateException("the broker at " + ctx.bootstrapServers() + " did not describe the " +
                    "events topic " + ctx.eventsTopic() + ": " + ex.getCause().getMessage(), ex.getCause());
            }
            catch (final java.util.concurrent.TimeoutException ex)
            {
                throw new IllegalStateException("the broker at " + ctx.bootstrapServers() + " did not answer within " +
                    ctx.brokerTimeout().toSeconds() + " s when asked about the events topic " + ctx.eventsTopic() +
                    ": is it running?", ex);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while asking about the events topic " + ctx.eventsTopic(), ex);
            }
        }
    }

    /**
     * A new journal starts with the exchange's settings; a journal that does not (another application's,
     * or one written before settings lived in the journal) is refused before anything is read from Kafka.
     */
    private static void configure(final Engine engine, final ExchangeStateMachine exchange, final Context ctx)
    {
        if (engine.nextPosition() == 1)
        {
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[ExchangeRecords.MAX_PAYLOAD_LENGTH]);
            final long position = engine.publish(ExchangeRecords.CONFIGURE, CommandEncoder.VERSION, 0, 0, 0, payload, 0,
                ExchangeRecords.configure(payload));
            try
            {
                engine.awaitApplied(position, 1, TimeUnit.MINUTES);
            }
            catch (final java.util.concurrent.TimeoutException ex)
            {
                throw new IllegalStateException("the exchange's settings were not applied within a minute", ex);
            }
        }
        else if (!exchange.configured())
        {
            throw new IllegalStateException("the journal in " + ctx.journalDir() + " does not start with the " +
                "exchange's settings: it was not written by an exchange engine");
        }
    }

    /** Opens the journal, the sink, the engine (recovering) and the source, and starts reading. */
    public static ExchangeKafkaEngine start(final Context ctx)
    {
        ctx.conclude();
        return new ExchangeKafkaEngine(ctx);
    }

    private void onEngineError(final Throwable error)
    {
        engineError = error;
        ctx.errorHandler().onError(error);
    }

    /**
     * Whether every record before {@code ends} (partition to offset) has been read, applied, and its
     * events committed to the events topic. Every exchange command from Kafka makes at least one event
     * (a rejection is one), so the sink's committed position reaches the engine's last; only the
     * settings at position 1 make none.
     */
    public boolean caughtUp(final Map<Integer, Long> ends)
    {
        for (final int partition : ctx.partitions())
        {
            if (source.nextOffset(partition) < ends.getOrDefault(partition, 0L))
            {
                return false;
            }
        }
        final long last = engine.nextPosition() - 1;
        return engine.metrics().lastAppliedPosition() >= last &&
            (sink == null || last <= 1 || sink.committedPosition() >= last);
    }

    /**
     * Where start-up time went: opening the sink (fencing, reading the topic's end), launching the engine
     * (recovery, which waits while the sink takes the regenerated events), opening the source (seeks).
     */
    public String startupTimes()
    {
        return "sink " + TimeUnit.NANOSECONDS.toMillis(sinkOpenNanos) + " ms, recovery " +
            TimeUnit.NANOSECONDS.toMillis(launchNanos) + " ms, source " + TimeUnit.NANOSECONDS.toMillis(sourceOpenNanos) +
            " ms";
    }

    /** Why this engine cannot go on (its source, sink or engine failed), or null. */
    public Throwable failure()
    {
        if (source.failure() != null)
        {
            return source.failure();
        }
        if (sink != null && sink.failure() != null)
        {
            return sink.failure();
        }
        return engine.failure();
    }

    /** The last error the engine reported (a listener's, a snapshot's), or null. */
    public Throwable lastEngineError()
    {
        return engineError;
    }

    public Engine engine()
    {
        return engine;
    }

    /** The sink, or null for an engine without an events topic. */
    public KafkaSink sink()
    {
        return sink;
    }

    public KafkaSource source()
    {
        return source;
    }

    /** The exchange; read it after {@link #close()}. */
    public ExchangeStateMachine exchange()
    {
        return exchange;
    }

    public Context context()
    {
        return ctx;
    }

    /** Waits until business logic has applied everything published so far. */
    public void awaitApplied(final long timeoutMs) throws Exception
    {
        engine.awaitApplied(engine.nextPosition() - 1, timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** The engine's state hash: the exchange's and the dedup table's, so also the offsets applied. After {@link #close()}. */
    public long stateHash()
    {
        return engine.stateHash();
    }

    /** Stops the source, drains and closes the engine (the sink commits the last batch), closes the sink. */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        final long brokerAway = source.brokerAwaySince();
        if (brokerAway > 0 && sink != null)
        {
            // Its last commit could only wait out the broker timeout, and the close its own timeout after it: the
            // next start regenerates from the journal what was not committed.
            sink.abandon("the broker at " + ctx.bootstrapServers() + " has not answered since " +
                java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss").withZone(java.time.ZoneId.systemDefault())
                    .format(java.time.Instant.ofEpochMilli(brokerAway)) + ", and the engine was asked to stop: its last " +
                "events were not committed to " + ctx.eventsTopic());
        }
        try
        {
            sourceRunner.close();
        }
        finally
        {
            try
            {
                engine.close();
            }
            finally
            {
                if (sink != null)
                {
                    sink.close();
                }
            }
        }
    }

    private static void closeQuietly(final AutoCloseable closeable)
    {
        try
        {
            closeable.close();
        }
        catch (final Exception ignored)
        {
            // already failing; the first failure is the one reported
        }
    }

    /** What an engine reads and writes; fluent setters, {@link #conclude()} validates. */
    public static final class Context
    {
        private String name;
        private String bootstrapServers;
        private String commandsTopic;
        private int[] partitions;
        private String eventsTopic;
        private String deadLetterTopic;
        private Path journalDir;
        private long snapshotEvery;
        private Topology topology = Topology.COMPACT;
        private Durability durability = Durability.MEMORY_MAPPED;
        private long journalPreallocate;
        private ErrorHandler errorHandler = (error) -> System.err.println("engine: " + error);
        private Duration brokerTimeout = Duration.ofSeconds(60);
        private String acceptCommandsTopicId;
        private String acceptEventsTopicId;
        private final List<Map.Entry<String, OutputListener>> listeners = new ArrayList<>();
        private boolean concluded;

        /**
         * Why these topics cannot serve one engine, or null: two of them are one topic. An engine whose events topic was
         * its commands topic read its own events back as commands (a reviewer's finding: it applied them, dead-lettered
         * the rest, and said nothing); a dead-letter topic that is the commands topic is read back as commands too.
         */
        public static String sameTopic(final String commandsTopic, final String deadLetterTopic,
            final String... eventsTopics)
        {
            if (collide(commandsTopic, deadLetterTopic))
            {
                return "the commands topic and the dead-letter topic are " + both(commandsTopic, deadLetterTopic) +
                    ": dead letters would be read back as commands. Give each its own topic";
            }
            for (final String events : eventsTopics)
            {
                if (collide(events, commandsTopic))
                {
                    return "the events topic and the commands topic are " + both(events, commandsTopic) + ": the engine " +
                        "would read its own events back as commands. Give each its own topic";
                }
                if (collide(events, deadLetterTopic))
                {
                    return "the events topic and the dead-letter topic are " + both(events, deadLetterTopic) + ": events " +
                        "and dead letters would be mixed in one topic, which neither tail nor dead-letters reads. Give " +
                        "each its own topic";
                }
            }
            return null;
        }

        /** Whether Kafka takes the two names for one topic: equal, or equal once '.' and '_' are one character. */
        public static boolean collide(final String one, final String other)
        {
            return one.replace('.', '_').equals(other.replace('.', '_'));
        }

        private static String both(final String one, final String other)
        {
            return one.equals(other) ? "both " + one : one + " and " + other + ", which Kafka takes for one topic ('.' " +
                "and '_' are one character in its topic names)";
        }

        public Context conclude()
        {
            if (concluded)
            {
                return this;
            }
            if (bootstrapServers == null || commandsTopic == null || partitions == null || partitions.length == 0 ||
                deadLetterTopic == null || journalDir == null)
            {
                throw new IllegalArgumentException("bootstrapServers, commandsTopic, partitions, deadLetterTopic and " +
                    "journalDir are required");
            }
            final String same = eventsTopic == null ? sameTopic(commandsTopic, deadLetterTopic) :
                sameTopic(commandsTopic, deadLetterTopic, eventsTopic);
            if (same != null)
            {
                throw new IllegalArgumentException(same);
            }
            if (name == null)
            {
                name = "exchange-" + commandsTopic + "-" + Arrays.stream(partitions).mapToObj(Integer::toString)
                    .collect(Collectors.joining("-"));
            }
            concluded = true;
            return this;
        }

        /** Stable across restarts, unique among engines: transactional ids and the group derive from it. */
        public Context name(final String name)
        {
            this.name = name;
            return this;
        }

        public String name()
        {
            return name;
        }

        public Context bootstrapServers(final String bootstrapServers)
        {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        public String bootstrapServers()
        {
            return bootstrapServers;
        }

        public Context commandsTopic(final String commandsTopic)
        {
            this.commandsTopic = commandsTopic;
            return this;
        }

        public String commandsTopic()
        {
            return commandsTopic;
        }

        public Context partitions(final int... partitions)
        {
            this.partitions = partitions.clone();
            return this;
        }

        public int[] partitions()
        {
            return partitions.clone();
        }

        /**
         * The id of a commands topic deleted and made again ({@link KafkaSource#topicId}) that the journal is to
         * go on from, where the new topic holds the old one's records at the same offsets (restored from a copy).
         * Without it such a start is refused: the engine would pass over the new topic's records up to the offset
         * its journal applied.
         */
        public Context acceptCommandsTopicId(final String topicId)
        {
            this.acceptCommandsTopicId = topicId;
            return this;
        }

        public String acceptCommandsTopicId()
        {
            return acceptCommandsTopicId;
        }

        /**
         * The id of an events topic deleted and made again that already holds records, which the engine is to go
         * on publishing into where the topic holds the old one's records (restored from a copy). Without it such a
         * start is refused: the topic lacks the engine's earlier events. An empty new events topic needs nothing:
         * the engine publishes every event into it from the first.
         */
        public Context acceptEventsTopicId(final String topicId)
        {
            this.acceptEventsTopicId = topicId;
            return this;
        }

        public String acceptEventsTopicId()
        {
            return acceptEventsTopicId;
        }

        /**
         * This engine's own events topic: a sink resumes from its topic's end, so it must be the only
         * writer. Null for an engine whose events stay in the process (its listeners): Kafka in only.
         */
        public Context eventsTopic(final String eventsTopic)
        {
            this.eventsTopic = eventsTopic;
            return this;
        }

        public String eventsTopic()
        {
            return eventsTopic;
        }

        public Context deadLetterTopic(final String deadLetterTopic)
        {
            this.deadLetterTopic = deadLetterTopic;
            return this;
        }

        public String deadLetterTopic()
        {
            return deadLetterTopic;
        }

        /** The journal's directory; snapshots go to its {@code snapshots} folder, newest 3 kept. */
        public Context journalDir(final Path journalDir)
        {
            this.journalDir = journalDir;
            return this;
        }

        public Path journalDir()
        {
            return journalDir;
        }

        public Context snapshotEvery(final long snapshotEvery)
        {
            this.snapshotEvery = snapshotEvery;
            return this;
        }

        public long snapshotEvery()
        {
            return snapshotEvery;
        }

        public Context topology(final Topology topology)
        {
            this.topology = topology;
            return this;
        }

        public Topology topology()
        {
            return topology;
        }

        public Context durability(final Durability durability)
        {
            this.durability = durability;
            return this;
        }

        public Durability durability()
        {
            return durability;
        }

        /** Bytes of journal given disk blocks at start ({@code ChronicleJournal.Context.preallocate}); 0 by default. */
        public Context journalPreallocate(final long bytes)
        {
            this.journalPreallocate = bytes;
            return this;
        }

        public long journalPreallocate()
        {
            return journalPreallocate;
        }

        /** Gets the engine's, the source's and the snapshot store's errors; it must not throw. */
        public Context errorHandler(final ErrorHandler errorHandler)
        {
            this.errorHandler = errorHandler;
            return this;
        }

        public ErrorHandler errorHandler()
        {
            return errorHandler;
        }

        /**
         * How long the engine waits for a broker that does not answer (at start-up, and for a transaction's
         * commit or a dead letter's send) before it stops: the sink's and dead-letter producer's
         * {@code max.block.ms}. A consumer waits for the broker without limit, so an idle engine waits
         * for a broker that went away; one with events to commit stops after this long.
         */
        public Context brokerTimeout(final Duration brokerTimeout)
        {
            this.brokerTimeout = brokerTimeout;
            return this;
        }

        public Duration brokerTimeout()
        {
            return brokerTimeout;
        }

        Map<String, Object> brokerTimeoutProperties()
        {
            return Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, brokerTimeout.toMillis());
        }

        /** An in-process listener besides the sink (a read model, a latency recorder). */
        public Context listener(final String name, final OutputListener listener)
        {
            listeners.add(Map.entry(name, listener));
            return this;
        }

        public List<Map.Entry<String, OutputListener>> listeners()
        {
            return listeners;
        }
    }
}
