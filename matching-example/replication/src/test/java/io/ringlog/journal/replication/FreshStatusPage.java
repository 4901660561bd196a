package io.ringlog.journal.replication;

import java.nio.file.Path;

/** A status page as a node's start leaves it before its agent's first write: its pid, and no figures yet. */
public final class FreshStatusPage
{
    private FreshStatusPage()
    {
    }

    /** Writes it in {@code directory}, naming this process, which is alive. */
    public static void create(final Path directory) throws java.io.IOException
    {
        java.nio.file.Files.createDirectories(directory);
        StatusFile.create(directory);
    }
}
