package io.ringlog.example.ledger;

import io.ringlog.journal.tool.CliSupport;
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
        assertEquals(2, exit, err.toString(StandardCharsets.UTF_8));
        assertEquals("error: --journal " + journal + " already holds entries; name a new or empty directory",
            err.toString(StandardCharsets.UTF_8).lines().findFirst().orElse(""));
        assertEquals(before, contents(journal), "every file as it was");
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
