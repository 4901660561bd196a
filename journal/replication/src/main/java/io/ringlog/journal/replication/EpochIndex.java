package io.ringlog.journal.replication;

import io.ringlog.core.Command;
import io.ringlog.core.Journal;
import io.ringlog.core.JournalReader;
import io.ringlog.core.SystemCommands;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Which epoch a node is in, and where each epoch's history began. The journal is the truth: each
 * promotion made a {@link SystemCommands#EPOCH} command the new primary's first, at an exact
 * position, and it is replicated like any command, so both journals carry the same epoch history.
 * This file ({@value #FILE_NAME}) is an index of those commands, so start-up reads one entry per
 * epoch instead of scanning the journal:
 * <pre>
 *   # epoch first-position      one line per promotion, oldest first; epoch 0 begins at position 1
 *   1 50213
 *   2 91770
 * </pre>
 * It is written ahead: a line goes in (temporary file, fsync, atomic rename, directory fsync) before
 * its epoch command is appended to the journal. So every epoch command the journal holds is listed;
 * a listed one the journal does not hold (a crash between the two, or a tail that a rejoin cut off)
 * is dropped on load; a listed one the journal holds differently is an error, never a guess.
 */
final class EpochIndex
{
    static final String FILE_NAME = "epochs";

    private final Path file;
    private final List<long[]> epochs = new ArrayList<>();

    private EpochIndex(final Path file)
    {
        this.file = file;
        epochs.add(new long[]{0, 1});
    }

    /**
     * Reads the index in {@code directory} and checks each line against {@code journal}.
     *
     * @throws ReplicationException if a line names an entry the journal holds as something else.
     */
    static EpochIndex load(final Path directory, final Journal journal, final int maxPayloadLength,
        final Consumer<String> events)
    {
        final EpochIndex index = new EpochIndex(directory.resolve(FILE_NAME));
        final List<String> lines;
        try
        {
            lines = Files.readAllLines(index.file, StandardCharsets.UTF_8);
        }
        catch (final NoSuchFileException ex)
        {
            return journal.lastPosition() == 0 ? index : rebuild(index, journal, maxPayloadLength, events);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read the epoch index " + index.file + ": " + ex.getMessage(), ex);
        }
        final long last = journal.lastPosition();
        boolean dropped = false;
        final Command command = new Command(maxPayloadLength);
        for (final String raw : lines)
        {
            final String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#"))
            {
                continue;
            }
            final String[] fields = line.split("\\s+");
            final long epoch;
            final long position;
            try
            {
                epoch = Long.parseLong(fields[0]);
                position = Long.parseLong(fields[1]);
            }
            catch (final RuntimeException ex)
            {
                throw new ReplicationException("the epoch index " + index.file + " has a bad line '" + line +
                    "' (expected: epoch first-position)");
            }
            if (position > last)
            {
                events.accept("epoch " + epoch + " at position " + position + " is not in the journal (it ends at " +
                    last + "): a promotion that did not complete, or a tail cut off; dropped from the index");
                dropped = true;
                continue;
            }
            final long journaled = epochAt(journal, position, command);
            if (journaled != epoch)
            {
                throw new ReplicationException("the epoch index " + index.file + " says epoch " + epoch +
                    " began at position " + position + ", but the journal's entry there is " +
                    (journaled < 0 ? command.toString() : "epoch " + journaled) +
                    ": the index belongs to another journal; move it away to rebuild it from this one");
            }
            index.epochs.add(new long[]{epoch, position});
        }
        if (dropped)
        {
            index.write();
        }
        return index;
    }

    /**
     * The index is missing, the journal is not empty: rebuilt from the journal's epoch commands (a reviewer's finding:
     * a node whose index was lost went back to epoch 0 without a word, and was fenced by its own standby, told it had
     * been promoted). A journal whose older entries were deleted may have lost an epoch command: refused, as a guess.
     */
    private static EpochIndex rebuild(final EpochIndex index, final Journal journal, final int maxPayloadLength,
        final Consumer<String> events)
    {
        final long first = journal.firstPosition();
        if (first > 1)
        {
            throw new ReplicationException("the epoch index " + index.file + " is missing, and the journal's entries " +
                "before position " + first + " were deleted, so it cannot be rebuilt from the journal (an epoch may " +
                "have begun in them): restore the file from a copy of this node's directory");
        }
        final Command command = new Command(maxPayloadLength);
        try (JournalReader reader = journal.reader(1))
        {
            while (reader.next(command))
            {
                if (command.type() == SystemCommands.EPOCH && command.payloadLength() >= SystemCommands.EPOCH_LENGTH)
                {
                    index.epochs.add(new long[]{command.payload().getLong(0, ByteOrder.LITTLE_ENDIAN), command.position()});
                }
            }
        }
        index.write();
        if (index.epochs.size() > 1)
        {
            // A node never promoted has no index until its first promotion: written now, and said only where it
            // finds an epoch the missing file would have listed.
            final StringBuilder found = new StringBuilder();
            for (int i = 1; i < index.epochs.size(); i++)
            {
                found.append(i == 1 ? "" : ", ").append("epoch ").append(index.epochs.get(i)[0]).append(" at position ")
                    .append(index.epochs.get(i)[1]);
            }
            events.accept("the epoch index " + index.file + " was missing: rebuilt from the journal's " +
                journal.lastPosition() + " entries (" + found + ")");
        }
        return index;
    }

    /** The epoch of the {@link SystemCommands#EPOCH} command at {@code position}, or -1 if the entry is another command. */
    static long epochAt(final Journal journal, final long position, final Command into)
    {
        try (JournalReader reader = journal.reader(position))
        {
            if (!reader.next(into) || into.position() != position)
            {
                throw new ReplicationException("the journal has no entry at position " + position);
            }
        }
        if (into.type() != SystemCommands.EPOCH || into.payloadLength() < SystemCommands.EPOCH_LENGTH)
        {
            return -1;
        }
        return into.payload().getLong(0, ByteOrder.LITTLE_ENDIAN);
    }

    /** The newest epoch. */
    long current()
    {
        return epochs.get(epochs.size() - 1)[0];
    }

    /** Position of the newest epoch's first entry (1 for epoch 0). */
    long currentStart()
    {
        return epochs.get(epochs.size() - 1)[1];
    }

    /** The first position of the oldest epoch newer than {@code epoch}, or {@link Long#MAX_VALUE} if none is. */
    long startAfter(final long epoch)
    {
        for (final long[] entry : epochs)
        {
            if (entry[0] > epoch)
            {
                return entry[1];
            }
        }
        return Long.MAX_VALUE;
    }

    /** Whether the index already lists {@code epoch} at {@code position}. */
    boolean contains(final long epoch, final long position)
    {
        for (final long[] entry : epochs)
        {
            if (entry[0] == epoch && entry[1] == position)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Records that {@code epoch} begins at {@code position}, durably, before its epoch command is
     * appended. Any entry at or after that position (an abandoned promotion) is replaced.
     */
    void begin(final long epoch, final long position)
    {
        if (epoch <= current() && !contains(epoch, position))
        {
            throw new IllegalStateException("epoch " + epoch + " at " + position + " is not newer than epoch " +
                current());
        }
        epochs.removeIf((entry) -> entry[1] >= position && entry[0] != 0);
        epochs.add(new long[]{epoch, position});
        write();
    }

    private void write()
    {
        final StringBuilder text = new StringBuilder("# epoch first-position (see io.ringlog.journal.replication.EpochIndex)\n");
        for (int i = 1; i < epochs.size(); i++)
        {
            text.append(epochs.get(i)[0]).append(' ').append(epochs.get(i)[1]).append('\n');
        }
        final Path temp = file.resolveSibling(FILE_NAME + ".tmp");
        try
        {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING))
            {
                channel.write(java.nio.ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            try
            {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            catch (final AtomicMoveNotSupportedException ex)
            {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ))
            {
                dir.force(true);
            }
            catch (final IOException ignore)
            {
                // Some file systems cannot open a directory for fsync; the rename is still atomic there.
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write the epoch index " + file + ": " + ex.getMessage(), ex);
        }
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder();
        for (final long[] entry : epochs)
        {
            sb.append(sb.length() == 0 ? "" : ", ").append("epoch ").append(entry[0]).append(" from ").append(entry[1]);
        }
        return sb.toString();
    }
}
