package io.ringlog.journal;

import java.io.IOException;
import java.nio.file.Path;

/** Tries {@link ProcessFileLock#tryAcquireRemovable} on {@code args[0]}, prints {@code held} or {@code refused}, lets go. */
public final class RemovableLockMain
{
    private RemovableLockMain()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        try (ProcessFileLock lock = ProcessFileLock.tryAcquireRemovable(Path.of(args[0])))
        {
            System.out.println(lock == null ? "refused" : "held");
        }
    }
}
