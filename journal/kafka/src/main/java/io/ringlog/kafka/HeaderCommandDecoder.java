package io.ringlog.kafka;

import org.agrona.DirectBuffer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The default decoder: the record's value is the command's payload as the engine takes it, and its
 * headers say the rest ({@link KafkaHeaders#TYPE} required, {@link KafkaHeaders#VERSION} default 1,
 * {@link KafkaHeaders#CORRELATION_ID} default the record's offset). An application adds what only it
 * knows through a {@link PayloadCheck}: which types exist and how long each payload is. Allocates
 * nothing for a good record; the value is viewed, not copied.
 */
public final class HeaderCommandDecoder implements CommandDecoder
{
    /** The application's own check of a command; see {@link #check}. */
    @FunctionalInterface
    public interface PayloadCheck
    {
        /** Null if the command is one the application takes; the reason, in words, if not. */
        String check(int type, int version, DirectBuffer payload, int offset, int length);
    }

    /** Takes every type and payload. */
    public static final PayloadCheck ANY = (type, version, payload, offset, length) -> null;

    private final PayloadCheck check;

    public HeaderCommandDecoder()
    {
        this(ANY);
    }

    public HeaderCommandDecoder(final PayloadCheck check)
    {
        this.check = check;
    }

    @Override
    public String decode(final ConsumerRecord<byte[], byte[]> record, final DecodedCommand into)
    {
        final Headers headers = record.headers();
        final Header typeHeader = headers.lastHeader(KafkaHeaders.TYPE);
        if (typeHeader == null)
        {
            return "no " + KafkaHeaders.TYPE + " header";
        }
        final long type = KafkaHeaders.parse(typeHeader.value());
        if (!KafkaHeaders.isNumber(type) || type < 0 || type > Integer.MAX_VALUE)
        {
            return KafkaHeaders.TYPE + " is not a command type (0 or more): " + printable(typeHeader.value());
        }
        final long version = number(headers, KafkaHeaders.VERSION, 1);
        if (version < 0 || version > Integer.MAX_VALUE)
        {
            return KafkaHeaders.VERSION + " is not a version (0 or more): " +
                printable(headers.lastHeader(KafkaHeaders.VERSION).value());
        }
        final Header correlation = headers.lastHeader(KafkaHeaders.CORRELATION_ID);
        long correlationId = record.offset();
        if (correlation != null)
        {
            correlationId = KafkaHeaders.parse(correlation.value());
            if (!KafkaHeaders.isNumber(correlationId))
            {
                return KafkaHeaders.CORRELATION_ID + " is not a number: " + printable(correlation.value());
            }
        }
        final byte[] value = record.value();
        if (value == null)
        {
            return "no value (a tombstone): a command has a payload, even an empty one";
        }
        into.set((int)type, (int)version, correlationId).wrap(value, 0, value.length);
        return check.check((int)type, (int)version, into.payload(), 0, value.length);
    }

    /** The header's number, {@code missing} if absent, -1 if present and not a number. */
    private static long number(final Headers headers, final String key, final long missing)
    {
        final Header header = headers.lastHeader(key);
        if (header == null)
        {
            return missing;
        }
        final long value = KafkaHeaders.parse(header.value());
        return KafkaHeaders.isNumber(value) ? value : -1;
    }

    /** A header value for a reason: its text if it is short ASCII, else its length. */
    static String printable(final byte[] value)
    {
        if (value == null)
        {
            return "null";
        }
        if (value.length > 32)
        {
            return value.length + " bytes";
        }
        final StringBuilder text = new StringBuilder(value.length + 2).append('\'');
        for (final byte b : value)
        {
            if (b < 0x20 || b > 0x7e)
            {
                return value.length + " bytes, not text";
            }
            text.append((char)b);
        }
        return text.append('\'').toString();
    }
}
