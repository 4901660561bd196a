package io.ringlog.exchange.text;

import io.ringlog.exchange.OrderType;
import io.ringlog.exchange.codec.CommandTypes;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.Locale;

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

    private static final String[] HEADER = {"src", "seq", "corr"};
    private static final String VERBS = String.join(", ", TextSchema.COMMANDS.verbs());

    private final String[] keys = new String[16];
    private final String[] values = new String[16];
    private int fieldCount;
    private String[] tokens = new String[16];
    private int tokenCount;
    private String error;

    /** Why the last line was {@link Result#ERROR}. */
    public String error()
    {
        return error;
    }

    public Result parse(final String rawLine, final long lineNumber, final ParsedCommand into)
    {
        error = null;
        into.reset(lineNumber);
        final int hash = rawLine.indexOf('#');
        final String odd = oddCharacter(rawLine, hash >= 0 ? hash : rawLine.length());
        if (odd != null)
        {
            return fail(odd);
        }
        final String line = strip(hash >= 0 ? rawLine.substring(0, hash) : rawLine);
        if (line.isEmpty())
        {
            return Result.SKIP;
        }
        tokenize(line);
        final String[] tokens = this.tokens;
        final TextSchema.Message message = TextSchema.COMMANDS.message(tokens[0]);
        if (message == null)
        {
            return fail("unknown command '" + Excerpt.of(tokens[0]) + "' (" + VERBS + ")");
        }
        fieldCount = 0;
        for (int i = 1; i < tokenCount; i++)
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
            final Result result = parseCommand(message, into);
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
            // The engine refuses these for the whole file (it throws); said here, they are one malformed line.
            if (has("src") && number("src") != 0)
            {
                if (!has("seq"))
                {
                    return fail("src=" + number("src") + " without seq=: a source's commands each need their sequence " +
                        "(0 or above), by which its duplicates are known");
                }
                if (number("seq") < 0)
                {
                    return fail("seq=" + number("seq") + " is negative: a source's sequences start at 0");
                }
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

    /**
     * A character that a user cannot see for what it is, said with its column, or null: a carriage return inside the
     * line (a file whose lines end in it alone reads as one line), or, before {@code end}, a space or format character
     * outside ASCII (a no-break space, an em space, a zero-width space), which would be read as part of a value and
     * be reported as a field missing (a reviewer's {@code oid=79<U+00A0>acct=12}: {@code missing acct=}).
     */
    private static String oddCharacter(final String line, final int end)
    {
        for (int i = 0; i < line.length(); i++)
        {
            final char c = line.charAt(i);
            // In a comment too: where the lines end in \r alone, a first line's comment would hide the whole file.
            if (c == '\r')
            {
                return "a carriage return (\\r) at column " + (i + 1) + ", inside the line: a line ends in \\n or \\r\\n, " +
                    "and a file whose lines end in \\r alone reads as one line (tr '\\r' '\\n' mends it)";
            }
            if (i < end && c > 0x7F && (Character.isWhitespace(c) || Character.isSpaceChar(c) ||
                Character.getType(c) == Character.FORMAT))
            {
                final String name = Character.getName(c);
                return String.format(Locale.ROOT, "a U+%04X%s at column %d: fields are separated by spaces " +
                    "or tabs, and a command's words and numbers are ASCII", (int)c,
                    name == null ? "" : " (" + name.toLowerCase(Locale.ROOT) + ")", i + 1);
            }
        }
        return null;
    }

    /**
     * Splits a trimmed, non-empty line at runs of whitespace (the regex class {@code \s}: space, tab, line feed, vertical
     * tab, form feed, carriage return) into {@link #tokens}. By hand, not {@code String.split("\\s+")},
     * which compiles its pattern on every line: a third of the time of reading a command file.
     */
    private void tokenize(final String line)
    {
        tokenCount = 0;
        final int length = line.length();
        int i = 0;
        while (i < length)
        {
            while (i < length && isSpace(line.charAt(i)))
            {
                i++;
            }
            if (i == length)
            {
                break;
            }
            final int start = i;
            while (i < length && !isSpace(line.charAt(i)))
            {
                i++;
            }
            if (tokenCount == tokens.length)
            {
                tokens = Arrays.copyOf(tokens, tokenCount * 2);
            }
            tokens[tokenCount++] = line.substring(start, i);
        }
    }

    /**
     * The line without the whitespace {@link #isSpace} knows at either end. Not {@code String.trim()}, which
     * also drops control characters (a NUL after the last value read as nothing).
     */
    private static String strip(final String line)
    {
        int start = 0;
        int end = line.length();
        while (start < end && isSpace(line.charAt(start)))
        {
            start++;
        }
        while (end > start && isSpace(line.charAt(end - 1)))
        {
            end--;
        }
        return start == 0 && end == line.length() ? line : line.substring(start, end);
    }

    private static boolean isSpace(final char c)
    {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    /**
     * Encodes the fields of a command at the schema's version, as its IR lays them out: every field of
     * the message must be given except an optional one (which is then null) and a market order's price
     * (ignored, so zero). A code is given as its word.
     */
    private Result parseCommand(final TextSchema.Message message, final ParsedCommand into)
    {
        if (!only(message))
        {
            return Result.ERROR;
        }
        final UnsafeBuffer payload = into.mutablePayload();
        payload.setMemory(0, message.blockLength(), (byte)0);
        for (final TextSchema.Field field : message.fields())
        {
            final long value;
            if (!has(field.key()))
            {
                value = field.optional() ? field.nullValue() : 0;
            }
            else if (field.words() != null)
            {
                value = code(field);
            }
            else
            {
                value = number(field);
                if (field.optional() && value == field.nullValue())
                {
                    // A reviewer's finding: taken as "not given", the value vanished from the events without a word.
                    throw new FieldException(field.key() + " " + value + " is the value that means none is given: leave " +
                        field.key() + "= out for none, or give another");
                }
                if (value < 0 && (field.name().equals("orderId") || field.name().equals("account") ||
                    field.name().equals("symbol")))
                {
                    throw new FieldException(field.key() + " must not be negative, got " + value + ": ids count from 0");
                }
            }
            field.put(payload, 0, value);
        }
        into.type(message.type());
        into.version(TextSchema.COMMANDS.version());
        into.payloadLength(message.blockLength());
        return Result.COMMAND;
    }

    private int code(final TextSchema.Field field)
    {
        final String value = value(field.key());
        final Integer code = field.words().code(value);
        if (code == null)
        {
            throw new FieldException(field.key() + " must be " + field.words().choices() + ", got '" +
                Excerpt.of(value) + "'");
        }
        return code;
    }

    /**
     * Checks that every field is one the command (or the header) knows, and that all the command's
     * required fields are there (a place's price only when it is not a market order), naming every one
     * missing.
     */
    private boolean only(final TextSchema.Message message)
    {
        for (int i = 0; i < fieldCount; i++)
        {
            if (message.field(keys[i]) == null && !contains(HEADER, keys[i]))
            {
                final StringBuilder expected = new StringBuilder();
                for (final TextSchema.Field field : message.fields())
                {
                    expected.append(expected.length() == 0 ? "" : ", ").append(field.key());
                }
                fail("unknown field '" + Excerpt.of(keys[i]) + "' (expected " + expected + ")");
                return false;
            }
        }
        for (final TextSchema.Field field : message.fields())
        {
            // A word that is none of its choices first: whether price= is required rests on type=, and a type= in
            // other letters (MAR\u212AET, a Kelvin sign) was refused as "missing price=" (a reviewer's finding).
            if (field.words() != null && has(field.key()) && field.words().code(value(field.key())) == null)
            {
                fail(field.key() + " must be " + field.words().choices() + ", got '" + Excerpt.of(value(field.key())) + "'");
                return false;
            }
        }
        final boolean market = message.type() == CommandTypes.PLACE_ORDER && has("type") &&
            TextSchema.sameWord(value("type"), OrderType.MARKET.name());
        StringBuilder missing = null;
        for (final TextSchema.Field field : message.fields())
        {
            if (!has(field.key()) && !field.optional() && !(market && field.key().equals("price")))
            {
                missing = missing == null ? new StringBuilder("missing ") : missing.append(", ");
                missing.append(field.key()).append('=');
            }
        }
        if (missing != null)
        {
            fail(missing.toString());
            return false;
        }
        if (market && has("price") && !zero(value("price")))
        {
            // The engine ignores a market order's price: taken, a price limit the user meant would be lost.
            fail("a MARKET order takes no price, got price=" + Excerpt.of(value("price")) + ": leave it out, or give " +
                "type=IOC for an order that takes what it can at that price or better");
            return false;
        }
        return true;
    }

    /** Whether {@code value} is the number 0 as the file may write it: {@code 0}, {@code 00}, {@code -0}, {@code +0}. */
    private static boolean zero(final String value)
    {
        final int start = value.startsWith("-") || value.startsWith("+") ? 1 : 0;
        if (value.length() == start)
        {
            return false;
        }
        for (int i = start; i < value.length(); i++)
        {
            if (value.charAt(i) != '0')
            {
                return false;
            }
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
            // Digits that do not fit a long are a number out of range, not something other than digits.
            throw new FieldException(digits ? key + " is out of long range: " + Excerpt.of(value) :
                key + " must be an integer in ASCII digits, got '" + Excerpt.of(value) + "'");
        }
    }

    /** A number of the field's type: the range of a narrower type than a long is checked. */
    private long number(final TextSchema.Field field)
    {
        final long value = number(field.key());
        if (value < field.min() || value > field.max())
        {
            final String range = field.type().size() == Integer.BYTES ? "int" : field.type().primitiveName();
            throw new FieldException(field.key() + " is out of " + range + " range: " + value);
        }
        return value;
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
