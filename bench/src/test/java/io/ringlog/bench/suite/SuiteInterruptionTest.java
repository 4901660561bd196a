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
        final SuiteInterruption interruption = new SuiteInterruption(dir, null, work, false, new PrintWriter(err),
            () -> 1);

        interruption.run();

        assertFalse(Files.exists(work));
        assertTrue(interruption.stopping());
        assertEquals("suite: interrupted; stopped 2 processes it started; deleted " + work + " (3 MB of generated " +
            "streams); nothing was written to " + dir, err.toString().strip());
    }

    @Test
    void shouldRemoveAResultsDirectoryItMadeWhenNothingWasWrittenThere(@TempDir final Path parent) throws Exception
    {
        final Path results = Files.createDirectories(parent.resolve("2026-12-07-0130"));
        final Path work = Files.createDirectories(results.resolve("work"));
        Files.writeString(work.resolve("exchange-stream.bin"), "x");
        final StringWriter err = new StringWriter();

        new SuiteInterruption(results, results, work, false, new PrintWriter(err), () -> 0).run();

        assertFalse(Files.exists(results));
        assertEquals("suite: interrupted; deleted " + work + " (0 MB of generated streams); removed " + results + ", empty",
            err.toString().strip());
    }

    /** A reviewer's: an --out whose parents the suite made kept them when it removed the directory. */
    @Test
    void shouldRemoveTheParentsItMadeForItsResultsAndKeepOnesWrittenInto(@TempDir final Path parent) throws Exception
    {
        final Path results = parent.resolve("runs").resolve("today").resolve("suite");
        final Path made = BenchSuite.firstMissing(results);
        assertEquals(parent.resolve("runs"), made);
        final Path work = Files.createDirectories(results.resolve("work"));
        final StringWriter err = new StringWriter();

        new SuiteInterruption(results, made, work, false, new PrintWriter(err), () -> 0).run();

        assertFalse(Files.exists(parent.resolve("runs")));
        assertTrue(err.toString().strip().endsWith("; removed " + parent.resolve("runs") + ", empty"), err.toString());

        // Someone else's file beside the results, in a parent the suite made: that parent and those above it stay.
        Files.createDirectories(results.resolve("work"));
        Files.writeString(parent.resolve("runs").resolve("notes.txt"), "mine");
        err.getBuffer().setLength(0);

        new SuiteInterruption(results, made, work, false, new PrintWriter(err), () -> 0).run();

        assertFalse(Files.exists(parent.resolve("runs").resolve("today")));
        assertTrue(Files.exists(parent.resolve("runs").resolve("notes.txt")));
        assertTrue(err.toString().strip().endsWith("; removed " + parent.resolve("runs").resolve("today") + ", empty"),
            err.toString());
        assertEquals(null, BenchSuite.firstMissing(parent));
    }

    @Test
    void shouldNameTheFilesOfTheStepsThatFinished(@TempDir final Path parent) throws Exception
    {
        final Path results = Files.createDirectories(parent.resolve("2026-12-07-0130"));
        final Path work = Files.createDirectories(results.resolve("work"));
        Files.writeString(Files.createDirectories(results.resolve("jmh")).resolve("pipeline.json"), "[]");
        final StringWriter err = new StringWriter();

        new SuiteInterruption(results, results, work, false, new PrintWriter(err), () -> 0).run();

        assertTrue(Files.exists(results.resolve("jmh").resolve("pipeline.json")));
        assertEquals("suite: interrupted; deleted " + work + " (0 MB of generated streams); " + results + " holds the " +
            "files of the steps that ran, the last one's cut short, and no results.md or results.json (those are written at the end)",
            err.toString().strip());
    }

    @Test
    void shouldKeepTheWorkDirectoryWhenAskedTo(@TempDir final Path dir) throws Exception
    {
        final Path work = Files.createDirectories(dir.resolve("work"));
        Files.writeString(work.resolve("latency-stream.bin"), "x");
        final StringWriter err = new StringWriter();

        new SuiteInterruption(dir, dir, work, true, new PrintWriter(err), () -> 0).run();

        assertTrue(Files.exists(work.resolve("latency-stream.bin")));
        assertEquals("suite: interrupted; kept " + work + " (--keep-work)", err.toString().strip());
    }
}
