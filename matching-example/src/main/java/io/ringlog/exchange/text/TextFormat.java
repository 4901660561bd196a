package io.ringlog.exchange.text;

import io.ringlog.core.OutputEvent;
import io.ringlog.exchange.OrderType;
import io.ringlog.exchange.codec.CommandTypes;
import io.ringlog.exchange.codec.EventTypes;
import org.agrona.DirectBuffer;

/**
 * Writes commands and events as lines of the text format (see the package documentation), field by
 * field as the schemas' IR lays them out ({@link TextSchema}). A formatted command parses back to the
 * same payload. Meant for files, tools and tests, not the hot path: it appends to a
 * {@link StringBuilder}. Not thread-safe; one per thread.
 */
public final class TextFormat
{
    private static final int REASON_LENGTH = Integer.BYTES;

    /**
     * Appends one command line (no newline), reading the payload at the version its length holds; an
     * unknown type or a payload shorter than version 1's block is written as a comment.
     */
    public StringBuilder command(final int type, final DirectBuffer payload, final int offset, final int length,
        final StringBuilder out)
    {
        final TextSchema.Message message = TextSchema.COMMANDS.message(type);
        final int version = message == null ? 1 : message.actingVersion(length, TextSchema.COMMANDS.version());
        return command(type, version, payload, offset, length, out);
    }

    /**
     * Appends one command line (no newline), reading the payload at {@code version} (its acting version);
     * an unknown type or a payload shorter than that version's block is written as a comment.
     */
    public StringBuilder command(final int type, final int version, final DirectBuffer payload, final int offset,
        final int length, final StringBuilder out)
    {
        final TextSchema.Message message = TextSchema.COMMANDS.message(type);
        if (message == null || version < 1 || length < message.blockLength(version))
        {
            return out.append("# command type ").append(type).append(", ").append(length).append(" bytes");
        }
        out.append(message.verb());
        final boolean market = type == CommandTypes.PLACE_ORDER &&
            message.field("type").get(payload, offset) == OrderType.MARKET_CODE;
        for (final TextSchema.Field field : message.fields())
        {
            // A market order's price is ignored, so a line leaves it out when it is zero.
            if (market && field.key().equals("price") && field.get(payload, offset) == 0)
            {
                continue;
            }
            appendField(field, version, payload, offset, length, out);
        }
        return out;
    }

    /**
     * Whether two payloads of command {@code type} hold the same command, each read at its own version: a field one
     * version lacks reads as its null value, as a decoder at that version reads it. So a command journaled by older
     * code is the same as the same line parsed now, whatever fields the schema has gained since (a reviewer's finding:
     * compared byte for byte, a version-1 journal never matched its own command file, and a run was told to add
     * {@code --append}, which would have applied the file twice). A type the text format does not have is compared
     * byte for byte.
     */
    public static boolean sameCommand(final int type, final int versionA, final DirectBuffer a, final int lengthA,
        final int versionB, final DirectBuffer b, final int lengthB)
    {
        final TextSchema.Message message = TextSchema.COMMANDS.message(type);
        if (message == null || versionA == versionB && lengthA == lengthB)
        {
            if (versionA != versionB || lengthA != lengthB)
            {
                return false;
            }
            for (int i = 0; i < lengthA; i++)
            {
                if (a.getByte(i) != b.getByte(i))
                {
                    return false;
                }
            }
            return true;
        }
        if (lengthA < message.blockLength(versionA) || lengthB < message.blockLength(versionB))
        {
            return false;
        }
        for (final TextSchema.Field field : message.fields())
        {
            final long valueA = field.presentIn(versionA, lengthA) ? field.get(a, 0) : field.nullValue();
            final long valueB = field.presentIn(versionB, lengthB) ? field.get(b, 0) : field.nullValue();
            if (valueA != valueB)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Appends one event line, starting with the causing command's position and the event's index among that
     * command's events, from 0: {@code pos=N ev=K <event> ...}; the pair names the event. An
     * engine rejection (its payload only a reason, such as {@code DUPLICATE}) is followed by what names the
     * command it refused: {@code cmd=} and, for a command that had a source, {@code src=} and {@code seq=}.
     */
    public StringBuilder event(final OutputEvent event, final StringBuilder out)
    {
        out.append("pos=").append(event.position()).append(" ev=").append(event.index()).append(' ');
        event(event.type(), event.payload(), 0, event.payloadLength(), out);
        if (event.type() == EventTypes.REJECTED && event.payloadLength() == REASON_LENGTH)
        {
            final TextSchema.Message command = TextSchema.COMMANDS.message(event.commandType());
            if (command != null)
            {
                out.append(" cmd=").append(command.verb());
            }
            if (event.sourceId() != 0)
            {
                out.append(" src=").append(event.sourceId()).append(" seq=").append(event.sourceSequence());
            }
        }
        return out;
    }

    /**
     * Appends one event line (no newline, no position). Events carry no version: the payload's length
     * says which it is. An engine rejection holds only its reason.
     */
    public StringBuilder event(final int type, final DirectBuffer payload, final int offset, final int length,
        final StringBuilder out)
    {
        final TextSchema.Message message = TextSchema.EVENTS.message(type);
        final int minimum = type == EventTypes.REJECTED ? REASON_LENGTH : message == null ? 0 : message.blockLength(1);
        if (message == null || length < minimum)
        {
            return out.append("# event type ").append(type).append(", ").append(length).append(" bytes");
        }
        out.append(message.verb());
        final int version = message.actingVersion(length, TextSchema.EVENTS.version());
        for (final TextSchema.Field field : message.fields())
        {
            appendField(field, version, payload, offset, length, out);
        }
        return out;
    }

    private static void appendField(final TextSchema.Field field, final int version, final DirectBuffer payload,
        final int offset, final int length, final StringBuilder out)
    {
        if (!field.presentIn(version, length))
        {
            return;
        }
        final long value = field.get(payload, offset);
        if (field.optional() && value == field.nullValue())
        {
            return;
        }
        out.append(' ').append(field.key()).append('=');
        final String word = field.words() == null ? null : field.words().word((int)value);
        if (word != null)
        {
            out.append(word);
        }
        else
        {
            out.append(value);
        }
    }
}
