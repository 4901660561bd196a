package io.ringlog.bench.peers;

import exchange.core2.core.common.MatcherEventType;
import exchange.core2.core.common.MatcherTradeEvent;
import exchange.core2.core.common.OrderType;
import exchange.core2.core.common.cmd.CommandResultCode;
import exchange.core2.core.common.cmd.OrderCommand;
import exchange.core2.core.common.cmd.OrderCommandType;

import java.util.Arrays;
import java.util.function.ObjLongConsumer;

/**
 * exchange-core's results consumer: called on its results thread (E) once per ring slot, after the
 * matching engine, with the processed command and its matcher events. It counts results by command
 * type and result code, and the events: trades (one per maker order filled, as ringlog's TRADE events;
 * self-trades, where maker and taker are the same user, counted apart as ringlog never makes them),
 * rejections of the unfilled rest of an IOC or of a whole FOK_BUDGET, and reduce events of cancels and
 * reduces. Nothing here allocates. Counts are plain fields: read them with {@link #snapshot()} after a
 * synchronous submit has returned (its future completes on the same thread, after this consumer).
 */
public final class ResultCounter implements ObjLongConsumer<OrderCommand>
{
    private static final int TYPES = OrderCommandType.values().length;
    private static final int CODES = CommandResultCode.values().length;
    private static final int ORDER_TYPES = OrderType.values().length;

    private final long[] results = new long[TYPES * CODES];
    private final long[] rejectEventsByOrderType = new long[ORDER_TYPES];
    private long trades;
    private long tradedVolume;
    private long tradesOfMoves;
    private long selfTrades;
    private long reduceEvents;
    private long otherRejectEvents;
    private LatencyProbe probe;

    @Override
    public void accept(final OrderCommand cmd, final long sequence)
    {
        final OrderCommandType type = cmd.command;
        if (type == OrderCommandType.SHUTDOWN_SIGNAL)
        {
            return;
        }
        results[type.ordinal() * CODES + cmd.resultCode.ordinal()]++;
        for (MatcherTradeEvent event = cmd.matcherEvent; event != null; event = event.nextEvent)
        {
            final MatcherEventType eventType = event.eventType;
            if (eventType == MatcherEventType.TRADE)
            {
                trades++;
                tradedVolume += event.size;
                if (type == OrderCommandType.MOVE_ORDER)
                {
                    tradesOfMoves++;
                }
                if (event.matchedOrderUid == cmd.uid)
                {
                    selfTrades++;
                }
            }
            else if (eventType == MatcherEventType.REJECT)
            {
                if (type == OrderCommandType.PLACE_ORDER)
                {
                    rejectEventsByOrderType[cmd.orderType.ordinal()]++;
                }
                else
                {
                    otherRejectEvents++;
                }
            }
            else if (eventType == MatcherEventType.REDUCE)
            {
                reduceEvents++;
            }
        }
        final LatencyProbe probe = this.probe;
        if (probe != null)
        {
            probe.onResult(cmd);
        }
    }

    /**
     * Routes every following result to {@code probe} (null: none). Call it while nothing is in flight,
     * before publishing the commands it should see: the publish hands it to the results thread.
     */
    void probe(final LatencyProbe probe)
    {
        this.probe = probe;
    }

    /** Zeroes the counts; call it while nothing is in flight. */
    public void reset()
    {
        Arrays.fill(results, 0);
        Arrays.fill(rejectEventsByOrderType, 0);
        trades = 0;
        tradedVolume = 0;
        tradesOfMoves = 0;
        selfTrades = 0;
        reduceEvents = 0;
        otherRejectEvents = 0;
    }

    /** A copy of the counts; call it while nothing is in flight. */
    public ResultCounts snapshot()
    {
        return new ResultCounts(results.clone(), rejectEventsByOrderType.clone(), trades, tradedVolume, tradesOfMoves,
            selfTrades, reduceEvents, otherRejectEvents);
    }

    static int codes()
    {
        return CODES;
    }
}
