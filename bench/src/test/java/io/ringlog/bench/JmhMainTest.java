package io.ringlog.bench;

import io.ringlog.core.engine.CpuPinning;
import io.ringlog.exchange.workload.WorkloadConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** {@code scripts/bench jmh}'s checks of JMH's command line; CommandLinesIT runs them through the script. */
class JmhMainTest
{
    /** A reviewer's -rff on a full disk: JMH said it saved the result, the file was empty, exit 0. */
    @Test
    void shouldSayAResultFileJmhLeftEmpty(@org.junit.jupiter.api.io.TempDir final java.nio.file.Path dir) throws Exception
    {
        final java.nio.file.Path empty = java.nio.file.Files.createFile(dir.resolve("x.json"));
        assertEquals("the result file " + empty + " is empty: JMH could not write it (a full disk?), though it says it " +
            "saved it; the figures above are the run's", JmhMain.emptyResult(new String[]{"\\.PipelineBenchmark",
            "-rf", "json", "-rff", empty.toString()}));
        java.nio.file.Files.writeString(empty, "[]");
        assertEquals(null, JmhMain.emptyResult(new String[]{"\\.PipelineBenchmark", "-rff", empty.toString()}));
        assertEquals(null, JmhMain.emptyResult(new String[]{"-l"}), "no result asked for");
    }

    @Test
    void shouldNameAParameterNoSelectedBenchmarkHasAndTheirOwn()
    {
        assertEquals("-p jornal: no benchmark this runs (PipelineBenchmark) has a parameter 'jornal'; theirs: inFlight, " +
            "journal, journalTouchAhead, listenerPlacement, publishBatch, ringSize, singlePublisher, topology, waitStrategy",
            JmhMain.refusal(new String[]{"\\.PipelineBenchmark", "-p", "jornal=CHRONICLE"}));
    }

    @Test
    void shouldSayWhatAParameterTakes()
    {
        assertEquals("-p journal=FOO: journal takes IN_MEMORY, CHRONICLE",
            JmhMain.refusal(new String[]{"\\.PipelineBenchmark", "-p", "journal=CHRONICLE,FOO"}));
        assertEquals("-p inFlight=x: inFlight takes an integer (int)",
            JmhMain.refusal(new String[]{"\\.PipelineBenchmark", "-pinFlight=x"}));
        assertEquals("-p inFlight=-5: inFlight takes -1 (never wait) or a count of batches, 0 or more",
            JmhMain.refusal(new String[]{"ArrayBlockingQueuePipelineBenchmark", "-p", "inFlight=-5"}));
        assertEquals("-p stageCpus=compact: stageCpus: 'compact' is not stage=cpu (as in compact=1)",
            JmhMain.refusal(new String[]{"ExchangeBenchmark", "-p", "stageCpus=compact"}));
        // Both went to the fork, which threw with a stack trace; flowCommands's said to raise it.
        assertEquals("-p flowCommands=-3: flowCommands takes a count of order-flow commands, 1 or more",
            JmhMain.refusal(new String[]{"ExchangeBenchmark", "-p", "flowCommands=-3"}));
        assertEquals("-p producerCpu=-5: producerCpu takes -1 (not pinned) or a CPU number, 0 or more",
            JmhMain.refusal(new String[]{"ExchangeBenchmark", "-p", "producerCpu=-5"}));
        // The pipeline's setup threw it in each fork, with a stack trace; the exchange took it for 1.
        for (final String benchmark : new String[]{"\\.PipelineBenchmark", "ExchangeBenchmark"})
        {
            assertEquals("-p publishBatch=0: publishBatch takes the commands per claim, 1 or more (1: one " +
                "Engine.publish per command; 1,000 or more: one CommandBatch per invocation of 1,000)",
                JmhMain.refusal(new String[]{benchmark, "-p", "publishBatch=100,0"}));
        }
        assertNull(JmhMain.refusal(new String[]{"\\.PipelineBenchmark", "-p", "publishBatch=5000"}));
        // A reviewer's -p batch=0 divided by zero in every fork, with a stack trace; batch=-1 ran and never committed.
        for (final String batch : new String[]{"0", "-1"})
        {
            assertEquals("-p batch=" + batch + ": batch takes the commands per commit, 1 or more",
                JmhMain.refusal(new String[]{"JournalAppendBenchmark", "-p", "batch=16," + batch}));
        }
        assertNull(JmhMain.refusal(new String[]{"JournalAppendBenchmark", "-p", "batch=1000"}));
        assertEquals("-r 0: a measured iteration of no time measures nothing; give a time, as in -r 1s or -r 500ms",
            JmhMain.refusal(new String[]{"JournalAppendBenchmark", "-r", "0"}));
        assertNull(JmhMain.refusal(new String[]{"JournalAppendBenchmark", "-r", "200ms"}));
        assertEquals("-p journalPreallocateMiB=-1: journalPreallocateMiB takes MiB to preallocate, 0 (none) to " +
            "1073741824 (1 PiB)", JmhMain.refusal(new String[]{"ExchangeBenchmark", "-p", "journalPreallocateMiB=-1"}));
    }

    /** JMH's own answer was 'No matching benchmarks. Miss-spelled regexp?', exit 1, after it had started. */
    @Test
    void shouldNameABenchmarkThatMatchesNothing()
    {
        assertEquals("no benchmark matches 'NoSuchBenchmark' (scripts/bench jmh -l lists them; a name is a regular " +
            "expression, as in '\\.PipelineBenchmark')", JmhMain.refusal(new String[]{"NoSuchBenchmark", "-p", "x=1"}));
        assertEquals("no benchmark matches 'ExchangeBenchmark' once -e 'Exchange' is left out (scripts/bench jmh -l " +
            "lists them; a name is a regular expression, as in '\\.PipelineBenchmark')",
            JmhMain.refusal(new String[]{"ExchangeBenchmark", "-e", "Exchange"}));
        assertEquals("-e '.*' leaves out every benchmark (scripts/bench jmh -l lists them; a name is a regular " +
            "expression, as in '\\.PipelineBenchmark')", JmhMain.refusal(new String[]{"-e", ".*"}));
    }

    /**
     * Each value is fine alone; together, or on this machine, the fork's setup threw them with a stack trace: a stage
     * the trial's topology does not have (the default runs both topologies), a CPU this process may not use, a stream
     * shorter than one invocation.
     */
    @Test
    void shouldRefuseWhatTheExchangeBenchmarksSetupWouldThrow()
    {
        assertEquals("-p stageCpus=nosuch=0: the exchange with topology=COMPACT and listenerPlacement=THREAD has no " +
            "stage 'nosuch'; its stages are listener-last-position, compact (-p topology=... and -p " +
            "listenerPlacement=... pick what it runs)",
            JmhMain.refusal(new String[]{"ExchangeBenchmark", "-p", "stageCpus=nosuch=0"}));
        assertEquals("-p flowCommands=999: ExchangeBenchmark publishes 1000 flow commands an invocation, so it takes " +
            "1000 or more (its default, 40000000, lasts its default iterations)",
            JmhMain.refusal(new String[]{"ExchangeBenchmark", "-p", "flowCommands=999"}));
        // The exchange's logic alone replays its stream from the start: any count of 1 or more is fine there.
        assertNull(JmhMain.refusal(new String[]{"ExchangeLogicBenchmark", "-p", "flowCommands=999"}));
        // No machine has a CPU 1023 this process may pin to, short of one with 1,024 of them.
        final String producer = JmhMain.refusal(new String[]{"ExchangeBenchmark", "-p", "producerCpu=1023"});
        assertTrue(producer.startsWith("-p producerCpu=1023: no thread can be pinned to CPU 1023 here (this process " +
            "runs on CPUs "), producer);
    }

    /** Where threads can be pinned: the stages each topology has, on a CPU this process may use, and one it may not. */
    @Test
    void shouldCheckStageCpusAgainstTheTopologyAndThisProcesssCpus()
    {
        final java.util.BitSet allowed = CpuPinning.allowedCpus();
        assumeFalse(allowed.isEmpty(), "threads cannot be pinned here");
        final int cpu = allowed.nextSetBit(0);
        final int notAllowed = allowed.length();
        assertEquals("-p stageCpus=journal=" + cpu + ": the exchange with topology=COMPACT and listenerPlacement=THREAD " +
            "has no stage 'journal'; its stages are listener-last-position, compact (-p topology=... and -p " +
            "listenerPlacement=... pick what it runs)",
            JmhMain.refusal(new String[]{"ExchangeBenchmark", "-p", "stageCpus=journal=" + cpu}));
        assertNull(JmhMain.refusal(new String[]{"ExchangeBenchmark", "-p", "stageCpus=journal=" + cpu, "-p",
            "topology=PIPELINED"}));
        assertEquals("-p stageCpus=listener-last-position=" + cpu + ": the exchange with topology=COMPACT and " +
            "listenerPlacement=INLINE has no stage 'listener-last-position'; its stages are compact (-p topology=... " +
            "and -p listenerPlacement=... pick what it runs)", JmhMain.refusal(new String[]{"ExchangeBenchmark", "-p",
                "stageCpus=listener-last-position=" + cpu, "-p", "listenerPlacement=THREAD,INLINE"}));
        final String stage = JmhMain.refusal(new String[]{"ExchangeBenchmark", "-p", "stageCpus=compact=" + notAllowed});
        assertEquals("-p stageCpus=compact=" + notAllowed + ": stageCpu(\"compact\", " + notAllowed + "): CPU " +
            notAllowed + " is not one this process may run on (it may use " + CpuPinning.list(allowed) + ")", stage);
    }

    @Test
    void shouldRefuseAnUnknownProfilerAndResultFormatInWords()
    {
        assertEquals("-prof nosuch: no such profiler (scripts/bench jmh -lprof lists the profilers)",
            JmhMain.refusal(new String[]{"\\.PipelineBenchmark", "-prof", "nosuch"}));
        assertEquals("-rf takes text, csv, scsv, json or latex, not xml2",
            JmhMain.refusal(new String[]{"\\.PipelineBenchmark", "-rf", "xml2"}));
    }

    /**
     * A reviewer's finding: each of these failed only in the forks (a stack trace from every setup) or after the whole
     * run (-rff a directory: the results lost, with a stack trace).
     */
    @Test
    void shouldRefuseRingsTheEngineRefusesAndAResultFileItCannotWriteBeforeAnyFork(
        @org.junit.jupiter.api.io.TempDir final java.nio.file.Path dir)
    {
        assertEquals("-p ringSize=1000: ringSize takes a power of two, 2 or more (1024, 16384, 65536)",
            JmhMain.refusal(new String[]{"\\.PipelineBenchmark", "-p", "ringSize=1000"}));
        assertEquals("-p waitStrategy=BATCHING with -p ringSize=64: BATCHING holds off a stage that finds fewer than 64 " +
            "commands ready, and a ring of 64 cannot hold two such batches; use -p ringSize=128 or more",
            JmhMain.refusal(new String[]{"\\.PipelineBenchmark", "-p", "waitStrategy=BATCHING", "-p", "ringSize=64"}));
        assertEquals("-rff " + dir + ": is a directory; give a file name",
            JmhMain.refusal(new String[]{"\\.PipelineBenchmark", "-rf", "json", "-rff", dir.toString()}));
        assertNull(JmhMain.refusal(new String[]{"\\.PipelineBenchmark", "-rf", "json", "-rff",
            dir.resolve("new").resolve("r.json").toString()}), "a directory to make is made, as for latency --json");
    }

    @Test
    void shouldPassWhatJmhTakes()
    {
        assertNull(JmhMain.refusal(new String[]{"\\.PipelineBenchmark", "-p", "journal=IN_MEMORY,CHRONICLE", "-p",
            "inFlight=-1", "-prof", "gc", "-rf", "json", "-f", "1"}));
        assertNull(JmhMain.refusal(new String[]{"-lp"}));
        assertNull(JmhMain.refusal(new String[]{"ExchangeBenchmark"}));
        assertEquals(Map.of("journal", List.of("A", "B"), "inFlight", List.of("4")),
            JmhMain.params(new String[]{"-p", "journal=A,B", "-pinFlight=4", "-prof", "gc"}));
    }

    /** A recorded stream of another seed or length was refused in every fork's setup, with a stack trace. */
    @Test
    void shouldRefuseARecordedWorkloadOfOtherParametersBeforeAnyFork(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("stream.bin");
        RecordedWorkload.record(WorkloadConfig.exchangeCore(42, 2_000)).write(file);

        assertNull(JmhMain.refusal(new String[]{"ExchangeLogicBenchmark", "-p", "workloadFile=" + file, "-p",
            "flowCommands=2000"}));
        assertEquals("-p workloadFile=" + file + ": " + file + " was generated with seed 42 and 2000 flow commands, not " +
            "-p seed=7 -p flowCommands=2000: give those", JmhMain.refusal(new String[]{"ExchangeLogicBenchmark", "-p",
            "workloadFile=" + file, "-p", "flowCommands=2000", "-p", "seed=7"}));
    }
}
