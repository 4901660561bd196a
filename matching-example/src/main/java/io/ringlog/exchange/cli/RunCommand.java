package io.ringlog.exchange.cli;

import io.ringlog.core.Topology;
import io.ringlog.core.WaitStrategies;
import io.ringlog.journal.Durability;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code exchange run}: a command file through an engine with a journal. */
@CommandLine.Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Publish every command of a command file through an engine whose journal is in JOURNAL_DIR, then print " +
            "a summary. A journal that already has entries is recovered first and continued: positions go on " +
            "where it stopped. Malformed lines are reported on stderr as 'line N: reason' (the first 100), counted, " +
            "and skipped; the lines of the commands the exchange rejected follow the summary there (the first 100).",
        "With --events, every event the run makes visible is written in the text format, flushed at the end " +
            "of each batch, so a killed run leaves a prefix of what 'replay --events' regenerates."})
final class RunCommand implements Callable<Integer>
{
    /** Snapshots closer together than this make a run as slow as its snapshots: said before it starts. */
    private static final long FEW_POSITIONS = 1_000;

    /** Below this share of --rate, the run did not keep it. */
    private static final double KEPT_RATE = 0.9;
    /** Fewer commands than this say little of a rate (the drain at the end counts in the seconds). */
    private static final long MIN_FOR_RATE = 10_000;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-i", "--input"}, required = true, paramLabel = "COMMANDS_FILE",
        description = "Command file in the text format (see 'generate').")
    Path commands;

    @Option(names = {"-d", "--dir"}, paramLabel = "JOURNAL_DIR",
        description = "Journal directory; created if missing, continued if not (required unless --in-memory). A " +
            "journal that holds this file's first commands already is continued only from the line after them " +
            "(--from-line; it says which).")
    Path journalDir;

    @Option(names = "--events", paramLabel = "EVENTS_FILE",
        description = "Write this run's events here, one line each (replaced if it exists).")
    Path events;

    @Mixin
    EngineOptions engine;

    @Option(names = "--durability", defaultValue = "MEMORY_MAPPED", paramLabel = "LEVEL",
        description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}: survives a killed process, " +
            "not a power cut).")
    Durability durability;

    @Option(names = "--sync-interval-ms", defaultValue = "10", paramLabel = "MS",
        description = "For SYNC_INTERVAL: most milliseconds between syncs while commands flow (default: ${DEFAULT-VALUE}).")
    long syncIntervalMs;

    @Option(names = "--journal-preallocate", defaultValue = "0", paramLabel = "SIZE", converter = ByteSize.class,
        description = "Give the journal's file disk blocks for SIZE more bytes (512m, 2g) at start, past its newest entry: " +
            "appends into them write nothing ahead, and a disk without the room refuses the start instead of halting " +
            "the run. Costs about a second per GB at each start, more on a slow disk (default: 0, the journal grows 256 KB at a time).")
    long journalPreallocate;

    @Option(names = "--snapshot-every", defaultValue = "0", paramLabel = "N",
        description = "Take a snapshot after every N-th position; the newest 3 are kept (default: 0, never).")
    long snapshotEvery;

    @Option(names = "--snapshots", paramLabel = "DIR", description = "Snapshot directory (default: JOURNAL_DIR/snapshots).")
    Path snapshots;

    @Option(names = "--in-memory", description = "Journal in the heap instead of on disk: nothing survives the process.")
    boolean inMemory;

    @Option(names = "--from-line", defaultValue = "1", paramLabel = "N",
        description = "Start at line N of the command file: the lines before it are not read. To go on after a run " +
            "that was stopped (it prints the line to resume from) (default: ${DEFAULT-VALUE}).")
    long fromLine;

    @Option(names = "--append",
        description = "Run the file after what the journal holds, even where those are its own first commands. " +
            "Without it, a run into a journal that holds commands goes ahead only where they are the file's own, up " +
            "to the line before --from-line (it says the line to resume from otherwise).")
    boolean append;

    @Option(names = "--strict",
        description = "Exit 1 when a line of the file was malformed or a command failed (the exchange threw on it), " +
            "after the whole run and its summary, for scripts that must tell a clean run from one that skipped " +
            "something. Rejected commands are answers, not failures. Without it such a run exits 0, its summary " +
            "and stderr saying what was skipped.")
    boolean strict;

    @Override
    public Integer call() throws Exception
    {
        if (journalDir == null && !inMemory)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--dir=JOURNAL_DIR' " +
                "(or --in-memory)");
        }
        engine.settings(spec.commandLine());
        if (inMemory && (journalDir != null || snapshots != null))
        {
            // Taken, the directory would be left empty while the user believes the run journaled there.
            throw new CommandLine.ParameterException(spec.commandLine(), "--in-memory keeps the journal in the heap " +
                "and writes nothing to disk: give it or " + (journalDir != null ? "--dir " + journalDir :
                "--snapshots " + snapshots) + ", not both");
        }
        final String wrong = snapshotEvery < 0 ? "--snapshot-every must not be negative: " + snapshotEvery :
            engine.rate < 0 ? "--rate must not be negative: " + engine.rate :
            syncIntervalMs <= 0 ? "--sync-interval-ms must be positive: " + syncIntervalMs :
            fromLine < 1 ? "--from-line counts lines from 1: " + fromLine : null;
        if (wrong != null)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), wrong);
        }
        final ExchangeRunner.RunSettings settings = settings(commands, journalDir, snapshots, events, engine, durability,
            Duration.ofMillis(syncIntervalMs), snapshotEvery, inMemory, fromLine, append, journalPreallocate);
        if (inMemory && journalPreallocate > 0)
        {
            spec.commandLine().getErr().println("note: --journal-preallocate is for a journal on disk; with --in-memory " +
                "it does nothing");
        }
        if (durability != Durability.SYNC_INTERVAL && spec.commandLine().getParseResult().hasMatchedOption(
            "--sync-interval-ms"))
        {
            spec.commandLine().getErr().println("note: --sync-interval-ms is for --durability SYNC_INTERVAL; with " +
                durability + " it does nothing");
        }
        if (snapshotEvery > 0 && snapshotEvery < FEW_POSITIONS)
        {
            spec.commandLine().getErr().println("note: --snapshot-every " + snapshotEvery + " writes the whole exchange " +
                "to a file every " + snapshotEvery + " position" + (snapshotEvery == 1 ? "" : "s") + ": this run will go " +
                "at the pace of its snapshots, not of the engine");
        }
        final int cores = Runtime.getRuntime().availableProcessors();
        // Stage threads, a thread per listener (the run's figures; its events file), and the thread reading the file.
        final int threads = (engine.topology == Topology.COMPACT ? 1 : 2) + (events != null ? 2 : 1) + 1;
        if ((engine.waitStrategy == WaitStrategies.BUSY_SPIN || engine.waitStrategy == WaitStrategies.YIELDING) &&
            threads > cores)
        {
            // A reviewer's finding: the help says these want a core a thread, and a run on fewer said nothing.
            spec.commandLine().getErr().println("note: --wait-strategy " + engine.waitStrategy + " keeps a waiting " +
                "thread on its core (" + (engine.waitStrategy == WaitStrategies.BUSY_SPIN ? "spinning" : "spinning, " +
                "then yielding") + ") where PARKING, the default, gives it up: this run has " + threads + " such " +
                "threads (" + (engine.topology == Topology.COMPACT ? "compact" : "journal, logic") + ", " +
                (events != null ? "two listeners" : "a listener") + ", the reader of the file) and this machine " + cores +
                " core" + (cores == 1 ? "" : "s") + ", so they take turns, and it may run slower than with PARKING");
        }
        // SIGTERM or Ctrl-C: stop reading, drain what was published, print the summary and where to resume.
        final PrintWriter err = spec.commandLine().getErr();
        final SignalStop stop = SignalStop.install(err, "run: stopping: no more lines are read; what was read is being " +
            "journaled and applied (kill -9 loses nothing already journaled)", "run-stop");
        try
        {
            final ExchangeRunner.RunResult result = ExchangeRunner.run(settings, err, stop::signalled, stop::closeOnSignal);
            ExchangeRunner.printRun(spec.commandLine().getOut(), settings, result);
            result.rejectedLines().forEach(err::println);
            if (result.rejected() > result.rejectedLines().size())
            {
                err.println("(" + (result.rejected() - result.rejectedLines().size()) + " more rejected commands not " +
                    "shown" + (events != null ? "; " + events + " has each rejection, at its position)" :
                    "; --events FILE writes each rejection, at its position)"));
            }
            if (result.halt() != null)
            {
                err.println("error: " + halted(result));
                return ExchangeCli.FAILED;
            }
            if (engine.rate > 0 && result.commands() >= MIN_FOR_RATE && result.commandsPerSecond() < KEPT_RATE * engine.rate)
            {
                // A reviewer's finding: --rate 3000000 achieved 232,453 and its latencies read as taken at a known load.
                // Said of the engine only where publishing waited for it (a full ring) for much of the run: a pipe that
                // paused kept the rate from being kept too, the engine idle (a later reviewer's false alarm).
                final boolean engineBehind = result.publishNanos() > result.nanos() / 2;
                err.printf(java.util.Locale.ROOT, "note: --rate %d was not kept: the run published %.0f commands/s " +
                    "(%.1f%% of it), %s; commands are stamped when published, so the wait of those published late is " +
                    "not in them either%n", engine.rate, result.commandsPerSecond(), 100 * result.commandsPerSecond() /
                    engine.rate, engineBehind ? "so the engine was saturated, and its latency figures are queueing " +
                    "under saturation, not at a known load. A lower --rate measures at a known load" :
                    "as " + commands + " was not read that fast (a pipe that paused, or the parsing), the engine waiting " +
                    "for commands: its latency figures are of the load that came");
            }
            if (events != null && result.commands() > 0 && result.firstPosition() > 2)
            {
                // A run that went on in a journal: the positions before its first were shown (or not) by earlier runs.
                err.println("note: " + events + " holds the events of positions " + result.firstPosition() + " on: " +
                    "those before were journaled by earlier runs, whose --events files have what they showed (a run " +
                    "killed with -9 shows none of what it journaled after its last flush, nor a halted one what it had " +
                    "not applied). 'scripts/exchange replay -d " +
                    journalDir + " --events FILE' writes every event of the journal");
            }
            if (stop.signalled() && !result.stopped())
            {
                spec.commandLine().getOut().println("stopped: by a signal after the whole file was read (every command " +
                    "in it is journaled and applied): nothing to resume");
            }
            if (result.commands() == 0 && !result.stopped())
            {
                spec.commandLine().getErr().println("note: no command of " + commands + " was published" +
                    (result.malformed() > 0 ? ": all " + result.malformed() + " of its command lines are malformed" :
                        fromLine > 1 ? ": it has no command lines from line " + fromLine + " on" :
                            ": it holds no command lines"));
            }
            final long badInstruments = result.rejectedByReason().getOrDefault("BAD_INSTRUMENT", 0L);
            final long unknownAssets = badInstruments + result.rejectedByReason().getOrDefault("UNKNOWN_ASSET", 0L);
            if (unknownAssets > 0)
            {
                // A reviewer's finding: a file generated with 100 symbols ran with the default 64 assets, and tens of
                // thousands of rejections followed with nothing said of --max-assets.
                err.println("note: " + unknownAssets + " command" + (unknownAssets == 1 ? " was" : "s were") + " rejected " +
                    "as BAD_INSTRUMENT or UNKNOWN_ASSET: this exchange knows assets 0.." + (result.maxAssets() - 1) +
                    " (--max-assets " + result.maxAssets() + "). If the file's asset ids go higher, run it on a new " +
                    "journal with --max-assets N ('generate' prints the max-assets-needed of the files it writes)" +
                    // Not only then (a reviewer's tick=0 was sent to --max-assets): the event does not say which check.
                    (badInstruments > 0 ? ". An instrument is refused as BAD_INSTRUMENT as well where its base and quote " +
                    "are one asset, or its tick or lot is not above 0" : ""));
            }
            if (result.snapshotsFailed() > 0)
            {
                err.println("note: " + result.snapshotsFailed() + " snapshot" + (result.snapshotsFailed() == 1 ? "" : "s") +
                    " of this run could not be written (above); the journal has every command, so none is lost: " +
                    "a restart replays from the newest snapshot that was written, or from position 1");
            }
            if (result.eventsWriter() != null && result.eventsWriter().failure() != null)
            {
                // Exit 1, but the commands are in: running the file again would apply them twice.
                err.println("error: the events file " + events + " is " + ExchangeRunner.eventsFileState(
                    result.eventsWriter(), events) + (inMemory ? ". The journal was in memory: run again with --events on a " +
                    "disk with room" : ". Every command " + (result.stopped() ? "read" : "of the file") + " is " +
                    "journaled and applied, so do not run " + (result.stopped() ? "those lines" : "the file") + " again: " +
                    "`scripts/exchange replay -d " + journalDir + " --events FILE` writes every event of the journal, " +
                    "from position 1, to a file on a disk with room"));
                return ExchangeCli.FAILED;
            }
            if (strict && result.recoveryFailed() > 0)
            {
                err.println("error: --strict: " + result.recoveryFailed() + " of the journal's commands threw as this " +
                    "run's start replayed them (the note above)");
                return ExchangeCli.FAILED;
            }
            if (strict && (result.malformed() > 0 || result.failed() > 0))
            {
                err.println("error: --strict: " + (result.malformed() > 0 ? result.malformed() + " malformed line" +
                    (result.malformed() == 1 ? "" : "s") + " (above) skipped" : "") + (result.malformed() > 0 &&
                    result.failed() > 0 ? ", and " : "") + (result.failed() > 0 ? result.failed() + " command" +
                    (result.failed() == 1 ? "" : "s") + " failed (the exchange threw)" : "") + (result.commands() == 0 ?
                    "; the file held no other command, so none of its commands was journaled: mend the line" + (result.malformed() == 1 ?
                    "" : "s") + " and run it again" :
                    "; every other command of the file is journaled and applied, so running it again would apply them " +
                    "a second time"));
                return ExchangeCli.FAILED;
            }
            return ExchangeCli.OK;
        }
        catch (final IOException | RuntimeException ex)
        {
            // Said here, not by picocli after call() returns: after a signal the JVM halts once the hook returns.
            err.println("error: " + ExchangeCli.message(ex));
            return ExchangeCli.FAILED;
        }
        catch (final Error ex)
        {
            if (!stop.signalled())
            {
                throw ex;
            }
            // A reviewer's finding: a signal in the first half second, before the journal's classes were loaded, printed
            // a stack trace and no summary. Classes a first open loads (Chronicle's) add shutdown hooks of their own,
            // which the JVM refuses once it is shutting down: nothing was read or journaled yet.
            spec.commandLine().getOut().println("stopped: by a signal before the journal was open; no line of " +
                commands + " was read");
            spec.commandLine().getOut().println("resume: run the same command again (no line was read)");
            return ExchangeCli.FAILED;
        }
        finally
        {
            spec.commandLine().getOut().flush();
            spec.commandLine().getErr().flush();
            stop.close();
        }
    }

    /**
     * A halted run in words: what is applied and shown, what only the journal holds, and how to go on without
     * applying a command twice.
     */
    private String halted(final ExchangeRunner.RunResult result)
    {
        final long applied = result.lastPosition();
        final long journaled = result.journaledPosition();
        // A reviewer's nearly full disk halted before the first command: "Commands up to position 0" said nothing.
        final StringBuilder said = new StringBuilder("the exchange halted: ").append(ExchangeCli.message(result.halt()))
            .append(applied > 0 ? ". Commands up to position " + applied + " are journaled and applied" :
                ". No command was applied");
        if (events != null && applied > 0)
        {
            // A run that went on from an earlier one's journal shows this run's events only (a reviewer read "their events
            // are in F (0 lines)" after a resumed run halted at once).
            final long first = result.firstPosition();
            // Nor can it say that the earlier runs' files hold the rest: one that halted or was killed showed less than
            // it journaled, and this run's start applied that part from the journal without showing it (a reviewer's
            // finding: a second halt said the events of positions no file held were in the earlier files).
            said.append(first <= 2 ? ", and their events are in " : applied >= first ? ", and this run's events, of " +
                "positions " + first + ".." + applied + ", are in " : ", and this run applied none of its commands: it " +
                "applied positions up to " + applied + " from the journal as it started, which shows no events, so " +
                "their events are in the earlier runs' events files as far as those runs showed them (a run that halted " +
                "or was killed shows less than it journaled; 'scripts/exchange replay -d " + journalDir + " --events " +
                "FILE' writes every event), and not in ").append(events).append(" (")
                .append(ExchangeRunner.eventsFileState(result.eventsWriter(), events)).append(')');
        }
        if (inMemory)
        {
            return said.append("; the journal was in memory: mend the cause and run the file again").toString();
        }
        if (journaled > applied)
        {
            said.append("; the journal holds positions up to ").append(journaled).append(", which a restart applies (")
                .append("their events, not shown, are written by 'scripts/exchange replay -d ").append(journalDir)
                .append(" --events FILE')");
        }
        if (JournaledAlready.readOnce(commands))
        {
            // A pipe's lines cannot be compared with the journal: the same command would be refused (a reviewer's finding),
            // so the line to go on from is said here, from the lines this run published.
            final long line = result.journaledLine();
            return said.append(". ").append(commands).append(" is not a regular file, so a run cannot find where the ")
                .append("journal ends in its lines: ").append(line < 0 ? "the line of position " + journaled + " is not " +
                    "known (it is the correlation id of its command unless the line gave corr=); once the cause is " +
                    "mended, feed the same lines again and add --append with --from-line set to the line after it" :
                    (line == 0 ? "the journal holds none of them" : "the journal holds its lines up to " + line) +
                    ". Once the cause is mended, feed the same lines again and add --append --from-line " + (line + 1) +
                    " (from the first line, its commands would be applied a second time)").toString();
        }
        if (append)
        {
            // A reviewer's finding: "run the same command again" after an --append run halted ran the file from its
            // first line a second time, since --append skips the check that finds where the journal ends in it.
            final long line = result.journaledLine();
            return said.append(". With --append a run does not look for where the journal ends in ").append(commands)
                .append(": ").append(line < 0 ? "the line of position " + journaled + " is not known (it is the " +
                    "correlation id of its command unless the line gave corr=); once the cause is mended, run the same " +
                    "command without --append, which finds it and says the --from-line to go on from" :
                    line < fromLine ? "the journal holds none of the lines this run read; once the cause is mended, " +
                    "run the same command again" : "the journal holds its lines up to " + line + ". Once the cause is " +
                    "mended, run the same command with --from-line " + (line + 1) + " (as it stands, it would apply " +
                    "lines " + fromLine + ".." + line + " a second time)").toString();
        }
        return said.append(". Once the cause is mended, run the same command again: it finds where the journal ends in ")
            .append(commands).append(" and says the --from-line to go on from (from the file's start it would apply its ")
            .append("commands a second time)").toString();
    }

    static ExchangeRunner.RunSettings settings(
        final Path commands,
        final Path journalDir,
        final Path snapshots,
        final Path events,
        final EngineOptions engine,
        final Durability durability,
        final Duration syncInterval,
        final long snapshotEvery,
        final boolean inMemory,
        final long fromLine,
        final boolean append,
        final long journalPreallocate)
    {
        return new ExchangeRunner.RunSettings(commands, journalDir,
            snapshots != null ? snapshots : journalDir == null ? null : journalDir.resolve("snapshots"), events,
            engine.topology, engine.waitStrategy, engine.rate, durability, syncInterval, snapshotEvery, inMemory,
            engine.maxAssets, fromLine, append, journalPreallocate);
    }
}
