package io.ringlog.bench.suite;

import io.ringlog.bench.Hgrm;
import io.ringlog.bench.Json;
import io.ringlog.bench.LatencyChart;
import io.ringlog.bench.ResultFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a suite run leaves in its directory: {@code results.json} (everything, for tools),
 * {@code results.md} (the tables a person reads: machine, ratios against targets, throughput, latency,
 * replication) and {@code latency-<rate>.png} per rate, every exchange run's distributions on one chart. Every ratio is
 * computed here from this run's rows; nothing is carried over from another run.
 */
final class SuiteReport
{
    /** Above this 1-minute load before the run, the report warns that outside work shared the cores. */
    static final double BUSY_LOAD = 1.5;
    /**
     * The most load the suite makes itself: a JMH row keeps two to four threads runnable, exchange-core's
     * runs five (four of its own, spinning then yielding, and the submitter), so the 1-minute average climbs
     * towards 5 while the peer runs with nothing else on the machine.
     */
    static final double OWN_LOAD = 5.0;

    private final Map<String, Object> header = new LinkedHashMap<>();
    private final List<ThroughputResult> throughput = new ArrayList<>();
    private final List<LatencyResult> latency = new ArrayList<>();
    private final List<ReplicationResult> replication = new ArrayList<>();
    private final List<String> charts = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    /** A header entry (mode, machine, settings, workload ...), in the order given. */
    SuiteReport put(final String key, final Object value)
    {
        header.put(key, value);
        return this;
    }

    /** A header entry, or null. */
    Object get(final String key)
    {
        return header.get(key);
    }

    void add(final ThroughputResult row)
    {
        throughput.add(row);
        if (!row.ok())
        {
            problems.add(row.id() + ": " + row.error());
        }
    }

    void add(final LatencyResult row)
    {
        latency.add(row);
        if (!row.ok())
        {
            problems.add(row.engine() + " latency at " + row.rate() + "/s: " + row.error());
        }
    }

    void add(final ReplicationResult run)
    {
        replication.add(run);
        if (!run.ok())
        {
            problems.add("replication: " + run.error());
        }
    }

    /** A step that failed outside any row (generating the stream, the lock). */
    void problem(final String problem)
    {
        problems.add(problem);
    }

    int chartCount()
    {
        return charts.size();
    }

    /** True when every step ran; ratios below their targets do not make a run fail. */
    boolean ok()
    {
        return problems.isEmpty();
    }

    List<Map<String, Object>> ratios()
    {
        final Map<String, ThroughputResult> rows = new LinkedHashMap<>();
        for (final ThroughputResult row : throughput)
        {
            rows.put(row.id(), row);
        }
        for (final ReplicationResult run : replication)
        {
            for (final ThroughputResult row : run.throughputRows())
            {
                rows.put(row.id(), row);
            }
        }
        final List<Map<String, Object>> ratios = new ArrayList<>();
        for (final Ratio ratio : Ratio.ALL)
        {
            ratios.add(ratio.compute(rows));
        }
        return ratios;
    }

    /** Draws one chart per rate from the runs' {@code .hgrm} files; a rate with none gets no chart. */
    void drawCharts(final Path out, final String cores)
    {
        final Map<Long, List<LatencyChart.Series>> byRate = new LinkedHashMap<>();
        for (final LatencyResult run : latency)
        {
            final List<LatencyChart.Series> series = byRate.computeIfAbsent(run.rate(), (rate) -> new ArrayList<>());
            try
            {
                if (run.histogram() != null)
                {
                    series.add(Hgrm.read(out.resolve(run.histogram()), run.engine() + ", corrected"));
                }
                if (run.service() != null)
                {
                    series.add(Hgrm.read(out.resolve(run.service()), run.engine() + ", service"));
                }
            }
            catch (final IOException ex)
            {
                problems.add("chart at " + run.rate() + "/s: " + ex.getMessage());
            }
        }
        for (final Map.Entry<Long, List<LatencyChart.Series>> rate : byRate.entrySet())
        {
            if (rate.getValue().isEmpty())
            {
                continue;
            }
            final String name = "latency-" + rate.getKey() + ".png";
            try
            {
                LatencyChart.write(out.resolve(name), String.format(Locale.ROOT,
                    "exchange end to end at %,d commands/s, %s cores: ringlog (Chronicle journal) vs exchange-core",
                    rate.getKey(), cores), rate.getValue());
                charts.add(name);
            }
            catch (final IOException | RuntimeException | LinkageError ex)
            {
                problems.add("chart " + name + ": " + ex);
            }
        }
    }

    /** The highest 1-minute load average read before any row. */
    double highestLoad()
    {
        double highest = 0;
        for (final ThroughputResult row : throughput)
        {
            highest = Math.max(highest, row.load());
        }
        for (final LatencyResult run : latency)
        {
            highest = Math.max(highest, run.load());
        }
        for (final ReplicationResult run : replication)
        {
            highest = Math.max(highest, run.load());
        }
        return highest;
    }

    /** Writes results.json and results.md into {@code out}. */
    void write(final Path out) throws IOException
    {
        final List<Map<String, Object>> ratios = ratios();
        final Map<String, Object> json = new LinkedHashMap<>(header);
        final List<Object> rows = new ArrayList<>();
        for (final ThroughputResult row : throughput)
        {
            rows.add(row.toJson());
        }
        json.put("throughput", rows);
        final List<Object> runs = new ArrayList<>();
        for (final LatencyResult run : latency)
        {
            runs.add(run.toJson());
        }
        json.put("latency", runs);
        final List<Object> replicated = new ArrayList<>();
        for (final ReplicationResult run : replication)
        {
            replicated.add(run.toJson());
        }
        json.put("replication", replicated);
        json.put("highest-load-before-a-row", highestLoad());
        json.put("ratios", ratios);
        json.put("charts", charts);
        json.put("ok", ok());
        json.put("problems", problems);
        ResultFiles.write(out.resolve("results.json"), Json.write(json));
        ResultFiles.write(out.resolve("results.md"), markdown(ratios));
    }

    @SuppressWarnings("unchecked")
    private String markdown(final List<Map<String, Object>> ratios)
    {
        final StringBuilder md = new StringBuilder();
        md.append("# ringlog benchmark suite, ").append(header.get("started")).append("\n\n");
        if ("quick".equals(header.get("mode")))
        {
            md.append("**A `--quick` run: every row ran for a moment, to check that the suite works end to end. Its " +
                "figures, ratios and \"met\" column mean nothing; run `scripts/bench` for figures.**\n\n");
        }
        final Map<String, Object> machine = (Map<String, Object>)header.get("machine");
        md.append("Machine: ").append(machine.get("arch")).append(", ").append(machine.get("cpu-model")).append(", ")
            .append(machine.get("cores")).append(" cores, ").append(machine.get("memory-gib")).append(" GiB; ")
            .append(machine.get("kernel")).append("; ").append(machine.get("jdk")).append(".\n\n");
        if (header.get("commit") != null)
        {
            md.append("Code: ringlog ").append(header.get("ringlog-version")).append(", commit `")
                .append(header.get("commit")).append("`").append(String.valueOf(header.get("commit")).endsWith("-dirty") ?
                    " (with uncommitted changes)" : "").append(".\n\n");
        }
        final Map<String, Object> load = (Map<String, Object>)header.get("load");
        final double highest = highestLoad();
        md.append("Load average (1 min): ").append(load.get("before")).append(" before the run, ")
            .append(load.get("after")).append(" after, at most ").append(highest).append(" before a row (each row's is " +
                "in the tables; up to about ").append(OWN_LOAD).append(" of it is the suite's own threads).");
        if (load.get("before") instanceof Number before && before.doubleValue() >= BUSY_LOAD)
        {
            md.append(" **The machine was busy before the run started (load ≥ ").append(BUSY_LOAD)
                .append("): outside work shared the cores; read the figures as rough.**");
        }
        // Not an else: a machine busy at the start can get busier still, and that is worth saying too.
        final double after = load.get("after") instanceof Number number ? number.doubleValue() : 0;
        if (Math.max(highest, after) >= OWN_LOAD + BUSY_LOAD)
        {
            md.append(" **The load rose above what the suite's own threads explain: outside work shared the cores " +
                "during the run; compare rows by their load, and read the figures as rough.**");
        }
        md.append("\n\n");
        md.append("Mode: ").append(header.get("mode")).append(", `").append(header.get("command")).append("`, ")
            .append(header.get("duration-seconds")).append(" s. JMH: ").append(header.get("jmh-settings"))
            .append(". exchange-core: ").append(header.get("peer-settings")).append(".\n\n");
        final Map<String, Object> workload = (Map<String, Object>)header.get("workload");
        if (workload != null)
        {
            md.append("Workload: exchange-core preset, seed ").append(workload.get("seed")).append(", ")
                .append(count(workload.get("setup-commands"))).append(" set-up commands, then order flow: ")
                .append(count(workload.get("exchange-benchmark-flow-commands"))).append(" for ExchangeBenchmark, the first ")
                .append(count(workload.get("peer-flow-commands"))).append(" of them for exchange-core (`")
                .append(workload.get("peer-file")).append("`) and both latency runs; ").append(workload.get("identical"))
                .append(" (CRC32C ").append(workload.get("crc32c")).append(").\n\n");
        }

        md.append("## Ratios (medians of this run's rows)\n\n");
        md.append("| ratio | value | target | met |\n|---|---:|---:|---|\n");
        for (final Map<String, Object> ratio : ratios)
        {
            final Object value = ratio.get("value");
            final Object target = ratio.get("target");
            md.append("| ").append(ratio.get("label")).append(" | ")
                .append(value == null ? "— (" + ratio.get("why-none") + ")" : String.format(Locale.ROOT, "%.2f",
                    ((Number)value).doubleValue()))
                .append(" | ").append(target == null ? "—" : "≥ " + target)
                .append(" | ").append(target == null ? "—" : value == null ? "not measured" :
                    Boolean.TRUE.equals(ratio.get("met")) ? "yes" : "**no**")
                .append(" |\n");
        }

        md.append("\n## Throughput\n\n");
        md.append("| row | commands/s, median | min – max | B/op | wait strategy | threads | load |\n")
            .append("|---|---:|---:|---:|---|---|---:|\n");
        for (final ThroughputResult row : throughput)
        {
            md.append("| ").append(row.label()).append(" (`").append(row.id()).append("`) | ");
            if (row.ok())
            {
                md.append(rate(row.median())).append(" | ").append(rate(row.min())).append(" – ").append(rate(row.max()));
            }
            else
            {
                md.append("failed: ").append(row.error().replace('|', '/')).append(" | —");
            }
            md.append(" | ").append(row.bytesPerOp() == null ? "—" : String.format(Locale.ROOT, "%.3f", row.bytesPerOp()))
                .append(" | ").append(row.waitStrategy()).append(" | ").append(row.threads())
                .append(" | ").append(row.load()).append(" |\n");
        }
        md.append("\nWhat each row measures:\n\n");
        for (final ThroughputResult row : throughput)
        {
            md.append("- `").append(row.id()).append("`: ").append(row.measures()).append(". Raw: ")
                .append(row.source()).append(".\n");
        }

        md.append("\n## Fixed-rate latency, exchange end to end (µs, corrected for coordinated omission)\n\n");
        md.append("Open loop: command i is meant to be sent at start + i/rate; latency runs from that intended time to " +
            "the command's first event at a listener (ringlog) or its result callback (exchange-core); service time " +
            "runs from the actual send. ").append(header.get("latency-settings")).append(" Kept-up is false when the sender " +
            "fell more than 1% behind the rate: the corrected figures then measure a backlog.\n\n");
        md.append("| rate /s | engine | settings | threads | achieved /s | kept-up | p50 | p99 | p99.9 | max | " +
            "service p50 | service p99 | load |\n|---:|---|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (final LatencyResult run : latency)
        {
            md.append("| ").append(String.format(Locale.ROOT, "%,d", run.rate())).append(" | ").append(run.engine())
                .append(" | ").append(run.settings()).append(" | ");
            if (run.ok())
            {
                md.append(run.figure("threads")).append(" | ").append(count(run.figures().get("achieved-rate")))
                    .append(" | ").append(run.figure("kept-up"));
                for (final String key : new String[]{"latency-p50-us", "latency-p99-us", "latency-p99.9-us",
                    "latency-max-us", "service-p50-us", "service-p99-us"})
                {
                    md.append(" | ").append(micros(run.figures().get(key)));
                }
            }
            else
            {
                md.append("failed: ").append(run.error().replace('|', '/')).append(" | | | | | | | | |");
            }
            md.append(" | ").append(run.load()).append(" |\n");
        }
        md.append('\n');
        for (final String chart : charts)
        {
            md.append("![").append(chart).append("](").append(chart).append(")\n\n");
        }
        for (final ReplicationResult run : replication)
        {
            replication(md, run);
        }
        if (!problems.isEmpty())
        {
            md.append("## What did not run\n\n");
            for (final String problem : problems)
            {
                md.append("- ").append(problem).append('\n');
            }
        }
        return md.toString();
    }

    private static void replication(final StringBuilder md, final ReplicationResult run)
    {
        md.append("## Replication: none / asynchronous / synchronous (µs, corrected for coordinated omission)\n\n");
        md.append("A primary on a Chronicle journal (MEMORY_MAPPED), alone or replicating to a standby with its own " +
            "journal over Aeron (UDP on loopback, a media driver per node, both in one JVM). Synchronous: the primary's " +
            "business logic, hence its events, waits for the standby's acknowledgement. ").append(run.settings())
            .append(". Throughput: ").append(run.figure("throughput-measures")).append("; one pass per mode, so the " +
                "ratios divide single passes. Latency: from ").append(run.figure("latency-from")).append(". Load before: ")
            .append(run.load()).append(". Raw: ").append(run.source()).append(".\n\n");
        md.append("| mode | commands/s | latency run sent at | p50 | p99 | p99.9 | max | ack p50 | ack p99 | max lag " +
            "(positions) | wait strategy | topology | threads |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|\n");
        for (final String mode : ReplicationResult.MODES)
        {
            final Map<String, Object> figures = run.mode(mode);
            md.append("| ").append(mode).append(" | ");
            if (!run.ok() || figures.isEmpty())
            {
                md.append("failed: ").append(String.valueOf(run.error()).replace('|', '/'))
                    .append(" | | | | | | | | | | | |\n");
                continue;
            }
            md.append(figures.get("commands-per-s") instanceof Number number ? rate(number.doubleValue()) : "—");
            // A mode whose producer fell behind the fixed rate measured its latency at a lower load: said beside it.
            md.append(" | ").append(figures.get("achieved-rate") instanceof Number achieved ? rate(achieved.doubleValue()) +
                (Boolean.FALSE.equals(figures.get("kept-up")) ? " (fell behind)" : "") : "—");
            for (final String key : new String[]{"latency-p50-us", "latency-p99-us", "latency-p99.9-us", "latency-max-us",
                "ack-p50-us", "ack-p99-us"})
            {
                md.append(" | ").append(micros(figures.get(key)));
            }
            md.append(" | ").append(count(figures.get("max-lag-positions"))).append(" | ").append(run.figure("wait-strategy"))
                .append(" (replication agents: ").append(run.figure("replication-idle-strategy")).append(") | ")
                .append(run.figure("topology")).append(" | ").append(figures.getOrDefault("threads", "—")).append(" |\n");
        }
        md.append('\n');
    }

    /** 12.3 below a millisecond, 1,234 above: the digits a reader compares. */
    static String micros(final Object value)
    {
        if (!(value instanceof Number number))
        {
            return "—";
        }
        final double micros = number.doubleValue();
        return micros < 1_000 ? String.format(Locale.ROOT, "%.1f", micros) : String.format(Locale.ROOT, "%,.0f", micros);
    }

    /** A whole number with thousands separators. */
    static String count(final Object value)
    {
        return value instanceof Number number ? String.format(Locale.ROOT, "%,d", Math.round(number.doubleValue())) : "—";
    }

    /** 3.12M, 850K: three significant figures are all a 1 s iteration on a shared machine supports. */
    static String rate(final double perSecond)
    {
        if (perSecond >= 1e6)
        {
            return String.format(Locale.ROOT, "%.2fM", perSecond / 1e6);
        }
        if (perSecond >= 1e3)
        {
            return String.format(Locale.ROOT, "%.0fK", perSecond / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", perSecond);
    }
}
