package io.ringlog.journal;

import io.ringlog.core.Command;
import io.ringlog.core.CommandCodec;
import io.ringlog.core.JournalReader;
import io.ringlog.journal.tool.JournalTool;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Assertions;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Shared helpers for the journal tests: commands, child JVMs, and ways to damage a journal on disk. */
public final class JournalTesting
{
    public static final int MAX_PAYLOAD = 64;

    private JournalTesting()
    {
    }

    public static ChronicleJournal.Context context(final Path directory)
    {
        return new ChronicleJournal.Context().directory(directory).maxPayloadLength(MAX_PAYLOAD);
    }

    /** A command at {@code position} whose 8-byte payload is {@code value}. */
    public static Command command(final long position, final int type, final int version, final long value)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[8]);
        payload.putLong(0, value, ByteOrder.LITTLE_ENDIAN);
        return new Command(MAX_PAYLOAD).set(position, 1_000_000L * position, type, version, 7, position,
            position * 10, payload, 0, 8);
    }

    /** Appends positions {@code from..to}, committing every {@code batch} entries and at the end. */
    public static void appendRange(final ChronicleJournal journal, final long from, final long to, final int batch)
    {
        for (long position = from; position <= to; position++)
        {
            journal.append(command(position, 1, 1, position * 3));
            if ((position - from + 1) % batch == 0)
            {
                journal.commit();
            }
        }
        journal.commit();
    }

    /** A new journal in {@code directory} holding positions 1..{@code last}, as {@link #appendRange} writes them; its id. */
    public static io.ringlog.core.JournalId newJournal(final Path directory, final long last, final int batch)
    {
        try (ChronicleJournal journal = ChronicleJournal.open(context(directory)))
        {
            appendRange(journal, 1, last, batch);
            return journal.id();
        }
    }

    /** Reads {@code directory}'s journal from position 1: every entry {@link #appendRange} wrote up to {@code last}, then none. */
    public static void assertReadsAll(final Path directory, final long last)
    {
        try (ChronicleJournal journal = ChronicleJournal.open(context(directory).readOnly(true));
            JournalReader reader = journal.reader(1))
        {
            final Command into = new Command(MAX_PAYLOAD);
            for (long position = 1; position <= last; position++)
            {
                Assertions.assertTrue(reader.next(into), "entry " + position);
                Assertions.assertEquals(position, into.position());
                Assertions.assertEquals(position * 3, into.payload().getLong(0, ByteOrder.LITTLE_ENDIAN));
            }
            Assertions.assertFalse(reader.next(into), "nothing after " + last);
        }
    }

    /**
     * {@link #assertReadsAll}, then the user's tool on the same journal: {@code journal verify} exits 0 and says
     * {@code status: ok}.
     */
    public static void assertReadsAllAndVerifies(final Path directory, final long last)
    {
        assertReadsAll(directory, last);
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        Assertions.assertEquals(0, JournalTool.run(new PrintWriter(out), new PrintWriter(err), "verify", "-d",
            directory.toString(), "--max-payload", String.valueOf(MAX_PAYLOAD)), out + "\n" + err);
        Assertions.assertTrue(out.toString().contains("status: ok"), out.toString());
    }

    /** Two journals written with the same commands under the same clock hold {@code files} cycle files, byte for byte the same. */
    public static void assertSameCycleFiles(final Path one, final Path other, final int files) throws IOException
    {
        final List<Path> ones = cycleFiles(one);
        final List<Path> others = cycleFiles(other);
        Assertions.assertEquals(files, ones.size(), ones.toString());
        Assertions.assertEquals(ones.size(), others.size());
        for (int i = 0; i < ones.size(); i++)
        {
            Assertions.assertEquals(ones.get(i).getFileName(), others.get(i).getFileName());
            Assertions.assertArrayEquals(Files.readAllBytes(others.get(i)), Files.readAllBytes(ones.get(i)),
                ones.get(i).getFileName().toString());
        }
    }

    /**
     * What a writer that rolled to the cycle of {@code millis} leaves when it dies before its first document: the new
     * cycle file with Chronicle's header and no entry, and the end-of-file marker in the one before.
     */
    public static void startEmptyCycle(final Path directory, final JournalRollCycle rollCycle, final long millis)
    {
        try (net.openhft.chronicle.queue.impl.single.SingleChronicleQueue queue =
            net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder.binary(directory)
                .rollCycle(rollCycle.chronicle()).timeProvider(() -> millis).build();
            net.openhft.chronicle.queue.ExcerptAppender appender = queue.createAppender();
            net.openhft.chronicle.wire.DocumentContext document = appender.writingDocument())
        {
            document.rollbackOnClose();
        }
    }

    /** The cycle files of a journal directory, oldest first. */
    public static List<Path> cycleFiles(final Path directory) throws IOException
    {
        try (Stream<Path> files = Files.list(directory))
        {
            return files.filter((p) -> p.getFileName().toString().endsWith(".cq4")).sorted().toList();
        }
    }

    /**
     * Overwrites the magic word of the {@code nth} (0-based) command in a cycle file, found by
     * scanning for the magic: the entry stays a whole Chronicle document, but no longer a command.
     */
    public static void garbleMagicOfEntry(final Path file, final int nth) throws IOException
    {
        final long magic = magicOffset(file, nth);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(magic);
            raf.write(new byte[]{'J', 'U', 'N', 'K'});
        }
    }

    /**
     * The file offset of the magic of the {@code nth} (0-based) command in a cycle file, in either of the
     * formats written now: 'RLC' 0xB3 (format 3, at the entry's byte 4) or 'RLC2' (format 2, at its byte 52,
     * the engine's own commands), counted in the order they lie in the file.
     */
    private static long magicOffset(final Path file, final int nth) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r"))
        {
            final byte[] window = new byte[(int)Math.min(raf.length(), 16 << 20)];
            raf.readFully(window);
            int seen = 0;
            for (int i = 0; i + 4 <= window.length; i++)
            {
                final boolean magic = window[i] == 'R' && window[i + 1] == 'L' && window[i + 2] == 'C' &&
                    (window[i + 3] == (byte)0xB3 || window[i + 3] == '2');
                if (magic && seen++ == nth)
                {
                    return i;
                }
            }
        }
        throw new IllegalStateException("fewer than " + (nth + 1) + " entries in " + file);
    }

    /**
     * Copies a journal kept as test data (a folder under src/test/resources) into {@code target}, and
     * gives each file back the length Chronicle left it (the copies are cut after their last non-zero
     * byte, see the folder's sizes.properties): the bytes cut off were zeros, as a sparse extension's are.
     */
    public static Path restoreJournal(final String resource, final Path target) throws IOException
    {
        final Path source;
        try
        {
            source = Path.of(JournalTesting.class.getResource("/" + resource).toURI());
        }
        catch (final URISyntaxException ex)
        {
            throw new IllegalStateException(ex);
        }
        final Properties sizes = new Properties();
        try (InputStream in = Files.newInputStream(source.resolve("sizes.properties")))
        {
            sizes.load(in);
        }
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(source))
        {
            files.filter(Files::isRegularFile).forEach((file) ->
            {
                final String name = file.getFileName().toString();
                final Path copy = target.resolve(name);
                try
                {
                    Files.copy(file, copy);
                    if (sizes.containsKey(name))
                    {
                        try (RandomAccessFile raf = new RandomAccessFile(copy.toFile(), "rw"))
                        {
                            raf.setLength(Long.parseLong(sizes.getProperty(name)));
                        }
                    }
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            });
        }
        return target;
    }

    /** The byte offsets of a cycle file's data documents (Chronicle's header word: not metadata), in file order. */
    public static List<Long> dataDocuments(final Path file) throws IOException
    {
        final byte[] bytes = Files.readAllBytes(file);
        final java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        final List<Long> documents = new java.util.ArrayList<>();
        int offset = 0;
        while (offset + 4 <= bytes.length)
        {
            final int word = buffer.getInt(offset);
            if (word == 0)
            {
                break;
            }
            if ((word & 0x4000_0000) == 0)
            {
                documents.add((long)offset);
            }
            offset = (offset + 4 + (word & 0x3FFF_FFFF) + 3) & ~3;
        }
        return documents;
    }

    /**
     * The file offset of the {@code nth} (0-based) command's {@link CommandCodec} bytes in a cycle
     * file, found by its magic (format 3, or format 2 for the engine's own commands); where it is the
     * first of its document, the document's 4-byte Chronicle header lies just before it.
     */
    public static long entryOffset(final Path file, final int nth) throws IOException
    {
        final long magic = magicOffset(file, nth);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r"))
        {
            raf.seek(magic + 3);
            return magic - (raf.read() == '2' ? CommandCodec.MAGIC_OFFSET : CommandCodec.COMPACT_MAGIC_OFFSET);
        }
    }

    /**
     * The offset of the values of Chronicle's first index document in {@code file} (the offsets of every
     * indexSpacing-th document), checked: its first value is the offset of the file's first data document.
     */
    public static long chronicleIndexValues(final Path file) throws IOException
    {
        final byte[] first = new byte[CycleHeader.READ];
        CycleFileScan.read(file, 0, first, first.length);
        final long indexDocument = CycleHeader.read(first, first.length).indexOffsets[0];
        final byte[] document = new byte[64];
        CycleFileScan.read(file, indexDocument, document, document.length);
        final UnsafeBuffer bytes = new UnsafeBuffer(document);
        // length word, "index" as an event name, padding, the array's code, capacity and used: then the values.
        final long values = indexDocument + 32;
        final long firstData = (indexDocument + 4 + (bytes.getInt(0, ByteOrder.LITTLE_ENDIAN) & CycleFileScan.LENGTH_MASK) +
            3) & ~3L;
        if (bytes.getLong(32, ByteOrder.LITTLE_ENDIAN) != firstData)
        {
            throw new IllegalStateException("Chronicle's index document at byte " + indexDocument + " of " + file +
                " is not laid out as this test expects");
        }
        return values;
    }

    /**
     * Zeroes {@code file} from {@code offset} to the end of its data (its last non-zero byte), as a crash can leave a
     * file whose newest pages never reached the disk: their blocks read back as zeros. Returns how many bytes it zeroed.
     */
    public static long zeroFrom(final Path file, final long offset) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            final byte[] bytes = new byte[(int)Math.min(raf.length(), 64L << 20)];
            raf.seek(0);
            raf.readFully(bytes);
            int end = bytes.length;
            while (end > 0 && bytes[end - 1] == 0)
            {
                end--;
            }
            if (end <= offset)
            {
                throw new IllegalArgumentException("nothing but zeros from byte " + offset + " of " + file);
            }
            raf.seek(offset);
            raf.write(new byte[(int)(end - offset)]);
            return end - offset;
        }
    }

    /** Flips every bit of the byte at {@code offset} of {@code file}. */
    public static void flipByte(final Path file, final long offset) throws IOException
    {
        flip(file, offset, 0xFF);
    }

    /** The little-endian long at {@code offset} of {@code file}, read with a plain read. */
    public static long longAt(final Path file, final long offset) throws IOException
    {
        final byte[] bytes = new byte[8];
        CycleFileScan.read(file, offset, bytes, bytes.length);
        return new UnsafeBuffer(bytes).getLong(0, ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Sets the committed mark in {@code directory}'s ringlog.meta to {@code position}, with its check: a mark that lags
     * the entries, as a power cut leaves one whose page was not written back.
     */
    public static void setMark(final Path directory, final long position) throws IOException
    {
        final UnsafeBuffer word = new UnsafeBuffer(new byte[8]);
        word.putLong(0, JournalMetadata.mark(position), ByteOrder.LITTLE_ENDIAN);
        try (RandomAccessFile raf = new RandomAccessFile(directory.resolve(JournalMetadata.FILE_NAME).toFile(), "rw"))
        {
            raf.seek(JournalMetadata.COMMITTED_OFFSET);
            raf.write(word.byteArray());
        }
    }

    /** XORs the byte at {@code offset} of {@code file} with {@code mask}; twice restores it. */
    public static void flip(final Path file, final long offset, final int mask) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(offset);
            final int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ mask);
        }
    }

    /**
     * Copies a journal directory (files only) as a backup would, quickly: a cycle file's bytes up to its
     * data and a little past it, then its full length, which a sparse copy of zeros gives back.
     */
    public static void copyJournal(final Path from, final Path to) throws IOException
    {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from))
        {
            for (final Path file : files.filter(Files::isRegularFile).toList())
            {
                final Path copy = to.resolve(file.getFileName());
                if (file.getFileName().toString().equals("ringlog.lock"))
                {
                    continue;
                }
                if (!file.getFileName().toString().endsWith(".cq4"))
                {
                    Files.copy(file, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    continue;
                }
                final long length = Files.size(file);
                final byte[] data = new byte[(int)Math.min(length, CycleFileScan.scan(file, 0).end + (64 << 10))];
                CycleFileScan.read(file, 0, data, data.length);
                try (RandomAccessFile raf = new RandomAccessFile(copy.toFile(), "rw"))
                {
                    raf.write(data);
                    raf.setLength(length);
                }
            }
        }
    }

    /** What a child JVM printed (stdout and stderr together) and its exit code. */
    public record Ran(int code, String output)
    {
        @Override
        public String toString()
        {
            return "exit " + code + "\n" + output;
        }
    }

    /**
     * Runs {@code main} in a new JVM to its end, as a user's shell would, and returns what it printed.
     * Fails after {@code timeoutSeconds}, killing it.
     */
    public static Ran runJvm(final long timeoutSeconds, final Class<?> main, final String... args)
        throws IOException, InterruptedException
    {
        return runJvm(jvmFlags(), timeoutSeconds, main, args);
    }

    /** {@link #runJvm(long, Class, String...)} with {@code flags} in place of the project's JVM flags. */
    public static Ran runJvm(final List<String> flags, final long timeoutSeconds, final Class<?> main, final String... args)
        throws IOException, InterruptedException
    {
        final List<String> command = javaCommand(flags, main, args);
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final byte[][] output = new byte[1][];
        final Thread drain = new Thread(() ->
        {
            try
            {
                output[0] = process.getInputStream().readAllBytes();
            }
            catch (final IOException ex)
            {
                output[0] = ("(output lost: " + ex + ")").getBytes(StandardCharsets.UTF_8);
            }
        });
        drain.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            throw new IllegalStateException(main.getSimpleName() + " " + String.join(" ", args) + " did not end within " +
                timeoutSeconds + " s");
        }
        drain.join(TimeUnit.SECONDS.toMillis(timeoutSeconds));
        return new Ran(process.exitValue(), new String(output[0], StandardCharsets.UTF_8));
    }

    /** Starts {@code main} in a new JVM with the test classpath and the project's JVM flags. */
    public static Process startJvm(final Class<?> main, final String... args) throws IOException
    {
        return new ProcessBuilder(javaCommand(jvmFlags(), main, args)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static List<String> javaCommand(final List<String> flags, final Class<?> main, final String... args)
    {
        final List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        command.addAll(flags);
        command.add("-Xmx256m");
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(Arrays.asList(args));
        return command;
    }

    /** The flags surefire passes in {@code ringlog.jvm.flags}; this JVM's own flags when run elsewhere (an IDE). */
    static List<String> jvmFlags()
    {
        final String flags = System.getProperty("ringlog.jvm.flags");
        if (flags != null && !flags.isBlank())
        {
            return Arrays.stream(flags.trim().split("\\s+")).toList();
        }
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter((a) -> a.startsWith("--add-") || a.startsWith("-Dchronicle") || a.startsWith("--sun-misc")
                || a.startsWith("--enable-native-access"))
            .toList();
    }
}
