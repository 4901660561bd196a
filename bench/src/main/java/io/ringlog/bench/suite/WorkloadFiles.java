package io.ringlog.bench.suite;

import io.ringlog.bench.RecordedWorkload;
import io.ringlog.exchange.text.CommandFileReader;
import io.ringlog.exchange.text.CommandTextWriter;
import io.ringlog.exchange.text.ParsedCommand;
import io.ringlog.exchange.workload.WorkloadConfig;
import io.ringlog.exchange.workload.WorkloadGenerator;
import org.agrona.DirectBuffer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one command stream both exchanges run, made once per suite and proven identical on both sides.
 * <pre>
 *  exchange-core preset, seed S
 *   ├─ flow N (the peer's) ──► commands.txt: WorkloadGenerator → CommandTextWriter, as
 *   │                           'scripts/exchange generate --preset exchange-core --commands N --seed S' writes it
 *   │                     └──► latency-stream.bin: the same N, for ringlog's latency runs
 *   └─ flow M ≥ N (ExchangeBenchmark's, which consumes the stream and needs more of it) ──► exchange-stream.bin
 * </pre>
 * Then commands.txt is read back with ringlog's own parser and compared, command by command (type and
 * payload bytes), with latency-stream.bin and with the first commands of exchange-stream.bin; any
 * difference stops the suite. So ringlog publishes exactly the commands exchange-core is given
 * (exchange-core's translation of the file is the peer's own, tested in bench/peers).
 *
 * @param exchangeStream ExchangeBenchmark's stream ({@link RecordedWorkload#write}).
 * @param latencyStream  the latency runs' stream: the peer's commands, in the same format.
 * @param commands       the text file exchange-core reads.
 */
record WorkloadFiles(
    Path exchangeStream,
    Path latencyStream,
    Path commands,
    long seed,
    int setupCommands,
    long exchangeFlowCommands,
    long peerFlowCommands,
    long checksum)
{
    /** Generates the files into {@code dir} and checks they agree; fails naming the first command that differs. */
    static WorkloadFiles generate(final Path dir, final long seed, final long exchangeFlow, final long peerFlow)
        throws Exception
    {
        if (exchangeFlow < peerFlow)
        {
            throw new IllegalArgumentException("the exchange stream (" + exchangeFlow + ") must be at least as long as " +
                "the peer's file (" + peerFlow + ")");
        }
        Files.createDirectories(dir);
        final Path commands = dir.resolve("commands.txt");
        final Path latencyStream = dir.resolve("latency-stream.bin");
        final Path exchangeStream = dir.resolve("exchange-stream.bin");

        final WorkloadConfig peerConfig = WorkloadConfig.exchangeCore(seed, peerFlow);
        try (Writer writer = Files.newBufferedWriter(commands, StandardCharsets.UTF_8))
        {
            final CommandTextWriter text = new CommandTextWriter(writer);
            new WorkloadGenerator(peerConfig).generate(text::write);
        }
        final RecordedWorkload peer = RecordedWorkload.record(peerConfig);
        peer.write(latencyStream);
        final int compared = compareText(commands, peer);
        if (compared != peer.size())
        {
            throw new IllegalStateException(commands + " holds " + compared + " commands; the generator made " +
                peer.size());
        }

        final RecordedWorkload exchange = RecordedWorkload.record(WorkloadConfig.exchangeCore(seed, exchangeFlow));
        comparePrefix(exchange, peer);
        exchange.write(exchangeStream);
        // About a gigabyte of dirty pages would otherwise be written back while the journaled rows run.
        for (final Path file : new Path[]{commands, latencyStream, exchangeStream})
        {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
            {
                channel.force(true);
            }
        }
        return new WorkloadFiles(exchangeStream, latencyStream, commands, seed, peer.setupCommands(), exchangeFlow,
            peerFlow, peer.checksum(0, peer.size()));
    }

    /** What the report says about the stream. */
    Map<String, Object> describe()
    {
        final Map<String, Object> workload = new LinkedHashMap<>();
        workload.put("preset", "exchange-core");
        workload.put("seed", seed);
        workload.put("setup-commands", setupCommands);
        workload.put("exchange-benchmark-flow-commands", exchangeFlowCommands);
        workload.put("peer-flow-commands", peerFlowCommands);
        workload.put("peer-file", "scripts/exchange generate --preset exchange-core --commands " + peerFlowCommands +
            " --seed " + seed);
        workload.put("identical", "the peer's file, read back by ringlog's parser, equals ringlog's stream command by " +
            "command (type and payload bytes), and is the first " + (setupCommands + peerFlowCommands) + " commands " +
            "of ExchangeBenchmark's stream");
        workload.put("crc32c", Long.toHexString(checksum));
        return workload;
    }

    /** Reads the text file back and compares each command with {@code expected}'s; returns how many it read. */
    private static int compareText(final Path file, final RecordedWorkload expected) throws IOException
    {
        final int[] index = {0};
        final CommandFileReader.Counts counts;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8))
        {
            counts = new CommandFileReader().read(reader, (command) ->
            {
                final int i = index[0]++;
                if (i >= expected.size() || !same(command, expected, i))
                {
                    throw new IllegalStateException("command " + (i + 1) + " of " + file + " differs from the stream " +
                        "ringlog publishes: the two exchanges would not run the same commands");
                }
            }, (line, text, reason) ->
            {
                throw new IllegalStateException(file + ":" + line + " does not parse (" + reason + "): " + text);
            });
        }
        return Math.toIntExact(counts.commands());
    }

    private static boolean same(final ParsedCommand command, final RecordedWorkload expected, final int i)
    {
        return command.type() == expected.type(i) &&
            same(command.payload(), 0, command.payloadLength(), expected.payloads(), expected.offset(i), expected.length(i));
    }

    /** The first {@code prefix.size()} commands of {@code stream} must be {@code prefix}'s. */
    private static void comparePrefix(final RecordedWorkload stream, final RecordedWorkload prefix)
    {
        if (stream.size() < prefix.size())
        {
            throw new IllegalStateException("the exchange stream is shorter than the peer's file");
        }
        for (int i = 0; i < prefix.size(); i++)
        {
            if (stream.type(i) != prefix.type(i) || !same(stream.payloads(), stream.offset(i), stream.length(i),
                prefix.payloads(), prefix.offset(i), prefix.length(i)))
            {
                throw new IllegalStateException("command " + (i + 1) + " of ExchangeBenchmark's stream differs from the " +
                    "peer's file: the generator's flow depends on its length");
            }
        }
    }

    private static boolean same(
        final DirectBuffer a, final int aOffset, final int aLength, final DirectBuffer b, final int bOffset, final int bLength)
    {
        if (aLength != bLength)
        {
            return false;
        }
        for (int j = 0; j < aLength; j++)
        {
            if (a.getByte(aOffset + j) != b.getByte(bOffset + j))
            {
                return false;
            }
        }
        return true;
    }
}
