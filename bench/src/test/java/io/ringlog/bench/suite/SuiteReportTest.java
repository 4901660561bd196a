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
        assertTrue(md.lines().skip(2).findFirst().orElseThrow().startsWith("**A `--quick` run"), md);
        assertFalse(md.contains("busy before the run started") || md.contains("The load rose"), md);
    }

    @Test
    void shouldSayTheLoadWasHighBeforeAndRoseDuringTheRunEachOnItsOwn(@TempDir final Path dir) throws Exception
    {
        for (final double before : new double[]{0.5, 2.0})
        {
            final SuiteReport report = new SuiteReport();
            report.put("started", "2026-12-01T10:00").put("mode", "full").put("command", "scripts/bench")
                .put("machine", Machine.describe()).put("load", Map.of("before", before, "after", 45.0))
                .put("duration-seconds", 1).put("ringlog-version", "0.1.0");
            report.add(row("pipeline-memory", 3.0e6));

            report.write(dir);

            final String md = Files.readString(dir.resolve("results.md"));
            assertEquals(before >= SuiteReport.BUSY_LOAD, md.contains("busy before the run started"), md);
            assertTrue(md.contains("The load rose above what the suite's own threads explain"), md);
            assertFalse(md.contains("--quick"), md);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldShowEachReplicationModeAndDivideItsThroughputByNone(@TempDir final Path dir) throws Exception
    {
        final SuiteReport report = new SuiteReport();
        report.put("started", "2026-12-01T10:00").put("mode", "quick").put("command", "scripts/bench suite --quick")
            .put("machine", Machine.describe()).put("load", Map.of("before", 0.5, "after", 0.7)).put("duration-seconds", 1);
        final Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("topology", "PIPELINED");
        figures.put("wait-strategy", "PARKING");
        figures.put("replication-idle-strategy", "BackoffIdleStrategy");
        figures.put("modes", List.of(mode("none", 1_000_000, 40.0), mode("async", 800_000, 50.0),
            mode("sync", 250_000, 1_500.0)));
        report.add(new ReplicationResult("ReplicationBench, 1 round(s)", null, figures, 0.6,
            "logs/replication.log, replication/replication.json"));

        report.write(dir);

        final Map<String, Object> json = (Map<String, Object>)Json.parse(Files.readString(dir.resolve("results.json")));
        assertEquals(1, ((List<?>)json.get("replication")).size());
        final Map<String, Double> ratios = new LinkedHashMap<>();
        for (final Object ratio : (List<?>)json.get("ratios"))
        {
            final Map<String, Object> each = (Map<String, Object>)ratio;
            if (each.get("value") != null)
            {
                ratios.put((String)each.get("id"), Json.number(each, "value"));
            }
        }
        assertEquals(0.8, ratios.get("replication-async-vs-none"), 1e-9);
        assertEquals(0.25, ratios.get("replication-sync-vs-none"), 1e-9);
        assertTrue((Boolean)json.get("ok"));
        final String md = Files.readString(dir.resolve("results.md"));
        assertTrue(md.contains("## Replication: none / asynchronous / synchronous"), md);
        assertTrue(md.contains("| none | 1.00M | 100K | 40.0 | 80.0 | 120.0 | 1,200 | — | — | — | PARKING (replication " +
            "agents: BackoffIdleStrategy) | PIPELINED | 4 + 1 producer = 5 |"), md);
        assertTrue(md.contains("| sync | 250K | 61K (fell behind) | 1,500 | 3,000 |"), md);
        assertTrue(md.contains("| replication: synchronous / none (one pass each) | 0.25 | — | — |"), md);
    }

    @Test
    void shouldSayWhyTheReplicationRowsHaveNoFiguresWhenTheRunFailed(@TempDir final Path dir) throws Exception
    {
        final SuiteReport report = new SuiteReport();
        report.put("started", "2026-12-01T10:00").put("mode", "quick").put("command", "scripts/bench suite --quick")
            .put("machine", Machine.describe()).put("load", Map.of("before", 0.5, "after", 0.7)).put("duration-seconds", 1);
        report.add(new ReplicationResult("ReplicationBench", "ReplicationBench exited with 1; see logs/replication.log",
            Map.of(), 0.6, "logs/replication.log"));

        report.write(dir);

        assertFalse(report.ok());
        final String md = Files.readString(dir.resolve("results.md"));
        assertTrue(md.contains("| async | failed: ReplicationBench exited with 1"), md);
        assertTrue(md.contains("- replication: ReplicationBench exited with 1"), md);
    }

    private static Map<String, Object> mode(final String mode, final long commandsPerSecond, final double p50)
    {
        final Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("mode", mode);
        figures.put("commands-per-s", commandsPerSecond);
        // The sync mode's producer fell behind the fixed rate of 100K/s.
        figures.put("achieved-rate", mode.equals("sync") ? 61_000L : 100_000L);
        figures.put("kept-up", !mode.equals("sync"));
        figures.put("latency-p50-us", p50);
        figures.put("latency-p99-us", p50 * 2);
        figures.put("latency-p99.9-us", p50 * 3);
        figures.put("latency-max-us", p50 * 30);
        if (!mode.equals("none"))
        {
            figures.put("ack-p50-us", 20.0);
            figures.put("ack-p99-us", 90.0);
            figures.put("max-lag-positions", 12L);
        }
        figures.put("threads", "4 + 1 producer = 5");
        return figures;
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
