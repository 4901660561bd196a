package io.ringlog.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeaderCommandDecoderTest
{
    private final DecodedCommand decoded = new DecodedCommand(64);

    @Test
    void shouldTakeTypeVersionAndCorrelationFromHeadersAndViewTheValue()
    {
        final ConsumerRecord<byte[], byte[]> record = record(77, new byte[]{1, 2, 3}, "7", "2", "123456789012");
        assertNull(new HeaderCommandDecoder().decode(record, decoded));
        assertEquals(7, decoded.type());
        assertEquals(2, decoded.version());
        assertEquals(123_456_789_012L, decoded.correlationId());
        assertEquals(3, decoded.length());
        assertEquals(3, decoded.payload().getByte(decoded.offset() + 2), "the record's own bytes, not a copy");
    }

    @Test
    void shouldDefaultTheVersionToOneAndTheCorrelationIdToTheOffset()
    {
        assertNull(new HeaderCommandDecoder().decode(record(77, new byte[0], "7", null, null), decoded));
        assertEquals(1, decoded.version());
        assertEquals(77, decoded.correlationId());
        assertEquals(0, decoded.length(), "an empty payload is a payload");
    }

    @Test
    void shouldSayWhyARecordIsNotACommand()
    {
        final HeaderCommandDecoder decoder = new HeaderCommandDecoder(
            (type, version, payload, offset, length) -> length == 8 ? null : "expected 8 bytes, got " + length);
        assertEquals("no ringlog.type header", decoder.decode(record(1, new byte[8], null, null, null), decoded));
        assertEquals("ringlog.version is not a version (0 or more): 'v2'",
            decoder.decode(record(1, new byte[8], "3", "v2", null), decoded));
        assertEquals("ringlog.correlation-id is not a number: '12x'",
            decoder.decode(record(1, new byte[8], "3", null, "12x"), decoded));
        assertEquals("no value (a tombstone): a command has a payload, even an empty one",
            decoder.decode(record(1, null, "3", null, null), decoded));
        assertEquals("expected 8 bytes, got 5", decoder.decode(record(1, new byte[5], "3", null, null), decoded),
            "the application's own check has the last word");
    }

    @Test
    void shouldAllocateNothingToDecodeAGoodRecord()
    {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final HeaderCommandDecoder decoder = new HeaderCommandDecoder((type, version, payload, offset, length) -> null);
        final ConsumerRecord<byte[], byte[]> record = record(5, new byte[40], "4", "1", "99");
        long sink = 0;
        for (int i = 0; i < 200_000; i++)
        {
            sink += decoder.decode(record, decoded) == null ? decoded.type() : 0;
        }
        final int decodes = 1_000_000;
        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < decodes; i++)
        {
            sink += decoder.decode(record, decoded) == null ? decoded.type() : 0;
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(sink > 0);
        assertTrue(allocated < decodes / 100, "decoding allocated " + allocated + " bytes for " + decodes + " records");
    }

    private static ConsumerRecord<byte[], byte[]> record(
        final long offset, final byte[] value, final String type, final String version, final String correlation)
    {
        final RecordHeaders headers = new RecordHeaders();
        if (type != null)
        {
            headers.add(KafkaHeaders.TYPE, Records.text(type));
        }
        if (version != null)
        {
            headers.add(KafkaHeaders.VERSION, Records.text(version));
        }
        if (correlation != null)
        {
            headers.add(KafkaHeaders.CORRELATION_ID, Records.text(correlation));
        }
        return new ConsumerRecord<>("commands", 0, offset, 0L, TimestampType.CREATE_TIME, 0, value == null ? -1 : value.length,
            null, value, headers, Optional.empty());
    }
}
