package io.ringlog.exchange.readmodel;

import io.ringlog.core.OutputEvent;
import io.ringlog.core.OutputListener;
import io.ringlog.exchange.ExchangeStateMachine;
import io.ringlog.exchange.codec.EventTypes;
import io.ringlog.exchange.codec.event.BalanceChangedEventDecoder;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayList;
import java.util.List;

/**
 * Every account's balances, built from {@code BALANCE_CHANGED} events on its listener thread and
 * queried from any thread. Each event carries the new free and reserved amounts, so the model is exact
 * once it has seen every event since the account opened, or since a {@link #seed seed}; trades report
 * balances only if the exchange was built with {@code reportTradeBalances}.
 */
public final class BalancesReadModel implements OutputListener
{
    /** One asset's balance of one account, in asset units. */
    public record Balance(long account, int asset, long free, long reserved)
    {
    }

    private final BalanceChangedEventDecoder balanceChanged = new BalanceChangedEventDecoder();
    private final Long2ObjectHashMap<long[]> accounts = new Long2ObjectHashMap<>();
    private final int maxAssets;
    private final boolean receivesReplay;
    private long position;

    /** For an exchange with asset ids 0..maxAssets-1; rebuilds from replayed events. */
    public BalancesReadModel(final int maxAssets)
    {
        this(maxAssets, true);
    }

    public BalancesReadModel(final int maxAssets, final boolean receivesReplay)
    {
        this.maxAssets = maxAssets;
        this.receivesReplay = receivesReplay;
    }

    @Override
    public void onEvent(final OutputEvent event, final boolean endOfBatch)
    {
        if (event.type() != EventTypes.BALANCE_CHANGED)
        {
            return;
        }
        balanceChanged.wrap(event.payload(), 0, event.payloadLength(), BalanceChangedEventDecoder.SCHEMA_VERSION);
        final int asset = balanceChanged.asset();
        if (asset < 0 || asset >= maxAssets)
        {
            throw new IllegalStateException("balance event for asset " + asset + "; this model holds 0.." + (maxAssets - 1));
        }
        synchronized (this)
        {
            long[] balances = accounts.get(balanceChanged.account());
            if (balances == null)
            {
                balances = new long[2 * maxAssets];
                accounts.put(balanceChanged.account(), balances);
            }
            balances[2 * asset] = balanceChanged.free();
            balances[2 * asset + 1] = balanceChanged.reserved();
            position = event.position();
        }
    }

    @Override
    public boolean receivesReplay()
    {
        return receivesReplay;
    }

    /**
     * Replaces the model with the exchange's balances. Call it where the exchange is not changing: on
     * the business-logic thread (e.g. from {@link ExchangeStateMachine#onSnapshotLoaded}) or when the
     * engine has stopped.
     */
    public void seed(final ExchangeStateMachine exchange)
    {
        synchronized (this)
        {
            accounts.clear();
            for (final long account : exchange.accountIds())
            {
                final long[] balances = new long[2 * maxAssets];
                for (int asset = 0; asset < Math.min(maxAssets, exchange.maxAssets()); asset++)
                {
                    balances[2 * asset] = exchange.free(account, asset);
                    balances[2 * asset + 1] = exchange.reserved(account, asset);
                }
                accounts.put(account, balances);
            }
            position = exchange.lastPosition();
        }
    }

    /** One balance; zeros for an account or asset never seen. */
    public synchronized Balance balance(final long account, final int asset)
    {
        final long[] balances = accounts.get(account);
        return balances == null ? new Balance(account, asset, 0, 0) :
            new Balance(account, asset, balances[2 * asset], balances[2 * asset + 1]);
    }

    /** An account's non-zero balances, by asset. */
    public synchronized List<Balance> balances(final long account)
    {
        final List<Balance> list = new ArrayList<>();
        final long[] balances = accounts.get(account);
        if (balances != null)
        {
            for (int asset = 0; asset < maxAssets; asset++)
            {
                if (balances[2 * asset] != 0 || balances[2 * asset + 1] != 0)
                {
                    list.add(new Balance(account, asset, balances[2 * asset], balances[2 * asset + 1]));
                }
            }
        }
        return list;
    }

    /** Accounts seen. */
    public synchronized int accountCount()
    {
        return accounts.size();
    }

    /** Position of the last event applied. */
    public synchronized long position()
    {
        return position;
    }
}
