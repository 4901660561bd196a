package io.ringlog.exchange.kafka;

import io.ringlog.core.OutputEvent;
import io.ringlog.exchange.codec.AddInstrumentCommand;
import io.ringlog.exchange.codec.BalanceChangedEvent;
import io.ringlog.exchange.codec.BookChangedEvent;
import io.ringlog.exchange.codec.CancelOrderCommand;
import io.ringlog.exchange.codec.CommandTypes;
import io.ringlog.exchange.codec.ConfigureCommand;
import io.ringlog.exchange.codec.DepositCommand;
import io.ringlog.exchange.codec.EventTypes;
import io.ringlog.exchange.codec.InstrumentAddedEvent;
import io.ringlog.exchange.codec.MoveOrderCommand;
import io.ringlog.exchange.codec.OrderAcceptedEvent;
import io.ringlog.exchange.codec.OrderCancelledEvent;
import io.ringlog.exchange.codec.OrderMovedEvent;
import io.ringlog.exchange.codec.OrderReducedEvent;
import io.ringlog.exchange.codec.PlaceOrderCommand;
import io.ringlog.exchange.codec.ReduceOrderCommand;
import io.ringlog.exchange.codec.RejectedEvent;
import io.ringlog.exchange.codec.TradeEvent;
import io.ringlog.exchange.codec.WithdrawCommand;
import io.ringlog.exchange.text.ParsedCommand;
import io.ringlog.kafka.EventKeys;
import io.ringlog.kafka.HeaderCommandDecoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The one place the exchange's Kafka wiring reads the exchange's binary layouts: which commands exist
 * and how long they are (the dead-letter check), which symbol or order a command is about (routing),
 * and which business key an event has (the events topic's key). If the codecs change (say, to SBE),
 * this class changes and nothing else here does.
 * <p>
 * On the commands topic a record's value is the command's payload exactly as the engine journals it,
 * with {@code ringlog.type} (and optionally {@code ringlog.correlation-id}) in headers: the default
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

    private final AddInstrumentCommand addInstrument = new AddInstrumentCommand();
    private final PlaceOrderCommand place = new PlaceOrderCommand();
    private final CancelOrderCommand cancel = new CancelOrderCommand();
    private final MoveOrderCommand move = new MoveOrderCommand();
    private final ReduceOrderCommand reduce = new ReduceOrderCommand();
    private final InstrumentAddedEvent instrumentAdded = new InstrumentAddedEvent();
    private final OrderAcceptedEvent accepted = new OrderAcceptedEvent();
    private final OrderCancelledEvent cancelled = new OrderCancelledEvent();
    private final OrderMovedEvent moved = new OrderMovedEvent();
    private final OrderReducedEvent reduced = new OrderReducedEvent();
    private final TradeEvent trade = new TradeEvent();
    private final BookChangedEvent bookChanged = new BookChangedEvent();
    private final BalanceChangedEvent balanceChanged = new BalanceChangedEvent();
    private final RejectedEvent rejected = new RejectedEvent();

    private static String check(final int type, final int version, final DirectBuffer payload, final int offset,
        final int length)
    {
        if (type == CommandTypes.CONFIGURE)
        {
            return "configure is the engine's own command (position 1 of its journal), not a client's";
        }
        final int expected = commandLength(type);
        if (expected < 0)
        {
            return "unknown command type " + type;
        }
        if (version != 1)
        {
            return "unknown version " + version + " of " + CommandTypes.name(type) + " (this exchange reads version 1)";
        }
        if (length != expected)
        {
            return CommandTypes.name(type) + " payload of " + length + " bytes, expected " + expected;
        }
        return null;
    }

    /** The payload length of a command type, -1 for a type the exchange does not know. */
    static int commandLength(final int type)
    {
        switch (type)
        {
            case CommandTypes.ADD_INSTRUMENT: return AddInstrumentCommand.LENGTH;
            case CommandTypes.DEPOSIT: return DepositCommand.LENGTH;
            case CommandTypes.WITHDRAW: return WithdrawCommand.LENGTH;
            case CommandTypes.PLACE_ORDER: return PlaceOrderCommand.LENGTH;
            case CommandTypes.CANCEL_ORDER: return CancelOrderCommand.LENGTH;
            case CommandTypes.REDUCE_ORDER: return ReduceOrderCommand.LENGTH;
            case CommandTypes.MOVE_ORDER: return MoveOrderCommand.LENGTH;
            default: return -1;
        }
    }

    /**
     * Writes the exchange's settings ({@link #MAX_ASSETS} asset ids) as a configure payload and returns its
     * length: the first command of every journal, so the journal says which exchange it was written by.
     */
    public static int configure(final MutableDirectBuffer buffer)
    {
        new ConfigureCommand().wrapForEncode(buffer, 0).settingsVersion(ConfigureCommand.SETTINGS_VERSION)
            .maxAssets(MAX_ASSETS);
        return ConfigureCommand.LENGTH;
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

    /** The symbol an instrument or place command names, {@link #NONE} for others. */
    public long symbol(final int type, final DirectBuffer payload)
    {
        switch (type)
        {
            case CommandTypes.ADD_INSTRUMENT: return addInstrument.wrap(payload, 0).symbol();
            case CommandTypes.PLACE_ORDER: return place.wrap(payload, 0).symbol();
            default: return NONE;
        }
    }

    /** The order a place, cancel, move or reduce command is about, {@link #NONE} for others. */
    public long orderId(final int type, final DirectBuffer payload)
    {
        switch (type)
        {
            case CommandTypes.PLACE_ORDER: return place.wrap(payload, 0).orderId();
            case CommandTypes.CANCEL_ORDER: return cancel.wrap(payload, 0).orderId();
            case CommandTypes.MOVE_ORDER: return move.wrap(payload, 0).orderId();
            case CommandTypes.REDUCE_ORDER: return reduce.wrap(payload, 0).orderId();
            default: return NONE;
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
        switch (event.type())
        {
            case EventTypes.INSTRUMENT_ADDED: return instrumentAdded.wrap(payload, 0).symbol();
            case EventTypes.ORDER_ACCEPTED: return accepted.wrap(payload, 0).symbol();
            case EventTypes.ORDER_CANCELLED: return cancelled.wrap(payload, 0).symbol();
            case EventTypes.ORDER_MOVED: return moved.wrap(payload, 0).symbol();
            case EventTypes.ORDER_REDUCED: return reduced.wrap(payload, 0).symbol();
            case EventTypes.TRADE: return trade.wrap(payload, 0).symbol();
            case EventTypes.BOOK_CHANGED: return bookChanged.wrap(payload, 0).symbol();
            case EventTypes.BALANCE_CHANGED: return balanceChanged.wrap(payload, 0).account();
            case EventTypes.REJECTED:
                return event.payloadLength() >= RejectedEvent.LENGTH ? rejected.wrap(payload, 0).account() : 0;
            default: return 0;
        }
    }

    /** {@link #key} as the sink takes it: give each sink its own instance. */
    public static EventKeys eventKeys()
    {
        return new ExchangeRecords()::key;
    }
}
