package io.ringlog.bench;

import io.ringlog.exchange.workload.WorkloadConfig;
import io.ringlog.exchange.workload.WorkloadGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class RecoveryBenchTest
{
    @Test
    void shouldKnowHowManyCommandsTheGeneratorMakes() throws Exception
    {
        final WorkloadConfig config = WorkloadConfig.exchangeCore(3, 1_000);
        final long generated = new WorkloadGenerator(config).generate((type, payload, length) ->
        {
        });
        assertEquals(generated, RecoveryBench.expectedCommands(config));
    }

    @Test
    void shouldRecoverTheLiveStateBothWaysAndReplayOnlyTheTailAfterTheSnapshot() throws Exception
    {
        final RecoveryBench bench = new RecoveryBench();
        bench.seed = 5;
        bench.runs = 1;
        bench.snapshotAt = 0.5;

        final RecoveryBench.Row row = bench.measure(4_000);

        final long entries = RecoveryBench.expectedCommands(WorkloadConfig.exchangeCore(5, 4_000)) + 1;
        assertEquals(entries, row.entries, "every command and the snapshot request are journaled");
        assertEquals(entries, row.full.replayed);
        assertEquals(0, row.full.snapshotPosition);
        assertEquals(row.snapshotPosition, row.fromSnapshot.snapshotPosition);
        assertEquals(entries - row.snapshotPosition, row.fromSnapshot.replayed);
        assertTrue(row.journalBytes >= entries * 56, "at least a header per entry: " + row.journalBytes);
        assertTrue(row.snapshotBytes > 0, "the snapshot was written");
    }

    @Test
    void shouldPrintOneTableRowPerSize()
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final RecoveryBench bench = new RecoveryBench();
        bench.console = new PrintStream(out, true, StandardCharsets.UTF_8);

        final int exit = RecoveryBench.commandLine(bench).execute("--sizes", "500,1000", "--runs", "1", "--seed", "7",
            "--warmup", "200");

        final String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, text);
        assertTrue(text.contains("| 500 | "), text);
        assertTrue(text.contains("| 1,000 | "), text);
        // COMPACT: one engine thread journals and applies; it is also the one that replays.
        assertEquals(1, text.lines().filter((line) -> line.startsWith("threads: 1 engine + 1 publisher = 2 ")).count(), text);
    }
}
