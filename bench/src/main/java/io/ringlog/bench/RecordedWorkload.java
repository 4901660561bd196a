package io.ringlog.bench;

import io.ringlog.exchange.workload.WorkloadConfig;
import io.ringlog.exchange.workload.WorkloadGenerator;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A generated exchange workload held in memory, packed, so a benchmark can publish it without
 * generating it on the measured path: every command's payload back to back in one buffer, with
 * parallel arrays of types and offsets.
 *
 * <pre>
 *   types    [ t0 | t1 | t2 | ... ]
 *   offsets  [ 0  | o1 | o2 | ... | end ]     payload i = payloads[offsets[i], offsets[i+1])
 *   payloads [ payload 0 | payload 1 | payload 2 | ... ]
 * </pre>
 */
public final class RecordedWorkload
{
    private final int[] types;
    private final int[] offsets;
    private final UnsafeBuffer payloads;
    private final int setupCommands;

    private RecordedWorkload(final int[] types, final int[] offsets, final UnsafeBuffer payloads, final int setupCommands)
    {
        this.types = types;
        this.offsets = offsets;
        this.payloads = payloads;
        this.setupCommands = setupCommands;
    }

    /** Generates {@code config}'s whole stream (set-up and flow) into memory. */
    public static RecordedWorkload record(final WorkloadConfig config) throws Exception
    {
        final Recorder recorder = new Recorder();
        final WorkloadGenerator generator = new WorkloadGenerator(config);
        generator.generate(recorder);
        recorder.offsets.addInt(recorder.end);
        return new RecordedWorkload(
            recorder.types.toIntArray(),
            recorder.offsets.toIntArray(),
            new UnsafeBuffer(recorder.bytes.byteArray(), 0, recorder.end),
            Math.toIntExact(generator.setupCommands()));
    }

    /** Commands in the stream. */
    public int size()
    {
        return types.length;
    }

    /** Instruments, deposits and the prefilled book: the first commands, before the order flow. */
    public int setupCommands()
    {
        return setupCommands;
    }

    public int type(final int index)
    {
        return types[index];
    }

    public int offset(final int index)
    {
        return offsets[index];
    }

    public int length(final int index)
    {
        return offsets[index + 1] - offsets[index];
    }

    /** All payloads; command {@code i}'s is at {@link #offset(int)} for {@link #length(int)} bytes. */
    public DirectBuffer payloads()
    {
        return payloads;
    }

    private static final class Recorder implements WorkloadGenerator.CommandSink
    {
        final IntArrayList types = new IntArrayList();
        final IntArrayList offsets = new IntArrayList();
        final ExpandableArrayBuffer bytes = new ExpandableArrayBuffer(1 << 20);
        int end;

        @Override
        public void command(final int type, final DirectBuffer payload, final int length)
        {
            types.addInt(type);
            offsets.addInt(end);
            bytes.putBytes(end, payload, 0, length);
            end += length;
        }
    }
}
