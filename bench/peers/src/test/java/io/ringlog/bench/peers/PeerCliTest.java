package io.ringlog.bench.peers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeerCliTest
{
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(final String... args)
    {
        return PeerCli.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    }

    @Test
    void shouldPrintKeyValueLinesAndTheSameAsJson(@TempDir final Path dir) throws IOException
    {
        final Path json = dir.resolve("peer.json");
        final int status = run("throughput", "-i", ExchangeCorePeerTest.resource(ExchangeCorePeerTest.GENERATED).toString(),
            "--setup", "5001", "--wait", "blocking", "--warmup", "0", "--iterations", "2", "--json", json.toString());

        assertEquals(0, status, err.toString());
        final String text = out.toString();
        for (final String line : new String[]{"peer: exchange-core", "peer-version: 0.5.3", "mode: throughput",
            "setup-commands: 5001", "setup-rule: given", "flow-commands: 20000", "wait-strategy: BLOCKING",
            "matching-engines: 1", "risk-engines: 1", "iterations: 2", "flow-results: 20000"})
        {
            assertTrue(text.contains(line + "\n"), "missing '" + line + "' in:\n" + text);
        }
        assertTrue(text.matches("(?s).*\nthroughput-median: \\d+\n.*"), text);
        assertTrue(text.matches("(?s).*\nthreads: \\d+ exchange-core \\+ 1 submitting = \\d+\n.*"), text);

        final String written = Files.readString(json);
        assertTrue(written.startsWith("{\n  \"peer\": \"exchange-core\""), written);
        assertTrue(written.matches("(?s).*\"throughput-median\": \\d+,.*"), written);
        assertTrue(written.contains("\"flow-counts\": {\"trades\": 1517, "), written);
    }

    @Test
    void shouldFailWithTheLineOfAMalformedCommand(@TempDir final Path dir) throws IOException
    {
        final Path file = dir.resolve("bad.txt");
        Files.writeString(file, "instrument sym=1 base=1 quote=0 tick=1 lot=1\nplace oid=1\n");

        assertEquals(1, run("throughput", "-i", file.toString()));
        assertTrue(err.toString().contains("error: line 2: missing sym= acct= side= type= price= qty=: place oid=1"), err.toString());
    }

    @Test
    void shouldRefuseALatencyRunLongerThanTheFile()
    {
        assertEquals(1, run("latency", "-i", ExchangeCorePeerTest.resource(ExchangeCorePeerTest.GENERATED).toString(),
            "--rate", "100000", "--seconds", "1", "--warmup", "0"));
        assertTrue(err.toString().contains("needs 100000 flow commands; the file has 20000"), err.toString());
    }

    /**
     * A reviewer's findings: these were measured (--group-limit 0 a hundred times slower, printed as a result), failed in
     * exchange-core's words with exit 1 (--ring-size 1000), or failed after the whole run (an unwritable --json, in the
     * words for a missing input file; a directory as -i, with a stack trace). Each is a usage error now, before the file
     * is read: one line saying what is wrong, one saying where help is, exit 2.
     */
    @Test
    void shouldRefuseWhatTheOptionsCannotMeanBeforeReadingTheFile(@TempDir final Path dir) throws Exception
    {
        final String input = ExchangeCorePeerTest.resource(ExchangeCorePeerTest.GENERATED).toString();
        final Path aFile = Files.writeString(dir.resolve("a-file"), "");
        final String[][] refusals = {
            {"--group-limit 0: the most commands in a group, 1 or more", "throughput", "-i", input, "--group-limit", "0"},
            {"--group-ns -1: the longest a group lasts in ns, 1 or more", "throughput", "-i", input, "--group-ns", "-1"},
            {"--ring-size 1000: a power of two, 2 or more (1024, 2048, 32768)", "throughput", "-i", input, "--ring-size",
                "1000"},
            {"--setup -5: the file's set-up commands, 0 or more (left out: found from the file)", "throughput", "-i",
                input, "--setup", "-5"},
            {"-i " + dir + " is a directory; give a command file (scripts/exchange generate writes one)", "throughput",
                "-i", dir.toString()},
            {"-i " + dir.resolve("nope.txt") + ": no such file (make one with scripts/exchange generate --preset " +
                "exchange-core, as bench/peers/README.md shows)", "throughput", "-i", dir.resolve("nope.txt").toString()},
            // Named as typed (a reviewer's: the refusal said -i where --input was typed).
            {"--input " + dir + " is a directory; give a command file (scripts/exchange generate writes one)",
                "throughput", "--input", dir.toString()},
            {"--input " + dir.resolve("nope.txt") + ": no such file (make one with scripts/exchange generate --preset " +
                "exchange-core, as bench/peers/README.md shows)", "latency", "--rate", "1000",
                "--input=" + dir.resolve("nope.txt")},
            {"--json " + dir + ": is a directory; give a file name", "throughput", "-i", input, "--json", dir.toString()},
            {"--json " + aFile.resolve("r.json") + ": " + aFile + " is a file, not a directory", "throughput", "-i", input,
                "--json", aFile.resolve("r.json").toString()},
            {"--out " + aFile + ": " + aFile + " is a file, not a directory", "latency", "-i", input, "--rate", "1000",
                "--out", aFile.toString()},
            {"--rate 4611686018427387904 for 13 s is more commands than a run can count: lower --rate or --seconds",
                "latency", "-i", input, "--rate", "4611686018427387904"}};
        for (final String[] refusal : refusals)
        {
            err.getBuffer().setLength(0);
            final String[] args = java.util.Arrays.copyOfRange(refusal, 1, refusal.length);
            assertEquals(2, run(args), err.toString());
            assertEquals("error: " + refusal[0] + "\nTry 'bench/peers/peer " + refusal[1] + " --help' for more " +
                "information.\n", err.toString());
        }
    }

    /** A reviewer's truncated .gz ended in "the run failed" and a stack trace: one line naming the file. */
    @Test
    void shouldSayAFileItCannotReadInOneLine(@TempDir final Path dir) throws Exception
    {
        // The resource is gzipped already: half of it.
        final byte[] zipped = Files.readAllBytes(ExchangeCorePeerTest.resource(ExchangeCorePeerTest.GENERATED));
        final Path truncated = Files.write(dir.resolve("cut.txt.gz"), java.util.Arrays.copyOf(zipped, zipped.length / 2));

        assertEquals(1, run("throughput", "-i", truncated.toString(), "--warmup", "0", "--iterations", "1"));
        assertEquals("error: cannot read " + truncated + ": Unexpected end of ZLIB input stream (a truncated or " +
            "damaged gzip file?)", err.toString().strip());
    }
}
