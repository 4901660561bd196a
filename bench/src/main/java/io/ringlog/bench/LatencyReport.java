package io.ringlog.bench;

import org.HdrHistogram.Histogram;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a latency run leaves behind: a percentile table on the console, the corrected histogram as
 * an HdrHistogram {@code .hgrm} percentile file (values in microseconds, readable by the
 * HdrHistogram plotter) and the service histogram beside it ({@code -service.hgrm}), and a CSV with
 * one row per percentile that runs can be appended from: each row names the workload, journal,
 * listener placement, topology, wait strategy and rate it was measured with.
 */
public final class LatencyReport
{
    /** The percentiles reported; 100 is the maximum. */
    public static final double[] PERCENTILES = {50, 90, 99, 99.9, 99.99, 100};
    static final String CSV_HEADER =
        "workload,journal,listener,topology,wait_strategy,rate_per_s,percentile,corrected_us,service_us,achieved_per_s," +
            "kept_up";
    private static final double NANOS_PER_MICRO = 1000.0;

    private final String prefix;
    private final String workload;
    private final String journal;
    private final String listener;
    private final String topology;
    private final String waitStrategy;
    private final long rate;
    private final Histogram corrected;
    private final Histogram service;
    /** The rate the run sent at, and whether it kept the asked rate: a reviewer read a backlog's p50 as latency. */
    private final long achieved;
    private final boolean keptUp;

    /**
     * A report whose files start with {@code prefix}; {@code workload}, {@code journal} and {@code listener}
     * (the placement) go into the CSV's rows, as do the topology, wait strategy and rate.
     */
    public LatencyReport(
        final String prefix,
        final String workload,
        final String journal,
        final String listener,
        final String topology,
        final String waitStrategy,
        final long rate,
        final Histogram corrected,
        final Histogram service,
        final long achieved,
        final boolean keptUp)
    {
        this.prefix = prefix;
        this.workload = workload;
        this.journal = journal;
        this.listener = listener;
        this.topology = topology;
        this.waitStrategy = waitStrategy;
        this.rate = rate;
        this.corrected = corrected;
        this.service = service;
        this.achieved = achieved;
        this.keptUp = keptUp;
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

    /** The base name of this run's files: {@code <prefix>-<topology>-<wait>-<rate>}. */
    public String baseName()
    {
        return prefix + "-" + topology.toLowerCase(Locale.ROOT) + "-" + waitStrategy.toLowerCase(Locale.ROOT) + "-" + rate;
    }

    /**
     * Writes {@code <baseName>.hgrm}, {@code <baseName>-service.hgrm} and {@code <baseName>.csv} into
     * {@code dir}, creating it; returns the CSV.
     */
    public Path write(final Path dir) throws IOException
    {
        return write(dir, Map.of());
    }

    /** {@link #write(Path)}, with {@code more} files (the run's chart) replaced together with these. */
    public Path write(final Path dir, final Map<Path, byte[]> more) throws IOException
    {
        final Map<Path, byte[]> files = new LinkedHashMap<>();
        files.put(dir.resolve(baseName() + ".hgrm"), hgrm(corrected));
        files.put(dir.resolve(baseName() + "-service.hgrm"), hgrm(service));
        final Path csv = dir.resolve(baseName() + ".csv");
        final StringBuilder text = new StringBuilder(CSV_HEADER).append('\n');
        for (final double percentile : PERCENTILES)
        {
            text.append(String.format(Locale.ROOT, "%s,%s,%s,%s,%s,%d,%s,%.3f,%.3f,%d,%s%n", workload, journal,
                listener, topology, waitStrategy, rate, label(percentile), micros(corrected, percentile),
                micros(service, percentile), achieved, keptUp));
        }
        files.put(csv, text.toString().getBytes(StandardCharsets.UTF_8));
        files.putAll(more);
        // One result: the histograms and the CSV replace an earlier run's together, or none of them does.
        ResultFiles.writeAll(files);
        return csv;
    }

    /** The percentiles of {@link #PERCENTILES} in microseconds, keyed {@code <prefix>-p50-us} ... {@code <prefix>-max-us}. */
    public static Map<String, Object> percentiles(final String prefix, final Histogram histogram)
    {
        final Map<String, Object> values = new LinkedHashMap<>();
        for (final double percentile : PERCENTILES)
        {
            values.put(prefix + "-" + label(percentile) + "-us", Math.round(micros(histogram, percentile) * 10) / 10.0);
        }
        return values;
    }

    /** The histogram's percentile file, in memory: a PrintStream on the file swallowed a full disk's error. */
    private static byte[] hgrm(final Histogram histogram)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream hgrm = new PrintStream(bytes, false, StandardCharsets.UTF_8))
        {
            histogram.outputPercentileDistribution(hgrm, NANOS_PER_MICRO);
        }
        return bytes.toByteArray();
    }
}
