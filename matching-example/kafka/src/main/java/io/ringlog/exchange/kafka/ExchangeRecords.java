package io.ringlog.exchange.kafka;

import io.ringlog.core.OutputEvent;
import io.ringlog.exchange.codec.CommandEncoder;
import io.ringlog.exchange.codec.CommandTypes;
import io.ringlog.exchange.codec.EventTypes;
import io.ringlog.exchange.codec.command.AddInstrumentCommandDecoder;
import io.ringlog.exchange.codec.command.CancelOrderCommandDecoder;
import io.ringlog.exchange.codec.command.ConfigureCommandEncoder;
import io.ringlog.exchange.codec.command.MoveOrderCommandDecoder;
import io.ringlog.exchange.codec.command.PlaceOrderCommandDecoder;
import io.ringlog.exchange.codec.command.ReduceOrderCommandDecoder;
import io.ringlog.exchange.codec.event.BalanceChangedEventDecoder;
import io.ringlog.exchange.codec.event.BookChangedEventDecoder;
import io.ringlog.exchange.codec.event.InstrumentAddedEventDecoder;
import io.ringlog.exchange.codec.event.OrderAcceptedEventDecoder;
import io.ringlog.exchange.codec.event.OrderCancelledEventDecoder;
import io.ringlog.exchange.codec.event.OrderMovedEventDecoder;
import io.ringlog.exchange.codec.event.OrderReducedEventDecoder;
import io.ringlog.exchange.codec.event.RejectedEventDecoder;
import io.ringlog.exchange.codec.event.TradeEventDecoder;
import io.ringlog.exchange.text.ParsedCommand;
import io.ringlog.kafka.EventKeys;
import io.ringlog.kafka.HeaderCommandDecoder;
import io.ringlog.kafka.NotForThisCodeException;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The one place the exchange's Kafka wiring reads the exchange's binary layouts: which commands exist
 * and how long they are at each schema version (the dead-letter check; a command of a newer version than this code's is
 * not dead-lettered: the exchange halts on it), which symbol or order a command is about (routing),
 * and which business key an event has (the events topic's key), through the SBE codecs generated from
 * the exchange's schemas. If the schemas change, this class changes and nothing else here does.
 * <p>
 * On the commands topic a record's value is the command's payload exactly as the engine journals it,
 * with {@code ringlog.type}, {@code ringlog.version} (1 if absent) and optionally {@code ringlog.correlation-id}
 * in headers: the default
 * {@link HeaderCommandDecoder} with {@link #PAYLOAD_CHECK}.
 * <p>
 * Not thread-safe (it holds flyweights): one instance per thread.
 */
public final class ExchangeRecords
{
    /** The exchange's largest command payload; the engine's maxPayloadLength. */
    public static final int MAX_PAYLOAD_LENGTH = ParsedCommand.MAX_PAYLOAD_LENGTH;
    /** Asset ids the exchange accepts: the exchange CLI's default (room for the presets). */
    public static final int MAX_ASSETS = 64;
    /** The type of the exchange's settings command, which an engine puts at position 1 of a new journal. */
    public static final int CONFIGURE = CommandTypes.CONFIGURE;
    /** The type of a place command. */
    public static final int PLACE_ORDER = CommandTypes.PLACE_ORDER;
    /** What {@link #symbol} and {@link #orderId} return for a command that has none. */
    public static final long NONE = -1;

    /** A record is a command of the exchange if its type is known and its payload has that type's length. */
    public static final HeaderCommandDecoder.PayloadCheck PAYLOAD_CHECK = ExchangeRecords::check;

    private final AddInstrumentCommandDecoder addInstrument = new AddInstrumentCommandDecoder();
    private final PlaceOrderCommandDecoder place = new PlaceOrderCommandDecoder();
    private final CancelOrderCommandDecoder cancel = new CancelOrderCommandDecoder();
    private final MoveOrderCommandDecoder move = new MoveOrderCommandDecoder();
    private final ReduceOrderCommandDecoder reduce = new ReduceOrderCommandDecoder();
    private final InstrumentAddedEventDecoder instrumentAdded = new InstrumentAddedEventDecoder();
    private final OrderAcceptedEventDecoder accepted = new OrderAcceptedEventDecoder();
    private final OrderCancelledEventDecoder cancelled = new OrderCancelledEventDecoder();
    private final OrderMovedEventDecoder moved = new OrderMovedEventDecoder();
    private final OrderReducedEventDecoder reduced = new OrderReducedEventDecoder();
    private final TradeEventDecoder trade = new TradeEventDecoder();
    private final BookChangedEventDecoder bookChanged = new BookChangedEventDecoder();
    private final BalanceChangedEventDecoder balanceChanged = new BalanceChangedEventDecoder();
    private final RejectedEventDecoder rejected = new RejectedEventDecoder();

    private static String check(final int type, final int version, final DirectBuffer payload, final int offset,
        final int length)
    {
        if (type == CommandTypes.CONFIGURE)
        {
            return "configure is the engine's own command (position 1 of its journal), not a client's";
        }
        if (version > CommandEncoder.VERSION && length > MAX_PAYLOAD_LENGTH)
        {
            // Nor can this engine journal it to halt on (a reviewer's 72-byte version 3 was dead-lettered, and lost).
            throw new NotForThisCodeException("a command of schema version " + version + " (type " + type + ", " + length +
                " bytes), newer than this code's (" + CommandEncoder.VERSION + ") and longer than the " +
                MAX_PAYLOAD_LENGTH + " bytes this engine journals: newer code sent it, and newer code is what can take it");
        }
        if (version > CommandEncoder.VERSION)
        {
            // Newer code's command (a field or a type this code lacks): not this engine's to refuse or to pass over. It
            // goes to the exchange, which halts on it (NewerCommandException) with it journaled in its place, so the
            // engine, upgraded, applies it in order. A reviewer's finding: dead-lettered, it was lost for good once an
            // older client's command behind it moved the engine's resume offset past it.
            return null;
        }
        if (CommandTypes.commandLength(type, CommandEncoder.VERSION) < 0)
        {
            return "unknown command type " + type;
        }
        if (version < 1)
        {
            return "unknown version " + version + " of " + CommandTypes.name(type) + " (this exchange reads versions 1.." +
                CommandEncoder.VERSION + ")";
        }
        final int expected = CommandTypes.commandLength(type, version);
        if (length != expected)
        {
            return CommandTypes.name(type) + " version " + version + " payload of " + length + " bytes, expected " +
                expected;
        }
        return null;
    }

    /**
     * Writes the exchange's settings ({@link #MAX_ASSETS} asset ids) as a configure payload and returns its
     * length: the first command of every journal, so the journal says which exchange it was written by.
     */
    public static int configure(final MutableDirectBuffer buffer)
    {
        new ConfigureCommandEncoder().wrap(buffer, 0).settingsVersion(CommandTypes.SETTINGS_VERSION)
            .maxAssets(MAX_ASSETS);
        return ConfigureCommandEncoder.BLOCK_LENGTH;
    }

    /** Whether a command is about accounts only (deposit, withdraw): no symbol, no order. */
    public static boolean isLedgerCommand(final int type)
    {
        return type == CommandTypes.DEPOSIT || type == CommandTypes.WITHDRAW;
    }

    /** Whether a command places an order (its {@link #orderId} becomes the order's). */
    public static boolean isPlace(final int type)
    {
        return type == CommandTypes.PLACE_ORDER;
    }

    /** The symbol an instrument or place command names, {@link #NONE} for others. Reads fields every version has. */
    public long symbol(final int type, final DirectBuffer payload)
    {
        switch (type)
        {
            case CommandTypes.ADD_INSTRUMENT:
                return addInstrument.wrap(payload, 0, AddInstrumentCommandDecoder.BLOCK_LENGTH, 1).symbol();
            case CommandTypes.PLACE_ORDER:
                return place.wrap(payload, 0, CommandTypes.commandLength(type, 1), 1).symbol();
            default:
                return NONE;
        }
    }

    /** The order a place, cancel, move or reduce command is about, {@link #NONE} for others. */
    public long orderId(final int type, final DirectBuffer payload)
    {
        switch (type)
        {
            case CommandTypes.PLACE_ORDER:
                return place.wrap(payload, 0, CommandTypes.commandLength(type, 1), 1).orderId();
            case CommandTypes.CANCEL_ORDER:
                return cancel.wrap(payload, 0, CancelOrderCommandDecoder.BLOCK_LENGTH, 1).orderId();
            case CommandTypes.MOVE_ORDER:
                return move.wrap(payload, 0, MoveOrderCommandDecoder.BLOCK_LENGTH, 1).orderId();
            case CommandTypes.REDUCE_ORDER:
                return reduce.wrap(payload, 0, ReduceOrderCommandDecoder.BLOCK_LENGTH, 1).orderId();
            default:
                return NONE;
        }
    }

    /**
     * The events topic's key of an event: the symbol for market events (instrument, order, trade, book),
     * so a symbol's events stay in order in one partition; the account for balance changes and
     * rejections, so an account's do. The engine's own rejections (a duplicate) carry no account: key 0.
     */
    public long key(final OutputEvent event)
    {
        final DirectBuffer payload = event.payload();
        final int length = event.payloadLength();
        switch (event.type())
        {
            case EventTypes.INSTRUMENT_ADDED:
                return instrumentAdded.wrap(payload, 0, length, InstrumentAddedEventDecoder.SCHEMA_VERSION).symbol();
            case EventTypes.ORDER_ACCEPTED:
                return accepted.wrap(payload, 0, length, OrderAcceptedEventDecoder.SCHEMA_VERSION).symbol();
            case EventTypes.ORDER_CANCELLED:
                return cancelled.wrap(payload, 0, length, OrderCancelledEventDecoder.SCHEMA_VERSION).symbol();
            case EventTypes.ORDER_MOVED:
                return moved.wrap(payload, 0, length, OrderMovedEventDecoder.SCHEMA_VERSION).symbol();
            case EventTypes.ORDER_REDUCED:
                return reduced.wrap(payload, 0, length, OrderReducedEventDecoder.SCHEMA_VERSION).symbol();
            case EventTypes.TRADE:
                return trade.wrap(payload, 0, length, TradeEventDecoder.SCHEMA_VERSION).symbol();
            case EventTypes.BOOK_CHANGED:
                return bookChanged.wrap(payload, 0, length, BookChangedEventDecoder.SCHEMA_VERSION).symbol();
            case EventTypes.BALANCE_CHANGED:
                return balanceChanged.wrap(payload, 0, length, BalanceChangedEventDecoder.SCHEMA_VERSION).account();
            case EventTypes.REJECTED:
                // Any version's rejection holds the account (the symbol came later): read what the payload has.
                return length >= RejectedEventDecoder.accountEncodingOffset() + RejectedEventDecoder.accountEncodingLength() ?
                    rejected.wrap(payload, 0, length, RejectedEventDecoder.SCHEMA_VERSION).account() : 0;
            default:
                return 0;
        }
    }

    /** {@link #key} as the sink takes it: give each sink its own instance. */
    public static EventKeys eventKeys()
    {
        return new ExchangeRecords()::key;
    }
}
