package io.ringlog.exchange;

import io.ringlog.exchange.codec.EventTypes;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real exchange and the naive {@link ReferenceExchange} fed the same random command streams must
 * make the same decisions (accepts, rejects with the same reasons, trades, cancels, reduces, moves, in
 * the same order) and hold the same books and balances after every command. The invariants are
 * checked after every command too.
 */
class ExchangeDifferentialTest
{
    private static final int SEEDS = 24;
    private static final int COMMANDS = 2_500;
    private static final int MAX_ASSETS = 4;

    @Test
    void shouldMakeTheSameDecisionsAsTheReferenceMatcher()
    {
        long trades = 0;
        long rejects = 0;
        for (long seed = 1; seed <= SEEDS; seed++)
        {
            final List<String> lines = new RandomFlow(seed, 6, 60).generate(COMMANDS);
            final ExchangeHarness real = new ExchangeHarness(new ExchangeStateMachine(MAX_ASSETS, true));
            final ReferenceExchange reference = new ReferenceExchange(MAX_ASSETS);
            final ExchangeInvariants invariants = new ExchangeInvariants();
            for (int i = 0; i < lines.size(); i++)
            {
                final String line = lines.get(i);
                final String context = "seed " + seed + " line " + (i + 1) + ": " + line;
                final List<RecordingOutput.Event> events = real.applyLine(line);
                final List<String> decisions = decisions(events);
                final String[] tokens = line.split(" ");
                final Map<String, Long> fields = ReferenceExchange.fields(tokens);
                assertEquals(reference.apply(tokens[0], fields), decisions, context);
                assertEquals(reference.queue(1, 0), queue(real, 1, Side.BUY), context);
                assertEquals(reference.queue(1, 1), queue(real, 1, Side.SELL), context);
                assertEquals(reference.queue(2, 0), queue(real, 2, Side.BUY), context);
                assertEquals(reference.queue(2, 1), queue(real, 2, Side.SELL), context);
                invariants.onEvents(events, context);
                ExchangeInvariants.checkState(real.exchange, context);
                for (final String decision : decisions)
                {
                    trades += decision.startsWith("trade ") ? 1 : 0;
                    rejects += decision.startsWith("rejected ") ? 1 : 0;
                }
            }
            assertEquals(reference.balances(), balances(real.exchange), "seed " + seed);
        }
        assertTrue(trades > SEEDS * 100, "the flows should trade a lot: " + trades);
        assertTrue(rejects > SEEDS * 100, "the flows should be rejected often: " + rejects);
    }

    static List<String> decisions(final List<RecordingOutput.Event> events)
    {
        final List<String> decisions = new ArrayList<>();
        for (final RecordingOutput.Event event : events)
        {
            if (event.type() != EventTypes.BOOK_CHANGED && event.type() != EventTypes.BALANCE_CHANGED &&
                event.type() != EventTypes.INSTRUMENT_ADDED)
            {
                decisions.add(event.text());
            }
        }
        return decisions;
    }

    private static List<String> queue(final ExchangeHarness real, final int symbol, final Side side)
    {
        final List<String> orders = new ArrayList<>();
        real.exchange.forEachOrder(symbol, side, (id, account, price, remaining) ->
            orders.add(price + ":" + id + ":" + remaining));
        return orders;
    }

    private static List<String> balances(final ExchangeStateMachine exchange)
    {
        final List<String> lines = new ArrayList<>();
        for (final long account : exchange.accountIds())
        {
            for (int asset = 0; asset < exchange.maxAssets(); asset++)
            {
                lines.add(account + " " + asset + " " + exchange.free(account, asset) + " " +
                    exchange.reserved(account, asset));
            }
        }
        return lines;
    }
}
