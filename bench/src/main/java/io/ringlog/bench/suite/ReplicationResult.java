package io.ringlog.bench.suite;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The suite's replication run: ReplicationBench in a JVM of its own, none, asynchronous and synchronous
 * replication side by side, each mode's throughput (one timed pass, the last round's) and its latency at
 * a fixed rate. A run that failed keeps its settings and says why.
 *
 * @param settings what ran, in words.
 * @param error    null when the run finished; otherwise why it did not.
 * @param figures  ReplicationBench's JSON: its settings, and under "modes" one object per mode with
 *                 commands-per-s, latency-p50-us ... latency-max-us, ack figures, threads.
 * @param load     1-minute load average just before the run.
 * @param source   the run's log and JSON, relative to the results directory.
 */
record ReplicationResult(String settings, String error, Map<String, Object> figures, double load, String source)
{
    /** The modes in the order ReplicationBench runs them. */
    static final List<String> MODES = List.of("none", "async", "sync");

    boolean ok()
    {
        return error == null;
    }

    /** A mode's figures, or an empty map when the run has none for it. */
    @SuppressWarnings("unchecked")
    Map<String, Object> mode(final String mode)
    {
        if (figures.get("modes") instanceof List<?> modes)
        {
            for (final Object each : modes)
            {
                if (each instanceof Map<?, ?> row && mode.equals(row.get("mode")))
                {
                    return (Map<String, Object>)row;
                }
            }
        }
        return Map.of();
    }

    /** A figure of the run's JSON as text, or "—" when it is missing. */
    String figure(final String key)
    {
        final Object value = figures.get(key);
        return value == null ? "—" : String.valueOf(value);
    }

    /**
     * Each mode's throughput as a row the ratios can divide, id {@code replication-<mode>}: one pass, so
     * its median is that pass.
     */
    List<ThroughputResult> throughputRows()
    {
        final List<ThroughputResult> rows = new ArrayList<>();
        for (final String mode : MODES)
        {
            final Object value = mode(mode).get("commands-per-s");
            rows.add(new ThroughputResult("replication-" + mode, "replication " + mode, String.valueOf(
                figures.get("throughput-measures")), figure("wait-strategy"), String.valueOf(mode(mode).get("threads")),
                ok() && value instanceof Number ? null : "replication " + mode + " has no figure",
                value instanceof Number number ? List.of(number.doubleValue()) : List.of(), null, load, source));
        }
        return rows;
    }

    Map<String, Object> toJson()
    {
        final Map<String, Object> row = new LinkedHashMap<>();
        row.put("settings", settings);
        row.put("ok", ok());
        if (error != null)
        {
            row.put("error", error);
        }
        row.put("load-before", load);
        row.put("source", source);
        row.put("figures", figures);
        return row;
    }
}
