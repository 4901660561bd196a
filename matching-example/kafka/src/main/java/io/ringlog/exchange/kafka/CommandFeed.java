package io.ringlog.exchange.kafka;

import io.ringlog.exchange.codec.CommandEncoder;
import io.ringlog.kafka.KafkaHeaders;
import org.agrona.DirectBuffer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

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
 */
public final class CommandFeed implements AutoCloseable
{
    private static final int LINGER_MS = 5;

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final CommandRouter router;
    private final long[] counts;
    private final long intervalNs;
    private final long malformedEvery;
    private long commands;
    private long records;
    private long injected;
    private long nextSendNs = System.nanoTime();
    /** The first send the producer reported failed (it reports through the callback, not by throwing). */
    private volatile Exception failure;
    private final Callback onSent = this::onSent;
    private final String bootstrap;

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
        final Map<String, Object> config = new HashMap<>();
        if (brokerTimeout != null)
        {
            final long timeoutMs = brokerTimeout.toMillis();
            final long requestMs = Math.min(timeoutMs, 30_000);
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
            config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int)requestMs);
            // Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms.
            config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int)Math.max(timeoutMs, requestMs + LINGER_MS));
        }
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        this.producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.bootstrap = bootstrap;
        final int partitions = producer.partitionsFor(topic).size();
        this.router = new CommandRouter(partitions);
        this.counts = new long[partitions];
        this.intervalNs = rate > 0 ? TimeUnit.SECONDS.toNanos(1) / rate : 0;
        this.malformedEvery = malformedEvery;
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
        nextSendNs += intervalNs;
        long wait;
        while ((wait = nextSendNs - System.nanoTime()) > 0)
        {
            LockSupport.parkNanos(wait);
        }
    }

    /** Waits until everything sent is acknowledged. */
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

    private void throwIfFailed()
    {
        final Exception failed = failure;
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
     * Flushes and closes the producer.
     *
     * @throws IllegalStateException if the broker did not take a record.
     */
    @Override
    public void close()
    {
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
