package io.ringlog.journal.tool;

import io.ringlog.core.Command;
import io.ringlog.core.CorruptEntryException;
import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.ErrorPolicy;
import io.ringlog.core.JournalException;
import io.ringlog.core.JournalReader;
import io.ringlog.core.OutputEvent;
import io.ringlog.core.OutputListener;
import io.ringlog.core.PayloadTooLargeException;
import io.ringlog.core.ReadOnlyJournal;
import io.ringlog.core.RecoveryListener;
import io.ringlog.core.Rejections;
import io.ringlog.core.SnapshotsUpTo;
import io.ringlog.core.StateMachine;
import io.ringlog.core.SystemCommands;
import io.ringlog.core.Upcasters;
import io.ringlog.journal.ChronicleJournal;
import io.ringlog.journal.FileSnapshotStore;
import io.ringlog.journal.JournalRepair;
import io.ringlog.journal.MissingCycleException;
import io.ringlog.journal.TornEntry;
import org.agrona.DirectBuffer;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code journal dump | verify | stats | replay | repair}: looks into a journal directory without
 * changing it (the journal and snapshot store are opened read-only), except {@code repair --apply}.
 * Prints {@code key: value} lines. Exit codes: 0 fine, 1 the journal has a problem (verify; stats, past a damaged entry), a
 * repair was refused, or the command failed, 2 bad usage.
 */
@CommandLine.Command(
    name = "journal",
    mixinStandardHelpOptions = true,
    description = "Inspect a ringlog journal: dump entries, verify it, summarise it, replay it to a position, " +
        "or repair it.",
    subcommands = {
        JournalTool.Dump.class,
        JournalTool.Verify.class,
        JournalTool.Stats.class,
        JournalTool.Replay.class,
        JournalTool.Repair.class,
        CommandLine.HelpCommand.class})
public final class JournalTool implements Callable<Integer>
{
    static final int OK = 0;
    static final int PROBLEM = 1;

    @Spec
    CommandLine.Model.CommandSpec spec;

    private JournalTool()
    {
    }

    public static void main(final String[] args)
    {
        final StandardOutput out = StandardOutput.install();
        final PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(out.exit(run(out.writer(), err, args), err));
    }

    /** Runs the tool with the given output streams (tests call this) and returns its exit code. */
    public static int run(final PrintWriter out, final PrintWriter err, final String... args)
    {
        return runAs("journal", out, err, args);
    }

    /**
     * As {@link #run}, named {@code name} in its usage and errors ({@code Try 'NAME dump --help'}): for a
     * command line that offers the tool under a name of its own ({@code exchange journal}).
     */
    public static int runAs(final String name, final PrintWriter out, final PrintWriter err, final String... args)
    {
        return runAs(name, List.of(), out, err, args);
    }

    /**
     * {@link #runAs(String, PrintWriter, PrintWriter, String...)}, with the subcommands named in {@code left} out of
     * the tool's help: a host that offers its own in their place (the exchange's replay) refuses them itself.
     */
    public static int runAs(final String name, final List<String> left, final PrintWriter out, final PrintWriter err,
        final String... args)
    {
        final CommandLine commandLine = CliSupport.configure(new CommandLine(new JournalTool()), out, err);
        commandLine.setCommandName(name);
        for (final String subcommand : left)
        {
            commandLine.getSubcommands().get(subcommand).getCommandSpec().usageMessage().hidden(true);
        }
        if (left.contains("replay"))
        {
            // A reviewer's finding: the description still offered what the host refuses.
            commandLine.getCommandSpec().usageMessage().description("Inspect a ringlog journal: dump entries, verify it, " +
                "summarise it, or repair it.");
        }
        final int code = commandLine.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public Integer call()
    {
        spec.commandLine().usage(spec.commandLine().getErr()); // a usage error: not into a script's output
        return CommandLine.ExitCode.USAGE;
    }

    /** Options every subcommand shares: where the journal is and how large its payloads may be. */
    static final class JournalOptions
    {
        @Option(names = {"-d", "--dir"}, required = true, paramLabel = "DIR",
            description = "Journal directory (the Chronicle Queue files).")
        Path directory;

        @Spec(Spec.Target.MIXEE)
        CommandLine.Model.CommandSpec mixee;

        int maxPayload = 65_536;

        @Option(names = "--max-payload", defaultValue = "65536", paramLabel = "BYTES",
            description = "Largest payload to accept, in bytes (default: ${DEFAULT-VALUE}). For replay, also the " +
                "service's maxPayloadLength, which its engine applies (default there: EngineContext's, 256).")
        void maxPayload(final int bytes)
        {
            if (bytes < 1 || bytes > ChronicleJournal.Context.MAX_PAYLOAD_LENGTH)
            {
                throw new CommandLine.ParameterException(mixee.commandLine(), "--max-payload must be at least 1 byte " +
                    "and at most " + ChronicleJournal.Context.MAX_PAYLOAD_LENGTH + " (what a journal entry holds), not " +
                    bytes);
            }
            maxPayload = bytes;
        }

        ChronicleJournal open(final List<TornEntry> torn)
        {
            if (!Files.isDirectory(directory))
            {
                throw new IllegalArgumentException(Files.exists(directory) ? directory + " is a file, not a journal's " +
                    "directory: give the directory the journal was written to" : "no journal directory " + directory);
            }
            if (!ChronicleJournal.isJournalDirectory(directory))
            {
                throw new IllegalArgumentException(ChronicleJournal.noJournalIn(directory));
            }
            return ChronicleJournal.open(new ChronicleJournal.Context()
                .directory(directory)
                .maxPayloadLength(maxPayload)
                .readOnly(true)
                .tornEntryListener(torn::add));
        }
    }

    @CommandLine.Command(name = "dump", mixinStandardHelpOptions = true,
        description = "Print entries in a position range: decoded header, then the payload (decoded, or hex).")
    static final class Dump implements Callable<Integer>
    {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        JournalOptions journal;

        @Option(names = "--from", defaultValue = "1", paramLabel = "POSITION", description = "First position (default: oldest).")
        long from;

        @Option(names = "--to", defaultValue = "" + Long.MAX_VALUE, paramLabel = "POSITION",
            description = "Last position (default: newest).")
        long to;

        @Mixin
        DecoderOption decoderOption;

        @Override
        public Integer call() throws Exception
        {
            final String decoderClass = decoderOption.decoderClass;
            if (from < 1 || to < from)
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "--from " + from + " --to " + to +
                    " is not a range of positions: positions start at 1 and --to must not be before --from");
            }
            final PrintWriter out = spec.commandLine().getOut();
            final PayloadDecoder decoder = decoderOption.decoder();
            try (ChronicleJournal chronicle = journal.open(new ArrayList<>()))
            {
                final long first = Math.max(from, Math.max(1, chronicle.firstPosition()));
                final Command entry = new Command(journal.maxPayload);
                long printed = 0;
                long undecoded = 0;
                try (JournalReader reader = chronicle.reader(first))
                {
                    while (nextOrWhy(reader, entry, first) && entry.position() <= to)
                    {
                        if (!printEntry(out, entry, decoder, decoderClass, ChronicleJournal.storedAt(reader)))
                        {
                            undecoded++;
                        }
                        printed++;
                        // A PrintWriter keeps quiet about a closed pipe ('dump | head'): ask now and then, and stop.
                        if ((printed & 15) == 0 && out.checkError())
                        {
                            return OK;
                        }
                    }
                }
                out.println("entries-printed: " + printed);
                // Why nothing was printed is a diagnostic, on stderr as replay's are: stdout stays the entries.
                if (printed == 0 && from > chronicle.lastPosition())
                {
                    spec.commandLine().getErr().println("note: the journal ends at position " + chronicle.lastPosition() +
                        ", before --from " + from);
                }
                else if (printed == 0 && to < chronicle.firstPosition())
                {
                    spec.commandLine().getErr().println("note: the journal's oldest entry is at position " +
                        chronicle.firstPosition() + ", after --to " + to + " (older cycles were deleted: snapshots hold " +
                        "the state before it)");
                }
                if (undecoded > 0)
                {
                    spec.commandLine().getErr().println("error: " + decoderClass + " threw on " + undecoded + " of the " +
                        printed + " entries printed (their payload-decoder-failed lines say where and why; their payload " +
                        "is printed as hex)");
                    return PROBLEM;
                }
            }
            return OK;
        }
    }

    /**
     * The reader's next entry; where damage before {@code from} stops it (the entries of a Chronicle document are
     * read from its start, and a damaged one hides where the next starts), the exception says that is why a position
     * not asked for is named.
     */
    private static boolean nextOrWhy(final JournalReader reader, final Command entry, final long from)
    {
        try
        {
            return reader.next(entry);
        }
        catch (final JournalException ex)
        {
            if (ex.position() <= 0 || ex.position() >= from)
            {
                throw ex;
            }
            final String prefix = "journal position " + ex.position() + ": ";
            final String message = ex.getMessage().startsWith(prefix) ? ex.getMessage().substring(prefix.length()) :
                ex.getMessage();
            throw new JournalException(ex.position(), message + ". It lies before --from " + from + ", in the Chronicle " +
                "document that holds position " + from + ", whose entries are read from the document's start: the damage " +
                "hides where " + from + " starts " +
                "('scripts/journal verify' says which positions can be read; a --from in a later document reads)", ex);
        }
    }

    /** {@code --decoder}, for the commands that show what entries are: {@code dump} and {@code stats}. */
    static final class DecoderOption
    {
        @Option(names = "--decoder", paramLabel = "CLASS",
            description = "A public PayloadDecoder class with a no-arg constructor, on the classpath: dump shows payloads " +
                "as it reads them, stats names the types it knows.")
        String decoderClass;

        /** The decoder named, or null for none. */
        PayloadDecoder decoder()
        {
            return decoderClass == null ? null : instantiate(decoderClass, PayloadDecoder.class);
        }
    }

    /**
     * What {@code stats} says a type is: the engine's own types by the tool, the others by the decoder (null where
     * neither knows it).
     */
    static String typeName(final int type, final PayloadDecoder decoder, final String decoderName)
    {
        switch (type)
        {
            case SystemCommands.SNAPSHOT: return "the engine's: a snapshot taken after this position";
            case SystemCommands.VOID: return "the engine's: a slot whose publisher failed, applied as nothing";
            case SystemCommands.EPOCH: return "the engine's: where a promoted node's epoch begins";
            default: break;
        }
        if (decoder == null)
        {
            return null;
        }
        try
        {
            return decoder.typeName(type);
        }
        catch (final RuntimeException ex)
        {
            return decoderName + ".typeName threw " + ex.getClass().getSimpleName() +
                (ex.getMessage() == null ? "" : ": " + oneLine(ex.getMessage()));
        }
    }

    /**
     * Prints one entry, its payload as {@code decoder} reads it (or as hex), and where it is stored ({@code storedAt},
     * if known); false if the decoder threw, which is said in the entry and does not stop the dump.
     */
    static boolean printEntry(final PrintWriter out, final Command entry, final PayloadDecoder decoder,
        final String decoderName, final String storedAt)
    {
        out.println("position: " + entry.position());
        out.println("timestamp: " + entry.timestamp() + " (" + instant(entry.timestamp()) + ")");
        out.println("type: " + entry.type());
        out.println("version: " + entry.version());
        out.println("source-id: " + entry.sourceId());
        out.println("source-sequence: " + entry.sourceSequence());
        out.println("correlation-id: " + entry.correlationId());
        out.println("payload-length: " + entry.payloadLength());
        String decoded = null;
        boolean decodedWell = true;
        if (decoder != null)
        {
            try
            {
                decoded = decoder.decode(entry.type(), entry.version(), entry.payload(), entry.payloadLength());
            }
            catch (final RuntimeException ex)
            {
                decodedWell = false;
                out.println("payload-decoder-failed: " + decoderName + " threw at position " + entry.position() + ": " +
                    (ex.getMessage() != null ? ex.getMessage() : ex.getClass().getSimpleName()));
            }
        }
        if (decoded != null)
        {
            // One line whatever the decoder returns (a reviewer's: a decoder's "\nposition: 999999" added a line that
            // read as the dump's own): line breaks and other control characters escaped.
            out.println("payload: " + oneLine(decoded));
        }
        else
        {
            out.println("payload-hex: " + hex(entry.payload(), entry.payloadLength()));
        }
        if (storedAt != null)
        {
            // Where to look with a hex viewer, or where verify's byte offsets point.
            out.println("stored-at: " + storedAt);
        }
        out.println();
        return decodedWell;
    }

    @CommandLine.Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Read every entry: report gaps, a torn tail and undecodable entries; check each snapshot against " +
            "the journal as recovery would, and say which one a restart recovers from. Exit 1 on any problem.")
    static final class Verify implements Callable<Integer>
    {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        JournalOptions journal;

        @Option(names = "--snapshots", paramLabel = "DIR",
            description = "Snapshot directory to check (default: DIR/snapshots if it exists).")
        Path snapshots;

        /**
         * A repair command in a problem's words, with the snapshot directory verify was given where it is not the
         * journal's own snapshots/: a cut run without it would leave the snapshots past the cut, which the next
         * start refuses.
         */
        /**
         * Whether a snapshot holds the state through a gap in the cycle files, in words: then moving the files before
         * the gap aside keeps every entry after it.
         */
        private String throughTheGap(final MissingCycleException gap, final Path snapshotDir)
        {
            final String files = gap.filesBefore().stream().map((p) -> p.getFileName().toString())
                .collect(java.util.stream.Collectors.joining(", "));
            if (snapshotDir == null)
            {
                return "no snapshot was looked at (no " + journal.directory.resolve("snapshots") + "; --snapshots DIR " +
                    "names where they are): one at position " + gap.firstAfter() + " or later lets the files " +
                    "before the gap (" + files + ") be moved aside instead of the later ones cut";
            }
            long through = -1;
            final List<Long> older = new ArrayList<>();
            try (FileSnapshotStore store = FileSnapshotStore.open(new FileSnapshotStore.Context().directory(snapshotDir)
                .readOnly(true)))
            {
                for (final long position : store.positions())
                {
                    // Recovery checks a snapshot against the journal's entry at its position: one after the gap.
                    through = position >= gap.firstAfter() ? Math.max(through, position) : through;
                    if (position < gap.firstAfter())
                    {
                        older.add(position);
                    }
                }
            }
            catch (final RuntimeException ex)
            {
                return "the snapshots in " + snapshotDir + " cannot be listed (" + ex.getMessage() + "): whether one " +
                    "holds the state through the gap is not known";
            }
            if (through < 0)
            {
                return "no snapshot in " + snapshotDir + " is at position " + gap.firstAfter() + " or later, so " +
                    "none holds the state through the gap: only a copy of the missing file keeps the entries after it";
            }
            return "the snapshot at position " + through + " in " + snapshotDir + " holds the state through the gap: " +
                "moving " + files + " out of " + journal.directory + " keeps every entry after it (the journal then starts " +
                "at position " + gap.firstAfter() + ", and 'scripts/journal verify -d " + journal.directory + "' checks " +
                "the snapshot against it before a restart recovers from it)" + (older.isEmpty() ? "" : "; the snapshots " +
                "at positions " + older.stream().sorted().map(String::valueOf).collect(java.util.stream.Collectors.joining(
                ", ")) + ", from before the file after the gap, no restart can use then: move them aside with the files");
        }

        private static ChronicleJournal refuse(final String why)
        {
            throw new JournalException(why);
        }

        private String withSnapshots(final String problem, final Path snapshotDir)
        {
            if (snapshotDir == null || snapshotDir.equals(journal.directory.resolve("snapshots")) ||
                problem.contains("--snapshots"))
            {
                return problem;
            }
            final String repair = "'scripts/journal repair -d " + journal.directory + " ";
            return problem.replace(repair, repair + "--snapshots " + snapshotDir + " ");
        }

        @Override
        public Integer call()
        {
            // The README's promise of every tool: stopped by Ctrl-C or SIGTERM, it says where it got to (a reviewer's
            // verify stopped after "cycles: 1", exit 143, with nothing on stderr).
            final Thread stopped = CliSupport.onStop(spec.commandLine().getErr(), "verify: stopped by a signal before " +
                "its verdict (what it printed above is as far as it got); it only reads, so nothing was changed: run it " +
                "again for a verdict");
            try
            {
                return verify();
            }
            finally
            {
                CliSupport.removeHook(stopped);
            }
        }

        private Integer verify()
        {
            final PrintWriter out = spec.commandLine().getOut();
            final List<TornEntry> torn = new ArrayList<>();
            final List<String> problems = new ArrayList<>();
            out.println("directory: " + journal.directory);
            String writer = null;
            final Path snapshotDir = snapshots != null ? snapshots :
                Files.isDirectory(journal.directory.resolve("snapshots")) ? journal.directory.resolve("snapshots") : null;
            if (snapshots != null && !Files.isDirectory(snapshots))
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "--snapshots " + snapshots + " is not a " +
                    "directory: give the directory the journal's snapshots are in");
            }
            long badPosition = 0;
            final String damagedTable = ChronicleJournal.damagedTable(journal.directory);
            if (damagedTable != null)
            {
                problems.add(damagedTable);
            }
            problems.addAll(ChronicleJournal.documentsPastTheEnd(journal.directory, journal.maxPayload));
            // Not opened past a damaged table: Chronicle would print a warning with a stack trace, and read on without it.
            try (ChronicleJournal chronicle = damagedTable != null ? refuse(damagedTable) : journal.open(torn))
            {
                final long first = chronicle.firstPosition();
                final long last = chronicle.lastPosition();
                final long committed = chronicle.committedPosition();
                out.println("journal-id: " + chronicle.id());
                out.println("first-position: " + first);
                out.println("last-position: " + last);
                final String missingMetadata = chronicle.missingMetadata();
                final String damagedMark = chronicle.damagedMark();
                out.println("committed-position: " + (missingMetadata != null ? "unknown (ringlog.meta is missing)" :
                    damagedMark != null ? "unknown (ringlog.meta's committed mark is damaged)" :
                    committed < 0 ? "unknown (no ringlog.meta: written by an older ringlog)" : Long.toString(committed)));
                final long byOrder = chronicle.committedByOrder();
                // A live writer's mark lags what the walk found after it was read (a reviewer saw this note on every
                // live journal): the order of its documents says nothing of a power cut then.
                // Not with another journal's ringlog.meta: a writable open refuses that (a reviewer read both).
                if (committed >= 0 && damagedMark == null && byOrder > committed && chronicle.liveWriter() == null &&
                    !chronicle.grewWhileOpening() && chronicle.foreignMetadata() == null)
                {
                    out.println("note: " + JournalRepair.lagging(committed + 1, byOrder, committed) + "; the next " +
                        "writable open sets the mark to the last entry, and a repair counts them as committed");
                }
                if (missingMetadata != null)
                {
                    problems.add(missingMetadata);
                }
                if (damagedMark != null)
                {
                    problems.add(damagedMark);
                }
                final String foreignMetadata = chronicle.foreignMetadata();
                if (foreignMetadata != null)
                {
                    problems.add(foreignMetadata);
                }
                final String damagedAnchor = chronicle.damagedAnchor();
                if (damagedAnchor != null)
                {
                    problems.add(damagedAnchor);
                }
                final String foreignCycleFile = chronicle.foreignCycleFile();
                if (foreignCycleFile != null)
                {
                    problems.add(foreignCycleFile);
                }
                else if (chronicle.damagedAnchorNote() != null)
                {
                    out.println("note: " + chronicle.damagedAnchorNote());
                }
                if (chronicle.damagedCycleAnchorsNote() != null)
                {
                    out.println("note: " + chronicle.damagedCycleAnchorsNote());
                }
                out.println("cycles: " + chronicle.cycleCount());
                // A live writer's new cycle file is blank for the moment Chronicle takes to write its header.
                for (final Path blank : chronicle.liveWriter() == null ? chronicle.blankFiles() : List.<Path>of())
                {
                    out.println("note: " + blank + " is zeros from end to end (a crash as Chronicle began a new cycle " +
                        "file): it holds no entry, and the next writable open deletes it");
                }
                if (!Files.exists(journal.directory.resolve("metadata.cq4t")))
                {
                    // A copy of the cycle files alone: Chronicle reads them without its table store.
                    out.println("chronicle-metadata: missing (metadata.cq4t; read-only tools do without it, and the " +
                        "next writer makes it again)");
                }
                writer = chronicle.liveWriter();
                if (writer == null && chronicle.grewWhileOpening())
                {
                    writer = "another process";
                }
                if (writer != null)
                {
                    out.println("being-written: yes, by " + writer +
                        "; checked up to last-position, as the journal was when this began");
                }
                final Path rewriting = journal.directory.resolve(ChronicleJournal.REWRITE_DIRECTORY);
                if (Files.isDirectory(rewriting))
                {
                    // A reviewer's repair killed part way left 25 MB there, which nothing mentioned or removed.
                    out.println("rewrite-left: " + rewriting + (writer != null ? " (the writer's, if a repair is what is " +
                        "writing)" : " (what a repair stopped part way left of a cycle file it was rewriting; the " +
                        "journal's own files are as they were before that rewrite, which replaces a file only when whole: " +
                        "the next writable open deletes it (a run, a node, an engine), as does a repair that rewrites a " +
                        "cycle file)"));
                }
                long entries = 0;
                long expected = Math.max(1, first);
                final Command entry = new Command(journal.maxPayload);
                ReadOn laterBad = null;
                boolean indexDamage = false;
                try (JournalReader reader = chronicle.reader(expected))
                {
                    while (reader.next(entry))
                    {
                        entries++;
                        expected = entry.position() + 1;
                    }
                    if (last > 0 && expected != last + 1)
                    {
                        final String rebuild = rebuildHint(chronicle, expected, journal.directory);
                        problems.add("journal ends at position " + (expected - 1) + " before its last position " + last +
                            (rebuild != null ? " as Chronicle Queue's reader finds it; but " + rebuild : ""));
                    }
                }
                catch (final JournalException ex)
                {
                    // A damaged entry's message without the reader's pointer to this tool: the line says the repair.
                    final String said = ex.getCause() instanceof CorruptEntryException ? "journal position " +
                        ex.position() + ": " + ex.getCause().getMessage() : ex.getMessage();
                    // Walks the whole file: asked once, and only of an entry that failed its checks.
                    final String rebuild = ex.getCause() instanceof CorruptEntryException ?
                        rebuildHint(chronicle, ex.position(), journal.directory) : null;
                    if (ex.getCause() instanceof PayloadTooLargeException large)
                    {
                        // Whole, and only larger than this run reads: not damage, so no bad position and no cut (which
                        // would drop it and everything after it for nothing).
                        problems.add(largeEntry(ex.position(), large, journal.maxPayload));
                    }
                    else if (rebuild != null)
                    {
                        // The entries are whole; what sent the reader to the wrong bytes is Chronicle's own bookkeeping.
                        indexDamage = true;
                        badPosition = ex.position();
                        printPosition(out, ex);
                        problems.add(said + ", as Chronicle Queue's reader found it; but " + rebuild);
                    }
                    else
                    {
                        badPosition = ex.position();
                        printPosition(out, ex);
                        problems.add(said + (ex.position() >= 1 && !said.contains("journal repair") ?
                        "; 'scripts/journal repair -d " + journal.directory + " --truncate-after " + (ex.position() - 1) + "' " +
                        (ex.position() > 1 ? "cuts the journal before it" : "empties the journal, as every entry comes " +
                        "after it (restore the file from a copy if you have one)") + " (run it without --apply first: it " +
                        "lists what it drops, and whether --force is needed)" : ""));
                        if (ex.getCause() instanceof CorruptEntryException && badPosition > 0 && badPosition < last)
                        {
                            // The entries after it are read too: a restart from a snapshot past it reads them, and one of
                            // them damaged stops it, which a verify that stopped here would not have said.
                            laterBad = readOn(chronicle, badPosition + 1, last, entry);
                            entries += laterBad.read;
                            if (!laterBad.positions.isEmpty())
                            {
                                out.println("later-bad-positions: " + laterBad.listed());
                                problems.add("more damaged entries after position " + badPosition + ": " +
                                    laterBad.listed() + " (each fails its checks as the first does)");
                            }
                            if (!laterBad.unread.isEmpty())
                            {
                                out.println("unread-positions: " + laterBad.unreadListed());
                                problems.add("positions " + laterBad.unreadListed() + " could not be read: each " +
                                    "follows a damaged entry in the same Chronicle document, whose damage hides where " +
                                    "it starts (or reading could not go on); a restart that replays them stops there too");
                            }
                        }
                    }
                }
                if (committed > last)
                {
                    // After the read: a damaged entry before the end moves the cut that accepts the loss to before it.
                    final long keep = badPosition > 0 && badPosition <= last ? badPosition - 1 : last;
                    out.println("bad-position: " + (last + 1));
                    final String zeros = chronicle.zerosAtTheEnd(committed);
                    if (zeros != null)
                    {
                        // The zeros are counted as the journal's last position; a damaged entry before them moves the cut.
                        final long whole = Math.min(keep, last - 1);
                        problems.add(zeros + ". Restore them from a copy of the journal (a backup, the standby's); or " +
                            "accept the loss with 'scripts/journal repair -d " + journal.directory + " --truncate-after " +
                            whole + " --force'" + (whole < last - 1 ? ", which also cuts the damaged entry at position " +
                            badPosition + " above" : ""));
                    }
                    else
                    {
                        problems.add("the journal ends at position " + last + ", but positions up to " + committed +
                            " were committed: entries " + (last + 1) + ".." + committed + ", which clients may have " +
                            "seen, are missing (" + chronicle.missingCause() + "); " +
                            "restore them, or accept the loss with 'scripts/journal repair -d " + journal.directory +
                            " --truncate-after " + keep + " --force'" + (keep < last ? ", which also cuts the damaged entry " +
                            "at position " + badPosition + " above" : ""));
                    }
                }
                out.println("entries-read: " + entries);
                if (snapshotDir != null)
                {
                    // Every position a reader cannot read, damaged or hidden by damage, in ranges, lowest first.
                    final List<long[]> unreadable = new ArrayList<>();
                    // Damage in Chronicle's index is no entry's: its problem names the rebuild, and no verdict of
                    // entries before or after a snapshot applies.
                    if (badPosition > 0 && !indexDamage)
                    {
                        unreadable.add(new long[] {badPosition, badPosition});
                    }
                    if (laterBad != null)
                    {
                        for (final long position : laterBad.positions)
                        {
                            addUnread(unreadable, position, position);
                        }
                        for (final long[] range : laterBad.unread)
                        {
                            addUnread(unreadable, range[0], range[1]);
                        }
                        unreadable.sort(java.util.Comparator.comparingLong((range) -> range[0]));
                    }
                    SnapshotCheck.check(chronicle, snapshotDir, journal.maxPayload, unreadable, writer != null, out,
                        problems);
                }
                else
                {
                    // Said, not left out: a layout with snapshots beside the journal (DIR/../snapshots) is common.
                    final Path beside = journal.directory.toAbsolutePath().normalize().resolveSibling("snapshots");
                    out.println("snapshots: none checked (no " + journal.directory.resolve("snapshots") + (
                        Files.isDirectory(beside) ? "; " + beside + " exists: --snapshots " + beside + " checks it)" :
                        "; --snapshots DIR names where they are)"));
                    if (chronicle.firstPosition() > 1)
                    {
                        // A start with the default snapshot directory refuses it (a code review's verify said ok).
                        problems.add("the journal's oldest entry is position " + chronicle.firstPosition() + " (older " +
                            "cycle files were deleted behind its snapshots), so a start needs a snapshot of it at that " +
                            "position or later, and none was checked: give --snapshots DIR where they are");
                    }
                }
            }
            catch (final JournalException ex)
            {
                if (damagedTable == null || !ex.getMessage().contains(ChronicleJournal.METADATA_FILE))
                {
                    problems.add(ex.getMessage());
                }
                if (ex instanceof MissingCycleException gap)
                {
                    problems.add(throughTheGap(gap, snapshotDir));
                }
                printPosition(out, ex);
            }
            for (final TornEntry entry : torn)
            {
                if (writer != null && entry.halfWritten())
                {
                    // The entry its writer is in the middle of, read while half there: not damage.
                    out.println("entry-being-written-after: " + entry.lastWholePosition());
                    continue;
                }
                problems.add(entry.toString());
                out.println("torn-entry-after: " + entry.lastWholePosition());
            }
            for (final String problem : problems)
            {
                out.println("problem: " + withSnapshots(problem, snapshotDir));
            }
            out.println("status: " + (problems.isEmpty() ? "ok" : "problems"));
            return problems.isEmpty() ? OK : PROBLEM;
        }
    }

    /**
     * What {@link #readOn} found after a damaged entry: the entries it read whole, the damaged ones' positions, and the
     * positions it could not read at all (ranges, lowest first): entries after a damaged one in its Chronicle document,
     * where the damage hides where they start, or the rest of the journal where reading could not go on.
     */
    record ReadOn(long read, List<Long> positions, List<long[]> unread)
    {
        /** The damaged positions, the first ten of them at most, and how many there are. */
        String listed()
        {
            final StringBuilder text = new StringBuilder();
            for (int i = 0; i < Math.min(10, positions.size()); i++)
            {
                text.append(i == 0 ? "" : ", ").append(positions.get(i));
            }
            if (positions.size() > 10)
            {
                text.append(", ... (").append(positions.size()).append(" in all)");
            }
            return text.toString();
        }

        /** The positions not read, as "46..50, 91". */
        String unreadListed()
        {
            return listRanges(unread, Integer.MAX_VALUE);
        }
    }

    /**
     * Reads the entries from {@code from} to {@code last}, past each damaged one, as a restart from a snapshot after a
     * damaged entry would read them. Where a reader cannot start at a position (a damaged entry before it, in the same
     * Chronicle document, hides where it starts), that position is noted as not read and the next one is tried.
     */
    static ReadOn readOn(final ChronicleJournal journal, final long from, final long last, final Command entry)
    {
        final List<Long> bad = new ArrayList<>();
        final List<long[]> unread = new ArrayList<>();
        long read = 0;
        long next = from;
        int attempts = 0;
        while (next <= last)
        {
            final long start = next;
            try (JournalReader reader = journal.reader(next))
            {
                while (reader.next(entry))
                {
                    read++;
                    next = entry.position() + 1;
                }
                if (next <= last)
                {
                    // The reader ended before the journal does: what it did not reach is not read.
                    addUnread(unread, next, last);
                }
                break;
            }
            catch (final JournalException ex)
            {
                if (!(ex.getCause() instanceof CorruptEntryException) || ++attempts > 20_000 || bad.size() >= 1_000)
                {
                    // No way on (or verify has spent long enough): the rest is not read.
                    addUnread(unread, next, last);
                    break;
                }
                if (ex.position() > start)
                {
                    // Reached by reading the whole entries before it: that entry itself fails its checks.
                    bad.add(ex.position());
                }
                else
                {
                    // The reader could not start here: a damaged entry before it in its Chronicle document hides
                    // where it starts (the reader may name that one), or it is damaged itself; not read either way.
                    addUnread(unread, start, start);
                }
                next = Math.max(ex.position(), start) + 1;
            }
        }
        return new ReadOn(read, bad, unread);
    }

    /** The first {@code max} ranges of positions as "46..50, 91", and ", ..." when there are more. */
    static String listRanges(final List<long[]> ranges, final int max)
    {
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < Math.min(max, ranges.size()); i++)
        {
            final long[] range = ranges.get(i);
            text.append(i == 0 ? "" : ", ").append(range[0]).append(range[1] > range[0] ? ".." + range[1] : "");
        }
        return ranges.size() > max ? text + ", ..." : text.toString();
    }

    private static void addUnread(final List<long[]> unread, final long from, final long to)
    {
        final long[] lastRange = unread.isEmpty() ? null : unread.get(unread.size() - 1);
        if (lastRange != null && lastRange[1] + 1 == from)
        {
            lastRange[1] = to;
        }
        else
        {
            unread.add(new long[] {from, to});
        }
    }

    /**
     * Where Chronicle's reader fails at {@code position} and the walk of its cycle file without Chronicle's index finds
     * every entry whole: what that means and the rebuild that keeps them all; null otherwise.
     */
    private static String rebuildHint(final ChronicleJournal journal, final long position, final Path directory)
    {
        final Path file = journal.wholeByWalk(position);
        return file == null ? null : "every entry of " + file + ", walked document by document without Chronicle's " +
            "index, checks: Chronicle's index or header in that file sends readers to the wrong bytes. 'scripts/journal " +
            "repair -d " + directory + " --rebuild' writes it anew with all of its entries (run it without --apply " +
            "first: it lists them)";
    }

    /** The position a problem is at, when it has one (a journal that cannot be opened at all has none). */
    static void printPosition(final PrintWriter out, final JournalException ex)
    {
        if (ex.position() > 0)
        {
            out.println("bad-position: " + ex.position());
        }
    }

    @CommandLine.Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Count entries, Chronicle documents and bytes, first and last position and timestamp, " +
            "entries per type.")
    static final class Stats implements Callable<Integer>
    {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        JournalOptions journal;

        @Mixin
        DecoderOption decoderOption;

        @Override
        public Integer call() throws Exception
        {
            final PrintWriter out = spec.commandLine().getOut();
            final PayloadDecoder decoder = decoderOption.decoder();
            final Map<Integer, Long> perType = new TreeMap<>();
            long entries = 0;
            long entryBytes = 0;
            long firstPosition = 0;
            long lastPosition = 0;
            long firstTimestamp = 0;
            long lastTimestamp = 0;
            final int cycles;
            final long documents;
            // A damaged entry ends the count there: what was read before it is still worth printing.
            JournalException damaged = null;
            long badPosition = 0;
            try (ChronicleJournal chronicle = journal.open(new ArrayList<>()))
            {
                cycles = chronicle.cycleCount();
                documents = chronicle.documentCount();
                final Command entry = new Command(journal.maxPayload);
                try (JournalReader reader = chronicle.reader(Math.max(1, chronicle.firstPosition())))
                {
                    while (true)
                    {
                        try
                        {
                            if (!reader.next(entry))
                            {
                                break;
                            }
                        }
                        catch (final JournalException ex)
                        {
                            if (!(ex.getCause() instanceof CorruptEntryException))
                            {
                                throw ex;
                            }
                            // Entries are read in order, each the one after the last: the damaged one is next.
                            damaged = ex;
                            badPosition = ex.position() > 0 ? ex.position() :
                                entries == 0 ? Math.max(1, chronicle.firstPosition()) : lastPosition + 1;
                            break;
                        }
                        if (entries == 0)
                        {
                            firstPosition = entry.position();
                            firstTimestamp = entry.timestamp();
                        }
                        entries++;
                        entryBytes += ChronicleJournal.storedLength(reader, entry);
                        lastPosition = entry.position();
                        lastTimestamp = entry.timestamp();
                        perType.merge(entry.type(), 1L, Long::sum);
                    }
                }
            }
            final PayloadTooLargeException large = damaged != null &&
                damaged.getCause() instanceof PayloadTooLargeException tooLarge ? tooLarge : null;
            out.println("entries: " + entries + (damaged == null ? "" : " (those before the " + (large != null ?
                "entry at position " + badPosition + ", larger than --max-payload" : "damaged entry at position " +
                badPosition) + ": the counts of entries, their bytes, positions, timestamps and types stop there; the " +
                "files', cycles' and documents' are of the whole journal)"));
            out.println("entry-bytes: " + entryBytes);
            out.println("file-bytes: " + fileBytes(journal.directory));
            out.println("cycles: " + cycles);
            final boolean whole = documents > 0 && damaged == null;
            out.println("documents: " + documents + (whole ? String.format(Locale.ROOT, " (%.1f entries per Chronicle " +
                "document: one per commit)", (double)entries / documents) : ""));
            out.println("first-position: " + firstPosition);
            out.println("last-position: " + lastPosition);
            out.println("first-timestamp: " + firstTimestamp + " (" + instant(firstTimestamp) + ")");
            out.println("last-timestamp: " + lastTimestamp + " (" + instant(lastTimestamp) + ")");
            for (final Map.Entry<Integer, Long> type : perType.entrySet())
            {
                final String name = typeName(type.getKey(), decoder, decoderOption.decoderClass);
                out.println("type-" + type.getKey() + ": " + type.getValue() + (name == null ? "" : " (" + name + ")"));
            }
            if (large != null)
            {
                // Whole, and only larger than this run reads: not damage, so no bad position.
                out.println("problem: " + largeEntry(badPosition, large, journal.maxPayload));
                return PROBLEM;
            }
            if (damaged != null)
            {
                out.println("bad-position: " + badPosition);
                out.println("problem: " + damaged.getMessage());
                return PROBLEM;
            }
            return OK;
        }
    }

    @CommandLine.Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Replay the journal up to a position through a state machine and print the state hash there.")
    static final class Replay implements Callable<Integer>
    {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        JournalOptions journal;

        @Option(names = "--to", defaultValue = "" + Long.MAX_VALUE, paramLabel = "POSITION",
            description = "Stop after this position (default: the newest).")
        long to;

        @Option(names = "--state-machine", required = true, paramLabel = "CLASS",
            description = "A public StateMachine class with a no-arg constructor, on the classpath.")
        String stateMachineClass;

        @Option(names = "--snapshots", paramLabel = "DIR",
            description = "Start from the newest snapshot at or before --to in this directory (default: replay from 1).")
        Path snapshots;

        @Option(names = "--error-policy", defaultValue = "REJECT", paramLabel = "POLICY",
            description = "What a command that throws does, as in the live engine: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
        ErrorPolicy errorPolicy;

        @Option(names = "--check-snapshots",
            description = "Check that replay is deterministic: replay the journal to each snapshot in --snapshots " +
                "DIR (oldest first, each from the one before it, the first from position 1) and compare the state " +
                "hash with the one the snapshot recorded when it was taken. A step over a damaged entry is named and " +
                "not checked; the next starts from the snapshot it could not reach. Exits 1 if any differs or could " +
                "not be checked.")
        boolean checkSnapshots;

        @Option(names = "--upcasters", paramLabel = "CLASS",
            description = "The upcasters the service launches with (EngineContext.upcasters): a public class with a " +
                "no-arg constructor that implements java.util.function.Supplier<io.ringlog.core.Upcasters>, on the " +
                "classpath. Without them, commands of an older payload version reach the state machine as they were " +
                "written.")
        String upcastersClass;

        @Option(names = "--max-event-payload", paramLabel = "BYTES",
            description = "The service's EngineContext.maxEventPayloadLength (default: EngineContext's, 256). A command " +
                "whose event is larger halts the engine, live and in a replay alike. --max-payload, for replay the " +
                "service's maxPayloadLength (an upcaster may not grow a payload past it, or the command fails), " +
                "defaults to EngineContext's 256: a replay with other limits than the service's gives another state.")
        Integer maxEventPayload;

        @Option(names = "--output-ring-size", paramLabel = "SLOTS",
            description = "The service's EngineContext.outputRingSize (default: EngineContext's, 65536): a command that " +
                "emits more events than it holds halts the engine, live and in a replay alike.")
        Integer outputRingSize;

        /** The replay engine's maxPayloadLength: --max-payload where given, else EngineContext's default. */
        private int engineMaxPayload;

        /** How far the replay has gone, for a stop's line: set as it reports progress. */
        private volatile ReplayProgress replaying;

        @Override
        public Integer call() throws Exception
        {
            final Thread stopped = CliSupport.onStop(spec.commandLine().getErr(), () -> "replay: stopped by a signal " +
                (replaying == null || replaying.reached == 0 ? "before it replayed anything" : "at position " +
                replaying.reached + " of " + replaying.last) + ", so no state hash was reached; it only reads, so " +
                "nothing was changed");
            try
            {
                return replay();
            }
            finally
            {
                CliSupport.removeHook(stopped);
            }
        }

        private Integer replay() throws Exception
        {
            final PrintWriter out = spec.commandLine().getOut();
            final PrintWriter err = spec.commandLine().getErr();
            if (to < 0)
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "--to " + to + " is not a position " +
                    "(0 is the state before the first command)");
            }
            if (maxEventPayload != null && maxEventPayload < 4)
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "--max-event-payload " + maxEventPayload +
                    ": the service's maxEventPayloadLength, 4 or more (an event holds at least a reason code)");
            }
            // A reviewer's: the replay ran with 65,536 for both limits where the service had 256 (EngineContext's
            // defaults), so commands that failed live on a large event, or an upcaster's grown payload, applied here:
            // another state hash, exit 0. The limits decide what applies; a replay's engine takes the service's. The
            // journal is read with --max-payload's own default, so that what only the engine refuses says so.
            engineMaxPayload = spec.commandLine().getParseResult().hasMatchedOption("--max-payload") ?
                journal.maxPayload : new EngineContext().maxPayloadLength();
            if (snapshots != null && !Files.isDirectory(snapshots))
            {
                // A reviewer's: this met the snapshot store's words for a writer ("Snapshots are written there").
                throw new CommandLine.ParameterException(spec.commandLine(), "--snapshots " + snapshots + " is not a " +
                    "directory: give the directory the journal's snapshots are in");
            }
            final StateMachine stateMachine = instantiate(stateMachineClass, StateMachine.class);
            final Upcasters upcasters = upcastersClass == null ? new Upcasters() : upcasters(upcastersClass);
            final ChronicleJournal chronicle = journal.open(new ArrayList<>());
            if (snapshots == null && chronicle.firstPosition() > 1 && to != 0)
            {
                final long oldest = chronicle.firstPosition();
                chronicle.close();
                final Path beside = journal.directory.resolve("snapshots");
                throw new IllegalArgumentException("the journal's oldest entry is at position " + oldest + " (older " +
                    "cycles were deleted), so a replay starts from a snapshot at position " + oldest + " or later: " +
                    "give --snapshots DIR" + (Files.isDirectory(beside) ? " (" + beside + " is there)" : ""));
            }
            final String foreign = chronicle.notTheJournalsMetadata();
            if (foreign != null)
            {
                err.println("note: " + foreign);
            }
            final String unchecked = chronicle.uncheckedEnd(to);
            if (unchecked != null)
            {
                err.println("note: " + unchecked);
            }
            final String missing = chronicle.missingCommitted(to);
            if (missing != null)
            {
                chronicle.close();
                throw new IllegalStateException(missing);
            }
            final String foreignFile = chronicle.foreignCycleFile(to);
            if (foreignFile != null)
            {
                chronicle.close();
                throw new IllegalStateException(foreignFile);
            }
            final long past = to == Long.MAX_VALUE ? FileSnapshotStore.firstPastTheEnd(chronicle, snapshots) : -1;
            if (past > 0)
            {
                // As a restart refuses it: the end of this journal is not the state its snapshots were taken of.
                final long last = chronicle.lastPosition();
                chronicle.close();
                throw new IllegalStateException("the journal in " + journal.directory + " ends at position " + last +
                    ", but a snapshot of it in " + snapshots + " was taken at position " + past + ": entries " +
                    (last + 1) + ".." + past + " were committed and are not in it (an older copy of the journal put " +
                    "back, or a cycle file lost), so its end is not its state. With --to " + last + " the replay gives " +
                    "what it holds; restore the missing files for the rest");
            }
            if (snapshots == null && to == Long.MAX_VALUE)
            {
                // A reviewer's finding: without --snapshots, a journal that lost entries its snapshots beside it cover
                // replayed to its end with nothing said. Said, as verify says where snapshots are it did not check.
                for (final Path beside : List.of(journal.directory.resolve("snapshots"),
                    journal.directory.toAbsolutePath().normalize().resolveSibling("snapshots")))
                {
                    final long ahead = FileSnapshotStore.firstPastTheEnd(chronicle, beside);
                    if (ahead > 0)
                    {
                        err.println("note: " + beside + " holds a snapshot of this journal at position " + ahead + ", past " +
                            "its last position " + chronicle.lastPosition() + ": entries " + (chronicle.lastPosition() + 1) +
                            ".." + ahead + " were committed and are not in it (an older copy put back, or a cycle file " +
                            "lost), so the state at its end is not the journal's ('replay --snapshots " + beside + "' " +
                            "refuses it, and 'journal verify --snapshots " + beside + "' says more)");
                        break;
                    }
                }
            }
            final long target = Math.min(to, chronicle.lastPosition());
            if (snapshots != null && chronicle.firstPosition() > 1 && target > 0)
            {
                // A reviewer's: with none at or after the oldest entry (one there is checked against its entry), the
                // replay went from position 1 and said only "journal position 1: older than the oldest entry kept".
                final long oldest = chronicle.firstPosition();
                final List<Long> held;
                try (FileSnapshotStore store = FileSnapshotStore.open(new FileSnapshotStore.Context().directory(snapshots)
                    .readOnly(true)))
                {
                    held = java.util.Arrays.stream(store.positions()).sorted().boxed().toList();
                }
                if (held.stream().noneMatch((position) -> position >= oldest && position <= target))
                {
                    chronicle.close();
                    throw new IllegalArgumentException("the journal's oldest entry is at position " + oldest + " (older " +
                        "cycles were deleted), so a replay starts from a snapshot at position " + oldest + " or later" +
                        (target < Long.MAX_VALUE && to != Long.MAX_VALUE ? " and at --to " + target + " or before" : "") +
                        ", and " + snapshots + " holds " + (held.isEmpty() ? "none" : "snapshots at positions " +
                        held.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "))) +
                        ": none is (a snapshot is checked against the journal's entry at its position)");
                }
            }
            if (to > chronicle.lastPosition() && to != Long.MAX_VALUE)
            {
                err.println("note: the journal ends at position " + chronicle.lastPosition() + ", before --to " + to);
            }
            if (checkSnapshots)
            {
                try
                {
                    return checkSnapshots(out, err, chronicle, target, upcasters);
                }
                finally
                {
                    chronicle.close();
                }
            }
            final ReplayProgress progress = new ReplayProgress(err);
            replaying = progress;
            final FailureReport failures = new FailureReport(err, "replay");
            final RejectionCount rejections = new RejectionCount(stateMachine);
            final EngineContext ctx = replayContext(stateMachine, ReadOnlyJournal.upTo(chronicle, target), upcasters)
                .recoveryListener(progress)
                .listener("rejections", rejections)
                .errorHandler(failures);
            if (snapshots != null)
            {
                ctx.snapshotStore(FileSnapshotStore.open(new FileSnapshotStore.Context().directory(snapshots).readOnly(true)));
            }
            final Engine engine;
            try
            {
                engine = Engine.launch(ctx);
            }
            catch (final io.ringlog.core.EngineHaltedException halted)
            {
                // The engine's words are for a service (a reviewer's: "launch with errorPolicy REJECT"): this replay's own.
                chronicle.close();
                boolean cannotApply = false;
                boolean eventLimit = false;
                for (Throwable at = halted; at != null && !cannotApply; at = at.getCause())
                {
                    cannotApply = at instanceof io.ringlog.core.CannotApply;
                    eventLimit = at instanceof io.ringlog.core.EventLimitException;
                }
                eventLimit |= halted.getMessage() != null && halted.getMessage().contains("the engine halts, the command " +
                    "journaled; start it with a larger");
                final boolean byPolicy = errorPolicy == ErrorPolicy.HALT && !cannotApply &&
                    halted.getMessage().contains("by the error policy (HALT)");
                final List<String> ways = new ArrayList<>();
                if (upcastersClass == null)
                {
                    ways.add("if the service launches with upcasters, give them (--upcasters CLASS)");
                }
                if (byPolicy)
                {
                    ways.add("--error-policy REJECT records such a command as COMMAND_FAILED and goes on");
                }
                if (eventLimit)
                {
                    ways.add("if the service launches with a larger maxEventPayloadLength or outputRingSize, give it " +
                        "(--max-event-payload N, --output-ring-size N)");
                }
                throw ways.isEmpty() ? halted : new IllegalStateException(halted.getMessage() + ". In this replay: " +
                    String.join("; ", ways), halted);
            }
            catch (final RuntimeException ex)
            {
                chronicle.close();
                throw ex;
            }
            engine.close();
            failures.printSummary();
            final double seconds = progress.nanos / 1e9;
            out.println("position: " + target);
            out.println("state-hash: " + String.format("%016x", stateHash(engine)));
            out.println("snapshot-position: " + Math.max(0, progress.snapshot));
            out.println("replayed: " + progress.replayed);
            out.println("seconds: " + String.format("%.3f", seconds));
            out.println("commands-per-second: " + (seconds > 0 ? Math.round(progress.replayed / seconds) : 0));
            out.println("failed: " + failures.total());
            out.println("rejected: " + rejections.total());
            out.println("rejected-by-reason: " + rejections.byReason());
            if (progress.replayed > 0 && rejections.total() == progress.replayed)
            {
                // A journal another state machine wrote: its commands' types mean nothing to this one.
                err.println("note: " + stateMachineClass + " rejected every one of the " + progress.replayed + " commands " +
                    "replayed: if they were not rejected when the journal was written, this is not the state machine that " +
                    "wrote it (--state-machine), or the service launches it with upcasters this replay lacks (" +
                    upcastersWord() + ")");
            }
            else if (progress.replayed > 0 && rejections.total() * 2 > progress.replayed)
            {
                // Maybe another state machine's journal; maybe a young ledger's, where most commands find no funds.
                err.println("note: " + stateMachineClass + " rejected " + rejections.total() + " of the " +
                    progress.replayed + " commands replayed, more than half. That can be right (early in a ledger, say, " +
                    "most commands find accounts still empty): compare with what the live run rejected at positions " +
                    (target - progress.replayed + 1) + ".." + target + ". If it rejected far fewer, this is not the state " +
                    "machine that wrote the journal (--state-machine), or the service launches it with upcasters this " +
                    "replay lacks (" + upcastersWord() + "; a reviewer's missing upcaster had old commands rejected as " +
                    "malformed)");
            }
            if (failures.total() > 0)
            {
                // The hash is printed, but it is of a replay in which commands threw: a bug, or not how they were applied.
                err.println("error: " + failures.total() + " of the " + progress.replayed + " commands replayed threw in " +
                    stateMachineClass + (upcastersClass != null ? " or the upcasters of " + upcastersClass + " (failed " +
                    "above: each says which)" : " (failed above)") + ". If they did not when the journal was written, the service " +
                    "launches with upcasters this replay lacks (" + upcastersWord() + "), or newer code wrote the journal " +
                    "(a command of a schema version its state machine does not know yet), or this is not its state " +
                    "machine");
                return PROBLEM;
            }
            return OK;
        }

        /**
         * Replays the journal to each snapshot of it, oldest first, each step from the snapshot before (the first
         * from position 1), and compares the state hash with the one the snapshot recorded: a difference is a
         * state machine that does not give the same state from the same commands, or snapshots of other code.
         */
        private int checkSnapshots(final PrintWriter out, final PrintWriter err, final ChronicleJournal chronicle,
            final long target, final Upcasters upcasters)
        {
            if (snapshots == null)
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "--check-snapshots compares a replay " +
                    "with the snapshots in --snapshots DIR: give it");
            }
            final List<Long> positions = new ArrayList<>();
            try (FileSnapshotStore store = FileSnapshotStore.open(new FileSnapshotStore.Context().directory(snapshots)
                .readOnly(true)))
            {
                for (final long position : store.positions())
                {
                    if (position <= target && position >= chronicle.firstPosition() - 1)
                    {
                        positions.add(0, position);
                    }
                }
            }
            long from = 0;
            int checked = 0;
            int differ = 0;
            int notChecked = 0;
            int skipped = 0;
            int unloadable = 0;
            long lastCompared = 0;
            for (final long position : positions)
            {
                final io.ringlog.core.Snapshot recorded;
                try (FileSnapshotStore store = FileSnapshotStore.open(new FileSnapshotStore.Context()
                    .directory(snapshots).readOnly(true)))
                {
                    recorded = store.read(position);
                }
                catch (final RuntimeException unreadable)
                {
                    // Not checked either, as the help says (a newcomer's finding: a damaged snapshot's check exited 0).
                    skipped++;
                    out.println("snapshot-check: " + position + " skipped (" + unreadable.getMessage() + ")");
                    continue;
                }
                final String mismatch = io.ringlog.core.SnapshotMatch.mismatch(chronicle, recorded, journal.maxPayload);
                if (mismatch != null)
                {
                    // As recovery decides: a reviewer found snapshots of another history of this journal (an older copy
                    // written on since) checked, and called a state machine that does not replay the same.
                    skipped++;
                    out.println("snapshot-check: " + position + " skipped (it " + mismatch + "; recovery skips it too)");
                    continue;
                }
                if (from == 0 && chronicle.firstPosition() > 1)
                {
                    // Older cycles were deleted: the first snapshot is where replays start, not a check.
                    from = position;
                    continue;
                }
                // A view of its own for each step: the engine closes the journal it is given.
                final EngineContext ctx = replayContext(instantiate(stateMachineClass, StateMachine.class),
                    ReadOnlyJournal.upTo(journal.open(new ArrayList<>()), position), upcasters)
                    .errorHandler(new FailureReport(err, "replay"));
                if (from > 0)
                {
                    ctx.snapshotStore(new SnapshotsUpTo(FileSnapshotStore.open(new FileSnapshotStore.Context()
                        .directory(snapshots).readOnly(true)), from));
                }
                final String start = from > 0 ? "the snapshot at position " + from : "position 1";
                final Engine engine;
                try
                {
                    engine = Engine.launch(ctx);
                }
                catch (final CorruptEntryException | JournalException damaged)
                {
                    for (Throwable at = damaged; at != null; at = at.getCause())
                    {
                        if (at instanceof io.ringlog.core.PayloadTooLargeException)
                        {
                            // Not damage: an entry larger than this check's --max-payload, which every step would meet.
                            throw new IllegalArgumentException(damaged.getMessage());
                        }
                    }
                    // Only this step is lost: the next starts from this snapshot, read from its own file (a newcomer's
                    // finding: the first damaged entry stopped the check of every snapshot after it).
                    notChecked++;
                    out.println("snapshot-check: " + position + " not checked: the replay to it from " + start +
                        " stopped at damage (" + damaged.getMessage() + ")");
                    from = position;
                    continue;
                }
                catch (final io.ringlog.core.SnapshotException unloaded)
                {
                    // The snapshot it starts from passed its checks and did not load to the hash it recorded (a
                    // reviewer's: the whole check stopped there, the later snapshots never checked). This step is not
                    // checked; the next starts from this step's own snapshot.
                    unloadable++;
                    out.println("snapshot-check: " + position + " not checked: the replay to it from " + start +
                        " could not start (" + unloaded.getMessage() + ")");
                    from = position;
                    continue;
                }
                engine.close();
                final long replayed = stateHash(engine);
                checked++;
                if (replayed == recorded.stateHash())
                {
                    out.println("snapshot-check: " + position + " ok (replayed from " + start + ")");
                }
                else
                {
                    differ++;
                    out.println("snapshot-check: " + position + " differs: it recorded state hash " +
                        String.format("%016x", recorded.stateHash()) + "; replaying to it from " + start + " gives " +
                        String.format("%016x", replayed));
                }
                from = position;
                lastCompared = position;
            }
            // Each step loads the snapshot before it, and so checks that it loads to the hash it recorded; the newest a
            // step reached is loaded by none, and it is the one a restart loads (a reviewer's: a restart refused it as
            // not loading to its hash, and this check called it ok, exit 0).
            String newestUnloadable = null;
            if (lastCompared > 0)
            {
                final EngineContext ctx = replayContext(instantiate(stateMachineClass, StateMachine.class),
                    ReadOnlyJournal.upTo(journal.open(new ArrayList<>()), lastCompared), upcasters)
                    .errorHandler(new FailureReport(err, "replay"))
                    .snapshotStore(new SnapshotsUpTo(FileSnapshotStore.open(new FileSnapshotStore.Context()
                        .directory(snapshots).readOnly(true)), lastCompared));
                try
                {
                    Engine.launch(ctx).close();
                }
                catch (final io.ringlog.core.SnapshotException unloaded)
                {
                    newestUnloadable = unloaded.getMessage();
                    out.println("snapshot-check: " + lastCompared + " does not load (" + newestUnloadable + ")");
                }
            }
            out.println("snapshots-checked: " + checked);
            out.println("snapshots-differing: " + differ);
            if (notChecked + unloadable > 0)
            {
                out.println("snapshots-not-checked: " + (notChecked + unloadable));
            }
            if (skipped > 0)
            {
                out.println("snapshots-skipped: " + skipped);
            }
            if (checked == 0 && notChecked == 0 && skipped == 0 && unloadable == 0)
            {
                // A reviewer's: a --snapshots that named the wrong directory passed the check, exit 0, having checked
                // nothing.
                err.println("error: no snapshot of this journal at or before position " + target + " in " + snapshots +
                    " to compare a replay with, so nothing was checked (the service has taken none yet, --to is before " +
                    "the first, or this is not the directory the service writes its snapshots to)");
                return PROBLEM;
            }
            if (differ > 0)
            {
                err.println("error: " + differ + " of the " + checked + " snapshots checked differ from a replay of the " +
                    "journal to their positions: " + stateMachineClass + " does not give the same state from the same " +
                    "commands (a clock, a random number, the order of a hash map, bytes read past a command's payload), " +
                    "or the snapshots were taken by other code or upcasters than this replay's. Restarts from different " +
                    "snapshots then give different states");
            }
            if (unloadable > 0)
            {
                err.println("error: " + unloadable + (unloadable == 1 ? " snapshot" : " snapshots") + " could not be " +
                    "checked: the snapshot before " + (unloadable == 1 ? "it" : "each") + " passed its checks but did not " +
                    "load into " + stateMachineClass + ", or not to the state hash it recorded (the not-checked lines above " +
                    "say which and why), and a restart from " + (unloadable == 1 ? "that snapshot" : "those snapshots") +
                    " refuses to start");
            }
            if (newestUnloadable != null)
            {
                err.println("error: the snapshot at position " + lastCompared + ", the newest checked and the one a " +
                    "restart from it loads, does not load into " + stateMachineClass + " as it was taken (its line above " +
                    "says how), so a restart from it refuses to start");
            }
            if (differ + unloadable > 0 || newestUnloadable != null)
            {
                return PROBLEM;
            }
            if (notChecked > 0)
            {
                err.println("error: " + notChecked + (notChecked == 1 ? " snapshot" : " snapshots") + " could not be " +
                    "checked: the journal is damaged before " + (notChecked == 1 ? "it" : "each") + " ('scripts/journal " +
                    "verify -d " + journal.directory + "' names the damage and what mends it)");
                return PROBLEM;
            }
            if (skipped > 0)
            {
                err.println("error: " + skipped + (skipped == 1 ? " snapshot" : " snapshots") + " could not be checked: " +
                    (skipped == 1 ? "it cannot be read, or is not of this journal's history" : "they cannot be read, or " +
                    "are not of this journal's history") + " (the skipped lines above say which), and recovery skips " +
                    (skipped == 1 ? "it" : "them") + " too ('scripts/journal verify -d " + journal.directory +
                    " --snapshots " + snapshots + "' says what mends " + (skipped == 1 ? "it" : "them") + ")");
                return PROBLEM;
            }
            return OK;
        }

        /** The --upcasters option as a note names it: to give, or given and to check. */
        private String upcastersWord()
        {
            return upcastersClass == null ? "--upcasters CLASS" : "--upcasters " + upcastersClass + " is given: check it";
        }

        /** An engine that replays {@code view} into {@code stateMachine}, as the service ran it (policy, upcasters). */
        private EngineContext replayContext(final StateMachine stateMachine, final io.ringlog.core.Journal view,
            final Upcasters upcasters)
        {
            return new EngineContext()
                .name("journal-replay")
                .stateMachine(stateMachine)
                .journal(view)
                .maxPayloadLength(engineMaxPayload)
                .maxEventPayloadLength(maxEventPayload != null ? maxEventPayload : new EngineContext().maxEventPayloadLength())
                .ringSize(16)
                // The service's: a command that emits more events than its ring holds halts (EventLimitException), and
                // one that fits the service's must fit here (1,024 here made such commands fail in the replay alone).
                .outputRingSize(outputRingSize != null ? outputRingSize : new EngineContext().outputRingSize())
                .errorPolicy(errorPolicy)
                .upcasters(upcasters);
        }

        /**
         * The replayed state's hash, or an error naming the state machine's stateHash where it threw (a reviewer's: its
         * bare message, "hash not implemented", named neither the class nor the method).
         */
        private long stateHash(final Engine engine)
        {
            try
            {
                return engine.stateHash();
            }
            catch (final RuntimeException ex)
            {
                throw new IllegalStateException(stateMachineClass + ".stateHash() threw " + ex.getClass().getSimpleName() +
                    (ex.getMessage() != null ? ": " + ex.getMessage() : "") + ", so the replay has no state hash to give");
            }
        }

        /** The service's upcasters, from the class that supplies them. */
        private static Upcasters upcasters(final String className)
        {
            final java.util.function.Supplier<?> supplier = instantiate(className, java.util.function.Supplier.class);
            final Object supplied;
            try
            {
                supplied = supplier.get();
            }
            catch (final RuntimeException ex)
            {
                throw new IllegalArgumentException(className + ".get() threw " + ex.getClass().getSimpleName() +
                    (ex.getMessage() != null ? ": " + ex.getMessage() : "") + ", so there are no upcasters to replay with");
            }
            if (!(supplied instanceof Upcasters upcasters))
            {
                throw new IllegalArgumentException("class " + className + " supplies " + (supplied == null ? "null" :
                    "a " + supplied.getClass().getName()) + ", not an io.ringlog.core.Upcasters");
            }
            return upcasters;
        }
    }

    @CommandLine.Command(name = "repair", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Cut a damaged journal after a position so that it can be opened and written again. Prints exactly " +
                "what it would drop (positions, cycle files, snapshots past the cut, the committed mark) and " +
                "changes nothing unless --apply is given.",
            "It refuses, unless --force, to drop entries that were committed, so may have been seen by clients: " +
                "at or below the committed mark, or at or below a snapshot's position. Entries no commit covered " +
                "(the damaged tail a full disk leaves) need no --force. Run it with no writer on the journal.",
            "With or without a cut, a cycle file whose Chronicle header or index is damaged is written anew with " +
                "every entry it holds (its entries depend on neither): no entry is dropped, and no --force is needed.",
            "A committed mark in ringlog.meta that fails its check is set to the last whole entry, keeping the " +
                "journal's identity; where the newest file also ends in damage, only with a forced cut."})
    static final class Repair implements Callable<Integer>
    {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = {"-d", "--dir"}, required = true, paramLabel = "DIR",
            description = "Journal directory (the Chronicle Queue files).")
        Path directory;

        @Option(names = "--truncate-after", paramLabel = "POSITION",
            description = "Keep the entries up to this position; drop everything after it.")
        Long truncateAfter;

        @Option(names = "--snapshots", paramLabel = "DIR",
            description = "Snapshot directory: snapshots past the cut are deleted (default: DIR/snapshots if it exists).")
        Path snapshots;

        @Option(names = "--new-identity",
            description = "Write a new ringlog.meta (lost, or its identity damaged; a damaged committed mark needs no " +
                "new identity): the journal takes back the identity its own snapshots name (those whose entries match " +
                "the journal's; give --snapshots DIR where they are kept elsewhere), or gets a new one; snapshots no " +
                "start could use then are dropped, another journal's left alone.")
        boolean newIdentity;

        @Option(names = "--force", description = "Drop committed entries too (they may have been seen).")
        boolean force;

        @Option(names = "--rebuild", description = "Write every cycle file anew with all of its entries: for " +
            "damage in Chronicle's own indexes of a file, which only Chronicle notices (when it cannot read the journal).")
        boolean rebuild;

        @Option(names = "--apply", description = "Do it (default: a dry run that only prints the plan).")
        boolean apply;

        @Override
        public Integer call()
        {
            if (truncateAfter != null && truncateAfter < 0)
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "--truncate-after must not be negative");
            }
            if (snapshots != null && !Files.isDirectory(snapshots))
            {
                // A mistyped path would leave the real snapshots past the cut in place, for the next start to refuse.
                throw new CommandLine.ParameterException(spec.commandLine(), "--snapshots " + snapshots + " is not a " +
                    "directory: give the directory the journal's snapshots are in");
            }
            final PrintWriter out = spec.commandLine().getOut();
            final Path snapshotDir = snapshots != null ? snapshots :
                Files.isDirectory(directory.resolve("snapshots")) ? directory.resolve("snapshots") : null;
            // One hook for the whole command, its words where it got to: a signal while it planned (reading every file),
            // or checked the result after --apply, printed nothing, exit 143 (a reviewer's).
            final java.util.concurrent.atomic.AtomicReference<String> stage = new java.util.concurrent.atomic.AtomicReference<>(
                "repair: stopped by a signal while it planned: nothing was changed");
            final Thread stopped = CliSupport.onStop(spec.commandLine().getErr(), stage::get);
            try (JournalRepair repair = JournalRepair.plan(directory, snapshotDir, truncateAfter == null ? -1 :
                truncateAfter, newIdentity, force, rebuild))
            {
                stage.set("repair: stopped by a signal before it changed anything: nothing was changed");
                repair.lines().forEach(out::println);
                if (!repair.refusals().isEmpty())
                {
                    for (final String why : repair.refusals())
                    {
                        out.println("refused: " + why);
                    }
                    out.println("status: refused, nothing was changed (each refused line says what would do it)");
                    return PROBLEM;
                }
                if (!repair.changesAnything())
                {
                    // Nothing this repair does; but a journal verify refuses is not one with nothing to repair.
                    // Asked with the writer lock let go: held, verify takes the newest file for one a writer is
                    // growing, and let Chronicle map a file cut short (a fault, named as damage to its index).
                    repair.close();
                    final List<String> problems = problems(directory, snapshotDir);
                    if (!problems.isEmpty())
                    {
                        // A problem the plan has said already (a damaged ringlog.meta) is not said again.
                        final List<String> unsaid = new ArrayList<>(problems);
                        unsaid.removeIf((problem) -> repair.lines().stream().anyMatch((line) -> line.contains(problem)));
                        if (!unsaid.isEmpty())
                        {
                            // A damaged entry inside the whole ones read as a contradiction beside the line above.
                            out.println("note: last-whole-position is how far the journal's entries are complete on " +
                                "disk (a torn write ends before it), not that each of them checks: the problems below " +
                                "are what verify finds in them");
                        }
                        unsaid.forEach((problem) -> out.println("problem: " + problem));
                        out.println("status: problems that this repair does not mend" + (truncateAfter == null &&
                            !newIdentity && !rebuild ? " without an option: each problem" + (unsaid.isEmpty() ? " or " +
                            "note" : "") + " above says what does " +
                            "(--truncate-after P cuts the journal after a position, --rebuild writes every cycle file " +
                            "anew, --new-identity replaces a lost ringlog.meta)" : ": each says what does"));
                        return PROBLEM;
                    }
                    out.println(truncateAfter == null && !newIdentity ? "status: nothing to repair (verify finds no " +
                        "problem; --truncate-after cuts the journal after a position, --new-identity replaces a lost " +
                        "ringlog.meta)" : "status: nothing to repair");
                    return OK;
                }
                if (!apply)
                {
                    out.println("status: dry run, nothing was changed (" + (repair.writable() ? "add --apply to do it)" :
                        "it cannot be applied here: the note above says why)"));
                    return OK;
                }
                stage.set("repair: stopped part way through --apply; each of its steps is whole (a cycle file is " +
                    "rewritten aside, then renamed over the old one), so nothing is half done: run the same command again " +
                    "to finish it");
                repair.apply();
                stage.set("repair: stopped by a signal after every change listed above was made, while it checked the " +
                    "result: 'scripts/journal verify -d " + directory + "' checks it");
                // What it did is checked as verify checks a journal: "repaired" is said only of one that reads whole.
                // With the writer lock let go, as above: held, the check reads the files as a live writer's.
                repair.close();
                final List<String> left = problems(directory, snapshotDir);
                if (!left.isEmpty())
                {
                    left.forEach((problem) -> out.println("problem: " + problem));
                    out.println("status: changed as listed, but the journal still has the problems above (each says " +
                        "what mends it); it is not repaired");
                    return PROBLEM;
                }
                out.println("status: repaired");
                return OK;
            }
            finally
            {
                CliSupport.removeHook(stopped);
            }
        }

        /** What 'scripts/journal verify' finds wrong with the journal in {@code dir}, in its words; empty if nothing. */
        private static List<String> problems(final Path dir, final Path snapshotDir)
        {
            final java.io.StringWriter verified = new java.io.StringWriter();
            final List<String> args = new ArrayList<>(List.of("verify", "-d", dir.toString()));
            if (snapshotDir != null)
            {
                args.addAll(List.of("--snapshots", snapshotDir.toString()));
            }
            final java.io.StringWriter refused = new java.io.StringWriter();
            final int code = run(new PrintWriter(verified), new PrintWriter(refused), args.toArray(String[]::new));
            final List<String> problems = new ArrayList<>();
            verified.toString().lines().filter((line) -> line.startsWith("problem: "))
                .forEach((line) -> problems.add(line.substring("problem: ".length())));
            refused.toString().lines().filter((line) -> line.startsWith("error: "))
                .forEach((line) -> problems.add(line.substring("error: ".length())));
            if (code != OK && problems.isEmpty())
            {
                problems.add("'scripts/journal verify -d " + dir + "' exits " + code);
            }
            return problems;
        }
    }

    /** Counts the rejections replay makes, by reason code: how a replay through the wrong state machine shows. */
    private static final class RejectionCount implements OutputListener
    {
        private final Map<Integer, Long> byReason = new TreeMap<>();
        private final StateMachine stateMachine;
        private long total;

        RejectionCount(final StateMachine stateMachine)
        {
            this.stateMachine = stateMachine;
        }

        @Override
        public synchronized void onEvent(final OutputEvent event, final boolean endOfBatch)
        {
            if (event.isRejection())
            {
                total++;
                byReason.merge(event.rejectReason(), 1L, Long::sum);
            }
        }

        @Override
        public boolean receivesReplay()
        {
            return true;
        }

        synchronized long total()
        {
            return total;
        }

        /** {@code reason=count ...}, by reason code; "none" when there were none. */
        synchronized String byReason()
        {
            if (byReason.isEmpty())
            {
                return "none";
            }
            final StringBuilder text = new StringBuilder();
            // The engine's own reasons (negative) by name; the state machine's by the names it gives, else by code.
            byReason.forEach((reason, count) -> text.append(text.length() == 0 ? "" : " ")
                .append(name(reason)).append('=').append(count));
            return text.toString();
        }

        private String name(final int reason)
        {
            if (reason > 0)
            {
                try
                {
                    final String name = stateMachine.rejectionName(reason);
                    if (name != null && !name.isBlank())
                    {
                        // One word, and never one of the engine's own names (a reviewer's "not enough funds=500" split
                        // the name=count list, and a state machine's "COMMAND_FAILED" read as the engine's): spaces,
                        // '=' and control characters as '_', and an engine name taken with the code beside it.
                        final String word = name.strip().replaceAll("[\\s=\\p{Cntrl}]+", "_");
                        for (int engine = -1; engine >= -64; engine--)
                        {
                            if (Rejections.describe(engine).equals(word))
                            {
                                return word + "(" + reason + ")";
                            }
                        }
                        return word;
                    }
                }
                catch (final RuntimeException bug)
                {
                    // A name is a courtesy: a state machine that cannot give one still gets its count, by code.
                }
            }
            return Rejections.describe(reason);
        }
    }

    /** Recovery progress to stderr, and what the replay did for the summary. */
    private static final class ReplayProgress implements RecoveryListener
    {
        private final PrintWriter err;
        private final Progress progress;
        long snapshot = -1;
        long replayed;
        long nanos;
        /** The position replayed up to and the last, as last reported: read by a stop's line on another thread. */
        volatile long reached;
        volatile long last;

        ReplayProgress(final PrintWriter err)
        {
            this.err = err;
            this.progress = new Progress(err, "replay");
        }

        @Override
        public void onSnapshotSkipped(final long position, final Exception reason)
        {
            err.println("snapshot-skipped: " + position + " (" + reason.getMessage() + ")");
        }

        @Override
        public void onSnapshotLoaded(final long position)
        {
            snapshot = position;
        }

        @Override
        public void onReplayProgress(final long replayedPosition, final long lastPosition)
        {
            last = lastPosition;
            reached = replayedPosition;
            progress.total(lastPosition);
            progress.updateNow(replayedPosition, -1);
        }

        @Override
        public void onRecovered(final long snapshotPosition, final long lastPosition, final long replayed,
            final long nanos)
        {
            this.replayed = replayed;
            this.nanos = nanos;
        }
    }


    static String hex(final DirectBuffer buffer, final int length)
    {
        final StringBuilder text = new StringBuilder(length * 2);
        for (int i = 0; i < length; i++)
        {
            final int b = buffer.getByte(i) & 0xFF;
            text.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return text.toString();
    }

    /** An entry whole on disk but larger than this run's --max-payload: what to run instead (not damage). */
    private static String largeEntry(final long position, final PayloadTooLargeException large, final int maxPayload)
    {
        return "journal position " + position + ": the entry is whole, but its payload of " + large.payloadLength() +
            " bytes is larger than --max-payload " + maxPayload + ": run it again with --max-payload " +
            large.payloadLength() + " or more: the largest payload the journal was written with (its writer's " +
            "maxPayloadLength), as later entries may be larger still; the entries after it were not read";
    }

    static String instant(final long epochNanos)
    {
        return Instant.ofEpochSecond(0, epochNanos).toString();
    }

    static long fileBytes(final Path directory) throws IOException
    {
        try (Stream<Path> files = Files.list(directory))
        {
            long total = 0;
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                if (ChronicleJournal.isCycleFile(file))
                {
                    total += Files.size(file);
                }
            }
            return total;
        }
    }

    /**
     * How to put a class on the classpath, or, with RINGLOG_CLASSPATH set, which of its entries do not
     * exist (a mistyped jar path is the likelier mistake then).
     */
    private static String classpathHint(final Class<?> type, final String className)
    {
        final String classpath = System.getenv("RINGLOG_CLASSPATH");
        if (classpath == null || classpath.isBlank())
        {
            return "; put the jar that holds your " + type.getSimpleName() + " on it with RINGLOG_CLASSPATH=path/to.jar";
        }
        final List<String> missing = new ArrayList<>();
        final List<String> hints = new ArrayList<>();
        final int dot = className.lastIndexOf('.');
        final String simpleName = className.substring(dot + 1);
        final String packageRoot = dot > 0 ? className.substring(0, className.indexOf('.')) : null;
        for (final String entry : classpath.split(File.pathSeparator))
        {
            if (entry.isBlank())
            {
                continue;
            }
            if (entry.endsWith("*"))
            {
                // A wildcard is the JVM's (a reviewer's: it was called a path that does not exist): jars only.
                final Path dir = Path.of(entry.substring(0, entry.length() - 1).isEmpty() ? "." :
                    entry.substring(0, entry.length() - 1));
                if (!Files.isDirectory(dir))
                {
                    missing.add(entry);
                }
                else if (jarsIn(dir) == 0)
                {
                    hints.add(entry + " matches no jar in " + dir + " (a wildcard takes jars only; classes in a directory " +
                        "need the directory itself)");
                }
                continue;
            }
            final Path path = Path.of(entry);
            if (!Files.exists(path))
            {
                missing.add(entry);
            }
            else if (Files.isRegularFile(path) && entry.endsWith(".class"))
            {
                hints.add(entry + " is a class file: name the directory its package starts in" + (packageRoot != null ?
                    " (the one that holds " + packageRoot + "/)" : ""));
            }
            else if (Files.isDirectory(path) && packageRoot != null && Files.isRegularFile(path.resolve(simpleName +
                ".class")))
            {
                hints.add(entry + " holds " + simpleName + ".class at its top: name the directory its package starts " +
                    "in (the one that holds " + packageRoot + "/)");
            }
            else if (Files.isDirectory(path) && jarsIn(path) > 0)
            {
                hints.add(entry + " is a directory of jars: name them, or " + path.resolve("*") + " for all of them");
            }
        }
        if (!missing.isEmpty())
        {
            hints.add(0, "RINGLOG_CLASSPATH names " + (missing.size() == 1 ? "a path that does not exist: " : "paths " +
                "that do not exist: ") + String.join(", ", missing));
        }
        return hints.isEmpty() ? "; RINGLOG_CLASSPATH=" + classpath + " does not hold it" : "; " + String.join("; ", hints);
    }

    /** How many jars {@code dir} holds at its top. */
    private static long jarsIn(final Path dir)
    {
        try (java.util.stream.Stream<Path> files = Files.list(dir))
        {
            return files.filter((f) -> f.getFileName().toString().endsWith(".jar")).count();
        }
        catch (final IOException | RuntimeException ex)
        {
            return 0;
        }
    }

    /** {@code text} on one line: line breaks, tabs and other control characters as Java escapes. */
    static String oneLine(final String text)
    {
        StringBuilder escaped = null;
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c >= 0x20 && c != 0x7F)
            {
                if (escaped != null)
                {
                    escaped.append(c);
                }
                continue;
            }
            if (escaped == null)
            {
                escaped = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            escaped.append(c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : String.format("\\u%04x", (int)c));
        }
        return escaped == null ? text : escaped.toString();
    }

    /** Whether {@code className} loads, without running its static initializer. */
    private static boolean loads(final String className, final ClassLoader loader)
    {
        try
        {
            Class.forName(className, false, loader);
            return true;
        }
        catch (final ClassNotFoundException | LinkageError ex)
        {
            return false;
        }
    }

    /** A new instance of a user's class named on the command line, or an error that says what to fix. */
    static <T> T instantiate(final String className, final Class<T> type)
    {
        final ClassLoader loader = Thread.currentThread().getContextClassLoader();
        final Class<?> found;
        try
        {
            found = Class.forName(className, true, loader);
        }
        catch (final ClassNotFoundException ex)
        {
            final int dot = className.lastIndexOf('.');
            final String nested = dot > 0 ? className.substring(0, dot) + "$" + className.substring(dot + 1) : null;
            if (nested != null && loads(nested, loader))
            {
                // A reviewer's: bad.Outer.Inner was "not on the classpath", bad.Outer$Inner works.
                throw new IllegalArgumentException("class " + className + " is not on the classpath, but " + nested +
                    " is: name a nested class by its binary name, with $ before its own name");
            }
            throw new IllegalArgumentException("class " + className + " is not on the classpath" + classpathHint(type, className));
        }
        catch (final ExceptionInInitializerError ex)
        {
            // A reviewer's: a class found, whose static initializer threw, was called not on the classpath.
            final Throwable cause = ex.getCause() != null ? ex.getCause() : ex;
            throw new IllegalArgumentException("class " + className + " is on the classpath, but its static initializer " +
                "threw " + cause.getClass().getSimpleName() + (cause.getMessage() != null ? ": " + cause.getMessage() : ""));
        }
        catch (final LinkageError ex)
        {
            final String needs = ex instanceof NoClassDefFoundError && ex.getMessage() != null ?
                ex.getMessage().replace('/', '.') : null;
            throw new IllegalArgumentException("class " + className + " is on the classpath, but cannot be loaded: " +
                (needs != null && !needs.equals(className) ? "it needs class " + needs + ", which is not (put the jar " +
                "that holds it on RINGLOG_CLASSPATH too)" : ex.toString()));
        }
        final String article = type.getName().matches("^[aeiouAEIOU].*") ? "an " : "a ";
        if (!type.isAssignableFrom(found))
        {
            throw new IllegalArgumentException("class " + className + " is not " + article + type.getName());
        }
        if (found.isInterface() || java.lang.reflect.Modifier.isAbstract(found.getModifiers()))
        {
            throw new IllegalArgumentException((found.isInterface() ? "" : "class ") + className + " is " +
                (found.isInterface() ? "an interface" : "abstract") + ": give a class that implements " + type.getName() +
                " and can be made with new");
        }
        if (!java.lang.reflect.Modifier.isPublic(found.getModifiers()))
        {
            throw new IllegalArgumentException("class " + className + " is not public: make it public (and, if it is " +
                "nested, static), with a public no-argument constructor");
        }
        try
        {
            return type.cast(found.getConstructor().newInstance());
        }
        catch (final NoSuchMethodException ex)
        {
            throw new IllegalArgumentException("class " + className + " has no public no-argument constructor");
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalArgumentException("cannot create " + className + ": " +
                CliSupport.message(ex.getCause() != null ? ex.getCause() : ex));
        }
    }
}
