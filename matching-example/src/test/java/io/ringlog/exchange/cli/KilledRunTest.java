package io.ringlog.exchange.cli;

import io.ringlog.core.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Durable before visible, seen from outside: {@code exchange run --events} in its own JVM is
 * SIGKILLed while it runs, and the events file it leaves must be a prefix of what
 * {@code replay --events} regenerates from the journal. Every event the killed run made visible was
 * caused by a command that had reached the journal.
 */
class KilledRunTest
{
    /** Events-file sizes at which to kill: the first flush, a little way in, further in. */
    private static final long[] KILL_AT_BYTES = {1, 256 << 10, 2 << 20};

    @TempDir
    Path dir;

    @Test
    void shouldLeaveAnEventsFileThatIsAPrefixOfTheReplayedEvents() throws Exception
    {
        final Path commands = dir.resolve("commands.txt");
        Cli.ok("generate", "--commands", "300_000", "--seed", "11", "-o", commands.toString());
        for (int trial = 0; trial < KILL_AT_BYTES.length; trial++)
        {
            final Topology topology = trial % 2 == 0 ? Topology.COMPACT : Topology.PIPELINED;
            final String context = "trial " + trial + ", " + topology + ", kill after " + KILL_AT_BYTES[trial] + " bytes";
            final Path journal = dir.resolve("journal-" + trial);
            final Path killedEvents = dir.resolve("killed-events-" + trial + ".txt");
            runAndKill(commands, journal, killedEvents, topology, KILL_AT_BYTES[trial], context);

            final Path replayedEvents = dir.resolve("replayed-events-" + trial + ".txt");
            final Cli.Result replay = Cli.ok("replay", "-d", journal.toString(), "--events", replayedEvents.toString());
            final int wholeLines = assertPrefix(Files.readString(killedEvents, StandardCharsets.UTF_8),
                Files.readAllLines(replayedEvents, StandardCharsets.UTF_8), context);
            System.out.println(context + ": killed run showed " + wholeLines + " whole event lines, journal had " +
                replay.number("last-position") + " commands");
        }
    }

    /**
     * A reviewer's finding: a run killed in its first tenth of a second on a new journal left Chronicle's table,
     * {@code metadata.cq4t}, as zeros (made, never written; the journal's identity already in ringlog.meta, no entry).
     * The next run waited 31 s and said {@code Unable to claim exclusive shared lock}, a lock no process held, and
     * advised a repair. The state that kill leaves is made here rather than raced for: the run mends the table, says
     * so, and applies the file, to the state a clean run reaches.
     */
    @Test
    void shouldRunOnAJournalWhoseTableAKillLeftUnwritten() throws Exception
    {
        final Path commands = dir.resolve("commands.txt");
        Cli.ok("generate", "--commands", "2_000", "--seed", "11", "-o", commands.toString());
        final Cli.Result clean = Cli.ok("run", "-i", commands.toString(), "-d", dir.resolve("clean").toString());

        final Path journal = dir.resolve("journal");
        io.ringlog.journal.ChronicleJournal.open(new io.ringlog.journal.ChronicleJournal.Context().directory(journal)
            .maxPayloadLength(256)).close();
        final Path table = journal.resolve(io.ringlog.journal.ChronicleJournal.METADATA_FILE);
        Files.write(table, new byte[(int)Files.size(table)]);

        final long started = System.nanoTime();
        final Cli.Result run = Cli.run("run", "-i", commands.toString(), "-d", journal.toString());
        final long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        assertEquals(0, run.code(), run.toString());
        assertTrue(run.err().contains("note: deleted " + table + ", Chronicle Queue's table, never finished (a writer " +
            "killed as Chronicle made it): it holds none of the journal's own, and Chronicle makes it again"), run.err());
        assertEquals(clean.value("state-hash"), run.value("state-hash"), run.toString());
        assertTrue(!run.err().contains("\tat "), run.err());
        System.out.println("the run on the mended journal took " + seconds + " s");
    }

    /**
     * A {@code metadata.cq4t} of junk whose first document reads as written (its header's top bit clear): each of the
     * run's checks waited 10 s on it, 32 s in all, and the run then advised a repair, which refuses to mend it (a
     * reviewer's finding). The run says at once that the table is damaged and to move it away; done so, the run goes on.
     */
    @Test
    void shouldSayAtOnceThatAJunkTableIsDamagedAndHowToMoveItAway() throws Exception
    {
        final Path commands = dir.resolve("commands.txt");
        Cli.ok("generate", "--commands", "2_000", "--seed", "11", "-o", commands.toString());
        final Path journal = dir.resolve("journal");
        final Cli.Result first = Cli.ok("run", "-i", commands.toString(), "-d", journal.toString());
        final Path table = journal.resolve(io.ringlog.journal.ChronicleJournal.METADATA_FILE);
        final byte[] junk = new byte[128 << 10];
        new java.util.Random(7).nextBytes(junk);
        junk[3] &= 0x3F;   // the header word's top bits, little-endian: a whole document, not metadata
        Files.write(table, junk);

        final long started = System.nanoTime();
        final Cli.Result run = Cli.run("run", "-i", commands.toString(), "-d", journal.toString(), "--append");
        final long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        assertEquals(1, run.code(), run.toString());
        assertTrue(run.err().startsWith("error: " + table + " is damaged: Chronicle Queue cannot read it (its first " +
            "word, 0x") && run.err().contains(", is not the header of Chronicle's first document, which every table " +
            "begins with). It holds only Chronicle's own bookkeeping (no entry, no " +
            "identity, no committed mark), and the next writer makes it again: move it away ('mv " + table + " " + table +
            ".damaged') and the journal opens as it was"), run.err());
        assertFalse(run.err().contains("repair"), run.err());
        assertTrue(!run.err().contains("\tat "), run.err());
        // Not read by Chronicle at all: that read waits 10 s for a lock the junk seems to hold (32 s before, in 3 reads).
        assertTrue(seconds < 8, "no wait of Chronicle's on the table: " + seconds + " s");

        Files.move(table, journal.resolve(io.ringlog.journal.ChronicleJournal.METADATA_FILE + ".damaged"));
        final Cli.Result moved = Cli.ok("run", "-i", commands.toString(), "-d", journal.toString(), "--append");
        assertEquals(2 * first.number("last-position") - 1, moved.number("last-position"), moved.toString());
    }

    /** Starts {@code exchange run} in a new JVM, waits until its events file holds {@code killAt} bytes, SIGKILLs it. */
    private void runAndKill(
        final Path commands, final Path journal, final Path events, final Topology topology, final long killAt,
        final String context) throws IOException, InterruptedException
    {
        final Process child = startJvm(dir.resolve("child-" + journal.getFileName() + ".log"), "run",
            "-i", commands.toString(), "-d", journal.toString(), "--events", events.toString(),
            "--topology", topology.name());
        try
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (size(events) < killAt)
            {
                if (!child.isAlive())
                {
                    fail("the run ended (exit " + child.exitValue() + ") before it could be killed, " + context);
                }
                if (System.nanoTime() > deadline)
                {
                    fail("the events file did not reach " + killAt + " bytes in 20 s, " + context);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            assertTrue(child.isAlive(), "the run was still going when killed, " + context);
        }
        finally
        {
            // SIGKILL through the handle, as the journal's crash test does.
            child.toHandle().destroyForcibly();
            assertTrue(child.waitFor(20, TimeUnit.SECONDS), "the child did not die, " + context);
        }
    }

    /**
     * Checks that every whole line of {@code killed} equals the replayed line at its index, and that
     * a trailing partial line (a buffer written out mid-line) begins the next replayed line.
     *
     * @return the number of whole lines.
     */
    private static int assertPrefix(final String killed, final List<String> replayed, final String context)
    {
        final String[] parts = killed.split("\n", -1);
        final int whole = parts.length - 1;
        assertTrue(whole > 0, "the killed run wrote at least one whole event line, " + context);
        assertTrue(whole <= replayed.size(), "the killed run showed " + whole + " event lines, the journal regenerates " +
            "only " + replayed.size() + ", " + context);
        for (int i = 0; i < whole; i++)
        {
            assertEquals(replayed.get(i), parts[i], "event line " + (i + 1) + ", " + context);
        }
        // A kill in the middle of the writer's one write per flush can still cut it: the kernel stops a write to a
        // file between pages. What is left of the last line must begin the line it was.
        final String partial = parts[whole];
        if (!partial.isEmpty())
        {
            assertTrue(whole < replayed.size() && replayed.get(whole).startsWith(partial),
                "the partial last line '" + partial + "' begins replayed line " + (whole + 1) + ", " + context);
        }
        return whole;
    }

    private static long size(final Path file) throws IOException
    {
        return Files.exists(file) ? Files.size(file) : 0;
    }

    /** {@code java <project flags> -cp <test classpath> ExchangeCli args}, output to {@code log}. */
    private static Process startJvm(final Path log, final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        command.addAll(jvmFlags());
        command.add("-Xmx512m");
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ExchangeCli.class.getName());
        command.addAll(Arrays.asList(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** The flags surefire passes in {@code ringlog.jvm.flags}; this JVM's own flags when run elsewhere (an IDE). */
    private static List<String> jvmFlags()
    {
        final String flags = System.getProperty("ringlog.jvm.flags");
        if (flags != null && !flags.isBlank())
        {
            return Arrays.asList(flags.trim().split("\\s+"));
        }
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter((a) -> a.startsWith("--add-") || a.startsWith("-Dchronicle") || a.startsWith("--sun-misc")
                || a.startsWith("--enable-native-access"))
            .toList();
    }
}
