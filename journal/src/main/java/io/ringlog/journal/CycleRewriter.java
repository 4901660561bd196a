package io.ringlog.journal;

import io.ringlog.core.JournalException;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Cuts a cycle file after its first {@code keep} entries: the only way ringlog removes entries from
 * a journal (repair, and recovery dropping a damaged tail that was never committed). Chronicle has
 * no truncation, and patching its file in place would mean rewriting its index by hand, so the kept
 * entries are copied (each as a document of its own, a batch of one: a cut may fall inside a batch),
 * as raw bytes, read with plain reads (the file may be cut short), into a new
 * file of the same cycle written by Chronicle itself in a work directory inside the journal's; the
 * new file is forced to disk and renamed over the old one atomically. A crash leaves the old file
 * or the new one, never a mix, and the work directory is cleared on the next rewrite.
 * Run only under the directory's writer lock.
 */
final class CycleRewriter
{
    static final String WORK_DIRECTORY = ".ringlog-rewrite";

    private CycleRewriter()
    {
    }

    /**
     * Keeps the first {@code keep} entries of {@code file}, the file of {@code cycle}; deletes the file
     * when {@code keep} is 0.
     */
    static void keepFirst(
        final Path directory, final Path file, final long keep, final RollCycle rollCycle, final long epoch,
        final int cycle) throws IOException
    {
        keepFirst(directory, file, keep, rollCycle, epoch, cycle, false);
    }

    /**
     * {@link #keepFirst}, ending the new file with Chronicle's end-of-file marker when {@code endOfFile}: a file
     * the writer had rolled past (a later cycle follows it), which a reader leaves for the next cycle only
     * once it finds that marker.
     */
    static void keepFirst(
        final Path directory, final Path file, final long keep, final RollCycle rollCycle, final long epoch,
        final int cycle, final boolean endOfFile) throws IOException
    {
        if (keep == 0)
        {
            Files.delete(file);
            JournalMetadata.forceDirectory(directory);
            return;
        }
        final Path work = directory.resolve(WORK_DIRECTORY);
        deleteRecursively(work);
        Files.createDirectories(work);
        final long cycleStart = cycle * (long)rollCycle.lengthInMillis() + epoch;
        try
        {
            try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(work)
                .rollCycle(rollCycle)
                .epoch(epoch)
                .timeProvider(new ChronicleJournal.CycleClock(() -> cycleStart))
                .build();
                ExcerptAppender appender = queue.createAppender();
                FileChannel source = FileChannel.open(file, StandardOpenOption.READ))
            {
                final ByteBuffer[] bytes = {ByteBuffer.allocate(256)};
                final long[] copied = {0};
                CycleFileScan.scan(file, 0, (index, offset, length, count) ->
                {
                    if (index >= keep)
                    {
                        return;
                    }
                    if (count > 1)
                    {
                        // A damaged run of several entries, which cannot be told apart: copied, the positions either side of
                        // it would no longer lie in one document, and the walk of the copy could not count it again.
                        throw new IOException(file + " holds a damaged run of " + count + " entries (its entries " +
                            (index + 1) + ".." + (index + count) + ", from byte " + offset + "), which a rewrite cannot copy " +
                            "entry by entry: cut the journal before it, or restore the file from a copy");
                    }
                    if (bytes[0].capacity() < length)
                    {
                        bytes[0] = ByteBuffer.allocate(length);
                    }
                    final ByteBuffer entry = bytes[0];
                    entry.clear().limit(length);
                    while (entry.hasRemaining())
                    {
                        if (source.read(entry, offset + entry.position()) < 0)
                        {
                            throw new IOException("end of " + file + " inside an entry at byte " + offset);
                        }
                    }
                    try (DocumentContext dc = appender.writingDocument())
                    {
                        dc.wire().bytes().write(entry.array(), 0, length);
                    }
                    copied[0]++;
                });
                if (copied[0] != keep)
                {
                    throw new IOException(file + " holds only " + copied[0] + " whole entries, not " + keep);
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // Nothing of the journal was changed: the copy so far goes, so no work directory is left behind.
            try
            {
                deleteRecursively(work);
            }
            catch (final IOException cleanup)
            {
                ex.addSuppressed(cleanup);
            }
            throw ex;
        }
        final Path rewritten = work.resolve(file.getFileName());
        if (!Files.isRegularFile(rewritten))
        {
            throw new IOException("Chronicle wrote the rewritten cycle under another name than " + file.getFileName());
        }
        try (FileChannel channel = FileChannel.open(rewritten, StandardOpenOption.WRITE))
        {
            if (endOfFile)
            {
                // Where the next document would go, the word Chronicle writes there when its writer rolls on.
                final CycleFileScan written = CycleFileScan.scan(rewritten, 0);
                final ByteBuffer marker = ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .putInt(0, CycleFileScan.END_OF_DATA);
                if (written.state == CycleFileScan.End.OPEN)
                {
                    channel.write(marker, written.end);
                }
            }
            channel.force(true);
        }
        Files.move(rewritten, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        JournalMetadata.forceDirectory(directory);
        deleteRecursively(work);
    }

    /** Removes a leftover work directory (a rewrite the process did not finish). */
    static void deleteRecursively(final Path path) throws IOException
    {
        if (!Files.exists(path))
        {
            return;
        }
        try (Stream<Path> all = Files.walk(path))
        {
            for (final Path each : (Iterable<Path>)all.sorted(Comparator.reverseOrder())::iterator)
            {
                Files.delete(each);
            }
        }
    }

    /** {@link #keepFirst} with failures as a {@link JournalException} at {@code position}. */
    static void keepFirstOrFail(
        final Path directory, final Path file, final long keep, final RollCycle rollCycle, final long epoch,
        final int cycle, final long position)
    {
        try
        {
            keepFirst(directory, file, keep, rollCycle, epoch, cycle);
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new JournalException(position, "cannot rewrite " + file + " to drop the entries from position " +
                position + " on: " + ChronicleJournal.describe(ex), ex);
        }
    }
}
