package io.ringlog.bench.suite;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SuiteInterruptionTest
{
    @Test
    void shouldDeleteTheWorkDirectoryAndSaySo(@TempDir final Path dir) throws Exception
    {
        final Path work = Files.createDirectories(dir.resolve("work"));
        Files.write(work.resolve("exchange-stream.bin"), new byte[3 << 20]);
        Files.writeString(Files.createDirectories(work.resolve("peer")).resolve("commands.txt"), "x");
        final StringWriter err = new StringWriter();
        final SuiteInterruption interruption = new SuiteInterruption(work, false, new PrintWriter(err), () -> 1);

        interruption.run();

        assertFalse(Files.exists(work));
        assertTrue(interruption.stopping());
        assertEquals("suite: interrupted; stopped 2 processes it started; deleted " + work + " (3 MB of generated streams)",
            err.toString().strip());
    }

    @Test
    void shouldKeepTheWorkDirectoryWhenAskedTo(@TempDir final Path dir) throws Exception
    {
        final Path work = Files.createDirectories(dir.resolve("work"));
        Files.writeString(work.resolve("latency-stream.bin"), "x");
        final StringWriter err = new StringWriter();

        new SuiteInterruption(work, true, new PrintWriter(err), () -> 0).run();

        assertTrue(Files.exists(work.resolve("latency-stream.bin")));
        assertEquals("suite: interrupted; kept " + work + " (--keep-work)", err.toString().strip());
    }
}
