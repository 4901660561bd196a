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
 * parameter combination that writes no files leaves nothing behind.
 */
public final class BenchDirectory
{
    private final String prefix;
    private Path path;

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
        }
        return path;
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
            Files.walkFileTree(path, new SimpleFileVisitor<>()
            {
                @Override
                public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs) throws IOException
                {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(final Path dir, final IOException ex) throws IOException
                {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        path = null;
    }
}
