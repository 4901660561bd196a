package io.ringlog.bench;

import io.ringlog.journal.FileErrors;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes a benchmark's result file whole or not at all. Written in place, a full disk left a reviewer's CSV and
 * histograms at 0 bytes (and a {@code PrintStream} took the failure without a word, so a 4 KB stub of a histogram was
 * called written), and the error named no file. Here the bytes go to a hidden file beside it, renamed over it once
 * complete; a failure deletes that file, leaves any earlier result as it was, and says which file and why.
 * {@link #writeAll} does the same for a set of files that are one result.
 */
public final class ResultFiles
{
    /** The hidden files of writes going on, for a signal's hook to delete. */
    private static final Set<Path> PARTIALS = ConcurrentHashMap.newKeySet();
    private static final java.util.concurrent.atomic.AtomicLong SEQUENCE = new java.util.concurrent.atomic.AtomicLong();

    private ResultFiles()
    {
    }

    /** {@link #write(Path, byte[])} of {@code text} in UTF-8. */
    public static void write(final Path file, final String text) throws IOException
    {
        write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes {@code bytes} to {@code file}, replacing it, all or nothing.
     *
     * @throws IOException whose message names the file and what went wrong ("no space left on device").
     */
    public static void write(final Path file, final byte[] bytes) throws IOException
    {
        final Map<Path, byte[]> one = new LinkedHashMap<>();
        one.put(file, bytes);
        writeAll(one);
    }

    /**
     * Writes each file, replacing it, the set all or nothing: every one to a hidden file beside it first, then each
     * renamed over its file once all are written. A run's CSV and histograms are one result: written one after another,
     * a full disk at the last left a reviewer's new histograms beside the earlier run's CSV.
     *
     * @throws IOException whose message names the file it could not write and why; no file of the set was replaced.
     */
    public static void writeAll(final Map<Path, byte[]> files) throws IOException
    {
        final Map<Path, Path> partials = new LinkedHashMap<>();
        final Map<Path, Path> targets = new LinkedHashMap<>();
        final StringBuilder replaced = new StringBuilder();
        Path writing = null;
        try
        {
            for (final Path file : files.keySet())
            {
                if (Files.isDirectory(file))
                {
                    // Found before any is written: a rename over it would fail after the others were replaced.
                    writing = file;
                    throw new java.nio.file.FileSystemException(file.toString(), null, "Is a directory");
                }
            }
            for (final Map.Entry<Path, byte[]> file : files.entrySet())
            {
                writing = file.getKey();
                if (Files.exists(writing) && !Files.isRegularFile(writing))
                {
                    // A device or a pipe (--json /dev/stdout, /dev/null): written to, never replaced (a reviewer's
                    // finding: a rename over it made /dev/null a regular file).
                    Files.write(writing, file.getValue());
                    continue;
                }
                // A symbolic link is written through: the file it names is replaced, beside itself, the link kept.
                final Path target = Files.isSymbolicLink(writing) ? linkTarget(writing) : writing;
                targets.put(writing, target);
                final Path parent = target.toAbsolutePath().getParent();
                Files.createDirectories(parent);
                // Unique, so two runs writing the same file do not share one; and known, so a signal's hook deletes it.
                // Made as any file (the umask's permissions), not as a temporary file's owner-only ones.
                final Path partial = parent.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() +
                    "-" + SEQUENCE.incrementAndGet() + ".partial");
                partials.put(writing, partial);
                PARTIALS.add(partial);
                Files.write(partial, file.getValue(), java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE);
                keepModeAndGroup(target, partial);
            }
            for (final Map.Entry<Path, Path> partial : partials.entrySet())
            {
                writing = partial.getKey();
                final Path target = targets.get(writing);
                try
                {
                    Files.move(partial.getValue(), target, StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
                }
                catch (final AtomicMoveNotSupportedException ex)
                {
                    Files.move(partial.getValue(), target, StandardCopyOption.REPLACE_EXISTING);
                }
                replaced.append(replaced.length() == 0 ? "" : ", ").append(writing.getFileName());
            }
        }
        catch (final IOException ex)
        {
            for (final Path partial : partials.values())
            {
                try
                {
                    Files.deleteIfExists(partial);
                }
                catch (final IOException ignored)
                {
                    // The write's failure is the one to report; a partial file left is hidden and named .partial.
                }
            }
            throw new IOException("could not write " + writing + " (" + FileErrors.describe(ex, partials.containsKey(writing) ?
                partials.get(writing) : writing) + ")" + (files.size() < 2 ? "" : replaced.length() == 0 ? "; none of " +
                names(files) + " was replaced" : "; replaced already: " + replaced), ex);
        }
        finally
        {
            PARTIALS.removeAll(partials.values());
        }
    }

    /** Deletes the hidden files of writes still going on: a signal's hook, as the JVM stops ({@link RunInterruption}). */
    static void deletePartials()
    {
        for (final Path partial : PARTIALS)
        {
            try
            {
                Files.deleteIfExists(partial);
            }
            catch (final IOException ignored)
            {
                // Hidden and named .partial: nothing reads it.
            }
        }
    }

    /**
     * A file replaced keeps its permissions and group, as one written in place did (a reviewer's private CSV came back
     * readable by everyone); where the file system has none, the new file's are what it gets.
     */
    private static void keepModeAndGroup(final Path target, final Path partial) throws IOException
    {
        if (!Files.isRegularFile(target))
        {
            return;
        }
        try
        {
            Files.setPosixFilePermissions(partial, Files.getPosixFilePermissions(target));
            final Object group = Files.getAttribute(target, "posix:group");
            if (!group.equals(Files.getAttribute(partial, "posix:group")))
            {
                Files.setAttribute(partial, "posix:group", group);
            }
        }
        catch (final UnsupportedOperationException ex)
        {
            // Not a POSIX file system.
        }
    }

    /** The file a symbolic link names, through any chain of links, whether it exists or not. */
    private static Path linkTarget(final Path link) throws IOException
    {
        Path target = link;
        for (int hops = 0; Files.isSymbolicLink(target); hops++)
        {
            if (hops == 40)
            {
                throw new java.nio.file.FileSystemException(link.toString(), null, "Too many levels of symbolic links");
            }
            target = target.toAbsolutePath().getParent().resolve(Files.readSymbolicLink(target));
        }
        return target;
    }

    private static String names(final Map<Path, byte[]> files)
    {
        final StringBuilder names = new StringBuilder();
        for (final Path file : files.keySet())
        {
            names.append(names.length() == 0 ? "" : ", ").append(file.getFileName());
        }
        return names.toString();
    }
}
