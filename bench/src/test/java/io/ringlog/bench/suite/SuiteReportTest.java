package io.ringlog.bench.suite;

import io.ringlog.bench.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SuiteReportTest
{
    @Test
    void shouldComputeEachRatioFromTheMediansOfTheRowsGiven()
    {
        final Map<String, ThroughputResult> rows = new LinkedHashMap<>();
        rows.put("pipeline-memory", row("pipeline-memory", 3.0e6, 1.0e6, 4.0e6));
        rows.put("disruptor-multi", row("disruptor-multi", 10.0e6, 9.0e6, 30.0e6, 11.0e6));

        final Ratio ratio = Ratio.ALL.stream().filter((r) -> r.id().equals("pipeline-vs-disruptor")).findFirst().orElseThrow();
        final Map<String, Object> computed = ratio.compute(rows);

        assertEquals(3.0e6 / 10.5e6, (Double)computed.get("value"), 1e-9);
        assertEquals(false, computed.get("met"));
        assertEquals(0.5, computed.get("target"));
    }

    @Test
    void shouldSayWhyARatioHasNoValueWhenARowFailed()
    {
        final Map<String, ThroughputResult> rows = new LinkedHashMap<>();
        rows.put("exchange-chronicle", row("exchange-chronicle", 1.0e6));
        rows.put("exchange-core", new ThroughputResult("exchange-core", "peer", "", "", "", "the peer exited with 1",
            List.of(), null, 0.5, ""));

        final Map<String, Object> computed = Ratio.ALL.get(0).compute(rows);

        assertNull(computed.get("value"));
        assertNull(computed.get("met"));
        assertTrue(String.valueOf(computed.get("why-none")).contains("exchange-core"), computed.toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldWriteJsonThatParsesAndATableWithEveryRow(@TempDir final Path dir) throws Exception
    {
        final SuiteReport report = new SuiteReport();
        report.put("started", "2026-12-01T10:00").put("mode", "quick").put("command", "scripts/bench suite --quick")
            .put("machine", Machine.describe()).put("load", Map.of("before", 0.5, "after", 0.7))
            .put("duration-seconds", 1).put("ringlog-version", "0.1.0").put("commit", "a04da7f0a1b2-dirty");
        report.add(row("pipeline-memory", 3.0e6));
        report.add(row("abq", 1.0e6));
        report.add(new ThroughputResult("exchange-core", "peer", "", "", "", "no JDK 17", List.of(), null, 0.5, ""));

        report.write(dir);

        final Map<String, Object> json = (Map<String, Object>)Json.parse(Files.readString(dir.resolve("results.json")));
        assertEquals(3, ((List<?>)json.get("throughput")).size());
        assertEquals(Ratio.ALL.size(), ((List<?>)json.get("ratios")).size());
        assertFalse((Boolean)json.get("ok"));
        final String md = Files.readString(dir.resolve("results.md"));
        assertTrue(md.contains("| ringlog / ArrayBlockingQueue pipeline (in-memory journal) | 3.00 | ≥ 5.0 | **no** |"), md);
        assertTrue(md.contains("(`exchange-core`) | failed: no JDK 17"), md);
        assertTrue(md.contains("## What did not run"), md);
        assertTrue(md.contains("Code: ringlog 0.1.0, commit `a04da7f0a1b2-dirty` (with uncommitted changes)."), md);
    }

    private static ThroughputResult row(final String id, final double... iterations)
    {
        final List<Double> values = new ArrayList<>();
        for (final double value : iterations)
        {
            values.add(value);
        }
        return new ThroughputResult(id, id, "measures", "PHASED", "3", null, values, 0.001, 0.5, "jmh/" + id + ".json");
    }
}
