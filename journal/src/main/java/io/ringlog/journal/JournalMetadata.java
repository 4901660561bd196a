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
 *  |     committed position, 56 bits (7)           | its CRC-8 (1) | 40
 *  +-----------------------------------------------+---------------+
 *  |                  anchor position (8)                          | 48
 *  +-------------------------------+-------------------------------+
 *  |   anchor entry's CRC32C (4)   |   CRC32C (4) of bytes 48..59  | 56
 *  +-------------------------------+-------------------------------+
 *  |                  zero (64 bytes)                              | 64
 *  +---------------------------------------------------------------+
 *  |   cycle anchors: 165 slots of 24 bytes (CYCLE_TABLE_OFFSET)   | 128
 *  +---------------------------------------------------------------+
 *  |                  zero to the end of the page                  | 4088
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
 * nothing, survives a killed process like the entries do, and is forced to disk on close. Its top byte
 * is a CRC-8 (AUTOSAR: polynomial 0x2F, which finds every error of up to three bits in 56) of the
 * position in the seven below it, one word so that a process killed between two stores cannot leave
 * them apart. A mark that fails it is unknown: a writable open refuses until {@code journal repair}
 * sets it to the last whole entry, since a mark flipped low would let damaged committed entries be
 * dropped as never committed, and one flipped high would report committed entries missing. (Version 2
 * stored the position alone; 2^56 positions last 228 years at 10M commands/s.) After a
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
     * 3: the committed mark carries a CRC-8 in its top byte, which ringlog before it would read as part of
     * the position; it refuses version 3 by name. A journal of version 1 or 2 becomes version 3 when it is
     * opened for writing, before any entry is appended.
     */
    static final int FORMAT_VERSION = 3;
    /**
     * 2: the journal may hold entries in format 3, which ringlog before it cannot read; its committed mark is
     * the position alone.
     */
    static final int UNCHECKED_MARK_VERSION = 2;
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
    /**
     * Where the table of cycle anchors starts: one slot per cycle file, the first entry the writer appended to it
     * (position, carried checksum), found by the cycle's number modulo {@link #CYCLE_SLOTS}. A slot is
     * {@code position (8) | checksum (4) | cycle (4) | CRC32C of those 16 (4) | zero (4)}; all zeros is unset.
     */
    static final int CYCLE_TABLE_OFFSET = 128;
    static final int CYCLE_SLOT_LENGTH = 24;
    static final int CYCLE_SLOTS = (4096 - CYCLE_TABLE_OFFSET) / CYCLE_SLOT_LENGTH;
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    /** The committed mark's position bits; the byte above them is their CRC-8. */
    static final long MARK_POSITION_MASK = (1L << 56) - 1;
    /** Reads of a mark that fails its check before it counts as damaged: a live writer's store may tear a read. */
    private static final int MARK_READS = 3;
    private static final byte[] CRC8 = crc8Table(0x2F);

    private final Path file;
    private final JournalId id;
    private final long created;
    private final long committedAtOpen;
    private final String markProblem;
    private final int version;
    private int raisedFrom;
    private Path keptAs;
    private long anchorPosition;
    private int anchorChecksum;
    /** The cycle anchors read at open, by slot: {cycle, position, checksum}, or null where unset or damaged. */
    private final long[][] cycleAnchors = new long[CYCLE_SLOTS][];
    /** The slots of the cycle anchors whose bytes, set, fail their check: read as unset, and said by verify. */
    private final java.util.BitSet damagedCycleSlots = new java.util.BitSet(CYCLE_SLOTS);
    /** Why the anchor's bytes, set, fail their check; null if they pass or are unset. */
    private String anchorProblem;
    private long damagedAnchorPosition;
    private int damagedAnchorChecksum;
    private MappedByteBuffer mapped;
    private UnsafeBuffer page;

    private JournalMetadata(final Path file, final JournalId id, final long created, final long committed,
        final String markProblem, final int version)
    {
        this.version = version;
        this.file = file;
        this.id = id;
        this.created = created;
        this.committedAtOpen = committed;
        this.markProblem = markProblem;
    }

    /**
     * Reads {@code directory}'s metadata, or returns null if it has none.
     *
     * @throws JournalException if the file is there but damaged.
     */
    static JournalMetadata read(final Path directory)
    {
        final Path file = directory.resolve(FILE_NAME);
        byte[] bytes = readAll(file);
        for (int read = 1; bytes != null && read < MARK_READS && markFails(bytes); read++)
        {
            bytes = readAll(file);
        }
        return bytes == null ? null : decode(directory, file, bytes);
    }

    /** The file's bytes, or null if there is no such file. */
    private static byte[] readAll(final Path file)
    {
        try
        {
            return Files.readAllBytes(file);
        }
        catch (final NoSuchFileException ex)
        {
            return null;
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot read " + file + ": " + FileErrors.describe(ex, file), ex);
        }
    }

    /** Whether {@code bytes} hold a checked committed mark that fails its check (the rest is looked at later). */
    private static boolean markFails(final byte[] bytes)
    {
        if (bytes.length < COMMITTED_OFFSET + 8)
        {
            return false;
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        return buffer.getInt(VERSION_OFFSET, ORDER) == FORMAT_VERSION &&
            !markChecks(buffer.getLong(COMMITTED_OFFSET, ORDER));
    }

    private static JournalMetadata decode(final Path directory, final Path file, final byte[] bytes)
    {
        if (bytes.length < COMMITTED_OFFSET + 8)
        {
            // The page is written whole, LENGTH bytes; the oldest version's fields take the first COMMITTED_OFFSET + 8.
            throw damaged(directory, file, bytes.length + " bytes, too short to hold its fields (it is written as one " +
                LENGTH + "-byte page)");
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        final int magic = buffer.getInt(MAGIC_OFFSET, ORDER);
        final int version = buffer.getInt(VERSION_OFFSET, ORDER);
        if (magic != MAGIC)
        {
            throw damaged(directory, file, "bad magic 0x" + Integer.toHexString(magic));
        }
        final int stored = buffer.getInt(CHECKSUM_OFFSET, ORDER);
        final int actual = new Crc32c().update(bytes, 0, CHECKSUM_OFFSET).value();
        if (version != FORMAT_VERSION && version != UNCHECKED_MARK_VERSION && version != ENTRY_FORMAT_2_VERSION)
        {
            if (stored != actual)
            {
                // A reviewer's finding: one flipped bit in the version was called a newer format, with no remedy. The
                // checksum covers it: an unknown version that fails it is damage.
                throw damaged(directory, file, "its format version reads " + version + ", which no ringlog writes, and " +
                    "its identity fails its checksum (stored CRC32C 0x" + Integer.toHexString(stored) + ", computed 0x" +
                    Integer.toHexString(actual) + ")");
            }
            throw new JournalException(file + " has format version " + version + "; this code reads " +
                ENTRY_FORMAT_2_VERSION + " to " + FORMAT_VERSION + " (written by newer code?)");
        }
        if (stored != actual)
        {
            throw damaged(directory, file, "its identity fails its checksum (stored CRC32C 0x" +
                Integer.toHexString(stored) + ", computed 0x" + Integer.toHexString(actual) + ")");
        }
        final long word = buffer.getLong(COMMITTED_OFFSET, ORDER);
        final boolean checked = version == FORMAT_VERSION;
        final String markProblem = checked && !markChecks(word) ? "its committed mark fails its check (the word " +
            "0x" + Long.toHexString(word) + " reads position " + (word & MARK_POSITION_MASK) + " with CRC-8 0x" +
            Integer.toHexString((int)(word >>> 56)) + ", where that position's is 0x" +
            Integer.toHexString(crc8(word & MARK_POSITION_MASK)) + ")" : null;
        final JournalMetadata metadata = new JournalMetadata(file,
            new JournalId(buffer.getLong(ID_HIGH_OFFSET, ORDER), buffer.getLong(ID_LOW_OFFSET, ORDER)),
            buffer.getLong(CREATED_OFFSET, ORDER), markProblem != null ? -1 : checked ? word & MARK_POSITION_MASK : word,
            markProblem, version);
        if (bytes.length >= ANCHOR_CRC_OFFSET + 4 && !zeros(bytes, ANCHOR_POSITION_OFFSET, ANCHOR_CRC_OFFSET + 4))
        {
            final int storedAnchorCrc = buffer.getInt(ANCHOR_CRC_OFFSET, ORDER);
            final int anchorCrc = new Crc32c().update(bytes, ANCHOR_POSITION_OFFSET, ANCHOR_CRC_OFFSET -
                ANCHOR_POSITION_OFFSET).value();
            final long position = buffer.getLong(ANCHOR_POSITION_OFFSET, ORDER);
            if (position > 0 && storedAnchorCrc == anchorCrc)
            {
                metadata.anchorPosition = position;
                metadata.anchorChecksum = buffer.getInt(ANCHOR_CHECKSUM_OFFSET, ORDER);
            }
            else
            {
                // Not unset (it was taken for "no anchor", and the next writer anchored a ringlog.meta whatever journal
                // it was: a reviewer's finding). What is left of it is kept, to tell a damaged check word from damage.
                metadata.anchorProblem = "its anchor fails its checksum (stored CRC32C 0x" +
                    Integer.toHexString(storedAnchorCrc) + ", computed 0x" + Integer.toHexString(anchorCrc) + ")";
                metadata.damagedAnchorPosition = position;
                metadata.damagedAnchorChecksum = buffer.getInt(ANCHOR_CHECKSUM_OFFSET, ORDER);
            }
        }
        if (bytes.length >= LENGTH)
        {
            for (int slot = 0; slot < CYCLE_SLOTS; slot++)
            {
                final int at = CYCLE_TABLE_OFFSET + slot * CYCLE_SLOT_LENGTH;
                // A slot that fails its check (a torn or damaged write) is as good as unset: nothing is checked by it.
                if (zeros(bytes, at, at + CYCLE_SLOT_LENGTH))
                {
                    continue;
                }
                if (buffer.getInt(at + 16, ORDER) == new Crc32c().update(bytes, at, 16).value())
                {
                    metadata.cycleAnchors[slot] = new long[] {buffer.getInt(at + 12, ORDER), buffer.getLong(at, ORDER),
                        buffer.getInt(at + 8, ORDER) & 0xFFFF_FFFFL};
                }
                else
                {
                    metadata.damagedCycleSlots.set(slot);
                }
            }
        }
        return metadata;
    }

    /**
     * The position and carried checksum of the first entry the writer appended to the cycle file of {@code cycle},
     * as it recorded them, or null if no slot holds that cycle.
     */
    long[] cycleAnchor(final int cycle)
    {
        final long[] anchor = cycleAnchors[Math.floorMod(cycle, CYCLE_SLOTS)];
        return anchor == null || anchor[0] != cycle ? null : new long[] {anchor[1], anchor[2]};
    }

    /**
     * Records the first entry appended to the cycle file of {@code cycle}; for a journal mapped for writing. Not
     * forced: the page goes to disk with the committed mark's, and a slot lost or torn by a crash checks nothing.
     */
    void anchorCycle(final int cycle, final long position, final int checksum)
    {
        if (page == null)
        {
            return;
        }
        final int at = CYCLE_TABLE_OFFSET + Math.floorMod(cycle, CYCLE_SLOTS) * CYCLE_SLOT_LENGTH;
        final UnsafeBuffer slot = new UnsafeBuffer(new byte[CYCLE_SLOT_LENGTH]);
        putSlot(slot, 0, cycle, position, checksum);
        page.putBytes(at, slot, 0, CYCLE_SLOT_LENGTH);
        cycleAnchors[Math.floorMod(cycle, CYCLE_SLOTS)] = new long[] {cycle, position, checksum & 0xFFFF_FFFFL};
    }

    /** Forgets the cycle anchor of {@code cycle}, whose file a repair drops, for {@link #rewrite}. */
    void forgetCycle(final int cycle)
    {
        final int slot = Math.floorMod(cycle, CYCLE_SLOTS);
        if (cycleAnchors[slot] != null && cycleAnchors[slot][0] == cycle)
        {
            cycleAnchors[slot] = null;
        }
    }

    private static void putSlot(final UnsafeBuffer buffer, final int at, final int cycle, final long position,
        final int checksum)
    {
        buffer.putLong(at, position, ORDER);
        buffer.putInt(at + 8, checksum, ORDER);
        buffer.putInt(at + 12, cycle, ORDER);
        buffer.putInt(at + 16, new Crc32c().update(buffer, at, 16).value(), ORDER);
    }

    private static boolean zeros(final byte[] bytes, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            if (bytes[i] != 0)
            {
                return false;
            }
        }
        return true;
    }

    private static JournalException damaged(final Path directory, final Path file, final String why)
    {
        return new JournalException(file + " is damaged: " + why + ". Restore it from where the journal was copied " +
            "from; or give the journal a new identity with 'scripts/journal repair -d " + directory + " --new-identity' (it " +
            "takes back the identity its own snapshots name where their entries match the journal's: a snapshot that " +
            "does not is then not used)");
    }

    /**
     * Creates {@code directory}'s metadata, whole or not at all: temporary file, fsync, atomic rename,
     * fsync of the directory.
     */
    static JournalMetadata create(final Path directory, final JournalId id, final long committed)
    {
        final long created = System.currentTimeMillis();
        writeWhole(directory, id, created, committed, 0, 0);
        return new JournalMetadata(directory.resolve(FILE_NAME), id, created, committed, null, FORMAT_VERSION);
    }

    /**
     * Writes this file anew, whole or not at all, at the current version, with the same identity, creation time,
     * anchor and cycle anchors (less those {@link #forgetCycle} forgot) and the committed mark {@code committed}: for a
     * repair that sets the mark.
     */
    void rewrite(final long committed)
    {
        final boolean raising = raises();
        if (raising)
        {
            keepAsItWas();
        }
        // The cycle anchors kept too (a reviewer found every repair emptying the table, and every file unchecked after).
        writeWhole(file.getParent(), id, created, committed, anchorPosition, anchorChecksum, cycleAnchors);
        if (raising)
        {
            raisedFrom = version;
        }
    }

    /**
     * This file written anew under {@code adopted}, whole or not at all, with a committed mark of nothing and no
     * anchor, and mapped for writing again where it was: for a journal that holds no entry and takes on the identity
     * of the one it is to copy (a replication standby's, {@link ChronicleJournal#adopt}).
     */
    JournalMetadata adopt(final JournalId adopted)
    {
        final boolean wasMapped = mapped != null;
        close();
        writeWhole(file.getParent(), adopted, created, 0, 0, 0);
        final JournalMetadata taken = new JournalMetadata(file, adopted, created, 0, null, FORMAT_VERSION);
        return wasMapped ? taken.mapForWriting() : taken;
    }

    /** Whether writing this file raises its format version: it was read at an older one, and not raised since. */
    boolean raises()
    {
        return version != FORMAT_VERSION && raisedFrom == 0;
    }

    /** Where the file as it was is kept before it is raised: ringlog.meta.v1 or .v2 beside it. */
    Path keepAs()
    {
        return file.resolveSibling(FILE_NAME + ".v" + version);
    }

    /**
     * Copies the file as it was to {@link #keepAs()}, fsynced: the way back for a user who upgraded ringlog and must go
     * back. Throws, before anything is written, if it cannot.
     */
    private void keepAsItWas()
    {
        final Path kept = keepAs();
        try
        {
            Files.copy(file, kept, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel channel = FileChannel.open(kept, StandardOpenOption.WRITE))
            {
                channel.force(true);
            }
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot keep a copy of " + file + " (format version " + version + ") as " +
                kept + " before raising it to version " + FORMAT_VERSION + ": " + FileErrors.describe(ex, kept) +
                ". The file is as it was", ex);
        }
        keptAs = kept;
    }

    /** The page, in a temporary file, fsynced, renamed over the file atomically, and the directory fsynced. */
    private static void writeWhole(final Path directory, final JournalId id, final long created, final long committed,
        final long anchorPosition, final int anchorChecksum)
    {
        writeWhole(directory, id, created, committed, anchorPosition, anchorChecksum, new long[CYCLE_SLOTS][]);
    }

    /** {@link #writeWhole(Path, JournalId, long, long, long, int)} with the cycle anchors {@code cycleAnchors}. */
    private static void writeWhole(final Path directory, final JournalId id, final long created, final long committed,
        final long anchorPosition, final int anchorChecksum, final long[][] cycleAnchors)
    {
        final Path file = directory.resolve(FILE_NAME);
        final Path temp = directory.resolve(FILE_NAME + ".tmp");
        final byte[] bytes = new byte[LENGTH];
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        buffer.putInt(MAGIC_OFFSET, MAGIC, ORDER);
        buffer.putInt(VERSION_OFFSET, FORMAT_VERSION, ORDER);
        buffer.putLong(ID_HIGH_OFFSET, id.high(), ORDER);
        buffer.putLong(ID_LOW_OFFSET, id.low(), ORDER);
        buffer.putLong(CREATED_OFFSET, created, ORDER);
        buffer.putInt(CHECKSUM_OFFSET, new Crc32c().update(bytes, 0, CHECKSUM_OFFSET).value(), ORDER);
        buffer.putLong(COMMITTED_OFFSET, mark(committed), ORDER);
        if (anchorPosition > 0)
        {
            buffer.putLong(ANCHOR_POSITION_OFFSET, anchorPosition, ORDER);
            buffer.putInt(ANCHOR_CHECKSUM_OFFSET, anchorChecksum, ORDER);
            buffer.putInt(ANCHOR_CRC_OFFSET, new Crc32c().update(bytes, ANCHOR_POSITION_OFFSET,
                ANCHOR_CRC_OFFSET - ANCHOR_POSITION_OFFSET).value(), ORDER);
        }
        for (int slot = 0; slot < CYCLE_SLOTS; slot++)
        {
            final long[] anchor = cycleAnchors[slot];
            if (anchor != null)
            {
                putSlot(buffer, CYCLE_TABLE_OFFSET + slot * CYCLE_SLOT_LENGTH, (int)anchor[0], anchor[1], (int)anchor[2]);
            }
        }
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
            throw new JournalException("cannot write " + file + ": " + FileErrors.describe(ex, file), ex);
        }
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
        if (raises())
        {
            // This writer appends entries in format 3 and checks its mark: say so before the first, for ringlog that
            // cannot read them. The file is written anew and renamed into place, so that a crash, or a reader beside
            // it, finds the old version with its plain mark or the new one with its checked mark, never a mix. The
            // file as it was is kept beside it first.
            rewrite(Math.max(0, committedAtOpen));
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, LENGTH);
            page = new UnsafeBuffer(mapped);
        }
        catch (final IOException ex)
        {
            // A reviewer's immutable file (chattr +i, which root's permission check passes) said only this: what to do too.
            throw new JournalException("cannot map " + file + " for writing: " + FileErrors.describe(ex, file) + ". The " +
                "journal's files must be writable to run on it (look for its permissions, an immutable attribute, 'lsattr', " +
                "or a read-only mount); the read-only tools (replay, verify, dump) read it as it is", ex);
        }
        return this;
    }

    /** The format version {@link #mapForWriting} raised this file from, or 0 where it was this code's already. */
    int raisedFrom()
    {
        return raisedFrom;
    }

    /** Where {@link #mapForWriting} kept the file as it was before raising it; null where it did not. */
    Path keptAs()
    {
        return keptAs;
    }

    JournalId id()
    {
        return id;
    }

    long created()
    {
        return created;
    }

    /** The committed mark as it was when the journal was opened; -1 if it failed its check. */
    long committedAtOpen()
    {
        return committedAtOpen;
    }

    /** Why the committed mark as found on open is unknown, or null: it failed its check. */
    String markProblem()
    {
        return markProblem;
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

    /**
     * Why this file cannot be taken as the journal's whose first entry is at {@code firstPosition} with carried
     * checksum {@code firstChecksum}: {@link #foreignTo}, else {@link #damagedAnchor}; null where neither says so.
     */
    String notTheJournals(final Path directory, final long firstPosition, final long firstChecksum)
    {
        final String foreign = foreignTo(directory, firstPosition, firstChecksum);
        return foreign != null ? foreign : damagedAnchor(directory, firstPosition, firstChecksum);
    }

    /** Why the anchor fails its check, or null (it passes, or was never set). */
    String anchorProblem()
    {
        return anchorProblem;
    }

    /**
     * Why a damaged anchor leaves it unknown whether this file is the journal's whose first entry is at {@code
     * firstPosition} with carried checksum {@code firstChecksum} (negative: unknown), or null: the anchor is not
     * damaged, or what is left of it names that entry (only its check word was hit: the next writer sets it again).
     */
    String damagedAnchor(final Path directory, final long firstPosition, final long firstChecksum)
    {
        // Before the first entry: a journal trimmed behind its snapshots, whose intact anchor is not checked either
        // (a reviewer found one whose check word alone was hit refused there). Past it, or none: no anchor's.
        if (anchorProblem == null || firstChecksum < 0 ||
            damagedAnchorPosition == firstPosition && damagedAnchorChecksum == (int)firstChecksum ||
            damagedAnchorPosition > 0 && damagedAnchorPosition < firstPosition)
        {
            return null;
        }
        return file + " is damaged: " + anchorProblem + ", and what is left of it (position " + damagedAnchorPosition +
            ", checksum 0x" + Integer.toHexString(damagedAnchorChecksum) + ") does not name this journal's first entry " +
            "(position " + firstPosition + ", checksum 0x" + Long.toHexString(firstChecksum) + "). So whether it is " +
            "this journal's cannot be told: its identity, " + id + ", and committed mark, " + committedAtOpen + ", may " +
            "be another journal's, and they decide which snapshots load and which damaged entries are dropped. Restore " +
            "it from a copy; or give the journal a new identity with 'scripts/journal repair -d " + directory +
            " --new-identity' (it takes back the identity its own snapshots name where their entries match the " +
            "journal's)";
    }

    /** The note on a damaged anchor that {@link #damagedAnchor} lets pass, for a journal whose first entry is there. */
    String damagedAnchorNote(final long firstPosition)
    {
        return FILE_NAME + "'s anchor fails its checksum, " + (damagedAnchorPosition == firstPosition ? "though what " +
            "is left of it names this journal's first entry: only its check word was damaged" : "and what is left of it " +
            "names position " + damagedAnchorPosition + ", before this journal's first entry at " + firstPosition +
            " (older cycle files trimmed away), so it cannot be checked, as an intact one is not there") + "; the next " +
            "writable open anchors the identity to the journal's first entry again";
    }

    /**
     * Whether the cycle anchor in the slot of {@code cycle} was set and fails its check: the check that the cycle's file
     * is this journal's own is lost (a reviewer's flipped bit in a slot passed verify without a word).
     */
    boolean cycleAnchorDamaged(final int cycle)
    {
        return damagedCycleSlots.get(Math.floorMod(cycle, CYCLE_SLOTS));
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
            "'scripts/journal repair -d " + directory + " --new-identity' (it takes back the identity its own snapshots name where their " +
            "entries match the journal's: a snapshot that does not is then not used)";
    }

    /** Records that every position up to {@code position} is committed: one ordered store, no allocation. */
    void committed(final long position)
    {
        page.putLongOrdered(COMMITTED_OFFSET, mark(position));
    }

    /** The committed mark now. */
    long committed()
    {
        return page != null ? page.getLongVolatile(COMMITTED_OFFSET) & MARK_POSITION_MASK : committedAtOpen;
    }

    /** The committed mark's word for {@code position}: the position in the low 56 bits, their CRC-8 above. */
    static long mark(final long position)
    {
        return position & MARK_POSITION_MASK | (long)crc8(position) << 56;
    }

    /** Whether a committed mark's word carries its position's CRC-8. */
    static boolean markChecks(final long word)
    {
        return word >>> 56 == crc8(word & MARK_POSITION_MASK);
    }

    /** CRC-8/AUTOSAR (polynomial 0x2F, initial value and final XOR 0xFF) of a position's seven low bytes, low first. */
    private static int crc8(final long position)
    {
        int crc = 0xFF;
        for (int i = 0; i < 7; i++)
        {
            crc = CRC8[(crc ^ (int)(position >>> (i << 3))) & 0xFF] & 0xFF;
        }
        return crc ^ 0xFF;
    }

    private static byte[] crc8Table(final int polynomial)
    {
        final byte[] table = new byte[256];
        for (int i = 0; i < 256; i++)
        {
            int crc = i;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x80) != 0 ? crc << 1 ^ polynomial : crc << 1;
            }
            table[i] = (byte)crc;
        }
        return table;
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
