package io.ringlog.journal;

import io.ringlog.core.Command;
import io.ringlog.core.CommandCodec;
import io.ringlog.core.CorruptEntryException;
import io.ringlog.core.Crc32c;
import io.ringlog.core.JournalException;
import io.ringlog.core.JournalId;
import io.ringlog.core.Snapshot;
import io.ringlog.core.SnapshotException;
import org.agrona.concurrent.UnsafeBuffer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Makes a damaged journal usable again by cutting it after a position, and says exactly what that
 * drops before doing it: the only way ringlog removes committed entries. What it plans:
 * <ul>
 *   <li>cycle files wholly after the position: deleted;</li>
 *   <li>the cycle file holding the position, when anything follows it there (entries, a torn or
 *       damaged tail, a cut-off end): rewritten with the entries up to the position
 *       ({@link CycleRewriter});</li>
 *   <li>snapshots past the position: deleted (they saw entries that will be gone);</li>
 *   <li>the committed mark: lowered to the position.</li>
 * </ul>
 * It refuses, unless forced, to drop what was committed, so may have been seen: entries at or below
 * the committed mark, or at or below a snapshot's position, or any entry of a journal that has no
 * mark. Dropping never-committed entries (the damaged tail of a full disk, say) needs no force.
 * {@link #apply()} works under the directory's writer lock and in an order that a crash can
 * interrupt anywhere and a second run completes: later cycle files, the cut, snapshots, the mark.
 * Files are read with plain reads throughout, so a journal cut short or damaged is no obstacle.
 */
public final class JournalRepair implements AutoCloseable
{
    /** Bytes after a zero header looked at for signs of a started entry: the largest entry there can be. */
    private static final int TORN_WINDOW = 1 << 16;

    private final Path directory;
    private final Path snapshots;
    private final long truncateAfter;
    private final boolean newIdentity;
    /** The longest entry read whole to check a snapshot against it: 64 MiB, as the journal's first-entry read allows. */
    private static final long MAX_ENTRY_READ = 64L << 20;
    private final boolean force;
    private final JournalLock lock;
    private final List<String> plan = new ArrayList<>();
    private final List<String> refusals = new ArrayList<>();
    private final List<Path> deleteFiles = new ArrayList<>();
    private final List<Path> deleteSnapshots = new ArrayList<>();
    /** Files whose Chronicle header is damaged, each with how many entries it holds: copied into new files. */
    private final Map<Path, Long> rebuildFiles = new LinkedHashMap<>();
    /** The files among them that end with Chronicle's end-of-file marker (a writer rolled past them). */
    private final List<Path> rolledPast = new ArrayList<>();
    private JournalMetadata metadata;
    private String metadataProblem;
    private RollCycle rollCycle;
    private long epoch;
    private Path rewriteFile;
    private int rewriteCycle;
    private long rewriteKeep;
    private long lastWhole;
    /** Documents whose entries after a damaged header the walk could not tell apart (each counted as one). */
    private long uncounted;
    private long committedAfter = -1;
    /** The cycle files the plan walked, and the first position of each. */
    private List<Path> walkedFiles = List.of();
    private List<Long> walkedFirsts = List.of();
    /** The identity a new ringlog.meta gets: the one the journal's own snapshots name, else a random one. */
    private JournalId identity;
    /** The newest position of a snapshot whose entry matched the journal's, when its identity is taken back; else 0. */
    private long ownSnapshotted;
    /** Snapshots whose entries the walk could not find (hidden by damage), with the identity each names. */
    private final Map<Long, JournalId> unchecked = new LinkedHashMap<>();
    private boolean rebuildAll;
    private boolean closed;

    private JournalRepair(
        final Path directory, final Path snapshots, final long truncateAfter, final boolean newIdentity,
        final boolean force, final JournalLock lock)
    {
        this.directory = directory;
        this.snapshots = snapshots;
        this.truncateAfter = truncateAfter;
        this.newIdentity = newIdentity;
        this.force = force;
        this.lock = lock;
    }

    /**
     * Looks at the journal in {@code directory} and plans the repair, changing nothing yet. Takes the
     * writer lock, held until {@link #close()}.
     *
     * @param snapshots     the snapshot directory whose snapshots past the cut are deleted, or null.
     * @param truncateAfter the last position to keep, or -1 to cut nothing.
     * @param newIdentity   give the journal a new identity (its ringlog.meta is lost or damaged).
     * @param force         drop entries that were committed, if that is what the cut means.
     * @throws JournalException if the journal cannot be read well enough to plan.
     */
    public static JournalRepair plan(
        final Path directory, final Path snapshots, final long truncateAfter, final boolean newIdentity,
        final boolean force)
    {
        return plan(directory, snapshots, truncateAfter, newIdentity, force, false);
    }

    /**
     * {@link #plan(Path, Path, long, boolean, boolean)}, and with {@code rebuild}, every cycle file the cut
     * leaves is written anew with all of its entries: for damage in Chronicle's own bookkeeping of a file
     * (its indexes) that only Chronicle notices, when it fails to read the journal.
     */
    public static JournalRepair plan(
        final Path directory, final Path snapshots, final long truncateAfter, final boolean newIdentity,
        final boolean force, final boolean rebuild)
    {
        if (!Files.isDirectory(directory))
        {
            throw new JournalException(Files.exists(directory) ? directory + " is a file, not a journal's directory: " +
                "give the directory the journal was written to" : "no journal directory " + directory);
        }
        if (!ChronicleJournal.isJournalDirectory(directory))
        {
            // Before the lock, whose file a refused repair would leave in a directory that had nothing.
            throw new JournalException(ChronicleJournal.noJournalIn(directory));
        }
        final JournalLock lock = lockUnlessReadOnly(directory);
        final JournalRepair repair = new JournalRepair(directory, snapshots, truncateAfter, newIdentity, force, lock);
        repair.rebuildAll = rebuild;
        try
        {
            repair.plan();
            if (repair.committedAfter >= 0 && !newIdentity && repair.metadata != null && repair.metadata.raises())
            {
                // Setting the mark writes the file at this code's version: said, as a writable open says it.
                repair.plan.add("note: setting the mark raises " + repair.metadata.file() + " to format version " +
                    JournalMetadata.FORMAT_VERSION + ", which ringlog from before 2026-12-06 refuses; the file as it " +
                    "was is kept as " + repair.metadata.keepAs() + ", the way back (journal/README.md, 'Upgrading " +
                    "ringlog over an existing journal')");
            }
            if (lock == null)
            {
                repair.plan.add("note: " + directory + " cannot be written here (a read-only file system, or no " +
                    "permission), so this plan was made without the writer lock, as the read-only tools read, and no " +
                    "writer holds it; it can be read, not applied here");
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            if (lock != null)
            {
                lock.close();
            }
            if (ex instanceof JournalException)
            {
                throw (JournalException)ex;
            }
            // What Chronicle could not read may be its own table, which a repair leaves alone: say how to mend it.
            throw new JournalException("cannot plan a repair of " + directory + ": " + ChronicleJournal.describe(ex) +
                ChronicleJournal.chronicleMetadataHint(directory), ex);
        }
        return repair;
    }

    /**
     * The writer lock; or, where this process cannot write in the directory (a read-only file system, no
     * permission) and no process holds the lock, null: a dry run plans without it, as the read-only tools read,
     * and {@link #apply} refuses. A writer holding the lock through another path (a read-only bind mount of a live
     * journal) still refuses.
     */
    private static JournalLock lockUnlessReadOnly(final Path directory)
    {
        try
        {
            return JournalLock.acquire(directory);
        }
        catch (final JournalException ex)
        {
            if (!readOnly(directory))
            {
                throw ex;
            }
            if (heldByAWriter(directory))
            {
                final String writer = JournalLock.liveWriter(directory);
                throw new JournalException("journal " + directory + " is open for writing by " + (writer != null ?
                    writer : "another process") + ", though this process cannot write there; stop that one first. " +
                    "Nothing was written.");
            }
            return null;
        }
    }

    /**
     * Whether a writer holds the directory's lock, asked with a shared lock on the lock file opened for reading, which
     * a read-only file system allows and which conflicts with the writer's exclusive lock in any process (also one
     * whose locks {@code /proc/locks} does not show, in another pid namespace). No lock file: no writer ever held it.
     */
    private static boolean heldByAWriter(final Path directory)
    {
        final Path file = directory.resolve(JournalLock.FILE_NAME);
        if (!Files.isRegularFile(file))
        {
            return false;
        }
        if (ProcessFileLock.heldHereUnderAnyPath(file))
        {
            // Held in this process: opening the file and closing it again would free its lock (POSIX locks are the
            // process's, and any close of the file lets them go).
            return true;
        }
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
            java.nio.file.StandardOpenOption.READ))
        {
            final java.nio.channels.FileLock shared = channel.tryLock(0, Long.MAX_VALUE, true);
            if (shared == null)
            {
                return true;
            }
            shared.release();
            return false;
        }
        catch (final java.nio.channels.OverlappingFileLockException ex)
        {
            // This process holds it.
            return true;
        }
        catch (final IOException ex)
        {
            // Not readable either: as good as unknown, so say a writer may hold it.
            return JournalLock.liveWriter(directory) != null;
        }
    }

    /**
     * Whether this process cannot write in {@code directory}: a read-only file system (a read-only bind mount too,
     * which Java's file store does not tell from the file system beneath it), or no permission.
     */
    private static boolean readOnly(final Path directory)
    {
        return !Files.isWritable(directory);
    }

    private void plan() throws IOException
    {
        try
        {
            metadata = JournalMetadata.read(directory);
        }
        catch (final JournalException ex)
        {
            metadataProblem = ex.getMessage();
        }
        readRollCycle();
        final List<Path> files = cycleFiles();
        final List<CycleFileScan> scans = new ArrayList<>();
        final List<Long> firsts = new ArrayList<>();
        long next = 0;
        for (final Path file : files)
        {
            final CycleFileScan scan = CycleFileScan.scan(file, TORN_WINDOW);
            long first = next;
            if (scan.entries > 0)
            {
                // A damaged first entry: the next intact one says where the file starts, counting back over it.
                final long stored = scan.firstPosition();
                if (stored > 0)
                {
                    first = stored;
                }
                else if (next == 0)
                {
                    throw new JournalException(ChronicleJournal.firstEntryUnreadable(file));
                }
            }
            scans.add(scan);
            firsts.add(first);
            walkedFiles = files;
            walkedFirsts = firsts;
            if (scan.entries > 0)
            {
                // The zeros a damaged length word, or a write that never reached the file, leaves past a document's
                // entries are counted as one (readers meet them as damage) but are no entry.
                next = first + scan.entries - (scan.zeroTail ? 1 : 0);
            }
        }
        lastWhole = next == 0 ? 0 : next - 1;
        for (final CycleFileScan scan : scans)
        {
            uncounted += scan.unsplit - scan.recounted - (scan.zeroTail ? 1 : 0);
        }
        final long[] firstEntry = metadata == null ? null : ChronicleJournal.firstEntry(scans);
        final String foreign = firstEntry == null ? null : metadata.notTheJournals(directory, firstEntry[0],
            firstEntry[1]);
        if (foreign != null)
        {
            // Another journal's identity and mark: as good as none, which --new-identity replaces.
            metadataProblem = foreign;
            metadata = null;
        }
        final long mark = metadata != null ? metadata.committedAtOpen() : -1;
        plan.add("directory: " + directory);
        plan.add("journal-id: " + (metadata != null ? metadata.id().toString() : metadataProblem != null ?
            // The problem itself is said once, in the note below (a newcomer found it three times in one output).
            (foreign != null && !foreign.contains(" is damaged: ") ? "another journal's" : "damaged") +
            " (the note below says what is wrong and what mends it)" :
            "none (no ringlog.meta)"));
        final boolean damagedMark = metadata != null && metadata.markProblem() != null;
        plan.add("committed-position: " + (mark >= 0 ? Long.toString(mark) : damagedMark ? "unknown (ringlog.meta is " +
            "damaged: " + metadata.markProblem() + ")" : "unknown"));
        plan.add("last-whole-position: " + lastWhole);
        if (uncounted > 0)
        {
            plan.add("note: " + uncounted + (uncounted == 1 ? " document holds" : " documents hold") + " an entry whose " +
                "header is damaged: the walk cannot tell the entries after it in that document apart and counts them " +
                "as one, so last-whole-position and the positions after it are counted short ('scripts/journal verify -d " +
                directory + "' names the damaged entry's position)");
        }
        plan.add("snapshots: " + (snapshots != null ? snapshots : "none"));
        if (truncateAfter >= 0)
        {
            planCut(files, scans, firsts, mark);
        }
        planRebuilds(files, scans, firsts, mark);
        if (!rebuildFiles.isEmpty() && truncateAfter < 0 && mark > lastWhole)
        {
            // Rebuilt files keep the whole entries there are; committed ones beyond them are gone already.
            if (metadata != null)
            {
                committedAfter = lastWhole;
                plan.add("committed-position-after: " + lastWhole + " (was " + mark + ")");
            }
            refuse("positions " + (lastWhole + 1) + ".." + mark + " were committed (the committed mark is " + mark +
                ") but are not among the journal's whole entries: they are lost already (overwritten, cut short, or a " +
                "file deleted), and clients may have seen them. Restoring the missing data keeps them; --force " +
                "accepts the loss, keeps positions up to " + lastWhole + " and lowers the mark to it");
        }
        if (damagedMark)
        {
            planDamagedMark(scans, firsts);
        }
        planIdentity();
    }

    /**
     * A committed mark that failed its check is set to the last whole entry: every entry held counts as committed,
     * so nothing is dropped as never committed on its word. Where the journal's last file with anything in it (blank
     * ones after it hold nothing) is damaged (cut short, a torn document, or one that does not split into entries),
     * what a commit covered past the damage cannot be told without the mark: this repair then changes nothing unless
     * asked for a cut, forced, and sets the mark to what the cut keeps (setting it alone, or rebuilding the file
     * with its whole entries, would record as never committed what clients may have seen, and every tool would then
     * say so). A cut that drops whole entries is forced too.
     */
    private void planDamagedMark(final List<CycleFileScan> scans, final List<Long> firsts)
    {
        int at = scans.size() - 1;
        while (at > 0 && (scans.get(at).blank || scans.get(at).entries == 0 && !scans.get(at).cut() &&
            scans.get(at).state != CycleFileScan.End.TORN))
        {
            at--;
        }
        final CycleFileScan last = at < 0 ? null : scans.get(at);
        final boolean damaged = last != null && (last.cut() || last.state == CycleFileScan.End.TORN || last.unsplit > 0);
        // Where a document does not split, the walk counts it as one entry: positions from it on are not whole ones.
        final long damageAfter = last != null && last.unsplit > 0 ?
            Math.min(lastWhole, firsts.get(at) + last.firstUnsplit - 1) : lastWhole;
        if (damaged && truncateAfter < 0)
        {
            refusals.add("ringlog.meta's committed mark is damaged, and " + last.file + " is damaged after position " +
                damageAfter + ": whether a commit covered what it held past there cannot be told, so this repair sets " +
                "the mark, and drops or rebuilds nothing of that file, only with a cut: '--truncate-after " +
                damageAfter + " --force', which lists what it drops (and rebuilds what else needs it); or restore " +
                "ringlog.meta or the file from a copy (a backup, the standby's). --force alone does not change this");
            return;
        }
        if (damaged && truncateAfter > damageAfter)
        {
            // A cut that keeps the damaged document: the mark would have to name positions the walk cannot count.
            refusals.add("ringlog.meta's committed mark is damaged, and --truncate-after " + truncateAfter + " keeps the " +
                "damage in " + last.file + " after position " + damageAfter + ", whose entries cannot be told apart: " +
                "cut at " + damageAfter + " or before ('--truncate-after " + damageAfter + " --force'), or restore " +
                "ringlog.meta or the file from a copy");
            return;
        }
        final long kept = truncateAfter < 0 ? lastWhole : truncateAfter;
        if (damaged || kept < lastWhole)
        {
            refuse("ringlog.meta's committed mark is damaged, so whether a commit covered the entries after " + kept +
                (damaged ? ", where " + last.file.getFileName() + " is damaged," : "") + " cannot be told: clients may " +
                "have seen them. Restoring ringlog.meta from a copy (or the journal from a backup, the standby's) " +
                "keeps that record; --force drops them and sets the mark to " + kept);
        }
        if (committedAfter < 0 || committedAfter > kept)
        {
            committedAfter = kept;
            plan.add("committed-position-after: " + kept + " (the damaged mark set to the last whole entry kept)");
        }
    }

    private void planCut(final List<Path> files, final List<CycleFileScan> scans, final List<Long> firsts,
        final long mark) throws IOException
    {
        final long cut = truncateAfter;
        plan.add("truncate-after: " + cut);
        if (cut > lastWhole)
        {
            throw new JournalException("--truncate-after " + cut + " is past the journal's last whole entry, " +
                lastWhole + ": there is nothing after it to drop");
        }
        final long firstPosition = firsts.isEmpty() ? 1 : firsts.get(0);
        if (cut < firstPosition - 1)
        {
            throw new JournalException("--truncate-after " + cut + " is before the journal's first entry, " +
                firstPosition + " (older cycles were trimmed)");
        }
        if (firstPosition > 1)
        {
            refuseAStrandedCut(cut, firstPosition);
        }
        // Only the entries the files hold: positions a deleted file held are gone already, not dropped by the cut.
        long held = 0;
        for (int i = 0; i < files.size(); i++)
        {
            final long from = Math.max(firsts.get(i), cut + 1);
            final long to = Math.min(firsts.get(i) + scans.get(i).entries - 1, lastWhole);
            held += Math.max(0, to - from + 1);
        }
        final long missing = lastWhole - cut - held;
        final CycleFileScan newest = scans.isEmpty() ? null : scans.get(scans.size() - 1);
        final boolean zeros = newest != null && newest.zeroTail;
        // A reviewer's: a document's header zeroed with its first entry hid 348 whole committed entries past it, and the
        // plan said it dropped none and called them lost already, then dropped them for good under --force.
        final long hiddenAt = newest == null ? -1 : newest.wholeDocumentPastTheEnd();
        final long hiddenFrom = hiddenAt > 0 && newest.pastTheEndPosition > lastWhole && newest.pastTheEndPosition <= mark ?
            newest.pastTheEndPosition : -1;
        final String hidden = hiddenFrom < 0 ? "" : "positions " + hiddenFrom + ".." + mark + " are whole on disk in " +
            newest.file + ", from byte " + hiddenAt + ", past the document at byte " + newest.end + " whose header was " +
            "lost (zeroed with the start of its first entry" + (hiddenFrom - 1 > lastWhole ? ", position" +
            (hiddenFrom - 2 > lastWhole ? "s " + (lastWhole + 1) + ".." : " ") + (hiddenFrom - 1) : "") + ")";
        plan.add(cut < lastWhole ? "drop-positions: " + (cut + 1) + ".." + lastWhole + " (" + held + " entries" +
            (missing > 0 ? "; the other " + missing + " positions of that range are missing already" : "") + ")" +
            (hiddenFrom > 0 ? ", and " + hiddenFrom + ".." + mark + ", whole on disk past a lost document header" : "") :
            "drop-positions: " + (hiddenFrom > 0 ? (lastWhole + 1) + ".." + mark + " (the last entry read is " +
            lastWhole + "; " + hidden + ", which neither replay nor repair reads past)" : "none (the journal's last whole entry is " +
            lastWhole + (zeros ? "; the rewrite drops the zeros after it in " + newest.file + ", from byte " +
            newest.zeroTailFrom + ", where position " + (lastWhole + 1) + " was written" : "") + ")"));
        int holding = -1;
        for (int i = files.size() - 1; i >= 0 && holding < 0; i--)
        {
            if (scans.get(i).entries > 0 && firsts.get(i) <= cut)
            {
                holding = i;
            }
        }
        for (int i = files.size() - 1; i > holding; i--)
        {
            final CycleFileScan scan = scans.get(i);
            final long first = firsts.get(i);
            deleteFiles.add(files.get(i));
            plan.add("drop-file: " + files.get(i) + (scan.entries > 0 ? " (positions " + first + ".." +
                (first + scan.entries - 1) + ", " + scan.entries + " entries)" : " (no whole entry; " + what(scan) + ")"));
        }
        if (holding >= 0)
        {
            final CycleFileScan scan = scans.get(holding);
            final long first = firsts.get(holding);
            final long last = first + scan.entries - 1;
            final boolean cleanEnd = scan.state == CycleFileScan.End.OPEN || scan.state == CycleFileScan.End.END_OF_FILE;
            if (last > cut || !cleanEnd)
            {
                rewriteFile = files.get(holding);
                rewriteCycle = cycleOf(rewriteFile);
                rewriteKeep = cut - first + 1;
                if (rewriteKeep > scan.entries)
                {
                    // Past the whole entries of a file cut short: the rewrite failed at --apply, after the later files
                    // and snapshots were gone (a code review's, following a cut the tools had named).
                    refusals.add("the cut after " + cut + " falls past the whole entries of " + rewriteFile + ", which " +
                        "end at position " + last + " (the file is cut short: the positions after it that it held are " +
                        "lost): no rewrite keeps positions a file does not hold. Cut after " + last + " or earlier " +
                        "('--truncate-after " + last + "'), or see 'scripts/journal verify -d " + directory + "' for the " +
                        "ways that keep the later files");
                }
                if (scan.firstRun >= 0 && scan.firstRun < rewriteKeep)
                {
                    final long from = first + scan.firstRun;
                    refusals.add(rewriteFile + " holds a damaged run of " + scan.firstRunCount + " entries, positions " +
                        from + ".." + (from + scan.firstRunCount - 1) + ", before the cut: a rewrite copies the entries it " +
                        "keeps one by one, and cannot tell these apart. Cut before them ('--truncate-after " + (from - 1) +
                        " --force'), or restore the file from a copy (a backup, the standby's journal). --force alone does " +
                        "not change this");
                }
                // The positions it drops are the plan's drop-positions: an entry the file's count takes in past the
                // last whole one is damaged, and goes with what follows (a reviewer read "drop-positions: none" above
                // "drops 103895..103895").
                final long dropsTo = Math.min(last, lastWhole);
                plan.add("rewrite-file: " + rewriteFile + " (keeps positions " + first + ".." + cut +
                    (dropsTo > cut ? ", drops " + (cut + 1) + ".." + dropsTo : "") +
                    (cleanEnd && last <= lastWhole ? "" : (dropsTo > cut ? ", and what follows them: " :
                    ", and drops what follows them: ") + (!cleanEnd ? what(scan) : scan.zeroTail ? "the zeros from byte " +
                    scan.zeroTailFrom + ", where position " + (lastWhole + 1) + " was written" : "the damaged entr" +
                    (last - lastWhole == 1 ? "y" : "ies") + " after position " + lastWhole)) + ")");
            }
        }
        long newestSnapshot = 0;
        // This journal's identities: ringlog.meta's, and those its own snapshots name (their entries match the
        // journal's; an identity it had before its ringlog.meta was made anew). A code review found this journal's
        // own older snapshot past the cut kept as another's, and, ringlog.meta missing, another's dropped.
        final java.util.Set<JournalId> mine = new java.util.HashSet<>(ownSnapshots().values());
        if (metadata != null && metadata.id() != null && metadata.id().known())
        {
            mine.add(metadata.id());
        }
        final Map<Long, JournalId> named = snapshotIdentities();
        for (final Map.Entry<Long, Path> snapshot : snapshotFiles().entrySet())
        {
            final long position = snapshot.getKey();
            final JournalId names = named.getOrDefault(position, JournalId.NONE);
            if (names.known() && !mine.contains(names))
            {
                // Another journal's, sharing the directory: left alone, as retention leaves it (a reviewer's repair
                // deleted three of them, which verify had said to move to their own journal).
                plan.add("keep-snapshot: " + snapshot.getValue() + " (position " + position + ": another journal's, " +
                    names + "; left alone)");
                continue;
            }
            newestSnapshot = Math.max(newestSnapshot, position);
            if (position > cut)
            {
                deleteSnapshots.add(snapshot.getValue());
                plan.add("drop-snapshot: " + snapshot.getValue() + " (position " + position + ")");
            }
        }
        if (metadata != null && mark > cut)
        {
            committedAfter = cut;
            plan.add("committed-position-after: " + cut + " (was " + mark + ")");
        }
        final boolean dropsEntries = cut < lastWhole;
        final long droppedCommitted = Math.min(mark, lastWhole);
        final long byOrder = Math.min(CycleFileScan.committedByOrder(scans, firsts), lastWhole);
        if (droppedCommitted > cut)
        {
            refuse("positions " + (cut + 1) + ".." + droppedCommitted + " were committed (the committed mark is " + mark +
                "), so clients may have seen them; --force drops them anyway");
        }
        else if (mark >= 0 && byOrder > cut)
        {
            refuse(lagging(cut + 1, byOrder, mark) + ", so clients may have seen them; --force drops them anyway");
        }
        final CycleFileScan damaged = scans.stream().filter(CycleFileScan::lengthDamaged).findFirst().orElse(null);
        if (mark > Math.max(cut, lastWhole) && damaged != null)
        {
            // Not lost: past a document whose length word runs off the file's end, where the walk stops.
            final long from = Math.max(cut, lastWhole) + 1;
            refuse("positions " + from + ".." + mark + " were committed (the committed mark is " + mark + "), and the " +
                "walk cannot read them: it stops at the document at byte " + damaged.end + " of " + damaged.file +
                ", whose length word runs past the file's end, though the file's data goes on to byte " +
                damaged.dataEnd + ". They may be whole on disk after it. Restoring the file from a copy (a backup, the " +
                "standby's journal) keeps them; --force drops them for good and lowers the mark to " + cut);
        }
        else if (mark > Math.max(cut, lastWhole) && hiddenFrom > 0)
        {
            final long from = Math.max(cut, lastWhole) + 1;
            refuse("positions " + from + ".." + mark + " were committed (the committed mark is " + mark + "), and " +
                hidden + ". The cut would drop them: no cut keeps them, for a journal's positions have no gap. Restoring " +
                "the file from a copy (a backup, the standby's journal) keeps them; --force drops them for good and " +
                "lowers the mark to " + cut);
        }
        else if (mark > Math.max(cut, lastWhole))
        {
            final long from = Math.max(cut, lastWhole) + 1;
            refuse("positions " + from + ".." + mark + " were committed (the committed mark is " + mark + ") but are " +
                (uncounted > 0 ? "not counted among the journal's whole entries: they may be whole on disk past the " +
                "damaged header the walk could not count past (see the note above), or lost already, " :
                zeros ? "not in the journal: they are lost already (" + newest.file + " holds zeros from byte " +
                newest.zeroTailFrom + ", where they were written: their bytes never reached the disk, or were zeroed " +
                "since), " : "not in the journal: they are lost already (a cycle file cut short, deleted, or copied in " +
                "part), ") +
                "and clients may have seen them. Restoring the missing data keeps them; --force accepts the loss and " +
                "lowers the mark to " + cut);
        }
        if (newestSnapshot > cut)
        {
            refuse("a snapshot was taken at position " + newestSnapshot + ", so positions up to it were committed " +
                "and may have been seen; --force drops them and the snapshots after " + cut + " anyway");
        }
        if (mark < 0 && dropsEntries && (metadata == null || metadata.markProblem() == null))
        {
            refuse("the journal has no committed mark (no ringlog.meta), so whether entries after " + cut +
                " were committed cannot be told; --force drops them anyway");
        }
    }

    /**
     * Says that positions {@code from..to}, past the committed mark, were committed all the same: the order of the
     * documents shows it ({@link CycleFileScan#committedByOrder}).
     */
    public static String lagging(final long from, final long to, final long mark)
    {
        return "positions " + from + ".." + to + " were committed, though ringlog.meta's committed mark is " + mark +
            ": the writer began another document after the one that ends at position " + to + ", which it does only " +
            "once the commit before has returned (the mark lags its entries where ringlog.meta's page was not written " +
            "back before a power cut, or the file was put back from an older copy)";
    }

    /**
     * Each file whose Chronicle header is damaged, and that the cut leaves (or keeps whole), is written
     * anew with every entry the walk found in it: nothing is dropped, so no force is needed. One whose
     * entries cannot be found past the damage is refused: only a cut before it, or a copy, helps.
     */
    private void planRebuilds(final List<Path> files, final List<CycleFileScan> scans, final List<Long> firsts,
        final long mark) throws IOException
    {
        for (int i = 0; i < files.size(); i++)
        {
            final CycleFileScan scan = scans.get(i);
            final Path file = files.get(i);
            final long first = firsts.get(i);
            final long nextFirst = nextFirst(i, scans, firsts);
            // An older file whose data ends without Chronicle's end-of-file marker, the next file going on from its
            // last entry: readers stop at its end (a writer killed as it rolled, a copy, a cut on a boundary).
            final boolean noEndMarker = scan.headerDamage == null && (scan.state == CycleFileScan.End.OPEN ||
                scan.state == CycleFileScan.End.TORN) &&
                scan.entries > 0 && nextFirst > 0 && first + scan.entries == nextFirst;
            if (scan.headerDamage == null && !rebuildAll && !noEndMarker || deleteFiles.contains(file) ||
                file.equals(rewriteFile))
            {
                continue;
            }
            if (nextFirst > 0 && scan.entries > 0 && first + scan.entries < nextFirst)
            {
                // The walk stopped before the file's end (damage it cannot step over): a rebuild would copy only what
                // it found, and drop the whole entries past the damage, which the next file shows were there.
                refusals.add(file + " cannot be rebuilt as it is: the walk of it stops at byte " + scan.end + " after " +
                    scan.entries + " entries, positions " + first + ".." + (first + scan.entries - 1) + ", but the next " +
                    "file starts at position " + nextFirst + ": positions " + (first + scan.entries) + ".." +
                    (nextFirst - 1) + " lie past damage the walk cannot step over, and a rebuild would drop them. " +
                    "Restore the file from a copy; or cut the journal before them with --truncate-after " +
                    (first + scan.entries - 1) + " --force (run it without --apply first: it lists what it drops)");
                continue;
            }
            if (scan.unsplit > 0)
            {
                // A rebuild copies entries as the walk found them: damaged ones would be copied as they are. The user
                // is owed the position to cut before, which no verify can name where Chronicle cannot read the file.
                final CycleFileScan.DamagedEntry damaged = scan.firstDamagedEntry(TORN_WINDOW);
                final long at = first + (damaged != null ? damaged.index() : scan.firstUnsplit);
                refusals.add(file + " cannot be rebuilt as it is: its entries are damaged from position " + at + " on (" +
                    (damaged != null ? damaged.problem() : "a document that does not split into entries") + "), and " +
                    "a rebuild would copy them. Restore the file from a copy (a backup, the standby's journal); or keep " +
                    "positions up to " + (at - 1) + " with 'scripts/journal repair -d " + directory +
                    (snapshots != null && !snapshots.equals(directory.resolve("snapshots")) ? " --snapshots " + snapshots :
                    "") + " --truncate-after " + (at - 1) + (mark >= at || mark < 0 ? " --force" : "") + "' (run it " +
                    "without --apply first: it lists what it drops)");
                continue;
            }
            if (scan.headerDamage == null)
            {
                if (noEndMarker && !rebuildAll)
                {
                    rebuildFiles.put(file, scan.entries);
                    rolledPast.add(file);
                    plan.add("rebuild-file: " + file + " (no end-of-file marker after its last entry, position " +
                        (nextFirst - 1) + ", though the next file starts at position " + nextFirst + ": Chronicle's " +
                        "readers stop there; written anew with all of its " + scan.entries + " entries, positions " +
                        first + ".." + (nextFirst - 1) + ", and the marker)");
                    continue;
                }
                if (scan.entries > 0)
                {
                    rebuildFiles.put(file, scan.entries);
                    if (scan.state == CycleFileScan.End.END_OF_FILE || nextFirst > 0)
                    {
                        rolledPast.add(file);
                    }
                    plan.add("rebuild-file: " + file + " (--rebuild; written anew with all of its " + scan.entries +
                        " entries, positions " + first + ".." + (first + scan.entries - 1) + ")");
                }
                continue;
            }
            if (scan.entries == 0)
            {
                final long before = Math.max(0, firsts.get(i) - 1);
                refusals.add(file + " cannot be rebuilt: " + scan.headerDamage + ", and where its entries start cannot " +
                    "be found past the damage. Restore it from a copy; or drop it and every later file with " +
                    "--truncate-after " + before + " --force");
                continue;
            }
            rebuildFiles.put(file, scan.entries);
            if (scan.state == CycleFileScan.End.END_OF_FILE || nextFirst > 0)
            {
                rolledPast.add(file);
            }
            plan.add("rebuild-file: " + file + " (" + scan.headerDamage + "; written anew with all of its " + scan.entries +
                " entries" + (scan.entries > 0 ? ", positions " + first + ".." + (first + scan.entries - 1) : "") + ")");
        }
    }

    /** Forgets the cycle anchor of {@code file}'s cycle, where it is a cycle file's name. */
    private void forgetCycle(final Path file)
    {
        final int cycle = cycleOf(file);
        if (cycle >= 0)
        {
            metadata.forgetCycle(cycle);
        }
    }

    /** The first position of the next file after {@code i} that holds entries, or 0 if none does. */
    private static long nextFirst(final int i, final List<CycleFileScan> scans, final List<Long> firsts)
    {
        for (int j = i + 1; j < scans.size(); j++)
        {
            if (scans.get(j).entries > 0)
            {
                return firsts.get(j);
            }
        }
        return 0;
    }

    private void planIdentity()
    {
        if (metadataProblem != null)
        {
            // Said once, here, asked to mend it or not (a reviewer found the journal-id line pointing at no note when
            // --new-identity was given).
            plan.add("note: " + metadataProblem + (newIdentity || metadataProblem.contains("--new-identity") ? "" :
                "; add --new-identity to write a new ringlog.meta"));
        }
        if (!newIdentity)
        {
            return;
        }
        // The journal's own snapshots name its identity: where their entries match the journal's, it is taken back
        // from them, and they stay usable (a newcomer's probe: a lost ringlog.meta given a random identity dropped
        // every snapshot, which a journal trimmed behind them needs to recover at all).
        final Map<Long, JournalId> own = ownSnapshots();
        final java.util.Set<JournalId> named = new java.util.HashSet<>(own.values());
        if (named.size() == 1)
        {
            identity = named.iterator().next();
            ownSnapshotted = own.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
            plan.add("new-identity: a new ringlog.meta with the identity its own snapshots name, " + identity + " (the " +
                "journal's entries at positions " + listed(own.keySet()) + " match theirs), committed position " +
                newIdentityMark() + "; those snapshots stay usable");
        }
        else
        {
            identity = JournalId.random();
            plan.add("new-identity: a new ringlog.meta (committed position " + newIdentityMark() + "); snapshots of " +
                "the old identity will not be used" + (named.size() > 1 ? " (the snapshots whose entries match this " +
                "journal's name " + named.size() + " identities, so none is taken back)" : ""));
        }
        if (metadata != null)
        {
            // Refused after the identity is known: a reviewer's dry run said its snapshots "stay usable", then refused
            // as if a new identity made them unusable, where the one taken back was the one ringlog.meta held.
            refuse(identity.equals(metadata.id()) ? "the journal's ringlog.meta is intact and holds the identity its own " +
                "snapshots name already, " + metadata.id() + ": --new-identity would change nothing of it" : "the " +
                "journal has an intact identity, " + metadata.id() + "; a new one makes its snapshots of that identity " +
                "unusable (--force gives it one anyway)");
        }
        boolean dropsAll = true;
        boolean any = false;
        final Map<Long, JournalId> identities = snapshotIdentities();
        // Each other one names another identity: recovery would skip it at every start, saying so.
        for (final Map.Entry<Long, Path> snapshot : snapshotFiles().entrySet())
        {
            any = true;
            if (identity.equals(own.get(snapshot.getKey())))
            {
                dropsAll = false;
                continue;
            }
            if (identity.equals(unchecked.get(snapshot.getKey())))
            {
                // Kept: it names the identity taken back, and only damage keeps the walk from its entry.
                dropsAll = false;
                plan.add("keep-snapshot: " + snapshot.getValue() + " (position " + snapshot.getKey() + ": it names the " +
                    "identity taken back, and its entry lies where damage hides entries from this walk; verify checks " +
                    "it)");
                continue;
            }
            final JournalId names = identities.getOrDefault(snapshot.getKey(), JournalId.NONE);
            if (names.known() && !named.contains(names))
            {
                // Another journal's, sharing the directory (its entry does not match, and it names no identity this
                // journal's own snapshots name): left alone, as retention leaves it (a reviewer's).
                plan.add("keep-snapshot: " + snapshot.getValue() + " (position " + snapshot.getKey() + ": another " +
                    "journal's, " + names + "; left alone)");
                continue;
            }
            if (!deleteSnapshots.contains(snapshot.getValue()))
            {
                deleteSnapshots.add(snapshot.getValue());
                plan.add("drop-snapshot: " + snapshot.getValue() + " (position " + snapshot.getKey() + ": " +
                    (named.size() == 1 ? "not one of this journal's own (its entry does not match, or it cannot be " +
                    "read)" : "taken on the old identity") + ", no start can use it)");
            }
        }
        final long oldest = walkedFirsts.isEmpty() ? 1 : walkedFirsts.get(0);
        if (any && dropsAll && oldest > 1)
        {
            refuse("the journal no longer holds position 1 (its oldest entry is " + oldest + "), so a start needs a " +
                "snapshot to recover its state, and with a new identity none is usable: restore ringlog.meta from a " +
                "copy (the snapshots name the identity they were taken on)");
        }
    }

    /** Positions, comma-separated, in order. */
    private static String listed(final java.util.Collection<Long> positions)
    {
        return positions.stream().sorted().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "));
    }

    /**
     * The snapshots whose entry checksum the journal's entry at their position has (read from the cycle files, each
     * entry found by the position it carries, as damage before it can hide how many entries a document held), with
     * the identity each names: this journal's own, whatever ringlog.meta says. Those a cut drops are left out.
     */
    private Map<Long, JournalId> ownSnapshots()
    {
        final Map<Long, JournalId> own = new LinkedHashMap<>();
        if (snapshots == null || !Files.isDirectory(snapshots))
        {
            return own;
        }
        final Map<Long, Snapshot> wanted = new java.util.TreeMap<>();
        try (FileSnapshotStore store = FileSnapshotStore.open(new FileSnapshotStore.Context().directory(snapshots)
            .readOnly(true)))
        {
            for (final long position : store.positions())
            {
                try
                {
                    final Snapshot snapshot = store.read(position);
                    if (snapshot.journalId().known() && snapshot.entryChecksum() != Snapshot.UNKNOWN &&
                        (truncateAfter < 0 || position <= truncateAfter))
                    {
                        wanted.put(position, snapshot);
                    }
                }
                catch (final SnapshotException damaged)
                {
                    // Unreadable: no start can use it either.
                }
            }
        }
        final Map<Long, Long> checksums = entryChecksums(wanted.keySet());
        for (final Map.Entry<Long, Snapshot> snapshot : wanted.entrySet())
        {
            final Long found = checksums.get(snapshot.getKey());
            if (found == null)
            {
                // Its entry lies where damage hides entries from the walk: not checked, not known to be another's.
                unchecked.put(snapshot.getKey(), snapshot.getValue().journalId());
            }
            else if (found == snapshot.getValue().entryChecksum())
            {
                own.put(snapshot.getKey(), snapshot.getValue().journalId());
            }
        }
        return own;
    }

    /**
     * The format-2 checksums of the entries at {@code positions}, read from the cycle files the plan walked: one walk
     * of each file that may hold one, reading each entry's header for the position it carries. Positions whose entry
     * is not found whole are left out.
     */
    private Map<Long, Long> entryChecksums(final java.util.Set<Long> positions)
    {
        final Map<Long, Long> checksums = new LinkedHashMap<>();
        final Crc32c crc = new Crc32c();
        for (int file = 0; file < walkedFiles.size(); file++)
        {
            final long from = walkedFirsts.get(file);
            final long to = file + 1 < walkedFirsts.size() ? walkedFirsts.get(file + 1) : Long.MAX_VALUE;
            if (positions.stream().noneMatch((p) -> p >= from && p < to))
            {
                continue;
            }
            final Path path = walkedFiles.get(file);
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ))
            {
                final ByteBuffer header = ByteBuffer.allocate(CommandCodec.HEADER_LENGTH);
                CycleFileScan.scan(path, TORN_WINDOW, (index, offset, length, count) ->
                {
                    header.clear().limit(Math.min(header.capacity(), length));
                    readFully(channel, header, offset);
                    final long carried;
                    try
                    {
                        carried = CommandCodec.position(new UnsafeBuffer(header.array(), 0, header.limit()), 0);
                    }
                    catch (final RuntimeException notAnEntry)
                    {
                        return;
                    }
                    if (!positions.contains(carried) || length > MAX_ENTRY_READ)
                    {
                        return;
                    }
                    final ByteBuffer bytes = ByteBuffer.allocate(length);
                    readFully(channel, bytes, offset);
                    try
                    {
                        final Command entry = CommandCodec.decode(new UnsafeBuffer(bytes.array()), 0, length,
                            new Command(length), crc);
                        if (entry.position() == carried)
                        {
                            checksums.put(carried, CommandCodec.checksum(entry,
                                new UnsafeBuffer(new byte[CommandCodec.HEADER_LENGTH + length]), crc) & 0xFFFF_FFFFL);
                        }
                    }
                    catch (final CorruptEntryException | IndexOutOfBoundsException damaged)
                    {
                        // A damaged entry matches no snapshot.
                    }
                });
            }
            catch (final IOException ex)
            {
                // A file that cannot be read matches no snapshot.
            }
        }
        return checksums;
    }

    private static void readFully(final FileChannel channel, final ByteBuffer into, final long at) throws IOException
    {
        while (into.hasRemaining() && channel.read(into, at + into.position()) > 0)
        {
            // Until it is read whole, or the file ends.
        }
    }

    /** The snapshot files of the snapshot directory, by position (none when there is no directory). */
    private Map<Long, Path> snapshotFiles()
    {
        final Map<Long, Path> files = new LinkedHashMap<>();
        if (snapshots == null || !Files.isDirectory(snapshots))
        {
            return files;
        }
        final FileSnapshotStore store = FileSnapshotStore.open(new FileSnapshotStore.Context()
            .directory(snapshots).readOnly(true));
        try
        {
            for (final long position : store.positions())
            {
                files.put(position, store.path(position));
            }
        }
        finally
        {
            store.close();
        }
        return files;
    }

    /**
     * A journal trimmed behind its snapshots starts only from one of them at its oldest entry or later (the entry there
     * checks it): a cut that keeps none leaves a journal no start can use, which --force does not make better (a
     * reviewer's forced cut said repaired, and verify ok, of a journal every start refused). A snapshot counts where
     * the journal's entry at its position, kept by the cut, matches it, whatever identity it names (one this command
     * may take back). No cut is named: one past damage or a gap can drop more than it says (a code review's).
     */
    private void refuseAStrandedCut(final long cut, final long firstPosition)
    {
        for (final long position : ownSnapshots().keySet())
        {
            if (position >= firstPosition && position <= cut)
            {
                return;
            }
        }
        throw new JournalException("--truncate-after " + cut + " would leave a journal no start can use: its oldest " +
            "entry is position " + firstPosition + " (older cycle files were deleted behind its snapshots), so a start " +
            "needs a snapshot of it at position " + firstPosition + " or later, up to the cut, whose entry the journal " +
            "holds, and " + (snapshots == null ? "no snapshot directory was given (--snapshots DIR names it)" :
            "there is none such in " + snapshots) + ". 'scripts/journal verify -d " + directory + "' names the ways on " +
            "(files moved aside where a later snapshot holds the state; the identity of its own snapshots taken back), " +
            "or restore the older cycle files, or a snapshot, from a copy; nothing was changed");
    }

    /** The identity each snapshot's header names ({@link JournalId#NONE} where it names none or cannot be read). */
    private Map<Long, JournalId> snapshotIdentities()
    {
        final Map<Long, JournalId> identities = new LinkedHashMap<>();
        if (snapshots == null || !Files.isDirectory(snapshots))
        {
            return identities;
        }
        try (FileSnapshotStore store = FileSnapshotStore.open(new FileSnapshotStore.Context().directory(snapshots)
            .readOnly(true)))
        {
            for (final long position : store.positions())
            {
                identities.put(position, store.journalNamedAt(position));
            }
        }
        return identities;
    }

    private long newIdentityMark()
    {
        // A snapshot of this journal's own was taken of a committed position: where damage made the walk count the
        // journal short, the mark is at least there (a newcomer's probe).
        final long snapshotted = ownSnapshotted;
        return Math.max(snapshotted, committedAfter >= 0 ? committedAfter : truncateAfter >= 0 ? truncateAfter : lastWhole);
    }

    private void refuse(final String why)
    {
        if (force)
        {
            plan.add("forced: " + why);
        }
        else
        {
            refusals.add(why);
        }
    }

    /** What the plan is, as {@code key: value} lines. */
    public List<String> lines()
    {
        return plan;
    }

    /** Why the plan needs {@code --force}; empty when it does not. */
    public List<String> refusals()
    {
        return refusals;
    }

    /** Whether the plan was made under the writer lock, so that {@link #apply} can do it. */
    public boolean writable()
    {
        return lock != null;
    }

    /** Whether the plan changes anything. */
    public boolean changesAnything()
    {
        return !deleteFiles.isEmpty() || rewriteFile != null || !rebuildFiles.isEmpty() || !deleteSnapshots.isEmpty() ||
            committedAfter >= 0 || newIdentity;
    }

    /**
     * Does what the plan says.
     *
     * @throws JournalException if the plan was refused, or a step fails (running it again completes it).
     */
    public void apply()
    {
        if (!refusals.isEmpty())
        {
            throw new JournalException("the repair was refused: " + String.join("; ", refusals));
        }
        if (closed)
        {
            throw new IllegalStateException("the repair was closed: its writer lock is let go, so plan it again");
        }
        if (lock == null)
        {
            throw new JournalException("cannot repair " + directory + ": it cannot be written here (a read-only file " +
                "system, or no permission). Repair it where it can be written (remount it read-write, or copy the " +
                "journal and repair the copy). Nothing was changed.");
        }
        // A directory of snapshots the plan deletes that cannot be written stopped the repair part way, after the cut:
        // the journal cut, and the snapshots past its end left, which a start refuses (a reviewer's). Checked first.
        final java.util.Set<Path> snapshotDirectories = new java.util.LinkedHashSet<>();
        deleteSnapshots.forEach((snapshot) -> snapshotDirectories.add(snapshot.toAbsolutePath().getParent()));
        for (final Path snapshots : snapshotDirectories)
        {
            if (!Files.isWritable(snapshots))
            {
                throw new JournalException("cannot repair " + directory + ": the plan deletes snapshots in " + snapshots +
                    ", which cannot be written here (no permission, a read-only file system, or a directory made " +
                    "immutable). Make it writable, or run the repair as its owner. Nothing was changed.");
            }
        }
        try
        {
            // Snapshots first: one a failure leaves undeleted is past the journal's end only once the cut is made, and
            // one deleted before a failure costs a longer replay, not an entry.
            for (final Path snapshot : deleteSnapshots)
            {
                Files.delete(snapshot);
            }
            for (final Path file : deleteFiles)
            {
                Files.delete(file);
            }
            if (!deleteFiles.isEmpty())
            {
                JournalMetadata.forceDirectory(directory);
            }
            if (rewriteFile != null)
            {
                CycleRewriter.keepFirst(directory, rewriteFile, rewriteKeep, rollCycle, epoch, rewriteCycle);
            }
            for (final Map.Entry<Path, Long> rebuild : rebuildFiles.entrySet())
            {
                CycleRewriter.keepFirst(directory, rebuild.getKey(), rebuild.getValue(), rollCycle, epoch,
                    cycleOf(rebuild.getKey()), rolledPast.contains(rebuild.getKey()));
            }
            if (newIdentity)
            {
                JournalMetadata.create(directory, identity != null ? identity : JournalId.random(), newIdentityMark());
            }
            else if (committedAfter >= 0)
            {
                // The identity, its creation time, its anchor and its cycle anchors kept, less those of the files dropped
                // (or cut to nothing), whose cycle a later file may take: only the mark moves.
                for (final Path file : deleteFiles)
                {
                    forgetCycle(file);
                }
                if (rewriteFile != null && rewriteKeep == 0)
                {
                    forgetCycle(rewriteFile);
                }
                metadata.rewrite(committedAfter);
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new JournalException("the repair of " + directory + " stopped part way: " +
                ChronicleJournal.describe(ex) + ". Once that is mended (a file or directory made read-only or immutable, " +
                "a full disk), run it again to complete it", ex);
        }
    }

    private void readRollCycle() throws IOException
    {
        if (!Files.exists(directory.resolve("metadata.cq4t")))
        {
            // A copy of the cycle files alone: their names tell the roll cycle (ringlog's have distinct formats).
            rollCycle = rollCycleFromNames(cycleFiles());
            epoch = 0;
            return;
        }
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(directory).readOnly(true).build())
        {
            rollCycle = queue.rollCycle();
            epoch = queue.epoch();
        }
    }

    private RollCycle rollCycleFromNames(final List<Path> files)
    {
        RollCycle found = null;
        for (final JournalRollCycle candidate : JournalRollCycle.values())
        {
            final RollCycle cycles = candidate.chronicle();
            if (!files.isEmpty() && files.stream().allMatch((f) -> CycleNames.cycleOf(f.getFileName().toString(), cycles, 0) >= 0))
            {
                found = cycles;
            }
        }
        if (found == null)
        {
            throw new JournalException("Chronicle's metadata.cq4t is missing from " + directory + ", and the names " +
                "of its cycle files do not tell the journal's roll cycle" + (files.isEmpty() ? " (there are none)" :
                " (" + files.stream().map((f) -> f.getFileName().toString()).limit(3).toList() + "): are they all of " +
                "one ringlog journal? Move any other .cq4 file away"));
        }
        return found;
    }

    private List<Path> cycleFiles() throws IOException
    {
        try (Stream<Path> listing = Files.list(directory))
        {
            return listing.filter((p) -> CycleNames.isCycleFileName(p.getFileName().toString()) && Files.isRegularFile(p))
                .sorted().toList();
        }
    }

    /** The cycle a file holds, from its name. */
    private int cycleOf(final Path file)
    {
        final int cycle = CycleNames.cycleOf(file.getFileName().toString(), rollCycle, epoch);
        if (cycle < 0)
        {
            throw new JournalException("cannot tell the cycle of " + file + " from its name (roll cycle format " +
                rollCycle.format() + ")");
        }
        return cycle;
    }

    private static String what(final CycleFileScan scan)
    {
        switch (scan.state)
        {
            case TORN:
                return "a torn entry at byte " + scan.end;
            case CUT:
                return scan.lengthDamaged() ? "the document at byte " + scan.end + " has a damaged length word that runs " +
                    "past the file's end, though the file's data goes on to byte " + scan.dataEnd : "the file is cut " +
                    "short at byte " + scan.length + ", inside a document";
            case SHORT:
                return "the file is cut short at byte " + scan.length;
            default:
                return scan.state.toString();
        }
    }

    /** Releases the writer lock. */
    @Override
    public void close()
    {
        // Once: a second release would let go of a lock another open in this process has taken since.
        if (!closed && lock != null)
        {
            lock.close();
        }
        closed = true;
    }
}
