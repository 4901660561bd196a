package io.ringlog.exchange;

import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.InMemoryJournal;
import io.ringlog.exchange.codec.CommandEncoder;
import io.ringlog.exchange.codec.CommandTypes;
import io.ringlog.exchange.codec.EventTypes;
import io.ringlog.exchange.codec.event.OrderCancelledEventDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reviewer's finding: how many events one command emits grew with the resting orders it met, and past the
 * engine's output ring (64K events) the command threw half applied: one sell meeting 70,000 of its own bids left
 * 65,536 of them gone without their events and its own reservation held with no order, and replay then depended
 * on the ring's size. An order meets at most {@link ExchangeStateMachine#MAX_MAKERS_PER_ORDER} resting orders; the
 * rest is cancelled ({@code MATCH_LIMIT}), and a fill-or-kill that would need more is {@code CANNOT_FILL}.
 */
class MatchLimitTest
{
    private static final int LIMIT = ExchangeStateMachine.MAX_MAKERS_PER_ORDER;
    private static final int BIDS = LIMIT + 2_000;

    private final CommandEncoder encoder = new CommandEncoder();
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
    private long correlation;

    private long publish(final Engine engine, final int type, final int length)
    {
        return engine.publish(type, CommandEncoder.VERSION, 0, 0, ++correlation, payload, 0, length);
    }

    /** Account 1 rests BIDS one-lot bids at price 1; account 2 holds base to sell. */
    private void restBids(final Engine engine)
    {
        publish(engine, CommandTypes.ADD_INSTRUMENT, encoder.addInstrument(payload, 0, 1, 1, 0, 1, 1));
        publish(engine, CommandTypes.DEPOSIT, encoder.deposit(payload, 0, 1, 0, BIDS));
        publish(engine, CommandTypes.DEPOSIT, encoder.deposit(payload, 0, 1, 1, 1));
        publish(engine, CommandTypes.DEPOSIT, encoder.deposit(payload, 0, 2, 1, BIDS));
        for (int i = 1; i <= BIDS; i++)
        {
            publish(engine, CommandTypes.PLACE_ORDER, encoder.place(payload, 0, i, 1, 1, Side.BUY, OrderType.GTC, 1, 1));
        }
    }

    @Test
    void shouldStopAnOrderAtTheLimitCancelItsRestAndLeaveTheExchangeWhole() throws Exception
    {
        final ExchangeStateMachine exchange = new ExchangeStateMachine(4, true);
        final List<String> cancelled = new CopyOnWriteArrayList<>();
        final OrderCancelledEventDecoder decoder = new OrderCancelledEventDecoder();
        final InMemoryJournal journal = new InMemoryJournal(64);
        final long sellAll;
        final long selfFlood;
        final long fok;
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(exchange).journal(journal)
            .maxPayloadLength(64).listener("events", (event, endOfBatch) ->
            {
                if (event.type() == EventTypes.ORDER_CANCELLED)
                {
                    decoder.wrap(event.payload(), 0, event.payloadLength(), OrderCancelledEventDecoder.SCHEMA_VERSION);
                    cancelled.add(event.position() + " " + decoder.orderId() + " " + decoder.quantity() + " " +
                        CancelReason.of(decoder.reason()));
                }
            })))
        {
            restBids(engine);
            // Another account's fill-or-kill that needs more than the limit: refused before anything changes.
            fok = publish(engine, CommandTypes.PLACE_ORDER,
                encoder.place(payload, 0, 20_000_001, 2, 1, Side.SELL, OrderType.FOK, 1, LIMIT + 1));
            // Its market sell of every lot: LIMIT trades, then the rest cancelled.
            sellAll = publish(engine, CommandTypes.PLACE_ORDER,
                encoder.place(payload, 0, 20_000_002, 2, 1, Side.SELL, OrderType.MARKET, 0, BIDS));
            // Account 1's own one-lot sell meets only its own bids (2,000 left): each cancelled, self-trade.
            selfFlood = publish(engine, CommandTypes.PLACE_ORDER,
                encoder.place(payload, 0, 20_000_003, 1, 1, Side.SELL, OrderType.GTC, 1, 1));
            engine.awaitApplied(selfFlood, 30, TimeUnit.SECONDS);
            assertEquals(0, engine.metrics().failed(), "no command failed");
            assertEquals(1, engine.metrics().rejected(), "the fill-or-kill only: " + engine.metrics());
        }
        ExchangeInvariants.checkState(exchange, "after the limit");
        assertEquals(LIMIT, exchange.lastTradeId(), "the market sell traded with LIMIT bids");
        assertTrue(cancelled.contains(sellAll + " 20000002 2000 MATCH_LIMIT"), cancelled.subList(0, 3).toString());
        assertEquals(2_000, cancelled.stream().filter((c) -> c.endsWith(" SELF_TRADE")).count(),
            "account 1's sell cancelled its 2,000 bids left, fewer than the limit, and then rested");
        assertTrue(exchange.isLive(20_000_003), "the self-trading sell rests once no bid is left");
        assertTrue(cancelled.stream().noneMatch((c) -> c.startsWith(fok + " ")), "the fill-or-kill changed nothing");

        // The journal alone gives the state: a replay on a smaller output ring (still above the bound) agrees.
        final ExchangeStateMachine replayed = new ExchangeStateMachine(4, true);
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(replayed)
            .journal(io.ringlog.core.ReadOnlyJournal.of(journal)).maxPayloadLength(64)
            .outputRingSize(Integer.highestOneBit(ExchangeStateMachine.MAX_EVENTS_PER_COMMAND) * 2)))
        {
            assertEquals(0, engine.metrics().failed());
        }
        assertEquals(exchange.stateHash(), replayed.stateHash());
    }
}
