package io.ringlog.bench.suite;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A ratio of two throughput rows' medians from the same suite run. The first four are issue 9's, each
 * with its target; the others have none and say what a choice costs (the journal on the exchange, a
 * wait strategy, replication) or put a figure in context. The replication rows come from ReplicationBench's
 * one timed pass per mode, not from iterations.
 *
 * @param target null for a ratio without one.
 */
record Ratio(String id, String label, String numerator, String denominator, Double target)
{
    /** The ratios the suite reports, targets first. */
    static final List<Ratio> ALL = List.of(
        new Ratio("exchange-vs-exchange-core", "ringlog exchange end to end, journal on (MEMORY_MAPPED) / exchange-core",
            "exchange-chronicle", "exchange-core", 1.0),
        new Ratio("pipeline-vs-disruptor", "in-memory pipeline / bare Disruptor (multi-producer)",
            "pipeline-memory", "disruptor-multi", 0.5),
        new Ratio("journaled-vs-in-memory", "journaled / in-memory pipeline (Chronicle MEMORY_MAPPED / in-memory journal)",
            "pipeline-chronicle", "pipeline-memory", 0.8),
        new Ratio("ringlog-vs-abq", "ringlog / ArrayBlockingQueue pipeline (in-memory journal)",
            "pipeline-memory", "abq", 5.0),
        new Ratio("exchange-inline-preallocated-vs-exchange-core",
            "ringlog exchange end to end, journal on (MEMORY_MAPPED) and preallocated at open, listener on the " +
                "business-logic thread / exchange-core", "exchange-chronicle-inline-preallocated", "exchange-core", null),
        new Ratio("exchange-preallocated-vs-growing", "ringlog exchange, listener inline: journal preallocated at open / " +
            "journal reserving 256 KB at a time as it grows", "exchange-chronicle-inline-preallocated",
            "exchange-chronicle-inline", null),
        new Ratio("exchange-touch-ahead-vs-not", "ringlog exchange, journal on: pages touched ahead of the writer by the " +
            "journal's own thread, room reserved by fallocate (the default) / left to the writer's first store, room " +
            "written as zeros", "exchange-chronicle",
            "exchange-chronicle-no-touch-ahead", null),
        new Ratio("journaled-no-touch-ahead-vs-in-memory", "journaled / in-memory pipeline, the journal without its " +
            "touch-ahead thread (ChronicleJournal.Context.touchAhead(false): the writer writes zeros ahead of itself and " +
            "takes the first store into each page)", "pipeline-chronicle-no-touch-ahead", "pipeline-memory", null),
        new Ratio("exchange-pinned-vs-exchange-core-pinned",
            "ringlog exchange, journal on, compact and listener on one CPU, producer on another / exchange-core, threads " +
                "pinned to cores", "exchange-chronicle-pinned", "exchange-core-pinned", null),
        new Ratio("exchange-pinned-vs-exchange-core",
            "ringlog exchange, journal on, pinned as above / exchange-core, unpinned", "exchange-chronicle-pinned",
            "exchange-core", null),
        new Ratio("exchange-windowed-vs-exchange-core",
            "ringlog exchange, journal on, producer waiting for a batch 4 back as in the pipeline rows / exchange-core",
            "exchange-chronicle-windowed", "exchange-core", null),
        new Ratio("exchange-inline-vs-exchange-core",
            "ringlog exchange, journal on, listener on the business-logic thread / exchange-core",
            "exchange-chronicle-inline", "exchange-core", null),
        new Ratio("inline-vs-abq", "ringlog pipeline, listener on the business-logic thread / ArrayBlockingQueue pipeline " +
            "(in-memory journal)", "pipeline-memory-inline", "abq", null),
        new Ratio("batching-vs-abq", "ringlog pipeline, BATCHING wait (a stage holds off at least 10 us for a batch) / " +
            "ArrayBlockingQueue pipeline (in-memory journal)", "pipeline-memory-batching", "abq", null),
        new Ratio("batch-publish-vs-abq", "ringlog pipeline, commands published in CommandBatches of 100 (as the exchange " +
            "rows) / ArrayBlockingQueue pipeline (one put a command; in-memory journal)", "pipeline-memory-batch-publish",
            "abq", null),
        new Ratio("single-publisher-vs-abq", "ringlog pipeline, one publishing thread (singlePublisher: single-producer " +
            "input ring), one publish a command / ArrayBlockingQueue pipeline (in-memory journal)",
            "pipeline-memory-single-publisher", "abq", null),
        new Ratio("disruptor-vs-abq", "bare Disruptor, multi-producer (the pipelines' ceiling, one publish an event) / " +
            "ArrayBlockingQueue pipeline: what the fourth target asks of ringlog, asked of the ceiling", "disruptor-multi",
            "abq", null),
        new Ratio("exchange-memory-vs-exchange-core", "ringlog exchange, in-memory journal / exchange-core (no journal)",
            "exchange-memory", "exchange-core", null),
        new Ratio("exchange-memory-vs-logic", "ringlog exchange end to end, in-memory journal / its logic alone on one thread",
            "exchange-memory", "exchange-logic", null),
        new Ratio("exchange-journaled-vs-in-memory", "ringlog exchange, journaled / in-memory",
            "exchange-chronicle", "exchange-memory", null),
        new Ratio("exchange-publish-one-vs-exchange-core",
            "ringlog exchange, journal on, one publish per command / exchange-core", "exchange-chronicle-publish-one",
            "exchange-core", null),
        new Ratio("pipeline-vs-disruptor-single", "in-memory pipeline / bare Disruptor (single-producer)",
            "pipeline-memory", "disruptor-single", null),
        new Ratio("pipeline-vs-disruptor-cursor", "in-memory pipeline / bare Disruptor (multi-producer), consumer " +
            "reading the cursor: the second target as every run before 2026-12-05 14:30 measured it",
            "pipeline-memory", "disruptor-multi-cursor", null),
        new Ratio("disruptor-flags-vs-cursor", "bare Disruptor (multi-producer): consumer on the slots' flags / " +
            "reading the cursor", "disruptor-multi", "disruptor-multi-cursor", null),
        new Ratio("pipeline-vs-disruptor-ring-16k", "in-memory pipeline / bare Disruptor (multi-producer), both with rings " +
            "of 16K: the second target as every run before 2026-12-05 16:50 measured it", "pipeline-memory-ring-16k",
            "disruptor-multi-ring-16k", null),
        new Ratio("pipeline-ring-64k-vs-16k", "in-memory pipeline, rings of 64K (the engine's default) / of 16K",
            "pipeline-memory", "pipeline-memory-ring-16k", null),
        new Ratio("disruptor-ring-64k-vs-16k", "bare Disruptor (multi-producer), ring of 64K / of 16K", "disruptor-multi",
            "disruptor-multi-ring-16k", null),
        new Ratio("phased-vs-parking", "pipeline PHASED / PARKING (in-memory)",
            "pipeline-memory-phased", "pipeline-memory", null),
        new Ratio("yielding-vs-parking", "pipeline YIELDING / PARKING (in-memory)",
            "pipeline-memory-yielding", "pipeline-memory", null),
        new Ratio("busy-spin-vs-parking", "pipeline BUSY_SPIN / PARKING (in-memory)",
            "pipeline-memory-busy-spin", "pipeline-memory", null),
        new Ratio("batching-vs-parking", "pipeline BATCHING / PARKING (in-memory)",
            "pipeline-memory-batching", "pipeline-memory", null),
        new Ratio("single-publisher-vs-publish-each", "pipeline, one publishing thread (singlePublisher) / any thread " +
            "may publish (multi-producer), one Engine.publish a command (in-memory)", "pipeline-memory-single-publisher",
            "pipeline-memory", null),
        new Ratio("batch-publish-vs-publish-each", "pipeline, CommandBatches of 100 / one Engine.publish a command " +
            "(in-memory)", "pipeline-memory-batch-publish", "pipeline-memory", null),
        new Ratio("replication-async-vs-none", "replication: asynchronous / none (one pass each)",
            "replication-async", "replication-none", null),
        new Ratio("replication-sync-vs-none", "replication: synchronous / none (one pass each)",
            "replication-sync", "replication-none", null));

    /** This ratio computed from {@code rows} (by id): value and whether it meets the target, or why there is none. */
    Map<String, Object> compute(final Map<String, ThroughputResult> rows)
    {
        final Map<String, Object> result = new LinkedHashMap<>();
        result.put("id", id);
        result.put("label", label);
        result.put("numerator", numerator);
        result.put("denominator", denominator);
        result.put("target", target);
        final ThroughputResult top = rows.get(numerator);
        final ThroughputResult bottom = rows.get(denominator);
        if (top == null || bottom == null || !top.ok() || !bottom.ok() || bottom.median() <= 0)
        {
            result.put("value", null);
            result.put("met", null);
            result.put("why-none", (top == null || !top.ok() ? numerator : denominator) + " has no figure in this run");
            return result;
        }
        final double value = top.median() / bottom.median();
        result.put("numerator-median", top.median());
        result.put("denominator-median", bottom.median());
        result.put("value", value);
        result.put("met", target == null ? null : value >= target);
        return result;
    }
}
