package io.ringlog.bench;

import com.lmax.disruptor.dsl.ProducerType;
import io.ringlog.core.Topology;
import io.ringlog.core.WaitStrategies;
import io.ringlog.journal.Durability;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Drives each benchmark's lifecycle on the test thread, as JMH would, to prove it measures whole batches. */
@Timeout(30)
class BenchmarksByHandTest
{
    @ParameterizedTest
    @CsvSource({"PIPELINED, IN_MEMORY, THREAD", "COMPACT, IN_MEMORY, THREAD", "PIPELINED, CHRONICLE, THREAD",
        "COMPACT, CHRONICLE, THREAD", "COMPACT, IN_MEMORY, INLINE", "PIPELINED, CHRONICLE, INLINE"})
    void shouldDeliverEveryCommandOfEachBatchThroughTheEngine(final Topology topology, final JournalKind journal,
        final ListenerPlacement placement)
    {
        final PipelineBenchmark benchmark = pipeline(topology, WaitStrategies.PHASED, journal);
        benchmark.listenerPlacement = placement;
        benchmark.launch();
        try
        {
            assertEquals(PipelineBenchmark.BATCH, benchmark.publishBatch());
            assertEquals(2L * PipelineBenchmark.BATCH, benchmark.publishBatch());
            assertEquals(2L * PipelineBenchmark.BATCH, benchmark.delivered());
        }
        finally
        {
            benchmark.close();
        }
    }

    /** Also row pipeline-memory-single-publisher (the last three): the test thread is the engine's one publisher. */
    @ParameterizedTest
    @CsvSource({"COMPACT, 100, 20, false", "PIPELINED, 100, 20, false", "COMPACT, 7, 286, false",
        "COMPACT, 1000, 2, false", "COMPACT, 5000, 2, false", "COMPACT, 1, 0, false", "COMPACT, 1, 0, true",
        "PIPELINED, 1, 0, true", "COMPACT, 100, 20, true"})
    void shouldDeliverEveryCommandOfEachBatchWhenPublishedInCommandBatches(final Topology topology, final int size,
        final long batches, final boolean singlePublisher)
    {
        final PipelineBenchmark benchmark = pipeline(topology, WaitStrategies.PARKING, JournalKind.IN_MEMORY);
        benchmark.singlePublisher = singlePublisher;
        benchmark.publishBatch = size;
        benchmark.inFlight = 0;
        benchmark.launch();
        try
        {
            assertEquals(PipelineBenchmark.BATCH, benchmark.publishBatch());
            assertEquals(2L * PipelineBenchmark.BATCH, benchmark.publishBatch());
            assertEquals(2L * PipelineBenchmark.BATCH, benchmark.delivered());
            assertEquals(2L * PipelineBenchmark.BATCH, benchmark.sum(), "each command added 1 to the counter");
            // 1,000 is not a multiple of 7: 142 whole CommandBatches and a short one an invocation, no slot void.
            assertEquals(batches, benchmark.batchesPublished(), "1 publishes each command on its own");
        }
        finally
        {
            benchmark.close();
        }
    }

    @ParameterizedTest
    @CsvSource({"0", "-1"})
    void shouldRefuseABatchSizeBelowOneBeforeStartingAnything(final int size)
    {
        final PipelineBenchmark benchmark = pipeline(Topology.COMPACT, WaitStrategies.PARKING, JournalKind.IN_MEMORY);
        benchmark.publishBatch = size;
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, benchmark::launch);
        assertEquals("publishBatch " + size + ": the commands per claim, 1 or more", refused.getMessage());
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch((thread) -> thread.getName().startsWith("bench-")),
            "no engine thread started");
    }

    @Test
    void shouldWaitForTheBatchesBeforeTheWindowAndLeaveTheRestInFlight()
    {
        final PipelineBenchmark benchmark = pipeline(Topology.COMPACT, WaitStrategies.PARKING, JournalKind.IN_MEMORY);
        benchmark.inFlight = 2;
        benchmark.launch();
        try
        {
            assertEquals(PipelineBenchmark.BATCH, benchmark.publishBatch());
            assertEquals(2L * PipelineBenchmark.BATCH, benchmark.publishBatch());
            assertEquals(3L * PipelineBenchmark.BATCH, benchmark.publishBatch());
            assertTrue(benchmark.delivered() >= PipelineBenchmark.BATCH,
                "the third batch returns only once the first has been delivered: " + benchmark.delivered());
        }
        finally
        {
            benchmark.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void shouldDeliverEveryCommandThroughTheJournalAtEachDurability(final Durability durability)
    {
        final DurabilityBenchmark benchmark = new DurabilityBenchmark();
        benchmark.durability = durability;
        benchmark.waitStrategy = WaitStrategies.PHASED;
        benchmark.launch();
        try
        {
            final DurabilityBenchmark.Commits commits = new DurabilityBenchmark.Commits();
            assertEquals(PipelineBenchmark.BATCH, benchmark.publishBatch(commits));
            final long batchCommits = commits.commits;
            assertTrue(batchCommits >= 1 && batchCommits <= PipelineBenchmark.BATCH, "commits: " + batchCommits);
            assertEquals(PipelineBenchmark.BATCH + 1L, benchmark.publishOne(commits));
            assertEquals(batchCommits + 1, commits.commits, "one command published alone is one batch");
            assertEquals(PipelineBenchmark.BATCH + 1L, benchmark.delivered());
        }
        finally
        {
            benchmark.close();
        }
    }

    @ParameterizedTest
    @EnumSource(ProducerType.class)
    void shouldConsumeEveryEventOfEachBatchOfTheBareRing(final ProducerType producerType) throws Exception
    {
        final BareDisruptorBenchmark benchmark = new BareDisruptorBenchmark();
        benchmark.producerType = producerType;
        benchmark.waitStrategy = WaitStrategies.PARKING;
        benchmark.start();
        try
        {
            assertEquals(PipelineBenchmark.BATCH - 1, benchmark.publishBatch());
            assertEquals(2L * PipelineBenchmark.BATCH - 1, benchmark.publishBatch());
            assertEquals(2L * PipelineBenchmark.BATCH, benchmark.consumed());
        }
        finally
        {
            benchmark.stop();
        }
    }

    @Test
    void shouldDeliverEveryCommandOfEachBatchThroughTheQueues() throws Exception
    {
        final ArrayBlockingQueuePipelineBenchmark benchmark = new ArrayBlockingQueuePipelineBenchmark();
        benchmark.start();
        try
        {
            assertEquals(PipelineBenchmark.BATCH, benchmark.publishBatch());
            assertEquals(2L * PipelineBenchmark.BATCH, benchmark.publishBatch());
            assertEquals(2L * PipelineBenchmark.BATCH, benchmark.delivered());
        }
        finally
        {
            benchmark.stop();
        }
    }

    /** A pipeline benchmark with these parameters and the others at their defaults, not yet launched. */
    private static PipelineBenchmark pipeline(final Topology topology, final WaitStrategies waitStrategy,
        final JournalKind journal)
    {
        final PipelineBenchmark benchmark = new PipelineBenchmark();
        benchmark.topology = topology;
        benchmark.waitStrategy = waitStrategy;
        benchmark.journal = journal;
        return benchmark;
    }
}
