package io.ringlog.journal.replication;

import io.ringlog.journal.JournalRepair;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * How a fenced primary becomes a standby again: its journal goes on past the point where the new
 * primary's epoch began, with entries nobody else has (never acknowledged in synchronous mode, lost
 * to the standby in asynchronous mode). They are cut off with {@link JournalRepair}, the one way
 * entries leave a journal on purpose, which lists what it drops (entries, snapshots past the cut, the
 * committed mark) before it does it; then the node starts as a standby and catches up.
 * Run it with the node stopped: it takes the journal's writer lock.
 */
public final class Rejoin
{
    private Rejoin()
    {
    }

    /**
     * Says, on the status page of the stopped node whose replication directory is {@code replicationDirectory}, that
     * a {@link #truncate} cut its tail: its journal ends in its primary's history now, so its next start does not take
     * its last run as a primary's (which would have it search for a parting of histories, and quote what that run
     * showed). Call it once the cut is done; a cut that did not happen leaves the page as it was.
     */
    public static void cutDone(final Path replicationDirectory)
    {
        StatusFile.recordCut(replicationDirectory);
    }

    /**
     * Cuts the journal in {@code journalDirectory} after {@code keepUpTo} (and the snapshots in
     * {@code snapshotDirectory} past it), telling {@code report} each line of the plan first.
     *
     * @return the plan's lines, as reported.
     * @throws io.ringlog.core.JournalException if the journal cannot be read or cut; the message says why.
     */
    public static List<String> truncate(final Path journalDirectory, final Path snapshotDirectory, final long keepUpTo,
        final Consumer<String> report)
    {
        return truncate(journalDirectory, snapshotDirectory, keepUpTo, false, report);
    }

    /**
     * Like {@link #truncate(Path, Path, long, Consumer)}, for the cause a {@link DivergedHistoryException} gives:
     * with {@code neverShown} the tail is one its primary shipped and never journaled
     * ({@link DivergedHistoryException#neverShown()}), and the plan says so instead of warning that clients
     * may have seen what this node committed: its primary showed none of it, and this node, a standby, showed it only
     * to listeners of its own (which a service lets answer clients only on the primary).
     */
    public static List<String> truncate(final Path journalDirectory, final Path snapshotDirectory, final long keepUpTo,
        final boolean neverShown, final Consumer<String> report)
    {
        return truncate(journalDirectory, snapshotDirectory, keepUpTo, neverShown, -1, false, report);
    }

    /**
     * Like {@link #truncate(Path, Path, long, boolean, Consumer)}, for a node that knows how far it showed events
     * in its last run as a primary ({@code shownUpTo}; -1 if it cannot say, or was not a primary then): the plan
     * then says which of the committed positions it drops were shown, if any, instead of only that they may have
     * been. {@code exact} if that position is its events file's last line; otherwise it is its status page's
     * ({@link ReplicationStatus#shownPosition}), written every 10 ms, and the plan says so.
     */
    public static List<String> truncate(final Path journalDirectory, final Path snapshotDirectory, final long keepUpTo,
        final boolean neverShown, final long shownUpTo, final boolean exact, final Consumer<String> report)
    {
        try (JournalRepair repair = JournalRepair.plan(journalDirectory, snapshotDirectory, keepUpTo, false, true))
        {
            final List<String> lines = repair.lines();
            report.accept("rejoin: cutting the journal in " + journalDirectory + " after position " + keepUpTo +
                (neverShown ? ": what follows, its primary shipped and never journaled, and no client saw:" :
                ", where the primary's history took another course:"));
            for (final String line : lines)
            {
                if (neverShown && line.startsWith("forced:"))
                {
                    continue;
                }
                // A rejoin is forced by design and takes no --force: say what the forced cut means here.
                report.accept("rejoin:   " + (line.startsWith("forced: ") ? "dropped though committed: " +
                    dropped(line.substring("forced: ".length()).replace("; --force drops them anyway", "")
                    // A reviewer's finding: the rejoin said "--force drops them ... anyway", an option a node does not have.
                    .replaceAll("; --force drops them and the snapshots after (\\d+) anyway$",
                        "; the snapshots after $1 are dropped with them"), keepUpTo,
                    shownUpTo, exact) : line));
            }
            if (repair.changesAnything())
            {
                repair.apply();
                report.accept("rejoin: done; the node can start as a standby and catch up from position " + (keepUpTo + 1));
            }
            else
            {
                report.accept("rejoin: nothing to cut");
            }
            return lines;
        }
    }

    /** The repair's line on committed entries it drops, with what this node showed of them where it can say. */
    private static String dropped(final String committed, final long keepUpTo, final long shownUpTo,
        final boolean exact)
    {
        if (shownUpTo < 0)
        {
            return committed + " (as this node's own, where the primary's history took another course: what it " +
                "showed of them, if anything, its events file holds)";
        }
        // A reviewer's finding: a node that never showed an event was said to have shown them "up to position 0".
        final String shown = committed.replace(", so clients may have seen them", "") + (exact && shownUpTo == 0 ?
            "; this node showed no event (its events file holds none)" : exact ? "; this node showed events up to " +
            "position " + shownUpTo + " (its events file's last line)" : shownUpTo == 0 ? "; its status page, written " +
            "every 10 ms, says it showed no event" : "; its status page, written every 10 ms, says it showed events up " +
            "to position " + shownUpTo);
        if (shownUpTo == 0)
        {
            return shown + (exact ? ", so no client saw them from it" : ", so no client saw them from it, bar any it " +
                "showed in its last 10 ms");
        }
        if (shownUpTo <= keepUpTo)
        {
            return shown + (exact ? " only, so no client saw them from it" : ", so no client saw them from it, bar " +
                "any it showed in its last 10 ms");
        }
        return shown + ", so those of positions " + (keepUpTo + 1) + ".." + shownUpTo + (exact ? "" : " (and perhaps " +
            "a few more)") + " reached its clients and are not the primary's history";
    }
}
