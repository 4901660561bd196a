package io.ringlog.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultFilesTest
{
    @Test
    void shouldReplaceAResultWhole(@TempDir final Path dir) throws IOException
    {
        final Path file = dir.resolve("sub").resolve("r.csv");
        ResultFiles.write(file, "first\n");
        ResultFiles.write(file, "second\n");

        assertEquals("second\n", Files.readString(file));
        // With the permissions any file gets here (the umask's), not a temporary file's owner-only ones.
        final Path plain = Files.writeString(dir.resolve("plain"), "");
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(file));
        Files.delete(plain);
        // One replaced keeps its own (a reviewer's private CSV came back readable by everyone).
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        ResultFiles.write(file, "third\n");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(List.of(file), Files.list(file.getParent()).toList(), "no partial file is left beside it");
    }

    /**
     * A write that fails names the file and why, and leaves no partial file; what was there stays. (A full disk is the
     * reviewer's case, checked by hand on a 64 KB tmpfs: the CSV and histograms were left at 0 bytes, the error was
     * "No space left on device" alone. A directory in the way fails the same step, where a test can make it.)
     */
    @Test
    void shouldNameTheFileItCouldNotWriteAndLeaveNothingHalfWritten(@TempDir final Path dir) throws IOException
    {
        final Path inTheWay = Files.createDirectories(dir.resolve("r.json"));
        Files.writeString(inTheWay.resolve("kept"), "x");

        final IOException failed = assertThrows(IOException.class, () -> ResultFiles.write(inTheWay, "{}"));

        assertTrue(failed.getMessage().startsWith("could not write " + inTheWay + " ("), failed.getMessage());
        assertEquals(List.of(inTheWay), Files.list(dir).toList(), "the partial file was deleted");
        assertEquals("x", Files.readString(inTheWay.resolve("kept")));
    }

    /**
     * A reviewer's finding: a run's histograms and CSV, replaced one after another, left new histograms beside an
     * earlier run's CSV when the last write failed. As a set, none is replaced unless all are written.
     */
    @Test
    void shouldReplaceASetOfFilesTogetherOrNoneOfThem(@TempDir final Path dir) throws IOException
    {
        final Path hgrm = dir.resolve("r.hgrm");
        final Path csv = dir.resolve("r.csv");
        ResultFiles.writeAll(new java.util.LinkedHashMap<>(java.util.Map.of(hgrm, "earlier\n".getBytes())));
        Files.createDirectories(csv);
        final java.util.Map<Path, byte[]> set = new java.util.LinkedHashMap<>();
        set.put(hgrm, "new\n".getBytes());
        set.put(csv, "new\n".getBytes());

        final IOException failed = assertThrows(IOException.class, () -> ResultFiles.writeAll(set));

        assertTrue(failed.getMessage().startsWith("could not write " + csv + " (") && failed.getMessage().endsWith(
            "; none of r.hgrm, r.csv was replaced"), failed.getMessage());
        assertEquals("earlier\n", Files.readString(hgrm), "the earlier run's histogram stays");
        try (java.util.stream.Stream<Path> files = Files.list(dir))
        {
            assertEquals(java.util.Set.of(hgrm, csv), files.collect(java.util.stream.Collectors.toSet()),
                "no partial file is left");
        }
    }

    /**
     * A reviewer's finding: a result renamed over its name replaced a symbolic link with a regular file, and a device
     * too ({@code --json /dev/null}, as root, made /dev/null a regular file). A link is written through, the file it names
     * replaced and the link kept; a device is written to.
     */
    @Test
    void shouldWriteThroughALinkAndToADeviceWithoutReplacingThem(@TempDir final Path dir) throws Exception
    {
        final Path real = Files.writeString(Files.createDirectories(dir.resolve("elsewhere")).resolve("real.json"), "{}");
        final Path link = Files.createSymbolicLink(dir.resolve("link.json"), real);

        ResultFiles.write(link, "{\"new\": 1}\n");

        assertTrue(Files.isSymbolicLink(link), "the link is kept");
        assertEquals("{\"new\": 1}\n", Files.readString(real));
        // A named pipe stands for the device here (a test must not risk the real /dev/null), a reader at its other end.
        final Path pipe = dir.resolve("pipe");
        assertEquals(0, new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor());
        final java.util.concurrent.CompletableFuture<String> read = new java.util.concurrent.CompletableFuture<>();
        final Thread reader = new Thread(() ->
        {
            try
            {
                read.complete(Files.readString(pipe));
            }
            catch (final IOException ex)
            {
                read.completeExceptionally(ex);
            }
        }, "pipe-reader");
        reader.setDaemon(true);
        reader.start();
        ResultFiles.write(pipe, "{}\n");
        assertTrue(!Files.isRegularFile(pipe) && Files.exists(pipe), "the pipe is a pipe still");
        assertEquals("{}\n", read.get(10, java.util.concurrent.TimeUnit.SECONDS));
        try (java.util.stream.Stream<Path> files = Files.list(real.getParent()))
        {
            assertEquals(List.of(real), files.toList(), "no partial file is left beside the file it names");
        }
    }
}
