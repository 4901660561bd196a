package io.ringlog.bench.peers;

import exchange.core2.core.common.OrderType;
import exchange.core2.core.common.cmd.CommandResultCode;
import exchange.core2.core.common.cmd.OrderCommandType;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What exchange-core answered to a run, counted by {@link ResultCounter}: results by command type and
 * code, and matcher events. Two runs of the same commands must give equal counts. {@link #comparable()}
 * names each figure after the ringlog event it corresponds to, so the two engines' summaries line up.
 */
public final class ResultCounts
{
    private static final OrderCommandType[] TYPES = OrderCommandType.values();
    private static final CommandResultCode[] CODES = CommandResultCode.values();

    private final long[] results;
    private final long[] rejectEventsByOrderType;
    private final long trades;
    private final long tradedVolume;
    private final long tradesOfMoves;
    private final long selfTrades;
    private final long reduceEvents;
    private final long otherRejectEvents;

    ResultCounts(
        final long[] results,
        final long[] rejectEventsByOrderType,
        final long trades,
        final long tradedVolume,
        final long tradesOfMoves,
        final long selfTrades,
        final long reduceEvents,
        final long otherRejectEvents)
    {
        this.results = results;
        this.rejectEventsByOrderType = rejectEventsByOrderType;
        this.trades = trades;
        this.tradedVolume = tradedVolume;
        this.tradesOfMoves = tradesOfMoves;
        this.selfTrades = selfTrades;
        this.reduceEvents = reduceEvents;
        this.otherRejectEvents = otherRejectEvents;
    }

    /** Results of one command type with one code. */
    public long count(final OrderCommandType type, final CommandResultCode code)
    {
        return results[type.ordinal() * CODES.length + code.ordinal()];
    }

    /** Results of one command type, any code. */
    public long count(final OrderCommandType type)
    {
        long total = 0;
        for (final CommandResultCode code : CODES)
        {
            total += count(type, code);
        }
        return total;
    }

    /** Results of the order and account commands a file translates to (not binary frames, resets or NOPs). */
    public long commandResults()
    {
        return count(OrderCommandType.PLACE_ORDER) + count(OrderCommandType.MOVE_ORDER) +
            count(OrderCommandType.CANCEL_ORDER) + count(OrderCommandType.REDUCE_ORDER) +
            count(OrderCommandType.ADD_USER) + count(OrderCommandType.BALANCE_ADJUSTMENT);
    }

    /**
     * Results with a code that is not a success, as {@code "PLACE_ORDER RISK_NSF" -> n}. A binary command's
     * frames answer ACCEPTED except the last, so ACCEPTED is a success here too.
     */
    public Map<String, Long> failures()
    {
        final Map<String, Long> failures = new LinkedHashMap<>();
        for (final OrderCommandType type : TYPES)
        {
            for (final CommandResultCode code : CODES)
            {
                final long n = count(type, code);
                if (n != 0 && code != CommandResultCode.SUCCESS && code != CommandResultCode.ACCEPTED)
                {
                    failures.put(type.name() + " " + code.name(), n);
                }
            }
        }
        return failures;
    }

    public long failureCount()
    {
        long total = 0;
        for (final long n : failures().values())
        {
            total += n;
        }
        return total;
    }

    /** TRADE events: one per resting order an incoming order (a place or a move) trades with. */
    public long trades()
    {
        return trades;
    }

    /** Lots traded. */
    public long tradedVolume()
    {
        return tradedVolume;
    }

    /** Trades made by moves. */
    public long tradesOfMoves()
    {
        return tradesOfMoves;
    }

    /**
     * Trades between two orders of the same user. exchange-core 0.5.3 has no self-trade prevention; ringlog
     * cancels the resting order instead ({@code cancelled reason=SELF_TRADE}) and never makes these.
     */
    public long selfTrades()
    {
        return selfTrades;
    }

    /** REJECT events of places of one type: the unfilled rest of an IOC, a killed FOK_BUDGET, the rest of a GTC whose id is taken. */
    public long rejectEvents(final OrderType type)
    {
        return rejectEventsByOrderType[type.ordinal()];
    }

    /** REDUCE events: successful cancels and reduces. */
    public long reduceEvents()
    {
        return reduceEvents;
    }

    /** REJECT events on anything but a place: none expected. */
    public long otherRejectEvents()
    {
        return otherRejectEvents;
    }

    /**
     * The figures that correspond to ringlog's events ({@code scripts/exchange run --events}), keyed by
     * ringlog's name for them.
     */
    public Map<String, Long> comparable()
    {
        final Map<String, Long> figures = new LinkedHashMap<>();
        final long placed = count(OrderCommandType.PLACE_ORDER, CommandResultCode.SUCCESS);
        final long killed = rejectEvents(OrderType.FOK_BUDGET);
        figures.put("trades", trades);
        figures.put("traded-lots", tradedVolume);
        figures.put("self-trades", selfTrades);
        figures.put("accepted", placed - killed);
        figures.put("rejected-cannot-fill", killed);
        figures.put("cancelled-unfilled", rejectEvents(OrderType.IOC));
        figures.put("cancelled-user", count(OrderCommandType.CANCEL_ORDER, CommandResultCode.SUCCESS));
        figures.put("moved", count(OrderCommandType.MOVE_ORDER, CommandResultCode.SUCCESS));
        figures.put("reduced", count(OrderCommandType.REDUCE_ORDER, CommandResultCode.SUCCESS));
        figures.put("rejected-other", failureCount());
        return figures;
    }

    @Override
    public boolean equals(final Object other)
    {
        if (this == other)
        {
            return true;
        }
        if (!(other instanceof ResultCounts that))
        {
            return false;
        }
        return trades == that.trades && tradedVolume == that.tradedVolume && tradesOfMoves == that.tradesOfMoves &&
            selfTrades == that.selfTrades && reduceEvents == that.reduceEvents && otherRejectEvents == that.otherRejectEvents &&
            Arrays.equals(results, that.results) && Arrays.equals(rejectEventsByOrderType, that.rejectEventsByOrderType);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(trades, tradedVolume, Arrays.hashCode(results), Arrays.hashCode(rejectEventsByOrderType));
    }

    @Override
    public String toString()
    {
        return "results " + commandResults() + ", " + comparable() + ", failures " + failures();
    }
}
