package io.ringlog.exchange.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a run says about itself where its figures would mislead (a durability reviewer's findings): a restart that
 * recovered said nothing of it, a --rate it could not keep read as a known load, and a spinning wait strategy on fewer
 * cores than threads said nothing.
 */
class RunNotesTest
{
    @TempDir
    Path dir;

    @Test
    void shouldSayWhatARestartRecoveredFromAndHowLongItTook()
    {
        final Path first = dir.resolve("first.txt");
        final Path second = dir.resolve("second.txt");
        Cli.ok("generate", "--preset", "exchange-core", "--commands", "3_000", "--seed", "5", "-o", first.toString());
        Cli.ok("generate", "--preset", "exchange-core", "--commands", "3_000", "--seed", "6", "-o", second.toString());
        final Path journal = dir.resolve("j");
        final Cli.Result ran = Cli.ok("run", "-i", first.toString(), "-d", journal.toString(), "--snapshot-every", "5000");
        assertFalse(ran.err().contains("recovered:"), "a new journal has nothing to recover\n" + ran);
        final long last = ran.number("last-position");

        final Cli.Result more = Cli.ok("run", "-i", second.toString(), "-d", journal.toString(), "--append");
        assertTrue(more.err().contains("recover: loaded the snapshot at position 5000: replaying the journal after it"),
            more.toString());
        assertTrue(more.err().matches("(?s).*recovered: positions up to " + last + " in [0-9.]+ s: the snapshot at " +
            "position 5000, then " + String.format("%,d", last - 5000) + " replayed from the journal\n.*"), more.toString());
    }

    @Test
    void shouldSayThatARateItCouldNotKeepIsNoKnownLoad()
    {
        final Path commands = dir.resolve("c.txt");
        Cli.ok("generate", "--preset", "exchange-core", "--commands", "20_000", "--seed", "5", "-o", commands.toString());
        final Cli.Result saturated = Cli.ok("run", "-i", commands.toString(), "--in-memory", "--rate", "1000000000");
        assertTrue(saturated.err().contains("note: --rate 1000000000 was not kept: the run published "), saturated.toString());
        // Which held it back, the engine (a full ring) or the parsing of the file, depends on the machine: either is said.
        assertTrue(saturated.err().contains("so the engine was saturated, and its latency figures are queueing under " +
            "saturation, not at a known load") || saturated.err().contains("was not read that fast"), saturated.toString());

        final Cli.Result kept = Cli.ok("run", "-i", commands.toString(), "--in-memory", "--rate", "10000");
        assertFalse(kept.err().contains("was not kept"), kept.toString());
    }

    @Test
    void shouldSayThatASpinningWaitTakesTurnsOnFewerCoresThanThreads()
    {
        final Path commands = dir.resolve("c.txt");
        Cli.ok("generate", "--commands", "100", "--seed", "5", "-o", commands.toString());
        final Cli.Result spun = Cli.ok("run", "-i", commands.toString(), "--in-memory", "--wait-strategy", "BUSY_SPIN",
            "--topology", "PIPELINED");
        // PIPELINED: journal and logic, the run's figures' listener, and the reader of the file.
        final int cores = Runtime.getRuntime().availableProcessors();
        assertEquals(cores < 4, spun.err().contains("note: --wait-strategy BUSY_SPIN keeps a waiting thread on its core " +
            "(spinning) where PARKING, the default, gives it up: this run has 4 such threads (journal, logic, a listener, " +
            "the reader of the file) and this machine " + cores + " core"), spun.toString());
        final Cli.Result parked = Cli.ok("run", "-i", commands.toString(), "--in-memory");
        assertFalse(parked.err().contains("--wait-strategy"), parked.toString());
        assertEquals(spun.value("state-hash"), parked.value("state-hash"));
    }

    /**
     * A pipe that pauses keeps a rate from being kept with the engine idle: the note said the engine was saturated (a
     * reviewer's false alarm). It says the input was not read that fast. The feeder's pause is the slow input itself.
     */
    @Test
    void shouldBlameTheInputNotTheEngineForARateAPausingPipeKeptFromBeingKept() throws Exception
    {
        final Path commands = dir.resolve("c.txt");
        Cli.ok("generate", "--preset", "exchange-core", "--commands", "10_000", "--seed", "5", "-o", commands.toString());
        final java.util.List<String> lines = java.nio.file.Files.readAllLines(commands);
        final Path pipe = Cli.fifo(dir.resolve("pipe"));
        final Thread feeder = new Thread(() ->
        {
            try (java.io.Writer out = java.nio.file.Files.newBufferedWriter(pipe))
            {
                for (int i = 0; i < lines.size(); i++)
                {
                    out.write(lines.get(i));
                    out.write('\n');
                    if (i == lines.size() / 2)
                    {
                        out.flush();
                        java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.SECONDS.toNanos(2));
                    }
                }
            }
            catch (final java.io.IOException ex)
            {
                throw new java.io.UncheckedIOException(ex);
            }
        }, "pausing-feeder");
        feeder.setDaemon(true);
        feeder.start();
        final Cli.Result paused = Cli.ok("run", "-i", pipe.toString(), "--in-memory", "--rate", "50000");
        feeder.join(60_000);
        assertTrue(paused.err().contains("note: --rate 50000 was not kept: the run published "), paused.toString());
        assertTrue(paused.err().contains("as " + pipe + " was not read that fast (a pipe that paused, or the parsing), " +
            "the engine waiting for commands"), paused.toString());
    }
}
