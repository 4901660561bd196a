package io.ringlog.example.ledger;

import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.InMemoryJournal;
import io.ringlog.core.Journal;
import io.ringlog.core.ReadOnlyJournal;
import io.ringlog.core.Topology;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Runs a seeded stream of random deposits, withdrawals and transfers through an engine, then
 * replays the journal into a fresh ledger and checks both reach the same state hash. Prints
 * {@code key: value} lines.
 */
public final class LedgerDemo
{
    private LedgerDemo()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        long commands = 1_000_000;
        int accounts = 1_000;
        long seed = 1;
        Topology topology = Topology.COMPACT;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--commands": commands = Long.parseLong(args[++i]); break;
                case "--accounts": accounts = Integer.parseInt(args[++i]); break;
                case "--seed": seed = Long.parseLong(args[++i]); break;
                case "--topology": topology = Topology.valueOf(args[++i].toUpperCase()); break;
                default:
                    System.err.println("usage: ledger-demo [--commands N] [--accounts N] [--seed N] " +
                        "[--topology PIPELINED|COMPACT]");
                    System.exit(2);
            }
        }
        run(commands, accounts, seed, topology, new InMemoryJournal(64));
    }

    /** What a run found: the live and replayed state hashes, and how many commands were accepted and rejected. */
    record Result(long liveHash, long replayHash, long accepted, long rejected)
    {
    }

    static Result run(final long commands, final int accounts, final long seed, final Topology topology,
        final Journal journal) throws Exception
    {
        final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        final long[] counts = new long[2];
        final LedgerStateMachine ledger = new LedgerStateMachine();
        final EpochNanoClock clock = new OffsetEpochNanoClock();
        final EngineContext ctx = new EngineContext()
            .name("ledger")
            .stateMachine(ledger)
            .journal(journal)
            .topology(topology)
            .clock(clock)
            .maxPayloadLength(64)
            .listener("stats", (event, endOfBatch) ->
            {
                if (event.index() == 0)
                {
                    latency.recordValue(Math.max(0, clock.nanoTime() - event.timestamp()));
                    counts[event.isRejection() ? 1 : 0]++;
                }
            });
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
        final SplittableRandom random = new SplittableRandom(seed);
        final long start = System.nanoTime();
        final Engine engine = Engine.launch(ctx);
        for (long i = 0; i < commands; i++)
        {
            final long account = 1 + random.nextInt(accounts);
            final int pick = random.nextInt(10);
            final int type;
            final int length;
            if (pick < 3)
            {
                type = LedgerCodec.DEPOSIT;
                length = LedgerCodec.accountAmount(payload, account, 1 + random.nextInt(10_000));
            }
            else if (pick < 5)
            {
                type = LedgerCodec.WITHDRAW;
                length = LedgerCodec.accountAmount(payload, account, 1 + random.nextInt(10_000));
            }
            else
            {
                type = LedgerCodec.TRANSFER;
                length = LedgerCodec.transfer(payload, account, 1 + random.nextInt(accounts), 1 + random.nextInt(5_000));
            }
            engine.publish(type, 1, i + 1, i, payload, 0, length);
        }
        engine.close();
        final long elapsed = System.nanoTime() - start;
        final long liveHash = engine.stateHash();

        final long replayStart = System.nanoTime();
        final Engine replay = Engine.launch(new EngineContext().name("ledger-replay")
            .stateMachine(new LedgerStateMachine()).journal(ReadOnlyJournal.of(journal)).maxPayloadLength(64));
        replay.close();
        final long replayElapsed = System.nanoTime() - replayStart;

        System.out.println("topology: " + topology + " (wait strategy " + ctx.waitStrategy() + ", " +
            Runtime.getRuntime().availableProcessors() + " cores, producer publishing flat out)");
        System.out.println("commands: " + commands);
        System.out.println("accepted: " + counts[0]);
        System.out.println("rejected: " + counts[1]);
        System.out.printf("throughput: %.0f commands/s%n", commands * 1e9 / elapsed);
        // The producer never waits, so the ring fills: this is queueing delay under saturation, not
        // service time. The bench module's fixed-rate harness measures latency properly.
        System.out.printf("saturated-latency-us: p50=%.1f p99=%.1f p99.9=%.1f max=%.1f%n",
            latency.getValueAtPercentile(50) / 1e3, latency.getValueAtPercentile(99) / 1e3,
            latency.getValueAtPercentile(99.9) / 1e3, latency.getMaxValue() / 1e3);
        System.out.printf("state-hash: %016x%n", liveHash);
        System.out.printf("replay-hash: %016x%n", replay.stateHash());
        System.out.printf("replay-rate: %.0f commands/s%n", commands * 1e9 / replayElapsed);
        System.out.println("replay-matches: " + (liveHash == replay.stateHash()));
        return new Result(liveHash, replay.stateHash(), counts[0], counts[1]);
    }
}
