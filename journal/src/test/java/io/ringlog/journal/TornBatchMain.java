package io.ringlog.journal;

import java.nio.file.Path;

/**
 * Child JVM for {@link BatchDocumentsTest}: commits 1..40, appends 41..(40 + n) without a commit (one
 * open batch document), says so, and dies without closing anything.
 */
public final class TornBatchMain
{
    private TornBatchMain()
    {
    }

    public static void main(final String[] args)
    {
        final Path directory = Path.of(args[0]);
        final int open = Integer.parseInt(args[1]);
        final ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(directory));
        JournalTesting.appendRange(journal, 1, 40, 10);
        for (long position = 41; position <= 40 + open; position++)
        {
            journal.append(JournalTesting.command(position, 1, 1, position * 3));
        }
        System.out.println("half-written");
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}
