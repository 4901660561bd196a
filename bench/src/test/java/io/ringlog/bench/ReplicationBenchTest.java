package io.ringlog.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tiny run of the harness: three rows, none / async / sync, in the table, the CSV and the JSON. */
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
            "--warmup", "0", "--rounds", "1", "--out", dir.toString(), "--json", dir.resolve("replication.json").toString());
        assertEquals(0, code, console.toString(StandardCharsets.UTF_8));
        final List<String> csv = Files.readAllLines(dir.resolve("replication-pipelined-2000.csv"));
        assertEquals(4, csv.size(), csv.toString());
        assertTrue(csv.get(1).startsWith("none,") && csv.get(2).startsWith("async,") && csv.get(3).startsWith("sync,"),
            csv.toString());
        @SuppressWarnings("unchecked")
        final Map<String, Object> json = (Map<String, Object>)Json.parse(Files.readString(dir.resolve("replication.json")));
        assertEquals("PARKING", json.get("wait-strategy"));
        final List<?> modes = (List<?>)json.get("modes");
        assertEquals(List.of("none", "async", "sync"), modes.stream().map((mode) -> ((Map<?, ?>)mode).get("mode")).toList());
        for (final Object mode : modes)
        {
            final Map<?, ?> figures = (Map<?, ?>)mode;
            assertTrue(((Number)figures.get("commands-per-s")).doubleValue() > 0, figures.toString());
            assertEquals(2000L, figures.get("latency-count"), figures.toString());
            assertTrue(figures.get("latency-p99.9-us") instanceof Number, figures.toString());
            // The rate the fixed-rate run sent at, so a reader can tell a latency measured at a lower load.
            final long achieved = ((Number)figures.get("achieved-rate")).longValue();
            assertTrue(achieved > 0, figures.toString());
            assertEquals(achieved >= 2000 * LatencyHarness.KEPT_UP, figures.get("kept-up"), figures.toString());
        }
        // Without replication, the engine's threads alone: not the JVM-wide helpers the first mode happens to start.
        assertEquals(Map.of("primary-journal", 1L, "primary-logic", 1L, "primary-listener-latency", 1L,
            "ringlog-touch-ahead-journal", 1L), ((Map<?, ?>)modes.get(0)).get("thread-names"), modes.get(0).toString());
        final String said = console.toString(StandardCharsets.UTF_8);
        assertTrue(said.contains("sent at/s  kept up"), said);
        // The console names the wait strategy and each mode's threads, as the other harnesses do, not only --json.
        assertTrue(said.contains("ringlog replication: topology=PIPELINED wait=PARKING "), said);
        assertTrue(said.contains("max lag  threads"), said);
        // No standby: no acknowledgement and no lag to report, where the CSV said 0.0 and the table '-'.
        assertTrue(csv.get(1).endsWith(",,,"), csv.get(1));
        assertTrue(csv.get(3).matches(".*,[0-9.]+,[0-9.]+,[0-9]+"), csv.get(3));
        assertEquals("mode,commands_per_s,achieved_rate,kept_up,p50_us", csv.get(0).substring(0, 48));
    }
}
