package io.ringlog.bench.peers;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReportTest
{
    private static Report report()
    {
        final Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("trades", 3L);
        counts.put("moved", 7L);
        return new Report()
            .put("peer", "exchange-core \"0.5.3\"")
            .put("rate", 100000L)
            .put("p50-us", 25509.9)
            .put("seconds", List.of(3.104, 2.5))
            .put("kept-up", false)
            .put("counts", counts);
    }

    @Test
    void shouldPrintOneKeyValueLineAnEntry()
    {
        final StringWriter out = new StringWriter();
        report().print(new PrintWriter(out));
        assertEquals("""
            peer: exchange-core "0.5.3"
            rate: 100000
            p50-us: 25509.9
            seconds: 3.104 2.5
            kept-up: false
            counts: trades=3 moved=7
            """, out.toString());
    }

    @Test
    void shouldWriteTheSameEntriesAsOneJsonObject()
    {
        assertEquals("""
            {
              "peer": "exchange-core \\"0.5.3\\"",
              "rate": 100000,
              "p50-us": 25509.9,
              "seconds": [3.104, 2.5],
              "kept-up": false,
              "counts": {"trades": 3, "moved": 7}
            }
            """, report().json());
    }
}
