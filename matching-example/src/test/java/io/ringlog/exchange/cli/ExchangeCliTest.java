package io.ringlog.exchange.cli;

import io.ringlog.core.Topology;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line as scripts use it, called in this JVM: run and replay agree on the state hash
 * (whole, from a snapshot, as of a position, after a second run appended), replay regenerates the
 * run's events file byte for byte, malformed lines are reported and skipped, and every subcommand
 * has help.
 */
class ExchangeCliTest
{
    private static final String TINY = String.join("\n",
        "instrument sym=1 base=1 quote=0 tick=5 lot=100",
        "deposit acct=1 asset=0 amount=1000000",
        "deposit acct=2 asset=1 amount=100000",
        "place oid=1 acct=1 sym=1 side=BUY type=GTC price=100 qty=3",
        "place oid=2 acct=2 sym=1 side=SELL type=GTC price=110 qty=4",
        "place oid=3 acct=2 sym=1 side=SELL type=GTC price=100 qty=1",
        "");

    @TempDir
    Path dir;

    private Path commands;
    private List<String> lines;

    @BeforeEach
    void generate() throws IOException
    {
        commands = dir.resolve("commands.txt");
        final Cli.Result generated = Cli.ok("generate", "--preset", "exchange-core", "--commands", "20_000", "--seed", "7",
            "-o", commands.toString());
        lines = Files.readAllLines(commands);
        assertEquals(lines.size(), generated.number("commands"));
    }

    @Test
    void shouldGenerateAPresetWithFewerSymbolsAndAccountsWhenAsked() throws IOException
    {
        final Path file = dir.resolve("small-many.txt");
        final Cli.Result generated = Cli.ok("generate", "--preset", "many-symbols", "--symbols", "4", "--accounts", "50",
            "--commands", "1_000", "--seed", "3", "-o", file.toString());
        // 4 instruments, 50 accounts x 5 assets of deposits, 100 resting orders per symbol.
        assertEquals(4 + 50 * 5 + 4 * 100, generated.number("setup-commands"));
        assertEquals(5, generated.number("max-assets-needed"));
        assertTrue(Files.readString(file).contains("sym=4"), "the fourth symbol trades");
    }

    @Test
    void shouldPrintTheSameStateHashWhenRunAndReplayed()
    {
        final Cli.Result run = Cli.ok("run", "-i", commands.toString(), "-d", journal("j").toString());
        assertEquals(lines.size(), run.number("commands"));
        assertEquals(0, run.number("malformed"));
        assertEquals(2, run.number("first-position"), "position 1 holds the exchange's settings");
        assertEquals(lines.size() + 1, run.number("last-position"));
        assertTrue(run.number("trades") > 0, "the workload trades");

        final Cli.Result replay = Cli.ok("replay", "-d", journal("j").toString());
        assertEquals(run.value("state-hash"), replay.value("state-hash"));
        assertEquals(lines.size() + 1, replay.number("last-position"));
        assertEquals(lines.size() + 1, replay.number("replayed"));
    }

    @Test
    void shouldContinuePositionsWhenASecondRunAppendsToTheJournal() throws IOException
    {
        final Path more = dir.resolve("more.txt");
        Files.writeString(more, String.join("\n",
            "place oid=900000001 acct=1 sym=1 side=BUY type=GTC price=9000 qty=2",
            "place oid=900000002 acct=2 sym=1 side=SELL type=IOC price=9000 qty=1",
            "cancel oid=900000001 acct=1",
            ""));
        final Cli.Result first = Cli.ok("run", "-i", commands.toString(), "-d", journal("j").toString());
        // Another file into a journal that holds commands: refused unless --append says it is meant.
        final Cli.Result refused = Cli.run("run", "-i", more.toString(), "-d", journal("j").toString());
        assertEquals(1, refused.code(), refused.toString());
        assertTrue(refused.err().startsWith("error: " + journal("j") + " already holds positions 2.." +
            first.number("last-position") + ", and they do not end with the start of " + more) &&
            refused.err().contains("add --append"), refused.toString());
        // A reviewer mended a malformed line of a file run before and ran it again: --append, the one way named, would
        // have applied every other line a second time.
        assertTrue(refused.err().contains("If the file was run into this journal before and has changed since (a " +
            "malformed line mended, say), --append would apply every line a second time: put only the lines the journal " +
            "lacks in a file of their own and --append that"), refused.toString());
        final Cli.Result second = Cli.ok("run", "-i", more.toString(), "-d", journal("j").toString(), "--append");
        assertEquals(first.number("last-position") + 1, second.number("first-position"));
        assertEquals(first.number("last-position") + 3, second.number("last-position"));
        assertEquals(second.value("state-hash"), Cli.ok("replay", "-d", journal("j").toString()).value("state-hash"));

        final Path both = dir.resolve("both.txt");
        Files.writeString(both, Files.readString(commands) + Files.readString(more));
        assertEquals(second.value("state-hash"),
            Cli.ok("run", "-i", both.toString(), "-d", journal("once").toString()).value("state-hash"),
            "two runs on one journal end where one run of both files does");
    }

    /**
     * A run appended after another file and stopped part way is found at the journal's end, whatever the
     * journal held before it: running the file again from line 1 is refused with the line to resume from;
     * lines between that hold no command may be skipped; the other file, no longer at the end, needs
     * --append.
     */
    @Test
    void shouldFindAnAppendedRunThatStoppedPartWayAtTheJournalsEnd() throws IOException
    {
        final Path more = dir.resolve("more.txt");
        Files.writeString(more, String.join("\n",
            "place oid=900000001 acct=1 sym=1 side=BUY type=GTC price=9000 qty=2",
            "place oid=900000002 acct=2 sym=1 side=SELL type=IOC price=9000 qty=1",
            "not a command",
            "cancel oid=900000001 acct=1",
            ""));
        final Path part = dir.resolve("part.txt");
        Files.writeString(part, String.join("\n", Files.readAllLines(more).subList(0, 2)) + "\n");
        Cli.ok("run", "-i", commands.toString(), "-d", journal("j").toString());
        final long last = Cli.ok("run", "-i", part.toString(), "-d", journal("j").toString(), "--append")
            .number("last-position");

        final Cli.Result again = Cli.run("run", "-i", more.toString(), "-d", journal("j").toString());
        assertEquals(1, again.code(), again.toString());
        assertTrue(again.err().startsWith("error: " + journal("j") + " already holds positions 2.." + last + ", and " +
            "its last 2 commands, positions " + (last - 1) + ".." + last + ", are the commands of lines 1..2 of " + more +
            " (a run of it that stopped there). Running it from line 1 would apply lines 1..2 a second time. Resume: " +
            "run the same command with --from-line 3"), again.toString());
        final Cli.Result skipping = Cli.run("run", "-i", more.toString(), "-d", journal("j").toString(), "--from-line",
            "5");
        assertEquals(1, skipping.code(), skipping.toString());
        assertTrue(skipping.err().contains("would skip lines 4..4"), skipping.toString());
        // Line 3 holds no command: resuming after it is resuming after line 2.
        final Cli.Result resumed = Cli.ok("run", "-i", more.toString(), "-d", journal("j").toString(), "--from-line",
            "4");
        assertEquals(last + 1, resumed.number("first-position"));
        assertEquals(1, resumed.number("commands"));

        // A file without a command has nothing to apply twice.
        final Path empty = Files.writeString(dir.resolve("empty.txt"), "not a command\n");
        assertEquals(0, Cli.run("run", "-i", empty.toString(), "-d", journal("j").toString()).code());
        final Cli.Result earlier = Cli.run("run", "-i", commands.toString(), "-d", journal("j").toString());
        assertEquals(1, earlier.code(), earlier.toString());
        assertTrue(earlier.err().contains("they do not end with the start of " + commands), earlier.toString());
    }

    @Test
    void shouldReplayFromTheNewestSnapshotToTheHashOfAFullReplay()
    {
        final Cli.Result run = Cli.ok("run", "-i", commands.toString(), "-d", journal("j").toString(),
            "--snapshot-every", "4000");
        final Cli.Result fromSnapshot = Cli.ok("replay", "-d", journal("j").toString());
        final Cli.Result full = Cli.ok("replay", "-d", journal("j").toString(), "--no-snapshot");

        final long last = run.number("last-position");
        assertEquals(last / 4000 * 4000, fromSnapshot.number("snapshot-position"));
        assertEquals(last - fromSnapshot.number("snapshot-position"), fromSnapshot.number("replayed"));
        assertEquals(0, full.number("snapshot-position"));
        assertEquals(last, full.number("replayed"));
        assertEquals(run.value("state-hash"), fromSnapshot.value("state-hash"));
        assertEquals(run.value("state-hash"), full.value("state-hash"));
    }

    /**
     * The generic journal tool knows the exchange only by its class name: built with its no-argument
     * constructor, it takes its settings from the journal, and replays to the run's state, from a
     * snapshot or from position 1.
     */
    @Test
    void shouldReplayAnExchangeJournalWithTheGenericToolByClassName()
    {
        final Cli.Result run = Cli.ok("run", "-i", commands.toString(), "-d", journal("generic").toString(),
            "--snapshot-every", "4000");
        for (final boolean withSnapshots : new boolean[] {false, true})
        {
            final List<String> args = new ArrayList<>(List.of("replay", "-d", journal("generic").toString(),
                "--state-machine", io.ringlog.exchange.ExchangeStateMachine.class.getName()));
            if (withSnapshots)
            {
                args.addAll(List.of("--snapshots", journal("generic").resolve("snapshots").toString()));
            }
            final StringWriter out = new StringWriter();
            final StringWriter err = new StringWriter();
            final int code = io.ringlog.journal.tool.JournalTool.run(new PrintWriter(out, true), new PrintWriter(err, true),
                args.toArray(new String[0]));
            assertEquals(0, code, out + "\n" + err);
            assertTrue(out.toString().contains("state-hash: " + run.value("state-hash") + "\n"), "snapshots: " +
                withSnapshots + "\n" + out + err);
            // From position 1, the replay rejects what the run rejected; from a snapshot, only the tail is replayed.
            assertTrue(withSnapshots || out.toString().contains("rejected: " + run.value("rejected") + "\n"),
                run.value("rejected") + "\n" + out);
        }
        // Another application's state machine replays the exchange's commands as nothing it knows: it rejects
        // them, and the replay says so rather than print a state hash as if all were well.
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = io.ringlog.journal.tool.JournalTool.run(new PrintWriter(out, true), new PrintWriter(err, true),
            "replay", "-d", journal("generic").toString(), "--state-machine",
            io.ringlog.example.ledger.LedgerStateMachine.class.getName());
        assertEquals(0, code, out + "\n" + err);
        final long last = run.number("last-position");
        assertTrue(out.toString().contains("replayed: " + last + "\n") && out.toString().contains("rejected: " + last + "\n"),
            out.toString());
        assertTrue(err.toString().contains("note: " + io.ringlog.example.ledger.LedgerStateMachine.class.getName() +
            " rejected every one of the " + last + " commands replayed: if they were not rejected when the journal " +
            "was written, this is not the state machine that wrote it (--state-machine)"), err.toString());
    }

    @Test
    void shouldTimeTravelToTheStateAfterTheFirstNCommands() throws IOException
    {
        final int n = 20_500;
        final int position = n + 1;
        final Cli.Result run = Cli.ok("run", "-i", commands.toString(), "-d", journal("j").toString(),
            "--snapshot-every", "5000");
        final Path firstN = dir.resolve("first-n.txt");
        Files.write(firstN, lines.subList(0, n));
        final Cli.Result prefix = Cli.ok("run", "-i", firstN.toString(), "-d", journal("prefix").toString());

        final Cli.Result travelled = Cli.ok("replay", "-d", journal("j").toString(), "--to", Integer.toString(position));
        assertEquals(position, travelled.number("last-position"));
        assertEquals(run.number("last-position"), travelled.number("journal-last-position"));
        assertEquals(20_000, travelled.number("snapshot-position"), "the newest snapshot at or before N");
        assertEquals(prefix.value("state-hash"), travelled.value("state-hash"));
        assertNotEquals(run.value("state-hash"), travelled.value("state-hash"));
        assertEquals(prefix.value("state-hash"),
            Cli.ok("replay", "-d", journal("j").toString(), "--to", Integer.toString(position), "--no-snapshot")
                .value("state-hash"));
        assertEquals(run.number("last-position"), Cli.ok("journal", "verify", "-d", journal("j").toString())
            .number("last-position"), "time travel wrote nothing to the journal");
    }

    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldRegenerateTheRunsEventsFileOnReplay(final Topology topology) throws IOException
    {
        final Path live = dir.resolve("live-events.txt");
        final Path replayed = dir.resolve("replayed-events.txt");
        final Cli.Result run = Cli.ok("run", "-i", commands.toString(), "-d", journal("j").toString(),
            "--events", live.toString(), "--topology", topology.name(), "--snapshot-every", "5000");
        final Cli.Result replay = Cli.ok("replay", "-d", journal("j").toString(), "--events", replayed.toString());

        assertEquals(0, replay.number("snapshot-position"), "--events replays from position 1");
        assertEquals(run.value("state-hash"), replay.value("state-hash"));
        final long size = Files.size(live);
        assertTrue(size > 0 && Files.readString(live).contains(" trade id="), "the run wrote its trades");
        assertEquals(-1, Files.mismatch(live, replayed), "the files differ at byte " + Files.mismatch(live, replayed));
    }

    /**
     * BATCHING changes when a stage takes its work, never what it does: the same file gives the same state
     * and the same events file, byte for byte, as the default, in both topologies.
     */
    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldGiveTheSameStateAndEventsWhenStagesWaitForBatches(final Topology topology) throws IOException
    {
        final Path parkingEvents = dir.resolve("parking-events.txt");
        final Path batchingEvents = dir.resolve("batching-events.txt");
        final Cli.Result parking = Cli.ok("run", "-i", commands.toString(), "-d", journal("parking").toString(),
            "--events", parkingEvents.toString(), "--topology", topology.name());
        final Cli.Result batching = Cli.ok("run", "-i", commands.toString(), "-d", journal("batching").toString(),
            "--events", batchingEvents.toString(), "--topology", topology.name(), "--wait-strategy", "BATCHING");

        assertEquals("PARKING", parking.value("wait-strategy"));
        assertEquals("BATCHING", batching.value("wait-strategy"));
        assertEquals(parking.value("state-hash"), batching.value("state-hash"));
        assertEquals(lines.size() + 1, batching.number("last-position"));
        assertEquals(-1, Files.mismatch(parkingEvents, batchingEvents),
            "the events differ at byte " + Files.mismatch(parkingEvents, batchingEvents));
    }

    @Test
    void shouldReportMalformedLinesWithTheirNumbersAndApplyTheRest() throws IOException
    {
        final List<String> withBadLines = new ArrayList<>(lines);
        withBadLines.add(500, "place oid=1 acct=1 sym=1 side=SIDEWAYS type=GTC price=500 qty=1");
        withBadLines.add(1000, "move oid=1");
        withBadLines.add(1500, "plaec oid=1 acct=1");
        withBadLines.add(1700, "# a comment is not malformed");
        // What the engine would refuse for the whole file (it threw, and the run stopped half way) is one bad line too.
        withBadLines.add(1800, "deposit acct=5 asset=0 amount=5 src=5 seq=-1");
        withBadLines.add(1900, "deposit acct=5 asset=0 amount=5 src=5");
        final Path bad = dir.resolve("bad.txt");
        Files.write(bad, withBadLines);

        final Cli.Result run = Cli.ok("run", "-i", bad.toString(), "-d", journal("bad").toString());
        assertEquals(5, run.number("malformed"));
        assertTrue(run.err().contains("line 1801: seq=-1 is negative: a source's sequences start at 0\n"), run.err());
        assertTrue(run.err().contains("line 1901: src=5 without seq=: a source's commands each need their sequence"),
            run.err());
        assertEquals(lines.size(), run.number("commands"));
        assertEquals(lines.size() + 1, run.number("last-position"));
        assertTrue(run.err().contains("line 501: side must be BUY or SELL, got 'SIDEWAYS'\n"), run.err());
        assertTrue(run.err().contains("line 1001: missing acct=, price=\n"), run.err());
        assertTrue(run.err().contains("line 1501: unknown command 'plaec'"), run.err());

        final Cli.Result clean = Cli.ok("run", "-i", commands.toString(), "-d", journal("clean").toString());
        assertEquals(clean.value("state-hash"), run.value("state-hash"), "every good command was applied, in order");
    }

    @Test
    void shouldPrintABookAndBalancesAsOfAPosition() throws IOException
    {
        final Path tiny = dir.resolve("tiny.txt");
        Files.writeString(tiny, TINY);
        Cli.ok("run", "-i", tiny.toString(), "-d", journal("tiny").toString());

        final Cli.Result book = Cli.ok("book", "-d", journal("tiny").toString(), "--symbol", "1");
        assertTrue(book.out().endsWith(String.join("\n",
            "book sym=1 bids=1 asks=1",
            "  SELL price=110 qty=4 orders=1",
            "  BUY price=100 qty=2 orders=1",
            "")), book.out());
        final Cli.Result before = Cli.ok("book", "-d", journal("tiny").toString(), "--symbol", "1", "--to", "5");
        assertEquals(5, before.number("last-position"), "position 1 holds the settings, 2..5 the first four lines");
        assertTrue(before.out().endsWith("book sym=1 bids=1 asks=0\n  BUY price=100 qty=3 orders=1\n"), before.out());

        final Cli.Result balances = Cli.ok("balances", "-d", journal("tiny").toString());
        assertEquals(2, balances.number("accounts"));
        assertTrue(balances.out().endsWith(String.join("\n",
            "balance acct=1 asset=0 free=999700 reserved=200",
            "balance acct=1 asset=1 free=100 reserved=0",
            "balance acct=2 asset=0 free=100 reserved=0",
            "balance acct=2 asset=1 free=99500 reserved=400",
            "")), balances.out());
        final Cli.Result one = Cli.ok("balances", "-d", journal("tiny").toString(), "--account", "1", "--to", "3");
        assertTrue(one.out().endsWith("accounts: 1\nbalance acct=1 asset=0 free=1000000 reserved=0\n"), one.out());

        final Cli.Result noSymbol = Cli.run("book", "-d", journal("tiny").toString(), "--symbol", "9");
        assertEquals(1, noSymbol.code());
        assertTrue(noSymbol.err().contains("no symbol 9 as of position ") && noSymbol.err().contains(" (listed then: 1"),
            noSymbol.err());
        // Before any symbol was listed, in words, not as Java's empty list (a reviewer's "listed: []").
        final Cli.Result beforeAny = Cli.run("book", "-d", journal("tiny").toString(), "--symbol", "1", "--to", "0");
        assertEquals(1, beforeAny.code());
        assertTrue(beforeAny.err().contains("no symbol 1 as of position 0 (none was listed by then)"), beforeAny.err());
        assertEquals(1, Cli.run("balances", "-d", journal("tiny").toString(), "--account", "9").code());

        // A reviewer's finding: an account that holds nothing now printed no line for --account, and nothing said why.
        final Path emptied = dir.resolve("emptied.txt");
        Files.writeString(emptied, "deposit acct=5 asset=0 amount=10\nwithdraw acct=5 asset=0 amount=10\n");
        Cli.ok("run", "-i", emptied.toString(), "-d", journal("emptied").toString());
        final Cli.Result nothing = Cli.ok("balances", "-d", journal("emptied").toString(), "--account", "5");
        assertTrue(nothing.out().endsWith("accounts: 1\n"), nothing.out());
        assertTrue(nothing.err().contains("note: account 5 holds nothing (free or reserved) as of position 3: an " +
            "account has a line for each asset it holds any of"), nothing.err());
    }

    /** The first 100 rejections each with the line it came from, then how many more and where each is. */
    @Test
    void shouldNameTheLinesOfTheFirstRejectionsAndCountTheRest() throws IOException
    {
        final List<String> file = new ArrayList<>(List.of("# withdrawals of an account with nothing", ""));
        for (int i = 0; i < 130; i++)
        {
            file.add("withdraw acct=99 asset=0 amount=1");
        }
        final Path rejected = dir.resolve("rejected.txt");
        Files.write(rejected, file);
        final Cli.Result run = Cli.ok("run", "-i", rejected.toString(), "-d", journal("rejected").toString());
        // The summary's counts add up to the file's lines (a reviewer could not check them: blank lines and comments
        // were counted nowhere).
        assertEquals(130, run.number("commands"));
        assertEquals(2, run.number("blank-or-comment"));
        assertEquals(132, run.number("lines"));
        final List<String> said = run.err().lines().filter((line) -> line.contains("rejected by the exchange")).toList();
        assertEquals(100, said.size(), run.err());
        assertEquals("line 3: rejected by the exchange: UNKNOWN_ACCOUNT (position 2)", said.get(0));
        assertEquals("line 102: rejected by the exchange: UNKNOWN_ACCOUNT (position 101)", said.get(99));
        assertTrue(run.err().contains("(30 more rejected commands not shown; --events FILE writes each rejection, at its " +
            "position)"), run.err());

        final Cli.Result demo = Cli.ok("demo", "--commands", "20000");
        assertTrue(Long.parseLong(demo.value("rejected")) > 0, demo.out());
        assertFalse(demo.err().contains("rejected by the exchange"), "the demo counts them only: " + demo.err());
    }

    @Test
    void shouldDumpJournalEntriesAsCommandLines()
    {
        Cli.ok("run", "-i", commands.toString(), "-d", journal("j").toString());
        final Cli.Result settings = Cli.ok("journal", "dump", "-d", journal("j").toString(), "--to", "1");
        assertTrue(settings.value("payload").startsWith("configure settings-version=1 max-assets=64"), settings.out());
        final Cli.Result dump = Cli.ok("journal", "dump", "-d", journal("j").toString(), "--from", "3", "--to", "4");
        assertEquals(lines.get(1), dump.value("payload"));
        assertEquals(2, dump.number("entries-printed"));
        assertTrue(dump.out().contains("payload: " + lines.get(2) + "\n"), dump.out());
        assertEquals("ok", Cli.ok("journal", "verify", "-d", journal("j").toString()).value("status"));
        final Cli.Result stats = Cli.ok("journal", "stats", "-d", journal("j").toString());
        assertEquals(lines.size() + 1, stats.number("entries"));
        // Each type counted under its word in the command format, the settings as such (it said type-N: count alone).
        assertTrue(stats.out().contains("type-8: 1 (configure: the exchange's settings)\n"), stats.out());
        assertTrue(stats.out().lines().filter((line) -> line.startsWith("type-")).allMatch((line) -> line.endsWith(")")),
            stats.out());
        assertTrue(stats.out().contains(" (place)\n"), stats.out());
        final Cli.Result toolReplay = Cli.run("journal", "replay", "-d", journal("j").toString());
        assertEquals(2, toolReplay.code());
        assertTrue(toolReplay.err().contains("use 'exchange replay'"), toolReplay.err());

        final Cli.Result pastTheEnd = Cli.ok("journal", "dump", "-d", journal("j").toString(), "--from", "999999");
        assertEquals(0, pastTheEnd.number("entries-printed"));
        assertEquals("note: the journal ends at position " + (lines.size() + 1) + ", before --from 999999\n",
            pastTheEnd.err(), "a diagnostic, on stderr as replay's are");
        final Cli.Result notANumber = Cli.run("journal", "dump", "-d", journal("j").toString(), "--from", "abc");
        assertEquals(2, notANumber.code(), notANumber.toString());
        assertTrue(notANumber.err().contains("Try 'exchange journal dump --help'"), "the name the user typed: " +
            notANumber.err());
    }

    @Test
    void shouldPrintHelpForEverySubcommand()
    {
        final CommandLine commandLine = ExchangeCli.commandLine(new PrintWriter(new StringWriter()),
            new PrintWriter(new StringWriter()));
        assertTrue(Cli.ok("--help").out().contains("Usage: exchange"));
        assertEquals(List.of("generate", "run", "replay", "book", "balances", "demo", "journal", "help"),
            new ArrayList<>(commandLine.getSubcommands().keySet()));
        for (final String name : commandLine.getSubcommands().keySet())
        {
            final Cli.Result help = Cli.ok(name, "--help");
            assertTrue(help.out().contains("Usage: "), name + " --help:\n" + help);
        }
        final Cli.Result journalHelp = Cli.ok("journal", "--help");
        assertTrue(journalHelp.out().contains("dump"), "journal --help is the journal tool's");
        // A reviewer's finding: it listed replay, which 'exchange journal' always refuses, and showed its usage.
        assertFalse(journalHelp.out().contains("\n  replay "), journalHelp.out());
        // Nor does its description offer it (a later reviewer's finding).
        assertFalse(journalHelp.out().replace("\n", " ").contains("replay it to a position"), journalHelp.out());
        final Cli.Result replayHelp = Cli.run("journal", "replay", "--help");
        assertEquals(2, replayHelp.code(), replayHelp.toString());
        assertTrue(replayHelp.err().contains("use 'exchange replay'"), replayHelp.err());
        assertTrue(Cli.ok("journal", "dump", "--help").out().contains("--decoder"));
    }

    /**
     * A reviewer's finding: {@code run -d run} for {@code -d run/journal} (the README's own layout) started a second
     * journal beside the first and applied the whole file again there. It is refused, naming the directory to give,
     * and nothing is made.
     */
    @Test
    void shouldRefuseToStartAJournalInADirectoryThatHoldsOne() throws IOException
    {
        final Path session = dir.resolve("session");
        Cli.ok("run", "-i", commands.toString(), "-d", session.resolve("journal").toString());
        final List<String> before = listing(session);
        final Cli.Result refused = Cli.run("run", "-i", commands.toString(), "-d", session.toString());
        assertEquals(1, refused.code(), refused.toString());
        assertEquals("error: no journal in " + session + ", but " + session.resolve("journal") + " holds one: give " +
            "that directory to go on with it. A new journal is started only in a directory that holds none, nor one " +
            "in it\n", refused.err());
        assertEquals(before, listing(session), "nothing made");
    }

    private static List<String> listing(final Path directory) throws IOException
    {
        try (java.util.stream.Stream<Path> files = Files.list(directory))
        {
            return files.map((file) -> file.getFileName().toString()).sorted().toList();
        }
    }

    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldMatchTheReplayInASmallDemo(final Topology topology)
    {
        final Path kept = dir.resolve("demo");
        final Cli.Result demo = Cli.ok("demo", "--commands", "20000", "--topology", topology.name(),
            "--keep", kept.toString());
        assertEquals("true", demo.value("replay-matches"));
        assertEquals(demo.value("state-hash"), demo.value("replay-state-hash"));
        assertEquals(demo.number("generated-commands") + 1, demo.number("last-position"), "and the settings");
        assertTrue(Files.isRegularFile(kept.resolve("commands.txt")), "--keep keeps the work directory");
        assertEquals(kept.toString(), demo.value("kept"));
        // A newcomer's slip: the kept directory named where its journal/ is meant. The message names the journal.
        final Cli.Result above = Cli.run("replay", "-d", kept.toString());
        assertEquals(1, above.code(), above.toString());
        assertTrue(above.err().contains("no journal in " + kept + " (no Chronicle Queue files and no ringlog.meta there): " +
            kept.resolve("journal") + " holds one: give that directory"), above.toString());

        final Path keptInMemory = dir.resolve("demo-in-memory");
        final Cli.Result inMemory = Cli.ok("demo", "--commands", "20000", "--topology", topology.name(), "--in-memory",
            "--keep", keptInMemory.toString());
        assertEquals("true", inMemory.value("replay-matches"));
        assertEquals(demo.value("state-hash"), inMemory.value("state-hash"), "same seed, same state, journal or not");
        // What the help of --keep promised (journal/) is not there with --in-memory: the summary says so.
        assertEquals(keptInMemory + " (commands.txt only: --in-memory writes no journal)", inMemory.value("kept"));
        assertFalse(Files.exists(keptInMemory.resolve("journal")));

        // Without --keep, the journal it names is gone when it ends: it says so, and how to keep it (a newcomer's verify
        // of the journal line found nothing there).
        final Cli.Result temporary = Cli.ok("demo", "--commands", "2000", "--topology", topology.name());
        final String journal = temporary.value("journal");
        final Path work = Path.of(journal.substring(0, journal.indexOf(" ("))).getParent();
        assertEquals(work + " (a temporary directory, with the journal above; --keep DIR keeps them, for scripts/journal " +
            "and scripts/exchange replay to look at)", temporary.value("deleted"));
        assertFalse(Files.exists(work), "deleted, as it says");
        assertTrue(demo.find("deleted").isEmpty(), "kept, not deleted");
    }

    @Test
    void shouldPublishAtAFixedRateWhenAsked() throws IOException
    {
        final Path first = dir.resolve("first.txt");
        Files.write(first, lines.subList(0, 5_000));
        final Cli.Result paced = Cli.ok("run", "-i", first.toString(), "--in-memory", "--rate", "50000");
        assertTrue(paced.value("latency-load").startsWith("fixed rate 50000 commands/s"), paced.out());
        final double seconds = Double.parseDouble(paced.value("seconds"));
        assertTrue(seconds >= 4_999 / 50_000.0, "the last of 5,000 commands is due 0.1 s after the first: " + seconds);
        assertTrue(Cli.ok("run", "-i", first.toString(), "--in-memory").value("latency-load").startsWith("saturated"));
    }

    @Test
    void shouldExitNonZeroOnBadInput() throws IOException
    {
        final Cli.Result missingFile = Cli.run("run", "-i", dir.resolve("nope.txt").toString(), "-d", journal("j").toString());
        assertEquals(1, missingFile.code());
        assertTrue(missingFile.err().startsWith("error: cannot read command file"), missingFile.err());
        assertEquals(1, Cli.run("replay", "-d", dir.resolve("no-journal").toString()).code());
        assertEquals(2, Cli.run("run", "-i", commands.toString()).code(), "-d or --in-memory is required");
        final Cli.Result both = Cli.run("run", "-i", commands.toString(), "--in-memory", "-d", journal("both").toString());
        assertEquals(2, both.code(), both.err());
        assertTrue(both.err().startsWith("error: --in-memory keeps the journal in the heap and writes nothing to disk: " +
            "give it or --dir " + journal("both") + ", not both"), both.err());
        assertFalse(Files.exists(journal("both")), "nothing created");
        // Each wrong number is named alone, not in a list of every rule.
        for (final String[] wrong : new String[][]{
            {"--from-line", "0", "--from-line counts lines from 1: 0"},
            {"--rate", "-5", "--rate must not be negative: -5"},
            {"--snapshot-every", "-1", "--snapshot-every must not be negative: -1"}})
        {
            final Cli.Result refused = Cli.run("run", "-i", commands.toString(), "-d", journal("w").toString(), wrong[0],
                wrong[1]);
            assertEquals(2, refused.code(), refused.toString());
            assertTrue(refused.err().startsWith("error: " + wrong[2] + "\n"), refused.toString());
        }
        assertFalse(Files.exists(journal("w")), "nothing created");
        assertEquals(2, Cli.run("generate", "--preset", "nasdaq", "-o", dir.resolve("x").toString()).code());
        assertEquals(2, Cli.run("replay").code());

        Cli.ok("run", "-i", commands.toString(), "-d", journal("j").toString(), "--max-assets", "8");
        final Cli.Result otherAssets = Cli.run("run", "-i", commands.toString(), "-d", journal("j").toString(),
            "--max-assets", "16", "--append");
        assertEquals(1, otherAssets.code());
        assertTrue(otherAssets.err().contains("was written with max-assets 8"), otherAssets.err());
    }

    private Path journal(final String name)
    {
        return dir.resolve(name);
    }
}
