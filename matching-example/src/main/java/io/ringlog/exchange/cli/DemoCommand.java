package io.ringlog.exchange.cli;

import io.ringlog.core.InMemoryJournal;
import io.ringlog.journal.ChronicleJournal;
import io.ringlog.journal.Durability;
import io.ringlog.journal.FileErrors;
import io.ringlog.journal.tool.CliSupport;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
            "replay does not match. The directory is deleted unless --keep names one, also when the demo is stopped " +
            "(Ctrl-C, SIGTERM).",
        "Options are checked before anything is created, and so is the room on disk: a --commands whose files " +
            "would not fit is refused."})
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
        description = "Work in DIR (created; must be empty or absent) and keep it: commands.txt, and journal/ " +
            "(none with --in-memory).")
    Path keep;

    @Override
    public Integer call() throws Exception
    {
        // Every option is checked, and the disk's room for what they ask, before anything is created.
        if (commands < 0 || engine.rate < 0)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--commands and --rate must not be negative");
        }
        final ExchangeSettings exchangeSettings = engine.settings(spec.commandLine());
        final int assetsUsed = preset.config(seed, 0).maxAssets();
        if (exchangeSettings.maxAssets() < assetsUsed)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-assets " + exchangeSettings.maxAssets() +
                " is fewer than the " + assetsUsed + " asset ids the " + preset + " workload uses");
        }
        checkKeep();
        SpaceEstimate.of(preset, seed, commands).checkFits(keep != null ? keep : temporaryRoot(), !inMemory);
        final String shortfall = inMemory ? CliSupport.heapShortfall(commands,
            InMemoryJournal.bytesPerEntry(ExchangeRunner.MAX_PAYLOAD)) : null;
        if (shortfall != null)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--commands " + commands + " --in-memory: " +
                shortfall + ", ask for fewer, or leave out --in-memory to journal to disk");
        }

        final PrintWriter err = spec.commandLine().getErr();
        final WorkDirectory work = keep != null ? WorkDirectory.kept(keep, err) : WorkDirectory.temporary(err);
        try (work)
        {
            return demo(work);
        }
        catch (final Exception ex)
        {
            if (work.stopped())
            {
                // Interrupted: the files went from under the demo. The shutdown hook said so already.
                return ExchangeCli.FAILED;
            }
            throw ex;
        }
    }

    private int demo(final WorkDirectory work) throws Exception
    {
        try
        {
            return demoIn(work);
        }
        finally
        {
            work.release();
        }
    }

    private int demoIn(final WorkDirectory work) throws Exception
    {
        final Path dir = work.path();
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final Path commandFile = dir.resolve("commands.txt");
        final Path journalDir = dir.resolve("journal");
        err.println("demo: generating " + preset + " with " + commands + " order-flow commands (seed " + seed +
            ") into " + commandFile);
        final GenerateCommand.Generated generated = GenerateCommand.generate(preset, seed, commands, commandFile, err,
            work::stopped);
        err.printf(Locale.ROOT, "demo: generated %,d commands in %.1f s; running them through the engine%n",
            generated.commands(), generated.seconds());

        final ExchangeRunner.RunSettings settings = RunCommand.settings(commandFile, inMemory ? null : journalDir,
            null, null, engine, Durability.MEMORY_MAPPED, Duration.ofMillis(10), 0, inMemory, 1, false, 0);
        // Stopped by a signal, the run stops reading and drains, so that the engine has let go of the directory before
        // the shutdown hook deletes it (a test found it left behind: a thread of the engine's made files after the
        // delete).
        final ExchangeRunner.RunResult run = ExchangeRunner.run(settings, err, work::stopped);
        if (keep != null)
        {
            // The journal is closed: a signal from here on stops the demo at once (the replay only reads), where the
            // hook waited for the replay's end (a code review's Ctrl-C without effect for 10 s).
            work.release();
        }
        if (work.stopped())
        {
            return ExchangeCli.FAILED;
        }
        if (run.halt() != null)
        {
            // A demo that halted (its in-memory journal filled the heap, say) has nothing to compare a replay with.
            throw new IllegalStateException("the engine halted: " + ExchangeCli.message(run.halt()));
        }
        err.printf(Locale.ROOT, "demo: ran them in %.1f s; replaying the journal into a fresh exchange%n", run.nanos() / 1e9);

        final ExchangeRunner.ReplayResult replay = inMemory ? ExchangeRunner.replay(run, err) :
            ExchangeRunner.replay(new ExchangeRunner.ReplaySettings(journalDir, journalDir.resolve("snapshots"),
                false, Long.MAX_VALUE, null, null), err);
        final boolean matches = replay.stateHash() == run.stateHash() && replay.lastPosition() == run.lastPosition();
        if (work.stopped())
        {
            // Stopped while it replayed: no summary of a demo that did not end (a code review's printed one in full).
            return ExchangeCli.FAILED;
        }

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
            // With --in-memory there is no journal/ to keep: say what is there, not what the option's help promises.
            out.println("kept: " + dir + (inMemory ? " (commands.txt only: --in-memory writes no journal)" : ""));
        }
        else
        {
            // A newcomer's: 'scripts/journal verify -d' the journal line above named found no journal, with no word why.
            out.println("deleted: " + dir + (inMemory ? " (a temporary directory, with the command file; --keep DIR " +
                "keeps it)" : " (a temporary directory, with the journal above; --keep DIR keeps them, for scripts/journal " +
                "and scripts/exchange replay to look at)"));
        }
        if (!matches)
        {
            err.println("error: the replayed state differs from the live run's: deterministic replay is broken");
        }
        return matches ? ExchangeCli.OK : ExchangeCli.FAILED;
    }

    /**
     * Refuses a --keep that names a file, or a directory with something in it: what is on disk, not the command line,
     * so exit 1 as a run's '-d' that is a file (a reviewer found one exit 2 and the other 1).
     */
    private void checkKeep() throws IOException
    {
        if (keep == null || !Files.exists(keep))
        {
            return;
        }
        if (!Files.isDirectory(keep))
        {
            throw new IllegalArgumentException("--keep " + keep + ": a file of that name already exists; name a new or " +
                "empty directory");
        }
        try (Stream<Path> entries = Files.list(keep))
        {
            if (entries.findAny().isPresent())
            {
                throw new IllegalArgumentException("--keep " + keep + " is not empty; name a new or empty directory");
            }
        }
    }

    /** Where {@link Files#createTempDirectory(String, java.nio.file.attribute.FileAttribute[])} creates one. */
    private static Path temporaryRoot()
    {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    /**
     * The demo's directory: one it keeps (--keep), or a temporary one it deletes when it ends, and also
     * when it is stopped first (Ctrl-C, SIGTERM: a shutdown hook), whichever comes first, once.
     */
    private static final class WorkDirectory implements AutoCloseable
    {
        /** How long the hook waits for the run to drain before it deletes the directory anyway. */
        private static final int RELEASE_WAIT_SECONDS = 10;

        private final Path path;
        private final boolean temporary;
        private final Thread hook;
        private final PrintWriter err;
        private boolean deleted;
        private volatile boolean stopped;
        /** Counted down once the demo no longer uses the directory: its run drained, or it ended. */
        private final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);

        private WorkDirectory(final Path path, final boolean temporary, final PrintWriter err)
        {
            this.path = path;
            this.temporary = temporary;
            this.err = err;
            this.hook = new Thread(temporary ? this::stop : this::stopKept, "exchange-demo-stop");
            // Chronicle adds a hook of its own as a journal first opens, which the JVM refuses once a signal came.
            ChronicleJournal.loadShutdownHooks();
            try
            {
                Runtime.getRuntime().addShutdownHook(hook);
            }
            catch (final IllegalStateException ex)
            {
                // A signal came since the directory was made: nothing will delete it but this.
                if (temporary)
                {
                    path.toFile().delete();
                }
                throw ex;
            }
        }

        static WorkDirectory kept(final Path keep, final PrintWriter err)
        {
            try
            {
                return new WorkDirectory(Files.createDirectories(keep), false, err);
            }
            catch (final IOException ex)
            {
                throw new IllegalArgumentException("cannot create the --keep directory " + keep + ": " +
                    FileErrors.describe(ex, keep), ex);
            }
        }

        static WorkDirectory temporary(final PrintWriter err) throws IOException
        {
            // The hooks' classes first: a signal while they load (some 100 ms) came after the directory was made and
            // before its hook was added, and left it behind without a word (a newcomer's finding, 4 times in 4).
            ChronicleJournal.loadShutdownHooks();
            return new WorkDirectory(Files.createTempDirectory("exchange-demo-"), true, err);
        }

        Path path()
        {
            return path;
        }

        /** Whether the JVM was stopped (and the directory deleted) before the demo ended. */
        boolean stopped()
        {
            return stopped;
        }

        /** The shutdown hook of a kept directory: the JVM is stopping before the demo ended; say what is left. */
        private void stopKept()
        {
            stopped = true;
            err.println("demo: stopped before the end; " + path + " keeps what it made so far: commands.txt may be " +
                "cut short, and the journal holds what was journaled ('scripts/exchange journal verify -d " +
                path.resolve("journal") + "' reads it). Name a new --keep directory to run the demo again");
            err.flush();
            // As the temporary directory's hook does: the run stops reading and drains, and its journal is closed whole
            // before the JVM halts. A hook that returned at once halted a demo inside its journal's first open, and left
            // Chronicle's table unfinished, which 'journal verify' then refused (a fresh clone's RefusedInputTest).
            awaitReleased();
        }

        private void awaitReleased()
        {
            try
            {
                // Bounded, as a hook must end.
                released.await(RELEASE_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }

        /** The demo no longer uses the directory. */
        void release()
        {
            released.countDown();
        }

        /** The shutdown hook: the JVM is stopping before the demo ended. */
        private void stop()
        {
            stopped = true;
            err.println("demo: stopped; deleting " + path);
            err.flush();
            // The run stops reading and drains.
            awaitReleased();
            try
            {
                delete();
            }
            catch (final IOException | RuntimeException ex)
            {
                err.println("demo: could not delete " + path + ": " + ExchangeCli.message(ex));
                err.flush();
            }
        }

        /** Deletes a temporary directory, once, whether the demo's end or the shutdown hook gets here first. */
        private synchronized void delete() throws IOException
        {
            if (!temporary || deleted)
            {
                return;
            }
            // When stopped, the engine may still be adding files as they go: walk again until none is left.
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    deleteTree(path);
                    // Only once it is gone: a delete that failed at the demo's end is tried again by the hook.
                    deleted = true;
                    return;
                }
                catch (final DirectoryNotEmptyException | NoSuchFileException ex)
                {
                    if (attempt == 5)
                    {
                        throw ex;
                    }
                }
            }
        }

        @Override
        public void close() throws IOException
        {
            delete();
            CliSupport.removeHook(hook); // if a signal came, the hook runs and says so
        }
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
