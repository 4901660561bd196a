package io.ringlog.exchange.cli;

import io.ringlog.core.CommandCodec;
import io.ringlog.exchange.text.CommandTextWriter;
import io.ringlog.exchange.workload.WorkloadConfig;
import io.ringlog.exchange.workload.WorkloadGenerator;
import org.agrona.DirectBuffer;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongFunction;

/**
 * About how many bytes a generated command file, and a journal of it, take on disk, so that a count
 * too large for the disk is refused before the disk fills. Measured, not guessed: the generator writes
 * the setup and the first {@value #SAMPLE_FLOW} order-flow commands (the very lines the file starts
 * with: same preset, same seed) into a counter, and the rest of the flow is taken to have the same
 * mean line, plus the digits its growing order ids add.
 *
 * @param commandFileBytes the command file, as {@code generate} writes it.
 * @param journalBytes     a journal of it: an entry header and the binary payload per command, plus
 *                         the settings at position 1.
 */
record SpaceEstimate(double commandFileBytes, double journalBytes)
{
    /** Order-flow commands measured; the setup is always measured whole. */
    static final int SAMPLE_FLOW = 10_000;
    /**
     * An entry's header in the format journals are written in (3), with the correlation id the runner gives
     * each command (its line number) as a long: at most what an entry of the file's commands takes besides its
     * payload, for lines that name no source.
     */
    private static final int ENTRY_HEADER_BYTES = CommandCodec.COMPACT_HEADER_LENGTH + 8;
    /** Chronicle's document header and index entry, per command at most (batches share them). */
    private static final int CHRONICLE_BYTES_PER_ENTRY = 8;
    /**
     * What a journal takes whatever it holds: the space the journal keeps allocated ahead of its writer
     * (1 MiB), Chronicle's first index arrays (about 256 KiB) and its table file (128 KiB), with room to spare.
     * Without it, a demo of 5,000 commands passed the check on a 2 MiB disk and then halted on it.
     */
    private static final double JOURNAL_FIXED_BYTES = 2 << 20;

    /** Measures the workload {@code preset} with {@code seed} makes, for {@code commands} order-flow commands. */
    static SpaceEstimate of(final Preset preset, final long seed, final long commands) throws Exception
    {
        return of((flow) -> preset.config(seed, flow), commands);
    }

    /** Measures the workload {@code config} makes for a flow of so many commands, for {@code commands} of them. */
    static SpaceEstimate of(final LongFunction<WorkloadConfig> config, final long commands) throws Exception
    {
        final WorkloadConfig sample = config.apply(Math.min(commands, SAMPLE_FLOW));
        final WorkloadGenerator generator = new WorkloadGenerator(sample);
        final Counter counter = new Counter(generator);
        generator.generate(counter);
        counter.finish();
        final long setup = generator.setupCommands();
        final long flow = sample.commands();
        final double lineBytes = flow == 0 ? 0 : (counter.textBytes - counter.setupTextBytes) / (double)flow;
        final double payloadBytes = flow == 0 ? 0 : (counter.payloadBytes - counter.setupPayloadBytes) / (double)flow;
        // Every flow line names an order id, and ids count up: the sample's have fewer digits than the last ones.
        final int moreDigits = digits(setup + commands) - digits(setup + flow);
        final double text = counter.setupTextBytes + commands * (lineBytes + moreDigits);
        final double journal = (1.0 + setup + commands) * (ENTRY_HEADER_BYTES + CHRONICLE_BYTES_PER_ENTRY) +
            counter.setupPayloadBytes + commands * payloadBytes + JOURNAL_FIXED_BYTES;
        return new SpaceEstimate(text, journal);
    }

    /**
     * Refuses what would not fit in the usable space of the file system {@code where} is on (or would
     * be created on), in one line that says how much is needed and how much there is.
     *
     * @param withJournal whether the journal goes there too (not for a journal in memory).
     */
    void checkFits(final Path where, final boolean withJournal) throws IOException
    {
        checkFits(where, withJournal, "the demo", "ask for fewer --commands, or --keep a directory on a larger file system");
    }

    /** As {@link #checkFits(Path, boolean)}, for {@code who}, with {@code advice} on what to do instead. */
    void checkFits(final Path where, final boolean withJournal, final String who, final String advice) throws IOException
    {
        final double needed = commandFileBytes + (withJournal ? journalBytes : 0);
        final Path existing = ExchangeCli.nearestExisting(where);
        final long usable = Files.getFileStore(existing).getUsableSpace();
        if (needed >= usable)
        {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s needs about %s in %s (%s of " +
                "commands%s) and only %s is usable there: %s", who, bytes(needed), existing, bytes(commandFileBytes),
                withJournal ? " and " + bytes(journalBytes) + " of journal" : "", bytes(usable), advice));
        }
    }

    /** A size for a person: {@code 812 KiB}, {@code 9.3 GiB}. */
    static String bytes(final double bytes)
    {
        final String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? String.format(Locale.ROOT, "%.0f bytes", value) :
            String.format(Locale.ROOT, value < 10 ? "%.1f %s" : "%.0f %s", value, units[unit]);
    }

    private static int digits(final long value)
    {
        return Long.toString(Math.max(1, value)).length();
    }

    /** Counts the bytes of the lines the generator's commands make, and of their payloads, setup and in all. */
    private static final class Counter extends Writer implements WorkloadGenerator.CommandSink
    {
        private final WorkloadGenerator generator;
        private final CommandTextWriter lines = new CommandTextWriter(this);
        private long textBytes;
        private long payloadBytes;
        private long setupTextBytes = -1;
        private long setupPayloadBytes;

        Counter(final WorkloadGenerator generator)
        {
            this.generator = generator;
        }

        @Override
        public void command(final int type, final DirectBuffer payload, final int length) throws IOException
        {
            // The generator counts its setup once the setup is done: the first flow command sees it.
            if (setupTextBytes < 0 && generator.setupCommands() > 0)
            {
                setupTextBytes = textBytes;
                setupPayloadBytes = payloadBytes;
            }
            lines.write(type, payload, length);
            payloadBytes += length;
        }

        void finish()
        {
            if (setupTextBytes < 0)
            {
                setupTextBytes = textBytes;
                setupPayloadBytes = payloadBytes;
            }
        }

        @Override
        public void write(final char[] text, final int offset, final int length)
        {
            textBytes += length; // the format is ASCII: a char is a byte
        }

        @Override
        public Writer append(final CharSequence text)
        {
            textBytes += text.length();
            return this;
        }

        @Override
        public void flush()
        {
        }

        @Override
        public void close()
        {
        }
    }
}
