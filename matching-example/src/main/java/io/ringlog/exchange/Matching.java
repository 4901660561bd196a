package io.ringlog.exchange;

import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.Arrays;

import static io.ringlog.exchange.Side.BUY_CODE;
import static io.ringlog.exchange.Side.SELL_CODE;

/**
 * The order books and the orders resting in them: placing an order (its checks, in the order the
 * README's table gives them), the match loop with self-trade prevention, resting, cancelling, reducing
 * and moving. Funds are asked to reserve, release and settle; every event goes through
 * {@link ExchangeEvents}. Books are kept in symbol order and their levels in price order, and the order
 * index is used only for lookups, so nothing here depends on hash-map iteration order.
 */
final class Matching
{
    private final Funds funds;
    private final ExchangeEvents events;
    private final Pools pools;
    private final Int2ObjectHashMap<OrderBook> books = new Int2ObjectHashMap<>();
    private OrderBook[] sortedBooks = new OrderBook[8];
    private int bookCount;
    private final Long2ObjectHashMap<Order> orders = new Long2ObjectHashMap<>(1 << 16, 0.65f);
    private long lastTradeId;
    private boolean stoppedByFunds;
    /** The last match met {@link #MAX_MAKERS} resting orders and stopped there. */
    private boolean stoppedByLimit;

    /** See {@link ExchangeStateMachine#MAX_MAKERS_PER_ORDER}. */
    static final int MAX_MAKERS = ExchangeStateMachine.MAX_MAKERS_PER_ORDER;

    Matching(final Funds funds, final ExchangeEvents events, final Pools pools)
    {
        this.funds = funds;
        this.events = events;
        this.pools = pools;
    }

    /** The book of a symbol, or null. */
    OrderBook book(final int symbol)
    {
        return books.get(symbol);
    }

    int bookCount()
    {
        return bookCount;
    }

    /** The i-th book in symbol order. */
    OrderBook sortedBook(final int i)
    {
        return sortedBooks[i];
    }

    /** The live order of an id, or null. */
    Order order(final long orderId)
    {
        return orders.get(orderId);
    }

    int liveOrders()
    {
        return orders.size();
    }

    /** Id of the last trade, which is also the number of trades so far. */
    long lastTradeId()
    {
        return lastTradeId;
    }

    /** Lists an instrument: an empty book, kept in symbol order. */
    void list(final Instrument instrument)
    {
        final OrderBook book = new OrderBook(instrument);
        books.put(instrument.symbol(), book);
        if (bookCount == sortedBooks.length)
        {
            sortedBooks = Arrays.copyOf(sortedBooks, bookCount * 2);
        }
        int index = bookCount;
        while (index > 0 && sortedBooks[index - 1].instrument.symbol() > instrument.symbol())
        {
            sortedBooks[index] = sortedBooks[index - 1];
            index--;
        }
        sortedBooks[index] = book;
        bookCount++;
    }

    void place(
        final long orderId,
        final long accountId,
        final int symbol,
        final int side,
        final int type,
        final long requestedPrice,
        final long quantity,
        final long clientOrderId)
    {
        events.about(symbol);
        final OrderBook book = books.get(symbol);
        if (book == null)
        {
            events.reject(RejectReason.UNKNOWN_SYMBOL, orderId, accountId);
            return;
        }
        final Account account = funds.account(accountId);
        if (account == null)
        {
            events.reject(RejectReason.UNKNOWN_ACCOUNT, orderId, accountId);
            return;
        }
        if (side != BUY_CODE && side != SELL_CODE)
        {
            events.reject(RejectReason.BAD_SIDE, orderId, accountId);
            return;
        }
        if (type < OrderType.GTC_CODE || type > OrderType.MARKET_CODE)
        {
            events.reject(RejectReason.BAD_ORDER_TYPE, orderId, accountId);
            return;
        }
        final Instrument instrument = book.instrument;
        if (quantity <= 0 || quantity > instrument.maxQuantity())
        {
            events.reject(RejectReason.BAD_QUANTITY, orderId, accountId);
            return;
        }
        final boolean market = type == OrderType.MARKET_CODE;
        final long price = market ? 0 : requestedPrice;
        if (!market)
        {
            if (price <= 0 || price % instrument.tickSize() != 0)
            {
                events.reject(RejectReason.BAD_PRICE, orderId, accountId);
                return;
            }
            if (quantity > Long.MAX_VALUE / price)
            {
                events.reject(RejectReason.BAD_QUANTITY, orderId, accountId);
                return;
            }
        }
        if (orders.containsKey(orderId))
        {
            events.reject(RejectReason.DUPLICATE_ORDER_ID, orderId, accountId);
            return;
        }
        if (side == BUY_CODE)
        {
            final long freeQuote = account.free[instrument.quoteAsset()];
            if (market)
            {
                final PriceLevel bestAsk = book.best(SELL_CODE);
                if (bestAsk != null && freeQuote < bestAsk.price)
                {
                    events.reject(RejectReason.INSUFFICIENT_FUNDS, orderId, accountId);
                    return;
                }
            }
            else if (freeQuote < price * quantity)
            {
                events.reject(RejectReason.INSUFFICIENT_FUNDS, orderId, accountId);
                return;
            }
        }
        else if (account.free[instrument.baseAsset()] < quantity * instrument.lotSize())
        {
            events.reject(RejectReason.INSUFFICIENT_FUNDS, orderId, accountId);
            return;
        }
        if (type == OrderType.FOK_CODE && fillable(book, account, side, price, quantity) < quantity)
        {
            events.reject(RejectReason.CANNOT_FILL, orderId, accountId);
            return;
        }

        events.accepted(orderId, accountId, symbol, side, type, price, quantity, clientOrderId);

        final Order order = pools.acquireOrder();
        order.orderId = orderId;
        order.account = account;
        order.side = side;
        order.price = price;
        order.remaining = quantity;
        order.book = book;
        funds.reserve(order, instrument);

        match(book, order, market);
        if (order.remaining > 0)
        {
            if (type == OrderType.GTC_CODE && !stoppedByLimit)
            {
                rest(book, order);
                return;
            }
            funds.release(order, instrument, order.remaining);
            events.cancelled(order, order.remaining, stoppedByLimit ? CancelReason.MATCH_LIMIT : stoppedByFunds ?
                CancelReason.INSUFFICIENT_FUNDS : CancelReason.UNFILLED);
        }
        pools.release(order);
    }

    /** Lots an incoming order could fill at once: other accounts' orders at acceptable prices. */
    private static long fillable(
        final OrderBook book, final Account account, final int side, final long limitPrice, final long wanted)
    {
        final int opposite = 1 - side;
        long total = 0;
        int met = 0;
        final int levels = book.levelCount(opposite);
        for (int i = 0; i < levels && total < wanted && met < MAX_MAKERS; i++)
        {
            final PriceLevel level = book.level(opposite, i);
            if (side == BUY_CODE ? level.price > limitPrice : level.price < limitPrice)
            {
                break;
            }
            // Every order met counts toward the limit, its own (cancelled on the way) too, as in match.
            for (Order order = level.head; order != null && total < wanted && met < MAX_MAKERS; order = order.next)
            {
                met++;
                if (order.account != account)
                {
                    // Capped at what is still wanted, so the sum cannot overflow however deep the book.
                    total += Math.min(order.remaining, wanted - total);
                }
            }
        }
        return total;
    }

    /**
     * Matches an incoming order against the other side, best price first and oldest first within a
     * price, at the resting order's price. A resting order of the same account is cancelled rather
     * than traded against. Leaves {@code stoppedByFunds} set when a market buy ran out of quote.
     */
    private void match(final OrderBook book, final Order taker, final boolean market)
    {
        stoppedByFunds = false;
        stoppedByLimit = false;
        int met = 0;
        final Instrument instrument = book.instrument;
        final int opposite = 1 - taker.side;
        final boolean buy = taker.side == BUY_CODE;
        final Account takerAccount = taker.account;
        while (taker.remaining > 0)
        {
            if (met == MAX_MAKERS)
            {
                stoppedByLimit = true;
                break;
            }
            final PriceLevel level = book.best(opposite);
            if (level == null)
            {
                break;
            }
            final long price = level.price;
            if (!market && (buy ? price > taker.price : price < taker.price))
            {
                break;
            }
            Order maker = level.head;
            boolean changed = false;
            while (maker != null && taker.remaining > 0)
            {
                if (met == MAX_MAKERS)
                {
                    stoppedByLimit = true;
                    break;
                }
                final Order next = maker.next;
                if (maker.account == takerAccount)
                {
                    final long quantity = maker.remaining;
                    level.remove(maker);
                    orders.remove(maker.orderId);
                    funds.release(maker, instrument, quantity);
                    events.cancelled(maker, quantity, CancelReason.SELF_TRADE);
                    pools.release(maker);
                    met++;
                    changed = true;
                }
                else
                {
                    long quantity = Math.min(taker.remaining, maker.remaining);
                    if (market && buy)
                    {
                        final long affordable = takerAccount.free[instrument.quoteAsset()] / price;
                        if (affordable < quantity)
                        {
                            // What is left of free quote after this fill buys no lot at this or any worse price.
                            stoppedByFunds = true;
                            if (affordable == 0)
                            {
                                break;
                            }
                            quantity = affordable;
                        }
                    }
                    trade(instrument, taker, maker, price, quantity);
                    met++;
                    changed = true;
                    if (maker.remaining == 0)
                    {
                        level.remove(maker);
                        orders.remove(maker.orderId);
                        pools.release(maker);
                    }
                    if (stoppedByFunds)
                    {
                        break;
                    }
                }
                maker = next;
            }
            if (changed)
            {
                // Not for a level the order never touched (a market buy stopped for funds at its first order: a
                // reviewer's finding).
                events.bookChanged(instrument.symbol(), level);
            }
            if (level.orderCount == 0)
            {
                book.remove(level);
                pools.release(level);
            }
            if (stoppedByFunds || stoppedByLimit)
            {
                break;
            }
        }
    }

    /** One fill at the maker's price: funds settle, both orders and the maker's level shrink, a trade is reported. */
    private void trade(
        final Instrument instrument, final Order taker, final Order maker, final long price, final long quantity)
    {
        funds.settle(instrument, taker, maker, price, quantity);
        maker.remaining -= quantity;
        maker.level.totalQuantity -= quantity;
        taker.remaining -= quantity;
        events.trade(++lastTradeId, instrument.symbol(), taker, maker, price, quantity);
    }

    private void rest(final OrderBook book, final Order order)
    {
        PriceLevel level = book.find(order.side, order.price);
        if (level == null)
        {
            level = pools.acquireLevel();
            level.init(order.side, order.price);
            book.insert(level);
        }
        level.append(order);
        orders.put(order.orderId, order);
        events.bookChanged(book.instrument.symbol(), level);
    }

    /** Takes a resting order out of its level and the id index, reporting the level's change. */
    private void unlink(final Order order)
    {
        final PriceLevel level = order.level;
        level.remove(order);
        orders.remove(order.orderId);
        events.bookChanged(order.book.instrument.symbol(), level);
        if (level.orderCount == 0)
        {
            order.book.remove(level);
            pools.release(level);
        }
    }

    /** The live order if the account may change it; otherwise rejects and returns null. */
    private Order ownedOrder(final long orderId, final long accountId)
    {
        final Order order = orders.get(orderId);
        if (order == null)
        {
            events.reject(RejectReason.UNKNOWN_ORDER, orderId, accountId);
            return null;
        }
        if (order.account.id != accountId)
        {
            events.reject(RejectReason.NOT_OWNER, orderId, accountId);
            return null;
        }
        // Named only once the order is the account's: a rejection does not tell which book another's order rests in.
        events.about(order.book.instrument.symbol());
        return order;
    }

    void cancel(final long orderId, final long accountId)
    {
        final Order order = ownedOrder(orderId, accountId);
        if (order == null)
        {
            return;
        }
        final long quantity = order.remaining;
        final OrderBook book = order.book;
        unlink(order);
        funds.release(order, book.instrument, quantity);
        events.cancelled(order, quantity, CancelReason.USER);
        pools.release(order);
    }

    void reduce(final long orderId, final long accountId, final long reduceBy)
    {
        final Order order = ownedOrder(orderId, accountId);
        if (order == null)
        {
            return;
        }
        if (reduceBy <= 0)
        {
            events.reject(RejectReason.BAD_QUANTITY, orderId, accountId);
            return;
        }
        final OrderBook book = order.book;
        final long quantity = Math.min(reduceBy, order.remaining);
        funds.release(order, book.instrument, quantity);
        if (quantity == order.remaining)
        {
            unlink(order);
            order.remaining = 0;
        }
        else
        {
            order.remaining -= quantity;
            order.level.totalQuantity -= quantity;
            events.bookChanged(book.instrument.symbol(), order.level);
        }
        events.reduced(order, quantity);
        if (order.remaining == 0)
        {
            pools.release(order);
        }
    }

    void move(final long orderId, final long accountId, final long newPrice)
    {
        final Order order = ownedOrder(orderId, accountId);
        if (order == null)
        {
            return;
        }
        final OrderBook book = order.book;
        final Instrument instrument = book.instrument;
        if (newPrice <= 0 || newPrice % instrument.tickSize() != 0)
        {
            events.reject(RejectReason.BAD_PRICE, orderId, accountId);
            return;
        }
        if (order.remaining > Long.MAX_VALUE / newPrice)
        {
            events.reject(RejectReason.BAD_QUANTITY, orderId, accountId);
            return;
        }
        final Account account = order.account;
        final int quote = instrument.quoteAsset();
        final long extra = order.side == BUY_CODE ? (newPrice - order.price) * order.remaining : 0;
        if (extra > account.free[quote])
        {
            events.reject(RejectReason.INSUFFICIENT_FUNDS, orderId, accountId);
            return;
        }
        final long oldPrice = order.price;
        unlink(order);
        if (extra != 0)
        {
            funds.reserve(account, quote, extra);
        }
        order.price = newPrice;
        events.moved(order, oldPrice);

        match(book, order, false);
        if (order.remaining > 0 && !stoppedByLimit)
        {
            rest(book, order);
            return;
        }
        if (order.remaining > 0)
        {
            funds.release(order, book.instrument, order.remaining);
            events.cancelled(order, order.remaining, CancelReason.MATCH_LIMIT);
        }
        pools.release(order);
    }

    /**
     * Snapshot loading: the trade count, then each book's orders in priority order (bids then asks,
     * best level first, oldest first), which rebuilds the same levels and queues.
     */
    void restoreLastTradeId(final long lastTradeId)
    {
        this.lastTradeId = lastTradeId;
    }

    void restore(final OrderBook book, final Order order)
    {
        final int side = order.side;
        PriceLevel level = book.levelCount(side) == 0 ? null : book.level(side, book.levelCount(side) - 1);
        if (level == null || level.price != order.price)
        {
            level = pools.acquireLevel();
            level.init(side, order.price);
            book.insert(level);
        }
        level.append(order);
        orders.put(order.orderId, order);
    }
}
