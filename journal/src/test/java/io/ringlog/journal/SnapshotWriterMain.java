package io.ringlog.journal;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Child JVM for {@link FileSnapshotStoreTest}: a store in DIR writes a snapshot of MB megabytes at position 42; the
 * child says {@code writing} once its temporary file is there, then {@code written} or {@code failed: ...} once
 * the store has flushed, and exits.
 */
public final class SnapshotWriterMain
{
    private SnapshotWriterMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path directory = Path.of(args[0]);
        final int length = Integer.parseInt(args[1]) << 20;
        final List<Throwable> failures = new ArrayList<>();
        try (FileSnapshotStore store = FileSnapshotStore.open(new FileSnapshotStore.Context().directory(directory)
            .errorHandler(failures::add)))
        {
            final Path temp = store.path(42).resolveSibling(store.path(42).getFileName() + ".tmp");
            store.store(42, 7, new UnsafeBuffer(new byte[length]), 0, length);
            final long deadline = System.nanoTime() + 30_000_000_000L;
            while (!Files.exists(temp) && !Files.exists(store.path(42)) && System.nanoTime() < deadline)
            {
                Thread.onSpinWait();
            }
            System.out.println(Files.exists(temp) ? "writing" : "not seen writing");
            System.out.flush();
            try
            {
                store.flush();
            }
            catch (final RuntimeException ex)
            {
                failures.add(ex);
            }
        }
        System.out.println(failures.isEmpty() ? "written" : "failed: " + failures);
    }
}
