package io.ringlog.exchange.cli;

import io.ringlog.journal.Durability;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code exchange demo}: generate, run with a journal, replay, compare; in a temporary directory. */
@CommandLine.Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "The whole loop in a temporary directory: generate a workload, run it through an engine with a " +
            "journal on disk, replay the journal into a fresh exchange, and check both end in the same state.",
        "Prints the run's summary, then replay-state-hash, replay-rate and replay-matches. Exit 1 if the " +
            "replay does not match. The directory is deleted unless --keep names one."})
final class DemoCommand implements Callable<Integer>
{
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-n", "--commands"}, defaultValue = "1000000", paramLabel = "N",
        description = "Order-flow commands after the setup (default: ${DEFAULT-VALUE}).")
    long commands;

    @Option(names = "--preset", defaultValue = "exchange-core", paramLabel = "NAME", converter = Preset.Converter.class,
        completionCandidates = Preset.Names.class,
        description = "Workload shape: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Preset preset;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    EngineOptions engine;

    @Option(names = "--in-memory", description = "Journal in the heap instead of on disk (to see what the journal costs).")
    boolean inMemory;

    @Option(names = "--keep", paramLabel = "DIR",
        description = "Work in DIR (created; must be empty or absent) and keep it: commands.txt, journal/.")
    Path keep;

    @Override
    public Integer call() throws Exception
    {
        if (commands < 0 || engine.rate < 0)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--commands and --rate must not be negative");
        }
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final Path dir = workDirectory();
        try
        {
            final Path commandFile = dir.resolve("commands.txt");
            final Path journalDir = dir.resolve("journal");
            err.println("demo: generating " + preset + " with " + commands + " order-flow commands (seed " + seed +
                ") into " + commandFile);
            final GenerateCommand.Generated generated = GenerateCommand.generate(preset, seed, commands, commandFile, err);
            err.printf(Locale.ROOT, "demo: generated %,d commands in %.1f s; running them through the engine%n",
                generated.commands(), generated.seconds());

            final ExchangeRunner.RunSettings settings = RunCommand.settings(commandFile, inMemory ? null : journalDir,
                null, null, engine, Durability.MEMORY_MAPPED, Duration.ofMillis(10), 0, inMemory);
            final ExchangeRunner.RunResult run = ExchangeRunner.run(settings, err);
            err.printf(Locale.ROOT, "demo: ran them in %.1f s; replaying the journal into a fresh exchange%n", run.nanos() / 1e9);

            final ExchangeRunner.ReplayResult replay = inMemory ? ExchangeRunner.replay(run, err) :
                ExchangeRunner.replay(new ExchangeRunner.ReplaySettings(journalDir, journalDir.resolve("snapshots"),
                    false, Long.MAX_VALUE, null, null), err);
            final boolean matches = replay.stateHash() == run.stateHash() && replay.lastPosition() == run.lastPosition();

            out.println("preset: " + preset);
            out.println("seed: " + seed);
            out.println("generated-commands: " + generated.commands());
            out.printf(Locale.ROOT, "generate-seconds: %.3f%n", generated.seconds());
            ExchangeRunner.printRun(out, settings, run);
            out.println("replay-last-position: " + replay.lastPosition());
            out.printf(Locale.ROOT, "replay-seconds: %.3f%n", replay.nanos() / 1e9);
            out.printf(Locale.ROOT, "replay-rate: %.0f commands/s%n", replay.commandsPerSecond());
            out.println("replay-state-hash: " + ExchangeCli.hex(replay.stateHash()));
            out.println("replay-matches: " + matches);
            if (keep != null)
            {
                out.println("kept: " + dir);
            }
            if (!matches)
            {
                err.println("error: the replayed state differs from the live run's: deterministic replay is broken");
            }
            return matches ? ExchangeCli.OK : ExchangeCli.FAILED;
        }
        finally
        {
            if (keep == null)
            {
                deleteTree(dir);
            }
        }
    }

    private Path workDirectory() throws IOException
    {
        if (keep == null)
        {
            return Files.createTempDirectory("exchange-demo-");
        }
        if (Files.isDirectory(keep))
        {
            try (Stream<Path> entries = Files.list(keep))
            {
                if (entries.findAny().isPresent())
                {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                        "--keep " + keep + " is not empty; name a new or empty directory");
                }
            }
        }
        return Files.createDirectories(keep);
    }

    static void deleteTree(final Path root) throws IOException
    {
        if (!Files.exists(root))
        {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>()
        {
            @Override
            public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs) throws IOException
            {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(final Path dir, final IOException ex) throws IOException
            {
                if (ex != null)
                {
                    throw ex;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
