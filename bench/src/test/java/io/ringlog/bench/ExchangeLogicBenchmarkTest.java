package io.ringlog.bench;

import io.ringlog.exchange.ExchangeStateMachine;
import io.ringlog.exchange.workload.WorkloadConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Drives the logic-alone benchmark by hand, as JMH would: every pass applies the whole stream, the same way. */
@Timeout(60)
class ExchangeLogicBenchmarkTest
{
    private static final int FLOW = 3_000;

    @Test
    void shouldApplyTheWholeStreamInEveryPassAndStartEachPassAfresh() throws Exception
    {
        final ExchangeLogicBenchmark benchmark = benchmark();
        benchmark.generate();
        final long direct = directHash(benchmark.workload());
        final long empty = benchmark.stateHash();
        int calls = 0;
        while (benchmark.passes() < 2)
        {
            benchmark.apply();
            calls++;
            if (benchmark.passes() == 1)
            {
                assertEquals(direct, benchmark.passHash(), "the first pass ends where the stream applied at once does");
            }
        }
        assertEquals(direct, benchmark.passHash(), "the second pass ends in the same state");
        assertNotEquals(empty, direct, "the stream changed the exchange");
        // A pass is the set-up commands and the flow, all counted; 100 commands a call; the third pass starts
        // with the command after the second pass's last.
        final int perPass = benchmark.workload().size();
        assertTrue(calls * 100 > 2 * perPass && (calls - 1) * 100 <= 2 * perPass, calls + " calls for two passes of " +
            perPass);
    }

    @Test
    void shouldReadTheSuitesStreamAndRefuseOneOfAnotherSeed(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("stream.bin");
        RecordedWorkload.record(WorkloadConfig.exchangeCore(9, FLOW)).write(file);
        final ExchangeLogicBenchmark read = benchmark();
        read.workloadFile = file.toString();
        read.generate();
        final ExchangeLogicBenchmark generated = benchmark();
        generated.generate();
        assertEquals(generated.workload().checksum(0, generated.workload().size()),
            read.workload().checksum(0, read.workload().size()));

        final ExchangeLogicBenchmark other = benchmark();
        other.workloadFile = file.toString();
        other.seed = 10;
        final IllegalStateException ex = assertThrows(IllegalStateException.class, other::generate);
        assertTrue(ex.getMessage().contains("seed 9"), ex.getMessage());
    }

    private static ExchangeLogicBenchmark benchmark()
    {
        final ExchangeLogicBenchmark benchmark = new ExchangeLogicBenchmark();
        benchmark.seed = 9;
        benchmark.flowCommands = FLOW;
        benchmark.workloadFile = "";
        return benchmark;
    }

    private static long directHash(final RecordedWorkload workload)
    {
        final ExchangeDriver driver = new ExchangeDriver(new ExchangeStateMachine(workload.maxAssets(), true));
        for (int i = 0; i < workload.size(); i++)
        {
            driver.apply(workload.type(i), workload.payloads(), workload.offset(i), workload.length(i));
        }
        return driver.exchange().stateHash();
    }
}
