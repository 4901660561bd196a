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
    private static final String IS_A_FILE = "is a file; give a directory";
    private static final String CANNOT_WRITE = "cannot write there";

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
        final String problem = problem(dir);
        if (problem != null)
        {
            throw new IllegalStateException(option + " " + dir + ": " + problem);
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
        final String problem = parent == null ? null : problem(parent);
        if (problem != null)
        {
            // Named as given, and its directory apart: "--json /x/r.json: ... /x ..." not "--json /x: ...".
            throw new IllegalStateException(option + " " + file + ": " + (problem.equals(IS_A_FILE) ? parent +
                " is a file, not a directory" : "cannot write in its directory " + parent + problem.substring(
                CANNOT_WRITE.length())));
        }
        if (Files.exists(file) && !Files.isWritable(file))
        {
            throw new IllegalStateException(option + " " + file + ": cannot write there (permission denied)");
        }
    }

    /** Why {@code dir} cannot take files (created if missing; a file written and deleted), or null if it can. */
    private static String problem(final Path dir)
    {
        if (Files.exists(dir) && !Files.isDirectory(dir))
        {
            // It said "a file or directory of that name already exists", though a directory there would do.
            return IS_A_FILE;
        }
        try
        {
            Files.createDirectories(dir);
            Files.delete(Files.createTempFile(dir, ".ringlog-write-check-", ".tmp"));
            return null;
        }
        catch (final IOException | SecurityException ex)
        {
            return CANNOT_WRITE + " (" + FileErrors.describe(ex, dir) + ")";
        }
    }
}
