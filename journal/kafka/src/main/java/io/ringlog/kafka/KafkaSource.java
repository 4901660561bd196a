package io.ringlog.kafka;

import io.ringlog.core.CommandBatch;
import io.ringlog.core.Engine;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Publishes a commands topic into an engine, exactly once. Each record becomes a command with source
 * id = its topic-partition ({@link SourceIds}) and source sequence = its offset, so the engine's dedup
 * table, which is journaled, snapshotted and in the state hash, says how far each partition was
 * applied. On start the source seeks each of its partitions to the sequence recovery left
 * ({@link Engine#recoveredSourceSequence}) + 1: whatever was journaled before a crash is not applied
 * twice, and whatever was not is read again. Offsets it commits to Kafka are for monitoring only.
 * <p>
 * A record that does not decode goes to the dead-letter topic with the reason in a header, and the
 * partition goes on (see {@link DeadLetters} for why that too happens once).
 * <p>
 * An Agrona {@link Agent}: run it on its own thread with an {@code AgentRunner}, or call
 * {@link #doWork()} by hand. Each call polls once and publishes what came, partition by partition,
 * with one {@link CommandBatch} claim per run of good records. Its own code allocates nothing per
 * record: decoded commands are preallocated, payloads are viewed in the records' values. kafka-clients
 * allocates each {@code ConsumerRecord}, its key and value arrays and its headers, and per poll the
 * {@code ConsumerRecords} and its lists.
 * <p>
 * Partitions are assigned statically ({@code assign}, not a consumer group): an engine owns its
 * partitions, and two sources on one partition would each publish it into their own engine.
 */
public final class KafkaSource implements Agent, AutoCloseable
{
    private final Context ctx;
    private final Engine engine;
    private final Consumer<byte[], byte[]> consumer;
    private final DeadLetters deadLetters;
    private final CommandBatch batch;
    private final TopicPartition[] partitions;
    private final long[] sourceIds;
    private final long[] lastDeadLettered;
    private final AtomicLongArray nextOffsets;
    private final DecodedCommand[] decoded;
    private final long[] offsets;
    private final long commitIntervalNs;
    private long nextCommitNs;
    private long published;
    private long seenAgain;
    private volatile Throwable failure;
    /** The consumer's open connections to brokers: none while every broker is away. */
    private final BrokerConnections connections;

    /**
     * Checks, without an engine, what the constructor would refuse first: that the commands topic exists and has
     * the partitions assigned, and that the dead-letter topic exists with at least as many. Call it before
     * {@link Engine#launch}: a source that throws after the launch leaves the engine's threads running until
     * the engine is closed.
     *
     * @throws IllegalArgumentException if the commands topic lacks an assigned partition.
     * @throws IllegalStateException    if a topic is missing or the dead-letter topic has too few partitions.
     */
    public static void checkTopics(final Context ctx)
    {
        ctx.conclude();
        try (LastRecords reader = new LastRecords(ctx.consumerProperties(), ctx.startupTimeout()))
        {
            checkPartitions(ctx, reader.partitionCount(ctx.topic()));
            final int deadLetterPartitions = reader.partitionCount(ctx.deadLetterTopic());
            for (final int partition : ctx.partitions())
            {
                DeadLetters.checkPartitions(ctx.deadLetterTopic(), deadLetterPartitions, ctx.topic(), partition);
            }
        }
    }

    /**
     * Kafka's id of the commands topic, which a topic deleted and made again under the same name does not keep.
     * Its offsets start again at 0, and a source resuming where its engine's journal left off (offset N + 1) would
     * pass over the new topic's first N + 1 records without a word. Keep the id beside the journal at the first
     * start and compare it at every start after (the exchange's Kafka engine does, in its
     * {@code kafka-engine.properties}).
     *
     * @throws IllegalStateException if the topic does not exist, or the broker does not answer within
     *                               {@link Context#startupTimeout}.
     */
    public static String topicId(final Context ctx)
    {
        ctx.conclude();
        final int timeoutMs = (int)Math.min(Integer.MAX_VALUE, ctx.startupTimeout().toMillis());
        try (Admin admin = UndecidedTransactions.admin(ctx.consumerProperties(), ctx.startupTimeout()))
        {
            final TopicDescription description = admin.describeTopics(List.of(ctx.topic())).allTopicNames()
                .get(timeoutMs, TimeUnit.MILLISECONDS).get(ctx.topic());
            return description.topicId().toString();
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof UnknownTopicOrPartitionException)
            {
                throw new IllegalStateException("topic " + ctx.topic() + " does not exist (or has no partitions); " +
                    "create it first", ex.getCause());
            }
            throw BrokerTimeouts.unanswered(ctx.consumerProperties(), ctx.startupTimeout(), "when asked for the id of " +
                "topic " + ctx.topic(), ex.getCause());
        }
        catch (final java.util.concurrent.TimeoutException ex)
        {
            throw BrokerTimeouts.unanswered(ctx.consumerProperties(), ctx.startupTimeout(), "when asked for the id of " +
                "topic " + ctx.topic(), ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking for the id of topic " + ctx.topic(), ex);
        }
    }

    private static void checkPartitions(final Context ctx, final int topicPartitions)
    {
        for (final int partition : ctx.partitions())
        {
            if (topicPartitions == 0)
            {
                throw new IllegalArgumentException("topic " + ctx.topic() + " does not exist (or has no partitions); " +
                    "create it first");
            }
            if (partition >= topicPartitions)
            {
                throw new IllegalArgumentException(ctx.topic() + " has " + topicPartitions + " partitions; there is no " +
                    "partition " + partition);
            }
        }
    }

    /**
     * Connects to Kafka, finds where each partition resumes, and seeks there. Call it after
     * {@link Engine#launch}, which has recovered, and before anything else publishes this topic's records.
     */
    public KafkaSource(final Engine engine, final Context ctx)
    {
        ctx.conclude();
        // A reviewer's findings: neither was checked, and the source failed under load (a poll larger than the ring),
        // or stopped its partition at every start on a record its own check passed and the engine refused.
        if (ctx.maxBatch() > engine.ringSize())
        {
            throw new IllegalArgumentException("maxBatch " + ctx.maxBatch() + " is more than the engine's ringSize " +
                engine.ringSize() + ": a poll that large would not fit in one claim. Give maxBatch at most the ring size");
        }
        if (ctx.maxPayloadLength() > engine.maxPayloadLength())
        {
            throw new IllegalArgumentException("maxPayloadLength " + ctx.maxPayloadLength() + " is more than the " +
                "engine's, " + engine.maxPayloadLength() + ": a record between the two would pass this source's check " +
                "and be refused by the engine, instead of dead-lettered. Give the engine's maxPayloadLength");
        }
        this.ctx = ctx;
        this.engine = engine;
        final int[] assigned = ctx.partitions();
        this.partitions = new TopicPartition[assigned.length];
        this.sourceIds = new long[assigned.length];
        this.lastDeadLettered = new long[assigned.length];
        this.nextOffsets = new AtomicLongArray(assigned.length);
        Consumer<byte[], byte[]> consumer = null;
        DeadLetters deadLetters = null;
        try (LastRecords reader = new LastRecords(ctx.consumerProperties(), ctx.startupTimeout(),
            ctx.deadLetterTransactionalId(), true))
        {
            checkPartitions(ctx, reader.partitionCount(ctx.topic()));
            deadLetters = new DeadLetters(ctx.producerProperties(), ctx.deadLetterTopic(),
                ctx.deadLetterTransactionalId(), ctx.topic());
            for (int i = 0; i < assigned.length; i++)
            {
                partitions[i] = new TopicPartition(ctx.topic(), assigned[i]);
                sourceIds[i] = SourceIds.of(ctx.topic(), assigned[i]);
                lastDeadLettered[i] = deadLetters.resume(reader, assigned[i]);
            }
            consumer = new KafkaConsumer<>(consumerConfig(ctx), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumer.assign(Arrays.asList(partitions));
            for (int i = 0; i < partitions.length; i++)
            {
                final long applied = engine.recoveredSourceSequence(sourceIds[i]);
                if (applied >= 0)
                {
                    consumer.seek(partitions[i], resumeAt(reader, deadLetters, i, applied));
                }
                else
                {
                    consumer.seekToBeginning(List.of(partitions[i]));
                }
            }
            // Only once every partition has a position: asking for one resolves them all.
            for (int i = 0; i < partitions.length; i++)
            {
                nextOffsets.set(i, consumer.position(partitions[i], ctx.startupTimeout()));
            }
        }
        catch (final RuntimeException ex)
        {
            closeQuietly(consumer);
            closeQuietly(deadLetters);
            throw ex;
        }
        this.consumer = consumer;
        this.connections = new BrokerConnections(this.consumer::metrics, "consumer-metrics");
        this.deadLetters = deadLetters;
        this.batch = engine.newBatch();
        this.decoded = new DecodedCommand[ctx.maxBatch()];
        for (int i = 0; i < decoded.length; i++)
        {
            decoded[i] = new DecodedCommand(ctx.maxPayloadLength());
        }
        this.offsets = new long[ctx.maxBatch()];
        this.commitIntervalNs = ctx.commitInterval().toNanos();
        this.nextCommitNs = System.nanoTime() + commitIntervalNs;
    }

    /**
     * Where partition {@code i} goes on after {@code applied}, its last record the engine applied: the next offset,
     * or, where retention (or deleteRecords) deleted records from there that were all dead-lettered (none a command),
     * the partition's start. A reviewer's finding: a partition whose last records were dead letters, deleted while
     * the engine was down, stopped the source at every start, saying commands were lost.
     */
    private long resumeAt(final LastRecords reader, final DeadLetters deadLetters, final int i, final long applied)
    {
        if (lastDeadLettered[i] <= applied)
        {
            return applied + 1;
        }
        final long logStart = reader.logStart(partitions[i]);
        return logStart > applied + 1 && deadLetters.coversAll(reader, partitions[i].partition(), applied + 1, logStart) ?
            logStart : applied + 1;
    }

    private static Map<String, Object> consumerConfig(final Context ctx)
    {
        final Map<String, Object> config = new HashMap<>(ctx.consumerProperties());
        config.putIfAbsent(ConsumerConfig.GROUP_ID_CONFIG, ctx.name());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Commands a producer wrote in a transaction it then aborted are not commands.
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // The source seeks every partition itself; an offset out of range is a lost history, said loudly.
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        config.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, ctx.maxBatch());
        return config;
    }

    /** Polls once and publishes what came; returns the number of records handled. */
    @Override
    public int doWork()
    {
        if (failure != null)
        {
            throw new AgentTerminationException(failure);
        }
        try
        {
            final ConsumerRecords<byte[], byte[]> records = consumer.poll(ctx.pollTimeout());
            int work = 0;
            if (!records.isEmpty())
            {
                for (int i = 0; i < partitions.length; i++)
                {
                    work += publish(i, records.records(partitions[i]));
                }
            }
            // Past what a consumer never returns: a transaction's commit marker (the last offset of a partition a
            // transactional producer wrote), an aborted transaction's records. A poll that passed only those returns
            // no record, but says where it got to; reading it never blocks (position() can, for a minute).
            final Map<TopicPartition, OffsetAndMetadata> next = records.nextOffsets();
            if (!next.isEmpty())
            {
                for (int i = 0; i < partitions.length; i++)
                {
                    final OffsetAndMetadata offset = next.get(partitions[i]);
                    if (offset != null && offset.offset() > nextOffsets.get(i))
                    {
                        nextOffsets.lazySet(i, offset.offset());
                    }
                }
            }
            commitForMonitoring();
            // An idle source polls on quietly while the broker is away: this is how its engine can say so.
            connections.check();
            return work;
        }
        catch (final org.apache.kafka.clients.consumer.OffsetOutOfRangeException ex)
        {
            failure = new IllegalStateException(offsetsGone(ex), ex);
            throw new AgentTerminationException(failure);
        }
        catch (final Throwable ex)
        {
            // Crash-only: a source that cannot go on stops, and a restart resumes from the engine's dedup table.
            failure = ex;
            throw new AgentTerminationException(ex);
        }
    }

    /**
     * What a partition no longer holding the offset this source goes on from means, in words: Kafka's own says
     * only that a fetch position is out of range.
     */
    private String offsetsGone(final org.apache.kafka.clients.consumer.OffsetOutOfRangeException ex)
    {
        final StringBuilder said = new StringBuilder();
        for (final Map.Entry<TopicPartition, Long> gone : ex.offsetOutOfRangePartitions().entrySet())
        {
            said.append(said.length() == 0 ? "" : "; ").append(gone.getKey()).append(" no longer holds offset ")
                .append(gone.getValue()).append(", where this engine goes on (its journal holds the partition's " +
                "commands before it)");
        }
        return said + ": the records from there were deleted (retention, deleteRecords) or the topic was deleted and " +
            "made again. Any commands in them were never applied here, and this engine does not pass over them on its " +
            "own. Restore the records (or the topic) and start it again; a topic made again needs a new engine (a new " +
            "journal directory) to be read from its start";
    }

    private int publish(final int index, final List<ConsumerRecord<byte[], byte[]>> records)
    {
        final int count = records.size();
        for (int start = 0; start < count; start += decoded.length)
        {
            final int end = Math.min(count, start + decoded.length);
            int good = 0;
            for (int r = start; r < end; r++)
            {
                final ConsumerRecord<byte[], byte[]> record = records.get(r);
                final DecodedCommand command = decoded[good];
                final String reason;
                try
                {
                    reason = decode(record, command);
                }
                catch (final NotForThisCodeException ex)
                {
                    // The records before it are taken, in order; nothing from it on.
                    publishDecoded(index, good);
                    nextOffsets.lazySet(index, record.offset());
                    throw ex;
                }
                if (reason == null)
                {
                    offsets[good++] = record.offset();
                }
                else if (record.offset() <= lastDeadLettered[index])
                {
                    seenAgain++;   // dead-lettered before a restart; decoding decides the same way every time
                }
                else
                {
                    deadLetters.send(record, reason);
                    lastDeadLettered[index] = record.offset();
                }
            }
            publishDecoded(index, good);
            nextOffsets.lazySet(index, records.get(end - 1).offset() + 1);
        }
        return count;
    }

    /** Publishes the first {@code good} commands decoded, as one batch. */
    private void publishDecoded(final int index, final int good)
    {
        if (good > 0)
        {
            batch.claim(good);
            try
            {
                for (int c = 0; c < good; c++)
                {
                    final DecodedCommand command = decoded[c];
                    batch.add(command.type(), command.version(), sourceIds[index], offsets[c], command.correlationId(),
                        command.payload(), command.offset(), command.length());
                }
            }
            finally
            {
                batch.publish();
            }
            published += good;
        }
    }

    /** The decoder's verdict, plus what the engine would refuse: a command that passes is never refused. */
    private String decode(final ConsumerRecord<byte[], byte[]> record, final DecodedCommand into)
    {
        final String reason;
        try
        {
            reason = ctx.decoder().decode(record, into);
        }
        catch (final NotForThisCodeException ex)
        {
            // Neither taken nor dead-lettered: nothing from this offset on is taken, now or at a start of this code.
            throw new NotForThisCodeException(record.topic() + "-" + record.partition() + " offset " + record.offset() +
                ": " + ex.getMessage() + ". This engine takes nothing from that offset on, and a start of the same code " +
                "stops there again: start it with code that takes that record", ex);
        }
        if (reason != null)
        {
            return reason;
        }
        if (into.type() < 0)
        {
            return "command type " + into.type() + " is reserved for the engine";
        }
        if (into.length() > ctx.maxPayloadLength())
        {
            return "payload of " + into.length() + " bytes exceeds maxPayloadLength " + ctx.maxPayloadLength();
        }
        return null;
    }

    private void commitForMonitoring()
    {
        final long now = System.nanoTime();
        if (now - nextCommitNs < 0)
        {
            return;
        }
        nextCommitNs = now + commitIntervalNs;
        final Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
        for (int i = 0; i < partitions.length; i++)
        {
            committed.put(partitions[i], new OffsetAndMetadata(nextOffsets.get(i)));
        }
        // Only for monitoring (the engine resumes from its journal): a failed commit, which a new broker's first
        // answers can be, is retried with the next, not logged as an error with its stack as a null callback would be.
        consumer.commitAsync(committed, (offsets, ex) ->
        {
        });
    }

    /**
     * The next offset this source will read in {@code partition}: everything before it has been published,
     * dead-lettered, or is not a command (a transaction's marker, an aborted transaction's record).
     */
    public long nextOffset(final int partition)
    {
        for (int i = 0; i < partitions.length; i++)
        {
            if (partitions[i].partition() == partition)
            {
                return nextOffsets.get(i);
            }
        }
        throw new IllegalArgumentException("partition " + partition + " is not one of this source's " + ctx.partitionList());
    }

    /** Records published into the engine by this source (its thread's count; read it there, or after it stopped). */
    public long published()
    {
        return published;
    }

    /** Records sent to the dead-letter topic by this source (its thread's count). */
    public long deadLettered()
    {
        return deadLetters.sent();
    }

    /** Records already dead-lettered before a restart and seen again, not sent twice (its thread's count). */
    public long seenAgain()
    {
        return seenAgain;
    }

    /**
     * Since when (epoch milliseconds) the source has had no connection to any broker, as of its last check
     * (once a second), or 0 while it has one: read it from any thread.
     */
    public long brokerAwaySince()
    {
        return connections.awaySince();
    }

    /** Why the source stopped, or null while it runs. */
    public Throwable failure()
    {
        return failure;
    }

    public Engine engine()
    {
        return engine;
    }

    @Override
    public String roleName()
    {
        return ctx.name();
    }

    /** Run by the {@code AgentRunner} on its thread as it stops. */
    @Override
    public void onClose()
    {
        if (connections.awaySince() > 0)
        {
            // A reviewer's finding: with the broker gone, the consumer's close waited 30 s for its group coordinator and
            // the dead-letter producer's 10 s to abort a transaction, past the AgentRunner's close timeout, which then
            // interrupted them (an InterruptedException and its stack on the console). Neither has anything to save:
            // the journal holds what was applied, and the next start aborts what the producer left open.
            closeQuietly(() -> consumer.close(Duration.ZERO));
            if (deadLetters != null)
            {
                closeQuietly(() -> deadLetters.close(Duration.ZERO));
            }
            return;
        }
        closeQuietly(consumer);
        closeQuietly(deadLetters);
    }

    /** For a source driven by hand: {@link #onClose()}. */
    @Override
    public void close()
    {
        onClose();
    }

    private static void closeQuietly(final AutoCloseable closeable)
    {
        if (closeable == null)
        {
            return;
        }
        try
        {
            closeable.close();
        }
        catch (final Exception ignored)
        {
            // closing after a failure; the failure is what matters
        }
    }

    /** What a source reads and where its dead letters go; fluent setters, {@link #conclude()} validates. */
    public static final class Context
    {
        private String name = "ringlog-kafka-source";
        private Map<String, Object> consumerProperties = new HashMap<>();
        private Map<String, Object> producerProperties = new HashMap<>();
        private String topic;
        private int[] partitions;
        private CommandDecoder decoder = new HeaderCommandDecoder();
        private String deadLetterTopic;
        private String deadLetterTransactionalId;
        private int maxPayloadLength = 256;
        private int maxBatch = 512;
        private Duration pollTimeout = Duration.ofMillis(100);
        private Duration commitInterval = Duration.ofSeconds(5);
        private Duration startupTimeout = Duration.ofSeconds(60);
        private boolean concluded;

        /** Fills defaults and validates; {@link KafkaSource} calls it. */
        public Context conclude()
        {
            if (concluded)
            {
                return this;
            }
            if (topic == null || partitions == null || partitions.length == 0 || deadLetterTopic == null)
            {
                throw new IllegalArgumentException("topic, partitions and deadLetterTopic are required");
            }
            if (!consumerProperties.containsKey(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG))
            {
                throw new IllegalArgumentException("bootstrap servers are required (bootstrapServers or consumerProperties)");
            }
            if (maxBatch < 1 || maxPayloadLength < 0 || decoder == null)
            {
                throw new IllegalArgumentException("maxBatch must be positive, maxPayloadLength not negative, decoder set");
            }
            final int[] sorted = partitions.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < sorted.length; i++)
            {
                if (sorted[i] < 0 || (i > 0 && sorted[i] == sorted[i - 1]))
                {
                    throw new IllegalArgumentException("partitions must be distinct and not negative: " + partitionList());
                }
            }
            producerProperties.putIfAbsent(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                consumerProperties.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG));
            if (deadLetterTransactionalId == null)
            {
                deadLetterTransactionalId = name + ".dead-letters";
            }
            concluded = true;
            return this;
        }

        /** Names the consumer group (monitoring commits only), the thread and the dead-letter producer. */
        public Context name(final String name)
        {
            this.name = name;
            return this;
        }

        public String name()
        {
            return name;
        }

        /** Sets {@code bootstrap.servers} for the consumer and the dead-letter producer. */
        public Context bootstrapServers(final String servers)
        {
            consumerProperties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
            producerProperties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
            return this;
        }

        /** Consumer settings (security, fetch sizes); the source sets isolation, offsets and commits itself. */
        public Context consumerProperties(final Map<String, Object> properties)
        {
            this.consumerProperties = new HashMap<>(properties);
            return this;
        }

        public Map<String, Object> consumerProperties()
        {
            return consumerProperties;
        }

        /** The dead-letter producer's settings; bootstrap servers default to the consumer's. */
        public Context producerProperties(final Map<String, Object> properties)
        {
            this.producerProperties = new HashMap<>(properties);
            return this;
        }

        public Map<String, Object> producerProperties()
        {
            return producerProperties;
        }

        public Context topic(final String topic)
        {
            this.topic = topic;
            return this;
        }

        public String topic()
        {
            return topic;
        }

        /** The partitions this engine owns, statically. */
        public Context partitions(final int... partitions)
        {
            this.partitions = partitions.clone();
            return this;
        }

        public int[] partitions()
        {
            return partitions.clone();
        }

        String partitionList()
        {
            return Arrays.toString(partitions);
        }

        public Context decoder(final CommandDecoder decoder)
        {
            this.decoder = decoder;
            return this;
        }

        public CommandDecoder decoder()
        {
            return decoder;
        }

        /** Needs at least as many partitions as the commands topic; p's dead letters go to its partition p. */
        public Context deadLetterTopic(final String deadLetterTopic)
        {
            this.deadLetterTopic = deadLetterTopic;
            return this;
        }

        public String deadLetterTopic()
        {
            return deadLetterTopic;
        }

        /** One per source, stable across restarts (it fences a killed predecessor); default {@code name + ".dead-letters"}. */
        public Context deadLetterTransactionalId(final String id)
        {
            this.deadLetterTransactionalId = id;
            return this;
        }

        public String deadLetterTransactionalId()
        {
            return deadLetterTransactionalId;
        }

        /** The engine's maxPayloadLength: a longer payload is dead-lettered rather than refused by the engine. */
        public Context maxPayloadLength(final int maxPayloadLength)
        {
            this.maxPayloadLength = maxPayloadLength;
            return this;
        }

        public int maxPayloadLength()
        {
            return maxPayloadLength;
        }

        /** Most records per batch claim (and per poll); at most the engine's ring size. */
        public Context maxBatch(final int maxBatch)
        {
            this.maxBatch = maxBatch;
            return this;
        }

        public int maxBatch()
        {
            return maxBatch;
        }

        public Context pollTimeout(final Duration pollTimeout)
        {
            this.pollTimeout = pollTimeout;
            return this;
        }

        public Duration pollTimeout()
        {
            return pollTimeout;
        }

        /** How often published offsets are committed to the consumer group, for lag monitoring. */
        public Context commitInterval(final Duration commitInterval)
        {
            this.commitInterval = commitInterval;
            return this;
        }

        public Duration commitInterval()
        {
            return commitInterval;
        }

        /** How long start-up may wait for the broker. */
        public Context startupTimeout(final Duration startupTimeout)
        {
            this.startupTimeout = startupTimeout;
            return this;
        }

        public Duration startupTimeout()
        {
            return startupTimeout;
        }
    }
}
