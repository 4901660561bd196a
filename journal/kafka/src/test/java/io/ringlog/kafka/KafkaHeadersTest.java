package io.ringlog.kafka;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class KafkaHeadersTest
{
    @Test
    void shouldWriteAndReadEveryLongButTheSmallestAsDecimalText()
    {
        final long[] values = {0, 1, 9, 10, 99, 100, -1, -10, 123_456_789_012L, 999_999_999_999_999_999L,
            1_000_000_000_000_000_000L, Long.MAX_VALUE, -Long.MAX_VALUE};
        for (final long value : values)
        {
            final byte[] text = KafkaHeaders.ascii(value);
            assertEquals(Long.toString(value), new String(text, StandardCharsets.US_ASCII));
            assertEquals(value, KafkaHeaders.parse(text));
        }
        assertFalse(KafkaHeaders.isNumber(KafkaHeaders.parse(KafkaHeaders.ascii(Long.MIN_VALUE))),
            "the one value reserved to mean 'not a number'");
    }

    @Test
    void shouldRefuseWhatIsNotADecimalLong()
    {
        for (final String bad : new String[]{"", "-", "1a", " 1", "+1", "9223372036854775808", "99999999999999999999",
            "1.0", "0x10"})
        {
            assertFalse(KafkaHeaders.isNumber(KafkaHeaders.parse(bad.getBytes(StandardCharsets.US_ASCII))), bad);
        }
        assertFalse(KafkaHeaders.isNumber(KafkaHeaders.parse(null)));
        assertFalse(KafkaHeaders.isNumber(KafkaHeaders.parse(new byte[]{0, 0, 0, 1})), "binary is not text");
    }

    @Test
    void shouldGiveEveryPartitionOfATopicItsOwnNonZeroSourceId()
    {
        assertNotEquals(SourceIds.of("commands", 0), SourceIds.of("commands", 1));
        assertNotEquals(SourceIds.of("commands", 0), SourceIds.of("orders", 0));
        assertNotEquals(0, SourceIds.of("", 0), "a topic whose name hashes to 0 still gets a non-anonymous id");
        assertEquals(7, SourceIds.partition(SourceIds.of("commands", 7)));
        assertEquals(true, SourceIds.isOf(SourceIds.of("commands", 7), "commands"));
        assertEquals(0x1234_5678L, SourceIds.of("commands", 0x1234_5678) & 0xFFFF_FFFFL);
    }
}
