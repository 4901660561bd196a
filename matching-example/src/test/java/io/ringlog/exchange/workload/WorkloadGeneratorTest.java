package io.ringlog.exchange.workload;

import io.ringlog.core.Hashing;
import io.ringlog.exchange.codec.CommandEncoder;
import io.ringlog.exchange.codec.CommandTypes;
import io.ringlog.exchange.codec.command.PlaceOrderCommandDecoder;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkloadGeneratorTest
{
    @Test
    void shouldGenerateTheSameStreamForTheSameSeed() throws Exception
    {
        assertEquals(streamHash(WorkloadConfig.exchangeCore(5, 20_000)), streamHash(WorkloadConfig.exchangeCore(5, 20_000)));
        assertNotEquals(streamHash(WorkloadConfig.exchangeCore(5, 20_000)), streamHash(WorkloadConfig.exchangeCore(6, 20_000)));
    }

    @Test
    void shouldFollowTheExchangeCoreShape() throws Exception
    {
        final long commands = 100_000;
        final WorkloadGenerator generator = new WorkloadGenerator(WorkloadConfig.exchangeCore(1, commands));
        final long total = generator.generate((type, payload, length) ->
        {
        });
        assertEquals(1 + 2_000 * 2 + 1_000 + commands, total, "instrument, two deposits per account, prefill, flow");
        assertEquals(1 + 2_000 * 2 + 1_000, generator.setupCommands());
        final long[] kinds = generator.kindCounts();
        assertShare(71, kinds[WorkloadConfig.MOVE], commands, 3);
        assertShare(13, kinds[WorkloadConfig.GTC], commands, 3);
        assertShare(7, kinds[WorkloadConfig.REDUCE], commands, 2);
        assertShare(7, kinds[WorkloadConfig.CANCEL], commands, 3);
        assertShare(1.7, kinds[WorkloadConfig.IOC], commands, 1);
        assertTrue(kinds[WorkloadConfig.FOK] > 0, "a few FOK");
        assertTrue(generator.shadowRejections() < commands / 100,
            "moves, reduces and cancels target live orders: " + generator.shadowRejections() + " rejections");
        final int resting = generator.shadow().liveOrders();
        assertTrue(resting > 700 && resting < 1_300, "the book stays near 1,000 orders: " + resting);
        assertTrue(generator.shadowTrades() > commands / 50, "the flow trades: " + generator.shadowTrades());
    }

    @Test
    void shouldSkewFlowTowardsPopularSymbols() throws Exception
    {
        final long[] perSymbol = new long[51];
        final PlaceOrderCommandDecoder place = new PlaceOrderCommandDecoder();
        final WorkloadGenerator generator =
            new WorkloadGenerator(WorkloadConfig.manySymbols(3, 50_000).accounts(200).restingPerSymbol(20));
        generator.generate((type, payload, length) ->
        {
            if (type == CommandTypes.PLACE_ORDER)
            {
                perSymbol[place.wrap(payload, 0, length, CommandEncoder.VERSION).symbol()]++;
            }
        });
        assertTrue(perSymbol[1] > 5 * perSymbol[50], "symbol 1 " + perSymbol[1] + " vs symbol 50 " + perSymbol[50]);
        assertTrue(perSymbol[50] > 0, "every symbol gets some flow");
        assertTrue(generator.shadowRejections() < 500, "rejections: " + generator.shadowRejections());
    }

    private static void assertShare(final double percent, final long count, final long total, final double tolerance)
    {
        final double share = 100.0 * count / total;
        assertTrue(Math.abs(share - percent) <= tolerance, "share " + share + "% vs " + percent + "%");
    }

    private static long streamHash(final WorkloadConfig config) throws Exception
    {
        final long[] hash = {0};
        new WorkloadGenerator(config).generate((type, payload, length) ->
        {
            hash[0] = Hashing.combine(hash[0], type);
            for (int i = 0; i < length; i++)
            {
                hash[0] = Hashing.combine(hash[0], payload.getByte(i));
            }
        });
        return hash[0];
    }
}
