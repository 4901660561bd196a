package io.ringlog.exchange.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a process killed between two writes leaves of a file {@link ExchangeCli#newWriter} writes: whole lines
 * only. The events file of a run the bad-input probe killed ended in {@code pos=279967 reduced oid=439}, where
 * the event was {@code oid=43960}: the buffered writer handed the file its buffer whenever it filled, mid-line.
 */
class WholeLinesWriterTest
{
    @TempDir
    Path dir;

    @Test
    void shouldHandTheFileWholeLinesOnlyUntilClosed() throws Exception
    {
        final Path file = dir.resolve("events.txt");
        final String line = "pos=279967 reduced oid=43960 acct=7 sym=3 by=5 remaining=12\n";
        try (Writer writer = ExchangeCli.newWriter(file))
        {
            for (int i = 0; i < 100_000; i++)
            {
                writer.append(line);
                if (i % 25_000 == 24_999)
                {
                    // As a process killed now would leave it: what reached the file, no flush or close after.
                    final String held = Files.readString(file, StandardCharsets.UTF_8);
                    assertTrue(held.length() > 0 && held.endsWith("\n"), "after " + (i + 1) + " lines the file holds " +
                        held.length() + " chars, ending '" + held.substring(Math.max(0, held.length() - 20)) + "'");
                }
            }
            writer.write("a last line with no end");
        }
        final String whole = Files.readString(file, StandardCharsets.UTF_8);
        assertEquals(100_000L * line.length() + "a last line with no end".length(), whole.length(), "close writes the rest");
    }
}
