package io.ringlog.bench;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HgrmTest
{
    @Test
    void shouldReadTheDistributionHdrHistogramWrote(@TempDir final Path dir) throws Exception
    {
        final Histogram histogram = new Histogram(LatencyRecorder.HIGHEST_TRACKABLE_NANOS, 3);
        for (long micros = 1; micros <= 1_000; micros++)
        {
            histogram.recordValue(micros * 1000);
        }
        final Path file = dir.resolve("run.hgrm");
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8))
        {
            histogram.outputPercentileDistribution(out, 1000.0);
        }

        final LatencyChart.Series series = Hgrm.read(file, "run");

        assertEquals("run", series.name());
        final double[] percentiles = series.percentiles();
        assertTrue(percentiles[percentiles.length - 1] < 100.0, "the 100% row is left out");
        for (int i = 0; i < percentiles.length; i++)
        {
            if (percentiles[i] >= 50.0)
            {
                assertEquals(500, series.micros()[i], 5);
                break;
            }
        }
        LatencyChart.write(dir.resolve("chart.png"), "two runs", List.of(series,
            LatencyChart.series("the same, from the histogram", histogram)));
        assertTrue(Files.size(dir.resolve("chart.png")) > 1_000);
    }
}
