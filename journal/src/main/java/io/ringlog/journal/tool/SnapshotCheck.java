package io.ringlog.journal.tool;

import io.ringlog.core.Snapshot;
import io.ringlog.core.SnapshotException;
import io.ringlog.core.SnapshotMatch;
import io.ringlog.journal.ChronicleJournal;
import io.ringlog.journal.FileSnapshotStore;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code journal verify}'s look at the snapshots beside a journal: each is read and matched to the
 * journal as recovery would ({@link SnapshotMatch}), so what recovery would skip, or refuse to start
 * over, shows before a restart does; and it says which one a restart recovers from. A damaged entry
 * before that snapshot is not read by a restart: verify says so, as the repair it recommends for that
 * entry would also drop every entry after it.
 */
final class SnapshotCheck
{
    private SnapshotCheck()
    {
    }

    /**
     * @param beingWritten a writer is appending to the journal: a snapshot past the position this check read
     *                     up to was taken since, of entries written since, which is not a problem.
     */
    static void check(final ChronicleJournal journal, final Path directory, final int maxPayload, final List<long[]> unreadable,
        final boolean beingWritten, final PrintWriter out, final List<String> problems)
    {
        final FileSnapshotStore store = FileSnapshotStore.open(new FileSnapshotStore.Context().directory(directory)
            .readOnly(true));
        final long last = journal.lastPosition();
        long recoversFrom = 0;
        long newestTakenSince = 0;
        int count = 0;
        final List<Long> taken = new java.util.ArrayList<>();
        try
        {
            // Newest first, as recovery tries them.
            for (final long position : store.positions())
            {
                count++;
                taken.add(position);
                if (beingWritten && position > last && !olderThanTheOpen(journal, store.path(position)))
                {
                    out.println("snapshot: " + position + " taken-since (past last-position " + last + ", where this " +
                        "check read the journal up to: the writer went on; verify again once it stops to check it)");
                    newestTakenSince = Math.max(newestTakenSince, position);
                    continue;
                }
                if (position < journal.firstPosition() && journal.id().equals(store.journalNamedAt(position)))
                {
                    // Taken before the oldest entry kept (older cycle files deleted behind later snapshots): no start
                    // uses it, and nothing is wrong (a reviewer's verify failed on one, saying no way on).
                    out.println("snapshot: " + position + " before-first-position (no start uses it: the journal's oldest " +
                        "entry is position " + journal.firstPosition() + "; 'rm " + store.path(position) + "' when you " +
                        "like)");
                    continue;
                }
                final String skipped = skipReason(journal, store, position, last, maxPayload);
                if (skipped == null)
                {
                    out.println("snapshot: " + position + " ok");
                    if (recoversFrom == 0)
                    {
                        recoversFrom = position;
                    }
                    continue;
                }
                out.println("snapshot: " + position + " unusable");
                problems.add("snapshot at position " + position + " (" + store.path(position) + ") " + skipped);
            }
        }
        finally
        {
            store.close();
        }
        out.println("snapshots: " + count + " in " + directory);
        // A snapshot of this journal past its end: a writable start refuses, so it recovers from nothing.
        // Beside a writer, only a snapshot older than this check's open counts (FileSnapshotStore.firstPastTheEnd).
        final long past = FileSnapshotStore.firstPastTheEnd(journal, directory);
        unreadNames(directory, out);
        final long first = journal.firstPosition();
        out.println("restart-recovers-from: " + (past > 0 ? "nothing: a writable start refuses, as the snapshot at " +
            "position " + past + " was taken of this journal (its identity) past its last position " + last +
            " (" + (last + 1 == past ? "entry " + past + " is" : "entries " + (last + 1) + ".." + past + " are") +
            " missing: see the problems below)" :
            journal.missingMetadata() != null ? "nothing: a writable start refuses while ringlog.meta is missing (see " +
            "the problems below); 'scripts/journal repair --new-identity' takes back the identity its own snapshots " +
            "name, where their entries match the journal's" :
            journal.foreignMetadata() != null ? "nothing: a writable start refuses while ringlog.meta is another " +
            "journal's (see the problems below)" :
            journal.damagedAnchor() != null ? "nothing: a writable start refuses while ringlog.meta's anchor is " +
            "damaged (see the problems below)" :
            journal.damagedMark() != null ? "nothing yet: a writable start refuses while ringlog.meta's committed mark " +
            "is damaged (see the problems below); once repair has set it, " + (recoversFrom > 0 ? "the snapshot at " +
            "position " + recoversFrom : "position 1") :
            // A reviewer's note: with the writer's snapshots all taken since, this said "position 1 (a full replay)".
            newestTakenSince > 0 ? "the snapshot at position " + newestTakenSince + ", the newest, taken since this check " +
            "read the journal (not checked here: verify again once the writer stops)" + (recoversFrom > 0 ? "; of those " +
            "checked, the snapshot at position " + recoversFrom : "") :
            recoversFrom > 0 ? "the snapshot at position " + recoversFrom :
            first > 1 ? "nothing: no snapshot is usable, and a full replay needs position 1, which this journal no " +
            "longer holds (its oldest entry is position " + first + "); restore a snapshot at or after " + first +
            " from a copy" :
            count > 0 ? "position 1 (no snapshot is usable: a full replay)" : "position 1 (no snapshots: a full replay)"));
        if (past <= 0 && newestTakenSince <= 0 && recoversFrom <= 0 && first > 1 && journal.missingMetadata() == null &&
            journal.foreignMetadata() == null && journal.damagedAnchor() == null && journal.damagedMark() == null)
        {
            // A start refuses it: a problem, not a line among the others (a reviewer's verify said ok, exit 0).
            problems.add("no snapshot in " + directory + " is usable, and the journal's oldest entry is position " + first +
                " (older cycle files were deleted behind its snapshots): every start refuses, as a full replay needs " +
                "position 1. Where a problem here says a snapshot is this journal's own under an older identity, take " +
                "that identity back as it says; otherwise restore a snapshot of this journal at position " + first +
                " or later, or its older cycle files, from a copy");
        }
        if (unreadable.isEmpty() || recoversFrom == 0 || past > 0 || journal.missingMetadata() != null ||
            journal.damagedMark() != null || journal.foreignMetadata() != null)
        {
            // No snapshot a restart recovers from (the line above says why): no verdict of damage before or after one.
            return;
        }
        final long badPosition = unreadable.get(0)[0];
        long stops = 0;
        for (final long[] range : unreadable)
        {
            if (range[1] > recoversFrom)
            {
                stops = Math.max(range[0], recoversFrom + 1);
                break;
            }
        }
        if (stops > 0)
        {
            problems.add("a restart recovers from the snapshot at position " + recoversFrom + " and replays the " +
                "entries after it: position " + stops + " cannot be read (see above) and stops it, and the service does " +
                "not start until that entry is restored or cut");
            return;
        }
        final boolean one = unreadable.size() == 1 && unreadable.get(0)[0] == unreadable.get(0)[1];
        final String listed = JournalTool.listRanges(unreadable, 5);
        final String entries = one ? "the damaged entry at position " + badPosition + " comes" :
            "the entries that cannot be read, at positions " + listed + ", come";
        problems.add(entries + " before the snapshot at position " + recoversFrom + ", which a restart recovers from: " +
            "its recovery does not replay " + (one ? "it" : "them") + ", and the service starts, " +
            "unless it reads an entry before the snapshot itself. A full replay, or one to a position from " +
            badPosition + " on before " + recoversFrom + ", stops there. A repair that cuts before it drops every later " +
            "entry too: keep a copy of the journal first, and restore the entry from one if you have it" +
            asideBefore(journal, directory, unreadable.get(unreadable.size() - 1)[1], recoversFrom, taken));
    }

    /**
     * Where every damaged position lies in cycle files that a later file follows, starting at or before the snapshot a
     * restart recovers from: the way to a journal without the damage that keeps every entry after the snapshot, as for
     * a journal trimmed behind its snapshots. Empty where there is none.
     */
    private static String asideBefore(final ChronicleJournal journal, final Path directory, final long newestDamaged,
        final long recoversFrom, final List<Long> taken)
    {
        final java.util.NavigableMap<Long, Path> files = journal.cycleFilesByFirstPosition();
        final Long after = files.higherKey(newestDamaged);
        if (after == null || after > recoversFrom)
        {
            return "";
        }
        final String moved = files.headMap(after, false).values().stream().map((p) -> p.getFileName().toString())
            .collect(java.util.stream.Collectors.joining(", "));
        final String older = taken.stream().filter((p) -> p < after).sorted().map(String::valueOf)
            .collect(java.util.stream.Collectors.joining(", "));
        return ". Or, keeping every entry after the snapshot: move " + moved + " out of " + journal.directory() +
            ", as for a journal trimmed behind its snapshots. The journal then starts at position " + after + ", without " +
            "the damage, and a restart recovers from the snapshot at position " + recoversFrom + " as before; what goes " +
            "is the history before position " + after + " (a full replay from position 1)" + (older.isEmpty() ? "" :
            ", and the snapshots at positions " + older + " in " + directory + ", which no restart could use then: move " +
            "them aside too");
    }

    /**
     * Whether a snapshot's file was written before this check opened the journal (less the file system's timestamp
     * granularity): then its position was journaled before, and the check's view holds it; past the view, it is not a
     * snapshot the writer took since (a reviewer's finding, for a replay).
     */
    private static boolean olderThanTheOpen(final ChronicleJournal journal, final java.nio.file.Path file)
    {
        try
        {
            return java.nio.file.Files.getLastModifiedTime(file).toMillis() < journal.openBeganMillis() - 50;
        }
        catch (final java.io.IOException ex)
        {
            return false;
        }
    }

    /** Files named like snapshots that the store does not read (not 20 digits): said, with the name they would need. */
    private static void unreadNames(final Path directory, final PrintWriter out)
    {
        try (java.nio.file.DirectoryStream<Path> files = java.nio.file.Files.newDirectoryStream(directory,
            "snapshot-*.rls"))
        {
            for (final Path file : files)
            {
                final String name = file.getFileName().toString();
                final String digits = name.substring("snapshot-".length(), name.length() - ".rls".length());
                if (digits.length() == 20)
                {
                    continue;
                }
                final long held = FileSnapshotStore.positionInHeader(file);
                out.println("note: " + file + " is named like a snapshot but not as the store names them " +
                    "(snapshot-<20 digits>.rls), so nothing reads it" + (held > 0 ? "; its header says position " +
                    held + ": 'mv " + file + " " + directory.resolve(String.format("snapshot-%020d.rls", held)) +
                    "' makes it one" : ""));
            }
        }
        catch (final java.io.IOException | RuntimeException ex)
        {
            // The listing above said what it could read.
        }
    }

    /** Null when recovery would load the snapshot at {@code position}; otherwise why not. */
    private static String skipReason(final ChronicleJournal journal, final FileSnapshotStore store, final long position,
        final long last, final int maxPayload)
    {
        final Snapshot snapshot;
        try
        {
            snapshot = store.read(position);
        }
        catch (final SnapshotException ex)
        {
            final java.nio.file.Path file = store.path(position);
            if (java.nio.file.Files.isSymbolicLink(file) && !java.nio.file.Files.exists(file))
            {
                // A reviewer's dangling link was called damaged, to be deleted: its target may be on a disk not mounted.
                String target = "?";
                try
                {
                    target = java.nio.file.Files.readSymbolicLink(file).toString();
                }
                catch (final java.io.IOException | UnsupportedOperationException unread)
                {
                    // said as '?'
                }
                return "is a symbolic link to " + target + ", which does not exist (a disk not mounted, a file moved?): " +
                    "recovery skips it while it cannot read it. Mend the link, or remove it ('rm " + file + "') if that " +
                    "snapshot is gone";
            }
            final long named = FileSnapshotStore.positionInHeader(file);
            if (named > 0 && named != position)
            {
                // A reviewer's renamed snapshot was called damaged, to be deleted: renamed back, it is usable.
                return "holds the snapshot of position " + named + " (its header says so) under the name of position " +
                    position + " (renamed, or copied under another name): recovery skips it. If it is this journal's, " +
                    "rename it back ('mv " + file + " " + store.path(named) + "')";
            }
            if (ex.getCause() instanceof java.io.IOException)
            {
                // Not damaged: its bytes could not be read (permissions, say). A reviewer read "damaged ... delete it"
                // for a whole snapshot this user could not read.
                return "cannot be read: " + ex.getMessage() + "; recovery skips it while it cannot read it, as this " +
                    "check did. Nothing says its bytes are damaged: " + (ex.getCause() instanceof
                    java.nio.file.AccessDeniedException ? "give the user the engine runs as read access to it (or run " +
                    "this check as that user)" : "mend what stops the read") + ", then check again";
            }
            if (journal.firstPosition() > 1)
            {
                // The journal's oldest entries are gone: a restart needs a snapshot, and this may be the one it had.
                return "is damaged: " + ex.getMessage() + "; recovery skips it. The journal no longer holds position 1 " +
                    "(its oldest entry is " + journal.firstPosition() + "), so a restart needs a usable snapshot at or " +
                    "after position " + (journal.firstPosition() - 1) + ": restore this one from a copy if no other is";
            }
            if (position > last && journal.id().known() && journal.id().equals(store.journalNamedAt(position)))
            {
                // A reviewer read "delete it: nothing else depends on it" of the one file that said entries were lost.
                return "is damaged: " + ex.getMessage() + "; but its header names this journal and position " + position +
                    ", past the journal's last position " + last + ": " + committedAndMissing(last + 1, position) +
                    ", and a writable start refuses to go on. Keep it: it is the evidence of " +
                    "that, until the missing files are restored or the loss accepted (see 'scripts/journal repair " +
                    "--snapshots')";
            }
            // Nothing in the journal depends on it: deleting it is the mend, and verify said no way to it.
            return "is damaged: " + ex.getMessage() + "; recovery skips it (recovery time, not commands). Delete it " +
                "('rm " + store.path(position) + "'): nothing else depends on it, and the next snapshot replaces it";
        }
        if (position > last && snapshot.journalId().known() && journal.id().known() &&
            !journal.id().equals(snapshot.journalId()))
        {
            // Another journal's: a start skips it (a reviewer's verify said the start refuses, and pointed at a repair).
            return "was taken on journal " + snapshot.journalId() + ", not this one (" + journal.id() + "), and is past " +
                "its last position " + last + ": another journal's snapshot, which says nothing of this one; recovery " +
                "skips it. Move it to that journal's snapshots, or delete it";
        }
        if (position > last)
        {
            return "is past the journal's last position " + last + ": if it was taken on this journal, " +
                committedAndMissing(last + 1, position) + ", and a writable start refuses to " +
                "go on (see 'scripts/journal repair --snapshots')";
        }
        final String mismatch = SnapshotMatch.mismatch(journal, snapshot, maxPayload);
        if (mismatch != null && journal.foreignMetadata() != null && !journal.id().equals(snapshot.journalId()) &&
            SnapshotMatch.entryMatches(journal, snapshot, maxPayload))
        {
            // Another journal's ringlog.meta beside these files: the snapshot's own entry says whose it is.
            return "was taken on journal " + snapshot.journalId() + ", not the identity ringlog.meta gives (" +
                journal.id() + ", another journal's: see the problem about it), and its entry at position " + position +
                " matches this journal's: it is this journal's own snapshot, and " + snapshot.journalId() + " most " +
                "likely this journal's identity. Restoring this journal's own ringlog.meta makes it usable again, as " +
                "does 'scripts/journal repair --new-identity', which takes that identity back from the snapshots; " +
                "recovery skips it until then";
        }
        if (mismatch == null)
        {
            return null;
        }
        if (mismatch.startsWith("was taken on journal ") && SnapshotMatch.entryMatches(journal, snapshot, maxPayload) &&
            namesThisIdentity(journal, store))
        {
            // Snapshots of the present identity are there too: recovery uses those, and taking the old identity back
            // would make them unusable (a code review's: followed, --new-identity --force dropped every snapshot).
            return mismatch + ", but its entry at position " + position + " matches this journal's: most likely this " +
                "journal's own, taken under the identity " + snapshot.journalId() + " it had before its ringlog.meta was " +
                "made anew. Snapshots of its present identity are there too, which recovery uses: keep this one aside " +
                "('mv " + store.path(position) + " ...') rather than delete it";
        }
        if (mismatch.startsWith("was taken on journal ") && SnapshotMatch.entryMatches(journal, snapshot, maxPayload))
        {
            // Its entry is this journal's: this journal's own, under the identity it had before its ringlog.meta was
            // made anew (lost, and --new-identity run without these snapshots). A reviewer's trimmed journal was then
            // told to delete the only snapshots it could start from.
            return mismatch + ", but its entry at position " + position + " matches this journal's: it is most likely " +
                "this journal's own, taken under the identity " + snapshot.journalId() + " it had before its ringlog.meta " +
                "was made anew; recovery skips it until then. 'scripts/journal repair -d " + journal.directory() +
                " --new-identity --snapshots " + store.path(position).getParent() + " --force' takes that identity back " +
                "(run it without --apply first: it says which identity it takes); keep the snapshot";
        }
        // Another journal's, or another history's, or one no journal can be matched to: verify failed for good on it,
        // with no way on said (a reviewer's), though recovery skips it and nothing of this journal's needs it.
        final boolean notThisJournals = mismatch.startsWith("was taken on ") || mismatch.startsWith("names no journal") ||
            mismatch.startsWith("has no checksum");
        return mismatch + "; recovery skips it" + (notThisJournals ? ". Nothing of this journal's depends on it: move it " +
            "out of " + store.path(position).getParent() + " (to the journal it was taken on, where that one is kept), or " +
            "delete it ('rm " + store.path(position) + "')" : "");
    }

    /** Whether a snapshot in {@code store} names the journal's present identity. */
    private static boolean namesThisIdentity(final ChronicleJournal journal, final FileSnapshotStore store)
    {
        for (final long position : store.positions())
        {
            if (journal.id().known() && journal.id().equals(store.journalNamedAt(position)))
            {
                return true;
            }
        }
        return false;
    }

    /** Entries from..to committed and missing, in words; one entry said as one (a reviewer read "entries 150000..150000"). */
    static String committedAndMissing(final long from, final long to)
    {
        return from == to ? "entry " + from + " was committed and is missing" : "entries " + from + ".." + to +
            " were committed and are missing";
    }
}
