package io.ringlog.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** What a file takes on disk, which its length does not say for a sparse file (a journal's cycle file is one). */
public final class DiskBlocks
{
    private DiskBlocks()
    {
    }

    /** The bytes of disk blocks {@code file} holds ({@code stat}'s blocks): a sparse file's length says nothing of them. */
    public static long allocatedBytes(final Path file) throws IOException
    {
        final Process stat = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).redirectErrorStream(true).start();
        final String out;
        try (InputStream in = stat.getInputStream())
        {
            out = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
        try
        {
            if (!stat.waitFor(30, TimeUnit.SECONDS) || stat.exitValue() != 0)
            {
                throw new IOException("stat " + file + ": " + out);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ex);
        }
        final String[] fields = out.split(" ");
        return Long.parseLong(fields[0]) * Long.parseLong(fields[1]);
    }
}
