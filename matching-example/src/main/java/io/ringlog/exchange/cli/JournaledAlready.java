package io.ringlog.exchange.cli;

import io.ringlog.core.Command;
import io.ringlog.core.JournalReader;
import io.ringlog.exchange.codec.CommandTypes;
import io.ringlog.exchange.text.CommandFileReader;
import io.ringlog.exchange.text.ParsedCommand;
import io.ringlog.journal.ChronicleJournal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Before {@code run} publishes a command file into a journal that already holds commands: were they
 * this file's own first commands (a run of it that was stopped or killed), and from which line does it
 * go on? A run from any other line would apply commands twice, or skip some, and the engine cannot tell:
 * a generated file carries no source sequence for the duplicate check. So it is worked out here, by
 * reading the journal's commands after its settings (position 1) beside the file's, unless another run
 * is writing the journal (its own open refuses that): a run that would
 * repeat or skip lines is refused, saying the line to resume from; a journal of other commands needs
 * {@code --append} to be run into.
 */
final class JournaledAlready
{
    /** The exchange's settings, written by the first run at position 1: not a line of any file. */
    private static final long SETTINGS = 1;

    private JournaledAlready()
    {
    }

    /**
     * Null when the run may go ahead as asked; otherwise why not, and what to run instead.
     *
     * @param fromLine the run's --from-line (1 when not given).
     * @param append   --append: run the file after whatever the journal holds.
     */
    static String check(final Path journalDir, final Path commands, final long fromLine, final boolean append)
        throws IOException
    {
        if (append || !Files.isDirectory(journalDir) || !ChronicleJournal.isJournalDirectory(journalDir))
        {
            return null;
        }
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().directory(journalDir)
            .maxPayloadLength(ExchangeRunner.MAX_PAYLOAD).readOnly(true)))
        {
            final long last = journal.lastPosition();
            if (journal.liveWriter() != null)
            {
                // Another run is writing it: the run's own open says so, and nothing here would hold still.
                return null;
            }
            final long first = firstCommand(journal);
            if (last < first)
            {
                return null;
            }
            final Comparison compared = compare(journal, first, commands);
            final String holds = journalDir + " already holds positions " + first + ".." + last;
            if (compared.differsAt > 0)
            {
                return holds + ", and they are not the start of " + commands + " (position " + compared.differsAt +
                    (compared.differingLine > 0 ? " is not the command of line " + compared.differingLine :
                        " comes after the file's last command") + "). Running the file would add its commands after " +
                    "them: if that is what you want, add --append; to start a new journal, give another -d";
            }
            if (fromLine == compared.lastLine + 1)
            {
                return null;
            }
            final String whose = holds + ": the commands of lines 1.." + compared.lastLine + " of " + commands;
            if (compared.wholeFile)
            {
                return whose + ", every command of the file: it was run into this journal already. Running it " +
                    "again would apply its commands a second time; --append does that anyway";
            }
            return whose + " (a run of it that stopped there). " + (fromLine <= compared.lastLine ? "Running it from " +
                "line " + fromLine + " would apply lines " + fromLine + ".." + compared.lastLine + " a second time" :
                "Running it from line " + fromLine + " would skip lines " + (compared.lastLine + 1) + ".." +
                    (fromLine - 1)) + ". Resume: run the same command with --from-line " + (compared.lastLine + 1) +
                " (--append runs it from line " + fromLine + " anyway)";
        }
    }

    /** Position 2, after the exchange's settings; 1 in a journal written before they were kept in it. */
    private static long firstCommand(final ChronicleJournal journal)
    {
        final Command entry = new Command(ExchangeRunner.MAX_PAYLOAD);
        try (JournalReader reader = journal.reader(1))
        {
            return reader.next(entry) && entry.type() != CommandTypes.CONFIGURE ? 1 : SETTINGS + 1;
        }
    }

    /** How the journal's commands from {@code first} on compare with the file's, line by line. */
    private static Comparison compare(final ChronicleJournal journal, final long first, final Path commands)
        throws IOException
    {
        final Command entry = new Command(ExchangeRunner.MAX_PAYLOAD);
        final Comparison compared = new Comparison();
        try (JournalReader reader = journal.reader(first); InputStream in = Files.newInputStream(commands))
        {
            final boolean[] journalEnded = {false};
            final CommandFileReader file = new CommandFileReader().stopWhen(() -> compared.differsAt > 0 || journalEnded[0]);
            file.read(in, (command) ->
            {
                if (!reader.next(entry))
                {
                    journalEnded[0] = true;
                    return;
                }
                if (!same(entry, command))
                {
                    compared.differsAt = entry.position();
                    compared.differingLine = command.lineNumber();
                    return;
                }
                compared.lastLine = command.lineNumber();
            }, (line, text, reason) ->
            {
                // Malformed lines are skipped by a run too: they hold no position.
            });
            if (compared.differsAt == 0 && !journalEnded[0])
            {
                // The file ended first: the journal goes on past its last command.
                if (reader.next(entry))
                {
                    compared.differsAt = entry.position();
                    compared.differingLine = 0;
                }
                else
                {
                    compared.wholeFile = true;
                }
            }
        }
        return compared;
    }

    private static boolean same(final Command entry, final ParsedCommand command)
    {
        if (entry.type() != command.type() || entry.version() != command.version() ||
            entry.sourceId() != command.sourceId() || entry.sourceSequence() != command.sourceSequence() ||
            entry.correlationId() != command.correlationId() || entry.payloadLength() != command.payloadLength())
        {
            return false;
        }
        for (int i = 0; i < entry.payloadLength(); i++)
        {
            if (entry.payload().getByte(i) != command.payload().getByte(i))
            {
                return false;
            }
        }
        return true;
    }

    private static final class Comparison
    {
        long lastLine;
        long differsAt;
        long differingLine;
        boolean wholeFile;
    }
}
