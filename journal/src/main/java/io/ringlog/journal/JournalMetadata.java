package io.ringlog.journal;

import io.ringlog.core.Crc32c;
import io.ringlog.core.JournalException;
import io.ringlog.core.JournalId;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * {@value #FILE_NAME}: ringlog's own small file in a journal directory, beside Chronicle's. It holds
 * the journal's identity, drawn once when the journal is created, and the committed mark: the
 * newest position a commit has made visible-able, updated in place after every commit.
 * <pre>
 * ringlog.meta, little-endian, one 4096-byte page
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+-------------------------------+
 *  |       magic 'RLJM' (4)        |      format version (4)       |  0
 *  +-------------------------------+-------------------------------+
 *  |                  journal id, 128 bits (16)                    |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  created, epoch ms (8)                        | 24
 *  +-------------------------------+-------------------------------+
 *  |   CRC32C (4) of bytes 0..31   |           zero (4)            | 32
 *  +-------------------------------+-------------------------------+
 *  |                  committed position (8)                       | 40
 *  +---------------------------------------------------------------+
 *  |                  anchor position (8)                          | 48
 *  +-------------------------------+-------------------------------+
 *  |   anchor entry's CRC32C (4)   |   CRC32C (4) of bytes 48..59  | 56
 *  +-------------------------------+-------------------------------+
 *  |                  zero to the end of the page                  | 64
 * </pre>
 * The anchor ties the identity to the entries: the position and carried checksum of the journal's first
 * entry, written once, by the first writer that finds it unset (at the first commit of a new journal). A
 * {@code ringlog.meta} copied beside another journal's cycle files names a first entry they do not hold,
 * and the journal says so instead of taking on another journal's identity and committed mark (which
 * decide which snapshots load and which damaged entries may be dropped). Zero: no anchor (files written
 * before it existed, or a first entry of format 1), which older code leaves alone and newer code sets.
 * Why a file of ringlog's own and not Chronicle's metadata: Chronicle recreates a missing
 * {@code metadata.cq4t} silently, and its format is Chronicle's to change; an identity that can
 * quietly become another one would defeat its purpose. The file is created whole, before the first
 * entry is written (temporary file, fsync, atomic rename, fsync of the directory), so it is either
 * absent or complete; bytes 0..31 never change after that, and their checksum tells damage from a
 * real identity.
 * <p>
 * The committed mark is one aligned 8-byte store into the mapped page per commit: it costs
 * nothing, survives a killed process like the entries do, and is forced to disk on close. After a
 * power cut it may lag the entries (it is not synced with every batch), which can only make the
 * checks that use it more permissive. What it is for: a journal that ends before its mark lost
 * entries that may have been visible (a deleted newest cycle file, an older copy restored over it),
 * and a damaged entry after the mark was never committed, so never visible, and may be dropped.
 */
final class JournalMetadata implements AutoCloseable
{
    static final String FILE_NAME = "ringlog.meta";
    /** "RLJM" read as a little-endian int. */
    static final int MAGIC = 0x4D4A4C52;
    /**
     * 2: the journal may hold entries in format 3, which ringlog before it cannot read; it refuses version 2
     * by name instead of taking those entries for damage. A journal of version 1 (entries in formats 1 and 2
     * only) becomes version 2 when it is opened for writing, before any entry is appended.
     */
    static final int FORMAT_VERSION = 2;
    /** Metadata of journals written before entry format 3: read, and raised to {@link #FORMAT_VERSION} for writing. */
    static final int ENTRY_FORMAT_2_VERSION = 1;
    static final int LENGTH = 4096;
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 4;
    static final int ID_HIGH_OFFSET = 8;
    static final int ID_LOW_OFFSET = 16;
    static final int CREATED_OFFSET = 24;
    static final int CHECKSUM_OFFSET = 32;
    static final int COMMITTED_OFFSET = 40;
    static final int ANCHOR_POSITION_OFFSET = 48;
    static final int ANCHOR_CHECKSUM_OFFSET = 56;
    static final int ANCHOR_CRC_OFFSET = 60;
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final Path file;
    private final JournalId id;
    private final long created;
    private final long committedAtOpen;
    private long anchorPosition;
    private int anchorChecksum;
    private MappedByteBuffer mapped;
    private UnsafeBuffer page;

    private JournalMetadata(final Path file, final JournalId id, final long created, final long committed)
    {
        this.file = file;
        this.id = id;
        this.created = created;
        this.committedAtOpen = committed;
    }

    /**
     * Reads {@code directory}'s metadata, or returns null if it has none.
     *
     * @throws JournalException if the file is there but damaged.
     */
    static JournalMetadata read(final Path directory)
    {
        final Path file = directory.resolve(FILE_NAME);
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(file);
        }
        catch (final NoSuchFileException ex)
        {
            return null;
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot read " + file + ": " + FileErrors.describe(ex, file), ex);
        }
        if (bytes.length < COMMITTED_OFFSET + 8)
        {
            throw damaged(directory, file, bytes.length + " bytes, shorter than its " + (COMMITTED_OFFSET + 8) +
                "-byte layout");
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        final int magic = buffer.getInt(MAGIC_OFFSET, ORDER);
        final int version = buffer.getInt(VERSION_OFFSET, ORDER);
        if (magic != MAGIC)
        {
            throw damaged(directory, file, "bad magic 0x" + Integer.toHexString(magic));
        }
        if (version != FORMAT_VERSION && version != ENTRY_FORMAT_2_VERSION)
        {
            throw new JournalException(file + " has format version " + version + "; this code reads " +
                ENTRY_FORMAT_2_VERSION + " and " + FORMAT_VERSION + " (written by newer code?)");
        }
        final int stored = buffer.getInt(CHECKSUM_OFFSET, ORDER);
        final int actual = new Crc32c().update(bytes, 0, CHECKSUM_OFFSET).value();
        if (stored != actual)
        {
            throw damaged(directory, file, "its identity fails its checksum (stored CRC32C 0x" +
                Integer.toHexString(stored) + ", computed 0x" + Integer.toHexString(actual) + ")");
        }
        final JournalMetadata metadata = new JournalMetadata(file,
            new JournalId(buffer.getLong(ID_HIGH_OFFSET, ORDER), buffer.getLong(ID_LOW_OFFSET, ORDER)),
            buffer.getLong(CREATED_OFFSET, ORDER), buffer.getLong(COMMITTED_OFFSET, ORDER));
        // An anchor that fails its checksum (torn as it was written) is no anchor: the next writer sets it again.
        if (bytes.length >= ANCHOR_CRC_OFFSET + 4 && buffer.getLong(ANCHOR_POSITION_OFFSET, ORDER) > 0 &&
            buffer.getInt(ANCHOR_CRC_OFFSET, ORDER) ==
            new Crc32c().update(bytes, ANCHOR_POSITION_OFFSET, ANCHOR_CRC_OFFSET - ANCHOR_POSITION_OFFSET).value())
        {
            metadata.anchorPosition = buffer.getLong(ANCHOR_POSITION_OFFSET, ORDER);
            metadata.anchorChecksum = buffer.getInt(ANCHOR_CHECKSUM_OFFSET, ORDER);
        }
        return metadata;
    }

    private static JournalException damaged(final Path directory, final Path file, final String why)
    {
        return new JournalException(file + " is damaged: " + why + ". Restore it from where the journal was copied " +
            "from; or give the journal a new identity with 'scripts/journal repair -d " + directory + " --new-identity' (its " +
            "snapshots will then not be used)");
    }

    /**
     * Creates {@code directory}'s metadata, whole or not at all: temporary file, fsync, atomic rename,
     * fsync of the directory.
     */
    static JournalMetadata create(final Path directory, final JournalId id, final long committed)
    {
        final Path file = directory.resolve(FILE_NAME);
        final Path temp = directory.resolve(FILE_NAME + ".tmp");
        final long created = System.currentTimeMillis();
        final byte[] bytes = new byte[LENGTH];
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        buffer.putInt(MAGIC_OFFSET, MAGIC, ORDER);
        buffer.putInt(VERSION_OFFSET, FORMAT_VERSION, ORDER);
        buffer.putLong(ID_HIGH_OFFSET, id.high(), ORDER);
        buffer.putLong(ID_LOW_OFFSET, id.low(), ORDER);
        buffer.putLong(CREATED_OFFSET, created, ORDER);
        buffer.putInt(CHECKSUM_OFFSET, new Crc32c().update(bytes, 0, CHECKSUM_OFFSET).value(), ORDER);
        buffer.putLong(COMMITTED_OFFSET, committed, ORDER);
        try
        {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))
            {
                final ByteBuffer out = ByteBuffer.wrap(bytes);
                while (out.hasRemaining())
                {
                    channel.write(out);
                }
                channel.force(true);
            }
            try
            {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            catch (final AtomicMoveNotSupportedException ex)
            {
                throw new IOException("the file system cannot rename atomically: " + FileErrors.describe(ex), ex);
            }
            forceDirectory(directory);
        }
        catch (final IOException ex)
        {
            try
            {
                Files.deleteIfExists(temp);
            }
            catch (final IOException ignore)
            {
                // A stray temporary file is overwritten by the next attempt.
            }
            throw new JournalException("cannot create " + file + ": " + FileErrors.describe(ex, file), ex);
        }
        return new JournalMetadata(file, id, created, committed);
    }

    /** Forces a directory's entries (a rename, a deletion) to disk; Linux can, some platforms cannot. */
    static void forceDirectory(final Path directory) throws IOException
    {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ))
        {
            dir.force(true);
        }
        catch (final IOException ex)
        {
            if (!System.getProperty("os.name", "").toLowerCase().contains("win"))
            {
                throw ex;
            }
        }
    }

    /** Maps the page for writing the committed mark; for a journal opened for writing. */
    JournalMetadata mapForWriting()
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, LENGTH);
            page = new UnsafeBuffer(mapped);
            if (page.getInt(VERSION_OFFSET, ORDER) != FORMAT_VERSION)
            {
                // This writer appends entries in format 3: say so before the first, for ringlog that cannot read them.
                final byte[] identity = new byte[CHECKSUM_OFFSET];
                page.getBytes(0, identity);
                new UnsafeBuffer(identity).putInt(VERSION_OFFSET, FORMAT_VERSION, ORDER);
                page.putInt(VERSION_OFFSET, FORMAT_VERSION, ORDER);
                page.putInt(CHECKSUM_OFFSET, new Crc32c().update(identity, 0, CHECKSUM_OFFSET).value(), ORDER);
                mapped.force();
            }
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot map " + file + " for writing: " + FileErrors.describe(ex, file), ex);
        }
        return this;
    }

    JournalId id()
    {
        return id;
    }

    long created()
    {
        return created;
    }

    /** The committed mark as it was when the journal was opened. */
    long committedAtOpen()
    {
        return committedAtOpen;
    }

    /** The position of the entry the identity is anchored to, 0 if none is. */
    long anchorPosition()
    {
        return anchorPosition;
    }

    /**
     * Anchors the identity to the journal's first entry, its position and carried checksum; once, for a
     * journal mapped for writing, forced to disk at once.
     */
    void anchor(final long position, final int checksum)
    {
        final byte[] bytes = new byte[ANCHOR_CRC_OFFSET - ANCHOR_POSITION_OFFSET];
        final UnsafeBuffer anchor = new UnsafeBuffer(bytes);
        anchor.putLong(0, position, ORDER);
        anchor.putInt(ANCHOR_CHECKSUM_OFFSET - ANCHOR_POSITION_OFFSET, checksum, ORDER);
        page.putBytes(ANCHOR_POSITION_OFFSET, bytes);
        page.putInt(ANCHOR_CRC_OFFSET, new Crc32c().update(bytes, 0, bytes.length).value(), ORDER);
        mapped.force();
        anchorPosition = position;
        anchorChecksum = checksum;
    }

    /** Unsets the anchor of a journal cut to nothing, for its next first entry; forced to disk at once. */
    void clearAnchor()
    {
        page.setMemory(ANCHOR_POSITION_OFFSET, ANCHOR_CRC_OFFSET + 4 - ANCHOR_POSITION_OFFSET, (byte)0);
        mapped.force();
        anchorPosition = 0;
        anchorChecksum = 0;
    }

    /**
     * Why this file is not the journal's whose first entry is at {@code firstPosition} with carried checksum
     * {@code firstChecksum} (negative: unknown), or null: its anchor names that position with another checksum.
     */
    String foreignTo(final Path directory, final long firstPosition, final long firstChecksum)
    {
        if (anchorPosition <= 0 || anchorPosition != firstPosition || firstChecksum < 0 ||
            (int)firstChecksum == anchorChecksum)
        {
            return null;
        }
        return file + " is not this journal's: it was written for a journal whose entry at position " +
            anchorPosition + " carries checksum 0x" + Integer.toHexString(anchorChecksum) + ", where this journal's " +
            "carries 0x" + Long.toHexString(firstChecksum) + " (a ringlog.meta copied from another journal, or these " +
            "cycle files put beside another journal's). Its identity, " + id + ", and committed mark, " +
            committedAtOpen + ", are another journal's, and would decide which snapshots load and which damaged " +
            "entries are dropped. Restore this journal's own ringlog.meta; or give the journal a new identity with " +
            "'scripts/journal repair -d " + directory + " --new-identity' (its snapshots will then not be used)";
    }

    /** Records that every position up to {@code position} is committed: one ordered store, no allocation. */
    void committed(final long position)
    {
        page.putLongOrdered(COMMITTED_OFFSET, position);
    }

    /** The committed mark now. */
    long committed()
    {
        return page != null ? page.getLongVolatile(COMMITTED_OFFSET) : committedAtOpen;
    }

    Path file()
    {
        return file;
    }

    /** Forces the mark to disk (close, cycle roll). */
    void force()
    {
        if (mapped != null)
        {
            mapped.force();
        }
    }

    @Override
    public void close()
    {
        if (mapped != null)
        {
            try
            {
                mapped.force();
            }
            finally
            {
                IoUtil.unmap(mapped);
                mapped = null;
                page = null;
            }
        }
    }
}
