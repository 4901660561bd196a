package io.ringlog.bench.suite;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One fixed-rate latency run of the suite: which exchange, at what rate, whether it kept the rate, and
 * its percentiles in microseconds from each command's intended send time (corrected for coordinated
 * omission), with the service time (from the actual send) beside them.
 *
 * @param engine    "ringlog" or "exchange-core".
 * @param error     null when the run finished; otherwise why it did not.
 * @param figures   the run's own JSON (the harness's or the peer's): rate, achieved-rate, kept-up,
 *                  latency-p50-us ... latency-max-us, service-..., threads, wait-strategy.
 * @param histogram the corrected {@code .hgrm}, null if none was written.
 * @param service   the service {@code .hgrm}, null if none was written.
 * @param load      1-minute load average just before the run.
 * @param source    the run's log, relative to the results directory.
 */
record LatencyResult(
    String engine,
    long rate,
    String settings,
    String error,
    Map<String, Object> figures,
    String histogram,
    String service,
    double load,
    String source)
{
    boolean ok()
    {
        return error == null;
    }

    /** A figure of the run's JSON as text, or "—" when it is missing. */
    String figure(final String key)
    {
        final Object value = figures.get(key);
        return value == null ? "—" : String.valueOf(value);
    }

    Map<String, Object> toJson()
    {
        final Map<String, Object> row = new LinkedHashMap<>();
        row.put("engine", engine);
        row.put("rate", rate);
        row.put("settings", settings);
        row.put("ok", ok());
        if (error != null)
        {
            row.put("error", error);
        }
        row.put("load-before", load);
        row.put("source", source);
        row.put("histogram", histogram);
        row.put("service-histogram", service);
        row.put("figures", figures);
        return row;
    }
}
