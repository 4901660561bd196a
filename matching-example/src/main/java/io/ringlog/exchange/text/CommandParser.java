package io.ringlog.exchange.text;

import io.ringlog.exchange.OrderType;
import io.ringlog.exchange.Side;
import io.ringlog.exchange.codec.CommandEncoder;
import io.ringlog.exchange.codec.CommandTypes;

/**
 * Parses the line-oriented command format (see the package documentation) into a
 * {@link ParsedCommand}. A bad line yields a message, never an exception, so a reader can report it
 * with its line number and go on. Not thread-safe; reuse one per reader.
 */
public final class CommandParser
{
    /** What {@link #parse} made of a line. */
    public enum Result
    {
        /** A command, now in the {@link ParsedCommand}. */
        COMMAND,
        /** Blank or a comment: nothing to do. */
        SKIP,
        /** Malformed: {@link #error()} says why. */
        ERROR
    }

    private static final String[] INSTRUMENT = {"sym", "base", "quote", "tick", "lot"};
    private static final String[] TRANSFER = {"acct", "asset", "amount"};
    private static final String[] PLACE = {"oid", "acct", "sym", "side", "type", "price", "qty"};
    private static final String[] CANCEL = {"oid", "acct"};
    private static final String[] REDUCE = {"oid", "acct", "by"};
    private static final String[] MOVE = {"oid", "acct", "price"};
    private static final String[] HEADER = {"src", "seq", "corr"};
    private static final String[] VERBS = {"instrument", "deposit", "withdraw", "place", "cancel", "reduce", "move"};

    private final CommandEncoder encoder = new CommandEncoder();
    private final String[] keys = new String[16];
    private final String[] values = new String[16];
    private int fieldCount;
    private String error;

    /** Why the last line was {@link Result#ERROR}. */
    public String error()
    {
        return error;
    }

    public Result parse(final String rawLine, final int lineNumber, final ParsedCommand into)
    {
        error = null;
        into.reset(lineNumber);
        final int hash = rawLine.indexOf('#');
        final String line = (hash >= 0 ? rawLine.substring(0, hash) : rawLine).trim();
        if (line.isEmpty())
        {
            return Result.SKIP;
        }
        final String[] tokens = line.split("\\s+");
        final String verb = tokens[0];
        if (!contains(VERBS, verb))
        {
            return fail("unknown command '" + Excerpt.of(verb) + "' (" + String.join(", ", VERBS) + ")");
        }
        fieldCount = 0;
        for (int i = 1; i < tokens.length; i++)
        {
            final String token = tokens[i];
            final int eq = token.indexOf('=');
            if (eq <= 0 || eq == token.length() - 1)
            {
                return fail("expected key=value, got '" + Excerpt.of(token) + "'");
            }
            final String key = token.substring(0, eq);
            if (indexOf(key) >= 0)
            {
                return fail("'" + Excerpt.of(key) + "' given twice");
            }
            if (fieldCount == keys.length)
            {
                return fail("too many fields");
            }
            keys[fieldCount] = key;
            values[fieldCount] = token.substring(eq + 1);
            fieldCount++;
        }
        try
        {
            final Result result = parseCommand(verb, into);
            if (result != Result.COMMAND)
            {
                return result;
            }
            if (has("src"))
            {
                into.sourceId(number("src"));
            }
            if (has("seq"))
            {
                into.sourceSequence(number("seq"));
            }
            if (has("corr"))
            {
                into.correlationId(number("corr"));
            }
            return Result.COMMAND;
        }
        catch (final FieldException ex)
        {
            return fail(ex.getMessage());
        }
    }

    private Result parseCommand(final String verb, final ParsedCommand into)
    {
        final int length;
        switch (verb)
        {
            case "instrument":
                if (!only(INSTRUMENT))
                {
                    return Result.ERROR;
                }
                into.type(CommandTypes.ADD_INSTRUMENT);
                length = encoder.addInstrument(into.mutablePayload(), 0, integer("sym"), integer("base"),
                    integer("quote"), number("tick"), number("lot"));
                break;
            case "deposit":
            case "withdraw":
                if (!only(TRANSFER))
                {
                    return Result.ERROR;
                }
                if (verb.equals("deposit"))
                {
                    into.type(CommandTypes.DEPOSIT);
                    length = encoder.deposit(into.mutablePayload(), 0, number("acct"), integer("asset"), number("amount"));
                }
                else
                {
                    into.type(CommandTypes.WITHDRAW);
                    length = encoder.withdraw(into.mutablePayload(), 0, number("acct"), integer("asset"), number("amount"));
                }
                break;
            case "place":
            {
                if (!only(PLACE))
                {
                    return Result.ERROR;
                }
                final Side side = side();
                final OrderType type = orderType();
                final long price = type == OrderType.MARKET && !has("price") ? 0 : number("price");
                into.type(CommandTypes.PLACE_ORDER);
                length = encoder.place(into.mutablePayload(), 0, number("oid"), number("acct"), integer("sym"), side,
                    type, price, number("qty"));
                break;
            }
            case "cancel":
                if (!only(CANCEL))
                {
                    return Result.ERROR;
                }
                into.type(CommandTypes.CANCEL_ORDER);
                length = encoder.cancel(into.mutablePayload(), 0, number("oid"), number("acct"));
                break;
            case "reduce":
                if (!only(REDUCE))
                {
                    return Result.ERROR;
                }
                into.type(CommandTypes.REDUCE_ORDER);
                length = encoder.reduce(into.mutablePayload(), 0, number("oid"), number("acct"), number("by"));
                break;
            case "move":
                if (!only(MOVE))
                {
                    return Result.ERROR;
                }
                into.type(CommandTypes.MOVE_ORDER);
                length = encoder.move(into.mutablePayload(), 0, number("oid"), number("acct"), number("price"));
                break;
            default:
                return fail("unknown command '" + verb + "' (instrument, deposit, withdraw, place, cancel, reduce, move)");
        }
        into.payloadLength(length);
        return Result.COMMAND;
    }

    private Side side()
    {
        final String value = value("side");
        try
        {
            return Side.valueOf(value.toUpperCase());
        }
        catch (final IllegalArgumentException ex)
        {
            throw new FieldException("side must be BUY or SELL, got '" + Excerpt.of(value) + "'");
        }
    }

    private OrderType orderType()
    {
        final String value = value("type");
        try
        {
            return OrderType.valueOf(value.toUpperCase());
        }
        catch (final IllegalArgumentException ex)
        {
            throw new FieldException("type must be GTC, IOC, FOK or MARKET, got '" + Excerpt.of(value) + "'");
        }
    }

    /**
     * Checks that every field is one the command (or the header) knows, and that all the command's
     * fields are there (a place's price only when it is not a market order), naming every one missing.
     */
    private boolean only(final String[] allowed)
    {
        for (int i = 0; i < fieldCount; i++)
        {
            if (!contains(allowed, keys[i]) && !contains(HEADER, keys[i]))
            {
                fail("unknown field '" + Excerpt.of(keys[i]) + "' (expected " + String.join(", ", allowed) + ")");
                return false;
            }
        }
        final boolean market = allowed == PLACE && has("type") && value("type").equalsIgnoreCase("MARKET");
        StringBuilder missing = null;
        for (final String key : allowed)
        {
            if (!has(key) && !(market && key.equals("price")))
            {
                missing = missing == null ? new StringBuilder("missing ") : missing.append(", ");
                missing.append(key).append('=');
            }
        }
        if (missing != null)
        {
            fail(missing.toString());
            return false;
        }
        return true;
    }

    private static boolean contains(final String[] array, final String key)
    {
        for (final String s : array)
        {
            if (s.equals(key))
            {
                return true;
            }
        }
        return false;
    }

    private int indexOf(final String key)
    {
        for (int i = 0; i < fieldCount; i++)
        {
            if (keys[i].equals(key))
            {
                return i;
            }
        }
        return -1;
    }

    private boolean has(final String key)
    {
        return indexOf(key) >= 0;
    }

    private String value(final String key)
    {
        final int index = indexOf(key);
        if (index < 0)
        {
            throw new FieldException("missing " + key + "=");
        }
        return values[index];
    }

    /**
     * A decimal integer in ASCII digits, with an optional sign. Long.parseLong alone would also take
     * other scripts' digits ({@code price=١٠} as 10): a file's numbers must read the same to people
     * and to the exchange.
     */
    private long number(final String key)
    {
        final String value = value(key);
        final int start = value.charAt(0) == '-' || value.charAt(0) == '+' ? 1 : 0;
        boolean digits = value.length() > start;
        for (int i = start; i < value.length() && digits; i++)
        {
            final char c = value.charAt(i);
            digits = c >= '0' && c <= '9';
        }
        try
        {
            if (!digits)
            {
                throw new NumberFormatException();
            }
            return Long.parseLong(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new FieldException(key + " must be an integer in ASCII digits, got '" + Excerpt.of(value) + "'");
        }
    }

    private int integer(final String key)
    {
        final long value = number(key);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE)
        {
            throw new FieldException(key + " is out of int range: " + value);
        }
        return (int)value;
    }

    private Result fail(final String message)
    {
        if (error == null)
        {
            error = message;
        }
        return Result.ERROR;
    }

    /** A field problem, unwound to {@link #parse} and turned into {@link Result#ERROR}. */
    private static final class FieldException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        FieldException(final String message)
        {
            super(message, null, false, false);
        }
    }
}
