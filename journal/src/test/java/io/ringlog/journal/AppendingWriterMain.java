package io.ringlog.journal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Child JVM that keeps a journal being written, as a running service does: opens {@code args[0]} for
 * writing, prints {@code writing}, then appends and commits a batch of {@code args[1]} entries about
 * every {@code args[2]} microseconds until a line arrives on its stdin (or its parent is gone, or two
 * minutes pass), then closes the journal and prints {@code closed <last position>}.
 */
public final class AppendingWriterMain
{
    private AppendingWriterMain()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final int batch = Integer.parseInt(args[1]);
        final long pauseNanos = TimeUnit.MICROSECONDS.toNanos(Long.parseLong(args[2]));
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(Path.of(args[0]))))
        {
            JournalTesting.appendRange(journal, journal.lastPosition() + 1, journal.lastPosition() + batch, batch);
            System.out.println("writing");
            System.out.flush();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            final ProcessHandle parent = ProcessHandle.current().parent().orElseThrow();
            // Stops on a line from the test, or by itself if the test is gone or never says so.
            while (System.in.available() == 0 && parent.isAlive() && System.nanoTime() < deadline)
            {
                JournalTesting.appendRange(journal, journal.lastPosition() + 1, journal.lastPosition() + batch, batch);
                // Pacing, as a service's arrivals are: the test waits on this process's output, never on time.
                LockSupport.parkNanos(pauseNanos);
            }
            System.out.println("closed " + journal.lastPosition());
        }
    }
}
