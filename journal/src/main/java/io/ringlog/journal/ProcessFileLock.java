package io.ringlog.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive lock on a file that one process holds at most once: the journal's writer lock, a
 * replicated node's directory lock. The operating system drops it when the process dies, however it
 * dies. A second acquisition in the same process is refused from a set of the files held here,
 * without opening the file: closing any descriptor of a file drops every fcntl lock the process holds
 * on it, so a refused second taker would otherwise free the file for another process.
 */
public final class ProcessFileLock implements AutoCloseable
{
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    /** Attempts at a removable lock whose file another taker removed or replaced while this one opened it. */
    private static final int REMOVABLE_ATTEMPTS = 16;

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;
    /** The file to delete at close, while still locked, or null to leave it. */
    private final Path removeAtClose;

    private ProcessFileLock(final Path key, final FileChannel channel, final FileLock lock, final Path removeAtClose)
    {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
        this.removeAtClose = removeAtClose;
    }

    /**
     * Like {@link #tryAcquire(Path)}, for a lock file nobody looks for afterwards (one in the system's
     * temporary directory): its holder deletes it before it lets go. Deleting a lock file can leave two takers
     * holding locks on two files, one of them gone, so a taker checks after locking that the path still
     * names the file it opened (the same file before the open and after the lock: a deleted file is never
     * linked there again) and tries again if not.
     */
    public static ProcessFileLock tryAcquireRemovable(final Path file) throws IOException
    {
        for (int attempt = 0; attempt < REMOVABLE_ATTEMPTS; attempt++)
        {
            final Object before = fileKey(file);
            final ProcessFileLock taken = tryAcquire(file, file);
            if (taken == null)
            {
                return null;
            }
            final Object after = fileKey(file);
            if (before != null && Objects.equals(before, after))
            {
                return taken;
            }
            // Locked a file its holder deleted (or one made after the look before): not the one the path names.
            taken.release(false);
        }
        throw new IOException("cannot lock " + file + ": it was deleted and made again " + REMOVABLE_ATTEMPTS +
            " times while this process opened it");
    }

    /** The file's identity (device and inode where the file system has them), or null where there is no file. */
    static Object fileKey(final Path file) throws IOException
    {
        try
        {
            final BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return attributes.fileKey() != null ? attributes.fileKey() : attributes.creationTime();
        }
        catch (final NoSuchFileException ex)
        {
            return null;
        }
    }

    /**
     * Takes {@code file}'s lock, creating the file if need be; null if another process holds it.
     *
     * @throws OverlappingFileLockException if this process holds it already.
     * @throws IOException                  if the file cannot be opened or locked.
     */
    public static ProcessFileLock tryAcquire(final Path file) throws IOException
    {
        return tryAcquire(file, null);
    }

    private static ProcessFileLock tryAcquire(final Path file, final Path removeAtClose) throws IOException
    {
        final Path key = key(file);
        if (!HELD.add(key))
        {
            throw new OverlappingFileLockException();
        }
        FileChannel channel = null;
        try
        {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            final FileLock lock = channel.tryLock();
            if (lock == null)
            {
                channel.close();
                HELD.remove(key);
                return null;
            }
            return new ProcessFileLock(key, channel, lock, removeAtClose);
        }
        catch (final IOException | RuntimeException ex)
        {
            if (channel != null)
            {
                closeQuietly(channel);
            }
            HELD.remove(key);
            throw ex;
        }
    }

    /**
     * Another live process that holds a lock on {@code file} though the file was deleted since, or -1 where none is found
     * or this cannot be looked at (Linux only: {@code /proc}). A lock file removed under its holder (a clean-up job,
     * someone clearing a "stale" lock) lets the next taker lock a new file at the same path while the holder goes on; the
     * holder still has the old file open, and its lock on it is in {@code /proc/locks}. Only the processes holding a
     * POSIX lock there are looked at, and a descriptor counts only where its process holds a lock on that very file: a
     * reader that merely has it open (a {@code tail}, a backup) is no writer. Another user's process cannot be seen.
     */
    public static long holderOfRemoved(final Path file)
    {
        final String deleted;
        final long self = ProcessHandle.current().pid();
        final Map<Long, Set<Long>> lockedInodes = new HashMap<>();
        try
        {
            deleted = file.toAbsolutePath().getParent().toRealPath().resolve(file.getFileName()) + " (deleted)";
            for (final String line : Files.readAllLines(Path.of("/proc/locks"), java.nio.charset.StandardCharsets.US_ASCII))
            {
                // "1: POSIX  ADVISORY  WRITE 4079 fe:00:2155040 0 EOF": pid, then device:inode.
                final String[] fields = line.trim().split("\\s+");
                if (fields.length < 6 || !fields[1].equals("POSIX"))
                {
                    continue;
                }
                final long pid = Long.parseLong(fields[4]);
                final String where = fields[5];
                if (pid != self)
                {
                    lockedInodes.computeIfAbsent(pid, (k) -> new HashSet<>())
                        .add(Long.parseLong(where.substring(where.lastIndexOf(':') + 1)));
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
        for (final Map.Entry<Long, Set<Long>> holder : lockedInodes.entrySet())
        {
            try (java.nio.file.DirectoryStream<Path> descriptors = Files.newDirectoryStream(
                Path.of("/proc", String.valueOf(holder.getKey()), "fd")))
            {
                for (final Path descriptor : descriptors)
                {
                    try
                    {
                        // The link names the path the file had; stat through it reaches the file itself, deleted or not.
                        if (Files.readSymbolicLink(descriptor).toString().equals(deleted) &&
                            holder.getValue().contains((Long)Files.getAttribute(descriptor, "unix:ino")))
                        {
                            return holder.getKey();
                        }
                    }
                    catch (final IOException | RuntimeException gone)
                    {
                        // closed meanwhile
                    }
                }
            }
            catch (final IOException | RuntimeException unreadable)
            {
                // Another user's process, or one gone meanwhile: not looked at.
            }
        }
        return -1;
    }

    /** Whether this process holds {@code file}'s lock. */
    public static boolean heldHere(final Path file)
    {
        return HELD.contains(key(file));
    }

    /**
     * Whether this process holds the lock of {@code file} or of the same file under another path (a bind mount, a
     * hard link): where opening and closing it would free that lock, as any close of a file frees the process's
     * POSIX locks on it.
     */
    public static boolean heldHereUnderAnyPath(final Path file)
    {
        if (heldHere(file))
        {
            return true;
        }
        for (final Path held : HELD)
        {
            try
            {
                if (Files.isSameFile(held, file))
                {
                    return true;
                }
            }
            catch (final IOException ex)
            {
                // A held file that is gone, or this one unreadable: not the same file as far as can be told.
            }
        }
        return false;
    }

    /** The locked file's channel, for writing who holds it. */
    public FileChannel channel()
    {
        return channel;
    }

    /**
     * Releases the lock. The file stays (deleting it could let two takers lock two different files), except
     * one taken with {@link #tryAcquireRemovable}, which is deleted first, while still locked.
     */
    @Override
    public void close()
    {
        release(removeAtClose != null);
    }

    private void release(final boolean remove)
    {
        if (remove)
        {
            try
            {
                Files.deleteIfExists(removeAtClose);
            }
            catch (final IOException ignore)
            {
                // Left behind: the next taker locks it as it is.
            }
        }
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

    private static Path key(final Path file)
    {
        try
        {
            return file.toAbsolutePath().getParent().toRealPath().resolve(file.getFileName());
        }
        catch (final IOException ex)
        {
            return file.toAbsolutePath().normalize();
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
}
