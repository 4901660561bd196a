package io.ringlog.exchange.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.Stream;

/** Journals kept as test data, copied out of the test resources to where a test can run on them. */
final class TestJournals
{
    private TestJournals()
    {
    }

    /**
     * A copy of the resource folder, each file of its {@code journal/} back at the length Chronicle left it:
     * the copies kept in the repository are cut after their last non-zero byte, and
     * {@code journal/sizes.properties} says how long each was (see the folder's README).
     */
    static Path restore(final String resource, final Path target) throws IOException, URISyntaxException
    {
        final Path source = Path.of(TestJournals.class.getResource("/" + resource).toURI());
        try (Stream<Path> all = Files.walk(source))
        {
            for (final Path file : all.filter(Files::isRegularFile).toList())
            {
                final Path copy = target.resolve(source.relativize(file).toString());
                Files.createDirectories(copy.getParent());
                Files.copy(file, copy);
            }
        }
        final Path sizes = target.resolve("journal/sizes.properties");
        final Properties lengths = new Properties();
        try (InputStream in = Files.newInputStream(sizes))
        {
            lengths.load(in);
        }
        for (final String name : lengths.stringPropertyNames())
        {
            try (RandomAccessFile raf = new RandomAccessFile(target.resolve("journal").resolve(name).toFile(), "rw"))
            {
                raf.setLength(Long.parseLong(lengths.getProperty(name)));
            }
        }
        return target;
    }
}
