package io.ringlog.kafka;

import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * Reads the last committed record of a partition: how a sink finds the last event it published and
 * a source the last record it dead-lettered. Reads with {@code read_committed}, so it must run after
 * the writer's {@code initTransactions()}, which aborts what a killed predecessor left open; then the
 * last committed record is the last record the previous incarnation made visible.
 * <p>
 * Reads a small window before the end, and steps back in windows eight times larger while a window
 * holds only transaction markers or aborted records (a killed writer's open transaction, aborted by
 * the fencing, can be thousands of records).
 * <p>
 * First it waits until every record the partition held when it looked is decided: the last stable
 * offset has reached the high watermark read once at the start. A record of a transaction that is
 * still open could yet be committed; read before then, the sink would resume before it and publish its
 * events a second time. {@code initTransactions()} is documented to wait for the previous incarnation's
 * transaction to complete, so this is a guard: {@code BrokerAwayTest} once found a transaction of 8,192
 * events twice in its topic after the broker went away mid-commit and came back, and the cause is not
 * confirmed. An open transaction of another writer (another transactional id) makes the start wait up
 * to its timeout, and then fail saying so, rather than resume before records that may commit: whose
 * transaction it is, and how to abort it ({@link UndecidedTransactions}; a hanging one, KIP-664, is never
 * aborted by a timeout). A reader made to abort its writer's own hanging transactions does so after a
 * moment's wait, and says which it aborted ({@link #aborted()}).
 */
final class LastRecords implements AutoCloseable
{
    /** Short: a window of aborted records returns nothing, and poll waits this long before saying so. */
    private static final Duration POLL = Duration.ofMillis(10);

    /** Between looks at a partition whose transaction is not decided yet. */
    private static final long SETTLE_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /**
     * How long a partition's records stay undecided before a reader that aborts its writer's hanging transactions
     * asks the broker whose they are: markers of a transaction just decided land in milliseconds.
     */
    private static final long HANGING_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    /** Between questions about a partition that stays undecided. */
    private static final long HANGING_ASK_AGAIN_NANOS = TimeUnit.SECONDS.toNanos(3);

    private final Consumer<byte[], byte[]> consumer;
    /** read_uncommitted, for the high watermark: where the records end, decided or not. */
    private final Consumer<byte[], byte[]> uncommitted;
    private final Duration timeout;
    private final Map<String, Object> properties;
    /** The transactional id of the writer whose topic this reads (null if none): named when a transaction stays open. */
    private final String transactionalId;
    /** Whether it aborts a hanging transaction of {@link #transactionalId} it finds open. */
    private final boolean abortOwnHanging;
    private final List<Aborted> aborted = new ArrayList<>();

    /**
     * A hanging transaction of the writer's own that this reader aborted: its producer, and its records in
     * {@code partition} from {@code startOffset} to before {@code endOffset}, {@code first} the first of them.
     */
    record Aborted(TopicPartition partition, long producerId, int producerEpoch, long startOffset, long endOffset,
        ConsumerRecord<byte[], byte[]> first)
    {
    }

    /** A consumer of its own, built from {@code properties} (bootstrap servers and security). */
    LastRecords(final Map<String, Object> properties, final Duration timeout)
    {
        this(properties, timeout, null);
    }

    /**
     * As above, reading the topic of the writer with {@code transactionalId}: a transaction that stays undecided
     * is then said to be that writer's or not.
     */
    LastRecords(final Map<String, Object> properties, final Duration timeout, final String transactionalId)
    {
        this(properties, timeout, transactionalId, false);
    }

    /**
     * As above; with {@code abortOwnHanging}, a transaction of {@code transactionalId} left open in a partition
     * that its coordinator no longer tracks (a hanging one, KIP-664) is aborted
     * ({@link UndecidedTransactions#abortOwnHanging}) instead of waited for. Only for a reader that runs after that
     * writer's {@code initTransactions()}, and whose writer can make again what such a transaction held.
     */
    LastRecords(final Map<String, Object> properties, final Duration timeout, final String transactionalId,
        final boolean abortOwnHanging)
    {
        this.properties = Map.copyOf(properties);
        this.transactionalId = transactionalId;
        this.abortOwnHanging = abortOwnHanging && transactionalId != null;
        final Map<String, Object> config = new HashMap<>(properties);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase(Locale.ROOT));
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        // It reads a few records just before the end: a fetch that reaches the end must not wait there for
        // records to arrive (500 ms by default), since a request for the next partition's offsets waits
        // behind it, and a window of aborted records ends in such a fetch.
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        final Map<String, Object> all = new HashMap<>(config);
        all.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_UNCOMMITTED.toString().toLowerCase(Locale.ROOT));
        try
        {
            this.uncommitted = new KafkaConsumer<>(all, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
        catch (final RuntimeException ex)
        {
            consumer.close(Duration.ZERO);
            throw ex;
        }
        this.timeout = timeout;
    }

    /** Partitions of {@code topic}; fails if the topic does not exist. */
    int partitionCount(final String topic)
    {
        final List<PartitionInfo> partitions;
        try
        {
            partitions = consumer.partitionsFor(topic, timeout);
        }
        catch (final TimeoutException ex)
        {
            throw BrokerTimeouts.unanswered(properties, timeout, "when asked for the partitions of " + topic, ex);
        }
        if (partitions == null || partitions.isEmpty())
        {
            throw new IllegalStateException("topic " + topic + " does not exist (or has no partitions); create it first");
        }
        return partitions.size();
    }

    /** The partition's log start offset: above 0 where records were deleted from it (retention, deleteRecords). */
    long logStart(final TopicPartition partition)
    {
        final List<TopicPartition> one = List.of(partition);
        try
        {
            return consumer.beginningOffsets(one, timeout).get(partition);
        }
        catch (final TimeoutException ex)
        {
            throw BrokerTimeouts.unanswered(properties, timeout, "when asked where " + partition + " begins", ex);
        }
    }

    /** The last committed record of {@code partition}, or null if it has none. */
    ConsumerRecord<byte[], byte[]> last(final TopicPartition partition)
    {
        return last(partition, true);
    }

    /**
     * The last committed record of {@code partition}, or null if it has none; with {@code settle} false,
     * without waiting for an undecided transaction (a killed writer's, until the next one fences it): the
     * last record committed before it, a lower bound of where a writer resumes.
     */
    ConsumerRecord<byte[], byte[]> last(final TopicPartition partition, final boolean settle)
    {
        final List<TopicPartition> one = List.of(partition);
        consumer.assign(one);
        final long begin = logStart(partition);
        final long deadline = System.nanoTime() + timeout.toNanos();
        long end = settle ? settledEnd(partition, one, deadline) : consumer.endOffsets(one, timeout).get(partition);
        long window = 64;
        while (end > begin)
        {
            final long from = Math.max(begin, end - window);
            consumer.seek(partition, from);
            ConsumerRecord<byte[], byte[]> last = null;
            while (consumer.position(partition, timeout) < end)
            {
                if (System.nanoTime() > deadline)
                {
                    throw new TimeoutException("reading the end of " + partition + " took more than " + timeout);
                }
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL).records(partition))
                {
                    if (record.offset() < end)
                    {
                        last = record;
                    }
                }
            }
            if (last != null)
            {
                return last;
            }
            end = from;
            window *= 8;
        }
        return null;
    }

    /**
     * The partition's last stable offset once it has reached the high watermark: every transaction in it
     * committed or aborted, markers written.
     */
    private long settledEnd(final TopicPartition partition, final List<TopicPartition> one, final long deadline)
    {
        // Once: a writer adding records meanwhile must not keep the wait from ending.
        uncommitted.assign(one);
        final long high = uncommitted.endOffsets(one, left(deadline)).get(partition);
        long ask = System.nanoTime() + HANGING_GRACE_NANOS;
        while (true)
        {
            final long stable = consumer.endOffsets(one, left(deadline)).get(partition);   // read_committed: the LSO
            if (stable >= high)
            {
                return stable;
            }
            if (abortOwnHanging && System.nanoTime() > ask)
            {
                // Asked again now and then: an answer lost to a broker just back is not the last word.
                ask = System.nanoTime() + HANGING_ASK_AGAIN_NANOS;
                final ProducerState hanging = UndecidedTransactions.abortOwnHanging(properties, partition, transactionalId);
                if (hanging != null)
                {
                    final long start = hanging.currentTransactionStartOffset().getAsLong();
                    final ConsumerRecord<byte[], byte[]> first = firstFrom(partition, start);
                    if (first == null)
                    {
                        throw new IllegalStateException("the transaction aborted in " + partition + " from offset " +
                            start + " has no record there any more");
                    }
                    aborted.add(new Aborted(partition, hanging.producerId(), hanging.producerEpoch(), start, high, first));
                    continue;
                }
            }
            if (System.nanoTime() > deadline)
            {
                throw new UndecidedTransactionException("a transaction in " + partition + " is still undecided after " + timeout +
                    " (records " + stable + ".." + (high - 1) + " are neither committed nor aborted): " +
                    UndecidedTransactions.describe(properties, partition, transactionalId));
            }
            LockSupport.parkNanos(SETTLE_PAUSE_NANOS);
        }
    }

    /**
     * The first record of {@code partition} at or after {@code offset}, committed or not, or null if it has none:
     * after {@link #last}, the first record past the last committed one is one of an aborted transaction.
     */
    ConsumerRecord<byte[], byte[]> firstFrom(final TopicPartition partition, final long offset)
    {
        final List<TopicPartition> one = List.of(partition);
        uncommitted.assign(one);
        final long end = uncommitted.endOffsets(one, timeout).get(partition);
        final long deadline = System.nanoTime() + timeout.toNanos();
        uncommitted.seek(partition, Math.max(offset, uncommitted.beginningOffsets(one, timeout).get(partition)));
        while (uncommitted.position(partition, timeout) < end)
        {
            if (System.nanoTime() > deadline)
            {
                throw new TimeoutException("reading " + partition + " from offset " + offset + " took more than " + timeout);
            }
            for (final ConsumerRecord<byte[], byte[]> record : uncommitted.poll(POLL).records(partition))
            {
                if (record.offset() >= offset)
                {
                    return record;
                }
            }
        }
        return null;
    }

    /** The records of {@code partition} from {@code offset} to its end, committed or not (aborted, after {@link #last}). */
    List<ConsumerRecord<byte[], byte[]>> uncommittedFrom(final TopicPartition partition, final long offset)
    {
        final List<TopicPartition> one = List.of(partition);
        uncommitted.assign(one);
        final long end = uncommitted.endOffsets(one, timeout).get(partition);
        final long deadline = System.nanoTime() + timeout.toNanos();
        uncommitted.seek(partition, Math.max(offset, uncommitted.beginningOffsets(one, timeout).get(partition)));
        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        while (uncommitted.position(partition, timeout) < end)
        {
            if (System.nanoTime() > deadline)
            {
                throw new TimeoutException("reading " + partition + " from offset " + offset + " took more than " + timeout);
            }
            for (final ConsumerRecord<byte[], byte[]> record : uncommitted.poll(POLL).records(partition))
            {
                if (record.offset() >= offset && record.offset() < end)
                {
                    records.add(record);
                }
            }
        }
        return records;
    }

    /**
     * The committed records at the end of {@code partition} that come after the last one {@code before} accepts
     * (all of them if none does), in offset order: it reads back from the end in windows eight times larger until
     * a window begins with a record {@code before} accepts, or at the partition's beginning.
     */
    List<ConsumerRecord<byte[], byte[]>> committedAfter(final TopicPartition partition,
        final Predicate<ConsumerRecord<byte[], byte[]>> before)
    {
        final List<TopicPartition> one = List.of(partition);
        consumer.assign(one);
        final long begin = consumer.beginningOffsets(one, timeout).get(partition);
        final long end = consumer.endOffsets(one, timeout).get(partition);
        final long deadline = System.nanoTime() + timeout.toNanos();
        long window = 64;
        while (true)
        {
            final long from = Math.max(begin, end - window);
            consumer.seek(partition, from);
            final List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
            while (consumer.position(partition, timeout) < end)
            {
                if (System.nanoTime() > deadline)
                {
                    throw new TimeoutException("reading the end of " + partition + " took more than " + timeout);
                }
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL).records(partition))
                {
                    if (record.offset() < end)
                    {
                        read.add(record);
                    }
                }
            }
            int after = read.size();
            while (after > 0 && !before.test(read.get(after - 1)))
            {
                after--;
            }
            if (after > 0 || from == begin)
            {
                return read.subList(after, read.size());
            }
            window *= 8;
        }
    }

    /** The hanging transactions of its writer's that this reader aborted, in the order it found them. */
    List<Aborted> aborted()
    {
        return List.copyOf(aborted);
    }

    /** What is left of the time until {@code deadline}; at least half a second, time for one request to answer. */
    private static Duration left(final long deadline)
    {
        return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(500), deadline - System.nanoTime()));
    }

    @Override
    public void close()
    {
        RuntimeException failure = null;
        for (final Consumer<byte[], byte[]> each : List.of(consumer, uncommitted))
        {
            try
            {
                each.close(Duration.ofSeconds(5));
            }
            catch (final RuntimeException ex)
            {
                if (failure == null)
                {
                    failure = ex;
                }
                else
                {
                    failure.addSuppressed(ex);
                }
            }
        }
        if (failure != null)
        {
            throw failure;
        }
    }
}
