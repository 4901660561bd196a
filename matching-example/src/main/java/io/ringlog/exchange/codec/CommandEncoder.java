package io.ringlog.exchange.codec;

import io.ringlog.exchange.OrderType;
import io.ringlog.exchange.Side;
import org.agrona.MutableDirectBuffer;

/**
 * Writes command payloads: one method per command, each returning the payload length to publish
 * with the command's type. Holds its flyweights, so reuse one instance per producer thread and
 * nothing is allocated.
 */
public final class CommandEncoder
{
    private final AddInstrumentCommand addInstrument = new AddInstrumentCommand();
    private final DepositCommand deposit = new DepositCommand();
    private final WithdrawCommand withdraw = new WithdrawCommand();
    private final PlaceOrderCommand place = new PlaceOrderCommand();
    private final CancelOrderCommand cancel = new CancelOrderCommand();
    private final ReduceOrderCommand reduce = new ReduceOrderCommand();
    private final MoveOrderCommand move = new MoveOrderCommand();

    public int addInstrument(
        final MutableDirectBuffer buffer,
        final int offset,
        final int symbol,
        final int baseAsset,
        final int quoteAsset,
        final long tickSize,
        final long lotSize)
    {
        addInstrument.wrapForEncode(buffer, offset).symbol(symbol).baseAsset(baseAsset).quoteAsset(quoteAsset)
            .tickSize(tickSize).lotSize(lotSize);
        return AddInstrumentCommand.LENGTH;
    }

    public int deposit(
        final MutableDirectBuffer buffer, final int offset, final long account, final int asset, final long amount)
    {
        deposit.wrapForEncode(buffer, offset).account(account).asset(asset).amount(amount);
        return DepositCommand.LENGTH;
    }

    public int withdraw(
        final MutableDirectBuffer buffer, final int offset, final long account, final int asset, final long amount)
    {
        withdraw.wrapForEncode(buffer, offset).account(account).asset(asset).amount(amount);
        return WithdrawCommand.LENGTH;
    }

    /** A place command with raw side and type codes (lets tests and fuzzers send invalid ones). */
    public int place(
        final MutableDirectBuffer buffer,
        final int offset,
        final long orderId,
        final long account,
        final int symbol,
        final int side,
        final int orderType,
        final long price,
        final long quantity)
    {
        place.wrapForEncode(buffer, offset).orderId(orderId).account(account).symbol(symbol).side(side)
            .orderType(orderType).price(price).quantity(quantity);
        return PlaceOrderCommand.LENGTH;
    }

    public int place(
        final MutableDirectBuffer buffer,
        final int offset,
        final long orderId,
        final long account,
        final int symbol,
        final Side side,
        final OrderType orderType,
        final long price,
        final long quantity)
    {
        return place(buffer, offset, orderId, account, symbol, side.code(), orderType.code(), price, quantity);
    }

    public int cancel(final MutableDirectBuffer buffer, final int offset, final long orderId, final long account)
    {
        cancel.wrapForEncode(buffer, offset).orderId(orderId).account(account);
        return CancelOrderCommand.LENGTH;
    }

    public int reduce(
        final MutableDirectBuffer buffer, final int offset, final long orderId, final long account, final long reduceBy)
    {
        reduce.wrapForEncode(buffer, offset).orderId(orderId).account(account).reduceBy(reduceBy);
        return ReduceOrderCommand.LENGTH;
    }

    public int move(
        final MutableDirectBuffer buffer, final int offset, final long orderId, final long account, final long newPrice)
    {
        move.wrapForEncode(buffer, offset).orderId(orderId).account(account).newPrice(newPrice);
        return MoveOrderCommand.LENGTH;
    }
}
