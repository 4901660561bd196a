package io.ringlog.kafka;

import io.ringlog.core.Command;
import io.ringlog.core.OutputEvent;
import io.ringlog.core.OutputListener;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Headers;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * The read side in another process: reads events topics that {@link KafkaSink}s wrote, from the
 * beginning, and hands each record to an {@link OutputListener} as the {@link OutputEvent} the engine
 * emitted (position, index, correlation id, type, payload; the timestamp to the millisecond; source
 * id, source sequence and command type are not carried and read 0). So a read model written as a
 * listener runs unchanged in the engine's process or here. Events of one key arrive in order; events
 * of different partitions interleave as the consumer polls them.
 * <p>
 * An Agrona {@link Agent} ({@link #doWork()} polls once), or {@link #readToEnd(Duration)} for a
 * reader that wants what is there now. Reads committed records only.
 */
public final class KafkaEventReader implements Agent, AutoCloseable
{
    private static final Duration POLL = Duration.ofMillis(100);

    private final CommittedTopics topics;
    private final OutputListener listener;
    private final OutputEvent event;
    private final Command cause = new Command(0);
    private final UnsafeBuffer empty = new UnsafeBuffer(new byte[0]);
    private ConsumerRecord<byte[], byte[]> current;
    private long read;

    /**
     * @param properties            consumer settings: bootstrap servers at least.
     * @param topics                events topics, every partition of each read from the beginning.
     * @param listener              gets every event, on the thread that calls {@link #doWork()}.
     * @param maxEventPayloadLength the largest payload an event may have.
     */
    public KafkaEventReader(
        final Map<String, Object> properties,
        final List<String> topics,
        final OutputListener listener,
        final int maxEventPayloadLength)
    {
        this.topics = new CommittedTopics(properties, topics);
        this.listener = listener;
        this.event = new OutputEvent(maxEventPayloadLength);
    }

    /** Polls once and hands what came to the listener; returns the number of events. */
    @Override
    public int doWork() throws Exception
    {
        final ConsumerRecords<byte[], byte[]> records = topics.poll(POLL);
        int remaining = records.count();
        for (final ConsumerRecord<byte[], byte[]> record : records)
        {
            current = record;
            listener.onEvent(toEvent(record), --remaining == 0);
            read++;
        }
        current = null;
        return records.count();
    }

    /**
     * Reads every event written before this was called: until each partition reaches the end it had,
     * counting records whose transactions are still completing (a commit returns before its markers
     * are written), so it waits for transactions open now to end.
     *
     * @throws TimeoutException if it does not get there within {@code timeout}.
     */
    public long readToEnd(final Duration timeout) throws Exception
    {
        final long before = read;
        topics.readToEnd(timeout, "events topics", this::doWork);
        return read - before;
    }

    private OutputEvent toEvent(final ConsumerRecord<byte[], byte[]> record)
    {
        final Headers headers = record.headers();
        final long position = KafkaHeaders.number(headers, KafkaHeaders.POSITION, -1);
        final long index = KafkaHeaders.number(headers, KafkaHeaders.INDEX, -1);
        final long type = KafkaHeaders.number(headers, KafkaHeaders.TYPE, Long.MIN_VALUE);
        if (position < 1 || index < 0 || type == Long.MIN_VALUE)
        {
            // Which header, and whether it is missing or unreadable (a reviewer's 'ringlog.position: x' was said missing).
            final String bad = position < 1 ? KafkaHeaders.POSITION : index < 0 ? KafkaHeaders.INDEX : KafkaHeaders.TYPE;
            final String text = KafkaHeaders.text(headers, bad);
            throw new IllegalStateException(record.topic() + "-" + record.partition() + " offset " + record.offset() +
                " is not a ringlog event: " + (text == null ? "it lacks " + bad : "its " + bad + " header reads '" + text +
                "', not " + (bad.equals(KafkaHeaders.POSITION) ? "a position (1 or more)" : bad.equals(KafkaHeaders.INDEX) ?
                "an index (0 or more)" : "a type")) + " (an event carries " + KafkaHeaders.POSITION + ", " +
                KafkaHeaders.INDEX + " and " + KafkaHeaders.TYPE + ")");
        }
        final long correlationId = KafkaHeaders.number(headers, KafkaHeaders.CORRELATION_ID, 0);
        cause.set(position, record.timestamp() * 1_000_000, 0, 1, 0, 0, correlationId, empty, 0, 0);
        event.reset(cause, (int)type, (int)index, false);
        final byte[] value = record.value();
        final int length = value == null ? 0 : value.length;
        if (length > 0)
        {
            event.mutablePayload().putBytes(0, value);
        }
        event.payloadLength(length);
        return event;
    }

    /** The topic of the event being handed to the listener: ask during {@code onEvent}. */
    public String topic()
    {
        return current.topic();
    }

    /** The partition of the event being handed to the listener: ask during {@code onEvent}. */
    public int partition()
    {
        return current.partition();
    }

    /** Events handed to the listener so far. */
    public long read()
    {
        return read;
    }

    @Override
    public String roleName()
    {
        return "kafka-event-reader";
    }

    @Override
    public void onClose()
    {
        topics.close();
    }

    @Override
    public void close()
    {
        onClose();
    }

    /**
     * Since when (epoch milliseconds) this reader has had no connection to any broker, as of its last poll, or 0
     * while it has one: a reader following its topics polls on quietly while the broker is away, so this is how the
     * program around it can say so.
     */
    public long brokerAwaySince()
    {
        return topics.brokerAwaySince();
    }
}
