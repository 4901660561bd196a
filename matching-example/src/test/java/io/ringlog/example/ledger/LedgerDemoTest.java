package io.ringlog.example.ledger;

import io.ringlog.core.testing.SmallFileSystem;
import io.ringlog.journal.tool.CliSupport;
import io.ringlog.journal.tool.JournalTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class LedgerDemoTest
{
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--accounts 0   | --accounts must be at least 1: 0",
        "--commands -1  | --commands must not be negative: -1"})
    void shouldNameTheOneOptionThatIsWrongAndItsValue(final String options, final String message)
    {
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final CommandLine commandLine = CliSupport.configure(new CommandLine(new LedgerDemo()),
            new PrintWriter(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintWriter(err, true, StandardCharsets.UTF_8));

        final int exit = commandLine.execute(options.split(" "));

        final String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, exit, text);
        assertEquals(List.of("error: " + message, "Try 'ledger-demo --help' for more information."), text.lines().toList());
    }

    /**
     * A journal that holds entries is refused, and left as it was: the bad-input probe's refused demo rewrote
     * Chronicle's table of the journal it refused (another application's, an exchange's).
     */
    @Test
    void shouldRefuseAJournalThatHoldsEntriesWithoutTouchingIt(@TempDir final Path dir) throws Exception
    {
        final Path journal = dir.resolve("journal");
        assertEquals(0, execute(new ByteArrayOutputStream(), "--commands", "100", "--journal", journal.toString()));
        final Map<String, String> before = contents(journal);

        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int exit = execute(err, "--commands", "10", "--journal", journal.toString());
        // What is on disk, not the command line: exit 1 and one line, as a run's -d that will not do.
        assertEquals(1, exit, err.toString(StandardCharsets.UTF_8));
        assertEquals(List.of("error: --journal " + journal + " already holds entries; name a new or empty directory"),
            err.toString(StandardCharsets.UTF_8).lines().toList());
        assertEquals(before, contents(journal), "every file as it was");
    }

    /**
     * A reviewer's findings: --journal "" (a variable unset) wrote an 80 MB journal file at / and said the disk had no
     * room; and a directory holding other files (another example's journal/ and snapshots/) took the journal beside
     * them, where the help says new or empty.
     */
    @Test
    void shouldRefuseAnEmptyJournalPathAndADirectoryOfOtherFiles(@TempDir final Path dir) throws Exception
    {
        final ByteArrayOutputStream empty = new ByteArrayOutputStream();
        assertEquals(2, execute(empty, "--commands", "10", "--journal", ""), empty.toString(StandardCharsets.UTF_8));
        assertTrue(empty.toString(StandardCharsets.UTF_8).startsWith("error: Invalid value for option '--journal': it " +
            "is empty: name a path (an unset shell variable gives an empty one)"), empty.toString(StandardCharsets.UTF_8));

        final Path other = Files.createDirectories(dir.resolve("run"));
        Files.createDirectories(other.resolve("journal"));
        Files.writeString(other.resolve("notes.txt"), "x");
        final Map<String, String> before = contents(other);
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(1, execute(err, "--commands", "10", "--journal", other.toString()));
        assertEquals(List.of("error: --journal " + other + " holds other files (journal, notes.txt) and no journal; " +
            "name a new or empty directory"), err.toString(StandardCharsets.UTF_8).lines().toList());
        assertEquals(before, contents(other), "nothing written there");
        // A journal's own lock file alone (a start killed before its first entry) is not another file.
        final Path locked = Files.createDirectories(dir.resolve("locked"));
        Files.writeString(locked.resolve("ringlog.lock"), "");
        final ByteArrayOutputStream taken = new ByteArrayOutputStream();
        assertEquals(0, execute(taken, "--commands", "10", "--journal", locked.toString()),
            taken.toString(StandardCharsets.UTF_8));
    }

    /**
     * The journal's disk fills mid-run (a reviewer's 20 MB tmpfs): the demo printed one error and nothing else, told
     * the user to "start again" (which it then refused: the journal holds entries), and left its journal's last
     * document open, which {@code journal verify} called torn. Now the engine is closed, so the journal ends on
     * whole entries, and the demo says how far it got and what the journal holds, and how to use it.
     */
    @Test
    void shouldSayHowFarAHaltedRunGotAndLeaveAJournalThatVerifies(@TempDir final Path dir) throws Exception
    {
        final Path small = dir.resolve("small");
        final StringBuilder why = new StringBuilder();
        final SmallFileSystem mounted = SmallFileSystem.mount(small, "4m", why);
        assumeTrue(mounted != null, "cannot mount a tmpfs for the journal here: " + why);
        try (mounted)
        {
            final Path journal = small.resolve("journal");
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final ByteArrayOutputStream err = new ByteArrayOutputStream();
            final int exit = CliSupport.configure(new CommandLine(new LedgerDemo()),
                new PrintWriter(out, true, StandardCharsets.UTF_8), new PrintWriter(err, true, StandardCharsets.UTF_8))
                .execute("--commands", "1000000", "--journal", journal.toString());
            final String said = out.toString(StandardCharsets.UTF_8);
            final String errors = err.toString(StandardCharsets.UTF_8);

            assertEquals(1, exit, said + errors);
            assertFalse((said + errors).contains("\tat "), "no stack trace\n" + said + errors);
            final Map<String, String> values = new HashMap<>();
            said.lines().filter((line) -> line.contains(": ")).forEach((line) ->
                values.put(line.substring(0, line.indexOf(": ")), line.substring(line.indexOf(": ") + 2)));
            assertTrue(values.get("halted").contains("no room for the journal") &&
                values.get("halted").contains("No space left on device"), said);
            final long applied = Long.parseLong(values.get("applied"));
            final long journaled = Long.parseLong(values.get("journaled"));
            assertTrue(applied > 0 && journaled >= applied && journaled < 1_000_000, said);
            assertEquals(applied, Long.parseLong(values.get("accepted")) + Long.parseLong(values.get("rejected")), said);
            assertTrue(errors.startsWith("error: the engine halted after applying " + applied + " of the 1000000 " +
                "commands: journal position ") && errors.contains("No space left on device") && errors.contains("; " +
                journal + " holds positions 1.." + journaled + ", whole: 'scripts/journal verify -d " + journal +
                "' reads it"), errors);
            // Said once on stderr, not also by the engine's error handler.
            assertEquals(1, errors.lines().count(), errors);
            assertTrue(errors.contains("run it with a new --journal directory"), errors);

            // What it says the journal holds is what verify reads, and nothing is torn.
            final ByteArrayOutputStream verified = new ByteArrayOutputStream();
            final int verify = JournalTool.run(new PrintWriter(verified, true, StandardCharsets.UTF_8),
                new PrintWriter(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "verify", "-d",
                journal.toString());
            final String report = verified.toString(StandardCharsets.UTF_8);
            assertEquals(0, verify, report);
            assertTrue(report.contains("last-position: " + journaled + "\n") && report.contains("status: ok"), report);
        }
    }

    /** A disk too full for the first entry: said as no entry, not "positions 1..0" (a reviewer's finding). */
    @Test
    void shouldSayTheJournalHoldsNoEntryWhenTheDiskIsFullBeforeTheFirst(@TempDir final Path dir) throws Exception
    {
        final Path small = dir.resolve("small");
        final StringBuilder why = new StringBuilder();
        final SmallFileSystem mounted = SmallFileSystem.mount(small, "4m", why);
        assumeTrue(mounted != null, "cannot mount a tmpfs for the journal here: " + why);
        try (mounted)
        {
            mounted.ballast((4096 - 600) * 1024);
            final ByteArrayOutputStream err = new ByteArrayOutputStream();
            final int exit = execute(err, "--commands", "5000", "--journal", small.resolve("journal").toString());
            final String errors = err.toString(StandardCharsets.UTF_8);
            assertEquals(1, exit, errors);
            assertTrue(errors.contains(small.resolve("journal") + " holds no entry: 'scripts/journal verify -d "), errors);
            assertFalse(errors.contains("1..0"), errors);
        }
    }

    private static int execute(final ByteArrayOutputStream err, final String... args)
    {
        return CliSupport.configure(new CommandLine(new LedgerDemo()),
            new PrintWriter(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintWriter(err, true, StandardCharsets.UTF_8)).execute(args);
    }

    /** Each file's name and a digest of its bytes. */
    private static Map<String, String> contents(final Path dir) throws Exception
    {
        final Map<String, String> files = new HashMap<>();
        try (java.util.stream.Stream<Path> listing = Files.list(dir))
        {
            for (final Path file : (Iterable<Path>)listing::iterator)
            {
                if (Files.isRegularFile(file))
                {
                    files.put(file.getFileName().toString(), java.util.HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
                }
            }
        }
        return files;
    }
}
