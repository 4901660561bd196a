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
}
