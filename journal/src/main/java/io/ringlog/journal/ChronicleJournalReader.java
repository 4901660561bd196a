package io.ringlog.journal;

import io.ringlog.core.Command;
import io.ringlog.core.CommandCodec;
import io.ringlog.core.CorruptEntryException;
import io.ringlog.core.Crc32c;
import io.ringlog.core.JournalException;
import io.ringlog.core.JournalReader;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reads a {@link ChronicleJournal} forward from a position. Every entry must decode and carry the
 * position that follows the one before: anything else is a {@link JournalException} naming the
 * position expected there and the reason, never a skip. An entry still being written (or torn)
 * ends the read, as the end of the journal does. A reader from a position not written yet waits
 * there: it moves to that position once it is written.
 */
final class ChronicleJournalReader implements JournalReader
{
    private final ChronicleJournal journal;
    private final ExcerptTailer tailer;
    private final byte[] scratchBytes;
    private final UnsafeBuffer scratch;
    private final Crc32c crc = new Crc32c();
    private final long limit;
    private long expected;
    private boolean positioned;

    /**
     * @param limit the last position to read: the journal's last position for a read-only journal, which
     *              may end in damaged entries it reported as a torn tail; unbounded for a writer's own
     *              journal, whose readers may follow it.
     */
    ChronicleJournalReader(final ChronicleJournal journal, final ExcerptTailer tailer, final long fromPosition,
        final boolean positioned, final int maxPayloadLength, final long limit)
    {
        this.journal = journal;
        this.tailer = tailer;
        this.expected = fromPosition;
        this.positioned = positioned;
        this.limit = limit;
        this.scratchBytes = new byte[CommandCodec.HEADER_LENGTH + maxPayloadLength];
        this.scratch = new UnsafeBuffer(scratchBytes);
    }

    @Override
    public boolean next(final Command into)
    {
        if (expected > limit)
        {
            return false;
        }
        if (!positioned)
        {
            // Asked for a position not written then: go there once it is committed (the volatile last
            // position is written after the cycle table, so the index found for it is the right one).
            if (expected > journal.lastPosition() || !journal.moveTo(tailer, expected))
            {
                return false;
            }
            positioned = true;
        }
        final int length;
        try (DocumentContext dc = tailer.readingDocument())
        {
            if (!dc.isPresent())
            {
                return false;
            }
            final Bytes<?> bytes = dc.wire().bytes();
            final long remaining = bytes.readRemaining();
            if (remaining > scratchBytes.length)
            {
                throw new JournalException(expected, "entry of " + remaining + " bytes is longer than a command " +
                    "header plus maxPayloadLength (" + scratchBytes.length + " bytes)");
            }
            length = (int)remaining;
            bytes.read(scratchBytes, 0, length);
        }
        catch (final JournalException ex)
        {
            throw ex;
        }
        catch (final RuntimeException ex)
        {
            // Chronicle's own view of a damaged document (a header that points nowhere, say).
            throw new JournalException(expected, "Chronicle Queue cannot read the entry: " +
                ChronicleJournal.describe(ex), ex);
        }
        try
        {
            CommandCodec.decode(scratch, 0, length, into, crc);
        }
        catch (final CorruptEntryException ex)
        {
            throw new JournalException(expected, ex.getMessage(), ex);
        }
        if (into.position() != expected)
        {
            throw new JournalException(expected, "entry carries position " + into.position() + " where position " +
                expected + " belongs: the journal has a gap or a foreign entry");
        }
        expected++;
        return true;
    }

    /** The position the next entry must carry. */
    long expectedPosition()
    {
        return expected;
    }

    @Override
    public void close()
    {
        tailer.close();
    }
}
