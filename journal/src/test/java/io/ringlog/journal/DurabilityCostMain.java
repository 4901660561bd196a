package io.ringlog.journal;

import io.ringlog.core.Command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Rough cost of each {@link Durability} level on this machine: appends 64-byte commands (8-byte
 * payload) in batches, committing once per batch as the journal stage does, and prints
 * commands/s and the mean commit time. Run by hand (not a test; speed is never asserted):
 * {@code java @matching-example/target/jvm.args -cp <test classpath> io.ringlog.journal.DurabilityCostMain [dir]}.
 */
public final class DurabilityCostMain
{
    private DurabilityCostMain()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final Path root = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("ringlog-durability");
        final int[] batchSizes = {1, 16, 256};
        // One row a setting, after an unprinted warm-up run of a tenth as many commands (a reviewer read the warm-up
        // rows, printed too, as results); the columns as the journal README's table has them.
        System.out.println("durability batch commands commands-per-second mean-commit-us (each after a warm-up of a " +
            "tenth as many, not shown)");
        for (final Durability durability : Durability.values())
        {
            for (final int batch : batchSizes)
            {
                final int commands = durability == Durability.SYNC_EACH_BATCH && batch == 1 ? 5_000 : 200_000;
                final Path dir = root.resolve(durability + "-" + batch);
                run(dir, durability, batch, commands / 10, false);
                deleteRecursively(dir);
                run(dir, durability, batch, commands, true);
                deleteRecursively(dir);
            }
        }
    }

    private static void run(final Path dir, final Durability durability, final int batch, final int commands,
        final boolean print)
    {
        final Command command = JournalTesting.command(1, 1, 1, 42);
        long commitNanos = 0;
        long commits = 0;
        final long start;
        final long end;
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir).durability(durability)
            .syncInterval(Duration.ofMillis(10))))
        {
            start = System.nanoTime();
            for (int position = 1; position <= commands; position++)
            {
                command.set(position, position, 1, 1, 7, position, position, command.payload(), 0, 8);
                journal.append(command);
                if (position % batch == 0 || position == commands)
                {
                    final long before = System.nanoTime();
                    journal.commit();
                    commitNanos += System.nanoTime() - before;
                    commits++;
                }
            }
            end = System.nanoTime();
        }
        if (print)
        {
            System.out.printf("%s %d %d %.0f %.2f%n", durability, batch, commands, commands / ((end - start) / 1e9),
                commitNanos / 1e3 / commits);
        }
    }

    private static void deleteRecursively(final Path dir) throws IOException
    {
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path path : (Iterable<Path>)paths.sorted(Comparator.reverseOrder())::iterator)
            {
                Files.delete(path);
            }
        }
    }
}
