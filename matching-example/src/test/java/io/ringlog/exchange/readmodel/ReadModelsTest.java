package io.ringlog.exchange.readmodel;

import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.InMemoryJournal;
import io.ringlog.core.InMemorySnapshotStore;
import io.ringlog.core.Topology;
import io.ringlog.exchange.ExchangeStateMachine;
import io.ringlog.exchange.Side;
import io.ringlog.exchange.codec.CommandEncoder;
import io.ringlog.exchange.codec.EventTypes;
import io.ringlog.exchange.workload.WorkloadConfig;
import io.ringlog.exchange.workload.WorkloadGenerator;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadModelsTest
{
    private static final int TRADES_KEPT = 50;

    private static WorkloadConfig workload()
    {
        return WorkloadConfig.manySymbols(21, 20_000).symbols(5).accounts(100).restingPerSymbol(40);
    }

    @Test
    void shouldAgreeWithTheExchangeWhileQueriedFromAnotherThread() throws Exception
    {
        final WorkloadConfig config = workload();
        final ExchangeStateMachine exchange = new ExchangeStateMachine(config.maxAssets(), true);
        final DepthReadModel depth = new DepthReadModel();
        final TradesReadModel trades = new TradesReadModel(TRADES_KEPT);
        final BalancesReadModel balances = new BalancesReadModel(config.maxAssets());
        final ExchangeStats stats = new ExchangeStats(false);
        final SystemEpochNanoClock clock = new SystemEpochNanoClock();
        final LatencyListener latency = new LatencyListener(clock);
        final long[] published = {0};
        final long[] lastSeen = {0};
        final int[] queries = {0};
        try (Engine engine = Engine.launch(context(exchange, new InMemoryJournal(64), null).clock(clock)
            .listener("depth", depth).listener("trades", trades).listener("balances", balances)
            .listener("stats", stats).listener("latency", latency)))
        {
            new WorkloadGenerator(config).generate((type, payload, length) ->
            {
                published[0] = engine.publish(type, CommandEncoder.VERSION, 0, 0, 0, payload, 0, length);
                if (published[0] % 500 == 0)
                {
                    final long position = depth.position();
                    assertTrue(position >= lastSeen[0], "the model only moves forward");
                    lastSeen[0] = position;
                    final DepthReadModel.Depth book = depth.depth(1, 5);
                    if (book.bids().length > 0 && book.asks().length > 0)
                    {
                        assertTrue(book.bids()[0].price() < book.asks()[0].price(), "a copy is never crossed: " + book);
                    }
                    balances.balances(1);
                    trades.recent(1, 3);
                    queries[0]++;
                }
            });
            engine.awaitApplied(published[0], 10, TimeUnit.SECONDS);
        }
        assertTrue(lastSeen[0] > 0, "queries ran while the models were filling");
        assertTrue(queries[0] > 10);
        assertEquals(published[0], stats.commands(), "every command ends in events");
        assertEquals(exchange.lastTradeId(), stats.count(EventTypes.TRADE));
        assertTrue(stats.summary().startsWith("commands " + published[0]), stats.summary());
        assertEquals(published[0], latency.copy().getTotalCount(), "one latency sample per command");
        assertMatches(exchange, depth, balances);
        assertTrue(exchange.lastTradeId() > TRADES_KEPT, "the flow should trade: " + exchange.lastTradeId());
        assertEquals(exchange.lastTradeId(), trades.count());
        final List<TradesReadModel.Trade> recent = trades.recent(1_000);
        assertEquals(TRADES_KEPT, recent.size());
        for (int i = 0; i < recent.size(); i++)
        {
            assertEquals(exchange.lastTradeId() - i, recent.get(i).tradeId(), "newest first, none missing");
        }
        for (final TradesReadModel.Trade trade : trades.recent(2, 10))
        {
            assertEquals(2, trade.symbol());
        }
    }

    @Test
    void shouldSeedFromTheSnapshotAndFollowTheTail() throws Exception
    {
        final WorkloadConfig config = workload();
        final InMemoryJournal journal = new InMemoryJournal(64);
        final InMemorySnapshotStore snapshots = new InMemorySnapshotStore();
        try (Engine engine = Engine.launch(context(new ExchangeStateMachine(config.maxAssets(), true), journal, snapshots)
            .snapshotEvery(7_000)))
        {
            new WorkloadGenerator(config).generate((type, payload, length) ->
                engine.publish(type, CommandEncoder.VERSION, 0, 0, 0, payload, 0, length));
        }
        assertTrue(snapshots.positions().length > 0);

        final DepthReadModel depth = new DepthReadModel();
        final BalancesReadModel balances = new BalancesReadModel(config.maxAssets());
        final long[] seededAt = {-1};
        final ExchangeStateMachine exchange = new ExchangeStateMachine(config.maxAssets(), true).onSnapshotLoaded((ex) ->
        {
            depth.seed(ex);
            balances.seed(ex);
            seededAt[0] = ex.lastPosition();
        });
        try (Engine engine = Engine.launch(context(exchange, journal, snapshots)
            .listener("depth", depth).listener("balances", balances)))
        {
            assertEquals(journal.lastPosition() + 1, engine.nextPosition());
        }
        assertEquals(snapshots.positions()[0], seededAt[0], "seeded from the newest snapshot");
        assertMatches(exchange, depth, balances);
    }

    private static void assertMatches(
        final ExchangeStateMachine exchange, final DepthReadModel depth, final BalancesReadModel balances)
    {
        for (final int symbol : exchange.symbols())
        {
            final DepthReadModel.Depth book = depth.depth(symbol, Integer.MAX_VALUE);
            assertEquals(levels(exchange, symbol, Side.BUY), List.of(book.bids()), "bids of " + symbol);
            assertEquals(levels(exchange, symbol, Side.SELL), List.of(book.asks()), "asks of " + symbol);
        }
        for (final long account : exchange.accountIds())
        {
            for (int asset = 0; asset < exchange.maxAssets(); asset++)
            {
                assertEquals(new BalancesReadModel.Balance(account, asset, exchange.free(account, asset),
                    exchange.reserved(account, asset)), balances.balance(account, asset));
            }
        }
        assertEquals(exchange.accountIds().length, balances.accountCount());
    }

    private static List<DepthReadModel.Level> levels(final ExchangeStateMachine exchange, final int symbol, final Side side)
    {
        final List<DepthReadModel.Level> levels = new ArrayList<>();
        exchange.forEachLevel(symbol, side, (price, qty, count) -> levels.add(new DepthReadModel.Level(price, qty, count)));
        return levels;
    }

    private static EngineContext context(
        final ExchangeStateMachine exchange, final InMemoryJournal journal, final InMemorySnapshotStore snapshots)
    {
        return new EngineContext().name("read-models").topology(Topology.COMPACT).stateMachine(exchange)
            .journal(journal).snapshotStore(snapshots).maxPayloadLength(64).ringSize(1024).outputRingSize(1 << 14);
    }
}
