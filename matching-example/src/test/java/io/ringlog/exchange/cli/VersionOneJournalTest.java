package io.ringlog.exchange.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A journal written by version 1 of the exchange's codecs (test data in
 * {@code src/test/resources/v1-exchange}, see its README) replays under today's code to the state its
 * run printed, from the journal alone and from its snapshot, regenerates the events that run wrote,
 * and takes new commands after its last position.
 */
class VersionOneJournalTest
{
    /** What the version 1 run printed. */
    private static final String V1_STATE_HASH = "e7965fe0b08d6a54";
    private static final long V1_LAST_POSITION = 46;

    @TempDir
    Path dir;

    @Test
    void shouldReplayToTheStateHashItsRunPrinted() throws Exception
    {
        final Path journal = TestJournals.restore("v1-exchange", dir).resolve("journal");

        final Cli.Result full = Cli.ok("replay", "-d", journal.toString(), "--no-snapshot");
        assertEquals(V1_STATE_HASH, full.value("state-hash"));
        assertEquals(V1_LAST_POSITION, full.number("last-position"));
        assertEquals(V1_LAST_POSITION, full.number("replayed"));

        final Cli.Result fromSnapshot = Cli.ok("replay", "-d", journal.toString());
        assertEquals(40, fromSnapshot.number("snapshot-position"), "the version 1 snapshot loads");
        assertEquals(V1_STATE_HASH, fromSnapshot.value("state-hash"));
    }

    @Test
    void shouldRegenerateTheEventsItsRunWrote() throws Exception
    {
        final Path data = TestJournals.restore("v1-exchange", dir);
        final Path replayed = dir.resolve("replayed.txt");
        Cli.ok("replay", "-d", data.resolve("journal").toString(), "--events", replayed.toString());

        final List<String> written = Files.readAllLines(data.resolve("events.txt"));
        assertEquals(124, written.size());
        assertEquals(written, Files.readAllLines(replayed));
    }

    @Test
    void shouldContinueWithNewCommandsAfterItsLastPosition() throws Exception
    {
        final Path data = TestJournals.restore("v1-exchange", dir);
        final Path journal = data.resolve("journal");
        final Cli.Result more = Cli.ok("run", "-i", data.resolve("commands.txt").toString(), "-d", journal.toString());
        assertEquals(V1_LAST_POSITION + 1, more.number("first-position"));
        assertEquals(more.value("state-hash"), Cli.ok("replay", "-d", journal.toString(), "--no-snapshot")
            .value("state-hash"), "old entries and new ones replay together to the state the run ended in");
    }
}
