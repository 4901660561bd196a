package io.ringlog.journal;

import io.ringlog.core.JournalId;
import io.ringlog.core.Snapshot;
import io.ringlog.core.SnapshotException;
import io.ringlog.core.SnapshotStore;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.zip.CRC32C;

/**
 * Snapshots as files, one per position, named {@code snapshot-<20-digit position>.rls}.
 * <p>
 * {@link #store} copies the engine's bytes on the business-logic thread and hands the copy to a
 * single writer thread, which writes {@code <name>.tmp}, forces it to disk, renames it atomically
 * to its real name and forces the directory: a crash leaves either a whole snapshot or none under
 * the real name (a stray {@code .tmp} is ignored and removed on open). The writer then keeps the
 * newest {@link Context#retain()} snapshots, deletes older ones, and tells
 * {@link Context#onRetention} the oldest position kept, which is where the journal may be trimmed
 * ({@code p -> journal.deleteCyclesBefore(p)}: the entry at a snapshot's position stays, so recovery can
 * check that the snapshot belongs to the journal's history).
 *
 * <pre>
 * snapshot file, format 2, little-endian
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+-------------------------------+
 *  |        magic 'RLSN' (4)       |      format version 2 (4)     |  0
 *  +-------------------------------+-------------------------------+
 *  |                         position (8)                          |  8
 *  +---------------------------------------------------------------+
 *  |                        state hash (8)                         | 16
 *  +---------------------------------------------------------------+
 *  |            journal id (16): the journal it was taken on       | 24
 *  |                                                               |
 *  +-------------------------------+-------------------------------+
 *  | entry checksum (4): CRC32C of |        body length (4)        | 40
 *  | the journal's entry there     |                               |
 *  +-------------------------------+-------------------------------+
 *  |  CRC32C (4) of bytes 0..47,   |  flags (4): bit 0, the entry  | 48
 *  |  52..55 and the body          |  checksum is known            |
 *  +-------------------------------+-------------------------------+
 *  |                    body (body length) ...                     | 56
 *  +---------------------------------------------------------------+
 *
 * format 1 (older ringlog; read, never written): magic, version 1, position, state hash, body
 * length (4), CRC32C (4) of bytes 0..27 and the body, body from byte 32. It names no journal.
 * </pre>
 *
 * {@link #read} checks all of it (magic, version, the position against the file name, the length
 * against the file size, the checksum) and names what failed in a {@link SnapshotException}. A
 * format-1 snapshot reads back without a journal identity or entry checksum, so recovery on a
 * journal that has an identity skips it, saying why: it cannot tell which history it belongs to.
 */
public final class FileSnapshotStore implements SnapshotStore
{
    public static final int MAGIC = 0x4E534C52;
    public static final int FORMAT_VERSION = 2;
    public static final int HEADER_LENGTH = 56;
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 4;
    static final int POSITION_OFFSET = 8;
    static final int STATE_HASH_OFFSET = 16;
    static final int JOURNAL_ID_OFFSET = 24;
    static final int ENTRY_CHECKSUM_OFFSET = 40;
    static final int LENGTH_OFFSET = 44;
    static final int CHECKSUM_OFFSET = 48;
    static final int FLAGS_OFFSET = 52;
    static final int ENTRY_CHECKSUM_KNOWN = 1;
    static final int LEGACY_VERSION = 1;
    static final int LEGACY_HEADER_LENGTH = 32;
    static final int LEGACY_LENGTH_OFFSET = 24;
    static final int LEGACY_CHECKSUM_OFFSET = 28;

    private static final String PREFIX = "snapshot-";
    private static final String SUFFIX = ".rls";
    private static final String TEMP_SUFFIX = ".tmp";
    /** The temporary files this process's stores are writing now (absolute): never opened by a stale-file sweep. */
    private static final java.util.Set<Path> WRITING = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Attempts at a temporary file that another store's open sweeps before its writer locks it. */
    private static final int SWEPT_ATTEMPTS = 16;
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final Context ctx;
    private final Path directory;
    private final ExecutorService writer;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final Runnable drain = this::drain;
    private boolean drainScheduled;
    private final AtomicLong superseded = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    /** Positions of snapshots known whole: written by this store, or read whole once by its retention (writer thread). */
    private final org.agrona.collections.LongHashSet whole = new org.agrona.collections.LongHashSet();
    private final AtomicLong failed = new AtomicLong();
    private volatile Throwable lastFailure;

    private FileSnapshotStore(final Context ctx)
    {
        this.ctx = ctx;
        this.directory = ctx.directory();
        try
        {
            if (ctx.readOnly())
            {
                if (!Files.isDirectory(directory))
                {
                    throw new IOException("no such directory");
                }
            }
            else
            {
                Files.createDirectories(directory);
                // A reviewer's finding: a store on a read-only file system opened, and failed at its first write.
                // A file made and deleted says it now, in the operating system's words.
                try
                {
                    Files.delete(Files.createTempFile(directory, "ringlog-probe-", ".tmp"));
                }
                catch (final java.nio.file.FileSystemException probe)
                {
                    // Said of the directory: the probe's own name means nothing to a user.
                    throw probe instanceof java.nio.file.AccessDeniedException ?
                        new java.nio.file.AccessDeniedException(directory.toString()) :
                        new java.nio.file.FileSystemException(directory.toString(), null, probe.getReason());
                }
                removeStaleTemporaryFiles(directory);
            }
        }
        catch (final IOException ex)
        {
            // A reviewer's read-only mount got the reason and no way on.
            throw new SnapshotException("cannot prepare snapshot directory " + directory + ": " +
                FileErrors.describeDirectory(ex, directory) + ". Snapshots are written there: give a directory this " +
                "user can write to (the exchange's --snapshots DIR), or take none (leave out --snapshot-every)", ex);
        }
        this.writer = Executors.newSingleThreadExecutor((runnable) ->
        {
            final Thread thread = new Thread(runnable, ctx.threadName());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Deletes temporary files a writer left (killed while writing), and only those: a reviewer's finding was a second
     * store opened on a running engine's directory (a second process that opened it before its journal, which was
     * refused; or a second store in one process) deleting the file the engine's store was writing, and so that
     * snapshot. A file being written is locked by its writer until it is renamed into place ({@link #write}); one this
     * process writes is in {@link #WRITING}, and is not opened here (closing any descriptor of a file drops the
     * process's locks on it).
     */
    private static void removeStaleTemporaryFiles(final Path directory) throws IOException
    {
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(directory, PREFIX + "*" + SUFFIX + TEMP_SUFFIX))
        {
            for (final Path path : stale)
            {
                if (WRITING.contains(path.toAbsolutePath().normalize()))
                {
                    continue;
                }
                try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE))
                {
                    if (channel.tryLock() != null)
                    {
                        // Nobody writes it: deleted while locked, so a writer starting on the name meanwhile waits.
                        Files.deleteIfExists(path);
                    }
                }
                catch (final NoSuchFileException | java.nio.channels.OverlappingFileLockException gone)
                {
                    // Renamed into place meanwhile, or being written in this process: not stale.
                }
            }
        }
    }

    /** Opens the store in {@code ctx.directory()}, creating it if needed. */
    public static FileSnapshotStore open(final Context ctx)
    {
        ctx.conclude();
        return new FileSnapshotStore(ctx);
    }

    /**
     * The first snapshot of {@code journal} in {@code directory} taken past the journal's last position, or -1
     * if there is none (or no directory, or a journal of no known identity); beside a writer at work, only a snapshot
     * whose file is older than the journal's open counts (a newer one may be the writer's own). Such a snapshot
     * means entries up to it were committed and are not in the journal (an older copy put back beside newer
     * snapshots, or a cycle file lost), so a replay to the journal's end is not its state: a restart refuses
     * it, and a tool that replays to the end should too. Snapshots that cannot be read are passed over.
     */
    public static long firstPastTheEnd(final ChronicleJournal journal, final Path directory)
    {
        if (directory == null || !Files.isDirectory(directory) || !journal.id().known())
        {
            return -1;
        }
        // Beside a live writer, a snapshot past the view may be one it took since the view opened. One written before
        // (its file older than the open, less the file system's timestamp granularity) was of a position journaled
        // before it, which the view holds: past the view, it says entries are gone (a reviewer's replay beside a
        // writer took such snapshots for new ones, and gave the state of a journal that had lost 25,000 entries).
        final long olderThan = journal.liveWriter() == null ? Long.MAX_VALUE : journal.openBeganMillis() - 50;
        final long last = journal.lastPosition();
        try (FileSnapshotStore store = open(new Context().directory(directory).readOnly(true)))
        {
            for (final long position : store.positions())
            {
                if (position <= last || olderThan != Long.MAX_VALUE && !writtenBefore(store.path(position), olderThan))
                {
                    continue;
                }
                try
                {
                    if (journal.id().equals(store.read(position).journalId()))
                    {
                        return position;
                    }
                }
                catch (final RuntimeException unreadable)
                {
                    // Damaged past its header, it still names the journal and the position it was taken at: the entries
                    // up to it were committed (a reviewer's damaged snapshots let a start hand their positions out again).
                    if (journal.id().equals(store.journalNamedAt(position)))
                    {
                        return position;
                    }
                }
            }
        }
        catch (final RuntimeException ex)
        {
            return -1;
        }
        return -1;
    }

    private static boolean writtenBefore(final Path file, final long millis)
    {
        try
        {
            return Files.getLastModifiedTime(file).toMillis() < millis;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /** Opens a store keeping the newest {@code retain} snapshots in {@code directory}. */
    public static FileSnapshotStore open(final Path directory, final int retain)
    {
        return open(new Context().directory(directory).retain(retain));
    }

    /**
     * Copies the snapshot and hands it to the writer thread; returns at once. At most
     * {@link Context#retain()} snapshots wait for the writer: when snapshots come faster than the
     * disk takes them, the oldest waiting one is dropped (counted by {@link #superseded()}). It
     * would have been deleted by retention as soon as written, so nothing retention keeps is lost,
     * and memory stays bounded. A write that fails goes to {@link Context#errorHandler} and to the
     * next {@link #flush()}.
     */
    /** Stores a snapshot that names no journal: recovery on a journal with an identity will not use it. */
    @Override
    public void store(
        final long position, final long stateHash, final DirectBuffer buffer, final int offset, final int length)
    {
        store(position, stateHash, JournalId.NONE, Snapshot.UNKNOWN, buffer, offset, length);
    }

    @Override
    public void store(
        final long position,
        final long stateHash,
        final JournalId journalId,
        final long entryChecksum,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        if (ctx.readOnly())
        {
            throw new SnapshotException("snapshot store " + directory + " was opened read-only");
        }
        final byte[] file = new byte[HEADER_LENGTH + length];
        final UnsafeBuffer framed = new UnsafeBuffer(file);
        framed.putInt(MAGIC_OFFSET, MAGIC, ORDER);
        framed.putInt(VERSION_OFFSET, FORMAT_VERSION, ORDER);
        framed.putLong(POSITION_OFFSET, position, ORDER);
        framed.putLong(STATE_HASH_OFFSET, stateHash, ORDER);
        framed.putLong(JOURNAL_ID_OFFSET, journalId.high(), ORDER);
        framed.putLong(JOURNAL_ID_OFFSET + 8, journalId.low(), ORDER);
        framed.putInt(ENTRY_CHECKSUM_OFFSET, (int)entryChecksum, ORDER);
        framed.putInt(LENGTH_OFFSET, length, ORDER);
        framed.putInt(FLAGS_OFFSET, entryChecksum == Snapshot.UNKNOWN ? 0 : ENTRY_CHECKSUM_KNOWN, ORDER);
        buffer.getBytes(offset, file, HEADER_LENGTH, length);
        framed.putInt(CHECKSUM_OFFSET, checksum(file, HEADER_LENGTH, CHECKSUM_OFFSET), ORDER);
        boolean schedule = false;
        synchronized (pending)
        {
            pending.addLast(new Pending(position, file));
            if (pending.size() > ctx.retain())
            {
                pending.pollFirst();
                superseded.incrementAndGet();
            }
            if (!drainScheduled)
            {
                drainScheduled = true;
                schedule = true;
            }
        }
        if (schedule)
        {
            writer.execute(drain);
        }
    }

    /** Writes waiting snapshots, oldest first, until none is left. */
    private void drain()
    {
        while (true)
        {
            final Pending next;
            synchronized (pending)
            {
                next = pending.pollFirst();
                if (next == null)
                {
                    drainScheduled = false;
                    return;
                }
            }
            write(next.position, next.file);
        }
    }

    /** Snapshots never written because a newer one arrived while they waited for the writer. */
    public long superseded()
    {
        return superseded.get();
    }

    /** Snapshots written and renamed into place since open (retention may have deleted the older ones since). */
    public long written()
    {
        return written.get();
    }

    /** Snapshot writes that failed since open (each also went to {@link Context#errorHandler}). */
    public long failed()
    {
        return failed.get();
    }

    /** CRC32C of the header but its checksum field, then of the body. */
    static int checksum(final byte[] file, final int headerLength, final int checksumOffset)
    {
        final CRC32C crc = new CRC32C();
        crc.update(file, 0, checksumOffset);
        crc.update(file, checksumOffset + 4, file.length - checksumOffset - 4);
        return (int)crc.getValue();
    }

    private void write(final long position, final byte[] file)
    {
        final Path target = path(position);
        final Path temp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
        final Path writing = temp.toAbsolutePath().normalize();
        boolean inPlace = false;
        final UnsafeBuffer header = new UnsafeBuffer(file);
        final JournalId journalId = new JournalId(header.getLong(JOURNAL_ID_OFFSET, ORDER),
            header.getLong(JOURNAL_ID_OFFSET + 8, ORDER));
        try
        {
            final JournalId there = header(target).journalId();
            if (journalId.known() && there != null && there.known() && !there.equals(journalId))
            {
                // Two journals' snapshots in one directory: replacing the other's would lose it without a word.
                throw new IOException("a snapshot of another journal (" + there + ") is at position " + position +
                    " in " + directory + ": snapshots of two journals share this directory (or an earlier journal " +
                    "left its snapshots here: delete them if that journal is gone); give each journal a snapshot " +
                    "directory of its own");
            }
            // Locked from just after its creation until renamed into place: another store's open passes it over as in
            // use. One that another store's open swept in the moment between (it was not locked yet) is made again.
            WRITING.add(writing);
            try
            {
                for (int attempt = 1; !writeLocked(temp, target, file); attempt++)
                {
                    if (attempt == SWEPT_ATTEMPTS)
                    {
                        throw new IOException(temp + " was deleted as it was made, " + SWEPT_ATTEMPTS + " times: " +
                            "another process sweeps this directory's temporary files");
                    }
                }
            }
            finally
            {
                WRITING.remove(writing);
            }
            forceDirectory();
            inPlace = true;
            written.incrementAndGet();
            whole.add(position);
            applyRetention(journalId);
        }
        catch (final IOException | RuntimeException ex)
        {
            final SnapshotException failure = new SnapshotException("writing the snapshot at position " + position +
                " to " + target + " failed: " + FileErrors.describe(ex, target), ex);
            lastFailure = failure;
            if (!inPlace)
            {
                // Retention that failed after the rename leaves this snapshot written.
                failed.incrementAndGet();
            }
            try
            {
                Files.deleteIfExists(temp);
            }
            catch (final IOException ignore)
            {
                // The temp name is ignored by readers and removed on the next open.
            }
            ctx.errorHandler().accept(failure);
        }
    }

    /**
     * Writes {@code file} into {@code temp} under its lock and renames it to {@code target}; false, having written
     * nothing there, if {@code temp} was deleted (swept by another store's open) before the lock was taken.
     */
    private static boolean writeLocked(final Path temp, final Path target, final byte[] file) throws IOException
    {
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))
        {
            final Object opened = ProcessFileLock.fileKey(temp);
            try (java.nio.channels.FileLock locked = channel.lock())
            {
                if (opened == null || !opened.equals(ProcessFileLock.fileKey(temp)))
                {
                    return false;
                }
                final ByteBuffer bytes = ByteBuffer.wrap(file);
                while (bytes.hasRemaining())
                {
                    channel.write(bytes);
                }
                channel.force(true);
                try
                {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
                catch (final AtomicMoveNotSupportedException ex)
                {
                    throw new IOException("the file system cannot rename atomically, so a crash could leave a " +
                        "half snapshot: " + FileErrors.describe(ex), ex);
                }
                return true;
            }
        }
    }

    /** Makes the rename itself durable: the directory entry lives in the directory's own blocks. */
    private void forceDirectory() throws IOException
    {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ))
        {
            dir.force(true);
        }
        catch (final IOException ex)
        {
            // Some platforms cannot open a directory as a channel; Linux, where this matters, can.
            if (!System.getProperty("os.name", "").toLowerCase().contains("win"))
            {
                throw ex;
            }
        }
    }

    /**
     * Keeps the newest {@link Context#retain()} snapshots of {@code journalId} and deletes its older ones. Another
     * journal's snapshots in the same directory (a --snapshots given to two journals) are neither counted nor
     * deleted: they are not this store's to prune. A store whose snapshots name no journal prunes them all. A file
     * whose header no reader can take (cut short inside it, not a snapshot's magic, a format no ringlog wrote) is
     * nobody's snapshot: not counted, and deleted once older than the snapshots kept (a reviewer's finding: it was
     * kept for good, and {@code verify} failed on it every run until someone deleted it by hand).
     */
    private void applyRetention(final JournalId journalId) throws IOException
    {
        final long[] newestFirst = positions();
        int kept = 0;
        long oldestKept = -1;
        for (final long position : newestFirst)
        {
            final Header header = header(path(position));
            if (header == Header.UNREADABLE)
            {
                if (kept >= ctx.retain())
                {
                    Files.deleteIfExists(path(position));
                    whole.remove(position);
                }
                continue;
            }
            if (journalId.known() && !journalId.equals(header.journalId))
            {
                continue;
            }
            if (!whole(position))
            {
                // A reviewer's damaged snapshot was kept as one of the newest three and a whole one deleted for it:
                // counted as none, and deleted once older than those kept, as a file of no snapshot is.
                if (kept >= ctx.retain())
                {
                    Files.deleteIfExists(path(position));
                    whole.remove(position);
                }
                continue;
            }
            if (kept < ctx.retain())
            {
                kept++;
                oldestKept = position;
            }
            else
            {
                Files.deleteIfExists(path(position));
                whole.remove(position);
            }
        }
        if (oldestKept >= 0 && ctx.onRetention() != null)
        {
            ctx.onRetention().accept(oldestKept);
        }
    }

    /**
     * Whether the snapshot at {@code position} reads whole (its checksum holds), checked once and remembered; one that
     * cannot be read now (permissions, gone, not a regular file) is not known to be damaged, and counts as whole.
     */
    private boolean whole(final long position)
    {
        if (whole.contains(position))
        {
            return true;
        }
        if (checksumHolds(path(position), position) == 0)
        {
            return false;
        }
        whole.add(position);
        return true;
    }

    /**
     * Checks a snapshot file as {@link #read} does, streaming its body through the checksum a megabyte at a time
     * rather than holding a copy of it (retention runs beside a live state): 1 whole, 0 damaged, -1 not readable now.
     */
    static int checksumHolds(final Path file, final long position)
    {
        if (!Files.isRegularFile(file))
        {
            return -1;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final long size = channel.size();
            final ByteBuffer head = ByteBuffer.allocate(HEADER_LENGTH).order(ORDER);
            while (head.hasRemaining() && channel.read(head) >= 0)
            {
                // reads the header, or what there is of it
            }
            final int read = head.position();
            final int version = read >= LEGACY_HEADER_LENGTH ? head.getInt(VERSION_OFFSET) : -1;
            if (read < LEGACY_HEADER_LENGTH || head.getInt(MAGIC_OFFSET) != MAGIC ||
                version != FORMAT_VERSION && version != LEGACY_VERSION)
            {
                return 0;
            }
            final boolean legacy = version == LEGACY_VERSION;
            final int headerLength = legacy ? LEGACY_HEADER_LENGTH : HEADER_LENGTH;
            final int checksumOffset = legacy ? LEGACY_CHECKSUM_OFFSET : CHECKSUM_OFFSET;
            final int length = head.getInt(legacy ? LEGACY_LENGTH_OFFSET : LENGTH_OFFSET);
            if (size < headerLength || head.getLong(POSITION_OFFSET) != position || length < 0 ||
                headerLength + (long)length != size)
            {
                return 0;
            }
            final CRC32C crc = new CRC32C();
            crc.update(head.array(), 0, checksumOffset);
            crc.update(head.array(), checksumOffset + 4, headerLength - checksumOffset - 4);
            final ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
            channel.position(headerLength);
            while (channel.read(chunk.clear()) > 0)
            {
                crc.update(chunk.flip());
            }
            return (int)crc.getValue() == head.getInt(checksumOffset) ? 1 : 0;
        }
        catch (final IOException ex)
        {
            return -1;
        }
    }

    /** What a snapshot file's header says of its owner: the journal it names (null: none, format 1), or unreadable. */
    private record Header(JournalId journalId)
    {
        static final Header UNREADABLE = new Header(null);
    }

    /**
     * The header of a snapshot file; {@link Header#UNREADABLE} where none can be read (cut short inside it, not a
     * snapshot's magic, a version no ringlog wrote), or where the file cannot be read now (gone, permissions: not
     * known to be damaged, so it is counted as nobody's and left while it is among the newest).
     */
    private static Header header(final Path file)
    {
        final ByteBuffer bytes;
        try
        {
            bytes = headerBytes(file);
        }
        catch (final IOException ex)
        {
            return new Header(null);
        }
        final int version = bytes.position() >= LEGACY_HEADER_LENGTH ? bytes.getInt(VERSION_OFFSET) : -1;
        if (bytes.position() < LEGACY_HEADER_LENGTH || bytes.getInt(MAGIC_OFFSET) != MAGIC ||
            (version != FORMAT_VERSION && version != LEGACY_VERSION) ||
            (version == FORMAT_VERSION && bytes.position() < HEADER_LENGTH))
        {
            return Header.UNREADABLE;
        }
        return new Header(version == LEGACY_VERSION ? null :
            new JournalId(bytes.getLong(JOURNAL_ID_OFFSET), bytes.getLong(JOURNAL_ID_OFFSET + 8)));
    }

    /** The first {@value #HEADER_LENGTH} bytes of a snapshot file, or what there is of them (its position says how many). */
    private static ByteBuffer headerBytes(final Path file) throws IOException
    {
        final ByteBuffer bytes = ByteBuffer.allocate(HEADER_LENGTH).order(ORDER);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            while (bytes.hasRemaining() && channel.read(bytes) >= 0)
            {
                // reads the header, or what there is of it
            }
        }
        return bytes;
    }

    /** On disk: an engine with the in-memory journal refuses it (every start would skip its snapshots). */
    @Override
    public boolean persistent()
    {
        return true;
    }

    /**
     * The position a whole snapshot file holds, whatever its name says; -1 where no readable header of this format holds
     * one, the file is not a regular file, or it fails its checksum as the snapshot of that position (a reviewer's: a
     * bit flipped in the header's position was read as a rename, and the advice to rename it back led to a file that
     * failed its checksum under its new name too).
     */
    public static long positionInHeader(final Path file)
    {
        if (!Files.isRegularFile(file))
        {
            // A pipe would block the read for ever (JournalToolTest).
            return -1;
        }
        final ByteBuffer bytes;
        try
        {
            bytes = headerBytes(file);
        }
        catch (final IOException ex)
        {
            return -1;
        }
        final int version = bytes.position() >= LEGACY_HEADER_LENGTH ? bytes.getInt(VERSION_OFFSET) : -1;
        final long held = bytes.position() >= LEGACY_HEADER_LENGTH && bytes.getInt(MAGIC_OFFSET) == MAGIC &&
            (version == FORMAT_VERSION || version == LEGACY_VERSION) ? bytes.getLong(POSITION_OFFSET) : -1;
        return held > 0 && checksumHolds(file, held) == 1 ? held : -1;
    }

    @Override
    public JournalId journalNamedAt(final long position)
    {
        final Path file = path(position);
        if (!Files.isRegularFile(file))
        {
            return JournalId.NONE;
        }
        final ByteBuffer bytes;
        try
        {
            bytes = headerBytes(file);
        }
        catch (final IOException ex)
        {
            return JournalId.NONE;
        }
        if (bytes.position() < HEADER_LENGTH || bytes.getInt(MAGIC_OFFSET) != MAGIC ||
            bytes.getInt(VERSION_OFFSET) != FORMAT_VERSION || bytes.getLong(POSITION_OFFSET) != position)
        {
            return JournalId.NONE;
        }
        return new JournalId(bytes.getLong(JOURNAL_ID_OFFSET), bytes.getLong(JOURNAL_ID_OFFSET + 8));
    }

    /** Positions of the snapshot files present, newest first. */
    @Override
    public long[] positions()
    {
        long[] found = new long[8];
        int count = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, PREFIX + "*" + SUFFIX))
        {
            for (final Path path : files)
            {
                final String name = path.getFileName().toString();
                final String digits = name.substring(PREFIX.length(), name.length() - SUFFIX.length());
                if (digits.length() != 20)
                {
                    // Not a name this store writes, nor one read() opens: a reviewer's copy named snapshot-100000.rls
                    // beside the real one was listed twice, as position 100000 both times.
                    continue;
                }
                final long position;
                try
                {
                    position = Long.parseLong(digits);
                }
                catch (final NumberFormatException ex)
                {
                    continue;
                }
                if (count == found.length)
                {
                    found = Arrays.copyOf(found, count * 2);
                }
                found[count++] = position;
            }
        }
        catch (final IOException ex)
        {
            throw new SnapshotException("cannot list snapshots in " + directory + ": " +
                FileErrors.describe(ex, directory), ex);
        }
        final long[] sorted = Arrays.copyOf(found, count);
        Arrays.sort(sorted);
        for (int i = 0, j = count - 1; i < j; i++, j--)
        {
            final long swap = sorted[i];
            sorted[i] = sorted[j];
            sorted[j] = swap;
        }
        return sorted;
    }

    @Override
    public Snapshot read(final long position)
    {
        final Path path = path(position);
        final byte[] file;
        if (Files.exists(path) && !Files.isRegularFile(path) && !Files.isDirectory(path))
        {
            // A pipe in its place would block the read for ever (a reviewer's verify hung on one).
            throw new SnapshotException("cannot read " + path + ": it is not a regular file (a pipe, a device or a " +
                "socket)", new java.io.IOException("not a regular file: " + path));
        }
        try
        {
            file = Files.readAllBytes(path);
        }
        catch (final NoSuchFileException ex)
        {
            throw new SnapshotException("no snapshot at position " + position + " (" + path + ")");
        }
        catch (final IOException ex)
        {
            throw new SnapshotException("cannot read " + path + ": " + FileErrors.describe(ex, path), ex);
        }
        final String what = "snapshot " + path;
        if (file.length < VERSION_OFFSET + 4)
        {
            throw new SnapshotException(what + " is " + file.length + " bytes, shorter than any snapshot header");
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(file);
        final int magic = buffer.getInt(MAGIC_OFFSET, ORDER);
        if (magic != MAGIC)
        {
            throw new SnapshotException(what + " has bad magic 0x" + Integer.toHexString(magic));
        }
        final int version = buffer.getInt(VERSION_OFFSET, ORDER);
        if (version != FORMAT_VERSION && version != LEGACY_VERSION)
        {
            throw new SnapshotException(what + " has format version " + version + "; this code reads versions " +
                LEGACY_VERSION + " and " + FORMAT_VERSION);
        }
        final boolean legacy = version == LEGACY_VERSION;
        final int headerLength = legacy ? LEGACY_HEADER_LENGTH : HEADER_LENGTH;
        final int checksumOffset = legacy ? LEGACY_CHECKSUM_OFFSET : CHECKSUM_OFFSET;
        if (file.length < headerLength)
        {
            throw new SnapshotException(what + " is " + file.length + " bytes, shorter than its " + headerLength +
                "-byte header");
        }
        final long storedPosition = buffer.getLong(POSITION_OFFSET, ORDER);
        if (storedPosition != position)
        {
            throw new SnapshotException(what + " says position " + storedPosition + ", its name says " + position);
        }
        final int length = buffer.getInt(legacy ? LEGACY_LENGTH_OFFSET : LENGTH_OFFSET, ORDER);
        if (length < 0 || headerLength + (long)length != file.length)
        {
            throw new SnapshotException(what + " declares a body of " + length + " bytes but holds " +
                (file.length - headerLength));
        }
        final int stored = buffer.getInt(checksumOffset, ORDER);
        final int actual = checksum(file, headerLength, checksumOffset);
        if (stored != actual)
        {
            throw new SnapshotException(what + " fails its checksum: stored CRC32C 0x" + Integer.toHexString(stored) +
                ", computed 0x" + Integer.toHexString(actual));
        }
        final UnsafeBuffer body = new UnsafeBuffer(file, headerLength, length);
        final long stateHash = buffer.getLong(STATE_HASH_OFFSET, ORDER);
        if (legacy)
        {
            return new Snapshot(position, stateHash, body, length);
        }
        final boolean entryKnown = (buffer.getInt(FLAGS_OFFSET, ORDER) & ENTRY_CHECKSUM_KNOWN) != 0;
        return new Snapshot(position, stateHash, body, length,
            new JournalId(buffer.getLong(JOURNAL_ID_OFFSET, ORDER), buffer.getLong(JOURNAL_ID_OFFSET + 8, ORDER)),
            entryKnown ? buffer.getInt(ENTRY_CHECKSUM_OFFSET, ORDER) & 0xFFFF_FFFFL : Snapshot.UNKNOWN);
    }

    /** The file that holds (or will hold) the snapshot at {@code position}. */
    public Path path(final long position)
    {
        return directory.resolve(String.format("%s%020d%s", PREFIX, position, SUFFIX));
    }

    public Path directory()
    {
        return directory;
    }

    /**
     * Waits until every snapshot stored so far is on disk (or was superseded, see {@link #store}).
     *
     * @throws SnapshotException if a write failed since the last flush.
     */
    @Override
    public void flush()
    {
        final Future<?> done = writer.submit(() ->
        {
        });
        boolean interrupted = false;
        while (true)
        {
            try
            {
                done.get();
                break;
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
            catch (final ExecutionException ex)
            {
                throw new SnapshotException("snapshot writer failed", ex.getCause());
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
        final Throwable failure = lastFailure;
        if (failure != null)
        {
            lastFailure = null;
            throw new SnapshotException("a snapshot write failed: " + failure.getMessage(), failure);
        }
    }

    @Override
    public boolean closed()
    {
        return writer.isShutdown();
    }

    /** Finishes the queued writes, then stops the writer thread. */
    @Override
    public void close()
    {
        if (writer.isShutdown())
        {
            return;
        }
        try
        {
            flush();
        }
        finally
        {
            writer.shutdown();
        }
    }

    private record Pending(long position, byte[] file)
    {
    }

    /** Configuration of a {@link FileSnapshotStore}. */
    public static final class Context
    {
        private Path directory;
        private int retain = 3;
        private LongConsumer onRetention;
        private Consumer<Throwable> errorHandler;
        private String threadName = "ringlog-snapshot-writer";
        private boolean readOnly;

        public Context conclude()
        {
            if (directory == null)
            {
                throw new IllegalArgumentException("directory is required");
            }
            if (retain < 1)
            {
                throw new IllegalArgumentException("retain must be at least 1: " + retain);
            }
            if (errorHandler == null)
            {
                errorHandler = (ex) -> System.err.println("ringlog: " + ex.getMessage());
            }
            return this;
        }

        public Context directory(final Path directory)
        {
            this.directory = directory;
            return this;
        }

        public Path directory()
        {
            return directory;
        }

        /** How many of the newest snapshots to keep; 3 by default. Keeping two or more leaves a fallback. */
        public Context retain(final int retain)
        {
            this.retain = retain;
            return this;
        }

        public int retain()
        {
            return retain;
        }

        /**
         * Called on the writer thread after each snapshot with the oldest position still kept:
         * journal entries at or before it are no longer needed by recovery from any kept snapshot.
         */
        public Context onRetention(final LongConsumer onRetention)
        {
            this.onRetention = onRetention;
            return this;
        }

        public LongConsumer onRetention()
        {
            return onRetention;
        }

        /** Told about snapshot writes that failed; prints to stderr by default. */
        public Context errorHandler(final Consumer<Throwable> errorHandler)
        {
            this.errorHandler = errorHandler;
            return this;
        }

        public Consumer<Throwable> errorHandler()
        {
            return errorHandler;
        }

        /** Reads only (the journal tool): nothing in the directory is created, removed or written. */
        public Context readOnly(final boolean readOnly)
        {
            this.readOnly = readOnly;
            return this;
        }

        public boolean readOnly()
        {
            return readOnly;
        }

        public Context threadName(final String threadName)
        {
            this.threadName = threadName;
            return this;
        }

        public String threadName()
        {
            return threadName;
        }
    }
}
