package io.ringlog.exchange.cli;

import io.ringlog.core.testing.SmallFileSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What {@code run} and {@code replay} tell a user whose disk fills under an output they asked for: the
 * summary still comes (the state hash, where the journal ends), the output is named incomplete and
 * how to write it again is said, nothing is lost, and no exception's class name or stack trace shows.
 * An events file on {@code /dev/full} is a real ENOSPC on every Linux machine; snapshots need a small
 * tmpfs, which only a machine that allows mounting has.
 */
class FullDiskCliTest
{
    private static final Pattern CLASS_NAME = Pattern.compile("\\b[\\w$.]+(Exception|Error)\\b");
    private static final Path FULL = Path.of("/dev/full");

    @TempDir
    Path dir;

    private Path commands;

    @BeforeEach
    void generate()
    {
        commands = dir.resolve("commands.txt");
        Cli.ok("generate", "--preset", "exchange-core", "--commands", "20_000", "--seed", "11", "-o", commands.toString());
    }

    @Test
    void shouldFinishARunWhoseEventsFileFillsAndSayHowToWriteItAgain()
    {
        assumeTrue(Files.isWritable(FULL), "no /dev/full on this machine");
        final Path journal = dir.resolve("j");
        final Cli.Result run = Cli.run("run", "-i", commands.toString(), "-d", journal.toString(), "--events",
            FULL.toString());

        assertEquals(1, run.code(), run.toString());
        assertNoClassName(run);
        // The run went on to its end: every command is in the journal and applied.
        assertEquals(0, run.number("malformed"));
        assertEquals(0, run.number("failed"));
        final long events = run.number("events");
        // Nothing written to /dev/full stays: the count says so, not how many lines were handed to the writer.
        // Each event counted once (a reviewer found one more missing than there were events), and the file said to
        // stop where the first batch's events were written out, not at the batch's last event.
        assertTrue(run.value("events-file").matches(".*incomplete: its first 0 lines are whole, then writing out the " +
            "events buffered since its last flush failed \\(the batch up to position \\d+\\): No space left on device; " +
            "the " + events + " events after those lines are not in it.*"), run.toString());
        assertTrue(run.err().contains("do not run the file again: `scripts/exchange replay -d " + journal +
            " --events FILE` writes every event of the journal"), run.toString());
        // One report of the full disk, not one per event.
        assertEquals(1, count(run.err(), "engine: listener 'events' failed"), run.toString());

        // What the error says to do works, and gives every event of the run.
        final Path again = dir.resolve("events.txt");
        final Cli.Result replay = Cli.ok("replay", "-d", journal.toString(), "--events", again.toString());
        assertEquals(run.value("state-hash"), replay.value("state-hash"));
        assertEquals(run.value("last-position"), replay.value("last-position"));
        assertEquals(again + " (" + events + " lines)", replay.value("events-file"));
    }

    @Test
    void shouldSayAReplaysEventsFileIsIncompleteAndLeaveTheJournalAlone()
    {
        assumeTrue(Files.isWritable(FULL), "no /dev/full on this machine");
        final Path journal = dir.resolve("j");
        final Cli.Result run = Cli.ok("run", "-i", commands.toString(), "-d", journal.toString());

        final Cli.Result replay = Cli.run("replay", "-d", journal.toString(), "--events", FULL.toString());
        assertEquals(1, replay.code(), replay.toString());
        assertNoClassName(replay);
        assertEquals(run.value("state-hash"), replay.value("state-hash"));
        assertTrue(replay.value("events-file").startsWith(FULL + " (incomplete: "), replay.toString());
        // No command failed: a full disk is not the exchange's (a reviewer's replay said failed: 1 here), and the
        // events not in the file are all of them, not "later" ones.
        assertFalse(replay.out().contains("failed:"), replay.toString());
        assertTrue(replay.value("events-file").contains("; the " + run.value("events") + " events after those lines " +
            "are not in it"), replay.toString());
        assertTrue(replay.err().contains("the journal is untouched: replay again with --events on a disk with room"),
            replay.toString());
        assertEquals(run.value("state-hash"), Cli.ok("replay", "-d", journal.toString()).value("state-hash"));
    }

    /**
     * A reviewer's finding: a replay whose events did not fit (a full disk) replaced the whole events file already at
     * that path with its own incomplete one, though the file appears only whole otherwise. The file there is left as
     * it was, the incomplete copy deleted, and both said.
     */
    @Test
    void shouldLeaveAnEventsFileThatWasThereWhenAReplaysDoNotFit() throws Exception
    {
        final Path small = dir.resolve("small");
        final StringBuilder why = new StringBuilder();
        final SmallFileSystem mounted = SmallFileSystem.mount(small, "1m", why);
        assumeTrue(mounted != null, "cannot mount a tmpfs for the events here: " + why);
        try (mounted)
        {
            final Path journal = dir.resolve("j");
            final Cli.Result run = Cli.ok("run", "-i", commands.toString(), "-d", journal.toString());
            final Path events = small.resolve("events.txt");
            final String earlier = "an earlier replay's events, whole\n";
            Files.writeString(events, earlier);

            final Cli.Result replay = Cli.run("replay", "-d", journal.toString(), "--events", events.toString());
            assertEquals(1, replay.code(), replay.toString());
            assertNoClassName(replay);
            assertEquals(run.value("state-hash"), replay.value("state-hash"));
            assertTrue(replay.value("events-file").startsWith(events + " (left as it was: this replay's events did not " +
                "fit, and its copy was deleted; it was incomplete: its first "), replay.toString());
            assertTrue(replay.err().contains("error: this replay's events did not fit beside " + events + ", which is " +
                "left as it was; the journal is untouched"), replay.toString());
            assertEquals(earlier, Files.readString(events));
            try (java.util.stream.Stream<Path> files = Files.list(small))
            {
                assertEquals(List.of(events), files.toList(), "no partial copy left");
            }
            // Through a symbolic link to it (a later reviewer's: written through the link, torn, the earlier gone).
            final Path link = Files.createSymbolicLink(small.resolve("link.txt"), events);
            final Cli.Result linked = Cli.run("replay", "-d", journal.toString(), "--events", link.toString());
            assertEquals(1, linked.code(), linked.toString());
            assertTrue(linked.value("events-file").startsWith(link + " (left as it was: "), linked.toString());
            assertEquals(earlier, Files.readString(events));
            assertTrue(Files.isSymbolicLink(link));
        }
    }

    /** A replay's events through a link to a file: the file replaced whole, the link kept. */
    @Test
    void shouldReplaceTheFileALinkNamesWholeAndKeepTheLink() throws Exception
    {
        final Path journal = dir.resolve("j");
        Cli.ok("run", "-i", commands.toString(), "-d", journal.toString());
        final Path events = dir.resolve("events.txt");
        Files.writeString(events, "earlier\n");
        final Path link = Files.createSymbolicLink(dir.resolve("link.txt"), events);
        final Cli.Result replay = Cli.ok("replay", "-d", journal.toString(), "--events", link.toString());
        assertTrue(Files.isSymbolicLink(link), "the link is kept");
        assertEquals(Long.parseLong(replay.value("events-file").replaceAll(".* \\((\\d+) lines\\)", "$1")),
            Files.readAllLines(events).size(), replay.toString());
    }

    @Test
    void shouldCountSnapshotsThatDidNotFitAndKeepTheCommands() throws Exception
    {
        final Path small = dir.resolve("small");
        final StringBuilder why = new StringBuilder();
        final SmallFileSystem mounted = SmallFileSystem.mount(small, "1m", why);
        assumeTrue(mounted != null, "cannot mount a tmpfs for the snapshots here: " + why);
        try (mounted)
        {
            final Path journal = dir.resolve("j");
            // An exchange snapshot of this workload is about 2 MB: none fits in 1 MB.
            final Cli.Result run = Cli.run("run", "-i", commands.toString(), "-d", journal.toString(), "--snapshots",
                small.resolve("s").toString(), "--snapshot-every", "5000");

            assertEquals(0, run.code(), run.toString());
            assertNoClassName(run);
            assertEquals(0, run.number("failed"), run.toString());
            assertEquals(0, run.number("snapshots-written"), run.toString());
            // Each one taken failed, or was dropped for a newer one while the disk refused the one before.
            assertTrue(run.number("snapshots-failed") >= 1, run.toString());
            assertEquals(run.number("last-position") / 5000, run.number("snapshots-failed") +
                run.number("snapshots-superseded"), run.toString());
            assertTrue(run.err().contains("could not be written (above); the journal has every command, so none is " +
                "lost"), run.toString());
            assertFalse(run.err().contains("engine: "), "the store's reports are not repeated by the engine\n" + run);

            final Cli.Result replay = Cli.ok("replay", "-d", journal.toString(), "--snapshots", small.resolve("s").toString());
            assertEquals(run.value("state-hash"), replay.value("state-hash"));
            assertEquals("0", replay.value("snapshot-position"));
        }
    }

    /**
     * A demo whose journal fits the disk only by its entries: the bad-input probe's demo of 5,000 commands on a
     * 2 MiB tmpfs passed the space check and halted a third of the way in, with advice to start again that a
     * demo cannot take. The journal's fixed room (kept ahead of the writer, Chronicle's index) is now counted.
     */
    @Test
    void shouldRefuseADemoWhoseJournalsFixedRoomDoesNotFit() throws Exception
    {
        final Path small = dir.resolve("small-demo");
        final StringBuilder why = new StringBuilder();
        final SmallFileSystem mounted = SmallFileSystem.mount(small, "2m", why);
        assumeTrue(mounted != null, "cannot mount a tmpfs here: " + why);
        final Cli.Result demo;
        try (mounted)
        {
            demo = Cli.run("demo", "-n", "5000", "--keep", small.resolve("d").toString());
            assertFalse(Files.exists(small.resolve("d")), "nothing was created");
        }
        assertEquals(1, demo.code(), demo.toString());
        assertTrue(demo.err().startsWith("error: the demo needs about ") && demo.err().contains(" of journal) and only ") &&
            demo.err().contains("ask for fewer --commands, or --keep a directory on a larger file system"), demo.toString());
        assertNoClassName(demo);
    }

    /**
     * {@code --journal-preallocate}: a run into a preallocated journal ends on the state of one whose journal grew as
     * it went; a preallocation the disk cannot hold refuses the start in one line and leaves the journal as it was,
     * and a smaller one goes on from where it ends.
     */
    @Test
    void shouldRefuseAPreallocationTheDiskCannotHoldAndKeepTheJournal() throws Exception
    {
        final Cli.Result grown = Cli.ok("run", "-i", commands.toString(), "-d", dir.resolve("grown").toString());
        final Path small = dir.resolve("small-preallocated");
        final StringBuilder why = new StringBuilder();
        final SmallFileSystem mounted = SmallFileSystem.mount(small, "8m", why);
        assumeTrue(mounted != null, "cannot mount a tmpfs for the journal here: " + why);
        try (mounted)
        {
            // A new journal refused: no journal, and no directory, is left where there was none.
            final Path fresh = small.resolve("fresh");
            final Cli.Result none = Cli.run("run", "-i", commands.toString(), "-d", fresh.toString(),
                "--journal-preallocate", "1g");
            assertEquals(1, none.code(), none.toString());
            assertTrue(none.err().contains("the journal is as it was"), none.toString());
            assertFalse(Files.exists(fresh), "the refused run left " + fresh);

            final Path journal = small.resolve("j");
            final long free = Files.getFileStore(small).getUsableSpace();
            final Cli.Result run = Cli.ok("run", "-i", commands.toString(), "-d", journal.toString(),
                "--journal-preallocate", "4m");
            assertEquals(grown.value("state-hash"), run.value("state-hash"));
            assertTrue(free - Files.getFileStore(small).getUsableSpace() >= 4 << 20, "the 4 MiB are allocated");

            final Cli.Result refused = Cli.run("run", "-i", commands.toString(), "-d", journal.toString(), "--append",
                "--journal-preallocate", "64m");
            assertEquals(1, refused.code(), refused.toString());
            assertTrue(refused.err().contains("error: no room for the journal: preallocating 67108864 bytes (64 MiB) " +
                "for " + journal) && refused.err().contains("No space left on device") &&
                refused.err().contains("Free space, or preallocate less; the journal is as it was"), refused.toString());
            assertNoClassName(refused);
            // Far more than the disk has free is refused before anything is written.
            final Cli.Result absurd = Cli.run("run", "-i", commands.toString(), "-d", journal.toString(), "--append",
                "--journal-preallocate", "1g");
            assertEquals(1, absurd.code(), absurd.toString());
            assertTrue(absurd.err().contains("error: no room for the journal: preallocating 1073741824 bytes (1024 MiB) " +
                "for " + journal) && absurd.err().contains(" needs that much free, and " + journal + " has "), absurd.toString());
            assertNoClassName(absurd);
            final Cli.Result replay = Cli.ok("replay", "-d", journal.toString());
            assertEquals(run.value("state-hash"), replay.value("state-hash"));
            assertEquals(run.value("last-position"), replay.value("last-position"));

            final Cli.Result again = Cli.ok("run", "-i", commands.toString(), "-d", journal.toString(), "--append",
                "--journal-preallocate", "1m");
            assertEquals(run.number("last-position") + 1, again.number("first-position"), again.toString());
            assertEquals(0, again.number("failed"), again.toString());
        }
    }

    /**
     * A disk too full for the journal's first cycle file: the run halts before its first command, and said "Commands
     * up to position 0 are journaled and applied" (a reviewer's finding). It says no command was applied, and the
     * journal it leaves verifies as empty.
     */
    @Test
    void shouldSayThatNoCommandWasAppliedWhenTheDiskIsFullBeforeTheFirst() throws Exception
    {
        final Path small = dir.resolve("small");
        final StringBuilder why = new StringBuilder();
        final SmallFileSystem mounted = SmallFileSystem.mount(small, "4m", why);
        assumeTrue(mounted != null, "cannot mount a tmpfs for the journal here: " + why);
        try (mounted)
        {
            mounted.ballast((4096 - 600) * 1024);
            final Cli.Result run = Cli.run("run", "-i", commands.toString(), "-d", small.resolve("j").toString(),
                "--events", dir.resolve("none.txt").toString());
            assertEquals(1, run.code(), run.toString());
            assertNoClassName(run);
            assertTrue(run.err().contains("No command was applied. Once the cause is mended, run the same command " +
                "again"), run.toString());
            assertFalse(run.err().contains("position 0"), run.toString());
        }
    }

    /**
     * The journal's disk fills mid-run (the probe's 20 MB tmpfs): the run halted with one error line and no
     * summary, and the events of ~5,500 applied commands never reached the events file. Now the summary is
     * printed with a {@code halted:} line, the events file holds the events of every command applied before
     * the halt, the error says what the journal holds past it and how to go on, and going on as it says ends
     * on the state of a run that never halted, every event in the two files or in the replay it names.
     */
    @Test
    void shouldSayWhatAHaltedRunAppliedAndShowedAndHowToGoOn() throws Exception
    {
        final Path small = dir.resolve("small");
        final StringBuilder why = new StringBuilder();
        // The journal of this workload takes about 3.5 MB: it fills 2 MB about half way.
        final SmallFileSystem mounted = SmallFileSystem.mount(small, "2m", why);
        assumeTrue(mounted != null, "cannot mount a tmpfs for the journal here: " + why);
        final Path events = dir.resolve("events.txt");
        final Path copy = dir.resolve("copy");
        final Cli.Result run;
        try (mounted)
        {
            run = Cli.run("run", "-i", commands.toString(), "-d", small.resolve("j").toString(), "--events",
                events.toString());
            // What the error says the journal holds is what a restart finds: a copy on a disk with room.
            copyDirectory(small.resolve("j"), copy);
            // Resumed as told before the disk has room (a reviewer's step): it halts at once, and its events file holds
            // none of the positions the error names (it said "their events are in F (0 lines)").
            final Matcher from = Pattern.compile("--from-line (\\d+)").matcher(Cli.run("run", "-i", commands.toString(),
                "-d", small.resolve("j").toString()).err());
            assertTrue(from.find());
            final Cli.Result again = Cli.run("run", "-i", commands.toString(), "-d", small.resolve("j").toString(),
                "--events", dir.resolve("again.txt").toString(), "--from-line", from.group(1));
            assertEquals(1, again.code(), again.toString());
            // Nor that the earlier runs' files hold them: the first run's shows fewer than the journal held at its halt,
            // which this run's start applied without showing them (a second reviewer's finding).
            assertTrue(again.err().contains("are journaled and applied, and this run applied none of its commands: it " +
                "applied positions up to " + again.number("last-position") + " from the journal as it started, which " +
                "shows no events, so their events are in the earlier runs' events files as far as those runs showed " +
                "them (a run that halted or was killed shows less than it journaled; 'scripts/exchange replay -d " +
                small.resolve("j") + " --events FILE' writes every event), and not in " + dir.resolve("again.txt") +
                " (0 lines)"), again.toString());
        }
        assertEquals(1, run.code(), run.toString());
        // The halt's reason on stderr once, in the error: not also as an 'engine:' line (a reviewer counted it three times).
        assertFalse(run.err().contains("engine: journal position"), run.toString());
        assertNoClassName(run);
        assertTrue(run.value("halted").startsWith("journal position ") && run.value("halted").contains("no room for the " +
            "journal"), run.toString());
        assertFalse(run.out().contains("state-hash:"), "the state at the halt is not the journal's\n" + run);
        final long applied = run.number("last-position");
        // The counts are of the commands applied (the probe's said 16,679 commands and 16,677 accepted of 7,276 applied).
        final long firstApplied = run.number("first-position");
        assertEquals(applied - firstApplied + 1, run.number("commands"), run.toString());
        assertEquals(run.number("commands"), run.number("accepted") + run.number("rejected"), run.toString());
        assertTrue(run.value("read-not-applied").matches("[1-9][0-9]* \\(read from the file before the halt, and not " +
            "applied: the counts here are of the commands applied\\)"), run.toString());
        final Matcher said = Pattern.compile("error: the exchange halted: .*\\. Commands up to position " + applied +
            " are journaled and applied, and their events are in " + Pattern.quote(events.toString()) + " \\((\\d+) " +
            "lines\\); the journal holds positions up to (\\d+), which a restart applies \\(their events, not shown, are " +
            "written by 'scripts/exchange replay -d .* --events FILE'\\)\\. Once the cause is mended, run the same " +
            "command again: it finds where the journal ends in .* and says the --from-line to go on from.*")
            .matcher(run.err().strip().lines().reduce((first, second) -> second).orElse(""));
        assertTrue(said.matches(), run.toString());
        final List<String> shown = Files.readAllLines(events);
        assertEquals(Long.parseLong(said.group(1)), shown.size());
        assertTrue(shown.get(shown.size() - 1).startsWith("pos=" + applied + " "), "the events of every applied command");
        final long journaled = Long.parseLong(said.group(2));
        assertTrue(journaled >= applied, run.toString());

        // Going on as told: the same command refused with the line to resume from, then run from it.
        final Cli.Result refused = Cli.run("run", "-i", commands.toString(), "-d", copy.toString(), "--events",
            dir.resolve("more.txt").toString());
        assertEquals(1, refused.code(), refused.toString());
        final Matcher resume = Pattern.compile("--from-line (\\d+)").matcher(refused.err());
        assertTrue(resume.find(), refused.toString());
        final Cli.Result rest = Cli.ok("run", "-i", commands.toString(), "-d", copy.toString(), "--events",
            dir.resolve("more.txt").toString(), "--from-line", resume.group(1));
        assertEquals(journaled + 1, rest.number("first-position"), rest.toString());
        final Cli.Result whole = Cli.ok("run", "-i", commands.toString(), "-d", dir.resolve("whole").toString());
        assertEquals(whole.value("state-hash"), rest.value("state-hash"));
        // Every event: the halted run's file, then the replay's of the positions only the journal held, then the rest.
        final Path all = dir.resolve("all.txt");
        Cli.ok("replay", "-d", copy.toString(), "--events", all.toString());
        final List<String> every = Files.readAllLines(all);
        assertEquals(shown, every.subList(0, shown.size()));
        final List<String> more = Files.readAllLines(dir.resolve("more.txt"));
        assertEquals(more, every.subList(every.size() - more.size(), every.size()));
        assertTrue(every.get(shown.size()).startsWith("pos=" + (applied + 1) + " "), every.get(shown.size()));
        assertTrue(more.get(0).startsWith("pos=" + (journaled + 1) + " "), more.get(0));
    }

    /**
     * The same halt with the commands fed through a named pipe: the error said to run the same command again, which is
     * refused (a pipe's lines cannot be compared with the journal), and named no line (a reviewer's finding). It names
     * the line the journal holds up to and the {@code --append --from-line} to go on with, and going on so, the same
     * lines fed again, ends on the state of a run that never halted.
     */
    @Test
    void shouldNameTheLineToGoOnFromWhenARunFedByAPipeHalts() throws Exception
    {
        final Path small = dir.resolve("small");
        final StringBuilder why = new StringBuilder();
        final SmallFileSystem mounted = SmallFileSystem.mount(small, "2m", why);
        assumeTrue(mounted != null, "cannot mount a tmpfs for the journal here: " + why);
        final Path copy = dir.resolve("copy");
        final Cli.Result run;
        try (mounted)
        {
            final Path pipe = Cli.fifo(dir.resolve("first.pipe"));
            final Thread feeder = feed(commands, pipe);
            run = Cli.run("run", "-i", pipe.toString(), "-d", small.resolve("j").toString());
            feeder.join(TimeUnit.SECONDS.toMillis(30));
            copyDirectory(small.resolve("j"), copy);
        }
        assertEquals(1, run.code(), run.toString());
        assertNoClassName(run);
        assertFalse(run.err().contains("run the same command again"), run.toString());
        final Matcher said = Pattern.compile("is not a regular file, so a run cannot find where the journal ends in its " +
            "lines: the journal holds its lines up to (\\d+)\\. Once the cause is mended, feed the same lines again and " +
            "add --append --from-line (\\d+) \\(from the first line, its commands would be applied a second time\\)")
            .matcher(run.err());
        assertTrue(said.find(), run.toString());
        assertEquals(Long.parseLong(said.group(1)) + 1, Long.parseLong(said.group(2)));

        final Path again = Cli.fifo(dir.resolve("again.pipe"));
        final Thread feeder = feed(commands, again);
        final Cli.Result rest = Cli.ok("run", "-i", again.toString(), "-d", copy.toString(), "--append", "--from-line",
            said.group(2));
        feeder.join(TimeUnit.SECONDS.toMillis(30));
        final Cli.Result whole = Cli.ok("run", "-i", commands.toString(), "-d", dir.resolve("whole").toString());
        assertEquals(whole.value("state-hash"), rest.value("state-hash"), rest.toString());
        assertEquals(whole.value("last-position"), rest.value("last-position"));
    }

    /**
     * A run that appended a file to a journal holding another's, halted: "run the same command again" applied the file
     * from its first line a second time, as --append skips the check that finds where the journal ends in it (a
     * reviewer's finding). It names the line the journal holds up to and the --from-line to go on with; going on so ends
     * on the state of the two files run whole.
     */
    @Test
    void shouldNameTheLineToGoOnFromWhenAnAppendingRunHalts() throws Exception
    {
        final Path first = dir.resolve("first.txt");
        Cli.ok("generate", "--preset", "exchange-core", "--commands", "2_000", "--seed", "5", "-o", first.toString());
        final Path small = dir.resolve("small");
        final StringBuilder why = new StringBuilder();
        final SmallFileSystem mounted = SmallFileSystem.mount(small, "2m", why);
        assumeTrue(mounted != null, "cannot mount a tmpfs for the journal here: " + why);
        final Path copy = dir.resolve("copy");
        final Cli.Result run;
        try (mounted)
        {
            Cli.ok("run", "-i", first.toString(), "-d", small.resolve("j").toString());
            run = Cli.run("run", "-i", commands.toString(), "-d", small.resolve("j").toString(), "--append");
            copyDirectory(small.resolve("j"), copy);
        }
        assertEquals(1, run.code(), run.toString());
        assertNoClassName(run);
        assertFalse(run.err().contains("run the same command again"), run.toString());
        final Matcher said = Pattern.compile("With --append a run does not look for where the journal ends in " +
            Pattern.quote(commands.toString()) + ": the journal holds its lines up to (\\d+)\\. Once the cause is " +
            "mended, run the same command with --from-line (\\d+) \\(as it stands, it would apply lines 1\\.\\.(\\d+) a " +
            "second time\\)").matcher(run.err());
        assertTrue(said.find(), run.toString());
        assertEquals(Long.parseLong(said.group(1)) + 1, Long.parseLong(said.group(2)));
        assertEquals(said.group(1), said.group(3));

        final Cli.Result rest = Cli.ok("run", "-i", commands.toString(), "-d", copy.toString(), "--append",
            "--from-line", said.group(2));
        Cli.ok("run", "-i", first.toString(), "-d", dir.resolve("whole").toString());
        final Cli.Result whole = Cli.ok("run", "-i", commands.toString(), "-d", dir.resolve("whole").toString(),
            "--append");
        assertEquals(whole.value("state-hash"), rest.value("state-hash"), rest.toString());
        assertEquals(whole.value("last-position"), rest.value("last-position"));
    }

    /** Copies {@code file} into {@code pipe} on a thread of its own; a reader that closes early ends it (EPIPE). */
    private static Thread feed(final Path file, final Path pipe)
    {
        final Thread feeder = new Thread(() ->
        {
            try (java.io.OutputStream out = Files.newOutputStream(pipe))
            {
                Files.copy(file, out);
            }
            catch (final java.io.IOException ex)
            {
                // The run stopped reading: what it read is what the test looks at.
            }
        }, "feeder");
        feeder.setDaemon(true);
        feeder.start();
        return feeder;
    }

    private static void copyDirectory(final Path from, final Path to) throws java.io.IOException
    {
        try (java.util.stream.Stream<Path> files = Files.walk(from))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                Files.copy(file, to.resolve(from.relativize(file).toString()));
            }
        }
    }

    private static int count(final String text, final String part)
    {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1))
        {
            count++;
        }
        return count;
    }

    private static void assertNoClassName(final Cli.Result result)
    {
        assertFalse(CLASS_NAME.matcher(result.out() + result.err()).find(), "an exception's class name\n" + result);
        assertFalse(result.err().contains("\tat "), "a stack trace\n" + result);
    }
}
