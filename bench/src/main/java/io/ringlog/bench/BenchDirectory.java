package io.ringlog.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A temporary directory a benchmark creates in its trial set-up and deletes in its tear-down, so
 * journals and snapshots of one run never feed the next one's recovery. Created lazily: a
 * parameter combination that writes no files leaves nothing behind. A JVM stopped by a signal before
 * the tear-down (an interrupted suite stops the runs it started) deletes it in a shutdown hook: a
 * replication run's directory held 93 MB.
 */
public final class BenchDirectory
{
    private final String prefix;
    private Path path;
    private Thread hook;

    public BenchDirectory(final String prefix)
    {
        this.prefix = prefix;
    }

    /** Creates the directory on the first call; later calls return the same one. */
    public Path create()
    {
        if (path == null)
        {
            try
            {
                path = Files.createTempDirectory("ringlog-bench-" + prefix + "-");
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            final Path created = path;
            hook = new Thread(() -> deleteQuietly(created), "bench-directory-delete");
            Runtime.getRuntime().addShutdownHook(hook);
        }
        return path;
    }

    /** In a shutdown hook: what the engine writes meanwhile may keep a file or two; the rest goes. */
    private static void deleteQuietly(final Path directory)
    {
        try
        {
            deleteTree(directory);
        }
        catch (final IOException | UncheckedIOException ex)
        {
            System.err.println("could not delete " + directory + " on the way out: " + ex.getMessage());
        }
    }

    /** A subdirectory of {@link #create()}, created if missing. */
    public Path resolve(final String name)
    {
        try
        {
            return Files.createDirectories(create().resolve(name));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Whether the directory is there now: created and not deleted since. */
    public boolean exists()
    {
        return path != null;
    }

    /** Bytes in the files under the directory; 0 if it was never created. */
    public long bytes()
    {
        return path == null ? 0 : bytes(path);
    }

    /** Bytes in the files under {@code directory} (their lengths, not the blocks they occupy). */
    public static long bytes(final Path directory)
    {
        try (var files = Files.walk(directory))
        {
            return files.filter(Files::isRegularFile).mapToLong(BenchDirectory::size).sum();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static long size(final Path file)
    {
        try
        {
            return Files.size(file);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Deletes the directory and everything in it, if it was created; it can be created again afterwards. */
    public void delete()
    {
        if (path == null)
        {
            return;
        }
        try
        {
            deleteTree(path);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        try
        {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (final IllegalStateException shuttingDown)
        {
            // The JVM is stopping: the hook runs, and finds nothing to delete.
        }
        hook = null;
        path = null;
    }

    /**
     * Deletes {@code directory} and everything under it; nothing if it is not there. A file deleted by
     * someone else meanwhile (a shutdown hook racing a tear-down) is not an error.
     */
    public static void deleteTree(final Path directory) throws IOException
    {
        if (!Files.exists(directory))
        {
            return;
        }
        Files.walkFileTree(directory, new SimpleFileVisitor<>()
        {
            @Override
            public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs) throws IOException
            {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(final Path dir, final IOException ex) throws IOException
            {
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
