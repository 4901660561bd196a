package io.ringlog.exchange.cli;

import io.ringlog.core.Command;
import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.Output;
import io.ringlog.core.testing.StateMachineAdapter;
import io.ringlog.exchange.OrderType;
import io.ringlog.exchange.Side;
import io.ringlog.exchange.codec.CommandBlocks;
import io.ringlog.exchange.codec.CommandEncoder;
import io.ringlog.exchange.codec.CommandTypes;
import io.ringlog.journal.ChronicleJournal;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A journal holding a command of a newer schema version than this code's, as after a rollback (a schema reviewer's
 * finding: old code read it up to the block it knew, replayed the journal to another state, and exited 0). The
 * exchange throws on it, which halts the engine whatever its error policy ({@code CannotApply}): {@code replay},
 * {@code run} (before it publishes anything), {@code book} and {@code balances} refuse, saying why, exit 1.
 */
class NewerJournalTest
{
    @TempDir
    Path dir;

    @Test
    void shouldSayThatACommandOfANewerSchemaVersionCannotBeAppliedAndExitOne() throws Exception
    {
        final Path commands = dir.resolve("c.txt");
        Cli.ok("generate", "--commands", "200", "--seed", "3", "-o", commands.toString());
        final Path journal = dir.resolve("j");
        Cli.ok("run", "-i", commands.toString(), "-d", journal.toString());
        final long newer = appendNewerPlace(journal);

        final String halted = "recovery halted at position " + newer + ": the state machine cannot apply the journal's " +
            "command there (command place at position " + newer + " is of schema version " +
            (CommandBlocks.schemaVersion() + 1) + ", newer than this code's (" + CommandBlocks.schemaVersion() + "): newer " +
            "code wrote it, and newer code is what can apply it). This code cannot go on past it: start it with code " +
            "that can, the code that wrote the command";
        final Cli.Result replay = Cli.run("replay", "-d", journal.toString());
        assertEquals(1, replay.code(), replay.toString());
        assertTrue(replay.err().contains(halted), replay.toString());
        assertFalse(replay.out().contains("state-hash:"), replay.toString());
        assertFalse(replay.err().contains("\tat ") || replay.err().contains("Exception"), "no class name\n" + replay);
        // What this code can replay, it says how to (a reviewer's replay --events gave no file and no way on).
        assertTrue(replay.err().contains(". This code replays the journal up to the command before it: add --to " +
            (newer - 1)), replay.toString());
        final Cli.Result upTo = Cli.ok("replay", "-d", journal.toString(), "--to", Long.toString(newer - 1));
        assertEquals(Long.toString(newer - 1), upTo.value("last-position"), upTo.toString());

        // A run refuses before it publishes anything (a second reviewer's finding: it went on, --strict too, and
        // journaled commands whose events the journal's own replay contradicts), and so do book and balances.
        final Path events = dir.resolve("events.txt");
        final Cli.Result run = Cli.run("run", "-i", commands.toString(), "-d", journal.toString(), "--append",
            "--events", events.toString());
        assertEquals(1, run.code(), run.toString());
        assertFalse(java.nio.file.Files.exists(events), "a refused run leaves no events file of its own");
        assertFalse(run.err().contains("recovered:"), "not said as recovered a line before the refusal\n" + run);
        assertFalse(run.err().contains("Exception"), "no class name\n" + run);
        // Through a link to a file not there yet: the link is left, and no file where it points (a reviewer's finding).
        final Path target = dir.resolve("target.txt");
        final Path link = java.nio.file.Files.createSymbolicLink(dir.resolve("link.txt"), target);
        assertEquals(1, Cli.run("run", "-i", commands.toString(), "-d", journal.toString(), "--append", "--events",
            link.toString()).code());
        assertTrue(java.nio.file.Files.isSymbolicLink(link));
        assertFalse(java.nio.file.Files.exists(target));
        assertTrue(run.err().contains("error: " + halted), run.toString());
        assertEquals(1, count(run.err(), "is of schema version"), "said once\n" + run);
        assertEquals(newer, Cli.ok("journal", "stats", "-d", journal.toString()).number("last-position"),
            "nothing journaled");
        for (final String[] read : new String[][]{{"book", "--symbol", "1"}, {"balances"}})
        {
            final String[] args = new String[read.length + 2];
            args[0] = read[0];
            args[1] = "-d";
            System.arraycopy(read, 1, args, 3, read.length - 1);
            args[2] = journal.toString();
            final Cli.Result refused = Cli.run(args);
            assertEquals(1, refused.code(), refused.toString());
            assertTrue(refused.err().contains(halted), refused.toString());
            assertFalse(refused.out().contains("state-hash:"), refused.toString());
        }
    }

    /**
     * A message newer code added (a new command type) is of a newer version too: old code took it for an unknown command
     * and a rollback replayed past it to another state, and went on from there (a third reviewer's finding).
     */
    @Test
    void shouldRefuseACommandOfATypeNewerCodeAdded() throws Exception
    {
        final Path commands = dir.resolve("c.txt");
        Cli.ok("generate", "--commands", "100", "--seed", "4", "-o", commands.toString());
        final Path journal = dir.resolve("j");
        Cli.ok("run", "-i", commands.toString(), "-d", journal.toString());
        final long newer = append(journal, 99, new UnsafeBuffer(new byte[16]), 16);

        final Cli.Result run = Cli.run("run", "-i", commands.toString(), "-d", journal.toString(), "--append");
        assertEquals(1, run.code(), run.toString());
        assertTrue(run.err().contains("recovery halted at position " + newer + ": the state machine cannot apply the " +
            "journal's command there (command of type 99 at position " + newer + " is of schema version " +
            (CommandBlocks.schemaVersion() + 1)), run.toString());
        assertEquals(1, Cli.run("replay", "-d", journal.toString()).code());
    }

    private static int count(final String text, final String part)
    {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1))
        {
            count++;
        }
        return count;
    }

    /** Appends a place stamped one schema version past this code's. */
    private static long appendNewerPlace(final Path journal)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[256]);
        final int length = new CommandEncoder().place(payload, 0, 900_001, 1, 1, Side.BUY_CODE, OrderType.GTC_CODE,
            100, 1) + 8;
        return append(journal, CommandTypes.PLACE_ORDER, payload, length);
    }

    /** Appends a command of {@code type} stamped one schema version past this code's, through an engine that applies nothing. */
    private static long append(final Path journal, final int type, final UnsafeBuffer payload, final int length)
    {
        try (Engine engine = Engine.launch(new EngineContext()
            .stateMachine(new StateMachineAdapter()
            {
                @Override
                public void apply(final Command command, final Output output)
                {
                    // Applies nothing: only the journal matters here.
                }
            })
            .maxPayloadLength(ExchangeRunner.MAX_PAYLOAD)
            .journal(ChronicleJournal.open(new ChronicleJournal.Context().directory(journal)
                .maxPayloadLength(ExchangeRunner.MAX_PAYLOAD)))))
        {
            return engine.publish(type, CommandBlocks.schemaVersion() + 1, 0, 0, 0, payload, 0, length);
        }
    }
}
