package io.ringlog.exchange.text;

import io.ringlog.exchange.CancelReason;
import io.ringlog.exchange.OrderType;
import io.ringlog.exchange.RejectReason;
import io.ringlog.exchange.Side;
import io.ringlog.exchange.codec.CommandTypes;
import io.ringlog.exchange.codec.EventTypes;
import io.ringlog.exchange.codec.event.RejectedEventDecoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import uk.co.real_logic.sbe.PrimitiveType;
import uk.co.real_logic.sbe.ir.Encoding;
import uk.co.real_logic.sbe.ir.Ir;
import uk.co.real_logic.sbe.ir.IrDecoder;
import uk.co.real_logic.sbe.ir.Signal;
import uk.co.real_logic.sbe.ir.Token;
import uk.co.real_logic.sbe.otf.Types;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text format's view of the exchange's SBE schemas. Everything a line needs to know about a field
 * (where it is, its type, its null value, the version that added it, which words stand for its codes)
 * comes from the schemas' IR, which the build writes beside the generated codecs. What the IR cannot
 * say is in {@link #COMMAND_LINES} and {@link #EVENT_LINES}: each message's verb, and the short keys of
 * its version 1 fields in the order a line shows them. A field the schema gains later needs no line
 * here: it follows those, under its schema name, and the parser takes it the same way.
 */
final class TextSchema
{
    /** Verb, message, then {@code key=field} in line order. */
    private static final String[] COMMAND_LINES = {
        "instrument AddInstrumentCommand sym=symbol base=baseAsset quote=quoteAsset tick=tickSize lot=lotSize",
        "deposit DepositCommand acct=account asset=asset amount=amount",
        "withdraw WithdrawCommand acct=account asset=asset amount=amount",
        "place PlaceOrderCommand oid=orderId acct=account sym=symbol side=side type=orderType price=price " +
            "qty=quantity",
        "cancel CancelOrderCommand oid=orderId acct=account",
        "reduce ReduceOrderCommand oid=orderId acct=account by=reduceBy",
        "move MoveOrderCommand oid=orderId acct=account price=newPrice",
    };

    /** Verb, message, then {@code key=field} in line order. */
    private static final String[] EVENT_LINES = {
        "rejected RejectedEvent reason=reason cmd=commandType oid=orderId acct=account sym=symbol",
        "instrument InstrumentAddedEvent sym=symbol base=baseAsset quote=quoteAsset tick=tickSize lot=lotSize",
        "accepted OrderAcceptedEvent oid=orderId acct=account sym=symbol side=side type=orderType price=price " +
            "qty=quantity",
        "trade TradeEvent id=tradeId sym=symbol price=price qty=quantity maker=makerOrderId taker=takerOrderId " +
            "makerAcct=makerAccount takerAcct=takerAccount takerSide=takerSide makerLeft=makerRemaining " +
            "takerLeft=takerRemaining",
        "cancelled OrderCancelledEvent oid=orderId acct=account sym=symbol side=side price=price qty=quantity " +
            "reason=reason",
        "reduced OrderReducedEvent oid=orderId acct=account sym=symbol side=side price=price by=reducedBy " +
            "left=remaining",
        "moved OrderMovedEvent oid=orderId acct=account sym=symbol side=side from=oldPrice to=newPrice left=remaining",
        "book BookChangedEvent sym=symbol side=side price=price qty=totalQuantity orders=orderCount",
        "balance BalanceChangedEvent acct=account asset=asset free=free reserved=reserved",
    };

    /** The commands, read from the commands' schema. */
    static final TextSchema COMMANDS = load("exchange-commands.sbeir", COMMAND_LINES, false);
    /** The events, read from the events' schema. */
    static final TextSchema EVENTS = load("exchange-events.sbeir", EVENT_LINES, true);

    private final int version;
    private final Int2ObjectHashMap<Message> byType = new Int2ObjectHashMap<>();
    private final Map<String, Message> byVerb = new LinkedHashMap<>();

    private TextSchema(final int version)
    {
        this.version = version;
    }

    /** The schema's version: what a message written now is in. */
    int version()
    {
        return version;
    }

    /** The message of a type, or null. */
    Message message(final int type)
    {
        return byType.get(type);
    }

    /** The message of a verb, or null. */
    Message message(final String verb)
    {
        return byVerb.get(verb);
    }

    /** The verbs in the order the lines list them. */
    List<String> verbs()
    {
        return new ArrayList<>(byVerb.keySet());
    }

    /** One message as the text format writes it. */
    static final class Message
    {
        private final String verb;
        private final int type;
        private final String name;
        private final int blockLength;
        private final Field[] fields;

        Message(final String verb, final int type, final String name, final int blockLength, final Field[] fields)
        {
            this.verb = verb;
            this.type = type;
            this.name = name;
            this.blockLength = blockLength;
            this.fields = fields;
        }

        String verb()
        {
            return verb;
        }

        int type()
        {
            return type;
        }

        /** The message's name in the schema. */
        String name()
        {
            return name;
        }

        /** Fields in line order. */
        Field[] fields()
        {
            return fields;
        }

        /** The block of the schema's version: what a message written now takes. */
        int blockLength()
        {
            return blockLength;
        }

        /**
         * The block of {@code version}: a version only ever appends fields, so it ends where the first
         * field of a later version starts.
         */
        int blockLength(final int version)
        {
            int length = blockLength;
            for (final Field field : fields)
            {
                if (field.sinceVersion > version)
                {
                    length = Math.min(length, field.offset);
                }
            }
            return length;
        }

        /** The newest version whose block a payload of {@code length} bytes holds (events carry no version). */
        int actingVersion(final int length, final int schemaVersion)
        {
            int acting = 1;
            for (int v = 2; v <= schemaVersion; v++)
            {
                if (blockLength(v) <= length)
                {
                    acting = v;
                }
            }
            return acting;
        }

        /** The field of a key, or null. */
        Field field(final String key)
        {
            for (final Field field : fields)
            {
                if (field.key.equals(key))
                {
                    return field;
                }
            }
            return null;
        }
    }

    /** One field: its key in a line and what the schema says of it. */
    static final class Field
    {
        private final String key;
        private final String name;
        private final int offset;
        private final int sinceVersion;
        private final boolean optional;
        private final Encoding encoding;
        private final long nullValue;
        private final Words words;

        Field(final String key, final String name, final int offset, final int sinceVersion, final Encoding encoding)
        {
            this.key = key;
            this.name = name;
            this.offset = offset;
            this.sinceVersion = sinceVersion;
            this.optional = encoding.presence() == Encoding.Presence.OPTIONAL;
            this.encoding = encoding;
            this.nullValue = encoding.applicableNullValue().longValue();
            this.words = Words.of(encoding.semanticType());
        }

        String key()
        {
            return key;
        }

        /** The field's name in the schema. */
        String name()
        {
            return name;
        }

        /** Whether a message may leave it out: null then stands for "not given". */
        boolean optional()
        {
            return optional;
        }

        long nullValue()
        {
            return nullValue;
        }

        /** The words of its codes, or null for a plain number. */
        Words words()
        {
            return words;
        }

        PrimitiveType type()
        {
            return encoding.primitiveType();
        }

        /** Whether a message of {@code version} in {@code length} bytes holds it. */
        boolean presentIn(final int version, final int length)
        {
            return sinceVersion <= version && offset + encoding.primitiveType().size() <= length;
        }

        long get(final DirectBuffer buffer, final int messageOffset)
        {
            return Types.getLong(buffer, messageOffset + offset, encoding);
        }

        void put(final MutableDirectBuffer buffer, final int messageOffset, final long value)
        {
            final int index = messageOffset + offset;
            switch (encoding.primitiveType())
            {
                case INT8:
                case UINT8:
                    buffer.putByte(index, (byte)value);
                    break;
                case INT16:
                case UINT16:
                    buffer.putShort(index, (short)value, encoding.byteOrder());
                    break;
                case INT32:
                case UINT32:
                    buffer.putInt(index, (int)value, encoding.byteOrder());
                    break;
                case INT64:
                case UINT64:
                    buffer.putLong(index, value, encoding.byteOrder());
                    break;
                default:
                    throw new IllegalStateException("the text format has no numbers of type " +
                        encoding.primitiveType() + " (field " + name + ")");
            }
        }

        /** Smallest value of its type: all of the type's range is allowed, null included. */
        long min()
        {
            switch (encoding.primitiveType())
            {
                case INT8: return Byte.MIN_VALUE;
                case INT16: return Short.MIN_VALUE;
                case INT32: return Integer.MIN_VALUE;
                case UINT8:
                case UINT16:
                case UINT32: return 0;
                default: return Long.MIN_VALUE;
            }
        }

        /** Largest value of its type. */
        long max()
        {
            switch (encoding.primitiveType())
            {
                case INT8: return Byte.MAX_VALUE;
                case INT16: return Short.MAX_VALUE;
                case INT32: return Integer.MAX_VALUE;
                case UINT8: return 0xFF;
                case UINT16: return 0xFFFF;
                case UINT32: return 0xFFFF_FFFFL;
                default: return Long.MAX_VALUE;
            }
        }
    }

    /**
     * Words for codes, chosen by a field's {@code semanticType} in the schema. A command's codes can be
     * written as words too; an event's reasons and command types only come out as words.
     */
    enum Words
    {
        SIDE("Side")
        {
            @Override
            String word(final int code)
            {
                final Side side = Side.of(code);
                return side != null ? side.name() : null;
            }
        },
        ORDER_TYPE("OrderType")
        {
            @Override
            String word(final int code)
            {
                final OrderType type = OrderType.of(code);
                return type != null ? type.name() : null;
            }
        },
        CANCEL_REASON("CancelReason")
        {
            @Override
            String word(final int code)
            {
                final CancelReason reason = CancelReason.of(code);
                return reason != null ? reason.name() : null;
            }
        },
        REJECT_REASON("RejectReason")
        {
            @Override
            String word(final int code)
            {
                return RejectReason.describe(code);
            }
        },
        COMMAND_TYPE("CommandType")
        {
            @Override
            String word(final int code)
            {
                return CommandTypes.name(code);
            }
        };

        private final String semanticType;

        Words(final String semanticType)
        {
            this.semanticType = semanticType;
        }

        /** The word for a code, or null when the code has none (it is then written as a number). */
        abstract String word(int code);

        /** The code of a word, case-insensitive, or null. */
        Integer code(final String word)
        {
            for (int code = -1; code < 256; code++)
            {
                final String candidate = word(code);
                if (candidate != null && sameWord(candidate, word))
                {
                    return code;
                }
            }
            return null;
        }

        /** The words a line may use, as a sentence: {@code GTC, IOC, FOK or MARKET}. */
        String choices()
        {
            final StringBuilder out = new StringBuilder();
            final List<String> all = new ArrayList<>();
            for (int code = 0; code < 256; code++)
            {
                final String word = word(code);
                if (word != null)
                {
                    all.add(word);
                }
            }
            for (int i = 0; i < all.size(); i++)
            {
                out.append(i == 0 ? "" : i == all.size() - 1 ? " or " : ", ").append(all.get(i));
            }
            return out.toString();
        }

        static Words of(final String semanticType)
        {
            for (final Words words : values())
            {
                if (words.semanticType.equals(semanticType))
                {
                    return words;
                }
            }
            return null;
        }
    }

    private static TextSchema load(final String resource, final String[] lines, final boolean events)
    {
        final Ir ir;
        try (InputStream in = TextSchema.class.getResourceAsStream("/io/ringlog/exchange/codec/" + resource))
        {
            if (in == null)
            {
                throw new IllegalStateException(resource + " is missing: the build writes it with the codecs");
            }
            try (IrDecoder decoder = new IrDecoder(ByteBuffer.wrap(in.readAllBytes())))
            {
                ir = decoder.decode();
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        final TextSchema schema = new TextSchema(ir.version());
        for (final String line : lines)
        {
            final String[] words = line.split(" ");
            final List<Token> tokens = messageNamed(ir, words[1]);
            final Token begin = tokens.get(0);
            final Map<String, Field> byName = new LinkedHashMap<>();
            for (int i = 0; i < tokens.size(); i++)
            {
                final Token token = tokens.get(i);
                if (token.signal() == Signal.BEGIN_FIELD)
                {
                    final Token encoding = tokens.get(i + 1);
                    if (encoding.signal() != Signal.ENCODING)
                    {
                        throw new IllegalStateException("field " + token.name() + " of " + words[1] +
                            " is not a number: the text format reads only numbers");
                    }
                    byName.put(token.name(), new Field(token.name(), token.name(), token.offset(), token.version(),
                        encoding.encoding()));
                }
            }
            final List<Field> fields = new ArrayList<>();
            for (int i = 2; i < words.length; i++)
            {
                final int eq = words[i].indexOf('=');
                final String key = words[i].substring(0, eq);
                final Field field = byName.remove(words[i].substring(eq + 1));
                if (field == null)
                {
                    throw new IllegalStateException(words[1] + " has no field " + words[i].substring(eq + 1));
                }
                fields.add(new Field(key, field.name, field.offset, field.sinceVersion, field.encoding));
            }
            fields.addAll(byName.values());
            final int templateId = begin.id();
            final int type = events && templateId == RejectedEventDecoder.TEMPLATE_ID ?
                EventTypes.REJECTED : templateId;
            final Message message = new Message(words[0], type, words[1], begin.encodedLength(),
                fields.toArray(new Field[0]));
            schema.byType.put(type, message);
            schema.byVerb.put(words[0], message);
        }
        return schema;
    }

    private static List<Token> messageNamed(final Ir ir, final String name)
    {
        for (final List<Token> tokens : ir.messages())
        {
            if (tokens.get(0).name().equals(name))
            {
                return tokens;
            }
        }
        throw new IllegalStateException("the schema has no message " + name);
    }

    /**
     * Whether two words are the same but for the case of their ASCII letters. Not {@code equalsIgnoreCase}, which folds
     * other scripts' letters too: {@code side=\u017Fell} (a long s) read as SELL (a reviewer's finding), where a
     * file's words must read the same to people and to the exchange.
     */
    static boolean sameWord(final String a, final String b)
    {
        if (a.length() != b.length())
        {
            return false;
        }
        for (int i = 0; i < a.length(); i++)
        {
            final char x = a.charAt(i);
            final char y = b.charAt(i);
            if (x != y && (x > 0x7F || y > 0x7F || asciiLower(x) != asciiLower(y)))
            {
                return false;
            }
        }
        return true;
    }

    private static char asciiLower(final char c)
    {
        return c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
    }
}
