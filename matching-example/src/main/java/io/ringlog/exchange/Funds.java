package io.ringlog.exchange;

import org.agrona.collections.Long2ObjectHashMap;

import java.util.Arrays;

import static io.ringlog.exchange.Side.BUY_CODE;

/**
 * Accounts and what they hold: per asset, free and reserved balances, and the supply of each asset
 * (deposits minus withdrawals, which free plus reserved over all accounts always equals). Deposits and
 * withdrawals, the reservation a resting order holds and its release, and the settlement of a fill all
 * happen here. A balance a command touches is reported once, with its final values, when the command
 * ends ({@link #flushBalances()}).
 */
final class Funds
{
    private final boolean reportTradeBalances;
    private final ExchangeEvents events;
    private final Long2ObjectHashMap<Account> accounts = new Long2ObjectHashMap<>();
    private int maxAssets;
    private boolean configured;
    private long[] supply = new long[0];

    private Account[] dirtyAccounts = new Account[64];
    private int[] dirtyAssets = new int[64];
    private int dirtyCount;
    private long stamp;

    Funds(final boolean reportTradeBalances, final ExchangeEvents events)
    {
        this.reportTradeBalances = reportTradeBalances;
        this.events = events;
    }

    /** Takes the exchange's settings: every account keeps a balance of each of {@code maxAssets} assets. */
    void configure(final int maxAssets)
    {
        this.maxAssets = maxAssets;
        this.supply = new long[maxAssets];
        this.configured = true;
    }

    boolean configured()
    {
        return configured;
    }

    int maxAssets()
    {
        return maxAssets;
    }

    boolean validAsset(final int asset)
    {
        return asset >= 0 && asset < maxAssets;
    }

    Account account(final long accountId)
    {
        return accounts.get(accountId);
    }

    Long2ObjectHashMap<Account> accounts()
    {
        return accounts;
    }

    long supply(final int asset)
    {
        return supply[asset];
    }

    /** A new command starts: balances it touches are reported at its end. */
    void beginCommand()
    {
        stamp++;
    }

    void deposit(final long accountId, final int asset, final long amount)
    {
        if (!validAsset(asset))
        {
            events.reject(RejectReason.UNKNOWN_ASSET, 0, accountId);
            return;
        }
        if (amount <= 0 || amount > Long.MAX_VALUE - supply[asset])
        {
            events.reject(RejectReason.BAD_AMOUNT, 0, accountId);
            return;
        }
        Account account = accounts.get(accountId);
        if (account == null)
        {
            account = new Account(accountId, maxAssets);
            accounts.put(accountId, account);
        }
        supply[asset] += amount;
        account.free[asset] += amount;
        events.balance(account, asset);
    }

    void withdraw(final long accountId, final int asset, final long amount)
    {
        final Account account = accounts.get(accountId);
        if (account == null)
        {
            events.reject(RejectReason.UNKNOWN_ACCOUNT, 0, accountId);
            return;
        }
        if (!validAsset(asset))
        {
            events.reject(RejectReason.UNKNOWN_ASSET, 0, accountId);
            return;
        }
        if (amount <= 0)
        {
            events.reject(RejectReason.BAD_AMOUNT, 0, accountId);
            return;
        }
        if (account.free[asset] < amount)
        {
            events.reject(RejectReason.INSUFFICIENT_FUNDS, 0, accountId);
            return;
        }
        supply[asset] -= amount;
        account.free[asset] -= amount;
        events.balance(account, asset);
    }

    /** Moves from free to reserved what the order could spend: quote for a buy, base for a sell. */
    void reserve(final Order order, final Instrument instrument)
    {
        final Account account = order.account;
        final int asset;
        final long amount;
        if (order.side == BUY_CODE)
        {
            asset = instrument.quoteAsset();
            amount = order.price * order.remaining;
        }
        else
        {
            asset = instrument.baseAsset();
            amount = order.remaining * instrument.lotSize();
        }
        if (amount != 0)
        {
            account.free[asset] -= amount;
            account.reserved[asset] += amount;
            touch(account, asset);
        }
    }

    /** Reserves {@code amount} more of an asset, as a buy moved to a higher price must. */
    void reserve(final Account account, final int asset, final long amount)
    {
        account.free[asset] -= amount;
        account.reserved[asset] += amount;
        touch(account, asset);
    }

    /** Returns to free what {@code quantity} lots of the order held in reserve. */
    void release(final Order order, final Instrument instrument, final long quantity)
    {
        final Account account = order.account;
        final int asset;
        final long amount;
        if (order.side == BUY_CODE)
        {
            asset = instrument.quoteAsset();
            amount = order.price * quantity;
        }
        else
        {
            asset = instrument.baseAsset();
            amount = quantity * instrument.lotSize();
        }
        if (amount != 0)
        {
            account.reserved[asset] -= amount;
            account.free[asset] += amount;
            touch(account, asset);
        }
    }

    /**
     * Settles one fill at the maker's price. The taker's reservation was made at its own price (zero for
     * a market buy, which pays from free quote), so a buyer filled at a better price gets the difference
     * back.
     */
    void settle(final Instrument instrument, final Order taker, final Order maker, final long price,
        final long quantity)
    {
        final int base = instrument.baseAsset();
        final int quote = instrument.quoteAsset();
        final long baseAmount = quantity * instrument.lotSize();
        final long value = price * quantity;
        final Order buyer = taker.side == BUY_CODE ? taker : maker;
        final Order seller = taker.side == BUY_CODE ? maker : taker;
        final Account buyerAccount = buyer.account;
        final Account sellerAccount = seller.account;
        final long buyerReserved = buyer.price * quantity;

        buyerAccount.reserved[quote] -= buyerReserved;
        buyerAccount.free[quote] += buyerReserved - value;
        buyerAccount.free[base] += baseAmount;
        sellerAccount.reserved[base] -= baseAmount;
        sellerAccount.free[quote] += value;
        touch(buyerAccount, quote);
        touch(buyerAccount, base);
        touch(sellerAccount, base);
        touch(sellerAccount, quote);
    }

    /** Reports every balance this command touched, once each, in the order they were first touched. */
    void flushBalances()
    {
        for (int i = 0; i < dirtyCount; i++)
        {
            events.balance(dirtyAccounts[i], dirtyAssets[i]);
            dirtyAccounts[i] = null;
        }
        dirtyCount = 0;
    }

    /** Snapshot loading: the supply of an asset as the snapshot holds it. */
    void restoreSupply(final int asset, final long value)
    {
        supply[asset] = value;
    }

    /** Snapshot loading: an account as the snapshot holds it. */
    void restoreAccount(final Account account)
    {
        accounts.put(account.id, account);
    }

    /** Notes a balance changed by this command; each is reported once, at the end of the command. */
    private void touch(final Account account, final int asset)
    {
        if (!reportTradeBalances || account.touched[asset] == stamp)
        {
            return;
        }
        account.touched[asset] = stamp;
        if (dirtyCount == dirtyAccounts.length)
        {
            dirtyAccounts = Arrays.copyOf(dirtyAccounts, dirtyCount * 2);
            dirtyAssets = Arrays.copyOf(dirtyAssets, dirtyCount * 2);
        }
        dirtyAccounts[dirtyCount] = account;
        dirtyAssets[dirtyCount] = asset;
        dirtyCount++;
    }
}
