package io.ringlog.journal;

import io.ringlog.core.Command;
import io.ringlog.core.CommandCodec;
import io.ringlog.core.CorruptEntryException;
import io.ringlog.core.Crc32c;
import io.ringlog.core.JournalException;
import io.ringlog.core.JournalReader;
import io.ringlog.core.PayloadTooLargeException;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reads a {@link ChronicleJournal} forward from a position. A Chronicle document holds one or more
 * entries back to back; the reader copies one document at a time and steps through its entries. Every
 * entry must decode and carry the position that follows the one before: anything else is a
 * {@link JournalException} naming the position expected there and the reason, never a skip. A
 * document still being written (or torn) ends the read, as the end of the journal does. A reader from
 * a position not written yet waits there: it moves to that position once it is written.
 */
final class ChronicleJournalReader implements JournalReader
{
    /** The longest document read whole to tell a large entry from damage: 64 MiB, as the first-entry read allows. */
    private static final long MAX_WHOLE_LARGE = 64L << 20;
    private final ChronicleJournal journal;
    private final ExcerptTailer tailer;
    private final ExpandableArrayBuffer document;
    private final int maxDocumentLength;
    private final Crc32c crc = new Crc32c();
    private final long limit;
    private long expected;
    private boolean positioned;
    /** Set once positioned: entries before {@link #expected} in the first document are stepped over. */
    private boolean seeking;
    private int documentLength;
    private int at;
    private int lastLength;
    /** Where in its cycle file the document being read starts, past its 4-byte header; and the last entry read in it. */
    private long documentStart;
    private int lastAt;
    /** Position of the last entry read or stepped over; before the first, the one before the landing document. */
    private long decoded;

    /**
     * @param maxDocumentLength the longest document this reader takes: what a writer of this journal's
     *                          payload limit writes.
     * @param limit             the last position to read: the journal's last position for a read-only
     *                          journal, which may end in damaged entries it reported as a torn tail;
     *                          unbounded for a writer's own journal, whose readers may follow it.
     */
    ChronicleJournalReader(final ChronicleJournal journal, final ExcerptTailer tailer, final long fromPosition,
        final int maxDocumentLength, final long limit)
    {
        this.journal = journal;
        this.tailer = tailer;
        this.expected = fromPosition;
        this.limit = limit;
        this.maxDocumentLength = maxDocumentLength;
        this.document = new ExpandableArrayBuffer(maxDocumentLength);
    }

    /** Moves to the document holding the first position to read, if it is written yet. */
    void position()
    {
        final long landing = journal.moveTo(tailer, expected, document, crc);
        positioned = landing > 0;
        seeking = positioned;
        decoded = landing - 1;
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
            // position is written after the cycle table, so the document found for it is the right one).
            if (expected > journal.lastPosition())
            {
                return false;
            }
            position();
            if (!positioned)
            {
                return false;
            }
        }
        while (true)
        {
            if (at >= documentLength && !readDocument())
            {
                return false;
            }
            if (seeking && stepOver())
            {
                continue;
            }
            try
            {
                final int length = CommandCodec.entryLength(document, at, documentLength - at);
                CommandCodec.decode(document, at, length, into, crc);
                lastAt = at;
                at += length;
                lastLength = length;
            }
            catch (final CorruptEntryException ex)
            {
                // When stepping over entries to the first one wanted, the damaged one follows the last stepped over.
                // A whole entry too large for this reader is not damage: no repair to point to.
                throw new JournalException(seeking ? decoded + 1 : expected, ex.getMessage() +
                    (ex instanceof PayloadTooLargeException ? "" : ". " + verifyHint(journal.directory())), ex);
            }
            decoded = into.position();
            seeking = false;
            if (into.position() != expected)
            {
                throw new JournalException(expected, "entry carries position " + into.position() + " where position " +
                    expected + " belongs: the journal has a gap or a foreign entry");
            }
            expected++;
            return true;
        }
    }

    /**
     * Where a document too long for this reader holds one whole entry (its header gives the document's length, the
     * position is the one expected, and its checksum matches), what says so: a journal written with a larger payload
     * limit than it is read with. Null for anything else (a damaged document). Reads the entry's header, and the
     * rest only where the header gives the document's length (at most {@link #MAX_WHOLE_LARGE} bytes); the tailer
     * moves past the document when its context closes, as for damage.
     */
    private PayloadTooLargeException wholeButLarge(final Bytes<?> bytes, final long remaining)
    {
        if (remaining > MAX_WHOLE_LARGE)
        {
            return null;
        }
        final byte[] header = new byte[CommandCodec.HEADER_LENGTH];
        bytes.read(header, 0, header.length);
        try
        {
            // Only the header's fields are read here, all within its first bytes: the length it gives decides.
            if (CommandCodec.entryLength(new UnsafeBuffer(header), 0, (int)remaining) != remaining)
            {
                return null;
            }
            final byte[] copy = new byte[(int)remaining];
            System.arraycopy(header, 0, copy, 0, header.length);
            bytes.read(copy, header.length, copy.length - header.length);
            final UnsafeBuffer entry = new UnsafeBuffer(copy);
            final int headerLength = CommandCodec.check(entry, 0, copy.length, crc);
            if (CommandCodec.position(entry, 0) != expected)
            {
                return null;
            }
            return new PayloadTooLargeException(copy.length - headerLength, "the maxPayloadLength it is read with");
        }
        catch (final CorruptEntryException | IndexOutOfBoundsException ex)
        {
            return null;
        }
    }

    /** Bytes the entry last read takes in the journal, in the format it was written in. */
    int lastLength()
    {
        return lastLength;
    }

    /**
     * Where the entry last read lies: its cycle file, the byte it starts at, and the byte of its document's header
     * (Chronicle's length word), as a tool prints them; null before the first.
     */
    String lastLocation()
    {
        if (lastLength == 0)
        {
            return null;
        }
        final java.io.File file = tailer.currentFile();
        final long header = documentStart - 4;
        final long entry = documentStart + lastAt;
        return (file != null ? file.getName() : "cycle " + tailer.cycle()) + " byte " + entry +
            (entry == header + 4 ? " (its document's header at byte " + header + ")" : " (in the document whose header " +
            "is at byte " + header + ")");
    }

    /**
     * What a reader stopped by a damaged entry adds to its message (an embedder's engine that cannot recover
     * past it says no more): the tool that names the damaged position and the repair. The journal tool's verify leaves it
     * out (it reads the cause's message), as it says both.
     */
    private static String verifyHint(final java.nio.file.Path directory)
    {
        return "A read through it stops here until the journal is repaired (a recovery from a later snapshot does not " +
            "read it): 'scripts/journal verify -d " + directory + "' names the damaged position and the repair that keeps " +
            "what can be kept";
    }

    /**
     * Before the first entry wanted, in the document the reader landed in: steps over the next entry if
     * its header says it comes before that one. Only the header's length and position are read, not the
     * checksum, so damage inside an entry before the one wanted does not hide the entries after it, as it
     * did not when each entry had a document of its own. Past a header too damaged to give a length, it steps to
     * the next whole entry ({@link EntryResync}). Should a damaged header put the step out of line, the entry it
     * lands on fails its checks (magic, checksum, position) when read: nothing wrong is returned.
     *
     * @return true if it stepped over an entry.
     */
    private boolean stepOver()
    {
        final int length;
        try
        {
            length = CommandCodec.entryLength(document, at, documentLength - at);
        }
        catch (final CorruptEntryException ex)
        {
            return resync();
        }
        final long position = CommandCodec.position(document, at);
        if (position <= decoded || position > expected)
        {
            // A header whose length still reads, but whose position is not the next one's (zeros from inside it, a
            // flipped bit): damaged too. Where the wanted entry is the damaged one, reading it says so.
            return resync();
        }
        if (position == expected)
        {
            return false;
        }
        if (lengthOutOfLine(at, length) && resync())
        {
            // A length that still reads but is damaged steps into the middle of a later entry, which then read as
            // damaged though it was whole (a reviewer's flipped length byte hid the two entries after it). Where no
            // whole entry up to the wanted one follows, the damage is after this entry (the next one's magic, say):
            // stepped by its length, as before, so that reading the damaged one names it (a code review's).
            return true;
        }
        at += length;
        decoded = position;
        return true;
    }

    /**
     * Whether the entry of format 3 at {@code entryAt}, {@code length} bytes long by its header, is followed in its
     * document by anything but the start of an entry (a magic word of any format where that format has it): its length
     * is damaged. An older format's entry is stepped by its length, as before.
     */
    private boolean lengthOutOfLine(final int entryAt, final int length)
    {
        final int next = entryAt + length;
        return compactAt(entryAt) && next < documentLength && !compactAt(next) && !olderFormatAt(next);
    }

    private boolean compactAt(final int entryAt)
    {
        return entryAt + CommandCodec.COMPACT_MAGIC_OFFSET + 4 <= documentLength &&
            document.getInt(entryAt + CommandCodec.COMPACT_MAGIC_OFFSET, java.nio.ByteOrder.LITTLE_ENDIAN) ==
            CommandCodec.COMPACT_MAGIC;
    }

    private boolean olderFormatAt(final int entryAt)
    {
        if (entryAt + CommandCodec.MAGIC_OFFSET + 4 > documentLength)
        {
            return false;
        }
        final int magic = document.getInt(entryAt + CommandCodec.MAGIC_OFFSET, java.nio.ByteOrder.LITTLE_ENDIAN);
        return magic == CommandCodec.MAGIC || magic == CommandCodec.LEGACY_MAGIC;
    }

    /**
     * Past a damaged header, which hides where the next entry starts: steps to the next whole one, if it is not past
     * the one wanted (then the damaged entry may be that one, and reading it says so).
     */
    private boolean resync()
    {
        final int resumed = EntryResync.after(document, at, documentLength, crc);
        final long resumedAt = resumed < 0 ? -1 : CommandCodec.position(document, resumed);
        if (resumed < 0 || resumedAt > expected || resumedAt <= decoded)
        {
            return false;
        }
        at = resumed;
        decoded = resumedAt - 1;
        return true;
    }

    /** Copies the next whole document; false at the end of the journal (or at a document being written). */
    private boolean readDocument()
    {
        try
        {
            return readDocumentOnce();
        }
        catch (final JournalException ex)
        {
            if (!ChronicleJournal.threadLocalRace(ex))
            {
                throw ex;
            }
            // Chronicle's race as it acquired the next cycle's store, before it moved: the same read again.
            return readDocumentOnce();
        }
    }

    private boolean readDocumentOnce()
    {
        try (DocumentContext dc = tailer.readingDocument())
        {
            if (!dc.isPresent())
            {
                return false;
            }
            final Bytes<?> bytes = dc.wire().bytes();
            final long remaining = bytes.readRemaining();
            if (remaining > maxDocumentLength)
            {
                final PayloadTooLargeException large = wholeButLarge(bytes, remaining);
                if (large != null)
                {
                    // One whole entry, written with a larger payload limit than this reader's: not damage.
                    throw new JournalException(expected, large.getMessage(), large);
                }
                throw new JournalException(expected, "document of " + remaining + " bytes is longer than any a " +
                    "writer of this journal makes (" + maxDocumentLength + " bytes: 64 KiB, or one command header " +
                    "plus maxPayloadLength)");
            }
            documentLength = (int)remaining;
            documentStart = bytes.readPosition();
            at = 0;
            document.checkLimit(documentLength);
            bytes.read(document.byteArray(), 0, documentLength);
            if (documentLength == 0)
            {
                throw new JournalException(expected, "empty document where an entry belongs");
            }
            return true;
        }
        catch (final JournalException ex)
        {
            throw ex;
        }
        catch (final RuntimeException | InternalError ex)
        {
            // Chronicle's own view of a damaged document (a header that points nowhere, say), or a SIGBUS past the data.
            throw new JournalException(expected, "Chronicle Queue cannot read the entry: " +
                ChronicleJournal.describeRead(ex), ex);
        }
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
