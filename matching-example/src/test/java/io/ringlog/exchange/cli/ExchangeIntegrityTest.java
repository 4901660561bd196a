package io.ringlog.exchange.cli;

import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.example.ledger.LedgerCodec;
import io.ringlog.example.ledger.LedgerStateMachine;
import io.ringlog.journal.ChronicleJournal;
import io.ringlog.journal.FileSnapshotStore;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The journal's integrity as a user of {@code scripts/exchange} meets it: settings that live in the
 * journal, an old journal and its old settings file, a second writer, a journal put back to an older
 * copy beside newer snapshots, a flipped byte. Each ends in a plain message and an exit code, never
 * a stack trace.
 */
class ExchangeIntegrityTest
{
    @TempDir
    Path dir;

    private Path commands;

    @BeforeEach
    void generate()
    {
        commands = dir.resolve("commands.txt");
        Cli.ok("generate", "--preset", "exchange-core", "--commands", "5_000", "--seed", "3", "-o", commands.toString());
    }

    @Test
    void shouldRefuseAnAssetCountOutOfBoundsBeforeWritingAnything() throws Exception
    {
        final Path journal = dir.resolve("journal");
        final Cli.Result huge = Cli.inChildJvm(60, dir.resolve("huge.log"), "run", "-i", commands.toString(), "-d",
            journal.toString(), "--max-assets", "2000000000");
        assertEquals(2, huge.code(), huge.toString());
        assertEquals("error: --max-assets must be between 2 (a base and a quote) and 1024 (every account keeps a " +
            "balance of each): 2000000000\nTry 'exchange run --help' for more information.\n", huge.out());
        assertFalse(Files.exists(journal), "nothing was created, nothing saved");
        assertEquals(2, Cli.run("run", "-i", commands.toString(), "--in-memory", "--max-assets", "1").code());
    }

    @Test
    void shouldKeepTheSettingsInTheJournalAndRefuseOthers() throws Exception
    {
        final Path journal = dir.resolve("journal");
        final Cli.Result run = Cli.ok("run", "-i", commands.toString(), "-d", journal.toString(), "--max-assets", "8");
        assertFalse(Files.exists(journal.resolve("exchange.properties")), "nothing beside the journal");
        assertTrue(Cli.ok("journal", "dump", "-d", journal.toString(), "--to", "1").value("payload")
            .startsWith("configure settings-version=1 max-assets=8"));
        assertEquals(run.value("state-hash"), Cli.ok("replay", "-d", journal.toString(), "--no-snapshot")
            .value("state-hash"), "a replay builds the exchange the journal says");
        final Cli.Result other = Cli.run("run", "-i", commands.toString(), "-d", journal.toString(), "--max-assets",
            "16", "--append");
        assertEquals(1, other.code());
        assertTrue(other.err().contains("was written with max-assets 8, which it keeps: --max-assets 16 cannot be " +
            "used on it"), other.toString());
        final Cli.Result again = Cli.ok("run", "-i", commands.toString(), "-d", journal.toString(), "--append");
        assertEquals(run.number("last-position") + 1, again.number("first-position"));
    }

    @Test
    void shouldStillReplayAJournalWrittenBeforeSettingsLivedInIt() throws Exception
    {
        final Path old = TestJournals.restore("rlc1-exchange", dir.resolve("old"));
        final Path journal = old.resolve("journal");
        final Cli.Result replay = Cli.ok("replay", "-d", journal.toString());
        assertEquals("4e463946d627de51", replay.value("state-hash"), "the hash the old code's run printed");
        assertEquals(7, replay.number("last-position"));
        assertEquals(0, replay.number("snapshot-position"), "its format-1 snapshots name no journal");
        assertTrue(replay.err().contains("snapshot-skipped: 6 (snapshot at position 6 has no checksum of its entry " +
            "(written by an older ringlog)"), replay.toString());

        final Cli.Result more = Cli.ok("run", "-i", old.resolve("commands.txt").toString(), "-d", journal.toString(),
            "--append");
        assertEquals(8, more.number("first-position"), "an old journal continues without settings at position 1");
        assertEquals(more.value("state-hash"), Cli.ok("replay", "-d", journal.toString()).value("state-hash"));

        Files.delete(journal.resolve("exchange.properties"));
        final Cli.Result lost = Cli.run("replay", "-d", journal.toString());
        assertEquals(1, lost.code());
        assertTrue(lost.err().contains("was written before exchange settings were kept in the journal, and the " +
            "exchange.properties that held them beside it is missing: give --max-assets"), lost.toString());
        assertEquals(more.value("state-hash"), Cli.ok("replay", "-d", journal.toString(), "--max-assets", "8")
            .value("state-hash"));
        Files.write(journal.resolve("exchange.properties"), new byte[]{(byte)0xFF, (byte)0xFE, 'x', '=', '\\', 'u'});
        final Cli.Result garbage = Cli.run("replay", "-d", journal.toString());
        assertEquals(1, garbage.code());
        assertTrue(garbage.err().startsWith("error: " + journal.resolve("exchange.properties") +
            " is not a properties file: "), garbage.toString());
    }

    /**
     * The ledger's journal given to the exchange: said to be another application's, not taken for an exchange journal
     * older than its settings (whose advice, --max-assets, replayed it into an exchange that refused every command).
     */
    @Test
    void shouldRefuseAnotherApplicationsJournal() throws Exception
    {
        final Path ledger = dir.resolve("ledger");
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().directory(ledger)
            .maxPayloadLength(64));
            Engine engine = Engine.launch(new EngineContext().stateMachine(new LedgerStateMachine()).journal(journal)
                .maxPayloadLength(64)))
        {
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
            final int length = LedgerCodec.accountAmount(payload, 1, 100);
            engine.awaitApplied(engine.publish(LedgerCodec.DEPOSIT, 0, 0, 1, payload, 0, length), 10, TimeUnit.SECONDS);
        }
        for (final String[] command : List.of(new String[]{"replay", "-d", ledger.toString()},
            new String[]{"replay", "-d", ledger.toString(), "--max-assets", "64"},
            new String[]{"run", "-i", commands.toString(), "-d", ledger.toString(), "--append", "--max-assets", "64"},
            // Without --append it was told to add --append, and with it, that the journal is not an exchange's.
            new String[]{"run", "-i", commands.toString(), "-d", ledger.toString()}))
        {
            final Cli.Result refused = Cli.run(command);
            assertEquals(1, refused.code(), refused.toString());
            assertTrue(refused.err().startsWith("error: the journal in " + ledger + " is not an exchange's: its first " +
                "command (position 1) is of type 1, version 1, 16 bytes, which is neither the exchange's settings nor " +
                "any exchange command"), refused.toString());
            assertFalse(refused.err().contains("\tat "), refused.toString());
        }
    }

    /**
     * A reviewer's replay beside a run taking snapshots said "snapshot at position 140000 is past the journal's last
     * position 138782", which reads as entries lost: the snapshot was taken after the replay opened its view. The next
     * reviewer's journal had lost entries, and a writer ran beside it: a snapshot written before the replay began is
     * still the evidence of that. A file's time tells the two apart here (set by hand: the timing is the writer's).
     */
    @Test
    void shouldTellASnapshotTakenSinceAReplayBeganFromOneOfLostEntries() throws Exception
    {
        final Path journal = dir.resolve("journal");
        final Path events = dir.resolve("events.txt");
        final Process writer = startWriting(journal, events, dir.resolve("writer.log"));
        try
        {
            final io.ringlog.core.JournalId id;
            try (ChronicleJournal view = ChronicleJournal.open(new ChronicleJournal.Context().directory(journal)
                .maxPayloadLength(64).readOnly(true)))
            {
                id = view.id();
            }
            final Path snapshot;
            try (FileSnapshotStore store = FileSnapshotStore.open(journal.resolve("snapshots"), 3))
            {
                store.store(1_000_000, 1, id, io.ringlog.core.Snapshot.UNKNOWN, new UnsafeBuffer(new byte[8]), 0, 8);
                store.flush();
                snapshot = store.path(1_000_000);
            }
            // Written after the replay's view opened: the writer's own, taken since.
            Files.setLastModifiedTime(snapshot, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() +
                60_000));
            final Cli.Result since = Cli.run("replay", "-d", journal.toString());
            assertEquals(0, since.code(), since.toString());
            assertTrue(since.err().contains("snapshot-skipped: 1000000 (taken since this replay began: a writer (pid " +
                writer.pid() + ", since "), since.toString());
            assertTrue(Cli.run("journal", "verify", "-d", journal.toString()).out().contains("snapshot: 1000000 " +
                "taken-since"), "verify says so too");
            // Written a minute before: of a position journaled before the replay began, which its view would hold.
            Files.setLastModifiedTime(snapshot, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() -
                60_000));
            final Cli.Result lost = Cli.run("replay", "-d", journal.toString());
            assertEquals(1, lost.code(), lost.toString());
            // The writer runs beside it: a replay that meets its document half-written says so in a line before the
            // error (a fresh clone's), so the error is looked for as a line, not as the first.
            assertTrue(lost.err().contains("error: the journal in " + journal + " ends at position ") &&
                lost.err().contains("but a snapshot of it was taken at position 1000000: entries "), lost.toString());
            final Cli.Result verified = Cli.run("journal", "verify", "-d", journal.toString());
            assertEquals(1, verified.code(), verified.toString());
            assertTrue(verified.value("restart-recovers-from").startsWith("nothing: a writable start refuses, as the " +
                "snapshot at position 1000000 was taken of this journal"), verified.toString());
        }
        finally
        {
            writer.toHandle().destroyForcibly();
            assertTrue(writer.waitFor(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldRefuseASecondRunOnAJournalAnotherRunIsWriting() throws Exception
    {
        final Path journal = dir.resolve("journal");
        final Path events = dir.resolve("events.txt");
        // 20 s of commands: the second run and the checks below fit inside it however loaded the machine.
        final Process first = startWriting(journal, events, dir.resolve("first.log"));
        try
        {
            final Cli.Result second = Cli.run("run", "-i", commands.toString(), "-d", journal.toString());
            assertEquals(1, second.code(), second.toString());
            assertTrue(second.err().startsWith("error: journal " + journal + " is open for writing by another " +
                "process (pid " + first.pid() + ", since "), second.toString());
            assertTrue(first.isAlive(), "the first run goes on");
        }
        finally
        {
            first.toHandle().destroyForcibly();
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
        }
        final Cli.Result afterKill = Cli.run("journal", "verify", "-d", journal.toString());
        assertFalse(afterKill.out().contains("bad-position"), "the refused second run touched nothing; the killed " +
            "first one may have left a torn entry, nothing worse: " + afterKill);
        // Running the killed run's file again from its start would apply its first commands twice: refused, with
        // the line to resume from, which ends where one uninterrupted run does.
        final Cli.Result again = Cli.run("run", "-i", commands.toString(), "-d", journal.toString());
        assertEquals(1, again.code(), again.toString());
        final java.util.regex.Matcher resume = java.util.regex.Pattern.compile("Resume: run the same command with " +
            "--from-line (\\d+)").matcher(again.err());
        assertTrue(again.err().startsWith("error: " + journal + " already holds positions 2..") && resume.find(),
            again.toString());
        assertTrue(again.err().contains("Running it from line 1 would apply lines 1.." +
            (Long.parseLong(resume.group(1)) - 1) + " a second time"), again.toString());
        final Cli.Result resumed = Cli.ok("run", "-i", commands.toString(), "-d", journal.toString(), "--from-line",
            resume.group(1));
        assertEquals(Cli.ok("run", "-i", commands.toString(), "-d", dir.resolve("clean").toString()).value("state-hash"),
            resumed.value("state-hash"), "the resumed run ends where one uninterrupted run does");
        assertEquals("ok", Cli.ok("journal", "verify", "-d", journal.toString()).value("status"));
    }

    @Test
    void shouldRefuseToRunOnAnOlderCopyBesideNewerSnapshotsUntilRepaired() throws Exception
    {
        final Path journal = dir.resolve("journal");
        final Path firstHalf = part("first-half.txt", 0, 2_000);
        final Path secondHalf = part("second-half.txt", 2_000, Integer.MAX_VALUE);
        Cli.ok("run", "-i", firstHalf.toString(), "-d", journal.toString(), "--snapshot-every", "500");
        final Path backup = dir.resolve("backup");
        copyJournalFiles(journal, backup);
        final long newest = Cli.ok("run", "-i", secondHalf.toString(), "-d", journal.toString(), "--snapshot-every",
            "500", "--append").number("last-position") / 500 * 500;

        deleteJournalFiles(journal);
        copyJournalFiles(backup, journal);
        // A replay to the end refuses, as a restart does: it gave the state as of 2001 as the journal's, exit 0.
        final Cli.Result whole = Cli.run("replay", "-d", journal.toString());
        assertEquals(1, whole.code(), whole.toString());
        assertEquals("error: the journal in " + journal + " ends at position 2001, but a snapshot of it was taken at " +
            "position " + newest + ": entries 2002.." + newest + " were committed and are not in it (an older copy of " +
            "the journal put back, or a cycle file lost), so its end is not its state. The same command with --to 2001 " +
            "gives what it holds ('scripts/exchange replay -d " + journal + " --to 2001', and so book and balances); " +
            "restore the missing files for the rest", whole.err().strip());
        // The generic tool given the snapshots beside it refuses too (probe 32: it exited 0 with the older state).
        final String stateMachine = io.ringlog.exchange.ExchangeStateMachine.class.getName();
        final Path snapshots = journal.resolve("snapshots");
        final Cli.Result generic = journalTool("replay", "-d", journal.toString(), "--state-machine", stateMachine,
            "--snapshots", snapshots.toString());
        assertEquals(1, generic.code(), generic.toString());
        assertTrue(generic.err().contains("error: the journal in " + journal + " ends at position 2001, but a snapshot " +
            "of it in " + snapshots + " was taken at position " + newest + ": entries 2002.." + newest + " were " +
            "committed and are not in it") && generic.err().contains("With --to 2001 the replay gives what it holds"),
            generic.toString());
        // And verify says a restart recovers from nothing (it said position 1, a full replay).
        final Cli.Result verified = Cli.run("journal", "verify", "-d", journal.toString(), "--snapshots",
            snapshots.toString());
        assertEquals(1, verified.code(), verified.toString());
        assertEquals("nothing: a writable start refuses, as the snapshot at position " + newest + " was taken of this " +
            "journal (its identity) past its last position 2001 (entries 2002.." + newest + " are missing: see the " +
            "problems below)", verified.value("restart-recovers-from"), verified.toString());
        final Cli.Result genericTo = journalTool("replay", "-d", journal.toString(), "--state-machine",
            stateMachine, "--snapshots", snapshots.toString(), "--to", "2001").expectOk();
        // As told: read-only, it says which snapshots it passes over and why.
        final Cli.Result replayed = Cli.ok("replay", "-d", journal.toString(), "--to", "2001");
        assertEquals(replayed.value("state-hash"), genericTo.value("state-hash"));
        assertTrue(replayed.err().contains("snapshot-skipped") || replayed.value("snapshot-position").equals("0"),
            replayed.toString());
        assertEquals("0", replayed.value("snapshot-position"), "the 3 snapshots kept are all past the journal's end");
        final Cli.Result refused = Cli.inChildJvm(60, dir.resolve("refused.log"), "run", "-i", secondHalf.toString(),
            "-d", journal.toString(), "--append");
        assertEquals(1, refused.code(), refused.toString());
        assertTrue(refused.out().contains("error: journal position 2002: the journal ends at position 2001, but a " +
            "snapshot of this journal was taken at position " + newest + ": entries 2002.." + newest + " were committed"),
            refused.toString());
        assertFalse(refused.out().contains("Exception") || refused.out().contains("\tat "), refused.toString());

        final Cli.Result dry = Cli.ok("journal", "repair", "-d", journal.toString(), "--truncate-after", "2001",
            "--force");
        assertTrue(dry.out().contains("drop-snapshot: ") && dry.out().contains("status: dry run"), dry.toString());
        Cli.ok("journal", "repair", "-d", journal.toString(), "--truncate-after", "2001", "--force", "--apply");
        final Cli.Result continued = Cli.ok("run", "-i", secondHalf.toString(), "-d", journal.toString(), "--append");
        final Cli.Result clean = Cli.ok("run", "-i", commands.toString(), "-d", dir.resolve("clean").toString());
        assertEquals(clean.value("state-hash"), continued.value("state-hash"));
        assertEquals(clean.value("state-hash"), Cli.ok("replay", "-d", journal.toString()).value("state-hash"));
    }

    /**
     * A reviewer's finding: the same older copy put back, with every snapshot past its end damaged in its body (one
     * byte each). The tools skipped them as damaged, verify said to delete them ("nothing else depends on it"), and a
     * run gave the lost positions 2002.. to new commands. Their headers still name this journal and their positions.
     */
    @Test
    void shouldRefuseAnOlderCopyWhoseSnapshotsPastItsEndAreDamaged() throws Exception
    {
        final Path journal = dir.resolve("journal");
        Cli.ok("run", "-i", part("first-half.txt", 0, 2_000).toString(), "-d", journal.toString());
        final Path backup = dir.resolve("backup");
        copyJournalFiles(journal, backup);
        final Path secondHalf = part("second-half.txt", 2_000, Integer.MAX_VALUE);
        final long newest = Cli.ok("run", "-i", secondHalf.toString(), "-d", journal.toString(), "--snapshot-every",
            "500", "--append").number("last-position") / 500 * 500;
        deleteJournalFiles(journal);
        copyJournalFiles(backup, journal);
        final Path snapshots = journal.resolve("snapshots");
        try (java.util.stream.Stream<Path> files = Files.list(snapshots))
        {
            for (final Path file : files.toList())
            {
                final byte[] bytes = Files.readAllBytes(file);
                bytes[bytes.length - 3] ^= (byte)0xFF;
                Files.write(file, bytes);
            }
        }

        final Cli.Result whole = Cli.run("replay", "-d", journal.toString());
        assertEquals(1, whole.code(), whole.toString());
        assertTrue(whole.err().startsWith("error: the journal in " + journal + " ends at position 2001, but a snapshot " +
            "of it was taken at position " + newest + ": entries 2002.." + newest + " were committed and are not in it"),
            whole.toString());
        final Cli.Result verified = Cli.run("journal", "verify", "-d", journal.toString());
        assertEquals(1, verified.code(), verified.toString());
        assertTrue(verified.value("restart-recovers-from").startsWith("nothing: a writable start refuses, as the " +
            "snapshot at position " + newest + " was taken of this journal"), verified.toString());
        assertTrue(verified.out().contains("fails its checksum") && verified.out().contains("; but its header names " +
            "this journal and position " + newest + ", past the journal's last position 2001: entries 2002.." + newest +
            " were committed and are missing") && verified.out().contains("Keep it: it is the evidence of that") &&
            !verified.out().contains("nothing else depends on it"), verified.toString());
        final Cli.Result refused = Cli.inChildJvm(60, dir.resolve("refused.log"), "run", "-i", secondHalf.toString(),
            "-d", journal.toString(), "--append");
        assertEquals(1, refused.code(), refused.toString());
        assertTrue(refused.out().contains("error: journal position 2002: the journal ends at position 2001, but a " +
            "snapshot of this journal was taken at position " + newest + " (the snapshot is damaged, ") &&
            refused.out().contains("but its header names this journal and that position): entries 2002.." + newest +
            " were committed") && refused.out().contains("'scripts/journal repair -d JOURNAL_DIR --truncate-after " +
            "2001 --snapshots SNAPSHOT_DIR --force --apply'"), refused.toString());
        assertFalse(refused.out().contains("first-position"), "no position was given out: " + refused);
    }

    /**
     * A reviewer's finding: another journal's snapshot past this journal's end, copied into its snapshots. A start skips
     * it (it names the other journal), but verify said a writable start refuses, and pointed at a repair that drops.
     */
    @Test
    void shouldSayThatAnotherJournalsSnapshotPastTheEndIsAnothers() throws Exception
    {
        final Path other = dir.resolve("other");
        final long newest = Cli.ok("run", "-i", commands.toString(), "-d", other.toString(), "--snapshot-every", "500")
            .number("last-position") / 500 * 500;
        final Path journal = dir.resolve("journal");
        Cli.ok("run", "-i", part("first-half.txt", 0, 2_000).toString(), "-d", journal.toString());
        final Path snapshot;
        try (FileSnapshotStore store = FileSnapshotStore.open(new FileSnapshotStore.Context()
            .directory(other.resolve("snapshots")).readOnly(true)))
        {
            snapshot = store.path(newest);
        }
        Files.createDirectories(journal.resolve("snapshots"));
        Files.copy(snapshot, journal.resolve("snapshots").resolve(snapshot.getFileName()));

        final Cli.Result verified = Cli.run("journal", "verify", "-d", journal.toString());
        assertTrue(verified.out().contains("was taken on journal ") && verified.out().contains(", and is past its " +
            "last position 2001: another journal's snapshot, which says nothing of this one; recovery skips it") &&
            !verified.out().contains("a writable start refuses"), verified.toString());
        assertTrue(verified.value("restart-recovers-from").startsWith("position 1"), verified.toString());
        // As a start does: it goes on from the journal's end.
        assertEquals("2002", Cli.ok("run", "-i", part("second-half.txt", 2_000, 2_100).toString(), "-d",
            journal.toString(), "--append").value("first-position"));
    }

    @Test
    void shouldStopAReplayAtAFlippedByteAndSayWhere() throws Exception
    {
        final Path journal = dir.resolve("journal");
        final long end = Cli.ok("run", "-i", commands.toString(), "-d", journal.toString()).number("last-position");
        flipABitOfEntry(journal, 3_000);
        final Cli.Result replay = Cli.inChildJvm(60, dir.resolve("replay.log"), "replay", "-d", journal.toString());
        assertEquals(1, replay.code(), replay.toString());
        assertTrue(replay.out().contains("journal position 3000: checksum mismatch"), replay.toString());
        // The way out, as other refusals give it: the state before it, and the tool that names the file and the cut.
        final String verify = "A read through it stops here until the journal is repaired (a recovery from a later " +
            "snapshot does not read it): 'scripts/journal verify -d " + journal + "' names the damaged position and the " +
            "repair that keeps what can be kept";
        assertTrue(replay.out().contains(verify + ". 'scripts/exchange replay -d " + journal + " --to 2999' replays the " +
            "journal before it"), replay.toString());
        assertEquals(Cli.ok("replay", "-d", journal.toString(), "--to", "2999").value("last-position"), "2999");
        assertFalse(replay.out().contains("Exception") || replay.out().contains("\tat "), replay.toString());

        // Probe 32: a run on it (the engine's recovery, as an embedder's service starts) said only the checksum.
        final Cli.Result run = Cli.run("run", "-i", commands.toString(), "-d", journal.toString(), "--append");
        assertEquals(1, run.code(), run.toString());
        assertTrue(run.err().contains("journal position 3000: checksum mismatch") && run.err().contains(verify),
            run.toString());
        // Without --append the run first compares the journal with the file, and cannot: it refuses (a recovery that
        // went on past the damage would add the file a second time if a run of it is in there), naming the damage once.
        final Cli.Result compared = Cli.run("run", "-i", commands.toString(), "-d", journal.toString());
        assertEquals(1, compared.code(), compared.toString());
        assertEquals(1, compared.err().split("checksum mismatch", -1).length - 1, compared.toString());
        assertTrue(compared.err().startsWith("error: cannot tell whether " + journal + " already holds commands of " +
            commands + ": journal position 3000: checksum mismatch") && compared.err().contains("Running the file could " +
            "apply its commands a second time. If none of them is in the journal, add --append") &&
            compared.err().contains("if a run of it stopped part way, add --append with --from-line set to the line after " +
            "the last one it journaled (the journal ends at position " + end + ")") &&
            compared.err().contains("'scripts/journal verify -d " + journal + "' says what is damaged"), compared.toString());
        // And verify, which the hint names, says the cut itself, without pointing at itself.
        final Cli.Result verified = Cli.run("journal", "verify", "-d", journal.toString());
        assertEquals(1, verified.code(), verified.toString());
        assertTrue(verified.out().contains("problem: journal position 3000: checksum mismatch") &&
            verified.out().contains("'scripts/journal repair -d " + journal + " --truncate-after 2999' cuts the journal before it") &&
            !verified.out().contains("A read through it stops here"), verified.toString());
    }

    /**
     * The settings entry (position 1) damaged in a journal whose snapshots carry the settings: the exchange starts
     * from the newest snapshot, as verify says a restart does (every run, replay and book refused it, reading position 1
     * for settings the snapshot holds too); what does need position 1, a replay from the start, says so.
     */
    @Test
    void shouldStartFromASnapshotWhenTheSettingsEntryIsDamaged() throws Exception
    {
        final Path journal = dir.resolve("journal");
        final Path firstHalf = part("first-half.txt", 0, 2_000);
        final Path secondHalf = part("second-half.txt", 2_000, Integer.MAX_VALUE);
        // Not the default: an exchange built with the default settings instead of the snapshot's would hash otherwise.
        final Cli.Result first = Cli.ok("run", "-i", firstHalf.toString(), "-d", journal.toString(), "--snapshot-every",
            "500", "--max-assets", "8");
        final Path noSnapshots = dir.resolve("no-snapshots");
        copyJournalFiles(journal, noSnapshots);
        flipABitOfEntry(journal, 1);
        flipABitOfEntry(noSnapshots, 1);

        final Cli.Result verified = Cli.run("journal", "verify", "-d", journal.toString());
        assertEquals(1, verified.code(), verified.toString());
        assertTrue(verified.out().contains("problem: journal position 1: checksum mismatch") &&
            verified.out().contains("its recovery does not replay it, and the service starts"), verified.toString());

        // What verify promised: a replay from the newest snapshot, with the snapshot's settings, saying so.
        final String note = "note: position 1 (where the exchange keeps its settings) cannot be read (journal position " +
            "1: checksum mismatch: the entry's ";
        final Cli.Result replayed = Cli.ok("replay", "-d", journal.toString());
        assertEquals(first.value("state-hash"), replayed.value("state-hash"), replayed.toString());
        assertEquals(first.number("last-position") / 500 * 500, replayed.number("snapshot-position"), replayed.toString());
        assertTrue(replayed.err().startsWith(note) && replayed.err().contains("): the snapshot this recovery started " +
            "from holds them too"), replayed.toString());
        assertTrue(Cli.ok("book", "-d", journal.toString(), "--symbol", "1").err().startsWith(note));
        final Cli.Result otherSettings = Cli.run("replay", "-d", journal.toString(), "--max-assets", "7");
        assertEquals(1, otherSettings.code(), otherSettings.toString());
        assertTrue(otherSettings.err().contains("error: the journal in " + journal + " was written with max-assets 8, " +
            "which it keeps: --max-assets 7 cannot be used on it"), otherSettings.toString());

        // The same file run again is refused as an undamaged journal refuses it: its commands are in there.
        final Cli.Result again = Cli.run("run", "-i", firstHalf.toString(), "-d", journal.toString());
        assertEquals(1, again.code(), again.toString());
        assertTrue(again.err().startsWith("error: " + journal + " already holds positions 2..") &&
            again.err().contains("a second time"), again.toString());
        final Cli.Result continued = Cli.ok("run", "-i", secondHalf.toString(), "-d", journal.toString(), "--append");
        assertTrue(continued.err().contains(note), continued.toString());
        assertEquals(Cli.ok("run", "-i", commands.toString(), "-d", dir.resolve("clean").toString(), "--max-assets", "8")
            .value("state-hash"), continued.value("state-hash"), "the run went on from the snapshot as an undamaged " +
            "journal does");
        assertEquals(continued.value("state-hash"), Cli.ok("replay", "-d", journal.toString()).value("state-hash"));

        // What has to read position 1 stops there, in words, and promises nothing: a replay from the start, and any
        // start of a journal without snapshots.
        final Cli.Result whole = Cli.inChildJvm(60, dir.resolve("whole.log"), "replay", "-d", journal.toString(),
            "--no-snapshot");
        assertEquals(1, whole.code(), whole.toString());
        assertTrue(whole.out().startsWith("error: journal position 1: checksum mismatch"), whole.toString());
        assertFalse(whole.out().contains("Exception") || whole.out().contains("\tat "), whole.toString());
        for (final Cli.Result stopped : List.of(Cli.run("replay", "-d", noSnapshots.toString()),
            Cli.run("run", "-i", secondHalf.toString(), "-d", noSnapshots.toString(), "--append")))
        {
            assertEquals(1, stopped.code(), stopped.toString());
            assertTrue(stopped.err().contains("journal position 1: checksum mismatch") && !stopped.err().contains("note: " +
                "position 1"), stopped.toString());
        }
    }

    @Test
    void shouldReportBadBytesInACommandFileByLineAndApplyTheRest() throws Exception
    {
        final List<String> lines = Files.readAllLines(commands);
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        bytes.write(new byte[]{(byte)0xEF, (byte)0xBB, (byte)0xBF});
        for (int i = 0; i < lines.size(); i++)
        {
            if (i == 100)
            {
                bytes.write("deposit acct=1 asset=0 amount=".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                bytes.write(new byte[]{(byte)0xC3, '1', '\n'});
            }
            if (i == 200)
            {
                bytes.write("move oid=1 acct=1 price=\u0661\u0660\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            bytes.write((lines.get(i) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        final Path bad = dir.resolve("bad-bytes.txt");
        Files.write(bad, bytes.toByteArray());

        final Cli.Result run = Cli.inChildJvm(120, dir.resolve("bad.log"), "run", "-i", bad.toString(), "-d",
            dir.resolve("bad").toString());
        assertEquals(0, run.code(), run.toString());
        assertTrue(run.out().contains("line 101: not valid UTF-8 (byte 0xc3 where a character should be)\n") &&
            run.out().contains("line 202: price must be an integer in ASCII digits, got '\\u0661\\u0660'\n") &&
            run.out().contains("malformed: 2\n") && run.out().contains("commands: " + lines.size() + "\n"),
            run.toString());
        assertFalse(run.out().contains("\tat ") || run.out().contains("CharacterCodingException") ||
            run.out().contains("Input length"), run.toString());
        assertEquals(Cli.ok("run", "-i", commands.toString(), "-d", dir.resolve("clean").toString())
            .value("state-hash"), run.value("state-hash"), "every good line applied, in order");
    }

    /** Lines {@code from} (0-based) up to {@code to} of the generated command file, as a file of their own. */
    private Path part(final String name, final int from, final int to) throws IOException
    {
        final List<String> lines = Files.readAllLines(commands);
        final Path file = dir.resolve(name);
        Files.write(file, lines.subList(from, Math.min(to, lines.size())));
        return file;
    }

    /** Flips a bit of the entry at {@code position} of a one-file journal: inside its header, so its checksum fails. */
    private static void flipABitOfEntry(final Path journal, final int position) throws IOException
    {
        final Path file;
        try (Stream<Path> files = Files.list(journal))
        {
            file = files.filter((p) -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        final long at = offsetOfMagic(file, position - 1) + 20;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(at);
            final int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0x10);
        }
    }

    @Test
    void shouldReplayAJournalWhoseCommittedMarkIsDamagedAndSayWhatItCannotCheck() throws Exception
    {
        final Path journal = dir.resolve("journal");
        final String hash = Cli.ok("run", "-i", commands.toString(), "-d", journal.toString()).value("state-hash");
        // ringlog.meta keeps the committed mark in the 8 bytes from byte 40, the top one its CRC-8 (JournalMetadata).
        final Path meta = journal.resolve("ringlog.meta");
        try (RandomAccessFile raf = new RandomAccessFile(meta.toFile(), "rw"))
        {
            raf.seek(40);
            final int low = raf.read();
            raf.seek(40);
            raf.write(low ^ 0x10);
        }
        // The entries do not depend on the mark: the state is theirs. What the mark checks (committed entries lost past
        // the end) cannot be checked, which the replay says; before, it said nothing.
        final Cli.Result replayed = Cli.ok("replay", "-d", journal.toString());
        assertEquals(hash, replayed.value("state-hash"), replayed.toString());
        assertTrue(replayed.err().startsWith("note: " + meta + " is damaged: its committed mark fails its check") &&
            replayed.err().contains(". So whether committed entries are missing past position " +
            replayed.value("journal-last-position") + ", the journal's end, cannot be told: this is the state of the " +
            "entries it holds. 'scripts/journal verify -d " + journal + "' says more; 'scripts/journal repair -d " +
            journal + "' sets the mark"), replayed.toString());
        assertFalse(Cli.ok("replay", "-d", journal.toString(), "--to", "100").err().contains("note:"),
            "a replay short of the end does not reach what the mark would check");
        final Cli.Result refused = Cli.run("run", "-i", commands.toString(), "-d", journal.toString(), "--append");
        assertEquals(1, refused.code(), refused.toString());
        assertTrue(refused.err().contains(meta + " is damaged") && !refused.err().contains("\tat "), refused.toString());

        Cli.ok("journal", "repair", "-d", journal.toString(), "--apply");
        final Cli.Result repaired = Cli.ok("replay", "-d", journal.toString());
        assertEquals(hash, repaired.value("state-hash"), repaired.toString());
        assertFalse(repaired.err().contains("note:"), repaired.toString());
    }

    /**
     * A cycle file cut short (a truncate, a copy cut off): the journal cannot be opened. The run's refusal said "the
     * journal ends at position 0" (where it could not read it) for a journal that reads whole up to the cut; and where
     * the file held nothing whole, the run said the cut twice, once in a note that it could not compare the journal with
     * the file and once as the error.
     */
    @Test
    void shouldSayWhereACutJournalReadsWholeAndSayTheCutOnce() throws Exception
    {
        final Path journal = dir.resolve("journal");
        Cli.ok("run", "-i", commands.toString(), "-d", journal.toString());
        final Path file;
        try (Stream<Path> files = Files.list(journal))
        {
            file = files.filter((p) -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.setLength(offsetOfMagic(file, 2_999) + 10);
        }
        // A newcomer's probe: the refusal advised --append, which the run's own open then refused as well. It says that
        // the journal is repaired first; followed, the run after the repair names the line to go on from.
        final Cli.Result cut = Cli.run("run", "-i", commands.toString(), "-d", journal.toString());
        assertEquals(1, cut.code(), cut.toString());
        assertTrue(cut.err().startsWith("error: journal position 3000: cycle file " + file + " is cut short") &&
            cut.err().contains("after position 2999") && cut.err().contains("A run starts on this journal once it is " +
            "repaired: 'scripts/journal verify -d " + journal + "' says what is damaged and what a repair keeps") &&
            !cut.err().contains("--append") && !cut.err().contains("position 0"), cut.toString());
        Cli.ok("journal", "repair", "-d", journal.toString(), "--truncate-after", "2999", "--force", "--apply");
        final Cli.Result again = Cli.run("run", "-i", commands.toString(), "-d", journal.toString());
        assertEquals(1, again.code(), again.toString());
        assertTrue(again.err().contains("--from-line"), again.toString());

        final Path junk = dir.resolve("junk");
        Files.createDirectories(junk);
        Files.write(junk.resolve(file.getFileName()), new byte[] {1, 2, 3, 4, 5, 6});
        final Cli.Result nothingWhole = Cli.run("run", "-i", commands.toString(), "-d", junk.toString());
        assertEquals(1, nothingWhole.code(), nothingWhole.toString());
        assertEquals(1, nothingWhole.err().split("is cut short", -1).length - 1, nothingWhole.toString());
        assertTrue(nothingWhole.err().startsWith("error: cycle file " + junk.resolve(file.getFileName()) +
            " is cut short: it ends at byte 6") && !nothingWhole.err().contains("note: could not compare"),
            nothingWhole.toString());
        assertFalse(cut.err().contains("\tat ") || nothingWhole.err().contains("\tat "), nothingWhole.toString());
    }

    private static long offsetOfMagic(final Path file, final int nth) throws IOException
    {
        final byte[] bytes = Files.readAllBytes(file);
        int seen = 0;
        for (int i = 0; i + 4 <= bytes.length; i++)
        {
            // Entry format 3 keeps its magic at byte 4; format 2 (the engine's own commands) at byte 52.
            final boolean magic = bytes[i] == 'R' && bytes[i + 1] == 'L' && bytes[i + 2] == 'C';
            if (magic && (bytes[i + 3] == (byte)0xB3 || bytes[i + 3] == '2') && seen++ == nth)
            {
                return i - (bytes[i + 3] == '2' ? 52 : 4);
            }
        }
        throw new IllegalStateException("no entry " + nth);
    }

    /** The journal's own files, as a backup copies them (the snapshot directory inside stays). */
    private static void copyJournalFiles(final Path from, final Path to) throws IOException
    {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from))
        {
            for (final Path file : files.filter(Files::isRegularFile).toList())
            {
                if (!file.getFileName().toString().equals("ringlog.lock"))
                {
                    Files.copy(file, to.resolve(file.getFileName()));
                }
            }
        }
    }

    private static void deleteJournalFiles(final Path journal) throws IOException
    {
        try (Stream<Path> files = Files.list(journal))
        {
            for (final Path file : files.filter(Files::isRegularFile).toList())
            {
                Files.delete(file);
            }
        }
    }

    /** Starts a run of the commands at 250 a second (20 s of them) on {@code journal}, and waits until it writes events. */
    private Process startWriting(final Path journal, final Path events, final Path log) throws Exception
    {
        final Process writer = startRun(log, "run", "-i", commands.toString(), "-d", journal.toString(), "--events",
            events.toString(), "--rate", "250");
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(events) || Files.size(events) == 0)
        {
            if (!writer.isAlive() || System.nanoTime() > deadline)
            {
                writer.toHandle().destroyForcibly();
                fail("the run did not start writing: " + Files.readString(log));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return writer;
    }

    private static Process startRun(final Path log, final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        final String flags = System.getProperty("ringlog.jvm.flags");
        command.addAll(flags != null && !flags.isBlank() ? Arrays.asList(flags.trim().split("\\s+")) :
            ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter((a) -> a.startsWith("--add-") || a.startsWith("-Dchronicle")).toList());
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ExchangeCli.class.getName());
        command.addAll(Arrays.asList(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** {@code scripts/journal} (the generic journal tool), in this JVM. */
    private static Cli.Result journalTool(final String... args)
    {
        final java.io.StringWriter out = new java.io.StringWriter();
        final java.io.StringWriter err = new java.io.StringWriter();
        final int code = io.ringlog.journal.tool.JournalTool.run(new java.io.PrintWriter(out, true),
            new java.io.PrintWriter(err, true), args);
        return new Cli.Result(code, out.toString(), err.toString());
    }
}
