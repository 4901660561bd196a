package io.ringlog.exchange;

import io.ringlog.core.Command;
import io.ringlog.core.DiscardingOutput;
import io.ringlog.core.Output;
import io.ringlog.exchange.codec.CommandEncoder;
import io.ringlog.exchange.workload.WorkloadConfig;
import io.ringlog.exchange.workload.WorkloadGenerator;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.IntArrayList;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hot path allocates nothing once pools and arrays have grown to the working set: an
 * exchange-core shaped flow is applied to warm up, and its last 100,000 commands are measured with
 * the JVM's per-thread allocation counter, read around chunks of 10,000 commands so nothing but
 * {@code apply} runs inside a measurement. (JMH with {@code -prof gc} is the benchmark-grade check.)
 */
class ExchangeAllocationTest
{
    @Test
    void shouldNotAllocateWhileMatchingInSteadyState() throws Exception
    {
        final ExpandableArrayBuffer stream = new ExpandableArrayBuffer(1 << 20);
        final IntArrayList types = new IntArrayList();
        final IntArrayList offsets = new IntArrayList();
        final int[] end = {0};
        new WorkloadGenerator(WorkloadConfig.exchangeCore(11, 300_000)).generate((type, payload, length) ->
        {
            types.addInt(type);
            offsets.addInt(end[0]);
            stream.putBytes(end[0], payload, 0, length);
            end[0] += length;
        });
        offsets.addInt(end[0]);

        final ExchangeStateMachine exchange = new ExchangeStateMachine(ExchangeStateMachine.DEFAULT_MAX_ASSETS, true);
        final DiscardingOutput output = new DiscardingOutput(256);
        final Command command = new Command(64);
        final int total = types.size();
        final int warm = total - 100_000;
        apply(exchange, output, command, stream, types, offsets, 0, warm);

        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        long allocated = 0;
        for (int from = warm; from < total; from += 10_000)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            apply(exchange, output, command, stream, types, offsets, from, Math.min(total, from + 10_000));
            allocated += threads.getCurrentThreadAllocatedBytes() - before;
        }

        assertTrue(output.events() > 100_000, "the measured flow emits events: " + output.events());
        // A tripwire, not the proof (JMH -prof gc is): one object per command would be >= 16 B/command,
        // while a one-off deoptimisation can show a few kilobytes once; allow under 1 B/command.
        assertTrue(allocated < 100_000, allocated + " bytes allocated applying 100,000 commands in steady state");
    }

    private static void apply(
        final ExchangeStateMachine exchange,
        final Output output,
        final Command command,
        final DirectBuffer stream,
        final IntArrayList types,
        final IntArrayList offsets,
        final int from,
        final int to)
    {
        for (int i = from; i < to; i++)
        {
            final int offset = offsets.getInt(i);
            command.set(i + 1, i, types.getInt(i), CommandEncoder.VERSION, 0, 0, i, stream, offset,
                offsets.getInt(i + 1) - offset);
            exchange.apply(command, output);
        }
    }
}
