package io.ringlog.exchange;

import io.ringlog.core.Hashing;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;

import java.nio.ByteOrder;
import java.util.Arrays;

import static io.ringlog.exchange.Side.BUY_CODE;
import static io.ringlog.exchange.Side.SELL_CODE;

/**
 * The exchange's state as bytes and as a hash: a snapshot's layout, writing and loading it, and the
 * state hash. Both walk instruments by symbol, accounts by id (the hash sums them, which is the same
 * thing), levels by price and queues in order, so they depend only on the logical state.
 * <p>
 * Layout, little-endian: magic "EXS1", version, maxAssets, then the last trade id, the position of
 * the last command applied (kept for read models, not part of the hash), the supply of
 * each asset, the instruments by symbol, the accounts by id (free and reserved of every asset), and
 * for each book by symbol its resting orders, bids then asks, best level first, oldest first:
 * <pre>
 * header:      magic (4) | version (4) | maxAssets (4) | lastTradeId (8) | lastPosition (8) | supply (8 x maxAssets)
 * instruments: count (4) | { symbol (4) | base (4) | quote (4) | tick (8) | lot (8) } x count
 * accounts:    count (4) | { id (8) | { free (8) | reserved (8) } x maxAssets } x count
 * books:       { orderCount (4) | { orderId (8) | account (8) | price (8) | remaining (8) | side (4) } x orderCount }
 *              x instruments
 * </pre>
 * Loading appends the orders in that order, which rebuilds the same levels and queues.
 */
final class ExchangeSnapshot
{
    /** "EXS1" as a little-endian int: marks the start of an exchange snapshot. */
    static final int MAGIC = 0x31535845;
    static final int VERSION = 1;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final Funds funds;
    private final Matching matching;
    private final Pools pools;

    ExchangeSnapshot(final Funds funds, final Matching matching, final Pools pools)
    {
        this.funds = funds;
        this.matching = matching;
        this.pools = pools;
    }

    int write(final MutableDirectBuffer buffer, final int offset, final long lastPosition)
    {
        final int maxAssets = funds.maxAssets();
        int at = offset;
        buffer.putInt(at, MAGIC, LE);
        buffer.putInt(at + 4, VERSION, LE);
        buffer.putInt(at + 8, maxAssets, LE);
        buffer.putLong(at + 12, matching.lastTradeId(), LE);
        buffer.putLong(at + 20, lastPosition, LE);
        at += 28;
        for (int asset = 0; asset < maxAssets; asset++)
        {
            buffer.putLong(at, funds.supply(asset), LE);
            at += 8;
        }
        final int bookCount = matching.bookCount();
        buffer.putInt(at, bookCount, LE);
        at += 4;
        for (int i = 0; i < bookCount; i++)
        {
            final Instrument instrument = matching.sortedBook(i).instrument;
            buffer.putInt(at, instrument.symbol(), LE);
            buffer.putInt(at + 4, instrument.baseAsset(), LE);
            buffer.putInt(at + 8, instrument.quoteAsset(), LE);
            buffer.putLong(at + 12, instrument.tickSize(), LE);
            buffer.putLong(at + 20, instrument.lotSize(), LE);
            at += 28;
        }
        final long[] ids = accountIds(funds.accounts());
        buffer.putInt(at, ids.length, LE);
        at += 4;
        for (final long id : ids)
        {
            final Account account = funds.account(id);
            buffer.putLong(at, id, LE);
            at += 8;
            for (int asset = 0; asset < maxAssets; asset++)
            {
                buffer.putLong(at, account.free[asset], LE);
                buffer.putLong(at + 8, account.reserved[asset], LE);
                at += 16;
            }
        }
        for (int i = 0; i < bookCount; i++)
        {
            final OrderBook book = matching.sortedBook(i);
            final int countAt = at;
            at += 4;
            int count = 0;
            for (int side = BUY_CODE; side <= SELL_CODE; side++)
            {
                for (int l = 0; l < book.levelCount(side); l++)
                {
                    for (Order order = book.level(side, l).head; order != null; order = order.next)
                    {
                        buffer.putLong(at, order.orderId, LE);
                        buffer.putLong(at + 8, order.account.id, LE);
                        buffer.putLong(at + 16, order.price, LE);
                        buffer.putLong(at + 24, order.remaining, LE);
                        buffer.putInt(at + 32, order.side, LE);
                        at += 36;
                        count++;
                    }
                }
            }
            buffer.putInt(countAt, count, LE);
        }
        return at - offset;
    }

    /**
     * Loads a snapshot into a fresh exchange, taking its settings from it when the exchange has none
     * yet (a snapshot taken after the journal's settings carries them), and returns the position of the
     * last command it had applied.
     */
    long load(final DirectBuffer buffer, final int offset, final int length)
    {
        int at = offset;
        if (length < 28 || buffer.getInt(at, LE) != MAGIC)
        {
            throw new IllegalArgumentException("not an exchange snapshot");
        }
        final int version = buffer.getInt(at + 4, LE);
        if (version != VERSION)
        {
            throw new IllegalArgumentException("exchange snapshot version " + version + ", this code reads " + VERSION);
        }
        final int snapshotAssets = buffer.getInt(at + 8, LE);
        if (!funds.configured() && snapshotAssets >= 2 && snapshotAssets <= ExchangeStateMachine.MAX_ASSETS)
        {
            // Taken after the journal's CONFIGURE: the settings come with the state.
            funds.configure(snapshotAssets);
        }
        final int maxAssets = funds.maxAssets();
        if (snapshotAssets != maxAssets)
        {
            throw new IllegalArgumentException("snapshot has " + snapshotAssets + " assets, this exchange " + maxAssets);
        }
        if (matching.bookCount() != 0 || !funds.accounts().isEmpty())
        {
            throw new IllegalStateException("loadSnapshot needs a fresh exchange");
        }
        matching.restoreLastTradeId(buffer.getLong(at + 12, LE));
        final long lastPosition = buffer.getLong(at + 20, LE);
        at += 28;
        for (int asset = 0; asset < maxAssets; asset++)
        {
            funds.restoreSupply(asset, buffer.getLong(at, LE));
            at += 8;
        }
        final int instruments = buffer.getInt(at, LE);
        at += 4;
        for (int i = 0; i < instruments; i++)
        {
            matching.list(new Instrument(buffer.getInt(at, LE), buffer.getInt(at + 4, LE), buffer.getInt(at + 8, LE),
                buffer.getLong(at + 12, LE), buffer.getLong(at + 20, LE)));
            at += 28;
        }
        final int accountCount = buffer.getInt(at, LE);
        at += 4;
        for (int i = 0; i < accountCount; i++)
        {
            final Account account = new Account(buffer.getLong(at, LE), maxAssets);
            at += 8;
            for (int asset = 0; asset < maxAssets; asset++)
            {
                account.free[asset] = buffer.getLong(at, LE);
                account.reserved[asset] = buffer.getLong(at + 8, LE);
                at += 16;
            }
            funds.restoreAccount(account);
        }
        for (int i = 0; i < matching.bookCount(); i++)
        {
            final OrderBook book = matching.sortedBook(i);
            final int count = buffer.getInt(at, LE);
            at += 4;
            for (int o = 0; o < count; o++)
            {
                final Order order = pools.acquireOrder();
                order.orderId = buffer.getLong(at, LE);
                order.account = funds.account(buffer.getLong(at + 8, LE));
                order.price = buffer.getLong(at + 16, LE);
                order.remaining = buffer.getLong(at + 24, LE);
                order.side = buffer.getInt(at + 32, LE);
                order.book = book;
                at += 36;
                if (order.account == null)
                {
                    throw new IllegalArgumentException("snapshot order " + order.orderId + " has an unknown account");
                }
                matching.restore(book, order);
            }
        }
        if (at - offset != length)
        {
            throw new IllegalArgumentException("exchange snapshot of " + length + " bytes held " + (at - offset));
        }
        return lastPosition;
    }

    /**
     * Hash of the logical state: trades so far, supplies, instruments and books in symbol and price
     * order, and accounts combined by a commutative sum, so neither hash-map layout nor the order
     * accounts were opened matters.
     */
    long hash()
    {
        final int maxAssets = funds.maxAssets();
        long hash = Hashing.combine(VERSION, matching.lastTradeId());
        for (int asset = 0; asset < maxAssets; asset++)
        {
            hash = Hashing.combine(hash, funds.supply(asset));
        }
        for (int i = 0; i < matching.bookCount(); i++)
        {
            final OrderBook book = matching.sortedBook(i);
            final Instrument instrument = book.instrument;
            hash = Hashing.combine(hash, instrument.symbol());
            hash = Hashing.combine(hash, ((long)instrument.baseAsset() << 32) | instrument.quoteAsset());
            hash = Hashing.combine(hash, instrument.tickSize());
            hash = Hashing.combine(hash, instrument.lotSize());
            for (int side = BUY_CODE; side <= SELL_CODE; side++)
            {
                hash = Hashing.combine(hash, book.levelCount(side));
                for (int l = 0; l < book.levelCount(side); l++)
                {
                    final PriceLevel level = book.level(side, l);
                    hash = Hashing.combine(hash, level.price);
                    hash = Hashing.combine(hash, level.totalQuantity);
                    hash = Hashing.combine(hash, level.orderCount);
                    for (Order order = level.head; order != null; order = order.next)
                    {
                        hash = Hashing.combine(hash, order.orderId);
                        hash = Hashing.combine(hash, order.account.id);
                        hash = Hashing.combine(hash, order.remaining);
                    }
                }
            }
        }
        long accountsHash = 0;
        for (final Account account : funds.accounts().values())
        {
            long h = Hashing.mix(account.id);
            for (int asset = 0; asset < maxAssets; asset++)
            {
                h = Hashing.combine(h, account.free[asset]);
                h = Hashing.combine(h, account.reserved[asset]);
            }
            accountsHash += h;
        }
        return Hashing.combine(Hashing.combine(hash, funds.accounts().size()), accountsHash);
    }

    /** Ids of all accounts, ascending. */
    static long[] accountIds(final Long2ObjectHashMap<Account> accounts)
    {
        final long[] ids = new long[accounts.size()];
        int i = 0;
        for (final Long2ObjectHashMap<Account>.KeyIterator keys = accounts.keySet().iterator(); keys.hasNext(); )
        {
            ids[i++] = keys.nextLong();
        }
        Arrays.sort(ids);
        return ids;
    }
}
