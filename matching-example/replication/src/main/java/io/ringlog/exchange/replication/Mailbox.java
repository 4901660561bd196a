package io.ringlog.exchange.replication;

import io.ringlog.journal.FileErrors;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * How the command line talks to a running node: request files in a directory of the node's, each
 * answered by a result file of the same name. Written to a temporary name and renamed, so the node
 * never reads half a request and the asker never half a result.
 * <pre>
 *   asker:  NAME.request.PID-THREAD.tmp ──rename──► NAME.request            (key=value lines)
 *   node:   reads NAME.request, does it, NAME.result.PID-THREAD.tmp ──rename──► NAME.result, deletes NAME.request
 *   asker:  waits for NAME.result, reads it, deletes it
 *   asker, stopped by a signal before the answer:  NAME.cancel; the node stops the request and answers
 * </pre>
 * Only while a node runs: an asker first checks that one does ({@link NodeOwner}), and stops waiting,
 * withdrawing its request, when that node ends; a starting node deletes whatever it finds here, left
 * for a node that is gone, before it says it runs.
 */
final class Mailbox
{
    static final String REQUEST = ".request";
    static final String RESULT = ".result";
    static final String CANCEL = ".cancel";
    private static final long CHECK_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private Mailbox()
    {
    }

    static void write(final Path file, final Properties properties)
    {
        // A temporary name of this writer's own: two askers of one request at once (two 'replica stop') each
        // rename a whole file of theirs, where a shared NAME.tmp was renamed away under the slower one.
        final Path temp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + "-" +
            Thread.currentThread().getId() + ".tmp");
        try
        {
            Files.createDirectories(file.getParent());
            try (Writer writer = Files.newBufferedWriter(temp, StandardCharsets.UTF_8))
            {
                properties.store(writer, null);
            }
            try
            {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            catch (final AtomicMoveNotSupportedException ex)
            {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + file + ": " + FileErrors.describe(ex, file), ex);
        }
    }

    static Properties read(final Path file) throws IOException
    {
        final Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8))
        {
            properties.load(reader);
        }
        return properties;
    }

    /** Asks: writes {@code NAME.request}, after deleting an answer of that name that nobody read (it is not this one's). */
    static void ask(final Path directory, final String name, final Properties request)
    {
        try
        {
            Files.deleteIfExists(directory.resolve(name + RESULT));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot delete " + directory.resolve(name + RESULT) + ": " +
                FileErrors.describe(ex, directory.resolve(name + RESULT)), ex);
        }
        write(directory.resolve(name + REQUEST), request);
    }

    /**
     * Withdraws {@code name}: its asker no longer waits for the answer (Ctrl-C), and a node doing it stops
     * what is left of it and answers with how far it got ({@link #cancelled}).
     */
    static void cancel(final Path directory, final String name)
    {
        write(directory.resolve(name + CANCEL), new Properties());
    }

    /** Whether {@code name}'s asker withdrew it ({@link #cancel}). */
    static boolean cancelled(final Path directory, final String name)
    {
        return Files.exists(directory.resolve(name + CANCEL));
    }

    /** Waits for {@code NAME.result}, returns it and deletes it. */
    static Properties awaitAnswer(final Path directory, final String name, final Duration timeout)
        throws IOException, InterruptedException, TimeoutException
    {
        return awaitAnswer(directory, name, timeout, () -> null);
    }

    /**
     * Waits for {@code NAME.result}, returns it and deletes it; gives up, withdrawing the request, as
     * soon as {@code gone} says why nothing will answer (it is asked a few times a second).
     *
     * @throws IllegalStateException with {@code gone}'s words.
     */
    static Properties awaitAnswer(final Path directory, final String name, final Duration timeout,
        final Supplier<String> gone) throws IOException, InterruptedException, TimeoutException
    {
        final Path file = directory.resolve(name + RESULT);
        final long deadline = System.nanoTime() + timeout.toNanos();
        long nextCheck = System.nanoTime();
        while (true)
        {
            final Properties result = take(file);
            if (result != null)
            {
                return result;
            }
            final long now = System.nanoTime();
            if (now - nextCheck >= 0)
            {
                nextCheck = now + CHECK_EVERY_NANOS;
                final String why = gone.get();
                if (why != null)
                {
                    // It may have answered just before it went.
                    final Properties last = take(file);
                    if (last != null)
                    {
                        return last;
                    }
                    Files.deleteIfExists(directory.resolve(name + REQUEST));
                    throw new IllegalStateException(why);
                }
            }
            if (now - deadline > 0)
            {
                throw new TimeoutException("no answer in " + timeout.toSeconds() + " s from the node on " +
                    directory.getParent() + " (the request " + name + REQUEST + " is left in " + directory + ")");
            }
            Thread.sleep(20);
        }
    }

    /** {@code NAME.result}, read and deleted, if the node has answered; null if not (yet). */
    static Properties takeAnswer(final Path directory, final String name) throws IOException
    {
        return take(directory.resolve(name + RESULT));
    }

    /** Reads and deletes {@code file}; null if there is none yet. */
    private static Properties take(final Path file) throws IOException
    {
        try
        {
            final Properties result = read(file);
            Files.deleteIfExists(file);
            return result;
        }
        catch (final NoSuchFileException ex)
        {
            return null;
        }
    }

    /** The names of the requests waiting in {@code directory}, oldest name first. */
    static List<String> pending(final Path directory)
    {
        if (!Files.isDirectory(directory))
        {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory))
        {
            final List<String> names = new ArrayList<>();
            files.map((p) -> p.getFileName().toString()).filter((n) -> n.endsWith(REQUEST)).sorted()
                .forEach((n) -> names.add(n.substring(0, n.length() - REQUEST.length())));
            return names;
        }
        catch (final IOException ex)
        {
            return List.of();
        }
    }

    /** Answers {@code name}: writes its result and deletes the request, and its cancel if it has one. */
    static void answer(final Path directory, final String name, final Properties result)
    {
        write(directory.resolve(name + RESULT), result);
        try
        {
            Files.deleteIfExists(directory.resolve(name + REQUEST));
            Files.deleteIfExists(directory.resolve(name + CANCEL));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
