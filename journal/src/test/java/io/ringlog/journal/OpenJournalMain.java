package io.ringlog.journal;

import io.ringlog.core.JournalException;

import java.nio.file.Path;

/** Opens a journal in {@code args[0]} and closes it; prints {@code error: ...} and exits 1 if that fails. */
public final class OpenJournalMain
{
    private OpenJournalMain()
    {
    }

    public static void main(final String[] args)
    {
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().directory(Path.of(args[0]))))
        {
            System.out.println("opened: last position " + journal.lastPosition());
        }
        catch (final JournalException ex)
        {
            System.out.println("error: " + ex.getMessage());
            System.exit(1);
        }
    }
}
