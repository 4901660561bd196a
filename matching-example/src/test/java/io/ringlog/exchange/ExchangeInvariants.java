package io.ringlog.exchange;

import io.ringlog.exchange.codec.EventTypes;
import io.ringlog.exchange.codec.event.OrderAcceptedEventDecoder;
import io.ringlog.exchange.codec.event.OrderReducedEventDecoder;
import io.ringlog.exchange.codec.event.TradeEventDecoder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks what must hold after every command: books never crossed and consistent, no negative balance,
 * per asset free plus reserved equal to deposits minus withdrawals, reservations equal to what resting
 * orders hold, and (from the events) no order filled or reduced beyond its quantity.
 */
final class ExchangeInvariants
{
    private final Map<Long, long[]> orderBudget = new HashMap<>();
    private final OrderAcceptedEventDecoder accepted = new OrderAcceptedEventDecoder();
    private final TradeEventDecoder trade = new TradeEventDecoder();
    private final OrderReducedEventDecoder reduced = new OrderReducedEventDecoder();

    /** Follows one command's events: each order's lots accepted, filled and reduced. */
    void onEvents(final List<RecordingOutput.Event> events, final String context)
    {
        for (final RecordingOutput.Event event : events)
        {
            switch (event.type())
            {
                case EventTypes.ORDER_ACCEPTED ->
                {
                    accepted.wrap(event.payload(), 0, event.length(), OrderAcceptedEventDecoder.SCHEMA_VERSION);
                    orderBudget.put(accepted.orderId(), new long[]{accepted.quantity(), 0});
                }
                case EventTypes.TRADE ->
                {
                    trade.wrap(event.payload(), 0, event.length(), TradeEventDecoder.SCHEMA_VERSION);
                    check(trade.quantity() > 0, context, "trade of " + trade.quantity() + " lots");
                    spend(trade.makerOrderId(), trade.quantity(), trade.makerRemaining(), context);
                    spend(trade.takerOrderId(), trade.quantity(), trade.takerRemaining(), context);
                }
                case EventTypes.ORDER_REDUCED ->
                {
                    reduced.wrap(event.payload(), 0, event.length(), OrderReducedEventDecoder.SCHEMA_VERSION);
                    spend(reduced.orderId(), reduced.reducedBy(), reduced.remaining(), context);
                }
                default ->
                {
                }
            }
        }
    }

    private void spend(final long orderId, final long lots, final long remaining, final String context)
    {
        final long[] budget = orderBudget.get(orderId);
        check(budget != null, context, "order " + orderId + " traded without being accepted");
        budget[1] += lots;
        check(budget[1] <= budget[0], context, "order " + orderId + " used " + budget[1] + " of " + budget[0] + " lots");
        check(budget[0] - budget[1] == remaining, context, "order " + orderId + " reports " + remaining + " left, " +
            "accepted " + budget[0] + " used " + budget[1]);
    }

    static void checkState(final ExchangeStateMachine exchange, final String context)
    {
        final int assets = exchange.maxAssets();
        final Map<Long, long[]> expectedReserved = new HashMap<>();
        for (final int symbol : exchange.symbols())
        {
            final Instrument instrument = exchange.instrument(symbol);
            for (final Side side : Side.values())
            {
                final List<long[]> levels = new ArrayList<>();
                exchange.forEachLevel(symbol, side, (price, qty, count) -> levels.add(new long[]{price, qty, count}));
                final Map<Long, long[]> fromOrders = new HashMap<>();
                exchange.forEachOrder(symbol, side, (id, account, price, remaining) ->
                {
                    check(remaining > 0, context, "resting order " + id + " with " + remaining + " lots");
                    final long[] level = fromOrders.computeIfAbsent(price, (p) -> new long[2]);
                    level[0] += remaining;
                    level[1]++;
                    final long[] reserved = expectedReserved.computeIfAbsent(account, (a) -> new long[assets]);
                    if (side == Side.BUY)
                    {
                        reserved[instrument.quoteAsset()] += price * remaining;
                    }
                    else
                    {
                        reserved[instrument.baseAsset()] += remaining * instrument.lotSize();
                    }
                });
                check(fromOrders.size() == levels.size(), context, "levels do not match orders on " + side);
                for (int i = 0; i < levels.size(); i++)
                {
                    final long[] level = levels.get(i);
                    final long[] summed = fromOrders.get(level[0]);
                    check(summed != null && summed[0] == level[1] && summed[1] == level[2], context,
                        "level " + level[0] + " totals " + level[1] + "/" + level[2] + " but orders sum to " +
                        (summed == null ? "nothing" : summed[0] + "/" + summed[1]));
                    if (i > 0)
                    {
                        final long previous = levels.get(i - 1)[0];
                        check(side == Side.BUY ? previous > level[0] : previous < level[0], context,
                            side + " levels out of order: " + previous + " then " + level[0]);
                    }
                }
            }
            final long[] bestBid = {Long.MIN_VALUE};
            final long[] bestAsk = {Long.MAX_VALUE};
            exchange.forEachLevel(symbol, Side.BUY, (price, qty, count) -> bestBid[0] = Math.max(bestBid[0], price));
            exchange.forEachLevel(symbol, Side.SELL, (price, qty, count) -> bestAsk[0] = Math.min(bestAsk[0], price));
            check(bestBid[0] < bestAsk[0], context, "book " + symbol + " crossed: bid " + bestBid[0] + " ask " + bestAsk[0]);
        }
        final long[] held = new long[assets];
        for (final long account : exchange.accountIds())
        {
            final long[] expected = expectedReserved.getOrDefault(account, new long[assets]);
            for (int asset = 0; asset < assets; asset++)
            {
                final long free = exchange.free(account, asset);
                final long reserved = exchange.reserved(account, asset);
                check(free >= 0 && reserved >= 0, context,
                    "account " + account + " asset " + asset + " negative: free " + free + " reserved " + reserved);
                check(reserved == expected[asset], context, "account " + account + " asset " + asset + " reserves " +
                    reserved + " but its orders hold " + expected[asset]);
                held[asset] += free + reserved;
            }
        }
        for (int asset = 0; asset < assets; asset++)
        {
            check(held[asset] == exchange.supply(asset), context,
                "asset " + asset + ": accounts hold " + held[asset] + ", deposits minus withdrawals " + exchange.supply(asset));
        }
    }

    private static void check(final boolean condition, final String context, final String what)
    {
        if (!condition)
        {
            throw new AssertionError(what + " after " + context);
        }
    }
}
