package io.ringlog.exchange.cli;

import io.ringlog.journal.ChronicleJournal;
import io.ringlog.journal.JournalRollCycle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reviewer's finding: on a journal trimmed behind its snapshots (its oldest cycle files deleted), replay, book and
 * balances said only "journal position 1: older than the oldest entry kept", whatever was asked. Each says why, and the
 * way on; where a snapshot at the oldest entry or later is there, they replay from it.
 */
class TrimmedJournalCliTest
{
    @TempDir
    Path dir;

    @Test
    void shouldSayTheWayOnForAReplayOfATrimmedJournal() throws Exception
    {
        final Path journal = dir.resolve("j");
        // A journal of one-second cycles (the run keeps the journal's roll cycle), written over a few seconds.
        ChronicleJournal.open(new ChronicleJournal.Context().directory(journal).maxPayloadLength(ExchangeRunner.MAX_PAYLOAD)
            .rollCycle(JournalRollCycle.SECONDLY)).close();
        final Path commands = dir.resolve("commands.txt");
        Cli.ok("generate", "--preset", "exchange-core", "--commands", "24_000", "--seed", "5", "-o", commands.toString());
        final Cli.Result run = Cli.ok("run", "-i", commands.toString(), "-d", journal.toString(), "--rate", "8000",
            "--snapshot-every", "4_000");
        final List<Path> files;
        try (Stream<Path> listing = Files.list(journal))
        {
            files = listing.filter((p) -> p.getFileName().toString().endsWith(".cq4") &&
                !p.getFileName().toString().startsWith("metadata")).sorted().toList();
        }
        assertTrue(files.size() >= 3, "cycle files: " + files);
        Files.delete(files.get(0));
        final long first = firstPosition(journal);
        assertTrue(first > 1, "trimmed: " + first);

        final Cli.Result whole = Cli.ok("replay", "-d", journal.toString());
        assertEquals(run.value("state-hash"), whole.value("state-hash"), "from its newest snapshot, as the run ended");

        // Snapshots every 4,000 positions: --to the oldest entry asks for a state before the oldest snapshot kept
        // (unless one was taken right there, one time in 4,000: then every --to from there has one).
        if (first % 4_000 != 0)
        {
            final Cli.Result early = Cli.run("replay", "-d", journal.toString(), "--to", Long.toString(first));
            assertEquals(1, early.code(), early.toString());
            assertTrue(early.err().startsWith("error: the journal's oldest entry is at position " + first + " (older " +
                "cycle files were deleted behind its snapshots), so a replay starts from a snapshot of it at position " +
                first + " or later, and the oldest in " + journal.resolve("snapshots") + " is at position ") &&
                early.err().contains(" or later replays from it"), early.toString());
            final Cli.Result book = Cli.run("book", "-d", journal.toString(), "--symbol", "1", "--to", Long.toString(first));
            assertEquals(1, book.code(), book.toString());
            assertTrue(book.err().startsWith("error: the journal's oldest entry is at position " + first), book.toString());
        }
        final Cli.Result events = Cli.run("replay", "-d", journal.toString(), "--events", dir.resolve("e.txt").toString());
        assertEquals(1, events.code(), events.toString());
        assertTrue(events.err().contains("--events writes every event from position 1, which this journal no longer " +
            "holds"), events.toString());
        final Cli.Result none = Cli.run("replay", "-d", journal.toString(), "--no-snapshot");
        assertEquals(1, none.code(), none.toString());
        assertTrue(none.err().contains("--no-snapshot replays from position 1, which it no longer holds"), none.toString());
        assertEquals(0, Cli.run("replay", "-d", journal.toString(), "--to", "0").code(), "the state before the first command");
        // ringlog.meta lost: the identity is unknown, and recovery checks a snapshot by its entry (a code review found
        // every snapshot discounted, and "holds none" said).
        Files.delete(journal.resolve("ringlog.meta"));
        assertEquals(run.value("state-hash"), Cli.ok("replay", "-d", journal.toString()).value("state-hash"));
    }

    private static long firstPosition(final Path journal)
    {
        try (ChronicleJournal chronicle = ChronicleJournal.open(new ChronicleJournal.Context().directory(journal)
            .maxPayloadLength(ExchangeRunner.MAX_PAYLOAD).readOnly(true)))
        {
            return chronicle.firstPosition();
        }
    }
}
