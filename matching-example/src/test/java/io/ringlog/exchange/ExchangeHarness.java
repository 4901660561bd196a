package io.ringlog.exchange;

import io.ringlog.core.Command;
import io.ringlog.exchange.codec.CommandEncoder;
import io.ringlog.exchange.codec.CommandTypes;
import io.ringlog.exchange.codec.command.ConfigureCommandEncoder;
import io.ringlog.exchange.text.CommandParser;
import io.ringlog.exchange.text.ParsedCommand;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Applies exchange commands to a state machine on the test thread, one position at a time, and returns
 * the events each command caused as text lines.
 */
final class ExchangeHarness
{
    final ExchangeStateMachine exchange;
    final RecordingOutput output = new RecordingOutput();
    private final CommandEncoder encoder = new CommandEncoder();
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[256]);
    private final Command command = new Command(256);
    private final CommandParser parser = new CommandParser();
    private final ParsedCommand parsed = new ParsedCommand();
    private long position;

    ExchangeHarness()
    {
        this(new ExchangeStateMachine(ExchangeStateMachine.DEFAULT_MAX_ASSETS, true));
    }

    ExchangeHarness(final ExchangeStateMachine exchange)
    {
        this.exchange = exchange;
    }

    List<RecordingOutput.Event> apply(final int type, final int length)
    {
        output.clear();
        command.set(++position, position * 1000, type, CommandEncoder.VERSION, 0, 0, position, payload, 0, length);
        exchange.apply(command, output);
        return new ArrayList<>(output.events());
    }

    List<String> lines(final int type, final int length)
    {
        final List<String> lines = new ArrayList<>();
        for (final RecordingOutput.Event event : apply(type, length))
        {
            lines.add(event.text());
        }
        return lines;
    }

    /** Parses one line of the text format and applies it; fails the test on a malformed line. */
    List<RecordingOutput.Event> applyLine(final String line)
    {
        if (parser.parse(line, 1, parsed) != CommandParser.Result.COMMAND)
        {
            throw new AssertionError("generated a line that does not parse: " + line + ": " + parser.error());
        }
        payload.putBytes(0, parsed.payload(), 0, parsed.payloadLength());
        return apply(parsed.type(), parsed.payloadLength());
    }

    List<String> instrument(final int symbol, final int base, final int quote, final long tick, final long lot)
    {
        return lines(CommandTypes.ADD_INSTRUMENT, encoder.addInstrument(payload, 0, symbol, base, quote, tick, lot));
    }

    List<String> deposit(final long account, final int asset, final long amount)
    {
        return lines(CommandTypes.DEPOSIT, encoder.deposit(payload, 0, account, asset, amount));
    }

    List<String> configure(final int settingsVersion, final int maxAssets)
    {
        new ConfigureCommandEncoder().wrap(payload, 0).settingsVersion(settingsVersion).maxAssets(maxAssets);
        return lines(CommandTypes.CONFIGURE, ConfigureCommandEncoder.BLOCK_LENGTH);
    }

    List<String> withdraw(final long account, final int asset, final long amount)
    {
        return lines(CommandTypes.WITHDRAW, encoder.withdraw(payload, 0, account, asset, amount));
    }

    List<String> place(final long orderId, final long account, final int symbol, final Side side, final OrderType type,
        final long price, final long quantity)
    {
        return lines(CommandTypes.PLACE_ORDER,
            encoder.place(payload, 0, orderId, account, symbol, side, type, price, quantity));
    }

    List<String> placeRaw(final long orderId, final long account, final int symbol, final int side, final int type,
        final long price, final long quantity)
    {
        return lines(CommandTypes.PLACE_ORDER,
            encoder.place(payload, 0, orderId, account, symbol, side, type, price, quantity));
    }

    List<String> cancel(final long orderId, final long account)
    {
        return lines(CommandTypes.CANCEL_ORDER, encoder.cancel(payload, 0, orderId, account));
    }

    List<String> reduce(final long orderId, final long account, final long by)
    {
        return lines(CommandTypes.REDUCE_ORDER, encoder.reduce(payload, 0, orderId, account, by));
    }

    List<String> move(final long orderId, final long account, final long price)
    {
        return lines(CommandTypes.MOVE_ORDER, encoder.move(payload, 0, orderId, account, price));
    }

    static List<String> text(final List<RecordingOutput.Event> events)
    {
        final List<String> lines = new ArrayList<>();
        for (final RecordingOutput.Event event : events)
        {
            lines.add(event.text());
        }
        return lines;
    }

    /** Lines of one kind ("trade", "book", ...) among {@code lines}. */
    static List<String> only(final String kind, final List<String> lines)
    {
        final List<String> kept = new ArrayList<>();
        for (final String line : lines)
        {
            if (line.startsWith(kind + " "))
            {
                kept.add(line);
            }
        }
        return kept;
    }

    /** One side of a book as "price:qty/orders" strings, best first. */
    List<String> levels(final int symbol, final Side side)
    {
        final List<String> levels = new ArrayList<>();
        exchange.forEachLevel(symbol, side, (price, qty, count) -> levels.add(price + ":" + qty + "/" + count));
        return levels;
    }

    /** One side of a book as "orderId:remaining" strings in priority order. */
    List<String> queue(final int symbol, final Side side)
    {
        final List<String> orders = new ArrayList<>();
        exchange.forEachOrder(symbol, side, (id, account, price, remaining) -> orders.add(id + ":" + remaining));
        return orders;
    }
}
