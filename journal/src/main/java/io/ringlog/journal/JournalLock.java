package io.ringlog.journal;

import io.ringlog.core.JournalException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * One writer per journal directory: an exclusive lock ({@link FileChannel#tryLock()}, an
 * {@code fcntl} lock on Linux) on {@value #FILE_NAME} in the directory, taken before a journal opened
 * for writing touches anything and held until it closes. The operating system drops it when the
 * process dies, however it dies, so a crash never leaves a stale lock. The file also says who holds
 * it (pid and time), for the refusal message; its content is informational only.
 * <p>
 * Read-only opens (the journal tool, replays) do not take it: they may look at a journal a writer is
 * appending to.
 */
final class JournalLock implements AutoCloseable
{
    static final String FILE_NAME = "ringlog.lock";
    /**
     * Lock files this process holds. A second open in the same process is refused from here, without
     * opening the file: closing any descriptor of a file drops every fcntl lock the process holds on it,
     * so a refused second writer (or a tool reading the file) would otherwise free the journal for
     * another process while its writer goes on.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;

    private JournalLock(final Path key, final FileChannel channel, final FileLock lock)
    {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the directory's writer lock.
     *
     * @throws JournalException if another process, or another journal in this one, holds it.
     */
    static JournalLock acquire(final Path directory)
    {
        final Path file = directory.resolve(FILE_NAME);
        final Path key = key(file);
        if (!HELD.add(key))
        {
            throw inThisProcess(directory);
        }
        final FileChannel channel;
        try
        {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        }
        catch (final IOException ex)
        {
            HELD.remove(key);
            throw new JournalException("cannot open the writer lock " + file + ": " +
                FileErrors.describe(ex, file), ex);
        }
        try
        {
            final FileLock lock;
            try
            {
                lock = channel.tryLock();
            }
            catch (final OverlappingFileLockException ex)
            {
                throw inThisProcess(directory);
            }
            if (lock == null)
            {
                throw new JournalException("journal " + directory + " is open for writing by another process" +
                    holder(channel) + "; one writer per journal: stop that one first (read-only tools such as " +
                    "'journal verify' may look meanwhile). Nothing was written.");
            }
            final byte[] text = ("pid " + ProcessHandle.current().pid() + ", since " + Instant.now() + "\n")
                .getBytes(StandardCharsets.US_ASCII);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(text), 0);
            return new JournalLock(key, channel, lock);
        }
        catch (final IOException | RuntimeException ex)
        {
            closeQuietly(channel);
            HELD.remove(key);
            if (ex instanceof JournalException)
            {
                throw (JournalException)ex;
            }
            throw new JournalException("cannot take the writer lock " + file + ": " +
                FileErrors.describe(ex, file), ex);
        }
    }

    private static JournalException inThisProcess(final Path directory)
    {
        return new JournalException("journal " + directory + " is already open for writing in this process; " +
            "one writer per journal: close the other ChronicleJournal first");
    }

    private static Path key(final Path file)
    {
        try
        {
            return file.getParent().toRealPath().resolve(file.getFileName());
        }
        catch (final IOException ex)
        {
            return file.toAbsolutePath().normalize();
        }
    }

    /**
     * The process holding the directory's writer lock, as "pid 123" (with ", since ..." from the lock file
     * when that process is another one), found without taking the lock or, in this process, opening the
     * file (either could free it): by the lock on the file's device and inode in Linux's
     * {@code /proc/locks}. Null when no one holds it, or where there is no {@code /proc/locks}.
     */
    static String liveWriter(final Path directory)
    {
        final Path file = directory.resolve(FILE_NAME);
        final Path locks = Path.of("/proc/locks");
        if (!Files.isRegularFile(file) || !Files.isReadable(locks))
        {
            return null;
        }
        try
        {
            final long dev = (Long)Files.getAttribute(file, "unix:dev");
            final String where = String.format(Locale.ROOT, "%02x:%02x:%d", ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL),
                (dev & 0xff) | ((dev >>> 12) & ~0xffL), (Long)Files.getAttribute(file, "unix:ino"));
            long pid = -1;
            try (Stream<String> lines = Files.lines(locks, StandardCharsets.US_ASCII))
            {
                for (final String line : (Iterable<String>)lines::iterator)
                {
                    // "1: POSIX  ADVISORY  WRITE 4079 fe:00:2155040 0 EOF": the pid is the field before device:inode.
                    final String[] fields = line.trim().split("\\s+");
                    for (int i = 1; i < fields.length && pid < 0; i++)
                    {
                        if (fields[i].equals(where))
                        {
                            pid = Long.parseLong(fields[i - 1]);
                        }
                    }
                }
            }
            if (pid < 0)
            {
                return null;
            }
            if (pid == ProcessHandle.current().pid() || HELD.contains(key(file)))
            {
                return "pid " + pid;
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
            {
                final String holder = holder(channel);
                return holder.startsWith(" (pid " + pid + ",") ? holder.substring(2, holder.length() - 1) : "pid " + pid;
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            return null;
        }
    }

    /** " (pid 123, since ...)" from the lock file, or nothing if it says nothing readable. */
    private static String holder(final FileChannel channel)
    {
        try
        {
            final ByteBuffer bytes = ByteBuffer.allocate(128);
            channel.read(bytes, 0);
            final String text = new String(bytes.array(), 0, bytes.position(), StandardCharsets.US_ASCII).trim();
            return text.startsWith("pid ") && text.chars().allMatch((c) -> c >= 0x20 && c < 0x7F) ?
                " (" + text + ")" : "";
        }
        catch (final IOException ex)
        {
            return "";
        }
    }

    private static void closeQuietly(final FileChannel channel)
    {
        try
        {
            channel.close();
        }
        catch (final IOException ignore)
        {
            // Closing releases the lock; there is nothing else to undo.
        }
    }

    /** Releases the lock. The file stays: deleting it could let two writers lock two different files. */
    @Override
    public void close()
    {
        try
        {
            lock.release();
        }
        catch (final IOException ignore)
        {
            // Closing the channel below releases it anyway.
        }
        closeQuietly(channel);
        HELD.remove(key);
    }
}
