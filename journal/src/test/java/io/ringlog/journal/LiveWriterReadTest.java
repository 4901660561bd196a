package io.ringlog.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reviewer's finding: read-only opens beside a live writer (another JVM, appending batches of several documents)
 * were told, two opens in fifteen, of a torn entry: "a writer stopped mid-entry; ignored", with a repair command to
 * run now. It was the document the writer was in the middle of. Such an open says so, and advises nothing.
 */
class LiveWriterReadTest
{
    @TempDir
    Path dir;

    @Test
    void shouldSayTheEntryALiveWriterIsInTheMiddleOfIsBeingWrittenNotTorn() throws Exception
    {
        JournalTesting.newJournal(dir, 10, 10);
        final Process writer = JournalTesting.startJvm(AppendingWriterMain.class, dir.toString(), "4000", "2000");
        final List<String> torn = new ArrayList<>();
        int beingWritten = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(),
            StandardCharsets.UTF_8)))
        {
            assertEquals("writing", out.readLine());
            // Until the reads have met the writer in the middle of a document three times (or 60 s): a read-only open
            // lands there in a good part of its tries.
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (beingWritten < 3 && System.nanoTime() < deadline)
            {
                try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir).readOnly(true)))
                {
                    final TornEntry entry = journal.tornEntry();
                    if (entry != null && entry.beingWritten())
                    {
                        beingWritten++;
                        assertTrue(entry.toString().startsWith("entry after position " + journal.lastPosition() +
                            ", in the document at byte ") && entry.toString().contains(": being written by the " +
                            "journal's writer, which is alive (pid " + writer.pid()) && !entry.toString().contains("repair"),
                            entry.toString());
                    }
                    else if (entry != null)
                    {
                        torn.add(entry.toString());
                    }
                }
            }
            try (OutputStream stop = writer.getOutputStream())
            {
                stop.write('\n');
            }
            assertTrue(out.readLine().startsWith("closed "), "the writer closed its journal");
        }
        finally
        {
            writer.toHandle().destroyForcibly();
            writer.waitFor(30, TimeUnit.SECONDS);
        }
        assertEquals(List.of(), torn, "nothing torn beside a live writer");
        assertTrue(beingWritten > 0, "the reads met the writer in the middle of a document");
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir).readOnly(true)))
        {
            assertFalse(journal.tornEntry() != null, "and once it closed, nothing: " + journal.tornEntry());
        }
    }
}
