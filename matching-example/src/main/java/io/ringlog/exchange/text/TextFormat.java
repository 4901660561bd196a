package io.ringlog.exchange.text;

import io.ringlog.core.OutputEvent;
import io.ringlog.exchange.CancelReason;
import io.ringlog.exchange.OrderType;
import io.ringlog.exchange.RejectReason;
import io.ringlog.exchange.Side;
import io.ringlog.exchange.codec.CommandTypes;
import io.ringlog.exchange.codec.EventTypes;
import io.ringlog.exchange.codec.command.AddInstrumentCommandDecoder;
import io.ringlog.exchange.codec.command.CancelOrderCommandDecoder;
import io.ringlog.exchange.codec.command.DepositCommandDecoder;
import io.ringlog.exchange.codec.command.MoveOrderCommandDecoder;
import io.ringlog.exchange.codec.command.PlaceOrderCommandDecoder;
import io.ringlog.exchange.codec.command.ReduceOrderCommandDecoder;
import io.ringlog.exchange.codec.command.WithdrawCommandDecoder;
import io.ringlog.exchange.codec.event.BalanceChangedEventDecoder;
import io.ringlog.exchange.codec.event.BookChangedEventDecoder;
import io.ringlog.exchange.codec.event.InstrumentAddedEventDecoder;
import io.ringlog.exchange.codec.event.OrderAcceptedEventDecoder;
import io.ringlog.exchange.codec.event.OrderCancelledEventDecoder;
import io.ringlog.exchange.codec.event.OrderMovedEventDecoder;
import io.ringlog.exchange.codec.event.OrderReducedEventDecoder;
import io.ringlog.exchange.codec.event.RejectedEventDecoder;
import io.ringlog.exchange.codec.event.TradeEventDecoder;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * Writes commands and events as lines of the text format (see the package documentation). A
 * formatted command parses back to the same payload. Meant for files, tools and tests, not the hot
 * path: it appends to a {@link StringBuilder}. Not thread-safe; one per thread.
 */
public final class TextFormat
{
    private final AddInstrumentCommandDecoder addInstrument = new AddInstrumentCommandDecoder();
    private final DepositCommandDecoder deposit = new DepositCommandDecoder();
    private final WithdrawCommandDecoder withdraw = new WithdrawCommandDecoder();
    private final PlaceOrderCommandDecoder place = new PlaceOrderCommandDecoder();
    private final CancelOrderCommandDecoder cancel = new CancelOrderCommandDecoder();
    private final ReduceOrderCommandDecoder reduce = new ReduceOrderCommandDecoder();
    private final MoveOrderCommandDecoder move = new MoveOrderCommandDecoder();

    private final InstrumentAddedEventDecoder instrumentAdded = new InstrumentAddedEventDecoder();
    private final OrderAcceptedEventDecoder accepted = new OrderAcceptedEventDecoder();
    private final TradeEventDecoder trade = new TradeEventDecoder();
    private final OrderCancelledEventDecoder cancelled = new OrderCancelledEventDecoder();
    private final OrderReducedEventDecoder reduced = new OrderReducedEventDecoder();
    private final OrderMovedEventDecoder moved = new OrderMovedEventDecoder();
    private final BookChangedEventDecoder bookChanged = new BookChangedEventDecoder();
    private final BalanceChangedEventDecoder balanceChanged = new BalanceChangedEventDecoder();
    private final RejectedEventDecoder rejected = new RejectedEventDecoder();

    /** Appends one command line (no newline); an unknown type or short payload is written as a comment. */
    public StringBuilder command(final int type, final DirectBuffer payload, final int offset, final int length,
        final StringBuilder out)
    {
        switch (type)
        {
            case CommandTypes.ADD_INSTRUMENT:
                if (length < AddInstrumentCommandDecoder.BLOCK_LENGTH)
                {
                    break;
                }
                addInstrument.wrap(payload, offset, length, AddInstrumentCommandDecoder.SCHEMA_VERSION);
                return out.append("instrument sym=").append(addInstrument.symbol())
                    .append(" base=").append(addInstrument.baseAsset())
                    .append(" quote=").append(addInstrument.quoteAsset())
                    .append(" tick=").append(addInstrument.tickSize())
                    .append(" lot=").append(addInstrument.lotSize());
            case CommandTypes.DEPOSIT:
                if (length < DepositCommandDecoder.BLOCK_LENGTH)
                {
                    break;
                }
                deposit.wrap(payload, offset, length, DepositCommandDecoder.SCHEMA_VERSION);
                return out.append("deposit acct=").append(deposit.account()).append(" asset=").append(deposit.asset())
                    .append(" amount=").append(deposit.amount());
            case CommandTypes.WITHDRAW:
                if (length < WithdrawCommandDecoder.BLOCK_LENGTH)
                {
                    break;
                }
                withdraw.wrap(payload, offset, length, WithdrawCommandDecoder.SCHEMA_VERSION);
                return out.append("withdraw acct=").append(withdraw.account()).append(" asset=").append(withdraw.asset())
                    .append(" amount=").append(withdraw.amount());
            case CommandTypes.PLACE_ORDER:
                if (length < PlaceOrderCommandDecoder.BLOCK_LENGTH)
                {
                    break;
                }
                place.wrap(payload, offset, length, PlaceOrderCommandDecoder.SCHEMA_VERSION);
                out.append("place oid=").append(place.orderId()).append(" acct=").append(place.account())
                    .append(" sym=").append(place.symbol()).append(" side=").append(side(place.side()))
                    .append(" type=").append(orderType(place.orderType()));
                if (place.orderType() != OrderType.MARKET_CODE || place.price() != 0)
                {
                    out.append(" price=").append(place.price());
                }
                return out.append(" qty=").append(place.quantity());
            case CommandTypes.CANCEL_ORDER:
                if (length < CancelOrderCommandDecoder.BLOCK_LENGTH)
                {
                    break;
                }
                cancel.wrap(payload, offset, length, CancelOrderCommandDecoder.SCHEMA_VERSION);
                return out.append("cancel oid=").append(cancel.orderId()).append(" acct=").append(cancel.account());
            case CommandTypes.REDUCE_ORDER:
                if (length < ReduceOrderCommandDecoder.BLOCK_LENGTH)
                {
                    break;
                }
                reduce.wrap(payload, offset, length, ReduceOrderCommandDecoder.SCHEMA_VERSION);
                return out.append("reduce oid=").append(reduce.orderId()).append(" acct=").append(reduce.account())
                    .append(" by=").append(reduce.reduceBy());
            case CommandTypes.MOVE_ORDER:
                if (length < MoveOrderCommandDecoder.BLOCK_LENGTH)
                {
                    break;
                }
                move.wrap(payload, offset, length, MoveOrderCommandDecoder.SCHEMA_VERSION);
                return out.append("move oid=").append(move.orderId()).append(" acct=").append(move.account())
                    .append(" price=").append(move.newPrice());
            default:
                break;
        }
        return out.append("# command type ").append(type).append(", ").append(length).append(" bytes");
    }

    /** Appends one event line, starting with the causing command's position: {@code pos=N <event> ...}. */
    public StringBuilder event(final OutputEvent event, final StringBuilder out)
    {
        out.append("pos=").append(event.position()).append(' ');
        return event(event.type(), event.payload(), 0, event.payloadLength(), out);
    }

    /** Appends one event line (no newline, no position). */
    public StringBuilder event(final int type, final DirectBuffer payload, final int offset, final int length,
        final StringBuilder out)
    {
        switch (type)
        {
            case EventTypes.REJECTED:
                if (length >= RejectedEventDecoder.BLOCK_LENGTH)
                {
                    rejected.wrap(payload, offset, length, RejectedEventDecoder.SCHEMA_VERSION);
                    out.append("rejected reason=").append(RejectReason.describe(rejected.reason()));
                    final String command = CommandTypes.name(rejected.commandType());
                    out.append(" cmd=").append(command != null ? command : Integer.toString(rejected.commandType()));
                    return out.append(" oid=").append(rejected.orderId()).append(" acct=").append(rejected.account());
                }
                if (length >= 4)
                {
                    return out.append("rejected reason=")
                        .append(RejectReason.describe(payload.getInt(offset, ByteOrder.LITTLE_ENDIAN)));
                }
                break;
            case EventTypes.INSTRUMENT_ADDED:
                if (length < InstrumentAddedEventDecoder.BLOCK_LENGTH)
                {
                    break;
                }
                instrumentAdded.wrap(payload, offset, length, InstrumentAddedEventDecoder.SCHEMA_VERSION);
                return out.append("instrument sym=").append(instrumentAdded.symbol())
                    .append(" base=").append(instrumentAdded.baseAsset())
                    .append(" quote=").append(instrumentAdded.quoteAsset())
                    .append(" tick=").append(instrumentAdded.tickSize())
                    .append(" lot=").append(instrumentAdded.lotSize());
            case EventTypes.ORDER_ACCEPTED:
                if (length < OrderAcceptedEventDecoder.BLOCK_LENGTH)
                {
                    break;
                }
                accepted.wrap(payload, offset, length, OrderAcceptedEventDecoder.SCHEMA_VERSION);
                return out.append("accepted oid=").append(accepted.orderId()).append(" acct=").append(accepted.account())
                    .append(" sym=").append(accepted.symbol()).append(" side=").append(side(accepted.side()))
                    .append(" type=").append(orderType(accepted.orderType())).append(" price=").append(accepted.price())
                    .append(" qty=").append(accepted.quantity());
            case EventTypes.TRADE:
                if (length < TradeEventDecoder.BLOCK_LENGTH)
                {
                    break;
                }
                trade.wrap(payload, offset, length, TradeEventDecoder.SCHEMA_VERSION);
                return out.append("trade id=").append(trade.tradeId()).append(" sym=").append(trade.symbol())
                    .append(" price=").append(trade.price()).append(" qty=").append(trade.quantity())
                    .append(" maker=").append(trade.makerOrderId()).append(" taker=").append(trade.takerOrderId())
                    .append(" makerAcct=").append(trade.makerAccount()).append(" takerAcct=").append(trade.takerAccount())
                    .append(" takerSide=").append(side(trade.takerSide()))
                    .append(" makerLeft=").append(trade.makerRemaining()).append(" takerLeft=").append(trade.takerRemaining());
            case EventTypes.ORDER_CANCELLED:
                if (length < OrderCancelledEventDecoder.BLOCK_LENGTH)
                {
                    break;
                }
                cancelled.wrap(payload, offset, length, OrderCancelledEventDecoder.SCHEMA_VERSION);
                final CancelReason reason = CancelReason.of(cancelled.reason());
                return out.append("cancelled oid=").append(cancelled.orderId()).append(" acct=").append(cancelled.account())
                    .append(" sym=").append(cancelled.symbol()).append(" side=").append(side(cancelled.side()))
                    .append(" price=").append(cancelled.price()).append(" qty=").append(cancelled.quantity())
                    .append(" reason=").append(reason != null ? reason.name() : Integer.toString(cancelled.reason()));
            case EventTypes.ORDER_REDUCED:
                if (length < OrderReducedEventDecoder.BLOCK_LENGTH)
                {
                    break;
                }
                reduced.wrap(payload, offset, length, OrderReducedEventDecoder.SCHEMA_VERSION);
                return out.append("reduced oid=").append(reduced.orderId()).append(" acct=").append(reduced.account())
                    .append(" sym=").append(reduced.symbol()).append(" side=").append(side(reduced.side()))
                    .append(" price=").append(reduced.price()).append(" by=").append(reduced.reducedBy())
                    .append(" left=").append(reduced.remaining());
            case EventTypes.ORDER_MOVED:
                if (length < OrderMovedEventDecoder.BLOCK_LENGTH)
                {
                    break;
                }
                moved.wrap(payload, offset, length, OrderMovedEventDecoder.SCHEMA_VERSION);
                return out.append("moved oid=").append(moved.orderId()).append(" acct=").append(moved.account())
                    .append(" sym=").append(moved.symbol()).append(" side=").append(side(moved.side()))
                    .append(" from=").append(moved.oldPrice()).append(" to=").append(moved.newPrice())
                    .append(" left=").append(moved.remaining());
            case EventTypes.BOOK_CHANGED:
                if (length < BookChangedEventDecoder.BLOCK_LENGTH)
                {
                    break;
                }
                bookChanged.wrap(payload, offset, length, BookChangedEventDecoder.SCHEMA_VERSION);
                return out.append("book sym=").append(bookChanged.symbol()).append(" side=").append(side(bookChanged.side()))
                    .append(" price=").append(bookChanged.price()).append(" qty=").append(bookChanged.totalQuantity())
                    .append(" orders=").append(bookChanged.orderCount());
            case EventTypes.BALANCE_CHANGED:
                if (length < BalanceChangedEventDecoder.BLOCK_LENGTH)
                {
                    break;
                }
                balanceChanged.wrap(payload, offset, length, BalanceChangedEventDecoder.SCHEMA_VERSION);
                return out.append("balance acct=").append(balanceChanged.account())
                    .append(" asset=").append(balanceChanged.asset()).append(" free=").append(balanceChanged.free())
                    .append(" reserved=").append(balanceChanged.reserved());
            default:
                break;
        }
        return out.append("# event type ").append(type).append(", ").append(length).append(" bytes");
    }

    private static String side(final int code)
    {
        final Side side = Side.of(code);
        return side != null ? side.name() : Integer.toString(code);
    }

    private static String orderType(final int code)
    {
        final OrderType type = OrderType.of(code);
        return type != null ? type.name() : Integer.toString(code);
    }
}
