package io.ringlog.bench.peers;

import exchange.core2.core.ExchangeApi;
import exchange.core2.core.ExchangeCore;
import exchange.core2.core.common.CoreWaitStrategy;
import exchange.core2.core.common.api.ApiCommand;
import exchange.core2.core.common.api.ApiReset;
import exchange.core2.core.common.cmd.CommandResultCode;
import exchange.core2.core.common.config.ExchangeConfiguration;
import exchange.core2.core.common.config.InitialStateConfiguration;
import exchange.core2.core.common.config.PerformanceConfiguration;
import exchange.core2.core.common.config.SerializationConfiguration;
import exchange.core2.core.utils.AffinityThreadFactory;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One running exchange-core, configured as its own performance tests configure it, with a
 * {@link ResultCounter} as its results consumer. No journaling ({@link SerializationConfiguration#DEFAULT}),
 * a clean start, its default risk and order-processing settings (risk checks per currency on).
 *
 * <pre>
 *  submitting thread ──► [ring, multi-producer] ──► G (grouping) ──► R1 (risk hold) ──► ME (matching)
 *                                                                       R2 (risk release, on R1's thread) ◄──┤
 *                                                                       E  (results: ResultCounter)    ◄──┘
 * </pre>
 * With one matching engine and one risk engine that is four threads, plus whoever submits.
 */
public final class PeerExchange implements AutoCloseable
{
    /** How exchange-core's threads are placed on CPUs. */
    public enum Affinity
    {
        /** Plain threads, as exchange-core's base configuration; the only sensible choice when threads outnumber cores. */
        NONE,
        /** Each thread pinned to a logical CPU (exchange-core's throughput and latency configurations). */
        PER_LOGICAL_CORE,
        /** Each thread pinned to a physical core (exchange-core's own test container). */
        PER_PHYSICAL_CORE
    }

    /**
     * The {@link PerformanceConfiguration} fields a run chooses; the rest (order book implementation
     * {@code OrderBookDirectImpl}, LZ4 compressor for binary commands) come from exchange-core's builders.
     */
    public record Settings(
        CoreWaitStrategy waitStrategy,
        int ringSize,
        int matchingEngines,
        int riskEngines,
        int msgsInGroupLimit,
        int maxGroupDurationNs,
        Affinity affinity)
    {
        /**
         * exchange-core's throughput test ({@code PerfThroughput.testThroughputExchange}): its
         * throughput configuration with a 32K ring and one matching and one risk engine; the wait strategy
         * is the caller's (exchange-core's default, BUSY_SPIN, needs a core per thread).
         */
        public static Settings throughput(final CoreWaitStrategy waitStrategy)
        {
            final PerformanceConfiguration base = PerformanceConfiguration.throughputPerformanceBuilder().build();
            return new Settings(waitStrategy, 32 * 1024, 1, 1, base.getMsgsInGroupLimit(),
                base.getMaxGroupDurationNs(), Affinity.NONE);
        }

        /** exchange-core's latency configuration (2K ring, groups of at most 256 commands or 10 us). */
        public static Settings latency(final CoreWaitStrategy waitStrategy)
        {
            final PerformanceConfiguration base = PerformanceConfiguration.latencyPerformanceBuilder().build();
            return new Settings(waitStrategy, base.getRingBufferSize(), 1, 1, base.getMsgsInGroupLimit(),
                base.getMaxGroupDurationNs(), Affinity.NONE);
        }

        public Settings ringSize(final int size)
        {
            return new Settings(waitStrategy, size, matchingEngines, riskEngines, msgsInGroupLimit, maxGroupDurationNs,
                affinity);
        }

        public Settings grouping(final int limit, final int durationNs)
        {
            return new Settings(waitStrategy, ringSize, matchingEngines, riskEngines, limit, durationNs, affinity);
        }

        public Settings affinity(final Affinity placement)
        {
            return new Settings(waitStrategy, ringSize, matchingEngines, riskEngines, msgsInGroupLimit, maxGroupDurationNs,
                placement);
        }

        public Settings engines(final int matching, final int risk)
        {
            return new Settings(waitStrategy, ringSize, matching, risk, msgsInGroupLimit, maxGroupDurationNs, affinity);
        }

        PerformanceConfiguration performanceConfiguration(final ThreadFactory threadFactory)
        {
            return PerformanceConfiguration.throughputPerformanceBuilder()
                .ringBufferSize(ringSize)
                .matchingEnginesNum(matchingEngines)
                .riskEnginesNum(riskEngines)
                .msgsInGroupLimit(msgsInGroupLimit)
                .maxGroupDurationNs(maxGroupDurationNs)
                .waitStrategy(waitStrategy)
                .threadFactory(threadFactory)
                .build();
        }
    }

    private final ExchangeCore core;
    private final ExchangeApi api;
    private final ResultCounter counter;
    private final CountingThreadFactory threads;
    private final Settings settings;

    private PeerExchange(final Settings settings)
    {
        this.settings = settings;
        this.counter = new ResultCounter();
        this.threads = new CountingThreadFactory(settings.affinity());
        this.core = ExchangeCore.builder()
            .resultsConsumer(counter)
            .exchangeConfiguration(ExchangeConfiguration.defaultBuilder()
                .performanceCfg(settings.performanceConfiguration(threads))
                .initStateCfg(InitialStateConfiguration.CLEAN_TEST)
                .serializationCfg(SerializationConfiguration.DEFAULT)
                .build())
            .build();
        core.startup();
        this.api = core.getApi();
    }

    public static PeerExchange start(final Settings settings)
    {
        return new PeerExchange(settings);
    }

    public Settings settings()
    {
        return settings;
    }

    public ExchangeApi api()
    {
        return api;
    }

    public ResultCounter counter()
    {
        return counter;
    }

    /**
     * Submits the commands in order and returns once the last one's result is in: exchange-core's own
     * {@code submitCommandsSync}, which is also how its throughput test times the benchmark commands.
     */
    public void submitSync(final List<ApiCommand> commands)
    {
        api.submitCommandsSync(commands);
    }

    /** Clears every order book, user and symbol (exchange-core's RESET command), as its throughput test does between iterations. */
    public void reset()
    {
        final CommandResultCode result = api.submitCommandAsync(ApiReset.builder().build()).join();
        if (result != CommandResultCode.SUCCESS)
        {
            throw new IllegalStateException("exchange-core refused RESET: " + result);
        }
    }

    /** exchange-core's threads alive now (the ones its thread factory made; the submitting thread is not one). */
    public int liveThreads()
    {
        return threads.alive();
    }

    @Override
    public void close()
    {
        core.shutdown(3000, TimeUnit.MILLISECONDS);
    }

    /** Makes exchange-core's threads, names the plain ones, and remembers them all so they can be counted. */
    private static final class CountingThreadFactory implements ThreadFactory
    {
        private final ThreadFactory delegate;
        private final List<Thread> made = new CopyOnWriteArrayList<>();
        private final AtomicInteger count = new AtomicInteger();

        CountingThreadFactory(final Affinity affinity)
        {
            this.delegate = switch (affinity)
            {
                case NONE -> null;
                case PER_LOGICAL_CORE -> new AffinityThreadFactory(
                    AffinityThreadFactory.ThreadAffinityMode.THREAD_AFFINITY_ENABLE_PER_LOGICAL_CORE);
                case PER_PHYSICAL_CORE -> new AffinityThreadFactory(
                    AffinityThreadFactory.ThreadAffinityMode.THREAD_AFFINITY_ENABLE_PER_PHYSICAL_CORE);
            };
        }

        @Override
        public Thread newThread(final Runnable runnable)
        {
            final Thread thread = delegate != null ? delegate.newThread(runnable) :
                new Thread(runnable, String.format(Locale.ROOT, "exchange-core-%d", count.incrementAndGet()));
            made.add(thread);
            return thread;
        }

        int alive()
        {
            int alive = 0;
            for (final Thread thread : made)
            {
                if (thread.isAlive())
                {
                    alive++;
                }
            }
            return alive;
        }
    }
}
