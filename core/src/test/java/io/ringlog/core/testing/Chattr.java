package io.ringlog.core.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * {@code chattr FLAG FILE}, for a test that needs a file or directory no one may change, root included
 * ({@code +i}): permissions do not stop root, which the tests run as here. False where chattr is missing or
 * the file system has no such attribute (tmpfs): the test assumes it, and is skipped there.
 */
public final class Chattr
{
    private Chattr()
    {
    }

    /** Runs {@code chattr flag file}; true if it succeeded. */
    public static boolean set(final String flag, final Path file)
    {
        try
        {
            final Process process = new ProcessBuilder("chattr", flag, file.toString()).redirectErrorStream(true).start();
            process.getInputStream().transferTo(OutputStream.nullOutputStream());
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
        }
        catch (final IOException ex)
        {
            return false;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
