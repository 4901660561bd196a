package io.ringlog.bench.peers;

import exchange.core2.core.common.CoreWaitStrategy;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * The command line: {@code throughput} and {@code latency} runs of exchange-core on a ringlog command
 * file. Results go to stdout as {@code key: value} lines (and to {@code --json}); progress to stderr.
 * Exit status 0 on success, 1 when a run failed or exchange-core did not answer every command, 2 for
 * bad usage.
 */
@Command(name = "peer", mixinStandardHelpOptions = true, sortOptions = false,
    subcommands = {PeerCli.Throughput.class, PeerCli.Latency.class},
    description = {"exchange-core " + PeerCli.EXCHANGE_CORE + " as a peer of ringlog's exchange, on the same command file " +
        "(scripts/exchange generate writes one)."})
public final class PeerCli implements Callable<Integer>
{
    static final String EXCHANGE_CORE = "0.5.3";
    private static final double NANOS_PER_MICRO = 1000.0;
    private static final double[] PERCENTILES = {50, 90, 99, 99.9, 99.99, 100};

    @Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(final String[] args)
    {
        final String unusable = unusableJdk();
        if (unusable != null)
        {
            System.err.println("error: " + unusable);
            System.exit(1);
        }
        System.exit(commandLine().execute(args));
    }

    /**
     * Why exchange-core cannot run on this JDK, or null. Its Chronicle Core 2.19 reaches into JDK internals in
     * a static initialiser; on JDK 25 that throws an AssertionError from deep inside the first binary command.
     */
    static String unusableJdk()
    {
        try
        {
            Class.forName("net.openhft.chronicle.core.OS", true, PeerCli.class.getClassLoader());
            return null;
        }
        catch (final Throwable ex)
        {
            final Throwable cause = ex.getCause() != null ? ex.getCause() : ex;
            return "exchange-core " + EXCHANGE_CORE + " (Chronicle Core 2.19) does not start on Java " +
                Runtime.version().feature() + " (" + cause + "); run it on JDK 17, e.g. JAVA_HOME=... bench/peers/peer ...";
        }
    }

    static CommandLine commandLine()
    {
        return new CommandLine(new PeerCli())
            .setCaseInsensitiveEnumValuesAllowed(true)
            .setExecutionExceptionHandler(PeerCli::failed)
            .setParameterExceptionHandler(PeerCli::refusedUsage);
    }

    /** A usage error in two lines, as ringlog's commands give them: what is wrong, and where help is; exit 2. */
    private static int refusedUsage(final CommandLine.ParameterException ex, final String[] args)
    {
        final CommandLine failed = ex.getCommandLine();
        final PrintWriter err = failed.getErr();
        err.println("error: " + ex.getMessage());
        err.println("Try 'bench/peers/peer " + (failed.getParent() != null ? failed.getCommandName() + " " : "") +
            "--help' for more information.");
        err.flush();
        return 2;
    }

    /**
     * A file or setting the run cannot use is told in one line; anything else (exchange-core not answering,
     * answering differently between iterations, a bug) with its stack trace. Either way the status is 1.
     */
    private static int failed(final Exception ex, final CommandLine commandLine, final CommandLine.ParseResult parsed)
    {
        final PrintWriter err = commandLine.getErr();
        if (ex instanceof NoSuchFileException)
        {
            // Its message is the path alone: 'error: run/ec-7m.txt' left the user to guess what was wrong with it.
            err.println("error: no such file: " + ex.getMessage() + " (make one with scripts/exchange generate --preset " +
                "exchange-core, as bench/peers/README.md shows)");
        }
        else if (ex instanceof CommandFile.MalformedCommandException || ex instanceof IllegalArgumentException)
        {
            err.println("error: " + ex.getMessage());
        }
        else
        {
            err.println("error: the run failed");
            ex.printStackTrace(err);
        }
        err.flush();
        return 1;
    }

    @Override
    public Integer call()
    {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** The command file and how it splits into set-up and flow. */
    static final class FileOptions
    {
        @Option(names = {"-i", "--input"}, required = true, paramLabel = "FILE",
            description = "Command file in ringlog's text format (.gz read through gzip).")
        Path input;

        @Option(names = "--setup", paramLabel = "N", defaultValue = "-1",
            description = "The file's first N commands are set-up, loaded untimed (scripts/exchange generate prints " +
                "setup-commands). Default: the leading instrument/deposit/withdraw lines and the GTC placements after them.")
        int setup;

        @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as one JSON object here.")
        Path json;
    }

    /**
     * What the run's options cannot mean, as a usage error (exit 2), before the file is read or anything measured
     * (a reviewer's findings: --ring-size 1000 failed in exchange-core's words, exit 1; --group-limit 0 measured a
     * hundred times slower and printed it as a result; an unwritable --json or --out failed after the whole run, in the
     * words for a missing input file or with a stack trace).
     */
    static void check(final CommandLine.Model.CommandSpec spec, final FileOptions file, final EngineOptions engine,
        final Path out)
    {
        if (file.setup < -1)
        {
            throw refused(spec, "--setup " + file.setup + ": the file's set-up commands, 0 or more (left out: found " +
                "from the file)");
        }
        if (!Files.exists(file.input))
        {
            // Bad usage, as a directory there is (a reviewer's: this exited 1 after the options' checks, a directory 2).
            throw refused(spec, inputAsTyped(spec) + " " + file.input + ": no such file (make one with scripts/exchange " +
                "generate --preset exchange-core, as bench/peers/README.md shows)");
        }
        if (Files.isDirectory(file.input))
        {
            throw refused(spec, inputAsTyped(spec) + " " + file.input + " is a directory; give a command file (scripts/exchange generate " +
                "writes one)");
        }
        if (engine.ringSize != null && (engine.ringSize < 2 || Integer.bitCount(engine.ringSize) != 1))
        {
            throw refused(spec, "--ring-size " + engine.ringSize + ": a power of two, 2 or more (1024, 2048, 32768)");
        }
        if (engine.groupLimit != null && engine.groupLimit < 1)
        {
            throw refused(spec, "--group-limit " + engine.groupLimit + ": the most commands in a group, 1 or more");
        }
        if (engine.groupNanos != null && engine.groupNanos < 1)
        {
            throw refused(spec, "--group-ns " + engine.groupNanos + ": the longest a group lasts in ns, 1 or more");
        }
        if (file.json != null)
        {
            final String problem = Files.isDirectory(file.json) ? "is a directory; give a file name" :
                unwritable(file.json.toAbsolutePath().getParent());
            if (problem != null)
            {
                throw refused(spec, "--json " + file.json + ": " + problem);
            }
        }
        if (out != null)
        {
            final String problem = unwritable(out);
            if (problem != null)
            {
                throw refused(spec, "--out " + out + ": " + problem);
            }
        }
    }

    /** The input option's name as the user typed it (a reviewer's: a refusal said -i where --input was typed). */
    private static String inputAsTyped(final CommandLine.Model.CommandSpec spec)
    {
        for (final String arg : spec.commandLine().getParseResult().originalArgs())
        {
            if (arg.equals("--input") || arg.startsWith("--input="))
            {
                return "--input";
            }
        }
        return "-i";
    }

    /** Why files cannot be written in {@code dir} (made if missing), or null if they can. */
    private static String unwritable(final Path dir)
    {
        if (dir == null)
        {
            return null;
        }
        if (Files.exists(dir) && !Files.isDirectory(dir))
        {
            return dir + " is a file, not a directory";
        }
        try
        {
            Files.createDirectories(dir);
            Files.delete(Files.createTempFile(dir, ".peer-write-check-", ".tmp"));
            return null;
        }
        catch (final IOException | SecurityException ex)
        {
            return "cannot write in " + dir + " (" + describe(ex) + ")";
        }
    }

    /** An I/O failure in words: a FileSystemException's message is only its file. */
    static String describe(final Exception ex)
    {
        if (ex instanceof NoSuchFileException)
        {
            return "no such file or directory";
        }
        if (ex instanceof java.nio.file.AccessDeniedException)
        {
            return "permission denied";
        }
        if (ex instanceof java.nio.file.FileSystemException fs && fs.getReason() != null)
        {
            return fs.getReason();
        }
        return ex.getMessage() != null ? ex.getMessage() : ex.getClass().getSimpleName();
    }

    private static CommandLine.ParameterException refused(final CommandLine.Model.CommandSpec spec, final String message)
    {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** exchange-core's performance settings a run may change. */
    static final class EngineOptions
    {
        @Option(names = "--wait", paramLabel = "STRATEGY", defaultValue = "YIELDING",
            description = "exchange-core's wait strategy: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; " +
                "BUSY_SPIN, exchange-core's own default, needs a core per thread).")
        CoreWaitStrategy wait;

        @Option(names = "--ring-size", paramLabel = "SLOTS",
            description = "Ring buffer slots, a power of two (default: 32768 for throughput as exchange-core's " +
                "PerfThroughput, 2048 for latency as its latency configuration).")
        Integer ringSize;

        @Option(names = "--group-limit", paramLabel = "N",
            description = "msgsInGroupLimit: most commands in one group before risk release (default: 4096 " +
                "throughput, 256 latency, exchange-core's own).")
        Integer groupLimit;

        @Option(names = "--group-ns", paramLabel = "NS",
            description = "maxGroupDurationNs (default: 4000000 throughput, 10000 latency, exchange-core's own).")
        Integer groupNanos;

        @Option(names = "--affinity", paramLabel = "MODE", defaultValue = "NONE",
            description = "Thread placement: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; pinning needs a " +
                "core per thread).")
        PeerExchange.Affinity affinity;

        PeerExchange.Settings apply(final PeerExchange.Settings defaults)
        {
            PeerExchange.Settings settings = defaults.affinity(affinity);
            if (ringSize != null)
            {
                settings = settings.ringSize(ringSize);
            }
            if (groupLimit != null || groupNanos != null)
            {
                settings = settings.grouping(groupLimit != null ? groupLimit : settings.msgsInGroupLimit(),
                    groupNanos != null ? groupNanos : settings.maxGroupDurationNs());
            }
            return settings;
        }
    }

    @Command(name = "throughput", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Load the set-up untimed, then time the whole order flow through exchange-core " +
            "(submitCommandsSync, as its own throughput test), RESET, repeat. Prints commands/s per iteration, " +
            "median and range, and what exchange-core answered."})
    static final class Throughput implements Callable<Integer>
    {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        FileOptions file;

        @Mixin
        EngineOptions engine;

        @Option(names = "--warmup", paramLabel = "N", defaultValue = "3",
            description = "Warm-up iterations, not reported (default: ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--iterations", paramLabel = "N", defaultValue = "10",
            description = "Measured iterations (default: ${DEFAULT-VALUE}).")
        int iterations;

        @Override
        public Integer call() throws Exception
        {
            if (iterations < 1 || warmup < 0)
            {
                throw new CommandLine.ParameterException(spec.commandLine(),
                    "--iterations must be positive and --warmup not negative");
            }
            check(spec, file, engine, null);
            final PrintWriter err = spec.commandLine().getErr();
            final Translation translation = load(file, err);
            final PeerExchange.Settings settings = engine.apply(PeerExchange.Settings.throughput(engine.wait));
            final ThroughputRun.Result result = ThroughputRun.run(translation, settings, warmup, iterations, err);

            final Report report = header("throughput", file, translation, settings, result.exchangeThreads());
            report.put("warmup-iterations", warmup);
            report.put("iterations", iterations);
            report.put("iteration-commands-per-s", rounded(result.commandsPerSecond()));
            report.put("iteration-seconds", result.seconds());
            report.put("throughput-median", Math.round(result.median()));
            report.put("throughput-min", Math.round(result.min()));
            report.put("throughput-max", Math.round(result.max()));
            report.put("throughput-unit", "flow commands of the file per second");
            counts(report, result.setupCounts(), result.flowCounts());
            return finish(report, file, spec.commandLine());
        }
    }

    @Command(name = "latency", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Load the set-up, then send the flow at a fixed rate (open loop) and print latency " +
            "percentiles from each command's intended send time to its result (coordinated omission corrected)."})
    static final class Latency implements Callable<Integer>
    {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        FileOptions file;

        @Mixin
        EngineOptions engine;

        @Option(names = "--rate", required = true, paramLabel = "PER_S", description = "Commands per second.")
        long rate;

        @Option(names = "--seconds", paramLabel = "S", defaultValue = "10",
            description = "Measured seconds (default: ${DEFAULT-VALUE}).")
        long seconds;

        @Option(names = "--warmup", paramLabel = "S", defaultValue = "3",
            description = "Warm-up seconds at the same rate, not recorded (default: ${DEFAULT-VALUE}).")
        long warmup;

        @Option(names = "--out", paramLabel = "DIR",
            description = "Write the corrected and service histograms here as HdrHistogram .hgrm percentile files.")
        Path out;

        @Override
        public Integer call() throws Exception
        {
            if (rate <= 0 || seconds <= 0 || warmup < 0)
            {
                throw new CommandLine.ParameterException(spec.commandLine(),
                    "--rate and --seconds must be positive, --warmup not negative");
            }
            final long needed;
            try
            {
                needed = LatencyRun.commandsNeeded(rate, warmup, seconds);
            }
            catch (final ArithmeticException ex)
            {
                // A reviewer's --rate 4611686018427387904 overflowed, with a stack trace.
                throw refused(spec, "--rate " + rate + " for " + (warmup + seconds) + " s is more commands than a " +
                    "run can count: lower --rate or --seconds");
            }
            check(spec, file, engine, out);
            final PrintWriter err = spec.commandLine().getErr();
            final Translation translation = load(file, err);
            final PeerExchange.Settings settings = engine.apply(PeerExchange.Settings.latency(engine.wait));
            if (needed > translation.flow().size())
            {
                // Said before "sending ...", which read as if it had begun.
                throw new IllegalArgumentException(String.format(Locale.ROOT, "%d/s for %d s (%d s warm-up) needs %d " +
                    "flow commands; the file has %d: generate a longer one (scripts/exchange generate -n %d) or shorten " +
                    "the run", rate, warmup + seconds, warmup, needed, translation.flow().size(), needed));
            }
            err.printf(Locale.ROOT, "sending %d commands at %d/s (%d s warm-up)...%n", needed, rate, warmup);
            err.flush();
            final LatencyRun.Result result = LatencyRun.run(translation, settings, rate, warmup, seconds);

            final Report report = header("latency", file, translation, settings, result.exchangeThreads());
            report.put("rate", rate);
            report.put("achieved-rate", Math.round(result.achievedRate()));
            // Below the asked rate the publisher fell behind: the corrected latencies then measure the backlog.
            report.put("kept-up", result.achievedRate() >= rate * 0.99);
            report.put("warmup-seconds", warmup);
            report.put("seconds", seconds);
            report.put("commands-sent", result.commands());
            report.put("max-send-lag-us", result.maxSendLagNanos() / NANOS_PER_MICRO);
            report.put("latency-from", "intended send time (corrected) / actual submit (service) to the result " +
                "callback on exchange-core's results thread");
            report.put("latency-count", result.corrected().getTotalCount());
            percentiles(report, "latency", result.corrected());
            percentiles(report, "service", result.service());
            counts(report, result.setupCounts(), result.flowCounts());
            if (out != null)
            {
                Files.createDirectories(out);
                final String base = String.format(Locale.ROOT, "exchange-core-%s-%d", settings.waitStrategy(), rate);
                hgrm(result.corrected(), out.resolve(base + "-corrected.hgrm"));
                hgrm(result.service(), out.resolve(base + "-service.hgrm"));
                report.put("histograms", out.resolve(base + "-corrected.hgrm") + " " + out.resolve(base + "-service.hgrm"));
            }
            return finish(report, file, spec.commandLine());
        }
    }

    private static Translation load(final FileOptions file, final PrintWriter err) throws IOException
    {
        final long started = System.nanoTime();
        final CommandFile commands;
        try
        {
            commands = CommandFile.read(file.input);
        }
        catch (final NoSuchFileException | CommandFile.MalformedCommandException ex)
        {
            // Said in their own words by failed().
            throw ex;
        }
        catch (final IOException ex)
        {
            // A reviewer's truncated .gz ended in "the run failed" and 30 lines of stack trace.
            throw new IllegalArgumentException("cannot read " + file.input + ": " + describe(ex) + (file.input.getFileName()
                .toString().endsWith(".gz") ? " (a truncated or damaged gzip file?)" : ""), ex);
        }
        final Translation translation = Translation.translate(commands, file.setup);
        err.printf(Locale.ROOT, "read and translated %d commands in %.1f s%n", commands.size(),
            (System.nanoTime() - started) / 1e9);
        err.flush();
        return translation;
    }

    private static Report header(
        final String mode,
        final FileOptions file,
        final Translation translation,
        final PeerExchange.Settings settings,
        final int exchangeThreads)
    {
        final Report report = new Report();
        report.put("peer", "exchange-core");
        report.put("peer-version", exchangeCoreVersion());
        report.put("mode", mode);
        report.put("file", file.input.toString());
        report.put("setup-commands", translation.setupFileCommands());
        report.put("setup-rule", translation.setupRule());
        report.put("flow-commands", translation.flowFileCommands());
        report.put("flow-api-commands", translation.flow().size());
        report.put("flow-mapping", translation.flowMapping());
        report.put("bid-reserve-price-ticks", translation.maxPriceTicks());
        report.put("wait-strategy", settings.waitStrategy().name());
        report.put("matching-engines", settings.matchingEngines());
        report.put("risk-engines", settings.riskEngines());
        report.put("ring-size", settings.ringSize());
        report.put("msgs-in-group-limit", settings.msgsInGroupLimit());
        report.put("max-group-duration-ns", settings.maxGroupDurationNs());
        report.put("affinity", settings.affinity().name());
        report.put("journal", "none (SerializationConfiguration.DEFAULT)");
        report.put("threads", exchangeThreads + " exchange-core + 1 submitting = " + (exchangeThreads + 1));
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        report.put("jvm-max-heap-mb", Runtime.getRuntime().maxMemory() >> 20);
        report.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        return report;
    }

    private static void counts(final Report report, final ResultCounts setup, final ResultCounts flow)
    {
        report.put("setup-failures", setup.failures());
        report.put("flow-results", flow.commandResults());
        report.put("flow-counts", flow.comparable());
        report.put("flow-failures", flow.failures());
        report.put("flow-trades-of-moves", flow.tradesOfMoves());
    }

    private static void percentiles(final Report report, final String prefix, final Histogram histogram)
    {
        for (final double percentile : PERCENTILES)
        {
            final long nanos = percentile >= 100 ? histogram.getMaxValue() : histogram.getValueAtPercentile(percentile);
            final String label = percentile >= 100 ? "max" :
                "p" + (percentile == Math.rint(percentile) ? Long.toString((long)percentile) : Double.toString(percentile));
            report.put(prefix + "-" + label + "-us", Math.round(nanos / NANOS_PER_MICRO * 10) / 10.0);
        }
    }

    private static void hgrm(final Histogram histogram, final Path file) throws IOException
    {
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, "UTF-8"))
        {
            histogram.outputPercentileDistribution(out, NANOS_PER_MICRO);
        }
    }

    private static int finish(final Report report, final FileOptions file, final CommandLine commandLine)
        throws IOException
    {
        report.print(commandLine.getOut());
        if (file.json != null)
        {
            report.writeJson(file.json);
            commandLine.getErr().println("wrote " + file.json);
            commandLine.getErr().flush();
        }
        return 0;
    }

    private static List<Long> rounded(final List<Double> values)
    {
        return values.stream().map(Math::round).toList();
    }

    /** exchange-core's version from its jar's Maven metadata, which the shaded jar keeps. */
    static String exchangeCoreVersion()
    {
        try (InputStream in = PeerCli.class.getResourceAsStream("/META-INF/maven/exchange.core2/exchange-core/pom.properties"))
        {
            if (in == null)
            {
                return EXCHANGE_CORE + " (expected; its Maven metadata is missing)";
            }
            final Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        }
        catch (final IOException ex)
        {
            return "unknown (" + ex.getMessage() + ")";
        }
    }
}
