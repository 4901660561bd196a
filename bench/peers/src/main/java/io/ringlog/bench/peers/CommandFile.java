package io.ringlog.bench.peers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * An exchange command file held in memory as columns, one row per command, in file order. The format
 * is ringlog's (documented in {@code io.ringlog.exchange.text}): one command a line, a verb and
 * {@code key=value} fields in any order, {@code #} starts a comment. This reader cannot share ringlog's
 * parser (its classpath is exchange-core's), so it follows the same grammar and is stricter: a benchmark
 * must see every command of the file, so a malformed line stops the read with its line number instead of
 * being skipped. Files ending in {@code .gz} are read through gzip.
 *
 * <pre>
 *   row:      verb | side | type | symbol | orderId | account | price  | quantity
 *   place     PLACE  0/1   0..3    sym      oid       acct      price    qty
 *   cancel    CANCEL                        oid       acct
 *   reduce    REDUCE                        oid       acct               by
 *   move      MOVE                          oid       acct      price
 *   deposit   DEPOSIT             asset               acct      amount
 *   withdraw  WITHDRAW            asset               acct      amount
 *   instrument INSTRUMENT         sym      index into instruments()
 * </pre>
 * The header fields {@code src}, {@code seq} and {@code corr} are accepted and dropped: exchange-core has
 * no source deduplication to give them to.
 */
public final class CommandFile
{
    public static final byte INSTRUMENT = 1;
    public static final byte DEPOSIT = 2;
    public static final byte WITHDRAW = 3;
    public static final byte PLACE = 4;
    public static final byte CANCEL = 5;
    public static final byte REDUCE = 6;
    public static final byte MOVE = 7;

    /** Side codes, as ringlog's {@code Side}. */
    public static final byte BUY = 0;
    public static final byte SELL = 1;

    /** Order type codes, as ringlog's {@code OrderType}. */
    public static final byte GTC = 0;
    public static final byte IOC = 1;
    public static final byte FOK = 2;
    public static final byte MARKET = 3;

    /** An {@code instrument} line. */
    public record Instrument(int symbol, int baseAsset, int quoteAsset, long tickSize, long lotSize)
    {
    }

    private byte[] verb;
    private byte[] side;
    private byte[] orderType;
    private int[] symbol;
    private long[] orderId;
    private long[] account;
    private long[] price;
    private long[] quantity;
    private int size;
    private final List<Instrument> instruments = new ArrayList<>();

    private CommandFile(final int capacity)
    {
        verb = new byte[capacity];
        side = new byte[capacity];
        orderType = new byte[capacity];
        symbol = new int[capacity];
        orderId = new long[capacity];
        account = new long[capacity];
        price = new long[capacity];
        quantity = new long[capacity];
    }

    /** Reads a whole command file; throws {@link MalformedCommandException} at the first bad line. */
    public static CommandFile read(final Path file) throws IOException
    {
        try (InputStream raw = Files.newInputStream(file);
            InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16))
        {
            return read(reader);
        }
    }

    public static CommandFile read(final BufferedReader reader) throws IOException
    {
        final CommandFile file = new CommandFile(1 << 16);
        final LineParser parser = new LineParser(file);
        String line;
        int lineNumber = 0;
        while ((line = reader.readLine()) != null)
        {
            lineNumber++;
            parser.parse(line, lineNumber);
        }
        return file;
    }

    /** Commands in the file. */
    public int size()
    {
        return size;
    }

    public byte verb(final int row)
    {
        return verb[row];
    }

    public byte side(final int row)
    {
        return side[row];
    }

    public byte orderType(final int row)
    {
        return orderType[row];
    }

    /** {@code sym} of places and instruments, {@code asset} of deposits and withdrawals. */
    public int symbol(final int row)
    {
        return symbol[row];
    }

    public long orderId(final int row)
    {
        return orderId[row];
    }

    public long account(final int row)
    {
        return account[row];
    }

    /** {@code price} of places and moves (0 for a market order without one), {@code amount} of deposits and withdrawals. */
    public long price(final int row)
    {
        return price[row];
    }

    /** {@code qty} of places, {@code by} of reduces. */
    public long quantity(final int row)
    {
        return quantity[row];
    }

    /** The instrument of an {@link #INSTRUMENT} row. */
    public Instrument instrument(final int row)
    {
        return instruments.get((int)orderId[row]);
    }

    public static String verbName(final byte verb)
    {
        return switch (verb)
        {
            case INSTRUMENT -> "instrument";
            case DEPOSIT -> "deposit";
            case WITHDRAW -> "withdraw";
            case PLACE -> "place";
            case CANCEL -> "cancel";
            case REDUCE -> "reduce";
            case MOVE -> "move";
            default -> "verb " + verb;
        };
    }

    public static String orderTypeName(final byte type)
    {
        return switch (type)
        {
            case GTC -> "GTC";
            case IOC -> "IOC";
            case FOK -> "FOK";
            case MARKET -> "MARKET";
            default -> "type " + type;
        };
    }

    private int append(final byte v)
    {
        if (size == verb.length)
        {
            final int capacity = size * 2;
            verb = Arrays.copyOf(verb, capacity);
            side = Arrays.copyOf(side, capacity);
            orderType = Arrays.copyOf(orderType, capacity);
            symbol = Arrays.copyOf(symbol, capacity);
            orderId = Arrays.copyOf(orderId, capacity);
            account = Arrays.copyOf(account, capacity);
            price = Arrays.copyOf(price, capacity);
            quantity = Arrays.copyOf(quantity, capacity);
        }
        verb[size] = v;
        return size++;
    }

    /** A line that is not a command of the format. */
    public static final class MalformedCommandException extends IOException
    {
        private static final long serialVersionUID = 1L;

        MalformedCommandException(final int lineNumber, final String line, final String reason)
        {
            super("line " + lineNumber + ": " + reason + ": " + line);
        }
    }

    /**
     * Parses one line into a row without splitting it into strings: fields are located by index and
     * numbers read in place, so a file of millions of lines reads in about a second.
     */
    private static final class LineParser
    {
        private static final String[] KEYS = {
            "sym", "base", "quote", "tick", "lot", "acct", "asset", "amount", "oid", "side", "type", "price", "qty",
            "by", "src", "seq", "corr"};
        private static final int SYM = 0;
        private static final int BASE = 1;
        private static final int QUOTE = 2;
        private static final int TICK = 3;
        private static final int LOT = 4;
        private static final int ACCT = 5;
        private static final int ASSET = 6;
        private static final int AMOUNT = 7;
        private static final int OID = 8;
        private static final int SIDE = 9;
        private static final int TYPE = 10;
        private static final int PRICE = 11;
        private static final int QTY = 12;
        private static final int BY = 13;
        private static final int HEADER = bit(14) | bit(15) | bit(16);

        private static final int INSTRUMENT_FIELDS = bit(SYM) | bit(BASE) | bit(QUOTE) | bit(TICK) | bit(LOT);
        private static final int TRANSFER_FIELDS = bit(ACCT) | bit(ASSET) | bit(AMOUNT);
        private static final int PLACE_FIELDS = bit(OID) | bit(ACCT) | bit(SYM) | bit(SIDE) | bit(TYPE) | bit(PRICE) | bit(QTY);
        private static final int CANCEL_FIELDS = bit(OID) | bit(ACCT);
        private static final int REDUCE_FIELDS = bit(OID) | bit(ACCT) | bit(BY);
        private static final int MOVE_FIELDS = bit(OID) | bit(ACCT) | bit(PRICE);

        private final CommandFile file;
        private final long[] values = new long[KEYS.length];
        private String line;
        private int lineNumber;
        private int present;

        LineParser(final CommandFile file)
        {
            this.file = file;
        }

        private static int bit(final int key)
        {
            return 1 << key;
        }

        void parse(final String rawLine, final int number) throws MalformedCommandException
        {
            line = rawLine;
            lineNumber = number;
            final int hash = rawLine.indexOf('#');
            int end = hash >= 0 ? hash : rawLine.length();
            int pos = skipSpace(0, end);
            while (end > pos && Character.isWhitespace(rawLine.charAt(end - 1)))
            {
                end--;
            }
            if (pos == end)
            {
                return;
            }
            final int verbEnd = tokenEnd(pos, end);
            final byte verb = verb(pos, verbEnd);
            present = 0;
            pos = skipSpace(verbEnd, end);
            while (pos < end)
            {
                final int tokenEnd = tokenEnd(pos, end);
                field(pos, tokenEnd);
                pos = skipSpace(tokenEnd, end);
            }
            store(verb);
        }

        private byte verb(final int start, final int end) throws MalformedCommandException
        {
            final int length = end - start;
            for (byte v = INSTRUMENT; v <= MOVE; v++)
            {
                final String name = verbName(v);
                if (name.length() == length && line.startsWith(name, start))
                {
                    return v;
                }
            }
            throw fail("unknown command '" + line.substring(start, end) +
                "' (instrument, deposit, withdraw, place, cancel, reduce, move)");
        }

        private void field(final int start, final int end) throws MalformedCommandException
        {
            final int eq = line.indexOf('=', start);
            if (eq < 0 || eq >= end || eq == start || eq == end - 1)
            {
                throw fail("expected key=value, got '" + line.substring(start, end) + "'");
            }
            final int key = key(start, eq);
            if ((present & bit(key)) != 0)
            {
                throw fail("'" + KEYS[key] + "' given twice");
            }
            present |= bit(key);
            if (key == SIDE)
            {
                values[key] = word(eq + 1, end, "side must be BUY or SELL", "BUY", "SELL");
            }
            else if (key == TYPE)
            {
                values[key] = word(eq + 1, end, "type must be GTC, IOC, FOK or MARKET", "GTC", "IOC", "FOK", "MARKET");
            }
            else
            {
                values[key] = number(key, eq + 1, end);
            }
        }

        private int key(final int start, final int end) throws MalformedCommandException
        {
            final int length = end - start;
            for (int key = 0; key < KEYS.length; key++)
            {
                if (KEYS[key].length() == length && line.startsWith(KEYS[key], start))
                {
                    return key;
                }
            }
            throw fail("unknown field '" + line.substring(start, end) + "'");
        }

        private int word(final int start, final int end, final String message, final String... words)
            throws MalformedCommandException
        {
            for (int i = 0; i < words.length; i++)
            {
                if (words[i].length() == end - start && line.regionMatches(true, start, words[i], 0, end - start))
                {
                    return i;
                }
            }
            throw fail(message + ", got '" + line.substring(start, end) + "'");
        }

        private long number(final int key, final int start, final int end) throws MalformedCommandException
        {
            int i = start;
            final boolean negative = line.charAt(i) == '-';
            if (negative || line.charAt(i) == '+')
            {
                i++;
            }
            if (i == end)
            {
                throw notANumber(key, start, end);
            }
            long value = 0;
            for (; i < end; i++)
            {
                final char c = line.charAt(i);
                if (c < '0' || c > '9')
                {
                    throw notANumber(key, start, end);
                }
                // Accumulate negatively so Long.MIN_VALUE parses; overflow is caught either way.
                if (value < (Long.MIN_VALUE + (c - '0')) / 10)
                {
                    throw fail(KEYS[key] + " is out of long range: '" + line.substring(start, end) + "'");
                }
                value = value * 10 - (c - '0');
            }
            if (!negative && value == Long.MIN_VALUE)
            {
                throw fail(KEYS[key] + " is out of long range: '" + line.substring(start, end) + "'");
            }
            return negative ? value : -value;
        }

        private MalformedCommandException notANumber(final int key, final int start, final int end)
        {
            return fail(KEYS[key] + " must be an integer, got '" + line.substring(start, end) + "'");
        }

        private void store(final byte verb) throws MalformedCommandException
        {
            final boolean market = verb == PLACE && (present & bit(TYPE)) != 0 && values[TYPE] == MARKET;
            switch (verb)
            {
                case INSTRUMENT ->
                {
                    require(INSTRUMENT_FIELDS, 0);
                    final int row = file.append(verb);
                    file.symbol[row] = integer(SYM);
                    file.orderId[row] = file.instruments.size();
                    file.instruments.add(new Instrument(integer(SYM), integer(BASE), integer(QUOTE), values[TICK], values[LOT]));
                }
                case DEPOSIT, WITHDRAW ->
                {
                    require(TRANSFER_FIELDS, 0);
                    final int row = file.append(verb);
                    file.account[row] = values[ACCT];
                    file.symbol[row] = integer(ASSET);
                    file.price[row] = values[AMOUNT];
                }
                case PLACE ->
                {
                    require(PLACE_FIELDS, market ? bit(PRICE) : 0);
                    final int row = file.append(verb);
                    file.orderId[row] = values[OID];
                    file.account[row] = values[ACCT];
                    file.symbol[row] = integer(SYM);
                    file.side[row] = (byte)values[SIDE];
                    file.orderType[row] = (byte)values[TYPE];
                    file.price[row] = (present & bit(PRICE)) != 0 ? values[PRICE] : 0;
                    file.quantity[row] = values[QTY];
                }
                case CANCEL, REDUCE, MOVE ->
                {
                    require(verb == CANCEL ? CANCEL_FIELDS : verb == REDUCE ? REDUCE_FIELDS : MOVE_FIELDS, 0);
                    final int row = file.append(verb);
                    file.orderId[row] = values[OID];
                    file.account[row] = values[ACCT];
                    file.price[row] = verb == MOVE ? values[PRICE] : 0;
                    file.quantity[row] = verb == REDUCE ? values[BY] : 0;
                }
                default -> throw fail("unknown command");
            }
        }

        /** Every field of {@code fields} but the {@code optional} ones present, and nothing else but the header. */
        private void require(final int fields, final int optional) throws MalformedCommandException
        {
            final int unknown = present & ~(fields | HEADER);
            if (unknown != 0)
            {
                throw fail("unknown field '" + KEYS[Integer.numberOfTrailingZeros(unknown)] + "' for this command");
            }
            final int missing = fields & ~optional & ~present;
            if (missing != 0)
            {
                final StringBuilder names = new StringBuilder("missing");
                for (int key = 0; key < KEYS.length; key++)
                {
                    if ((missing & bit(key)) != 0)
                    {
                        names.append(' ').append(KEYS[key]).append('=');
                    }
                }
                throw fail(names.toString());
            }
        }

        private int integer(final int key) throws MalformedCommandException
        {
            final long value = values[key];
            if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE)
            {
                throw fail(KEYS[key] + " is out of int range: " + value);
            }
            return (int)value;
        }

        private int skipSpace(final int from, final int end)
        {
            int i = from;
            while (i < end && Character.isWhitespace(line.charAt(i)))
            {
                i++;
            }
            return i;
        }

        private int tokenEnd(final int from, final int end)
        {
            int i = from;
            while (i < end && !Character.isWhitespace(line.charAt(i)))
            {
                i++;
            }
            return i;
        }

        private MalformedCommandException fail(final String reason)
        {
            return new MalformedCommandException(lineNumber, line, reason);
        }
    }
}
