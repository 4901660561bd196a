package io.ringlog.kafka;

import io.ringlog.core.EngineContext;
import io.ringlog.core.Journal;
import io.ringlog.core.OutputEvent;
import io.ringlog.core.OutputListener;
import io.ringlog.core.SnapshotsUpTo;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Produces an engine's events to an events topic, exactly once: the transactional outbox, with the
 * journal as the outbox. Each event is a record keyed by {@link EventKeys} with its causation in
 * headers ({@link KafkaHeaders}: position, index within the command, correlation id, type); the
 * producer is idempotent and transactional, one transaction per listener batch (and at most
 * {@link Context#maxTransactionEvents} events).
 * <p>
 * On {@link #open} it fences a killed predecessor ({@code initTransactions} aborts what it left open)
 * and reads the last committed record of every partition: the greatest (position, index) among them
 * is the last event published, because transactions commit in the order the events were made. Then
 * {@link #attach} makes the engine's recovery start from a snapshot before that position, and the
 * sink takes the regenerated events ({@link #receivesReplay()}), skipping those already in the
 * topic: after any crash the topic holds every event once, in order. The sink must be the only
 * writer of its topic ({@link KafkaHeaders#WRITER} is checked).
 * <p>
 * A transaction of its own left open in a partition that its coordinator no longer tracks (a hanging
 * transaction, KIP-664: a broker restarted mid-transaction has left one, and no timeout ever aborts it)
 * would hold back every read_committed reader of that partition for good. The sink aborts it when it
 * opens, and says so ({@link #hangingAborted()}). Its coordinator may have committed that transaction in
 * other partitions, which leaves a partition without events that another holds after them. Every start
 * looks for that in the topic itself (a partition whose records after its last committed one are this
 * sink's aborted events, older than the newest event in the topic), so it is found after any abort, by
 * this start, an earlier one that did not finish, or by hand: the sink then resumes before the first of
 * those events and skips exactly the events the topic already holds (read from every partition).
 * <p>
 * Crash-only: if the producer fails, the sink produces nothing more and reports {@link #failure()};
 * the host stops, and the next start resumes from the topic and the journal. A sink fenced by another
 * producer of its transactional id (another engine of the same name) says so in its failure.
 * <p>
 * Per event its own code allocates the {@code ProducerRecord}, its {@code RecordHeaders} (a list and
 * five headers), four small decimal header values and a boxed timestamp: the producer API takes
 * objects, and it keeps the headers until the send is acknowledged, so their values cannot be reused.
 * Key and value arrays are reused: the producer copies them into its batch during {@code send}.
 * kafka-clients allocates more per record (the future, callbacks, a header array); the README
 * reports the measured total.
 */
public final class KafkaSink implements OutputListener, AutoCloseable
{
    private final Context ctx;
    private final Producer<byte[], byte[]> producer;
    private final byte[] writer;
    private final byte[] key = new byte[Long.BYTES];
    private final byte[][] values;
    /** How long the coordinator lets a transaction stay open; see where it is set. */
    static final int TRANSACTION_TIMEOUT_MS = 10_000;

    private final long resumePosition;
    private final int resumeIndex;
    /** The newest event in the topic when it opened; past {@link #resumePosition} only after a hanging abort. */
    private final long publishedPosition;
    private final int publishedIndex;
    /**
     * The events in the topic after {@link #resumePosition} when it opened, or null if none: only a transaction
     * committed in some partitions and aborted in others leaves the sink resuming before events it has published.
     */
    private final Set<EventId> publishedAfterResume;
    private final List<String> hangingAborted;
    private boolean resumed;
    private boolean inTransaction;
    private int eventsInTransaction;
    private long lastSentPosition;
    private long produced;
    /**
     * A send that failed: the producer reports it here, not by throwing. A broker that went away fails
     * each send only after {@code max.block.ms} waiting for metadata, so without this the sink would go
     * on sending, one timeout per event, and never stop.
     */
    private volatile Exception sendFailure;
    private final Callback onSent = this::onSent;
    private long regenerated;
    private long skipped;
    private long transactions;
    private volatile long committedPosition;
    private volatile Throwable failure;
    /** Set by {@link #abandon}: the sink produces nothing more, and its failure is this. */
    private volatile BrokerTimeouts.Unanswered abandoned;

    private KafkaSink(final Context ctx, final Producer<byte[], byte[]> producer, final Published published)
    {
        this.ctx = ctx;
        this.producer = producer;
        this.writer = ctx.transactionalId().getBytes(StandardCharsets.UTF_8);
        this.values = new byte[ctx.maxEventPayloadLength() + 1][];
        this.publishedPosition = published.position();
        this.publishedIndex = published.index();
        this.resumePosition = published.resumePosition();
        this.resumeIndex = published.resumeIndex();
        this.publishedAfterResume = published.afterResume();
        final List<String> aborted = new ArrayList<>();
        for (final LastRecords.Aborted hanging : published.aborted())
        {
            aborted.add(hanging.partition() + " offsets " + hanging.startOffset() + ".." + (hanging.endOffset() - 1) +
                " (producer id " + hanging.producerId() + ", epoch " + hanging.producerEpoch() + ", from position " +
                KafkaHeaders.number(hanging.first().headers(), KafkaHeaders.POSITION, -1) + " index " +
                KafkaHeaders.number(hanging.first().headers(), KafkaHeaders.INDEX, -1) + ")");
        }
        this.hangingAborted = List.copyOf(aborted);
        this.committedPosition = resumePosition;
    }

    /** Whether event (position, index) comes at or before (lastPosition, lastIndex) in the engine's order. */
    private static boolean atOrBefore(final long position, final int index, final long lastPosition, final int lastIndex)
    {
        return position < lastPosition || (position == lastPosition && index <= lastIndex);
    }

    /**
     * Connects, fences a predecessor with the same transactional id, and finds the last event published.
     *
     * @throws IllegalStateException if the topic is missing or another writer's records are in it.
     */
    public static KafkaSink open(final Context ctx)
    {
        ctx.conclude();
        final Map<String, Object> config = new HashMap<>(ctx.producerProperties());
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, ctx.transactionalId());
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // A transaction lasts one batch, milliseconds. One a dead producer left open (the broker went away
        // mid-commit) holds back every read_committed reader, this writer's restart included, until the
        // coordinator aborts it: after this timeout, not the default minute. Kafka Streams uses 10 s too.
        config.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT_MS);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        // A transaction's first sends can reach a partition before the previous commit's markers are written:
        // the broker answers CONCURRENT_TRANSACTIONS and the producer retries, after 100 ms by default, on
        // every commit. The markers take milliseconds; retry sooner (the backoff still grows to its maximum).
        config.putIfAbsent(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 5);
        if (ctx.journalLastPosition() >= 0)
        {
            // Before initTransactions, which fences whatever sink of this transactional id runs now: a second engine
            // started on a journal that is not this topic's would otherwise stop the healthy one, then be refused.
            // What is committed, without waiting for a killed predecessor's open transaction (fencing decides it).
            checkNotAhead(ctx, lastPublished(ctx, false).position(), ctx.journalLastPosition());
        }
        final Producer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
            new ByteArraySerializer());
        try
        {
            try
            {
                producer.initTransactions();
            }
            catch (final TimeoutException ex)
            {
                throw BrokerTimeouts.unanswered(config, BrokerTimeouts.maxBlock(config), "when this sink fenced its " +
                    "predecessor (initTransactions, transactional id " + ctx.transactionalId() + ")", ex);
            }
            return new KafkaSink(ctx, producer, lastPublished(ctx, true));
        }
        catch (final RuntimeException ex)
        {
            producer.close(Duration.ZERO);
            throw ex;
        }
    }

    /**
     * The newest committed event in the topic (position 0, index -1 when it has none), and where to resume. With
     * {@code settle}, after every transaction in it is decided (see {@link LastRecords}; this sink's own hanging
     * transactions are aborted), and before the first of this sink's aborted events that a partition holds after its
     * last committed one and that is older than the newest event: a transaction its coordinator committed elsewhere.
     */
    private static Published lastPublished(final Context ctx, final boolean settle)
    {
        long position = 0;
        int index = -1;
        try (LastRecords reader = new LastRecords(ctx.consumerProperties(), ctx.startupTimeout(), ctx.transactionalId(),
            settle))
        {
            final int partitions = reader.partitionCount(ctx.topic());
            final long[] nextOffsets = new long[partitions];
            boolean anyLast = false;
            long deletedUpTo = 0;
            for (int p = 0; p < partitions; p++)
            {
                final ConsumerRecord<byte[], byte[]> last = reader.last(new TopicPartition(ctx.topic(), p), settle);
                if (last == null)
                {
                    deletedUpTo = Math.max(deletedUpTo, reader.logStart(new TopicPartition(ctx.topic(), p)));
                    continue;
                }
                anyLast = true;
                checkWriter(ctx, last);
                nextOffsets[p] = last.offset() + 1;
                final long lastPosition = number(ctx, last, KafkaHeaders.POSITION);
                final int lastIndex = (int)number(ctx, last, KafkaHeaders.INDEX);
                if (!atOrBefore(lastPosition, lastIndex, position, index))
                {
                    position = lastPosition;
                    index = lastIndex;
                }
            }
            if (!anyLast && deletedUpTo > 0)
            {
                // A reviewer's finding: retention (which deletes even a partition's active segment once it is idle past
                // retention.ms) emptied the topic, the sink found no last event, resumed at the journal's start, and
                // published every event again. Where it stopped is not known: told, unless the caller says.
                if (ctx.resumeAfter() < 0)
                {
                    throw new IllegalStateException(ctx.topic() + " held events, and holds none now: they were deleted " +
                        "(retention, or deleteRecords; a partition begins at offset " + deletedUpTo + "), so where this " +
                        "sink stopped publishing is not known, and resuming from the journal's start would publish every " +
                        "event again. Say where to resume (KafkaSink.Context.resumeAfter(position): every event of that " +
                        "position and before counts as published), or delete the topic and create it anew to publish " +
                        "every event again");
                }
                position = ctx.resumeAfter();
                index = Integer.MAX_VALUE;
            }
            if (!settle)
            {
                return new Published(position, index, position, index, null, List.of());
            }
            long resumePosition = position;
            int resumeIndex = index;
            for (int p = 0; p < partitions; p++)
            {
                final ConsumerRecord<byte[], byte[]> aborted = reader.firstFrom(new TopicPartition(ctx.topic(), p), nextOffsets[p]);
                if (aborted == null || !ctx.transactionalId().equals(KafkaHeaders.text(aborted.headers(), KafkaHeaders.WRITER)))
                {
                    continue;
                }
                final long abortedPosition = number(ctx, aborted, KafkaHeaders.POSITION);
                final int abortedIndex = (int)number(ctx, aborted, KafkaHeaders.INDEX);
                if (atOrBefore(abortedPosition, abortedIndex, position, index) &&
                    atOrBefore(abortedPosition, abortedIndex - 1, resumePosition, resumeIndex))
                {
                    resumePosition = abortedPosition;
                    resumeIndex = abortedIndex - 1;
                }
            }
            Set<EventId> afterResume = null;
            if (resumePosition != position || resumeIndex != index)
            {
                afterResume = new HashSet<>();
                final long fromPosition = resumePosition;
                final int fromIndex = resumeIndex;
                for (int p = 0; p < partitions; p++)
                {
                    for (final ConsumerRecord<byte[], byte[]> record : reader.committedAfter(new TopicPartition(ctx.topic(), p),
                        (each) -> atOrBefore(number(ctx, each, KafkaHeaders.POSITION), (int)number(ctx, each, KafkaHeaders.INDEX),
                            fromPosition, fromIndex)))
                    {
                        afterResume.add(new EventId(number(ctx, record, KafkaHeaders.POSITION),
                            (int)number(ctx, record, KafkaHeaders.INDEX)));
                    }
                }
            }
            return new Published(position, index, resumePosition, resumeIndex, afterResume, reader.aborted());
        }
    }

    /** A position or index header of a record of this sink's; a record without one is refused. */
    private static long number(final Context ctx, final ConsumerRecord<byte[], byte[]> record, final String header)
    {
        final long value = KafkaHeaders.number(record.headers(), header, -1);
        if (value < 0 || (KafkaHeaders.POSITION.equals(header) && value < 1))
        {
            throw new IllegalStateException("the record of " + ctx.topic() + "-" + record.partition() + " at offset " +
                record.offset() + " has no " + KafkaHeaders.POSITION + "/" + KafkaHeaders.INDEX + " headers");
        }
        return value;
    }

    /**
     * What {@link #lastPublished} found: the newest event, where to resume, the events in the topic after that (null
     * when it resumes after the newest), and the hanging transactions this start aborted.
     */
    private record Published(long position, int index, long resumePosition, int resumeIndex, Set<EventId> afterResume,
        List<LastRecords.Aborted> aborted)
    {
    }

    /** An event by its causation: the position of its command and its index among that command's events. */
    private record EventId(long position, int index)
    {
    }

    private static void checkNotAhead(final Context ctx, final long published, final long journalLast)
    {
        if (published > journalLast)
        {
            throw new IllegalStateException(ctx.topic() + " holds events up to position " + published +
                " but the journal ends at " + journalLast + ": the topic belongs to another history, or the journal " +
                "lost entries; refusing to resume");
        }
    }

    private static void checkWriter(final Context ctx, final ConsumerRecord<byte[], byte[]> last)
    {
        final String writer = KafkaHeaders.text(last.headers(), KafkaHeaders.WRITER);
        if (!ctx.transactionalId().equals(writer))
        {
            throw new IllegalStateException("the last record of " + ctx.topic() + "-" + last.partition() + " (offset " +
                last.offset() + ") was written by " + (writer == null ? "something other than a ringlog sink" : writer) +
                ", not by this sink (" + ctx.transactionalId() + "): a sink finds where to resume from the end of its " +
                "topic, so it must be the topic's only writer");
        }
    }

    /**
     * Wires the sink into an engine before launch: checks that the journal reaches the last published
     * position, restricts recovery to snapshots before it, and adds the sink as a listener.
     *
     * @throws IllegalStateException if the topic holds events past the journal's end (another history,
     *                               or a journal that lost entries): resuming would skip new events.
     */
    public EngineContext attach(final String listenerName, final EngineContext engine)
    {
        final Journal journal = engine.journal();
        checkNotAhead(ctx, publishedPosition, journal == null ? 0 : journal.lastPosition());
        if (engine.snapshotStore() != null)
        {
            engine.snapshotStore(new SnapshotsUpTo(engine.snapshotStore(), resumePosition - 1));
        }
        return engine.listener(listenerName, this);
    }

    @Override
    public void onEvent(final OutputEvent event, final boolean endOfBatch)
    {
        if (failure != null)
        {
            return;
        }
        if (abandoned != null)
        {
            failure = abandoned;
            return;
        }
        try
        {
            if (!resumed && alreadyPublished(event))
            {
                skipped++;
                if (endOfBatch)
                {
                    // A reviewer's finding: events regenerated before it in the batch were left in an open transaction
                    // until the next live command (on an idle engine, until the coordinator aborted them, and the sink
                    // then blamed a fencing), and the skipped ones, in the topic already, never counted as committed.
                    if (inTransaction)
                    {
                        commit();
                    }
                    committedPosition = Math.max(committedPosition, event.position());
                }
                return;
            }
            if (!inTransaction)
            {
                producer.beginTransaction();
                inTransaction = true;
            }
            final Exception failed = sendFailure;
            if (failed != null)
            {
                throw new IllegalStateException("producing to " + ctx.topic() + " failed: " + failed.getMessage(), failed);
            }
            producer.send(record(event), onSent);
            produced++;
            if (event.isReplay())
            {
                regenerated++;
            }
            lastSentPosition = event.position();
            if (endOfBatch || ++eventsInTransaction >= ctx.maxTransactionEvents())
            {
                commit();
            }
        }
        catch (final RuntimeException ex)
        {
            if (abandoned != null)
            {
                // The producer closed under a send or commit by abandon(): its words, not the closed producer's.
                failure = abandoned;
                return;
            }
            final RuntimeException explained = explained(ex);
            failure = explained;
            throw explained;
        }
    }

    /**
     * Stops producing at once, from any thread, where the broker is known to be away and the engine is asked to
     * stop: a reviewer's engine with events to commit, stopped by SIGTERM while its broker was down, waited out its
     * close timeout twice (55 s) in a commit that could not end, and said so in the engine's internal words. The
     * producer is closed without waiting, which ends a send or commit blocked on the broker; what it had not committed
     * is uncommitted, and the next start regenerates it from the journal. {@link #failure()} is then {@code why}, if
     * the sink had events it had not committed, or was given more after this; an idle sink's is null.
     */
    public void abandon(final String why)
    {
        if (failure != null || abandoned != null)
        {
            return;
        }
        abandoned = new BrokerTimeouts.Unanswered(why, null);
        producer.close(Duration.ZERO);
    }

    /**
     * Whether a regenerated event is in the topic already: at or before where the sink resumes, or one of the events
     * the topic held after that. Sets {@link #resumed} once past every event the topic held.
     */
    private boolean alreadyPublished(final OutputEvent event)
    {
        final long position = event.position();
        final int index = event.index();
        if (atOrBefore(position, index, resumePosition, resumeIndex))
        {
            return true;
        }
        if (publishedAfterResume == null || !atOrBefore(position, index, publishedPosition, publishedIndex))
        {
            resumed = true;
            return false;
        }
        return publishedAfterResume.contains(new EventId(position, index));
    }

    private void fillKey(final OutputEvent event)
    {
        final long businessKey = ctx.keys().key(event);
        for (int i = 0; i < Long.BYTES; i++)
        {
            key[i] = (byte)(businessKey >>> (56 - 8 * i));
        }
    }

    /**
     * {@code failure} in words where kafka-clients' are misleading: a producer fenced by a newer one of its
     * transactional id hears only "Producer attempted to produce with an old epoch", and one whose broker went
     * away "Topic t not present in metadata" (still a {@link TimeoutException}).
     */
    private RuntimeException explained(final RuntimeException failure)
    {
        final String fenced = ProducerFencing.why(failure, "this sink", ctx.transactionalId(),
            "another engine with the same name started?", transactionTimeout(ctx.producerProperties()));
        if (fenced != null)
        {
            return new IllegalStateException(fenced + "; it stops producing to " + ctx.topic() + ": " + failure.getMessage(),
                failure);
        }
        if (BrokerTimeouts.worded(failure) != null)
        {
            return failure;
        }
        final Map<String, Object> properties = ctx.producerProperties();
        final String doing = "while this sink produced to " + ctx.topic();
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause())
        {
            if (cause instanceof NetworkException)
            {
                return BrokerTimeouts.lost(properties, doing, failure);
            }
            if (cause instanceof TimeoutException)
            {
                // A send that failed in its callback waited max.block.ms only for the topic's metadata ("not present in
                // metadata"); a record sent expires after delivery.timeout.ms. A commit or a send that throws waited
                // max.block.ms.
                final boolean expired = cause == sendFailure && !String.valueOf(cause.getMessage()).contains("metadata");
                final String gone = expired ? null : topicGone(properties);
                if (gone != null)
                {
                    return new TopicGoneException(gone, failure);
                }
                return expired
                    ? BrokerTimeouts.unanswered(properties, BrokerTimeouts.deliveryTimeout(properties), doing +
                        " (records not acknowledged within delivery.timeout.ms)", failure)
                    : BrokerTimeouts.unanswered(properties, BrokerTimeouts.maxBlock(properties), doing +
                        " (max.block.ms)", failure);
            }
        }
        return failure;
    }

    /**
     * Why a send found no metadata for the topic where the broker answers: the topic is gone (a reviewer deleted it
     * under a running engine, and was asked whether the broker was running). Null where the broker does not answer
     * within a few seconds, or the topic is there: the broker's timeout is then the words.
     */
    private String topicGone(final Map<String, Object> properties)
    {
        final Map<String, Object> config = new HashMap<>();
        for (final Map.Entry<String, Object> entry : properties.entrySet())
        {
            if (AdminClientConfig.configNames().contains(entry.getKey()))
            {
                config.put(entry.getKey(), entry.getValue());
            }
        }
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int)TOPIC_CHECK.toMillis());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int)TOPIC_CHECK.toMillis());
        try (Admin admin = Admin.create(config))
        {
            admin.describeTopics(List.of(ctx.topic())).allTopicNames().get(TOPIC_CHECK.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        }
        catch (final ExecutionException ex)
        {
            return ex.getCause() instanceof UnknownTopicOrPartitionException ? "topic " + ctx.topic() + " is not on the " +
                "broker at " + UndecidedTransactions.bootstrap(properties) + " any more (deleted while this sink " +
                "produced to it?): events cannot be written to it, and the sink stops. Create it again and start the " +
                "engine: it finds what the topic lacks and writes it from the journal" : null;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return null;
        }
        catch (final java.util.concurrent.TimeoutException | RuntimeException ex)
        {
            return null;
        }
    }

    /** How long the check that the topic is there waits for the broker. */
    private static final Duration TOPIC_CHECK = Duration.ofSeconds(5);

    /** The {@code transaction.timeout.ms} the sink's producer runs with (its own unless the properties set one). */
    private static Duration transactionTimeout(final Map<String, Object> producerProperties)
    {
        final Object value = producerProperties.get(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
        return Duration.ofMillis(value == null ? TRANSACTION_TIMEOUT_MS : Long.parseLong(String.valueOf(value)));
    }

    private void onSent(final RecordMetadata metadata, final Exception exception)
    {
        if (exception != null && sendFailure == null)
        {
            sendFailure = exception;
        }
    }

    private ProducerRecord<byte[], byte[]> record(final OutputEvent event)
    {
        final int length = event.payloadLength();
        byte[] value = values[length];
        if (value == null)
        {
            value = new byte[length];
            values[length] = value;
        }
        event.payload().getBytes(0, value, 0, length);
        fillKey(event);
        final RecordHeaders headers = new RecordHeaders();
        headers.add(KafkaHeaders.POSITION, KafkaHeaders.ascii(event.position()));
        headers.add(KafkaHeaders.INDEX, KafkaHeaders.ascii(event.index()));
        headers.add(KafkaHeaders.CORRELATION_ID, KafkaHeaders.ascii(event.correlationId()));
        headers.add(KafkaHeaders.TYPE, KafkaHeaders.ascii(event.type()));
        headers.add(KafkaHeaders.WRITER, writer);
        // The command's ingress time, not now: a regenerated event is the same record as the original.
        return new ProducerRecord<>(ctx.topic(), null, event.timestamp() / 1_000_000, key, value, headers);
    }

    private void commit()
    {
        producer.commitTransaction();
        inTransaction = false;
        eventsInTransaction = 0;
        transactions++;
        committedPosition = lastSentPosition;
    }

    /** Takes replayed events: those after the last one published are regenerated into the topic. */
    @Override
    public boolean receivesReplay()
    {
        return true;
    }

    /**
     * Position of the last event in the topic when the sink opened: it resumes after (this, {@link #resumeIndex()});
     * earlier after it aborted a hanging transaction ({@link #hangingAborted()}).
     */
    public long resumePosition()
    {
        return resumePosition;
    }

    /**
     * Index of the last event in the topic when the sink opened, -1 for an empty topic (or, after a hanging
     * transaction was aborted, when it resumes before the first event of a position).
     */
    public int resumeIndex()
    {
        return resumeIndex;
    }

    /**
     * The hanging transactions of this sink's own (KIP-664) that it aborted when it opened, one line each
     * (partition, offsets, producer, first event); empty when there were none. Their events are regenerated.
     */
    public List<String> hangingAborted()
    {
        return hangingAborted;
    }

    /** Position of the last event in a committed transaction (readable from any thread). */
    public long committedPosition()
    {
        return committedPosition;
    }

    /** Events produced (the sink's thread's count; read it after the engine closed). */
    public long produced()
    {
        return produced;
    }

    /** Of {@link #produced()}, events regenerated by replay at start-up. */
    public long regenerated()
    {
        return regenerated;
    }

    /** Replayed events already in the topic, skipped. */
    public long skipped()
    {
        return skipped;
    }

    public long transactions()
    {
        return transactions;
    }

    /** Why the sink stopped producing, or null while it works. */
    public Throwable failure()
    {
        return failure;
    }

    /**
     * Commits an open transaction (there is none after a drained engine's last batch) and closes the
     * producer; a commit that fails is {@link #failure()}, not thrown. A sink whose broker stopped answering
     * closes at once (what it had not committed is regenerated by the next start); after any other failure,
     * closing aborts the open transaction. Call it after the engine has closed.
     */
    @Override
    public void close()
    {
        if (abandoned != null && failure == null && inTransaction)
        {
            // Events sent and not committed: the next start regenerates them. A sink with none open (an idle engine's)
            // committed every event it was given, and has nothing to report (it used to say it had not).
            failure = abandoned;
        }
        try
        {
            if (inTransaction && failure == null)
            {
                try
                {
                    commit();
                }
                catch (final RuntimeException ex)
                {
                    // Reported, not thrown: what was not committed the next start regenerates from the journal.
                    failure = explained(ex);
                }
            }
        }
        finally
        {
            // A sink that failed because the broker stopped answering closes at once: closing would spend its
            // whole timeout trying to abort the open transaction with a broker that is gone, and the next
            // start's producer fences it and aborts it anyway. Any other failure (a record too large, a
            // refused authorization) leaves a broker that answers: closing aborts the open transaction, so
            // read_committed consumers of the topic are not held up until its transaction timeout.
            producer.close(failure != null && brokerUnreachable(failure) ? Duration.ZERO : Duration.ofSeconds(10));
        }
    }

    /** Whether {@code failure} is the broker not answering (a timeout, a lost connection), at any depth. */
    static boolean brokerUnreachable(final Throwable failure)
    {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause())
        {
            if (cause instanceof TimeoutException || cause instanceof NetworkException ||
                cause instanceof java.util.concurrent.TimeoutException)
            {
                return true;
            }
        }
        return false;
    }

    /** Where a sink writes; fluent setters, {@link #conclude()} validates. */
    public static final class Context
    {
        private Map<String, Object> producerProperties = new HashMap<>();
        private Map<String, Object> consumerProperties = new HashMap<>();
        private String topic;
        private long resumeAfter = -1;
        private String transactionalId;
        private EventKeys keys;
        private int maxEventPayloadLength = 256;
        private int maxTransactionEvents = 8192;
        private Duration startupTimeout = Duration.ofSeconds(60);
        private long journalLastPosition = -1;
        private boolean concluded;

        /** Fills defaults and validates; {@link KafkaSink#open} calls it. */
        public Context conclude()
        {
            if (concluded)
            {
                return this;
            }
            if (topic == null || transactionalId == null || keys == null)
            {
                throw new IllegalArgumentException("topic, transactionalId and keys are required");
            }
            if (!producerProperties.containsKey(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG))
            {
                throw new IllegalArgumentException("bootstrap servers are required (bootstrapServers or producerProperties)");
            }
            if (maxTransactionEvents < 1 || maxEventPayloadLength < 0)
            {
                throw new IllegalArgumentException("maxTransactionEvents must be positive, maxEventPayloadLength not negative");
            }
            consumerProperties.putIfAbsent(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                producerProperties.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
            concluded = true;
            return this;
        }

        /** Sets {@code bootstrap.servers} for the producer and for the consumer that reads the topic's end. */
        public Context bootstrapServers(final String servers)
        {
            producerProperties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
            consumerProperties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
            return this;
        }

        /** Producer settings (security, linger, compression); the sink sets idempotence, acks and transactions. */
        public Context producerProperties(final Map<String, Object> properties)
        {
            this.producerProperties = new HashMap<>(properties);
            return this;
        }

        public Map<String, Object> producerProperties()
        {
            return producerProperties;
        }

        /** Settings of the consumer that reads the end of the topic at start-up; bootstrap defaults to the producer's. */
        public Context consumerProperties(final Map<String, Object> properties)
        {
            this.consumerProperties = new HashMap<>(properties);
            return this;
        }

        public Map<String, Object> consumerProperties()
        {
            return consumerProperties;
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

        /**
         * Where to resume when the topic's events were all deleted (retention): every event of this position and before
         * counts as published. Unset (-1), such a topic is refused, as where the sink stopped is not known.
         */
        public Context resumeAfter(final long position)
        {
            this.resumeAfter = position;
            return this;
        }

        public long resumeAfter()
        {
            return resumeAfter;
        }

        /** Stable across restarts of one engine, unique among engines: it fences a killed predecessor. */
        public Context transactionalId(final String transactionalId)
        {
            this.transactionalId = transactionalId;
            return this;
        }

        public String transactionalId()
        {
            return transactionalId;
        }

        public Context keys(final EventKeys keys)
        {
            this.keys = keys;
            return this;
        }

        public EventKeys keys()
        {
            return keys;
        }

        /** The engine's maxEventPayloadLength. */
        public Context maxEventPayloadLength(final int maxEventPayloadLength)
        {
            this.maxEventPayloadLength = maxEventPayloadLength;
            return this;
        }

        public int maxEventPayloadLength()
        {
            return maxEventPayloadLength;
        }

        /** A transaction commits at the end of each listener batch, or after this many events. */
        public Context maxTransactionEvents(final int maxTransactionEvents)
        {
            this.maxTransactionEvents = maxTransactionEvents;
            return this;
        }

        public int maxTransactionEvents()
        {
            return maxTransactionEvents;
        }

        public Context startupTimeout(final Duration startupTimeout)
        {
            this.startupTimeout = startupTimeout;
            return this;
        }

        public Duration startupTimeout()
        {
            return startupTimeout;
        }

        /**
         * The last position of the journal this sink's engine will recover, when known before {@link #open}:
         * a topic holding committed events past it is then refused before this sink fences the transactional
         * id, so a sink of that id that is running (a healthy engine) keeps running. -1 (the default): checked
         * only by {@link #attach}, after fencing.
         */
        public Context journalLastPosition(final long journalLastPosition)
        {
            this.journalLastPosition = journalLastPosition;
            return this;
        }

        public long journalLastPosition()
        {
            return journalLastPosition;
        }
    }
}
