package io.ringlog.bench.suite;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BenchSuiteTest
{
    @Test
    void shouldSayHowMuchHeapItHadWhatHoldsItAndTheTwoWaysOut()
    {
        assertEquals("error: out of memory with a 2,048 MB heap: the suite records ExchangeBenchmark's stream of " +
            "40,000,000 flow commands (1,373 MB) in memory; give it a larger heap (RINGLOG_JAVA_OPTS=-Xmx6g) or a shorter " +
            "stream (--exchange-commands N, at least 3,000,000)",
            BenchSuite.outOfMemory(2L << 30, 40_000_000, 3_000_000));
    }
}
