package io.ringlog.bench;

import io.ringlog.bench.suite.BenchSuite;
import io.ringlog.journal.tool.CliSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each harness refuses a bad option by its name and value alone, as a usage error, before it runs anything. */
class OptionChecksTest
{
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "latency     | --rate 0               | --rate must be positive: 0",
        "latency     | --seconds 0            | --seconds must be positive: 0",
        "latency     | --warmup -1            | --warmup must not be negative: -1",
        "latency     | --ring-size 1000       | --ring-size must be a power of two, at least 2: 1000",
        "recovery    | --warmup -1            | --warmup must not be negative: -1",
        "recovery    | --runs 0               | --runs must be positive: 0",
        "recovery    | --snapshot-at 1.5      | --snapshot-at must be in (0, 1]: 1.5",
        "replication | --rate 0               | --rate must be positive: 0",
        "replication | --warmup -1            | --warmup must not be negative: -1",
        "replication | --rounds 0             | --rounds must be positive: 0",
        "suite       | --lock-wait -1         | --lock-wait must not be negative: -1",
        "suite       | --rates 10000,0        | --rates must be positive: 0"})
    void shouldNameTheOneOptionThatIsWrongAndItsValue(final String harness, final String options, final String message)
    {
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final CommandLine commandLine = CliSupport.configure(new CommandLine(command(harness))
            .setCaseInsensitiveEnumValuesAllowed(true), new PrintWriter(new ByteArrayOutputStream(), true,
            StandardCharsets.UTF_8), new PrintWriter(err, true, StandardCharsets.UTF_8));

        final int exit = commandLine.execute(options.split(" "));

        final String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, exit, text);
        assertEquals(List.of("error: " + message, "Try 'scripts/bench " + harness + " --help' for more information."),
            text.lines().toList());
    }

    private static Object command(final String harness)
    {
        return switch (harness)
        {
            case "latency" -> new LatencyHarness();
            case "recovery" -> new RecoveryBench();
            case "replication" -> new ReplicationBench();
            case "suite" -> new BenchSuite();
            default -> throw new IllegalArgumentException(harness);
        };
    }
}
