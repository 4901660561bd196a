package io.ringlog.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchDirectoryTest
{
    @Test
    void shouldDeleteEverythingWrittenUnderIt() throws Exception
    {
        final BenchDirectory directory = new BenchDirectory("test");
        final Path journal = directory.resolve("journal");
        Files.write(journal.resolve("a.cq4"), new byte[100]);
        Files.write(directory.create().resolve("b"), new byte[20]);
        assertEquals(120, directory.bytes());

        final Path root = directory.create();
        directory.delete();

        assertFalse(Files.exists(root));
        assertEquals(0, directory.bytes());
    }

    @Test
    void shouldCreateNothingUntilAsked()
    {
        final BenchDirectory directory = new BenchDirectory("test");
        directory.delete();
        assertEquals(0, directory.bytes());
        final Path created = directory.create();
        assertTrue(Files.isDirectory(created));
        directory.delete();
    }
}
