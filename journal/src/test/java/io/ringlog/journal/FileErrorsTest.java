package io.ringlog.journal;

import io.ringlog.core.JournalException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FileErrorsTest
{
    @Test
    void shouldSayWhatWentWrongInWordsWithTheFile()
    {
        assertEquals("no such file or directory: /x", FileErrors.describe(new NoSuchFileException("/x")));
        assertEquals("a file or directory of that name already exists: README.md",
            FileErrors.describe(new FileAlreadyExistsException("README.md")));
        assertEquals("permission denied: /root/j", FileErrors.describe(new AccessDeniedException("/root/j")));
        assertEquals("not a directory: f", FileErrors.describe(new NotDirectoryException("f")));
        assertEquals("directory not empty: d", FileErrors.describe(new DirectoryNotEmptyException("d")));
        assertEquals("is a directory: run", FileErrors.describe(new FileSystemException("run", null, "Is a directory")));
        assertEquals("no space left on device: a -> b",
            FileErrors.describe(new FileSystemException("a", "b", "No space left on device")));
        assertEquals("the file system refused it: f", FileErrors.describe(new FileSystemException("f")));
        assertEquals("Stream closed", FileErrors.describe(new IOException("Stream closed")));
        assertEquals("an I/O error it does not describe", FileErrors.describe(new IOException()));
    }

    @Test
    void shouldLeaveOutTheFileTheMessageAlreadyNames()
    {
        assertEquals("no such file or directory",
            FileErrors.describe(new NoSuchFileException("/proc/x"), Path.of("/proc/x")));
        assertEquals("permission denied: /root", FileErrors.describe(new AccessDeniedException("/root"),
            Path.of("/root/x")));
    }

    /** From outside: a journal directory given as the path of a file. */
    @Test
    void shouldSayAJournalDirectoryThatIsAFileIsNotADirectory(@TempDir final Path dir) throws IOException
    {
        final Path file = Files.writeString(dir.resolve("afile"), "x");
        final JournalException atFile = assertThrows(JournalException.class,
            () -> ChronicleJournal.open(new ChronicleJournal.Context().directory(file)));
        assertEquals("cannot create the journal directory " + file + ": it exists and is not a directory", atFile.getMessage());
    }
}
