package io.ringlog.bench;

import io.ringlog.exchange.workload.WorkloadConfig;
import io.ringlog.exchange.workload.WorkloadGenerator;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

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
 *
 * {@link #write} saves it to a file and {@link #read} loads it back, so several JVMs (the benchmark
 * suite's JMH forks and its latency run) publish the very same bytes, generated once. The file, all
 * little-endian:
 * <pre>
 *   offset  size          field
 *   0       4             magic "RLWL"
 *   4       4             format version (1)
 *   8       8             seed
 *   16      8             flow commands the generator was asked for
 *   24      4             set-up commands (the first ones)
 *   28      4             commands in the stream (n)
 *   32      4             payload bytes (p)
 *   36      4             asset ids the exchange must accept
 *   40      4 n           types
 *   40+4n   4 (n + 1)     offsets
 *   44+8n   p             payloads
 * </pre>
 */
public final class RecordedWorkload
{
    private static final int MAGIC = 'R' | 'L' << 8 | 'W' << 16 | 'L' << 24;
    private static final int VERSION = 1;
    private static final int HEADER_LENGTH = 40;
    /** Ints moved through the file per buffer: large arrays go in slices, not one copy of the whole. */
    private static final int CHUNK_INTS = 1 << 20;

    private final int[] types;
    private final int[] offsets;
    private final UnsafeBuffer payloads;
    private final int setupCommands;
    private final long seed;
    private final long flowCommands;
    private final int maxAssets;

    private RecordedWorkload(
        final int[] types,
        final int[] offsets,
        final UnsafeBuffer payloads,
        final int setupCommands,
        final long seed,
        final long flowCommands,
        final int maxAssets)
    {
        this.types = types;
        this.offsets = offsets;
        this.payloads = payloads;
        this.setupCommands = setupCommands;
        this.seed = seed;
        this.flowCommands = flowCommands;
        this.maxAssets = maxAssets;
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
            Math.toIntExact(generator.setupCommands()),
            config.seed(),
            config.commands(),
            config.maxAssets());
    }

    /**
     * The exchange-core stream of {@code seed} and {@code flowCommands}: read from {@code file} (a stream
     * {@link #write} saved, as the suite hands its benchmarks), or generated when {@code file} is empty.
     * A saved stream of another seed or length is refused, saying which parameters it needs.
     */
    public static RecordedWorkload load(final String file, final long seed, final long flowCommands) throws Exception
    {
        final RecordedWorkload workload = file.isEmpty() ? record(WorkloadConfig.exchangeCore(seed, flowCommands)) :
            read(Path.of(file));
        if (workload.seed() != seed || workload.flowCommands() != flowCommands)
        {
            throw new IllegalStateException(file + " was generated with seed " + workload.seed() + " and " +
                workload.flowCommands() + " flow commands, not -p seed=" + seed + " -p flowCommands=" + flowCommands);
        }
        return workload;
    }

    /** Writes the stream to {@code file} in the format above, replacing it. */
    public void write(final Path file) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            final ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            header.putInt(MAGIC).putInt(VERSION).putLong(seed).putLong(flowCommands).putInt(setupCommands)
                .putInt(types.length).putInt(offsets[types.length]).putInt(maxAssets).flip();
            writeFully(channel, header);
            writeInts(channel, types);
            writeInts(channel, offsets);
            writeFully(channel, ByteBuffer.wrap(payloads.byteArray(), 0, offsets[types.length]));
        }
    }

    /**
     * What {@link #load} would refuse of {@code file} for {@code seed} and {@code flowCommands}, read from its header
     * alone, or null: for a check before a benchmark's forks start (a reviewer gave a text command file, meant for
     * bench/peers/peer, and got its refusal from every fork with a stack trace).
     */
    public static String problem(final Path file, final long seed, final long flowCommands)
    {
        if (Files.isDirectory(file))
        {
            return file + " is a directory; give a recorded workload file";
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            while (header.hasRemaining() && channel.read(header) >= 0)
            {
                // Until the header is read, or the file ends.
            }
            header.flip();
            if (header.remaining() < HEADER_LENGTH || header.getInt() != MAGIC || header.getInt() != VERSION)
            {
                return file + " is not a recorded workload (format " + VERSION + "): the benchmark suite records them " +
                    "(scripts/bench suite --keep-work keeps its work/ directory); a text command file of scripts/exchange " +
                    "generate is bench/peers/peer's input";
            }
            final long recordedSeed = header.getLong();
            final long recordedFlow = header.getLong();
            return recordedSeed == seed && recordedFlow == flowCommands ? null : file + " was generated with seed " +
                recordedSeed + " and " + recordedFlow + " flow commands, not -p seed=" + seed + " -p flowCommands=" +
                flowCommands + ": give those";
        }
        catch (final IOException ex)
        {
            return "cannot read " + file + " (" + io.ringlog.journal.FileErrors.describe(ex, file) + ")";
        }
    }

    /** Loads a stream {@link #write} saved; fails on a file of another format or a short one. */
    public static RecordedWorkload read(final Path file) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, header, file);
            header.flip();
            if (header.getInt() != MAGIC || header.getInt() != VERSION)
            {
                throw new IOException(file + " is not a recorded workload (format " + VERSION + ")");
            }
            final long seed = header.getLong();
            final long flowCommands = header.getLong();
            final int setupCommands = header.getInt();
            final int size = header.getInt();
            final int payloadBytes = header.getInt();
            final int maxAssets = header.getInt();
            final long expected = HEADER_LENGTH + 4L * size + 4L * (size + 1) + payloadBytes;
            if (Files.size(file) != expected)
            {
                throw new IOException(file + " holds " + Files.size(file) + " bytes; its header says " + expected);
            }
            final int[] types = readInts(channel, size, file);
            final int[] offsets = readInts(channel, size + 1, file);
            final byte[] bytes = new byte[payloadBytes];
            readFully(channel, ByteBuffer.wrap(bytes), file);
            return new RecordedWorkload(types, offsets, new UnsafeBuffer(bytes), setupCommands, seed, flowCommands,
                maxAssets);
        }
    }

    /**
     * CRC32C over commands {@code [from, to)}: each one's type (4 bytes, little-endian) then its payload.
     * A fingerprint a report can print for each side of a comparison; equal streams have equal ones.
     */
    public long checksum(final int from, final int to)
    {
        final CRC32C crc = new CRC32C();
        final ByteBuffer type = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        final byte[] bytes = payloads.byteArray();
        for (int i = from; i < to; i++)
        {
            type.clear();
            type.putInt(types[i]).flip();
            crc.update(type);
            crc.update(bytes, offsets[i], length(i));
        }
        return crc.getValue();
    }

    private static void writeInts(final FileChannel channel, final int[] values) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocate(CHUNK_INTS * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int from = 0; from < values.length; from += CHUNK_INTS)
        {
            final int count = Math.min(CHUNK_INTS, values.length - from);
            buffer.clear();
            buffer.asIntBuffer().put(values, from, count);
            buffer.limit(count * Integer.BYTES);
            writeFully(channel, buffer);
        }
    }

    private static int[] readInts(final FileChannel channel, final int count, final Path file) throws IOException
    {
        final int[] values = new int[count];
        final ByteBuffer buffer = ByteBuffer.allocate(CHUNK_INTS * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int from = 0; from < count; from += CHUNK_INTS)
        {
            final int slice = Math.min(CHUNK_INTS, count - from);
            buffer.clear();
            buffer.limit(slice * Integer.BYTES);
            readFully(channel, buffer, file);
            buffer.flip();
            final IntBuffer ints = buffer.asIntBuffer();
            ints.get(values, from, slice);
        }
        return values;
    }

    private static void writeFully(final FileChannel channel, final ByteBuffer buffer) throws IOException
    {
        while (buffer.hasRemaining())
        {
            channel.write(buffer);
        }
    }

    private static void readFully(final FileChannel channel, final ByteBuffer buffer, final Path file) throws IOException
    {
        while (buffer.hasRemaining())
        {
            if (channel.read(buffer) < 0)
            {
                throw new IOException(file + " ends early");
            }
        }
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

    /** The generator's seed. */
    public long seed()
    {
        return seed;
    }

    /** Order-flow commands the generator was asked for: {@link #size()} less {@link #setupCommands()}. */
    public long flowCommands()
    {
        return flowCommands;
    }

    /** Asset ids an exchange must accept to apply the stream. */
    public int maxAssets()
    {
        return maxAssets;
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
