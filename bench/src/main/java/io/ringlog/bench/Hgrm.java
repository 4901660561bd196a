package io.ringlog.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an HdrHistogram percentile file ({@code .hgrm}, what {@code outputPercentileDistribution}
 * writes, values in microseconds) back into a chart series, so the suite can draw ringlog's and
 * exchange-core's runs, made in different JVMs, on one chart. Rows are
 * {@code value percentile totalCount 1/(1-percentile)}; the header, blank lines and the {@code #[...]}
 * summary are skipped, and so is the 100% row, which a percentile axis cannot place.
 */
public final class Hgrm
{
    private Hgrm()
    {
    }

    /** The file's distribution as a series named {@code name}; fails on a file with no rows. */
    public static LatencyChart.Series read(final Path file, final String name) throws IOException
    {
        final List<Double> percentiles = new ArrayList<>();
        final List<Double> micros = new ArrayList<>();
        for (final String line : Files.readAllLines(file))
        {
            final String[] columns = line.trim().split("\\s+");
            if (columns.length != 4 || line.startsWith("#"))
            {
                continue;
            }
            final double value;
            final double fraction;
            try
            {
                value = Double.parseDouble(columns[0]);
                fraction = Double.parseDouble(columns[1]);
            }
            catch (final NumberFormatException ex)
            {
                continue; // the column header
            }
            if (fraction < 1.0)
            {
                percentiles.add(fraction * 100.0);
                micros.add(value);
            }
        }
        if (percentiles.isEmpty())
        {
            throw new IOException(file + " has no percentile rows");
        }
        return new LatencyChart.Series(name, toArray(percentiles), toArray(micros));
    }

    private static double[] toArray(final List<Double> values)
    {
        final double[] array = new double[values.size()];
        for (int i = 0; i < array.length; i++)
        {
            array[i] = values.get(i);
        }
        return array;
    }
}
