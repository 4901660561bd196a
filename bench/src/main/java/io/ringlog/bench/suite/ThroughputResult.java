package io.ringlog.bench.suite;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One throughput row of the suite: what ran, how (wait strategy, threads), and its commands per second
 * per measured iteration, with the median the ratios use (the peer reports medians, so both sides are
 * read alike). A row that failed keeps its description and says why, so the table still has it.
 *
 * @param id           stable key, used by the ratios and the JSON.
 * @param label        what the row is, in words.
 * @param measures     what one operation is and where the clock stops.
 * @param waitStrategy how its threads wait.
 * @param threads      runnable threads it ran, and which.
 * @param error        null when the row ran; otherwise why it did not.
 * @param iterations   commands per second of each measured iteration.
 * @param bytesPerOp   JMH {@code gc.alloc.rate.norm}, null where not measured (the peer).
 * @param load         1-minute load average just before the row ran.
 * @param source       where the raw output is, relative to the results directory.
 */
record ThroughputResult(
    String id,
    String label,
    String measures,
    String waitStrategy,
    String threads,
    String error,
    List<Double> iterations,
    Double bytesPerOp,
    double load,
    String source)
{
    boolean ok()
    {
        return error == null && !iterations.isEmpty();
    }

    double median()
    {
        final List<Double> sorted = new ArrayList<>(iterations);
        Collections.sort(sorted);
        final int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    double min()
    {
        return Collections.min(iterations);
    }

    double max()
    {
        return Collections.max(iterations);
    }

    Map<String, Object> toJson()
    {
        final Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("label", label);
        row.put("measures", measures);
        row.put("wait-strategy", waitStrategy);
        row.put("threads", threads);
        row.put("ok", ok());
        if (error != null)
        {
            row.put("error", error);
        }
        row.put("unit", "commands/s");
        if (ok())
        {
            row.put("median", median());
            row.put("min", min());
            row.put("max", max());
        }
        row.put("iterations", iterations);
        row.put("bytes-per-op", bytesPerOp);
        row.put("load-before", load);
        row.put("source", source);
        return row;
    }
}
