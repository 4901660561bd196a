package io.ringlog.exchange.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A {@code run} stopped with SIGTERM (as Ctrl-C or a service manager stops it), seen from outside: it
 * stops reading, drains what it published, leaves whole event lines, and says after which line it
 * stopped and how to go on. Going on with {@code --from-line} ends in the state of one uninterrupted
 * run of the whole file; rerunning from the start would apply commands twice, which is what it warns of.
 */
class InterruptedRunTest
{
    private static final int COMMANDS = 40_000;

    @TempDir
    Path dir;

    /**
     * A reviewer's finding: a signal in the run's first half second, before the journal's classes were loaded, printed
     * {@code ExceptionInInitializerError ... Shutdown in progress} and no summary. Signals at several moments of the
     * start: each run says it stopped, in words, and how to go on.
     */
    @Test
    void shouldSayItStoppedWhenTheSignalComesAsItStarts() throws Exception
    {
        final Path commands = dir.resolve("commands.txt");
        Cli.ok("generate", "--commands", "20000", "--seed", "5", "-o", commands.toString());
        for (final long afterMs : new long[] {150, 250, 350, 450, 600})
        {
            final Path log = dir.resolve("run-" + afterMs + ".log");
            final Process run = Cli.startInChildJvm(List.of(), log, "run", "-i", commands.toString(), "-d",
                dir.resolve("journal-" + afterMs).toString(), "--rate", "5000");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(afterMs));
            run.destroy(); // SIGTERM
            assertTrue(run.waitFor(60, TimeUnit.SECONDS), "the stopped run ended");
            final String output = Files.readString(log, StandardCharsets.UTF_8);
            assertFalse(output.contains("\tat ") || output.contains("Exception") || output.contains("Error"),
                afterMs + " ms:\n" + output);
            assertTrue(output.contains("\nstopped: by a signal ") || output.startsWith("stopped: by a signal ") ||
                !output.contains("run: stopping"), "a run the signal reached says it stopped (" + afterMs + " ms):\n" +
                output);
            assertTrue(output.contains("resume: run the same command") || !output.contains("run: stopping"),
                afterMs + " ms:\n" + output);
        }
    }

    @Test
    void shouldSayWhereItStoppedOnSigtermAndGoOnFromThereToTheStateOfAWholeRun() throws Exception
    {
        final Path commands = dir.resolve("commands.txt");
        Cli.ok("generate", "--commands", Integer.toString(COMMANDS), "--seed", "5", "-o", commands.toString());
        final Path wholeEvents = dir.resolve("whole-events.txt");
        final Cli.Result whole = Cli.ok("run", "-i", commands.toString(), "-d", dir.resolve("whole").toString(), "--events",
            wholeEvents.toString());

        final Path journal = dir.resolve("stopped");
        final Path events = dir.resolve("events.txt");
        final Path log = dir.resolve("run.log");
        // Paced, so that the file lasts about 8 s and the signal comes in the middle of it.
        final Process run = Cli.startInChildJvm(List.of(), log, "run", "-i", commands.toString(), "-d",
            journal.toString(), "--events", events.toString(), "--rate", "5000");
        awaitEvents(run, events);
        run.destroy(); // SIGTERM
        assertTrue(run.waitFor(60, TimeUnit.SECONDS), "the stopped run ended");
        final String output = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(143, run.exitValue(), "128 + SIGTERM, as for any process a signal stopped\n" + output);
        assertFalse(output.contains("\tat ") || output.contains("Exception"), output);

        final String stopped = line(output, "stopped: ");
        final long lastLine = Long.parseLong(stopped.replaceFirst("^stopped: by a signal after line (\\d+) of .*$", "$1"));
        assertTrue(stopped.endsWith(" of " + commands + "; every command read up to it is journaled and applied, and " +
            "none after it was read"), stopped);
        assertTrue(lastLine > 0 && lastLine < Files.readAllLines(commands).size(), "stopped part-way: " + stopped);
        assertEquals("resume: run the same command with --from-line " + (lastLine + 1) + " (from the file's start, its " +
            "commands would be applied a second time), and --events on another file: " + events + " holds this run's " +
            "events and would be replaced (the new file's events follow this one's)",
            line(output, "resume: "));
        final String eventLines = Files.readString(events, StandardCharsets.UTF_8);
        assertTrue(eventLines.endsWith("\n"), "the events file ends with a whole line");
        assertEquals(line(output, "events-file: ").replaceFirst("^.* \\((\\d+) lines\\)$", "$1"),
            Long.toString(eventLines.lines().count()), "every event it counted is in the file");

        // The same events file again (a run replaces its --events file): refused, the stopped run's events kept.
        final Cli.Result same = Cli.run("run", "-i", commands.toString(), "-d", journal.toString(), "--from-line",
            Long.toString(lastLine + 1), "--events", events.toString());
        assertNotEquals(0, same.code(), same.out() + same.err());
        assertTrue(same.err().contains("the events file " + events + " holds events already, and " + journal +
            " holds positions up to ") && same.err().contains("Give --events another file"), same.err());
        assertEquals(eventLines, Files.readString(events, StandardCharsets.UTF_8), "the stopped run's events are kept");

        final Path restEvents = dir.resolve("rest-events.txt");
        final Cli.Result rest = Cli.ok("run", "-i", commands.toString(), "-d", journal.toString(), "--from-line",
            Long.toString(lastLine + 1), "--events", restEvents.toString());
        assertTrue(rest.err().contains("note: " + restEvents + " holds the events of positions "), rest.err());
        assertEquals(Files.readString(wholeEvents, StandardCharsets.UTF_8), eventLines +
            Files.readString(restEvents, StandardCharsets.UTF_8), "as the resume line says: the two files are the whole's");
        assertEquals(Long.toString(lastLine + 1), rest.value("from-line"));
        assertEquals(whole.value("state-hash"), rest.value("state-hash"), "stopped and resumed = one whole run");
        assertEquals(whole.value("last-position"), rest.value("last-position"));
    }

    /**
     * A generate stopped by a signal leaves no torn file: the last line cut inside a number is a valid command with
     * another value, which a run would apply without a word. A file already there stays as it was.
     */
    @Test
    void shouldLeaveNoTornCommandFileWhenAGenerateIsStopped() throws Exception
    {
        final Path commands = Files.writeString(dir.resolve("commands.txt"), "deposit acct=1 asset=0 amount=1\n");
        final Path log = dir.resolve("generate.log");
        final Process generate = Cli.startInChildJvm(List.of(), log, "generate", "--commands", "20_000_000", "-o",
            commands.toString());
        final Path partial = WholeFile.partial(commands, generate.pid());
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(partial) || Files.size(partial) < 1 << 20)
        {
            assertTrue(generate.isAlive(), "the generate ended before it could be stopped");
            assertTrue(System.nanoTime() < deadline, "nothing generated within 60 s");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        generate.destroy(); // SIGTERM
        assertTrue(generate.waitFor(60, TimeUnit.SECONDS), "the stopped generate ended");
        final String output = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(143, generate.exitValue(), output);
        assertTrue(output.contains("generate: stopped by a signal; " + commands + " was not written"), output);
        assertFalse(output.contains("\tat "), output);
        assertFalse(Files.exists(partial), "the partial file is deleted");
        assertEquals("deposit acct=1 asset=0 amount=1\n", Files.readString(commands), "the file already there is as it was");
    }

    private static void awaitEvents(final Process run, final Path events) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(events) || Files.size(events) < 64 << 10)
        {
            if (!run.isAlive())
            {
                fail("the run ended (exit " + run.exitValue() + ") before it could be stopped");
            }
            if (System.nanoTime() > deadline)
            {
                fail("the run wrote no events in 60 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private static String line(final String output, final String prefix)
    {
        return output.lines().filter((l) -> l.startsWith(prefix)).findFirst()
            .orElseGet(() -> fail("no '" + prefix + "' line in:\n" + output));
    }

    /**
     * A newcomer's findings: a demo stopped as its temporary directory appeared left it behind without a word (4 times
     * in 4: the signal came before the hook that deletes it was added), and one stopped while generating said it
     * stopped, then that it had generated and was going on. Stopped the moment its directory appears, then a moment
     * into generating: each deletes its directory and says nothing after it stopped.
     */
    @Test
    void shouldDeleteTheDemosDirectoryAndSayNoMoreWhenStoppedAsItStarts() throws Exception
    {
        final Path tmp = Files.createDirectories(dir.resolve("tmp"));
        for (final long afterMs : new long[] {0, 300})
        {
            final Path log = dir.resolve("demo-" + afterMs + ".log");
            final Process demo = Cli.startInChildJvm(List.of("-Djava.io.tmpdir=" + tmp), log, "demo");
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (demoDirectories(tmp).isEmpty() && demo.isAlive() && System.nanoTime() < deadline)
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            assertFalse(demoDirectories(tmp).isEmpty(), "the demo made its directory\n" + Files.readString(log));
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(afterMs));
            demo.destroy(); // SIGTERM
            assertTrue(demo.waitFor(60, TimeUnit.SECONDS), "the stopped demo ended");
            final String output = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(List.of(), demoDirectories(tmp), afterMs + " ms:\n" + output);
            // (A signal before its hook was added, microseconds after the directory was made, stops it before a word.)
            assertTrue(output.contains("demo: stopped; deleting ") || !output.contains("demo: generating"), afterMs +
                " ms:\n" + output);
            assertFalse(output.contains("demo: generated"), "nothing said after it stopped (" + afterMs + " ms):\n" +
                output);
        }
    }

    private static List<Path> demoDirectories(final Path tmp) throws java.io.IOException
    {
        try (java.util.stream.Stream<Path> files = Files.list(tmp))
        {
            return files.filter((file) -> file.getFileName().toString().startsWith("exchange-demo-")).toList();
        }
    }
}
