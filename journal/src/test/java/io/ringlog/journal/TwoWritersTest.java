package io.ringlog.journal;

import io.ringlog.core.Command;
import io.ringlog.core.JournalException;
import io.ringlog.core.JournalReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.ringlog.journal.JournalTesting.appendRange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One writer per journal directory. Two processes used to both append and leave a journal no run
 * could open again; now the second is refused before it writes anything, and the first goes on.
 */
class TwoWritersTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRefuseASecondWriterProcessUpFrontAndKeepTheJournalIntact() throws Exception
    {
        final Process first = JournalTesting.startJvm(WriterMain.class, dir.toString(), "100");
        try (BufferedReader firstOut = new BufferedReader(new InputStreamReader(first.getInputStream(),
            StandardCharsets.UTF_8)); OutputStream firstIn = first.getOutputStream())
        {
            assertEquals("open 100", firstOut.readLine(), "the first writer opened and appended");

            final Process second = JournalTesting.startJvm(WriterMain.class, dir.toString(), "100");
            assertTrue(second.waitFor(60, TimeUnit.SECONDS), "the second writer ends by itself");
            final String said = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(1, second.exitValue(), said);
            assertTrue(said.startsWith("error: journal " + dir + " is open for writing by another process (pid " +
                first.pid() + ", since "), said);
            assertTrue(said.contains("Nothing was written."), said);

            final JournalException inProcess = assertThrows(JournalException.class,
                () -> ChronicleJournal.open(JournalTesting.context(dir)));
            assertTrue(inProcess.getMessage().contains("is open for writing by another process"), inProcess.getMessage());
            try (ChronicleJournal reader = ChronicleJournal.open(JournalTesting.context(dir).readOnly(true)))
            {
                assertEquals(100, reader.lastPosition(), "read-only opens take no lock");
            }

            firstIn.write('\n');
            firstIn.flush();
            assertEquals("closed 200", firstOut.readLine());
            assertTrue(first.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, first.exitValue());
        }
        finally
        {
            first.toHandle().destroyForcibly();
        }

        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            assertEquals(200, journal.lastPosition(), "the lock went with the first writer");
            assertNoGap(journal, 200);
            appendRange(journal, 201, 210, 5);
        }
    }

    /**
     * The lock file's text is an earlier writer's until the holder writes its own: the refusal names the holder the kernel
     * has (a reviewer's two repairs at once named a pid dead for 13 minutes).
     */
    @Test
    void shouldNameTheProcessHoldingTheLockNotThePidTheFileLastSaid() throws Exception
    {
        final Process first = JournalTesting.startJvm(WriterMain.class, dir.toString(), "100");
        try (BufferedReader firstOut = new BufferedReader(new InputStreamReader(first.getInputStream(),
            StandardCharsets.UTF_8)); OutputStream firstIn = first.getOutputStream())
        {
            assertEquals("open 100", firstOut.readLine(), "the first writer opened and appended");
            // Another process's descriptor on the file does not touch its lock (fcntl locks are per process).
            java.nio.file.Files.writeString(dir.resolve("ringlog.lock"), "pid 2147483646, since 2026-12-07T06:29:00Z\n");
            final JournalException refused = assertThrows(JournalException.class,
                () -> ChronicleJournal.open(JournalTesting.context(dir)));
            assertTrue(refused.getMessage().contains("is open for writing by another process (pid " + first.pid() + ")"),
                refused.getMessage());
            assertFalse(refused.getMessage().contains("2147483646"), refused.getMessage());

            firstIn.write('\n');
            firstIn.flush();
            assertEquals("closed 200", firstOut.readLine());
            assertTrue(first.waitFor(60, TimeUnit.SECONDS));
        }
        finally
        {
            first.toHandle().destroyForcibly();
        }
    }

    /**
     * A reviewer's finding: with ringlog.lock deleted under a live writer (a clean-up job, someone clearing a "stale"
     * lock), a second writer locked a new file, recovered the journal and appended beside the first, which halted on
     * entries it had not written; the journal could no longer be opened. The first writer still holds the deleted file
     * open, and that is how the second sees it.
     */
    @Test
    void shouldRefuseASecondWriterWhenTheLockFileWasDeletedUnderTheFirst() throws Exception
    {
        final Process first = JournalTesting.startJvm(WriterMain.class, dir.toString(), "100");
        try (BufferedReader firstOut = new BufferedReader(new InputStreamReader(first.getInputStream(),
            StandardCharsets.UTF_8)); OutputStream firstIn = first.getOutputStream())
        {
            assertEquals("open 100", firstOut.readLine(), "the first writer opened and appended");
            java.nio.file.Files.delete(dir.resolve("ringlog.lock"));

            final JournalException refused = assertThrows(JournalException.class,
                () -> ChronicleJournal.open(JournalTesting.context(dir)));
            assertEquals("journal " + dir + " is open for writing by another process (pid " + first.pid() + ", which " +
                "holds a ringlog.lock deleted from the directory while it held it: whatever removed it, that process " +
                "still writes); one writer per journal: stop that one first (read-only tools such as 'scripts/journal " +
                "verify' may look meanwhile). Nothing was written.", refused.getMessage());

            firstIn.write('\n');
            firstIn.flush();
            assertEquals("closed 200", firstOut.readLine(), "the first writer went on, unharmed");
            assertTrue(first.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, first.exitValue());
        }
        finally
        {
            first.toHandle().destroyForcibly();
        }
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            assertEquals(200, journal.lastPosition(), "with its holder gone, the journal opens for writing again");
            assertNoGap(journal, 200);
        }
    }

    /**
     * A reviewer's: a process that merely had the deleted lock file open (a tail, a backup reader: no lock on it) was
     * taken for a writer, and every writer was refused while it lived. Only a process holding a lock on it counts.
     */
    @Test
    void shouldNotTakeAReaderOfTheDeletedLockFileForAWriter() throws Exception
    {
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            appendRange(journal, 1, 5, 5);
        }
        final Process reader = new ProcessBuilder("sleep", "60")
            .redirectInput(dir.resolve("ringlog.lock").toFile()).start();
        try
        {
            java.nio.file.Files.delete(dir.resolve("ringlog.lock"));
            assertEquals(-1, ProcessFileLock.holderOfRemoved(dir.resolve("ringlog.lock")), "a reader holds no lock");
            try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
            {
                appendRange(journal, 6, 10, 5);
            }
        }
        finally
        {
            reader.destroyForcibly();
        }
    }

    @Test
    void shouldRefuseASecondWriterInTheSameProcessAndKeepHoldingTheLock() throws Exception
    {
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            appendRange(journal, 1, 5, 5);
            final JournalException ex = assertThrows(JournalException.class,
                () -> ChronicleJournal.open(JournalTesting.context(dir)));
            assertEquals("journal " + dir + " is already open for writing in this process; one writer per journal: " +
                "close the other ChronicleJournal first", ex.getMessage());
            // Neither that refusal nor a read-only tool looking meanwhile may let go of the operating system's lock
            // (closing any descriptor of a file drops the fcntl locks the process holds on it): another process is
            // still refused.
            try (ChronicleJournal reader = ChronicleJournal.open(JournalTesting.context(dir).readOnly(true)))
            {
                assertTrue(reader.liveWriter().startsWith("pid " + ProcessHandle.current().pid()), reader.liveWriter());
            }
            final Process other = JournalTesting.startJvm(WriterMain.class, dir.toString(), "1");
            assertTrue(other.waitFor(60, TimeUnit.SECONDS), "the other process's writer ends by itself");
            final String said = new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(1, other.exitValue(), said);
            assertTrue(said.startsWith("error: journal " + dir + " is open for writing by another process"), said);
            appendRange(journal, 6, 10, 5);
        }
        try (ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(dir)))
        {
            assertNoGap(journal, 10);
        }
    }

    private static void assertNoGap(final ChronicleJournal journal, final long last)
    {
        final Command into = new Command(JournalTesting.MAX_PAYLOAD);
        long expected = 1;
        try (JournalReader reader = journal.reader(1))
        {
            while (reader.next(into))
            {
                assertEquals(expected++, into.position());
            }
        }
        assertEquals(last + 1, expected);
    }
}
