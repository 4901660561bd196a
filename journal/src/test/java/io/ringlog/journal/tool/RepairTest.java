package io.ringlog.journal.tool;

import io.ringlog.core.testing.Chattr;
import io.ringlog.core.CommandCodec;
import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.InMemoryJournal;
import io.ringlog.core.JournalException;
import io.ringlog.core.Topology;
import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.core.testing.SmallFileSystem;
import io.ringlog.journal.ChronicleJournal;
import io.ringlog.journal.FileSnapshotStore;
import io.ringlog.journal.JournalRollCycle;
import io.ringlog.journal.JournalTesting;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static io.ringlog.core.testing.AccumulatorStateMachine.ADD;
import static io.ringlog.core.testing.AccumulatorStateMachine.longPayload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code journal repair}: a dry run says exactly what a cut drops; committed entries go only with
 * --force; --apply leaves a journal that opens, continues, and replays to a clean run's hash.
 */
class RepairTest
{
    @TempDir
    Path root;

    /**
     * A damaged header in the middle of a document hides where the next entry starts. The walk counted the rest of the
     * document as one entry, so verify said the entries after it were missing from the journal (a file deleted) and
     * the readers stopped at it. The walk and the readers now find the next whole entry by its magic and checksum, and
     * the positions on either side count what the damage hid: verify reads every other entry, and the repair's count
     * is whole. Where no whole entry follows in the document, the count still falls short, and the dry run says so
     * rather than call the uncounted positions "lost already" (a probe found last-whole-position 7438 for a journal
     * whose 8,002 entries were all on disk).
     */
    @Test
    void shouldFindTheEntriesPastADamagedHeaderOrSayTheCountIsShort() throws Exception
    {
        final Path dir = root.resolve("journal");
        writeHundred(dir);
        // Entry 35's magic, in the document of entries 31..40.
        final Path file = cycleFile(dir, 0);
        JournalTesting.garbleMagicOfEntry(file, 34);
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains("last-position: 100\ncommitted-position: 100\n") &&
            verify.out.contains("bad-position: 35\nentries-read: 99\n"), verify.toString());
        assertFalse(verify.out.contains("unread-positions") || verify.out.contains("missing"), verify.toString());
        // Read from the damaged one: its damage is named (a code review found a reader that stepped to it say "entry
        // carries position 34 where position 35 belongs: ... a gap or a foreign entry").
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir).readOnly(true));
             io.ringlog.core.JournalReader reader = journal.reader(35))
        {
            final io.ringlog.core.JournalException damaged = org.junit.jupiter.api.Assertions.assertThrows(
                io.ringlog.core.JournalException.class, () -> reader.next(new io.ringlog.core.Command(64)));
            assertTrue(damaged.getMessage().startsWith("journal position 35: bad magic") &&
                !damaged.getMessage().contains("foreign entry"), damaged.getMessage());
        }
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir).readOnly(true));
             io.ringlog.core.JournalReader reader = journal.reader(36))
        {
            final io.ringlog.core.Command entry = new io.ringlog.core.Command(64);
            for (long position = 36; position <= 100; position++)
            {
                assertTrue(reader.next(entry), "position " + position);
                assertEquals(position, entry.position());
            }
        }
        final Tool whole = tool("repair", "-d", dir.toString(), "--truncate-after", "34");
        assertTrue(whole.out.contains("last-whole-position: 100\n") && whole.out.contains("refused: positions 35..100 " +
            "were committed (the committed mark is 100)"), whole.toString());
        assertFalse(whole.out.contains("counted short"), whole.toString());

        // The entries after it in the document damaged too: nothing whole follows, so 35..40 count as one. (By magic,
        // counted in the file, 36 is now the 35th entry: 35's is garbled.)
        for (int nth = 34; nth < 39; nth++)
        {
            JournalTesting.flipByte(file, JournalTesting.entryOffset(file, nth) + 30);
        }
        final Tool dry = tool("repair", "-d", dir.toString(), "--truncate-after", "34", "--force");
        assertTrue(dry.out.contains("last-whole-position: 95\nnote: 1 document holds an entry whose header is damaged: " +
            "the walk cannot tell the entries after it in that document apart and counts them as one, so " +
            "last-whole-position and the positions after it are counted short"), dry.toString());
        assertFalse(dry.out.contains("they are lost already"), dry.toString());
        final Tool refused = tool("repair", "-d", dir.toString(), "--truncate-after", "34");
        assertTrue(refused.out.contains("positions 96..100 were committed (the committed mark is 100) but are not " +
            "counted among the journal's whole entries: they may be whole on disk past the damaged header"),
            refused.toString());
    }

    /**
     * A reviewer's finding: a flipped byte in an entry's length word, which still reads as a length, stepped the readers
     * into the middle of a later entry: the whole entries after the damaged one in its document were said unread (and
     * dump said the next one had bad magic). A length that does not end at the next entry's magic is damaged: the
     * readers find the next whole entry, as past a damaged magic.
     */
    @Test
    void shouldReadTheEntriesPastAnEntryWhoseLengthWordIsDamaged() throws Exception
    {
        final Path dir = root.resolve("journal");
        writeHundred(dir);
        // The low byte of entry 35's length (little-endian), in the document of entries 31..40.
        JournalTesting.flipByte(cycleFile(dir, 0), JournalTesting.entryOffset(cycleFile(dir, 0), 34));
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains("bad-position: 35\nentries-read: 99\n"), verify.toString());
        assertFalse(verify.out.contains("unread-positions"), verify.toString());
        final Tool dump = tool("dump", "-d", dir.toString(), "--from", "36", "--to", "37");
        assertEquals(0, dump.code, dump.toString());
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir).readOnly(true));
             io.ringlog.core.JournalReader reader = journal.reader(36))
        {
            final io.ringlog.core.Command entry = new io.ringlog.core.Command(64);
            for (long position = 36; position <= 100; position++)
            {
                assertTrue(reader.next(entry), "position " + position);
                assertEquals(position, entry.position());
            }
        }
    }

    /**
     * Damage that hides several entries in the middle of a document (a run of zeros), or leaves a header whose length
     * still reads, too short (zeros from inside it): the walk counts what the positions either side say, and reads on.
     * A rewrite cannot copy a run of several damaged entries entry by entry (the reviewer found a writable open's drop of
     * a torn tail writing the run once per entry it held, and the file then unreadable): it refuses, and the file is as
     * it was.
     */
    @Test
    void shouldCountARunOfDamagedEntriesByThePositionsEitherSideAndNotRewriteIt() throws Exception
    {
        final Path dir = root.resolve("journal");
        writeHundred(dir);
        final Path file = cycleFile(dir, 0);
        final long e36 = JournalTesting.entryOffset(file, 35);
        final long e38 = JournalTesting.entryOffset(file, 37);
        // Entry 33's header from its byte 8, and 34 and 35 whole: zeros from inside a header, over three entries.
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            final long e33 = JournalTesting.entryOffset(file, 32);
            raf.seek(e33 + 8);
            raf.write(new byte[(int)(e36 - e33 - 8)]);
            // And entry 38's last bytes: its header reads, too short, and fails its checks; 39 and 40 follow whole.
            raf.seek(e38 + 8);
            raf.write(new byte[24]);
        }
        final byte[] before = Files.readAllBytes(file);
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains("last-position: 100\ncommitted-position: 100\n") &&
            verify.out.contains("bad-position: 33\n") && verify.out.contains("later-bad-positions: 38\n"),
            verify.toString());
        assertFalse(verify.out.contains("missing"), verify.toString());
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir).readOnly(true));
             io.ringlog.core.JournalReader reader = journal.reader(36))
        {
            final io.ringlog.core.Command entry = new io.ringlog.core.Command(64);
            assertTrue(reader.next(entry));
            assertEquals(36, entry.position());
        }
        final Tool cut = tool("repair", "-d", dir.toString(), "--truncate-after", "99", "--force", "--apply");
        assertEquals(1, cut.code, cut.toString());
        assertTrue(cut.out.contains("refused: " + file + " holds a damaged run of 2 entries, positions 34..35, before " +
            "the cut: a rewrite copies the entries it keeps one by one, and cannot tell these apart. Cut before them " +
            "('--truncate-after 33 --force')") && cut.out.contains("status: refused, nothing was changed"), cut.toString());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(file)), "the file as it was");
    }

    /**
     * A reviewer's damage: an entry's payload length made shorter than its payload, the last entry of its document (the
     * rest of it then counted as a further entry, so the journal would not even open: "a gap or a foreign entry"), or in
     * the middle (readers from the next position stopped at it); and a position made larger than the next (readers
     * from the next position stopped). Each is one damaged entry now: the count is whole and the rest is read. (Where
     * the entry's rest is zeros, the walk cannot tell it from a next entry that never reached the disk, and counts it
     * as one, as before.)
     */
    @ParameterizedTest
    @CsvSource({"10, length", "5, length", "5, position"})
    void shouldReadOnPastAnEntryWhoseLengthOrPositionIsDamaged(final int damaged, final String field) throws Exception
    {
        final Path dir = root.resolve("journal");
        final byte[] filled = new byte[64];
        java.util.Arrays.fill(filled, (byte)0x55);
        final org.agrona.concurrent.UnsafeBuffer payload = new org.agrona.concurrent.UnsafeBuffer(filled);
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir)))
        {
            for (long position = 1; position <= 20; position++)
            {
                payload.putLong(0, position);
                journal.append(new io.ringlog.core.Command(64).set(position, position, 1, 1, 7, position, position,
                    payload, 0, 64));
                if (position % 10 == 0)
                {
                    journal.commit();
                }
            }
        }
        final Path file = cycleFile(dir, 0);
        final long at = JournalTesting.entryOffset(file, damaged - 1);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            // The payload length, little-endian, at the entry's byte 0: 8 where it is 64. Or the position's byte 6.
            raf.seek(at + ("length".equals(field) ? 0 : io.ringlog.core.CommandCodec.COMPACT_POSITION_OFFSET + 6));
            raf.write("length".equals(field) ? 8 : 1);
        }
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains("last-position: 20\ncommitted-position: 20\n") &&
            verify.out.contains("bad-position: " + damaged + "\nentries-read: 19\n"), verify.toString());
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir).readOnly(true));
             io.ringlog.core.JournalReader reader = journal.reader(damaged + 1))
        {
            final io.ringlog.core.Command entry = new io.ringlog.core.Command(64);
            for (long position = damaged + 1; position <= 20; position++)
            {
                assertTrue(reader.next(entry), "position " + position);
                assertEquals(position, entry.position());
            }
        }
    }

    /**
     * The newest entry zeroed from its first byte, or from inside its header (a page that never reached the disk): the
     * reviewer found verify saying only "bad magic 0x0", the repair's plan "drop-positions: none" beside a rewrite that
     * drops position 100, blaming "a cycle file cut short"; and, from inside the header, the zeros past the length the
     * damaged header gave counted as a position 101 that "could not be read". Each now says what the file shows.
     */
    /**
     * A repair killed part way left its rewrite directory (a partial cycle file), which verify did not mention and nothing
     * removed (a reviewer's finding). Verify says what it is; the next writable open deletes it, and says so; the journal
     * is as it was.
     */
    @Test
    void shouldNameAndRemoveWhatAStoppedRepairLeft() throws Exception
    {
        final Path dir = root.resolve("journal");
        writeHundred(dir);
        final Path work = dir.resolve(ChronicleJournal.REWRITE_DIRECTORY);
        Files.createDirectories(work);
        Files.write(work.resolve(cycleFile(dir, 0).getFileName()), new byte[1 << 20]);
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(0, verify.code, verify.toString());
        assertTrue(verify.out.contains("rewrite-left: " + work + " (what a repair stopped part way left of a cycle file it " +
            "was rewriting; the journal's own files are as they were before that rewrite, which replaces a file only when " +
            "whole: the next writable open deletes it (a run, a node, an engine), as does a repair that rewrites a cycle " +
            "file)\n"), verify.toString());
        assertTrue(verify.out.contains("status: ok"), verify.toString());

        final List<String> notices = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().directory(dir)
            .maxPayloadLength(64).noticeListener(notices::add)))
        {
            assertEquals(100, journal.lastPosition());
        }
        assertEquals(List.of("deleted " + work + ", what a repair stopped part way left of a cycle file it was rewriting: " +
            "the journal's own files are as they were before that rewrite, which replaces a file only when whole"), notices);
        assertFalse(Files.exists(work));
        assertFalse(tool("verify", "-d", dir.toString()).out.contains("rewrite-left"));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 8})
    void shouldSayWhatTheFileShowsOfAZeroedNewestEntry(final int from) throws Exception
    {
        final Path dir = root.resolve("journal");
        writeHundred(dir);
        final Path file = cycleFile(dir, 0);
        final long at = JournalTesting.entryOffset(file, 99);
        JournalTesting.zeroFrom(file, at + from);
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains("last-position: 100\ncommitted-position: 100\n") &&
            verify.out.contains("bad-position: 100\nentries-read: 99\n"), verify.toString());
        assertFalse(verify.out.contains("unread-positions") || verify.out.contains("position 101") ||
            verify.out.contains("positions 101"), verify.toString());
        final Tool plan = tool("repair", "-d", dir.toString(), "--truncate-after", "99");
        assertEquals(1, plan.code, plan.toString());
        // The positions the rewrite drops are drop-positions' (a reviewer read "drop-positions: none" above "drops
        // 100..100", where position 100 is zeros, lost already).
        assertTrue(plan.out.contains("rewrite-file: " + file + " (keeps positions 1..99" + (from == 0 ? ", and drops what " +
            "follows them: the zeros from byte " + at + ", where position 100 was written)\n" : ", drops 100..100)\n")),
            plan.toString());
        assertFalse(plan.out.contains("cut short"), plan.toString());
        if (from == 0)
        {
            assertTrue(verify.out.contains("journal position 100: bad magic: the entry's header (its first 32 bytes) is " +
                "all zeros, as where its bytes never reached the disk"), verify.toString());
            assertTrue(plan.out.contains("drop-positions: none (the journal's last whole entry is 99; the rewrite drops " +
                "the zeros after it in " + file + ", from byte " + at + ", where position 100 was written)\n") &&
                plan.out.contains("refused: positions 100..100 were committed (the committed mark is 100) but are not in " +
                "the journal: they are lost already (" + file + " holds zeros from byte " + at + ", where they were " +
                "written: their bytes never reached the disk, or were zeroed since)"), plan.toString());
        }
        else
        {
            assertTrue(verify.out.contains("journal position 100: checksum mismatch"), verify.toString());
            assertTrue(plan.out.contains("drop-positions: 100..100 (1 entries)\n") && plan.out.contains("refused: " +
                "positions 100..100 were committed (the committed mark is 100), so clients may have seen them"),
                plan.toString());
        }
    }

    @Test
    void shouldCutAfterAPositionOnlyWhenForcedToDropCommittedEntries() throws Exception
    {
        final Path dir = root.resolve("journal");
        final long first = writeEngineRun(dir, null, 300, 0);
        final Path file = cycleFile(dir, 0);
        JournalTesting.flipByte(file, JournalTesting.entryOffset(file, 299) + 30);
        assertThrows(JournalException.class, () -> ChronicleJournal.open(context(dir)), "a damaged committed entry");

        final Tool dry = tool("repair", "-d", dir.toString(), "--truncate-after", "299");
        assertEquals(1, dry.code, dry.toString());
        assertTrue(dry.out.contains("committed-position: 300\n") && dry.out.contains("last-whole-position: 300\n") &&
            dry.out.contains("drop-positions: 300..300 (1 entries)\n") &&
            dry.out.contains("rewrite-file: " + file + " (keeps positions 1..299, drops 300..300)\n") &&
            dry.out.contains("refused: positions 300..300 were committed (the committed mark is 300), so clients " +
                "may have seen them; --force drops them anyway\n") &&
            dry.out.contains("status: refused, nothing was changed (each refused line says what would do it)"),
            dry.toString());
        final Tool forcedDry = tool("repair", "-d", dir.toString(), "--truncate-after", "299", "--force");
        assertEquals(0, forcedDry.code, forcedDry.toString());
        assertTrue(forcedDry.out.contains("forced: positions 300..300 were committed") &&
            forcedDry.out.contains("committed-position-after: 299 (was 300)") &&
            forcedDry.out.contains("status: dry run, nothing was changed (add --apply to do it)"), forcedDry.toString());
        assertEquals(1, tool("verify", "-d", dir.toString()).code, "a dry run changes nothing");

        final Tool applied = tool("repair", "-d", dir.toString(), "--truncate-after", "299", "--force", "--apply");
        assertEquals(0, applied.code, applied.toString());
        assertTrue(applied.out.endsWith("status: repaired\n"), applied.toString());
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(0, verify.code, verify.toString());
        assertTrue(verify.out.contains("last-position: 299\ncommitted-position: 299\n"), verify.toString());
        assertEquals(first, 1);
        assertEquals(cleanHash(299, 10), continueRun(dir, null, 10), "the 299 kept commands, then 10 more");
    }

    /**
     * verify checks the snapshots too, as recovery would: the newest one damaged is unusable, the one
     * before it is what a restart recovers from, and a damaged entry before that snapshot is one a
     * restart does not read (verify says so beside the repair that would drop everything after it).
     */
    @Test
    void shouldSayWhichSnapshotARestartUsesAndThatItPassesOverADamagedOlderEntry() throws Exception
    {
        final Path dir = root.resolve("journal");
        final Path snapshots = dir.resolve("snapshots");
        writeEngineRun(dir, snapshots, 400, 100);
        final Path file = cycleFile(dir, 0);
        JournalTesting.flipByte(file, JournalTesting.entryOffset(file, 149) + 30);
        final Path newest = FileSnapshotStore.open(snapshots, 3).path(400);
        JournalTesting.flipByte(newest, Files.size(newest) - 1);

        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains("bad-position: 150\n") && verify.out.contains("snapshot: 400 unusable\n") &&
            verify.out.contains("snapshot: 300 ok\n") && verify.out.contains("snapshots: 3 in " + snapshots + "\n") &&
            verify.out.contains("restart-recovers-from: the snapshot at position 300\n"), verify.toString());
        assertTrue(verify.out.contains("problem: snapshot at position 400 (" + newest + ") is damaged: ") &&
            verify.out.contains("problem: the damaged entry at position 150 comes before the snapshot at position " +
                "300, which a restart recovers from: its recovery does not replay it, and the service starts, unless " +
                "it reads an entry before the snapshot itself"), verify.toString());
        // The way out of the snapshot's problem, which verify used to leave unsaid (and repair has no option for).
        assertTrue(verify.out.contains("Delete it ('rm " + newest + "'): nothing else depends on it"), verify.toString());
        assertEquals(cleanHash(400, 5), continueRun(dir, snapshots, 5), "a restart recovers from 300 and goes on");
    }

    /**
     * A reviewer's finding: a repair whose plan deletes snapshots in a directory it could not write cut the journal,
     * then stopped part way on the first snapshot, leaving snapshots past the journal's new end, which verify then
     * blamed on a lost cycle file. It refuses before it changes anything; with the directory writable again it completes.
     */
    @Test
    void shouldRefuseARepairBeforeItCutsWhereTheSnapshotsItDeletesCannotBeDeleted() throws Exception
    {
        final Path dir = root.resolve("journal");
        final Path snapshots = dir.resolve("snapshots");
        writeEngineRun(dir, snapshots, 400, 100);
        Assumptions.assumeTrue(Chattr.set("+i", snapshots), "chattr +i works here");
        try
        {
            final Tool refused = tool("repair", "-d", dir.toString(), "--truncate-after", "250", "--force", "--apply");
            assertEquals(1, refused.code, refused.toString());
            assertTrue(refused.err.contains("error: cannot repair " + dir + ": the plan deletes snapshots in " + snapshots +
                ", which cannot be written here") && refused.err.contains("Nothing was changed."), refused.toString());
            final Tool verify = tool("verify", "-d", dir.toString());
            assertEquals(0, verify.code, verify.toString());
            assertTrue(verify.out.contains("last-position: 400\n"), verify.toString());
        }
        finally
        {
            Chattr.set("-i", snapshots);
        }
        assertEquals(0, tool("repair", "-d", dir.toString(), "--truncate-after", "250", "--force", "--apply").code);
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(0, verify.code, verify.toString());
        assertTrue(verify.out.contains("last-position: 250\n") && verify.out.contains("restart-recovers-from: the " +
            "snapshot at position 200"), verify.toString());
    }

    /** A reviewer's: a snapshot one past the journal's end was said to show "entries 400..400" missing. */
    @Test
    void shouldSayOneMissingEntryAsOne() throws Exception
    {
        final Path dir = root.resolve("journal");
        final Path snapshots = dir.resolve("snapshots");
        writeEngineRun(dir, snapshots, 400, 100);
        final Path newest = FileSnapshotStore.open(snapshots, 3).path(400);
        final Path kept = root.resolve("snapshot-400");
        Files.copy(newest, kept);
        assertEquals(0, tool("repair", "-d", dir.toString(), "--truncate-after", "399", "--force", "--apply").code);
        Files.copy(kept, newest);
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains("is past the journal's last position 399: if it was taken on this journal, entry " +
            "400 was committed and is missing") && !verify.out.contains("400..400"), verify.toString());
    }

    /**
     * A reviewer's: ringlog.meta lost, its snapshots kept outside the journal, and --new-identity run without them, the
     * journal's own snapshots were then said to be another journal's, with nothing depending on them, to delete. Their
     * entries match the journal's: verify says they are most likely its own and how to take their identity back, which,
     * followed, makes them usable again.
     */
    @Test
    void shouldSayASnapshotWhoseEntryMatchesIsThisJournalsOwnUnderAnOlderIdentity() throws Exception
    {
        final Path dir = root.resolve("journal");
        final Path snapshots = root.resolve("elsewhere");
        writeEngineRun(dir, snapshots, 400, 100);
        Files.delete(dir.resolve("ringlog.meta"));
        assertEquals(0, tool("repair", "-d", dir.toString(), "--new-identity", "--apply").code);
        final Tool verify = tool("verify", "-d", dir.toString(), "--snapshots", snapshots.toString());
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains("matches this journal's: it is most likely this journal's own, taken under the " +
            "identity ") && verify.out.contains("'scripts/journal repair -d " + dir + " --new-identity --snapshots " +
            snapshots + " --force' takes that identity back") && !verify.out.contains("delete it"), verify.toString());
        final Tool back = tool("repair", "-d", dir.toString(), "--new-identity", "--snapshots", snapshots.toString(),
            "--force", "--apply");
        assertEquals(0, back.code, back.toString());
        final Tool usable = tool("verify", "-d", dir.toString(), "--snapshots", snapshots.toString());
        assertEquals(0, usable.code, usable.toString());
        assertTrue(usable.out.contains("snapshot: 400 ok\n"), usable.toString());
    }

    /**
     * A reviewer's: another journal's snapshots in this journal's snapshot directory, which verify says to move to their
     * own journal, were deleted by a cut (and by --new-identity). The README says retention leaves them alone; so does
     * a repair, and says so.
     */
    @Test
    void shouldLeaveAnotherJournalsSnapshotsAloneInACut() throws Exception
    {
        final Path dir = root.resolve("journal");
        final Path snapshots = dir.resolve("snapshots");
        writeEngineRun(dir, snapshots, 400, 100);
        final Path other = root.resolve("other");
        writeEngineRun(other, other.resolve("snapshots"), 700, 100);
        final List<Path> theirs = new java.util.ArrayList<>();
        for (final long position : new long[] {500, 600, 700})
        {
            final Path copy = FileSnapshotStore.open(snapshots, 3).path(position);
            Files.copy(FileSnapshotStore.open(other.resolve("snapshots"), 3).path(position), copy);
            theirs.add(copy);
        }
        final Tool cut = tool("repair", "-d", dir.toString(), "--truncate-after", "250", "--force", "--apply");
        // The cut is made; the other journal's snapshots are still a problem of this directory's, as verify says.
        assertEquals(1, cut.code, cut.toString());
        assertTrue(cut.out.contains("another journal's snapshot, which says nothing of this one") &&
            cut.out.contains("its last position 250"), cut.toString());
        assertTrue(cut.out.contains("keep-snapshot: " + theirs.get(2) + " (position 700: another journal's, ") &&
            cut.out.contains("drop-snapshot: " + FileSnapshotStore.open(snapshots, 3).path(400) + " (position 400)") &&
            !cut.out.contains("drop-snapshot: " + theirs.get(0)), cut.toString());
        for (final Path copy : theirs)
        {
            assertTrue(Files.exists(copy), copy + " left alone");
        }
        Files.delete(dir.resolve("ringlog.meta"));
        final Tool renewed = tool("repair", "-d", dir.toString(), "--new-identity");
        assertTrue(renewed.out.contains("keep-snapshot: " + theirs.get(0) + " (position 500: another journal's, ") &&
            !renewed.out.contains("drop-snapshot: " + theirs.get(0)), renewed.toString());
        // With a cut too, ringlog.meta missing: the cut's plan dropped them, the identity's kept them, and --apply
        // deleted them (a code review's).
        final Tool both = tool("repair", "-d", dir.toString(), "--truncate-after", "200", "--new-identity", "--force");
        assertFalse(both.out.contains("drop-snapshot: " + theirs.get(0)) || both.out.contains("position 700, so"),
            both.toString());
    }

    /**
     * A code review's: this journal's own snapshots under the identity it had before its ringlog.meta was made anew were
     * kept past a cut as another journal's (a start then refused), and verify advised taking that identity back while
     * snapshots of the present one were there, which, followed, dropped every snapshot.
     */
    @Test
    void shouldTreatSnapshotsOfAnOlderIdentityAsThisJournalsOwn() throws Exception
    {
        final Path dir = root.resolve("journal");
        final Path snapshots = dir.resolve("snapshots");
        writeEngineRun(dir, snapshots, 300, 100);
        final Path away = root.resolve("away");
        Files.move(snapshots, away);
        Files.delete(dir.resolve("ringlog.meta"));
        assertEquals(0, tool("repair", "-d", dir.toString(), "--new-identity", "--apply").code);
        Files.move(away, snapshots);
        final Tool cut = tool("repair", "-d", dir.toString(), "--truncate-after", "250", "--force");
        assertTrue(cut.out.contains("drop-snapshot: " + FileSnapshotStore.open(snapshots, 3).path(300) + " (position 300)") &&
            !cut.out.contains("another journal's"), cut.toString());

        writeEngineRun(dir, snapshots, 400, 100);
        final Tool verify = tool("verify", "-d", dir.toString());
        assertTrue(verify.out.contains("Snapshots of its present identity are there too, which recovery uses: keep this " +
            "one aside") && !verify.out.contains("--new-identity --snapshots"), verify.toString());
        assertTrue(verify.out.contains("restart-recovers-from: the snapshot at position 400"), verify.toString());
    }

    /**
     * A reviewer's: a forced cut of a journal trimmed behind its snapshots, below its oldest usable snapshot, dropped
     * every snapshot a start could use, said repaired, and verify then said ok, exit 0, of a journal every start
     * refused. The cut is refused, naming the one that keeps a snapshot; verify makes it a problem.
     */
    @Test
    void shouldRefuseACutThatLeavesATrimmedJournalNoSnapshotToStartFrom() throws Exception
    {
        final Path dir = root.resolve("journal");
        final Path snapshots = dir.resolve("snapshots");
        writeEngineCycles(dir, snapshots, 3);
        Files.delete(JournalTesting.cycleFiles(dir).get(0));
        final Tool refused = tool("repair", "-d", dir.toString(), "--truncate-after", "150", "--force", "--apply");
        assertEquals(1, refused.code, refused.toString());
        assertTrue(refused.err.contains("--truncate-after 150 would leave a journal no start can use: its oldest entry " +
            "is position 101") && refused.err.contains("there is none such in " + snapshots + ". 'scripts/journal " +
            "verify -d " + dir + "' names the ways on") && refused.err.endsWith("nothing was changed\n"),
            refused.toString());
        assertTrue(tool("verify", "-d", dir.toString()).out.contains("last-position: 300\n"), "nothing was changed");
        final Tool cut = tool("repair", "-d", dir.toString(), "--truncate-after", "200", "--force", "--apply");
        assertEquals(0, cut.code, cut.toString());
        assertEquals(cleanHash(200, 10), continueRun(dir, snapshots, 10), "a start recovers from the snapshot at 200");

        Files.delete(FileSnapshotStore.open(snapshots, 3).path(200));
        final Tool stranded = tool("verify", "-d", dir.toString());
        assertEquals(1, stranded.code, stranded.toString());
        assertTrue(stranded.out.contains("problem: no snapshot in " + snapshots + " is usable, and the journal's oldest " +
            "entry is position 101") && stranded.out.contains("restore a snapshot at or after 101 from a copy"),
            stranded.toString());
    }

    /**
     * A reviewer's findings: a whole snapshot renamed, and a link to a snapshot on a disk not mounted, were each called
     * damaged, with the advice to delete them ("nothing else depends on it"). Renamed back or mended, each is usable.
     */
    @Test
    void shouldSayARenamedSnapshotAndADanglingLinkAreNotDamaged() throws Exception
    {
        final Path dir = root.resolve("journal");
        final Path snapshots = dir.resolve("snapshots");
        writeEngineRun(dir, snapshots, 400, 100);
        final Path at300;
        final Path at400;
        try (FileSnapshotStore store = FileSnapshotStore.open(new FileSnapshotStore.Context().directory(snapshots)
            .readOnly(true)))
        {
            at300 = store.path(300);
            at400 = store.path(400);
        }
        final Path renamed = at300.resolveSibling(at300.getFileName().toString().replace("300", "350"));
        Files.move(at300, renamed);
        final Path away = Files.move(at400, root.resolve("elsewhere.rls"));
        Files.createSymbolicLink(at400, root.resolve("unmounted").resolve("elsewhere.rls"));

        final Tool verify = tool("verify", "-d", dir.toString());
        assertTrue(verify.out.contains("problem: snapshot at position 350 (" + renamed + ") holds the snapshot of " +
            "position 300 (its header says so) under the name of position 350 (renamed, or copied under another name): " +
            "recovery skips it. If it is this journal's, rename it back ('mv " + renamed + " " + at300 + "')"),
            verify.toString());
        assertTrue(verify.out.contains("problem: snapshot at position 400 (" + at400 + ") is a symbolic link to " +
            root.resolve("unmounted").resolve("elsewhere.rls") + ", which does not exist (a disk not mounted, a file " +
            "moved?): recovery skips it while it cannot read it. Mend the link"), verify.toString());
        assertFalse(verify.out.contains("nothing else depends on it"), verify.toString());
        // A copy under a short name is read by nothing: said, with the name it would need.
        final Path short400 = snapshots.resolve("snapshot-400.rls");
        Files.copy(away, short400);
        assertTrue(tool("verify", "-d", dir.toString()).out.contains("note: " + short400 + " is named like a snapshot " +
            "but not as the store names them (snapshot-<20 digits>.rls), so nothing reads it; its header says position " +
            "400: 'mv " + short400 + " " + at400 + "' makes it one"));
        Files.delete(short400);
        // Followed, the advice gives both back.
        Files.move(renamed, at300);
        Files.delete(at400);
        Files.move(away, at400);
        final Tool mended = tool("verify", "-d", dir.toString());
        assertTrue(mended.out.contains("snapshot: 400 ok\n") && mended.out.contains("snapshot: 300 ok\n"),
            mended.toString());
    }

    /**
     * A reviewer's finding: one bit flipped in the position a snapshot's header holds was read as a rename, and the advice
     * to rename it back led to a file that failed its checksum under its new name too. Damaged, it is said damaged.
     */
    @Test
    void shouldCallASnapshotWhoseHeaderPositionIsDamagedDamagedNotRenamed() throws Exception
    {
        final Path dir = root.resolve("journal");
        final Path snapshots = dir.resolve("snapshots");
        writeEngineRun(dir, snapshots, 400, 100);
        final Path newest = FileSnapshotStore.open(snapshots, 3).path(400);
        // The header's position, 400 (0x190), becomes 367 (0x16f): a header that names another position, as a rename would.
        JournalTesting.flipByte(newest, 8);
        assertEquals(-1, FileSnapshotStore.positionInHeader(newest));

        final Tool verify = tool("verify", "-d", dir.toString());
        assertFalse(verify.out.contains("rename it back"), verify.toString());
        assertFalse(verify.out.contains("holds the snapshot of position"), verify.toString());
        assertTrue(verify.out.contains("problem: snapshot at position 400 (" + newest + ") is damaged: "),
            verify.toString());
        assertEquals(cleanHash(400, 5), continueRun(dir, snapshots, 5), "a restart recovers from 300 and goes on");
    }

    /**
     * verify used to stop at the first damaged entry and, that one being before the snapshot a restart uses, say the
     * service starts; a second damaged entry after that snapshot stopped the restart, and verify had not read it. It
     * now reads on past each damaged entry, names the later ones, and says which one stops a restart.
     */
    @Test
    void shouldReadOnPastADamagedEntryAndNameTheOneThatStopsARestart() throws Exception
    {
        final Path dir = root.resolve("journal");
        final Path snapshots = dir.resolve("snapshots");
        writeEngineRun(dir, snapshots, 400, 100);
        final Path file = cycleFile(dir, 0);
        JournalTesting.flipByte(file, JournalTesting.entryOffset(file, 149) + 30);
        JournalTesting.flipByte(file, JournalTesting.entryOffset(file, 349) + 30);
        final Path newest = FileSnapshotStore.open(snapshots, 3).path(400);
        JournalTesting.flipByte(newest, Files.size(newest) - 1);

        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains("bad-position: 150\nlater-bad-positions: 350\nentries-read: 398\n") &&
            verify.out.contains("restart-recovers-from: the snapshot at position 300\n"), verify.toString());
        assertTrue(verify.out.contains("problem: more damaged entries after position 150: 350 (each fails its " +
            "checks as the first does)") && verify.out.contains("problem: a restart recovers from the snapshot at " +
            "position 300 and replays the entries after it: position 350 cannot be read (see above) and stops it, and " +
            "the service does not start until that entry is restored or cut"), verify.toString());
        assertFalse(verify.out.contains("the service starts"), verify.toString());
        final JournalException stopped = assertThrows(JournalException.class, () -> continueRun(dir, snapshots, 5));
        assertEquals(350, stopped.position(), stopped.getMessage());
    }

    /**
     * A damaged offset in Chronicle's first index (where its readers look for the file's first document) made every
     * read fail at position 1, and verify advised '--truncate-after 0', emptying the journal; the entries were whole,
     * and a rebuild keeps them all. The walk on open compares Chronicle's index with the documents it passes: verify
     * names the offset, and the repair, which writes the file anew with all of its entries.
     */
    @ParameterizedTest
    @ValueSource(ints = {0x04, 0xFF})
    void shouldNameTheRebuildWhenChroniclesIndexSendsReadersToTheWrongBytes(final int mask) throws Exception
    {
        final Path dir = root.resolve("journal");
        writeEngineRun(dir, null, 300, 0);
        final Path file = cycleFile(dir, 0);
        // 0x04: the reader finds a short entry at position 1; 0xFF: it finds no entry at all.
        final long values = JournalTesting.chronicleIndexValues(file);
        final long starts = JournalTesting.longAt(file, values);
        JournalTesting.flip(file, values, mask);

        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains("problem: cycle file " + file + " cannot be read by Chronicle Queue: Chronicle's " +
            "index of the file is damaged: it says data document 0 starts at byte " + (starts ^ mask) + ", where it " +
            "starts at byte " + starts + ". Its entries do not depend on the index, and the walk past the damage found " +
            "300 whole entries, positions 1..300: 'scripts/journal repair -d " + dir + "' writes the file anew"),
            verify.toString());
        assertFalse(verify.out.contains("--truncate-after"), "no cut: every entry is whole\n" + verify);

        final Tool rebuilt = tool("repair", "-d", dir.toString(), "--apply");
        assertEquals(0, rebuilt.code, rebuilt.toString());
        final Tool again = tool("verify", "-d", dir.toString());
        assertEquals(0, again.code, again.toString());
        assertTrue(again.out.contains("entries-read: 300\n"), again.toString());
        assertEquals(cleanHash(300, 5), continueRun(dir, null, 5), "every entry kept");
    }

    /**
     * A flipped bit in the name of Chronicle's index document: Chronicle's words came with a hex dump of the bytes,
     * several lines of it, in verify's problem. Its words stay, the dump goes, and the rebuild is named.
     */
    @Test
    void shouldGiveChroniclesWordsWithoutItsHexDump() throws Exception
    {
        final Path dir = root.resolve("journal");
        writeEngineRun(dir, null, 300, 0);
        final Path file = cycleFile(dir, 0);
        final byte[] bytes = Files.readAllBytes(file);
        final byte[] name = {(byte)0xB9, 5, 'i', 'n', 'd', 'e', 'x'};
        int at = -1;
        for (int i = 512; i < bytes.length - name.length && at < 0; i++)
        {
            if (java.util.Arrays.equals(bytes, i, i + name.length, name, 0, name.length))
            {
                at = i;
            }
        }
        assertTrue(at > 0, "Chronicle's index document is there to damage");
        JournalTesting.flip(file, at + 4, 0x01);

        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains("expecting index, was ineex. Its own bookkeeping in a cycle file (an index) may " +
            "be damaged: 'scripts/journal repair -d " + dir + " --rebuild'"), verify.toString());
        assertFalse(verify.out.contains("bytes:") || verify.out.contains("........"), verify.toString());
        assertEquals(0, tool("repair", "-d", dir.toString(), "--rebuild", "--apply").code);
        assertEquals(cleanHash(300, 5), continueRun(dir, null, 5), "the rebuild kept every entry");
    }

    /**
     * A reviewer's finding: a cycle file whose first 256 bytes were zeros (a page lost in a power cut) was taken for
     * a file Chronicle was still making: verify and replay read no entry of it (status ok on a journal of other files),
     * the only cut offered emptied the journal, and a writable open had Chronicle set the file aside and use its
     * positions again. It is header damage: named, refused at open, and repaired keeping every entry.
     */
    @Test
    void shouldRebuildACycleFileWhoseChronicleHeaderIsZerosKeepingEveryEntry() throws Exception
    {
        final Path dir = root.resolve("journal");
        writeEngineRun(dir, null, 300, 0);
        final Path file = cycleFile(dir, 0);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.write(new byte[256]);
        }
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains("problem: cycle file " + file + " cannot be read by Chronicle Queue: its Chronicle " +
            "header is lost: the file's first bytes are zeros, though it holds documents from byte ") &&
            verify.out.contains("the walk past the damage found 300 whole entries, positions 1..300: 'scripts/journal " +
            "repair -d " + dir + "' writes the file anew"), verify.toString());
        final JournalException refused = assertThrows(JournalException.class, () -> ChronicleJournal.open(context(dir)));
        assertTrue(refused.getMessage().contains("its Chronicle header is lost"), refused.getMessage());
        assertEquals(List.of(file), JournalTesting.cycleFiles(dir), "nothing set aside");

        final Tool applied = tool("repair", "-d", dir.toString(), "--apply");
        assertEquals(0, applied.code, applied.toString());
        assertTrue(applied.out.contains("written anew with all of its 300 entries, positions 1..300"), applied.toString());
        final Tool after = tool("verify", "-d", dir.toString());
        assertEquals(0, after.code, after.toString());
        assertTrue(after.out.contains("last-position: 300\ncommitted-position: 300\n"), after.toString());
        assertEquals(cleanHash(300, 10), continueRun(dir, null, 10), "all 300 commands kept, then 10 more");
    }

    /**
     * A reviewer's finding: a middle document's header word and its first entry's header zeroed together (a lost page
     * across a document's start) hid every later document: verify said only that Chronicle's index counted more
     * documents, and repair called the whole entries after the zeros lost already. Verify now says a whole document
     * lies past the zeros, and to restore the file rather than cut it.
     */
    @Test
    void shouldSayWholeDocumentsLiePastADocumentWhoseHeaderAndFirstEntryAreZeros() throws Exception
    {
        final Path dir = root.resolve("journal");
        writeInBatchesOfTen(dir, 3_000);
        final Path file = cycleFile(dir, 0);
        final List<Long> documents = JournalTesting.dataDocuments(file);
        final int middle = documents.size() / 2;
        final long document = documents.get(middle);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(document);
            raf.write(new byte[4 + CommandCodec.HEADER_LENGTH]);
        }
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains("problem: " + file + ": the walk stops at a zero header word at byte " + document +
            ", yet a whole document of committed entries starts at byte " + documents.get(middle + 1) + ", past it (its " +
            "first entry is position ") && verify.out.contains(", and the committed mark is 3000). The bytes at " +
            document + " are a document whose header was lost") &&
            verify.out.contains("Restore the file from a copy (a backup, the standby's journal) rather than cut the " +
            "journal there"), verify.toString());

        // A later reviewer's: the cut at the last entry read said "drop-positions: none", called the entries past the
        // zeros lost already, and under --force dropped them for good. It names them as what it drops, and why.
        // Documents of ten entries, the first holding 1..10: the zeroed one holds lost + 1..lost + 10.
        final long lost = (middle - 1) * 10L;
        final Tool cut = tool("repair", "-d", dir.toString(), "--truncate-after", String.valueOf(lost));
        assertEquals(1, cut.code, cut.toString());
        final String past = "positions " + (lost + 11) + "..3000 are whole on disk in " + file + ", from byte " +
            documents.get(middle + 1) + ", past the document at byte " + document + " whose header was lost (zeroed " +
            "with the start of its first entry, positions " + (lost + 1) + ".." + (lost + 10) + ")";
        assertTrue(cut.out.contains("drop-positions: " + (lost + 1) + "..3000 (the last entry read is " + lost + "; " +
            past + ", which neither replay nor repair reads past)\n"), cut.toString());
        assertTrue(cut.out.contains("refused: positions " + (lost + 1) + "..3000 were committed (the committed " +
            "mark is 3000), and " + past + ". The cut would drop them: no cut keeps them, for a journal's positions have " +
            "no gap. Restoring the file from a copy"), cut.toString());
        assertFalse(cut.out.contains("lost already"), cut.toString());
    }

    /**
     * A later reviewer's bits flipped in {@code metadata.cq4t} showed users Java's words: {@code
     * java.lang.ClassNotFoundException: QTStore}, an NPE's {@code Cannot invoke "String.equals(Object)" because "format"
     * is null}, {@code (null)}, {@code No enum constant ...WireType.BINAPY_LIGHT}. Every command says the table is
     * damaged, in words, and where to move it.
     */
    @ParameterizedTest
    @ValueSource(ints = {14, 17, 50, 100, 115})
    void shouldSayInWordsWhatABitFlippedInChroniclesTableDid(final int at) throws Exception
    {
        final Path dir = root.resolve("journal");
        writeEngineRun(dir, null, 300, 0);
        final Path table = dir.resolve("metadata.cq4t");
        try (RandomAccessFile raf = new RandomAccessFile(table.toFile(), "rw"))
        {
            raf.seek(at);
            final int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0x02);
        }
        for (final String command : new String[]{"verify", "stats", "dump"})
        {
            final Tool tool = tool(command, "-d", dir.toString());
            final String said = tool.out + tool.err;
            if (tool.code == 0)
            {
                continue;   // a bit Chronicle does not read where this command looks
            }
            assertTrue(said.contains(table.toString()), command + " names the table: " + said);
            for (final String java : new String[]{"Exception", "Cannot invoke", "No enum constant", "(null)", "java.",
                "net.openhft"})
            {
                assertFalse(said.contains(java), command + " at byte " + at + " says '" + java + "': " + said);
            }
        }
    }

    /**
     * A reviewer's finding: one flipped bit in Chronicle's own table, {@code metadata.cq4t}, and verify said the
     * journal was fine while a writer refused it. Verify reads the table as a writer does, names it damaged and says
     * to move it away (it holds nothing of the journal's own); moved away, the journal opens and goes on.
     */
    @ParameterizedTest
    @ValueSource(ints = {16, 40, 80})
    void shouldSayChroniclesTableIsDamagedWhereAWriterWouldRefuseIt(final int at) throws Exception
    {
        final Path dir = root.resolve("journal");
        writeEngineRun(dir, null, 300, 0);
        final Path table = dir.resolve("metadata.cq4t");
        try (RandomAccessFile raf = new RandomAccessFile(table.toFile(), "rw"))
        {
            raf.seek(at);
            final int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0x01);
        }
        final String damaged = table + " is damaged: Chronicle Queue cannot read it (";
        final JournalException refused = assertThrows(JournalException.class, () -> ChronicleJournal.open(context(dir)));
        assertTrue(refused.getMessage().startsWith("cannot open the journal in " + dir + " for writing: " + damaged) &&
            refused.getMessage().contains("move it away ('mv " + table + " " + table + ".damaged')"),
            refused.getMessage());
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains("problem: " + damaged), verify.toString());
        assertFalse(verify.out.contains("Exception") || verify.err.contains("Exception"), verify.toString());

        Files.move(table, dir.resolve("metadata.cq4t.damaged"));
        final Tool after = tool("verify", "-d", dir.toString());
        assertEquals(0, after.code, after.toString());
        assertEquals(cleanHash(300, 10), continueRun(dir, null, 10), "all 300 commands kept, then 10 more");
    }

    /**
     * A reviewer's finding: one flipped bit in the length of metadata.cq4t's first document, and verify blamed a cycle
     * file ("a fault reading a memory-mapped file ...: a journal's cycle file damaged"), pointing at itself. It names
     * the table, as a writer's refusal does (after Chronicle's wait for its lock); moved away, the journal goes on.
     */
    @Test
    void shouldNameChroniclesTableWhereReadingItFaults() throws Exception
    {
        final Path dir = root.resolve("journal");
        writeEngineRun(dir, null, 300, 0);
        final Path table = dir.resolve("metadata.cq4t");
        try (RandomAccessFile raf = new RandomAccessFile(table.toFile(), "rw"))
        {
            final int b = raf.read();
            raf.seek(0);
            raf.write(b ^ 0x01);
        }
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains("problem: Chronicle Queue cannot open the journal in " + dir + ": a fault reading " +
            "a memory-mapped file where the file has no data, as it read its table. If no other process has the journal " +
            "open, " + table + " may be damaged"), verify.toString());
        final JournalException refused = assertThrows(JournalException.class, () -> ChronicleJournal.open(context(dir)));
        assertTrue(refused.getMessage().contains(table + " may be damaged: it holds only Chronicle Queue's bookkeeping"),
            refused.getMessage());
        Files.move(table, dir.resolve("metadata.cq4t.damaged"));
        assertEquals(cleanHash(300, 10), continueRun(dir, null, 10), "all 300 commands kept, then 10 more");
        assertEquals(0, tool("verify", "-d", dir.toString()).code);
    }

    /**
     * Two damaged bytes in Chronicle's header of a cycle file ("SCQStore", the type Chronicle reads it as,
     * becomes "SCQStoXY"): verify names the file and the byte, without Chronicle's internals; repair, with
     * no cut and no force, writes the file anew with every entry; the journal then opens, goes on, and
     * replays to a clean run's hash. Before, Chronicle's ClassNotFoundException was all a user saw, and
     * repair found nothing to repair.
     */
    @Test
    void shouldRebuildACycleFileWhoseChronicleHeaderIsDamagedKeepingEveryEntry() throws Exception
    {
        final Path dir = root.resolve("journal");
        writeEngineRun(dir, null, 300, 0);
        final Path file = cycleFile(dir, 0);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(20);
            raf.write(new byte[] {'X', 'Y'});
        }
        final String damage = "its Chronicle header is damaged at byte 20 (where Chronicle writes 'SCQStore')";
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains("problem: cycle file " + file + " cannot be read by Chronicle Queue: " + damage +
            ". Its entries do not depend on the header, and the walk past the damage found 300 whole entries, " +
            "positions 1..300: 'scripts/journal repair -d " + dir + "' writes the file anew"), verify.toString());
        assertFalse((verify.out + verify.err).contains("Exception") || (verify.out + verify.err).contains("SCQStoXY"),
            verify.toString());
        final JournalException refused = assertThrows(JournalException.class, () -> ChronicleJournal.open(context(dir)));
        assertTrue(refused.getMessage().contains(damage), refused.getMessage());

        final Tool dry = tool("repair", "-d", dir.toString());
        assertEquals(0, dry.code, dry.toString());
        assertTrue(dry.out.contains("rebuild-file: " + file + " (" + damage + "; written anew with all of its 300 " +
            "entries, positions 1..300)\n") && dry.out.contains("status: dry run"), dry.toString());
        assertEquals(1, tool("verify", "-d", dir.toString()).code, "a dry run changes nothing");
        final Tool applied = tool("repair", "-d", dir.toString(), "--apply");
        assertEquals(0, applied.code, applied.toString());
        final Tool after = tool("verify", "-d", dir.toString());
        assertEquals(0, after.code, after.toString());
        assertTrue(after.out.contains("last-position: 300\ncommitted-position: 300\n"), after.toString());
        assertEquals(cleanHash(300, 10), continueRun(dir, null, 10), "all 300 commands kept, then 10 more");
    }

    /**
     * Chronicle's index of a cycle file (every 256th document's offset) damaged, which only a reader that starts past
     * the beginning uses, and which sent it past the file's end: a SIGBUS, which the JVM reports at some later
     * instruction, so that in compiled code it escaped the reader's own catch as an InternalError's stack trace. The
     * walk on open now reads the index with plain reads and compares it with the documents: every command names the
     * damage before Chronicle maps the file, and the repair writes the file anew with every entry and a new index.
     */
    @Test
    void shouldRebuildACycleFileWhoseChronicleIndexIsDamaged() throws Exception
    {
        final Indexed indexed = journalWithDocument1280Indexed();
        final Path dir = indexed.dir();
        final Path file = indexed.file();
        final long starts = indexed.starts();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            // Document 1280's offset, sent past the data and the file's end.
            raf.seek(indexed.value());
            raf.write(new byte[] {0, 0, 0, 0x7F});
        }
        final String damage = "cycle file " + file + " cannot be read by Chronicle Queue: Chronicle's index of the " +
            "file is damaged: it says data document 1280 starts at byte " + ((starts & ~0xFFFF_FFFFL) | 0x7F00_0000L) +
            ", past the file's end (" + Files.size(file) + " bytes), where it starts at byte " + starts + ". Its " +
            "entries do not depend on the index, and the walk past the damage found 3000 whole entries, positions " +
            "1..3000: 'scripts/journal repair -d " + dir + "' writes the file anew";
        for (final String[] command : List.of(new String[] {"dump", "--from", "2000", "--to", "2000"},
            new String[] {"dump", "--to", "3"}, new String[] {"verify"}))
        {
            final List<String> args = new ArrayList<>(List.of(command[0], "-d", dir.toString()));
            args.addAll(List.of(command).subList(1, command.length));
            final Tool refused = tool(args.toArray(String[]::new));
            assertEquals(1, refused.code, refused.toString());
            assertTrue((refused.out + refused.err).contains(damage), refused.toString());
            assertFalse((refused.out + refused.err).contains("Exception") || (refused.out + refused.err).contains("\tat "),
                refused.toString());
        }
        assertTrue(assertThrows(JournalException.class, () -> ChronicleJournal.open(context(dir))).getMessage()
            .contains(damage), "the engine's open refuses it too, before Chronicle maps the file");

        final Tool dry = tool("repair", "-d", dir.toString());
        assertEquals(0, dry.code, dry.toString());
        assertTrue(dry.out.contains("rebuild-file: " + file + " (Chronicle's index of the file is damaged: it says data " +
            "document 1280 starts at byte ") && dry.out.contains("; written anew with all of its 3000 entries, " +
            "positions 1..3000)\n") && dry.out.contains("status: dry run"), dry.toString());
        assertEquals(0, tool("repair", "-d", dir.toString(), "--apply").code);
        final Tool after = tool("dump", "-d", dir.toString(), "--from", "2000", "--to", "2000");
        assertEquals(0, after.code, after.toString());
        assertTrue(after.out.startsWith("position: 2000\n"), after.toString());
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(0, verify.code, verify.toString());
        assertTrue(verify.out.contains("last-position: 3000\ncommitted-position: 3000\n"), verify.toString());
    }

    /**
     * The same damage in a file whose newest document a crash left torn, the usual state after one: the index was
     * checked only in a file that ended whole, and an open rewrites only the torn tail, so a later reader faulted on it.
     */
    @Test
    void shouldNameADamagedIndexInAFileWhoseNewestDocumentIsTorn() throws Exception
    {
        final Indexed indexed = journalWithDocument1280Indexed();
        // Document 1280's offset, sent 64 bytes on, into the data.
        JournalTesting.flip(indexed.file(), indexed.value(), 0x40);
        try (RandomAccessFile raf = new RandomAccessFile(indexed.file().toFile(), "rw"))
        {
            // The newest document's header word as a writer leaves it when it starts one: not complete, no length yet.
            raf.seek(JournalTesting.entryOffset(indexed.file(), 2_999) - 4);
            raf.write(new byte[] {0, 0, 0, (byte)0x80});
        }
        final Tool verify = tool("verify", "-d", indexed.dir().toString());
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains("Chronicle's index of the file is damaged: it says data document 1280 starts at " +
            "byte " + (indexed.starts() ^ 0x40) + ", where it starts at byte " + indexed.starts() + "."), verify.toString());
    }

    /**
     * The length word of Chronicle's first index document (after the index of index documents) damaged: one byte
     * flipped made the walk land inside the first data document, and the tools saw a file of no whole entry, with a
     * cut of every entry as the only way out. The index's own size gives where it ends: the repair writes the file
     * anew with every entry.
     */
    @Test
    void shouldRebuildAFileWhoseIndexDocumentLengthIsDamagedKeepingEveryEntry() throws Exception
    {
        final Path dir = root.resolve("journal");
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir)))
        {
            JournalTesting.appendRange(journal, 1, 300, 10);
        }
        final Path file = cycleFile(dir, 0);
        final long indexDocument = JournalTesting.chronicleIndexValues(file) - 32;
        JournalTesting.flipByte(file, indexDocument);

        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains("the length word of Chronicle's index document at byte " + indexDocument +
            " is damaged") && verify.out.contains("the walk past the damage found 300 whole entries, positions 1..300"),
            verify.toString());
        final Tool applied = tool("repair", "-d", dir.toString(), "--apply");
        assertEquals(0, applied.code, applied.toString());
        assertTrue(applied.out.contains("written anew with all of its 300 entries, positions 1..300)"), applied.toString());
        final Tool after = tool("verify", "-d", dir.toString());
        assertEquals(0, after.code, after.toString());
        assertReadsEveryEntry(dir, 300);
    }

    /**
     * A rebuild keeps the whole entries there are: where committed ones are gone already (the newest file
     * lost here; in the probe's case, entries a damaged write position let the writer overwrite), it drops
     * them only with --force, saying so, and lowers the mark (it said 'repaired' with 6,550 committed gone).
     */
    @Test
    void shouldRefuseARebuildThatWouldAcceptLostCommittedEntriesUnlessForced() throws Exception
    {
        final Path dir = root.resolve("journal");
        writeThreeSecondlyCycles(dir);
        Files.delete(cycleFile(dir, 2));
        final Tool refused = tool("repair", "-d", dir.toString(), "--rebuild");
        assertEquals(1, refused.code, refused.toString());
        assertTrue(refused.out.contains("refused: positions 201..300 were committed (the committed mark is 300) but are " +
            "not among the journal's whole entries: they are lost already") && refused.out.contains("--force accepts " +
            "the loss, keeps positions up to 200 and lowers the mark to it"), refused.toString());
        final Tool forced = tool("repair", "-d", dir.toString(), "--rebuild", "--force", "--apply");
        assertEquals(0, forced.code, forced.toString());
        assertTrue(forced.out.contains("committed-position-after: 200 (was 300)"), forced.toString());
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(0, verify.code, verify.toString());
        assertTrue(verify.out.contains("last-position: 200\ncommitted-position: 200\n"), verify.toString());
    }

    /** A middle cycle file deleted: verify names the files on both sides of the gap and the repair that cuts at it. */
    @Test
    void shouldNameTheGapWhereAMiddleCycleFileWasDeletedAndCutBeforeIt() throws Exception
    {
        final Path dir = root.resolve("journal");
        writeThreeSecondlyCycles(dir);
        final Path oldest = cycleFile(dir, 0);
        final Path newest = cycleFile(dir, 2);
        Files.delete(cycleFile(dir, 1));
        final Tool gap = tool("verify", "-d", dir.toString());
        assertEquals(1, gap.code, gap.toString());
        assertTrue(gap.out.contains("cycle file " + newest + " starts at position 201, but the file before " +
            "it, " + oldest.getFileName() + ", ends at position 100: positions 101..200 are missing") &&
            gap.out.contains("'scripts/journal repair -d " + dir + " --truncate-after 100 --force'"), gap.toString());
        // The cut drops the newest file's 100 entries; the deleted file's 100 were gone already, not dropped by it.
        final Tool dry = tool("repair", "-d", dir.toString(), "--truncate-after", "100", "--force");
        assertTrue(dry.out.contains("drop-positions: 101..300 (100 entries; the other 100 positions of that range are " +
            "missing already)\n"), dry.toString());
        assertEquals(0, tool("repair", "-d", dir.toString(), "--truncate-after", "100", "--force", "--apply").code);
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(0, verify.code, verify.toString());
        assertTrue(verify.out.contains("last-position: 100\n"), verify.toString());
    }

    /**
     * A code review's two more: the first two files' names swapped were said as two files holding one position, and the
     * middle file renamed to a later second as a copy of the first; moving either out, as both said, lost a file's
     * entries. Both say the names are out of order, and how to give them back; done so, the journal verifies whole.
     */
    @Test
    void shouldSayTheFirstTwoSwappedAndTheMiddleRenamedAreMisnamedNotCopies() throws Exception
    {
        final Path dir = root.resolve("journal");
        writeThreeSecondlyCycles(dir);
        final Path first = cycleFile(dir, 0);
        final Path second = cycleFile(dir, 1);
        final String f = first.getFileName().toString();
        final String g = second.getFileName().toString();
        swapNames(first, second);
        final Tool swapped = tool("verify", "-d", dir.toString());
        assertEquals(1, swapped.code, swapped.toString());
        assertTrue(swapped.out.contains("cycle file " + second + " starts at position 1, before every position of the " +
            "earlier file " + f + " (101..200): no two files hold one position, but their names are out of their " +
            "positions' order") && swapped.out.contains("give the two their names back (in " + dir + ": mv " + f + " " + f +
            ".tmp && mv " + g + " " + f + " && mv " + f + ".tmp " + g + ")"), swapped.toString());
        swapNames(first, second);
        assertEquals(0, tool("verify", "-d", dir.toString()).code);

        final Path renamed = dir.resolve(g.replace("21T", "59T"));
        assertTrue(g.contains("21T"), g);
        Files.move(second, renamed);
        final Tool moved = tool("verify", "-d", dir.toString());
        assertEquals(1, moved.code, moved.toString());
        assertTrue(moved.out.contains("cycle file " + renamed + " starts at position 101, which no other file holds: " +
            f + " ends at position 100.") && moved.out.contains("give it its name back (in " + dir + ": mv " +
            renamed.getFileName() + " " + g + ")"), moved.toString());
        Files.move(renamed, second);
        final Tool mended = tool("verify", "-d", dir.toString());
        assertEquals(0, mended.code, mended.toString());
        assertTrue(mended.out.contains("last-position: 300\n"), mended.toString());
    }

    /**
     * A reviewer's finding: a bit flipped in ringlog.meta's record of a cycle file's first entry passed verify without a
     * word, though the check that the file is this journal's own was lost with it.
     */
    @Test
    void shouldNoteACycleFilesRecordThatFailsItsChecksum() throws Exception
    {
        final Path dir = root.resolve("journal");
        writeThreeSecondlyCycles(dir);
        final Path meta = dir.resolve("ringlog.meta");
        final byte[] bytes = Files.readAllBytes(meta);
        int damaged = -1;
        for (int slot = 0; slot < 165 && damaged < 0; slot++)
        {
            final int at = 128 + slot * 24;
            for (int i = at; i < at + 24; i++)
            {
                if (bytes[i] != 0)
                {
                    damaged = at;
                    break;
                }
            }
        }
        assertTrue(damaged > 0, "a cycle file's record in ringlog.meta");
        bytes[damaged + 1] ^= 0x01;
        Files.write(meta, bytes);
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(0, verify.code, verify.toString());
        assertTrue(verify.out.contains("note: ringlog.meta's record of the first entry of ") &&
            verify.out.contains(" fails its checksum: the entries are whole and checked as ever, but whether that file is " +
            "this journal's own, not another's put in place, can no longer be checked"), verify.toString());
    }

    /**
     * A reviewer's finding: two cycle files' names swapped were said as a deleted file, and both ways out offered (the
     * files before the gap moved out, or a cut after it) dropped whole files. Verify says where the positions are and
     * how to give the names back; done as it says, the journal verifies and replays whole.
     */
    @Test
    void shouldSayTwoSwappedCycleFileNamesAreOutOfOrderNotADeletedFile() throws Exception
    {
        final Path dir = root.resolve("journal");
        writeThreeSecondlyCycles(dir);
        final Path middle = cycleFile(dir, 1);
        final Path newest = cycleFile(dir, 2);
        swapNames(middle, newest);
        final Tool swapped = tool("verify", "-d", dir.toString());
        assertEquals(1, swapped.code, swapped.toString());
        final String m = middle.getFileName().toString();
        final String n = newest.getFileName().toString();
        assertTrue(swapped.out.contains("cycle file " + middle + " starts at position 201, but the file before it, " +
            cycleFile(dir, 0).getFileName() + ", ends at position 100: positions 101..200 are not missing: " + n +
            " holds positions 101..200, though its name puts it after " + m + ". The files' names are out of their " +
            "positions' order (renamed, or copied back under each other's names), and nothing needs cutting or moving " +
            "out: give the two their names back (in " + dir + ": mv " + m + " " + m + ".tmp && mv " + n + " " + m + " && " +
            "mv " + m + ".tmp " + n + ")"), swapped.toString());
        assertFalse(swapped.out.contains("--truncate-after"), swapped.toString());

        swapNames(middle, newest);
        final Tool mended = tool("verify", "-d", dir.toString());
        assertEquals(0, mended.code, mended.toString());
        assertTrue(mended.out.contains("last-position: 300\n"), mended.toString());
    }

    /**
     * A copy of the cycle files alone (no metadata.cq4t, which read-only tools do without), cut short in
     * transit: the repair verify recommends tells the roll cycle from the files' names, and the journal
     * goes on from the cut.
     */
    @Test
    void shouldRepairACutCopyThatLacksChroniclesMetadata() throws Exception
    {
        final Path dir = root.resolve("journal");
        writeEngineRun(dir, null, 300, 0);
        Files.delete(dir.resolve("metadata.cq4t"));
        final Path file = cycleFile(dir, 0);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.setLength(JournalTesting.entryOffset(file, 200) + 10);
        }
        final Tool cut = tool("verify", "-d", dir.toString());
        assertEquals(1, cut.code, cut.toString());
        final java.util.regex.Matcher advice = java.util.regex.Pattern.compile("journal repair -d \\S+ --truncate-after " +
            "(\\d+)").matcher(cut.out);
        assertTrue(advice.find(), cut.toString());
        final long keep = Long.parseLong(advice.group(1));
        assertTrue(keep > 0 && keep <= 200, cut.toString());

        final Tool applied = tool("repair", "-d", dir.toString(), "--truncate-after", Long.toString(keep), "--force",
            "--apply");
        assertEquals(0, applied.code, applied.toString());
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(0, verify.code, verify.toString());
        assertTrue(verify.out.contains("last-position: " + keep + "\n"), verify.toString());
        assertEquals(cleanHash(keep, 10), continueRun(dir, null, 10), "the kept commands, then 10 more");
    }

    @Test
    void shouldDropSnapshotsPastTheCutWhenAnOlderCopyWasPutBack() throws Exception
    {
        final Path dir = root.resolve("journal");
        final Path snapshots = dir.resolve("snapshots");
        writeEngineRun(dir, snapshots, 400, 100);
        JournalTesting.copyJournal(dir, root.resolve("backup"));
        writeEngineRun(dir, snapshots, 700, 100);
        for (final Path file : JournalTesting.cycleFiles(dir))
        {
            Files.delete(file);
        }
        Files.delete(dir.resolve("ringlog.meta"));
        Files.delete(dir.resolve("metadata.cq4t"));
        JournalTesting.copyJournal(root.resolve("backup"), dir);
        final JournalException refused = assertThrows(JournalException.class, () -> continueRun(dir, snapshots, 1));
        assertTrue(refused.getMessage().contains("a snapshot of this journal was taken at position 700"),
            refused.getMessage());

        final Tool dry = tool("repair", "-d", dir.toString(), "--truncate-after", "400");
        assertEquals(1, dry.code, dry.toString());
        assertTrue(dry.out.contains("snapshots: " + snapshots + "\n") &&
            dry.out.contains("drop-positions: none (the journal's last whole entry is 400)\n") &&
            dry.out.contains("drop-snapshot: " + FileSnapshotStore.open(snapshots, 3).path(700) + " (position 700)") &&
            dry.out.contains("refused: a snapshot was taken at position 700"), dry.toString());
        assertEquals(0, tool("repair", "-d", dir.toString(), "--truncate-after", "400", "--force", "--apply").code);
        assertEquals(List.of(), positions(snapshots), "500, 600, 700 saw entries the backup lacks");
        assertEquals(cleanHash(400, 50), continueRun(dir, snapshots, 50));
    }

    @Test
    void shouldAcceptTheLossOfADeletedNewestCycleAndCutATruncatedFileFromTheCommandLine() throws Exception
    {
        final Path dir = root.resolve("journal");
        final ChronicleJournal.Context ctx = writeThreeSecondlyCycles(dir);
        Files.delete(cycleFile(dir, 2));
        // Read-only, before any writer has opened the journal again: Chronicle's metadata.cq4t still names the
        // deleted file as its newest.
        final Tool lost = tool("verify", "-d", dir.toString());
        assertEquals(1, lost.code, lost.toString());
        assertTrue(lost.out.contains("last-position: 200\n") && lost.out.contains("committed-position: 300\n") &&
            lost.out.contains("bad-position: 201\n") && lost.out.contains("--truncate-after 200 --force"), lost.toString());
        final Path middle = cycleFile(dir, 1);
        try (RandomAccessFile raf = new RandomAccessFile(middle.toFile(), "rw"))
        {
            raf.setLength(JournalTesting.entryOffset(middle, 50) + 10);
        }

        final JournalTesting.Ran dry = JournalTesting.runJvm(60, JournalTool.class, "repair", "-d", dir.toString(),
            "--truncate-after", "150");
        assertEquals(1, dry.code(), dry.toString());
        assertTrue(dry.output().contains("committed-position: 300\nlast-whole-position: 150\n") &&
            dry.output().contains("rewrite-file: " + middle + " (keeps positions 101..150, and drops what follows them: " +
                "the file is cut short at byte ") &&
            dry.output().contains("drop-positions: none (the journal's last whole entry is 150)\n") &&
            dry.output().contains("refused: positions 151..300 were committed (the committed mark is 300) but are not " +
                "in the journal: they are lost already") &&
            dry.output().contains("--force accepts the loss and lowers the mark to 150\n"), dry.toString());
        final JournalTesting.Ran applied = JournalTesting.runJvm(60, JournalTool.class, "repair", "-d",
            dir.toString(), "--truncate-after", "150", "--force", "--apply");
        assertEquals(0, applied.code(), applied.toString());
        assertFalse(applied.output().contains("Exception") || applied.output().contains("\tat "), applied.toString());
        // Every tool reads the repaired journal, read-only too, before a writer opens it.
        final Tool repaired = tool("verify", "-d", dir.toString());
        assertEquals(0, repaired.code, repaired.toString());
        assertTrue(repaired.out.contains("last-position: 150\n"), repaired.toString());
        try (ChronicleJournal journal = ChronicleJournal.open(ctx))
        {
            assertEquals(150, journal.lastPosition());
            for (long position = 151; position <= 160; position++)
            {
                journal.append(JournalTesting.command(position, 1, 1, position));
            }
            journal.commit();
        }
        assertEquals(0, tool("verify", "-d", dir.toString()).code);
    }

    @Test
    void shouldSayACutPastTheLastEntryHasNothingToDrop() throws Exception
    {
        final Path dir = root.resolve("journal");
        writeEngineRun(dir, null, 10, 0);
        final Tool past = tool("repair", "-d", dir.toString(), "--truncate-after", "999999");
        assertEquals(1, past.code, past.toString());
        assertEquals("error: --truncate-after 999999 is past the journal's last whole entry, 10: there is nothing after " +
            "it to drop\n", past.err, past.toString());
    }

    @Test
    void shouldRefuseWhileAWriterHoldsTheJournalAndGiveANewIdentityOnlyWhenAsked() throws Exception
    {
        final Path dir = root.resolve("journal");
        writeEngineRun(dir, dir.resolve("snapshots"), 10, 5);
        try (ChronicleJournal writer = ChronicleJournal.open(context(dir)))
        {
            final Tool busy = tool("repair", "-d", dir.toString(), "--truncate-after", "5");
            assertEquals(1, busy.code);
            assertTrue(busy.err.contains("is already open for writing"), busy.toString());
            assertEquals(10, writer.lastPosition());
        }
        // Its snapshots name the identity ringlog.meta holds: refused as changing nothing (a reviewer's dry run said they
        // stayed usable, then refused as if a new identity made them unusable).
        final Tool intact = tool("repair", "-d", dir.toString(), "--new-identity");
        assertEquals(1, intact.code);
        assertTrue(intact.out.contains("refused: the journal's ringlog.meta is intact and holds the identity its own " +
            "snapshots name already") && intact.out.contains("--new-identity would change nothing of it\n") &&
            !intact.out.contains("unusable"), intact.toString());

        Files.delete(dir.resolve("ringlog.meta"));
        assertThrows(JournalException.class, () -> ChronicleJournal.open(context(dir)));
        // The snapshot at 5 is the journal's own: its identity is taken back. The one at 10, damaged, no start could
        // use, so the repair drops it.
        JournalTesting.flip(FileSnapshotStore.open(dir.resolve("snapshots"), 3).path(10), 40, 0x10);
        final Tool planned = tool("repair", "-d", dir.toString(), "--new-identity");
        assertTrue(planned.out.contains("new-identity: a new ringlog.meta with the identity its own snapshots name, ") &&
            planned.out.contains("(the journal's entries at positions 5 match theirs)") && planned.out.contains(
            "drop-snapshot: " + FileSnapshotStore.open(dir.resolve("snapshots"), 3).path(10) + " (position 10: not " +
            "one of this journal's own (its entry does not match, or it cannot be read), no start can use it)"),
            planned.toString());
        assertEquals(0, tool("repair", "-d", dir.toString(), "--new-identity", "--apply").code);
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir)))
        {
            assertEquals(10, journal.lastPosition());
            assertEquals(10, journal.committedPosition());
        }
        assertEquals(List.of(5L), positions(dir.resolve("snapshots")));
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(0, verify.code, verify.toString());
        final Tool nothing = tool("repair", "-d", dir.toString());
        assertEquals(0, nothing.code, nothing.toString());
        assertTrue(nothing.out.endsWith("status: nothing to repair (verify finds no problem; --truncate-after cuts the " +
            "journal after a position, --new-identity replaces a lost ringlog.meta)\n"), nothing.toString());
    }

    /**
     * A damaged Chronicle header word of one document in the middle of a file (the probe's flipped byte): its
     * length, so Chronicle reads on from the wrong byte, or its metadata flag, so readers pass over its entries.
     * It was called a file cut short, or a count off by one, with a last whole position that was wrong, and the
     * forced cuts the tools pointed to said "repaired" of journals still unreadable. The walk now finds where the
     * document's entries really end (the next document starts there), names the damage, and a repair with no
     * option writes the file anew with every entry: the journal reads whole, as written.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"1, 2, false, the length word of its document at byte",
        "3, 64, false, holds whole entries but is marked as Chronicle's metadata",
        "2, 255, false, the length word of its document at byte", "2, 255, true, the length word of its document at byte",
        "3, 128, true, is marked as being written"})
    void shouldRebuildAFileWhoseDocumentHeaderIsDamagedKeepingEveryEntry(final int at, final int mask, final boolean newest,
        final String named) throws Exception
    {
        // A high byte of the length (2, 255) makes it leap over every later document into the zeros past the data: the
        // second probe was offered a cut that dropped thousands of whole entries, and of the newest document all of it.
        // The newest document marked as being written (3, 128) was called torn, its committed entries lost already.
        final Path dir = root.resolve("journal");
        writeInBatchesOfTen(dir, 3_000);
        final Path file = cycleFile(dir, 0);
        final List<Long> documents = JournalTesting.dataDocuments(file);
        final long document = documents.get(newest ? documents.size() - 1 : documents.size() / 2);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(document + at);
            final int b = raf.read();
            raf.seek(document + at);
            raf.write(b ^ mask);
        }
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains("problem: cycle file " + file + " cannot be read by Chronicle Queue: ") &&
            verify.out.contains(named) && verify.out.contains("byte " + document) && verify.out.contains("Its entries " +
            "are whole, and the walk past the damage found 3000 whole entries, positions 1..3000: 'scripts/journal repair -d " +
            dir + "' writes the file anew"), verify.toString());

        final Tool dry = tool("repair", "-d", dir.toString());
        assertEquals(0, dry.code, dry.toString());
        assertTrue(dry.out.contains("rebuild-file: " + file + " (") && dry.out.contains("written anew with all of its " +
            "3000 entries, positions 1..3000)\n") && dry.out.contains("status: dry run"), dry.toString());
        final Tool applied = tool("repair", "-d", dir.toString(), "--apply");
        assertEquals(0, applied.code, applied.toString());
        assertTrue(applied.out.endsWith("status: repaired\n"), applied.toString());
        final Tool after = tool("verify", "-d", dir.toString());
        assertEquals(0, after.code, after.toString());
        assertTrue(after.out.contains("last-position: 3000\ncommitted-position: 3000\n"), after.toString());
        assertReadsEveryEntry(dir, 3_000);
    }

    /**
     * A document's length word changed by 1 to 3 bytes, so that it still leads to the next document, past the padding
     * to 4 bytes (a document of one 50-byte entry: 50 became 51, or 49). The walk counted the padding byte as one more,
     * damaged, entry, verify and every open called the journal's count of the cycle a gap ("the newest entry of cycle
     * C says position 300, but the cycle starts at 1 and holds 301 entries"), and the only repair offered was a forced
     * cut of every later entry. It is the length word, and a repair with no option rebuilds the file with all of them.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 3})
    void shouldRebuildAFileWhoseDocumentLengthIsOffByLessThanItsPadding(final int mask) throws Exception
    {
        final Path dir = root.resolve("journal");
        final org.agrona.concurrent.UnsafeBuffer payload = new org.agrona.concurrent.UnsafeBuffer(new byte[6]);
        final io.ringlog.core.Command command = new io.ringlog.core.Command(JournalTesting.MAX_PAYLOAD);
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir)))
        {
            for (long position = 1; position <= 300; position++)
            {
                journal.append(command.set(position, position, 1, 1, 7, position, position * 10, payload, 0, 6));
                journal.commit();
            }
        }
        final Path file = cycleFile(dir, 0);
        final List<Long> documents = JournalTesting.dataDocuments(file);
        final long document = documents.get(documents.size() / 2);
        final int length;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(document);
            final int b = raf.read();
            length = b;
            raf.seek(document);
            raf.write(b ^ mask);
        }
        assertEquals(2, length % 4, "a document padded by 2 bytes: " + length);
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains("the length word of its document at byte " + document + " is damaged: it says " +
            (length ^ mask) + " bytes, where the document's entries take " + length) && verify.out.contains("Its entries " +
            "are whole, and the walk past the damage found 300 whole entries, positions 1..300: 'scripts/journal repair " +
            "-d " + dir + "' writes the file anew"), verify.toString());
        final Tool applied = tool("repair", "-d", dir.toString(), "--apply");
        assertEquals(0, applied.code, applied.toString());
        assertTrue(applied.out.contains("written anew with all of its 300 entries, positions 1..300)") &&
            applied.out.endsWith("status: repaired\n"), applied.toString());
        final Tool after = tool("verify", "-d", dir.toString());
        assertEquals(0, after.code, after.toString());
        assertReadsEveryEntry(dir, 300);
    }

    /**
     * The same damage in the newest document, where no next document shows where the entries end. A word 1 to 3
     * bytes long read as a torn entry of 1 to 3 bytes written on a full disk, which repair would not mend without an
     * option it did not name; a word short of the entries (their last bytes zeros, as a long's high bytes are) read
     * as a damaged newest entry, and the repair offered was a forced cut of a whole, committed entry. The entries are
     * whole and pass their checks, and no entry fits in what the word says past them: it is the length word, and a
     * repair with no option rebuilds the file with every entry. Cases: payload bytes, entries a document, and the
     * bits flipped in the word's low byte.
     */
    @ParameterizedTest
    @CsvSource({"8, 1, 1", "8, 1, 3", "8, 1, 4", "16, 10, 16"})
    void shouldRebuildAFileWhoseNewestDocumentLengthIsOffByLessThanAnEntry(final int payloadLength, final int perDocument,
        final int mask) throws Exception
    {
        final Path dir = root.resolve("journal");
        final org.agrona.concurrent.UnsafeBuffer payload = new org.agrona.concurrent.UnsafeBuffer(new byte[payloadLength]);
        final io.ringlog.core.Command command = new io.ringlog.core.Command(JournalTesting.MAX_PAYLOAD);
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir)))
        {
            for (long position = 1; position <= 300; position++)
            {
                journal.append(command.set(position, position, 1, 1, 7, position, position * 10, payload, 0,
                    payloadLength));
                if (position % perDocument == 0)
                {
                    journal.commit();
                }
            }
        }
        final Path file = cycleFile(dir, 0);
        final List<Long> documents = JournalTesting.dataDocuments(file);
        final long document = documents.get(documents.size() - 1);
        final int length = (int)JournalTesting.longAt(file, document) & 0xFFFF;
        JournalTesting.flip(file, document, mask);
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains("the length word of its document at byte " + document + " is damaged: it says " +
            (length ^ mask) + " bytes, where the document's entries take " + length + " (the data ends there") &&
            verify.out.contains("the walk past the damage found 300 whole entries, positions 1..300: 'scripts/journal " +
            "repair -d " + dir + "' writes the file anew") && !verify.out.contains("torn-entry"), verify.toString());
        final JournalException refused = assertThrows(JournalException.class,
            () -> ChronicleJournal.open(context(dir)).close());
        assertTrue(refused.getMessage().contains("'scripts/journal repair -d " + dir + "' writes the file anew"),
            refused.getMessage());
        final Tool applied = tool("repair", "-d", dir.toString(), "--apply");
        assertEquals(0, applied.code, applied.toString());
        assertTrue(applied.out.contains("written anew with all of its 300 entries, positions 1..300)") &&
            applied.out.endsWith("status: repaired\n"), applied.toString());
        assertEquals(0, tool("verify", "-d", dir.toString()).code);
        assertReadsEveryEntry(dir, 300);
    }

    /**
     * A newcomer's probe: the newest document's length word 128 bytes long (zeros past its entry, where an entry fits,
     * so a torn tail) and the committed mark damaged too. The walk counted the 128 bytes as one more entry, and repair
     * set the mark to that position, 301, which no entry holds: every tool then called a never-written entry
     * committed. The mark is set only with a cut now, to the last entry that is whole.
     */
    @Test
    void shouldNotSetADamagedMarkPastTheLastWholeEntry() throws Exception
    {
        final Path dir = journalOfOneDocumentEach(300);
        final Path file = cycleFile(dir, 0);
        final List<Long> documents = JournalTesting.dataDocuments(file);
        JournalTesting.flip(file, documents.get(documents.size() - 1), 0x80);
        JournalTesting.flip(dir.resolve("ringlog.meta"), 40, 0x10);
        final Tool alone = tool("repair", "-d", dir.toString(), "--force", "--apply");
        assertEquals(1, alone.code, alone.toString());
        assertTrue(alone.out.contains("refused: ringlog.meta's committed mark is damaged, and " + file + " is damaged " +
            "after position 300: whether a commit covered what it held past there cannot be told, so this repair sets " +
            "the mark, and drops or rebuilds nothing of that file, only with a cut: '--truncate-after 300 --force'") &&
            !alone.out.contains("committed-position-after"), alone.toString());
        // The 128 bytes are no entry 301 (the walk counted them as one, and a cut after them would have kept them).
        final Tool past = tool("repair", "-d", dir.toString(), "--truncate-after", "301", "--force");
        assertEquals(1, past.code, past.toString());
        assertTrue(past.err.contains("--truncate-after 301 is past the journal's last whole entry, 300"), past.toString());
        final Tool cut = tool("repair", "-d", dir.toString(), "--truncate-after", "300", "--force", "--apply");
        assertEquals(0, cut.code, cut.toString());
        assertTrue(cut.out.contains("committed-position-after: 300 (the damaged mark set to the last whole entry kept)"),
            cut.toString());
        assertEquals(0, tool("verify", "-d", dir.toString()).code);
        assertReadsEveryEntry(dir, 300);
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir)))
        {
            assertEquals(300, journal.committedPosition());
        }
    }

    /**
     * A journal verify refuses is not one with "nothing to repair": a repair without an option says the
     * problems and that each names what mends it, exit 1 (it said "nothing to repair", exit 0).
     */
    @Test
    void shouldNotSayNothingToRepairOfAJournalVerifyRefuses() throws Exception
    {
        final Path dir = journalOfOneDocumentEach(100);
        // The newest entry's payload: its checksum fails.
        final Path file = cycleFile(dir, 0);
        final List<Long> documents = JournalTesting.dataDocuments(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            // Document header, then the entry: its 8-byte payload is its last bytes.
            final long at = documents.get(documents.size() - 1) + 4 +
                CommandCodec.compactLength(JournalTesting.command(100, 1, 1, 100)) - 6;
            raf.seek(at);
            final int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0x10);
        }
        final Tool nothing = tool("repair", "-d", dir.toString());
        assertEquals(1, nothing.code, nothing.toString());
        assertTrue(nothing.out.contains("last-whole-position: 100\nsnapshots: ") && nothing.out.contains("note: " +
            "last-whole-position is how far the journal's entries are complete on disk (a torn write ends before it), " +
            "not that each of them checks: the problems below are what verify finds in them\nproblem: journal " +
            "position 100: checksum mismatch"), nothing.toString());
        assertTrue(nothing.out.contains("problem: journal position 100: checksum mismatch") &&
            nothing.out.contains("--truncate-after 99") && nothing.out.endsWith("status: problems that this repair " +
            "does not mend without an option: each problem above says what does (--truncate-after P cuts the journal " +
            "after a position, --rebuild writes every cycle file anew, --new-identity replaces a lost ringlog.meta)\n"),
            nothing.toString());
    }

    /**
     * A crash can leave a file's newest pages as zeros (their blocks allocated, their data never written). The probe
     * zeroed a journal's newest entries. Within the last document, verify gave two problems whose cuts disagreed
     * (--truncate-after 6999 --force for the missing committed entries, 6997 for the damaged one), and the first did
     * not mend. Across the last document's header, Chronicle could not read the file, and the repair refused the
     * rebuild that verify advised, sending the user to a verify that could not name the position. Now every cut both
     * tools name is the one before the first damaged entry, and that one repair mends the journal.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {97, 86})
    void shouldMendZeroedNewestEntriesWithTheOneCutTheToolsName(final int kept) throws Exception
    {
        final Path dir = root.resolve("journal");
        writeHundred(dir);
        final Path file = cycleFile(dir, 0);
        // From inside entry kept + 1's header (its timestamp) to the end of the data: 97 stays in the last document,
        // 86 takes the header of the last document (91..100) too.
        JournalTesting.zeroFrom(file, JournalTesting.entryOffset(file, kept) + 20);

        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        assertEquals(List.of((long)kept), cuts(verify.out), verify.toString());
        assertTrue(verify.out.contains("damaged from position " + (kept + 1) + " on") ||
            verify.out.contains("journal position " + (kept + 1) + ": checksum mismatch"), verify.toString());
        final Tool repair = tool("repair", "-d", dir.toString());
        assertEquals(1, repair.code, repair.toString());
        assertEquals(List.of((long)kept), cuts(repair.out), repair.toString());

        final Tool applied = tool("repair", "-d", dir.toString(), "--truncate-after", Integer.toString(kept), "--force",
            "--apply");
        assertEquals(0, applied.code, applied.toString());
        assertTrue(applied.out.endsWith("status: repaired\n"), applied.toString());
        final Tool mended = tool("verify", "-d", dir.toString());
        assertEquals(0, mended.code, mended.toString());
        assertTrue(mended.out.contains("last-position: " + kept + "\ncommitted-position: " + kept + "\n"), mended.toString());
        assertReadsEveryEntry(dir, kept);
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir)))
        {
            JournalTesting.appendRange(journal, kept + 1, 110, 10);
        }
        assertReadsEveryEntry(dir, 110);
    }

    /**
     * A journal on a read-only file system (a backup's mount, a forensic copy): the bad-input probe's dry run was
     * refused there, as it could not take the writer lock, though it writes nothing. It now plans as the read-only
     * tools read, says so, and only --apply is refused. A writer holding the journal through another, writable,
     * path still refuses the dry run.
     */
    @Test
    void shouldPlanADryRunOfAReadOnlyJournalAndRefuseOnlyToApplyIt() throws Exception
    {
        final Path dir = root.resolve("journal");
        writeHundred(dir);
        final StringBuilder why = new StringBuilder();
        final SmallFileSystem view = SmallFileSystem.readOnlyView(dir, root.resolve("read-only"), why);
        if (view == null)
        {
            // No mount on this machine: a directory this process may not write, where it is not root.
            Assumptions.assumeTrue(dir.toFile().setWritable(false, false) && !Files.isWritable(dir), "neither a " +
                "read-only mount (" + why + ") nor a directory this process cannot write");
        }
        final Path readOnly = view != null ? root.resolve("read-only") : dir;
        try
        {
            final Tool dry = tool("repair", "-d", readOnly.toString(), "--truncate-after", "60", "--force");
            assertEquals(0, dry.code, dry.toString());
            assertTrue(dry.out.contains("drop-positions: 61..100 (40 entries)\n") && dry.out.contains("note: " + readOnly +
                " cannot be written here (a read-only file system, or no permission), so this plan was made without " +
                "the writer lock") && dry.out.endsWith("status: dry run, nothing was changed (it cannot be applied " +
                "here: the note above says why)\n"), dry.toString());
            final Tool applied = tool("repair", "-d", readOnly.toString(), "--truncate-after", "60", "--force", "--apply");
            assertEquals(1, applied.code, applied.toString());
            assertTrue(applied.err.contains("error: cannot repair " + readOnly + ": it cannot be written here") &&
                applied.err.contains("Nothing was changed."), applied.toString());
            assertTrue(tool("verify", "-d", readOnly.toString()).out.contains("last-position: 100\ncommitted-position: " +
                "100\n"), "nothing was changed");
            if (view != null)
            {
                try (ChronicleJournal writer = ChronicleJournal.open(context(dir)))
                {
                    final Tool live = tool("repair", "-d", readOnly.toString());
                    assertEquals(1, live.code, live.toString());
                    assertTrue(live.err.contains("is open for writing by pid " + ProcessHandle.current().pid()),
                        live.toString());
                }
            }
        }
        finally
        {
            if (view != null)
            {
                view.close();
            }
            else
            {
                dir.toFile().setWritable(true, false);
            }
        }
    }

    /**
     * Damage where verify gave no command, or one that needed a guess, and repair answered "each problem above says
     * what does": the probe was sent round in a loop. Each now names the cut, and following it mends the journal.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"entry-1-payload, 0, true", "cut-before-the-first-entry, 0, true",
        "bytes-after-the-data, 100, false"})
    void shouldNameTheCutThatMendsDamageVerifyGaveNoCommandFor(final String damage, final long cut, final boolean force)
        throws Exception
    {
        final Path dir = root.resolve("journal");
        writeHundred(dir);
        final Path file = cycleFile(dir, 0);
        final long first = JournalTesting.entryOffset(file, 0);
        switch (damage)
        {
            case "entry-1-payload" -> JournalTesting.flipByte(file, first + 40);
            case "cut-before-the-first-entry" ->
            {
                try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
                {
                    raf.setLength(first + 10);
                }
            }
            default ->
            {
                // Bytes a little past the end of the data (a stray write): read as a torn entry after position 100.
                final byte[] bytes = Files.readAllBytes(file);
                int end = bytes.length;
                while (end > 0 && bytes[end - 1] == 0)
                {
                    end--;
                }
                try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
                {
                    raf.seek(end + 1_000);
                    raf.write(new byte[]{1, 2, 3, 4, 5, 6, 7, 8});
                }
            }
        }
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        assertEquals(List.of(cut), cuts(verify.out), verify.toString());
        final List<String> repair = new java.util.ArrayList<>(List.of("repair", "-d", dir.toString(), "--truncate-after",
            Long.toString(cut), "--apply"));
        if (force)
        {
            assertEquals(1, tool(repair.subList(0, 5).toArray(String[]::new)).code, "committed entries go only with --force");
            repair.add("--force");
        }
        final Tool applied = tool(repair.toArray(String[]::new));
        assertEquals(0, applied.code, applied.toString());
        final Tool mended = tool("verify", "-d", dir.toString());
        assertEquals(0, mended.code, mended.toString());
        assertTrue(mended.out.contains("last-position: " + cut + "\n"), mended.toString());
    }

    /**
     * A --max-payload below the journal's payloads: verify said the entry was whole, and on the same line offered a
     * cut before it that would have dropped the whole journal. It now says which --max-payload reads it, and no cut.
     */
    @Test
    void shouldNotOfferACutForAWholeEntryLargerThanTheMaxPayloadAskedFor() throws Exception
    {
        final Path dir = root.resolve("journal");
        writeHundred(dir);
        final Tool verify = tool("verify", "-d", dir.toString(), "--max-payload", "4");
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains("problem: journal position 1: the entry is whole, but its payload of 8 bytes is " +
            "larger than --max-payload 4: run it again with --max-payload 8 or more"), verify.toString());
        assertEquals(List.of(), cuts(verify.out), verify.toString());
        assertFalse(verify.out.contains("bad-position"), "not damage: " + verify);
        final Tool stats = tool("stats", "-d", dir.toString(), "--max-payload", "4");
        assertFalse(stats.toString().contains("until the journal is repaired"), stats.toString());
        assertEquals(0, tool("verify", "-d", dir.toString(), "--max-payload", "8").code);
    }

    /**
     * The same for an entry longer than the 64 KiB the tools read by default: it has a document of its own, which the
     * reader took for one "longer than any a writer of this journal makes", and verify offered a cut before it.
     */
    @Test
    void shouldNotOfferACutForAWholeEntryLongerThanTheDefaultMaxPayload() throws Exception
    {
        final Path dir = root.resolve("journal");
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir).maxPayloadLength(100_000)))
        {
            final org.agrona.concurrent.UnsafeBuffer large = new org.agrona.concurrent.UnsafeBuffer(new byte[100_000]);
            for (long position = 1; position <= 3; position++)
            {
                final io.ringlog.core.Command command = new io.ringlog.core.Command(100_000);
                command.set(position, position * 1_000, 1, 1, 0, 0, position * 10, large, 0, position == 2 ? 100_000 : 8);
                journal.append(command);
                journal.commit();
            }
        }
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains("problem: journal position 2: the entry is whole, but its payload of 100000 bytes " +
            "is larger than --max-payload 65536: run it again with --max-payload 100000 or more"), verify.toString());
        assertEquals(List.of(), cuts(verify.out), verify.toString());
        assertEquals(0, tool("verify", "-d", dir.toString(), "--max-payload", "100000").code);
        final Tool stats = tool("stats", "-d", dir.toString());
        assertEquals(1, stats.code, stats.toString());
        assertTrue(stats.out.contains("entries: 1 (those before the entry at position 2, larger than --max-payload") &&
            stats.out.contains("problem: journal position 2: the entry is whole, but its payload of 100000 bytes is " +
            "larger than --max-payload 65536") && !stats.out.contains("bad-position"), stats.toString());

        // The same entry with a byte of its payload flipped is damage, and said so, with the cut before it.
        final Path file = cycleFile(dir, 0);
        JournalTesting.flipByte(file, JournalTesting.dataDocuments(file).get(1) + 4 + 50_000);
        final Tool damaged = tool("verify", "-d", dir.toString());
        assertEquals(1, damaged.code, damaged.toString());
        assertTrue(damaged.out.contains("bad-position: 2") && !damaged.out.contains("the entry is whole"),
            damaged.toString());
        assertEquals(List.of(1L), cuts(damaged.out), damaged.toString());
    }

    /**
     * A review's case: an entry of 200,000 bytes (a document of its own, longer than the 64 KiB a writer puts several
     * entries in) whose payload length was damaged to end inside a run of zeros in its payload. The rule that reads a
     * length word as damaged where it says more than such a document could have taken the entry's own damage for the
     * word's, and rebuilt the file from inside the payload. The entries it cuts back to must pass their checks, and
     * this one fails its checksum: the length word is not blamed, and no rebuild is planned.
     */
    @Test
    void shouldNotTakeALargeEntrysDamagedLengthForItsDocumentsLengthWord() throws Exception
    {
        final Path dir = root.resolve("journal");
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir).maxPayloadLength(300_000)))
        {
            final org.agrona.concurrent.UnsafeBuffer large = new org.agrona.concurrent.UnsafeBuffer(new byte[200_000]);
            large.putByte(0, (byte)1);
            large.putByte(199_999, (byte)1);
            for (long position = 1; position <= 3; position++)
            {
                final io.ringlog.core.Command command = new io.ringlog.core.Command(300_000);
                command.set(position, position * 1_000, 1, 1, 0, 0, position * 10, large, 0, position == 2 ? 200_000 : 8);
                journal.append(command);
                journal.commit();
            }
        }
        final Path file = cycleFile(dir, 0);
        final long entry = JournalTesting.entryOffset(file, 1);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            // Its payload length, little-endian, at the entry's first byte: 100,000, inside the zeros.
            raf.seek(entry);
            raf.write(new byte[]{(byte)0xA0, (byte)0x86, 0x01, 0x00});
        }
        final Tool verify = tool("verify", "-d", dir.toString(), "--max-payload", "300000");
        assertEquals(1, verify.code, verify.toString());
        assertFalse(verify.out.contains("length word of its document"), verify.toString());
        final Tool repair = tool("repair", "-d", dir.toString());
        assertFalse(repair.out.contains("rebuild-file") || repair.out.contains("length word of its document"),
            repair.toString());
    }

    /** Every position a repair command in {@code out} cuts after, once each, in the order named. */
    private static List<Long> cuts(final String out)
    {
        return java.util.regex.Pattern.compile("--truncate-after (\\d+)").matcher(out).results()
            .map((match) -> Long.parseLong(match.group(1))).distinct().toList();
    }

    /**
     * A file cut short, repaired without an option: the problem it names is verify's own, with the cut to make.
     * The bad-input probe's repair said instead that Chronicle faulted reading a memory-mapped file and advised
     * --rebuild: it asked verify while holding the writer lock, and verify took the file for one being written.
     */
    @Test
    void shouldNameTheCutAsVerifyDoesWhenRepairingWithoutAnOption() throws Exception
    {
        final Path dir = journalOfOneDocumentEach(300);
        final Path file = cycleFile(dir, 0);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.setLength(JournalTesting.dataDocuments(file).get(200) + 30);
        }
        final Tool repair = tool("repair", "-d", dir.toString());
        assertEquals(1, repair.code, repair.toString());
        assertTrue(repair.out.contains("problem: journal position 201: cycle file " + file + " is cut short: it ends at " +
            "byte ") && repair.out.contains("--truncate-after 200' drops what follows") && !repair.out.contains("--rebuild' ") &&
            !repair.out.contains("fault"), repair.toString());
        assertTrue(repair.out.contains("Positions 201..300 were committed (ringlog.meta's committed mark is 300), so " +
            "clients may have seen them: a copy of the journal that holds them (a backup, the standby's) is the way to " +
            "keep them"), repair.toString());
    }

    /**
     * Bytes that are no document right after the last one, where the file's zeros should be: the walk stops there
     * as at damage that may hide whole entries, and said a cut drops them "for good". Whether any of them was
     * committed is what a user weighs before cutting: the committed mark says none was, and the message now says so.
     */
    @Test
    void shouldSayNothingCommittedLiesPastGarbageAfterTheLastEntry() throws Exception
    {
        final Path dir = journalOfOneDocumentEach(100);
        final Path file = cycleFile(dir, 0);
        final List<Long> documents = JournalTesting.dataDocuments(file);
        final long end = documents.get(documents.size() - 1) + 4 +
            CommandCodec.compactLength(JournalTesting.command(100, 1, 1, 100));
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(end);
            for (int i = 0; i < 10; i++)
            {
                raf.writeInt(0xab137721);
            }
        }
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains("problem: journal position 101: cycle file " + file + " has a damaged document " +
            "header at byte " + end + ", after position 100: its length word says ") && verify.out.contains(
            "--truncate-after 100' drops them for good") && verify.out.contains("Nothing committed lies past it: " +
            "ringlog.meta's committed mark is 100, so no commit covered an entry after position 100 and the cut drops " +
            "only entries never acknowledged"), verify.toString());
        // A ringlog.meta copied from another journal says nothing of this one's commits: no sentence from its mark.
        final Path meta = dir.resolve("ringlog.meta");
        final byte[] own = Files.readAllBytes(meta);
        final Path other = root.resolve("other");
        try (ChronicleJournal journal = ChronicleJournal.open(context(other)))
        {
            JournalTesting.appendRange(journal, 1, 300, 10);
        }
        Files.copy(other.resolve("ringlog.meta"), meta, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        final Tool foreign = tool("verify", "-d", dir.toString());
        assertTrue(foreign.out.contains("has a damaged document header at byte " + end) &&
            !foreign.out.contains("Nothing committed lies past it") && !foreign.out.contains("were committed (ringlog.meta"),
            foreign.toString());
        Files.write(meta, own);
        final Tool dry = tool("repair", "-d", dir.toString(), "--truncate-after", "100");
        assertTrue(dry.out.contains("rewrite-file: " + file + " (keeps positions 1..100, and drops what follows them: " +
            "the document at byte " + end + " has a damaged length word"), dry.toString());
        final Tool cut = tool("repair", "-d", dir.toString(), "--truncate-after", "100", "--apply");
        assertEquals(0, cut.code, cut.toString());
        assertEquals(0, tool("verify", "-d", dir.toString()).code);
        assertReadsEveryEntry(dir, 100);
    }

    /** An empty directory: said as verify says it, and left empty (a refused repair left its lock file there). */
    @Test
    void shouldLeaveAnEmptyDirectoryAsItWas() throws Exception
    {
        final Path empty = Files.createDirectories(root.resolve("empty"));
        final Tool repair = tool("repair", "-d", empty.toString());
        assertEquals(1, repair.code, repair.toString());
        assertTrue(repair.err.contains("no journal in " + empty + " (no Chronicle Queue files and no ringlog.meta " +
            "there): give the directory the journal was written to"), repair.toString());
        try (java.util.stream.Stream<Path> left = Files.list(empty))
        {
            assertEquals(List.of(), left.toList());
        }
    }

    /**
     * A document's length word damaged so that it runs past the file's end, in the middle of the data: the walk
     * stops there, as at a file cut short. The probe's repair then said the committed entries after it were "lost
     * already (a cycle file cut short ...)" and that --force accepts the loss, while they were whole on disk. The
     * file ends in zeros, not in a document's bytes: verify and repair now say the header is damaged, that the
     * entries after it may be whole, and that a cut drops them for good.
     */
    @Test
    void shouldNotCallEntriesPastADamagedLengthWordLost() throws Exception
    {
        final Path dir = journalOfOneDocumentEach(300);
        final Path file = cycleFile(dir, 0);
        final long damaged = JournalTesting.dataDocuments(file).get(150);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            // A length of some 510 MB (a data document), and its entry's first 76 bytes overwritten too: the
            // document no longer splits into entries, so nothing tells where the next one starts.
            final byte[] garbage = new byte[80];
            java.util.Arrays.fill(garbage, (byte)0x5a);
            garbage[0] = 0x6d;
            garbage[1] = 0x61;
            garbage[2] = 0x72;
            garbage[3] = 0x1e;
            raf.seek(damaged);
            raf.write(garbage);
        }
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains("problem: journal position 151: cycle file " + file + " has a damaged document " +
            "header at byte " + damaged + ", after position 150: its length word says ") && verify.out.contains(
            "The entries from there on may be whole on disk after it, where no walk can find them; restoring the " +
            "file from a copy (a backup, the standby's journal) keeps them") && !verify.out.contains("cut short (") &&
            verify.out.contains("Positions 151..300 were committed (ringlog.meta's committed mark is 300)"),
            verify.toString());
        final Tool repair = tool("repair", "-d", dir.toString(), "--truncate-after", "100");
        assertEquals(1, repair.code, repair.toString());
        assertTrue(repair.out.contains("refused: positions 151..300 were committed (the committed mark is 300), and " +
            "the walk cannot read them: it stops at the document at byte " + damaged + " of " + file + ", whose " +
            "length word runs past the file's end") && repair.out.contains("--force drops them for good") &&
            !repair.out.contains("lost already"), repair.toString());
    }

    /**
     * The probe's damage to an older cycle file of a journal of three: a document's header word zeroed (or left
     * as if being written), and the file's end-of-file marker lost. The walk stopped at the zeroed word, and
     * '--rebuild --apply', whose dry run promised "all of its entries", wrote the file anew with the 20 entries
     * before it, deleting the 80 after; the lost marker was named by no tool, and no repair wrote it. Now the
     * zeroed word is named and stepped over, the marker's loss is named and mended, with every entry kept; and a
     * rebuild whose walk stops short of the next file's first position is refused, naming the positions.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"zeroed", "not-complete", "end-marker", "unreadable"})
    void shouldMendAnOlderFileOrRefuseWithoutDroppingEntriesTheNextFileShowsWereThere(final String damage)
        throws Exception
    {
        final Path dir = root.resolve("journal");
        writeCycleFiles(dir, 300);
        final Path older = cycleFile(dir, 1);
        final List<Long> documents = JournalTesting.dataDocuments(older);
        try (RandomAccessFile raf = new RandomAccessFile(older.toFile(), "rw"))
        {
            switch (damage)
            {
                case "zeroed" ->
                {
                    raf.seek(documents.get(2));
                    raf.write(new byte[4]);
                }
                case "not-complete" ->
                {
                    raf.seek(documents.get(2) + 3);
                    final int high = raf.read();
                    raf.seek(documents.get(2) + 3);
                    raf.write(high | 0x80);
                }
                case "end-marker" ->
                {
                    raf.seek(endMarker(older));
                    raf.write(new byte[4]);
                }
                default ->
                {
                    // The word and its first entry's header: nothing past it reads as an entry's start.
                    raf.seek(documents.get(2));
                    raf.write(new byte[4 + CommandCodec.COMPACT_HEADER_LENGTH]);
                }
            }
        }
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        final Tool dry = tool("repair", "-d", dir.toString(), "--rebuild");
        if (damage.equals("unreadable"))
        {
            // Past the damage the walk cannot step over: positions 121..200 are there, as the next file shows.
            assertEquals(1, dry.code, dry.toString());
            assertTrue(dry.out.contains("refused: " + older + " cannot be rebuilt as it is: the walk of it stops at byte " +
                documents.get(2) + " after ") && dry.out.contains("but the next file starts at position 201: positions ") &&
                dry.out.contains("..200 lie past damage the walk cannot step over, and a rebuild would drop them"),
                dry.toString());
            assertTrue(dry.out.endsWith("status: refused, nothing was changed (each refused line says what would do " +
                "it)\n"), dry.toString());
            assertEquals(3, JournalTesting.cycleFiles(dir).size(), "no file deleted");
            return;
        }
        assertTrue(verify.out.contains(damage.equals("end-marker") ? "end-of-file marker" : "the header word of its " +
            "document at byte " + documents.get(2) + " is damaged"), verify.toString());
        final Tool plain = tool("repair", "-d", dir.toString());
        assertEquals(0, plain.code, plain.toString());
        assertTrue(plain.out.contains("rebuild-file: " + older + " (") && plain.out.contains("100 entries, positions " +
            "101..200"), plain.toString());
        assertEquals(0, tool("repair", "-d", dir.toString(), "--apply").code);
        final Tool after = tool("verify", "-d", dir.toString());
        assertEquals(0, after.code, after.toString());
        assertReadsEveryEntry(dir, 300);
    }

    /**
     * A repair that verify suggests carries the --snapshots verify was given (the README's layout keeps them
     * beside the journal): run without it, the cut left the snapshots past it, and the service then refused to
     * start though verify said ok.
     */
    @Test
    void shouldSuggestARepairWithTheSnapshotDirectoryVerifyWasGiven() throws Exception
    {
        final Path dir = root.resolve("journal");
        writeCycleFiles(dir, 200);
        Files.delete(cycleFile(dir, 1));
        final Path beside = Files.createDirectories(root.resolve("snapshots"));
        final Tool verify = tool("verify", "-d", dir.toString(), "--snapshots", beside.toString());
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains("'scripts/journal repair -d " + dir + " --snapshots " + beside + " --truncate-after 100 " +
            "--force'"), verify.toString());
    }

    /** Positions 1..{@code last}, committed in tens, a cycle file (SECONDLY) for each hundred. */
    private static void writeCycleFiles(final Path dir, final long last)
    {
        final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir).rollCycle(JournalRollCycle.SECONDLY)
            .epochMillisClock(millis::get)))
        {
            for (long position = 1; position <= last; position++)
            {
                journal.append(JournalTesting.command(position, 1, 1, position));
                if (position % 10 == 0)
                {
                    journal.commit();
                }
                if (position % 100 == 0)
                {
                    millis.addAndGet(1_000);
                }
            }
        }
    }

    /** A journal in {@code root/journal} of positions 1..{@code last}, each committed on its own (one document each). */
    /**
     * A committed mark that lags the entries (a power cut that wrote the journal's pages back and not ringlog.meta's):
     * a repair cut before a damaged entry past the mark dropped the whole, checked entries after it without --force,
     * and a writable open dropped a damaged tail past the mark as never committed. A document that another follows was
     * closed by a commit, which returned before the writer began the next: those entries were committed, whatever the
     * mark says, and only the newest document's may not have been.
     */
    @Test
    void shouldCountAsCommittedWhatTheOrderOfTheDocumentsShowsWhereTheMarkLags() throws Exception
    {
        final Path dir = root.resolve("journal");
        writeHundred(dir);
        JournalTesting.setMark(dir, 50);
        final Path file = cycleFile(dir, 0);
        JournalTesting.flipByte(file, JournalTesting.entryOffset(file, 69) + 30);
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains("committed-position: 50\nnote: positions 51..90 were committed, though " +
            "ringlog.meta's committed mark is 50: the writer began another document after the one that ends at position " +
            "90, which it does only once the commit before has returned") && verify.out.contains("bad-position: 70\n"),
            verify.toString());
        final Tool refused = tool("repair", "-d", dir.toString(), "--truncate-after", "69", "--apply");
        assertEquals(1, refused.code, refused.toString());
        assertTrue(refused.out.contains("drop-positions: 70..100 (31 entries)\n") && refused.out.contains("refused: " +
            "positions 70..90 were committed, though ringlog.meta's committed mark is 50") &&
            refused.out.contains(", so clients may have seen them; --force drops them anyway\n"), refused.toString());
        try (ChronicleJournal kept = ChronicleJournal.open(context(dir).readOnly(true)))
        {
            assertEquals(100, kept.lastPosition(), "nothing was dropped");
        }
        final Tool forced = tool("repair", "-d", dir.toString(), "--truncate-after", "69", "--force", "--apply");
        assertEquals(0, forced.code, forced.toString());
        // The rewrite gives each entry it keeps a document of its own, past the mark: no commit is claimed of those.
        final Tool cut = tool("verify", "-d", dir.toString());
        assertEquals(0, cut.code, cut.toString());
        assertFalse(cut.out.contains("note: "), cut.toString());

        // The newest 12 entries damaged: 89 and 90 end a document the one of 91..100 follows, so they were committed.
        final Path tail = root.resolve("tail");
        writeHundred(tail);
        JournalTesting.setMark(tail, 50);
        final Path tailFile = cycleFile(tail, 0);
        for (int nth = 88; nth < 100; nth++)
        {
            JournalTesting.flipByte(tailFile, JournalTesting.entryOffset(tailFile, nth) + 30);
        }
        final JournalException open = assertThrows(JournalException.class, () -> ChronicleJournal.open(context(tail)));
        assertTrue(open.getMessage().contains("entries 89..100, the newest 12, fails its checks") &&
            open.getMessage().contains("It was committed: positions 51..90 were committed, though ringlog.meta's " +
            "committed mark is 50"), open.getMessage());

        // One batch over several documents (each up to 64 KiB) is one commit: only its last document counts.
        final Path batch = root.resolve("batch");
        try (ChronicleJournal journal = ChronicleJournal.open(context(batch)))
        {
            JournalTesting.appendRange(journal, 1, 4_000, 4_000);
        }
        JournalTesting.setMark(batch, 100);
        final Tool one = tool("verify", "-d", batch.toString());
        assertEquals(0, one.code, one.toString());
        assertFalse(one.out.contains("note: "), one.toString());
        try (ChronicleJournal journal = ChronicleJournal.open(context(batch)))
        {
            JournalTesting.appendRange(journal, 4_001, 4_010, 10);
        }
        JournalTesting.setMark(batch, 100);
        final Tool two = tool("verify", "-d", batch.toString());
        assertTrue(two.out.contains("note: positions 101..4000 were committed, though ringlog.meta's committed mark is " +
            "100"), two.toString());
    }

    /**
     * The newest document's length word damaged to say 48 bytes more than its entry, where the file holds zeros: the
     * walk counts the zeros as one entry (readers meet them as damage), and the repair plan showed
     * {@code last-whole-position: 11}, one past the newest entry, with a note that positions were counted short. The
     * zeros are no entry: the plan says 10, and the cut it offers keeps all ten.
     */
    @Test
    void shouldNotCountTheZerosPastADamagedLengthWordAsAWholeEntry() throws Exception
    {
        final Path dir = journalOfOneDocumentEach(10);
        final Path file = cycleFile(dir, 0);
        final long newest = JournalTesting.dataDocuments(file).get(9);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(newest);
            final int low = raf.read();
            raf.seek(newest);
            raf.write(low + 48);
        }
        final Tool plan = tool("repair", "-d", dir.toString());
        assertEquals(1, plan.code, plan.toString());
        assertTrue(plan.out.contains("last-whole-position: 10\n") && !plan.out.contains("counted short") &&
            plan.out.contains("problem: torn entry after position 10, "), plan.toString());
        final Tool cut = tool("repair", "-d", dir.toString(), "--truncate-after", "10", "--apply");
        assertEquals(0, cut.code, cut.toString());
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(0, verify.code, verify.toString());
        assertTrue(verify.out.contains("last-position: 10\n") && verify.out.contains("entries-read: 10\n"),
            verify.toString());
    }

    /**
     * A newcomer's probe: the newest pages of a journal zeroed, as a machine that stopped before writing them back
     * leaves them, the committed mark past them. Verify and replay said the committed entries were missing because "a
     * cycle file deleted or lost, or an older copy of the journal put back", and counted from one past the zeros. They
     * now say where the zeros are, which entries they held, and the cut that keeps every whole entry.
     */
    @Test
    void shouldSayCommittedEntriesLostToZerosAreNotADeletedFile() throws Exception
    {
        final Path dir = journalOfOneDocumentEach(10);
        final Path file = cycleFile(dir, 0);
        final List<Long> documents = JournalTesting.dataDocuments(file);
        final long zeroed = documents.get(8) + 4;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            // From entry 9 (its document's header kept: its length word still says the bytes the entry took) through
            // the newest document, header and all.
            raf.seek(zeroed);
            raf.write(new byte[(int)(documents.get(9) + 4 + CommandCodec.MIN_ENTRY_LENGTH + 8 - zeroed)]);
        }
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains("problem: the journal's entries in " + dir + " end at position 8: past it, " + file +
            " holds zeros from byte " + zeroed + ", where its newest document's entries go on") && verify.out.contains(
            "Entries 9..10 were committed (clients may have seen them) and are missing: their bytes never reached the " +
            "disk (the machine stopped before writing them back) or were zeroed since, not a cycle file deleted. Restore " +
            "them from a copy of the journal (a backup, the standby's); or accept the loss with 'scripts/journal repair -d " +
            dir + " --truncate-after 8 --force'") && !verify.out.contains("a cycle file deleted or lost"), verify.toString());
        final Tool cut = tool("repair", "-d", dir.toString(), "--truncate-after", "8", "--force", "--apply");
        assertEquals(0, cut.code, cut.toString());
        assertEquals(0, tool("verify", "-d", dir.toString()).code);
        assertReadsEveryEntry(dir, 8);
    }

    /**
     * A newcomer's probe: the newest document's header word set to "being written", where the mark says its entry was
     * committed. The torn entry's line said the next writable open writes over it and that a cut "clears it now,
     * dropping no whole entry", while the open refused and the cut needed --force; and the missing entry was blamed
     * on "a cycle file deleted or lost". Both now say what the header shows, and the open's refusal too.
     */
    @Test
    void shouldNotOfferToWriteOverATornDocumentACommitCovered() throws Exception
    {
        final Path dir = journalOfOneDocumentEach(10);
        final Path file = cycleFile(dir, 0);
        final long newest = JournalTesting.dataDocuments(file).get(9);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(newest);
            raf.write(new byte[] {0, 0, 0, (byte)0x80});
        }
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        final String marked = "are missing (the newest document of " + file + ", at byte " + newest + ", is marked as " +
            "being written (header 0x80000000), as a writer leaves it only until the document is finished";
        assertTrue(verify.out.contains("problem: torn entry after position 9, in the document at byte " + newest + " of " +
            file + " (header 0x80000000): a document marked as being written (or a writer stopped mid-entry) past the " +
            "last whole entry, though ringlog.meta says more was committed") && verify.out.contains(marked) &&
            !verify.out.contains("clears it now") && !verify.out.contains("a cycle file deleted or lost"), verify.toString());
        final JournalException refused = assertThrows(JournalException.class,
            () -> ChronicleJournal.open(context(dir)).close());
        assertTrue(refused.getMessage().contains(marked), refused.getMessage());
    }

    /**
     * Old damage below the snapshot a restart recovers from: verify exited 1 for good, and the only mend it named was a
     * cut before the damage, which drops every later entry. Where the damage lies in cycle files a later file follows,
     * starting at or before that snapshot, verify names the files to move aside, as for a journal trimmed behind its
     * snapshots; done, the journal verifies clean and goes on to the uncut run's state.
     */
    @Test
    void shouldNameTheFilesToMoveAsideWhereOldDamageLiesBelowTheSnapshotARestartUses() throws Exception
    {
        final Path dir = root.resolve("journal");
        final Path snapshots = dir.resolve("snapshots");
        writeEngineCycles(dir, snapshots, 3);
        final List<Path> files = JournalTesting.cycleFiles(dir);
        assertEquals(3, files.size());
        JournalTesting.flipByte(files.get(0), JournalTesting.entryOffset(files.get(0), 49) + 30);
        final String first = files.get(0).getFileName().toString();

        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains("bad-position: 50\n") && verify.out.contains("restart-recovers-from: the snapshot " +
            "at position 300\n") && verify.out.contains("Or, keeping every entry after the snapshot: move " + first +
            " out of " + dir + ", as for a journal trimmed behind its snapshots. The journal then starts at position 101, " +
            "without the damage, and a restart recovers from the snapshot at position 300 as before; what goes is the " +
            "history before position 101 (a full replay from position 1), and the snapshots at positions 100 in " +
            snapshots + ", which no restart could use then: move them aside too"), verify.toString());

        moveAside(files.get(0), FileSnapshotStore.open(snapshots, 3).path(100));
        final Tool moved = tool("verify", "-d", dir.toString());
        assertEquals(0, moved.code, moved.toString());
        assertTrue(moved.out.contains("first-position: 101\n"), moved.toString());
        assertEquals(cleanHash(300, 10), continueRun(dir, snapshots, 10), "every entry after the damaged file kept");
    }

    /**
     * A newcomer's probe: a cycle file in the middle deleted. Every tool offered only the cut after the gap, which
     * drops every later file and every snapshot, though a snapshot past the gap held the state through it. The open
     * now names moving the files before the gap aside (a journal trimmed behind its snapshots), and verify names the
     * snapshot that allows it. Followed, nothing after the gap is lost: the restart's state is the uncut run's.
     */
    @Test
    void shouldOfferToMoveTheFilesBeforeAGapAsideWhereASnapshotHoldsTheStateThroughIt() throws Exception
    {
        final Path dir = root.resolve("journal");
        final Path snapshots = dir.resolve("snapshots");
        writeEngineCycles(dir, snapshots, 3);
        final List<Path> files = JournalTesting.cycleFiles(dir);
        assertEquals(3, files.size());
        Files.delete(files.get(1));
        final String first = files.get(0).getFileName().toString();

        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains("positions 101..200 are missing (a cycle file deleted or lost). Restore it from a " +
            "copy. Or, where a snapshot at position 201 or later holds the state through the gap, move the file before it (" +
            first + ") out of " + dir) && verify.out.contains("problem: the snapshot at position 300 in " + snapshots +
            " holds the state through the gap: moving " + first + " out of " + dir + " keeps every entry after it") &&
            verify.out.contains("the snapshots at positions 100, 200, from before the file after the gap, no restart can " +
                "use then"),
            verify.toString());

        moveAside(files.get(0), FileSnapshotStore.open(snapshots, 3).path(100),
            FileSnapshotStore.open(snapshots, 3).path(200));
        final Tool moved = tool("verify", "-d", dir.toString());
        assertEquals(0, moved.code, moved.toString());
        assertTrue(moved.out.contains("first-position: 201\n") && moved.out.contains("restart-recovers-from: the " +
            "snapshot at position 300"), moved.toString());
        assertEquals(cleanHash(300, 10), continueRun(dir, snapshots, 10), "every entry after the gap kept");
    }

    /**
     * A reviewer's finding: a middle cycle file cut short was named with one way on, a cut after its last whole entry,
     * which drops the later files too (20,000 whole entries in the reviewer's journal, and the newest snapshot). It is
     * named as a gap now, with the snapshot that holds the state through it; followed, every later entry is kept. And
     * the middle file emptied to 0 bytes was said to be one never written, to delete; its neighbours say what it held.
     */
    @Test
    void shouldOfferTheSnapshotRouteWhereAMiddleCycleFileIsCutShortOrEmptied() throws Exception
    {
        final Path dir = root.resolve("journal");
        final Path snapshots = dir.resolve("snapshots");
        writeEngineCycles(dir, snapshots, 3);
        final List<Path> files = JournalTesting.cycleFiles(dir);
        assertEquals(3, files.size());
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(files.get(1),
            java.nio.file.StandardOpenOption.WRITE))
        {
            channel.truncate(JournalTesting.entryOffset(files.get(1), 49) + 10);
        }
        final String both = files.get(0).getFileName() + ", " + files.get(1).getFileName();
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains("cycle file " + files.get(1) + " is cut short") &&
            verify.out.contains(" are lost with it (the whole entries end at position ") &&
            verify.out.contains(", and the next file with entries, " + files.get(2).getFileName() + ", starts at 201); " +
                "the later " +
                "files are whole. Restore it from a copy") &&
            verify.out.contains("move the 2 files up to it (" + both + ") out of " + dir) &&
            verify.out.contains("problem: the snapshot at position 300 in " + snapshots + " holds the state through the " +
                "gap: moving " + both + " out of " + dir + " keeps every entry after it"), verify.toString());

        Files.write(files.get(1), new byte[0]);
        final Tool emptied = tool("verify", "-d", dir.toString());
        assertEquals(1, emptied.code, emptied.toString());
        assertTrue(emptied.out.contains("cycle file " + files.get(1) + " is empty (0 bytes) and is not the newest: " +
            "positions 101..200 are lost with it (the whole entries end at position 100, and the next file with entries, " +
            files.get(2).getFileName() + ", starts at 201)") && !emptied.out.contains("never written"), emptied.toString());

        moveAside(files.get(0), files.get(1), FileSnapshotStore.open(snapshots, 3).path(100),
            FileSnapshotStore.open(snapshots, 3).path(200));
        final Tool moved = tool("verify", "-d", dir.toString());
        assertEquals(0, moved.code, moved.toString());
        assertTrue(moved.out.contains("first-position: 201\n"), moved.toString());
        assertEquals(cleanHash(300, 10), continueRun(dir, snapshots, 10), "every entry after the damaged file kept");
    }

    /**
     * A code review's of the test above: an empty file after the cut one was skipped and its positions said lost with
     * the cut one, with only the files up to the cut one to move (followed, the empty one was then the oldest, said to
     * hold positions from 1, and the cut offered, after 0, emptied the journal); and a later file cut too was called
     * whole. The empty ones go with it, a later damaged file is named, and, the oldest file damaged, no cut is offered.
     */
    @Test
    void shouldMoveTheEmptyFilesAfterADamagedOneWithItAndNameALaterDamagedFile() throws Exception
    {
        final Path dir = root.resolve("journal");
        final Path snapshots = dir.resolve("snapshots");
        writeEngineCycles(dir, snapshots, 4);
        final List<Path> files = JournalTesting.cycleFiles(dir);
        assertEquals(4, files.size());
        final byte[] third = Files.readAllBytes(files.get(2));
        truncate(files.get(1), JournalTesting.entryOffset(files.get(1), 49) + 10);
        Files.write(files.get(2), new byte[0]);
        final String three = files.get(0).getFileName() + ", " + files.get(1).getFileName() + ", " +
            files.get(2).getFileName();
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains(" are lost with it, with the empty file after it (" + files.get(2).getFileName() +
            ") (the whole entries end at position ") && verify.out.contains(", and the next file with entries, " +
            files.get(3).getFileName() + ", starts at 301); the later files are whole.") &&
            verify.out.contains("move the 3 files up to the next with entries (" + three + ") out of " + dir) &&
            verify.out.contains("problem: the snapshot at position 400 in " + snapshots + " holds the state through the " +
                "gap: moving " + three + " out of " + dir), verify.toString());

        // A cut past the whole entries of the file cut short, into what it lost: refused, nothing changed (the rewrite
        // failed at --apply, after the later file and the snapshots were gone: a code review's).
        final Tool into = tool("repair", "-d", dir.toString(), "--truncate-after", "180", "--force", "--apply");
        assertEquals(1, into.code, into.toString());
        assertTrue(into.out.contains("refused: the cut after 180 falls past the whole entries of " + files.get(1)) &&
            into.out.contains("status: refused, nothing was changed"), into.toString());
        assertTrue(Files.exists(files.get(3)) && Files.exists(FileSnapshotStore.open(snapshots, 3).path(400)),
            "nothing was changed");
        // The third file whole again and the newest cut too: not called whole.
        Files.write(files.get(2), third);
        truncate(files.get(3), JournalTesting.entryOffset(files.get(3), 49) + 10);
        final Tool both = tool("verify", "-d", dir.toString());
        assertEquals(1, both.code, both.toString());
        assertTrue(both.out.contains("; a later file, " + files.get(3).getFileName() + ", is damaged too: once this is " +
            "mended, verify names it.") && !both.out.contains("the later files are whole"), both.toString());
    }

    /** The oldest file of a journal trimmed behind its snapshots emptied: where its positions began is not known. */
    @Test
    void shouldNotCountFromPositionOneWhereTheOldestFileOfATrimmedJournalIsEmptied() throws Exception
    {
        final Path dir = root.resolve("journal");
        final Path snapshots = dir.resolve("snapshots");
        writeEngineCycles(dir, snapshots, 3);
        final List<Path> files = JournalTesting.cycleFiles(dir);
        Files.delete(files.get(0));
        Files.delete(FileSnapshotStore.open(snapshots, 3).path(100));
        Files.write(files.get(1), new byte[0]);
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        assertTrue(verify.out.contains("is empty (0 bytes) and is not the newest: the positions before 201 that it held " +
            "are lost with it (no earlier file holds a whole entry, so where they began is not known") &&
            !verify.out.contains("bad-position: 1\n") && !verify.out.contains("--truncate-after 0"), verify.toString());
        moveAside(files.get(1), FileSnapshotStore.open(snapshots, 3).path(200));
        final Tool moved = tool("verify", "-d", dir.toString());
        assertEquals(0, moved.code, moved.toString());
        assertEquals(cleanHash(300, 10), continueRun(dir, snapshots, 10), "every entry after the emptied file kept");
    }

    /** Moves cycle files and snapshots out of the journal, as a user following verify's words does. */
    private void moveAside(final Path... files) throws IOException
    {
        final Path aside = Files.createDirectories(root.resolve("aside"));
        for (final Path file : files)
        {
            Files.move(file, aside.resolve(file.getFileName()));
        }
    }

    private static void truncate(final Path file, final long length) throws IOException
    {
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
            java.nio.file.StandardOpenOption.WRITE))
        {
            channel.truncate(length);
        }
    }

    /**
     * A reviewer's finding: a middle cycle file's last page zeroed (lost in a crash) was blamed on a deleted file, and
     * neither that file nor where its data stops was named. The message names both as the other likely cause.
     */
    @Test
    void shouldNameAFileWhoseEndWasLostAsAWayPositionsCanGoMissing() throws Exception
    {
        final Path dir = root.resolve("journal");
        writeEngineCycles(dir, dir.resolve("snapshots"), 3);
        final List<Path> files = JournalTesting.cycleFiles(dir);
        final Tool where = tool("dump", "-d", dir.toString(), "--from", "200", "--to", "200");
        final java.util.regex.Matcher stored = java.util.regex.Pattern.compile("stored-at: \\S+ byte (\\d+) ")
            .matcher(where.out);
        assertTrue(stored.find(), where.toString());
        final long page = Long.parseLong(stored.group(1)) & ~4095L;
        try (RandomAccessFile raf = new RandomAccessFile(files.get(1).toFile(), "rw"))
        {
            raf.seek(page);
            raf.write(new byte[4096]);
        }
        final Tool verify = tool("verify", "-d", dir.toString());
        assertEquals(1, verify.code, verify.toString());
        final java.util.regex.Matcher said = java.util.regex.Pattern.compile("are missing \\(a cycle file deleted or " +
            "lost; or the end of " + files.get(1).getFileName() + " itself: it has no end-of-file marker, and its data " +
            "stops at byte (\\d+) of " + Files.size(files.get(1)) + ", where a page lost in a crash").matcher(verify.out);
        assertTrue(said.find(), verify.toString());
    }

    /**
     * A newcomer's probe: ringlog.meta deleted from a journal with snapshots. 'repair --new-identity', which every
     * tool advised, gave it a random identity and dropped every snapshot, though each named the journal's identity
     * and matched its entries. It takes that identity back now, and the snapshots stay usable.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldTakeTheIdentityBackFromTheJournalsOwnSnapshots(final boolean damagedBefore) throws Exception
    {
        final Path dir = root.resolve("journal");
        final Path snapshots = root.resolve("snapshots");
        writeEngineRun(dir, snapshots, 300, 100);
        final io.ringlog.core.JournalId id;
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir).readOnly(true)))
        {
            id = journal.id();
        }
        Files.delete(dir.resolve("ringlog.meta"));
        if (damagedBefore)
        {
            // The reviewer's case: an entry's magic damaged before the snapshots, inside a document of several, which
            // the walk then counts as one entry. Found by counting, every snapshot's entry was the wrong one, and the
            // repair dropped them all.
            JournalTesting.garbleMagicOfEntry(cycleFile(dir, 0), 50);
            final Tool dry = tool("repair", "-d", dir.toString(), "--snapshots", snapshots.toString(), "--new-identity");
            // The entries after the damaged one in its document are hidden from the walk: a snapshot there names the
            // identity the others give back, and is kept for verify to check.
            assertTrue(dry.out.contains("new-identity: a new ringlog.meta with the identity its own snapshots name, " +
                id + " (the journal's entries at positions ") && !dry.out.contains("drop-snapshot"), dry.toString());
            // The damaged entry stays, which the repair says (exit 1): the identity and every snapshot are back, and the
            // mark is where the snapshot at 300 shows a commit reached, not where the walk, counting short, stopped.
            final Tool applied = tool("repair", "-d", dir.toString(), "--snapshots", snapshots.toString(),
                "--new-identity", "--apply");
            assertTrue(applied.out.contains("committed position 300;") && applied.out.contains("status: changed as " +
                "listed, but the journal still has the problems above"), applied.toString());
            assertEquals(List.of(300L, 200L, 100L), positions(snapshots));
            try (ChronicleJournal journal = ChronicleJournal.open(context(dir).readOnly(true)))
            {
                assertEquals(id, journal.id());
                assertEquals(300, journal.committedPosition());
            }
            return;
        }

        final Tool dry = tool("repair", "-d", dir.toString(), "--snapshots", snapshots.toString(), "--new-identity");
        assertEquals(0, dry.code, dry.toString());
        assertTrue(dry.out.contains("new-identity: a new ringlog.meta with the identity its own snapshots name, " + id +
            " (the journal's entries at positions 100, 200, 300 match theirs), committed position 300; those snapshots " +
            "stay usable") && !dry.out.contains("drop-snapshot"), dry.toString());
        assertEquals(0, tool("repair", "-d", dir.toString(), "--snapshots", snapshots.toString(), "--new-identity",
            "--apply").code);
        final Tool verify = tool("verify", "-d", dir.toString(), "--snapshots", snapshots.toString());
        assertEquals(0, verify.code, verify.toString());
        assertTrue(verify.out.contains("journal-id: " + id + "\n") && verify.out.contains("restart-recovers-from: the " +
            "snapshot at position 300"), verify.toString());
        assertEquals(cleanHash(300, 10), continueRun(dir, snapshots, 10));
    }

    /**
     * The same with the journal trimmed behind its snapshots (it no longer holds position 1) and the snapshots
     * unreadable: a new identity would leave no start able to recover the state, so it is refused without --force.
     */
    @Test
    void shouldRefuseANewIdentityThatLeavesATrimmedJournalNoSnapshot() throws Exception
    {
        final Path dir = root.resolve("journal");
        final Path snapshots = dir.resolve("snapshots");
        writeEngineCycles(dir, snapshots, 2);
        Files.move(JournalTesting.cycleFiles(dir).get(0), root.resolve("first.cq4"));
        Files.delete(dir.resolve("ringlog.meta"));
        for (final long position : new long[] {100, 200})
        {
            JournalTesting.flip(FileSnapshotStore.open(snapshots, 3).path(position), 40, 0x10);
        }
        final Tool refused = tool("repair", "-d", dir.toString(), "--new-identity");
        assertEquals(1, refused.code, refused.toString());
        assertTrue(refused.out.contains("refused: the journal no longer holds position 1 (its oldest entry is 101), so " +
            "a start needs a snapshot to recover its state, and with a new identity none is usable"), refused.toString());
    }

    private Path journalOfOneDocumentEach(final long last)
    {
        final Path dir = root.resolve("journal");
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir)))
        {
            for (long position = 1; position <= last; position++)
            {
                journal.append(JournalTesting.command(position, 1, 1, position));
                journal.commit();
            }
        }
        return dir;
    }

    /**
     * A journal of 3,000 one-entry documents in one cycle file, where Chronicle's index keeps the offset of every
     * 256th document: the byte of the file that holds document 1280's offset, and that offset.
     */
    private Indexed journalWithDocument1280Indexed() throws Exception
    {
        final Path dir = journalOfOneDocumentEach(3_000);
        final Path file = cycleFile(dir, 0);
        final long value = JournalTesting.chronicleIndexValues(file) + 5 * 8;
        return new Indexed(dir, file, value, JournalTesting.longAt(file, value));
    }

    /** See {@link #journalWithDocument1280Indexed}. */
    private record Indexed(Path dir, Path file, long value, long starts)
    {
    }

    /** The journal reads positions 1..{@code last} in order, each the entry written there. */
    private static void assertReadsEveryEntry(final Path dir, final long last)
    {
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir).readOnly(true));
             io.ringlog.core.JournalReader reader = journal.reader(1))
        {
            final io.ringlog.core.Command entry = new io.ringlog.core.Command(JournalTesting.MAX_PAYLOAD);
            for (long position = 1; position <= last; position++)
            {
                assertTrue(reader.next(entry), "position " + position);
                assertEquals(position * 10, entry.correlationId(), "position " + position);
            }
        }
    }

    /** Where Chronicle's end-of-file marker of a rolled cycle file is. */
    private static long endMarker(final Path file) throws Exception
    {
        final byte[] bytes = Files.readAllBytes(file);
        final java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int offset = 0;
        while (offset + 4 <= bytes.length)
        {
            final int word = buffer.getInt(offset);
            if (word == 0xC000_0000)
            {
                return offset;
            }
            offset = (offset + 4 + (word & 0x3FFF_FFFF) + 3) & ~3;
        }
        throw new IllegalStateException("no end-of-file marker in " + file);
    }

    /** The offsets of a cycle file's data documents, walked by their Chronicle header words. */
    private static ChronicleJournal.Context context(final Path dir)
    {
        return JournalTesting.context(dir);
    }

    /** Positions 1..100 in one cycle file, committed ten at a time: a document of ten entries a commit. */
    private static void writeHundred(final Path dir)
    {
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir)))
        {
            JournalTesting.appendRange(journal, 1, 100, 10);
        }
    }

    /** Positions 1..300 in three SECONDLY cycle files of 100 each; returns the context they were written with. */
    /** Gives two files each other's names, as the mv of verify's advice does. */
    private static void swapNames(final Path a, final Path b) throws java.io.IOException
    {
        final Path aside = a.resolveSibling(a.getFileName() + ".tmp");
        Files.move(a, aside);
        Files.move(b, a);
        Files.move(aside, b);
    }

    private static ChronicleJournal.Context writeThreeSecondlyCycles(final Path dir)
    {
        final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
        final ChronicleJournal.Context ctx = context(dir).rollCycle(JournalRollCycle.SECONDLY)
            .epochMillisClock(millis::get);
        try (ChronicleJournal journal = ChronicleJournal.open(ctx))
        {
            for (int cycle = 0; cycle < 3; cycle++)
            {
                for (long position = cycle * 100L + 1; position <= cycle * 100L + 100; position++)
                {
                    journal.append(JournalTesting.command(position, 1, 1, position));
                }
                journal.commit();
                millis.addAndGet(1_000);
            }
        }
        return ctx;
    }

    /**
     * An engine's run of 100 commands per cycle file, {@code cycles} files (a second apart by its clock), with a
     * snapshot every 100 positions into {@code snapshots}: positions 1..100 in the first file, and so on.
     */
    private static void writeEngineCycles(final Path dir, final Path snapshots, final int cycles)
    {
        final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
        for (int cycle = 0; cycle < cycles; cycle++)
        {
            final ChronicleJournal journal = ChronicleJournal.open(context(dir).rollCycle(JournalRollCycle.SECONDLY)
                .epochMillisClock(millis::get));
            final long last = journal.lastPosition();
            final Engine engine = Engine.launch(engine(journal, last).snapshotStore(FileSnapshotStore.open(snapshots, 3))
                .snapshotEvery(100));
            for (long position = last + 1; position <= last + 100; position++)
            {
                engine.publish(ADD, 0, 0, position, longPayload(position), 0, 8);
            }
            engine.close();
            millis.addAndGet(1_000);
        }
    }

    /** A live engine run on {@code dir} up to {@code last}; returns the first position it published. */
    private static long writeEngineRun(final Path dir, final Path snapshots, final long last, final long every)
    {
        final EngineContext ctx = engine(ChronicleJournal.open(context(dir)), 0);
        if (snapshots != null)
        {
            ctx.snapshotStore(FileSnapshotStore.open(snapshots, 3)).snapshotEvery(every);
        }
        final Engine engine = Engine.launch(ctx);
        final long first = engine.nextPosition();
        for (long position = first; position <= last; position++)
        {
            engine.publish(ADD, 0, 0, position, longPayload(position), 0, 8);
        }
        engine.close();
        return first;
    }

    /** Recovers {@code dir}, publishes {@code more} commands, and returns the state hash. */
    private static long continueRun(final Path dir, final Path snapshots, final int more)
    {
        final ChronicleJournal journal = ChronicleJournal.open(context(dir));
        final long last = journal.lastPosition();
        final EngineContext ctx = engine(journal, last);
        if (snapshots != null)
        {
            ctx.snapshotStore(FileSnapshotStore.open(snapshots, 3));
        }
        final Engine engine = Engine.launch(ctx);
        for (long position = last + 1; position <= last + more; position++)
        {
            engine.publish(ADD, 0, 0, position, longPayload(position), 0, 8);
        }
        engine.close();
        return engine.stateHash();
    }

    /** The hash of one run of commands 1..{@code kept + more}, with no journal on disk. */
    private static long cleanHash(final long kept, final int more)
    {
        final Engine engine = Engine.launch(engine(new InMemoryJournal(JournalTesting.MAX_PAYLOAD), 0));
        for (long position = 1; position <= kept + more; position++)
        {
            engine.publish(ADD, 0, 0, position, longPayload(position), 0, 8);
        }
        engine.close();
        return engine.stateHash();
    }

    /** Timestamps from the position, so that every run of the same commands is the same. */
    private static EngineContext engine(final io.ringlog.core.Journal journal, final long after)
    {
        final long[] ticks = {after};
        return new EngineContext().stateMachine(new AccumulatorStateMachine()).journal(journal)
            .maxPayloadLength(JournalTesting.MAX_PAYLOAD).topology(Topology.COMPACT).ringSize(256)
            .clock(() -> ++ticks[0] * 1_000).errorHandler((ex) ->
            {
            });
    }

    private static Path cycleFile(final Path dir, final int index) throws Exception
    {
        return JournalTesting.cycleFiles(dir).get(index);
    }

    private static List<Long> positions(final Path snapshots)
    {
        return java.util.Arrays.stream(FileSnapshotStore.open(snapshots, 3).positions()).boxed().toList();
    }

    private static Tool tool(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = JournalTool.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Tool(code, out.toString(), err.toString());
    }

    /** Writes entries 1..{@code last} to a new journal in {@code dir}, committed ten at a time (a document each). */
    private static void writeInBatchesOfTen(final Path dir, final long last)
    {
        try (ChronicleJournal journal = ChronicleJournal.open(context(dir)))
        {
            for (long position = 1; position <= last; position++)
            {
                journal.append(JournalTesting.command(position, 1, 1, position));
                if (position % 10 == 0)
                {
                    journal.commit();
                }
            }
        }
    }

    private record Tool(int code, String out, String err)
    {
        @Override
        public String toString()
        {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }
}
