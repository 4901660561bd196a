package io.ringlog.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a source puts records that are not commands, each exactly once. Dead letters of commands
 * partition p go to partition p of the dead-letter topic, so each dead-letter partition has one
 * writer; each is its own small transaction (they are rare). A restarted source reads the last dead
 * letter of each of its partitions and does not send a record at or below that offset again: the
 * engine's dedup table cannot say so, because a dead letter never reaches the engine.
 */
final class DeadLetters implements AutoCloseable
{
    /** Room a dead letter leaves below the producer's request limit for the batch's and record's framing. */
    static final int FRAMING = 16 * 1024;

    /** The most source offsets {@link #coversAll} reads dead letters for. */
    static final int MOST_COVERED = 1_000_000;

    private final Producer<byte[], byte[]> producer;
    private final int maxRecordBytes;
    private final String topic;
    private final String sourceTopic;
    private final byte[] sourceTopicBytes;
    private long sent;
    private long sentAgain;

    DeadLetters(
        final Map<String, Object> producerProperties,
        final String topic,
        final String transactionalId,
        final String sourceTopic)
    {
        final Map<String, Object> config = new HashMap<>(producerProperties);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // A transaction lasts one batch, milliseconds. One a dead producer left open (the broker went away
        // mid-commit) holds back every read_committed reader, this writer's restart included, until the
        // coordinator aborts it: after this timeout, not the default minute. Kafka Streams uses 10 s too.
        config.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, KafkaSink.TRANSACTION_TIMEOUT_MS);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        final Object limit = config.getOrDefault(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1024 * 1024);
        this.maxRecordBytes = Math.max(FRAMING, Integer.parseInt(limit.toString()) - FRAMING);
        this.topic = topic;
        this.sourceTopic = sourceTopic;
        this.sourceTopicBytes = sourceTopic.getBytes(StandardCharsets.UTF_8);
        // Fences a killed predecessor and aborts what it left open, before anyone reads the topic's end.
        try
        {
            producer.initTransactions();
        }
        catch (final TimeoutException ex)
        {
            producer.close(Duration.ZERO);
            throw BrokerTimeouts.unanswered(config, BrokerTimeouts.maxBlock(config), "when the dead-letter producer " +
                "fenced its predecessor (initTransactions, transactional id " + transactionalId + ")", ex);
        }
        catch (final RuntimeException | Error ex)
        {
            producer.close(Duration.ZERO);
            throw ex;
        }
    }

    /**
     * Refuses a dead-letter topic with too few partitions for {@code partition} of {@code sourceTopic}: dead
     * letters of partition p go to its partition p.
     */
    static void checkPartitions(final String topic, final int partitions, final String sourceTopic, final int partition)
    {
        if (partition >= partitions)
        {
            throw new IllegalStateException("dead-letter topic " + topic + " has " + partitions + " partitions; " +
                "dead letters of " + sourceTopic + "-" + partition + " go to its partition " + partition +
                ": give it at least as many partitions as " + sourceTopic);
        }
    }

    /**
     * The offset of the last record of {@code partition} of the source topic already dead-lettered, -1 if none,
     * once the dead letters the topic holds only as aborted records after its last committed one are sent again.
     * Those are a dead letter whose transaction a killed source left open (aborted by {@code initTransactions}), or
     * one whose transaction hung after a broker restart and {@code reader} aborted (KIP-664), which may have been
     * committed as far as the source knew. Either way the record is a dead letter the topic lacks, and the source
     * may never read its command again (it resumes after what the journal holds): sent again here, it is in the
     * topic once. Call it with a reader that aborts this producer's hanging transactions, after the constructor.
     *
     * @throws IllegalStateException if the dead-letter topic has fewer partitions than needed, or its
     *                               last record came from another topic or partition.
     */
    long resume(final LastRecords reader, final int partition)
    {
        checkPartitions(topic, reader.partitionCount(topic), sourceTopic, partition);
        final TopicPartition deadLetterPartition = new TopicPartition(topic, partition);
        final ConsumerRecord<byte[], byte[]> last = reader.last(deadLetterPartition);
        long lastOffset = -1;
        if (last != null)
        {
            lastOffset = sourceOffset(last, partition);
            if (lastOffset < 0)
            {
                throw new IllegalStateException("the last record of " + topic + "-" + partition + " (offset " +
                    last.offset() + ") is not a dead letter of " + sourceTopic + "-" + partition + " but of " +
                    KafkaHeaders.text(last.headers(), KafkaHeaders.DEAD_LETTER_TOPIC) + "-" +
                    KafkaHeaders.number(last.headers(), KafkaHeaders.DEAD_LETTER_PARTITION, -1) +
                    ": one commands topic per dead-letter topic, partition p to partition p");
            }
        }
        final List<ConsumerRecord<byte[], byte[]>> lacking = new ArrayList<>();
        long through = lastOffset;
        for (final ConsumerRecord<byte[], byte[]> aborted : reader.uncommittedFrom(deadLetterPartition,
            last == null ? 0 : last.offset() + 1))
        {
            final long offset = sourceOffset(aborted, partition);
            if (offset > through)
            {
                lacking.add(aborted);
                through = offset;
            }
        }
        if (!lacking.isEmpty())
        {
            producer.beginTransaction();
            for (final ConsumerRecord<byte[], byte[]> again : lacking)
            {
                producer.send(new ProducerRecord<>(topic, partition, again.key(), again.value(), again.headers()));
            }
            producer.commitTransaction();
            sentAgain += lacking.size();
        }
        return through;
    }

    /**
     * Whether this topic holds a dead letter for every offset of {@code [from, to)} of {@code partition} of the source
     * topic: then none of those records was a command. False for a range wider than {@value #MOST_COVERED} offsets,
     * which is not read.
     */
    boolean coversAll(final LastRecords reader, final int partition, final long from, final long to)
    {
        if (to - from > MOST_COVERED)
        {
            return false;
        }
        final BitSet covered = new BitSet((int)(to - from));
        for (final ConsumerRecord<byte[], byte[]> letter : reader.committedAfter(new TopicPartition(topic, partition),
            (record) -> sourceOffset(record, partition) < from))
        {
            final long offset = sourceOffset(letter, partition);
            if (offset >= from && offset < to)
            {
                covered.set((int)(offset - from));
            }
        }
        return covered.nextClearBit(0) >= to - from;
    }

    /** The source offset a dead letter of {@code partition} of the source topic names, -1 if it is not one. */
    private long sourceOffset(final ConsumerRecord<byte[], byte[]> record, final int partition)
    {
        final String from = KafkaHeaders.text(record.headers(), KafkaHeaders.DEAD_LETTER_TOPIC);
        final long fromPartition = KafkaHeaders.number(record.headers(), KafkaHeaders.DEAD_LETTER_PARTITION, -1);
        final long offset = KafkaHeaders.number(record.headers(), KafkaHeaders.DEAD_LETTER_OFFSET, -1);
        return sourceTopic.equals(from) && fromPartition == partition ? offset : -1;
    }

    /** Dead letters the topic held only as aborted records, sent again by {@link #resume}. */
    long sentAgain()
    {
        return sentAgain;
    }

    /**
     * Sends {@code record} with {@code reason} and waits until it is committed. A record whose value would take
     * the dead letter past what this producer may send (the record itself plus the reason's headers) keeps the
     * first bytes of its value that fit, and says so: sent whole, it failed, the source stopped, and every start
     * met the same record again, so one oversized record stopped its partition for good.
     *
     * @throws IllegalStateException naming the record and the broker's reason when the dead letter is refused.
     */
    void send(final ConsumerRecord<byte[], byte[]> record, final String reason)
    {
        final RecordHeaders headers = new RecordHeaders();
        int headerBytes = 0;
        for (final Header header : record.headers())
        {
            headers.add(header);
            headerBytes += header.key().length() + (header.value() == null ? 0 : header.value().length);
        }
        final byte[] key = record.key();
        byte[] value = record.value();
        String why = reason;
        final int room = maxRecordBytes - headerBytes - (key == null ? 0 : key.length) - reason.length() - 512;
        if (value != null && value.length > room)
        {
            final int kept = Math.max(0, room);
            why = reason + "; the dead letter keeps the first " + kept + " of its value's " + value.length + " bytes " +
                "(the whole record would not fit in one; the commands topic holds it whole until its retention)";
            value = java.util.Arrays.copyOf(value, kept);
            headers.add(KafkaHeaders.DEAD_LETTER_VALUE_LENGTH, KafkaHeaders.ascii(record.value().length));
        }
        headers.add(KafkaHeaders.DEAD_LETTER_REASON, why.getBytes(StandardCharsets.UTF_8));
        headers.add(KafkaHeaders.DEAD_LETTER_TOPIC, sourceTopicBytes);
        headers.add(KafkaHeaders.DEAD_LETTER_PARTITION, KafkaHeaders.ascii(record.partition()));
        headers.add(KafkaHeaders.DEAD_LETTER_OFFSET, KafkaHeaders.ascii(record.offset()));
        producer.beginTransaction();
        final java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> delivery =
            producer.send(new ProducerRecord<>(topic, record.partition(), key, value, headers));
        try
        {
            producer.commitTransaction();
        }
        catch (final org.apache.kafka.common.KafkaException ex)
        {
            // The commit only says the producer is in an error state; the send says why.
            throw new IllegalStateException("could not dead-letter offset " + record.offset() + " of " + sourceTopic + "-" +
                record.partition() + " (" + reason + ") to " + topic + ": " + deliveryFailure(delivery, ex) + ". The " +
                "partition stops here until it can: each start meets this record again", ex);
        }
        sent++;
    }

    /** Why a send failed, in the broker's or client's words (its exception's class and message). */
    private static String deliveryFailure(
        final java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> delivery,
        final RuntimeException commitFailure)
    {
        Throwable cause = commitFailure;
        if (delivery.isDone())
        {
            try
            {
                delivery.get();
            }
            catch (final java.util.concurrent.ExecutionException ex)
            {
                cause = ex.getCause();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            catch (final RuntimeException ex)
            {
                cause = ex;
            }
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    long sent()
    {
        return sent;
    }

    String sourceTopic()
    {
        return sourceTopic;
    }

    @Override
    public void close()
    {
        close(Duration.ofSeconds(10));
    }

    /** Closes the producer, waiting at most {@code timeout} for it to finish (zero: not at all). */
    void close(final Duration timeout)
    {
        producer.close(timeout);
    }
}
