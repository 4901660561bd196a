package io.ringlog.exchange.readmodel;

import io.ringlog.core.OutputEvent;
import io.ringlog.core.OutputListener;
import io.ringlog.exchange.RejectReason;
import io.ringlog.exchange.codec.EventTypes;
import io.ringlog.exchange.codec.event.TradeEventDecoder;
import org.agrona.collections.Int2ObjectHashMap;

import java.util.Map;
import java.util.TreeMap;

/**
 * Counts what a run did, from the events: commands seen, events by type, rejections by reason,
 * trades and traded lots. Updated on its listener thread, read from any thread; {@link #summary()}
 * gives the lines a script prints at the end of a run.
 */
public final class ExchangeStats implements OutputListener
{
    private final TradeEventDecoder trade = new TradeEventDecoder();
    private final boolean receivesReplay;
    private final long[] byType = new long[16];
    private final Int2ObjectHashMap<long[]> rejectionsByReason = new Int2ObjectHashMap<>();
    private long commands;
    private long events;
    private long tradedLots;
    private long lastPosition;

    public ExchangeStats(final boolean receivesReplay)
    {
        this.receivesReplay = receivesReplay;
    }

    @Override
    public void onEvent(final OutputEvent event, final boolean endOfBatch)
    {
        synchronized (this)
        {
            events++;
            if (event.position() != lastPosition)
            {
                commands++;
                lastPosition = event.position();
            }
            final int type = event.type();
            if (type == EventTypes.REJECTED)
            {
                final int reason = event.rejectReason();
                long[] count = rejectionsByReason.get(reason);
                if (count == null)
                {
                    count = new long[1];
                    rejectionsByReason.put(reason, count);
                }
                count[0]++;
            }
            else if (type >= 0 && type < byType.length)
            {
                byType[type]++;
                if (type == EventTypes.TRADE)
                {
                    tradedLots += trade.wrap(event.payload(), 0, event.payloadLength(), TradeEventDecoder.SCHEMA_VERSION).quantity();
                }
            }
        }
    }

    @Override
    public boolean receivesReplay()
    {
        return receivesReplay;
    }

    /** Commands that caused at least one event (every exchange command does). */
    public synchronized long commands()
    {
        return commands;
    }

    public synchronized long events()
    {
        return events;
    }

    /** Events of one exchange type ({@link EventTypes}); rejections are counted by {@link #rejections()}. */
    public synchronized long count(final int eventType)
    {
        return eventType >= 0 && eventType < byType.length ? byType[eventType] : 0;
    }

    public synchronized long rejections()
    {
        long total = 0;
        for (final long[] count : rejectionsByReason.values())
        {
            total += count[0];
        }
        return total;
    }

    /** Rejections by reason name, sorted by name. */
    public synchronized Map<String, Long> rejectionsByReason()
    {
        final Map<String, Long> byReason = new TreeMap<>();
        for (final Map.Entry<Integer, long[]> entry : rejectionsByReason.entrySet())
        {
            byReason.put(RejectReason.describe(entry.getKey()), entry.getValue()[0]);
        }
        return byReason;
    }

    public synchronized long tradedLots()
    {
        return tradedLots;
    }

    /** A few lines: commands, events, accepted, trades and lots, cancels, moves, reduces, rejections by reason. */
    public synchronized String summary()
    {
        return "commands " + commands + ", events " + events + '\n' +
            "accepted " + byType[EventTypes.ORDER_ACCEPTED] + ", trades " + byType[EventTypes.TRADE] +
            " (" + tradedLots + " lots), cancelled " + byType[EventTypes.ORDER_CANCELLED] +
            ", moved " + byType[EventTypes.ORDER_MOVED] + ", reduced " + byType[EventTypes.ORDER_REDUCED] + '\n' +
            "rejected " + rejections() + (rejectionsByReason.isEmpty() ? "" : " " + rejectionsByReason());
    }
}
