package io.ringlog.bench;

import io.ringlog.journal.FileErrors;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a benchmark's result file whole or not at all. Written in place, a full disk left a reviewer's CSV and
 * histograms at 0 bytes (and a {@code PrintStream} took the failure without a word, so a 4 KB stub of a histogram was
 * called written), and the error named no file. Here the bytes go to a hidden file beside it, renamed over it once
 * complete; a failure deletes that file, leaves any earlier result as it was, and says which file and why.
 */
public final class ResultFiles
{
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
        final Path parent = file.toAbsolutePath().getParent();
        final Path partial = parent.resolve("." + file.getFileName() + ".partial");
        try
        {
            Files.createDirectories(parent);
            Files.write(partial, bytes);
            try
            {
                Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            catch (final AtomicMoveNotSupportedException ex)
            {
                Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        catch (final IOException ex)
        {
            try
            {
                Files.deleteIfExists(partial);
            }
            catch (final IOException ignored)
            {
                // The write's failure is the one to report; a partial file left is hidden and named .partial.
            }
            throw new IOException("could not write " + file + " (" + FileErrors.describe(ex, partial) + ")", ex);
        }
    }
}
