package io.ringlog.bench;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

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

    /** From outside: a benchmark JVM stopped by SIGTERM before its tear-down (an interrupted suite) leaves nothing. */
    @Test
    void shouldBeDeletedWhenTheJvmIsStoppedByASignal() throws Exception
    {
        final Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), HoldBenchDirectoryMain.class.getName())
            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try
        {
            final BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
            final Path root = Path.of(out.readLine());
            assertTrue(Files.exists(root.resolve("journal").resolve("a.cq4")), root.toString());
            process.destroy();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the JVM stops on SIGTERM");
            assertFalse(Files.exists(root), "deleted on the way out: " + root);
        }
        finally
        {
            process.destroyForcibly();
        }
    }
}
