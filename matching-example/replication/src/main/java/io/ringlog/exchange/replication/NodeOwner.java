package io.ringlog.exchange.replication;

import io.ringlog.journal.FileErrors;
import io.ringlog.journal.ProcessFileLock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Which process runs the node on a directory: so that {@code replica stop | promote | publish} know at
 * once whether anything will answer them, and notice when it stops while they wait; and so that a
 * starting node knows that the requests already in its mailboxes were left for a node that is gone.
 * <pre>
 *   NODE_DIR/node.lock  a {@link ProcessFileLock} the node's process holds from start to exit: the
 *                       operating system drops it when the process dies, however it dies
 *   NODE_DIR/node.pid   that process's pid alone (for {@code kill $(cat node.pid)}, systemd's PIDFile=):
 *                       written once the node holds the lock and has emptied its mailboxes, deleted when it
 *                       stops serving requests (a killed node leaves it behind)
 *   NODE_DIR/node.started  when that process started, written just before node.pid
 * </pre>
 * Askers never touch the lock: closing any channel on a locked file releases the locks the whole JVM
 * holds on it, and a test may run a node and an asker in one JVM. They read {@code node.pid} and check
 * that its process is alive and started when the file says, so a recycled pid is not taken for the node.
 */
final class NodeOwner implements AutoCloseable
{
    static final String LOCK_FILE = "node.lock";
    static final String PID_FILE = "node.pid";
    static final String STARTED_FILE = "node.started";
    /** How far apart two readings of one process's start may be (ticks since a boot time that clock steps move). */
    private static final long START_TOLERANCE_MS = 2_000;

    /** A node's process, as its {@code node.pid} names it. */
    record Running(Path root, long pid, Instant started)
    {
        /** Whether that process is alive and is the one that wrote the file (not another that got its pid later). */
        boolean alive()
        {
            final Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            if (handle.isEmpty() || !handle.get().isAlive())
            {
                return false;
            }
            final Optional<Instant> start = handle.get().info().startInstant();
            return start.isEmpty() || Math.abs(Duration.between(start.get(), started).toMillis()) <= START_TOLERANCE_MS;
        }

        /** Null while this node still serves its directory; otherwise why it will not answer, in words. */
        String gone()
        {
            if (!alive())
            {
                return "the node in " + root + " (pid " + pid + ") ended before it answered";
            }
            final Running now = read(new NodeDirectory(root));
            if (now == null || !now.equals(this))
            {
                return "the node in " + root + " (pid " + pid + ") stopped serving requests before it answered";
            }
            return null;
        }
    }

    private final NodeDirectory directory;
    private final ProcessFileLock lock;
    private final Running self;
    private boolean withdrawn;

    private NodeOwner(final NodeDirectory directory, final ProcessFileLock lock, final Running self)
    {
        this.directory = directory;
        this.lock = lock;
        this.self = self;
    }

    /**
     * Makes this process the node on {@code directory}: takes its lock, deletes every request and answer
     * left in its mailboxes (telling {@code say} which requests, in one line), then writes {@code node.pid}.
     *
     * @throws IllegalStateException if another node runs there.
     */
    static NodeOwner claim(final NodeDirectory directory, final Consumer<String> say)
    {
        final Path root = directory.root();
        final ProcessFileLock lock;
        try
        {
            Files.createDirectories(root);
            lock = ProcessFileLock.tryAcquire(root.resolve(LOCK_FILE));
        }
        catch (final OverlappingFileLockException ex)
        {
            throw alreadyRunning(directory);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot lock " + root.resolve(LOCK_FILE) + ": " +
                FileErrors.describe(ex, root.resolve(LOCK_FILE)), ex);
        }
        if (lock == null)
        {
            throw alreadyRunning(directory);
        }
        try
        {
            final List<String> stale = new ArrayList<>();
            stale.addAll(empty(directory.control()));
            stale.addAll(empty(directory.inbox()));
            if (!stale.isEmpty())
            {
                say.accept("discarded " + stale.size() + (stale.size() == 1 ? " request" : " requests") + " left from " +
                    "before this node started (" + String.join(", ", stale) + "): ask again if it still matters");
            }
            final ProcessHandle process = ProcessHandle.current();
            final Running self = new Running(root, process.pid(), process.info().startInstant().orElse(Instant.now()));
            write(root, self.pid(), self.started());
            return new NodeOwner(directory, lock, self);
        }
        catch (final RuntimeException ex)
        {
            lock.close();
            throw ex;
        }
    }

    private static IllegalStateException alreadyRunning(final NodeDirectory directory)
    {
        final Path root = directory.root();
        final Running other = read(directory);
        return new IllegalStateException("a node is already running in " + root +
            (other != null ? " (pid " + other.pid() + ")" : "") + ": stop it first ('scripts/replica stop --dir " + root +
            "')");
    }

    /** Deletes every request, answer, cancel and half-written file in {@code mailbox}; returns the requests' names. */
    private static List<String> empty(final Path mailbox)
    {
        final List<String> requests = Mailbox.pending(mailbox);
        if (!Files.isDirectory(mailbox))
        {
            return requests;
        }
        try (Stream<Path> files = Files.list(mailbox))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                final String name = file.getFileName().toString();
                if (name.endsWith(Mailbox.REQUEST) || name.endsWith(Mailbox.RESULT) || name.endsWith(Mailbox.CANCEL) ||
                    name.endsWith(".tmp"))
                {
                    Files.deleteIfExists(file);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot empty " + mailbox + ": " + FileErrors.describe(ex), ex);
        }
        return requests;
    }

    /** Writes {@code node.started}, then {@code node.pid}, each whole (a temporary file renamed over it). */
    static void write(final Path root, final long pid, final Instant started)
    {
        writeLine(root.resolve(STARTED_FILE), started.toString());
        writeLine(root.resolve(PID_FILE), Long.toString(pid));
    }

    private static void writeLine(final Path file, final String line)
    {
        final Path temp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try
        {
            Files.writeString(temp, line + "\n");
            Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + file + ": " + FileErrors.describe(ex), ex);
        }
    }

    /** The node {@code directory}'s {@code node.pid} names, alive or not; null if it names none. */
    static Running read(final NodeDirectory directory)
    {
        try
        {
            final long pid = Long.parseLong(Files.readString(directory.root().resolve(PID_FILE)).strip());
            final Instant started = Instant.parse(Files.readString(directory.root().resolve(STARTED_FILE)).strip());
            return new Running(directory.root(), pid, started);
        }
        catch (final IOException | NumberFormatException | DateTimeParseException ex)
        {
            // None (NoSuchFileException), or one being replaced: no node to talk to.
            return null;
        }
    }

    /** The node running on {@code directory} now, or null if none does. */
    static Running running(final NodeDirectory directory)
    {
        final Running running = read(directory);
        return running != null && running.alive() ? running : null;
    }

    /**
     * The node running on {@code directory}, waiting up to {@code starting} for one to begin taking
     * requests (a node started with {@code &} just before), and for as long as {@code patience} while a
     * process that starts a node on this directory is alive (a {@code scripts/replica node ... --dir} that
     * is still building the jar, or whose JVM is starting); creates nothing.
     *
     * @throws IllegalStateException if none runs there, saying how to start one.
     */
    static Running await(final NodeDirectory directory, final Duration starting, final Duration patience)
        throws InterruptedException
    {
        final long begin = System.nanoTime();
        final Path root = directory.root();
        while (true)
        {
            final Running running = running(directory);
            if (running != null)
            {
                return running;
            }
            final long waited = System.nanoTime() - begin;
            if (waited >= starting.toNanos())
            {
                final ProcessHandle starter = starter(directory);
                if (starter == null)
                {
                    throw new IllegalStateException("no node is running in " + root + ": start one with 'scripts/replica " +
                        "node --role primary|standby --dir " + root + " --listen HOST:PORT --peer HOST:PORT'");
                }
                if (waited >= patience.toNanos())
                {
                    throw new IllegalStateException("a node is starting in " + root + " (pid " + starter.pid() + ") but " +
                        "did not begin taking requests within " + patience.toSeconds() + " s; see its output");
                }
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    /**
     * A live process, other than this one, whose command line starts a node on {@code directory}
     * ({@code node} and {@code --dir} naming it, as given or resolved against this process's working
     * directory); null if none. Reads what the operating system shows of other processes' arguments.
     */
    static ProcessHandle starter(final NodeDirectory directory)
    {
        final Path root = directory.root().toAbsolutePath().normalize();
        final long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
            .filter((process) -> process.pid() != self)
            .filter((process) -> process.info().arguments().map((args) -> startsNodeOn(args, root, process.pid()))
                .orElse(false))
            .findFirst().orElse(null);
    }

    /**
     * Whether {@code args} start a node on {@code root}. A relative {@code --dir} is resolved against
     * the working directory of the process that was given it ({@code /proc/PID/cwd}), not this one's: a
     * node started from elsewhere with the same relative path is another directory's.
     */
    private static boolean startsNodeOn(final String[] args, final Path root, final long pid)
    {
        boolean node = false;
        boolean here = false;
        for (int i = 0; i < args.length; i++)
        {
            node |= args[i].equals("node");
            final String dir = (args[i].equals("--dir") || args[i].equals("-d")) && i + 1 < args.length ? args[i + 1] :
                args[i].startsWith("--dir=") ? args[i].substring("--dir=".length()) : null;
            if (dir != null)
            {
                try
                {
                    final Path given = Path.of(dir);
                    final Path resolved = given.isAbsolute() ? given : workingDirectory(pid).resolve(given);
                    here |= resolved.normalize().equals(root);
                }
                catch (final IOException | RuntimeException ex)
                {
                    // Not a path here, or its process has gone or hides its working directory: not this directory.
                }
            }
        }
        return node && here;
    }

    private static Path workingDirectory(final long pid) throws IOException
    {
        return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd"));
    }

    /** This process, as its {@code node.pid} names it. */
    Running self()
    {
        return self;
    }

    /** Says this node answers no more requests (it is stopping): new askers are told at once that no node runs. */
    void withdraw()
    {
        if (withdrawn)
        {
            return;
        }
        withdrawn = true;
        if (self.equals(read(directory)))
        {
            try
            {
                Files.deleteIfExists(directory.root().resolve(PID_FILE));
            }
            catch (final IOException ignore)
            {
                // The process's exit says the same to askers.
            }
        }
    }

    /** Withdraws and releases the lock; the lock file stays (deleting it could let two nodes lock two files). */
    @Override
    public void close()
    {
        withdraw();
        lock.close();
    }
}
