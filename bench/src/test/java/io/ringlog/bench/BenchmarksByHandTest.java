package io.ringlog.bench;

import io.ringlog.core.Topology;
import io.ringlog.core.WaitStrategies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Drives each benchmark's lifecycle on the test thread, as JMH would, to prove it measures whole batches. */
@Timeout(30)
class BenchmarksByHandTest
{
    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldDeliverEveryCommandOfEachBatchThroughTheEngine(final Topology topology)
    {
        final PipelineBenchmark benchmark = new PipelineBenchmark();
        benchmark.topology = topology;
        benchmark.waitStrategy = WaitStrategies.PHASED;
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
}
