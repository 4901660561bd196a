package io.ringlog.exchange.text;

import io.ringlog.exchange.ExchangeStateMachine;
import io.ringlog.exchange.Side;
import io.ringlog.exchange.readmodel.DepthReadModel;

import java.util.ArrayList;
import java.util.List;

/**
 * Prints state for people and scripts: a book as a price ladder (asks above bids, best prices meeting
 * in the middle) and balances as the same {@code balance ...} lines the event format uses. Reads the
 * exchange directly, so call it on a stopped engine's state machine; a live process prints from a
 * {@link DepthReadModel} instead.
 */
public final class StateText
{
    private StateText()
    {
    }

    /**
     * Appends the top {@code levels} levels a side of a symbol's book, one line each:
     * {@code SELL price=10060 qty=12 orders=3}, asks worst to best, then bids best to worst.
     */
    public static StringBuilder book(
        final ExchangeStateMachine exchange, final int symbol, final int levels, final StringBuilder out)
    {
        final List<DepthReadModel.Level> bids = new ArrayList<>();
        final List<DepthReadModel.Level> asks = new ArrayList<>();
        exchange.forEachLevel(symbol, Side.BUY, (price, qty, count) -> bids.add(new DepthReadModel.Level(price, qty, count)));
        exchange.forEachLevel(symbol, Side.SELL, (price, qty, count) -> asks.add(new DepthReadModel.Level(price, qty, count)));
        return ladder(symbol, bids.subList(0, Math.min(levels, bids.size())).toArray(new DepthReadModel.Level[0]),
            asks.subList(0, Math.min(levels, asks.size())).toArray(new DepthReadModel.Level[0]), out);
    }

    /** Appends a read model's depth copy as a ladder, like {@link #book}. */
    public static StringBuilder depth(final DepthReadModel.Depth depth, final StringBuilder out)
    {
        return ladder(depth.symbol(), depth.bids(), depth.asks(), out);
    }

    private static StringBuilder ladder(
        final int symbol, final DepthReadModel.Level[] bids, final DepthReadModel.Level[] asks, final StringBuilder out)
    {
        out.append("book sym=").append(symbol).append(" bids=").append(bids.length).append(" asks=").append(asks.length)
            .append('\n');
        for (int i = asks.length - 1; i >= 0; i--)
        {
            level("SELL", asks[i], out);
        }
        for (final DepthReadModel.Level bid : bids)
        {
            level("BUY", bid, out);
        }
        return out;
    }

    private static void level(final String side, final DepthReadModel.Level level, final StringBuilder out)
    {
        out.append("  ").append(side).append(" price=").append(level.price()).append(" qty=").append(level.quantity())
            .append(" orders=").append(level.orders()).append('\n');
    }

    /** Appends one {@code balance acct= asset= free= reserved=} line per asset the account holds any of. */
    public static StringBuilder balances(final ExchangeStateMachine exchange, final long account, final StringBuilder out)
    {
        for (int asset = 0; asset < exchange.maxAssets(); asset++)
        {
            final long free = exchange.free(account, asset);
            final long reserved = exchange.reserved(account, asset);
            if (free != 0 || reserved != 0)
            {
                out.append("balance acct=").append(account).append(" asset=").append(asset).append(" free=").append(free)
                    .append(" reserved=").append(reserved).append('\n');
            }
        }
        return out;
    }
}
