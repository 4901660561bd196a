package io.ringlog.bench;

import io.ringlog.core.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencyHarnessTest
{
    @Test
    void shouldMeasureFromTheIntendedSendTimeNotTheActualOne()
    {
        final LatencyRecorder recorder = new LatencyRecorder(1_000);

        // Meant for t=1000, held up until 9000, received at 9100.
        recorder.record(1_000, 9_000, 9_100);

        assertEquals(8_100, recorder.corrected().getMaxValue(), 8);
        assertEquals(100, recorder.service().getMaxValue());
    }

    @Test
    void shouldNotRecordWarmUpCommands()
    {
        final LatencyRecorder recorder = new LatencyRecorder(1_000);

        recorder.record(999, 999, 5_000);

        assertEquals(0, recorder.corrected().getTotalCount());
    }

    @ParameterizedTest
    @EnumSource(Topology.class)
    @Timeout(30)
    void shouldRecordEveryMeasuredCommandAndWriteTheFiles(final Topology topology, @TempDir final Path dir)
    {
        final ByteArrayOutputStream console = new ByteArrayOutputStream();
        final LatencyHarness harness = new LatencyHarness().console(new PrintStream(console, true, StandardCharsets.UTF_8));

        final int exit = LatencyHarness.commandLine(harness).execute("--rate", "2000", "--seconds", "1", "--warmup", "0",
            "--topology", topology.name(), "--wait", "phased", "--out", dir.toString());

        assertEquals(0, exit, console.toString(StandardCharsets.UTF_8));
        assertEquals(2000, harness.recorder().corrected().getTotalCount());
        final String baseName = "latency-" + topology.name().toLowerCase() + "-phased-2000";
        final List<String> csv = readLines(dir.resolve(baseName + ".csv"));
        assertEquals(LatencyReport.CSV_HEADER, csv.get(0));
        assertEquals(1 + LatencyReport.PERCENTILES.length, csv.size());
        assertTrue(csv.get(csv.size() - 1).startsWith(topology.name() + ",PHASED,2000,max,"), csv.toString());
        assertTrue(readLines(dir.resolve(baseName + ".hgrm")).stream().anyMatch((line) -> line.startsWith("#[Max")));
        assertTrue(console.toString(StandardCharsets.UTF_8).contains("cores available"));
    }

    private static List<String> readLines(final Path path)
    {
        try
        {
            return Files.readAllLines(path);
        }
        catch (final java.io.IOException ex)
        {
            throw new AssertionError("cannot read " + path, ex);
        }
    }
}
