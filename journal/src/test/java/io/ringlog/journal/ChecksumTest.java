package io.ringlog.journal;

import io.ringlog.core.CommandCodec;
import io.ringlog.core.Engine;
import io.ringlog.core.JournalException;
import io.ringlog.core.Topology;
import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.journal.tool.JournalTool;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static io.ringlog.journal.EngineFixtures.engineContext;
import static io.ringlog.journal.JournalTesting.appendRange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every byte of one entry in the middle of a Chronicle journal (and of Chronicle's 4-byte header before
 * it), flipped in turn on disk: verify,
 * replay and recovery each stop at that entry's position and say why. Before entries carried a
 * checksum, a flipped source id or payload byte replayed "fine" into another state.
 */
class ChecksumTest
{
    /** Entries are written in format 3: header, source id and sequence and correlation id as ints, payload. */
    private static final int ENTRY_LENGTH = CommandCodec.compactLength(JournalTesting.command(50, 1, 1, 150));
    private static final int PAYLOAD_OFFSET = ENTRY_LENGTH - 8;

    @TempDir
    Path dir;

    /** Entries 41..50 share one document (committed in tens): 45 is inside it, 50 its last entry. */
    @ParameterizedTest
    @ValueSource(ints = {45, 50})
    void shouldDetectEveryFlippedByteOfAnEntryInVerifyReplayAndRecovery(final int damaged) throws Exception
    {
        final Path journalDir = dir.resolve("journal");
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(journalDir)))
        {
            appendRange(journal, 1, 100, 10);
        }
        final Path file = JournalTesting.cycleFiles(journalDir).get(0);
        final long entry = JournalTesting.entryOffset(file, damaged - 1);
        for (int at = 0; at < ENTRY_LENGTH; at++)
        {
            final String context = "byte " + at + " of entry " + damaged;
            JournalTesting.flip(file, entry + at, 0xFF);
            try
            {
                // A reader finds each entry's end by the length in its header: a damaged length that runs past
                // the document is found as such; one that still fits fails the checksum.
                final String expected;
                if (at >= CommandCodec.COMPACT_MAGIC_OFFSET && at < CommandCodec.COMPACT_CHECKSUM_OFFSET)
                {
                    expected = "bad magic";
                }
                else if (at < CommandCodec.COMPACT_MAGIC_OFFSET)
                {
                    final int flipped = 8 ^ (0xFF << (8 * (at - CommandCodec.COMPACT_LENGTH_OFFSET)));
                    final boolean fits = flipped >= 0 && PAYLOAD_OFFSET + flipped <= (51 - damaged) * ENTRY_LENGTH;
                    expected = fits ? "checksum mismatch" : "payload length";
                }
                else if (at == CommandCodec.COMPACT_FLAGS_OFFSET)
                {
                    expected = "unknown flags";
                }
                else
                {
                    expected = "checksum mismatch";
                }
                final Tool verify = tool("verify", "-d", journalDir.toString(), "--max-payload", "64");
                assertEquals(1, verify.code, context + "\n" + verify);
                assertTrue(verify.out.contains("bad-position: " + damaged + "\n"), context + "\n" + verify);
                assertTrue(verify.out.contains("problem: journal position " + damaged + ": " + expected),
                    context + "\n" + verify);
                // verify reads on past it: at least the entries before it, never one more than the journal holds
                // whole, and what it could not read past the damage it names.
                final long read = Long.parseLong(verify.out.lines().filter((l) -> l.startsWith("entries-read: "))
                    .findFirst().orElseThrow().substring("entries-read: ".length()));
                assertTrue(read >= damaged - 1 && read <= 99, context + "\n" + verify);
                assertEquals(read < 99, verify.out.contains("\nunread-positions: "), context + "\n" + verify);
                // One entry is damaged: an entry after it the reader lands wrong on (a damaged length) is not read, not
                // called damaged.
                assertFalse(verify.out.contains("later-bad-positions:"), context + "\n" + verify);

                final Tool replay = tool("replay", "-d", journalDir.toString(), "--max-payload", "64",
                    "--state-machine", AccumulatorStateMachine.class.getName());
                assertEquals(1, replay.code, context + "\n" + replay);
                assertTrue(replay.err.contains("error: journal position " + damaged + ": " + expected),
                    context + "\n" + replay);

                if (at % 8 == 0)
                {
                    final JournalException ex = assertThrows(JournalException.class, () -> Engine.launch(
                        engineContext(new AccumulatorStateMachine(),
                            ChronicleJournal.open(JournalTesting.context(journalDir).readOnly(true)), Topology.COMPACT)),
                        context);
                    assertEquals(damaged, ex.position(), context);
                    assertTrue(ex.getMessage().contains(expected), context + ": " + ex.getMessage());
                }
            }
            finally
            {
                JournalTesting.flip(file, entry + at, 0xFF);
            }
        }
        final long document = CycleFileScan.scan(file, 0).newestDocument(100 - damaged);
        for (int at = 0; at < 4; at++)
        {
            // Chronicle's own 4-byte header of the document holding the entry: its length and flags.
            final String context = "byte " + at + " of Chronicle's header of the document of entry " + damaged;
            JournalTesting.flip(file, document + at, 0xFF);
            try
            {
                final Tool verify = tool("verify", "-d", journalDir.toString(), "--max-payload", "64");
                assertEquals(1, verify.code, context + "\n" + verify);
                assertTrue(verify.out.contains("status: problems"), context + "\n" + verify);
                assertFalse((verify.out + verify.err).contains("Exception") || verify.err.contains("\tat "),
                    context + "\n" + verify);
            }
            finally
            {
                JournalTesting.flip(file, document + at, 0xFF);
            }
        }
        final Tool clean = tool("verify", "-d", journalDir.toString(), "--max-payload", "64");
        assertEquals(0, clean.code, clean.toString());
    }

    private static Tool tool(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = JournalTool.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Tool(code, out.toString(), err.toString());
    }

    private record Tool(int code, String out, String err)
    {
        @Override
        public String toString()
        {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }
}
