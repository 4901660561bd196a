package io.ringlog.exchange.replication;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code replica} run in process as a user runs it, and what a node's log holds: shared by the tests that drive nodes. */
final class ReplicaRun
{
    private ReplicaRun()
    {
    }

    /** What one {@code replica} command said: its exit code, stdout and stderr. */
    static final class Said
    {
        final int code;
        final String out;
        final String err;

        Said(final int code, final String out, final String err)
        {
            this.code = code;
            this.out = out;
            this.err = err;
        }
    }

    static Said replica(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = ReplicaCli.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Said(code, out.toString(), err.toString());
    }

    /** A node's log so far; empty before it has one. */
    static String text(final Path log)
    {
        try
        {
            return Files.exists(log) ? Files.readString(log) : "";
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
