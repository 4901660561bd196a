package io.ringlog.exchange.cli;

import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.EngineHaltedException;
import io.ringlog.core.EngineMetrics;
import io.ringlog.core.InMemoryJournal;
import io.ringlog.core.InMemorySnapshotStore;
import io.ringlog.core.Journal;
import io.ringlog.core.JournalException;
import io.ringlog.core.ReadOnlyJournal;
import io.ringlog.core.SnapshotException;
import io.ringlog.core.SnapshotStore;
import io.ringlog.core.SnapshotsUpTo;
import io.ringlog.core.Topology;
import io.ringlog.core.WaitStrategies;
import io.ringlog.exchange.ExchangeStateMachine;
import io.ringlog.exchange.codec.CommandEncoder;
import io.ringlog.exchange.codec.CommandUpcasters;
import io.ringlog.exchange.codec.CommandTypes;
import io.ringlog.exchange.codec.EventTypes;
import io.ringlog.exchange.readmodel.ExchangeStats;
import io.ringlog.exchange.readmodel.LatencyListener;
import io.ringlog.exchange.text.CommandFileReader;
import io.ringlog.exchange.text.EventTextWriter;
import io.ringlog.exchange.text.ParsedCommand;
import io.ringlog.journal.ChronicleJournal;
import io.ringlog.journal.Durability;
import io.ringlog.journal.FileSnapshotStore;
import io.ringlog.journal.tool.FailureReport;
import io.ringlog.journal.tool.Progress;
import org.HdrHistogram.Histogram;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * What {@code run}, {@code replay}, {@code book}, {@code balances} and {@code demo} share: running a
 * command file through an engine with a journal, and rebuilding the exchange from a journal.
 */
final class ExchangeRunner
{
    /** Largest exchange command payload: the engine's and the journal's maxPayloadLength. */
    static final int MAX_PAYLOAD = ParsedCommand.MAX_PAYLOAD_LENGTH;
    /** Malformed lines printed before the rest are only counted. */
    static final int MALFORMED_SHOWN = 100;

    private ExchangeRunner()
    {
    }

    /** How long {@code run} waits for an engine that applies nothing before it closes it anyway. */
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** How to run a command file; {@code journalDir} and {@code snapshotsDir} are unused in memory. */
    record RunSettings(
        Path commands,
        Path journalDir,
        Path snapshotsDir,
        Path events,
        Topology topology,
        WaitStrategies waitStrategy,
        long rate,
        Durability durability,
        Duration syncInterval,
        long snapshotEvery,
        boolean inMemory,
        Integer maxAssets,
        long fromLine,
        boolean append,
        long journalPreallocate)
    {
    }

    /** What a run did. {@code journal} is the in-memory journal of an in-memory run (null otherwise), for a replay. */
    record RunResult(
        long commands,
        long malformed,
        long ordersAccepted,
        long rejected,
        long failed,
        Map<String, Long> rejectedByReason,
        long trades,
        long events,
        EventTextWriter eventsWriter,
        long snapshotsWritten,
        long snapshotsFailed,
        long snapshotsSuperseded,
        long firstPosition,
        long lastPosition,
        long nanos,
        Histogram latency,
        long stateHash,
        int maxAssets,
        InMemoryJournal journal,
        long lastLine,
        boolean stopped,
        Throwable halt,
        long journaledPosition,
        long readNotApplied,
        long journaledLine,
        long recoveryFailed,
        long publishNanos,
        List<String> rejectedLines)
    {
        double commandsPerSecond()
        {
            return commands * 1e9 / Math.max(1, nanos);
        }
    }

    /**
     * Parses the command file and publishes every good command through an engine (malformed lines go
     * to {@code err} as {@code line N: reason}, and the run goes on), then closes the engine, which
     * waits until every command is journaled, applied and seen by the listeners.
     */
    static RunResult run(final RunSettings settings, final PrintWriter err) throws IOException
    {
        return run(settings, err, () -> false);
    }

    /**
     * As {@link #run(RunSettings, PrintWriter)}; once {@code stop} answers true (asked before each line),
     * no more lines are read, and what was published is drained as at the end of the file.
     */
    static RunResult run(final RunSettings settings, final PrintWriter err, final BooleanSupplier stop) throws IOException
    {
        return run(settings, err, stop, (input) ->
        {
        });
    }

    /**
     * As {@link #run(RunSettings, PrintWriter, BooleanSupplier)}; where the commands come from a pipe, {@code closeOnStop}
     * is given what to close when the stop comes, so that a read (or the pipe's open) waiting on a writer that sends
     * nothing returns ({@link SignalStop#closeOnSignal}), and {@code null} once the read is over.
     */
    static RunResult run(final RunSettings settings, final PrintWriter err, final BooleanSupplier stop,
        final Consumer<Closeable> closeOnStop) throws IOException
    {
        ExchangeCli.checkReadable(settings.commands(), "command file");
        if (!settings.inMemory() && Files.exists(settings.journalDir()) && !Files.isDirectory(settings.journalDir()))
        {
            throw new IllegalArgumentException("the journal directory " + settings.journalDir() + " is a file: name a " +
                "new directory, or one that holds a journal");
        }
        if (!settings.inMemory() && settings.snapshotsDir() != null && Files.exists(settings.snapshotsDir()) &&
            !Files.isDirectory(settings.snapshotsDir()))
        {
            // Before the journal is made: refused later, the run left a new journal directory behind.
            throw new IllegalArgumentException("the snapshot directory " + settings.snapshotsDir() + " is a file: name " +
                "a directory (one that does not exist is made)");
        }
        if (settings.events() != null)
        {
            // Where it lies first (a reviewer's finding: told to mkdir the journal's directory, then refused for
            // putting the file inside it).
            ExchangeCli.checkNotOverwriting(settings.events(), "events file", settings.commands(),
                settings.inMemory() ? null : settings.journalDir(), settings.inMemory() ? null : settings.snapshotsDir());
            ExchangeCli.checkWritable(settings.events(), "events file");
        }
        if (settings.maxAssets() != null)
        {
            // Bounds first: a bad value must fail before any file is created or any memory sized by it.
            ExchangeSettings.requested(settings.maxAssets());
        }
        String compareNote = null;
        if (!settings.inMemory())
        {
            final Path inside = settings.journalDir() == null || ChronicleJournal.isJournalDirectory(settings.journalDir()) ?
                null : ChronicleJournal.journalInside(settings.journalDir());
            if (inside != null)
            {
                // A reviewer's finding: -d run for -d run/journal started a second journal beside the first, and applied
                // the whole file again in it; replay, book and balances refuse the same typo.
                throw new IllegalArgumentException("no journal in " + settings.journalDir() + ", but " + inside +
                    " holds one: give that directory to go on with it. A new journal is started only in a directory " +
                    "that holds none, nor one in it");
            }
            if (settings.journalDir() != null && ChronicleJournal.isJournalDirectory(settings.journalDir()) &&
                ChronicleJournal.tableUnfinished(settings.journalDir()))
            {
                // A reviewer's finding: a run killed as Chronicle made its table left it unfinished, which the checks
                // below cannot read (nor could they, for 10 s each, before). The writer's open mends it, and says so.
                ChronicleJournal.open(new ChronicleJournal.Context().directory(settings.journalDir())
                    .maxPayloadLength(MAX_PAYLOAD).noticeListener((notice) -> err.println("note: " + notice))).close();
            }
            // Another run writing it: said first, not a refusal of this run's events file that would send the user to
            // another file, and then to this refusal (a reviewer's finding).
            final String taken = settings.journalDir() == null ? null :
                ChronicleJournal.writtenElsewhere(settings.journalDir());
            if (taken != null)
            {
                throw new IllegalArgumentException(taken);
            }
            // A damaged Chronicle table: each open below would wait 10 s on it, and the last said to repair the journal,
            // which cannot mend it (a reviewer's 32 s). Said at once, with what does mend it.
            final String damagedTable = settings.journalDir() == null ||
                !ChronicleJournal.isJournalDirectory(settings.journalDir()) ? null :
                ChronicleJournal.damagedTable(settings.journalDir());
            if (damagedTable != null)
            {
                throw new IllegalArgumentException(damagedTable);
            }
            // Another application's journal, or other settings: said first, not after advice to --append to it.
            checkExchangeJournal(settings.journalDir(), settings.maxAssets());
            // Before the events file is replaced: a run that would apply commands twice, or skip some, is
            // refused with the line to resume from.
            String refused = null;
            try
            {
                refused = JournaledAlready.check(settings.journalDir(), settings.commands(), settings.fromLine(),
                    settings.append());
            }
            catch (final IOException | RuntimeException ex)
            {
                final String unopened = ex instanceof io.ringlog.core.JournalException ? unopened(settings.journalDir()) :
                    null;
                if (unopened != null)
                {
                    // Damage the journal is not opened past at all (a newcomer's probe: a file cut short): a run's own
                    // open refuses it too, so advice to --append would only lead to that refusal.
                    throw new IllegalArgumentException(unopened + ". A run starts on this journal once it is repaired: " +
                        "'scripts/journal verify -d " + settings.journalDir() + "' says what is damaged and what a repair " +
                        "keeps; then run again, and a refusal says whether this file's commands are in it already", ex);
                }
                if (ex instanceof io.ringlog.core.JournalException damaged && damaged.position() > 0)
                {
                    // A damaged entry where the comparison reads: a recovery from a snapshot may well go on past it,
                    // and the run would then add the file after whatever the journal holds, a second time if a run
                    // of it is in there. Only the user knows it is not.
                    throw new IllegalArgumentException("cannot tell whether " + settings.journalDir() + " already " +
                        "holds commands of " + settings.commands() + ": " + ExchangeSettings.firstLine(ExchangeCli.message(ex)) +
                        ". Running the file could apply its commands a second time. If none of them is in the journal, " +
                        "add --append (with --from-line N to start at line N); if a run of it stopped part way, add " +
                        "--append with --from-line set to the line after the last one it journaled (" +
                        whereTheJournalEnds(settings.journalDir(), damaged.position()) + ")" + (settings.fromLine() > 1 ?
                        ": --append with this --from-line " + settings.fromLine() + " runs from there as asked" : "") +
                        ". 'scripts/journal verify -d " + settings.journalDir() + "' says what is damaged and what a " +
                        "repair keeps", ex);
                }
                // A journal that cannot be read: the open says so, in its own words, if it cannot go on (and then this
                // would only say it a second time); if it can, this is said once the engine is up.
                compareNote = "note: could not compare " + settings.journalDir() + " with " + settings.commands() +
                    " before the run (" + ExchangeCli.message(ex) + "): if a run of this file stopped part way, " +
                    "--from-line must name the line after the last one it journaled";
            }
            if (refused != null)
            {
                throw new IllegalArgumentException(refused + (holdsEvents(settings.events()) ? ". With --events on another " +
                    "file: " + settings.events() + " holds the earlier run's events, and a run replaces its --events file" :
                    ""));
            }
            final long journaled = journaledPosition(settings.journalDir());
            if (journaled > 1 && holdsEvents(settings.events()))
            {
                // Going on in a journal that holds commands: the events file is most likely the earlier run's.
                throw new IllegalArgumentException("the events file " + settings.events() + " holds events already, and " +
                    settings.journalDir() + " holds positions up to " + journaled + ": this run goes on in that journal " +
                    "and would replace the file, and with it the events of the runs before (a run replaces its --events " +
                    "file). Give --events another file, or move this one away ('scripts/exchange replay -d " +
                    settings.journalDir() + " --events FILE' writes every event of the journal)");
            }
        }
        // Opened first: a bad events path should fail the run before anything is created or opened.
        // Whether the file the events go to is there before the run makes it: through a link, the link's target (a
        // refused run deleted a dangling link itself, and left the empty file it made where it pointed: a reviewer's).
        final boolean eventsThere = settings.events() != null && Files.exists(settings.events());
        final Writer eventsFile = settings.events() != null ? ExchangeCli.newWriter(settings.events()) : null;
        final EventTextWriter eventsWriter = eventsFile != null ? new EventTextWriter(eventsFile, false) : null;
        final RunResult result;
        try
        {
            result = run(settings, eventsWriter, err, stop, closeOnStop, compareNote);
        }
        catch (final IOException | RuntimeException | Error ex)
        {
            closeEvents(eventsFile, eventsWriter);
            if (eventsWriter != null && !eventsThere && eventsWriter.written() == 0)
            {
                // Refused before showing anything: the file it made is not left behind (a reviewer's finding).
                try
                {
                    Files.deleteIfExists(settings.events().toRealPath());
                }
                catch (final IOException notDeleted)
                {
                    ex.addSuppressed(notDeleted);
                }
            }
            throw ex;
        }
        closeEvents(eventsFile, eventsWriter);
        return result;
    }

    /** Deletes a journal directory this run made and wrote no entry to; what cannot be deleted is left. */
    private static void removeNewJournal(final Path dir, final Path madeFrom)
    {
        try (java.util.stream.Stream<Path> walk = Files.walk(dir))
        {
            for (final Path path : (Iterable<Path>)walk.sorted(java.util.Comparator.reverseOrder())::iterator)
            {
                Files.deleteIfExists(path);
            }
            // And the parents the run made for it, where nothing else went into them (a reviewer's finding: -d a/b/j
            // refused left a/b).
            final Path top = madeFrom.toAbsolutePath().normalize();
            for (Path parent = dir.toAbsolutePath().normalize().getParent(); parent != null && parent.startsWith(top);
                parent = parent.getParent())
            {
                if (!isEmptyDirectory(parent))
                {
                    break;
                }
                Files.delete(parent);
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // Left as it is: an empty journal, which a later run takes.
        }
    }

    private static boolean isEmptyDirectory(final Path dir) throws IOException
    {
        try (java.util.stream.Stream<Path> entries = Files.list(dir))
        {
            return entries.findAny().isEmpty();
        }
    }

    /** The topmost of {@code dir} and its parents that does not exist, or null where {@code dir} exists. */
    private static Path firstMissing(final Path dir)
    {
        Path missing = null;
        for (Path path = dir.toAbsolutePath().normalize(); path != null && !Files.exists(path); path = path.getParent())
        {
            missing = path;
        }
        return missing;
    }

    /** Whether {@code events} names a file with something in it (a run would replace it). */
    private static boolean holdsEvents(final Path events)
    {
        try
        {
            return events != null && Files.isRegularFile(events) && Files.size(events) > 0;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /**
     * Refuses a journal that is not an exchange's, or was written with other max-assets, read-only (the bad-input
     * probe's run into a ledger journal was told to add --append, and with it that the journal is not an
     * exchange's). A journal that cannot be read is left to the run's own open, which says why.
     */
    private static void checkExchangeJournal(final Path journalDir, final Integer maxAssets) throws IOException
    {
        if (journalDir == null || !Files.isDirectory(journalDir) || !ChronicleJournal.isJournalDirectory(journalDir))
        {
            return;
        }
        final ChronicleJournal journal;
        try
        {
            journal = ChronicleJournal.open(new ChronicleJournal.Context().directory(journalDir)
                .maxPayloadLength(MAX_PAYLOAD).readOnly(true));
        }
        catch (final RuntimeException ex)
        {
            return;
        }
        try (journal)
        {
            ExchangeSettings.forJournal(journal, journalDir, maxAssets);
        }
        catch (final JournalException ex)
        {
            // Damaged: the run's own open says so, and how to mend it.
        }
    }

    /**
     * Where the journal ends, in words: its last position, or, where it cannot be opened (a file cut short), the
     * last position before the damage at {@code damagedAt}, not "position 0".
     */
    private static String whereTheJournalEnds(final Path journalDir, final long damagedAt)
    {
        final long end = journaledPosition(journalDir);
        return end > 0 ? "the journal ends at position " + end : damagedAt > 1 ? "the journal reads whole up to position " +
            (damagedAt - 1) : "no entry of the journal reads whole";
    }

    /** Why the journal in {@code journalDir} cannot be opened even to read, its first line; null if it can. */
    private static String unopened(final Path journalDir)
    {
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().directory(journalDir)
            .maxPayloadLength(MAX_PAYLOAD).readOnly(true)))
        {
            return null;
        }
        catch (final RuntimeException ex)
        {
            return ExchangeSettings.firstLine(ExchangeCli.message(ex));
        }
    }

    /** The last position of the journal in {@code journalDir}, or 0 if there is none (or it cannot be read here). */
    private static long journaledPosition(final Path journalDir)
    {
        if (journalDir == null || !Files.isDirectory(journalDir) || !ChronicleJournal.isJournalDirectory(journalDir))
        {
            return 0;
        }
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().directory(journalDir)
            .maxPayloadLength(MAX_PAYLOAD).readOnly(true)))
        {
            return journal.lastPosition();
        }
        catch (final RuntimeException ex)
        {
            // The run's own open says what is wrong with it.
            return 0;
        }
    }

    /** Closes the events file; a last flush that fails leaves the file incomplete, as a failed write does. */
    private static void closeEvents(final Writer eventsFile, final EventTextWriter eventsWriter)
    {
        if (eventsFile == null)
        {
            return;
        }
        try
        {
            eventsFile.close();
        }
        catch (final IOException ex)
        {
            eventsWriter.closeFailed(ex);
        }
    }

    private static RunResult run(final RunSettings settings, final EventTextWriter eventWriter, final PrintWriter err,
        final BooleanSupplier stop, final Consumer<Closeable> closeOnStop, final String compareNote) throws IOException
    {
        final InMemoryJournal inMemoryJournal = settings.inMemory() ? new InMemoryJournal(MAX_PAYLOAD) : null;
        // The topmost directory this run makes for its journal (its parents too: -d new/j), removed again if refused.
        final Path madeFrom = inMemoryJournal == null ? firstMissing(settings.journalDir()) : null;
        final Journal journal = inMemoryJournal != null ? inMemoryJournal : ChronicleJournal.open(
            new ChronicleJournal.Context()
                .directory(settings.journalDir())
                .maxPayloadLength(MAX_PAYLOAD)
                .durability(settings.durability())
                .syncInterval(settings.syncInterval())
                .preallocate(settings.journalPreallocate())
                .tornEntryListener((torn) -> tornEntry(err, torn))
                .noticeListener((notice) -> err.println("note: " + notice)));
        final ExchangeSettings.ForJournal forJournal;
        try
        {
            forJournal = ExchangeSettings.forJournal(journal, settings.journalDir(), settings.maxAssets());
        }
        catch (final IOException | RuntimeException ex)
        {
            journal.close();
            throw ex;
        }
        final ExchangeStateMachine exchange = forJournal.exchange();
        final SnapshotStore snapshots;
        // The store's own reports of failed writes: the engine's close repeats the last one, which is said already.
        final Set<Throwable> storeReported = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
        try
        {
            snapshots = settings.inMemory() ? new InMemorySnapshotStore(3) : FileSnapshotStore.open(
                new FileSnapshotStore.Context()
                    .directory(settings.snapshotsDir())
                    .retain(3)
                    .errorHandler((ex) ->
                    {
                        storeReported.add(ex);
                        err.println("snapshot: " + ex.getMessage() + " (the journal has every command: none is lost)");
                    }));
        }
        catch (final RuntimeException ex)
        {
            final boolean empty = journal.lastPosition() == 0;
            journal.close();
            if (madeFrom != null && empty)
            {
                // Made by this run a moment ago, and refused before any command: not left behind (a reviewer's finding,
                // a read-only snapshot directory).
                removeNewJournal(settings.journalDir(), madeFrom);
            }
            throw ex;
        }

        final EpochNanoClock clock = new OffsetEpochNanoClock();
        final FailureReport report = new FailureReport(err, "engine");
        final AtomicLong snapshotsNotTaken = new AtomicLong();
        final ErrorHandler failures = (ex) ->
        {
            if (newerCommand(ex) != null)
            {
                // It halts the engine (CannotApply), and the halt's error says it, with what to do: not twice.
                return;
            }
            if (ex instanceof SnapshotException && ex.getCause() != null && storeReported.contains(ex.getCause()))
            {
                return;
            }
            if (ex instanceof JournalException)
            {
                // The journal's failure halts the engine, and the run says so twice already: its summary's 'halted:'
                // and its error, with what is journaled and how to go on (a reviewer counted three of the same line).
                return;
            }
            if (ex instanceof SnapshotException)
            {
                // The engine could not take one (its state machine's writeSnapshot threw, or the store refused it).
                snapshotsNotTaken.incrementAndGet();
            }
            report.onError(ex);
        };
        final ExchangeStats stats = new ExchangeStats(false);
        final LatencyListener latency = new LatencyListener(clock);

        final RecoveryProgress recovery = new RecoveryProgress(err, "recover", true);
        final EngineContext ctx = new EngineContext()
            .name("exchange")
            .stateMachine(exchange)
            .journal(journal)
            .snapshotStore(snapshots)
            .snapshotEvery(settings.snapshotEvery())
            .topology(settings.topology())
            .waitStrategy(settings.waitStrategy())
            .clock(clock)
            .maxPayloadLength(MAX_PAYLOAD)
            .upcasters(CommandUpcasters.create())
            .recoveryListener(recovery)
            .errorHandler(failures);
        final PublishedLines publishedLines = new PublishedLines(Math.max(ctx.ringSize(), ctx.outputRingSize()));
        final RejectedLines rejectedLines = new RejectedLines(publishedLines, MALFORMED_SHOWN);
        ctx.listener("stats", new ListenerGroup(stats, latency, rejectedLines));

        if (eventWriter != null)
        {
            ctx.listener("events", eventWriter);
        }

        final MalformedReporter malformed = new MalformedReporter(err);
        final Engine engine = Engine.launch(ctx);
        if (compareNote != null)
        {
            err.println(compareNote);
        }
        if (forJournal.note() != null)
        {
            // Recovery started from a snapshot: from position 1 it would have read the damaged entry and failed.
            err.println(forJournal.note());
        }
        try
        {
            startExchange(engine, exchange, forJournal, settings);
        }
        catch (final RuntimeException ex)
        {
            engine.close();
            throw ex;
        }
        final long firstPosition = engine.nextPosition();
        // Recovery's replay counts too: only this run's commands and snapshots are reported.
        final long failedBefore = engine.metrics().failed();
        recovery.sayRecovered();
        if (failedBefore > 0)
        {
            // A reviewer's finding: 811 commands threw as the start replayed the journal (an upcaster that threw), and
            // the run said failed: 0, exit 0 with --strict, and went on from that state.
            err.println("note: " + failedBefore + " of the journal's commands threw as this run's start replayed them " +
                "(above): if they did not when they were run, this code does not read the journal as the code that " +
                "wrote it did (a journal of newer code, an upcaster that throws), and this run goes on from a state " +
                "that is not the journal's. 'scripts/exchange replay -d " + settings.journalDir() + "' replays it " +
                "alone and says so too");
        }
        final long snapshotsBefore = engine.metrics().snapshots();
        final long started = System.nanoTime();
        CommandFileReader.Counts counts = null;
        final CommandFileReader reader = new CommandFileReader().fromLine(settings.fromLine()).stopWhen(stop);
        final long fileBytes = Files.size(settings.commands());
        final Publisher publisher = new Publisher(engine, settings.rate(), new Progress(err, "run"), fileBytes,
            publishedLines);
        final boolean once = JournaledAlready.readOnce(settings.commands());
        // Set where the stop woke the pipe's open or closed it under a read: the end the read then finds is the stop's.
        final java.util.concurrent.atomic.AtomicBoolean closedByStop = new java.util.concurrent.atomic.AtomicBoolean();
        if (once)
        {
            // A pipe's open waits for its writer: the stop opens it for writing, which lets this open return (to an end).
            closeOnStop.accept(() ->
            {
                closedByStop.set(true);
                wakeOpen(settings.commands());
            });
        }
        try (CountingInputStream in = new CountingInputStream(Files.newInputStream(settings.commands())))
        {
            if (once)
            {
                closeOnStop.accept(() ->
                {
                    closedByStop.set(true);
                    in.close();
                });
            }
            publisher.file = in;
            counts = reader.read(in, publisher, malformed);
            closeOnStop.accept(null);
            awaitApplied(engine, engine.nextPosition() - 1);
        }
        catch (final EngineHaltedException ex)
        {
            // A publish the halt refused: the halt itself is what close reports, below.
        }
        catch (final IOException | RuntimeException ex)
        {
            closeAfter(engine, ex);
            throw ex;
        }
        try
        {
            engine.close();
        }
        catch (final EngineHaltedException ex)
        {
            // Said with the summary: what was applied, what the events file has, and how to go on.
        }
        // From the first command published: the lines --from-line skipped are not this run's (a reviewer's finding: they
        // counted in its seconds, not in its commands, and its throughput read low).
        final long nanos = System.nanoTime() - (publisher.firstNanos != 0 ? publisher.firstNanos : started);
        final CommandFileReader.Counts read = counts != null ? counts : reader.counts();
        malformed.finish(read.malformed());
        report.printSummary();
        final Throwable halt = engine.failure();
        final EngineMetrics metrics = engine.metrics();
        // After a halt, the commands this run applied, not those it read: what was read past the halt is not applied.
        final long applied = halt != null ? Math.max(0, metrics.lastAppliedPosition() - firstPosition + 1) :
            read.commands();
        final long journaled = halt != null && inMemoryJournal == null ?
            journalEnd(settings.journalDir(), journal.lastPosition()) : journal.lastPosition();
        return new RunResult(
            applied,
            read.malformed(),
            stats.count(EventTypes.ORDER_ACCEPTED),
            stats.rejections(),
            engine.metrics().failed() - failedBefore,
            stats.rejectionsByReason(),
            stats.count(EventTypes.TRADE),
            stats.events(),
            eventWriter,
            snapshots instanceof FileSnapshotStore ? ((FileSnapshotStore)snapshots).written() :
                engine.metrics().snapshots() - snapshotsBefore,
            (snapshots instanceof FileSnapshotStore ? ((FileSnapshotStore)snapshots).failed() : 0) + snapshotsNotTaken.get(),
            snapshots instanceof FileSnapshotStore ? ((FileSnapshotStore)snapshots).superseded() : 0,
            firstPosition,
            halt != null ? metrics.lastAppliedPosition() : engine.nextPosition() - 1,
            nanos,
            latency.copy(),
            engine.stateHash(),
            exchange.maxAssets(),
            inMemoryJournal,
            // Lines skipped to --from-line count as read: a resume never points before where this run began.
            Math.max(read.lines(), settings.fromLine() - 1),
            // The end of a pipe the stop woke or closed is the stop's, not the writer's: whether it had more is not known.
            reader.stopped() || closedByStop.get(),
            halt,
            journaled,
            Math.max(0, read.commands() - applied),
            journaled < firstPosition ? settings.fromLine() - 1 : publisher.lineOf(journaled),
            failedBefore,
            publisher.publishNanos,
            rejectedLines.said());
    }

    /**
     * Opens {@code pipe} for writing and closes it, on a daemon thread of its own: a reader blocked in its open, with no
     * writer yet, then opens and reads the pipe's end. Not waited for: with no reader, that open waits forever.
     */
    private static void wakeOpen(final Path pipe)
    {
        final Thread waker = new Thread(() ->
        {
            try (OutputStream ignored = Files.newOutputStream(pipe, StandardOpenOption.WRITE))
            {
                // Opened, and closed: the reader's open has returned.
            }
            catch (final IOException | RuntimeException ex)
            {
                // Nothing to wake.
            }
        }, "run-stop-open");
        waker.setDaemon(true);
        waker.start();
    }

    /**
     * Where the journal in {@code dir} ends, read anew: a halt can leave whole entries past the last commit
     * (a batch appended, its commit failed), which a restart recovers. {@code otherwise} if it cannot be read.
     */
    private static long journalEnd(final Path dir, final long otherwise)
    {
        try (ChronicleJournal readOnly = ChronicleJournal.open(new ChronicleJournal.Context().directory(dir)
            .maxPayloadLength(MAX_PAYLOAD).readOnly(true)))
        {
            return Math.max(otherwise, readOnly.lastPosition());
        }
        catch (final RuntimeException ex)
        {
            return otherwise;
        }
    }

    /** Closes the engine after {@code failure} ended the run; what close throws then goes with it. */
    private static void closeAfter(final Engine engine, final Exception failure)
    {
        try
        {
            engine.close();
        }
        catch (final RuntimeException closeFailure)
        {
            failure.addSuppressed(closeFailure);
        }
    }

    /**
     * Waits until the engine has applied every published command, for as long as it keeps applying them:
     * the file is the user's, so a slow engine (a snapshot after every few commands) is waited for rather
     * than given up on at the close timeout, which then only bounds the listeners' drain. A stalled engine
     * (nothing applied for {@link #STALL_NANOS}) is left to {@code close()} to report.
     */
    private static void awaitApplied(final Engine engine, final long last)
    {
        final EngineMetrics metrics = engine.metrics();
        long seen = metrics.lastAppliedPosition();
        long since = System.nanoTime();
        while (seen < last && engine.failure() == null)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            final long applied = metrics.lastAppliedPosition();
            if (applied != seen)
            {
                seen = applied;
                since = System.nanoTime();
            }
            else if (System.nanoTime() - since > STALL_NANOS)
            {
                return;
            }
        }
    }

    /**
     * An empty journal gets the exchange's settings as its first command; a recovered one must have
     * been written with the settings asked for, if any were.
     */
    private static void startExchange(
        final Engine engine, final ExchangeStateMachine exchange, final ExchangeSettings.ForJournal forJournal,
        final RunSettings settings)
    {
        if (forJournal.publishGenesis())
        {
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[MAX_PAYLOAD]);
            final long position = engine.publish(CommandTypes.CONFIGURE, CommandEncoder.VERSION, 0, 0, 0, payload, 0,
                forJournal.settings().encode(payload));
            if (position != 1)
            {
                throw new IllegalStateException("the exchange's settings went to position " + position + ", not 1");
            }
            return;
        }
        // Recovery has run (launch waited for it), and the logic thread applies nothing until we publish.
        if (settings.maxAssets() != null && exchange.maxAssets() != settings.maxAssets())
        {
            throw new IllegalArgumentException("the journal in " + settings.journalDir() + " was written with " +
                "max-assets " + exchange.maxAssets() + ", which it keeps: --max-assets " + settings.maxAssets() + " cannot be " +
                "used on it");
        }
    }

    /** Prints a run's summary as {@code key: value} lines. */
    static void printRun(final PrintWriter out, final RunSettings settings, final RunResult result)
    {
        out.println("journal: " + (settings.inMemory() ? "in-memory" : settings.journalDir() + " (" +
            settings.durability() + ")"));
        out.println("topology: " + settings.topology());
        out.println("wait-strategy: " + settings.waitStrategy());
        out.println("cores: " + Runtime.getRuntime().availableProcessors());
        if (settings.fromLine() > 1)
        {
            out.println("from-line: " + settings.fromLine());
        }
        out.println("commands: " + result.commands());
        if (result.readNotApplied() > 0)
        {
            out.println("read-not-applied: " + result.readNotApplied() + " (read from the file before the halt, and " +
                "not applied: the counts here are of the commands applied)");
        }
        out.println("malformed: " + result.malformed());
        // A reviewer's: the file's 58 lines could not be checked against 29 commands and 23 malformed. With the lines
        // that hold none, they add up to the lines read (after a halt, with read-not-applied).
        final long lines = Math.max(0, result.lastLine() - (settings.fromLine() - 1));
        out.println("blank-or-comment: " + Math.max(0, lines - result.commands() - result.readNotApplied() -
            result.malformed()));
        out.println("lines: " + lines + (settings.fromLine() > 1 ? " (from line " + settings.fromLine() + ")" : ""));
        // A command is rejected with exactly one event, or accepted: these two add up to commands.
        out.println("accepted: " + (result.commands() - result.rejected()));
        out.println("rejected: " + result.rejected());
        // Always there, "none" when nothing was rejected, as journal replay prints it: a script reads the key on a clean
        // run too (a reviewer's, from the README's list of what run prints).
        final StringBuilder reasons = new StringBuilder();
        result.rejectedByReason().forEach((reason, count) ->
            reasons.append(reasons.length() == 0 ? "" : " ").append(reason).append('=').append(count));
        out.println("rejected-by-reason: " + (reasons.length() == 0 ? "none" : reasons));
        out.println("failed: " + result.failed());
        out.println("orders-accepted: " + result.ordersAccepted());
        out.println("trades: " + result.trades());
        out.println("events: " + result.events());
        if (result.eventsWriter() != null)
        {
            out.println("events-file: " + settings.events() + " (" + eventsFileState(result.eventsWriter(), settings.events()) +
                ")");
        }
        if (settings.snapshotEvery() > 0)
        {
            out.println("snapshots-written: " + result.snapshotsWritten());
            out.println("snapshots-failed: " + result.snapshotsFailed());
            // Dropped unwritten because a newer one came first: retention would have deleted them at once.
            out.println("snapshots-superseded: " + result.snapshotsSuperseded());
        }
        out.printf(Locale.ROOT, "seconds: %.3f%n", result.nanos() / 1e9);
        out.printf(Locale.ROOT, "throughput: %.0f commands/s%n", result.commandsPerSecond());
        final Histogram latency = result.latency();
        if (settings.rate() > 0)
        {
            // Stamped when published, not when due: if the publisher fell behind, the wait it could not
            // keep is missing from these figures (coordinated omission), so say how close it kept up.
            out.printf(Locale.ROOT, "latency-load: fixed rate %d commands/s, achieved %.0f (ingress to first event)%n",
                settings.rate(), result.commandsPerSecond());
        }
        else
        {
            // Published flat out, the ring fills: these are queueing delays under saturation, not
            // service times. Use --rate, or bench's LatencyHarness, for latency at a known load.
            out.println("latency-load: saturated (the file is published flat out; ingress to first event, " +
                "includes queueing; use --rate for a known load)");
        }
        out.println("latency-count: " + latency.getTotalCount());
        out.printf(Locale.ROOT, "latency-p50-us: %.1f%n", latency.getValueAtPercentile(50) / 1e3);
        out.printf(Locale.ROOT, "latency-p90-us: %.1f%n", latency.getValueAtPercentile(90) / 1e3);
        out.printf(Locale.ROOT, "latency-p99-us: %.1f%n", latency.getValueAtPercentile(99) / 1e3);
        out.printf(Locale.ROOT, "latency-p99.9-us: %.1f%n", latency.getValueAtPercentile(99.9) / 1e3);
        out.printf(Locale.ROOT, "latency-max-us: %.1f%n", latency.getMaxValue() / 1e3);
        // A run that published nothing has no first position; the journal still ends where it ends.
        out.println("first-position: " + (result.commands() > 0 ? Long.toString(result.firstPosition()) : "none"));
        out.println("last-position: " + result.lastPosition());
        if (result.halt() != null)
        {
            // The state applied before the halt is not the journal's: a restart applies what the journal holds past it.
            out.println("halted: " + ExchangeCli.message(result.halt()));
            return;
        }
        out.println("state-hash: " + ExchangeCli.hex(result.stateHash()));
        if (result.stopped())
        {
            out.println("stopped: by a signal " + (result.lastLine() == 0 ? "before the first line" : "after line " +
                result.lastLine()) + " of " + settings.commands() + "; every command read up to it is journaled and " +
                "applied, and none after it was read");
            // Lines that can be read only once (a pipe) cannot be compared with the journal: going on needs --append
            // (a reviewer followed the line without it and was refused).
            final boolean pipe = JournaledAlready.readOnce(settings.commands());
            out.println("resume: run the same command with " + (pipe && result.lastLine() > 0 ? "--append " : "") +
                "--from-line " + (result.lastLine() + 1) + (result.lastLine() == 0 ? " (no line was read)" : pipe ?
                " (" + settings.commands() + " is not a regular file, which the run cannot compare with the journal: " +
                "--append says the journal holds lines 1.." + result.lastLine() + " of the same lines)" :
                " (from the file's start, its commands would be applied a second time)") +
                (settings.events() == null || result.eventsWriter() == null || result.eventsWriter().written() == 0 ? "" :
                ", and --events on another file: " + settings.events() + " holds this run's events and would be " +
                "replaced (the new file's events follow this one's)"));
        }
    }

    /**
     * What an events file holds: its lines, and where it stopped if a write failed. After a failure the whole
     * lines are counted in the file itself (a regular file): the writer's buffer reached the disk in parts the
     * writer cannot count, and what it held when the write failed did not.
     */
    static String eventsFileState(final EventTextWriter writer, final Path file)
    {
        final IOException failure = writer.failure();
        if (failure == null)
        {
            return writer.written() + " lines";
        }
        final long whole = wholeLines(file, writer.flushed());
        final long missing = writer.written() + writer.unwritten() - whole;
        return "incomplete: its first " + whole + " lines are whole" + (endsInsideALine(file) ? " (a part of the next " +
            "follows them)" : "") + ", then " + (writer.failedAt() <= 0 ? "its last flush failed" :
            writer.failedInFlush() ? "writing out the events buffered since its last flush failed (the batch up to " +
            "position " + writer.failedAt() + ")" : "writing out the events buffered up to the event of position " +
            writer.failedAt() + " failed (its buffer was full)") + ": " + ExchangeCli.message(failure) + (missing > 0 ?
            "; the " + missing + " events after those lines are not in it" : "");
    }

    /** Whether a regular {@code file} ends with bytes after its last newline: a line cut by the failed write. */
    private static boolean endsInsideALine(final Path file)
    {
        if (file == null || !Files.isRegularFile(file))
        {
            return false;
        }
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file))
        {
            final long size = channel.size();
            final java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(1);
            return size > 0 && channel.read(last, size - 1) == 1 && last.get(0) != '\n';
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /** The newline-ended lines of {@code file}, or {@code otherwise} where it is no regular file (/dev/full) or unreadable. */
    private static long wholeLines(final Path file, final long otherwise)
    {
        if (file == null || !Files.isRegularFile(file))
        {
            return otherwise;
        }
        long lines = 0;
        final byte[] buffer = new byte[1 << 16];
        try (java.io.InputStream in = Files.newInputStream(file))
        {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer))
            {
                for (int i = 0; i < read; i++)
                {
                    if (buffer[i] == '\n')
                    {
                        lines++;
                    }
                }
            }
            return lines;
        }
        catch (final IOException ex)
        {
            return otherwise;
        }
    }

    /**
     * How to rebuild the exchange from a journal: up to position {@code to} (0: none; Long.MAX_VALUE: the
     * end); {@code maxAssets} only for an old journal whose settings file is missing.
     */
    record ReplaySettings(Path journalDir, Path snapshotsDir, boolean useSnapshots, long to, Path events,
        Integer maxAssets)
    {
    }

    /** The rebuilt exchange (read it: its engine has stopped) and what the replay did. */
    record ReplayResult(
        ExchangeStateMachine exchange,
        long stateHash,
        long lastPosition,
        long journalLastPosition,
        long snapshotPosition,
        long replayed,
        long nanos,
        EventTextWriter eventsWriter,
        long failed)
    {
        double commandsPerSecond()
        {
            return replayed * 1e9 / Math.max(1, nanos);
        }
    }

    /**
     * Rebuilds the exchange from the journal in {@code settings.journalDir()}, opened read-only: from
     * the newest snapshot at or before the target position (unless told not to, or events are
     * wanted), then the journal up to the target. With {@code events}, every regenerated event is
     * written in the format {@code run} writes, which needs a full replay from position 1.
     */
    static ReplayResult replay(final ReplaySettings settings, final PrintWriter err) throws IOException
    {
        final Path dir = settings.journalDir();
        if (!ChronicleJournal.isJournalDirectory(dir))
        {
            throw new IllegalArgumentException(ChronicleJournal.noJournalIn(dir));
        }
        if (settings.events() != null)
        {
            ExchangeCli.checkNotOverwriting(settings.events(), "events file", null, dir, settings.snapshotsDir());
            ExchangeCli.checkWritable(settings.events(), "events file");
        }
        final ChronicleJournal chronicle = ChronicleJournal.open(new ChronicleJournal.Context()
            .directory(dir)
            .maxPayloadLength(MAX_PAYLOAD)
            .readOnly(true)
            .tornEntryListener((torn) -> tornEntry(err, torn)));
        final ExchangeSettings.ForJournal forJournal;
        try
        {
            forJournal = ExchangeSettings.forJournal(chronicle, dir, settings.maxAssets());
        }
        catch (final IOException | RuntimeException ex)
        {
            chronicle.close();
            throw ex;
        }
        final long journalLast = chronicle.lastPosition();
        final String foreign = chronicle.notTheJournalsMetadata();
        if (foreign != null)
        {
            // Its identity decides which snapshots load: said, not left to the snapshot-skipped lines (a newcomer's probe).
            err.println("note: " + foreign);
        }
        final String foreignFile = chronicle.foreignCycleFile(settings.to());
        if (foreignFile != null)
        {
            // Its entries would replay as this journal's (a reviewer's finding: it did, to another state, unsaid).
            chronicle.close();
            throw new IllegalStateException(foreignFile);
        }
        final String unchecked = chronicle.uncheckedEnd(settings.to());
        if (unchecked != null)
        {
            err.println("note: " + unchecked);
        }
        final String missing = chronicle.missingCommitted(settings.to());
        if (missing != null)
        {
            chronicle.close();
            throw new IllegalStateException(missing);
        }
        final String lost = settings.to() == Long.MAX_VALUE ? snapshotPastTheEnd(chronicle, settings.snapshotsDir()) : null;
        if (lost != null)
        {
            chronicle.close();
            throw new IllegalStateException(lost);
        }
        final long target = Math.min(settings.to(), journalLast);
        if (settings.to() > journalLast && settings.to() != Long.MAX_VALUE)
        {
            err.println("note: the journal ends at position " + journalLast + ", before --to " + settings.to());
        }
        final String stranded = chronicle.firstPosition() > 1 ? noSnapshotToStartFrom(chronicle, settings, target) : null;
        if (stranded != null)
        {
            chronicle.close();
            throw new IllegalArgumentException(stranded);
        }
        SnapshotStore snapshots = null;
        if (settings.useSnapshots() && settings.events() == null && Files.isDirectory(settings.snapshotsDir()))
        {
            try
            {
                // As of --to, not of the journal's end: a snapshot past the end (an older copy of the journal put
                // back) is then offered, and recovery says it skips it and why, rather than it going unmentioned.
                snapshots = new SnapshotsUpTo(FileSnapshotStore.open(new FileSnapshotStore.Context()
                    .directory(settings.snapshotsDir()).readOnly(true)), settings.to());
            }
            catch (final RuntimeException ex)
            {
                chronicle.close();
                throw ex;
            }
        }
        try
        {
            final ReplayResult result = replay(forJournal.exchange(), ReadOnlyJournal.upTo(chronicle, target), snapshots,
                journalLast, settings.events(), err, settings.to() == Long.MAX_VALUE ? chronicle.liveWriter() : null);
            // Said only where a snapshot was loaded: without one the replay reads position 1 and its error says why.
            if (forJournal.note() != null && result.snapshotPosition() > 0)
            {
                err.println(forJournal.note());
            }
            if (settings.maxAssets() != null && result.exchange().maxAssets() != settings.maxAssets())
            {
                // Settings a snapshot brought (position 1 trimmed or damaged), checked as a run checks them.
                throw new IllegalArgumentException("the journal in " + dir + " was written with max-assets " +
                    result.exchange().maxAssets() + ", which it keeps: --max-assets " + settings.maxAssets() +
                    " cannot be used on it");
            }
            return result;
        }
        catch (final RuntimeException ex)
        {
            final JournalException damaged = damagedEntry(ex);
            if (damaged == null)
            {
                throw ex;
            }
            // An entry that cannot be read: the way out, as the journal tool's refusals give it (the reader's
            // message names verify already).
            final String said = ExchangeCli.message(ex);
            throw new IllegalStateException(said + ". 'scripts/exchange replay -d " + dir + " --to " +
                (damaged.position() - 1) + "' replays the journal before it" + (said.contains("journal verify -d") ? "" :
                "; 'scripts/journal verify -d " + dir + "' names the damaged position, and 'scripts/journal repair -d " + dir +
                "' what a repair keeps"), ex);
        }
    }

    /** The unreadable entry past position 1 that stopped a replay, unless its message says the way out already. */
    private static JournalException damagedEntry(final Throwable failure)
    {
        for (Throwable cause = failure; cause != null; cause = cause.getCause())
        {
            if (cause instanceof JournalException journal && journal.position() > 1 &&
                !String.valueOf(journal.getMessage()).contains("journal repair"))
            {
                return journal;
            }
        }
        return null;
    }

    /**
     * Why a replay to the journal's end would not give the journal's state, from its snapshots: one of this
     * journal taken past its last position means entries up to it were committed and are gone (an older copy
     * put back beside newer snapshots), as a restart refuses; null if none is, or a writer is at work.
     */
    private static String snapshotPastTheEnd(final ChronicleJournal journal, final Path snapshotsDir)
    {
        final long position = FileSnapshotStore.firstPastTheEnd(journal, snapshotsDir);
        if (position < 0)
        {
            return null;
        }
        final long last = journal.lastPosition();
        return "the journal in " + journal.directory() + " ends at position " + last + ", but a snapshot of it was " +
            "taken at position " + position + ": entries " + (last + 1) + ".." + position + " were committed and are " +
            "not in it (an older copy of the journal put back, or a cycle file lost), so its end is not its state. " +
            "The same command with --to " + last + " gives what it holds ('scripts/exchange replay -d " +
            journal.directory() + " --to " + last + "', and so book and balances); restore the missing files for the rest";
    }

    /**
     * Why a replay of a journal trimmed behind its snapshots (its oldest entry past position 1) cannot start, with the
     * way on; null where a snapshot of it at its oldest entry or later, and at the target or before, is there. A
     * reviewer's replay, book and balances said only "journal position 1: older than the oldest entry kept".
     */
    private static String noSnapshotToStartFrom(final ChronicleJournal journal, final ReplaySettings settings,
        final long target)
    {
        final long first = journal.firstPosition();
        if (target == 0 || journal.foreignMetadata() != null)
        {
            // Another journal's ringlog.meta: recovery says what it skips, and why (its identity is not this journal's).
            // The state before the first command: none applied, whatever the journal still holds.
            return null;
        }
        final String start = "the journal's oldest entry is at position " + first + " (older cycle files were deleted " +
            "behind its snapshots), so a replay starts from a snapshot of it at position " + first + " or later";
        if (settings.events() != null)
        {
            return start + ", and --events writes every event from position 1, which this journal no longer holds: the " +
                "events before position " + first + " cannot be made from it (leave --events out to replay the state)";
        }
        if (!settings.useSnapshots())
        {
            return start + ", and --no-snapshot replays from position 1, which it no longer holds: leave --no-snapshot out";
        }
        final Path dir = settings.snapshotsDir();
        if (!Files.isDirectory(dir))
        {
            return start + ", and there is no " + dir + ": --snapshots DIR names where its snapshots are";
        }
        final java.util.TreeSet<Long> usable = new java.util.TreeSet<>();
        try (FileSnapshotStore store = FileSnapshotStore.open(new FileSnapshotStore.Context().directory(dir)
            .readOnly(true)))
        {
            for (final long position : store.positions())
            {
                // With ringlog.meta missing the identity is unknown, and recovery checks a snapshot by its entry alone
                // (a code review found every snapshot discounted then, and "holds none" said).
                if (position >= first && (!journal.id().known() || journal.id().equals(store.journalNamedAt(position))))
                {
                    usable.add(position);
                }
            }
        }
        if (!usable.isEmpty() && usable.first() <= target)
        {
            return null;
        }
        return start + (usable.isEmpty() ? ", and " + dir + " holds none: restore one from a copy, or give " +
            "--snapshots DIR where they are" : ", and the oldest in " + dir + " is at position " + usable.first() +
            ", after --to " + target + ": --to " + usable.first() + " or later replays from it");
    }

    /** Replays an in-memory run's journal from position 1. */
    static ReplayResult replay(final RunResult run, final PrintWriter err) throws IOException
    {
        final InMemoryJournal journal = run.journal();
        return replay(ExchangeStateMachine.configuredByJournal(true), ReadOnlyJournal.of(journal),
            null, journal.lastPosition(), null, err, null);
    }

    private static ReplayResult replay(
        final ExchangeStateMachine exchange,
        final ReadOnlyJournal journal,
        final SnapshotStore snapshots,
        final long journalLast,
        final Path events,
        final PrintWriter err,
        final String writer) throws IOException
    {
        final RecoveryProgress progress = new RecoveryProgress(err, "replay");
        progress.writer(writer);
        final FailureReport failures = new FailureReport(err, "replay");
        final EngineContext ctx = new EngineContext()
            .name("exchange-replay")
            .stateMachine(exchange)
            .journal(journal)
            .snapshotStore(snapshots)
            .maxPayloadLength(MAX_PAYLOAD)
            .upcasters(CommandUpcasters.create())
            .ringSize(64)
            .recoveryListener(progress)
            .errorHandler((ex) ->
            {
                if (newerCommand(ex) == null)
                {
                    // One of a newer schema version halts the replay, whose error says it: not twice.
                    failures.onError(ex);
                }
            });
        Writer eventsFile = null;
        EventTextWriter eventWriter = null;
        if (events != null)
        {
            eventsFile = ExchangeCli.newWriter(events);
            eventWriter = new EventTextWriter(eventsFile, true);
            ctx.listener("events", eventWriter);
        }
        final Engine engine;
        try
        {
            engine = Engine.launch(ctx);
            engine.close();
        }
        catch (final RuntimeException | Error ex)
        {
            closeEvents(eventsFile, eventWriter);
            throw ex;
        }
        closeEvents(eventsFile, eventWriter);
        failures.printSummary();
        if (engine.failure() != null)
        {
            throw new IllegalStateException("the replay halted: " + ExchangeCli.message(engine.failure()), engine.failure());
        }
        // Commands the exchange threw on, as run's failed: counts them; not the events file's failure, which the
        // error handler hears of too (a reviewer's replay to a full disk said failed: 1 beside the right state hash).
        return new ReplayResult(exchange, engine.stateHash(), journal.lastPosition(), journalLast,
            Math.max(0, progress.snapshotPosition), progress.replayed, progress.nanos, eventWriter,
            engine.metrics().failed());
    }

    /** The message of a command of a newer schema version than this code's that {@code failure} is, or null. */
    static String newerCommand(final Throwable failure)
    {
        final Throwable cause = failure instanceof io.ringlog.core.CommandFailedException && failure.getCause() != null ?
            failure.getCause() : failure;
        return cause instanceof io.ringlog.exchange.NewerCommandException ? cause.getMessage() : null;
    }

    /** Prints what a replay found as {@code key: value} lines. */
    static void printReplay(final PrintWriter out, final ReplayResult result)
    {
        out.println("last-position: " + result.lastPosition());
        out.println("journal-last-position: " + result.journalLastPosition());
        out.println("snapshot-position: " + result.snapshotPosition());
        out.println("replayed: " + result.replayed());
        if (result.failed() > 0)
        {
            out.println("failed: " + result.failed());
        }
        out.printf(Locale.ROOT, "replay-seconds: %.3f%n", result.nanos() / 1e9);
        out.printf(Locale.ROOT, "replay-rate: %.0f commands/s%n", result.commandsPerSecond());
        out.println("state-hash: " + ExchangeCli.hex(result.stateHash()));
    }

    /**
     * Publishes each parsed command, waiting while the ring is full, and reports progress. At a fixed
     * rate, command i is due {@code i / rate} seconds after the first.
     */
    private static final class Publisher implements CommandFileReader.Sink
    {
        private static final long SPIN_NANOS = 50_000;

        private final Engine engine;
        private final double intervalNanos;
        private final Progress progress;
        private CountingInputStream file;
        private final double fileBytes;
        private long started;
        private long published;
        /**
         * The line each of the newest positions came from, by position modulo the ring's size: a position the
         * journal holds is never more than a ring behind the newest published, so a halt can name the line of the
         * journal's last one (a pipe's lines cannot be compared with the journal afterwards).
         */
        private final PublishedLines lines;
        private long lastPosition = -1;
        /** When the first command was published (0 before): a run's seconds start there, after any --from-line skipping. */
        long firstNanos;
        /** At a fixed rate, the time spent in {@code publish}, waiting for room in the ring. */
        long publishNanos;

        Publisher(final Engine engine, final long rate, final Progress progress, final long fileBytes,
            final PublishedLines lines)
        {
            this.engine = engine;
            this.intervalNanos = rate > 0 ? 1e9 / rate : 0;
            this.progress = progress;
            this.fileBytes = fileBytes;
            this.lines = lines;
        }

        /** The line {@code position} was published from, or -1 where this publisher did not publish it or forgot it. */
        long lineOf(final long position)
        {
            return position > lastPosition ? -1 : lines.lineOf(position);
        }

        @Override
        public void command(final ParsedCommand command)
        {
            if (intervalNanos > 0)
            {
                awaitDue();
            }
            final long before = intervalNanos > 0 || firstNanos == 0 ? System.nanoTime() : 0;
            if (firstNanos == 0)
            {
                firstNanos = before;
            }
            // Said before the publish, for the listener that names a rejected command's line as its event comes: the
            // position this publisher's command gets, unless the engine's own command (a snapshot's) took it meanwhile.
            final long expected = engine.nextPosition();
            lines.put(expected, command.lineNumber());
            final long position = engine.publish(command.type(), command.version(), command.sourceId(),
                command.sourceSequence(), command.correlationId(), command.payload(), 0, command.payloadLength());
            if (intervalNanos > 0)
            {
                // At a fixed rate, how long publishing waited (a full ring: the engine behind), to tell a rate the engine
                // could not keep from one the input could not (a pipe that paused, a reviewer's false alarm).
                publishNanos += System.nanoTime() - before;
            }
            if (position != expected)
            {
                lines.put(position, command.lineNumber());
            }
            lastPosition = position;
            // A pipe has no size (0): its share read is not known, and was said as 100% from the start (a reviewer's).
            progress.update(++published, fileBytes > 0 ? file.count() / fileBytes : -1);
        }

        private void awaitDue()
        {
            if (published == 0)
            {
                started = System.nanoTime();
                return;
            }
            final long due = started + (long)(published * intervalNanos);
            long left;
            while ((left = due - System.nanoTime()) > 0)
            {
                if (left > SPIN_NANOS)
                {
                    LockSupport.parkNanos(left - SPIN_NANOS);
                }
                else
                {
                    Thread.onSpinWait();
                }
            }
        }
    }

    /**
     * Says a torn entry the journal met at its open; not the entry a live writer is in the middle of, which a read
     * beside it meets as a matter of course (a replay beside a running exchange said "a writer stopped mid-entry").
     */
    private static void tornEntry(final PrintWriter err, final io.ringlog.journal.TornEntry torn)
    {
        if (!torn.beingWritten())
        {
            err.println("torn-entry: " + torn);
        }
    }
}
