package io.ringlog.exchange.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** What a signal says of a file written whole by rename, before the rename and after it. */
class WholeFileTest
{
    @TempDir
    Path dir;

    @Test
    void shouldSayWhetherTheFileWasWrittenWhenASignalComes() throws Exception
    {
        final Path before = dir.resolve("before.txt");
        final StringWriter early = new StringWriter();
        try (WholeFile file = WholeFile.of(before, new PrintWriter(early, true), "replay"))
        {
            Files.writeString(file.path(), "pos=2 deposit\n");
            file.onSignal().run();
            assertFalse(Files.exists(file.path()), "the partial file is deleted");
        }
        assertEquals("replay: stopped by a signal; " + before + " was not written\n", early.toString());
        assertFalse(Files.exists(before));

        // The bad-input probe's Ctrl-C once came after the rename: exit 130, no summary, and no word on the file.
        final Path after = dir.resolve("after.txt");
        final StringWriter late = new StringWriter();
        try (WholeFile file = WholeFile.of(after, new PrintWriter(late, true), "replay"))
        {
            Files.writeString(file.path(), "pos=2 deposit\n");
            file.done();
            file.onSignal().run();
        }
        assertEquals("replay: stopped by a signal after " + after + " was written whole; the rest of the summary was " +
            "not printed\n", late.toString());
        assertEquals("pos=2 deposit\n", Files.readString(after));
    }
}
