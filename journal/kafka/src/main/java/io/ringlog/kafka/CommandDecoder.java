package io.ringlog.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns one record of a commands topic into a command for the engine, or says why it cannot. Runs on
 * the source's thread for every record, so it should allocate nothing on success: return a constant
 * null, and point the command's payload at the record's value rather than copying it.
 */
@FunctionalInterface
public interface CommandDecoder
{
    /**
     * Fills {@code into} (type, version, correlation id, payload) from {@code record}.
     *
     * @return null if it did; otherwise the reason, in words, which the record carries to the
     *         dead-letter topic. A decoder must decide the same way every time it sees a record, because a
     *         restarted source may see it again.
     * @throws NotForThisCodeException for a record to be neither taken nor dead-lettered (newer code's, which this code
     *         cannot journal): the source stops at it.
     */
    String decode(ConsumerRecord<byte[], byte[]> record, DecodedCommand into);
}
