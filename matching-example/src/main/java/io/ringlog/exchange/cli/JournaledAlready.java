package io.ringlog.exchange.cli;

import io.ringlog.core.Command;
import io.ringlog.core.JournalException;
import io.ringlog.core.JournalReader;
import io.ringlog.exchange.codec.CommandTypes;
import io.ringlog.exchange.text.CommandFileReader;
import io.ringlog.exchange.text.ParsedCommand;
import io.ringlog.journal.ChronicleJournal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Before {@code run} publishes a command file into a journal that already holds commands: does the
 * journal end with this file's first commands (a run of it that was stopped or killed, or that ran it
 * whole), and from which line does it go on? A run from any other line would apply commands twice, or
 * skip some, and the engine cannot tell: a generated file carries no source sequence for the duplicate
 * check. So it is worked out here, from the journal's newest commands and the file, whatever the
 * journal held before them (an earlier file, a run appended with {@code --append}): the file's commands
 * equal to the journal's last one are where such a run could have stopped, and the longest of those
 * whose commands are all the journal's last ones is where it did. Besides a read-only open of the
 * journal (a walk of its cycle files' headers), the cost is one read of the file and of that many
 * journal entries, not a read of the journal. A run that would repeat or skip lines is refused,
 * saying the line to resume from; a journal that does not end with the file's start needs
 * {@code --append}. A journal another run is writing is left to the writer lock's refusal. The same
 * check guards {@code replica publish} into a running node's journal ({@link #checkPublish}).
 */
public final class JournaledAlready
{
    /** The exchange's settings, written by the first run at position 1: not a line of any file. */
    private static final long SETTINGS = 1;
    /** What {@link #tail} finds in a file without a command. */
    private static final Tail NO_COMMANDS = new Tail(0, 0);
    /** How many system commands (a promotion's epoch, say) may follow a file's last command: they are no line of it. */
    private static final int MOST_TRAILING_SYSTEM_COMMANDS = 16;

    private JournaledAlready()
    {
    }

    /** Who applies the file: words for the refusal, and whether a file the journal does not end with needs --append. */
    private enum Verb
    {
        RUN("run", "Running", "run into this journal", "run the same command", "runs", true),
        PUBLISH("publish", "Publishing", "published to this node", "publish the same file", "publishes", false);

        final String noun;
        final String doing;
        final String done;
        final String resume;
        final String does;
        final boolean othersNeedAppend;

        Verb(final String noun, final String doing, final String done, final String resume, final String does,
            final boolean othersNeedAppend)
        {
            this.noun = noun;
            this.doing = doing;
            this.done = done;
            this.resume = resume;
            this.does = does;
            this.othersNeedAppend = othersNeedAppend;
        }
    }

    /**
     * Null when the run may go ahead as asked; otherwise why not, and what to run instead.
     *
     * @param fromLine the run's --from-line (1 when not given).
     * @param append   --append: run the file after whatever the journal holds, even where it ends with the
     *                 file's own first commands.
     */
    static String check(final Path journalDir, final Path commands, final long fromLine, final boolean append)
        throws IOException
    {
        if (append)
        {
            return null;
        }
        if (!Files.isDirectory(journalDir) || !ChronicleJournal.isJournalDirectory(journalDir))
        {
            return fromLine > 1 ? skipsIntoNothing(journalDir, commands, fromLine) : null;
        }
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().directory(journalDir)
            .maxPayloadLength(ExchangeRunner.MAX_PAYLOAD).readOnly(true)))
        {
            if (journal.liveWriter() != null)
            {
                // Another run is writing it: the run's own open says so, and nothing here would hold still.
                return null;
            }
            if (firstCommand(journal) > journal.lastPosition())
            {
                return fromLine > 1 ? skipsIntoNothing(journalDir, commands, fromLine) : null;
            }
            if (readOnce(commands))
            {
                // A pipe gives its lines once: read here to compare, the run would find them gone.
                return journalDir + " already holds commands, and " + commands + " is not a regular file (a pipe?): " +
                    "its lines can be read only once, so whether the journal ends with them (a run of it that " +
                    "stopped) cannot be told without losing them. Run the file itself, or add --append: with the --from-line " +
                    "N a stopped run of these lines named in its 'resume:' line, or from its first line if none of its " +
                    "commands is in the journal";
            }
            return refusal(journal, commands, fromLine, Verb.RUN);
        }
    }

    /**
     * Whether {@code file} gives its lines only once: a pipe or a socket ({@code -i /dev/stdin} fed by one, a
     * process substitution), which the comparison before a run would drain. A regular file, or a device such
     * as /dev/null, reads the same again.
     */
    static boolean readOnce(final Path file)
    {
        try
        {
            final int type = ((Integer)Files.getAttribute(file, "unix:mode")) & 0xF000;
            return type == 0x1000 || type == 0xC000;
        }
        catch (final IOException | RuntimeException ex)
        {
            return !Files.isRegularFile(file);
        }
    }

    /** A --from-line into a journal with no command: lines before it are in no journal here (a mistyped -d?). */
    private static String skipsIntoNothing(final Path journalDir, final Path commands, final long fromLine)
    {
        return journalDir + " holds no command (" + (Files.isDirectory(journalDir) ? "an empty journal" : "it does not " +
            "exist yet") + "), and --from-line " + fromLine + " would skip lines 1.." + (fromLine - 1) + " of " + commands +
            ": they are in no journal here. To go on from a run that stopped, give its journal directory (-d); to run " +
            "the file from line " + fromLine + " into a new journal on purpose, add --append";
    }

    /**
     * Before a node publishes a command file: null when it may, from {@code fromLine}; otherwise why not,
     * and the line to publish from. A publish that stopped part way (Ctrl-C, its --timeout-s, the node
     * stopped), or one whose answer the asker never saw, left the journal ending with the file's first
     * commands: publishing the file again from line 1 would apply them twice. Any other file, one that
     * does not start where the journal ends, is published as asked. Commands the engine journals for
     * itself after the file's (a promotion's epoch) are passed over, so a publish retried on a promoted
     * standby is caught too.
     *
     * @param journal the node's journal, open for writing by this process, holding every command
     *                published so far (its writer has caught up with the engine's intake).
     */
    public static String checkPublish(final ChronicleJournal journal, final Path commands, final long fromLine)
        throws IOException
    {
        return refusal(journal, commands, fromLine, Verb.PUBLISH);
    }

    private static String refusal(final ChronicleJournal journal, final Path commands, final long fromLine,
        final Verb verb) throws IOException
    {
        final long newest = journal.lastPosition();
        final long first = firstCommand(journal);
        final Command entry = new Command(ExchangeRunner.MAX_PAYLOAD);
        long last = newest;
        while (last >= first && newest - last < MOST_TRAILING_SYSTEM_COMMANDS && read(journal, last, entry) &&
            entry.type() < 0)
        {
            last--;
        }
        if (last < first)
        {
            return null;
        }
        final Tail tail = tail(journal, first, last, commands);
        if (tail == NO_COMMANDS)
        {
            // Nothing to apply twice: the run says the file holds no command.
            return null;
        }
        final String holds = journal.directory() + " already holds positions " + first + ".." + newest;
        if (tail == null)
        {
            return !verb.othersNeedAppend ? null : holds + ", and they do not end with the start of " + commands +
                " (its last command is not the last of a run of the file's first commands). Running the file would " +
                "add its commands after them: if that is what you want, add --append. If the file was run into this " +
                "journal before and has changed since (a malformed line mended, say), --append would apply every " +
                "line a second time: put only the lines the journal lacks in a file of their own and --append that. " +
                "To start a new journal, give another -d";
        }
        if (fromLine > tail.line && fromLine <= tail.nextLine)
        {
            // From the line after the last journaled command, or after lines between them that hold none.
            return null;
        }
        final String whose = holds + ", and " + (last < newest ? "before the engine's own commands after position " +
            last + ", " : "") + "its last " + tail.count + " command" + (tail.count == 1 ? " is" : "s, positions " +
            tail.from + ".." + last + (last - tail.from + 1 > tail.count ? " less the engine's own among them" : "") +
            ", are") + " the command" + (tail.count == 1 ? "" : "s") +
            " of lines 1.." + tail.line + " of " + commands;
        if (tail.nextLine == Long.MAX_VALUE)
        {
            return whose + ", every command of the file: it was " + verb.done + " already. " + verb.doing +
                " it again would apply its commands a second time (--append does that anyway)";
        }
        return whose + " (a " + verb.noun + " of it that stopped there). " + (fromLine <= tail.line ? verb.doing +
            " it from line " + fromLine + " would apply lines " + fromLine + ".." + tail.line + " a second time" :
            verb.doing + " it from line " + fromLine + " would skip lines " + tail.nextLine + ".." + (fromLine - 1)) +
            ". Resume: " + verb.resume + " with --from-line " + (tail.line + 1) + " (--append " + verb.does +
            " it from line " + fromLine + " anyway)";
    }

    /** Reads the entry at {@code position} into {@code into}; false if the journal has none there. */
    private static boolean read(final ChronicleJournal journal, final long position, final Command into)
    {
        try (JournalReader reader = journal.reader(position))
        {
            return reader.next(into);
        }
    }

    /**
     * Position 2, after the exchange's settings; 1 in a journal written before they were kept in it. A damaged
     * position 1 is taken for the settings: the exchange starts from a snapshot past it, and the comparison reads
     * the journal's newest commands, not that one.
     */
    private static long firstCommand(final ChronicleJournal journal)
    {
        final Command entry = new Command(ExchangeRunner.MAX_PAYLOAD);
        try (JournalReader reader = journal.reader(1))
        {
            return reader.next(entry) && entry.type() != CommandTypes.CONFIGURE ? 1 : SETTINGS + 1;
        }
        catch (final JournalException ex)
        {
            if (ex.position() != 1)
            {
                throw ex;
            }
            return SETTINGS + 1;
        }
    }

    /**
     * The longest run of the file's first commands the journal ends with: how many, the line of the last
     * of them, and the line of the file's next command (or {@link Long#MAX_VALUE} if the file has no more);
     * null if the journal does not end with the file's first command or more.
     */
    private static Tail tail(final ChronicleJournal journal, final long first, final long last, final Path commands)
        throws IOException
    {
        final Command newest = new Command(ExchangeRunner.MAX_PAYLOAD);
        if (!read(journal, last, newest))
        {
            return null;
        }
        // Where a run of the file could have stopped: each command equal to the journal's newest.
        final List<Tail> candidates = new ArrayList<>();
        final long most = last - first + 1;
        final long[] count = {0};
        try (InputStream in = Files.newInputStream(commands))
        {
            new CommandFileReader().read(in, (command) ->
            {
                count[0]++;
                if (!candidates.isEmpty() && candidates.get(candidates.size() - 1).nextLine == Long.MAX_VALUE)
                {
                    candidates.get(candidates.size() - 1).nextLine = command.lineNumber();
                }
                if (count[0] <= most && same(newest, command))
                {
                    candidates.add(new Tail(count[0], command.lineNumber()));
                }
            }, (line, text, reason) ->
            {
                // Malformed lines are skipped by a run too: they hold no position.
            });
        }
        if (count[0] == 0)
        {
            return NO_COMMANDS;
        }
        for (int i = candidates.size() - 1; i >= 0; i--)
        {
            final Tail candidate = candidates.get(i);
            // The run may have system commands among its own (a promotion's epoch, when a publish stopped by a
            // failover went on on the new primary): each one puts its start a position earlier.
            for (long system = 0; system <= MOST_TRAILING_SYSTEM_COMMANDS; system++)
            {
                final long from = last - candidate.count + 1 - system;
                if (from < first)
                {
                    break;
                }
                if (journalEndsWith(journal, from, last, commands, candidate.count))
                {
                    candidate.from = from;
                    return candidate;
                }
            }
        }
        return null;
    }

    /**
     * Whether the journal's commands from {@code from} to {@code last}, system commands passed over, are the
     * file's first {@code count} commands.
     */
    private static boolean journalEndsWith(final ChronicleJournal journal, final long from, final long last,
        final Path commands, final long count) throws IOException
    {
        final Command entry = new Command(ExchangeRunner.MAX_PAYLOAD);
        final long[] matched = {0};
        final boolean[] differs = {false};
        try (JournalReader reader = journal.reader(from); InputStream in = Files.newInputStream(commands))
        {
            new CommandFileReader().stopWhen(() -> differs[0] || matched[0] == count).read(in, (command) ->
            {
                boolean read = reader.next(entry);
                while (read && entry.type() < 0 && entry.position() < last)
                {
                    read = reader.next(entry);
                }
                if (!read || !same(entry, command))
                {
                    differs[0] = true;
                    return;
                }
                matched[0]++;
                if (matched[0] < count && entry.position() >= last)
                {
                    differs[0] = true;
                }
            }, (line, text, reason) ->
            {
            });
        }
        return !differs[0] && matched[0] == count && entry.position() == last;
    }

    private static boolean same(final Command entry, final ParsedCommand command)
    {
        return entry.type() == command.type() && entry.sourceId() == command.sourceId() &&
            entry.sourceSequence() == command.sourceSequence() && entry.correlationId() == command.correlationId() &&
            io.ringlog.exchange.text.TextFormat.sameCommand(entry.type(), entry.version(), entry.payload(),
                entry.payloadLength(), command.version(), command.payload(), command.payloadLength());
    }

    /** A run of the file's first {@code count} commands, the last on {@code line}. */
    private static final class Tail
    {
        final long count;
        final long line;
        long nextLine = Long.MAX_VALUE;
        /** The position of its first command in the journal. */
        long from;

        Tail(final long count, final long line)
        {
            this.count = count;
            this.line = line;
        }
    }
}
