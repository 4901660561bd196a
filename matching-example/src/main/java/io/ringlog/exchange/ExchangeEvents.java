package io.ringlog.exchange;

import io.ringlog.core.Output;
import io.ringlog.exchange.codec.EventTypes;
import io.ringlog.exchange.codec.event.BalanceChangedEventEncoder;
import io.ringlog.exchange.codec.event.BookChangedEventEncoder;
import io.ringlog.exchange.codec.event.InstrumentAddedEventEncoder;
import io.ringlog.exchange.codec.event.OrderAcceptedEventEncoder;
import io.ringlog.exchange.codec.event.OrderCancelledEventEncoder;
import io.ringlog.exchange.codec.event.OrderMovedEventEncoder;
import io.ringlog.exchange.codec.event.OrderReducedEventEncoder;
import io.ringlog.exchange.codec.event.RejectedEventEncoder;
import io.ringlog.exchange.codec.event.TradeEventEncoder;
import org.agrona.MutableDirectBuffer;

/**
 * How the exchange answers: each event it emits, written in place into the output ring with the events'
 * generated encoders, one method per kind. It holds the output and the type of the command being
 * applied, between {@link #begin} and {@link #end} of one {@code apply}.
 */
final class ExchangeEvents
{
    private final InstrumentAddedEventEncoder instrumentAdded = new InstrumentAddedEventEncoder();
    private final OrderAcceptedEventEncoder accepted = new OrderAcceptedEventEncoder();
    private final TradeEventEncoder trade = new TradeEventEncoder();
    private final OrderCancelledEventEncoder cancelled = new OrderCancelledEventEncoder();
    private final OrderReducedEventEncoder reduced = new OrderReducedEventEncoder();
    private final OrderMovedEventEncoder moved = new OrderMovedEventEncoder();
    private final BookChangedEventEncoder bookChanged = new BookChangedEventEncoder();
    private final BalanceChangedEventEncoder balanceChanged = new BalanceChangedEventEncoder();
    private final RejectedEventEncoder rejected = new RejectedEventEncoder();

    private Output output;
    private int commandType;
    /** The symbol the command being applied is about, once known; a rejection names it. */
    private int symbol;

    void begin(final Output output, final int commandType)
    {
        this.output = output;
        this.commandType = commandType;
        this.symbol = RejectedEventEncoder.symbolNullValue();
    }

    /** The instrument the command being applied is about: its rejection, if it gets one, names it. */
    void about(final int symbol)
    {
        this.symbol = symbol;
    }

    /** Lets go of the output, which belongs to the engine between commands. */
    void end()
    {
        this.output = null;
    }

    void reject(final RejectReason reason, final long orderId, final long accountId)
    {
        // The engine writes the reason at offset 0; the encoder writes the same value there with the rest.
        final MutableDirectBuffer buffer = output.claimRejection(reason.code());
        rejected.wrap(buffer, 0).reason(reason.code()).commandType(commandType).orderId(orderId).account(accountId)
            .symbol(symbol);
        output.commit(RejectedEventEncoder.BLOCK_LENGTH);
    }

    void instrumentAdded(final Instrument instrument)
    {
        instrumentAdded.wrap(claim(EventTypes.INSTRUMENT_ADDED, InstrumentAddedEventEncoder.BLOCK_LENGTH), 0)
            .symbol(instrument.symbol()).baseAsset(instrument.baseAsset()).quoteAsset(instrument.quoteAsset())
            .tickSize(instrument.tickSize()).lotSize(instrument.lotSize());
        output.commit(InstrumentAddedEventEncoder.BLOCK_LENGTH);
    }

    void accepted(
        final long orderId,
        final long accountId,
        final int symbol,
        final int side,
        final int type,
        final long price,
        final long quantity,
        final long clientOrderId)
    {
        accepted.wrap(claim(EventTypes.ORDER_ACCEPTED, OrderAcceptedEventEncoder.BLOCK_LENGTH), 0).orderId(orderId)
            .account(accountId).price(price).quantity(quantity).symbol(symbol).side((byte)side).orderType((byte)type)
            .clientOrderId(clientOrderId);
        output.commit(OrderAcceptedEventEncoder.BLOCK_LENGTH);
    }

    void trade(final long tradeId, final int symbol, final Order taker, final Order maker, final long price,
        final long quantity)
    {
        trade.wrap(claim(EventTypes.TRADE, TradeEventEncoder.BLOCK_LENGTH), 0).tradeId(tradeId)
            .makerOrderId(maker.orderId).takerOrderId(taker.orderId).makerAccount(maker.account.id)
            .takerAccount(taker.account.id).price(price).quantity(quantity).makerRemaining(maker.remaining)
            .takerRemaining(taker.remaining).symbol(symbol).takerSide((byte)taker.side);
        output.commit(TradeEventEncoder.BLOCK_LENGTH);
    }

    void cancelled(final Order order, final long quantity, final CancelReason reason)
    {
        cancelled.wrap(claim(EventTypes.ORDER_CANCELLED, OrderCancelledEventEncoder.BLOCK_LENGTH), 0)
            .orderId(order.orderId).account(order.account.id).price(order.price).quantity(quantity)
            .symbol(order.book.instrument.symbol()).side((byte)order.side).reason((byte)reason.code());
        output.commit(OrderCancelledEventEncoder.BLOCK_LENGTH);
    }

    void reduced(final Order order, final long reducedBy)
    {
        reduced.wrap(claim(EventTypes.ORDER_REDUCED, OrderReducedEventEncoder.BLOCK_LENGTH), 0).orderId(order.orderId)
            .account(order.account.id).price(order.price).reducedBy(reducedBy).remaining(order.remaining)
            .symbol(order.book.instrument.symbol()).side((byte)order.side);
        output.commit(OrderReducedEventEncoder.BLOCK_LENGTH);
    }

    void moved(final Order order, final long oldPrice)
    {
        moved.wrap(claim(EventTypes.ORDER_MOVED, OrderMovedEventEncoder.BLOCK_LENGTH), 0).orderId(order.orderId)
            .account(order.account.id).oldPrice(oldPrice).newPrice(order.price).remaining(order.remaining)
            .symbol(order.book.instrument.symbol()).side((byte)order.side);
        output.commit(OrderMovedEventEncoder.BLOCK_LENGTH);
    }

    void bookChanged(final int symbol, final PriceLevel level)
    {
        bookChanged.wrap(claim(EventTypes.BOOK_CHANGED, BookChangedEventEncoder.BLOCK_LENGTH), 0).price(level.price)
            .totalQuantity(level.totalQuantity).symbol(symbol).orderCount(level.orderCount).side((byte)level.side);
        output.commit(BookChangedEventEncoder.BLOCK_LENGTH);
    }

    void balance(final Account account, final int asset)
    {
        balanceChanged.wrap(claim(EventTypes.BALANCE_CHANGED, BalanceChangedEventEncoder.BLOCK_LENGTH), 0)
            .account(account.id).free(account.free[asset]).reserved(account.reserved[asset]).asset(asset);
        output.commit(BalanceChangedEventEncoder.BLOCK_LENGTH);
    }

    /** Claims an event with its block zeroed, so its padding never carries the bytes of an earlier event. */
    private MutableDirectBuffer claim(final int type, final int blockLength)
    {
        final MutableDirectBuffer buffer = output.claim(type);
        buffer.setMemory(0, blockLength, (byte)0);
        return buffer;
    }
}
