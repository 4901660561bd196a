package io.ringlog.exchange.replication;

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
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * How the command line talks to a running node: request files in a directory of the node's, each
 * answered by a result file of the same name. Written to a temporary name and renamed, so the node
 * never reads half a request and the asker never half a result.
 * <pre>
 *   asker:  NAME.request.tmp ──rename──► NAME.request            (key=value lines)
 *   node:   reads NAME.request, does it, NAME.result.tmp ──rename──► NAME.result, deletes NAME.request
 *   asker:  waits for NAME.result, reads it, deletes it
 * </pre>
 */
final class Mailbox
{
    static final String REQUEST = ".request";
    static final String RESULT = ".result";

    private Mailbox()
    {
    }

    static void write(final Path file, final Properties properties)
    {
        final Path temp = file.resolveSibling(file.getFileName() + ".tmp");
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
            throw new UncheckedIOException("cannot write " + file + ": " + ex.getMessage(), ex);
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

    /** Asks: writes {@code NAME.request}. */
    static void ask(final Path directory, final String name, final Properties request)
    {
        write(directory.resolve(name + REQUEST), request);
    }

    /** Waits for {@code NAME.result}, returns it and deletes it. */
    static Properties awaitAnswer(final Path directory, final String name, final Duration timeout)
        throws IOException, InterruptedException, TimeoutException
    {
        final Path file = directory.resolve(name + RESULT);
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true)
        {
            try
            {
                final Properties result = read(file);
                Files.deleteIfExists(file);
                return result;
            }
            catch (final NoSuchFileException ex)
            {
                if (System.nanoTime() > deadline)
                {
                    throw new TimeoutException("no answer in " + timeout.toSeconds() + " s: is a node running on " +
                        directory.getParent() + "? (its request " + name + REQUEST + " is left in " + directory + ")");
                }
                Thread.sleep(20);
            }
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

    /** Answers {@code name}: writes its result and deletes the request. */
    static void answer(final Path directory, final String name, final Properties result)
    {
        write(directory.resolve(name + RESULT), result);
        try
        {
            Files.deleteIfExists(directory.resolve(name + REQUEST));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
