package io.ringlog.exchange.cli;

import io.ringlog.core.testing.Chattr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * What the command line refuses, as a newcomer met it: bad input is refused before anything is
 * created, in one line that says what is wrong in words (never an exception's class name), and a
 * demo leaves no directory behind, not even when it is stopped.
 */
class RefusedInputTest
{
    /** An exception's class name, as a user must never see it. */
    private static final Pattern CLASS_NAME = Pattern.compile("\\b[\\w$.]+(Exception|Error)\\b");

    @TempDir
    Path dir;

    @Test
    void shouldRefuseADemoOptionOutOfBoundsBeforeGeneratingAnything()
    {
        final Path kept = dir.resolve("kept");
        final Cli.Result one = Cli.run("demo", "--max-assets", "1", "--keep", kept.toString());
        assertEquals(2, one.code(), one.toString());
        assertEquals("error: --max-assets must be between 2 (a base and a quote) and 1024 (every account keeps a " +
            "balance of each): 1\nTry 'exchange demo --help' for more information.\n", one.err(),
            "refused before 'demo: generating'");
        assertEquals("", one.out());
        assertFalse(Files.exists(kept), "nothing was created");

        final Cli.Result fewer = Cli.run("demo", "--preset", "many-symbols", "--max-assets", "8", "--keep",
            kept.toString());
        assertEquals(2, fewer.code(), fewer.toString());
        assertEquals("error: --max-assets 8 is fewer than the 51 asset ids the many-symbols workload uses\nTry " +
            "'exchange demo --help' for more information.\n", fewer.err());
        assertFalse(Files.exists(kept), "nothing was created");
    }

    /** Two billion accounts: refused at once, where measuring the file it would make used to run for hours, silently. */
    @Test
    void shouldRefuseAnAccountCountNoWorkloadNeedsAtOnce()
    {
        final Path file = dir.resolve("accounts.txt");
        final Cli.Result refused = Cli.run("generate", "--commands", "10", "--accounts", "2000000000", "-o", file.toString());
        assertEquals(2, refused.code(), refused.toString());
        assertTrue(refused.err().startsWith("error: accounts must be between 2 and 10000000: 2000000000\n"), refused.toString());
        final Cli.Result symbols = Cli.run("generate", "--commands", "10", "--symbols", "5000", "-o", file.toString());
        assertEquals(2, symbols.code(), symbols.toString());
        assertTrue(symbols.err().startsWith("error: --symbols 5000 needs 5001 asset ids (a base for each symbol, and the " +
            "quote), more than the 1024 an exchange keeps: at most 1023\n"), symbols.toString());
        assertFalse(Files.exists(file), "nothing was created");
    }

    /** A link is written through, as before the partial-and-rename: never renamed over (/dev/stdout is one). */
    @Test
    void shouldWriteThroughALinkNotReplaceIt() throws IOException
    {
        final Path real = Files.writeString(dir.resolve("real.txt"), "");
        final Path link = Files.createSymbolicLink(dir.resolve("link.txt"), real);
        Cli.ok("generate", "--commands", "10", "-o", link.toString());
        assertTrue(Files.isSymbolicLink(link), "still a link");
        assertTrue(Files.readString(real).startsWith("instrument "), "the commands are in the file it points to");
        try (Stream<Path> files = Files.list(dir))
        {
            assertEquals(List.of(), files.filter((f) -> f.toString().endsWith(".partial")).toList(), "no partial file");
        }
    }

    @Test
    void shouldRefuseADemoWhoseFilesWouldNotFitOnTheDisk()
    {
        final Path kept = dir.resolve("kept");
        final Cli.Result huge = Cli.run("demo", "--commands", "99_999_999_999_999", "--keep", kept.toString());
        assertEquals(1, huge.code(), huge.toString());
        assertTrue(Pattern.matches("error: the demo needs about [0-9.]+ PiB in " + Pattern.quote(dir.toString()) +
            " \\([0-9.]+ PiB of commands and [0-9.]+ PiB of journal\\) and only [0-9.]+ [KMGT]iB is usable there: ask " +
            "for fewer --commands, or --keep a directory on a larger file system\n", huge.err()), huge.err());
        assertFalse(Files.exists(kept), "nothing was created, nothing generated");

        final Cli.Result inMemory = Cli.run("demo", "--commands", "99_999_999_999_999", "--in-memory", "--keep",
            kept.toString());
        assertEquals(1, inMemory.code(), inMemory.toString());
        assertTrue(inMemory.err().contains("PiB of commands) and only "), "no journal on disk: " + inMemory.err());
    }

    @Test
    void shouldEstimateTheCommandFileWithinAFewPercent() throws Exception
    {
        final Path file = dir.resolve("commands.txt");
        Cli.ok("generate", "--preset", "exchange-core", "--commands", "40_000", "--seed", "9", "-o", file.toString());
        final SpaceEstimate estimate = SpaceEstimate.of(Preset.EXCHANGE_CORE, 9, 40_000);
        final double ratio = estimate.commandFileBytes() / Files.size(file);
        assertTrue(ratio > 0.97 && ratio < 1.1, "estimated " + estimate.commandFileBytes() + " bytes, wrote " +
            Files.size(file));
        // Past the 2 MiB a journal takes whatever it holds (room kept ahead of the writer, Chronicle's index), each
        // command takes about what its entry does in a journal of the file: a little more (Chronicle's share), not less.
        final double perCommand = (estimate.journalBytes() - (2 << 20)) / 45_001;
        final Path journal = dir.resolve("journal");
        Cli.ok("run", "-i", file.toString(), "-d", journal.toString());
        final Cli.Result stats = Cli.ok("journal", "stats", "-d", journal.toString());
        final double perEntry = Double.parseDouble(stats.value("entry-bytes")) / Double.parseDouble(stats.value("entries"));
        assertTrue(perCommand >= perEntry && perCommand < perEntry + 16, "estimated " + perCommand + " bytes a command, " +
            "the journal's entries take " + perEntry + "\n" + stats);
    }

    @Test
    void shouldRefuseAKeepThatIsAFileInWords() throws IOException
    {
        final Path file = Files.writeString(dir.resolve("README.md"), "mine\n");
        final Cli.Result result = Cli.run("demo", "--keep", file.toString());
        // What is on disk, not the command line: exit 1, as a run's -d that is a file.
        assertEquals(1, result.code(), result.toString());
        assertTrue(result.err().startsWith("error: --keep " + file + ": a file of that name already exists; name a new " +
            "or empty directory\n"), result.err());
        assertNoClassName(result);
        assertEquals("mine\n", Files.readString(file));
    }

    @Test
    void shouldRefuseADirectoryAsTheCommandFileBeforeCreatingTheJournal() throws IOException
    {
        final Path input = Files.createDirectories(dir.resolve("run"));
        final Path journal = input.resolve("bj8");
        final Cli.Result result = Cli.run("run", "-i", input.toString(), "-d", journal.toString());
        assertEquals(1, result.code(), result.toString());
        assertEquals("error: cannot read command file " + input + ": it is a directory\n", result.err());
        assertFalse(Files.exists(journal), "no journal, no settings at position 1");

        final Cli.Result missing = Cli.run("run", "-i", dir.resolve("nope.txt").toString(), "-d", journal.toString());
        assertEquals("error: cannot read command file " + dir.resolve("nope.txt") + ": no such file or directory\n",
            missing.err());
        assertFalse(Files.exists(journal));
        final Cli.Result dash = Cli.run("run", "-i", "-", "-d", journal.toString());
        assertEquals("error: cannot read command file -: no such file or directory (for standard input, name /dev/stdin)\n",
            dash.err());
    }

    @Test
    void shouldSayInWordsWhyAJournalDirectoryCannotBeCreated() throws IOException
    {
        final Path file = Files.writeString(dir.resolve("plain.txt"), "");
        final Path journal = file.resolve("journal");
        final Cli.Result result = Cli.run("run", "-i", "/dev/null", "-d", journal.toString());
        assertEquals(1, result.code(), result.toString());
        assertTrue(result.err().startsWith("error: cannot create the journal directory " + journal + ": "), result.err());
        assertEquals(1, result.err().lines().count(), result.err());
        assertNoClassName(result);
    }

    @Test
    void shouldRefuseAnOutputWhoseDirectoryDoesNotExist()
    {
        final Path nowhere = dir.resolve("nonexistent");
        final Cli.Result generate = Cli.run("generate", "-n", "10", "-o", nowhere.resolve("x.txt").toString());
        assertEquals(1, generate.code(), generate.toString());
        assertEquals("error: cannot write command file " + nowhere.resolve("x.txt") + ": no such directory " + nowhere +
            " (create it first: mkdir -p " + nowhere + ")\n", generate.err());
        assertEquals("", generate.out());
        assertFalse(Files.exists(nowhere), "the directory is not created");

        final Cli.Result events = Cli.run("run", "-i", "/dev/null", "-d", dir.resolve("j").toString(), "--events",
            nowhere.resolve("e.txt").toString());
        assertEquals(1, events.code(), events.toString());
        assertEquals("error: cannot write events file " + nowhere.resolve("e.txt") + ": no such directory " + nowhere +
            " (create it first: mkdir -p " + nowhere + ")\n", events.err(), "run --events says it the same way");
        assertFalse(Files.exists(dir.resolve("j")));
    }

    /**
     * A reviewer's finding, as user nobody in a directory of mode 555: generate and replay said only "permission
     * denied" of a partial copy the user never named, and run of the events file, with no word of what to do. Here
     * the directory is made immutable, which root cannot write in either.
     */
    @Test
    void shouldRefuseAnOutputInADirectoryThisUserCannotWriteAndSayWhatToDo() throws Exception
    {
        if (Files.isWritable(Path.of("/dev/full")))
        {
            // It said only "error: No space left on device".
            final Cli.Result full = Cli.run("generate", "-n", "10", "-o", "/dev/full");
            assertEquals(1, full.code(), full.toString());
            assertEquals("error: cannot write command file /dev/full: No space left on device: write it where there " +
                "is room, or ask for fewer --commands\n", full.err());
        }
        final Path locked = Files.createDirectories(dir.resolve("locked"));
        final Path existing = Files.writeString(locked.resolve("existing.txt"), "");
        org.junit.jupiter.api.Assumptions.assumeTrue(Chattr.set("+i", locked), "chattr +i works here");
        try
        {
            final Cli.Result generate = Cli.run("generate", "-n", "10", "-o", locked.resolve("g.txt").toString());
            assertEquals(1, generate.code(), generate.toString());
            assertEquals("error: cannot write command file " + locked.resolve("g.txt") + ": this user cannot write in " +
                locked + " (no permission, or a read-only file system): write it elsewhere, or give this user write " +
                "access to " + locked + "\n", generate.err());
            final Cli.Result run = Cli.run("run", "-i", "/dev/null", "-d", dir.resolve("j").toString(), "--events",
                locked.resolve("e.txt").toString());
            assertEquals(1, run.code(), run.toString());
            assertTrue(run.err().startsWith("error: cannot write events file " + locked.resolve("e.txt") + ": this user " +
                "cannot write in " + locked), run.toString());
            assertFalse(Files.exists(dir.resolve("j")), "refused before the journal is made");
            // A file there already, which run writes in place (a code review found it refused): written.
            final Path commands = dir.resolve("c.txt");
            Cli.ok("generate", "-n", "100", "-o", commands.toString());
            final Cli.Result inPlace = Cli.ok("run", "-i", commands.toString(), "-d", dir.resolve("k").toString(),
                "--events", existing.toString());
            assertTrue(Files.size(existing) > 0, inPlace.toString());
            // Written whole, a partial copy beside it: refused, as generate's is.
            final Cli.Result whole = Cli.run("replay", "-d", dir.resolve("k").toString(), "--events", existing.toString());
            assertEquals(1, whole.code(), whole.toString());
            assertTrue(whole.err().startsWith("error: cannot write events file " + existing + ": this user cannot write " +
                "in " + locked), whole.toString());
            // A device is written through, wherever it lies.
            assertEquals(0, Cli.run("generate", "-n", "10", "-o", "/dev/null").code());
        }
        finally
        {
            Chattr.set("-i", locked);
        }
    }

    /**
     * An events file that is the command file, or lies in the journal or its snapshots, would replace
     * what the command reads or keeps: refused in one line, and the file and journal are untouched.
     */
    @Test
    void shouldRefuseAnEventsFileThatWouldDestroyTheInputOrTheJournal() throws Exception
    {
        final Path commands = dir.resolve("commands.txt");
        Cli.ok("generate", "-n", "2_000", "--seed", "3", "-o", commands.toString());
        final byte[] before = Files.readAllBytes(commands);
        final Path journal = dir.resolve("j");

        final Cli.Result same = Cli.run("run", "-i", commands.toString(), "-d", journal.toString(), "--events",
            dir.resolve(".").resolve("commands.txt").toString());
        assertEquals(1, same.code(), same.toString());
        assertEquals("error: the events file " + dir.resolve(".").resolve("commands.txt") + " is the command file this " +
            "run reads: writing it would replace the commands before they are read; choose another file\n", same.err());
        assertTrue(Arrays.equals(before, Files.readAllBytes(commands)), "the command file is untouched");
        assertFalse(Files.exists(journal), "nothing was created");
        // Inside a journal directory not made yet: said so, where it was told to make the directory first (a reviewer
        // followed that advice into this refusal).
        final Cli.Result notYet = Cli.run("run", "-i", commands.toString(), "-d", journal.toString(), "--events",
            journal.resolve("x.txt").toString());
        assertEquals(1, notYet.code(), notYet.toString());
        assertTrue(notYet.err().startsWith("error: the events file " + journal.resolve("x.txt") + " is inside " + journal),
            notYet.toString());
        assertFalse(Files.exists(journal), "nothing was created");

        final Cli.Result ran = Cli.ok("run", "-i", commands.toString(), "-d", journal.toString());
        final String cycleFile;
        try (Stream<Path> files = Files.list(journal))
        {
            cycleFile = files.filter((f) -> f.toString().endsWith(".cq4")).findFirst().orElseThrow().toString();
        }
        for (final String[] args : List.of(
            new String[] {"replay", "-d", journal.toString(), "--events", cycleFile},
            new String[] {"run", "-i", commands.toString(), "-d", journal.toString(), "--events",
                journal.resolve("ringlog.meta").toString()},
            new String[] {"run", "-i", commands.toString(), "-d", journal.toString(), "--events",
                journal.resolve("snapshots").resolve("events.txt").toString()}))
        {
            final Cli.Result refused = Cli.run(args);
            assertEquals(1, refused.code(), refused.toString());
            assertTrue(refused.err().startsWith("error: the events file ") && refused.err().contains(" is inside " +
                journal) && refused.err().contains("choose a file outside it"), refused.toString());
            assertEquals(1, refused.err().lines().count(), refused.err());
        }
        final Cli.Result replay = Cli.ok("replay", "-d", journal.toString());
        assertEquals(ran.value("state-hash"), replay.value("state-hash"), "the journal is whole");
        assertEquals(ran.value("last-position"), replay.value("last-position"));
    }

    /**
     * A reviewer's finding: --strict on a file whose only command line is malformed said "every other command of the
     * file is journaled and applied, so running it again would apply them a second time": there were none, and the run
     * again with the line mended is what to do.
     */
    @Test
    void shouldTellAStrictRunOfNothingButMalformedLinesToRunAgain() throws Exception
    {
        final Path commands = Files.writeString(dir.resolve("upper.txt"), "DEPOSIT acct=1 asset=0 amount=5\n");
        final Path journal = dir.resolve("j");
        final Cli.Result strict = Cli.run("run", "-i", commands.toString(), "-d", journal.toString(), "--strict");
        assertEquals(1, strict.code(), strict.toString());
        assertTrue(strict.err().contains("error: --strict: 1 malformed line (above) skipped; the file held no other " +
            "command, so none of its commands was journaled: mend the line and run it again"), strict.toString());
        Files.writeString(commands, "deposit acct=1 asset=0 amount=5\n");
        assertEquals(1, Cli.ok("run", "-i", commands.toString(), "-d", journal.toString(), "--strict").number("commands"));
    }

    /**
     * A line of the longest length, 4096 bytes, after a byte order mark or before a {@code \r\n}: the mark's 3 bytes cut
     * the end off such a first line, so {@code amount=1000} was read as 100 with nothing said, and the {@code \r} made
     * such a line 4097 bytes long and malformed (a reviewer's findings). A line one byte longer is malformed either way.
     */
    @Test
    void shouldReadALineOfTheLongestLengthWholeBesideAByteOrderMarkOrACarriageReturn() throws IOException
    {
        final String tail = " acct=1 asset=0 amount=1000";
        final String longest = "deposit" + " ".repeat(4096 - "deposit".length() - tail.length()) + tail;
        assertEquals(4096, longest.length());
        final Path commands = dir.resolve("longest.txt");
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        bytes.write(new byte[]{(byte)0xEF, (byte)0xBB, (byte)0xBF});
        bytes.write((longest + "\r\n" + longest.replace("acct=1", "acct=2") + "\r\n" + longest.replace("deposit",
            "deposit ").replace("acct=1", "acct=3") + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        Files.write(commands, bytes.toByteArray());
        final Path events = dir.resolve("events.txt");
        final Cli.Result run = Cli.ok("run", "-i", commands.toString(), "-d", dir.resolve("j").toString(), "--events",
            events.toString());
        assertEquals(2, run.number("commands"), run.toString());
        assertEquals(1, run.number("malformed"), run.toString());
        assertTrue(run.err().contains("line 3: the line is 4097 bytes long; a line may have at most 4096"), run.toString());
        final String shown = Files.readString(events);
        assertTrue(shown.contains("acct=1 asset=0 free=1000 ") && shown.contains("acct=2 asset=0 free=1000 "), shown);
    }

    /**
     * The words of a line in any case of their ASCII letters, and only those: {@code side=\u017Fell} (a long s) was read
     * as SELL and {@code type=\u0131oc} (a dotless i) as IOC, which traded (a reviewer's finding). And a market order's
     * price of 0 as any number 0 is written: {@code price=00} was refused as a price.
     */
    @Test
    void shouldTakeOnlyAsciiLettersInAnyCaseForAWordAndAnyZeroForAMarketOrdersPrice() throws IOException
    {
        final Path commands = Files.writeString(dir.resolve("words.txt"), """
            instrument sym=1 base=1 quote=0 tick=1 lot=1
            deposit acct=1 asset=1 amount=10
            deposit acct=2 asset=0 amount=100
            place oid=1 acct=1 sym=1 side=\u017Fell type=gtc price=5 qty=1
            place oid=2 acct=2 sym=1 side=buy type=\u0131oc price=5 qty=1
            place oid=3 acct=1 sym=1 side=SeLl type=Gtc price=5 qty=1
            place oid=4 acct=2 sym=1 side=buy type=market price=00 qty=1
            place oid=5 acct=2 sym=1 side=buy type=MAR\u212AET qty=1
            """);
        final Cli.Result run = Cli.ok("run", "-i", commands.toString(), "-d", dir.resolve("j").toString());
        assertEquals(3, run.number("malformed"), run.toString());
        assertTrue(run.err().contains("line 4: "), run.toString());
        assertTrue(run.err().contains("line 5: "), run.toString());
        // The word named, not "missing price=", which a market order would not need (a second reviewer's finding).
        assertTrue(run.err().contains("line 8: type must be GTC, IOC, FOK or MARKET, got 'MAR\\u212aET'"), run.toString());
        assertEquals(5, run.number("commands"), run.toString());
        assertEquals(1, run.number("trades"), "the market order at 00 bought the GTC sell\n" + run);
    }

    /** Asset ids past --max-assets: the rejections are counted with a word on --max-assets (a reviewer's finding). */
    @Test
    void shouldPointAtMaxAssetsWhenAssetsAreUnknown() throws Exception
    {
        final Path commands = Files.writeString(dir.resolve("assets.txt"), "instrument sym=1 base=70 quote=0 tick=1 " +
            "lot=1\ndeposit acct=1 asset=70 amount=5\n");
        final Cli.Result run = Cli.ok("run", "-i", commands.toString(), "-d", dir.resolve("j").toString());
        assertEquals("BAD_INSTRUMENT=1 UNKNOWN_ASSET=1", run.value("rejected-by-reason"));
        assertTrue(run.err().contains("note: 2 commands were rejected as BAD_INSTRUMENT or UNKNOWN_ASSET: this exchange " +
            "knows assets 0..63 (--max-assets 64). If the file's asset ids go higher, run it on a new journal with " +
            "--max-assets N"), run.toString());
        // Not the only cause: a tick or lot of 0 was sent to --max-assets alone (a reviewer's finding).
        assertTrue(run.err().contains("An instrument is refused as BAD_INSTRUMENT as well where its base and quote are " +
            "one asset, or its tick or lot is not above 0"), run.toString());
        final Cli.Result wide = Cli.ok("run", "-i", commands.toString(), "-d", dir.resolve("wide").toString(),
            "--max-assets", "71");
        assertFalse(wide.err().contains("--max-assets N"), wide.toString());
    }

    @Test
    void shouldRefuseAJournalDirectoryThatIsAFile() throws Exception
    {
        final Path commands = Files.writeString(dir.resolve("five.txt"), "deposit acct=1 asset=0 amount=5\n");
        final Cli.Result result = Cli.run("run", "-i", commands.toString(), "-d", commands.toString());
        assertEquals(1, result.code(), result.toString());
        assertEquals("error: the journal directory " + commands + " is a file: name a new directory, or one that holds " +
            "a journal\n", result.err());
        assertEquals("deposit acct=1 asset=0 amount=5\n", Files.readString(commands), "untouched");
    }

    /**
     * What the bad-input probe found: an output whose directory is a file was told to 'mkdir -p' the file, '-o -'
     * made a file named '-', a run refused for a snapshot directory that is a file left a new journal behind, and a
     * replay given a snapshot directory that does not exist replayed from position 1 without a word.
     */
    @Test
    void shouldRefuseBadPathsInWordsBeforeMakingAnything() throws Exception
    {
        final Path commands = Files.writeString(dir.resolve("five.txt"), "deposit acct=1 asset=0 amount=5\n");
        final Cli.Result underAFile = Cli.run("generate", "-n", "10", "-o", commands.resolve("x").toString());
        assertEquals(1, underAFile.code(), underAFile.toString());
        assertEquals("error: cannot write command file " + commands.resolve("x") + ": " + commands + " is a file, not " +
            "a directory\n", underAFile.err());

        final Cli.Result dash = Cli.run("generate", "-n", "10", "-o", "-");
        assertEquals(2, dash.code(), dash.toString());
        assertTrue(dash.err().startsWith("error: -o - names a file called '-': generate writes a file (its summary " +
            "goes to standard output), so give it a file name\n"), dash.err());
        assertFalse(Files.exists(Path.of("-")), "no file named '-' in the working directory");

        final Path journal = dir.resolve("j");
        final Cli.Result snapshotsFile = Cli.run("run", "-i", commands.toString(), "-d", journal.toString(),
            "--snapshots", commands.toString());
        assertEquals(1, snapshotsFile.code(), snapshotsFile.toString());
        assertEquals("error: the snapshot directory " + commands + " is a file: name a directory (one that does not " +
            "exist is made)\n", snapshotsFile.err());
        assertFalse(Files.exists(journal), "refused before the journal was made");

        Cli.ok("run", "-i", commands.toString(), "-d", journal.toString());
        final Cli.Result noSnapshots = Cli.run("replay", "-d", journal.toString(), "--snapshots",
            dir.resolve("nonexistent").toString());
        assertEquals(2, noSnapshots.code(), noSnapshots.toString());
        assertTrue(noSnapshots.err().startsWith("error: --snapshots " + dir.resolve("nonexistent") + " is not a " +
            "directory: give the directory the journal's snapshots are in (without it: " + journal.resolve("snapshots") +
            ")\n"), noSnapshots.err());
        assertEquals("", noSnapshots.out());
    }

    /** An option that does nothing with the others given is said, not passed over (the bad-input probe's). */
    @Test
    void shouldSayASyncIntervalDoesNothingWithoutSyncIntervalDurability() throws Exception
    {
        final Path commands = Files.writeString(dir.resolve("five.txt"), "deposit acct=1 asset=0 amount=5\n");
        final Cli.Result run = Cli.ok("run", "-i", commands.toString(), "-d", dir.resolve("j").toString(),
            "--sync-interval-ms", "5");
        assertTrue(run.err().contains("note: --sync-interval-ms is for --durability SYNC_INTERVAL; with MEMORY_MAPPED " +
            "it does nothing\n"), run.toString());
        final Cli.Result synced = Cli.ok("run", "-i", commands.toString(), "-d", dir.resolve("s").toString(),
            "--sync-interval-ms", "5", "--durability", "SYNC_INTERVAL");
        assertFalse(synced.err().contains("note: --sync-interval-ms"), synced.toString());
    }

    @Test
    void shouldRefuseToGenerateAFileLargerThanTheDisk()
    {
        final Path file = dir.resolve("huge.txt");
        final Cli.Result huge = Cli.run("generate", "--commands", "99_999_999_999_999", "-o", file.toString());
        assertEquals(1, huge.code(), huge.toString());
        assertTrue(Pattern.matches("error: the command file needs about [0-9.]+ PiB in " + Pattern.quote(dir.toString()) +
            " \\([0-9.]+ PiB of commands\\) and only [0-9.]+ [KMGT]iB is usable there: ask for fewer --commands, or " +
            "write it \\(-o\\) on a larger file system\n", huge.err()), huge.err());
        assertFalse(Files.exists(file), "nothing was written");
    }

    @Test
    void shouldShowNoFirstPositionWhenEveryLineIsMalformed() throws IOException
    {
        final Path bad = Files.writeString(dir.resolve("bad.txt"), "foo\nplace oid=x\n");
        final Cli.Result result = Cli.run("run", "-i", bad.toString(), "-d", dir.resolve("j").toString());
        assertEquals(0, result.code(), "malformed lines are skipped, as the README says\n" + result);
        assertEquals("0", result.value("commands"));
        assertEquals("2", result.value("malformed"));
        assertEquals("none", result.value("first-position"));
        assertEquals("1", result.value("last-position"), "the settings, at position 1");
        assertTrue(result.err().contains("note: no command of " + bad + " was published: all 2 of its command lines " +
            "are malformed"), result.err());
    }

    @Test
    void shouldPrintUsageToStderrWhenNoCommandIsGiven()
    {
        final Cli.Result none = Cli.run();
        assertEquals(2, none.code());
        assertEquals("", none.out(), "nothing for a script to read as output");
        assertTrue(none.err().startsWith("Usage: exchange"), none.err());
        final Cli.Result journal = Cli.run("journal");
        assertEquals(2, journal.code());
        assertEquals("", journal.out());
        assertTrue(journal.err().startsWith("Usage: exchange journal"), "the name the user typed: " + journal.err());
    }

    @Test
    void shouldSendAJournalReplayToTheExchangesOwnReplay()
    {
        final Cli.Result result = Cli.run("journal", "replay", "-d", dir.toString());
        assertEquals(2, result.code());
        assertTrue(result.err().startsWith("error: use 'exchange replay' (it reads journals of every exchange codec " +
            "version"), result.err());
        assertEquals(1, result.err().lines().count(), result.err());
    }

    /** Ctrl-C is SIGINT; a service manager or {@code kill} sends SIGTERM. */
    @ParameterizedTest
    @ValueSource(strings = {"INT", "TERM"})
    void shouldDeleteTheDemoDirectoryWhenStopped(final String signal) throws Exception
    {
        final Path tmp = Files.createDirectories(dir.resolve("tmp"));
        final Path log = dir.resolve("demo.log");
        // Paced, so that it is still running commands through the engine when it is stopped.
        final Process demo = Cli.startInChildJvm(List.of("-Djava.io.tmpdir=" + tmp), log, "demo", "--commands",
            "100_000", "--rate", "2000");
        try
        {
            assumeFalse(signal.equals("INT") && ignoresSigint(demo),
                "SIGINT is ignored in this process tree (started in the background), so the JVM never sees it");
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!journalStarted(tmp))
            {
                if (!demo.isAlive() || System.nanoTime() > deadline)
                {
                    fail("the demo did not start its journal:\n" + Files.readString(log));
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            final Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(demo.pid())).inheritIO().start();
            assertEquals(0, kill.waitFor(), "kill -" + signal);
            assertTrue(demo.waitFor(30, TimeUnit.SECONDS), "the demo did not stop on SIG" + signal);
        }
        finally
        {
            demo.destroyForcibly();
        }
        final String output = Files.readString(log);
        try (Stream<Path> left = Files.list(tmp))
        {
            assertEquals(List.of(), left.toList(), "the demo's directory is gone\n" + output);
        }
        assertTrue(output.contains("demo: stopped; deleting " + tmp.resolve("exchange-demo-")), output);
        assertFalse(CLASS_NAME.matcher(output).find(), output);
    }

    @Test
    void shouldSayWhatAKeptDemoDirectoryHoldsWhenStopped() throws Exception
    {
        final Path kept = dir.resolve("kept");
        final Path log = dir.resolve("kept-demo.log");
        final Process demo = Cli.startInChildJvm(List.of(), log, "demo", "--commands", "100_000", "--rate", "2000",
            "--keep", kept.toString());
        try
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(kept.resolve("journal").resolve("ringlog.meta")))
            {
                if (!demo.isAlive() || System.nanoTime() > deadline)
                {
                    fail("the demo did not start its journal:\n" + Files.readString(log));
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            final Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(demo.pid())).inheritIO().start();
            assertEquals(0, kill.waitFor(), "kill -TERM");
            assertTrue(demo.waitFor(30, TimeUnit.SECONDS), "the demo did not stop on SIGTERM");
        }
        finally
        {
            demo.destroyForcibly();
        }
        final String output = Files.readString(log);
        // Before, it ended without a word, leaving the user to guess whether the directory held a whole demo.
        assertTrue(output.contains("demo: stopped before the end; " + kept + " keeps what it made so far: " +
            "commands.txt may be cut short, and the journal holds what was journaled ('scripts/exchange journal verify " +
            "-d " + kept.resolve("journal") + "' reads it)"), output);
        assertFalse(CLASS_NAME.matcher(output).find(), output);
        final Cli.Result verify = Cli.run("journal", "verify", "-d", kept.resolve("journal").toString());
        assertEquals(0, verify.code(), "what it says to run reads the journal as it was left\n" + verify.out() + verify.err());
    }

    private static boolean journalStarted(final Path tmp) throws IOException
    {
        try (Stream<Path> demos = Files.list(tmp))
        {
            return demos.anyMatch((demo) -> Files.exists(demo.resolve("journal").resolve("ringlog.meta")));
        }
    }

    /** Whether SIGINT is ignored in {@code process} (bit 2 of the mask of ignored signals Linux reports). */
    private static boolean ignoresSigint(final Process process) throws IOException
    {
        final Path status = Path.of("/proc/" + process.pid() + "/status");
        if (!Files.exists(status))
        {
            return false;
        }
        for (final String line : Files.readAllLines(status))
        {
            if (line.startsWith("SigIgn:"))
            {
                return (Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16) & 2) != 0;
            }
        }
        return false;
    }

    private static void assertNoClassName(final Cli.Result result)
    {
        assertFalse(CLASS_NAME.matcher(result.out() + result.err()).find(), "an exception's class name\n" + result);
    }
}
