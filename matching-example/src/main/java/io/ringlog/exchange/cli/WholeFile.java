package io.ringlog.exchange.cli;

import io.ringlog.journal.tool.CliSupport;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * An output file that appears only whole: written as {@code NAME.PID.partial} beside it and renamed to its name
 * by {@link #done()}. Stopped by Ctrl-C or SIGTERM before that, the command deletes the partial file and
 * says on stderr that the file was not written; a file already there keeps what it held. A torn command
 * file is worse than none (a last line cut inside a number is a valid command with another value), and a
 * torn events file looks like a short history. A target that exists and is not a regular file (a device,
 * a pipe, a symbolic link to one) is written to as it is, never replaced; a symbolic link to a regular file stands
 * for that file, which is replaced whole, the link kept.
 */
final class WholeFile implements AutoCloseable
{
    private final Path target;
    private final Path path;
    private final Thread cleanUp;
    /** Set before the rename: a signal that finds no partial file after it finds the file whole. */
    private volatile boolean renaming;
    private boolean done;

    private WholeFile(final Path named, final PrintWriter err, final String command)
    {
        // A link to a regular file is that file (a reviewer's events file behind a link was written through, torn, when
        // the disk filled): its partial copy is made beside it, and renamed over it, the link left as it was.
        final Path target = regularBehindALink(named);
        this.target = target;
        // Not following links: another link (/dev/stdout, say) is written through as before, never renamed over.
        final boolean special = Files.exists(target, LinkOption.NOFOLLOW_LINKS) &&
            !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS);
        // The process id in the name: two commands writing one file do not share (and tear) one partial file,
        // and a user's own NAME.partial is not replaced.
        this.path = special ? target : partial(target, ProcessHandle.current().pid());
        this.cleanUp = special ? null : new Thread(() ->
        {
            try
            {
                if (Files.deleteIfExists(path))
                {
                    err.println(command + ": stopped by a signal; " + target + " was not written");
                    err.flush();
                }
                else if (renaming)
                {
                    // The probe's Ctrl-C after the rename: exit 130, no summary, and not a word on the file.
                    err.println(command + ": stopped by a signal after " + target + " was written whole; the rest " +
                        "of the summary was not printed");
                    err.flush();
                }
            }
            catch (final IOException ex)
            {
                err.println(command + ": stopped by a signal; delete " + path + ": " + ex.getMessage());
                err.flush();
            }
        }, command + "-stopped");
        if (cleanUp != null)
        {
            Runtime.getRuntime().addShutdownHook(cleanUp);
        }
    }

    /** The regular file a symbolic link names, or {@code file} itself where it is no link, or a link to anything else. */
    private static Path regularBehindALink(final Path file)
    {
        // /dev/stdout and its kind name a descriptor, whatever file it is open on: written through, never renamed over.
        if (!Files.isSymbolicLink(file) || file.toAbsolutePath().startsWith("/dev") ||
            file.toAbsolutePath().startsWith("/proc"))
        {
            return file;
        }
        try
        {
            final Path real = file.toRealPath();
            return Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS) ? real : file;
        }
        catch (final IOException ex)
        {
            return file;
        }
    }

    /** Starts writing {@code target}; {@code command} names the command in the line a signal prints. */
    static WholeFile of(final Path target, final PrintWriter err, final String command)
    {
        return new WholeFile(target, err, command);
    }

    /** Where the process {@code pid} writes {@code target} until it is whole: {@code NAME.PID.partial}. */
    static Path partial(final Path target, final long pid)
    {
        return target.resolveSibling(target.getFileName() + "." + pid + ".partial");
    }

    /** What runs on a signal (Ctrl-C, SIGTERM) while the file is open; null for a special file. For tests. */
    Thread onSignal()
    {
        return cleanUp;
    }

    /** Where to write. */
    Path path()
    {
        return path;
    }

    /** The file is whole: it takes its name, replacing what was there. */
    void done() throws IOException
    {
        if (path != target)
        {
            renaming = true;
            Files.move(path, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        done = true;
    }

    /** Deletes the partial file unless {@link #done()}; no longer listens for a signal. */
    @Override
    public void close() throws IOException
    {
        if (cleanUp == null)
        {
            return;
        }
        if (!done)
        {
            Files.deleteIfExists(path);
        }
        CliSupport.removeHook(cleanUp); // if a signal came, the hook runs and says so
    }
}
