package io.ringlog.exchange.kafka;

import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;

/**
 * Which partitions of the commands topic a command goes to, when engines share the exchange by symbol.
 * <pre>
 *  instrument, place          partition of its symbol: floorMod(symbol, partitions)
 *  cancel, move, reduce       partition of the symbol its order was placed on (the router remembers
 *                             each order id's first place); an order this router never saw placed (by an
 *                             earlier feed, say): every partition, so the engine that holds it acts on it
 *                             (the others reject it as an unknown order)
 *  deposit, withdraw          every partition: every engine keeps its own ledger of every account
 * </pre>
 * The rule for commands that touch several partitions: a deposit or withdrawal is applied by every
 * engine, so each engine's ledger holds every account with all its deposits, and an account trades
 * on every engine. What each engine's ledger then says is what that account has on that engine's
 * symbols: its deposits, less its withdrawals, plus what its trades there moved. Adding up the
 * engines' balances of an account and subtracting (engines - 1) copies of its deposits and
 * withdrawals gives the balance one engine on the whole stream would show. Funds are checked per
 * engine, so a deposit backs orders on each engine: this is right when funds do not bind (the
 * presets deposit 2<sup>40</sup> of the quote asset, 2<sup>36</sup> of each base asset) or when a venue gives each
 * engine a credit line; a venue whose
 * accounts must not spend one deposit twice needs accounts sharded apart from symbols, which this is not.
 * <p>
 * A command's order is kept within a partition; commands of different symbols on different engines
 * are not ordered with each other, and need not be: nothing an engine decides for one symbol depends
 * on another symbol (with funds not binding). Order ids are unique across the exchange (the
 * generator's are), or a cancel could be sent to the wrong symbol's engine.
 * <p>
 * One router per feed, fed commands in order; not thread-safe.
 */
public final class CommandRouter
{
    private static final long UNKNOWN = Long.MIN_VALUE;

    private final int partitions;
    private final ExchangeRecords records = new ExchangeRecords();
    private final Long2LongHashMap symbolOfOrder = new Long2LongHashMap(UNKNOWN);

    public CommandRouter(final int partitions)
    {
        if (partitions < 1)
        {
            throw new IllegalArgumentException("partitions must be positive: " + partitions);
        }
        this.partitions = partitions;
    }

    /**
     * The partition of a command of one partition, or -1 for a command every partition gets
     * ({@link ExchangeRecords#isLedgerCommand deposit and withdraw}, and a cancel, move or reduce of an order
     * this router did not see placed: only its engine knows it, a newcomer's probe found, whose cancel from a
     * later feed went to the order id's partition and left the order on another engine's book).
     */
    public int partition(final int type, final DirectBuffer payload)
    {
        if (ExchangeRecords.isLedgerCommand(type))
        {
            return -1;
        }
        final long symbol = records.symbol(type, payload);
        final long orderId = records.orderId(type, payload);
        if (symbol != ExchangeRecords.NONE)
        {
            if (ExchangeRecords.isPlace(type) && !symbolOfOrder.containsKey(orderId))
            {
                symbolOfOrder.put(orderId, symbol);
            }
            return partitionOf(symbol);
        }
        if (orderId != ExchangeRecords.NONE)
        {
            final long placedOn = symbolOfOrder.get(orderId);
            return placedOn != UNKNOWN ? partitionOf(placedOn) : -1;
        }
        return 0;
    }

    /** The partition that holds a symbol. */
    public int partitionOf(final long symbol)
    {
        return (int)Math.floorMod(symbol, (long)partitions);
    }

    public int partitions()
    {
        return partitions;
    }
}
