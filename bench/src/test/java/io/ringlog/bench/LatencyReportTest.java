package io.ringlog.bench;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LatencyReportTest
{
    @Test
    void shouldReadPercentilesInMicrosecondsFromNanosecondHistogram()
    {
        final Histogram histogram = new Histogram(LatencyRecorder.HIGHEST_TRACKABLE_NANOS, 3);
        for (long micros = 1; micros <= 10_000; micros++)
        {
            histogram.recordValue(micros * 1000);
        }

        // Three significant digits: each value is within 0.1% of the exact one.
        assertEquals(5_000, LatencyReport.micros(histogram, 50), 5);
        assertEquals(9_000, LatencyReport.micros(histogram, 90), 9);
        assertEquals(9_900, LatencyReport.micros(histogram, 99), 10);
        assertEquals(9_990, LatencyReport.micros(histogram, 99.9), 10);
        assertEquals(9_999, LatencyReport.micros(histogram, 99.99), 10);
        assertEquals(10_000, LatencyReport.micros(histogram, 100), 10);
    }

    @Test
    void shouldLabelPercentilesAsTheTableShowsThem()
    {
        assertEquals("p50", LatencyReport.label(50));
        assertEquals("p99.9", LatencyReport.label(99.9));
        assertEquals("p99.99", LatencyReport.label(99.99));
        assertEquals("max", LatencyReport.label(100));
    }
}
