package io.ringlog.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tiny run of the harness: three rows, none / async / sync, in the table and the CSV. */
class ReplicationBenchTest
{
    @TempDir
    Path dir;

    @Test
    void shouldMeasureNoneAsynchronousAndSynchronousSideBySide() throws Exception
    {
        final ByteArrayOutputStream console = new ByteArrayOutputStream();
        final ReplicationBench bench = new ReplicationBench().console(new PrintStream(console, true, StandardCharsets.UTF_8));
        final int code = new picocli.CommandLine(bench).execute("--commands", "2000", "--rate", "2000", "--seconds", "1",
            "--warmup", "0", "--rounds", "1", "--out", dir.toString());
        assertEquals(0, code, console.toString(StandardCharsets.UTF_8));
        final List<String> csv = Files.readAllLines(dir.resolve("replication-pipelined-2000.csv"));
        assertEquals(4, csv.size(), csv.toString());
        assertTrue(csv.get(1).startsWith("none,") && csv.get(2).startsWith("async,") && csv.get(3).startsWith("sync,"),
            csv.toString());
    }
}
