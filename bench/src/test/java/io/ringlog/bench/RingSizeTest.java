package io.ringlog.bench;

import io.ringlog.core.EngineContext;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The engine rows measure the ring a user gets: EngineContext's default, unless a row asks for another. */
class RingSizeTest
{
    @Test
    void shouldMeasureTheEnginesDefaultRing() throws Exception
    {
        final int engineDefault = new EngineContext().ringSize();
        assertEquals(engineDefault, new EngineContext().outputRingSize());
        assertEquals(engineDefault, PipelineBenchmark.RING_SIZE);
        assertEquals(engineDefault, new PipelineBenchmark().ringSize);
        assertEquals(engineDefault, new ExchangeBenchmark().ringSize);
        assertEquals(engineDefault, new BareDisruptorBenchmark().ringSize);
        assertEquals(engineDefault, new LatencyHarness().ringSize);
        // JMH sets the fields from @Param, whose default is text: it must say the same.
        for (final Class<?> benchmark : new Class<?>[] {PipelineBenchmark.class, ExchangeBenchmark.class,
            BareDisruptorBenchmark.class})
        {
            final String[] values = benchmark.getField("ringSize").getAnnotation(org.openjdk.jmh.annotations.Param.class)
                .value();
            assertEquals(String.valueOf(engineDefault), values[0], benchmark.getSimpleName());
        }
    }
}
