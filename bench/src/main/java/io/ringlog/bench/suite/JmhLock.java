package io.ringlog.bench.suite;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * JMH's own machine-wide lock ({@code <tmpdir>/jmh.lock}): JMH refuses to start while another JMH holds
 * it, so two benchmark runs never share the cores unknowingly. The suite waits for it rather than
 * failing, holds it through its steps that are not JMH (the peer, the latency runs, generating the
 * stream), and lets go just before each JMH run, which takes it itself; it never asks JMH to ignore it.
 */
final class JmhLock implements AutoCloseable
{
    private static final long POLL_NANOS = 1_000_000_000L;

    private final Path file = Path.of(System.getProperty("java.io.tmpdir"), "jmh.lock");
    private FileChannel channel;
    private FileLock lock;

    /** Waits up to {@code wait} for the lock; returns false if another process still holds it. */
    boolean acquire(final Duration wait) throws IOException
    {
        if (lock != null)
        {
            return true;
        }
        final long deadline = System.nanoTime() + wait.toNanos();
        while (true)
        {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try
            {
                lock = channel.tryLock();
            }
            catch (final OverlappingFileLockException ex)
            {
                lock = null;
            }
            if (lock != null)
            {
                return true;
            }
            channel.close();
            channel = null;
            if (System.nanoTime() > deadline)
            {
                return false;
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /** Lets go, so the JMH run that follows can take the lock. */
    void release() throws IOException
    {
        if (lock != null)
        {
            lock.release();
            lock = null;
        }
        if (channel != null)
        {
            channel.close();
            channel = null;
        }
    }

    Path file()
    {
        return file;
    }

    @Override
    public void close() throws IOException
    {
        release();
    }
}
