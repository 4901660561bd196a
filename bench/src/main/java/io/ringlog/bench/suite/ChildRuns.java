package io.ringlog.bench.suite;

import io.ringlog.bench.Json;
import io.ringlog.bench.LatencyHarness;
import io.ringlog.bench.ListenerPlacement;
import io.ringlog.bench.ReplicationBench;
import io.ringlog.core.EngineContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The suite's steps that run in JVMs of their own: exchange-core's throughput and latency through
 * {@code bench/peers/peer} (JDK 17, exchange-core's classpath), and ringlog's exchange latency through
 * {@link LatencyHarness} in a JVM started like this one, and {@link ReplicationBench} (none, asynchronous,
 * synchronous) the same way. Each writes its figures as JSON, which is
 * read back here; a child that fails becomes a row that says so.
 */
final class ChildRuns
{
    /** exchange-core's wait strategy here: its own default, BUSY_SPIN, needs a core per thread. */
    static final String PEER_WAIT = "YIELDING";
    private static final String RINGLOG_WAIT = "PARKING";

    private ChildRuns()
    {
    }

    /**
     * exchange-core's throughput on the whole file, its warm-up and measured passes as the plan says; with
     * {@code pinned}, its threads pinned to cores as its own test container pins them (PER_PHYSICAL_CORE).
     */
    static ThroughputResult peerThroughput(
        final Path peer, final WorkloadFiles workload, final SuitePlan plan, final Path out, final double load,
        final boolean pinned) throws IOException
    {
        final String id = pinned ? "exchange-core-pinned" : "exchange-core";
        final String affinity = pinned ? "PER_PHYSICAL_CORE" : "NONE";
        final Path json = out.resolve("peer").resolve(id + "-throughput.json");
        final Path log = out.resolve("logs").resolve(pinned ? "peer-throughput-pinned.log" : "peer-throughput.log");
        final String label = "exchange-core 0.5.3 (peer), same commands, 1 matching + 1 risk engine, no journal" +
            (pinned ? ", threads pinned to cores (its PER_PHYSICAL_CORE affinity)" : "");
        final String measures = "commands/s: the file's whole flow submitted, the last command waited for, per pass; " +
            "RESET and the set-up (untimed) between passes, as exchange-core's own throughput test; affinity " + affinity;
        final String source = out.relativize(json) + ", " + out.relativize(log);
        final ChildProcess.Exit exit = ChildProcess.run(List.of(peer.toString(), "throughput",
            "-i", workload.commands().toString(), "--setup", Integer.toString(workload.setupCommands()),
            "--wait", PEER_WAIT, "--affinity", affinity, "--warmup", Integer.toString(plan.peerWarmupIterations()),
            "--iterations", Integer.toString(plan.peerIterations()), "--json", json.toString()), log, Duration.ofMinutes(15));
        if (!exit.ok() || !Files.exists(json))
        {
            return new ThroughputResult(id, label, measures, PEER_WAIT, "unknown",
                "the peer " + exit.describe(out.relativize(log)) + ": " + ChildProcess.tail(log, 1), List.of(), null, load,
                source);
        }
        final Map<String, Object> figures = read(json);
        final List<Double> iterations = new ArrayList<>();
        for (final Object value : (List<?>)figures.get("iteration-commands-per-s"))
        {
            iterations.add(((Number)value).doubleValue());
        }
        return new ThroughputResult(id, label, measures, String.valueOf(figures.get("wait-strategy")),
            String.valueOf(figures.get("threads")), null, iterations, null, load, source);
    }

    /**
     * ringlog's exchange at a fixed rate, Chronicle journal (MEMORY_MAPPED), COMPACT, PARKING, in a fresh JVM,
     * its listener on a thread of its own or on the business-logic thread.
     */
    static LatencyResult ringlogLatency(
        final long rate, final ListenerPlacement placement, final WorkloadFiles workload, final SuitePlan plan,
        final Path out, final double load) throws IOException
    {
        final boolean inline = placement == ListenerPlacement.INLINE;
        final String name = inline ? "ringlog-inline" : "ringlog";
        final Path dir = out.resolve("latency");
        final Path json = dir.resolve(name + "-" + rate + ".json");
        final Path log = out.resolve("logs").resolve(name + "-latency-" + rate + ".log");
        final String settings = "exchange, Chronicle journal (MEMORY_MAPPED), COMPACT, " + RINGLOG_WAIT +
            ", ring " + (new EngineContext().ringSize() >> 10) + "K, one publish per command, listener " +
            (inline ? "on the business-logic thread" : "on its own thread");
        final ChildProcess.Exit exit = ChildProcess.run(ChildProcess.java(LatencyHarness.class.getName(), List.of(
            "--workload", "EXCHANGE", "--journal", "CHRONICLE", "--topology", "COMPACT", "--wait", RINGLOG_WAIT,
            "--listener", placement.name(),
            "--rate", Long.toString(rate), "--seconds", Integer.toString(plan.latencySeconds()),
            "--warmup", Integer.toString(plan.latencyWarmupSeconds()),
            "--workload-file", workload.latencyStream().toString(), "--out", dir.toString(), "--json", json.toString())),
            log, timeout(plan));
        final String base = "latency-exchange-chronicle" + (inline ? "-inline" : "") + "-compact-" +
            RINGLOG_WAIT.toLowerCase() + "-" + rate;
        return latency(inline ? "ringlog, inline listener" : "ringlog", rate, settings, exit, json,
            dir.resolve(base + ".hgrm"), dir.resolve(base + "-service.hgrm"), log, out, load);
    }

    /** exchange-core at a fixed rate, its latency configuration, on the same file. */
    static LatencyResult peerLatency(
        final Path peer, final long rate, final WorkloadFiles workload, final SuitePlan plan, final Path out,
        final double load) throws IOException
    {
        final Path dir = out.resolve("latency");
        final Path json = dir.resolve("exchange-core-" + rate + ".json");
        final Path log = out.resolve("logs").resolve("peer-latency-" + rate + ".log");
        final String settings = "exchange-core's latency configuration (ring 2K, groups of <= 256 commands or 10 us), " +
            PEER_WAIT + ", no journal";
        final ChildProcess.Exit exit = ChildProcess.run(List.of(peer.toString(), "latency",
            "-i", workload.commands().toString(), "--setup", Integer.toString(workload.setupCommands()),
            "--wait", PEER_WAIT, "--rate", Long.toString(rate), "--seconds", Integer.toString(plan.latencySeconds()),
            "--warmup", Integer.toString(plan.latencyWarmupSeconds()), "--out", dir.toString(), "--json", json.toString()),
            log, timeout(plan));
        final String base = "exchange-core-" + PEER_WAIT + "-" + rate;
        return latency("exchange-core", rate, settings, exit, json, dir.resolve(base + "-corrected.hgrm"),
            dir.resolve(base + "-service.hgrm"), log, out, load);
    }

    /** ReplicationBench's none / async / sync, each mode with a fresh primary and standby, in a fresh JVM. */
    static ReplicationResult replication(final SuitePlan plan, final Path out, final double load) throws IOException
    {
        final SuitePlan.Replication settings = plan.replication();
        final Path dir = out.resolve("replication");
        final Path json = dir.resolve("replication.json");
        final Path log = out.resolve("logs").resolve("replication.log");
        final String described = String.format(Locale.ROOT, "ReplicationBench, %d round(s) of none, async, sync, the " +
            "last reported; each mode: %,d commands flat out, then %,d commands/s for %d s warm-up + %d s recorded",
            settings.rounds(), settings.commands(), settings.rate(), settings.warmupSeconds(), settings.seconds());
        final List<String> args = new ArrayList<>(settings.args());
        args.addAll(List.of("--out", dir.toString(), "--json", json.toString()));
        final ChildProcess.Exit exit = ChildProcess.run(ChildProcess.java(ReplicationBench.class.getName(), args), log,
            Duration.ofSeconds(settings.rounds() * 3L * (settings.warmupSeconds() + settings.seconds()))
                .plus(Duration.ofMinutes(5)));
        final String source = out.relativize(log) + ", " + out.relativize(json);
        if (!exit.ok() || !Files.exists(json))
        {
            return new ReplicationResult(described, "ReplicationBench " + exit.describe(out.relativize(log)) + ": " +
                ChildProcess.tail(log, 1), Map.of(), load, source);
        }
        return new ReplicationResult(described, null, read(json), load, source);
    }

    private static LatencyResult latency(
        final String engine, final long rate, final String settings, final ChildProcess.Exit exit, final Path json,
        final Path histogram, final Path service, final Path log, final Path out, final double load) throws IOException
    {
        final String source = out.relativize(log).toString();
        if (!exit.ok() || !Files.exists(json))
        {
            return new LatencyResult(engine, rate, settings, engine + " " + exit.describe(out.relativize(log)) + ": " +
                ChildProcess.tail(log, 1), Map.of(), null, null, load, source);
        }
        return new LatencyResult(engine, rate, settings, null, read(json),
            Files.exists(histogram) ? out.relativize(histogram).toString() : null,
            Files.exists(service) ? out.relativize(service).toString() : null, load, source);
    }

    /** The run itself, plus time to start a JVM, load the stream and drain: generous on a loaded machine. */
    private static Duration timeout(final SuitePlan plan)
    {
        return Duration.ofSeconds(plan.latencyWarmupSeconds() + plan.latencySeconds()).plus(Duration.ofMinutes(5));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(final Path json) throws IOException
    {
        return (Map<String, Object>)Json.parse(Files.readString(json, StandardCharsets.UTF_8));
    }
}
