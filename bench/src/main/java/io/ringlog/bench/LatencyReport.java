package io.ringlog.bench;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What a latency run leaves behind: a percentile table on the console, the corrected histogram as
 * an HdrHistogram {@code .hgrm} percentile file (values in microseconds, readable by the
 * HdrHistogram plotter), and a CSV with one row per percentile that runs can be appended from.
 */
public final class LatencyReport
{
    /** The percentiles reported; 100 is the maximum. */
    public static final double[] PERCENTILES = {50, 90, 99, 99.9, 99.99, 100};
    static final String CSV_HEADER = "topology,wait_strategy,rate_per_s,percentile,corrected_us,service_us";
    private static final double NANOS_PER_MICRO = 1000.0;

    private final String topology;
    private final String waitStrategy;
    private final long rate;
    private final Histogram corrected;
    private final Histogram service;

    public LatencyReport(
        final String topology, final String waitStrategy, final long rate, final Histogram corrected, final Histogram service)
    {
        this.topology = topology;
        this.waitStrategy = waitStrategy;
        this.rate = rate;
        this.corrected = corrected;
        this.service = service;
    }

    /** Latency at {@code percentile} in microseconds; 100 gives the maximum. */
    static double micros(final Histogram histogram, final double percentile)
    {
        final long nanos = percentile >= 100 ? histogram.getMaxValue() : histogram.getValueAtPercentile(percentile);
        return nanos / NANOS_PER_MICRO;
    }

    static String label(final double percentile)
    {
        if (percentile >= 100)
        {
            return "max";
        }
        return "p" + (percentile == Math.rint(percentile) ? Long.toString((long)percentile) : Double.toString(percentile));
    }

    public void printTable(final PrintStream out)
    {
        out.printf(Locale.ROOT, "%-8s %16s %16s%n", "", "corrected (us)", "service (us)");
        for (final double percentile : PERCENTILES)
        {
            out.printf(Locale.ROOT, "%-8s %16.1f %16.1f%n",
                label(percentile), micros(corrected, percentile), micros(service, percentile));
        }
        out.printf(Locale.ROOT, "%-8s %16d %16d%n", "count", corrected.getTotalCount(), service.getTotalCount());
    }

    /** The base name of this run's files: {@code latency-<topology>-<wait>-<rate>}. */
    public String baseName()
    {
        return "latency-" + topology.toLowerCase(Locale.ROOT) + "-" + waitStrategy.toLowerCase(Locale.ROOT) + "-" + rate;
    }

    /** Writes {@code <baseName>.hgrm} and {@code <baseName>.csv} into {@code dir}, creating it; returns the CSV. */
    public Path write(final Path dir) throws IOException
    {
        Files.createDirectories(dir);
        try (PrintStream hgrm = new PrintStream(
            Files.newOutputStream(dir.resolve(baseName() + ".hgrm")), false, StandardCharsets.UTF_8))
        {
            corrected.outputPercentileDistribution(hgrm, NANOS_PER_MICRO);
        }
        final Path csv = dir.resolve(baseName() + ".csv");
        try (Writer writer = Files.newBufferedWriter(csv, StandardCharsets.UTF_8))
        {
            writer.write(CSV_HEADER);
            writer.write('\n');
            for (final double percentile : PERCENTILES)
            {
                writer.write(String.format(Locale.ROOT, "%s,%s,%d,%s,%.3f,%.3f%n", topology, waitStrategy, rate,
                    label(percentile), micros(corrected, percentile), micros(service, percentile)));
            }
        }
        return csv;
    }
}
