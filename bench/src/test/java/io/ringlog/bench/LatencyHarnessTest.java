package io.ringlog.bench;

import io.ringlog.core.Command;
import io.ringlog.core.Output;
import io.ringlog.core.StateMachine;
import io.ringlog.core.Topology;
import io.ringlog.core.WaitStrategies;
import io.ringlog.exchange.workload.WorkloadConfig;
import io.ringlog.journal.tool.CliSupport;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencyHarnessTest
{
    @Test
    void shouldMeasureFromTheIntendedSendTimeNotTheActualOne()
    {
        final LatencyRecorder recorder = new LatencyRecorder(1_000);

        // Meant for t=1000, held up until 9000, received at 9100.
        recorder.record(1_000, 9_000, 9_100);

        assertEquals(8_100, recorder.corrected().getMaxValue(), 8);
        assertEquals(100, recorder.service().getMaxValue());
    }

    @Test
    void shouldNotRecordWarmUpCommands()
    {
        final LatencyRecorder recorder = new LatencyRecorder(1_000);

        recorder.record(999, 999, 5_000);

        assertEquals(0, recorder.corrected().getTotalCount());
    }

    @ParameterizedTest
    @EnumSource(Topology.class)
    @Timeout(30)
    void shouldRecordEveryMeasuredCommandAndWriteTheFiles(final Topology topology, @TempDir final Path dir)
    {
        final ByteArrayOutputStream console = new ByteArrayOutputStream();
        final LatencyHarness harness = new LatencyHarness().console(new PrintStream(console, true, StandardCharsets.UTF_8));

        final int exit = LatencyHarness.commandLine(harness).execute("--rate", "2000", "--seconds", "1", "--warmup", "0",
            "--topology", topology.name(), "--wait", "phased", "--out", dir.toString());

        assertEquals(0, exit, console.toString(StandardCharsets.UTF_8));
        assertEquals(2000, harness.recorder().corrected().getTotalCount());
        final String baseName = "latency-" + topology.name().toLowerCase() + "-phased-2000";
        final List<String> csv = readLines(dir.resolve(baseName + ".csv"));
        assertEquals(LatencyReport.CSV_HEADER, csv.get(0));
        assertEquals(1 + LatencyReport.PERCENTILES.length, csv.size());
        assertTrue(csv.get(csv.size() - 1).startsWith("COUNTER,IN_MEMORY,THREAD," + topology.name() + ",PHASED,2000,max,"),
            csv.toString());
        // Each row says whether the run kept its rate (a reviewer read a backlog's p50 as latency from a CSV that did not).
        assertTrue(csv.stream().skip(1).allMatch((row) -> row.matches(".*,\\d+,(true|false)")), csv.toString());
        assertTrue(readLines(dir.resolve(baseName + ".hgrm")).stream().anyMatch((line) -> line.startsWith("#[Max")));
        assertTrue(console.toString(StandardCharsets.UTF_8).contains("cores available"));
    }

    @Test
    @Timeout(60)
    void shouldRecordTheFirstEventOfEachExchangeCommandThroughTheJournal(@TempDir final Path dir) throws Exception
    {
        final Path stream = dir.resolve("stream.bin");
        RecordedWorkload.record(WorkloadConfig.exchangeCore(3, 4_000)).write(stream);
        final ByteArrayOutputStream console = new ByteArrayOutputStream();
        final LatencyHarness harness = new LatencyHarness().console(new PrintStream(console, true, StandardCharsets.UTF_8));
        final Path json = dir.resolve("run.json");

        final int exit = LatencyHarness.commandLine(harness).execute("--rate", "2000", "--seconds", "1", "--warmup", "1",
            "--workload", "exchange", "--journal", "chronicle", "--workload-file", stream.toString(),
            "--out", dir.toString(), "--json", json.toString());

        assertEquals(0, exit, console.toString(StandardCharsets.UTF_8));
        // Set-up and warm-up commands are not recorded; each measured command once, though it causes several events.
        assertEquals(2000, harness.recorder().corrected().getTotalCount());
        @SuppressWarnings("unchecked")
        final Map<String, Object> results = (Map<String, Object>)Json.parse(Files.readString(json));
        assertEquals("EXCHANGE", results.get("workload"));
        assertEquals("CHRONICLE", results.get("journal"));
        assertEquals(4000L, results.get("commands-sent"));
        assertTrue(results.get("kept-up") instanceof Boolean, results.toString());
        assertTrue(results.containsKey("latency-p99.9-us"), results.toString());
        assertTrue(Files.exists(dir.resolve("latency-exchange-chronicle-compact-parking-2000-service.hgrm")));
    }

    @Test
    @Timeout(60)
    void shouldRunTheJournalWithoutReadaheadWhereAskedAndSaySo(@TempDir final Path dir) throws Exception
    {
        final ByteArrayOutputStream console = new ByteArrayOutputStream();
        final LatencyHarness harness = new LatencyHarness().console(new PrintStream(console, true, StandardCharsets.UTF_8));

        final Path json = dir.resolve("run.json");
        final int exit = LatencyHarness.commandLine(harness).execute("--rate", "2000", "--seconds", "1", "--warmup", "1",
            "--journal", "chronicle", "--journal-no-readahead", "--out", dir.toString(), "--json", json.toString());

        final String output = console.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, output);
        assertTrue(output.contains("journal=CHRONICLE no-readahead"), output);
        assertEquals(2000, harness.recorder().corrected().getTotalCount());
        // Named apart from a default run's files in the same --out, and said in the JSON.
        assertTrue(Files.exists(dir.resolve("latency-chronicle-no-readahead-compact-parking-2000.hgrm")), output);
        @SuppressWarnings("unchecked")
        final Map<String, Object> results = (Map<String, Object>)Json.parse(Files.readString(json));
        assertEquals(Boolean.FALSE, results.get("journal-readahead"));
    }

    @Test
    void shouldNameEachWorkloadJournalAndListenerItsOwnFiles()
    {
        final Set<String> prefixes = new HashSet<>();
        for (final LatencyHarness.Workload workload : LatencyHarness.Workload.values())
        {
            for (final JournalKind journal : JournalKind.values())
            {
                for (final ListenerPlacement listener : ListenerPlacement.values())
                {
                    assertTrue(prefixes.add(LatencyHarness.filePrefix(workload, journal, listener)),
                        workload + " " + journal + " " + listener + " shares its files with another run");
                }
            }
        }
        // The names the README and the suite already use stay as they were.
        assertEquals("latency", LatencyHarness.filePrefix(LatencyHarness.Workload.COUNTER, JournalKind.IN_MEMORY,
            ListenerPlacement.THREAD));
        assertEquals("latency-inline", LatencyHarness.filePrefix(LatencyHarness.Workload.COUNTER, JournalKind.IN_MEMORY,
            ListenerPlacement.INLINE));
        assertEquals("latency-exchange-chronicle-inline", LatencyHarness.filePrefix(LatencyHarness.Workload.EXCHANGE,
            JournalKind.CHRONICLE, ListenerPlacement.INLINE));
        assertEquals("latency-chronicle", LatencyHarness.filePrefix(LatencyHarness.Workload.COUNTER,
            JournalKind.CHRONICLE, ListenerPlacement.THREAD));
    }

    @Test
    void shouldSayWhenTheSavedStreamIsTooShortForTheRun(@TempDir final Path dir) throws Exception
    {
        final Path stream = dir.resolve("stream.bin");
        RecordedWorkload.record(WorkloadConfig.exchangeCore(3, 1_000)).write(stream);
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final LatencyHarness harness = new LatencyHarness();
        final CommandLine commandLine = LatencyHarness.commandLine(harness)
            .setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));

        final int exit = commandLine.execute("--rate", "2000", "--seconds", "1", "--warmup", "0", "--workload", "exchange",
            "--workload-file", stream.toString(), "--out", dir.toString());

        assertEquals(2, exit);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("needs 2000 flow commands"), err.toString());
    }

    @Test
    @Timeout(10)
    void shouldRefuseOutputPathsItCannotWriteBeforeMeasuring(@TempDir final Path dir) throws Exception
    {
        final Path file = Files.writeString(dir.resolve("a-file"), "");

        final Run outIsAFile = run("--out", file.resolve("sub").toString());
        final Run jsonIsADirectory = run("--out", dir.toString(), "--json", dir.toString());

        // Bad usage, as every other refused option: exit 2 (a reviewer's finding: it was 1), and where help is.
        assertEquals(2, outIsAFile.exit, outIsAFile.err);
        assertTrue(outIsAFile.err.startsWith("error: --out " + file.resolve("sub") + ": cannot write there"), outIsAFile.err);
        assertEquals(List.of("Try 'scripts/bench latency --help' for more information."), outIsAFile.err.lines().skip(1).toList());
        assertEquals(2, jsonIsADirectory.exit, jsonIsADirectory.err);
        assertTrue(jsonIsADirectory.err.startsWith("error: --json " + dir + ": is a directory"), jsonIsADirectory.err);
        // A --json whose directory cannot take it is named as given, and the directory apart.
        final Run jsonInAFile = run("--out", dir.toString(), "--json", file.resolve("r.json").toString());
        final Run jsonUnderAFile = run("--out", dir.toString(), "--json", file.resolve("sub/r.json").toString());
        assertEquals("error: --json " + file.resolve("r.json") + ": " + file + " is a file, not a directory",
            jsonInAFile.err.lines().findFirst().orElse(""));
        assertTrue(jsonUnderAFile.err.startsWith("error: --json " + file.resolve("sub/r.json") + ": cannot write in its " +
            "directory " + file.resolve("sub") + " ("), jsonUnderAFile.err);
        // Refused before the engine started: nothing was recorded.
        assertNull(outIsAFile.harness.recorder());
        assertNull(jsonIsADirectory.harness.recorder());
    }

    @Test
    void shouldRefuseAWorkloadFileForTheCounter(@TempDir final Path dir)
    {
        final Run run = run("--workload-file", dir.resolve("stream.bin").toString(), "--out", dir.toString());

        assertEquals(2, run.exit, run.err);
        assertTrue(run.err.startsWith("error: --workload-file ") && run.err.contains("--workload COUNTER"), run.err);
        assertTrue(run.err.contains("Try 'scripts/bench latency --help'"), run.err);
        assertNull(run.harness.recorder());
    }

    /** A missing stream was found after --out was made: exit 1, and the directory left behind. */
    @Test
    void shouldRefuseAMissingWorkloadFileBeforeMakingAnything(@TempDir final Path dir)
    {
        final Path out = dir.resolve("new");
        final Run run = run("--workload", "exchange", "--workload-file", dir.resolve("nope.bin").toString(), "--out",
            out.toString());

        assertEquals(2, run.exit, run.err);
        assertTrue(run.err.startsWith("error: --workload-file " + dir.resolve("nope.bin") + ": no readable file there"),
            run.err);
        assertFalse(Files.exists(out), "nothing made");
        assertNull(run.harness.recorder());
    }

    /**
     * A run too long to count, or too many exchange commands to generate: refused before anything is made. The
     * bad-input probe's --seconds 2^63 - 1 reported 0 commands, all kept up, exit 0; its exchange run at 100M/s
     * ran a minute, reached 5.5 GB and failed on a buffer index.
     */
    @Test
    void shouldRefuseARunItCannotCountOrHoldBeforeMakingAnything(@TempDir final Path dir)
    {
        final Path out = dir.resolve("new");
        final Run forever = run("--seconds", Long.toString(Long.MAX_VALUE), "--warmup", "1", "--out", out.toString());
        assertEquals(2, forever.exit, forever.err);
        assertTrue(forever.err.startsWith("error: --rate 1000 for --seconds " + Long.MAX_VALUE + " and --warmup 1 is " +
            "more commands than a run can count: lower --rate or --seconds"), forever.err);
        final Run exchange = run("--rate", "100000000", "--workload", "exchange", "--out", out.toString());
        assertEquals(2, exchange.exit, exchange.err);
        assertTrue(exchange.err.startsWith("error: --rate 100000000 for --seconds 1 and --warmup 0 is 100000000 " +
            "commands, more than the 60000000 this run can hold"), exchange.err);
        assertFalse(java.nio.file.Files.exists(out), "no --out made");
        assertNull(exchange.harness.recorder());
    }

    /**
     * A reviewer's finding: the achieved rate was the commands over the time to the last send, n/(n-1) of the rate
     * (1,818/s of 1/s for one command): n commands on schedule span n/rate.
     */
    @Test
    @Timeout(30)
    void shouldSayTheRateItKeptNotMore(@TempDir final Path dir)
    {
        final Run run = run("--rate", "4", "--seconds", "1", "--out", dir.toString());
        assertEquals(0, run.exit, run.err + run.out);
        assertTrue(run.out.contains("\nachieved: 4/s of 4/s, kept-up: true\n"), run.out);
    }

    /**
     * A reviewer's finding: at a rate the engine could not keep, --seconds 1 ran for as long as rate x seconds commands
     * took to send (minutes, at 2^31/s), while the files said 1 s. Sending stops at twice the run's length, and says so.
     */
    @Test
    @Timeout(60)
    void shouldStopSendingAtTwiceTheRunsLengthWhereItCannotKeepUp(@TempDir final Path dir) throws Exception
    {
        final Path json = dir.resolve("run.json");
        final long started = System.nanoTime();
        final Run run = run("--rate", "200000000", "--seconds", "1", "--out", dir.toString(), "--json", json.toString());
        final long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(0, run.exit, run.err + run.out);
        assertTrue(run.out.contains("stopped sending at twice the run's length (2 s): ") &&
            run.out.contains(" of the 200000000 commands scheduled were sent; the engine (or this machine) does not keep " +
            "up with 200000000/s") && run.out.contains("kept-up: false"), run.out);
        assertTrue(tookMillis < 30_000, "stopped sending after about 2 s, not after 200M commands: " + tookMillis + " ms");
        assertTrue(readLines(dir.resolve("latency-compact-parking-200000000.csv")).get(1).endsWith(",false"),
            "the CSV says the rate was not kept");
        @SuppressWarnings("unchecked")
        final Map<String, Object> results = (Map<String, Object>)Json.parse(Files.readString(json));
        assertEquals(200_000_000L, results.get("commands-scheduled"));
        assertTrue(((Number)results.get("commands-sent")).longValue() < 200_000_000L, results.toString());
        assertEquals(Boolean.FALSE, results.get("kept-up"));
    }

    /** A reviewer's finding: an --out that is a file was said to be "a file or directory", though a directory would do. */
    @Test
    void shouldSayAnOutThatIsAFileIsAFile(@TempDir final Path dir) throws Exception
    {
        final Path file = Files.writeString(dir.resolve("afile"), "x");
        final Run run = run("--out", file.toString());
        assertEquals(2, run.exit, run.err);
        assertEquals("error: --out " + file + ": is a file; give a directory", run.err.lines().findFirst().orElse(""));
    }

    /** A reviewer's finding: options with no effect on the run asked (--seed for the counter) ran without a word. */
    @Test
    void shouldRefuseOptionsThatWouldHaveNoEffect(@TempDir final Path dir)
    {
        final Run seed = run("--seed", "7", "--out", dir.resolve("a").toString());
        assertEquals(2, seed.exit, seed.err);
        assertTrue(seed.err.startsWith("error: --seed is the exchange generator's, for --workload EXCHANGE without " +
            "--workload-file; this run is --workload COUNTER and would not use it"), seed.err);
        final Run readahead = run("--journal-no-readahead", "--out", dir.resolve("b").toString());
        assertEquals(2, readahead.exit, readahead.err);
        assertTrue(readahead.err.startsWith("error: --journal-no-readahead is for --journal CHRONICLE; this run's " +
            "journal is IN_MEMORY, which it would not change"), readahead.err);
        assertFalse(Files.exists(dir.resolve("a")) || Files.exists(dir.resolve("b")), "nothing made");
    }

    /** A reviewer's finding: a run with another --ring-size said it nowhere, and replaced a default run's files. */
    @Test
    @Timeout(30)
    void shouldNameAnotherRingSizeInItsFilesAndSayIt(@TempDir final Path dir) throws Exception
    {
        final Path json = dir.resolve("run.json");
        final Run run = run("--ring-size", "1024", "--out", dir.toString(), "--json", json.toString());
        assertEquals(0, run.exit, run.err + run.out);
        assertTrue(run.out.contains(" ring=1024\n"), run.out);
        assertTrue(Files.exists(dir.resolve("latency-ring-1024-compact-parking-1000.csv")), run.out);
        @SuppressWarnings("unchecked")
        final Map<String, Object> results = (Map<String, Object>)Json.parse(Files.readString(json));
        assertEquals(1024L, results.get("ring-size"));
    }

    /** BATCHING on rings too small for two of its batches: said in the options' words, before anything is made. */
    @Test
    void shouldSayInOneLineThatBatchingNeedsLargerRings(@TempDir final Path dir) throws Exception
    {
        final Path out = dir.resolve("new");
        final Run run = run("--wait", "BATCHING", "--ring-size", "64", "--out", out.toString());

        assertEquals(2, run.exit, run.err);
        assertEquals("error: --wait BATCHING holds off a stage that finds fewer than 64 commands ready, and --ring-size 64 " +
            "cannot hold two such batches: nearly every batch would wait out the hold; use --ring-size 128 or more, or " +
            "--wait PARKING", run.err.lines().findFirst().orElse(""));
        assertTrue(run.err.contains("Try 'scripts/bench latency --help'"), run.err);
        assertFalse(Files.exists(out), "nothing made");
        assertNull(run.harness.recorder());

        // The exchange's and the ledger's scripts call the option --wait-strategy; the harness takes that name too.
        final Run named = run("--wait-strategy", "BATCHING", "--ring-size", "64", "--out", out.toString());
        assertEquals(2, named.exit, named.err);
        assertEquals(run.err.lines().findFirst(), named.err.lines().findFirst());
        assertFalse(Files.exists(out), "nothing made");
    }

    /** A reviewer's run at 100M/s measured nothing, and wrote percentiles of 0 us with exit 0. */
    @Test
    @Timeout(60)
    void shouldSayNoCommandWasMeasuredAndWriteNothing(@TempDir final Path dir)
    {
        final Path out = dir.resolve("out");
        final Run run = run("--rate", "100000000", "--seconds", "1", "--warmup", "1", "--out", out.toString());
        assertEquals(1, run.exit, run.err);
        assertTrue(run.err.startsWith("error: no command was measured: the ") && run.err.contains(" s of warm-up, as " +
            "the engine (or this machine) does not keep up with 100000000/s; nothing was written"), run.err);
        assertFalse(Files.exists(out) && out.toFile().list().length > 0, "no file of figures");
    }

    /** A reviewer's note: a second run of the same settings into one --out replaced the first's files without a word. */
    @Test
    @Timeout(30)
    void shouldSayItReplacesAnEarlierRunsFiles(@TempDir final Path dir)
    {
        final Path out = dir.resolve("out");
        final Run first = run("--out", out.toString());
        final Run second = run("--out", out.toString(), "--warmup", "1");

        assertEquals(0, first.exit, first.err);
        assertEquals(0, second.exit, second.err);
        assertFalse(first.out.contains("replacing"), first.out);
        assertTrue(second.out.contains("replacing an earlier run's files of these settings in " + out + " (runs that " +
            "differ only in --seed, --seconds or --warmup share their names: give each its own --out to keep both)"),
            second.out);
    }

    /** Runs the harness as its main method would (one error line, exit 1 or 2), a short run by default. */
    private static Run run(final String... options)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final LatencyHarness harness = new LatencyHarness().console(new PrintStream(out, true, StandardCharsets.UTF_8));
        final CommandLine commandLine = CliSupport.configure(LatencyHarness.commandLine(harness),
            new PrintWriter(out, true, StandardCharsets.UTF_8), new PrintWriter(err, true, StandardCharsets.UTF_8));
        final List<String> args = new ArrayList<>(List.of(options));
        // A short run by default; an option given replaces its default (picocli takes each once).
        for (final String[] fallback : new String[][]{{"--rate", "1000"}, {"--seconds", "1"}, {"--warmup", "0"}})
        {
            if (!args.contains(fallback[0]))
            {
                args.addAll(List.of(fallback));
            }
        }
        final int exit = commandLine.execute(args.toArray(new String[0]));
        return new Run(harness, exit, err.toString(StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8));
    }

    private record Run(LatencyHarness harness, int exit, String err, String out)
    {
    }

    @Test
    @Timeout(30)
    void shouldReportEngineFailuresOncePerKindWithoutAStackTraceAndExitFailed(@TempDir final Path dir) throws Exception
    {
        final ByteArrayOutputStream console = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        // Every 100th command throws: a bug in the state machine, which the engine rejects and goes on.
        final LatencyHarness harness = new LatencyHarness()
            .console(new PrintStream(console, true, StandardCharsets.UTF_8))
            .stateMachineWrapper(FailingEveryHundredth::new);
        final Path json = dir.resolve("run.json");

        final int exit = LatencyHarness.commandLine(harness).setErr(new PrintWriter(err, true, StandardCharsets.UTF_8))
            .execute("--rate", "2000", "--seconds", "1", "--warmup", "0", "--out", dir.toString(),
                "--json", json.toString());

        final String errText = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, exit, errText);
        final List<String> lines = errText.lines().toList();
        assertEquals(List.of("engine: command at position 100 (type " + CounterStateMachine.ADD + ") failed: " +
            "java.lang.IllegalStateException: bug at a multiple of 100 (further failures like it are counted, not printed)"),
            lines.stream().filter((line) -> line.contains("bug at")).toList(), errText);
        assertTrue(lines.stream().anyMatch((line) -> line.startsWith("engine: 20 failures like the first (" +
            "IllegalStateException at ")), errText);
        assertTrue(lines.get(lines.size() - 1).startsWith("error: 20 commands failed in the engine"), errText);
        assertTrue(lines.stream().noneMatch((line) -> line.startsWith("\tat ") || line.startsWith("Caused by")), errText);
        // The figures are still printed and written: a rejection is the failed command's first event.
        assertEquals(2000, harness.recorder().corrected().getTotalCount());
        @SuppressWarnings("unchecked")
        final Map<String, Object> results = (Map<String, Object>)Json.parse(Files.readString(json));
        assertEquals(20L, results.get("failures"));
    }

    /** A counter that throws on every command whose position is a multiple of 100. */
    private static final class FailingEveryHundredth implements StateMachine
    {
        private final StateMachine delegate;

        FailingEveryHundredth(final StateMachine delegate)
        {
            this.delegate = delegate;
        }

        @Override
        public void apply(final Command command, final Output output)
        {
            if (command.position() % 100 == 0)
            {
                throw new IllegalStateException("bug at a multiple of 100");
            }
            delegate.apply(command, output);
        }

        @Override
        public int writeSnapshot(final MutableDirectBuffer buffer, final int offset)
        {
            return delegate.writeSnapshot(buffer, offset);
        }

        @Override
        public void loadSnapshot(final DirectBuffer buffer, final int offset, final int length)
        {
            delegate.loadSnapshot(buffer, offset, length);
        }

        @Override
        public long stateHash()
        {
            return delegate.stateHash();
        }
    }

    private static List<String> readLines(final Path path)
    {
        try
        {
            return Files.readAllLines(path);
        }
        catch (final java.io.IOException ex)
        {
            throw new AssertionError("cannot read " + path, ex);
        }
    }

    @Test
    void shouldWarnOfStagesThatSpinOnFewerCoresThanThreads()
    {
        assertEquals("warning: BUSY_SPIN never gives up a core, and this run has 4 threads on 2 cores: its stages take " +
            "turns by the scheduler's time slice, and the figures measure that; it is meant for a core per stage " +
            "(PARKING, the default, suits fewer cores than threads)", LatencyHarness.spinWarning(WaitStrategies.BUSY_SPIN,
            4, 2));
        assertNull(LatencyHarness.spinWarning(WaitStrategies.BUSY_SPIN, 4, 16));
        assertNull(LatencyHarness.spinWarning(WaitStrategies.PARKING, 4, 2));
    }
}
