package io.ringlog.exchange.kafka;

import io.ringlog.journal.ProcessFileLock;
import org.agrona.DirectBuffer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How far a feed of a command file has got, kept in Kafka beside the commands it sent: each of the
 * feed's transactions writes, with its commands, a mark to a compacted topic (one partition), keyed by
 * the feed's id (the commands topic and the file's real path). The mark names the last line whose
 * commands the transaction holds and a fingerprint of every command up to it. A feed stopped any way,
 * kill -9 included, is then exactly where its last committed mark says: the commands of later lines
 * were in transactions that were aborted, which engines ({@code read_committed}) never read.
 * <p>
 * Read a mark only after the feed's {@code initTransactions()}: that aborts what a killed feed of the
 * same id left open, so the last committed mark is the last thing it made visible.
 */
public final class FeedProgress
{
    /** The default topic of the marks. */
    public static final String DEFAULT_TOPIC = "exchange.feeds";

    private static final Duration POLL = Duration.ofMillis(50);
    private static final long SETTLE_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private FeedProgress()
    {
    }

    /**
     * What a feed's last committed transaction held.
     *
     * @param line        every line up to this one (numbered from 1) is fed, or was skipped by {@code --from-line}.
     * @param commands    commands of lines 1..line.
     * @param fingerprint of those commands (see {@link Fingerprint}), to tell the same file from another one
     *                    written since at the same path.
     * @param end         whether the feed read the file to its end.
     * @param atMillis    when it was committed, epoch milliseconds.
     */
    public record Mark(long line, long commands, String fingerprint, boolean end, long atMillis)
    {
        /** The record value: {@code line=L commands=C fingerprint=F end=true|false at=MILLIS}. */
        public byte[] encode()
        {
            return ("line=" + line + " commands=" + commands + " fingerprint=" + fingerprint + " end=" + end + " at=" +
                atMillis).getBytes(StandardCharsets.US_ASCII);
        }

        /** A record value back, or null when it is not a mark (written by something else). */
        public static Mark decode(final byte[] value)
        {
            if (value == null)
            {
                return null;
            }
            final Map<String, String> fields = new HashMap<>();
            for (final String field : new String(value, StandardCharsets.US_ASCII).split(" "))
            {
                final int equals = field.indexOf('=');
                if (equals > 0)
                {
                    fields.put(field.substring(0, equals), field.substring(equals + 1));
                }
            }
            try
            {
                return new Mark(Long.parseLong(fields.get("line")), Long.parseLong(fields.get("commands")),
                    fields.get("fingerprint"), Boolean.parseBoolean(fields.get("end")), Long.parseLong(fields.get("at")));
            }
            catch (final NumberFormatException | NullPointerException ex)
            {
                return null;
            }
        }
    }

    /**
     * The id of a feed of {@code file} into {@code commandsTopic}: its transactional id and the key of its
     * marks. A file is known by its real path: the same file reached by another path is the same feed.
     */
    public static String feedId(final String commandsTopic, final Path file) throws IOException
    {
        return "ringlog-feed " + commandsTopic + " " + file.toRealPath();
    }

    /**
     * The topic for the marks: compacted, one partition, segments rolled hourly so compaction keeps it to a
     * mark per feed (a feed writes some ten a second); the broker's replication factor.
     */
    public static NewTopic newTopic(final String topic)
    {
        return new NewTopic(topic, Optional.of(1), Optional.empty())
            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.SEGMENT_MS_CONFIG, Long.toString(TimeUnit.HOURS.toMillis(1))));
    }

    /**
     * Creates the marks' topic unless it exists; null, or a note when it exists without compaction (made by
     * hand, or auto-created on first use): its marks then go after its retention time, and a feed of a file
     * fed before that cannot tell.
     */
    public static String prepareTopic(final String bootstrap, final String topic, final Duration timeout)
        throws InterruptedException, ExecutionException
    {
        try (Admin admin = admin(bootstrap, timeout))
        {
            if (create(admin, topic, timeout))
            {
                return null;
            }
            final ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            final Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            final ConfigEntry policy = config == null ? null : config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
            if (policy != null && !policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT))
            {
                return "note: " + topic + " has cleanup.policy=" + policy.value() + ", not compact: its marks are deleted " +
                    "after its retention time, and a feed of a file fed before that sends it all again. Make it compacted " +
                    "(kafka-configs --alter --entity-type topics --entity-name " + topic + " --add-config " +
                    "cleanup.policy=compact)";
            }
            return null;
        }
    }

    /** Whether it created the topic (false: it existed). */
    private static boolean create(final Admin admin, final String topic, final Duration timeout)
        throws InterruptedException, ExecutionException
    {
        try
        {
            admin.createTopics(List.of(newTopic(topic))).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        }
        catch (final ExecutionException ex)
        {
            if (!(ex.getCause() instanceof TopicExistsException))
            {
                throw ex;
            }
            return false;
        }
        catch (final java.util.concurrent.TimeoutException ex)
        {
            throw new TimeoutException("creating topic " + topic + " took more than " + timeout.toSeconds() + " s");
        }
    }

    private static Admin admin(final String bootstrap, final Duration timeout)
    {
        final int timeoutMs = (int)Math.min(Integer.MAX_VALUE, timeout.toMillis());
        // The client refuses an API timeout shorter than its request timeout.
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeoutMs, 30_000),
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs));
    }

    /**
     * This machine's lock on the feed {@code feedId}, or null while another process holds it: a second feed
     * of a file would fence the first (stop it) in its {@code initTransactions}, so it is refused before.
     */
    public static ProcessFileLock lockFeed(final String feedId) throws IOException
    {
        final byte[] hash;
        try
        {
            hash = MessageDigest.getInstance("SHA-256").digest(feedId.getBytes(StandardCharsets.UTF_8));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("this JVM has no SHA-256", ex);
        }
        return ProcessFileLock.tryAcquireRemovable(Path.of(System.getProperty("java.io.tmpdir"))
            .resolve("ringlog-feed-" + HexFormat.of().formatHex(hash, 0, 8) + ".lock"));
    }

    /**
     * The last mark committed under {@code feedId}, or null if there is none (the topic is created if it
     * does not exist). Waits until every transaction the topic held when it looked is decided, so a mark
     * that may still commit is not missed; fails after {@code timeout} saying what it waited for.
     */
    public static Mark last(final String bootstrap, final String topic, final String feedId, final Duration timeout)
        throws InterruptedException, ExecutionException
    {
        return Mark.decode(lastValue(bootstrap, topic, feedId, Mark::decode, timeout));
    }

    /**
     * How the commands topic was first fed ({@link Routing}), or null if no feed recorded it (none fed it since
     * feeds record it). Waits for undecided transactions as {@link #last} does.
     */
    public static Routing routing(final String bootstrap, final String topic, final String commandsTopic,
        final Duration timeout) throws InterruptedException, ExecutionException
    {
        return Routing.decode(lastValue(bootstrap, topic, Routing.key(commandsTopic), Routing::decode, timeout));
    }

    /** Records {@code routing} for {@code commandsTopic}, in a record of its own, committed before it returns. */
    public static void recordRouting(final String bootstrap, final String topic, final String commandsTopic,
        final Routing routing, final Duration timeout) throws InterruptedException, ExecutionException
    {
        final Map<String, Object> config = new java.util.HashMap<>(CommandFeed.timeouts(timeout));
        config.put(org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(org.apache.kafka.clients.producer.ProducerConfig.ACKS_CONFIG, "all");
        try (org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer =
            new org.apache.kafka.clients.producer.KafkaProducer<>(config,
                new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer()))
        {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, 0,
                Routing.key(commandsTopic).getBytes(StandardCharsets.UTF_8), routing.encode())).get();
        }
    }

    /** Kafka's id of {@code topic}, which a topic deleted and made again under its name does not keep. */
    public static String topicId(final String bootstrap, final String topic, final Duration timeout)
        throws InterruptedException, ExecutionException
    {
        try (Admin admin = admin(bootstrap, timeout))
        {
            return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).topicId().toString();
        }
    }

    /**
     * The partition count the commands topic was first fed with, and which topic that was: the feed sends each
     * symbol to partition symbol mod N, so once engines hold books, N must not change under them.
     *
     * @param topicId    Kafka's id of the commands topic then (one made again under the name is another topic).
     * @param partitions its partitions then.
     * @param atMillis   when it was recorded, epoch milliseconds.
     */
    public record Routing(String topicId, int partitions, long atMillis)
    {
        static String key(final String commandsTopic)
        {
            return "ringlog-routing " + commandsTopic;
        }

        /** The record value: {@code routing topic-id=ID partitions=N at=MILLIS}. */
        public byte[] encode()
        {
            return ("routing topic-id=" + topicId + " partitions=" + partitions + " at=" + atMillis)
                .getBytes(StandardCharsets.US_ASCII);
        }

        /** A record value back, or null when it is not one. */
        public static Routing decode(final byte[] value)
        {
            if (value == null)
            {
                return null;
            }
            final String text = new String(value, StandardCharsets.US_ASCII);
            if (!text.startsWith("routing "))
            {
                return null;
            }
            final Map<String, String> fields = new HashMap<>();
            for (final String field : text.substring("routing ".length()).split(" "))
            {
                final int equals = field.indexOf('=');
                if (equals > 0)
                {
                    fields.put(field.substring(0, equals), field.substring(equals + 1));
                }
            }
            try
            {
                return new Routing(java.util.Objects.requireNonNull(fields.get("topic-id")),
                    Integer.parseInt(fields.get("partitions")), Long.parseLong(fields.get("at")));
            }
            catch (final NumberFormatException | NullPointerException ex)
            {
                return null;
            }
        }
    }

    /**
     * The last value under {@code key} that {@code decode} takes (not null), or null if there is none (the topic
     * is created if it does not exist).
     */
    private static byte[] lastValue(final String bootstrap, final String topic, final String keyText,
        final java.util.function.Function<byte[], Object> decode, final Duration timeout)
        throws InterruptedException, ExecutionException
    {
        final TopicPartition partition = new TopicPartition(topic, 0);
        final long deadline = System.nanoTime() + timeout.toNanos();
        final long end;
        try (Admin admin = admin(bootstrap, timeout))
        {
            create(admin, topic, timeout);
            // Once: feeds that go on writing must not keep the wait from ending.
            final long high = offset(admin, partition, IsolationLevel.READ_UNCOMMITTED);
            long stable;
            while ((stable = offset(admin, partition, IsolationLevel.READ_COMMITTED)) < high)
            {
                if (System.nanoTime() > deadline)
                {
                    throw new TimeoutException("a transaction in " + topic + " is still undecided after " +
                        timeout.toSeconds() + " s (records " + stable + ".." + (high - 1) + "): another feed died " +
                        "mid-transaction, and the broker aborts it after " + CommandFeed.TRANSACTION_TIMEOUT.toSeconds() + " s");
                }
                LockSupport.parkNanos(SETTLE_PAUSE_NANOS);
            }
            end = high;
        }
        if (end == 0)
        {
            return null;
        }
        final Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        final byte[] key = keyText.getBytes(StandardCharsets.UTF_8);
        byte[] last = null;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
            new ByteArrayDeserializer()))
        {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            while (consumer.position(partition, timeout) < end)
            {
                if (System.nanoTime() > deadline)
                {
                    throw new TimeoutException("reading " + topic + " took more than " + timeout.toSeconds() + " s");
                }
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL).records(partition))
                {
                    if (Arrays.equals(key, record.key()) && decode.apply(record.value()) != null)
                    {
                        last = record.value();
                    }
                }
            }
        }
        return last;
    }

    private static long offset(final Admin admin, final TopicPartition partition, final IsolationLevel isolation)
        throws InterruptedException, ExecutionException
    {
        return admin.listOffsets(Map.of(partition, OffsetSpec.latest()), new ListOffsetsOptions(isolation)).all().get()
            .get(partition).offset();
    }

    /**
     * A running SHA-256 of the commands of a file, line by line: each command's line number, type, schema
     * version, payload length and payload. Two files agree on it up to a line when they hold the same commands on the same
     * lines (comments, blank and malformed lines aside). Shown as 16 hex digits (64 bits).
     */
    public static final class Fingerprint
    {
        private final MessageDigest digest;
        private final byte[] header = new byte[20];
        private byte[] bytes = new byte[64];

        public Fingerprint()
        {
            try
            {
                digest = MessageDigest.getInstance("SHA-256");
            }
            catch (final NoSuchAlgorithmException ex)
            {
                throw new IllegalStateException("this JVM has no SHA-256", ex);
            }
        }

        /** Adds the command of {@code line}. */
        public void add(final long line, final int type, final int version, final DirectBuffer payload, final int length)
        {
            for (int i = 0; i < 8; i++)
            {
                header[i] = (byte)(line >>> (8 * i));
            }
            for (int i = 0; i < 4; i++)
            {
                header[8 + i] = (byte)(type >>> (8 * i));
                header[12 + i] = (byte)(version >>> (8 * i));
                header[16 + i] = (byte)(length >>> (8 * i));
            }
            digest.update(header);
            if (bytes.length < length)
            {
                bytes = new byte[length];
            }
            payload.getBytes(0, bytes, 0, length);
            digest.update(bytes, 0, length);
        }

        /** The fingerprint of what was added so far (adding may go on). */
        public String hex()
        {
            try
            {
                return HexFormat.of().formatHex(((MessageDigest)digest.clone()).digest(), 0, 8);
            }
            catch (final CloneNotSupportedException ex)
            {
                throw new IllegalStateException("this JVM's SHA-256 cannot be copied", ex);
            }
        }
    }
}
