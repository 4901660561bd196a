package io.ringlog.bench.peers;

import exchange.core2.core.ExchangeApi;
import exchange.core2.core.common.api.ApiBinaryDataCommand;
import exchange.core2.core.common.api.ApiCommand;
import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Fixed-rate (open-loop) latency of exchange-core on a translated command file, corrected for
 * coordinated omission, paced as ringlog's {@code LatencyHarness} paces: flow command i is meant to be
 * sent at {@code start + i / rate}; the publisher parks while the next send is far, yields while it is
 * near, and when it falls behind sends back to back. Each command carries its intended time in its
 * {@code timestamp}; {@link LatencyProbe} measures from there to its result on exchange-core's results
 * thread. The set-up is loaded first, untimed; the first {@code warmup} seconds of sends are not recorded.
 * The flow is sent once, never replayed (order ids would repeat), so the file must hold
 * {@code rate × (warmup + seconds)} flow commands.
 */
final class LatencyRun
{
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** Farther than this from the next send, the publisher parks; closer, it yields. */
    private static final long PARK_THRESHOLD_NANOS = 200_000;
    /** parkNanos overshoots by tens of microseconds on Linux; wake up early and yield the rest. */
    private static final long PARK_MARGIN_NANOS = 100_000;
    private static final long DRAIN_TIMEOUT_NANOS = 60 * NANOS_PER_SECOND;

    /** What a run measured. */
    record Result(Histogram corrected, Histogram service, long commands, long maxSendLagNanos, double achievedRate,
        ResultCounts setupCounts, ResultCounts flowCounts, int exchangeThreads)
    {
    }

    private LatencyRun()
    {
    }

    /** Flow commands a run at {@code rate} for {@code warmupSeconds + seconds} needs. */
    static long commandsNeeded(final long rate, final long warmupSeconds, final long seconds)
    {
        return Math.multiplyExact(rate, warmupSeconds + seconds);
    }

    static Result run(
        final Translation translation,
        final PeerExchange.Settings settings,
        final long rate,
        final long warmupSeconds,
        final long seconds)
    {
        if (rate <= 0 || seconds <= 0 || warmupSeconds < 0)
        {
            throw new IllegalArgumentException("rate and seconds must be positive, warm-up not negative");
        }
        final List<ApiCommand> flow = translation.flow();
        final long needed = commandsNeeded(rate, warmupSeconds, seconds);
        if (needed > flow.size())
        {
            throw new IllegalArgumentException(String.format(
                "%d/s for %d s (%d s warm-up) needs %d flow commands; the file has %d: generate a longer one " +
                    "(scripts/exchange generate -n %d) or shorten the run", rate, warmupSeconds + seconds, warmupSeconds,
                needed, flow.size(), needed));
        }
        for (int i = 0; i < needed; i++)
        {
            if (flow.get(i) instanceof ApiBinaryDataCommand)
            {
                throw new IllegalArgumentException("flow command " + (i + 1) + " adds an instrument: a binary command " +
                    "spans several ring slots and would break the one-result-per-command latency bookkeeping");
            }
        }
        final int total = (int)needed;
        try (PeerExchange exchange = PeerExchange.start(settings))
        {
            final ResultCounter counter = exchange.counter();
            exchange.submitSync(translation.setup());
            final ResultCounts setupCounts = counter.snapshot();
            counter.reset();

            final long start = System.nanoTime() + NANOS_PER_SECOND / 10;
            final LatencyProbe probe = new LatencyProbe(total, start + warmupSeconds * NANOS_PER_SECOND);
            counter.probe(probe);
            final long maxSendLag = publishAtFixedRate(exchange.api(), flow, probe, start, total, rate);
            final long sent = System.nanoTime();
            awaitResults(probe, total);
            // n commands on schedule span n/rate: to the last send and one interval more, as ringlog's harness has it
            // (to the last send alone read n/(n-1) of the rate).
            final double achieved = total * (double)NANOS_PER_SECOND / (sent - start + NANOS_PER_SECOND / rate);
            counter.probe(null);
            return new Result(probe.corrected(), probe.service(), total, maxSendLag, achieved, setupCounts,
                counter.snapshot(), exchange.liveThreads());
        }
    }

    /** Sends flow command i at start + i/rate; returns how far behind schedule the worst send was, in ns. */
    private static long publishAtFixedRate(
        final ExchangeApi api, final List<ApiCommand> flow, final LatencyProbe probe, final long start, final int total,
        final long rate)
    {
        long maxSendLag = 0;
        for (int i = 0; i < total; i++)
        {
            final long intended = start + i * NANOS_PER_SECOND / rate;
            long now;
            while ((now = System.nanoTime()) < intended)
            {
                final long remaining = intended - now;
                if (remaining > PARK_THRESHOLD_NANOS)
                {
                    LockSupport.parkNanos(remaining - PARK_MARGIN_NANOS);
                }
                else
                {
                    Thread.yield();
                }
            }
            maxSendLag = Math.max(maxSendLag, now - intended);
            final ApiCommand command = flow.get(i);
            command.timestamp = intended;
            probe.sent(i, now);
            api.submitCommand(command);
        }
        return maxSendLag;
    }

    private static void awaitResults(final LatencyProbe probe, final int total)
    {
        final long deadline = System.nanoTime() + DRAIN_TIMEOUT_NANOS;
        while (probe.received() < total)
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("exchange-core answered " + probe.received() + " of " + total +
                    " commands within 60 s of the last send");
            }
            LockSupport.parkNanos(PARK_THRESHOLD_NANOS);
        }
    }
}
