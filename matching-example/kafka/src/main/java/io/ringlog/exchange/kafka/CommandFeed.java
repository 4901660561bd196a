package io.ringlog.exchange.kafka;

import io.ringlog.exchange.codec.CommandEncoder;
import io.ringlog.kafka.BrokerConnections;
import io.ringlog.kafka.KafkaHeaders;
import io.ringlog.kafka.ProducerFencing;
import org.agrona.DirectBuffer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Produces exchange commands to the commands topic, each to the partitions {@link CommandRouter} says:
 * the payload as the value, type and correlation id in headers. A client of the exchange, not part
 * of an engine: it allocates per record and does not care. Its producer is idempotent, so its own
 * retries never duplicate a record; a feeder that is restarted and sends a command again sends a new
 * command (a new offset), which the engine applies: exactly once from a client needs the client to
 * remember what it sent.
 * <p>
 * Given a {@link Transactions}, it remembers: the records go in transactions (one every
 * {@code commitEvery}, ending at a line's end), each with a {@link FeedProgress.Mark} of the last line it
 * holds, so a feed stopped any way is resumed exactly where its last committed mark says. Engines read
 * {@code read_committed}, so they see a transaction's commands only once it commits, and never those of
 * one that was aborted. Without it, every record is visible as soon as the broker has it (the benchmark
 * feeds this way).
 */
public final class CommandFeed implements AutoCloseable
{
    private static final int LINGER_MS = 5;
    /**
     * How long a transaction may stay open ({@code transaction.timeout.ms}): the broker aborts a killed
     * feed's open transaction after this, and until then engines read no command past it.
     */
    public static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(10);

    /**
     * What a feed that remembers needs.
     *
     * @param feedId        the transactional id and the key of the marks ({@link FeedProgress#feedId}).
     * @param progressTopic where the marks go.
     * @param commitEvery   how long a transaction gathers lines before it commits.
     * @param marks         the mark of a commit, given its last line and whether the input ended there.
     */
    public record Transactions(String feedId, String progressTopic, Duration commitEvery, MarkSource marks)
    {
    }

    /** The mark a commit writes. */
    @FunctionalInterface
    public interface MarkSource
    {
        FeedProgress.Mark mark(long line, boolean end);
    }

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final CommandRouter router;
    private final long[] counts;
    private final long intervalNs;
    private final long malformedEvery;
    private long commands;
    private long records;
    private long injected;
    /** When the next command may go; set by the first (a newcomer's probe: from construction, the feed burst). */
    private long nextSendNs;
    private boolean paced;
    /** The first send the producer reported failed (it reports through the callback, not by throwing). */
    private volatile Exception failure;
    private final Callback onSent = this::onSent;
    private final String bootstrap;
    private final Transactions transactions;
    private final byte[] feedKey;
    /** The producer's connections to brokers, for {@link #brokerAwaySince()}. */
    private final BrokerConnections connections;
    private boolean inTransaction;
    private long transactionStartNs;
    /** The last line whose records are all sent. */
    private long lastLine;
    /** The last line of the last committed transaction: every line up to it is in the topic. */
    private long committedLine;
    private boolean commitFailed;

    /**
     * @param rate           commands a second, 0 for as fast as the broker takes them.
     * @param malformedEvery after every n-th command also send a record that is not a command; 0 never.
     */
    public CommandFeed(final String bootstrap, final String topic, final long rate, final long malformedEvery)
    {
        this(bootstrap, topic, rate, malformedEvery, null);
    }

    /**
     * @param brokerTimeout how long a record may wait for a broker that does not answer before the feed
     *                      fails ({@code max.block.ms}, and the request and delivery timeouts); null for
     *                      the Kafka client's defaults (a minute to two).
     */
    public CommandFeed(final String bootstrap, final String topic, final long rate, final long malformedEvery,
        final Duration brokerTimeout)
    {
        this(bootstrap, topic, rate, malformedEvery, brokerTimeout, null);
    }

    /**
     * A feed that remembers, with {@code transactions} (null: one that does not). Its
     * {@code initTransactions()} fences a feed of the same id still running, and aborts what a killed one
     * left open: read {@link FeedProgress#last} after this.
     */
    public CommandFeed(final String bootstrap, final String topic, final long rate, final long malformedEvery,
        final Duration brokerTimeout, final Transactions transactions)
    {
        final Map<String, Object> config = new HashMap<>();
        if (brokerTimeout != null)
        {
            config.putAll(timeouts(brokerTimeout));
        }
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        if (transactions != null)
        {
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactions.feedId());
            config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int)TRANSACTION_TIMEOUT.toMillis());
        }
        this.producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.bootstrap = bootstrap;
        this.transactions = transactions;
        this.feedKey = transactions == null ? null : transactions.feedId().getBytes(StandardCharsets.UTF_8);
        final int partitions;
        try
        {
            if (transactions != null)
            {
                producer.initTransactions();
            }
            partitions = producer.partitionsFor(topic).size();
        }
        catch (final RuntimeException ex)
        {
            producer.close(Duration.ZERO);
            throw ex;
        }
        this.connections = new BrokerConnections(producer::metrics, "producer-metrics");
        this.router = new CommandRouter(partitions);
        this.counts = new long[partitions];
        this.intervalNs = rate > 0 ? TimeUnit.SECONDS.toNanos(1) / rate : 0;
        this.malformedEvery = malformedEvery;
    }

    /**
     * A producer's settings for a broker that does not answer within {@code brokerTimeout}: {@code max.block.ms}, the
     * request and delivery timeouts, and the linger they depend on. Kafka requires delivery.timeout.ms >= linger.ms +
     * request.timeout.ms: a reviewer's feed with --broker-timeout 30 failed with 'Failed to construct kafka producer',
     * where the feed's record of its routing had delivery and request both at 30 s.
     */
    public static Map<String, Object> timeouts(final Duration brokerTimeout)
    {
        final long timeoutMs = Math.min(Integer.MAX_VALUE - LINGER_MS, brokerTimeout.toMillis());
        final long requestMs = Math.min(timeoutMs, 30_000);
        return Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs,
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int)requestMs,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int)Math.max(timeoutMs, requestMs + LINGER_MS),
            ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
    }

    /**
     * Since when (epoch milliseconds) the feed's producer has had no connection to any broker, or 0 while it has one:
     * a send or commit waiting for a broker that has gone blocks for up to the broker timeout, so a thread of the
     * caller's asks this (once a second is enough; always the same thread) to say so meanwhile.
     */
    public long brokerAwaySince()
    {
        connections.check();
        return connections.awaySince();
    }

    /**
     * Sends one command written by this code's {@code CommandEncoder} (schema version
     * {@link CommandEncoder#VERSION}) to its partition (or, a deposit or withdrawal, to every partition).
     */
    public void send(final int type, final DirectBuffer payload, final int length, final long correlationId)
    {
        send(type, CommandEncoder.VERSION, payload, length, correlationId);
    }

    /** Sends one command of schema version {@code version}, which goes in its {@code ringlog.version} header. */
    public void send(final int type, final int version, final DirectBuffer payload, final int length,
        final long correlationId)
    {
        pace();
        final byte[] value = new byte[length];
        payload.getBytes(0, value);
        final int partition = router.partition(type, payload);
        if (partition >= 0)
        {
            send(partition, type, version, correlationId, value);
        }
        else
        {
            for (int p = 0; p < counts.length; p++)
            {
                send(p, type, version, correlationId, value);
            }
        }
        if (malformedEvery > 0 && ++commands % malformedEvery == 0)
        {
            sendMalformed((int)(injected % counts.length), -commands);
        }
    }

    /** Sends a record that is not a command (a place whose payload is cut short) to {@code partition}. */
    public void sendMalformed(final int partition, final long correlationId)
    {
        send(partition, ExchangeRecords.PLACE_ORDER, CommandEncoder.VERSION, correlationId, new byte[10]);
        injected++;
    }

    private void send(final int partition, final int type, final int version, final long correlationId,
        final byte[] value)
    {
        final RecordHeaders headers = new RecordHeaders();
        headers.add(KafkaHeaders.TYPE, KafkaHeaders.ascii(type));
        headers.add(KafkaHeaders.VERSION, KafkaHeaders.ascii(version));
        headers.add(KafkaHeaders.CORRELATION_ID, KafkaHeaders.ascii(correlationId));
        throwIfFailed();
        if (transactions != null && !inTransaction)
        {
            producer.beginTransaction();
            inTransaction = true;
            transactionStartNs = System.nanoTime();
        }
        producer.send(new ProducerRecord<>(topic, partition, (byte[])null, value, headers), onSent);
        counts[partition]++;
        records++;
    }

    private void pace()
    {
        if (intervalNs == 0)
        {
            return;
        }
        if (!paced)
        {
            // The first command goes at once, and the rate counts from it, not from the connection's set-up.
            paced = true;
            nextSendNs = System.nanoTime();
            return;
        }
        nextSendNs += intervalNs;
        long wait;
        while ((wait = nextSendNs - System.nanoTime()) > 0)
        {
            LockSupport.parkNanos(wait);
        }
    }

    /**
     * Says every record of {@code line} is sent; a feed that remembers commits here once its transaction
     * has gathered lines for {@code commitEvery}.
     *
     * @throws IllegalStateException if the broker did not take a record, or the commit failed.
     */
    public void lineDone(final long line)
    {
        lastLine = line;
        if (inTransaction && System.nanoTime() - transactionStartNs >= transactions.commitEvery().toNanos())
        {
            commit(line, false);
        }
    }

    /**
     * Ends the feed at {@code line} (the last line read, its records sent): a feed that remembers commits
     * what is open, with a mark saying whether the input {@code ended} there. Close it after.
     *
     * @throws IllegalStateException if the broker did not take a record, or the commit failed.
     */
    public void finish(final long line, final boolean ended)
    {
        lastLine = line;
        if (transactions != null)
        {
            if (!inTransaction)
            {
                producer.beginTransaction();
                inTransaction = true;
            }
            commit(line, ended);
        }
        else
        {
            flush();
        }
    }

    /**
     * Starts the count of committed lines at {@code line}: the lines before a {@code --from-line} are
     * not this feed's to send, but its marks cover them.
     */
    public void startAfter(final long line)
    {
        lastLine = line;
        committedLine = line;
    }

    /** The last line of the last committed transaction (a feed that remembers): every line up to it is in the topic. */
    public long committedLine()
    {
        return committedLine;
    }

    private void commit(final long line, final boolean ended)
    {
        try
        {
            final FeedProgress.Mark mark = transactions.marks().mark(line, ended);
            producer.send(new ProducerRecord<>(transactions.progressTopic(), 0, feedKey, mark.encode()), onSent);
            producer.commitTransaction();
        }
        catch (final RuntimeException ex)
        {
            commitFailed = true;
            final Exception cause = failure != null ? failure : ex;
            if (ex instanceof TimeoutException)
            {
                // The client's own words (its request, max.block.ms) stay in the cause: the line says what it means.
                throw new IllegalStateException("the broker at " + bootstrap + " did not answer when asked to commit " +
                    "lines " + (committedLine + 1) + ".." + line + " to " + topic + " (is it running?), so whether they are " +
                    "in it is not known here: lines up to " + committedLine + " are in the topic; feeding the file " +
                    "again once the broker is back finds out which (the marks in " + transactions.progressTopic() +
                    " say)", cause);
            }
            throw notCommitted(why(cause), cause);
        }
        inTransaction = false;
        committedLine = line;
    }

    /**
     * Waits until every record sent so far is in the topic.
     *
     * @throws IllegalStateException if the broker did not take one of them.
     */
    public void flush()
    {
        producer.flush();
        throwIfFailed();
    }

    private void onSent(final RecordMetadata metadata, final Exception exception)
    {
        if (exception != null && failure == null)
        {
            failure = exception;
        }
    }

    private IllegalStateException notCommitted(final String why, final Exception cause)
    {
        commitFailed = true;
        return new IllegalStateException(why + ": lines up to " + committedLine + " are in the topic, the later ones " +
            "are not: their transaction is aborted, by the next feed of this file at once or by the broker within about " +
            2 * TRANSACTION_TIMEOUT.toSeconds() + " s", cause);
    }

    /** Why a transaction of a feed that remembers did not commit. */
    private String why(final Exception cause)
    {
        final String fenced = ProducerFencing.why(cause, "this feed", "'" + transactions.feedId() + "'",
            "another feed of this file started?", TRANSACTION_TIMEOUT);
        if (fenced != null)
        {
            return fenced;
        }
        return "the broker at " + bootstrap + " did not take every record for " + topic + " or " +
            transactions.progressTopic() + " (" + cause.getMessage() + ")";
    }

    private void throwIfFailed()
    {
        final Exception failed = failure;
        if (failed != null && transactions != null)
        {
            throw notCommitted(why(failed), failed);
        }
        if (failed != null)
        {
            throw new IllegalStateException("the broker at " + bootstrap + " did not take every record for " + topic +
                " (" + failed.getMessage() + "): the records sent before it are in the topic, the rest are not; " +
                "feeding the file again sends every command again", failed);
        }
    }

    public int partitions()
    {
        return counts.length;
    }

    /** Records sent to {@code partition}. */
    public long records(final int partition)
    {
        return counts[partition];
    }

    /** Records sent, broadcast copies and injected ones included. */
    public long records()
    {
        return records;
    }

    /** Records sent that are not commands. */
    public long injected()
    {
        return injected;
    }

    public CommandRouter router()
    {
        return router;
    }

    /**
     * Flushes and closes the producer; a feed that remembers aborts what {@link #finish} did not commit,
     * which no mark covers.
     *
     * @throws IllegalStateException if the broker did not take a record (a feed that does not remember).
     */
    @Override
    public void close()
    {
        if (transactions != null)
        {
            // After a failed commit the broker may be gone: the transaction is aborted by its timeout, or by the
            // next feed of this id, rather than by a close that waits for an answer.
            producer.close(commitFailed ? Duration.ZERO : Duration.ofSeconds(5));
            return;
        }
        try
        {
            producer.flush();
        }
        finally
        {
            producer.close(Duration.ofSeconds(30));
        }
        throwIfFailed();
    }
}
