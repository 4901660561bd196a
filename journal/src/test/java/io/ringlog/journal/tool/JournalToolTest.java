package io.ringlog.journal.tool;

import io.ringlog.core.CommandCodec;
import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.JournalException;
import io.ringlog.core.Topology;
import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.journal.AppendingWriterMain;
import io.ringlog.journal.ChronicleJournal;
import io.ringlog.journal.FileSnapshotStore;
import io.ringlog.journal.JournalTesting;
import io.ringlog.journal.TornWriterMain;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.ringlog.core.testing.AccumulatorStateMachine.ADD;
import static io.ringlog.core.testing.AccumulatorStateMachine.REJECT;
import static io.ringlog.core.testing.AccumulatorStateMachine.longPayload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalToolTest
{
    private static final int COMMANDS = 300;

    @TempDir
    Path root;

    private Path journalDir;
    private Path snapshotDir;
    private long liveHash;

    @BeforeEach
    void writeJournal()
    {
        journalDir = root.resolve("journal");
        snapshotDir = root.resolve("snapshots");
        final Engine engine = launchAccumulator(journalDir, snapshotDir);
        for (int i = 1; i <= COMMANDS; i++)
        {
            engine.publish(i % 10 == 0 ? REJECT : ADD, 3, i, i, longPayload(i), 0, 8);
        }
        engine.close();
        liveHash = engine.stateHash();
    }

    /** 'dump | head' ends with head: it used to print the whole journal into the closed pipe (4 minutes for 1M entries). */
    @Test
    void shouldStopDumpingWhenItsOutputIsClosed()
    {
        final long[] written = {0};
        final java.io.OutputStream closedAfterAFewLines = new java.io.OutputStream()
        {
            @Override
            public void write(final int b) throws java.io.IOException
            {
                if (++written[0] > 2_000)
                {
                    throw new java.io.IOException("Broken pipe");
                }
            }
        };
        CountingDecoder.DECODED.set(0);
        final int code = JournalTool.run(new PrintWriter(closedAfterAFewLines), new PrintWriter(new StringWriter()), "dump",
            "-d", journalDir.toString(), "--decoder", CountingDecoder.class.getName());
        assertEquals(0, code, "as any tool ends whose reader went away");
        assertTrue(CountingDecoder.DECODED.get() < 50, "stopped within a check of the pipe closing, not after all " +
            COMMANDS + " entries: " + CountingDecoder.DECODED.get());
    }

    @Test
    void shouldDumpARangeWithHeadersAndDecodedOrHexPayloads()
    {
        final Result hex = run("dump", "-d", journalDir.toString(), "--from", "5", "--to", "7");
        assertEquals(0, hex.code, hex.err);
        assertEquals(List.of("position: 5", "position: 6", "position: 7"), hex.lines("position: "));
        assertTrue(hex.out.contains("source-sequence: 6"), hex.out);
        assertTrue(hex.out.contains("payload-hex: 0500000000000000"), hex.out);
        assertTrue(hex.out.contains("entries-printed: 3"), hex.out);

        final Result decoded = run("dump", "-d", journalDir.toString(), "--from", "9", "--to", "10",
            "--decoder", AddDecoder.class.getName());
        assertTrue(decoded.out.contains("payload: add 9"), decoded.out);
        assertTrue(decoded.out.contains("type: 2") && decoded.out.contains("payload-hex: 0a00000000000000"),
            "a type the decoder does not know stays hex: " + decoded.out);
    }

    /**
     * A newcomer looking for a damaged length word walked a cycle file by hand: the dump now says where each entry
     * lies, and the bytes there are that entry, in whichever document of the engine's batches holds it.
     */
    @Test
    void shouldSayWhereEachDumpedEntryIsStored() throws Exception
    {
        final Result dump = run("dump", "-d", journalDir.toString(), "--from", "1", "--to", String.valueOf(COMMANDS));
        assertEquals(0, dump.code, dump.err);
        final Path file = cycleFile();
        final byte[] bytes = Files.readAllBytes(file);
        final org.agrona.concurrent.UnsafeBuffer buffer = new org.agrona.concurrent.UnsafeBuffer(bytes);
        final java.util.regex.Matcher stored = java.util.regex.Pattern.compile("stored-at: (\\S+) byte (\\d+) \\((its " +
            "document's header at byte|in the document whose header is at byte) (\\d+)\\)\n").matcher(dump.out);
        long position = 0;
        int shared = 0;
        while (stored.find())
        {
            position++;
            assertEquals(file.getFileName().toString(), stored.group(1), dump.out);
            final int entry = Integer.parseInt(stored.group(2));
            final int header = Integer.parseInt(stored.group(4));
            assertEquals(position, io.ringlog.core.CommandCodec.position(buffer, entry), "the bytes at " + entry);
            // The document's length word covers the entry.
            final int length = buffer.getInt(header) & 0x3FFFFFFF;
            assertTrue(header + 4 <= entry && entry < header + 4 + length, "entry at " + entry + ", document at " + header);
            assertEquals(entry == header + 4, stored.group(3).startsWith("its"), stored.group());
            shared += entry == header + 4 ? 0 : 1;
        }
        assertEquals(COMMANDS, position, dump.out);
        assertTrue(shared > 0, "the engine's batches put several entries in a document");
    }

    /**
     * A newcomer's probe: with an entry's length damaged, a dump from a later position of the same Chronicle document
     * failed naming a position before the one asked for, with no word of why. It says why now.
     */
    @Test
    void shouldSayWhyADumpNamesADamagedPositionBeforeItsFrom() throws Exception
    {
        // Documents of several entries, made here: an engine's batches are as its threads' timing makes them, and on a
        // busy machine each of the 300 commands could be a document of its own (this test failed so once).
        deleteTree(journalDir);
        io.ringlog.journal.JournalTesting.newJournal(journalDir, COMMANDS, 50);
        final Result where = run("dump", "-d", journalDir.toString(), "--from", "1", "--to", String.valueOf(COMMANDS));
        final java.util.regex.Matcher stored = java.util.regex.Pattern.compile("position: (\\d+)\n(?:[^\n]+\n)*?" +
            "stored-at: \\S+ byte (\\d+) \\(in the document whose header is at byte (\\d+)\\)").matcher(where.out);
        // An entry inside a document, and a later one in the same document; where each entry between lies.
        final java.util.Map<Long, Long> offsets = new java.util.HashMap<>();
        long damaged = -1;
        long offset = -1;
        long later = -1;
        long document = -1;
        while (stored.find())
        {
            offsets.put(Long.parseLong(stored.group(1)), Long.parseLong(stored.group(2)));
            if (damaged < 0)
            {
                damaged = Long.parseLong(stored.group(1));
                offset = Long.parseLong(stored.group(2));
                document = Long.parseLong(stored.group(3));
            }
            else if (Long.parseLong(stored.group(3)) == document && Long.parseLong(stored.group(1)) > damaged + 2)
            {
                later = Long.parseLong(stored.group(1));
                break;
            }
        }
        assertTrue(later > 0, where.out);
        // The payload length, the entry's first bytes: where the next entry starts is lost with it, and the reader finds
        // the next whole entry by its magic and checksum, so the later one is read all the same.
        JournalTesting.flip(cycleFile(), offset + 1, 0x40);
        final Result found = run("dump", "-d", journalDir.toString(), "--from", String.valueOf(later), "--to",
            String.valueOf(later));
        assertEquals(0, found.code, found.out + found.err);
        assertTrue(found.out.startsWith("position: " + later + "\n"), found.out);
        // The entries after it up to the later one failing their checks too: no whole entry up to --from follows the
        // damaged header, and what stops the dump is that header, before --from.
        for (long position = damaged + 1; position <= later; position++)
        {
            JournalTesting.flipByte(cycleFile(), offsets.get(position) + 30);
        }
        final Result dump = run("dump", "-d", journalDir.toString(), "--from", String.valueOf(later), "--to",
            String.valueOf(later));
        assertEquals(1, dump.code, dump.out + dump.err);
        assertTrue(dump.err.contains("It lies before --from " + later + ", in the Chronicle document that holds position " +
            later + ", whose entries are read from the document's start"), dump.err);
        assertFalse(dump.err.contains("\tat "), dump.err);
    }

    /**
     * A decoder that throws on some entries: the dump names it and the position on each, prints that payload as
     * hex and goes on, then exits 1 saying how many (it said 'error: decoder bug' and stopped).
     */
    @Test
    void shouldNameADecoderThatThrowsAndThePositionAndGoOn()
    {
        final Result dump = run("dump", "-d", journalDir.toString(), "--from", "1", "--to", "25",
            "--decoder", BuggyDecoder.class.getName());
        assertEquals(1, dump.code, dump.out + dump.err);
        assertTrue(dump.out.contains("payload-decoder-failed: " + BuggyDecoder.class.getName() + " threw at position 10: " +
            "decoder bug\npayload-hex: 0a00000000000000\n") && dump.out.contains("entries-printed: 25\n"), dump.out);
        assertTrue(dump.err.contains("error: " + BuggyDecoder.class.getName() + " threw on 2 of the 25 entries printed"),
            dump.err);
    }

    /**
     * A journal whose oldest cycle was deleted (as deleteCyclesBefore does behind its snapshots): a replay
     * without snapshots is told to give them, and a dump of positions before the oldest says they are gone.
     */
    @Test
    void shouldSendAReplayOfATrimmedJournalToItsSnapshots() throws Exception
    {
        final Path trimmed = root.resolve("trimmed");
        final long[] millis = {1_700_000_000_000L};
        final ChronicleJournal.Context ctx = new ChronicleJournal.Context().directory(trimmed).maxPayloadLength(64)
            .rollCycle(io.ringlog.journal.JournalRollCycle.SECONDLY).epochMillisClock(() -> millis[0]);
        try (ChronicleJournal journal = ChronicleJournal.open(ctx))
        {
            for (long position = 1; position <= 200; position++)
            {
                journal.append(io.ringlog.journal.JournalTesting.command(position, 1, 1, position));
                if (position % 100 == 0)
                {
                    journal.commit();
                    millis[0] += 1_000;
                }
            }
        }
        java.nio.file.Files.delete(io.ringlog.journal.JournalTesting.cycleFiles(trimmed).get(0));
        final Result replay = run("replay", "-d", trimmed.toString(), "--state-machine",
            AccumulatorStateMachine.class.getName());
        assertEquals(1, replay.code, replay.out + replay.err);
        assertTrue(replay.err.startsWith("error: the journal's oldest entry is at position 101 (older cycles were " +
            "deleted), so a replay starts from a snapshot at position 101 or later: give --snapshots DIR"), replay.err);
        // Given snapshots, none at or after position 101: it said only "journal position 1: older than the oldest
        // entry kept" (a reviewer's, whose snapshot sat on the position before the oldest entry).
        final Path snapshots = java.nio.file.Files.createDirectories(root.resolve("trimmed-snapshots"));
        final Result none = run("replay", "-d", trimmed.toString(), "--state-machine",
            AccumulatorStateMachine.class.getName(), "--snapshots", snapshots.toString());
        assertEquals(1, none.code, none.out + none.err);
        assertTrue(none.err.startsWith("error: the journal's oldest entry is at position 101 (older cycles were " +
            "deleted), so a replay starts from a snapshot at position 101 or later, and " + snapshots + " holds none: " +
            "none is"), none.err);
        // Verify with no snapshots to check: a start with the default directory refuses, so it is a problem (a code
        // review found status ok).
        final Result unchecked = run("verify", "-d", trimmed.toString());
        assertEquals(1, unchecked.code, unchecked.out + unchecked.err);
        assertTrue(unchecked.out.contains("so a start needs a snapshot of it at that position or later, and none was " +
            "checked: give --snapshots DIR where they are"), unchecked.out);
        // --to 0, the state before the first command, is the empty state whatever the journal holds, as the exchange's
        // replay answers it (a reviewer found the two disagree).
        final Result before = run("replay", "-d", trimmed.toString(), "--state-machine",
            AccumulatorStateMachine.class.getName(), "--to", "0");
        assertEquals(0, before.code, before.out + before.err);
        final Result dump = run("dump", "-d", trimmed.toString(), "--from", "1", "--to", "3");
        assertEquals(0, dump.code, dump.out + dump.err);
        assertTrue(dump.out.contains("entries-printed: 0\n") && dump.err.startsWith("note: the journal's oldest entry " +
            "is at position 101, after --to 3 (older cycles were deleted"), dump.out + dump.err);
        assertFalse(dump.out.contains("note:"), "diagnostics on stderr, as replay's: " + dump.out);
        // With no usable snapshot, verify used to say a restart does a full replay, from a position the journal lost.
        Files.createDirectories(trimmed.resolve("snapshots"));
        final Result verify = run("verify", "-d", trimmed.toString());
        assertTrue(verify.out.contains("restart-recovers-from: nothing: no snapshot is usable, and a full replay needs " +
            "position 1, which this journal no longer holds (its oldest entry is position 101)"), verify.out);
    }

    @Test
    void shouldVerifyASoundJournal()
    {
        final Result result = run("verify", "--dir", journalDir.toString());
        assertEquals(0, result.code, result.out + result.err);
        assertTrue(result.out.contains("status: ok"), result.out);
        assertTrue(result.out.contains("entries-read: " + COMMANDS), result.out);
        assertTrue(result.out.contains("last-position: " + COMMANDS), result.out);
        // The README's embedding layout, as here, keeps snapshots beside the journal: verify points at them.
        assertTrue(result.out.contains("snapshots: none checked (no " + journalDir.resolve("snapshots") + "; " +
            snapshotDir + " exists: --snapshots " + snapshotDir + " checks it)"), result.out);
    }

    @Test
    void shouldSayItCheckedNoSnapshotWhenItFindsNone() throws Exception
    {
        Files.move(snapshotDir, snapshotDir.resolveSibling("elsewhere"));
        final Result result = run("verify", "--dir", journalDir.toString());
        assertEquals(0, result.code, result.out + result.err);
        assertTrue(result.out.contains("snapshots: none checked (no " + journalDir.resolve("snapshots") + "; --snapshots " +
            "DIR names where they are)"), "says it checked none, not nothing: " + result.out);
    }

    /** Without its ringlog.meta the engine refuses to write the journal: verify says so, not "ok". */
    @Test
    void shouldFailVerifyOnAJournalWhoseMetadataWasDeleted() throws Exception
    {
        Files.delete(journalDir.resolve("ringlog.meta"));
        final Result result = run("verify", "--dir", journalDir.toString());
        assertEquals(1, result.code, result.out);
        assertTrue(result.out.contains("committed-position: unknown (ringlog.meta is missing)"), result.out);
        assertTrue(result.out.contains("problem: " + journalDir.resolve("ringlog.meta") + " is missing, but the journal " +
            "was written by a ringlog that keeps it") && result.out.contains("'scripts/journal repair -d " + journalDir +
            " --new-identity'"), result.out);
        assertTrue(result.out.contains("entries-read: " + COMMANDS), "its entries are still all read: " + result.out);
        assertTrue(result.out.contains("status: problems"), result.out);
        // Its snapshots read fine, but no restart recovers from them while the identity they name is gone.
        final Result withSnapshots = run("verify", "--dir", journalDir.toString(), "--snapshots", snapshotDir.toString());
        assertTrue(withSnapshots.out.contains("restart-recovers-from: nothing: a writable start refuses while " +
            "ringlog.meta is missing"), withSnapshots.out);
        final JournalException refused = assertThrows(JournalException.class, () -> ChronicleJournal.open(
            new ChronicleJournal.Context().directory(journalDir).maxPayloadLength(64)));
        assertTrue(refused.getMessage().contains("ringlog.meta is missing"), "as a writer is refused: " +
            refused.getMessage());
    }

    /** A damaged ringlog.meta: repair, asked without an option, says so once (a newcomer read it three times). */
    @Test
    void shouldSayADamagedIdentityOnceWhenAskedToRepair() throws Exception
    {
        final Path meta = journalDir.resolve("ringlog.meta");
        final byte[] bytes = Files.readAllBytes(meta);
        bytes[10] ^= 0x40;   // inside the identity, which its CRC32C covers
        Files.write(meta, bytes);
        final Result repair = run("repair", "--dir", journalDir.toString());
        assertEquals(1, repair.code, repair.out + repair.err);
        final String damaged = meta + " is damaged: its identity fails its checksum";
        assertEquals(1, repair.out.split(java.util.regex.Pattern.quote(damaged), -1).length - 1, repair.out);
        assertTrue(repair.out.contains("journal-id: damaged (the note below says what is wrong and what mends it)\n") &&
            repair.out.contains("journal repair -d " + journalDir + " --new-identity'") && repair.out.contains("status: " +
            "problems that this repair does not mend without an option: each problem or note above says what does"),
            repair.out);
        assertFalse(repair.out.contains("problems below"), "no note of problems that are not listed: " + repair.out);
        // Asked to mend it, the note is there all the same (a reviewer found the line above pointing at none).
        final Result mend = run("repair", "--dir", journalDir.toString(), "--new-identity");
        assertEquals(0, mend.code, mend.out + mend.err);
        assertEquals(1, mend.out.split(java.util.regex.Pattern.quote(damaged), -1).length - 1, mend.out);
        assertTrue(mend.out.contains("\nnote: " + damaged) && mend.out.contains("\nnew-identity: "), mend.out);
    }

    @Test
    void shouldFailVerifyOnGarbageNamingThePosition() throws Exception
    {
        garbleMagic(cycleFile(), 149);
        final Result result = run("verify", "--dir", journalDir.toString());
        assertEquals(1, result.code, result.out);
        assertTrue(result.out.contains("bad-position: 150"), result.out);
        assertTrue(result.out.contains("problem: journal position 150: bad magic"), result.out);
        assertTrue(result.out.contains("; 'scripts/journal repair -d " + journalDir + " --truncate-after 149' cuts the journal " +
            "before it (run it without --apply first: it lists what it drops, and whether --force is needed)\n"), result.out);
        assertTrue(result.out.contains("status: problems"), result.out);

        // stats counts what it can read, says where it stopped and why, and exits 1 (it printed nothing on stdout).
        final Result stats = run("stats", "--dir", journalDir.toString());
        assertEquals(1, stats.code, stats.out + stats.err);
        assertTrue(stats.out.startsWith("entries: 149 (those before the damaged entry at position 150: the counts of " +
            "entries, their bytes, positions, timestamps and types stop there; the files', cycles' and documents' are of " +
            "the whole journal)\n") && stats.out.contains("last-position: 149\n") && stats.out.contains("bad-position: " +
            "150\nproblem: ") && stats.out.contains("'scripts/journal verify -d " + journalDir + "'"), stats.out);
    }

    /**
     * An empty cycle file older than the newest (made for a cycle, never written: a writer that died as it rolled) used
     * to be 'cut short', with the advice to empty the whole journal with --force; deleting it loses nothing.
     */
    @Test
    void shouldSayAnEmptyOlderCycleFileHoldsNothingAndCanBeDeleted() throws Exception
    {
        final Path dir = root.resolve("empty-older");
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            JournalTesting.appendRange(journal, 1, 30, 10);
        }
        final Path file = JournalTesting.cycleFiles(dir).get(0);
        final Path empty = Files.createFile(file.resolveSibling("2000" + file.getFileName().toString().substring(4)));
        final StringWriter out = new StringWriter();
        assertEquals(1, JournalTool.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "verify", "-d",
            dir.toString(), "--max-payload", "64"), out.toString());
        assertTrue(out.toString().contains("problem: cycle file " + empty + " is empty (0 bytes) and is not the newest. " +
            "Made for a cycle and never written (a writer stopped as it rolled), it holds nothing, and deleting it ('rm " +
            empty + "') loses nothing; but if it is a copy that failed, copy it again"), out.toString());
        assertFalse(out.toString().contains("--force"), out.toString());
        Files.delete(empty);
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            assertEquals(30, journal.lastPosition());
        }
    }

    /**
     * A file ending in .cq4 that is not named as Chronicle names a cycle file (a user's backup, any file) was walked as
     * a cycle file: verify failed on it with --force advice, and a repair would have deleted it. Chronicle's writer
     * cannot open the journal beside it either, so it is refused by name, with what to do, and a repair leaves it be.
     */
    @ParameterizedTest
    @ValueSource(strings = {"foo.cq4", "backup-20261204F.cq4", "20261204F-copy.cq4", "20261304F.cq4"})
    void shouldRefuseACq4FileNotNamedAsACycleFileAndLeaveItAlone(final String name) throws Exception
    {
        final Path dir = root.resolve("beside");
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            JournalTesting.appendRange(journal, 1, 30, 10);
        }
        final Path stray = Files.write(dir.resolve(name), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        final StringWriter out = new StringWriter();
        assertEquals(1, JournalTool.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "verify", "-d",
            dir.toString(), "--max-payload", "64"), out.toString());
        assertTrue(out.toString().contains("problem: " + stray + " is not a cycle file of the journal (its name is not " +
            "one Chronicle gives a cycle file), but Chronicle Queue reads every .cq4 file in " + dir + " as one and " +
            "cannot open the journal beside it. Move it out of the directory"), out.toString());
        assertFalse(out.toString().contains("--force"), out.toString());
        final StringWriter repair = new StringWriter();
        JournalTool.run(new PrintWriter(repair), new PrintWriter(new StringWriter()), "repair", "-d", dir.toString(),
            "--rebuild", "--apply");
        assertTrue(Files.exists(stray), "a repair leaves a file that is not the journal's alone");
        Files.move(stray, root.resolve(name));
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            assertEquals(30, journal.lastPosition());
        }
    }

    @Test
    void shouldFailVerifyOnATornTail() throws Exception
    {
        final Path tornDir = root.resolve("torn");
        final Process child = JournalTesting.startJvm(TornWriterMain.class, tornDir.toString(), "12");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)))
        {
            assertEquals("half-written", out.readLine());
        }
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));

        final Result result = run("verify", "--dir", tornDir.toString(), "--max-payload", "64");
        assertEquals(1, result.code, result.out);
        assertTrue(result.out.contains("entries-read: 12"), result.out);
        assertTrue(result.out.contains("torn-entry-after: 12"), result.out);
        assertTrue(result.out.contains("status: problems"), result.out);
    }

    @Test
    void shouldVerifyAndSummariseAJournalAnotherProcessIsWritingUpToWhereItWasWhenLooked() throws Exception
    {
        final Path live = root.resolve("live");
        final Process child = JournalTesting.startJvm(AppendingWriterMain.class, live.toString(), "10", "200");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter in = new PrintWriter(child.getOutputStream(), true, StandardCharsets.UTF_8))
        {
            assertEquals("writing", out.readLine());
            for (int i = 0; i < 4; i++)
            {
                final Result verify = run("verify", "--dir", live.toString(), "--max-payload", "64");
                assertEquals(0, verify.code, verify.out + verify.err);
                assertTrue(verify.out.contains("status: ok"), verify.out);
                assertTrue(verify.out.contains("being-written: yes, by pid " + child.pid() + ", since "), verify.out);
                // The mark read before the walk lags what the writer committed since: no note of a power cut.
                assertFalse(verify.out.contains("the mark lags its entries"), verify.out);
                final long last = Long.parseLong(verify.lines("last-position: ").get(0).substring("last-position: ".length()));
                assertTrue(verify.out.contains("entries-read: " + last + "\n"), "read up to the last position it found: " +
                    verify.out);
                final Result stats = run("stats", "--dir", live.toString(), "--max-payload", "64");
                assertEquals(0, stats.code, stats.out + stats.err);
            }
            // A snapshot its service took after this check read the journal: taken since, not missing entries.
            final io.ringlog.journal.FileSnapshotStore snapshots = io.ringlog.journal.FileSnapshotStore.open(
                live.resolve("snapshots"), 3);
            snapshots.store(1_000_000_000L, 7, new org.agrona.concurrent.UnsafeBuffer(new byte[8]), 0, 8);
            // Written while the check below reads the journal, as its file's time says (set once close has the store's
            // thread done): stored just before the check, it counted as taken since only within the check's 50 ms of
            // grace, which a loaded machine's in-process run outlasted.
            snapshots.close();
            Files.setLastModifiedTime(snapshots.path(1_000_000_000L), java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() + 60_000));
            final Result ahead = run("verify", "--dir", live.toString(), "--max-payload", "64");
            assertEquals(0, ahead.code, ahead.out + ahead.err);
            assertTrue(ahead.out.contains("snapshot: 1000000000 taken-since (past last-position ") &&
                ahead.out.contains("status: ok"), ahead.out);
            // Not "position 1 (no snapshot is usable: a full replay)", as it said (a reviewer's note).
            assertTrue(ahead.out.contains("restart-recovers-from: the snapshot at position 1000000000, the newest, taken " +
                "since this check read the journal (not checked here: verify again once the writer stops)\n"), ahead.out);
            // A writer at work excuses only an entry it is half-way through: a damaged whole entry is a problem.
            final Path liveCycle;
            try (Stream<Path> files = Files.list(live))
            {
                liveCycle = files.filter((p) -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
            }
            garbleMagic(liveCycle, 2);
            final Result damaged = run("verify", "--dir", live.toString(), "--max-payload", "64");
            assertEquals(1, damaged.code, damaged.out + damaged.err);
            assertTrue(damaged.out.contains("being-written: yes, by pid " + child.pid()), damaged.out);
            assertTrue(damaged.out.contains("bad-position: 3\n"), damaged.out);
            assertTrue(damaged.out.contains("problem: journal position 3: bad magic"), damaged.out);
            assertTrue(damaged.out.contains("status: problems"), damaged.out);
            in.println("stop");
            final String closed = out.readLine();
            assertTrue(closed != null && closed.startsWith("closed "), String.valueOf(closed));
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        finally
        {
            child.destroyForcibly();
        }
        final Result after = run("verify", "--dir", live.toString(), "--max-payload", "64");
        assertEquals(1, after.code, "still damaged: " + after.out);
        assertFalse(after.out.contains("being-written"), "its writer has stopped: " + after.out);
    }

    @Test
    void shouldSummariseWithStats()
    {
        final Result result = run("stats", "-d", journalDir.toString());
        assertEquals(0, result.code, result.err);
        assertTrue(result.out.contains("entries: " + COMMANDS + "\n"), result.out);
        // Entry format 3: the header, source id and sequence and correlation id as ints, the 8-byte payload.
        assertTrue(result.out.contains("entry-bytes: " + COMMANDS * (CommandCodec.COMPACT_HEADER_LENGTH + 12 + 8) + "\n"),
            result.out);
        assertTrue(result.out.contains("first-position: 1\n") && result.out.contains("last-position: 300\n"), result.out);
        assertTrue(result.out.contains("type-1: 270\n") && result.out.contains("type-2: 30\n"), result.out);
        assertTrue(result.out.contains("first-timestamp: "), result.out);
    }

    /**
     * A newcomer's: stats counted {@code type-1: 270}, {@code type--1: 1}, and said nothing of what they are. The engine's own
     * types are named by the tool, the application's by its decoder where it knows them.
     */
    @Test
    void shouldNameTheTypesItCountsThatTheEngineOrTheDecoderKnows()
    {
        final Engine engine = launchAccumulator(journalDir, snapshotDir);
        engine.requestSnapshot();
        engine.close();
        final Result plain = run("stats", "-d", journalDir.toString());
        assertEquals(0, plain.code, plain.err);
        assertTrue(plain.out.contains("type--1: 1 (the engine's: a snapshot taken after this position)\n") &&
            plain.out.contains("type-1: 270\n") && plain.out.contains("type-2: 30\n"), plain.out);
        final Result named = run("stats", "-d", journalDir.toString(), "--decoder", AddDecoder.class.getName());
        assertEquals(0, named.code, named.err);
        assertTrue(named.out.contains("type-1: 270 (add)\n") && named.out.contains("type-2: 30\n") &&
            named.out.contains("type--1: 1 (the engine's"), named.out);
    }

    /**
     * A newcomer's probe: a journal whose ringlog.meta was deleted, replayed to its end, printed a state hash and
     * nothing else, where a damaged committed mark gets a note that what is missing past the end cannot be told. A
     * missing file hides the same: it gets the same note (the replay still runs, and --to short of the end none).
     */
    @Test
    void shouldNoteThatAReplayCannotTellWhatIsMissingPastTheEndWithoutRingLogMeta() throws Exception
    {
        Files.delete(journalDir.resolve("ringlog.meta"));
        final String machine = AccumulatorStateMachine.class.getName();
        final Result end = run("replay", "-d", journalDir.toString(), "--state-machine", machine);
        assertEquals(0, end.code, end.err);
        assertEquals(List.of(String.format("state-hash: %016x", liveHash)), end.lines("state-hash: "));
        assertTrue(end.err.contains("note: " + journalDir.resolve("ringlog.meta") + " is missing (deleted, or not copied " +
            "with the journal), and with it the committed mark. So whether committed entries are missing past position " +
            "300, the journal's end, cannot be told"), end.err);
        final Result shorter = run("replay", "-d", journalDir.toString(), "--to", "150", "--state-machine", machine);
        assertEquals(0, shorter.code, shorter.err);
        assertFalse(shorter.err.contains("is missing"), shorter.err);
    }

    /**
     * A newcomer's probe: another journal's ringlog.meta copied beside these files. Verify said a restart recovers
     * from position 1 (a writable start refuses), and called the journal's own snapshots another journal's; replay
     * said only that it skipped them. Verify now says a restart recovers from nothing, and that each snapshot whose
     * entry matches is this journal's own (restoring its ringlog.meta keeps them); replays say the file is foreign.
     */
    @Test
    void shouldSayTheSnapshotsAreThisJournalsOwnWhereRingLogMetaIsAnothers() throws Exception
    {
        final Path other = root.resolve("other");
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(other)))
        {
            JournalTesting.appendRange(journal, 1, 10, 10);
        }
        final Path meta = journalDir.resolve("ringlog.meta");
        Files.copy(other.resolve("ringlog.meta"), meta, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        final Result verify = run("verify", "-d", journalDir.toString(), "--snapshots", snapshotDir.toString());
        assertEquals(1, verify.code, verify.out);
        assertTrue(verify.out.contains("restart-recovers-from: nothing: a writable start refuses while ringlog.meta is " +
            "another journal's") && verify.out.contains("problem: " + meta + " is not this journal's"), verify.out);
        assertTrue(verify.out.contains("and its entry at position 300 matches this journal's: it is this journal's own " +
            "snapshot") && verify.out.contains("Restoring this journal's own ringlog.meta makes it usable again"),
            verify.out);
        final Result replay = run("replay", "-d", journalDir.toString(), "--state-machine",
            AccumulatorStateMachine.class.getName(), "--snapshots", snapshotDir.toString());
        assertTrue(replay.err.contains("note: " + meta + " is not this journal's"), replay.err);
    }

    @Test
    void shouldTimeTravelToAPositionAndPrintTheStateHashThere()
    {
        final String machine = AccumulatorStateMachine.class.getName();
        final Result notOne = run("replay", "-d", journalDir.toString(), "--state-machine", String.class.getName());
        assertTrue(notOne.err.startsWith("error: class java.lang.String is not an io.ringlog.core.StateMachine"), notOne.err);
        final Result end = run("replay", "-d", journalDir.toString(), "--state-machine", machine);
        assertEquals(0, end.code, end.err);
        assertEquals(List.of(String.format("state-hash: %016x", liveHash)), end.lines("state-hash: "));
        assertTrue(end.out.contains("replayed: 300"), end.out);
        assertTrue(end.out.contains("commands-per-second: "), end.out);

        final Result middle = run("replay", "-d", journalDir.toString(), "--to", "150", "--state-machine", machine);
        final Result middleFromSnapshot = run("replay", "-d", journalDir.toString(), "--to", "150",
            "--state-machine", machine, "--snapshots", snapshotDir.toString());
        assertTrue(middle.out.contains("position: 150\n"), middle.out);
        assertTrue(middleFromSnapshot.out.contains("snapshot-position: 100\n") &&
            middleFromSnapshot.out.contains("replayed: 50\n"), middleFromSnapshot.out);
        // A snapshot past --to is past where the replay stops, not past the journal's end.
        assertTrue(middleFromSnapshot.err.contains("snapshot-skipped: 200 (snapshot at position 200 is past position " +
            "150, where this replay stops)"), middleFromSnapshot.err);
        assertEquals(middle.lines("state-hash: "), middleFromSnapshot.lines("state-hash: "));
        assertNotEquals(end.lines("state-hash: "), middle.lines("state-hash: "));
        final Result past = run("replay", "-d", journalDir.toString(), "--to", "301", "--state-machine", machine);
        assertEquals(end.lines("state-hash: "), past.lines("state-hash: "));
        assertTrue(past.err.contains("note: the journal ends at position 300, before --to 301"), past.err);
    }

    /**
     * Rejections by reason: the state machine's by its codes, the engine's by name. More than half rejected is
     * noted, without calling the state machine wrong outright: early in a ledger most commands can be rejected.
     */
    @Test
    void shouldCountRejectionsByReasonNamingTheEnginesOwnAndNoteWhenMostWereRejected()
    {
        final String machine = AccumulatorStateMachine.class.getName();
        final Result mostlyAccepted = run("replay", "-d", journalDir.toString(), "--state-machine", machine);
        assertTrue(mostlyAccepted.out.contains("rejected: 30\nrejected-by-reason: " + AccumulatorStateMachine.REASON_REJECTED +
            "=30\n"), mostlyAccepted.out);
        assertFalse(mostlyAccepted.err.contains("note: "), mostlyAccepted.err);

        final Path rejecting = root.resolve("rejecting");
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .journal(ChronicleJournal.open(new ChronicleJournal.Context().directory(rejecting).maxPayloadLength(64)))
            .maxPayloadLength(64)))
        {
            engine.publish(ADD, 5, 1, 0, longPayload(1), 0, 8);
            engine.publish(ADD, 5, 1, 0, longPayload(1), 0, 8);
            engine.publish(REJECT, 0, 0, 0, longPayload(1), 0, 8);
        }
        final Result mostlyRejected = run("replay", "-d", rejecting.toString(), "--state-machine", machine);
        assertEquals(0, mostlyRejected.code, mostlyRejected.err);
        assertTrue(mostlyRejected.out.contains("rejected: 2\nrejected-by-reason: DUPLICATE=1 " +
            AccumulatorStateMachine.REASON_REJECTED + "=1\n"), mostlyRejected.out);
        assertTrue(mostlyRejected.err.contains("note: " + machine + " rejected 2 of the 3 commands replayed, more than half. " +
            "That can be right") && mostlyRejected.err.contains("compare with what the live run rejected at positions 1..3"),
            mostlyRejected.err);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "dump", "verify", "stats", "replay", "repair"})
    void shouldPrintHelpForEveryCommand(final String subcommand)
    {
        final Result result = subcommand.isEmpty() ? run("--help") : run(subcommand, "--help");
        assertEquals(0, result.code, result.err);
        assertTrue(result.out.startsWith("Usage: journal"), result.out);
    }

    @Test
    void shouldFailOnAMissingDirectory()
    {
        final Result result = run("verify", "-d", root.resolve("nowhere").toString());
        assertEquals(1, result.code);
        assertTrue(result.err.contains("no journal directory"), result.err);
    }

    /**
     * A directory named as a cycle file (the next day's, say) read as nothing to verify, and the next run halted on
     * Chronicle's FileNotFoundException, after a WARN line of Chronicle's own.
     */
    @Test
    void shouldRefuseADirectoryNamedAsACycleFile() throws Exception
    {
        final Path dir = root.resolve("dir-named-as-cycle");
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            JournalTesting.appendRange(journal, 1, 10, 10);
        }
        final Path file = JournalTesting.cycleFiles(dir).get(0);
        final Path named = Files.createDirectory(file.resolveSibling("9999" + file.getFileName().toString().substring(4)));
        final Result result = run("verify", "-d", dir.toString());
        assertEquals(1, result.code, result.out + result.err);
        assertTrue((result.out + result.err).contains(named + " is a directory named as a cycle file of the journal: " +
            "the writer cannot make that cycle's file while it is there. Move it out of " + dir), result.out + result.err);
        final JournalException refused = assertThrows(JournalException.class,
            () -> ChronicleJournal.open(JournalTesting.context(dir)));
        assertTrue(refused.getMessage().startsWith(named + " is a directory named as a cycle file"), refused.getMessage());
    }

    /** -d naming a file (a cycle file, say) was 'no journal directory', as if nothing were there. */
    @Test
    void shouldSayADirectoryGivenAsAFileIsAFile() throws Exception
    {
        final Path file = Files.writeString(root.resolve("a-file"), "not a directory");
        for (final String subcommand : List.of("verify", "repair"))
        {
            final Result result = run(subcommand, "-d", file.toString());
            assertEquals(1, result.code, result.out + result.err);
            assertTrue(result.err.contains(file + " is a file, not a journal's directory: give the directory the " +
                "journal was written to"), result.err);
        }
    }

    /** A mistyped --snapshots would keep the real snapshots past the cut, which the next start refuses. */
    @Test
    void shouldRefuseARepairWhoseSnapshotDirectoryDoesNotExist() throws Exception
    {
        final Path typo = root.resolve("snapshotz");
        final Result result = run("repair", "-d", journalDir.toString(), "--truncate-after", "150", "--snapshots",
            typo.toString(), "--force", "--apply");
        assertEquals(2, result.code, result.out + result.err);
        assertTrue(result.err.startsWith("error: --snapshots " + typo + " is not a directory: give the directory the " +
            "journal's snapshots are in\n"), result.err);
        assertEquals("", result.out);
        assertEquals("ok", run("verify", "-d", journalDir.toString()).out.lines().filter((l) -> l.startsWith("status: "))
            .findFirst().orElseThrow().substring("status: ".length()), "nothing was cut");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-5", "16773121", "2147483600"})
    void shouldRefuseAMaxPayloadBelowOneByteOrAboveWhatAnEntryHoldsAsAUsageError(final String bytes)
    {
        // 2147483600 used to overflow the journal's buffer size, and verify blamed the journal's metadata file.
        final Result result = run("verify", "-d", root.resolve("nowhere").toString(), "--max-payload", bytes);
        assertEquals(2, result.code, result.out + result.err);
        assertTrue(result.err.startsWith("error: --max-payload must be at least 1 byte and at most 16773120 (what a " +
            "journal entry holds), not " + bytes + "\n"), result.err);
        assertFalse(result.err.contains("\tat "), result.err);
        assertEquals("", result.out);
    }

    @ParameterizedTest
    @ValueSource(strings = {"verify", "stats", "dump"})
    void shouldRefuseADirectoryThatHoldsNoJournalWithoutCallingItEmptyAndSound(final String subcommand) throws Exception
    {
        final Path empty = Files.createDirectories(root.resolve("empty"));
        for (final Path notAJournal : List.of(empty, root))
        {
            final Result result = run(subcommand, "-d", notAJournal.toString());
            assertEquals(1, result.code, result.out + result.err);
            // The directory above one (a demo's --keep directory, say): the message names the journal inside.
            assertEquals("error: no journal in " + notAJournal + " (no Chronicle Queue files and no ringlog.meta there): " +
                (notAJournal.equals(root) ? journalDir + " holds one: give that directory" :
                "give the directory the journal was written to") + "\n", result.err);
            assertFalse(result.out.contains("status: ok"), result.out);
        }
    }

    private Path cycleFile() throws Exception
    {
        try (Stream<Path> files = Files.list(journalDir))
        {
            return files.filter((p) -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
    }

    /** Overwrites the magic of the nth command in the file with junk. */
    private static void garbleMagic(final Path file, final int nth) throws Exception
    {
        io.ringlog.journal.JournalTesting.garbleMagicOfEntry(file, nth);
    }

    /**
     * Probe (embedder): a state machine that read the clock gave another state at every restart, from every
     * snapshot, and nothing said so. --check-snapshots replays to each snapshot from the one before and
     * compares the hash it recorded.
     */
    @Test
    void shouldCheckThatAReplayToEachSnapshotGivesTheStateItRecorded()
    {
        final String machine = AccumulatorStateMachine.class.getName();
        final Result deterministic = run("replay", "-d", journalDir.toString(), "--state-machine", machine,
            "--snapshots", snapshotDir.toString(), "--check-snapshots");
        assertEquals(0, deterministic.code, deterministic.out + deterministic.err);
        assertTrue(deterministic.out.contains("snapshot-check: 100 ok (replayed from position 1)\n") &&
            deterministic.out.contains("snapshot-check: 300 ok (replayed from the snapshot at position 200)\n") &&
            deterministic.out.contains("snapshots-checked: 3\nsnapshots-differing: 0\n"), deterministic.out);

        final Path clocked = root.resolve("clocked");
        final Path clockedSnapshots = root.resolve("clocked-snapshots");
        final Engine engine = Engine.launch(new EngineContext()
            .stateMachine(new ClockedStateMachine())
            .journal(ChronicleJournal.open(new ChronicleJournal.Context().directory(clocked).maxPayloadLength(64)))
            .snapshotStore(FileSnapshotStore.open(clockedSnapshots, 5))
            .snapshotEvery(100)
            .maxPayloadLength(64));
        for (int i = 1; i <= COMMANDS; i++)
        {
            engine.publish(ADD, 3, i, i, longPayload(i), 0, 8);
        }
        engine.close();
        final Result differs = run("replay", "-d", clocked.toString(), "--state-machine",
            ClockedStateMachine.class.getName(), "--snapshots", clockedSnapshots.toString(), "--check-snapshots");
        assertEquals(1, differs.code, differs.out + differs.err);
        assertTrue(differs.out.contains("snapshot-check: 100 differs: it recorded state hash ") &&
            differs.out.contains("snapshots-checked: 3\nsnapshots-differing: 3\n"), differs.out);
        assertTrue(differs.err.contains("error: 3 of the 3 snapshots checked differ from a replay of the journal to " +
            "their positions: " + ClockedStateMachine.class.getName() + " does not give the same state from the same " +
            "commands"), differs.err);
        final Result unasked = run("replay", "-d", clocked.toString(), "--state-machine",
            ClockedStateMachine.class.getName(), "--check-snapshots");
        assertEquals(2, unasked.code, unasked.out + unasked.err);
        assertTrue(unasked.err.contains("--check-snapshots compares a replay with the snapshots in --snapshots DIR"),
            unasked.err);
    }

    /**
     * A reviewer's finding: a state machine whose stateHash is not deterministic (or changed since its snapshots were
     * taken) made a restart throw an IllegalStateException naming no way out, and --check-snapshots stop at the first
     * snapshot it started from, with the later ones never checked. The restart's refusal names the way out; the check
     * goes on and says which snapshots it could not check, and why.
     */
    @Test
    void shouldSayWhereASnapshotDoesNotLoadToTheHashItRecordedAndCheckTheRest()
    {
        final Path salted = root.resolve("salted");
        final Path saltedSnapshots = root.resolve("salted-snapshots");
        final java.util.function.Supplier<EngineContext> context = () -> new EngineContext()
            .stateMachine(new SaltedHashStateMachine())
            .journal(ChronicleJournal.open(new ChronicleJournal.Context().directory(salted).maxPayloadLength(64)))
            .snapshotStore(FileSnapshotStore.open(saltedSnapshots, 5))
            .snapshotEvery(100)
            .maxPayloadLength(64);
        final Engine engine = Engine.launch(context.get());
        for (int i = 1; i <= COMMANDS; i++)
        {
            engine.publish(ADD, 3, i, i, longPayload(i), 0, 8);
        }
        engine.close();

        final EngineContext restart = context.get();
        final io.ringlog.core.SnapshotException refused = org.junit.jupiter.api.Assertions.assertThrows(
            io.ringlog.core.SnapshotException.class, () -> Engine.launch(restart));
        restart.journal().close();
        assertTrue(refused.getMessage().startsWith("the snapshot at position 300 passed its checks, but " +
            SaltedHashStateMachine.class.getName() + " loaded it to state hash ") && refused.getMessage().contains(
            "its writeSnapshot, loadSnapshot and stateHash disagree (did one of them change since, or is stateHash not " +
            "deterministic?). Move the snapshots away to recover from the journal alone"), refused.getMessage());

        final Result check = run("replay", "-d", salted.toString(), "--state-machine",
            SaltedHashStateMachine.class.getName(), "--snapshots", saltedSnapshots.toString(), "--check-snapshots");
        assertEquals(1, check.code, check.out + check.err);
        assertTrue(check.out.contains("snapshot-check: 100 differs: it recorded state hash "), check.out);
        assertTrue(check.out.contains("snapshot-check: 200 not checked: the replay to it from the snapshot at position " +
            "100 could not start (the snapshot at position 100 passed its checks, but ") &&
            check.out.contains("snapshot-check: 300 not checked: the replay to it from the snapshot at position 200 " +
            "could not start"), check.out);
        assertTrue(check.out.contains("snapshots-checked: 1\nsnapshots-differing: 1\nsnapshots-not-checked: 2\n"),
            check.out);
        assertTrue(check.err.contains("error: 1 of the 1 snapshots checked differ from a replay") && check.err.contains(
            "error: 2 snapshots could not be checked: the snapshot before each passed its checks but did not load " +
            "into " + SaltedHashStateMachine.class.getName() + ", or not to the state hash it recorded"), check.err);
        assertFalse(check.err.contains("\tat ") || check.out.contains("\tat "), check.out + check.err);
    }

    /**
     * A journal newcomer's finding: with an entry damaged between two snapshots, --check-snapshots stopped at it and
     * checked none of the snapshots after it. Each step starts from the snapshot before, so only the step over the
     * damage is lost: the later ones are checked, and the one it could not check is named, with the damage.
     */
    @Test
    void shouldCheckTheSnapshotsPastADamagedEntryFromTheSnapshotAfterIt() throws Exception
    {
        final Result where = run("dump", "-d", journalDir.toString(), "--from", "150", "--to", "150");
        final java.util.regex.Matcher stored = java.util.regex.Pattern.compile("stored-at: \\S+ byte (\\d+) ")
            .matcher(where.out);
        assertTrue(stored.find(), where.out);
        JournalTesting.flipByte(cycleFile(), Long.parseLong(stored.group(1)) + 30);   // its payload: its checksum fails

        final Result check = run("replay", "-d", journalDir.toString(), "--state-machine",
            AccumulatorStateMachine.class.getName(), "--snapshots", snapshotDir.toString(), "--check-snapshots");
        assertEquals(1, check.code, check.out + check.err);
        assertTrue(check.out.contains("snapshot-check: 100 ok (replayed from position 1)\n") &&
            check.out.contains("snapshot-check: 200 not checked: the replay to it from the snapshot at position 100 " +
                "stopped at damage (") &&
            check.out.contains("snapshot-check: 300 ok (replayed from the snapshot at position 200)\n") &&
            check.out.contains("snapshots-checked: 2\nsnapshots-differing: 0\nsnapshots-not-checked: 1\n"), check.out + check.err);
        assertTrue(check.err.contains("error: 1 snapshot could not be checked: the journal is damaged before it " +
            "('scripts/journal verify -d " + journalDir + "' names the damage and what mends it)"), check.err);
        assertFalse(check.err.contains("\tat ") || check.out.contains("\tat "), check.out + check.err);
    }

    /**
     * A reviewer's finding: an older copy of a journal, written on with other commands, checked against the original's
     * snapshots: the two taken past the copy's point were checked (from each other), said to differ, and the state
     * machine was said not to give the same state from the same commands. Recovery skips them, as taken on another
     * history: so does the check, saying why.
     */
    @Test
    void shouldSkipTheSnapshotsOfAnotherHistoryAsRecoveryDoes() throws Exception
    {
        final Path copy = root.resolve("copy");
        final Path copySnapshots = root.resolve("copy-snapshots");
        final Path original = root.resolve("original");
        final Path originalSnapshots = root.resolve("original-snapshots");
        try (Engine first = launchAccumulator(original, originalSnapshots))
        {
            publishRange(first, 1, 150, 1);
        }
        copyTree(original, copy);
        try (Engine more = launchAccumulator(original, originalSnapshots))
        {
            publishRange(more, 151, 300, 1);
        }
        try (Engine other = launchAccumulator(copy, copySnapshots))
        {
            publishRange(other, 151, 300, 7);
        }
        final Result check = run("replay", "-d", copy.toString(), "--state-machine",
            AccumulatorStateMachine.class.getName(), "--snapshots", originalSnapshots.toString(), "--check-snapshots");
        // Not checked, as the help says exits 1 (a newcomer's finding, below): not blamed on the state machine.
        assertEquals(1, check.code, check.out + check.err);
        assertTrue(check.out.contains("snapshot-check: 100 ok (replayed from position 1)\n") &&
            check.out.contains("snapshot-check: 200 skipped (it was taken on another history of this journal: its " +
                "entry at position 200 had checksum 0x") &&
            check.out.contains("snapshot-check: 300 skipped (it was taken on another history of this journal") &&
            check.out.contains("snapshots-checked: 1\nsnapshots-differing: 0\nsnapshots-skipped: 2\n"),
            check.out + check.err);
        assertFalse(check.err.contains("does not give the same state"), check.err);
        assertTrue(check.err.contains("error: 2 snapshots could not be checked: they cannot be read, or are not of this " +
            "journal's history (the skipped lines above say which)"), check.err);
        // Verify fails on them, and says the way on (a reviewer's verify failed for good on another journal's, saying
        // none, and repair said each problem said what mends it); followed, verify is clean.
        final Result verify = run("verify", "-d", copy.toString(), "--snapshots", originalSnapshots.toString());
        assertEquals(1, verify.code, verify.out + verify.err);
        for (final long position : new long[] {200, 300})
        {
            final Path snapshot = FileSnapshotStore.open(originalSnapshots, 3).path(position);
            assertTrue(verify.out.contains("was taken on another history of this journal") && verify.out.contains(
                "; recovery skips it. Nothing of this journal's depends on it: move it out of " + originalSnapshots +
                " (to the journal it was taken on, where that one is kept), or delete it ('rm " + snapshot + "')"),
                verify.out);
            Files.delete(snapshot);
        }
        final Result clean = run("verify", "-d", copy.toString(), "--snapshots", originalSnapshots.toString());
        assertEquals(0, clean.code, clean.out + clean.err);
    }

    /**
     * A newcomer's finding: a snapshot damaged on disk was skipped by --check-snapshots, which exited 0, though its help
     * says it exits 1 where a snapshot could not be checked. It does, naming verify.
     */
    @Test
    void shouldExitOneWhereASnapshotCouldNotBeRead() throws Exception
    {
        final Path damaged = snapshotDir.resolve("snapshot-00000000000000000300.rls");
        JournalTesting.flipByte(damaged, 40);
        final Result check = run("replay", "-d", journalDir.toString(), "--state-machine",
            AccumulatorStateMachine.class.getName(), "--snapshots", snapshotDir.toString(), "--check-snapshots");
        assertEquals(1, check.code, check.out + check.err);
        assertTrue(check.out.contains("snapshot-check: 300 skipped (") && check.out.contains("snapshots-checked: 2\n" +
            "snapshots-differing: 0\nsnapshots-skipped: 1\n"), check.out + check.err);
        assertTrue(check.err.contains("error: 1 snapshot could not be checked: it cannot be read, or is not of this " +
            "journal's history (the skipped lines above say which), and recovery skips it too ('scripts/journal verify " +
            "-d " + journalDir + " --snapshots " + snapshotDir + "' says what mends it)"), check.err);
        assertFalse(check.err.contains("\tat ") || check.out.contains("\tat "), check.out + check.err);
    }

    /**
     * A reviewer's finding: a snapshot the check could not read (another user's, without read access) was called
     * damaged, with advice to delete it. A snapshot that cannot be read is said to be unreadable, and why, not damaged.
     */
    @Test
    void shouldSayASnapshotItCannotReadIsUnreadableNotDamaged() throws Exception
    {
        final Path journal = root.resolve("node").resolve("journal");
        final Path snapshots = root.resolve("node").resolve("snapshots");
        try (Engine engine = launchAccumulator(journal, snapshots))
        {
            publishRange(engine, 1, 150, 1);
        }
        // A name the store lists whose bytes cannot be read: a directory.
        Files.createDirectory(snapshots.resolve("snapshot-00000000000000000120.rls"));

        final Result verify = run("verify", "-d", journal.toString(), "--snapshots", snapshots.toString());

        assertEquals(1, verify.code, verify.out + verify.err);
        assertTrue(verify.out.contains("snapshot at position 120") && verify.out.contains("cannot be read: cannot " +
            "read " + snapshots.resolve("snapshot-00000000000000000120.rls")) && verify.out.contains("Nothing says its " +
            "bytes are damaged: mend what stops the read, then check again"), verify.out);
        assertFalse(verify.out.contains("is damaged"), verify.out);
        assertFalse(verify.out.contains("rm " + snapshots), verify.out);

        // A pipe in a snapshot's place: said, not read (a reviewer's verify hung on one until killed).
        final Path pipe = snapshots.resolve("snapshot-00000000000000000130.rls");
        final Process mkfifo = new ProcessBuilder("mkfifo", pipe.toString()).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mkfifo.waitFor() == 0, "mkfifo is not here");
        final Result piped = run("verify", "-d", journal.toString(), "--snapshots", snapshots.toString());
        assertEquals(1, piped.code, piped.out + piped.err);
        assertTrue(piped.out.contains("snapshot at position 130") && piped.out.contains("it is not a regular file (a " +
            "pipe, a device or a socket)"), piped.out);
    }

    /**
     * A reviewer's finding: an older copy of a journal put back, replayed without --snapshots, gave the state at its end
     * with nothing said, though the snapshots beside it show it lost committed entries. A note says so.
     */
    @Test
    void shouldNoteSnapshotsBesideTheJournalPastItsEndWhenReplayedWithoutThem() throws Exception
    {
        final Path journal = root.resolve("node").resolve("journal");
        final Path snapshots = root.resolve("node").resolve("snapshots");
        final Path older = root.resolve("older");
        try (Engine first = launchAccumulator(journal, snapshots))
        {
            publishRange(first, 1, 150, 1);
        }
        copyTree(journal, older);
        try (Engine more = launchAccumulator(journal, snapshots))
        {
            publishRange(more, 151, 300, 1);
        }
        copyTree(older, root.resolve("put-back"));
        deleteTree(journal);
        Files.move(root.resolve("put-back"), journal);
        final Result replay = run("replay", "-d", journal.toString(), "--state-machine",
            AccumulatorStateMachine.class.getName());
        assertEquals(0, replay.code, replay.out + replay.err);
        assertTrue(replay.err.contains("note: " + snapshots + " holds a snapshot of this journal at position 300, past " +
            "its last position 150: entries 151..300 were committed and are not in it"), replay.out + replay.err);
    }

    private static void deleteTree(final Path path) throws java.io.IOException
    {
        try (java.util.stream.Stream<Path> all = Files.walk(path))
        {
            for (final Path each : (Iterable<Path>)all.sorted(java.util.Comparator.reverseOrder())::iterator)
            {
                Files.delete(each);
            }
        }
    }

    private static Engine launchAccumulator(final Path journal, final Path snapshots)
    {
        return Engine.launch(new EngineContext()
            .stateMachine(new AccumulatorStateMachine())
            .journal(ChronicleJournal.open(new ChronicleJournal.Context().directory(journal).maxPayloadLength(64)))
            .snapshotStore(FileSnapshotStore.open(snapshots, 5))
            .snapshotEvery(100)
            .maxPayloadLength(64)
            .ringSize(256)
            .topology(Topology.COMPACT));
    }

    private static void publishRange(final Engine engine, final int from, final int to, final int times)
    {
        for (int i = from; i <= to; i++)
        {
            engine.publish(ADD, 3, i, i, longPayload((long)i * times), 0, 8);
        }
    }

    private static void copyTree(final Path from, final Path to) throws java.io.IOException
    {
        try (Stream<Path> files = Files.walk(from))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                Files.copy(file, to.resolve(from.relativize(file).toString()));
            }
        }
    }

    static Result run(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = JournalTool.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    record Result(int code, String out, String err)
    {
        List<String> lines(final String prefix)
        {
            return out.lines().filter((line) -> line.startsWith(prefix)).toList();
        }
    }
}
