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

    private final FileChannel channel;
    private final FileLock lock;

    private JournalLock(final FileChannel channel, final FileLock lock)
    {
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
        final FileChannel channel;
        try
        {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        }
        catch (final IOException ex)
        {
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
                throw new JournalException("journal " + directory + " is already open for writing in this process; " +
                    "one writer per journal: close the other ChronicleJournal first");
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
            return new JournalLock(channel, lock);
        }
        catch (final IOException | RuntimeException ex)
        {
            closeQuietly(channel);
            if (ex instanceof JournalException)
            {
                throw (JournalException)ex;
            }
            throw new JournalException("cannot take the writer lock " + file + ": " +
                FileErrors.describe(ex, file), ex);
        }
    }

    /**
     * "pid 123, since ..." from the directory's lock file while that process holds the lock, found
     * without taking it (a tool that took it even for a moment could turn a starting writer away): on
     * Linux, by the lock in {@code /proc/locks} on the file's inode; elsewhere, by the process being
     * alive and not this one. Null when there is no lock file, it names no process, or no one holds it.
     */
    static String liveWriter(final Path directory)
    {
        final Path file = directory.resolve(FILE_NAME);
        if (!Files.isRegularFile(file))
        {
            return null;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final String holder = holder(channel);
            if (holder.isEmpty())
            {
                return null;
            }
            final String text = holder.substring(2, holder.length() - 1);
            final int end = text.indexOf(',');
            final long pid = Long.parseLong(text.substring("pid ".length(), end < 0 ? text.length() : end).trim());
            final Path locks = Path.of("/proc/locks");
            if (Files.isReadable(locks))
            {
                final String inode = ":" + Files.getAttribute(file, "unix:ino") + " ";
                try (Stream<String> lines = Files.lines(locks, StandardCharsets.US_ASCII))
                {
                    return lines.anyMatch((line) -> line.contains(" " + pid + " ") && line.contains(inode)) ? text : null;
                }
            }
            return pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) ?
                text : null;
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
    }
}
