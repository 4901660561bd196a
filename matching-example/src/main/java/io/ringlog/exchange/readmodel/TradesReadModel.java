package io.ringlog.exchange.readmodel;

import io.ringlog.core.OutputEvent;
import io.ringlog.core.OutputListener;
import io.ringlog.exchange.Side;
import io.ringlog.exchange.codec.EventTypes;
import io.ringlog.exchange.codec.event.TradeEventDecoder;

import java.util.ArrayList;
import java.util.List;

/**
 * The most recent trades, newest first, built from {@code TRADE} events on its listener thread and
 * queried from any thread: a fixed ring of primitive columns, so updates allocate nothing. After a
 * restart from a snapshot it holds only trades replayed or made since.
 */
public final class TradesReadModel implements OutputListener
{
    /** One trade as the model keeps it; {@code timestamp} is the causing command's ingress time. */
    public record Trade(long tradeId, int symbol, long price, long quantity, long makerOrderId, long takerOrderId,
        long makerAccount, long takerAccount, Side takerSide, long position, long timestamp)
    {
    }

    private final TradeEventDecoder trade = new TradeEventDecoder();
    private final boolean receivesReplay;
    private final int capacity;
    private final long[] tradeId;
    private final int[] symbol;
    private final long[] price;
    private final long[] quantity;
    private final long[] makerOrderId;
    private final long[] takerOrderId;
    private final long[] makerAccount;
    private final long[] takerAccount;
    private final byte[] takerSide;
    private final long[] position;
    private final long[] timestamp;
    private long count;

    /** Keeps the last {@code capacity} trades and rebuilds from replayed events. */
    public TradesReadModel(final int capacity)
    {
        this(capacity, true);
    }

    public TradesReadModel(final int capacity, final boolean receivesReplay)
    {
        if (capacity < 1)
        {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        this.receivesReplay = receivesReplay;
        tradeId = new long[capacity];
        symbol = new int[capacity];
        price = new long[capacity];
        quantity = new long[capacity];
        makerOrderId = new long[capacity];
        takerOrderId = new long[capacity];
        makerAccount = new long[capacity];
        takerAccount = new long[capacity];
        takerSide = new byte[capacity];
        position = new long[capacity];
        timestamp = new long[capacity];
    }

    @Override
    public void onEvent(final OutputEvent event, final boolean endOfBatch)
    {
        if (event.type() != EventTypes.TRADE)
        {
            return;
        }
        trade.wrap(event.payload(), 0, event.payloadLength(), TradeEventDecoder.SCHEMA_VERSION);
        synchronized (this)
        {
            final int i = (int)(count % capacity);
            tradeId[i] = trade.tradeId();
            symbol[i] = trade.symbol();
            price[i] = trade.price();
            quantity[i] = trade.quantity();
            makerOrderId[i] = trade.makerOrderId();
            takerOrderId[i] = trade.takerOrderId();
            makerAccount[i] = trade.makerAccount();
            takerAccount[i] = trade.takerAccount();
            takerSide[i] = (byte)trade.takerSide();
            position[i] = event.position();
            timestamp[i] = event.timestamp();
            count++;
        }
    }

    @Override
    public boolean receivesReplay()
    {
        return receivesReplay;
    }

    /** Trades seen since the model started (including ones that have left the ring). */
    public synchronized long count()
    {
        return count;
    }

    /** Up to {@code max} most recent trades of any symbol, newest first. */
    public List<Trade> recent(final int max)
    {
        return recent(-1, max);
    }

    /** Up to {@code max} most recent trades of one symbol (or any, if {@code symbolFilter} is negative), newest first. */
    public synchronized List<Trade> recent(final int symbolFilter, final int max)
    {
        final List<Trade> trades = new ArrayList<>();
        final long oldest = Math.max(0, count - capacity);
        for (long n = count - 1; n >= oldest && trades.size() < max; n--)
        {
            final int i = (int)(n % capacity);
            if (symbolFilter < 0 || symbol[i] == symbolFilter)
            {
                trades.add(new Trade(tradeId[i], symbol[i], price[i], quantity[i], makerOrderId[i], takerOrderId[i],
                    makerAccount[i], takerAccount[i], Side.of(takerSide[i]), position[i], timestamp[i]));
            }
        }
        return trades;
    }
}
