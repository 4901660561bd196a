package io.ringlog.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A lock file in the system's temporary directory (a Kafka feed's) is gone when its holder lets go, and
 * still refuses a second process while held: a probe found a {@code ringlog-feed-*.lock} left in /tmp
 * by every feed.
 */
class ProcessFileLockTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRefuseAnotherProcessWhileHeldAndLeaveNoFileBehind() throws Exception
    {
        final Path file = dir.resolve("feed.lock");
        try (ProcessFileLock held = ProcessFileLock.tryAcquireRemovable(file))
        {
            assertNotNull(held);
            assertTrue(Files.exists(file));
            final JournalTesting.Ran other = JournalTesting.runJvm(60, RemovableLockMain.class, file.toString());
            assertEquals("refused", other.output().strip(), other.output());
        }
        assertFalse(Files.exists(file), "the holder deletes the file as it lets go");
        final JournalTesting.Ran after = JournalTesting.runJvm(60, RemovableLockMain.class, file.toString());
        assertEquals("held", after.output().strip(), after.output());
        assertFalse(Files.exists(file), "so does the next holder");
    }

    @Test
    void shouldLeaveTheFileOfAnOrdinaryLock() throws Exception
    {
        final Path file = dir.resolve("writer.lock");
        try (ProcessFileLock held = ProcessFileLock.tryAcquire(file))
        {
            assertNotNull(held);
        }
        assertTrue(Files.exists(file), "a journal's or a node's lock file stays where its owner looks for it");
    }
}
