package io.ringlog.journal;

import io.ringlog.core.Command;
import io.ringlog.core.CommandCodec;
import io.ringlog.core.JournalException;
import io.ringlog.core.JournalId;
import io.ringlog.core.JournalReader;
import io.ringlog.journal.tool.JournalTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.ringlog.journal.JournalTesting.appendRange;
import static io.ringlog.journal.JournalTesting.command;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A whole but damaged last entry. A full disk leaves the newest entry's header in the file and zeros
 * where the rest of its bytes should be; every later replay used to fail on it ("bad magic 0x0"), or
 * replay it as another command. Now: no commit covered it (the committed mark says so), so it was
 * never visible, and recovery drops it, reporting it as a torn tail. A damaged entry that a commit
 * did cover is refused instead: only an explicit, forced repair drops what may have been seen.
 */
class DamagedTailTest
{
    @TempDir
    Path dir;

    @Test
    void shouldDropDamagedEntriesNoCommitCoveredAndGoOn() throws Exception
    {
        final Path file = fiftyCommittedThenThreeNot();
        // What a full disk leaves: the headers and first bytes written, zeros where the rest should be.
        final long entry52 = JournalTesting.entryOffset(file, 51);
        final long entry53 = JournalTesting.entryOffset(file, 52);
        final int entryLength = CommandCodec.compactLength(command(52, 1, 1, 52 * 3));
        zeroFrom(file, entry52 + 8, entryLength - 8);
        zeroFrom(file, entry53 + 8, entryLength - 8);

        final StringWriter out = new StringWriter();
        assertEquals(1, JournalTool.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "verify", "-d",
            dir.toString(), "--max-payload", "64"));
        assertTrue(out.toString().contains("last-position: 51\ncommitted-position: 50\n"), out.toString());
        assertTrue(out.toString().contains("torn-entry-after: 51\n"), out.toString());
        // Entries 51..53 share a document, closed uncommitted when the journal was: entry 52's length and magic
        // are whole, the rest zeros, so it fails its checksum, and what follows cannot be told apart into entries.
        assertTrue(out.toString().contains("entries from 52 on, the end of the newest document, failed their " +
            "checks (checksum mismatch") &&
            out.toString().contains("no commit covered them (the committed mark is 50)") &&
            out.toString().contains("the next writable open drops them"), out.toString());

        final List<TornEntry> torn = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir).tornEntryListener(torn::add)))
        {
            assertEquals(51, journal.lastPosition(), "entry 51 was whole: kept, as after a kill");
            assertEquals(1, torn.size());
            assertEquals(51, torn.get(0).lastWholePosition());
            assertTrue(torn.get(0).toString().contains("dropped (the cycle file was rewritten without them)"),
                torn.get(0).toString());
            appendRange(journal, 52, 60, 5);
        }
        assertHoldsWholeAndCommitted(dir, 60);
    }

    /**
     * Power lost under MEMORY_MAPPED can leave Chronicle's header naming the newest document while that document's
     * page never reached the disk: its header word reads zero, its entries no commit covered. Chronicle's next append
     * used to step over the four zero bytes and write its document after them; the run said it recovered, and every
     * later open found a document Chronicle's index counted that the file did not hold, and refused the entries
     * written since, all committed. The open now rewrites the file without the torn document first.
     */
    @Test
    void shouldWriteWhereATornDocumentWasWhenChroniclesHeaderNamesIt() throws Exception
    {
        final Path file = fiftyCommittedThenThreeNot();
        // Closed cleanly, so Chronicle's header names the document of 51..53 as its newest; its header word is lost.
        zeroFrom(file, JournalTesting.entryOffset(file, 50) - 4, 4);

        final List<TornEntry> torn = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir).tornEntryListener(torn::add)))
        {
            assertEquals(50, journal.lastPosition());
            assertEquals(1, torn.size());
            assertEquals(50, torn.get(0).lastWholePosition());
            assertNotNull(journal.tornEntry(), "still reported after the file was rewritten");
            appendRange(journal, 51, 60, 5);
        }
        assertHoldsWholeAndCommitted(dir, 60);
        final StringWriter out = new StringWriter();
        assertEquals(0, JournalTool.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "verify", "-d",
            dir.toString(), "--max-payload", "64"), out.toString());
    }

    /** The same tear of entries a commit covered: the open refuses, and leaves the file as it found it. */
    @Test
    void shouldLeaveATornDocumentACommitCoveredAsItIsAndRefuse() throws Exception
    {
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            appendRange(journal, 1, 50, 10);
            appendRange(journal, 51, 53, 3);
        }
        final Path file = JournalTesting.cycleFiles(dir).get(0);
        zeroFrom(file, JournalTesting.entryOffset(file, 50) - 4, 4);
        final byte[] before = Files.readAllBytes(file);
        final JournalException refused = assertThrows(JournalException.class,
            () -> ChronicleJournal.open(JournalTesting.context(dir)).close());
        assertTrue(refused.getMessage().contains("53"), refused.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file), "the committed entries' bytes are still there to restore");
    }

    /**
     * The torn document the first of a new cycle file: that file has no whole entry, and Chronicle's next append went
     * past the torn document there too. The open deletes the file (the one before ends with its end-of-file marker).
     */
    @Test
    void shouldWriteWhereATornFirstDocumentOfANewCycleWas() throws Exception
    {
        final long[] millis = {1_700_000_000_000L};
        final ChronicleJournal.Context ctx = JournalTesting.context(dir).rollCycle(JournalRollCycle.SECONDLY)
            .epochMillisClock(() -> millis[0]);
        try (ChronicleJournal journal = ChronicleJournal.open(ctx))
        {
            appendRange(journal, 1, 30, 10);
            millis[0] += 1_000;
            journal.append(command(31, 1, 1, 31 * 3));
        }
        final List<Path> files = JournalTesting.cycleFiles(dir);
        assertEquals(2, files.size(), "31 began a cycle file of its own");
        zeroFrom(files.get(1), JournalTesting.entryOffset(files.get(1), 0) - 4, 4);

        final List<TornEntry> torn = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.open(ctx.tornEntryListener(torn::add)))
        {
            assertEquals(30, journal.lastPosition());
            assertEquals(1, torn.size());
            appendRange(journal, 31, 40, 5);
        }
        assertHoldsWholeAndCommitted(dir, 40, ctx);
    }

    @Test
    void shouldRefuseToDropADamagedEntryACommitCovered() throws Exception
    {
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            appendRange(journal, 1, 50, 10);
        }
        final Path file = JournalTesting.cycleFiles(dir).get(0);
        JournalTesting.flip(file, JournalTesting.entryOffset(file, 49) + 20, 0x01);

        final JournalException ex = assertThrows(JournalException.class,
            () -> ChronicleJournal.open(JournalTesting.context(dir)));
        assertEquals(50, ex.position());
        assertTrue(ex.getMessage().contains("entry 50, the newest, fails its checks: checksum mismatch") &&
            ex.getMessage().contains("It was committed (the committed mark is 50), so clients may have seen it: " +
                "recovery does not drop it") && ex.getMessage().contains("--truncate-after 49 --force"), ex.getMessage());
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir).readOnly(true)))
        {
            assertEquals(50, journal.lastPosition(), "read-only, the reader says what is wrong where it is");
        }
    }

    /**
     * The same damaged entry, and a bit flipped on disk in ringlog.meta's committed mark that lowers it from 50 to
     * 34. The mark carried no check, so a writable open took it, called entry 50 never committed, and dropped it
     * though a commit had covered it. The mark carries a CRC-8 now: it is unknown, the open refuses, verify (run as
     * the script runs it) says why, and repair sets the mark to the last entry held, under which the damaged entry
     * is refused as committed, as above, keeping the identity and so the snapshots.
     */
    @Test
    void shouldNotDropACommittedDamagedEntryOnTheWordOfADamagedCommittedMark() throws Exception
    {
        final JournalId id = JournalTesting.newJournal(dir, 50, 10);
        final Path file = JournalTesting.cycleFiles(dir).get(0);
        JournalTesting.flip(file, JournalTesting.entryOffset(file, 49) + 20, 0x01);
        final Path meta = dir.resolve(JournalMetadata.FILE_NAME);
        final long created = JournalMetadata.read(dir).created();
        JournalTesting.flip(meta, JournalMetadata.COMMITTED_OFFSET, 0x10);
        final long flipped = JournalTesting.longAt(meta, JournalMetadata.COMMITTED_OFFSET);

        final JournalException refused = assertThrows(JournalException.class,
            () -> ChronicleJournal.open(JournalTesting.context(dir)));
        assertTrue(refused.getMessage().startsWith(meta + " is damaged: its committed mark fails its check (the word " +
            "0x") && refused.getMessage().contains(" reads position 34 with CRC-8 0x") &&
            refused.getMessage().contains("'scripts/journal repair -d " + dir + "' sets it to the journal's last whole " +
            "entry"), refused.getMessage());
        assertEquals(flipped, JournalTesting.longAt(meta, JournalMetadata.COMMITTED_OFFSET), "the mark left as found");
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir).readOnly(true)))
        {
            assertEquals(-1, journal.committedPosition(), "unknown, read-only too");
            assertEquals(50, journal.lastPosition());
            // A replay to the end says what it cannot check (the journal's replay and the exchange's print it).
            assertTrue(journal.uncheckedEnd(Long.MAX_VALUE).startsWith(meta + " is damaged: its committed mark fails " +
                "its check") && journal.uncheckedEnd(50).contains("So whether committed entries are missing past " +
                "position 50, the journal's end, cannot be told"), journal.uncheckedEnd(50));
            assertNull(journal.uncheckedEnd(49), "short of the end, nothing the mark would check");
        }

        // An empty snapshot directory: verify says what a restart would recover from.
        Files.createDirectories(dir.resolve("snapshots"));
        final JournalTesting.Ran verify = JournalTesting.runJvm(60, JournalTool.class, "verify", "-d", dir.toString(),
            "--max-payload", "64");
        assertEquals(1, verify.code(), verify.toString());
        assertTrue(verify.output().contains("last-position: 50\ncommitted-position: unknown (ringlog.meta's committed " +
            "mark is damaged)\n") && verify.output().contains("problem: " + meta + " is damaged: its committed mark " +
            "fails its check") && verify.output().contains("restart-recovers-from: nothing yet: a writable start " +
            "refuses while ringlog.meta's committed mark is damaged (see the problems below); once repair has set it, " +
            "position 1\n"), verify.toString());
        assertFalse(verify.output().contains("Exception") || verify.output().contains("\tat "), verify.toString());

        // The tool in this JVM from here: verify above ran it as the script does.
        final StringWriter dryRun = new StringWriter();
        assertEquals(0, JournalTool.run(new PrintWriter(dryRun), new PrintWriter(dryRun), "repair", "-d",
            dir.toString()), dryRun.toString());
        assertTrue(dryRun.toString().contains("committed-position: unknown (ringlog.meta is damaged: its committed mark " +
            "fails its check") && dryRun.toString().contains("committed-position-after: 50 (the damaged mark set to the " +
            "last whole entry kept)"), dryRun.toString());
        // Applied, the mark is set; the damaged entry is still there, and now known committed: said, not dropped.
        final StringWriter out = new StringWriter();
        assertEquals(1, JournalTool.run(new PrintWriter(out), new PrintWriter(out), "repair", "-d", dir.toString(),
            "--apply"), out.toString());
        assertTrue(out.toString().contains("problem: journal position 50: checksum mismatch") &&
            out.toString().contains("status: changed as listed, but the journal still has the problems above"),
            out.toString());

        final JournalException committed = assertThrows(JournalException.class,
            () -> ChronicleJournal.open(JournalTesting.context(dir)));
        assertTrue(committed.getMessage().contains("It was committed (the committed mark is 50), so clients may have " +
            "seen it: recovery does not drop it") && committed.getMessage().contains("--truncate-after 49 --force"),
            committed.getMessage());
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir).readOnly(true)))
        {
            assertEquals(id, journal.id(), "the identity kept: the journal's snapshots still load");
            assertEquals(50, journal.committedPosition());
        }
        assertEquals(1, JournalMetadata.read(dir).anchorPosition(), "the anchor kept, against a copied ringlog.meta");
        assertEquals(created, JournalMetadata.read(dir).created());
    }

    /**
     * A damaged mark and a newest file cut short: what the file held past the cut may have been committed. The -1 of
     * an unknown mark read as "nothing committed lies past it", and a repair set the mark to the cut without --force,
     * recording as never committed what clients may have seen (a reviewer's probe). Now the message says it cannot be
     * told, and setting the mark there needs --force.
     */
    @Test
    void shouldNotCallWhatACutDroppedUncommittedWhenTheCommittedMarkIsDamaged() throws Exception
    {
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            appendRange(journal, 1, 300, 10);
        }
        final Path file = JournalTesting.cycleFiles(dir).get(0);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.setLength(JournalTesting.entryOffset(file, 150) + 20);
        }
        JournalTesting.flip(dir.resolve(JournalMetadata.FILE_NAME), JournalMetadata.COMMITTED_OFFSET, 0x10);

        final JournalException refused = assertThrows(JournalException.class,
            () -> ChronicleJournal.open(JournalTesting.context(dir)));
        assertTrue(refused.getMessage().contains("is cut short") && refused.getMessage().contains("Whether a commit " +
            "covered any entry after position 150 cannot be told: " + dir.resolve(JournalMetadata.FILE_NAME) + " is " +
            "damaged (its committed mark fails its check") && !refused.getMessage().contains("Nothing committed"),
            refused.getMessage());
        // Asked to mend it alone, forced or not, or to rebuild the file, repair says it sets the mark only with a cut,
        // and changes nothing: a rebuild would keep the whole entries and drop the rest on the word of no mark.
        for (final String[] asked : new String[][] {{"--force"}, {"--rebuild", "--force"}})
        {
            final StringWriter alone = new StringWriter();
            final String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of("repair", "-d",
                dir.toString(), "--apply"), java.util.Arrays.stream(asked)).toArray(String[]::new);
            assertEquals(1, JournalTool.run(new PrintWriter(alone), new PrintWriter(alone), args), alone.toString());
            assertTrue(alone.toString().contains("refused: ringlog.meta's committed mark is damaged, and " + file +
                " is damaged after position 150: whether a commit covered what it held past there cannot be told") &&
                alone.toString().contains("only with a cut: '--truncate-after 150 --force'") &&
                !alone.toString().contains("committed-position-after"), alone.toString());
        }
        final StringWriter cut = new StringWriter();
        assertEquals(1, JournalTool.run(new PrintWriter(cut), new PrintWriter(cut), "repair", "-d", dir.toString(),
            "--truncate-after", "150"), cut.toString());
        assertTrue(cut.toString().contains("refused: ringlog.meta's committed mark is damaged, so whether a commit " +
            "covered the entries after 150, where " + file.getFileName() + " is damaged, cannot be told") &&
            cut.toString().contains("--force drops them and sets the mark to 150"), cut.toString());
        assertTrue(JournalMetadata.read(dir).markProblem() != null, "the mark left as found");
        final StringWriter forced = new StringWriter();
        assertEquals(0, JournalTool.run(new PrintWriter(forced), new PrintWriter(forced), "repair", "-d", dir.toString(),
            "--truncate-after", "150", "--force", "--apply"), forced.toString());
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            assertEquals(150, journal.lastPosition());
            assertEquals(150, journal.committedPosition());
        }
    }

    /**
     * The same, where the file cut short is not the newest by name: a newer cycle file of zeros (a crash as Chronicle
     * began it) follows it and holds nothing. A reviewer's probe: repair looked only at the newest file, found it
     * whole, and set the mark at the cut with no --force.
     */
    @Test
    void shouldLookAtTheLastFileWithEntriesForDamageWhenTheCommittedMarkIsDamaged() throws Exception
    {
        final java.util.concurrent.atomic.AtomicLong millis = new java.util.concurrent.atomic.AtomicLong(1_700_000_000_000L);
        final ChronicleJournal.Context ctx = JournalTesting.context(dir).rollCycle(JournalRollCycle.SECONDLY)
            .epochMillisClock(millis::get);
        try (ChronicleJournal journal = ChronicleJournal.open(ctx))
        {
            appendRange(journal, 1, 100, 10);
            millis.addAndGet(1_000);
            appendRange(journal, 101, 200, 10);
        }
        final List<Path> files = JournalTesting.cycleFiles(dir);
        final long length = Files.size(files.get(1));
        Files.delete(files.get(1));
        try (RandomAccessFile raf = new RandomAccessFile(files.get(1).toFile(), "rw"))
        {
            raf.setLength(length);
        }
        try (RandomAccessFile raf = new RandomAccessFile(files.get(0).toFile(), "rw"))
        {
            raf.setLength(JournalTesting.entryOffset(files.get(0), 80) + 20);
        }
        JournalTesting.flip(dir.resolve(JournalMetadata.FILE_NAME), JournalMetadata.COMMITTED_OFFSET, 0x10);

        final StringWriter alone = new StringWriter();
        assertEquals(1, JournalTool.run(new PrintWriter(alone), new PrintWriter(alone), "repair", "-d", dir.toString(),
            "--force", "--apply"), alone.toString());
        assertTrue(alone.toString().contains("refused: ringlog.meta's committed mark is damaged, and " + files.get(0) +
            " is damaged after position 80") && !alone.toString().contains("committed-position-after"), alone.toString());
        final StringWriter cut = new StringWriter();
        assertEquals(0, JournalTool.run(new PrintWriter(cut), new PrintWriter(cut), "repair", "-d", dir.toString(),
            "--truncate-after", "80", "--force", "--apply"), cut.toString());
        try (ChronicleJournal journal = ChronicleJournal.open(ctx))
        {
            assertEquals(80, journal.lastPosition());
            assertEquals(80, journal.committedPosition());
        }
    }

    /** The journal opens with no torn entry, holds positions 1..{@code last} as written, all committed. */
    /** Positions 1..50 committed ten at a time, then 51..53 appended and left to close; the journal's one cycle file. */
    private Path fiftyCommittedThenThreeNot() throws Exception
    {
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            appendRange(journal, 1, 50, 10);
            for (long position = 51; position <= 53; position++)
            {
                journal.append(command(position, 1, 1, position * 3));
            }
        }
        return JournalTesting.cycleFiles(dir).get(0);
    }

    private static void assertHoldsWholeAndCommitted(final Path dir, final long last)
    {
        assertHoldsWholeAndCommitted(dir, last, JournalTesting.context(dir));
    }

    private static void assertHoldsWholeAndCommitted(final Path dir, final long last, final ChronicleJournal.Context ctx)
    {
        try (ChronicleJournal journal = ChronicleJournal.open(ctx.readOnly(true).tornEntryListener(null)))
        {
            assertNull(journal.tornEntry());
            assertEquals(last, journal.lastPosition());
            assertEquals(last, journal.committedPosition());
            final Command into = new Command(JournalTesting.MAX_PAYLOAD);
            try (JournalReader reader = journal.reader(1))
            {
                for (long position = 1; position <= last; position++)
                {
                    assertTrue(reader.next(into));
                    assertEquals(command(position, 1, 1, position * 3).toString(), into.toString());
                }
            }
        }
    }

    private static void zeroFrom(final Path file, final long offset, final int length) throws Exception
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(offset);
            raf.write(new byte[length]);
        }
    }
}
