package io.ringlog.example.ledger;

import io.ringlog.journal.tool.CliSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LedgerDemoTest
{
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--accounts 0   | --accounts must be at least 1: 0",
        "--commands -1  | --commands must not be negative: -1"})
    void shouldNameTheOneOptionThatIsWrongAndItsValue(final String options, final String message)
    {
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final CommandLine commandLine = CliSupport.configure(new CommandLine(new LedgerDemo()),
            new PrintWriter(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintWriter(err, true, StandardCharsets.UTF_8));

        final int exit = commandLine.execute(options.split(" "));

        final String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, exit, text);
        assertEquals(List.of("error: " + message, "Try 'ledger-demo --help' for more information."), text.lines().toList());
    }
}
