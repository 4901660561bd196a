package io.ringlog.exchange;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A naive exchange written straight from the rules in the package documentation, to check the real
 * one against: every resting order of every book in one list, the best maker found by scanning it,
 * balances in plain maps. Slow and obviously right is the point. It answers each command with the
 * text lines of the decision events (accepted, rejected, trade, cancelled, reduced, moved); book and
 * balance events are compared through state instead.
 */
final class ReferenceExchange
{
    record Instrument(int symbol, int base, int quote, long tick, long lot)
    {
    }

    static final class Order
    {
        long id;
        long account;
        int symbol;
        int side;
        long price;
        long remaining;
        long seq;
    }

    private static final int BUY = 0;
    private static final int SELL = 1;
    private static final String[] SIDES = {"BUY", "SELL"};
    private static final String[] TYPES = {"GTC", "IOC", "FOK", "MARKET"};

    private final int maxAssets;
    private final Map<Integer, Instrument> instruments = new TreeMap<>();
    private final Map<Long, long[]> free = new TreeMap<>();
    private final Map<Long, long[]> reserved = new TreeMap<>();
    private final long[] supply;
    private final List<Order> resting = new ArrayList<>();
    private long seq;
    private long tradeId;
    private List<String> out;
    /** The symbol a rejection of the current command names: a place's or instrument's, or its own order's; null if none. */
    private Integer about;

    ReferenceExchange(final int maxAssets)
    {
        this.maxAssets = maxAssets;
        this.supply = new long[maxAssets];
    }

    /** Applies one command given as a parsed text line (verb and fields). */
    List<String> apply(final String verb, final Map<String, Long> f)
    {
        out = new ArrayList<>();
        about = verb.equals("instrument") || verb.equals("place") ? Integer.valueOf(f.get("sym").intValue()) : null;
        switch (verb)
        {
            case "instrument" -> instrument(f.get("sym").intValue(), f.get("base").intValue(), f.get("quote").intValue(),
                f.get("tick"), f.get("lot"));
            case "deposit" -> deposit(f.get("acct"), f.get("asset").intValue(), f.get("amount"));
            case "withdraw" -> withdraw(f.get("acct"), f.get("asset").intValue(), f.get("amount"));
            case "place" -> place(f.get("oid"), f.get("acct"), f.get("sym").intValue(), f.get("side").intValue(),
                f.get("type").intValue(), f.getOrDefault("price", 0L), f.get("qty"));
            case "cancel" -> cancel(f.get("oid"), f.get("acct"));
            case "reduce" -> reduce(f.get("oid"), f.get("acct"), f.get("by"));
            case "move" -> move(f.get("oid"), f.get("acct"), f.get("price"));
            default -> throw new IllegalArgumentException(verb);
        }
        return out;
    }

    private void reject(final String reason, final String cmd, final long oid, final long acct)
    {
        out.add("rejected reason=" + reason + " cmd=" + cmd + " oid=" + oid + " acct=" + acct +
            (about == null ? "" : " sym=" + about));
    }

    private void instrument(final int sym, final int base, final int quote, final long tick, final long lot)
    {
        if (instruments.containsKey(sym))
        {
            reject("DUPLICATE_SYMBOL", "instrument", 0, 0);
        }
        else if (base < 0 || base >= maxAssets || quote < 0 || quote >= maxAssets || base == quote || tick <= 0 || lot <= 0)
        {
            reject("BAD_INSTRUMENT", "instrument", 0, 0);
        }
        else
        {
            instruments.put(sym, new Instrument(sym, base, quote, tick, lot));
        }
    }

    private void deposit(final long acct, final int asset, final long amount)
    {
        if (asset < 0 || asset >= maxAssets)
        {
            reject("UNKNOWN_ASSET", "deposit", 0, acct);
        }
        else if (amount <= 0 || amount > Long.MAX_VALUE - supply[asset])
        {
            reject("BAD_AMOUNT", "deposit", 0, acct);
        }
        else
        {
            free.computeIfAbsent(acct, (k) -> new long[maxAssets])[asset] += amount;
            reserved.computeIfAbsent(acct, (k) -> new long[maxAssets]);
            supply[asset] += amount;
        }
    }

    private void withdraw(final long acct, final int asset, final long amount)
    {
        if (!free.containsKey(acct))
        {
            reject("UNKNOWN_ACCOUNT", "withdraw", 0, acct);
        }
        else if (asset < 0 || asset >= maxAssets)
        {
            reject("UNKNOWN_ASSET", "withdraw", 0, acct);
        }
        else if (amount <= 0)
        {
            reject("BAD_AMOUNT", "withdraw", 0, acct);
        }
        else if (free.get(acct)[asset] < amount)
        {
            reject("INSUFFICIENT_FUNDS", "withdraw", 0, acct);
        }
        else
        {
            free.get(acct)[asset] -= amount;
            supply[asset] -= amount;
        }
    }

    private Order live(final long oid)
    {
        for (final Order order : resting)
        {
            if (order.id == oid)
            {
                return order;
            }
        }
        return null;
    }

    private static boolean acceptable(final int takerSide, final long limit, final long makerPrice, final boolean market)
    {
        return market || (takerSide == BUY ? makerPrice <= limit : makerPrice >= limit);
    }

    /** Best opposite order: best price, then earliest. */
    private Order bestMaker(final int symbol, final int takerSide, final long limit, final boolean market)
    {
        Order best = null;
        for (final Order o : resting)
        {
            if (o.symbol != symbol || o.side == takerSide || !acceptable(takerSide, limit, o.price, market))
            {
                continue;
            }
            if (best == null ||
                (takerSide == BUY ? o.price < best.price : o.price > best.price) ||
                (o.price == best.price && o.seq < best.seq))
            {
                best = o;
            }
        }
        return best;
    }

    private void place(final long oid, final long acct, final int sym, final int side, final int type,
        final long requestedPrice, final long qty)
    {
        final Instrument inst = instruments.get(sym);
        if (inst == null)
        {
            reject("UNKNOWN_SYMBOL", "place", oid, acct);
            return;
        }
        if (!free.containsKey(acct))
        {
            reject("UNKNOWN_ACCOUNT", "place", oid, acct);
            return;
        }
        if (side != BUY && side != SELL)
        {
            reject("BAD_SIDE", "place", oid, acct);
            return;
        }
        if (type < 0 || type > 3)
        {
            reject("BAD_ORDER_TYPE", "place", oid, acct);
            return;
        }
        if (qty <= 0 || qty > Long.MAX_VALUE / inst.lot())
        {
            reject("BAD_QUANTITY", "place", oid, acct);
            return;
        }
        final boolean market = type == 3;
        final long price = market ? 0 : requestedPrice;
        if (!market && (price <= 0 || price % inst.tick() != 0))
        {
            reject("BAD_PRICE", "place", oid, acct);
            return;
        }
        if (!market && qty > Long.MAX_VALUE / price)
        {
            reject("BAD_QUANTITY", "place", oid, acct);
            return;
        }
        if (live(oid) != null)
        {
            reject("DUPLICATE_ORDER_ID", "place", oid, acct);
            return;
        }
        final long[] f = free.get(acct);
        if (side == BUY && market)
        {
            final Order bestAsk = bestMaker(sym, BUY, 0, true);
            if (bestAsk != null && f[inst.quote()] < bestAsk.price)
            {
                reject("INSUFFICIENT_FUNDS", "place", oid, acct);
                return;
            }
        }
        else if (side == BUY ? f[inst.quote()] < price * qty : f[inst.base()] < qty * inst.lot())
        {
            reject("INSUFFICIENT_FUNDS", "place", oid, acct);
            return;
        }
        if (type == 2)
        {
            long depth = 0;
            for (final Order o : resting)
            {
                if (o.symbol == sym && o.side != side && o.account != acct && acceptable(side, price, o.price, false))
                {
                    depth += o.remaining;
                }
            }
            if (depth < qty)
            {
                reject("CANNOT_FILL", "place", oid, acct);
                return;
            }
        }
        out.add("accepted oid=" + oid + " acct=" + acct + " sym=" + sym + " side=" + SIDES[side] + " type=" + TYPES[type] +
            " price=" + price + " qty=" + qty);
        final Order taker = new Order();
        taker.id = oid;
        taker.account = acct;
        taker.symbol = sym;
        taker.side = side;
        taker.price = price;
        taker.remaining = qty;
        hold(taker, inst, qty);
        final boolean stoppedByFunds = match(taker, inst, market);
        if (taker.remaining > 0)
        {
            if (type == 0)
            {
                taker.seq = ++seq;
                resting.add(taker);
            }
            else
            {
                unhold(taker, inst, taker.remaining);
                out.add(cancelled(taker, taker.remaining, stoppedByFunds ? "INSUFFICIENT_FUNDS" : "UNFILLED"));
            }
        }
    }

    /** Returns true if a market buy stopped for want of quote. */
    private boolean match(final Order taker, final Instrument inst, final boolean market)
    {
        while (taker.remaining > 0)
        {
            final Order maker = bestMaker(taker.symbol, taker.side, taker.price, market);
            if (maker == null)
            {
                return false;
            }
            if (maker.account == taker.account)
            {
                resting.remove(maker);
                unhold(maker, inst, maker.remaining);
                out.add(cancelled(maker, maker.remaining, "SELF_TRADE"));
                continue;
            }
            long q = Math.min(taker.remaining, maker.remaining);
            if (market && taker.side == BUY)
            {
                q = Math.min(q, free.get(taker.account)[inst.quote()] / maker.price);
                if (q == 0)
                {
                    return true;
                }
            }
            final Order buyer = taker.side == BUY ? taker : maker;
            final Order seller = taker.side == BUY ? maker : taker;
            final long value = maker.price * q;
            final long baseAmount = q * inst.lot();
            unhold(buyer, inst, q);
            free.get(buyer.account)[inst.quote()] -= value;
            free.get(buyer.account)[inst.base()] += baseAmount;
            unhold(seller, inst, q);
            free.get(seller.account)[inst.base()] -= baseAmount;
            free.get(seller.account)[inst.quote()] += value;
            maker.remaining -= q;
            taker.remaining -= q;
            out.add("trade id=" + (++tradeId) + " sym=" + inst.symbol() + " price=" + maker.price + " qty=" + q +
                " maker=" + maker.id + " taker=" + taker.id + " makerAcct=" + maker.account + " takerAcct=" + taker.account +
                " takerSide=" + SIDES[taker.side] + " makerLeft=" + maker.remaining + " takerLeft=" + taker.remaining);
            if (maker.remaining == 0)
            {
                resting.remove(maker);
            }
        }
        return false;
    }

    /** Moves what {@code qty} lots of an order need from free to reserved. */
    private void hold(final Order order, final Instrument inst, final long qty)
    {
        final int asset = order.side == BUY ? inst.quote() : inst.base();
        final long amount = order.side == BUY ? order.price * qty : qty * inst.lot();
        free.get(order.account)[asset] -= amount;
        reserved.get(order.account)[asset] += amount;
    }

    private void unhold(final Order order, final Instrument inst, final long qty)
    {
        final int asset = order.side == BUY ? inst.quote() : inst.base();
        final long amount = order.side == BUY ? order.price * qty : qty * inst.lot();
        free.get(order.account)[asset] += amount;
        reserved.get(order.account)[asset] -= amount;
    }

    private static String cancelled(final Order o, final long qty, final String reason)
    {
        return "cancelled oid=" + o.id + " acct=" + o.account + " sym=" + o.symbol + " side=" + SIDES[o.side] +
            " price=" + o.price + " qty=" + qty + " reason=" + reason;
    }

    private Order owned(final String cmd, final long oid, final long acct)
    {
        final Order order = live(oid);
        if (order == null)
        {
            reject("UNKNOWN_ORDER", cmd, oid, acct);
            return null;
        }
        if (order.account != acct)
        {
            reject("NOT_OWNER", cmd, oid, acct);
            return null;
        }
        about = order.symbol;
        return order;
    }

    private void cancel(final long oid, final long acct)
    {
        final Order order = owned("cancel", oid, acct);
        if (order != null)
        {
            resting.remove(order);
            unhold(order, instruments.get(order.symbol), order.remaining);
            out.add(cancelled(order, order.remaining, "USER"));
        }
    }

    private void reduce(final long oid, final long acct, final long by)
    {
        final Order order = owned("reduce", oid, acct);
        if (order == null)
        {
            return;
        }
        if (by <= 0)
        {
            reject("BAD_QUANTITY", "reduce", oid, acct);
            return;
        }
        final long q = Math.min(by, order.remaining);
        unhold(order, instruments.get(order.symbol), q);
        order.remaining -= q;
        if (order.remaining == 0)
        {
            resting.remove(order);
        }
        out.add("reduced oid=" + oid + " acct=" + acct + " sym=" + order.symbol + " side=" + SIDES[order.side] +
            " price=" + order.price + " by=" + q + " left=" + order.remaining);
    }

    private void move(final long oid, final long acct, final long newPrice)
    {
        final Order order = owned("move", oid, acct);
        if (order == null)
        {
            return;
        }
        final Instrument inst = instruments.get(order.symbol);
        if (newPrice <= 0 || newPrice % inst.tick() != 0)
        {
            reject("BAD_PRICE", "move", oid, acct);
            return;
        }
        if (order.remaining > Long.MAX_VALUE / newPrice)
        {
            reject("BAD_QUANTITY", "move", oid, acct);
            return;
        }
        if (order.side == BUY && (newPrice - order.price) * order.remaining > free.get(acct)[inst.quote()])
        {
            reject("INSUFFICIENT_FUNDS", "move", oid, acct);
            return;
        }
        resting.remove(order);
        unhold(order, inst, order.remaining);
        final long oldPrice = order.price;
        order.price = newPrice;
        hold(order, inst, order.remaining);
        out.add("moved oid=" + oid + " acct=" + acct + " sym=" + order.symbol + " side=" + SIDES[order.side] +
            " from=" + oldPrice + " to=" + newPrice + " left=" + order.remaining);
        match(order, inst, false);
        if (order.remaining > 0)
        {
            order.seq = ++seq;
            resting.add(order);
        }
    }

    /** One side of a book as "price:id:remaining" in priority order. */
    List<String> queue(final int symbol, final int side)
    {
        final List<Order> orders = new ArrayList<>();
        for (final Order o : resting)
        {
            if (o.symbol == symbol && o.side == side)
            {
                orders.add(o);
            }
        }
        orders.sort((a, b) -> a.price != b.price ?
            (side == BUY ? Long.compare(b.price, a.price) : Long.compare(a.price, b.price)) : Long.compare(a.seq, b.seq));
        final List<String> lines = new ArrayList<>();
        for (final Order o : orders)
        {
            lines.add(o.price + ":" + o.id + ":" + o.remaining);
        }
        return lines;
    }

    /** Every account's balances as "acct asset free reserved" lines, ascending. */
    List<String> balances()
    {
        final List<String> lines = new ArrayList<>();
        for (final Map.Entry<Long, long[]> e : free.entrySet())
        {
            for (int asset = 0; asset < maxAssets; asset++)
            {
                lines.add(e.getKey() + " " + asset + " " + e.getValue()[asset] + " " + reserved.get(e.getKey())[asset]);
            }
        }
        return lines;
    }

    static Map<String, Long> fields(final String[] tokens)
    {
        final Map<String, Long> fields = new HashMap<>();
        for (int i = 1; i < tokens.length; i++)
        {
            final String[] kv = tokens[i].split("=");
            final long value = switch (kv[1])
            {
                case "BUY", "GTC" -> 0L;
                case "SELL", "IOC" -> 1L;
                case "FOK" -> 2L;
                case "MARKET" -> 3L;
                default -> Long.parseLong(kv[1]);
            };
            fields.put(kv[0], value);
        }
        return fields;
    }
}
