package io.ringlog.journal;

import io.ringlog.core.JournalException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child JVM for the two-writers test: opens the journal in {@code args[0]} for writing, appends
 * {@code args[1]} entries after the last, prints {@code open <last position>}, then waits for a line
 * on stdin before appending as many again and closing. A refused open prints {@code error: <message>}
 * and exits 1, as the tools do.
 */
public final class WriterMain
{
    private WriterMain()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final int count = Integer.parseInt(args[1]);
        final ChronicleJournal journal;
        try
        {
            journal = ChronicleJournal.open(JournalTesting.context(Path.of(args[0])));
        }
        catch (final JournalException ex)
        {
            System.out.println("error: " + ex.getMessage());
            System.exit(1);
            return;
        }
        try (journal)
        {
            JournalTesting.appendRange(journal, journal.lastPosition() + 1, journal.lastPosition() + count, 10);
            System.out.println("open " + journal.lastPosition());
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            JournalTesting.appendRange(journal, journal.lastPosition() + 1, journal.lastPosition() + count, 10);
            System.out.println("closed " + journal.lastPosition());
        }
    }
}
