package io.ringlog.exchange;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Longer random flows than the differential test, with more accounts and order ids, checked against
 * the invariants alone after every command.
 */
class ExchangeInvariantsTest
{
    @Test
    void shouldHoldInvariantsAfterEveryCommandOnRandomFlows()
    {
        long peakOrders = 0;
        for (long seed = 100; seed < 106; seed++)
        {
            final List<String> lines = new RandomFlow(seed, 20, 400).generate(6_000);
            final ExchangeHarness real = new ExchangeHarness(new ExchangeStateMachine(4, true));
            final ExchangeInvariants invariants = new ExchangeInvariants();
            for (int i = 0; i < lines.size(); i++)
            {
                final String context = "seed " + seed + " line " + (i + 1) + ": " + lines.get(i);
                invariants.onEvents(real.applyLine(lines.get(i)), context);
                ExchangeInvariants.checkState(real.exchange, context);
                peakOrders = Math.max(peakOrders, real.exchange.liveOrders());
            }
        }
        assertTrue(peakOrders > 20, "books should fill up: peak " + peakOrders + " resting orders");
    }
}
