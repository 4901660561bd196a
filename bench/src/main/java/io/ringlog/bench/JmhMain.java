package io.ringlog.bench;

import io.ringlog.core.EngineContext;
import io.ringlog.core.Topology;
import io.ringlog.core.WaitStrategies;
import io.ringlog.core.engine.CpuPinning;
import io.ringlog.core.engine.ParkingWaitStrategy;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.profile.ProfilerException;
import org.openjdk.jmh.profile.ProfilerFactory;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.ProfilerConfig;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * {@code scripts/bench jmh}: JMH's own command line, checked first. JMH takes a {@code -p} that no benchmark
 * has without a word (a misspelt {@code -p jornal=CHRONICLE} ran the defaults), fails a value its type refuses
 * inside each fork with a stack trace, and answers an unknown {@code -prof} or {@code -rf} with the exception's
 * text. Here each of those is a usage error that names the option and what it takes, exit 2, before any fork
 * starts; a line that passes goes to {@link org.openjdk.jmh.Main} as it was given.
 */
public final class JmhMain
{
    /** The exit status of a usage error, as picocli's commands have it. */
    static final int USAGE = 2;

    /** The most {@code -p journalPreallocateMiB} takes: what {@code ChronicleJournal.Context.preallocate} takes. */
    private static final long MAX_PREALLOCATE_MIB = io.ringlog.journal.ChronicleJournal.Context.MAX_PREALLOCATE >> 20;

    private JmhMain()
    {
    }

    /** Checks the command line, then runs JMH with it. */
    public static void main(final String[] given) throws Exception
    {
        // --help as every other ringlog command takes it; JMH knows only -h.
        final String[] args = Arrays.stream(given).map((arg) -> arg.equals("--help") ? "-h" : arg).toArray(String[]::new);
        final String refusal = refusal(args);
        if (refusal != null)
        {
            System.err.println("error: " + refusal);
            System.err.println("JMH's options: scripts/bench jmh --help; the benchmarks and their parameters: " +
                "scripts/bench jmh -lp");
            System.exit(USAGE);
        }
        org.openjdk.jmh.Main.main(args);
        final String empty = emptyResult(args);
        if (empty != null)
        {
            System.err.println("error: " + empty);
            System.exit(1);
        }
    }

    /**
     * JMH says "Benchmark result is saved to F" whatever became of the write: a reviewer's -rff on a full disk left
     * a file of 0 bytes, exit 0. Null where the run asked for no result file, or it holds something.
     */
    static String emptyResult(final String[] args) throws CommandLineOptionException, java.io.IOException
    {
        final CommandLineOptions options = new CommandLineOptions(args);
        if (!options.getResult().hasValue() || options.shouldHelp() || options.shouldList() ||
            options.shouldListWithParams() || options.shouldListProfilers() || options.shouldListResultFormats())
        {
            return null;
        }
        final Path file = Path.of(options.getResult().get());
        return java.nio.file.Files.isRegularFile(file) && java.nio.file.Files.size(file) > 0 ? null : "the result " +
            "file " + file + " is " + (java.nio.file.Files.exists(file) ? "empty" : "missing") + ": JMH could not write " +
            "it (a full disk?), though it says it saved it; the figures above are the run's";
    }

    /** What is wrong with the command line, in a user's words, or null if JMH may have it. */
    static String refusal(final String[] args)
    {
        final CommandLineOptions options;
        try
        {
            options = new CommandLineOptions(args);
        }
        catch (final CommandLineOptionException ex)
        {
            final String message = ex.getMessage();
            final String prefix = "No enum constant org.openjdk.jmh.results.format.ResultFormatType.";
            if (message != null && message.contains(prefix))
            {
                // The value as given: JMH's words have it upper-cased (a reviewer's -rf nosuchformat read NOSUCHFORMAT).
                final int at = Arrays.asList(args).indexOf("-rf");
                return "-rf takes text, csv, scsv, json or latex, not " + (at >= 0 && at + 1 < args.length ? args[at + 1] :
                    message.substring(message.indexOf(prefix) + prefix.length()));
            }
            return message;
        }
        if (options.shouldHelp() || options.shouldList() || options.shouldListWithParams() ||
            options.shouldListProfilers() || options.shouldListResultFormats())
        {
            return null;
        }
        if (options.getMeasurementTime().hasValue() && options.getMeasurementTime().get().getTime() <= 0)
        {
            // A reviewer's -r 0 printed a score of some thousands ops/s from no measured time, exit 0.
            final int at = Arrays.asList(args).lastIndexOf("-r");
            return "-r " + (at >= 0 && at + 1 < args.length ? args[at + 1] : "0") + ": a measured iteration of no time " +
                "measures nothing; give a time, as in -r 1s or -r 500ms";
        }
        for (final ProfilerConfig profiler : options.getProfilers())
        {
            try
            {
                ProfilerFactory.getProfilerOrException(profiler);
            }
            catch (final ProfilerException ex)
            {
                return "-prof " + profiler.getKlass() + ": " + profilerProblem(ex) + " (scripts/bench jmh -lprof lists " +
                    "the profilers)";
            }
        }
        if (options.getResult().hasValue())
        {
            // A reviewer's finding: a -rff naming a directory, or in one that does not exist, failed after the whole
            // run, with a stack trace, and the results were lost.
            try
            {
                OutputPaths.checkFile("-rff", Path.of(options.getResult().get()));
            }
            catch (final IllegalStateException ex)
            {
                return ex.getMessage();
            }
        }
        final SortedSet<BenchmarkListEntry> selected = BenchmarkList.defaultList().find(silent(), options.getIncludes(),
            options.getExcludes());
        if (selected.isEmpty())
        {
            // JMH's own answer was 'No matching benchmarks. Miss-spelled regexp?' and exit 1, after starting up.
            final String excluded = "-e '" + String.join("', '", options.getExcludes()) + "'";
            return (options.getIncludes().isEmpty() ? excluded + " leaves out every benchmark" : "no benchmark matches '" +
                String.join("', '", options.getIncludes()) + "'" + (options.getExcludes().isEmpty() ? "" : " once " +
                excluded + " is left out")) + " (scripts/bench jmh -l lists them; a name is a regular expression, as " +
                "in '\\.PipelineBenchmark')";
        }
        final Map<String, List<String>> params = params(args);
        if (params.isEmpty())
        {
            return null;
        }
        final Map<String, Field> declared = new LinkedHashMap<>();
        final SortedSet<String> classes = new TreeSet<>();
        final List<Class<?>> types = new ArrayList<>();
        for (final BenchmarkListEntry entry : selected)
        {
            final String className = entry.getUserClassQName();
            classes.add(className.substring(className.lastIndexOf('.') + 1));
            try
            {
                types.add(Class.forName(className));
                for (Class<?> type = Class.forName(className); type != null; type = type.getSuperclass())
                {
                    for (final Field field : type.getDeclaredFields())
                    {
                        if (field.isAnnotationPresent(Param.class))
                        {
                            declared.putIfAbsent(field.getName(), field);
                        }
                    }
                }
            }
            catch (final ClassNotFoundException ex)
            {
                return "benchmark class " + className + " is listed but not in the jar: rebuild it (REBUILD=1 scripts/bench ...)";
            }
        }
        for (final Map.Entry<String, List<String>> param : params.entrySet())
        {
            final Field field = declared.get(param.getKey());
            if (field == null)
            {
                return "-p " + param.getKey() + ": no benchmark this runs (" + String.join(", ", classes) + ") has a " +
                    "parameter '" + param.getKey() + "'" + (declared.isEmpty() ? "; they have none" : "; theirs: " +
                    String.join(", ", new TreeSet<>(declared.keySet())));
            }
            for (final String value : param.getValue())
            {
                final String wrong = valueProblem(field, value);
                if (wrong != null)
                {
                    return "-p " + param.getKey() + "=" + value + ": " + wrong;
                }
            }
        }
        final String batching = batchingProblem(params);
        if (batching != null)
        {
            return batching;
        }
        for (final Class<?> type : List.of(ExchangeBenchmark.class, ExchangeLogicBenchmark.class))
        {
            final String workload = types.contains(type) ? workloadProblem(params, type) : null;
            if (workload != null)
            {
                return workload;
            }
        }
        return types.contains(ExchangeBenchmark.class) ? exchangeProblem(params) : null;
    }

    /** What each trial's {@code RecordedWorkload.load} would refuse of a -p workloadFile, or null. */
    private static String workloadProblem(final Map<String, List<String>> params, final Class<?> type)
    {
        for (final String file : params.getOrDefault("workloadFile", List.of()))
        {
            if (file.isEmpty())
            {
                continue;
            }
            for (final String seed : valuesOf(params, type, "seed"))
            {
                for (final String flow : valuesOf(params, type, "flowCommands"))
                {
                    final String problem = RecordedWorkload.problem(Path.of(file), Long.parseLong(seed),
                        Long.parseLong(flow));
                    if (problem != null)
                    {
                        return "-p workloadFile=" + file + ": " + problem;
                    }
                }
            }
        }
        return null;
    }

    /**
     * A reviewer's finding: -p waitStrategy=BATCHING with -p ringSize=64 (each fine alone) failed in every fork's setup
     * with a stack trace; the latency harness refuses it in one line. Null where no trial pairs them.
     */
    private static String batchingProblem(final Map<String, List<String>> params)
    {
        if (!params.getOrDefault("waitStrategy", List.of()).stream().anyMatch((w) -> w.equalsIgnoreCase("BATCHING")))
        {
            return null;
        }
        final int batch = ((ParkingWaitStrategy)WaitStrategies.BATCHING.get()).batch();
        for (final String ring : params.getOrDefault("ringSize", List.of()))
        {
            if (Integer.parseInt(ring) < 2 * batch)
            {
                return "-p waitStrategy=BATCHING with -p ringSize=" + ring + ": BATCHING holds off a stage that finds " +
                    "fewer than " + batch + " commands ready, and a ring of " + ring + " cannot hold two such batches; " +
                    "use -p ringSize=" + 2 * batch + " or more";
            }
        }
        return null;
    }

    /**
     * What {@link ExchangeBenchmark}'s setup or first invocation would refuse, in a fork and with a stack trace, of
     * values each fine on its own: stages the trial's topology does not have, CPUs this process may not use, and a
     * stream shorter than one invocation publishes.
     */
    private static String exchangeProblem(final Map<String, List<String>> params)
    {
        for (final String value : params.getOrDefault("flowCommands", List.of()))
        {
            if (Long.parseLong(value) < ExchangeBenchmark.BATCH)
            {
                return "-p flowCommands=" + value + ": ExchangeBenchmark publishes " + ExchangeBenchmark.BATCH +
                    " flow commands an invocation, so it takes " + ExchangeBenchmark.BATCH + " or more (its default, " +
                    "40000000, lasts its default iterations)";
            }
        }
        for (final String value : params.getOrDefault("producerCpu", List.of()))
        {
            final int cpu = Integer.parseInt(value);
            final String refused = cpu >= 0 ? pinRefusal(cpu) : null;
            if (refused != null)
            {
                return "-p producerCpu=" + value + ": " + refused;
            }
        }
        final List<String> specs = params.getOrDefault("stageCpus", List.of());
        for (final String topology : valuesOf(params, ExchangeBenchmark.class, "topology"))
        {
            for (final String placement : valuesOf(params, ExchangeBenchmark.class, "listenerPlacement"))
            {
                for (final String spec : specs)
                {
                    final EngineContext context = ListenerPlacement.valueOf(placement).add(StageCpus.apply(spec,
                        new EngineContext()).topology(Topology.valueOf(topology)), "last-position",
                        new LastPositionListener());
                    final List<String> stages = context.stageNames();
                    for (final Map.Entry<String, Integer> pin : context.stageCpus().entrySet())
                    {
                        if (!stages.contains(pin.getKey()))
                        {
                            return "-p stageCpus=" + spec + ": the exchange with topology=" + topology +
                                " and listenerPlacement=" + placement + " has no stage '" + pin.getKey() +
                                "'; its stages are " + String.join(", ", stages) + " (-p topology=... and -p " +
                                "listenerPlacement=... pick what it runs)";
                        }
                        try
                        {
                            CpuPinning.requireAllowed(pin.getKey(), pin.getValue());
                        }
                        catch (final IllegalArgumentException ex)
                        {
                            return "-p stageCpus=" + spec + ": " + ex.getMessage();
                        }
                    }
                }
            }
        }
        return null;
    }

    /**
     * Why the benchmark's producer could not pin itself to {@code cpu}, or null if it can: tried on a thread of its own,
     * as the fork's JMH thread pins itself (a thread may widen its CPUs within what the system allows it, beyond the ones
     * this process was started on, so the process's own CPUs are not the test).
     */
    private static String pinRefusal(final int cpu)
    {
        final String[] refused = new String[1];
        final Thread probe = new Thread(() ->
        {
            try
            {
                CpuPinning.pin(cpu);
            }
            catch (final RuntimeException | LinkageError ex)
            {
                refused[0] = "no thread can be pinned to CPU " + cpu + " here (" + processCpus() + ")";
            }
        }, "producer-cpu-check");
        probe.start();
        try
        {
            probe.join();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        return refused[0];
    }

    private static String processCpus()
    {
        try
        {
            final java.util.BitSet cpus = CpuPinning.allowedCpus();
            return cpus.isEmpty() ? "threads cannot be pinned on this platform" : "this process runs on CPUs " +
                CpuPinning.list(cpus);
        }
        catch (final LinkageError ex)
        {
            return "pinning needs JNA, which did not load";
        }
    }

    /** The values of {@code name} the line gives, or else those the benchmark's {@code @Param} declares. */
    private static List<String> valuesOf(final Map<String, List<String>> params, final Class<?> type, final String name)
    {
        final List<String> given = params.get(name);
        if (given != null)
        {
            return given;
        }
        try
        {
            return Arrays.asList(type.getField(name).getAnnotation(Param.class).value());
        }
        catch (final NoSuchFieldException ex)
        {
            throw new IllegalStateException(type.getSimpleName() + " has no parameter " + name, ex);
        }
    }

    /** Each {@code -p name=v1,v2} of the line (also written {@code -pname=v1,v2}), by name, in order. */
    static Map<String, List<String>> params(final String[] args)
    {
        final Map<String, List<String>> params = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++)
        {
            final String pair;
            if (args[i].equals("-p") && i + 1 < args.length)
            {
                pair = args[++i];
            }
            else if (args[i].startsWith("-p") && args[i].length() > 2 && args[i].indexOf('=') > 2 &&
                !args[i].startsWith("-prof"))
            {
                pair = args[i].substring(2);
            }
            else
            {
                continue;
            }
            final int equals = pair.indexOf('=');
            if (equals <= 0)
            {
                // JMH's own parser has refused it already.
                continue;
            }
            params.computeIfAbsent(pair.substring(0, equals), (name) -> new ArrayList<>())
                .addAll(Arrays.asList(pair.substring(equals + 1).split(",", -1)));
        }
        return params;
    }

    /** Why {@code value} cannot be given to {@code field}, or null if it can. */
    private static String valueProblem(final Field field, final String value)
    {
        final Class<?> type = field.getType();
        try
        {
            if (type.isEnum())
            {
                final Object[] constants = type.getEnumConstants();
                if (Arrays.stream(constants).noneMatch((constant) -> ((Enum<?>)constant).name().equals(value)))
                {
                    return field.getName() + " takes " + Arrays.stream(constants).map(Object::toString)
                        .collect(Collectors.joining(", "));
                }
            }
            else if (type == int.class || type == Integer.class)
            {
                Integer.parseInt(value);
            }
            else if (type == long.class || type == Long.class)
            {
                Long.parseLong(value);
            }
            else if (type == boolean.class || type == Boolean.class)
            {
                if (!value.equals("true") && !value.equals("false"))
                {
                    return field.getName() + " takes true or false";
                }
            }
            else if (type == double.class || type == Double.class)
            {
                Double.parseDouble(value);
            }
        }
        catch (final NumberFormatException ex)
        {
            return field.getName() + " takes a" + (type == double.class || type == Double.class ? " number" :
                "n integer (" + type.getSimpleName().toLowerCase() + ")");
        }
        return rangeProblem(field.getName(), value);
    }

    /**
     * What the benchmarks' setups would refuse of a value of the right type, said before a fork starts rather than
     * thrown from every fork's setup with a stack trace; null for a value they take.
     */
    private static String rangeProblem(final String name, final String value)
    {
        switch (name)
        {
            case "inFlight":
                return Integer.parseInt(value) < InFlight.STREAM ? "inFlight takes " + InFlight.STREAM + " (never wait) " +
                    "or a count of batches, 0 or more" : null;
            case "stageCpus":
                try
                {
                    StageCpus.apply(value, new EngineContext());
                    return null;
                }
                catch (final IllegalArgumentException ex)
                {
                    return ex.getMessage();
                }
            case "flowCommands":
                // A stream of none ran out in every fork's first invocation, with a stack trace saying to raise it.
                return Long.parseLong(value) < 1 ? "flowCommands takes a count of order-flow commands, 1 or more" : null;
            case "publishBatch":
                // The pipeline's setup threw it in every fork; the exchange took it for 1 without a word.
                return Integer.parseInt(value) < 1 ? "publishBatch takes the commands per claim, 1 or more (1: one " +
                    "Engine.publish per command; 1,000 or more: one CommandBatch per invocation of 1,000)" : null;
            case "ringSize":
                // A reviewer's finding: -p ringSize=1000 failed in every fork's setup, with a stack trace.
                return Integer.bitCount(Integer.parseInt(value)) != 1 || Integer.parseInt(value) < 2 ? name + " takes a " +
                    "power of two, 2 or more (1024, 16384, 65536)" : null;
            case "batch":
                // A reviewer's -p batch=0 divided by zero in every fork, with a stack trace; -1 ran, never committing.
                return Integer.parseInt(value) < 1 ? "batch takes the commands per commit, 1 or more" : null;
            case "journalPreallocateMiB":
                // Negative, or past what the journal takes, failed in every fork's setup with a stack trace.
                return Long.parseLong(value) < 0 || Long.parseLong(value) > MAX_PREALLOCATE_MIB ? name + " takes " +
                    "MiB to preallocate, 0 (none) to " + MAX_PREALLOCATE_MIB + " (1 PiB)" : null;
            case "producerCpu":
                return Integer.parseInt(value) < -1 ? "producerCpu takes -1 (not pinned) or a CPU number, 0 or more" : null;
            case "workloadFile":
                return value.isEmpty() || Files.isReadable(Path.of(value)) ? null : "no readable file " + value + " (it " +
                    "is read from the directory scripts/bench runs in, the repository's root; empty: the stream is " +
                    "generated)";
            default:
                return null;
        }
    }

    private static String profilerProblem(final ProfilerException ex)
    {
        final String message = ex.getMessage();
        if (ex.getCause() instanceof ClassNotFoundException || message == null || message.isBlank())
        {
            return "no such profiler";
        }
        return message.strip();
    }

    private static OutputFormat silent()
    {
        return OutputFormatFactory.createFormatInstance(new PrintStream(OutputStream.nullOutputStream()),
            VerboseMode.SILENT);
    }
}
