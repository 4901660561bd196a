package io.ringlog.bench;

import io.ringlog.journal.FileErrors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks, before a harness spends minutes measuring, that it will be able to write its results:
 * a run that can only fail at the end should fail at the start, in one line naming the option.
 */
public final class OutputPaths
{
    private OutputPaths()
    {
    }

    /**
     * Creates {@code dir} if missing and writes (then deletes) a file in it.
     *
     * @throws IllegalStateException naming {@code option} and the directory when either fails.
     */
    public static void checkDirectory(final String option, final Path dir)
    {
        if (Files.exists(dir) && !Files.isDirectory(dir))
        {
            // It said "a file or directory of that name already exists", though a directory there would do.
            throw new IllegalStateException(option + " " + dir + ": is a file; give a directory");
        }
        try
        {
            Files.createDirectories(dir);
            Files.delete(Files.createTempFile(dir, ".ringlog-write-check-", ".tmp"));
        }
        catch (final IOException | SecurityException ex)
        {
            throw new IllegalStateException(option + " " + dir + ": cannot write there (" +
                FileErrors.describe(ex, dir) + ")", ex);
        }
    }

    /**
     * Checks that {@code file} can be written: not a directory, in a directory that {@link #checkDirectory}
     * accepts, and, if it is already there, writable.
     *
     * @throws IllegalStateException naming {@code option} and the file when it cannot.
     */
    public static void checkFile(final String option, final Path file)
    {
        if (Files.isDirectory(file))
        {
            throw new IllegalStateException(option + " " + file + ": is a directory; give a file name");
        }
        final Path parent = file.toAbsolutePath().getParent();
        if (parent != null)
        {
            checkDirectory(option, parent);
        }
        if (Files.exists(file) && !Files.isWritable(file))
        {
            throw new IllegalStateException(option + " " + file + ": cannot write there (permission denied)");
        }
    }
}
