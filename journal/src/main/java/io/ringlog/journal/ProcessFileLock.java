package io.ringlog.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;

    private ProcessFileLock(final Path key, final FileChannel channel, final FileLock lock)
    {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes {@code file}'s lock, creating the file if need be; null if another process holds it.
     *
     * @throws OverlappingFileLockException if this process holds it already.
     * @throws IOException                  if the file cannot be opened or locked.
     */
    public static ProcessFileLock tryAcquire(final Path file) throws IOException
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
            return new ProcessFileLock(key, channel, lock);
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

    /** Whether this process holds {@code file}'s lock. */
    public static boolean heldHere(final Path file)
    {
        return HELD.contains(key(file));
    }

    /** The locked file's channel, for writing who holds it. */
    public FileChannel channel()
    {
        return channel;
    }

    /** Releases the lock. The file stays: deleting it could let two takers lock two different files. */
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
