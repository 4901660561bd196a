package io.ringlog.exchange.kafka;

import io.ringlog.exchange.ExchangeStateMachine;
import io.ringlog.exchange.readmodel.BalancesReadModel;
import io.ringlog.exchange.readmodel.DepthReadModel;
import io.ringlog.kafka.KafkaEventReader;
import io.ringlog.kafka.TestBroker;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Scale-out by partition: two engines, each on one partition of a 2-partition commands topic, end
 * with the books one engine makes of the whole stream; the ledgers add up as the router's rule says;
 * and read models built from each engine's events topic in another consumer equal the engine's own.
 */
@ExtendWith(TestBroker.Resolver.class)
class ScaleOutTest
{
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    /** An engine and the read models it feeds in its own process. */
    private record Running(ExchangeKafkaEngine engine, DepthReadModel depth, BalancesReadModel balances)
    {
    }

    @Test
    void shouldEndWithTheSameBooksOnTwoEnginesAsOneEngineOnTheWholeStream(final TestBroker broker, @TempDir final Path dir)
        throws Exception
    {
        final List<Workloads.Generated> commands = Workloads.generate(Workloads.small(5, 15_000));
        final String split = broker.createTopic(TestBroker.uniqueName("commands-split"), 2);
        final String whole = broker.createTopic(TestBroker.uniqueName("commands-whole"), 1);
        final String splitDead = broker.createTopic(TestBroker.uniqueName("dead-split"), 2);
        final String wholeDead = broker.createTopic(TestBroker.uniqueName("dead-whole"), 1);
        final String eventsA = broker.createTopic(TestBroker.uniqueName("events-a"), 3);
        final String eventsB = broker.createTopic(TestBroker.uniqueName("events-b"), 3);
        final String eventsOne = broker.createTopic(TestBroker.uniqueName("events-one"), 3);
        final CommandRouter router;
        try (CommandFeed two = new CommandFeed(broker.bootstrapServers(), split, 0, 0);
             CommandFeed one = new CommandFeed(broker.bootstrapServers(), whole, 0, 0))
        {
            Workloads.feed(two, commands);
            Workloads.feed(one, commands);
            router = two.router();
            assertTrue(two.records(0) > 1000 && two.records(1) > 1000, "both partitions have flow");
        }

        final Running a = start(broker, split, splitDead, eventsA, dir.resolve("a"), 0);
        final Running b = start(broker, split, splitDead, eventsB, dir.resolve("b"), 1);
        final Running single = start(broker, whole, wholeDead, eventsOne, dir.resolve("one"), 0);
        awaitCaughtUp(broker, a, b, single);
        a.engine().close();
        b.engine().close();
        single.engine().close();

        final ExchangeStateMachine one = single.engine().exchange();
        final int[] symbols = one.symbols();
        assertTrue(symbols.length >= 6, "the workload's symbols: " + Arrays.toString(symbols));
        for (final int symbol : symbols)
        {
            final Running owner = router.partitionOf(symbol) == 0 ? a : b;
            final Running other = owner == a ? b : a;
            assertEquals(Workloads.orders(one, symbol), Workloads.orders(owner.engine().exchange(), symbol),
                "symbol " + symbol + ": the same resting orders, in the same priority");
            assertTrue(Workloads.orders(one, symbol).size() > 10, "symbol " + symbol + " has a book to compare");
            assertEquals(null, other.engine().exchange().instrument(symbol), "symbol " + symbol + " lives on one engine");
        }

        // The rule for deposits and withdrawals: each engine applied every one; their ledgers add up to one
        // engine's less the extra copies.
        final Map<String, Long> net = Workloads.netDeposits(commands);
        for (final long account : one.accountIds())
        {
            for (int asset = 0; asset < one.maxAssets(); asset++)
            {
                final long extra = net.getOrDefault(account + ":" + asset, 0L);
                assertEquals(total(one, account, asset) + extra,
                    total(a.engine().exchange(), account, asset) + total(b.engine().exchange(), account, asset),
                    "account " + account + " asset " + asset);
            }
        }
        assertArrayEquals(one.accountIds(), a.engine().exchange().accountIds(), "every engine knows every account");
        assertArrayEquals(one.accountIds(), b.engine().exchange().accountIds());

        // The read side in another consumer equals the engines' own read models.
        for (final Running running : List.of(a, b, single))
        {
            final DepthReadModel depth = new DepthReadModel(false);
            final BalancesReadModel balances = new BalancesReadModel(ExchangeRecords.MAX_ASSETS, false);
            readToEnd(broker, List.of(running.engine().context().eventsTopic()), (event, end) ->
            {
                depth.onEvent(event, end);
                balances.onEvent(event, end);
            });
            final ExchangeStateMachine exchange = running.engine().exchange();
            for (final int symbol : exchange.symbols())
            {
                assertDepthEquals(running.depth(), depth, symbol);
            }
            for (final long account : exchange.accountIds())
            {
                assertEquals(running.balances().balances(account), balances.balances(account), "account " + account);
            }
        }
        final DepthReadModel merged = new DepthReadModel(false);
        readToEnd(broker, List.of(eventsA, eventsB), merged);
        for (final int symbol : symbols)
        {
            assertDepthEquals(single.depth(), merged, symbol);
        }
    }

    private static Running start(final TestBroker broker, final String commands, final String dead, final String events,
        final Path journal, final int partition)
    {
        final DepthReadModel depth = new DepthReadModel();
        final BalancesReadModel balances = new BalancesReadModel(ExchangeRecords.MAX_ASSETS);
        final ExchangeKafkaEngine engine = ExchangeKafkaEngine.start(new ExchangeKafkaEngine.Context()
            .name("scale-" + events).bootstrapServers(broker.bootstrapServers()).commandsTopic(commands)
            .partitions(partition).eventsTopic(events).deadLetterTopic(dead).journalDir(journal).snapshotEvery(5_000)
            .listener("depth", depth).listener("balances", balances));
        return new Running(engine, depth, balances);
    }

    private static void awaitCaughtUp(final TestBroker broker, final Running... engines) throws Exception
    {
        final long deadline = System.nanoTime() + TIMEOUT.toNanos();
        for (final Running running : engines)
        {
            final ExchangeKafkaEngine engine = running.engine();
            final Map<Integer, Long> ends = ends(broker, engine.context().commandsTopic(), engine.context().partitions());
            while (!engine.caughtUp(ends))
            {
                assertEquals(null, engine.failure(), "engine " + engine.context().name() + " failed");
                if (System.nanoTime() > deadline)
                {
                    fail(engine.context().name() + " did not catch up with " + ends + " within " + TIMEOUT);
                }
                Thread.sleep(10);   // a poll interval, not a wait for something to happen: the loop checks the condition
            }
        }
    }

    static Map<Integer, Long> ends(final TestBroker broker, final String topic, final int[] partitions)
    {
        final List<TopicPartition> list = new ArrayList<>();
        for (final int partition : partitions)
        {
            list.add(new TopicPartition(topic, partition));
        }
        final Map<Integer, Long> ends = new HashMap<>();
        broker.highWatermarks(list).forEach((partition, end) -> ends.put(partition.partition(), end));
        return ends;
    }

    private static void readToEnd(final TestBroker broker, final List<String> topics,
        final io.ringlog.core.OutputListener listener) throws Exception
    {
        try (KafkaEventReader reader = new KafkaEventReader(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), topics, listener, 256))
        {
            assertTrue(reader.readToEnd(TIMEOUT) > 0, "events in " + topics);
        }
    }

    private static void assertDepthEquals(final DepthReadModel expected, final DepthReadModel actual, final int symbol)
    {
        final DepthReadModel.Depth want = expected.depth(symbol, Integer.MAX_VALUE);
        final DepthReadModel.Depth got = actual.depth(symbol, Integer.MAX_VALUE);
        assertEquals(List.of(want.bids()), List.of(got.bids()), "bids of symbol " + symbol);
        assertEquals(List.of(want.asks()), List.of(got.asks()), "asks of symbol " + symbol);
        assertFalse(want.bids().length == 0 && want.asks().length == 0, "symbol " + symbol + " has depth to compare");
    }

    private static long total(final ExchangeStateMachine exchange, final long account, final int asset)
    {
        return exchange.free(account, asset) + exchange.reserved(account, asset);
    }
}
