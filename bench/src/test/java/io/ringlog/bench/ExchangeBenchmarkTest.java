package io.ringlog.bench;

import io.ringlog.core.Topology;
import io.ringlog.core.WaitStrategies;
import io.ringlog.core.engine.CpuPinning;
import io.ringlog.exchange.ExchangeStateMachine;
import io.ringlog.exchange.workload.WorkloadConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Drives the end-to-end exchange benchmark by hand, as JMH would. */
@Timeout(60)
class ExchangeBenchmarkTest
{
    private static final int FLOW = 3 * ExchangeBenchmark.BATCH;

    @ParameterizedTest
    @CsvSource({"COMPACT, IN_MEMORY, 0, THREAD", "PIPELINED, IN_MEMORY, 0, THREAD", "COMPACT, CHRONICLE, 0, THREAD",
        "PIPELINED, CHRONICLE, 0, THREAD", "COMPACT, IN_MEMORY, 2, THREAD", "COMPACT, CHRONICLE, 2, THREAD",
        "COMPACT, CHRONICLE, 2, INLINE", "COMPACT, CHRONICLE, -1, THREAD", "COMPACT, CHRONICLE, -1, INLINE"})
    void shouldMatchTheWholeStreamAsTheStateMachineAloneWould(final Topology topology, final JournalKind journal,
        final int inFlight, final ListenerPlacement placement) throws Exception
    {
        final ExchangeBenchmark benchmark = benchmark(topology, journal);
        benchmark.inFlight = inFlight;
        benchmark.listenerPlacement = placement;
        benchmark.launch();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                benchmark.publishBatch();
            }
            assertEquals(FLOW, benchmark.flowPublished());
        }
        finally
        {
            benchmark.close();
        }
        assertEquals(directHash(benchmark.workload(), benchmark), benchmark.exchangeHash(),
            "the engine applied the whole stream exactly once");
    }

    @Test
    void shouldMatchTheWholeStreamWithItsThreadsPinned() throws Exception
    {
        final BitSet cpus = CpuPinning.allowedCpus();
        assumeTrue(!cpus.isEmpty(), "threads can be pinned here");
        final int last = cpus.length() - 1;
        final ExchangeBenchmark benchmark = benchmark(Topology.COMPACT, JournalKind.CHRONICLE);
        benchmark.inFlight = 2;
        benchmark.stageCpus = "compact=" + last + "+listener-last-position=" + last;
        benchmark.producerCpu = cpus.nextSetBit(0);
        benchmark.launch();
        final Thread producer = new Thread(() ->
        {
            for (int i = 0; i < 3; i++)
            {
                benchmark.publishBatch();
            }
        }, "pinned-producer");
        try
        {
            producer.start();
            producer.join();
            assertEquals(FLOW, benchmark.flowPublished());
        }
        finally
        {
            benchmark.close();
        }
        assertEquals(directHash(benchmark.workload(), benchmark), benchmark.exchangeHash());
    }

    @Test
    void shouldRefuseStageCpusThatAreNotStageEqualsCpu()
    {
        for (final String spec : new String[]{"compact", "compact=", "=1", "compact=one"})
        {
            final ExchangeBenchmark benchmark = benchmark(Topology.COMPACT, JournalKind.IN_MEMORY);
            benchmark.stageCpus = spec;
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, benchmark::launch);
            assertTrue(ex.getMessage().startsWith("stageCpus: '"), ex.getMessage());
        }
        final ExchangeBenchmark unknown = benchmark(Topology.COMPACT, JournalKind.IN_MEMORY);
        unknown.stageCpus = "logic=0";
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, unknown::launch);
        assertTrue(ex.getMessage().contains("its stages are listener-last-position, compact"), ex.getMessage());
    }

    @Test
    void shouldSayWhichParameterToRaiseWhenTheStreamRunsOut() throws Exception
    {
        final ExchangeBenchmark benchmark = benchmark(Topology.COMPACT, JournalKind.CHRONICLE);
        benchmark.launch();
        final List<Thread> engineThreads = Thread.getAllStackTraces().keySet().stream()
            .filter((thread) -> thread.getName().startsWith("exchange-")).toList();
        assertFalse(engineThreads.isEmpty());
        assertTrue(benchmark.directoryExists());
        try
        {
            for (int i = 0; i < 3; i++)
            {
                benchmark.publishBatch();
            }
            final IllegalStateException ex = assertThrows(IllegalStateException.class, benchmark::publishBatch);
            assertTrue(ex.getMessage().contains("flowCommands"), ex.getMessage());
            // JMH skips close() after a benchmark method throws: the engine and its journal must be gone already.
            for (final Thread thread : engineThreads)
            {
                thread.join(10_000);
                assertFalse(thread.isAlive(), thread.getName());
            }
            assertFalse(benchmark.directoryExists());
        }
        finally
        {
            benchmark.close();
        }
    }

    @Test
    void shouldPublishTheSavedStreamAsIfItHadGeneratedIt(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("stream.bin");
        RecordedWorkload.record(WorkloadConfig.exchangeCore(9, FLOW)).write(file);
        final ExchangeBenchmark generated = benchmark(Topology.COMPACT, JournalKind.IN_MEMORY);
        final ExchangeBenchmark read = benchmark(Topology.COMPACT, JournalKind.IN_MEMORY);
        read.workloadFile = file.toString();

        for (final ExchangeBenchmark benchmark : new ExchangeBenchmark[]{generated, read})
        {
            benchmark.launch();
            try
            {
                for (int i = 0; i < 3; i++)
                {
                    benchmark.publishBatch();
                }
            }
            finally
            {
                benchmark.close();
            }
        }

        assertEquals(generated.exchangeHash(), read.exchangeHash());
        assertEquals(generated.workload().checksum(0, generated.workload().size()),
            read.workload().checksum(0, read.workload().size()));
    }

    @Test
    void shouldRefuseASavedStreamOfAnotherSeed(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("stream.bin");
        RecordedWorkload.record(WorkloadConfig.exchangeCore(10, FLOW)).write(file);
        final ExchangeBenchmark benchmark = benchmark(Topology.COMPACT, JournalKind.IN_MEMORY);
        benchmark.workloadFile = file.toString();

        final IllegalStateException ex = assertThrows(IllegalStateException.class, benchmark::launch);

        assertTrue(ex.getMessage().contains("seed 10"), ex.getMessage());
    }

    private static ExchangeBenchmark benchmark(final Topology topology, final JournalKind journal)
    {
        final ExchangeBenchmark benchmark = new ExchangeBenchmark();
        benchmark.topology = topology;
        benchmark.journal = journal;
        benchmark.waitStrategy = WaitStrategies.PHASED;
        benchmark.flowCommands = FLOW;
        benchmark.seed = 9;
        benchmark.workloadFile = "";
        benchmark.stageCpus = "";
        benchmark.producerCpu = -1;
        return benchmark;
    }

    private static long directHash(final RecordedWorkload workload, final ExchangeBenchmark benchmark)
    {
        final ExchangeDriver driver = new ExchangeDriver(new ExchangeStateMachine(benchmark.config().maxAssets(), true));
        for (int i = 0; i < workload.size(); i++)
        {
            driver.apply(workload.type(i), workload.payloads(), workload.offset(i), workload.length(i));
        }
        return driver.exchange().stateHash();
    }
}
