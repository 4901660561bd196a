package io.ringlog.journal;

import net.openhft.chronicle.core.OS;
import net.openhft.posix.OpenFlag;
import net.openhft.posix.PosixAPI;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Keeps the disk space just ahead of Chronicle's write position allocated, so that a full disk
 * stops an append before any of its bytes are written, with an {@link IOException} at a known
 * place.
 * <p>
 * Why: Chronicle writes through a memory map of a sparse file. When the file system has no block
 * for a page the writer touches, the kernel answers with SIGBUS, which the JVM turns into an
 * {@link InternalError} reported "in a recent unsafe memory access operation", at some later
 * instruction, possibly after the entry's header was completed with zeros where its bytes should
 * be, and possibly after that batch was committed. Writing zeros with {@code pwrite} ahead of the
 * map allocates the blocks, and fails synchronously with "No space left on device" when there are
 * none. Each call also enters the kernel, which delivers any such pending fault right there.
 * <p>
 * The region written is always past everything Chronicle has written (only this journal's thread
 * appends, and it reserves before it appends), so nothing is overwritten but zeros. A new cycle file
 * gets its first blocks before Chronicle maps it ({@link #precreate}). Cost: one 256 KB step per 256 KB of
 * journal, and up to about 1 MB per cycle file of real blocks beyond the data, and the blocks of Chronicle's first
 * index arrays (about 250 KB for the daily cycles), which a sparse file would not have used.
 * <p>
 * With the journal's {@link TouchAhead} thread on (the default), on Linux, each step allocates the blocks with
 * {@code fallocate(2)} through Chronicle's native binding instead of writing 256 KB of zeros on the writer's thread:
 * the same blocks, and the same synchronous refusal on a full disk, without putting the zeros into the page cache (and
 * on the disk after). The pages then come into the cache at their first store, which the touch-ahead thread makes
 * ahead of the writer. Without that thread the writer's own first stores would take that cost, and measured so
 * (bench/README.md, "Where the time goes") {@code fallocate} did not beat the zeros; so a journal with {@code touchAhead(false)}
 * writes zeros. A step whose {@code fallocate} fails, for any reason (a full disk, a file system without it, a signal
 * interrupting it on tmpfs), writes the zeros instead, which fail in Java's words on a full disk; after three such
 * steps in a row the file gets zeros for the rest of its cycle. (For a failing call the binding also tries glibc's
 * {@code posix_fallocate}, under an {@code flock} of the file nobody else takes.) On the exchange's benchmark (2-core VM,
 * listener inline, touch-ahead on, six rounds of each alternated on one jar, 2026-12-05) the rounds' medians were
 * 2.9 to 3.4M commands/s with it and 1.6 to 3.7M with the zeros: higher in four rounds of six, and steadier.
 * <p>
 * Preallocated ({@link ChronicleJournal.Context#preallocate}): at open, the cycle file the next append writes to
 * gets the blocks for that many bytes at once, so appends into them write nothing ahead. What a new page of the
 * journal costs (the file system's block, the kernel's page of cache, on a VM the host's page) is then paid before
 * the service takes commands, and a disk without that room refuses the open, not an append.
 */
final class SpaceReservation implements AutoCloseable
{
    static final int STEP = 256 << 10;
    private static final long PAGE = 4096;

    private final long margin;
    private ByteBuffer zeros;
    private FileChannel channel;
    /** Whether steps use {@code fallocate}: with the touch-ahead thread on, on Linux (see above). */
    private final boolean allocating;
    /** The same file opened for {@code fallocate}; -1 where the zeros are written instead. */
    private int fd = -1;
    /** Steps in a row whose {@code fallocate} failed and whose zeros were written instead. */
    private int refusedInARow;
    private Path file;
    private long reservedTo;
    /** The cycle file given blocks at open ({@link #preallocate}, {@link #precreate(Path, Path, long)}); null if none. */
    private Path preallocatedFile;
    private long preallocatedTo;
    private long writes;
    private long allocations;
    private long forces;

    /**
     * @param maxEntryLength the largest document the journal writes.
     * @param touchedAhead   whether a {@link TouchAhead} thread makes the first store into each page ahead of the
     *                       writer: only then are steps allocated with {@code fallocate}.
     */
    SpaceReservation(final int maxEntryLength, final boolean touchedAhead)
    {
        // The binding's fallocate on other systems (Windows) answers 0 having allocated nothing.
        this.allocating = touchedAhead && OS.isLinux() && Prefault.nativeCalls();
        // Room for a Chronicle index array (256 KB for the smallest roll cycles) and the next entry, and more.
        this.margin = (1L << 20) + maxEntryLength + 8;
    }

    /** Starts reserving in {@code file}, whose documents end at {@code writeEnd}. */
    void start(final Path file, final long writeEnd) throws IOException
    {
        close();
        ensureZeros();
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.WRITE);
        this.fd = allocating ? openForAllocate(file) : -1;
        this.refusedInARow = 0;
        this.reservedTo = (writeEnd + PAGE - 1) & ~(PAGE - 1);
        if (file.equals(preallocatedFile) && preallocatedTo > reservedTo)
        {
            // Blocks given at open: nothing to write until the writer comes within the margin of their end.
            reservedTo = preallocatedTo;
        }
        reserve(writeEnd);
    }

    /**
     * Gives the existing cycle file {@code file}, whose documents end at {@code writeEnd}, blocks for {@code bytes}
     * more before anything is appended: zeros written now, at open, instead of 256 KB at a time on the writer's
     * thread while it appends. Where the disk has no room, the file is cut back to the length it had and the
     * {@link IOException} says why.
     */
    void preallocate(final Path file, final long writeEnd, final long bytes) throws IOException
    {
        ensureZeros();
        final long from = (writeEnd + PAGE - 1) & ~(PAGE - 1);
        try (RandomAccessFile target = new RandomAccessFile(file.toFile(), "rw"))
        {
            final long lengthBefore = target.length();
            boolean whole = false;
            try
            {
                fillZeros(target.getChannel(), from, from + bytes);
                // Written back now, at open: left dirty, the kernel writes them out in the session's first seconds.
                target.getFD().sync();
                whole = true;
            }
            finally
            {
                if (!whole)
                {
                    // Past the newest document there is nothing but zeros: give their blocks back, keep the length.
                    target.setLength(from);
                    target.setLength(Math.max(lengthBefore, from));
                }
            }
        }
        preallocatedFile = file;
        preallocatedTo = from + bytes;
    }

    /**
     * Creates {@code file} with its first blocks allocated (the margin's worth of zeros), for Chronicle to
     * take as a new cycle file: it renames a {@code <cycle>.precreated} into place when it starts the
     * cycle, and writes its header and first index arrays into blocks that exist. Chronicle creating the
     * file itself maps a hole and writes its header there: on a full disk, a SIGBUS that kills the JVM.
     * Where the disk has no room, the file is deleted again and the {@link IOException} says so.
     */
    void precreate(final Path file) throws IOException
    {
        precreate(file, margin, false);
    }

    /**
     * {@link #precreate(Path)} at open, with {@code bytes} of blocks (at least the margin) for the cycle file
     * {@code cycleFile} that Chronicle will rename {@code file} to: the appends into them write nothing ahead.
     */
    void precreate(final Path file, final Path cycleFile, final long bytes) throws IOException
    {
        final long length = (Math.max(bytes, margin) + PAGE - 1) & ~(PAGE - 1);
        precreate(file, length, true);
        preallocatedFile = cycleFile;
        preallocatedTo = length;
    }

    /** Whether {@code file} is the {@code .precreated} file made at open for {@code cycleFile}, still waiting. */
    boolean precreatedAtOpen(final Path file, final Path cycleFile)
    {
        return cycleFile.equals(preallocatedFile) && Files.exists(file);
    }

    private void precreate(final Path file, final long length, final boolean sync) throws IOException
    {
        ensureZeros();
        boolean whole = false;
        try (FileChannel created = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            fillZeros(created, 0, length);
            if (sync)
            {
                created.force(false);
            }
            whole = true;
        }
        finally
        {
            if (!whole)
            {
                Files.deleteIfExists(file);
            }
        }
    }

    private void ensureZeros()
    {
        if (zeros == null)
        {
            zeros = ByteBuffer.allocateDirect(STEP);
        }
    }

    private void fillZeros(final FileChannel target, final long from, final long to) throws IOException
    {
        long at = from;
        while (at < to)
        {
            zeros.clear();
            zeros.limit((int)Math.min(STEP, to - at));
            while (zeros.hasRemaining())
            {
                at += target.write(zeros, at);
            }
        }
    }

    /** Whether appending at {@code writeEnd} needs more room first: a comparison, no call. */
    boolean needed(final long writeEnd)
    {
        return channel != null && reservedTo - writeEnd < margin;
    }

    /** Allocates zeros ahead until the margin past {@code writeEnd} is reserved. */
    void reserve(final long writeEnd) throws IOException
    {
        while (reservedTo < writeEnd + margin)
        {
            if (fd >= 0 && allocate(reservedTo, STEP))
            {
                allocations++;
                refusedInARow = 0;
            }
            else
            {
                fillZeros(channel, reservedTo, reservedTo + STEP);
                if (fd >= 0 && ++refusedInARow >= 3)
                {
                    // Refused three steps running, where the zeros went in: a file system without it.
                    closeFd();
                }
            }
            reservedTo += STEP;
            writes++;
        }
    }

    private static int openForAllocate(final Path file)
    {
        try
        {
            return PosixAPI.posix().open(file.toString(), OpenFlag.O_WRONLY, 0);
        }
        catch (final RuntimeException | LinkageError ex)
        {
            return -1;
        }
    }

    /**
     * Gives {@code [from, from + length)} of the file blocks with {@code fallocate}; false where the call failed, for
     * whatever reason: the caller then writes the zeros, which fail in words where the disk is full ("No space left
     * on device", as Java reports it: the binding's errno is not reliably the call's).
     */
    private boolean allocate(final long from, final long length)
    {
        try
        {
            return PosixAPI.posix().fallocate(fd, 0, from, length) == 0;
        }
        catch (final RuntimeException | LinkageError ex)
        {
            // As a refusal: the zeros decide.
            return false;
        }
    }

    private void closeFd()
    {
        if (fd >= 0)
        {
            try
            {
                PosixAPI.posix().close(fd);
            }
            catch (final RuntimeException | LinkageError ignore)
            {
                // A descriptor opened only to allocate blocks: nothing to lose.
            }
            fd = -1;
        }
    }

    /** How many 256 KB reservations (allocations or writes of zeros) {@link #reserve} has made since open: for tests. */
    long writes()
    {
        return writes;
    }

    /** How many of {@link #writes} were {@code fallocate} calls, not zeros written: for tests. */
    long allocations()
    {
        return allocations;
    }

    /** The file offset up to which blocks are allocated. */
    long reservedTo()
    {
        return reservedTo;
    }

    Path file()
    {
        return file;
    }

    boolean started()
    {
        return channel != null;
    }

    /**
     * Writes the file's dirty pages to the disk ({@code fdatasync}), those dirtied through a memory map included:
     * for the parts of a batch that {@code msync} of the writer's current chunk, or of a new cycle's file, leaves out.
     */
    void force() throws IOException
    {
        if (channel != null)
        {
            channel.force(false);
            forces++;
        }
    }

    /** How many times {@link #force()} synced the file. */
    long forces()
    {
        return forces;
    }

    /**
     * Gives the holes of a small file real blocks by writing its own bytes back: for Chronicle's
     * memory-mapped metadata file, so that its updates cannot fault on a full disk either. Call before
     * anything else writes to the file.
     */
    static void fillHoles(final Path file) throws IOException
    {
        if (!Files.isRegularFile(file))
        {
            return;
        }
        final byte[] bytes = Files.readAllBytes(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            final ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining())
            {
                channel.write(buffer, buffer.position());
            }
        }
    }

    @Override
    public void close() throws IOException
    {
        closeFd();
        if (channel != null)
        {
            channel.close();
            channel = null;
        }
    }
}
