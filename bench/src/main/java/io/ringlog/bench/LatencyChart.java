package io.ringlog.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A PNG of latency percentile distributions, drawn the way HdrHistogram's plotter draws them: the x
 * axis is 1 / (1 - percentile) on a log scale, so 90%, 99%, 99.9% ... are evenly spaced and the tail
 * gets the room it deserves; latency on a log scale, in microseconds. One run (its corrected and
 * service histograms) or several side by side ({@link Series}, e.g. read from {@code .hgrm} files).
 */
public final class LatencyChart
{
    private static final int TICKS_PER_HALF_DISTANCE = 5;
    /** A log axis cannot show zero; nothing is measured below a nanosecond. */
    private static final double FLOOR_MICROS = 0.001;

    /** One line of a chart: percentiles (0 to below 100) and the latency at each, in microseconds. */
    public record Series(String name, double[] percentiles, double[] micros)
    {
    }

    private LatencyChart()
    {
    }

    /** Draws the corrected and service distributions of one run: a PNG's bytes. */
    public static byte[] draw(final String title, final Histogram corrected, final Histogram service) throws IOException
    {
        return draw(title, List.of(series("corrected (from intended send time)", corrected),
            series("service (from ingress timestamp)", service)));
    }

    /** Draws each series, in order, into {@code png}, whole or not at all; series with no points are left out. */
    public static void write(final Path png, final String title, final List<Series> series) throws IOException
    {
        // Drawn in memory, written whole: a full disk left a reviewer's PNG half written.
        ResultFiles.write(png, draw(title, series));
    }

    /** Draws each series, in order: a PNG's bytes. */
    public static byte[] draw(final String title, final List<Series> series) throws IOException
    {
        final XYChart chart = new XYChartBuilder().width(900).height(540).title(title)
            .xAxisTitle("percentile").yAxisTitle("latency (us)").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setXAxisTickLabelsFormattingFunction(LatencyChart::percentileLabel);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setMarkerSize(0);
        for (final Series line : series)
        {
            addSeries(chart, line);
        }
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        if (!ImageIO.write(BitmapEncoder.getBufferedImage(chart), "png", bytes))
        {
            throw new IOException("no PNG writer in this JDK");
        }
        return bytes.toByteArray();
    }

    /** A histogram's distribution as a series, a few points per halving of the distance to 100%. */
    public static Series series(final String name, final Histogram histogram)
    {
        final List<Double> percentiles = new ArrayList<>();
        final List<Double> micros = new ArrayList<>();
        for (final HistogramIterationValue value : histogram.percentiles(TICKS_PER_HALF_DISTANCE))
        {
            final double percentile = value.getPercentileLevelIteratedTo();
            if (percentile >= 100.0)
            {
                break;
            }
            percentiles.add(percentile);
            micros.add(value.getValueIteratedTo() / 1000.0);
        }
        return new Series(name, percentiles.stream().mapToDouble(Double::doubleValue).toArray(),
            micros.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static void addSeries(final XYChart chart, final Series line)
    {
        final List<Double> x = new ArrayList<>();
        final List<Double> y = new ArrayList<>();
        for (int i = 0; i < line.percentiles().length; i++)
        {
            final double percentile = line.percentiles()[i];
            if (percentile >= 100.0)
            {
                break;
            }
            x.add(1.0 / (1.0 - percentile / 100.0));
            y.add(Math.max(FLOOR_MICROS, line.micros()[i]));
        }
        if (!x.isEmpty())
        {
            final XYSeries series = chart.addSeries(line.name(), x, y);
            series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        }
    }

    /** The percentile an x of 1 / (1 - p) stands for: 10 is 90%, 1000 is 99.9%. */
    static String percentileLabel(final double x)
    {
        final double percentile = 100.0 * (1.0 - 1.0 / x);
        final int decimals = Math.max(0, (int)Math.round(Math.log10(x)) - 2);
        return String.format(Locale.ROOT, "%." + decimals + "f%%", percentile);
    }
}
