package io.ringlog.journal;

import io.ringlog.core.JournalException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Locale;
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

    private final ProcessFileLock lock;

    private JournalLock(final ProcessFileLock lock)
    {
        this.lock = lock;
    }

    /**
     * Takes the directory's writer lock.
     *
     * @throws JournalException if another process, or another journal in this one, holds it.
     */
    /** The refusal of a writer whose journal another process writes; {@code holder}: " (pid ...)" or nothing. */
    static String openElsewhere(final Path directory, final String holder)
    {
        return "journal " + directory + " is open for writing by another process" + holder + "; one writer per " +
            "journal: stop that one first (read-only tools such as 'scripts/journal verify' may look meanwhile). Nothing " +
            "was written.";
    }

    static JournalLock acquire(final Path directory)
    {
        final Path file = directory.resolve(FILE_NAME);
        final ProcessFileLock lock;
        try
        {
            lock = ProcessFileLock.tryAcquire(file);
        }
        catch (final OverlappingFileLockException ex)
        {
            throw new JournalException("journal " + directory + " is already open for writing in this process; " +
                "one writer per journal: close the other ChronicleJournal first");
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot take the writer lock " + file + ": " + FileErrors.describe(ex, file), ex);
        }
        if (lock == null)
        {
            // The holder as the kernel has it: the file's text may be an earlier writer's, long gone, where the holder
            // has not written its own yet (a reviewer's two repairs at once named a pid dead 13 minutes).
            final String live = liveWriter(directory);
            throw new JournalException(openElsewhere(directory, live != null ? " (" + live + ")" : aliveHolder(file)));
        }
        final long removedUnder = ProcessFileLock.holderOfRemoved(file);
        if (removedUnder > 0)
        {
            // A reviewer's: with ringlog.lock deleted under a live writer, a second one locked a new file, recovered the
            // journal and appended beside the first, and the journal was corrupt. The first still holds the old file.
            lock.close();
            throw new JournalException(openElsewhere(directory, " (pid " + removedUnder + ", which holds a " + FILE_NAME +
                " deleted from the directory while it held it: whatever removed it, that process still writes)"));
        }
        try
        {
            final byte[] text = ("pid " + ProcessHandle.current().pid() + ", since " + Instant.now() + "\n")
                .getBytes(StandardCharsets.US_ASCII);
            lock.channel().truncate(0);
            lock.channel().write(ByteBuffer.wrap(text), 0);
            return new JournalLock(lock);
        }
        catch (final IOException | RuntimeException ex)
        {
            lock.close();
            throw new JournalException("cannot take the writer lock " + file + ": " + FileErrors.describe(ex, file), ex);
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
            if (pid == ProcessHandle.current().pid() || ProcessFileLock.heldHere(file))
            {
                return "pid " + pid;
            }
            final String holder = holder(file);
            return holder.startsWith(" (pid " + pid + ",") ? holder.substring(2, holder.length() - 1) : "pid " + pid;
        }
        catch (final IOException | RuntimeException ex)
        {
            return null;
        }
    }

    /**
     * " (pid 123, since ...)" from the lock file, or nothing if it says nothing readable. Only where this
     * process does not hold the lock: closing the descriptor it reads with would free it.
     */
    private static String holder(final Path file)
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
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

    /**
     * {@link #holder} where the pid it names is a live process: without {@code /proc/locks} to say who holds the lock, the
     * text is the best there is, but not a pid gone since.
     */
    private static String aliveHolder(final Path file)
    {
        final String holder = holder(file);
        final int end = holder.indexOf(',');
        try
        {
            return end > 6 && ProcessHandle.of(Long.parseLong(holder.substring(6, end))).isPresent() ? holder : "";
        }
        catch (final NumberFormatException ex)
        {
            return "";
        }
    }

    /** Releases the lock. The file stays: deleting it could let two writers lock two different files. */
    @Override
    public void close()
    {
        lock.close();
    }
}
