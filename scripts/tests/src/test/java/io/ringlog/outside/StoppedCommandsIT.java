package io.ringlog.outside;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Command lines stopped part way, as users stop them: by a signal (a run fed by a pipe, the ledger demo, a replay, a
 * verify, a benchmark), by a heap too small, by an answer that cannot be written; a second run on a journal in use.
 * Each says where it got to and how to go on, in words, with the exit code documented.
 */
class StoppedCommandsIT extends ScriptSession
{
    /**
     * A run fed by a named pipe, stopped by SIGTERM: its {@code resume:} line named only {@code --from-line}, and the
     * run that followed it was refused, as a pipe cannot be compared with the journal (a reviewer's finding). It
     * names {@code --append} too, and following it ends where one run of the whole file does.
     */
    @Test
    void shouldNameAResumeLineThatAPipeCanFollow() throws Exception
    {
        shell.run("mkdir -p run/fifo && scripts/exchange generate -n 400 --seed 9 -o run/fifo/c.txt && " +
            "mkfifo run/fifo/pipe", QUICK).expectOk();
        final Shell.Running feeder = shell.start("cat run/fifo/c.txt > run/fifo/pipe");
        final Shell.Running run = shell.start("scripts/exchange run -i run/fifo/pipe -d run/fifo/j --rate 100 " +
            "--events run/fifo/events-1.txt");
        awaitEvents(run, session.resolve("run/fifo/events-1.txt"));
        run.signal(false);
        final Shell.Result stopped = run.await(QUICK);
        feeder.await(QUICK);
        assertEquals(143, stopped.code(), stopped.toString());
        UserOutput.assertNoStackTrace(stopped);
        final Matcher resume = Pattern.compile("resume: run the same command with --append --from-line (\\d+) \\(" +
            "run/fifo/pipe is not a regular file").matcher(stopped.out());
        assertTrue(resume.find(), stopped.toString());

        final Shell.Running again = shell.start("cat run/fifo/c.txt > run/fifo/pipe");
        final Shell.Result resumed = shell.run("scripts/exchange run -i run/fifo/pipe -d run/fifo/j --append " +
            "--from-line " + resume.group(1) + " --events run/fifo/events-2.txt", QUICK).expectOk();
        again.await(QUICK);
        final Shell.Result whole = shell.run("scripts/exchange run -i run/fifo/c.txt -d run/fifo/whole", QUICK)
            .expectOk();
        assertEquals(whole.value("state-hash"), resumed.value("state-hash"), resumed.toString());
    }

    /**
     * A run fed by a pipe whose writer sends nothing more, or never opens it: SIGTERM took effect only at the pipe's next
     * line, and a pipe nobody opened held the run until someone did (a reviewer's finding). The stop comes at once, with
     * the summary and the resume line, and going on as it says ends where one run of the whole file does.
     */
    @Test
    void shouldStopARunWhosePipeSendsNothing() throws Exception
    {
        shell.run("mkdir -p run/idle && scripts/exchange generate -n 50 --seed 9 -o run/idle/all.txt && " +
            "head -40 run/idle/all.txt > run/idle/c.txt && mkfifo run/idle/pipe run/idle/unopened", QUICK).expectOk();
        // Sends the file, then holds the pipe open and sends nothing.
        final Shell.Running writer = shell.start("bash -c '{ cat run/idle/c.txt; exec sleep 600; } > run/idle/pipe'");
        final Shell.Running run = shell.start("scripts/exchange run -i run/idle/pipe -d run/idle/j --events " +
            "run/idle/events.txt");
        // Stopped once the events of all 40 lines are out (position 1 is the exchange's settings): the pipe is idle.
        final Path events = session.resolve("run/idle/events.txt");
        final long waitUntil = System.nanoTime() + QUICK.toNanos();
        while (!(Files.exists(events) && Files.readString(events).contains("pos=41 ")) && System.nanoTime() < waitUntil)
        {
            LockSupport.parkNanos(20_000_000L);
        }
        run.signal(false);
        final Shell.Result stopped = run.await(QUICK);
        writer.signal(true);
        writer.await(QUICK);
        assertEquals(143, stopped.code(), stopped.toString());
        UserOutput.assertNoStackTrace(stopped);
        final long lines = 40;
        assertEquals(lines, Long.parseLong(stopped.value("commands")), stopped.toString());
        assertTrue(stopped.out().contains("resume: run the same command with --append --from-line " + (lines + 1) + " ("),
            stopped.toString());
        final Shell.Running rest = shell.start("cat run/idle/all.txt > run/idle/pipe");
        final Shell.Result resumed = shell.run("scripts/exchange run -i run/idle/pipe -d run/idle/j --append " +
            "--from-line " + (lines + 1), QUICK).expectOk();
        rest.await(QUICK);
        final Shell.Result whole = shell.run("scripts/exchange run -i run/idle/all.txt -d run/idle/whole", QUICK)
            .expectOk();
        assertEquals(whole.value("state-hash"), resumed.value("state-hash"), resumed.toString());

        // A pipe nobody opens: the run waits in its open until the signal.
        final Shell.Running waiting = shell.start("scripts/exchange run -i run/idle/unopened -d run/idle/j2");
        final Path meta = session.resolve("run/idle/j2/ringlog.meta");
        final long deadline = System.nanoTime() + QUICK.toNanos();
        while (!Files.exists(meta) && System.nanoTime() < deadline)
        {
            LockSupport.parkNanos(20_000_000L);
        }
        waiting.signal(false);
        final Shell.Result none = waiting.await(QUICK);
        assertEquals(143, none.code(), none.toString());
        UserOutput.assertNoStackTrace(none);
        assertTrue(none.out().contains("stopped: by a signal before the first line of run/idle/unopened"), none.toString());
        assertEquals(0, Long.parseLong(none.value("commands")), none.toString());
    }

    /**
     * A second run on a journal another run is writing, with the same events file: it was refused for the events file
     * ("holds events already ... give --events another file"), and with another file, then for the journal: it is
     * refused for the other writer at once, and the running run's events file is left alone.
     */
    @Test
    void shouldRefuseASecondRunForTheRunWritingItsJournalFirst() throws Exception
    {
        shell.run("mkdir -p run/second && scripts/exchange generate -n 2000 --seed 10 -o run/second/c.txt", QUICK)
            .expectOk();
        final Shell.Running first = shell.start("scripts/exchange run -i run/second/c.txt -d run/second/j --rate 200 " +
            "--events run/second/events.txt");
        final Path events = session.resolve("run/second/events.txt");
        awaitEvents(first, events);

        final Shell.Result second = refused(1, "scripts/exchange run -i run/second/c.txt -d run/second/j " +
            "--events run/second/events.txt");
        first.signal(false);
        final Shell.Result stopped = first.await(QUICK);

        assertTrue(second.err().startsWith("error: journal run/second/j is open for writing by another process (pid "),
            second.toString());
        assertFalse(second.err().contains("holds events already"), second.toString());
        assertEquals(143, stopped.code(), stopped.toString());
        final long shown = Files.readAllLines(events).stream().filter((line) -> line.startsWith("pos=")).map((line) ->
            Long.parseLong(line.substring(4, line.indexOf(' ')))).max(Long::compare).orElse(0L);
        assertEquals(Long.parseLong(stopped.value("last-position")), shown, "the first run's events file is its own\n" + stopped);
    }

    /**
     * ledger-demo stopped by SIGTERM mid-run left its journal's last document open (verify: a torn entry, exit 1) and
     * said only that it stopped (a reviewer's finding). It stops publishing, closes its engine, and says how far it got;
     * its journal verifies.
     */
    @Test
    void shouldStopTheLedgerDemoOnASignalWithAJournalThatVerifies() throws Exception
    {
        final Shell.Running demo = shell.start("scripts/ledger-demo --commands 50000000 --journal run/ledger-stopped");
        final Path journal = session.resolve("run/ledger-stopped");
        final long deadline = System.nanoTime() + QUICK.toNanos();
        while (!Files.isDirectory(journal) || list("run/ledger-stopped").stream().noneMatch((name) ->
            name.endsWith(".cq4")))
        {
            if (System.nanoTime() > deadline)
            {
                demo.signal(true);
                throw new AssertionError("the demo wrote no journal in " + QUICK + "\n" + demo.await(QUICK));
            }
            LockSupport.parkNanos(20_000_000L);
        }
        demo.signal(false);
        final Shell.Result stopped = demo.await(QUICK);

        assertEquals(143, stopped.code(), stopped.toString());
        UserOutput.assertNoStackTrace(stopped);
        final long published = Long.parseLong(stopped.value("published"));
        assertEquals(published, Long.parseLong(stopped.value("applied")), stopped.toString());
        assertTrue(stopped.value("stopped").startsWith("by a signal after " + published + " of the 50000000 commands"),
            stopped.toString());
        final Shell.Result verified = shell.run("scripts/journal verify -d run/ledger-stopped", QUICK);
        assertEquals(0, verified.code(), verified.toString());
        assertTrue(verified.out().contains("status: ok"), verified.toString());
        // The replay it names gives the live state's hash it printed (a later reviewer's: it printed none to compare).
        final Shell.Result replayed = shell.run("scripts/journal replay -d run/ledger-stopped --state-machine " +
            "io.ringlog.example.ledger.LedgerStateMachine", QUICK).expectOk();
        assertEquals(stopped.value("state-hash"), replayed.value("state-hash"), stopped + "\n" + replayed);
    }

    @Test
    void shouldSayInWordsThatAnInMemoryJournalDoesNotFitTheHeapAndNotHang() throws Exception
    {
        // Before, the ledger demo died of OutOfMemoryError in its engine's threads and hung until killed.
        final String small = "RINGLOG_JAVA_OPTS=-Xmx64m ";
        final Shell.Result upFront = refused(2, small + "scripts/ledger-demo --commands 2000000");
        assertTrue(upFront.err().startsWith("error: --commands 2000000: 2,000,000 commands need about 252 MiB of heap " +
            "for the in-memory journal (132 bytes each), more than the "), upFront.toString());
        // The share of the heap it may take is said, and is the one the check used.
        final Matcher share = Pattern.compile("more than the ([0-9,]+) MiB it may take: three quarters of the ([0-9,]+) " +
            "MiB this JVM may use").matcher(upFront.err());
        assertTrue(share.find(), upFront.toString());
        assertEquals(Long.parseLong(share.group(2).replace(",", "")) * 3 / 4, Long.parseLong(share.group(1).replace(",", "")),
            1, upFront.toString());
        assertTrue(upFront.err().contains("(RINGLOG_JAVA_OPTS=-Xmx1g), ask for fewer, or journal to disk with --journal " +
            "DIR"), upFront.toString());
        final Shell.Result demo = refused(2, small + "scripts/exchange demo --in-memory --commands 3000000");
        assertTrue(demo.err().startsWith("error: --commands 3000000 --in-memory: 3,000,000 commands need about 378 MiB " +
            "of heap"), demo.toString());

        // These fit the up-front check, not the heap beside the engine's rings: the journal says so when it is full.
        for (final String command : new String[]{"scripts/ledger-demo --commands 300000",
            "scripts/exchange demo --in-memory --commands 300000"})
        {
            final Shell.Result halted = shell.run(small + command, QUICK);
            assertEquals(1, halted.code(), halted.toString());
            assertTrue(halted.err().contains("error: ") && halted.err().contains(": the heap is full: the in-memory " +
                "journal holds "), halted.toString());
            assertTrue(halted.err().contains("journal to disk, or give the JVM more heap (-Xmx)"), halted.toString());
            assertFalse(halted.err().contains("OutOfMemoryError"), halted.toString());
            UserOutput.assertNoStackTrace(halted);
        }
    }

    /**
     * {@code journal replay} and {@code journal verify} stopped by SIGTERM exited 143 with nothing on stderr (a reviewer's
     * finding), where the README says every tool says where it got to: each says so, and that it changed nothing.
     */
    @Test
    void shouldSayWhereAReplayAndAVerifyGotToWhenASignalStopsThem() throws Exception
    {
        shell.run("scripts/ledger-demo --commands 200_000 --journal run/slow", QUICK).expectOk();
        final String classes = Path.of(SlowStateMachine.class.getProtectionDomain().getCodeSource().getLocation()
            .toURI()).toString();
        final Shell.Running replay = shell.start("env RINGLOG_CLASSPATH=" + classes + " scripts/journal replay -d run/slow " +
            "--state-machine " + SlowStateMachine.class.getName());
        awaitOut(replay, "slow-from: ");
        replay.signal(false);
        final Shell.Result replayed = replay.await(QUICK);
        assertEquals(143, replayed.code(), replayed.toString());
        UserOutput.assertNoStackTrace(replayed);
        final java.util.regex.Matcher said = java.util.regex.Pattern.compile("replay: stopped by a signal at position " +
            "(\\d+) of (\\d+), so no state hash was reached; it only reads, so nothing was changed").matcher(replayed.err());
        assertTrue(said.find(), replayed.toString());
        assertTrue(Long.parseLong(said.group(1)) >= 65_536 && Long.parseLong(said.group(1)) < SlowStateMachine.SLOW_FROM +
            65_536, replayed.toString());
        assertFalse(replayed.out().contains("state-hash"), replayed.toString());

        // Verify, stopped as it waits on a damaged Chronicle table (Chronicle's 10 s for a lock no one holds): junk after a
        // first word that reads as Chronicle's header, which Chronicle alone can tell is not one.
        final Path table = session.resolve("run/slow").resolve("metadata.cq4t");
        final byte[] junk = new byte[128 << 10];
        new java.util.Random(7).nextBytes(junk);
        java.nio.ByteBuffer.wrap(junk).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0, 0x4000_0094);
        Files.write(table, junk);
        final Shell.Running verify = shell.start("scripts/journal verify -d run/slow");
        awaitOut(verify, "directory: ");
        verify.signal(false);
        final Shell.Result verified = verify.await(QUICK);
        assertEquals(143, verified.code(), verified.toString());
        UserOutput.assertNoStackTrace(verified);
        assertTrue(verified.err().contains("verify: stopped by a signal before its verdict (what it printed above is as " +
            "far as it got); it only reads, so nothing was changed: run it again for a verdict"), verified.toString());
        assertFalse(verified.out().contains("status:"), verified.toString());
    }

    /**
     * A reviewer's: an answer written to a full disk was an empty file, or one cut mid-number, and every command exited
     * 0 without a word. A reader that goes away ('| head') is no failure.
     */
    @Test
    void shouldSayAnAnswerItCouldNotWriteAndExit1() throws Exception
    {
        shell.run("scripts/ledger-demo --commands 1_000 --journal run/full", QUICK).expectOk();
        for (final String command : new String[] {
            "scripts/exchange generate --commands 1_000 --output run/full-commands.txt && " +
                "scripts/exchange run -i run/full-commands.txt -d run/full-exchange > /dev/null && " +
                "scripts/exchange balances -d run/full-exchange > /dev/full",
            "scripts/journal replay -d run/full --state-machine io.ringlog.example.ledger.LedgerStateMachine > /dev/full",
            "scripts/journal verify -d run/full > /dev/full",
            "scripts/ledger-demo --commands 1_000 > /dev/full"})
        {
            final Shell.Result result = shell.run(command, QUICK);
            assertEquals(1, result.code(), result.toString());
            assertTrue(result.err().strip().endsWith("error: could not write the output: No space left on device; what " +
                "was written before it is cut short"), result.toString());
            UserOutput.assertNoStackTrace(result);
        }
        final Shell.Result headed = shell.run("scripts/journal dump -d run/full | head -1; echo \"dump=${PIPESTATUS[0]}\"",
            QUICK);
        assertTrue(headed.out().contains("dump=0"), headed.toString());
        assertFalse(headed.err().contains("could not write"), headed.toString());
    }

    /**
     * A reviewer's finding: Ctrl-C or SIGTERM of {@code scripts/bench latency} ended it without a word. It says it was
     * stopped, and what of the run was written: nothing, stopped before its results.
     */
    @Test
    void shouldSayABenchmarkRunWasStoppedByASignal() throws Exception
    {
        final Path out = temp.resolve("stopped-latency");
        final Path stdout = temp.resolve("stopped-latency.out");
        final Path stderr = temp.resolve("stopped-latency.err");
        final ProcessBuilder builder = new ProcessBuilder("scripts/bench", "latency", "--rate", "2000", "--seconds", "60",
            "--warmup", "1", "--out", out.toString()).directory(session.toFile()).redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile());
        builder.environment().put("RINGLOG_NO_BUILD", "1");
        final Process bench = builder.start();
        try
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(stdout).contains("\nmachine: ") && bench.isAlive() && System.nanoTime() < deadline)
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
            assertTrue(Files.readString(stdout).contains("\nmachine: "), "the run started\n" + Files.readString(stdout) +
                Files.readString(stderr));
            // SIGTERM, as a service manager or kill sends it (Ctrl-C's SIGINT takes the same way out); the scripts exec
            // their JVM, so the process started is the JVM.
            bench.destroy();
            assertTrue(bench.waitFor(60, TimeUnit.SECONDS), "the stopped run ended");
        }
        finally
        {
            bench.descendants().forEach(ProcessHandle::destroyForcibly);
            bench.destroyForcibly();
        }
        final String err = Files.readString(stderr);
        assertTrue(err.contains("interrupted: scripts/bench latency was stopped by a signal before it finished; each of " +
            "its result files is whole or not there (those it said it wrote are)"), err);
        assertFalse(err.contains("\tat ") || err.contains("Exception"), err);
        try (Stream<Path> files = Files.list(out))
        {
            assertEquals(List.of(), files.toList(), "nothing of the run was written");
        }
    }
}
