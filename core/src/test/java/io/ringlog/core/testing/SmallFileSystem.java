package io.ringlog.core.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted on a test directory, where the machine allows it (root, or a container with
 * the right capability): a real full disk. Where it does not, {@link #mount} says why and the test
 * falls back to an injected failure, saying so; it never skips. Also a read-only view of a directory
 * ({@link #readOnlyView}).
 */
public final class SmallFileSystem implements AutoCloseable
{
    private final Path directory;

    private SmallFileSystem(final Path directory)
    {
        this.directory = directory;
    }

    /**
     * Mounts a tmpfs of {@code size} (as {@code mount -o size=} takes it) on {@code directory}.
     *
     * @param why receives the reason when it cannot.
     * @return the mount, or null if this machine does not allow it.
     */
    public static SmallFileSystem mount(final Path directory, final String size, final StringBuilder why)
        throws IOException, InterruptedException
    {
        Files.createDirectories(directory);
        final String said = run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", directory.toString());
        if (said != null)
        {
            why.append(said);
            return null;
        }
        return new SmallFileSystem(directory);
    }

    /** Writes a file of {@code bytes} zeros into the mount ("ballast"), for a disk that is nearly full. */
    public void ballast(final long bytes) throws IOException
    {
        Files.write(directory.resolve("ballast"), new byte[Math.toIntExact(bytes)]);
    }

    /**
     * Mounts a read-only view of {@code source} on {@code target} (a bind mount, remounted read-only): a journal on a
     * read-only file system, as a backup's mount or a forensic copy has it. Unmounted by {@link #close}.
     *
     * @param why receives the reason when this machine does not allow it.
     * @return the mount, or null if this machine does not allow it.
     */
    public static SmallFileSystem readOnlyView(final Path source, final Path target, final StringBuilder why)
        throws IOException, InterruptedException
    {
        Files.createDirectories(target);
        final String bound = run("mount", "--bind", source.toString(), target.toString());
        if (bound != null)
        {
            why.append(bound);
            return null;
        }
        final String readOnly = run("mount", "-o", "remount,ro,bind", target.toString());
        if (readOnly != null)
        {
            run("umount", target.toString());
            why.append(readOnly);
            return null;
        }
        return new SmallFileSystem(target);
    }

    /** Runs a command; null when it succeeds, else what it said. */
    private static String run(final String... command) throws IOException, InterruptedException
    {
        final Process process;
        try
        {
            final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            // Its words are matched ("busy"): in English whatever the machine's locale.
            builder.environment().put("LC_ALL", "C");
            process = builder.start();
        }
        catch (final IOException ex)
        {
            return String.join(" ", command) + ": " + ex.getMessage();
        }
        if (!process.waitFor(20, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            return String.join(" ", command) + " did not finish in 20 s";
        }
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return process.exitValue() == 0 ? null : String.join(" ", command) + " exited " + process.exitValue() +
            (output.isEmpty() ? "" : ": " + output);
    }

    /**
     * Unmounts it. Memory a closed journal mapped from it may still be held for a moment: Chronicle unmaps on a
     * background thread, which a loaded machine runs late, and a child JVM may still be exiting. So a busy
     * mount is tried again until it is free, for up to 30 s; busy past that, it is detached ({@code umount -l})
     * and the test fails: something holds a file there open.
     */
    @Override
    public void close() throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String said = run("umount", directory.toString());
        while (said != null && said.contains("busy") && System.nanoTime() < deadline)
        {
            Thread.sleep(100);
            said = run("umount", directory.toString());
        }
        if (said != null && said.contains("busy"))
        {
            // Busy for 30 s is no late unmap: something still holds a file there (a journal left open?). Detach
            // the mount so the machine is left clean, and fail.
            run("umount", "-l", directory.toString());
            throw new IOException("the test's tmpfs " + directory + " was still busy 30 s after the test: something " +
                "holds a file on it open (detached with umount -l): " + said);
        }
        if (said != null)
        {
            throw new IOException("could not unmount the test's tmpfs: " + said);
        }
    }
}
