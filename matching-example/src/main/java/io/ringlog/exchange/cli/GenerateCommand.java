package io.ringlog.exchange.cli;

import io.ringlog.exchange.ExchangeStateMachine;
import io.ringlog.exchange.text.CommandTextWriter;
import io.ringlog.exchange.workload.WorkloadConfig;
import io.ringlog.exchange.workload.WorkloadGenerator;
import io.ringlog.journal.tool.CliSupport;
import io.ringlog.journal.tool.Progress;
import org.agrona.DirectBuffer;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;

/** {@code exchange generate}: a seeded workload as a command file in the text format. */
@CommandLine.Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Write a seeded, reproducible command file: instruments, deposits and resting depth, " +
        "then N order-flow commands in the preset's mix. Same preset, count and seed: same file, byte for byte."})
final class GenerateCommand implements Callable<Integer>
{
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--preset", defaultValue = "exchange-core", paramLabel = "NAME", converter = Preset.Converter.class,
        completionCandidates = Preset.Names.class,
        description = "Workload shape: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Preset preset;

    @Option(names = {"-n", "--commands"}, defaultValue = "1000000", paramLabel = "N",
        description = "Order-flow commands after the setup (default: ${DEFAULT-VALUE}; 1_000_000 works too).")
    long commands;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--symbols", paramLabel = "N",
        description = "Symbols, instead of the preset's (each trades its own base asset against asset 0).")
    Integer symbols;

    @Option(names = "--accounts", paramLabel = "N",
        description = "Accounts, instead of the preset's. Every account deposits every asset, so the setup has " +
            "accounts x (symbols + 1) deposits: fewer accounts make a many-symbol file small enough to try things with.")
    Integer accounts;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
        description = "Command file to write; its directory must exist.")
    Path output;

    @Override
    public Integer call() throws Exception
    {
        if (commands < 0)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--commands must not be negative: " + commands);
        }
        final WorkloadConfig config;
        try
        {
            config = config(commands);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), ex.getMessage());
        }
        if (config.maxAssets() > ExchangeStateMachine.MAX_ASSETS)
        {
            // Said in the option's terms: the exchange's own bound names maxAssets, which the user never typed.
            throw new CommandLine.ParameterException(spec.commandLine(), "--symbols " + config.symbols() + " needs " +
                config.maxAssets() + " asset ids (a base for each symbol, and the quote), more than the " +
                ExchangeStateMachine.MAX_ASSETS + " an exchange keeps: at most " + (ExchangeStateMachine.MAX_ASSETS - 1));
        }
        if ("-".equals(output.toString()))
        {
            // It made a file named '-' in the working directory, where standard output was meant.
            throw new CommandLine.ParameterException(spec.commandLine(), "-o - names a file called '-': generate writes " +
                "a file (its summary goes to standard output), so give it a file name");
        }
        ExchangeCli.checkWritableWhole(output, "command file");
        // Before a byte is written: a count the disk cannot hold is refused, not found out when the disk is full.
        SpaceEstimate.of(this::config, commands).checkFits(output, false, "the command file",
            "ask for fewer --commands, or write it (-o) on a larger file system");
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final Generated generated;
        try (WholeFile file = WholeFile.of(output, err, "generate"))
        {
            generated = generate(config, file.path(), err);
            file.done();
        }
        catch (final IOException ex)
        {
            if (ex instanceof java.io.InterruptedIOException)
            {
                throw ex;
            }
            // A reviewer's -o /dev/full said only "No space left on device": which file, and that nothing was written.
            final String message = CliSupport.message(ex);
            final boolean full = message.contains("No space left") || message.contains("quota");
            throw new IllegalStateException("cannot write command file " + output + ": " + message +
                (Files.isRegularFile(output) || !Files.exists(output) ? "; " + output + " was not written (a file there " +
                "keeps what it held)" : "") + (full ? ": write it where there is room, or ask for fewer --commands" : ""),
                ex);
        }
        return printed(out, generated);
    }

    private Integer printed(final PrintWriter out, final Generated generated)
    {
        out.println("file: " + output);
        out.println("preset: " + preset);
        out.println("seed: " + seed);
        out.println("commands: " + generated.commands());
        out.println("setup-commands: " + generated.setupCommands());
        out.println("flow-commands: " + (generated.commands() - generated.setupCommands()));
        out.println("max-assets-needed: " + generated.maxAssets());
        out.printf(Locale.ROOT, "seconds: %.3f%n", generated.seconds());
        return ExchangeCli.OK;
    }

    /** The preset's workload with this command's overrides, for a flow of {@code flow} commands. */
    private WorkloadConfig config(final long flow)
    {
        final WorkloadConfig config = preset.config(seed, flow);
        if (symbols != null)
        {
            config.symbols(symbols);
        }
        if (accounts != null)
        {
            config.accounts(accounts);
        }
        return config;
    }

    /** What {@link #generate} wrote. */
    record Generated(long commands, long setupCommands, int maxAssets, double seconds)
    {
    }

    /** {@link #generate(WorkloadConfig, Path, PrintWriter, BooleanSupplier)} of a preset, for the demo. */
    static Generated generate(final Preset preset, final long seed, final long commands, final Path output,
        final PrintWriter err, final BooleanSupplier stopped) throws Exception
    {
        return generate(preset.config(seed, commands), output, err, stopped);
    }

    static Generated generate(final WorkloadConfig config, final Path output, final PrintWriter err) throws Exception
    {
        return generate(config, output, err, () -> false);
    }

    /**
     * Writes the workload to {@code output}; gives up with an {@link java.io.InterruptedIOException} once
     * {@code stopped} says so (the demo, stopped by a signal while generating, went on to say it had generated).
     */
    static Generated generate(final WorkloadConfig config, final Path output, final PrintWriter err,
        final BooleanSupplier stopped) throws Exception
    {
        final WorkloadGenerator generator = new WorkloadGenerator(config);
        final long started = System.nanoTime();
        final long written;
        // The order flow dwarfs the setup (instruments, deposits, resting depth), whose size comes out of the run.
        final Progress progress = new Progress(err, "generate");
        progress.total(config.commands());
        try (Writer writer = ExchangeCli.newWriter(output))
        {
            written = generator.generate(new ProgressSink(generator, new CommandTextWriter(writer), progress, stopped));
        }
        return new Generated(written, generator.setupCommands(), config.maxAssets(), (System.nanoTime() - started) / 1e9);
    }

    /**
     * Writes each command as a line and reports progress through the order flow, the part {@code --commands}
     * counts: the generator knows its setup's size once the setup is written, and not before.
     */
    private static final class ProgressSink implements WorkloadGenerator.CommandSink
    {
        private final WorkloadGenerator generator;
        private final CommandTextWriter writer;
        private final Progress progress;
        private final BooleanSupplier stopped;

        ProgressSink(final WorkloadGenerator generator, final CommandTextWriter writer, final Progress progress,
            final BooleanSupplier stopped)
        {
            this.generator = generator;
            this.writer = writer;
            this.progress = progress;
            this.stopped = stopped;
        }

        @Override
        public void command(final int type, final DirectBuffer payload, final int length) throws IOException
        {
            writer.write(type, payload, length);
            if ((writer.written() & 0xFFF) == 0 && stopped.getAsBoolean())
            {
                throw new java.io.InterruptedIOException("stopped by a signal");
            }
            final long setup = generator.setupCommands();
            if (setup > 0)
            {
                progress.update(writer.written() - setup);
            }
        }
    }
}
