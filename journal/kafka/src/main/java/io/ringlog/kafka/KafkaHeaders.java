package io.ringlog.kafka;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;

/**
 * The record headers ringlog reads and writes, and their values: numbers are ASCII decimal, so
 * {@code kafka-console-consumer --property print.headers=true} shows them as they are.
 * <pre>
 *  commands topic (read by {@link HeaderCommandDecoder})
 *    ringlog.type            command type, required
 *    ringlog.version         payload schema version, default 1
 *    ringlog.correlation-id  copied into every event of the command, default the record's offset
 *  events topic (written by {@link KafkaSink})
 *    ringlog.position        position of the command that caused the event
 *    ringlog.index           0 for a command's first event, 1 for the next, ...
 *    ringlog.correlation-id  the command's correlation id
 *    ringlog.type            event type (-1 a rejection)
 *    ringlog.writer          the sink's transactional id: one writer per events topic
 *  dead-letter topic (written by {@link KafkaSource})
 *    ringlog.dead-letter.reason     why the record is not a command, in words
 *    ringlog.dead-letter.topic      where it came from ...
 *    ringlog.dead-letter.partition
 *    ringlog.dead-letter.offset
 * </pre>
 * A dead letter also keeps the original record's key, value and headers.
 */
public final class KafkaHeaders
{
    public static final String TYPE = "ringlog.type";
    public static final String VERSION = "ringlog.version";
    public static final String CORRELATION_ID = "ringlog.correlation-id";
    public static final String POSITION = "ringlog.position";
    public static final String INDEX = "ringlog.index";
    public static final String WRITER = "ringlog.writer";
    public static final String DEAD_LETTER_REASON = "ringlog.dead-letter.reason";
    public static final String DEAD_LETTER_TOPIC = "ringlog.dead-letter.topic";
    public static final String DEAD_LETTER_PARTITION = "ringlog.dead-letter.partition";
    public static final String DEAD_LETTER_OFFSET = "ringlog.dead-letter.offset";
    /** On a dead letter whose value was cut to fit: the length, in bytes, of the record's whole value. */
    public static final String DEAD_LETTER_VALUE_LENGTH = "ringlog.dead-letter.value-length";

    /** What {@link #parse} returns for a value that is not a decimal long; callers check with {@link #isNumber}. */
    private static final long NOT_A_NUMBER = Long.MIN_VALUE;

    private KafkaHeaders()
    {
    }

    /** A new array holding {@code value} in ASCII decimal. */
    public static byte[] ascii(final long value)
    {
        if (value == Long.MIN_VALUE)
        {
            return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
        }
        final boolean negative = value < 0;
        long rest = negative ? -value : value;
        int digits = 1;
        for (long bound = 10; digits < 19 && rest >= bound; bound *= 10)
        {
            digits++;
        }
        final byte[] bytes = new byte[digits + (negative ? 1 : 0)];
        for (int i = bytes.length - 1; i >= (negative ? 1 : 0); i--)
        {
            bytes[i] = (byte)('0' + rest % 10);
            rest /= 10;
        }
        if (negative)
        {
            bytes[0] = '-';
        }
        return bytes;
    }

    /**
     * The decimal long in {@code bytes}, or {@link Long#MIN_VALUE} if they are not one (empty, a
     * stray character, out of range; {@code Long.MIN_VALUE} itself cannot be carried). Allocates nothing.
     */
    public static long parse(final byte[] bytes)
    {
        if (bytes == null || bytes.length == 0 || bytes.length > 20)
        {
            return NOT_A_NUMBER;
        }
        final boolean negative = bytes[0] == '-';
        final int start = negative ? 1 : 0;
        if (start == bytes.length)
        {
            return NOT_A_NUMBER;
        }
        long value = 0;
        for (int i = start; i < bytes.length; i++)
        {
            final int digit = bytes[i] - '0';
            if (digit < 0 || digit > 9 || value > (Long.MAX_VALUE - digit) / 10)
            {
                return NOT_A_NUMBER;
            }
            value = value * 10 + digit;
        }
        return negative ? -value : value;
    }

    /** Whether a value {@link #parse} returned is a number. */
    public static boolean isNumber(final long parsed)
    {
        return parsed != NOT_A_NUMBER;
    }

    /** The decimal value of the last header {@code key}, or {@code missing} if there is none or it is not a number. */
    public static long number(final Headers headers, final String key, final long missing)
    {
        final Header header = headers.lastHeader(key);
        if (header == null)
        {
            return missing;
        }
        final long value = parse(header.value());
        return isNumber(value) ? value : missing;
    }

    /** The text of the last header {@code key}, or null. */
    public static String text(final Headers headers, final String key)
    {
        final Header header = headers.lastHeader(key);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
