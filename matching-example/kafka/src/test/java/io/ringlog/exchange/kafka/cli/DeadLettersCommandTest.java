package io.ringlog.exchange.kafka.cli;

import io.ringlog.kafka.DeadLetterReader.DeadLetter;
import io.ringlog.kafka.KafkaHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How {@code kafka dead-letters} prints a letter's original headers. */
class DeadLettersCommandTest
{
    /**
     * A reviewer's record had a ringlog.type header with no value: its reason said "null", its line "type none", as if
     * it had no header at all.
     */
    @Test
    void shouldTellAHeaderWithNoValueFromNoHeader()
    {
        final ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("dead", 0, 5, null, new byte[]{1, 2});
        record.headers().add(KafkaHeaders.TYPE, null);
        final String line = DeadLettersCommand.line(new DeadLetter("commands", 0, 41, "its ringlog.type header is not a " +
            "number: null", record));
        assertEquals("commands-0@41: its ringlog.type header is not a number: null (type null, version none, correlation " +
            "none, 2 bytes: 01 02)", line);
    }

    /** A header of bytes that are not text, as a raw producer may send: shown in hex, not copied to the terminal. */
    @Test
    void shouldShowAHeaderOfBytesThatAreNotTextInHex()
    {
        final ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("dead", 0, 5, null, new byte[]{0});
        record.headers().add(KafkaHeaders.TYPE, new byte[]{0, 0, 0, 4});
        record.headers().add(KafkaHeaders.VERSION, "1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        record.headers().add(KafkaHeaders.CORRELATION_ID, new byte[]{'7', '\t'});
        final String line = DeadLettersCommand.line(new DeadLetter("commands", 0, 32, "ringlog.type is not a command " +
            "type (0 or more): 4 bytes, not text", record));
        assertEquals("commands-0@32: ringlog.type is not a command type (0 or more): 4 bytes, not text (type bytes 00 00 " +
            "00 04, version 1, correlation bytes 37 09, 1 byte: 00)", line);
    }
}
