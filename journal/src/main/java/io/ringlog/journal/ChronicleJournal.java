package io.ringlog.journal;

import io.ringlog.core.Command;
import io.ringlog.core.CommandCodec;
import io.ringlog.core.CorruptEntryException;
import io.ringlog.core.Crc32c;
import io.ringlog.core.Journal;
import io.ringlog.core.JournalException;
import io.ringlog.core.JournalId;
import io.ringlog.core.JournalReader;
import io.ringlog.core.MappedFileFault;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A {@link Journal} on Chronicle Queue: entries in {@link CommandCodec} bytes (64-byte header with a
 * CRC32C, then the payload; older journals' 56-byte entries without one are read too), in position
 * order, the entries of one commit back to back in one Chronicle document (up to
 * {@link #MAX_DOCUMENT_BYTES}; journals written one entry per document are the same format).
 *
 * <h2>Positions and Chronicle indexes</h2>
 * A Chronicle index is {@code (cycle << shift) | sequence}: not contiguous across cycles, and a
 * document holds one or more entries, so a position is never derived from the index. Instead:
 * <ul>
 *   <li>every entry carries its own position (the codec's first field) and says its own length;</li>
 *   <li>the journal keeps a small side table of (cycle, first position) pairs, built on open and
 *       extended by the appender when it rolls into a new cycle;</li>
 *   <li>within a cycle, a reader finds the document holding a position by a binary search on the
 *       first entry of probed documents ({@link #moveTo}), then steps over the entries before it.</li>
 * </ul>
 * On open, every cycle file is walked with plain reads, which splits documents into entries and counts
 * them. Each cycle must start where the one before ended, and its newest entry must not be below
 * {@code firstPosition + entries - 1}; otherwise open fails with a {@link JournalException} naming the
 * position. Readers check every entry's position against the one they expect, so a gap or a foreign
 * entry is found where it is, never skipped. Positions continue across restarts because
 * {@link #lastPosition()} on open is the newest whole entry's.
 *
 * <h2>Writing</h2>
 * {@link #append} encodes into a reusable byte array (no allocation) and copies it into the open
 * document, opening one through the appender's writing context for the first entry after a commit;
 * {@link #commit} closes it (Chronicle's header, index entry and write position: once per batch, not
 * per command), then applies the {@link Durability} level. The appender is created lazily on the first
 * append, on the journal stage's thread.
 * Any Chronicle failure surfaces as a {@link JournalException} from append or commit, and the
 * journal refuses further writes, so the engine halts at that position. Opening for writing first
 * takes the directory's writer lock ({@link JournalLock}); each commit moves the committed mark in
 * {@link JournalMetadata} (one ordered store); appends keep disk space reserved ahead of Chronicle's
 * map ({@link SpaceReservation}), so a full disk fails an append before any of its bytes are written.
 *
 * <h2>Torn entries</h2>
 * A process killed inside a write (a batch's document is open until its commit) leaves the next
 * document's header zero or marked not-complete,
 * with some of its bytes after it (Chronicle completes the header only once the bytes are in). On open,
 * before any append can overwrite it, the journal looks past the newest whole entry; if it finds a
 * started entry it reports a {@link TornEntry} (to {@link Context#tornEntryListener} and {@link #tornEntry()}) and recovery
 * runs up to the last whole entry. Chronicle reclaims the slot on the next append. The look is taken
 * in the newest cycle file, so a write torn as the very first entry of a new cycle is reported too.
 *
 * <h2>Damaged files</h2>
 * Before Chronicle maps a cycle file, open walks it with plain reads ({@link CycleFileScan}): a file
 * cut short (truncated) is reported by name and byte instead of being read past its end, which for a
 * memory-mapped file is a SIGBUS the JVM turns into an {@link InternalError}. The walk reads Chronicle's
 * index of the file's documents too, and checks every offset in it against the document it names: a damaged
 * one would send a reader elsewhere, or past the file's end. Chronicle's own
 * failures on damaged files, on open and in readers, come out as {@link JournalException}s with the
 * position and the reason. Damaged newest entries that no commit covered (the committed mark says
 * so) are dropped by a writable open, by rewriting the cycle file without them ({@link CycleRewriter});
 * damaged entries a commit covered are refused, and only {@link JournalRepair}, told to, drops them.
 * A journal that ends before its committed mark lost entries that may have been seen: a writable
 * open refuses it.
 *
 * <h2>Threads</h2>
 * {@link #append} and {@link #commit} from one thread at a time (the journal stage); readers,
 * {@link #lastPosition()}, {@link #firstPosition()} and {@link #deleteCyclesBefore} from any thread.
 *
 * <h2>Why one long file</h2>
 * About 1,500 lines, over the project's ~600: opening (metadata, the scan of cycle files, the torn-entry
 * check), the append and commit path, readers and cycle deletion all share one queue, one lock and the
 * cycle table ({@code cycles} and {@code cycleFirstPositions} under {@code cycleLock}, read by readers on
 * other threads). The parts that need none of that already stand alone ({@link CycleFileScan},
 * {@link CycleRewriter}, {@link SpaceReservation}, {@link JournalMetadata}, {@link JournalLock}). The
 * open-time checks are the next to move out, with the state they fill passed back; that is a change to
 * the journal on its own, with the journal's tests, not part of the exchange's move to SBE.
 */
public final class ChronicleJournal implements Journal
{
    /**
     * The name of a writable journal's touch-ahead thread ({@link Context#touchAhead}) is this and the journal
     * directory's name: to find it, in a profile or to pin it.
     */
    public static final String TOUCH_AHEAD_THREAD_PREFIX = "ringlog-touch-ahead-";
    private static final String CYCLE_FILE_SUFFIX = ".cq4";
    /** Chronicle renames {@code <cycle>.precreated} (the cycle file's name, less .cq4) into place as it starts that cycle. */
    private static final String PRECREATED_SUFFIX = ".precreated";
    /** Chronicle Queue's table file in a journal directory: its own bookkeeping, which a writer makes again. */
    public static final String METADATA_FILE = "metadata.cq4t";
    /** Where a repair writes a cycle file anew before it replaces the old one ({@code CycleRewriter}). */
    public static final String REWRITE_DIRECTORY = CycleRewriter.WORK_DIRECTORY;
    /** Chronicle's lock words in its table: appends refused while the first is held, each write waits for the second. */
    private static final String WRITE_LOCK_KEY = "chronicle.write.lock";
    private static final List<String> CHRONICLE_LOCKS = List.of(
        net.openhft.chronicle.queue.impl.single.TableStoreWriteLock.APPEND_LOCK_KEY, WRITE_LOCK_KEY);
    /**
     * A writer closes a document before an entry would take it past this many bytes, so a batch of
     * small commands costs Chronicle one document per ~64 KiB; an entry longer than this has a document
     * of its own.
     */
    static final int MAX_DOCUMENT_BYTES = 64 << 10;
    /** What {@link #firstPositionAt} answers for an index past the newest whole document. */
    static final long ABSENT = Long.MAX_VALUE;
    /** What {@link #firstPositionAt} answers for a document whose first entry fails its checks. */
    static final long DAMAGED = -1;

    private final CycleClock cycleClock;
    private final Context ctx;
    private final JournalLock lock;
    private final SingleChronicleQueue queue;
    private final RollCycle rollCycle;
    private final DateTimeFormatter fileNames;
    private final Map<String, CycleFileScan> files;
    private boolean grewWhileOpening;
    /** Volatile: a standby's replication agent may {@link #adopt} an identity, which other threads then read. */
    private volatile JournalMetadata metadata;
    private int newestFormat;
    /** Open-time reads of single entries, of whatever size they claim. */
    private final ExpandableArrayBuffer probe = new ExpandableArrayBuffer(256);
    private final byte[] scratchBytes;
    private final UnsafeBuffer scratch;
    /** A new journal's identity is anchored to its first entry: taken at its append, written at its commit. */
    private boolean anchorWanted;
    private long anchorPosition;
    private int anchorChecksum;
    private final Crc32c crc = new Crc32c();
    private final Durability durability;
    private final long syncIntervalNanos;
    private final Object cycleLock = new Object();
    private int[] cycles = new int[0];
    private long[] cycleFirstPositions = new long[0];
    private ExcerptAppender appender;
    private long openBeganMillis;
    /** The document being filled by appends since the last commit; null between batches. */
    private DocumentContext document;
    private Bytes<?> documentBytes;
    private long documentFirstPosition;
    private int documentLength;
    /** Whether the first document of a new cycle file is open: it holds one entry, written unreserved. */
    private boolean documentSingle;
    /** False only while an entry's bytes are being copied in: a failure there leaves a partial entry. */
    private boolean entryWhole = true;
    /** Chronicle sequence of the newest document in the current cycle; -1 before the first. */
    private long lastSequence = -1;
    private int currentCycle = Integer.MIN_VALUE;
    /** The {@code .precreated} file {@link #preallocate} made for a cycle no append has started yet; null if none. */
    private Path precreatedAtOpen;
    private long currentCycleFirstPosition;
    /** The carried checksum of the open document's first entry. */
    private int documentFirstChecksum;
    private long appendedPosition;
    private volatile long lastPosition;
    private long lastSyncNanos;
    /**
     * The mapped chunk the first document since the last sync went into, and whether a later one went into another:
     * {@code appender.sync()} msyncs only the chunk the writer is in, so a batch that crossed into the next chunk
     * (every 64 MiB) or file would otherwise leave its first part unsynced until close.
     */
    private Object unsyncedStore;
    private boolean unsyncedElsewhere;
    private volatile long syncedPosition;
    private long pendingBytes;
    private volatile long committedBytes;
    private final SpaceReservation reservation;
    private final Prefault prefault;
    private final TouchAhead touchAhead;
    /** File offset just past the newest entry written, in the current cycle file. */
    private long writeEnd;
    private TornEntry tornEntry;
    /** Set on a writable open that must cut damaged, never-committed entries off the newest cycle file. */
    private TornEntry dropping;
    private long droppingKeep;
    private Throwable writeFailure;
    private boolean closed;

    private ChronicleJournal(
        final Context ctx, final JournalLock lock, final Map<String, CycleFileScan> files, final JournalMetadata metadata)
    {
        this.ctx = ctx;
        this.lock = lock;
        this.files = files;
        this.metadata = metadata;
        this.durability = ctx.durability();
        this.syncIntervalNanos = ctx.syncInterval().toNanos();
        this.lastSyncNanos = System.nanoTime() - syncIntervalNanos;
        this.scratchBytes = new byte[CommandCodec.HEADER_LENGTH + ctx.maxPayloadLength()];
        this.scratch = new UnsafeBuffer(scratchBytes);
        this.reservation = new SpaceReservation(scratchBytes.length, !ctx.readOnly() && ctx.touchAhead());
        this.prefault = new Prefault(!ctx.readOnly() && Prefault.wanted(ctx.prefault(), ctx.directory()));
        this.touchAhead = new TouchAhead(!ctx.readOnly() && ctx.touchAhead(), !ctx.touchAheadReadahead(),
            TOUCH_AHEAD_THREAD_PREFIX + ctx.directory().toAbsolutePath().normalize().getFileName());
        final SingleChronicleQueueBuilder builder = SingleChronicleQueueBuilder.binary(ctx.directory())
            .rollCycle(ctx.rollCycle().chronicle())
            .readOnly(ctx.readOnly());
        if (durability != Durability.MEMORY_MAPPED)
        {
            // The mapped stores' sync mode decides what appender.sync() (and unmapping a chunk) does: NONE is a no-op.
            builder.syncMode(SyncMode.SYNC);
        }
        // Chronicle asks its clock which cycle file to write on every append: the system clock is read once a batch.
        this.cycleClock = new CycleClock(ctx.epochMillisClock());
        builder.timeProvider(cycleClock);
        this.queue = builder.build();
        // An existing journal keeps the roll cycle it was created with, whatever the context says.
        this.rollCycle = queue.rollCycle();
        this.fileNames = DateTimeFormatter.ofPattern(rollCycle.format()).withZone(ZoneOffset.UTC);
        if (!ctx.readOnly())
        {
            try
            {
                SpaceReservation.fillHoles(ctx.directory().resolve(METADATA_FILE));
            }
            catch (final IOException ex)
            {
                queue.close();
                final Path table = ctx.directory().resolve(METADATA_FILE);
                if (ex instanceof java.nio.file.AccessDeniedException || Files.exists(table) && !Files.isWritable(table))
                {
                    // Not a full disk: Chronicle, refused the file, fell back to reading only.
                    throw new JournalException(notWritable(ctx.directory(), "Chronicle's " + METADATA_FILE, describe(ex)), ex);
                }
                throw new JournalException("no room for the journal: cannot allocate Chronicle's " + METADATA_FILE +
                    " in " + ctx.directory() + " (" + describe(ex) + ")", ex);
            }
        }
    }

    /**
     * Opens (or creates) the journal in {@code ctx.directory()}, checks how its cycles chain, and
     * looks for a torn entry after the newest whole one.
     * <p>
     * Opened for writing, it first takes the directory's writer lock ({@value JournalLock#FILE_NAME}),
     * before anything is read or written: a second writer is refused up front. Then every cycle file
     * is walked with plain reads ({@link CycleFileScan}) before Chronicle maps any of them, so a file
     * cut short is reported here, by name and byte, and never read past its end.
     *
     * @throws JournalException if another writer holds the directory, a cycle file is cut short, or
     *                          the entries on disk do not continue each other; the message says where.
     *                          Also if the JVM lacks the options Chronicle needs: it names them.
     */
    public static ChronicleJournal open(final Context ctx)
    {
        ctx.conclude();
        final String flags = ChronicleFlags.problem();
        if (flags != null)
        {
            throw new JournalException(flags);
        }
        JournalLock lock = null;
        // What the open makes, a refused preallocation takes back: a directory that held nothing holds nothing after.
        final boolean preallocating = !ctx.readOnly() && ctx.preallocate() > 0;
        final boolean createdHere = preallocating && !Files.exists(ctx.directory());
        final boolean emptyBefore = createdHere || preallocating && isEmptyDirectory(ctx.directory());
        if (!ctx.readOnly())
        {
            try
            {
                Files.createDirectories(ctx.directory());
            }
            catch (final IOException ex)
            {
                throw new JournalException("cannot create the journal directory " + ctx.directory() + ": " +
                    FileErrors.describeDirectory(ex, ctx.directory()), ex);
            }
            lock = JournalLock.acquire(ctx.directory());
        }
        // Cycle files of zeros, renamed out of Chronicle's way until the open has found every committed entry.
        final List<Path> setAside = new ArrayList<>();
        try
        {
            ChronicleJournal journal = openUnderLock(ctx, lock, setAside);
            // Before anything is decided by its committed mark (which damaged entries to drop, below).
            final String metadataNotOurs = ctx.readOnly() ? null : journal.notTheJournalsMetadata();
            final String foreign = ctx.readOnly() ? null : metadataNotOurs != null ? metadataNotOurs :
                journal.foreignCycleFile();
            if (foreign != null)
            {
                journal.release(false);
                throw new JournalException(foreign);
            }
            final TornEntry dropping = journal.dropping;
            if (dropping != null)
            {
                // Damaged entries no commit covered: cut them off the newest cycle, then read the journal again.
                journal = keepFirstAndReopen(journal, lock, dropping.file(), journal.droppingKeep, journal.currentCycle,
                    dropping.lastWholePosition() + 1, setAside);
                journal.reportTorn(dropping);
            }
            // The newest file by name: a torn first document of a new cycle file leaves that file with no whole entry.
            final CycleFileScan newest = ctx.readOnly() ? null : journal.newestScan();
            final long mark = journal.metadata != null ? journal.metadata.committedAtOpen() : -1;
            final int newestCycle = newest == null ? -1 : CycleNames.cycleOf(newest.file.getFileName().toString(),
                journal.rollCycle, journal.queue.epoch());
            // Only entries no commit covered: where the mark says the torn ones were committed (or cannot say), the
            // file is left as it is, and checkMetadata below refuses the open with the committed positions missing.
            if (newest != null && newest.writeAtTorn() && journal.tornEntry != null && newestCycle >= 0 &&
                mark >= 0 && mark <= journal.tornEntry.lastWholePosition())
            {
                // Chronicle would append past the torn document, not over it (see writeAtTorn): the file is rewritten
                // with its whole entries (none: it is deleted), which Chronicle's new header ends at. The torn entry
                // was reported already.
                final TornEntry torn = journal.tornEntry;
                journal = keepFirstAndReopen(journal, lock, newest.file, newest.entries, newestCycle,
                    torn.lastWholePosition() + 1, setAside);
                journal.tornEntry = torn;
            }
            try
            {
                journal.checkMetadata();
                if (!ctx.readOnly())
                {
                    journal.clearTornDocument();
                    journal.deletePrecreated();
                    if (ctx.preallocate() > 0)
                    {
                        try
                        {
                            journal.preallocate(ctx.preallocate());
                        }
                        catch (final JournalException refused)
                        {
                            journal.release(false);
                            lock.close();
                            lock = null;
                            if (emptyBefore)
                            {
                                removeWhatOpenMade(ctx.directory(), createdHere);
                            }
                            throw refused;
                        }
                    }
                }
            }
            catch (final RuntimeException ex)
            {
                journal.release(false);
                throw ex;
            }
            try
            {
                settleSetAside(ctx, setAside);
            }
            catch (final RuntimeException ex)
            {
                journal.release(false);
                throw ex;
            }
            // Only now that the open cannot fail: a refused open leaves no thread behind.
            journal.touchAhead.start();
            return journal;
        }
        catch (final RuntimeException ex)
        {
            if (lock != null)
            {
                lock.close();
            }
            if (setAside.isEmpty())
            {
                throw ex;
            }
            putBack(setAside);
            throw ex instanceof JournalException ? refusedWithZeros((JournalException)ex, setAside) : ex;
        }
    }

    private static boolean isEmptyDirectory(final Path directory)
    {
        try (Stream<Path> files = Files.list(directory))
        {
            return files.findAny().isEmpty();
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /**
     * After a refused preallocation in a directory that held nothing before the open (or did not exist): deletes the
     * files the open made (Chronicle's metadata, ringlog's, the writer lock), and the directory if the open made it,
     * so the journal is as it was: none. Only plain files directly in it go; anything else is left, as is whatever
     * cannot be deleted.
     */
    private static void removeWhatOpenMade(final Path directory, final boolean createdHere)
    {
        try (Stream<Path> files = Files.list(directory))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                if (Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                {
                    Files.deleteIfExists(file);
                }
            }
            if (createdHere)
            {
                Files.deleteIfExists(directory);
            }
        }
        catch (final IOException ignore)
        {
            // Left as it is: an empty journal, which the next open takes as it would a new one.
        }
    }

    /**
     * Releases {@code journal}, keeps the first {@code keep} entries of {@code file} (the file of {@code cycle}; none:
     * it is deleted), and opens the journal again under the same writer lock. {@code position} is the first dropped,
     * for the message if the rewrite fails.
     */
    private static ChronicleJournal keepFirstAndReopen(final ChronicleJournal journal, final JournalLock lock,
        final Path file, final long keep, final int cycle, final long position, final List<Path> setAside)
    {
        final RollCycle cycles = journal.rollCycle;
        final long epoch = journal.queue.epoch();
        journal.release(false);
        CycleRewriter.keepFirstOrFail(journal.ctx.directory(), file, keep, cycles, epoch, cycle, position);
        return openUnderLock(journal.ctx, lock, setAside);
    }

    /**
     * Why Chronicle's table, {@code metadata.cq4t}, cannot be read as Chronicle writes it, or null (it reads, or there
     * is none). A reviewer's finding: one flipped bit there, and a writer refused the journal with Chronicle's
     * "ClassNotFoundException", or went on with a read-only table after a warning and a stack trace, while verify
     * said the journal was fine. Read here as Chronicle reads it, read-only, changing nothing.
     */
    public static String damagedTable(final Path directory)
    {
        return tableDamage(directory, new long[CHRONICLE_LOCKS.size()]);
    }

    /**
     * {@link #damagedTable}, and the words of Chronicle's locks ({@link #CHRONICLE_LOCKS}) into {@code words} where the
     * table reads (unlocked where there is none, or it does not): the one read of the table a writable open makes.
     */
    private static String tableDamage(final Path directory, final long[] words)
    {
        java.util.Arrays.fill(words, net.openhft.chronicle.queue.impl.single.TableStoreWriteLock.UNLOCKED);
        final Path table = directory.resolve(METADATA_FILE);
        if (!Files.isRegularFile(table))
        {
            return null;
        }
        final String notAHeader = notAHeader(table);
        if (notAHeader != null)
        {
            // Read by Chronicle, such a table costs a 10 s wait for a lock its junk seems to hold (a reviewer's 11 s).
            return damaged(table, notAHeader);
        }
        final Path[] copy = new Path[1];
        try
        {
            final long[] read = lockWords(table, copy);
            System.arraycopy(read, 0, words, 0, words.length);
            return null;
        }
        catch (final IOException ex)
        {
            return null;
        }
        catch (final RuntimeException | InternalError ex)
        {
            Throwable cause = ex;
            while (cause.getCause() != null && cause.getCause() != cause)
            {
                cause = cause.getCause();
            }
            if (String.valueOf(cause.getMessage()).contains("not initialized"))
            {
                // Made and not yet written (a writer starting, or one killed as it made it): a writer initialises it.
                return null;
            }
            return damaged(table, tableFault(cause, copy[0], table));
        }
    }

    /**
     * What Chronicle's failure to read its table says of the table, in words: a reviewer's flipped bits showed users
     * {@code Cannot invoke "String.equals(Object)" because "format" is null}, {@code (null)} and {@code No enum constant
     * net.openhft.chronicle.wire.WireType.BINAPY_LIGHT}.
     */
    private static String tableFault(final Throwable cause, final Path copy, final Path table)
    {
        final String message = cause.getMessage();
        if (cause instanceof ClassNotFoundException)
        {
            return "a type name in it reads '" + message + "', which Chronicle does not know";
        }
        if (message != null && message.startsWith("No enum constant "))
        {
            final String value = message.substring(message.lastIndexOf('.') + 1);
            return "a value in it reads '" + value + "', which Chronicle does not know";
        }
        if (cause instanceof NullPointerException || message == null || message.isBlank())
        {
            return "a field Chronicle needs in it is missing or does not read";
        }
        return message.replace(String.valueOf(copy), table.toString()).replace("exclusive exclusive", "exclusive");
    }

    private static String damaged(final Path table, final String said)
    {
        return table + " is damaged: Chronicle Queue cannot read it (" + said + "). It holds only Chronicle's own " +
            "bookkeeping (no entry, no identity, no committed mark), and the next writer makes it again: move it " +
            "away ('mv " + table + " " + table + ".damaged') and the journal opens as it was";
    }

    /**
     * Why the table's first word is not the header of a document Chronicle wrote, or null where it may be: every table
     * begins with Chronicle's header, a whole metadata document. Zeros, or a document not finished, are a table a
     * writer was making ({@link #tableUnfinished}), not damage.
     */
    private static String notAHeader(final Path table)
    {
        try (FileChannel channel = FileChannel.open(table, StandardOpenOption.READ))
        {
            final ByteBuffer word = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            if (channel.read(word, 0) < 4)
            {
                return null;
            }
            final int header = word.getInt(0);
            return header != 0 && (header & CycleFileScan.NOT_COMPLETE) == 0 && (header & CycleFileScan.META_DATA) == 0 ?
                "its first word, 0x" + Integer.toHexString(header) + ", is not the header of Chronicle's first document, " +
                "which every table begins with" : null;
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    /**
     * The words of Chronicle's locks ({@link #CHRONICLE_LOCKS}) in {@code table}, read as a writer reads the table,
     * writable, on a copy (some damage passes a read-only read, then a writer's open falls back to a read-only queue,
     * "Forcing queue to be readOnly", and its first append fails). {@code copy[0]} names the copy while it is read, for
     * a failure's words; it is deleted after. What Chronicle throws reading it is thrown.
     */
    private static long[] lockWords(final Path table, final Path[] copy) throws IOException
    {
        // The table names its types by Chronicle's aliases ("SCQMeta"), which Chronicle's builder registers.
        SingleChronicleQueueBuilder.addAliases();
        try
        {
            copy[0] = Files.createTempDirectory("ringlog-table-check").resolve(METADATA_FILE);
            Files.copy(table, copy[0]);
            try (net.openhft.chronicle.queue.impl.TableStore<?> store = net.openhft.chronicle.queue.impl.table
                .SingleTableBuilder.binary(copy[0], net.openhft.chronicle.queue.impl.table.Metadata.NoMeta.INSTANCE)
                .readOnly(false).build())
            {
                final long[] words = new long[CHRONICLE_LOCKS.size()];
                for (int i = 0; i < words.length; i++)
                {
                    words[i] = store.acquireValueFor(CHRONICLE_LOCKS.get(i),
                        net.openhft.chronicle.queue.impl.single.TableStoreWriteLock.UNLOCKED).getVolatileValue();
                }
                return words;
            }
        }
        finally
        {
            net.openhft.chronicle.core.io.BackgroundResourceReleaser.releasePendingResources();
            if (copy[0] != null)
            {
                try
                {
                    Files.deleteIfExists(copy[0]);
                    Files.deleteIfExists(copy[0].getParent());
                }
                catch (final IOException ignore)
                {
                    // A temporary copy left behind is the system's to clear.
                }
            }
        }
    }

    /**
     * A writable open's mend of Chronicle's write lock held in its table: each write waits for that lock, so the first
     * append waited 15 s and halted with Chronicle's words, where the word names a running process (a pid reused since
     * the writer that held it was killed, or damage; one naming no running process Chronicle releases itself). Under the
     * writer lock no other process writes, so it is stale: the table is deleted, said, and Chronicle makes it again from the
     * directory (the append lock is released in place, {@link #releaseStaleAppendLock}; Chronicle gives no handle on this
     * one). {@code word} is the lock's, as the open read the table ({@link #tableDamage}).
     */
    private static void mendHeldWriteLock(final Context ctx, final long word)
    {
        // Chronicle reads the holder's pid from the word's low 32 bits; one not running it releases itself, and the table
        // (with its roll cycle) stays.
        final long pid = word & 0xFFFF_FFFFL;
        if (word == net.openhft.chronicle.queue.impl.single.TableStoreWriteLock.UNLOCKED || pid == 0 ||
            ProcessHandle.of(pid).isEmpty())
        {
            return;
        }
        deleteTable(ctx, "whose " + WRITE_LOCK_KEY + " was held", "deleted " + ctx.directory().resolve(METADATA_FILE) +
            ", Chronicle Queue's table, whose " + WRITE_LOCK_KEY + " was held: this writer holds the journal's own lock, " +
            "so no other process writes, and it was left by a writer killed holding it, or damaged. It holds none of the " +
            "journal's own, and Chronicle makes it again");
    }

    /**
     * Deletes Chronicle's table under the writer lock, where it holds nothing Chronicle cannot make again from the
     * directory, and says so with {@code notice}; {@code why} says which table it was if the delete fails.
     */
    private static void deleteTable(final Context ctx, final String why, final String notice)
    {
        final Path table = ctx.directory().resolve(METADATA_FILE);
        try
        {
            Files.delete(table);
            JournalMetadata.forceDirectory(ctx.directory());
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot delete " + table + ", Chronicle Queue's table, " + why + ": " +
                FileErrors.describe(ex, table), ex);
        }
        ctx.noticeListener().accept(notice);
    }

    /**
     * Whether Chronicle's table in {@code directory} was never finished: its first header word is zero (made, never
     * written) or says its header is being written. Under the writer lock nobody is writing it now, so a writer killed
     * as Chronicle made it left it so; Chronicle's own open then waits 30 s on it and fails claiming a lock that no
     * process holds.
     */
    public static boolean tableUnfinished(final Path directory)
    {
        final Path table = directory.resolve(METADATA_FILE);
        try (FileChannel channel = FileChannel.open(table, StandardOpenOption.READ))
        {
            final ByteBuffer word = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            if (channel.size() < 4 || channel.read(word, 0) < 4)
            {
                return channel.size() > 0;
            }
            final int header = word.getInt(0);
            return header == 0 || (header & CycleFileScan.NOT_COMPLETE) != 0;
        }
        catch (final IOException ex)
        {
            // None (a new journal), or unreadable: Chronicle's open says which.
            return false;
        }
    }

    /**
     * A writable open's mend of a table never finished ({@link #tableUnfinished}): deleted, said, and Chronicle makes it
     * again from the directory, as it does a table moved away. It holds none of the journal's own (no entry, no
     * identity, no committed mark), and under the writer lock no writer is making it.
     */
    private static void mendUnfinishedTable(final Context ctx)
    {
        if (!tableUnfinished(ctx.directory()))
        {
            return;
        }
        deleteTable(ctx, "never finished (a writer killed as it made it)", "deleted " +
            ctx.directory().resolve(METADATA_FILE) + ", Chronicle Queue's table, never finished (a writer killed as " +
            "Chronicle made it): it holds none of the journal's own, and Chronicle makes it again");
    }

    /**
     * Why a read-only open cannot read the journal at once, or null: its table was never finished and no writer is
     * running to finish it. Chronicle would wait 10 s for it, then fail claiming a lock no process holds.
     */
    private static String unfinishedTableRefusal(final Context ctx)
    {
        if (!tableUnfinished(ctx.directory()) || JournalLock.liveWriter(ctx.directory()) != null)
        {
            return null;
        }
        final Path table = ctx.directory().resolve(METADATA_FILE);
        return "cannot read the journal in " + ctx.directory() + ": " + table + ", Chronicle Queue's table, was never " +
            "finished (its header is not written: a writer killed as Chronicle made it), and no writer is running. It " +
            "holds none of the journal's own (no entry, no identity, no committed mark): the next writable open (a run " +
            "on this journal) makes it again, or move it away ('mv " + table + " " + table + ".damaged') and the journal " +
            "reads as it was";
    }

    /**
     * Chronicle reports a damaged {@code metadata.cq4t} as whatever failed while it read it (a lock it
     * could not claim, say): where that file is there, say that it may be the cause, and that it holds
     * nothing of the journal's own (the next writer makes it again).
     */
    static String chronicleMetadataHint(final Path directory)
    {
        final Path table = directory.resolve("metadata.cq4t");
        return Files.exists(table) ? ". If no other process has the journal open, " + table + " may be damaged: it " +
            "holds only Chronicle Queue's bookkeeping (no entry, no identity), and the next writer makes it again, so " +
            "it can be moved away" : "";
    }

    /**
     * Refuses a writable open of a journal whose Chronicle table or newest cycle file this user cannot
     * write (read-only permissions, an immutable file, a read-only mount), before Chronicle is asked:
     * Chronicle would log a warning, fall back to reading only and fail later.
     */
    private static void refuseUnwritableFiles(final Path directory, final Map<String, CycleFileScan> files)
    {
        final Path table = directory.resolve(METADATA_FILE);
        final Path newest = files.entrySet().stream().max(Map.Entry.comparingByKey()).map((e) -> e.getValue().file)
            .orElse(null);
        final Path meta = directory.resolve(JournalMetadata.FILE_NAME);
        final String what = Files.exists(table) && !Files.isWritable(table) ? "Chronicle's " + METADATA_FILE :
            newest != null && !Files.isWritable(newest) ? "its newest cycle file " + newest.getFileName() :
            Files.exists(meta) && !Files.isWritable(meta) ? "its " + JournalMetadata.FILE_NAME : null;
        if (what != null)
        {
            throw new JournalException(notWritable(directory, what, "its permissions, an immutable attribute, or a " +
                "read-only mount"));
        }
    }

    /** The suffix a cycle file of zeros takes while a writable open decides whether it held entries. */
    static final String SET_ASIDE_SUFFIX = ".zeros";

    /**
     * Sets aside the cycle files that are zeros from end to end ({@link CycleFileScan#blank}): a crash between Chronicle
     * renaming a {@code .precreated} file into place and writing its header leaves one. It holds nothing, and Chronicle
     * would wait 10 s for its header at each open, then write one itself; the next append in that cycle makes the file
     * again. Renamed, not deleted, until the open has found every committed entry ({@link #settleSetAside}): a file
     * zeroed by damage is zeros too, and one the committed mark says held entries is evidence the operator keeps. Under
     * the writer lock, so no writer is making it now. Adds the files set aside, under their own names, to {@code setAside}.
     */
    private static void setAsideBlankFiles(final Context ctx, final Map<String, CycleFileScan> files,
        final List<Path> setAside)
    {
        for (final Iterator<CycleFileScan> it = files.values().iterator(); it.hasNext(); )
        {
            final CycleFileScan scan = it.next();
            if (scan.blank)
            {
                try
                {
                    Files.move(scan.file, aside(scan.file), StandardCopyOption.ATOMIC_MOVE);
                }
                catch (final IOException ex)
                {
                    putBack(setAside);
                    setAside.clear();
                    throw new JournalException("cannot rename " + scan.file + ", a cycle file of zeros only (no header, " +
                        "no entry: a crash as Chronicle began it), out of Chronicle's way: " +
                        FileErrors.describe(ex, scan.file), ex);
                }
                it.remove();
                setAside.add(scan.file);
            }
        }
    }

    private static Path aside(final Path file)
    {
        return file.resolveSibling(file.getFileName() + SET_ASIDE_SUFFIX);
    }

    /**
     * Puts back, under their own names, cycle files of zeros that an open set aside and did not settle: by this
     * process's refused open (below), or by one that died before it settled them. Best effort on a refusal, where the
     * refusal's reason is what the operator needs.
     */
    private static void putBack(final List<Path> setAside)
    {
        for (final Path file : setAside)
        {
            try
            {
                Files.move(aside(file), file, StandardCopyOption.ATOMIC_MOVE);
            }
            catch (final IOException ignored)
            {
                // Left as FILE.zeros, which the next writable open puts back before it looks at the journal.
            }
        }
    }

    /** Puts back the files of zeros an open that died left set aside, so that this open sees the journal as it was. */
    /**
     * Deletes what a repair stopped part way left in {@link #REWRITE_DIRECTORY}, under the writer lock (no repair is
     * running): a rewrite replaces a cycle file only when it is whole, so it holds nothing the journal has not. A
     * reviewer's repair killed part way left 25 MB of it that nothing removed.
     */
    private static void removeRewriteLeft(final Context ctx)
    {
        final Path work = ctx.directory().resolve(REWRITE_DIRECTORY);
        if (!Files.isDirectory(work))
        {
            return;
        }
        try
        {
            CycleRewriter.deleteRecursively(work);
            ctx.noticeListener().accept("deleted " + work + ", what a repair stopped part way left of a cycle file it was " +
                "rewriting: the journal's own files are as they were before that rewrite, which replaces a file only when " +
                "whole");
        }
        catch (final IOException ex)
        {
            ctx.noticeListener().accept("could not delete " + work + ", what a repair stopped part way left (" +
                FileErrors.describe(ex, work) + "): the journal does not use it, and it may be deleted");
        }
    }

    private static void putBackLeftAside(final Path directory)
    {
        if (!Files.isDirectory(directory))
        {
            return;
        }
        final List<Path> left = new ArrayList<>();
        try (Stream<Path> listing = Files.list(directory))
        {
            listing.forEach((file) ->
            {
                final String name = file.getFileName().toString();
                if (name.endsWith(CYCLE_FILE_SUFFIX + SET_ASIDE_SUFFIX))
                {
                    final Path original = file.resolveSibling(name.substring(0, name.length() - SET_ASIDE_SUFFIX.length()));
                    if (!Files.exists(original))
                    {
                        left.add(original);
                    }
                }
            });
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot list " + directory + ": " + FileErrors.describe(ex, directory), ex);
        }
        putBack(left);
    }

    /**
     * The open found every committed entry: the files of zeros set aside held none, and are deleted, each said. A
     * refused open puts them back instead, as they were, and its reason names them.
     */
    private static void settleSetAside(final Context ctx, final List<Path> setAside)
    {
        if (setAside.isEmpty())
        {
            return;
        }
        for (final Path file : setAside)
        {
            try
            {
                Files.delete(aside(file));
            }
            catch (final IOException ex)
            {
                throw new JournalException("cannot delete " + aside(file) + ", a cycle file of zeros only (no header, " +
                    "no entry: a crash as Chronicle began it): " + FileErrors.describe(ex, file), ex);
            }
            ctx.noticeListener().accept("deleted " + file + ", zeros from end to end (a crash as Chronicle began a new " +
                "cycle file): it held no entry");
        }
        try
        {
            JournalMetadata.forceDirectory(ctx.directory());
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot sync " + ctx.directory() + ": " + FileErrors.describe(ex, ctx.directory()), ex);
        }
    }

    /** A refused writable open's reason, and that the files of zeros it had set aside are back as they were. */
    private static JournalException refusedWithZeros(final JournalException refused, final List<Path> setAside)
    {
        final String prefix = "journal position " + refused.position() + ": ";
        final String message = refused.getMessage() != null && refused.getMessage().startsWith(prefix) ?
            refused.getMessage().substring(prefix.length()) : refused.getMessage();
        final String said = message + ". " + (setAside.size() == 1 ? setAside.get(0) + " is" : setAside + " are") +
            " zeros from end to end, and left as " + (setAside.size() == 1 ? "it is" : "they are") + ": where committed " +
            "entries are missing, a file of zeros may be where they were (zeroed by damage, or never written back before " +
            "the machine stopped), not only a crash as Chronicle began it";
        return refused.position() != 0 ? new JournalException(refused.position(), said, refused.getCause()) :
            new JournalException(said, refused.getCause());
    }

    /** Why a writable open of the journal in {@code directory} is refused: {@code what} there cannot be written. */
    private static String notWritable(final Path directory, final String what, final String why)
    {
        return "cannot write to the journal in " + directory + ": " + what + " there is not writable by this user (" +
            why + "). Make the journal's files writable to run on it; the read-only tools (replay, verify, dump) read " +
            "it as it is";
    }

    /** Walks the files, opens Chronicle and builds the position table; on failure closes all but the lock. */
    private static ChronicleJournal openUnderLock(final Context ctx, final JournalLock lock, final List<Path> setAside)
    {
        final long began = System.currentTimeMillis();
        // The committed mark first: a writer appending meanwhile (read-only opens do not lock it out) commits
        // entries before it moves the mark, so the walk that follows finds at least every entry the mark covers.
        if (!ctx.readOnly())
        {
            putBackLeftAside(ctx.directory());
            removeRewriteLeft(ctx);
        }
        else
        {
            final String unfinished = unfinishedTableRefusal(ctx);
            if (unfinished != null)
            {
                throw new JournalException(unfinished);
            }
        }
        JournalMetadata metadata = JournalMetadata.read(ctx.directory());
        final Map<String, CycleFileScan> files = scanFiles(ctx);
        if (metadata == null && !ctx.readOnly() && files.values().stream().allMatch((f) -> f.entries == 0))
        {
            // A new journal: its identity exists before its first entry does.
            metadata = JournalMetadata.create(ctx.directory(), JournalId.random(), 0);
        }
        if (!ctx.readOnly())
        {
            refuseUnwritableFiles(ctx.directory(), files);
            mendUnfinishedTable(ctx);
            final long[] lockWords = new long[CHRONICLE_LOCKS.size()];
            final String damagedTable = tableDamage(ctx.directory(), lockWords);
            if (damagedTable != null)
            {
                throw new JournalException("cannot open the journal in " + ctx.directory() + " for writing: " + damagedTable);
            }
            mendHeldWriteLock(ctx, lockWords[CHRONICLE_LOCKS.indexOf(WRITE_LOCK_KEY)]);
            setAsideBlankFiles(ctx, files, setAside);
        }
        final ChronicleJournal journal;
        try
        {
            journal = new ChronicleJournal(ctx, lock, files, metadata);
            journal.openBeganMillis = began;
        }
        catch (final JournalException ex)
        {
            throw ex;
        }
        catch (final RuntimeException ex)
        {
            // A table Chronicle cannot read is said as such, not as the class name or message of what it threw (a
            // reviewer's 'java.lang.ClassNotFoundException: QTStore' from a flipped bit).
            final String table = ctx.readOnly() ? tableDamage(ctx.directory(), new long[CHRONICLE_LOCKS.size()]) : null;
            throw new JournalException("Chronicle Queue cannot open the journal in " + ctx.directory() + ": " +
                (table != null ? table : describe(ex) + chronicleMetadataHint(ctx.directory())), ex);
        }
        catch (final InternalError ex)
        {
            // A reviewer's finding: one flipped bit in the length of metadata.cq4t's first document made Chronicle read
            // past the file as it opened the journal (a SIGBUS), said as a damaged cycle file. The cycle files have not
            // been read by Chronicle yet here: its table has.
            throw new JournalException("Chronicle Queue cannot open the journal in " + ctx.directory() + ": a fault " +
                "reading a memory-mapped file where the file has no data, as it read its table" +
                chronicleMetadataHint(ctx.directory()), ex);
        }
        try
        {
            journal.scan();
        }
        catch (final JournalException ex)
        {
            journal.release(false);
            throw ex;
        }
        catch (final RuntimeException | InternalError ex)
        {
            // InternalError: a SIGBUS reading a mapped file, where Chronicle's bookkeeping sent it past the data.
            journal.release(false);
            throw new JournalException("Chronicle Queue cannot read the journal in " + ctx.directory() + ": " +
                describeRead(ex) + ". Its own bookkeeping in a cycle file (an index) may be damaged: 'scripts/journal repair " +
                "-d " + ctx.directory() + " --rebuild' writes every cycle file anew with all of its entries (run it " +
                "without --apply first: it lists them)", ex);
        }
        return journal;
    }

    /**
     * Why a writer would refuse this journal for want of its {@value JournalMetadata#FILE_NAME}, or null:
     * its entries are of the format written since ringlog keeps one, so it was deleted or not copied.
     * A read-only open goes on without it; {@code journal verify} reports it.
     */
    public String missingMetadata()
    {
        if (metadata != null || newestFormat < 2)
        {
            return null;
        }
        final Path directory = ctx.directory();
        return directory.resolve(JournalMetadata.FILE_NAME) + " is missing, but the journal was written by a ringlog " +
            "that keeps it: it was deleted, or not copied with the journal. It holds the journal's identity and " +
            "committed mark, which snapshots and recovery are checked against. Restore it; or give the journal a new " +
            "identity with 'scripts/journal repair -d " + directory + " --new-identity' (it takes back the identity " +
            "its own snapshots name where their entries match the journal's: a snapshot that does not is then not used)";
    }

    /**
     * Why the journal's committed mark is unknown, or null: {@value JournalMetadata#FILE_NAME}'s mark failed its
     * check (a flipped bit on disk). A writable open refuses, {@code journal verify} reports it, and {@code journal
     * repair} sets it to the last whole entry.
     */
    public String damagedMark()
    {
        if (metadata == null || metadata.markProblem() == null)
        {
            return null;
        }
        final Path directory = ctx.directory();
        return metadata.file() + " is damaged: " + metadata.markProblem() + ". The mark tells a journal that lost " +
            "committed entries from one that never had them, and which damaged newest entries no commit covered; " +
            "unknown, neither can be told, so the journal is not opened for writing. The entries do not depend on " +
            "it: 'scripts/journal repair -d " + directory + "' sets it to the journal's last whole entry (dry run " +
            "first; restoring ringlog.meta from a copy keeps the mark as it was)";
    }

    /**
     * Why the journal's {@value JournalMetadata#FILE_NAME} is another journal's, or null: its anchor names
     * this journal's first position with another entry's checksum (copied from another journal). A writable
     * open refuses; {@code journal verify} reports it.
     */
    public String foreignMetadata()
    {
        if (metadata == null || metadata.anchorPosition() <= 0)
        {
            return null;
        }
        final long[] first = firstEntry(files.values());
        return first == null ? null : metadata.foreignTo(ctx.directory(), first[0], first[1]);
    }

    /**
     * Why {@value JournalMetadata#FILE_NAME} cannot be taken as this journal's: {@link #foreignMetadata()}, else
     * {@link #damagedAnchor()}; null where neither says so.
     */
    public String notTheJournalsMetadata()
    {
        final String foreign = foreignMetadata();
        return foreign != null ? foreign : damagedAnchor();
    }

    /**
     * Why {@value JournalMetadata#FILE_NAME}'s anchor, damaged, leaves it unknown whether the file is this journal's, or
     * null: it is not damaged, or what is left of it names this journal's first entry (only its check word was hit,
     * and the next writer sets it again). A writable open refuses; {@code journal verify} reports it.
     */
    public String damagedAnchor()
    {
        if (metadata == null || metadata.anchorProblem() == null)
        {
            return null;
        }
        final long[] first = firstEntry(files.values());
        return first == null ? null : metadata.damagedAnchor(ctx.directory(), first[0], first[1]);
    }

    /**
     * What to say of {@value JournalMetadata#FILE_NAME}'s anchor where it fails its check and that is harmless (what is
     * left of it names this journal's first entry, or a position before it, in cycle files trimmed away), or null: the
     * next writer anchors the identity again.
     */
    public String damagedAnchorNote()
    {
        final long[] first = metadata == null || metadata.anchorProblem() == null || damagedAnchor() != null ? null :
            firstEntry(files.values());
        return first == null ? null : metadata.damagedAnchorNote(first[0]);
    }

    /**
     * The position and carried checksum of the journal's first entry, read with plain reads from its cycle
     * file; null if it has none, or it is not a whole entry of the format with checksums.
     */
    static long[] firstEntry(final Iterable<CycleFileScan> scans)
    {
        for (final CycleFileScan scan : scans)
        {
            if (scan.firstOffset >= 0)
            {
                return firstEntryOf(scan);
            }
        }
        return null;
    }

    /** {@link #firstEntry} of one cycle file: null if it holds none, or its first is not whole or has no checksum. */
    static long[] firstEntryOf(final CycleFileScan scan)
    {
        if (scan.firstOffset < 0 || scan.firstLength < CommandCodec.MIN_ENTRY_LENGTH || scan.firstLength > 64 << 20)
        {
            return null;
        }
        try
        {
            final byte[] bytes = new byte[scan.firstLength];
            CycleFileScan.read(scan.file, scan.firstOffset, bytes, bytes.length);
            final UnsafeBuffer entry = new UnsafeBuffer(bytes);
            if (CommandCodec.format(entry, 0) < 2)
            {
                return null;
            }
            CommandCodec.check(entry, 0, bytes.length, new Crc32c());
            return new long[] {CommandCodec.position(entry, 0), CommandCodec.storedChecksum(entry, 0) & 0xFFFF_FFFFL};
        }
        catch (final IOException | CorruptEntryException ex)
        {
            // Damage is the walk's and the readers' to report.
            return null;
        }
    }

    /**
     * Why a cycle file of this directory is not this journal's, or null: its first entry is not the one this
     * journal's writer appended first to that cycle's file, as {@value JournalMetadata#FILE_NAME} recorded it (a cycle
     * file of another journal, or of another history of this one, put in its place). Its entries would replay as
     * this journal's. Files whose cycle the table no longer holds (it keeps the newest {@value
     * JournalMetadata#CYCLE_SLOTS} cycles by their number), or written before it existed, are not checked; nor where
     * {@value JournalMetadata#FILE_NAME} is another journal's, or its anchor damaged (said apart).
     */
    public String foreignCycleFile()
    {
        return foreignCycleFile(Long.MAX_VALUE);
    }

    /**
     * What to say of the cycle files whose record in {@value JournalMetadata#FILE_NAME} fails its check (a damaged slot
     * of its table of cycle anchors), or null where none does: harmless to the entries, each still read and checked,
     * but nothing tells those files from another journal's put in their place.
     */
    public String damagedCycleAnchorsNote()
    {
        if (metadata == null)
        {
            return null;
        }
        final List<String> names = new ArrayList<>();
        for (final CycleFileScan scan : files.values())
        {
            final int cycle = CycleNames.cycleOf(scan.file.getFileName().toString(), rollCycle, queue.epoch());
            if (cycle >= 0 && scan.entries > 0 && metadata.cycleAnchorDamaged(cycle))
            {
                names.add(scan.file.getFileName().toString());
            }
        }
        return names.isEmpty() ? null : JournalMetadata.FILE_NAME + "'s record of the first entry of " +
            String.join(", ", names) + " fails its checksum: the entries are whole and checked as ever, but whether " +
            (names.size() == 1 ? "that file is" : "those files are") + " this journal's own, not another's put in " +
            "place, can no longer be checked (the record of a cycle is written when the writer begins its file)";
    }

    /** {@link #foreignCycleFile()}, of the files whose first entry is at or before {@code to}. */
    public String foreignCycleFile(final long to)
    {
        if (metadata == null || notTheJournalsMetadata() != null)
        {
            return null;
        }
        for (final CycleFileScan scan : files.values())
        {
            final int cycle = CycleNames.cycleOf(scan.file.getFileName().toString(), rollCycle, queue.epoch());
            final long[] recorded = cycle < 0 ? null : metadata.cycleAnchor(cycle);
            final long[] first = recorded == null ? null : firstEntryOf(scan);
            if (first == null || first[0] > to || first[0] == recorded[0] && first[1] == recorded[1])
            {
                continue;
            }
            // Not certain either way (a reviewer put back an older ringlog.meta of this journal, from before a cut, and
            // the file written since was blamed): both causes, and the way out of each.
            final Path directory = ctx.directory();
            return "cycle file " + scan.file + " does not begin with the entry " + JournalMetadata.FILE_NAME + " " +
                "recorded for its cycle: its first entry, at position " + first[0] + ", carries checksum 0x" +
                Long.toHexString(first[1]) + ", where the first entry this journal's writer appended to that cycle's " +
                "file " + (first[0] == recorded[0] ? "carried 0x" + Long.toHexString(recorded[1]) : "was at position " +
                recorded[0]) + ". Either the file is another journal's (or another history's of this one) put in the " +
                "place of its own, and its entries would replay as this journal's (a replay with --to " + (first[0] - 1) +
                " reads only the entries before it): restore this journal's own " + scan.file.getFileName() + " from a " +
                "copy, or, to keep the journal before it, move it and every later cycle file out of " + directory + ". " +
                "Or " + JournalMetadata.FILE_NAME + " is an older copy of this journal's, put back from before a repair " +
                "cut the journal, and the file was written since: put the newer " + JournalMetadata.FILE_NAME + " back, " +
                "or write one with 'scripts/journal repair -d " + directory + " --new-identity --force' (it takes back " +
                "the identity the journal's own snapshots name)";
        }
        return null;
    }

    /**
     * Reconciles the journal with its {@link JournalMetadata}: refuses to write to a journal that ends
     * before its committed mark (entries that may have been seen are missing), gives a journal written
     * before identities existed one, and maps the mark for this writer's commits.
     */
    private void checkMetadata()
    {
        final Path directory = ctx.directory();
        if (metadata == null)
        {
            if (ctx.readOnly())
            {
                return;
            }
            final String missing = missingMetadata();
            if (missing != null)
            {
                throw new JournalException(missing);
            }
            // Written before ringlog kept metadata: this first writer gives it an identity.
            metadata = JournalMetadata.create(directory, JournalId.random(), lastPosition);
        }
        final String damagedMark = damagedMark();
        if (damagedMark != null && !ctx.readOnly())
        {
            throw new JournalException(damagedMark);
        }
        // Before the mark is written or the anchor set again: either would make another journal's file this one's.
        final String damagedAnchor = damagedAnchor();
        if (damagedAnchor != null && !ctx.readOnly())
        {
            throw new JournalException(damagedAnchor);
        }
        final long committed = metadata.committedAtOpen();
        if (committed > lastPosition && !ctx.readOnly())
        {
            throw new JournalException(lastPosition + 1, "the journal ends at position " + lastPosition + ", but " +
                metadata.file() + " says positions up to " + committed + " were committed: entries " +
                (lastPosition + 1) + ".." + committed + ", which clients may have seen, are missing (" + missingCause() +
                "). Refusing to open it for writing, so " +
                "those positions are not given to new commands. Restore the missing files; or, to accept the loss, " +
                "'scripts/journal repair -d " + directory + " --truncate-after " + lastPosition + " --force' (dry run first)");
        }
        if (!ctx.readOnly())
        {
            metadata.mapForWriting().committed(lastPosition);
            if (metadata.raisedFrom() > 0)
            {
                // Version 1 is of journals from before entry format 3: what this writer appends, the ringlog that
                // wrote it cannot read (it takes the entries for torn ones and drops them); 2026-12-04's and -05's can.
                ctx.noticeListener().accept(metadata.file() + " raised from format version " + metadata.raisedFrom() +
                    " to " + JournalMetadata.FORMAT_VERSION + " (the committed mark with its check), which ringlog " +
                    "from before 2026-12-06 refuses, read-only tools too. The file as it was is kept as " +
                    metadata.keptAs() + ": put back as " + JournalMetadata.FILE_NAME + ", it lets ringlog of 2026-12-04 " +
                    "and -05 read and write the journal again" + (metadata.raisedFrom() == 1 ? "; ringlog from before " +
                    "2026-12-04 cannot: the entries this writer appends are in entry format 3, which it does not read " +
                    "(its first writable open would drop them as torn)" : "") + " (journal/README.md, 'Upgrading ringlog " +
                    "over an existing journal')");
            }
            if (metadata.anchorPosition() > 0 && lastPosition == 0 && firstEntry(files.values()) == null)
            {
                // Cut to nothing (a repair, a rejoin): what comes next is anchored anew.
                metadata.clearAnchor();
            }
            if (metadata.anchorPosition() <= 0)
            {
                final long[] first = firstEntry(files.values());
                if (first != null)
                {
                    metadata.anchor(first[0], (int)first[1]);
                }
                else
                {
                    // A new journal (or one whose first entry has no checksum): its first commit anchors it.
                    anchorWanted = lastPosition == 0;
                }
            }
        }
    }
    /**
     * Walks every cycle file of the directory, by name. A file cut inside a document, or shorter than
     * its chain of documents, stops the open here: Chronicle would fault reading it read-only, and
     * would extend it with zeros (a silent loss) writing.
     */
    private static Map<String, CycleFileScan> scanFiles(final Context ctx)
    {
        final TreeMap<String, CycleFileScan> scans = new TreeMap<>();
        if (!Files.isDirectory(ctx.directory()))
        {
            return scans;
        }
        final int window = maxDocumentLength(ctx.maxPayloadLength()) + 8;
        try (Stream<Path> listing = Files.list(ctx.directory()))
        {
            for (final Path file : (Iterable<Path>)listing::iterator)
            {
                final String name = file.getFileName().toString();
                if (CycleNames.isCycleFileName(name) && Files.isRegularFile(file))
                {
                    scans.put(name, CycleFileScan.scan(file, window));
                }
                else if (name.endsWith(CYCLE_FILE_SUFFIX) && !CycleNames.isCycleFileName(name))
                {
                    // Chronicle's writer reads every .cq4 name as a cycle's, and fails on this one ('Unable to parse').
                    throw new JournalException(file + " is not a cycle file of the journal (its name is not one Chronicle " +
                        "gives a cycle file), but Chronicle Queue reads every .cq4 file in " + ctx.directory() + " as " +
                        "one and cannot open the journal beside it. Move it out of the directory (a copy of a cycle " +
                        "file kept as a backup belongs elsewhere): the journal does not read it");
                }
                else if (CycleNames.isCycleFileName(name) && Files.isDirectory(file))
                {
                    // Chronicle would try to write that cycle's file there and fail with its own words and a WARN.
                    throw new JournalException(file + " is a directory named as a cycle file of the journal: the " +
                        "writer cannot make that cycle's file while it is there. Move it out of " + ctx.directory());
                }
            }
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot read the journal directory " + ctx.directory() + ": " +
                FileErrors.describe(ex, ctx.directory()), ex);
        }
        long previousNewest = 0;
        CycleFileScan previous = null;
        CycleFileScan newestFile = scans.isEmpty() ? null : scans.lastEntry().getValue();
        boolean growing = false;
        if (ctx.readOnly() && newestFile != null && (newestFile.cut() || newestFile.headerDamage != null) &&
            JournalLock.liveWriter(ctx.directory()) != null)
        {
            // A writer appending as the walk read: Chronicle grows the file a chunk at a time, so the walk can meet a
            // document past the length it read at the start. Growth, not a cut: walk it again; a writer too fast
            // for that still leaves whole what the walk found, which the rest of the open reads as it is.
            // A document the writer finished while the walk read it can look damaged too (its header word read before
            // its bytes): walked again, it reads whole.
            final CycleFileScan again = walkAgain(newestFile.file, window, 5, (walk) -> !walk.cut() && walk.headerDamage == null);
            if (again != null)
            {
                scans.put(scans.lastKey(), again);
                newestFile = again;
            }
            growing = newestFile.cut();
        }
        for (final CycleFileScan scan : scans.values())
        {
            final long newest = scan.entries > 0 ? newestPosition(scan) : previousNewest;
            if (scan.headerDamage != null)
            {
                throw new JournalException(damagedHeader(ctx.directory(), scan, newest, previousNewest));
            }
            if (previous != null && (previous.state == CycleFileScan.End.OPEN ||
                previous.state == CycleFileScan.End.TORN) && previous.entries > 0 &&
                scan.entries > 0 && newest - scan.entries == previousNewest)
            {
                // Chronicle rolls a file by writing its end-of-file marker before the next file's first entry.
                throw new JournalException(previousNewest + 1, "cycle file " + previous.file + " has no end-of-file " +
                    "marker after its last entry, position " + previousNewest + ", though the next file, " +
                    scan.file.getFileName() + ", goes on from position " + (previousNewest + 1) + ": Chronicle's " +
                    "readers stop there (a writer killed as it rolled, a copy, or a cut at the end of its data). " +
                    "'scripts/journal repair -d " + ctx.directory() + "' writes the file anew with every entry and the marker " +
                    "(run it without --apply first: it lists what it does)");
            }
            if (scan.cut() && !(growing && scan == newestFile))
            {
                // An older file is not where a copy or a crash leaves a cut: there, a damaged header (a length
                // that runs past the file's end) looks the same to the walk.
                final String orDamaged = scan == newestFile ? "" : ", or a document header in it is damaged: it " +
                    "is not the newest file";
                final String where = newest > 0 ? "after position " + newest : "after the file's " + scan.entries +
                    " whole entries";
                final String repair = newest > 0 ? "'scripts/journal repair -d " + ctx.directory() + " --truncate-after " +
                    newest + "' drops what follows (run it without --apply first: it lists what it drops, and whether " +
                    "--force is needed)" : scan.entries == 0 && previousNewest == 0 ? "no entry before it is whole: " +
                    "restore the file from a copy, or empty the journal with 'scripts/journal repair -d " + ctx.directory() +
                    " --truncate-after 0 --force' (run it without --apply first: it lists what it drops)" :
                    "'scripts/journal repair -d " + ctx.directory() + "' says the last whole position to cut after";
                final String message;
                // An older file: the files after it may be whole, and the only cut a repair makes drops them too.
                final CycleFileScan newestScan = newestFile;
                final boolean growingNewest = growing;
                final LostInOlderFile later = scan == newestFile ? null : lostInOlderFile(ctx.directory(), scans, scan,
                    newest, newest > 0 || previous != null, scan.lengthDamaged() ? "cannot be read in it (they may be " +
                    "whole on disk past the damaged header, where no walk can find them)" : "are lost with it",
                    (other) -> other.headerDamage != null || other.cut() && !(growingNewest && other == newestScan));
                if (scan.length == 0 && later != null)
                {
                    // Its neighbours say it held entries (a reviewer read "never written" of a file that held 10,000).
                    throw later.failure("cycle file " + scan.file + " is empty (0 bytes) and is not the newest");
                }
                if (scan.length == 0 && scan != newestFile)
                {
                    // A file made for a cycle and never written (a writer that died as it rolled, a copy that failed):
                    // there is nothing in it to lose, and the advice to empty the journal would lose everything.
                    throw new JournalException("cycle file " + scan.file + " is empty (0 bytes) and is not the newest. " +
                        "Made for a cycle and never written (a writer stopped as it rolled), it holds nothing, and " +
                        "deleting it ('rm " + scan.file + "') loses nothing; but if it is a copy that failed, copy it " +
                        "again from where the journal came from. Once it is gone, 'scripts/journal verify' checks that " +
                        "the files beside it still follow on, position after position");
                }
                if (scan.lengthDamaged())
                {
                    message = "cycle file " + scan.file + " has a damaged document header at byte " + scan.end + ", " +
                        where + ": its length word says " + (scan.header & CycleFileScan.LENGTH_MASK) + " bytes, past the file's " +
                        "end at byte " + scan.length + ", but the file's data ends at byte " + scan.dataEnd + " (a file " +
                        "cut short inside a document ends in its bytes, not in zeros)" + (later != null ? "" :
                        ". The entries from there on may be whole on disk after it, where no walk can find them" +
                        "; restoring the file from a copy (a " +
                        "backup, the standby's journal) keeps them, and " + (newest > 0 ? "'scripts/journal repair " +
                        "-d " + ctx.directory() + " --truncate-after " + newest + "' drops them for good (run it " +
                        "without --apply first: it lists what it drops, and whether --force is needed)" : "a repair " +
                        "drops them for good"));
                }
                else if (scan.state == CycleFileScan.End.CUT)
                {
                    message = "cycle file " + scan.file + " is cut short: it ends at byte " + scan.length + ", inside " +
                        "the document that starts at byte " + scan.end + ", " + where + " (truncated, or copied only " +
                        "in part" + orDamaged + "). Entries from there on in that file are lost" + (later == null ?
                        "; " + repair : "");
                }
                else
                {
                    // A cut can leave the first 1 to 3 bytes of the next document's 4-byte header word.
                    final long into = scan.length - scan.end;
                    message = "cycle file " + scan.file + " is cut short: it ends at byte " + scan.length + ", " +
                        (into > 0 ? into + (into == 1 ? " byte" : " bytes") + " into the header word of the document " +
                        "at byte " + scan.end + " (a header word takes 4), " : "on a document boundary ") + where +
                        ", where more file must follow (truncated, or copied only in part" + orDamaged + "). Entries " +
                        "after that in the file, if it had any, are lost" + (later == null ? "; " + repair : "");
                }
                if (later != null)
                {
                    throw later.failure(message);
                }
                // Without a readable newest entry before the cut there is no position to stand behind.
                // What the mark says of the positions after newest holds only where nothing follows this file.
                final String committed = scan == newestFile ? committedPast(ctx.directory(), scans.values(), newest) : "";
                throw newest > 0 ? new JournalException(newest + 1, message + committed) : new JournalException(message);
            }
            previousNewest = newest;
            if (scan.entries > 0)
            {
                previous = scan;
            }
        }
        return scans;
    }

    /**
     * Where an older cycle file lost entries (cut short, emptied, or past a damaged header) and a later file goes on:
     * the positions lost, the files up to the damaged one, and the three ways on, as a missing file's message gives them
     * (a reviewer's: the one way named was a cut after the damage, which drops the later files, whole, too; where a
     * snapshot holds the state through the loss, moving the files up to the damaged one aside keeps every later
     * entry). Empty files right after it go with it. Where no earlier file holds a whole entry, where the lost entries
     * began is not known (the journal may have been trimmed behind its snapshots), and no cut is offered: it would keep
     * nothing. A later file damaged too is named, not called whole (a code review's). Null where no later file holds
     * an entry past the loss.
     *
     * @param lost        how the positions went: "are lost with it", or, past a damaged header, that they cannot be read.
     * @param damagedScan whether a later file is damaged (cut short, a damaged header) itself.
     */
    private static LostInOlderFile lostInOlderFile(final Path directory, final TreeMap<String, CycleFileScan> scans,
        final CycleFileScan damaged, final long newest, final boolean startKnown, final String lost,
        final java.util.function.Predicate<CycleFileScan> damagedScan)
    {
        final String name = damaged.file.getFileName().toString();
        final List<Path> upTo = new ArrayList<>();
        scans.headMap(name, true).values().forEach((scan) -> upTo.add(scan.file));
        final List<String> emptyAfter = new ArrayList<>();
        CycleFileScan next = null;
        for (final CycleFileScan later : scans.tailMap(name, false).values())
        {
            if (later.entries > 0)
            {
                next = later;
                break;
            }
            emptyAfter.add(later.file.getFileName().toString());
            upTo.add(later.file);
        }
        if (next == null)
        {
            return null;
        }
        final long nextNewest = newestPosition(next);
        final long nextFirst = nextNewest > 0 ? nextNewest - next.entries + 1 : -1;
        if (nextFirst <= newest + 1)
        {
            return null;
        }
        String alsoDamaged = null;
        for (final CycleFileScan later : scans.tailMap(next.file.getFileName().toString(), true).values())
        {
            if (damagedScan.test(later))
            {
                alsoDamaged = later.file.getFileName().toString();
                break;
            }
        }
        final String files = (upTo.size() == 1 ? "the file" : "the " + upTo.size() + " files up to " +
            (emptyAfter.isEmpty() ? "it" : "the next with entries")) + " (" +
            upTo.stream().map((p) -> p.getFileName().toString()).collect(java.util.stream.Collectors.joining(", ")) + ")";
        final String range = startKnown ? "positions " + (newest + 1) + ".." + (nextFirst - 1) : "the positions before " +
            nextFirst + " that it held";
        return new LostInOlderFile(startKnown ? newest : -1, nextFirst, upTo, range + " " + lost +
            (emptyAfter.isEmpty() ? "" : ", with the empty " + (emptyAfter.size() == 1 ? "file" : "files") + " after it (" +
            String.join(", ", emptyAfter) + ")") + " (" + (startKnown ? "the whole entries end at position " + newest :
            "no earlier file holds a whole entry, so where they began is not known: position 1, or a later one where " +
            "older cycle files were deleted behind the snapshots") + ", and the next file with entries, " +
            next.file.getFileName() + ", starts at " + nextFirst + "); " + (alsoDamaged == null ? "the later files are " +
            "whole. " : "a later file, " + alsoDamaged + ", is damaged too: once this is mended, verify names it. ") +
            "Restore it from a copy (a backup, the standby's journal). Or, where a snapshot at position " + nextFirst + " or " +
            "later holds the state through the loss, move " + files + " out of " + directory + ": the journal " +
            "then starts at position " + nextFirst + ", as one trimmed behind its snapshots does, and a restart " +
            "recovers from that snapshot with every entry after it" + (startKnown && newest > 0 ? ". Or accept the loss " +
            "of the later files too: 'scripts/journal repair -d " + directory + " --truncate-after " + newest +
            " --force' keeps the positions up to " + newest + " and drops every later file (run it without --apply " +
            "first: it lists what it drops)" : ""));
    }

    /**
     * What {@link #lostInOlderFile} found: the last whole position before the loss (-1 where not known), where the later
     * files start, the files up to the damage, and the words.
     */
    private record LostInOlderFile(long lastBefore, long nextFirst, List<Path> upTo, String words)
    {
        /** The open's failure: a gap, as a deleted file's is, so verify says whether a snapshot holds the state through it. */
        MissingCycleException failure(final String damage)
        {
            return lastBefore < 0 ? new MissingCycleException(nextFirst, upTo, damage + ": " + words) :
                new MissingCycleException(lastBefore, nextFirst, upTo, damage + ": " + words);
        }
    }

    /**
     * What the committed mark in {@code ringlog.meta} says of the positions after {@code newest}, the last whole
     * entry before damage that ends the journal's newest file: whether a commit covered any of them, which decides
     * whether a cut after {@code newest} drops anything a client may have seen. Empty where the mark cannot be read,
     * or is another journal's (its anchor names another first entry).
     */
    static String committedPast(final Path directory, final Iterable<CycleFileScan> scans, final long newest)
    {
        final long mark;
        try
        {
            final JournalMetadata metadata = JournalMetadata.read(directory);
            if (metadata == null)
            {
                return "";
            }
            final long[] first = firstEntry(scans);
            if (first != null && metadata.foreignTo(directory, first[0], first[1]) != null)
            {
                return "";
            }
            if (metadata.markProblem() != null)
            {
                return ". Whether a commit covered any entry after position " + newest + " cannot be told: " +
                    metadata.file() + " is damaged (" + metadata.markProblem() + "), so clients may have seen them, and " +
                    "a copy of the journal that holds them (a backup, the standby's) is the way to keep them";
            }
            mark = metadata.committedAtOpen();
        }
        catch (final RuntimeException ex)
        {
            return "";
        }
        if (mark <= newest)
        {
            return ". Nothing committed lies past it: ringlog.meta's committed mark is " + mark + ", so no commit " +
                "covered an entry after position " + newest + " and the cut drops only entries never acknowledged (a " +
                "power cut before the mark reached the disk can leave it behind the last commits)";
        }
        return ". Positions " + (newest + 1) + ".." + mark + " were committed (ringlog.meta's committed mark is " + mark +
            "), so clients may have seen them: a copy of the journal that holds them (a backup, the standby's) is the " +
            "way to keep them";
    }

    /**
     * Why a cycle file whose Chronicle header is damaged is not opened, and the way out: its entries do not
     * depend on the header, and a repair copies them into a new file.
     */
    static String damagedHeader(final Path directory, final CycleFileScan scan, final long newest,
        final long previousNewest)
    {
        final String found;
        final CycleFileScan.DamagedEntry damaged = scan.unsplit > 0 ? damagedEntry(scan) : null;
        final long first = damaged == null ? -1 : firstPosition(scan, previousNewest);
        final long damagedAt = first > 0 ? first + damaged.index() : -1;
        if (scan.entries == 0)
        {
            found = "Where its entries start cannot be found past the damage: restore the file from a copy" +
                (previousNewest > 0 ? ", or drop it and every later file with 'scripts/journal repair -d " + directory +
                " --truncate-after " + previousNewest + " --force' (run it without --apply first: it lists what it drops)" :
                "");
        }
        else if (damaged != null && damagedAt > 0)
        {
            // A rebuild copies the entries as they are, so it cannot mend these: the way out is a cut before them.
            found = "Its entries are damaged from position " + damagedAt + " on (" + damaged.problem() + "), so " +
                "a rebuild, which copies them as they are, does not mend it. Restore the file from a copy (a backup, " +
                "the standby's journal); or keep positions up to " + (damagedAt - 1) + " with 'scripts/journal repair -d " +
                directory + " --truncate-after " + (damagedAt - 1) + "' (run it without --apply first: it lists what " +
                "it drops, and whether --force is needed)";
        }
        else
        {
            final String positions = newest > 0 && scan.unsplit == scan.recounted ? ", positions " + (newest - scan.entries + 1) +
                ".." + newest : "";
            found = (scan.documentDamage != null && scan.documentDamage.equals(scan.headerDamage) ? "Its entries are " +
                "whole" : "Its entries do not depend on the " + (scan.headerDamage.startsWith(CycleFileScan.INDEX_DAMAGED) ? "index" :
                "header")) + ", and the walk past the damage found " +
                scan.entries + " whole entries" + positions + ": 'scripts/journal repair -d " + directory + "' writes the file " +
                "anew with every one of them, under a new header and index (run it without --apply first: it lists what " +
                "it does)";
        }
        return "cycle file " + scan.file + " cannot be read by Chronicle Queue: " + scan.headerDamage + ". " + found;
    }

    /**
     * Why a journal whose oldest entry is damaged, header and all, cannot be read, and the ways out: no later entry
     * can be placed without knowing where the journal starts, and no cut keeps anything.
     */
    static String firstEntryUnreadable(final Path file)
    {
        return "the journal's oldest entry, the first of " + file + ", is damaged, its header too: where the journal " +
            "starts cannot be told, so no entry of it can be read. " +
            "Restore the file from a copy (a backup, the standby's journal); or, to begin an empty journal, move the " +
            "journal's directory aside (mv " + file.getParent() + " " + file.getParent() + ".damaged), keeping it " +
            "for the record";
    }

    /** The first damaged entry of a file the walk could not split, or null where it cannot be read again. */
    private static CycleFileScan.DamagedEntry damagedEntry(final CycleFileScan scan)
    {
        try
        {
            return scan.firstDamagedEntry(1 << 16);
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    /**
     * A file's first position: what its own entries say (as the repair reads it, so both name the same cut), else the
     * previous file's newest plus one; -1 if neither tells.
     */
    private static long firstPosition(final CycleFileScan scan, final long previousNewest)
    {
        try
        {
            final long own = scan.firstPosition();
            return own > 0 ? own : previousNewest > 0 ? previousNewest + 1 : -1;
        }
        catch (final IOException ex)
        {
            return -1;
        }
    }

    /**
     * Whether {@code file} is named as Chronicle names a cycle file (a date in digits first, then {@code .cq4}); Chronicle
     * reads no other file of the directory, and neither does ringlog.
     */
    public static boolean isCycleFile(final Path file)
    {
        return CycleNames.isCycleFileName(file.getFileName().toString());
    }

    /**
     * Whether {@code directory} holds a journal: a cycle file, Chronicle's table store, or ringlog's
     * metadata (which a journal has from its first open, before its first entry). For tools that open
     * read-only, where an empty directory would otherwise read as an empty journal.
     */
    public static boolean isJournalDirectory(final Path directory)
    {
        if (!Files.isDirectory(directory))
        {
            return false;
        }
        try (Stream<Path> listing = Files.list(directory))
        {
            return listing.map((file) -> file.getFileName().toString()).anyMatch((name) -> CycleNames.isCycleFileName(name) ||
                name.endsWith(CYCLE_FILE_SUFFIX + "t") || name.equals(JournalMetadata.FILE_NAME));
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot read the journal directory " + directory + ": " + describe(ex), ex);
        }
    }

    /**
     * What to tell a user who named {@code directory}, which holds no journal: and, where a directory in it does
     * (a demo's {@code --keep} directory holds its journal in {@code journal/}), which one to give instead.
     */
    public static String noJournalIn(final Path directory)
    {
        final Path found = journalInside(directory);
        final String inside = found == null ? null : found.toString();
        if (Files.exists(directory) && !Files.isDirectory(directory))
        {
            return directory + " is a file, not a journal's directory: give the directory the journal was written to";
        }
        return "no journal in " + directory + " (no Chronicle Queue files and no ringlog.meta there): " + (inside != null ?
            inside + " holds one: give that directory" : "give the directory the journal was written to");
    }

    /**
     * Loads the Chronicle class that adds a shutdown hook the first time a journal is opened (its resource releaser),
     * so that a command which installs a signal handler of its own first, and is stopped by a signal as it starts,
     * does not open its journal while the JVM shuts down: the JVM refuses the hook then, and the releaser's thread
     * printed {@code NoClassDefFoundError ... Shutdown in progress} (a reviewer's finding). Costs nothing after the
     * first call; does nothing where the class is not there.
     */
    public static void loadShutdownHooks()
    {
        try
        {
            Class.forName("net.openhft.chronicle.core.io.BackgroundResourceReleaser", true,
                ChronicleJournal.class.getClassLoader());
        }
        catch (final ClassNotFoundException | LinkageError ex)
        {
            // Another Chronicle version: the open loads what it needs, as before.
        }
    }

    /**
     * A journal's directory in {@code directory} ({@code journal/} first, else the first by name), or null where
     * there is none or it cannot be listed.
     */
    public static Path journalInside(final Path directory)
    {
        try
        {
            if (isJournalDirectory(directory.resolve("journal")))
            {
                return directory.resolve("journal");
            }
            if (Files.isDirectory(directory))
            {
                try (Stream<Path> listing = Files.list(directory))
                {
                    return listing.filter(ChronicleJournal::isJournalDirectory).sorted().findFirst().orElse(null);
                }
            }
        }
        catch (final IOException | JournalException | UncheckedIOException ex)
        {
            return null;
        }
        return null;
    }

    /** The longest document a journal whose commands carry up to {@code maxPayloadLength} bytes writes. */
    static int maxDocumentLength(final int maxPayloadLength)
    {
        return Math.max(MAX_DOCUMENT_BYTES, CommandCodec.HEADER_LENGTH + maxPayloadLength);
    }

    /** The position of the newest whole entry a walk found, read with plain reads; 0 if none decodes. */
    static long newestPosition(final CycleFileScan scan)
    {
        if (scan.entries == 0)
        {
            return 0;
        }
        try
        {
            return Math.max(0, readNewest(scan, new ExpandableArrayBuffer(scan.newestLength(0)), new Crc32c()));
        }
        catch (final IOException ex)
        {
            return 0;
        }
    }

    /** Reads the newest whole entry a walk found into {@code into}, with plain reads: its position, or -1 if damaged. */
    private static long readNewest(final CycleFileScan scan, final ExpandableArrayBuffer into, final Crc32c checksum)
        throws IOException
    {
        final int length = scan.newestLength(0);
        into.checkLimit(length);
        CycleFileScan.read(scan.file, scan.newestOffset(0), into.byteArray(), length);
        try
        {
            CommandCodec.check(into, 0, length, checksum);
            return CommandCodec.position(into, 0);
        }
        catch (final CorruptEntryException ex)
        {
            return -1;
        }
    }

    /** A failed write as words; a fault in the map names the cycle file being written and what to run. */
    private String describeWrite(final Throwable ex)
    {
        if (!MappedFileFault.is(ex))
        {
            return describe(ex);
        }
        // The appender's cycle: the first document of a new file faults before currentCycle moves to it.
        final int cycle = appender != null ? appender.cycle() : queue.cycle();
        return "a fault writing cycle file " + ctx.directory().resolve(fileName(cycle)) + " through its memory " +
            "map, at a byte the file no longer has: it was cut short while the journal wrote it (truncated, or " +
            "replaced), or its storage failed. 'scripts/journal verify -d " + ctx.directory() + "' says what the " +
            "journal still holds";
    }

    /** {@link #describe}, for a failure while reading: a SIGBUS there is a read where the mapped file has no data. */
    static String describeRead(final Throwable ex)
    {
        return ex instanceof InternalError ? "a fault reading its memory-mapped file where the file has no data (a " +
            "cycle file damaged, or cut short)" : describe(ex);
    }

    /** A Chronicle failure as words for a message: its own, without the class name or a stack. */
    static String describe(final Throwable ex)
    {
        if (ex instanceof FileSystemException)
        {
            return FileErrors.describe(ex);
        }
        if (MappedFileFault.is(ex))
        {
            return "a fault in its memory-mapped cycle file, at a byte the file no longer has (it was cut short while " +
                "in use), or whose storage failed";
        }
        final String message = ex.getMessage();
        if (ex instanceof NullPointerException)
        {
            // The JVM's words for it ('Cannot invoke "String.equals(Object)" because "format" is null', a reviewer's
            // flipped bit in metadata.cq4t) are about Chronicle's code, not the file.
            return "a field it needs in its files is missing or does not read";
        }
        if (message == null || message.isBlank())
        {
            return "an internal fault it does not describe";
        }
        // Chronicle follows some of its words with a hex dump of the bytes around the fault, lines of it: not a
        // person's message, and the file and what to do are said beside it.
        final String first = message.lines().findFirst().orElse(message).strip();
        final int dump = first.indexOf(", bytes:");
        return dump > 0 ? first.substring(0, dump) : first;
    }

    /** The name Chronicle gives the file of {@code cycle}. */
    private String fileName(final int cycle)
    {
        return fileNames.format(Instant.ofEpochMilli(cycle * (long)rollCycle.lengthInMillis() + queue.epoch())) +
            CYCLE_FILE_SUFFIX;
    }

    /**
     * A cycle file whose walk counts fewer whole documents than Chronicle's index: a document header in
     * it is damaged. Which position that leaves whole cannot be told from the counts (a header can be
     * damaged into one the walk passes over), so it names no position and sends the user to repair's dry
     * run, which reads the file and lists what a cut keeps.
     */
    private JournalException damagedDocuments(final CycleFileScan file, final long indexed, final long start)
    {
        return new JournalException("cycle file " + file.file + " holds " + file.documents + " whole documents but " +
            "Chronicle's index of it counts " + indexed + ": a document header in it is damaged" +
            (start > 0 ? " (the file's first position is " + start + ")" : "") + ". 'scripts/journal repair -d " + ctx.directory() +
            " --truncate-after N' keeps the positions up to N: run it without --apply first, it says the last whole " +
            "position and what the cut drops");
    }

    /**
     * Refuses a read-only view through a {@code metadata.cq4t} older than the cycle files: Chronicle's readers
     * take the newest cycle from it (a read-only open never refreshes it from the directory), so they would
     * stop at the end of the cycle it names, and the journal read as ending there. A writer refreshes the
     * table; with none alive, the table was put back with an older copy, or copied from one.
     */
    private void staleTable(final NavigableSet<Long> onDisk)
    {
        // A blank file (zeros end to end) holds nothing: a table that does not list it is not older than the entries.
        long newestOnDisk = onDisk.last();
        for (final Long cycle : onDisk.descendingSet())
        {
            newestOnDisk = cycle;
            final CycleFileScan scan = files.get(fileName(cycle.intValue()));
            if (scan == null || !scan.blank)
            {
                break;
            }
        }
        final long oldestOnDisk = onDisk.first();
        if (!ctx.readOnly() || !Files.exists(ctx.directory().resolve(METADATA_FILE)))
        {
            return;
        }
        final int listed = queue.lastCycle();
        final int listedFirst = queue.firstCycle();
        if (listedFirst >= 0 && listedFirst != Integer.MAX_VALUE && listedFirst > oldestOnDisk &&
            !onDisk.contains((long)listedFirst) && JournalLock.liveWriter(ctx.directory()) == null)
        {
            // Chronicle's readers start at the table's first cycle, which is gone; a file before it is not listed.
            throw new JournalException("Chronicle's table " + ctx.directory().resolve(METADATA_FILE) + " lists cycle " +
                "files from " + fileName(listedFirst) + ", which is not in the directory, and not " +
                fileName((int)oldestOnDisk) + ", which is (a file moved out, and another put there or renamed, after " +
                "the table was written): Chronicle's readers would look for the journal's entries where they are not. " +
                "Move the table away (the read-only tools do without it, and the next writer makes it again) and look " +
                "again; the cycle files are not touched");
        }
        if (listed >= 0 && listed < newestOnDisk && JournalLock.liveWriter(ctx.directory()) == null)
        {
            // A file the table does not list that holds positions a listed one holds is a copy put in the directory,
            // not a sign the table is old (a newcomer's probe: moving the table away, as advised, lost what told the
            // copy from the original).
            final String copy = unlistedCopy(onDisk, listed);
            if (copy != null)
            {
                throw new JournalException(copy);
            }
            throw new JournalException("Chronicle's table " + ctx.directory().resolve(METADATA_FILE) + " lists cycle " +
                "files up to " + fileName(listed) + ", but the directory holds them up to " +
                fileName((int)newestOnDisk) + ": the table is older than the files (put back, or copied, with an " +
                "older copy of the journal), and Chronicle's readers would stop at the end of " + fileName(listed) +
                " as if the journal ended there. Move the table away (the read-only tools do without it, and the " +
                "next writer makes it again) and look again; the cycle files are not touched");
        }
    }

    /**
     * A cycle file newer than the table's last ({@code listed}) whose first position a listed file holds too, in
     * words with what to do; null if none.
     */
    private String unlistedCopy(final NavigableSet<Long> onDisk, final int listed)
    {
        final CycleFileScan newestListed = files.get(fileName(listed));
        try
        {
            final long listedFirst = newestListed == null ? -1 : newestListed.firstPosition();
            if (listedFirst <= 0)
            {
                return null;
            }
            final long listedLast = listedFirst + newestListed.entries - 1;
            for (final Long cycle : onDisk.tailSet((long)listed, false))
            {
                final CycleFileScan scan = files.get(fileName(cycle.intValue()));
                final long first = scan == null ? -1 : scan.firstPosition();
                if (first > 0 && first <= listedLast)
                {
                    // Which listed file holds it: the newest listed one that starts at or before it.
                    String holder = fileName(listed);
                    boolean held = false;
                    int before = -1;
                    for (final Long older : onDisk.headSet((long)listed, true).descendingSet())
                    {
                        final CycleFileScan olderScan = files.get(fileName(older.intValue()));
                        final long heldFirst = olderScan == null ? -1 : olderScan.firstPosition();
                        if (heldFirst > 0 && heldFirst <= first)
                        {
                            holder = fileName(older.intValue());
                            held = first <= heldFirst + olderScan.entries - 1;
                            before = older.intValue();
                            break;
                        }
                    }
                    if (!held && before >= 0)
                    {
                        // A code review's: the middle file renamed to a later cycle was called a copy of the file before
                        // it, which does not hold its positions; moving it out lost them.
                        final Long after = onDisk.higher((long)before);
                        final boolean one = after != null && after - before == 2;
                        return "cycle file " + scan.file + " starts at position " + first + ", which no other file holds: " +
                            holder + " ends at position " + (first - 1) + ". Its name puts it after " + fileName(listed) +
                            ", the newest Chronicle's table lists, where its positions go between " + holder + " and " +
                            (after == null ? "the end" : fileName(after.intValue())) + ": the file was renamed (or copied " +
                            "back under another name), and nothing needs cutting or moving out: " + (one ? "give it its " +
                            "name back (in " + ctx.directory() + ": mv " + scan.file.getFileName() + " " +
                            fileName(before + 1) + ")" : "name it for a cycle between those two files") + verifyAgain();
                    }
                    return "cycle file " + scan.file + " starts at position " + first + ", which " + holder + " holds " +
                        "too, and Chronicle's table " + ctx.directory().resolve(METADATA_FILE) + " lists files up to " +
                        fileName(listed) + " only: " + scan.file.getFileName() + " is a copy (of " + holder + ", or of " +
                        "another journal's file) put in the directory after the table was written. Move it out of " +
                        ctx.directory() + " and look again; nothing needs cutting, and the table is right";
                }
            }
        }
        catch (final IOException ex)
        {
            return null;
        }
        return null;
    }

    /**
     * Of two files that hold the same positions, the one Chronicle's table does not list, in words (empty when both
     * are listed, or there is no table to ask): a file put in the directory after the table was last written.
     */
    private String strayByTable(final int earlierCycle, final Path earlier, final int laterCycle, final Path later)
    {
        if (!Files.exists(ctx.directory().resolve(METADATA_FILE)))
        {
            return "";
        }
        final int first = queue.firstCycle();
        final int last = queue.lastCycle();
        if (first < 0 || first == Integer.MAX_VALUE || last < 0)
        {
            return "";
        }
        final boolean earlierListed = earlierCycle >= first && earlierCycle <= last;
        final boolean laterListed = laterCycle >= first && laterCycle <= last;
        if (earlierListed == laterListed)
        {
            return "";
        }
        return "; Chronicle's table (" + METADATA_FILE + ") lists cycle files " + fileName(first) + " to " +
            fileName(last) + ", so " + (earlierListed ? later : earlier).getFileName() + " is the one put there after it";
    }

    /** Builds the (cycle, first position) table, checks that cycles chain, and finds a torn tail. */
    private void scan()
    {
        // The cycle files there are, by name. Chronicle's own list comes from metadata.cq4t, which a read-only
        // open never refreshes: after a file is deleted, or a repair drops one, it still names it.
        final NavigableSet<Long> onDisk = cyclesOnDisk();
        if (onDisk.isEmpty())
        {
            findTornEntry(0);
            return;
        }
        staleTable(onDisk);
        if (!ctx.readOnly())
        {
            // Written on in the newest file's cycle or a later one, never an older (a clock stepped back: NTP at
            // midnight halted the engine, which Chronicle refused to let write into a cycle it had rolled past; a
            // newcomer's finding). The newest file by name, entries or not: a roll cut short by a crash leaves a file
            // of the next cycle with no entry, and the older one ended (a reviewer's finding).
            cycleClock.floor(queue.epoch() + onDisk.last() * rollCycle.lengthInMillis());
        }
        final int[] foundCycles = new int[onDisk.size()];
        final long[] foundFirsts = new long[onDisk.size()];
        final Path[] foundFiles = new Path[onDisk.size()];
        int count = 0;
        long nextExpected = 0;
        CycleFileScan lastFile = null;
        try (ExcerptTailer tailer = queue.createTailer())
        {
            tailer.singleThreadedCheckDisabled(true);
            for (final Long boxed : onDisk)
            {
                final int cycle = boxed.intValue();
                final CycleFileScan scanned = files.get(fileName(cycle));
                // A file of zeros holds nothing, and Chronicle would wait 10 s for a header to appear in it.
                final long documents = scanned != null && scanned.blank ? 0 : tailer.excerptsInCycle(cycle);
                final CycleFileScan file = grownSinceScanned(cycle, scanned, documents);
                if (file == null)
                {
                    if (documents > 0)
                    {
                        throw new JournalException(nextExpected, "Chronicle lists cycle " + cycle + " but its file " +
                            fileName(cycle) + " was not found in " + ctx.directory());
                    }
                    continue;
                }
                if (documents >= 0 && (file == scanned ? file.documents != documents : file.documents < documents))
                {
                    throw damagedDocuments(file, documents, count == 0 ?
                        positionAt(tailer, rollCycle.toIndex(cycle, 0)) : nextExpected);
                }
                // A document holds one or more entries; the walk of the file counted them.
                final long entries = file.entries;
                if (entries <= 0)
                {
                    continue;
                }
                final long read = positionAt(tailer, rollCycle.toIndex(cycle, 0));
                // A damaged first entry: the next intact one says where the file starts, counting back over it.
                final long stored = read > 0 ? read : firstByOldestIntact(file);
                final long firstPosition;
                if (count == 0)
                {
                    if (stored <= 0)
                    {
                        throw new JournalException(firstEntryUnreadable(file.file));
                    }
                    firstPosition = stored;
                }
                else
                {
                    if (stored > 0 && stored < nextExpected)
                    {
                        // Two files that hold the same positions: no writer does that, and cutting the journal (the
                        // advice for missing positions) would drop real files and keep the stray one. The earlier file
                        // that holds the position is named, whichever it is.
                        int holder = count - 1;
                        while (holder > 0 && foundFirsts[holder] > stored)
                        {
                            holder--;
                        }
                        final long holderEnd = holder + 1 < count ? foundFirsts[holder + 1] - 1 : nextExpected - 1;
                        if (stored < foundFirsts[holder])
                        {
                            // A code review's: the first two files swapped were said as two files holding one position
                            // (none does), and moving either out lost a file's entries.
                            final long end = stored + entries - 1;
                            final boolean swapped = count == 1 && end + 1 == foundFirsts[0] &&
                                onDisk.higher((long)foundCycles[0]) == (long)cycle;
                            final String name = foundFiles[holder].getFileName().toString();
                            final String later = file.file.getFileName().toString();
                            throw new JournalException(stored, "cycle file " + file.file + " starts at position " + stored +
                                ", before every position of the earlier file " + name + " (" + foundFirsts[holder] + ".." +
                                holderEnd + "): no two files hold one position, but their names are out of their " +
                                "positions' order (renamed, or copied back under each other's names), and nothing needs " +
                                "cutting or moving out: " + (swapped ? namesBack(name, later) : "name the files so that " +
                                "their names follow their positions") + verifyAgain());
                        }
                        final String which = strayByTable(foundCycles[holder], foundFiles[holder], cycle, file.file);
                        throw new JournalException(stored, "cycle file " + file.file + " starts at position " + stored +
                            ", but an earlier file, " + foundFiles[holder].getFileName() + ", holds positions " +
                            foundFirsts[holder] + ".." + holderEnd + ": both hold position " + stored + ", which a " +
                            "journal's files never do, so one of them is not this journal's (a copy of another of its " +
                            "files, or another journal's file, put in the directory; a copy has the same bytes as the " +
                            "file it was copied from)" + which + ". Move the one that does not belong out of " +
                            ctx.directory() +
                            " (with it gone, 'scripts/journal verify -d " + ctx.directory() + "' says whether the rest " +
                            "is whole); nothing needs cutting");
                    }
                    if (stored > 0 && stored != nextExpected)
                    {
                        final String misnamed = misnamedHolder(onDisk, cycle, nextExpected, stored, file.file,
                            lastFile.file);
                        if (misnamed != null)
                        {
                            throw new JournalException(nextExpected, misnamed);
                        }
                        final List<Path> before = Arrays.asList(Arrays.copyOf(foundFiles, count));
                        final String names = before.stream().map((p) -> p.getFileName().toString())
                            .collect(java.util.stream.Collectors.joining(", "));
                        // Moving the files before the gap aside is how a journal trimmed behind its snapshots looks: where
                        // a snapshot holds the state through the gap, that keeps every entry after it, which the cut drops.
                        throw new MissingCycleException(nextExpected - 1, stored, before, "cycle file " + file.file +
                            " starts at position " + stored + ", but the file before it, " + lastFile.file.getFileName() +
                            ", ends at position " + (nextExpected - 1) + ": positions " + nextExpected + ".." + (stored - 1) +
                            " are missing (a cycle file deleted or lost" + (lastFile.state == CycleFileScan.End.END_OF_FILE ?
                            "" : "; or the end of " + lastFile.file.getFileName() + " itself: it has no end-of-file marker, " +
                            "and its data stops at byte " + lastFile.end + " of " + lastFile.length + ", where a page " +
                            "lost in a crash, zeros where entries were, would stop it") + "). Restore it from a copy. Or, " +
                            "where a snapshot at " +
                            "position " + stored + " or later holds the state through the gap, move the " +
                            (count == 1 ? "file" : count + " files") + " before it (" + names + ") out of " + ctx.directory() +
                            ": the journal then starts at position " + stored + ", as one trimmed behind its snapshots does, " +
                            "and a restart recovers from that snapshot with every entry after the gap. Or accept the loss " +
                            "of the later files: 'scripts/journal repair -d " + ctx.directory() + " --truncate-after " +
                            (nextExpected - 1) + " --force' keeps the positions up to " + (nextExpected - 1) + " and drops " +
                            "every later file (run it without --apply first: it lists what it drops)");
                    }
                    firstPosition = nextExpected;
                }
                foundCycles[count] = cycle;
                foundFirsts[count] = firstPosition;
                foundFiles[count] = file.file;
                count++;
                // The cycle ends at its newest entry's position, which must be what counting the entries gives; but
                // a damaged document that does not split into entries hides how many it held, so with one of those
                // the newest intact entry may be further on (readers find the damage where it is).
                final long counted = firstPosition + entries - 1;
                final long newestStored = newestEntry(file);
                if (newestStored > 0 && (newestStored < counted || newestStored > counted && file.unsplit == file.recounted))
                {
                    throw new JournalException(counted, "the newest entry of cycle " + cycle + " says position " +
                        newestStored + ", but the cycle starts at " + firstPosition + " and holds " + entries +
                        " entries: the journal has a gap or a foreign entry");
                }
                nextExpected = (newestStored > 0 ? newestStored : counted) + 1;
                lastFile = file;
            }
            if (count == 0)
            {
                findTornEntry(0);
                return;
            }
            final int lastCycle = foundCycles[count - 1];
            final long newest = nextExpected - 1;
            final long storedNewest = newestEntry(lastFile);
            newestFormat = storedNewest > 0 ? CommandCodec.format(probe, 0) : 0;
            lastPosition = newest;
            appendedPosition = newest;
            cycles = Arrays.copyOf(foundCycles, count);
            cycleFirstPositions = Arrays.copyOf(foundFirsts, count);
            currentCycle = lastCycle;
            currentCycleFirstPosition = foundFirsts[count - 1];
            lastSequence = lastFile.documents - 1;
            findTornEntry(newest);
            checkTail();
        }
    }

    /** Whether Chronicle refused to write into a cycle file it has rolled past. */
    private static boolean afterEndOfFile(final Throwable failure)
    {
        for (Throwable cause = failure; cause != null; cause = cause.getCause())
        {
            if (cause.getClass().getSimpleName().equals("WriteAfterEOFException"))
            {
                return true;
            }
        }
        return false;
    }

    /** Why Chronicle would write into a cycle it has rolled past, in words: the clock it asks is behind. */
    private String clockBehind()
    {
        final long now = ctx.epochMillisClock() != null ? ctx.epochMillisClock().getAsLong() : System.currentTimeMillis();
        final NavigableSet<Long> cycles = cyclesOnDisk();
        return "the clock it asks for the cycle (" + java.time.Instant.ofEpochMilli(now) + ") is in an older cycle than " +
            "the journal's newest cycle file" + (cycles.isEmpty() ? "" : " (cycle " + cycles.last() + ", this clock's " +
            "is " + rollCycle.current(() -> now, queue.epoch()) + ")") + ", which Chronicle has rolled past and will " +
            "not write into: the clock stepped back, or a clock of the service's own (ChronicleJournal.Context." +
            "epochMillisClock) is behind the one that wrote the journal. The journal is intact; it takes entries " +
            "again from a clock in the newest file's cycle or later";
    }

    /**
     * The cycles of the cycle files the open walked, oldest first. A .cq4 file whose name is no cycle of
     * this roll cycle is not one of them, as Chronicle ignores it too.
     */
    private NavigableSet<Long> cyclesOnDisk()
    {
        final NavigableSet<Long> cycles = new TreeSet<>();
        for (final String name : files.keySet())
        {
            final int cycle = CycleNames.cycleOf(name, rollCycle, queue.epoch());
            if (cycle >= 0)
            {
                cycles.add((long)cycle);
            }
        }
        return cycles;
    }

    /**
     * Opened read-only, the journal may have a writer appending to it (a service running while the
     * journal tool looks): the files were walked before Chronicle counted its index, so the newest one
     * may hold more documents by now than the walk saw. That is growth, not damage, if a second walk
     * finds at least as many whole documents as the index counted; the journal is then read as that
     * walk found it, and {@link #grewWhileOpening()} says so. A file that still holds fewer is damaged.
     */
    private CycleFileScan grownSinceScanned(final int cycle, final CycleFileScan scanned, final long documents)
    {
        if (!ctx.readOnly() || documents <= 0 || scanned != null && scanned.documents >= documents)
        {
            return scanned;
        }
        final Path path = ctx.directory().resolve(fileName(cycle));
        // A writer faster than the walk grows the file under it too (Chronicle extends it a chunk at a time), so a
        // walk again can meet a document past the length it read at its start: where a writer is alive, that walk
        // is growth as well, and its documents before the end it read are whole. A few tries, then damage.
        final boolean writing = JournalLock.liveWriter(ctx.directory()) != null;
        final Predicate<CycleFileScan> grown = (walk) -> (!walk.cut() || writing) && walk.documents >= documents;
        final CycleFileScan again = walkAgain(path, maxDocumentLength(ctx.maxPayloadLength()) + 8, writing ? 5 : 1,
            grown);
        if (again == null || !grown.test(again))
        {
            return scanned;
        }
        files.put(fileName(cycle), again);
        grewWhileOpening = true;
        return again;
    }

    /**
     * Walks a cycle file a writer may be growing again, up to {@code attempts} times, until a walk is
     * {@code enough}: the last walk made, or null if the file is gone or cannot be read.
     */
    private static CycleFileScan walkAgain(final Path file, final int window, final int attempts,
        final Predicate<CycleFileScan> enough)
    {
        CycleFileScan walk = null;
        for (int attempt = 0; attempt < attempts && (walk == null || !enough.test(walk)); attempt++)
        {
            try
            {
                if (!Files.isRegularFile(file))
                {
                    return null;
                }
                walk = CycleFileScan.scan(file, window);
            }
            catch (final IOException ex)
            {
                return walk;
            }
        }
        return walk;
    }

    /**
     * Whether, opened read-only, the journal was found growing while it was opened: another process is
     * writing it. It is read as it was at that moment; entries appended since are not part of this view.
     */
    public boolean grewWhileOpening()
    {
        return grewWhileOpening;
    }

    /**
     * When this open began, epoch ms: opened read-only beside a writer, the view holds every entry journaled by then
     * (and perhaps some after).
     */
    public long openBeganMillis()
    {
        return openBeganMillis;
    }

    /**
     * The process that holds this directory's writer lock, as "pid 123, since ...", when it is alive:
     * opened read-only, this journal is a view of one another process is writing. Null when none is.
     */
    public String liveWriter()
    {
        return lock != null ? null : JournalLock.liveWriter(ctx.directory());
    }

    /**
     * Why a writer could not open the journal in {@code directory} now, another process writing it (as its open
     * would refuse, in the same words), or null when none is: for a command that checks its other inputs against
     * the journal first, and should not send the user to mend those while the journal is taken.
     */
    public static String writtenElsewhere(final Path directory)
    {
        final String writer = Files.isDirectory(directory) ? JournalLock.liveWriter(directory) : null;
        return writer == null || writer.equals("pid " + ProcessHandle.current().pid()) ? null :
            JournalLock.openElsewhere(directory, " (" + writer + ")");
    }

    /**
     * Checks the newest entries of the newest cycle file, read with plain reads. Damaged ones at the
     * very end (a full disk leaves an entry whose bytes never all reached the file: zeros where the
     * rest should be) are dropped when no commit covered them, which the committed mark tells: their
     * events were never visible, so nothing seen is lost. Read-only, they are reported as a torn tail
     * and left alone; for writing, {@link #open} cuts them off the file. Damaged entries a commit did
     * cover (or may have: a journal without a mark) stop a writable open with the reason and the
     * repair: they may have been seen, so only an explicit, forced repair drops them.
     */
    private void checkTail()
    {
        final CycleFileScan newest = files.get(fileName(currentCycle));
        if (newest == null)
        {
            return;
        }
        int damaged = 0;
        String reason = null;
        for (int back = 0; back < newest.newestKnown(); back++)
        {
            final int length = newest.newestLength(back);
            try
            {
                probe.checkLimit(length);
                CycleFileScan.read(newest.file, newest.newestOffset(back), probe.byteArray(), length);
                CommandCodec.check(probe, 0, length, crc);
                break;
            }
            catch (final CorruptEntryException ex)
            {
                damaged++;
                reason = ex.getMessage();
            }
            catch (final IOException ex)
            {
                throw new JournalException(lastPosition - back, "cannot read " + newest.file + ": " +
                    FileErrors.describe(ex, newest.file), ex);
            }
        }
        if (damaged == 0)
        {
            return;
        }
        final long from = lastPosition - damaged + 1;
        final long mark = metadata != null ? metadata.committedAtOpen() : -1;
        boolean counted = true;
        for (int back = 0; back < damaged; back++)
        {
            counted &= newest.newestSplit(back);
        }
        // Where a damaged document does not split into entries by their headers, how many it held is unknown.
        final boolean one = counted && damaged == 1;
        final String which = !counted ? "entries from " + from + " on, the end of the newest document," : one ?
            "entry " + from + ", the newest," : "entries " + from + ".." + lastPosition + ", the newest " + damaged + ",";
        final long offset = newest.newestDocument(damaged - 1);
        final int header;
        try
        {
            CycleFileScan.read(newest.file, offset, probe.byteArray(), 4);
            header = probe.getInt(0, ByteOrder.LITTLE_ENDIAN);
        }
        catch (final IOException ex)
        {
            throw new JournalException(from, "cannot read " + newest.file + ": " +
                    FileErrors.describe(ex, newest.file), ex);
        }
        // The mark's page may lag the entries' (a power cut): a document that another follows was committed all the same.
        final long byOrder = committedByOrder();
        if (mark >= 0 && from > Math.max(mark, byOrder))
        {
            final String found = which + " failed " + (one ? "its" : "their") + " checks (" + reason +
                ") and no commit covered " + (one ? "it" : "them") + " (the committed mark is " + mark +
                "): never visible, whether written as the writer failed (a full disk, a crash) or damaged since on " +
                "disk";
            if (ctx.readOnly())
            {
                lastPosition = from - 1;
                appendedPosition = from - 1;
                final long run = newest.firstRun >= 0 && newest.firstRun < newest.entries - damaged ?
                    currentCycleFirstPosition + newest.firstRun : -1;
                reportTorn(new TornEntry(from - 1, newest.file, offset, header, found + (run < 0 ? "; the next writable " +
                    "open drops " + (one ? "it" : "them") : "; the next writable open cannot drop " + (one ? "it" : "them") +
                    ": the file holds a damaged run of " + newest.firstRunCount + " entries before, positions " + run + ".." +
                    (run + newest.firstRunCount - 1) + ", which a rewrite cannot copy entry by entry. Cut before the run " +
                    "('scripts/journal repair -d " + ctx.directory() + " --truncate-after " + (run - 1) + " --force'), or " +
                    "restore the file from a copy")));
            }
            else
            {
                dropping = new TornEntry(from - 1, newest.file, offset, header, found + "; dropped (the cycle file was " +
                    "rewritten without " + (one ? "it" : "them") + ")");
                droppingKeep = newest.entries - damaged;
            }
        }
        else if (!ctx.readOnly())
        {
            if (damagedMark() != null)
            {
                // The mark decides what may be dropped here: it first (verify lists both).
                throw new JournalException(damagedMark());
            }
            throw new JournalException(from, which + " fails its checks: " + reason + ". " + (mark < 0 ?
                "Whether it was committed is unknown (the journal has no ringlog.meta yet)" : from > mark ?
                "It was committed: " + JournalRepair.lagging(mark + 1, byOrder, mark) + ", so clients may have seen it" :
                "It was committed (the committed mark is " + mark + "), so clients may have seen it") +
                ": recovery does not drop it. Restore the journal from a copy; or accept the loss with " +
                "'scripts/journal repair -d " + ctx.directory() + " --truncate-after " + (from - 1) + " --force' (dry run " +
                "first)");
        }
    }

    /**
     * Zeroes what a writer killed inside a batch left after the newest whole document, before this writer
     * appends over it. Chronicle reclaims the slot, but writes only its own documents and the header word
     * after them: of a torn batch longer than what is written next, the rest would stay in the file, and
     * every later open would take it for a torn entry again. Nothing whole lies there (the walk ended at
     * it), and the writer lock is held.
     */
    private void clearTornDocument()
    {
        final CycleFileScan newest = newestScan();
        if (newest == null || newest.state != CycleFileScan.End.TORN)
        {
            return;
        }
        final long to = Math.min(newest.length, newest.end + 4 + maxDocumentLength(ctx.maxPayloadLength()) + 8);
        try (FileChannel channel = FileChannel.open(newest.file, StandardOpenOption.WRITE))
        {
            final ByteBuffer zeros = ByteBuffer.allocate((int)Math.max(0, to - newest.end));
            while (zeros.hasRemaining())
            {
                channel.write(zeros, newest.end + zeros.position());
            }
        }
        catch (final IOException ex)
        {
            throw new JournalException(lastPosition + 1, "cannot clear the torn end of " + newest.file + ": " +
                FileErrors.describe(ex, newest.file), ex);
        }
    }

    /** The walk of the newest cycle file (by name), or null if there is none. */
    private CycleFileScan newestScan()
    {
        CycleFileScan newest = null;
        for (final CycleFileScan scan : files.values())
        {
            newest = scan;
        }
        return newest;
    }

    private void reportTorn(final TornEntry torn)
    {
        tornEntry = torn;
        if (ctx.tornEntryListener() != null)
        {
            ctx.tornEntryListener().accept(torn);
        }
    }

    /** {@link CycleFileScan#firstPositionByOldestIntact()}, its read failure a {@link JournalException}. */
    private static long firstByOldestIntact(final CycleFileScan file)
    {
        try
        {
            return file.firstPositionByOldestIntact();
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot read " + file.file + ": " + describe(ex), ex);
        }
    }

    /**
     * The position of the first entry of the document at {@code index}, or -1 if there is none or it
     * does not decode (damaged: the tail checks and the readers say why).
     */
    private long positionAt(final ExcerptTailer tailer, final long index)
    {
        final long first = firstPositionAt(tailer, index, probe, crc);
        return first == ABSENT ? -1 : first;
    }

    /**
     * The position of the first entry of the document at {@code index}: {@link #ABSENT} if there is no
     * whole document there (past the newest, or one being written), {@link #DAMAGED} if its first entry
     * fails its checks. Reads only that entry, into {@code into}.
     */
    private long firstPositionAt(
        final ExcerptTailer tailer, final long index, final ExpandableArrayBuffer into, final Crc32c checksum)
    {
        if (!tailer.moveToIndex(index))
        {
            return ABSENT;
        }
        try (DocumentContext dc = tailer.readingDocument())
        {
            if (!dc.isPresent())
            {
                return ABSENT;
            }
            final Bytes<?> bytes = dc.wire().bytes();
            final int available = (int)Math.min(Integer.MAX_VALUE, bytes.readRemaining());
            final int head = Math.min(available, CommandCodec.HEADER_LENGTH);
            into.checkLimit(head);
            bytes.read(into.byteArray(), 0, head);
            final int length = CommandCodec.entryLength(into, 0, available);
            if (length > head)
            {
                into.checkLimit(length);
                bytes.read(into.byteArray(), head, length - head);
            }
            CommandCodec.check(into, 0, length, checksum);
            return CommandCodec.position(into, 0);
        }
        catch (final CorruptEntryException ex)
        {
            return DAMAGED;
        }
    }

    /** The newest whole entry of {@code file}, read with plain reads into the probe: its position, or -1. */
    private long newestEntry(final CycleFileScan file)
    {
        try
        {
            return readNewest(file, probe, crc);
        }
        catch (final IOException ex)
        {
            throw new JournalException(lastPosition, "cannot read " + file.file + ": " +
                FileErrors.describe(ex, file.file), ex);
        }
    }

    /**
     * Looks after the newest whole entry, in the newest cycle file (which may hold no whole entry yet:
     * a write torn as the first of a new cycle is found too). A header with the not-complete bit, or a
     * zero header followed by bytes (the writer had started filling the entry), is a torn entry.
     */
    private void findTornEntry(final long lastWhole)
    {
        final CycleFileScan newest = newestScan();
        if (newest == null || newest.state != CycleFileScan.End.TORN)
        {
            return;
        }
        final String writer = ctx.readOnly() ? JournalLock.liveWriter(ctx.directory()) : null;
        if (writer != null)
        {
            // Read while its writer is in the middle of it: the writer's work, not a crash's leftovers.
            reportTorn(TornEntry.beingWritten(lastWhole, newest.file, newest.end, newest.header, writer));
            return;
        }
        reportTorn(TornEntry.halfWritten(lastWhole, newest.file, newest.end, newest.header, !ctx.readOnly(),
            metadata != null && metadata.markProblem() == null ? metadata.committedAtOpen() : -1));
    }

    @Override
    public long lastPosition()
    {
        return lastPosition;
    }

    /** Oldest position still in the journal (after {@link #deleteCyclesBefore}); 0 when it is empty. */
    @Override
    public long firstPosition()
    {
        synchronized (cycleLock)
        {
            return cycleFirstPositions.length == 0 ? 0 : cycleFirstPositions[0];
        }
    }

    /**
     * Newest position forced to disk by this journal's syncs (0 under {@link Durability#MEMORY_MAPPED},
     * which leaves writing back to the kernel).
     */
    public long syncedPosition()
    {
        return syncedPosition;
    }

    /** This journal's identity, kept in {@value JournalMetadata#FILE_NAME}; none for a journal that has no metadata yet. */
    @Override
    public JournalId id()
    {
        return metadata != null ? metadata.id() : JournalId.NONE;
    }

    /**
     * Takes on {@code id} while this journal holds no entry (see {@link io.ringlog.core.Journal#adopt}): its
     * {@value JournalMetadata#FILE_NAME} is written anew under it, whole or not at all, as when it was created.
     */
    @Override
    public boolean adopt(final JournalId id)
    {
        final JournalMetadata current = metadata;
        if (current == null || !id.known())
        {
            return false;
        }
        if (id.equals(current.id()))
        {
            return true;
        }
        if (closed || ctx.readOnly() || writeFailure != null || appendedPosition != 0 || lastPosition != 0 ||
            document != null)
        {
            return false;
        }
        metadata = current.adopt(id);
        return true;
    }

    @Override
    public boolean readOnly()
    {
        return ctx.readOnly();
    }

    @Override
    public boolean closed()
    {
        return closed;
    }

    /**
     * The committed mark: every position up to it was committed, so may have been seen. Read-only, the
     * mark as found on open (a journal whose {@link #lastPosition()} is below it lost entries); -1 when
     * the journal has no metadata (written before ringlog kept it), or its mark fails its check ({@link #damagedMark()}).
     */
    public long committedPosition()
    {
        return metadata != null ? metadata.committed() : -1;
    }

    /**
     * The newest position that the order of the journal's documents, as walked at open, shows a commit covered
     * ({@link CycleFileScan#committedByOrder}): above {@link #committedPosition()} where ringlog.meta's page lagged the
     * entries' (a power cut). 0 where none shows it.
     */
    public long committedByOrder()
    {
        final NavigableMap<Long, CycleFileScan> byFirst = scansByFirstPosition();
        return Math.min(CycleFileScan.committedByOrder(new ArrayList<>(byFirst.values()), new ArrayList<>(byFirst.keySet())),
            lastPosition);
    }

    /**
     * For a replay up to {@code to} (a read-only open): what it cannot check because the committed mark is damaged
     * ({@link #damagedMark()}) or {@value JournalMetadata#FILE_NAME} is missing ({@link #missingMetadata()}), or
     * null. Then {@link #missingCommitted} has nothing to compare the journal's end with,
     * so committed entries lost past it (a cycle file deleted, an older copy put back) would go unseen.
     */
    public String uncheckedEnd(final long to)
    {
        final Path directory = ctx.directory();
        if (to >= lastPosition && missingMetadata() != null)
        {
            // Its mark would have said; gone, it says as little as a damaged one (a newcomer's probe: a replay of a
            // journal whose newest file and ringlog.meta were both deleted printed its state as the journal's).
            return directory.resolve(JournalMetadata.FILE_NAME) + " is missing (deleted, or not copied with the " +
                "journal), and with it the committed mark. So whether committed entries are missing past position " +
                lastPosition + ", the journal's end, cannot be told: this is the state of the entries it holds. " +
                "'scripts/journal verify -d " + directory + "' says more";
        }
        if (metadata == null || metadata.markProblem() == null || to < lastPosition)
        {
            return null;
        }
        return metadata.file() + " is damaged: " + metadata.markProblem() + ". So whether committed entries are " +
            "missing past position " + lastPosition + ", the journal's end, cannot be told: this is the state of the " +
            "entries it holds. 'scripts/journal verify -d " + directory + "' says more; 'scripts/journal " +
            "repair -d " + directory + "' sets the mark, which a writable start needs";
    }

    /**
     * Why a replay up to {@code to} would not be what the journal says, or null: the journal ends before its
     * committed mark (a cycle file deleted or lost, an older copy put back), and the replay would reach past
     * its end, printing the state as of its last position as if it were the journal's.
     */
    public String missingCommitted(final long to)
    {
        final long committed = committedPosition();
        if (committed <= lastPosition || to <= lastPosition)
        {
            return null;
        }
        final String zeros = zerosAtTheEnd(committed);
        if (zeros != null)
        {
            return zeros + ", so a replay to its end would give the state as of position " + (lastPosition - 1) + " as if " +
                "it were the journal's. Restore them from a copy of the journal; or replay up to what is there with --to " +
                (lastPosition - 1);
        }
        return "the journal in " + ctx.directory() + " ends at position " + lastPosition + ", but positions up to " +
            committed + " were committed: entries " + (lastPosition + 1) + ".." + committed + ", which clients may have " +
            "seen, are missing (" + missingCause() + "), so a replay to " +
            "its end would give the state as of position " + lastPosition + " as if it were the journal's. Restore the " +
            "missing files; or replay up to what is there with --to " + lastPosition;
    }

    /**
     * Why entries a commit covered are not in the journal, as far as its files say, in words for a parenthesis: the
     * newest cycle file ending in a document marked as being written, whose header word is then likely damaged; else
     * a file lost or an older copy put back.
     */
    public String missingCause()
    {
        final TornEntry torn = tornEntry;
        if (torn != null && torn.lastWholePosition() == lastPosition)
        {
            return "the newest document of " + torn.file() + ", at byte " + torn.fileOffset() + ", is marked as being " +
                "written (header 0x" + Integer.toHexString(torn.header()) + "), as a writer leaves it only until the " +
                "document is finished, before its commit: the header word's last write did not reach the disk (the " +
                "machine stopped), or it was damaged since, and those entries may be whole on disk past it, where only a " +
                "copy of the file (a backup, the standby's) gets them back; or the file was cut short or copied in part";
        }
        return "a cycle file deleted or lost, or an older copy of the journal put back";
    }

    /**
     * Where the newest document of the newest cycle file ends in zeros past its whole entries (its length word says
     * more than its entries fill): that those of the positions up to {@code committed} from there are missing, and
     * why, in words; null otherwise. The journal counts the zeros as its last position, so readers meet them as the
     * damage they are: its whole entries end one before {@link #lastPosition()}.
     */
    public String zerosAtTheEnd(final long committed)
    {
        final CycleFileScan newest;
        synchronized (cycleLock)
        {
            newest = cycles.length == 0 ? null : files.get(fileName(cycles[cycles.length - 1]));
        }
        if (newest == null || !newest.zeroTail || committed < lastPosition)
        {
            return null;
        }
        return "the journal's entries in " + ctx.directory() + " end at position " + (lastPosition - 1) + ": past it, " +
            newest.file + " holds zeros from byte " + newest.zeroTailFrom + ", where its newest document's entries go on " +
            "(its length word says they run to byte " + newest.zeroTailTo + "). Entries " + lastPosition + ".." + committed +
            " were committed (clients may have seen them) and are missing: their bytes never reached the disk (the " +
            "machine stopped before writing them back) or were zeroed since, not a cycle file deleted";
    }

    /**
     * For an entry that failed as Chronicle's reader found it: the cycle file that holds {@code position} when that
     * file's entries, walked document by document without Chronicle's index, all check. Then the reader was sent to the
     * wrong bytes (damage in Chronicle's own index or header, not in the entries), and a rebuild writes the file anew
     * with every entry. Null where the walk finds damage too, or cannot say.
     */
    public Path wholeByWalk(final long position)
    {
        final int cycle;
        final long first;
        synchronized (cycleLock)
        {
            int i = cycleFirstPositions.length - 1;
            while (i >= 0 && cycleFirstPositions[i] > position)
            {
                i--;
            }
            if (i < 0)
            {
                return null;
            }
            cycle = cycles[i];
            first = cycleFirstPositions[i];
        }
        final CycleFileScan scan = files.get(fileName(cycle));
        if (scan == null || scan.entries == 0 || scan.unsplit > 0 || position >= first + scan.entries)
        {
            return null;
        }
        try
        {
            return scan.firstDamagedEntry(maxDocumentLength(ctx.maxPayloadLength()) + 8) == null ? scan.file : null;
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    /** The torn entry found on open, or null if the newest entry was whole. */
    public TornEntry tornEntry()
    {
        return tornEntry;
    }

    public Path directory()
    {
        return ctx.directory();
    }

    public Durability durability()
    {
        return durability;
    }

    /**
     * Whole Chronicle documents in the cycle files as walked when the journal was opened: one per commit
     * (or per 64 KiB of it) since batching, one per entry before.
     */
    public long documentCount()
    {
        return files.values().stream().mapToLong((file) -> file.documents).sum();
    }

    /** How many times a sync also synced the whole file (a batch that crossed into another chunk or file). */
    long syncForces()
    {
        return reservation.forces();
    }

    /** The 256 KB writes the appends made to keep space reserved ahead (none into preallocated bytes): for tests. */
    long reservationWrites()
    {
        return reservation.writes();
    }

    /** File offset just past the newest entry in the current cycle file: for tests. */
    long writeEndForTests()
    {
        return writeEnd;
    }

    /** How many of {@link #reservationWrites} were {@code fallocate} calls, not zeros written: for tests. */
    long reservationAllocations()
    {
        return reservation.allocations();
    }

    /** Bytes of the map touched ahead of the writer by its own thread since open ({@link TouchAhead}): for tests. */
    long touchedAheadBytes()
    {
        return touchAhead.touchedBytes();
    }

    /** File offset the thread that touches pages ahead of the writer has reached in the current file: for tests. */
    long touchedAheadTo()
    {
        return touchAhead.touchedTo();
    }

    /** Whether the thread that touches pages ahead of the writer stopped at a file cut short under it: for tests. */
    boolean touchAheadSawCut()
    {
        return touchAhead.sawCut();
    }

    /** Whether the thread that touches pages ahead of the writer is parked, caught up: for tests. */
    boolean touchAheadParked()
    {
        return touchAhead.parked();
    }

    /** Whether the thread that touches pages ahead of the writer is running: for tests. */
    boolean touchAheadRunning()
    {
        return touchAhead.threadAlive();
    }

    /** Bytes of the map populated ahead of the writer since open ({@link Prefault}); 0 where the kernel refuses. */
    long prefaultedBytes()
    {
        return prefault.populatedBytes();
    }

    /**
     * The cycle files of zeros from end to end this open found ({@code .precreated} files a crash left renamed into
     * place before Chronicle wrote their header): they hold nothing, and a writable open deletes them.
     */
    public List<Path> blankFiles()
    {
        return files.values().stream().filter((scan) -> scan.blank).map((scan) -> scan.file).toList();
    }

    /** The advice for two cycle files whose names were swapped: the three moves that give them back. */
    private String namesBack(final String name, final String other)
    {
        return "give the two their names back (in " + ctx.directory() + ": mv " + name + " " + name + ".tmp && mv " +
            other + " " + name + " && mv " + name + ".tmp " + other + ")";
    }

    /** What follows a mend of the files' names in the advice: verify again. */
    private String verifyAgain()
    {
        return ", then 'scripts/journal verify -d " + ctx.directory() + "' checks the journal again";
    }

    /**
     * Where the positions a gap before {@code file} (cycle {@code cycle}) seems to miss are the first of a file named for
     * a later cycle, what to say: the files' names are out of their positions' order (two names swapped, a file
     * renamed), and none is missing. Null where no later file starts at {@code expected}. A reviewer's finding: two
     * swapped names were said as a deleted file, and both ways out offered (moving the files before the gap out, or a
     * cut) dropped the whole files.
     */
    private String misnamedHolder(final NavigableSet<Long> onDisk, final int cycle, final long expected,
        final long stored, final Path file, final Path before)
    {
        for (final Long later : onDisk.tailSet((long)cycle, false))
        {
            final CycleFileScan scan = files.get(fileName(later.intValue()));
            try
            {
                if (scan == null || scan.blank || scan.entries <= 0 || scan.firstPosition() != expected)
                {
                    continue;
                }
            }
            catch (final IOException ex)
            {
                continue;   // a file that cannot be read is said where the walk reaches it
            }
            final long end = expected + scan.entries - 1;
            final boolean swapped = end + 1 == stored && onDisk.higher((long)cycle) != null &&
                onDisk.higher((long)cycle).longValue() == later;
            final String name = file.getFileName().toString();
            final String holder = scan.file.getFileName().toString();
            return "cycle file " + file + " starts at position " + stored + ", but the file before it, " +
                before.getFileName() + ", ends at position " + (expected - 1) + ": positions " + expected + ".." +
                (stored - 1) + " are not missing: " + holder + " holds positions " + expected + ".." + end + ", though " +
                "its name puts it after " + name + ". The files' names are out of their positions' order (renamed, or " +
                "copied back under each other's names), and nothing needs cutting or moving out: " + (swapped ?
                namesBack(name, holder) + verifyAgain() : "name the files so that their names follow their " +
                "positions (each file's first position: 'scripts/journal verify' names it once the order is mended)");
        }
        return null;
    }

    /**
     * For each cycle file in {@code directory} whose walk stops at a zero header word with a whole document of entries
     * past it, a sentence saying so ({@link CycleFileScan#wholeDocumentPastTheEnd}); for {@code journal verify}, which
     * says it whether or not the journal opens. A reviewer's finding: a document's header word and first entry zeroed
     * together hid every later document, and the tools said only that Chronicle's index counts more documents, and
     * offered a cut that dropped the entries after the zeros as lost already.
     */
    public static List<String> documentsPastTheEnd(final Path directory, final int maxPayloadLength)
    {
        final List<String> said = new ArrayList<>();
        if (!Files.isDirectory(directory))
        {
            return said;
        }
        final int window = maxDocumentLength(maxPayloadLength) + 8;
        final long mark;
        try
        {
            final JournalMetadata metadata = JournalMetadata.read(directory);
            mark = metadata == null || metadata.markProblem() != null ? -1 : metadata.committedAtOpen();
        }
        catch (final RuntimeException ex)
        {
            return said;
        }
        try (Stream<Path> listing = Files.list(directory))
        {
            for (final Path file : (Iterable<Path>)listing.sorted()::iterator)
            {
                if (!CycleNames.isCycleFileName(file.getFileName().toString()) || !Files.isRegularFile(file))
                {
                    continue;
                }
                final CycleFileScan scan = CycleFileScan.scan(file, window);
                final long at = scan.wholeDocumentPastTheEnd();
                final long position = scan.pastTheEndPosition;
                // Only committed ones: a writer fills a batch's documents past a zero header word until its commit
                // returns (a live writer's, or one killed inside a commit, leaves such documents, never committed).
                if (at > 0 && position >= 1 && position <= mark)
                {
                    said.add(file + ": the walk stops at a zero header word at byte " + scan.end + ", yet a whole " +
                        "document of committed entries starts at byte " + at + ", past it (its first entry is position " +
                        position + ", and the committed mark is " + mark + "). The bytes at " + scan.end + " are a " +
                        "document whose header was lost (zeroed with the start of its first entry: a page lost in a " +
                        "crash), and the committed entries from there on are hidden: neither replay nor repair reads " +
                        "past the zeros. Restore the file from a copy (a backup, the standby's journal) rather than cut " +
                        "the journal there");
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // Said by the open that follows, in its own words.
        }
        return said;
    }

    /** The cycle files holding entries, by the position of each one's first entry, as walked at open. */
    public NavigableMap<Long, Path> cycleFilesByFirstPosition()
    {
        final NavigableMap<Long, Path> byFirst = new TreeMap<>();
        scansByFirstPosition().forEach((first, scan) -> byFirst.put(first, scan.file));
        return byFirst;
    }

    /** The walks of the cycle files holding entries, by the position of each one's first entry, as found at open. */
    private NavigableMap<Long, CycleFileScan> scansByFirstPosition()
    {
        final NavigableMap<Long, CycleFileScan> byFirst = new TreeMap<>();
        synchronized (cycleLock)
        {
            for (int i = 0; i < cycles.length; i++)
            {
                final CycleFileScan scan = files.get(fileName(cycles[i]));
                if (scan != null)
                {
                    byFirst.put(cycleFirstPositions[i], scan);
                }
            }
        }
        return byFirst;
    }

    /** Cycle files holding entries, oldest first. */
    public int cycleCount()
    {
        synchronized (cycleLock)
        {
            return cycles.length;
        }
    }

    @Override
    public void append(final Command command)
    {
        final long position = command.position();
        checkWritable(position);
        if (position != appendedPosition + 1)
        {
            throw new JournalException(position, "out of order append: the journal expects position " +
                (appendedPosition + 1));
        }
        if (CommandCodec.encodedLength(command) > scratchBytes.length)
        {
            throw new JournalException(position, "payload of " + command.payloadLength() + " bytes exceeds the " +
                "journal's maxPayloadLength " + ctx.maxPayloadLength() + " (set it to the engine's)");
        }
        final int length = CommandCodec.encodeCompact(command, scratch, 0, crc);
        if (anchorWanted)
        {
            anchorWanted = false;
            anchorPosition = position;
            anchorChecksum = CommandCodec.storedChecksum(scratch, 0);
        }
        if (appendedPosition == lastPosition)
        {
            cycleClock.refresh();
        }
        if (reservation.needed(writeEnd))
        {
            reserve(position);
        }
        try
        {
            if (appender == null)
            {
                startAppending(position);
            }
            if (document != null && documentLength + length > MAX_DOCUMENT_BYTES)
            {
                closeDocument();
            }
            if (document == null)
            {
                openDocument(position);
            }
            entryWhole = false;
            documentBytes.write(scratchBytes, 0, length);
            writeEnd = documentBytes.writePosition();
            entryWhole = true;
            documentLength += length;
            if (position == documentFirstPosition)
            {
                // Kept for the cycle's anchor, should this document be a new cycle file's first (see startCycle).
                documentFirstChecksum = CommandCodec.storedChecksum(scratch, 0);
            }
            if (!documentSingle && reservation.started())
            {
                // Only pages the reservation gave blocks to, in the file it reserves in.
                prefault.ahead(documentBytes, writeEnd, reservation.reservedTo());
                touchAhead.ahead(documentBytes, writeEnd, reservation.reservedTo(), reservation.file());
            }
        }
        catch (final JournalException ex)
        {
            throw ex;
        }
        catch (final RuntimeException | Error ex)
        {
            writeFailure = ex;
            throw new JournalException(position, "Chronicle Queue append failed: " + (afterEndOfFile(ex) ?
                clockBehind() : describeWrite(ex)), ex);
        }
        appendedPosition = position;
        pendingBytes += length;
        if (documentSingle)
        {
            closeDocument();
        }
    }

    /**
     * Opens the document the next entries go into, up to the commit or {@link #MAX_DOCUMENT_BYTES}: one
     * Chronicle document (its write lock, header and index entry) per batch instead of per command.
     */
    private void openDocument(final long position)
    {
        final int cycle = queue.cycle();
        if (cycle > currentCycle)
        {
            precreateCycleFile(cycle, position);
        }
        document = appender.writingDocument();
        documentBytes = document.wire().bytes();
        if (durability != Durability.MEMORY_MAPPED)
        {
            final Object store = documentBytes.bytesStore();
            if (unsyncedStore == null)
            {
                unsyncedStore = store;
            }
            else if (store != unsyncedStore)
            {
                unsyncedElsewhere = true;
            }
        }
        documentFirstPosition = position;
        documentLength = 0;
        // The first document of a new cycle file is written before the file can be reserved: keep it to one entry.
        documentSingle = appender.cycle() != currentCycle;
    }

    /**
     * Gives the cycle file the next append writes to blocks for {@code bytes} of journal now, at open
     * ({@link Context#preallocate}): the file of the cycle the clock is in, past its last document, where it exists
     * and ends open; else a {@code .precreated} file for that cycle, which Chronicle takes when it starts it. A
     * disk without the room refuses the open in words and is left as it was.
     */
    private void preallocate(final long bytes)
    {
        final int cycle = queue.cycle();
        if (cycle < currentCycle)
        {
            // Not this journal's clock (floored at the newest file's cycle), but kept: nothing to give room to behind it.
            return;
        }
        final Path file = ctx.directory().resolve(fileName(cycle));
        final CycleFileScan scan = files.get(fileName(cycle));
        final boolean exists = Files.exists(file);
        if (exists && (scan == null || scan.state != CycleFileScan.End.OPEN && scan.state != CycleFileScan.End.TORN))
        {
            // Not a file the next append writes into (its end-of-file marker, say): nothing to give room to either.
            return;
        }
        try
        {
            // Blocks past the newest entry may be allocated already (an earlier preallocation): at most the file's rest.
            final long usable = Files.getFileStore(ctx.directory()).getUsableSpace();
            final long mayHave = exists ? Math.max(0, Files.size(file) - scan.end) : 0;
            if (bytes > usable + mayHave)
            {
                // Refused before writing: filling the disk to find out would starve everything else on it meanwhile.
                throw new JournalException("no room for the journal: preallocating " + size(bytes) + " for " + file +
                    " needs that much free, and " + ctx.directory() + " has " + size(usable) + " free. Free space, or " +
                    "preallocate less; the journal is as it was");
            }
            if (exists)
            {
                reservation.preallocate(file, scan.end, bytes);
            }
            else
            {
                final Path precreated = precreatedFile(file);
                reservation.precreate(precreated, file, bytes);
                precreatedAtOpen = precreated;
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            if (ex instanceof JournalException)
            {
                throw (JournalException)ex;
            }
            throw new JournalException("no room for the journal: preallocating " + size(bytes) + " for " + file +
                " failed (" + describe(ex) + "). Free space, or preallocate less; the journal is as it was", ex);
        }
    }

    /** {@code bytes} for a person: the count, with MiB beside it from 1 MiB on. */
    private static String size(final long bytes)
    {
        return bytes + " bytes" + (bytes >= 1 << 20 ? " (" + (bytes >> 20) + " MiB)" : "");
    }

    /**
     * Deletes the {@code .precreated} files a writer left (a crash between making one and Chronicle taking it): under
     * the writer lock nobody else is starting a cycle, and a preallocated one can hold gigabytes of zeros.
     */
    private void deletePrecreated()
    {
        try (java.util.stream.Stream<Path> list = Files.list(ctx.directory()))
        {
            for (final Path file : (Iterable<Path>)list::iterator)
            {
                if (file.getFileName().toString().endsWith(PRECREATED_SUFFIX))
                {
                    Files.deleteIfExists(file);
                }
            }
        }
        catch (final IOException ignore)
        {
            // One left is zeros that Chronicle may still take for its cycle: disk space, not data.
        }
    }

    private static Path precreatedFile(final Path cycleFile)
    {
        final String name = cycleFile.getFileName().toString();
        return cycleFile.resolveSibling(name.substring(0, name.length() - CYCLE_FILE_SUFFIX.length()) + PRECREATED_SUFFIX);
    }

    /**
     * Gives the cycle file Chronicle is about to start its first blocks before it maps the file, as a
     * {@code .precreated} file it renames into place, so that a full disk refuses the append here, in
     * words, and leaves no file, where Chronicle writing its header into a hole would kill the JVM.
     */
    private void precreateCycleFile(final int cycle, final long position)
    {
        final Path file = ctx.directory().resolve(fileName(cycle));
        if (Files.exists(file) || reservation.precreatedAtOpen(precreatedFile(file), file))
        {
            return;
        }
        try
        {
            reservation.precreate(precreatedFile(file));
        }
        catch (final IOException | RuntimeException ex)
        {
            writeFailure = ex;
            throw new JournalException(position, "no room for the journal: starting cycle file " + file + " for " +
                "position " + position + " failed (" + describe(ex) + "). Free space and start again: recovery goes " +
                "on from the last whole entry", ex);
        }
    }

    /**
     * Completes the open document (Chronicle writes its header and index entry) and checks where it went:
     * a new cycle file starts a row of the position table and is reserved; within a cycle, each document
     * must follow the one before, or another writer is appending.
     */
    private void closeDocument()
    {
        final DocumentContext dc = document;
        final long first = documentFirstPosition;
        document = null;
        documentBytes = null;
        documentSingle = false;
        final long index;
        try
        {
            dc.close();
            index = appender.lastIndexAppended();
        }
        catch (final RuntimeException | Error ex)
        {
            writeFailure = ex;
            throw new JournalException(first, "Chronicle Queue append failed: " + describeWrite(ex), ex);
        }
        final int cycle = rollCycle.toCycle(index);
        final long sequence = rollCycle.toSequenceNumber(index);
        final boolean newCycle = cycle != currentCycle;
        if (metadata != null && (newCycle || first == currentCycleFirstPosition))
        {
            // The first entry of its cycle file (a new one, or one a cut left without entries): recorded, so that a file
            // put in its place is told apart (foreignCycleFile).
            metadata.anchorCycle(cycle, first, documentFirstChecksum);
        }
        if (newCycle)
        {
            if (durability != Durability.MEMORY_MAPPED)
            {
                try
                {
                    // The previous cycle's file may hold this batch's first documents, which no msync of the new
                    // file's chunk covers.
                    reservation.force();
                }
                catch (final IOException ex)
                {
                    writeFailure = ex;
                    throw new JournalException(first, "sync of the previous cycle's file failed: " + describe(ex), ex);
                }
            }
            startCycle(cycle, first);
            try
            {
                // The first entry of a new file was written unreserved; this also surfaces any fault it hit.
                reservation.start(ctx.directory().resolve(fileName(cycle)), writeEnd);
                prefault.restart();
                touchAhead.restart();
            }
            catch (final IOException | RuntimeException ex)
            {
                failReservation(first, ex);
            }
        }
        if (sequence != (newCycle ? 0 : lastSequence + 1))
        {
            writeFailure = new IllegalStateException("index mapping broken");
            throw new JournalException(first, "written at Chronicle index 0x" + Long.toHexString(index) +
                " but the document before it in cycle " + cycle + " is number " + lastSequence +
                ": another writer is appending to " + ctx.directory());
        }
        lastSequence = sequence;
    }

    /**
     * Releases Chronicle's append lock in its table where it is held: this writer holds the journal's own writer lock,
     * so no other process appends, and a held one was left by a writer killed holding it, or is a damaged byte.
     * Reviewers' findings: one damaged byte of that lock in {@code metadata.cq4t} passed verify and the open, and the
     * first append halted the engine ("locked: unable to append because a lock is being held by
     * pid=9151314442816847872"); a first fix released only locks of processes not running, and a damaged word
     * naming pid 1 still halted it.
     */
    private void releaseStaleAppendLock()
    {
        final net.openhft.chronicle.queue.impl.single.WriteLock appendLock = queue.appendLock();
        if (appendLock.locked() && appendLock instanceof net.openhft.chronicle.queue.impl.single.TableStoreWriteLock lock)
        {
            lock.forceUnlock();
            ctx.noticeListener().accept("released Chronicle's " +
                net.openhft.chronicle.queue.impl.single.TableStoreWriteLock.APPEND_LOCK_KEY + " in " +
                ctx.directory().resolve(METADATA_FILE) + ", which was held: this writer holds the journal's own lock, " +
                "so no other process appends, and the lock was left by a writer killed holding it, or damaged");
        }
    }

    /**
     * Creates the appender and, when it will write to the newest cycle file (the clock has not moved
     * on to a new cycle), reserves room after that file's last entry before anything is written.
     */
    private void startAppending(final long position)
    {
        releaseStaleAppendLock();
        appender = queue.createAppender();
        appender.singleThreadedCheckDisabled(true);
        final CycleFileScan newest = cycles.length == 0 ? null : files.get(fileName(currentCycle));
        if (newest != null && queue.cycle() == currentCycle)
        {
            writeEnd = newest.end;
            try
            {
                reservation.start(newest.file, writeEnd);
                prefault.restart();
                touchAhead.restart();
            }
            catch (final IOException | RuntimeException ex)
            {
                failReservation(position, ex);
            }
        }
    }

    private void reserve(final long position)
    {
        try
        {
            reservation.reserve(writeEnd);
        }
        catch (final IOException | RuntimeException ex)
        {
            failReservation(position, ex);
        }
    }

    private void failReservation(final long position, final Exception ex)
    {
        writeFailure = ex;
        throw new JournalException(position, "no room for the journal: reserving disk space ahead of position " +
            position + " in " + reservation.file() + " failed (" + describe(ex) + "). Free space and start " +
            "again: recovery goes on from the last whole entry", ex);
    }

    private void startCycle(final int cycle, final long position)
    {
        currentCycle = cycle;
        currentCycleFirstPosition = position;
        synchronized (cycleLock)
        {
            final int n = cycles.length;
            final int[] newCycles = Arrays.copyOf(cycles, n + 1);
            final long[] newFirsts = Arrays.copyOf(cycleFirstPositions, n + 1);
            newCycles[n] = cycle;
            newFirsts[n] = position;
            cycles = newCycles;
            cycleFirstPositions = newFirsts;
        }
    }

    private void checkWritable(final long position)
    {
        if (closed)
        {
            throw new JournalException(position, "journal " + ctx.directory() + " is closed");
        }
        if (ctx.readOnly())
        {
            throw new JournalException(position, "journal " + ctx.directory() + " was opened read-only");
        }
        if (writeFailure != null)
        {
            throw new JournalException(position, "journal refuses writes after an earlier failure: " + writeFailure,
                writeFailure);
        }
    }

    @Override
    public void commit()
    {
        checkWritable(appendedPosition);
        if (document != null)
        {
            closeDocument();
        }
        if (appender != null && durability != Durability.MEMORY_MAPPED)
        {
            final long now = System.nanoTime();
            if (durability == Durability.SYNC_EACH_BATCH || now - lastSyncNanos >= syncIntervalNanos)
            {
                try
                {
                    if (unsyncedElsewhere || unsyncedStore != null && unsyncedStore != appender.wire().bytes().bytesStore())
                    {
                        // Part of what this sync must cover lies in an earlier chunk of the file: sync the file.
                        reservation.force();
                    }
                    appender.sync();
                }
                catch (final RuntimeException | IOException ex)
                {
                    writeFailure = ex;
                    throw new JournalException(appendedPosition, "msync of the journal failed: " + describe(ex), ex);
                }
                unsyncedStore = null;
                unsyncedElsewhere = false;
                lastSyncNanos = now;
                syncedPosition = appendedPosition;
            }
        }
        committedBytes = pendingBytes;
        lastPosition = appendedPosition;
        metadata.committed(appendedPosition);
        if (anchorPosition != 0)
        {
            metadata.anchor(anchorPosition, anchorChecksum);
            anchorPosition = 0;
        }
    }

    /** Command bytes (header + payload) committed since this journal was opened: the journal-bytes metric. */
    public long committedBytes()
    {
        return committedBytes;
    }

    /**
     * A tailer on the queue. Chronicle 5.27 can throw ConcurrentModificationException from its
     * CleaningThreadLocal bookkeeping when a tailer opens a cycle's store while the writer opens one (seen
     * with readers started on a journal being appended to); opening the tailer again succeeds, so a reader
     * tries up to three times before it gives up, and never for any other failure.
     */
    private ExcerptTailer createTailer()
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return queue.createTailer();
            }
            catch (final RuntimeException ex)
            {
                if (attempt == 3 || !causedBy(ex, ConcurrentModificationException.class))
                {
                    throw ex;
                }
            }
        }
    }

    private static boolean causedBy(final Throwable thrown, final Class<? extends Throwable> cause)
    {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause())
        {
            if (cause.isInstance(t))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Where the entry {@code reader} (one of this journal's) read last lies, in words: its cycle file's name, the byte
     * it starts at and the byte of its document's header; null for another reader, or before the first entry.
     */
    public static String storedAt(final JournalReader reader)
    {
        return reader instanceof ChronicleJournalReader ? ((ChronicleJournalReader)reader).lastLocation() : null;
    }

    /**
     * Bytes the entry {@code reader} (one of this journal's) read last takes in the journal, in the format it
     * was written in; for another reader, what the command would take if written now.
     */
    public static int storedLength(final JournalReader reader, final Command entry)
    {
        return reader instanceof ChronicleJournalReader ? ((ChronicleJournalReader)reader).lastLength() :
            CommandCodec.compactLength(entry);
    }

    @Override
    public JournalReader reader(final long fromPosition)
    {
        if (closed)
        {
            throw new JournalException(fromPosition, "journal " + ctx.directory() + " is closed");
        }
        final long from = Math.max(1, fromPosition);
        final ExcerptTailer tailer = createTailer();
        tailer.singleThreadedCheckDisabled(true);
        final ChronicleJournalReader reader = new ChronicleJournalReader(this, tailer, from,
            maxDocumentLength(ctx.maxPayloadLength()), ctx.readOnly() ? lastPosition : Long.MAX_VALUE);
        try
        {
            reader.position();
        }
        catch (final RuntimeException ex)
        {
            tailer.close();
            throw ex;
        }
        return reader;
    }

    /**
     * Moves a tailer to the document holding {@code position}, or to one before it (the reader then
     * skips the entries before {@code position}): false, leaving it where it is, if that position is not
     * written yet. A reader of a position to come moves there once it is written, not to the end of the
     * queue now: an append between the two would put the end past it, and the reader would skip an entry.
     * <p>
     * Within a cycle, documents hold one or more entries, so a position's document is searched for by
     * the position of each probed document's first entry: the one holding {@code position} is at most
     * {@code position - firstPosition(cycle)} documents in. A damaged document is stepped over; the
     * reader then reports the damage if it lies on its way.
     *
     * @param scratch where probed entries are read (the caller's: readers run on their own threads).
     * @return the position of the first entry of the document the tailer was moved to; -1, leaving it where
     *         it is, if {@code position} is not written yet.
     */
    long moveTo(final ExcerptTailer tailer, final long position, final ExpandableArrayBuffer scratch,
        final Crc32c checksum)
    {
        try
        {
            return moveToOnce(tailer, position, scratch, checksum);
        }
        catch (final JournalException ex)
        {
            if (!threadLocalRace(ex))
            {
                throw ex;
            }
            return moveToOnce(tailer, position, scratch, checksum);
        }
    }

    /**
     * Whether {@code failure} is Chronicle's own race in its thread-local bookkeeping (a
     * ConcurrentModificationException from {@code CleaningThreadLocal} or the map it iterates, as a store of a cycle
     * is acquired while another thread ends): nothing of the journal's, gone when tried again.
     */
    static boolean threadLocalRace(final Throwable failure)
    {
        for (Throwable at = failure; at != null; at = at.getCause() == at ? null : at.getCause())
        {
            if (at instanceof java.util.ConcurrentModificationException && thrownUnder(at, "CleaningThreadLocal"))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a frame of {@code failure}'s stack is in a class named {@code ...simpleName}: the race is thrown from
     * CleaningThreadLocal itself, or from the JDK map it iterates (LinkedHashMap's iterator, frames above it).
     */
    private static boolean thrownUnder(final Throwable failure, final String simpleName)
    {
        for (final StackTraceElement frame : failure.getStackTrace())
        {
            if (frame.getClassName().endsWith("." + simpleName))
            {
                return true;
            }
        }
        return false;
    }

    private long moveToOnce(final ExcerptTailer tailer, final long position, final ExpandableArrayBuffer scratch,
        final Crc32c checksum)
    {
        final int cycle;
        final long cycleFirst;
        synchronized (cycleLock)
        {
            final int n = cycles.length;
            if (n == 0 || position > appendedPositionSnapshot())
            {
                return -1;
            }
            if (position < cycleFirstPositions[0])
            {
                throw new JournalException(position, "older than the oldest entry kept, position " +
                    cycleFirstPositions[0] + " (older cycles were deleted)");
            }
            int at = Arrays.binarySearch(cycleFirstPositions, 0, n, position);
            if (at < 0)
            {
                at = -at - 2;
            }
            cycle = cycles[at];
            cycleFirst = cycleFirstPositions[at];
        }
        long landing = cycleFirst;
        try
        {
            // Invariant: document lo exists and its first entry is at or before position.
            long lo = 0;
            long hi = position - cycleFirst;
            while (lo < hi)
            {
                final long mid = lo + (hi - lo + 1) / 2;
                final long first = firstPositionAt(tailer, rollCycle.toIndex(cycle, mid), scratch, checksum);
                if (first == DAMAGED)
                {
                    long next = mid + 1;
                    long nextFirst = DAMAGED;
                    while (next <= hi &&
                        (nextFirst = firstPositionAt(tailer, rollCycle.toIndex(cycle, next), scratch, checksum)) == DAMAGED)
                    {
                        next++;
                    }
                    if (nextFirst != DAMAGED && nextFirst <= position)
                    {
                        lo = next;
                        landing = nextFirst;
                    }
                    else
                    {
                        hi = mid - 1;
                    }
                }
                else if (first <= position)
                {
                    lo = mid;
                    landing = first;
                }
                else
                {
                    hi = mid - 1;
                }
            }
            final long index = rollCycle.toIndex(cycle, lo);
            if (!tailer.moveToIndex(index))
            {
                // The binary search found the document by its number: a cycle file that is there and whose index
                // cannot find it has its index damaged, which a rebuild writes anew.
                throw new JournalException(position, "the journal has no entry there (Chronicle index 0x" +
                    Long.toHexString(index) + " not found): the cycle file holding it is missing, or its index of the " +
                    "file is damaged, which 'scripts/journal repair -d " + ctx.directory() + " --rebuild' mends: it writes " +
                    "every cycle file anew, with its entries and a new index (run it without --apply first: it lists " +
                    "them)");
            }
            return landing;
        }
        catch (final JournalException ex)
        {
            throw ex;
        }
        catch (final RuntimeException | InternalError ex)
        {
            // Found through Chronicle's index of the cycle file, which a reader from the start does not use.
            throw new JournalException(position, "Chronicle Queue cannot find the entry: " + describeRead(ex) +
                ". Its index of the cycle file may be damaged: 'scripts/journal repair -d " + ctx.directory() + " --rebuild' " +
                "writes every cycle file anew, with its entries and a new index (run it without --apply first: it lists " +
                "them)", ex);
        }
    }

    private long appendedPositionSnapshot()
    {
        return Math.max(lastPosition, appendedPosition);
    }

    /**
     * Deletes the cycle files whose entries all lie before {@code position} (for instance the
     * oldest kept snapshot's position: recovery reads the entry at a snapshot's position to check the
     * snapshot belongs to this history, so keep it). The cycle being written is never deleted. Call it from
     * one thread at a time; readers already open on a deleted cycle keep their mapping.
     *
     * @return how many cycle files were deleted.
     */
    public int deleteCyclesBefore(final long position)
    {
        final int[] doomed;
        synchronized (cycleLock)
        {
            int n = 0;
            while (n < cycles.length - 1 && cycleFirstPositions[n + 1] <= position)
            {
                n++;
            }
            doomed = Arrays.copyOf(cycles, n);
        }
        if (doomed.length == 0)
        {
            return 0;
        }
        final File[] files = new File[doomed.length];
        try (ExcerptTailer tailer = queue.createTailer())
        {
            tailer.singleThreadedCheckDisabled(true);
            for (int i = 0; i < doomed.length; i++)
            {
                if (tailer.moveToIndex(rollCycle.toIndex(doomed[i], 0)))
                {
                    files[i] = tailer.currentFile();
                }
            }
        }
        int deleted = 0;
        for (int i = 0; i < doomed.length; i++)
        {
            if (files[i] == null)
            {
                throw new JournalException(0, "cannot find the file of cycle " + doomed[i] + " in " + ctx.directory());
            }
            try
            {
                Files.deleteIfExists(files[i].toPath());
            }
            catch (final IOException ex)
            {
                throw new JournalException(0, "cannot delete " + files[i] + ": " +
                    FileErrors.describe(ex, files[i].toPath()), ex);
            }
            synchronized (cycleLock)
            {
                cycles = Arrays.copyOfRange(cycles, 1, cycles.length);
                cycleFirstPositions = Arrays.copyOfRange(cycleFirstPositions, 1, cycleFirstPositions.length);
            }
            deleted++;
        }
        queue.refreshDirectoryListing();
        return deleted;
    }

    @Override
    public int maxPayloadLength()
    {
        return ctx.maxPayloadLength();
    }

    @Override
    public void close()
    {
        release(true);
    }

    /** Closes Chronicle and the metadata, and the writer lock too unless open is about to reopen under it. */
    private void release(final boolean unlock)
    {
        if (closed)
        {
            return;
        }
        closed = true;
        // Its thread stops, and gives back the chunk it holds, before Chronicle unmaps anything.
        touchAhead.close();
        try
        {
            try
            {
                reservation.close();
                if (precreatedAtOpen != null)
                {
                    // Preallocated for a cycle this journal never started (the clock rolled first, or nothing came).
                    Files.deleteIfExists(precreatedAtOpen);
                }
            }
            catch (final IOException ignore)
            {
                // A channel used only to allocate zeros, and a file of zeros: nothing to lose by closing it badly.
            }
            if (document != null)
            {
                closeOpenDocument();
            }
            if (appender != null)
            {
                if (durability != Durability.MEMORY_MAPPED && writeFailure == null)
                {
                    appender.sync();
                }
                appender.close();
            }
        }
        finally
        {
            try
            {
                queue.close();
            }
            finally
            {
                try
                {
                    if (metadata != null)
                    {
                        metadata.close();
                    }
                }
                finally
                {
                    if (unlock && lock != null)
                    {
                        lock.close();
                    }
                }
            }
        }
    }

    /**
     * On close, completes a document of whole entries appended since the last commit, as if each had
     * been its own document; one left with a partial entry by a failed write is rolled back, so no
     * reader ever sees a partial entry.
     */
    private void closeOpenDocument()
    {
        final DocumentContext dc = document;
        document = null;
        documentBytes = null;
        try
        {
            if (!entryWhole)
            {
                dc.rollbackOnClose();
            }
            dc.close();
        }
        catch (final RuntimeException ignore)
        {
            // Closing after a failed write: nothing committed is in this document, so nothing is lost.
        }
    }

    /** Configuration of a {@link ChronicleJournal}: fluent setters, then {@link #conclude()} validates. */
    public static final class Context
    {
        /** The most {@link #preallocate} takes: far beyond any disk, and small enough that no offset overflows. */
        public static final long MAX_PREALLOCATE = 1L << 50;

        private Path directory;
        private JournalRollCycle rollCycle = JournalRollCycle.DAILY;
        private Durability durability = Durability.MEMORY_MAPPED;
        private Duration syncInterval = Duration.ofMillis(10);
        /**
         * The largest payload an entry holds: Chronicle writes a document of at most 16 MiB (a quarter of its 64 MiB
         * mapped block), and the entry's header and the document's must fit in it with the payload.
         */
        public static final int MAX_PAYLOAD_LENGTH = (16 << 20) - 4096;
        private int maxPayloadLength = 256;
        private LongSupplier epochMillisClock;
        private Consumer<TornEntry> tornEntryListener;
        private Consumer<String> noticeListener = (notice) -> System.err.println("ringlog: note: " + notice);
        private boolean readOnly;
        private PrefaultMode prefault = PrefaultMode.AUTO;
        private boolean touchAhead = true;
        private boolean touchAheadReadahead = true;
        private long preallocate;

        /** Checks the settings; called by {@link ChronicleJournal#open}, harmless twice. */
        public Context conclude()
        {
            if (directory == null)
            {
                throw new IllegalArgumentException("directory is required");
            }
            if (directory.toString().isEmpty())
            {
                // Chronicle makes new File(new File(""), name), which is /name: a reviewer's journal file went to /.
                throw new IllegalArgumentException("the journal directory is an empty path: name a directory ('.' for " +
                    "the current one)");
            }
            if (rollCycle == null || durability == null || syncInterval == null || prefault == null)
            {
                throw new IllegalArgumentException("rollCycle, durability, syncInterval and prefault must not be null");
            }
            if (maxPayloadLength <= 0)
            {
                throw new IllegalArgumentException("maxPayloadLength must be positive: " + maxPayloadLength);
            }
            if (maxPayloadLength > MAX_PAYLOAD_LENGTH)
            {
                throw new IllegalArgumentException("maxPayloadLength " + maxPayloadLength + " is more than a journal " +
                    "entry holds: at most " + MAX_PAYLOAD_LENGTH + " bytes (a Chronicle document holds up to 16 MiB)");
            }
            if (syncInterval.isNegative())
            {
                throw new IllegalArgumentException("syncInterval must not be negative: " + syncInterval);
            }
            if (preallocate < 0 || preallocate > MAX_PREALLOCATE)
            {
                throw new IllegalArgumentException("preallocate must be from 0 to 1 PiB (" + MAX_PREALLOCATE + " bytes): " +
                    preallocate);
            }
            return this;
        }

        /** The directory holding the cycle files; created if missing. */
        public Context directory(final Path directory)
        {
            this.directory = directory;
            return this;
        }

        public Path directory()
        {
            return directory;
        }

        /** How often a new file starts; {@link JournalRollCycle#DAILY} by default. Fixed once a journal exists. */
        public Context rollCycle(final JournalRollCycle rollCycle)
        {
            this.rollCycle = rollCycle;
            return this;
        }

        public JournalRollCycle rollCycle()
        {
            return rollCycle;
        }

        /** {@link Durability#MEMORY_MAPPED} by default. */
        public Context durability(final Durability durability)
        {
            this.durability = durability;
            return this;
        }

        public Durability durability()
        {
            return durability;
        }

        /** Least time between two syncs under {@link Durability#SYNC_INTERVAL}; 10 ms by default. */
        public Context syncInterval(final Duration syncInterval)
        {
            this.syncInterval = syncInterval;
            return this;
        }

        public Duration syncInterval()
        {
            return syncInterval;
        }

        /** The engine's maxPayloadLength: sizes the reusable buffers and bounds what a reader accepts. */
        public Context maxPayloadLength(final int maxPayloadLength)
        {
            this.maxPayloadLength = maxPayloadLength;
            return this;
        }

        public int maxPayloadLength()
        {
            return maxPayloadLength;
        }

        /** Wall clock in epoch milliseconds that picks the cycle; the system clock when not set (tests roll with it). */
        public Context epochMillisClock(final LongSupplier epochMillisClock)
        {
            this.epochMillisClock = epochMillisClock;
            return this;
        }

        public LongSupplier epochMillisClock()
        {
            return epochMillisClock;
        }

        /** Told once, on open, about a torn entry after the newest whole one. */
        public Context tornEntryListener(final Consumer<TornEntry> tornEntryListener)
        {
            this.tornEntryListener = tornEntryListener;
            return this;
        }

        public Consumer<TornEntry> tornEntryListener()
        {
            return tornEntryListener;
        }

        /**
         * Told, on a writable open, what the open changed on disk that whoever runs the journal should know: a
         * {@value JournalMetadata#FILE_NAME} raised to this code's format version (which older ringlog refuses), a cycle
         * file of zeros deleted. By default printed on {@code System.err}, prefixed {@code ringlog: note: }.
         */
        public Context noticeListener(final Consumer<String> noticeListener)
        {
            this.noticeListener = Objects.requireNonNull(noticeListener, "noticeListener");
            return this;
        }

        public Consumer<String> noticeListener()
        {
            return noticeListener;
        }

        /** Opens for reading only (the journal tool): appends fail, nothing on disk changes. */
        public Context readOnly(final boolean readOnly)
        {
            this.readOnly = readOnly;
            return this;
        }

        public boolean readOnly()
        {
            return readOnly;
        }

        /**
         * Whether the writer maps the pages just ahead of it into memory in one call per 256 KiB, instead of
         * taking a page fault per page mid-append (see {@link Prefault}); {@link PrefaultMode#AUTO} (only on
         * tmpfs) by default. It falls back to the faults by itself where the kernel (before Linux 5.14) refuses.
         */
        public Context prefault(final PrefaultMode prefault)
        {
            this.prefault = prefault;
            return this;
        }

        public PrefaultMode prefault()
        {
            return prefault;
        }

        /**
         * Whether a thread of the journal's own writes to each page of the map just ahead of the writer (true, the
         * default), so the writer's first store into a page does not pay for making it writable: on a 2-core VM, where
         * each such store exits to the host, the exchange with its listener inline and its journal preallocated ran
         * about 1.4 times as fast with it (see {@link TouchAhead} and journal/README.md). It changes no byte and touches
         * only pages that already have disk blocks. The thread is started at the end of the open, on the opening
         * thread's CPUs, is parked while it is ahead, and stops at close; a read-only journal never starts it. False
         * leaves the faults on the writer's thread and starts no thread, and the room ahead is written as zeros: on an
         * Intel 2-core VM a light state machine whose journal grew at ~350 MB/s ran about 1.6 times as fast so by hand
         * (0.93 to 1.66 in the benchmark suite's runs; journal/README.md, "Pages touched ahead of the writer"), while
         * the exchange lost by it. Measure both.
         */
        public Context touchAhead(final boolean touchAhead)
        {
            this.touchAhead = touchAhead;
            return this;
        }

        public boolean touchAhead()
        {
            return touchAhead;
        }

        /**
         * Whether the kernel may read ahead around the touch-ahead thread's page faults (true, the default) or is asked
         * not to ({@code madvise(MADV_RANDOM)} on each chunk of the map the thread touches). Reading around, the
         * kernel brings in the device's {@code read_ahead_kb} at once (8 MiB on the VM this was measured on), zero-filling
         * that many reserved pages in one fault of about 20 ms there, every 8 MiB, and the writer's commands are late
         * meanwhile. False spreads that cost page by page: an exchange at 500K commands/s had p99 3.5-5.7 ms against
         * 10.9-14.5 ms (eight runs of nine), p99.9 about halved, on a 2-core VM. It costs the thread about twice the
         * CPU (at 500K/s 13-16% of a core against 6-7%; flat out at 4.5M trivial commands/s, 84-96% against 40%), and
         * two full benchmark-suite runs with it had the journaled trivial pipeline at 3.5M and 3.0M where runs without
         * it had 4.3M to 5.4M (by hand, alternated, 0.88-1.19 of it): so it is for latency, not throughput. The
         * journal's readers in this process share the advised map and read it without readahead too. No effect
         * without the thread ({@link #touchAhead}) or without Chronicle's native binding.
         */
        public Context touchAheadReadahead(final boolean readahead)
        {
            this.touchAheadReadahead = readahead;
            return this;
        }

        public boolean touchAheadReadahead()
        {
            return touchAheadReadahead;
        }

        /**
         * Bytes of journal to give disk blocks at open, past the newest entry: 0 (the default) allocates 256 KB at a
         * time on the writer's thread as the journal grows. Preallocated, the appends into those bytes write nothing
         * ahead, so a new page's cost (the file system's block, the kernel's page, on a VM the host's page) is paid at
         * open, and a disk without the room refuses the open instead of halting the engine mid-session. Only the file
         * the next append writes to is preallocated: a cycle started later by the clock grows 256 KB at a time. The
         * zeros are written, and synced to the disk, at every open: about a second per GB, more on a slow disk.
         */
        public Context preallocate(final long bytes)
        {
            this.preallocate = bytes;
            return this;
        }

        public long preallocate()
        {
            return preallocate;
        }
    }

    /**
     * The time Chronicle picks cycle files by: the journal's clock (the system's, read once per batch at its first
     * append, as Chronicle only uses it to pick the file, which changes daily or hourly; or the service's own, read on
     * every call), never earlier than it said before, nor than the start of the newest cycle file at open. A clock that
     * steps back, or one behind the clock that wrote the journal, keeps writing into the newest file until it passes it,
     * instead of a cycle Chronicle has rolled past and refuses to write into. The entries' own timestamps are not this.
     */
    static final class CycleClock implements TimeProvider
    {
        private final LongSupplier source;
        /** A maximum kept by compare-and-set: with a clock of the service's own, any thread that asks reads it. */
        private final java.util.concurrent.atomic.AtomicLong millis = new java.util.concurrent.atomic.AtomicLong();

        CycleClock(final LongSupplier source)
        {
            this.source = source;
            this.millis.set(read());
        }

        private long read()
        {
            return source != null ? source.getAsLong() : System.currentTimeMillis();
        }

        /** Never earlier than {@code atLeast} from now on. */
        void floor(final long atLeast)
        {
            millis.accumulateAndGet(atLeast, Math::max);
        }

        /** Reads the clock (once a batch), keeping the time from going back; returns the time. */
        long refresh()
        {
            return millis.accumulateAndGet(read(), Math::max);
        }

        @Override
        public long currentTimeMillis()
        {
            return source != null ? refresh() : millis.get();
        }

        @Override
        public long currentTimeMicros()
        {
            return currentTimeMillis() * 1000;
        }

        @Override
        public long currentTimeNanos()
        {
            return currentTimeMillis() * 1_000_000;
        }
    }
}
