package io.ringlog.exchange.cli;

import io.ringlog.core.Command;
import io.ringlog.core.OutputEvent;
import io.ringlog.exchange.text.EventTextWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.FileWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An events file whose disk filled: the lines it says are whole are the lines in the file. The writer's
 * buffer reaches the disk in parts between flushes, so its own count of flushed lines was short (the probe's
 * 20 MB disk: 301,242 said, 311,156 there).
 */
class EventsFileStateTest
{
    @TempDir
    Path dir;

    @Test
    void shouldCountTheWholeLinesTheFileHoldsAfterTheDiskFilled() throws Exception
    {
        final Path file = dir.resolve("events.txt");
        final EventTextWriter writer = new EventTextWriter(new BufferedWriter(new FullAfter(file, 50_000), 8_192), false);
        final OutputEvent event = new OutputEvent(64);
        final Command cause = new Command(64);
        boolean failed = false;
        for (long position = 1; position <= 10_000; position++)
        {
            eventOf(event, cause, position);
            final boolean endOfBatch = position % 1_000 == 0;
            if (failed)
            {
                writer.onEvent(event, endOfBatch);
            }
            else
            {
                try
                {
                    writer.onEvent(event, endOfBatch);
                }
                catch (final IOException full)
                {
                    failed = true;
                }
            }
        }
        assertTrue(failed, "the disk filled");
        final long inFile = Files.readAllLines(file).stream().filter((l) -> !l.isEmpty()).count() -
            (Files.readString(file).endsWith("\n") ? 0 : 1);
        final String state = ExchangeRunner.eventsFileState(writer, file);
        assertTrue(state.startsWith("incomplete: its first " + inFile + " lines are whole (a part of the next follows " +
            "them), then writing out the events buffered up to the event of position ") && state.contains("; the " +
            (10_000 - inFile) + " events after those lines are not in it"), state + " (the file holds " + inFile +
            " whole lines; the writer had flushed " + writer.flushed() + ")");
        assertTrue(writer.flushed() < inFile, "the case that was miscounted: " + writer.flushed() + " vs " + inFile);
        assertThrows(IOException.class, () -> new FullAfter(dir.resolve("x"), 0).write("y"));
    }

    /**
     * A reviewer's finding, with {@code --events /dev/full}: the events reach the file only as each batch is flushed,
     * and the first flush failed. The event that ended the batch was counted as written and as not written (369,493
     * missing of 369,492), and the file was said to stop at that event, where it stopped at the batch's start.
     */
    @Test
    void shouldSayAFlushThatFailedAndCountEachEventOnce() throws Exception
    {
        final Path file = dir.resolve("events.txt");
        final EventTextWriter writer = new EventTextWriter(new BufferedWriter(new FullAfter(file, 0), 8_192), false);
        final OutputEvent event = new OutputEvent(64);
        final Command cause = new Command(64);
        int thrown = 0;
        for (long position = 1; position <= 100; position++)
        {
            eventOf(event, cause, position);
            try
            {
                writer.onEvent(event, position % 10 == 0);
            }
            catch (final IOException full)
            {
                thrown++;
            }
        }
        assertEquals(1, thrown, "the file's failure is thrown once");
        assertEquals("incomplete: its first 0 lines are whole, then writing out the events buffered since its last " +
            "flush failed (the batch up to position 10): No space left on device; the 100 events after those lines " +
            "are not in it",
            ExchangeRunner.eventsFileState(writer, file));
    }

    /** Fills {@code event} as the first, empty, event of a command at {@code position}. */
    private static void eventOf(final OutputEvent event, final Command cause, final long position)
    {
        cause.set(position, 0, 1, 1, 0, 0, 0, new org.agrona.concurrent.UnsafeBuffer(new byte[0]), 0, 0);
        event.reset(cause, 999, 0, false);
        event.payloadLength(0);
    }

    /** A file on a disk that fills after {@code room} characters: what fits is written, the rest fails. */
    private static final class FullAfter extends Writer
    {
        private final Writer file;
        private long room;

        FullAfter(final Path path, final long room) throws IOException
        {
            this.file = new FileWriter(path.toFile());
            this.room = room;
        }

        @Override
        public void write(final char[] chars, final int offset, final int length) throws IOException
        {
            final int fits = (int)Math.min(room, length);
            file.write(chars, offset, fits);
            file.flush();
            room -= fits;
            if (fits < length)
            {
                throw new IOException("No space left on device");
            }
        }

        @Override
        public void flush() throws IOException
        {
            file.flush();
        }

        @Override
        public void close() throws IOException
        {
            file.close();
        }
    }
}
