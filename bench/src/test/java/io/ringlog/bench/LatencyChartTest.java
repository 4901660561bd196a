package io.ringlog.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LatencyChartTest
{
    @Test
    void shouldLabelTheLogAxisWithThePercentilesItStandsFor()
    {
        assertEquals("0%", LatencyChart.percentileLabel(1));
        assertEquals("90%", LatencyChart.percentileLabel(10));
        assertEquals("99%", LatencyChart.percentileLabel(100));
        assertEquals("99.9%", LatencyChart.percentileLabel(1_000));
        assertEquals("99.99%", LatencyChart.percentileLabel(10_000));
    }
}
