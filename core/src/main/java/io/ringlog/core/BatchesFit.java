package io.ringlog.core;

import com.lmax.disruptor.WaitStrategy;
import io.ringlog.core.engine.ParkingWaitStrategy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A stage waiting with a batching {@link ParkingWaitStrategy} ({@link WaitStrategies#BATCHING}) holds off until a
 * batch is ready or its delay has passed: on a ring that cannot hold two batches nearly every batch would wait
 * out the delay, silently. A launch is refused instead, naming every ring that is too small.
 */
final class BatchesFit
{
    /** The largest ring the Disruptor makes: 2^30 slots. */
    private static final long LARGEST_RING = 1L << 30;

    private BatchesFit()
    {
    }

    /** A ring too small for two batches of the strategy its consumers wait with. */
    private record TooSmall(String ring, int size, ParkingWaitStrategy strategy)
    {
        /** Two batches, as a power of two: the smallest ring that holds them (in a long: batches near 2^30 double past an int). */
        long needed()
        {
            return Long.highestOneBit(2L * strategy.batch() - 1) << 1;
        }

        String withArticle()
        {
            return (ring.startsWith("o") ? "an " : "a ") + ring;
        }

        @Override
        public String toString()
        {
            return ring + " " + size;
        }
    }

    /** Throws if a ring cannot hold two batches of the strategy its stages wait with (the instance that ring gets). */
    static void check(final EngineContext ctx, final WaitStrategy input, final WaitStrategy output)
    {
        final List<TooSmall> tooSmall = new ArrayList<>(2);
        add(tooSmall, "ringSize", ctx.ringSize(), input);
        add(tooSmall, "outputRingSize", ctx.outputRingSize(), output);
        if (tooSmall.isEmpty())
        {
            return;
        }
        final ParkingWaitStrategy strategy = tooSmall.get(0).strategy();
        final long needed = tooSmall.stream().mapToLong(TooSmall::needed).max().getAsLong();
        final String named = ctx.waitStrategy() == WaitStrategies.BATCHING ? "BATCHING" : strategy.toString();
        throw new IllegalArgumentException("waitStrategy " + named + " holds off a stage that finds fewer than " +
            strategy.batch() + " entries ready (for at least " + duration(strategy.batchDelayNanos()) + ") before it " +
            "takes them, and " + tooSmall.stream().map(TooSmall::toString).collect(Collectors.joining(" and ")) +
            " cannot hold two such batches: nearly every batch would wait out the hold; " + (needed > LARGEST_RING ?
            "no ring can (the largest holds 2^30 entries): use a smaller batch" :
            "use " + (tooSmall.size() > 1 ? "rings" : tooSmall.get(0).withArticle()) + " of at least " + needed +
            " entries") + ", or PARKING");
    }

    private static void add(final List<TooSmall> tooSmall, final String ring, final int size, final WaitStrategy strategy)
    {
        if (strategy instanceof ParkingWaitStrategy && ((ParkingWaitStrategy)strategy).batch() > 1 &&
            size < 2L * ((ParkingWaitStrategy)strategy).batch())
        {
            tooSmall.add(new TooSmall(ring, size, (ParkingWaitStrategy)strategy));
        }
    }

    private static String duration(final long nanos)
    {
        return nanos % 1_000 == 0 ? nanos / 1_000 + " µs" : nanos + " ns";
    }
}
