package io.ringlog.outside;

import io.ringlog.bench.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The benchmark suite as a user runs it, {@code scripts/bench suite --quick --out DIR}, end to end: every
 * row runs (JMH in the suite's JVM for a moment each, exchange-core in its own, one latency rate for a
 * second, replication none / async / sync for a second each), and what it leaves parses, names every row,
 * and holds ratios computed from this run's own figures: each ratio is recomputed here from JMH's JSON, the
 * peer's and ReplicationBench's, not from the suite's summary.
 * Its figures mean nothing; the full suite is {@code scripts/bench}.
 */
class BenchSuiteIT
{
    private static final Duration SUITE = Duration.ofMinutes(4);
    private static final List<String> JMH_ROWS = List.of("disruptor-multi", "disruptor-multi-cursor",
        "disruptor-multi-ring-16k", "disruptor-single",
        "pipeline-memory",
        "pipeline-chronicle", "pipeline-chronicle-no-touch-ahead", "pipeline-memory-phased", "pipeline-memory-yielding",
        "pipeline-memory-busy-spin",
        "pipeline-memory-batching", "pipeline-memory-batch-publish", "pipeline-memory-single-publisher",
        "pipeline-memory-inline", "pipeline-memory-ring-16k", "abq", "exchange-logic", "exchange-memory", "exchange-chronicle",
        "exchange-chronicle-no-touch-ahead", "exchange-chronicle-windowed", "exchange-chronicle-pinned", "exchange-chronicle-inline",
        "exchange-chronicle-inline-preallocated",
        "exchange-chronicle-publish-one");
    private static final List<String> TARGETS = List.of("exchange-vs-exchange-core", "pipeline-vs-disruptor",
        "journaled-vs-in-memory", "ringlog-vs-abq");

    @TempDir
    Path temp;

    @Test
    @SuppressWarnings("unchecked")
    void shouldRunEveryRowAndComputeTheRatiosFromItsOwnFigures() throws Exception
    {
        final Shell shell = new Shell(Repository.sessionDirectory(temp), Map.of("RINGLOG_NO_BUILD", "1"));
        final Path out = temp.resolve("suite");

        final Shell.Result result = shell.run("scripts/bench suite --quick --out " + out, SUITE);

        UserOutput.assertNoStackTrace(result);
        final boolean peerRuns = Runtime.version().feature() == 17;
        if (peerRuns)
        {
            result.expectOk();
        }
        final Map<String, Object> json = (Map<String, Object>)Json.parse(read(out.resolve("results.json")));
        final String md = read(out.resolve("results.md"));

        final Map<String, Object> machine = Json.object(json, "machine");
        for (final String key : new String[]{"arch", "cpu-model", "cores", "memory-gib", "jdk"})
        {
            assertNotNull(machine.get(key), key);
        }
        assertTrue(md.contains("Machine: " + machine.get("arch") + ", " + machine.get("cpu-model")), md);
        assertTrue(md.contains("Code: ringlog " + json.get("ringlog-version") + ", commit `" + json.get("commit") + "`"), md);

        final List<String> ids = new ArrayList<>(JMH_ROWS);
        ids.add("exchange-core");
        ids.add("exchange-core-pinned");
        final List<Map<String, Object>> rows = (List<Map<String, Object>>)json.get("throughput");
        assertEquals(ids, rows.stream().map((row) -> row.get("id")).toList());
        for (final Map<String, Object> row : rows)
        {
            final boolean expected = peerRuns || !String.valueOf(row.get("id")).startsWith("exchange-core");
            if (expected)
            {
                assertEquals(true, row.get("ok"), row.toString());
            }
            assertTrue(md.contains("(`" + row.get("id") + "`) |"), "results.md has no row " + row.get("id") + "\n" + md);
            assertNotNull(row.get("wait-strategy"));
            final String threads = String.valueOf(row.get("threads"));
            if (JMH_ROWS.contains(row.get("id")))
            {
                // "N: a + b + c": the count is the threads named, the journal's touch-ahead thread among them.
                assertEquals(threads.split(" \\+ ").length, Integer.parseInt(threads.substring(0, threads.indexOf(':'))),
                    row.toString());
                assertEquals(String.valueOf(row.get("id")).contains("chronicle") &&
                    !String.valueOf(row.get("id")).contains("no-touch-ahead"), threads.contains("touch-ahead thread"),
                    row.toString());
            }
        }

        final List<Map<String, Object>> latency = (List<Map<String, Object>>)json.get("latency");
        assertEquals(List.of("ringlog", "ringlog, inline listener", "exchange-core"),
            latency.stream().map((run) -> run.get("engine")).toList());
        for (int i = 0; i < 2; i++)
        {
            final Map<String, Object> ringlog = Json.object(latency.get(i), "figures");
            assertEquals("CHRONICLE", ringlog.get("journal"));
            assertEquals("EXCHANGE", ringlog.get("workload"));
            assertEquals(i == 0 ? "THREAD" : "INLINE", ringlog.get("listener"));
            assertTrue(ringlog.get("kept-up") instanceof Boolean, ringlog.toString());
            assertEquals(0L, ringlog.get("failures"), ringlog.toString());
            assertTrue(String.valueOf(ringlog.get("threads")).matches(
                (i == 0 ? "2" : "1") + " engine \\+ 1 producer \\+ the journal's touch-ahead thread = " + (i == 0 ? "4" : "3")),
                ringlog.toString());
        }
        assertTrue(md.contains("| 10,000 | ringlog |"), md);
        assertTrue(md.contains("| 10,000 | ringlog, inline listener |"), md);
        assertTrue(md.contains("| 10,000 | exchange-core |"), md);
        assertPng(out.resolve("latency-10000.png"));

        final Map<String, Double> medians = new HashMap<>();
        final List<Map<String, Object>> replication = (List<Map<String, Object>>)json.get("replication");
        assertEquals(1, replication.size());
        assertEquals(true, replication.get(0).get("ok"), replication.toString());
        final Map<String, Object> replicated = (Map<String, Object>)Json.parse(read(out.resolve("replication")
            .resolve("replication.json")));
        final List<Map<String, Object>> modes = (List<Map<String, Object>>)replicated.get("modes");
        assertEquals(List.of("none", "async", "sync"), modes.stream().map((mode) -> mode.get("mode")).toList());
        assertTrue(md.contains("## Replication: none / asynchronous / synchronous"), md);
        for (final Map<String, Object> mode : modes)
        {
            assertTrue(Json.number(mode, "commands-per-s") > 0, mode.toString());
            assertTrue(md.contains("| " + mode.get("mode") + " | "), "results.md has no replication row " + mode.get("mode"));
            medians.put("replication-" + mode.get("mode"), Json.number(mode, "commands-per-s"));
        }

        for (final String id : JMH_ROWS)
        {
            medians.put(id, median(jmhIterations(out.resolve("jmh").resolve(id + ".json"))));
        }
        if (peerRuns)
        {
            medians.put("exchange-core", median(peerIterations(out.resolve("peer").resolve("exchange-core-throughput.json"))));
            medians.put("exchange-core-pinned",
                median(peerIterations(out.resolve("peer").resolve("exchange-core-pinned-throughput.json"))));
        }
        final List<Map<String, Object>> ratios = (List<Map<String, Object>>)json.get("ratios");
        assertEquals(TARGETS, ratios.subList(0, TARGETS.size()).stream().map((ratio) -> ratio.get("id")).toList());
        for (final Map<String, Object> ratio : ratios)
        {
            final Double top = medians.get((String)ratio.get("numerator"));
            final Double bottom = medians.get((String)ratio.get("denominator"));
            if (top == null || bottom == null)
            {
                continue;
            }
            final double value = Json.number(ratio, "value");
            assertEquals(top / bottom, value, 1e-9 * value, "ratio " + ratio.get("id") + " from this run's JSON");
            if (ratio.get("target") != null)
            {
                assertEquals(value >= Json.number(ratio, "target"), ratio.get("met"), ratio.toString());
                assertTrue(md.contains("| " + ratio.get("label") + " | " + String.format(Locale.ROOT, "%.2f",
                    value) + " | ≥ " + Json.number(ratio, "target") + " |"), "results.md shows " + ratio.get("id") + "\n" + md);
            }
        }
        for (final String id : List.of("replication-async-vs-none", "replication-sync-vs-none"))
        {
            assertTrue(ratios.stream().anyMatch((ratio) -> ratio.get("id").equals(id) && ratio.get("value") != null),
                id + " in " + ratios);
        }
        assertFalse(Files.exists(out.resolve("work")), "the generated streams are deleted");
    }

    private static List<Double> jmhIterations(final Path file) throws Exception
    {
        final List<?> runs = (List<?>)Json.parse(read(file));
        assertEquals(1, runs.size(), file.toString());
        @SuppressWarnings("unchecked")
        final Map<String, Object> metric = Json.object((Map<String, Object>)runs.get(0), "primaryMetric");
        final List<Double> values = new ArrayList<>();
        for (final Object fork : (List<?>)metric.get("rawData"))
        {
            for (final Object value : (List<?>)fork)
            {
                values.add(((Number)value).doubleValue());
            }
        }
        return values;
    }

    @SuppressWarnings("unchecked")
    private static List<Double> peerIterations(final Path file) throws Exception
    {
        final Map<String, Object> peer = (Map<String, Object>)Json.parse(read(file));
        final List<Double> values = new ArrayList<>();
        for (final Object value : (List<?>)peer.get("iteration-commands-per-s"))
        {
            values.add(((Number)value).doubleValue());
        }
        return values;
    }

    private static double median(final List<Double> values)
    {
        if (values.isEmpty())
        {
            return fail("no iterations");
        }
        final List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        final int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static void assertPng(final Path file) throws Exception
    {
        assertTrue(Files.exists(file), file + " is missing");
        final byte[] header = new byte[8];
        System.arraycopy(Files.readAllBytes(file), 0, header, 0, 8);
        assertArrayEquals(new byte[]{(byte)0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, header, file.toString());
    }

    /**
     * A suite stopped (SIGTERM, as Ctrl-C) while it generates its streams: it says so, deletes the streams, and
     * leaves no empty results directory behind: either the directory is gone and the line says it removed it,
     * or it holds files and the line says they are the finished steps', without results.md.
     */
    @Test
    void shouldSayWhatAnInterruptedSuiteLeft() throws Exception
    {
        final Shell shell = new Shell(Repository.sessionDirectory(temp), Map.of("RINGLOG_NO_BUILD", "1"));
        final Path out = temp.resolve("stopped");
        final Shell.Running suite = shell.start("scripts/bench suite --quick --out " + out);
        final long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!Files.isDirectory(out.resolve("work")))
        {
            if (System.nanoTime() > deadline)
            {
                suite.signal(true);
                fail("the suite made no work directory in 2 minutes\n" + suite.await(Duration.ofSeconds(30)));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        suite.signal(false);
        final Shell.Result stopped = suite.await(Duration.ofMinutes(1));

        assertEquals(128 + 15, stopped.code(), stopped.toString());
        UserOutput.assertNoStackTrace(stopped);
        assertTrue(stopped.err().contains("suite: interrupted"), stopped.toString());
        assertTrue(stopped.err().contains("deleted " + out.resolve("work")), stopped.toString());
        assertFalse(Files.exists(out.resolve("work")), stopped.toString());
        if (Files.exists(out))
        {
            try (var entries = Files.list(out))
            {
                assertTrue(entries.findAny().isPresent(), "an empty results directory was left: " + stopped);
            }
            assertTrue(stopped.err().contains(out + " holds the files of the steps that ran, the last one's cut short, and no results.md"),
                stopped.toString());
            assertFalse(Files.exists(out.resolve("results.md")), stopped.toString());
        }
        else
        {
            assertTrue(stopped.err().contains("removed " + out + ", empty"), stopped.toString());
        }
    }

    /**
     * A reviewer's finding: a suite stopped while the exchange-core peer built (a first build runs Maven for minutes)
     * said nothing, left the --out it had made, and the build ran on. A peer whose build takes a minute stands in.
     */
    @Test
    void shouldSayItWasStoppedWhileThePeerBuilt() throws Exception
    {
        final Path peer = temp.resolve("slow-peer");
        Files.writeString(peer, "#!/usr/bin/env bash\nif [ \"$1\" = build ]; then echo \"slow-peer build\"; exec sleep 60.4242; fi\n" +
            "exit 1\n");
        assertTrue(peer.toFile().setExecutable(true));
        final Shell shell = new Shell(Repository.sessionDirectory(temp), Map.of("RINGLOG_NO_BUILD", "1"));
        final Path out = temp.resolve("stopped-building").resolve("results");
        final Shell.Running suite = shell.start("scripts/bench suite --quick --peer " + peer + " --build-peer --out " + out);
        final long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!suite.outSoFar().contains("slow-peer build") && System.nanoTime() < deadline)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        suite.signal(false);
        final Shell.Result stopped = suite.await(Duration.ofSeconds(30));

        assertEquals(128 + 15, stopped.code(), stopped.toString());
        // Its parent, which the suite made for it too, goes with it (a reviewer's: only the leaf was removed).
        assertEquals("suite: interrupted while the exchange-core peer was building; nothing was measured; removed " +
            out.getParent() + ", empty", stopped.err().strip(), stopped.toString());
        assertFalse(Files.exists(out.getParent()), stopped.toString());
        // The build it started is stopped too (the signal can come before its process is known).
        final long gone = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (ProcessHandle.allProcesses().anyMatch(PEER_BUILD) && System.nanoTime() < gone)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        assertFalse(ProcessHandle.allProcesses().anyMatch(PEER_BUILD), "the peer's build runs on");
    }

    /** The stand-in peer's build, by its command line. */
    private static final java.util.function.Predicate<ProcessHandle> PEER_BUILD = (process) ->
        process.info().commandLine().orElse("").contains("sleep 60.4242");

    private static String read(final Path file) throws Exception
    {
        assertTrue(Files.exists(file), file + " is missing");
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
