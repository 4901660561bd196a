package io.ringlog.exchange.codec;

import io.ringlog.exchange.OrderType;
import io.ringlog.exchange.Side;
import io.ringlog.exchange.codec.command.AddInstrumentCommandEncoder;
import io.ringlog.exchange.codec.command.CancelOrderCommandEncoder;
import io.ringlog.exchange.codec.command.DepositCommandEncoder;
import io.ringlog.exchange.codec.command.MoveOrderCommandEncoder;
import io.ringlog.exchange.codec.command.PlaceOrderCommandEncoder;
import io.ringlog.exchange.codec.command.ReduceOrderCommandEncoder;
import io.ringlog.exchange.codec.command.WithdrawCommandEncoder;
import org.agrona.MutableDirectBuffer;

/**
 * Writes command payloads with the schema's generated encoders: one method per command, each returning
 * the payload length to publish with the command's type and {@link #VERSION}. Zeroes the block first, so
 * padding is always zero and equal commands are equal bytes. Holds its encoders, so reuse one instance
 * per producer thread and nothing is allocated.
 */
public final class CommandEncoder
{
    /** The schema version these payloads are written in: publish commands with it. */
    public static final int VERSION = PlaceOrderCommandEncoder.SCHEMA_VERSION;
    /** A place command's client order id when the client gives none: the field's null value. */
    public static final long NO_CLIENT_ORDER_ID = PlaceOrderCommandEncoder.clientOrderIdNullValue();

    private final AddInstrumentCommandEncoder addInstrument = new AddInstrumentCommandEncoder();
    private final DepositCommandEncoder deposit = new DepositCommandEncoder();
    private final WithdrawCommandEncoder withdraw = new WithdrawCommandEncoder();
    private final PlaceOrderCommandEncoder place = new PlaceOrderCommandEncoder();
    private final CancelOrderCommandEncoder cancel = new CancelOrderCommandEncoder();
    private final ReduceOrderCommandEncoder reduce = new ReduceOrderCommandEncoder();
    private final MoveOrderCommandEncoder move = new MoveOrderCommandEncoder();

    public int addInstrument(
        final MutableDirectBuffer buffer,
        final int offset,
        final int symbol,
        final int baseAsset,
        final int quoteAsset,
        final long tickSize,
        final long lotSize)
    {
        addInstrument.wrap(zeroed(buffer, offset, AddInstrumentCommandEncoder.BLOCK_LENGTH), offset).symbol(symbol)
            .baseAsset(baseAsset).quoteAsset(quoteAsset).tickSize(tickSize).lotSize(lotSize);
        return AddInstrumentCommandEncoder.BLOCK_LENGTH;
    }

    public int deposit(
        final MutableDirectBuffer buffer, final int offset, final long account, final int asset, final long amount)
    {
        deposit.wrap(zeroed(buffer, offset, DepositCommandEncoder.BLOCK_LENGTH), offset).account(account).asset(asset)
            .amount(amount);
        return DepositCommandEncoder.BLOCK_LENGTH;
    }

    public int withdraw(
        final MutableDirectBuffer buffer, final int offset, final long account, final int asset, final long amount)
    {
        withdraw.wrap(zeroed(buffer, offset, WithdrawCommandEncoder.BLOCK_LENGTH), offset).account(account).asset(asset)
            .amount(amount);
        return WithdrawCommandEncoder.BLOCK_LENGTH;
    }

    /**
     * A place command with raw side and type codes (lets tests and fuzzers send invalid ones), and a
     * client order id ({@link #NO_CLIENT_ORDER_ID} for none).
     */
    public int place(
        final MutableDirectBuffer buffer,
        final int offset,
        final long orderId,
        final long account,
        final int symbol,
        final int side,
        final int orderType,
        final long price,
        final long quantity,
        final long clientOrderId)
    {
        place.wrap(zeroed(buffer, offset, PlaceOrderCommandEncoder.BLOCK_LENGTH), offset).orderId(orderId)
            .account(account).symbol(symbol).side((byte)side).orderType((byte)orderType).price(price).quantity(quantity)
            .clientOrderId(clientOrderId);
        return PlaceOrderCommandEncoder.BLOCK_LENGTH;
    }

    /** A place command with raw side and type codes, and no client order id. */
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
        return place(buffer, offset, orderId, account, symbol, side, orderType, price, quantity, NO_CLIENT_ORDER_ID);
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
        cancel.wrap(zeroed(buffer, offset, CancelOrderCommandEncoder.BLOCK_LENGTH), offset).orderId(orderId).account(account);
        return CancelOrderCommandEncoder.BLOCK_LENGTH;
    }

    public int reduce(
        final MutableDirectBuffer buffer, final int offset, final long orderId, final long account, final long reduceBy)
    {
        reduce.wrap(zeroed(buffer, offset, ReduceOrderCommandEncoder.BLOCK_LENGTH), offset).orderId(orderId)
            .account(account).reduceBy(reduceBy);
        return ReduceOrderCommandEncoder.BLOCK_LENGTH;
    }

    public int move(
        final MutableDirectBuffer buffer, final int offset, final long orderId, final long account, final long newPrice)
    {
        move.wrap(zeroed(buffer, offset, MoveOrderCommandEncoder.BLOCK_LENGTH), offset).orderId(orderId)
            .account(account).newPrice(newPrice);
        return MoveOrderCommandEncoder.BLOCK_LENGTH;
    }

    private static MutableDirectBuffer zeroed(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        buffer.setMemory(offset, length, (byte)0);
        return buffer;
    }
}
