package io.ringlog.journal;

import io.ringlog.core.CommandCodec;
import io.ringlog.core.CorruptEntryException;
import io.ringlog.core.Crc32c;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * Walks the chain of Chronicle documents in one cycle file with plain reads, never a memory map, and
 * never past the file's length: what the journal does before Chronicle maps a file, because reading a
 * mapped file past its end (a truncated file) is a SIGBUS that the JVM reports as an
 * {@link InternalError} at some later instruction, and a writable Chronicle mapping silently extends a
 * truncated file with zeros.
 * <pre>
 * a cycle file: 4-byte little-endian headers, each followed by its document, each aligned to 4 bytes
 *  +--------+----------------+--------+---------+--------+---------+-----+--------+----------------
 *  | header | "header" (meta)| header | index.. | header | entry 1 | ... | header | 0 0 0 ... (end)
 *  +--------+----------------+--------+---------+--------+---------+-----+--------+----------------
 *  header bits: 31 not complete (being written, or torn) | 30 metadata | 29..0 length
 *  0xC0000000 is Chronicle's end-of-file marker, written when the writer rolls to the next cycle
 * </pre>
 * The walk ends at a zero header ({@link End#OPEN}), the end-of-file marker, a header with the
 * not-complete bit or a zero header followed by bytes ({@link End#TORN}: a writer stopped inside a
 * document), a document that runs past the end of the file ({@link End#CUT}), or a file that ends
 * where the next header would be ({@link End#SHORT}). It counts the whole data documents, splits each
 * into the journal entries it holds (one or more, back to back, each as long as its header says), and
 * keeps the offsets of the newest entries. It reads Chronicle's index of the data documents first (the
 * offset of every 256th, say) and checks each value against the document the walk finds there.
 */
final class CycleFileScan
{
    static final int NOT_COMPLETE = 0x8000_0000;
    static final int META_DATA = 0x4000_0000;
    static final int LENGTH_MASK = 0x3FFF_FFFF;
    static final int END_OF_DATA = NOT_COMPLETE | META_DATA;
    /** How many of the newest entries' offsets are kept, for the tail checks. */
    static final int NEWEST_KEPT = 64;
    /** The oldest entries whose offsets a scan keeps: where a file's first position is read when its first entry is damaged. */
    static final int OLDEST_KEPT = 16;
    private static final int CHUNK = 1 << 20;

    /** How the chain of documents ends. */
    enum End
    {
        /** A zero header after the last document: where the next append goes. */
        OPEN,
        /** Chronicle's end-of-file marker: the writer rolled to a later cycle. */
        END_OF_FILE,
        /** A document a writer had started but not finished: a crash mid-write. */
        TORN,
        /** A document runs past the end of the file: the file was cut short (truncated) inside it. */
        CUT,
        /** The file ends exactly where the next header would be: nothing lost, but shorter than Chronicle maps. */
        SHORT
    }

    final Path file;
    final long length;
    /** The position of the first entry of the document {@link #wholeDocumentPastTheEnd} found, -1 if none. */
    long pastTheEndPosition = -1;
    /** File offset and length of the first entry, -1 and 0 while it has none. */
    long firstOffset = -1;
    int firstLength;
    /** Whole entries: a document holds one or more, back to back. */
    long entries;
    /** Whole data documents: what Chronicle's index of the file counts. */
    long documents;
    /**
     * Entries, from the file's first, in documents that a later document of the file shows a commit closed (see
     * {@link #closedByCommit}); 0 where none does.
     */
    long entriesCommittedBefore;
    /** The whole entries before the newest data document, its length word, and how many entries it holds. */
    private long newestDocumentFrom;
    private int newestDocumentLength;
    /** The length of the file's first entry where it is of entry format 3 ({@link #writtenPerCommit}); -1 otherwise. */
    int firstPerCommitLength = -1;
    /** Where a document runs past the file's end ({@link End#CUT}): the end of the file's last non-zero bytes. */
    long dataEnd = -1;
    /** Zero bytes after a zero header word that say the data ends there, where a damaged length word may point. */
    private static final int ZEROS_AT_THE_END = 256;

    /**
     * Damaged entry headers, each of which hid where the next entry in its document starts: the walk counted the
     * bytes up to the next whole entry it found ({@link EntryResync}), or the rest of the document, as one entry.
     */
    long unsplit;
    /** Of those, the ones followed by a whole entry whose position, and an earlier one's, told how many they held. */
    long recounted;
    /**
     * The index of the first of them that hid several entries, which the walk counts but cannot tell apart (-1 if
     * none), and how many: a rewrite cannot copy them one by one ({@link CycleRewriter}).
     */
    long firstRun = -1;
    long firstRunCount;
    /** The longest entry {@link #hidden} reads back for its position. */
    private static final int MAX_CHECKED_BACK = 1 << 20;
    /** The index of the first of them, counted as one entry by the walk; -1 if none. */
    long firstUnsplit = -1;
    /**
     * Whether the newest entry the walk counted is no entry: the rest of a document, past its whole entries, all
     * zeros (where its length word says more than was written, or a writer's bytes never reached the file). It
     * is counted, so that readers meet it as the damage it is, but holds no entry and hides none.
     */
    boolean zeroTail;
    /** Where those zeros start in the file, and where their document ends; -1 while {@link #zeroTail} is false. */
    long zeroTailFrom = -1;
    long zeroTailTo = -1;
    /** Where Chronicle's header says its index documents start, and how many offsets each holds. */
    private long[] indexDocuments = new long[0];
    private long indexCount;
    /**
     * Chronicle's index of the file's data documents: each index document holds the offsets of {@link #indexCount}
     * documents' headers, every {@link #indexSpacing}-th, 0 where none is kept. Read with plain reads one index
     * document at a time, as the walk reaches its documents: {@link #loadedValues} are index document
     * {@link #loadedIndexDocument}'s. The spacing is 0 where the header gives no index sizes Chronicle writes.
     */
    private long indexSpacing;
    private long headerEnd;
    private long[] loadedValues;
    private byte[] loadedBytes;
    private int loadedIndexDocument = -1;
    /** The first index value that the walk found to be wrong, said in words; null if none. */
    private String indexValueDamage;
    /** How {@link #headerDamage} begins where the damage is in Chronicle's index of the data documents. */
    static final String INDEX_DAMAGED = "Chronicle's index of the file is damaged";
    /** An index document's bytes before its offsets, its length word included, less the padding that aligns them. */
    private static final int INDEX_DOCUMENT_HEAD = 28;
    /**
     * The first document whose Chronicle header word is damaged (its length, or its metadata flag) while its
     * entries are whole, which the walk read past; null if none. Reported as {@link #headerDamage}: Chronicle
     * cannot read the file, and a rebuild writes it anew with every entry.
     */
    String documentDamage;
    /**
     * Zeros from its first byte to its last: no header, no document, so nothing to read. Chronicle renames a
     * {@code .precreated} file into place before it writes the header, and a crash between leaves one; Chronicle
     * would wait 10 s for the header of such a file, at every open, before it writes one itself.
     */
    boolean blank;
    /** Offset of the header after the last whole document (or of the cut one). */
    long end;
    End state;
    /** The header word at {@link #end} ({@code TORN}, {@code CUT}). */
    int header;
    /**
     * The number Chronicle's header gives its newest document (0 for the first; -1 where Chronicle counts
     * from its index instead), and where it says it starts.
     */
    private long writeSequence;
    private long writeAt = -1;
    /** The number of the data document the walk found starting there, or -1 if none does. */
    private long writeIndex = -1;
    /** Where the walk's newest data document starts. */
    private long lastDataOffset = -1;
    /** Metadata documents that are none of Chronicle's (not an event name first): data documents with a damaged header. */
    private long foreignMetadata;
    /**
     * What is damaged in Chronicle's own header or index document at the start of the file, or null:
     * Chronicle cannot be trusted to read such a file, though its entries, walked past the damage, may be
     * whole ({@link CycleHeader}). When the walk could not find where the documents start, it found none.
     */
    String headerDamage;
    /** How far past a lost header {@link #firstDocument} looks: beyond the index arrays of Chronicle's largest cycles. */
    private static final long LOST_HEADER_SEARCH = 16L << 20;
    private final long[] newestOffsets = new long[NEWEST_KEPT];
    private final int[] newestLengths = new int[NEWEST_KEPT];
    private final long[] newestDocuments = new long[NEWEST_KEPT];
    private final boolean[] newestSplit = new boolean[NEWEST_KEPT];
    private final long[] oldestOffsets = new long[OLDEST_KEPT];
    private final int[] oldestLengths = new int[OLDEST_KEPT];
    private final boolean[] oldestSplit = new boolean[OLDEST_KEPT];

    private CycleFileScan(final Path file, final long length)
    {
        this.file = file;
        this.length = length;
    }

    /**
     * Walks {@code file}.
     *
     * @param tornWindow bytes after a zero header that are looked at for signs of a started entry: the
     *                   largest entry there can be.
     */
    static CycleFileScan scan(final Path file, final int tornWindow) throws IOException
    {
        return scan(file, tornWindow, null);
    }

    /** Walks {@code file}, telling {@code entries} where each whole entry is, in order. */
    static CycleFileScan scan(final Path file, final int tornWindow, final EntryVisitor entries) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final CycleFileScan scan = new CycleFileScan(file, channel.size());
            final Reader reader = new Reader(channel, scan.length);
            if (scan.length < CycleHeader.READ)
            {
                // Shorter than any file Chronicle makes: cut short, which the walk from the start reports.
                scan.walk(reader, 0, tornWindow, entries);
                return scan;
            }
            final byte[] first = new byte[CycleHeader.READ];
            read(channel, 0, first, first.length, file);
            CycleHeader header = CycleHeader.read(first, first.length);
            final int word = (first[0] & 0xFF) | (first[1] & 0xFF) << 8 | (first[2] & 0xFF) << 16 | first[3] << 24;
            if (header.walkFrom < 0 && word == 0 && !allZeros(channel, scan.length))
            {
                // A reviewer's finding: a file whose first few hundred bytes were zeroed (a lost page) was taken for one
                // Chronicle is still making, its entries for none, and a writable open had Chronicle set it aside and
                // use their positions again. Chronicle writes documents only after its header, so this is damage.
                final long from = scan.firstDocument(reader);
                if (from > 0)
                {
                    header = CycleHeader.lost(from, "its Chronicle header is lost: the file's first bytes are zeros, " +
                        "though it holds documents from byte " + from);
                }
            }
            if (header.walkFrom < 0 && (word == 0 || (word & NOT_COMPLETE) != 0))
            {
                // A header Chronicle is writing (a new file a writer is making while this reads it): no document yet.
                scan.state = End.OPEN;
                scan.blank = word == 0 && allZeros(channel, scan.length);
                return scan;
            }
            if (header.walkFrom < 0)
            {
                scan.headerDamage = header.damage;
                scan.state = End.OPEN;
                return scan;
            }
            scan.indexDocuments = allIndexDocuments(channel, header, scan.length, file);
            scan.indexCount = header.indexCount;
            scan.headerEnd = header.end;
            scan.indexSpacing = header.indexCount > 0 && header.indexCount <= 1 << 20 && header.indexSpacing > 0 ?
                header.indexSpacing : 0;
            scan.writeSequence = header.sequenceAtWritePosition();
            scan.writeAt = header.damage == null ? header.writePosition : -1;
            scan.walk(reader, header.walkFrom, tornWindow, entries);
            final boolean whole = scan.state == End.OPEN || scan.state == End.END_OF_FILE;
            scan.headerDamage = header.valueDamage(scan.documents, whole);
            if (scan.headerDamage == null && whole && scan.documents > 0)
            {
                scan.headerDamage = scan.writePositionDamage(header.writePosition);
            }
            if (scan.headerDamage == null && whole)
            {
                scan.headerDamage = scan.indexDamage(reader, header);
            }
            if (scan.headerDamage == null && (whole || scan.state == End.TORN) && scan.documentDamage == null &&
                scan.foreignMetadata == 0)
            {
                // Only where the walk numbered the documents as Chronicle does (a damaged document shifts the count), and
                // whatever a crash left after the whole documents: a torn newest one is the usual state after a crash,
                // and its open rewrites only the tail, leaving a damaged index for a later reader to fault on.
                scan.headerDamage = scan.indexValueDamage(reader, whole);
            }
            scan.loadedValues = null;
            scan.loadedBytes = null;
            if (scan.headerDamage != null && header.damage == null && changedSince(channel, first, header))
            {
                // Not damage: a writer appending while this read (the header's two halves, or after the walk).
                scan.headerDamage = null;
            }
            if (scan.headerDamage == null && scan.documentDamage != null)
            {
                scan.headerDamage = scan.documentDamage;
            }
            return scan;
        }
    }

    /**
     * Where the index document at {@code offset} ends by its index's own size, if Chronicle's header lists one there
     * (-1 if not): its length word, an event name "index", the array's code, capacity and count (28 bytes), padding
     * that puts the offsets on 8 bytes of the file, then the header's indexCount offsets of 8 bytes each.
     */
    private long indexDocumentEnd(final long offset)
    {
        if (indexCount <= 0 || indexCount > 1 << 20)
        {
            return -1;
        }
        for (final long index : indexDocuments)
        {
            if (index == offset)
            {
                // Chronicle aligns the offsets to 8 bytes of the file, and documents start on 4: the head is 28 or 32.
                final long values = (offset + INDEX_DOCUMENT_HEAD + 7) & ~7L;
                return (values + indexCount * 8 + 3) & ~3L;
            }
        }
        return -1;
    }

    /** Told the place of each whole entry a walk passes. */
    @FunctionalInterface
    interface EntryVisitor
    {
        /**
         * One entry of the walk, at {@code index} of the file's; or, where {@code count} is more than 1, the bytes of a
         * damaged run that held {@code count} entries (by the positions either side of it), indexes {@code index} on,
         * which cannot be told apart: visited once.
         */
        void entry(long index, long offset, int length, long count) throws IOException;
    }

    private void walk(final Reader reader, final long from, final int tornWindow, final EntryVisitor visitor)
        throws IOException
    {
        long offset = from;
        while (true)
        {
            if (offset + 4 > length)
            {
                end = offset;
                state = End.SHORT;
                return;
            }
            final int word = reader.intAt(offset);
            if ((word == 0 || (word & NOT_COMPLETE) != 0) && offset >= from && wholeBeforeADocument(reader, offset))
            {
                // A header word lost (zeroed, or left as if being written) in front of whole entries that another
                // document follows: damage, not the end of the data or a writer's torn document (nothing follows those).
                final long entriesEnd = entriesEnd(reader, offset + 4);
                documentDamage("the header word of its document at byte " + offset + " is damaged (it reads 0x" +
                    Integer.toHexString(word) + ", as " + (word == 0 ? "the end of the data" : "a document being " +
                    "written") + "), though whole entries follow it and another document after them, at byte " +
                    ((entriesEnd + 3) & ~3L) + ": Chronicle's readers would stop there");
                countData(reader, offset, (int)(entriesEnd - offset - 4), visitor);
                offset = (entriesEnd + 3) & ~3L;
                continue;
            }
            if ((word & NOT_COMPLETE) != 0 && (word & META_DATA) == 0 && (word & LENGTH_MASK) > 0 && offset >= from &&
                splitsExactly(reader, offset + 4, word & LENGTH_MASK) &&
                documentAt(reader, (offset + 4 + (word & LENGTH_MASK) + 3) & ~3L))
            {
                // Marked as being written, yet with a length that whole entries fill, and a document (or the end of the
                // data) after them: the flag is damaged. A writer's unfinished document has no length yet.
                final int documentLength = word & LENGTH_MASK;
                documentDamage("the header word of its document at byte " + offset + " is marked as being written (it " +
                    "reads 0x" + Integer.toHexString(word) + "), though it gives the document's length, " + documentLength +
                    " bytes, and whole entries fill them: a writer gives the length only as it finishes a document");
                countData(reader, offset, documentLength, visitor);
                offset = (offset + 4 + documentLength + 3) & ~3L;
                continue;
            }
            if (word == 0)
            {
                end = offset;
                state = reader.anyNonZero(offset + 4, Math.min(length, offset + 4 + tornWindow)) ? End.TORN : End.OPEN;
                return;
            }
            if (word == END_OF_DATA)
            {
                end = offset;
                state = End.END_OF_FILE;
                return;
            }
            if ((word & NOT_COMPLETE) != 0)
            {
                end = offset;
                header = word;
                state = End.TORN;
                return;
            }
            final int documentLength = word & LENGTH_MASK;
            final long byIndex = indexDocumentEnd(offset);
            final long byWord = (offset + 4 + documentLength + 3) & ~3L;
            if ((word & META_DATA) != 0 && byIndex > 0 && byIndex != byWord && !documentAt(reader, byWord) &&
                (byWord + 4 > length || (reader.intAt(byWord) & NOT_COMPLETE) == 0) && documentAt(reader, byIndex))
            {
                // One of Chronicle's index documents, whose length word leads nowhere, where its index's own size leads
                // to the next document: the word is damaged (the probe's flipped byte made the file look empty).
                documentDamage("the length word of Chronicle's index document at byte " + offset + " is damaged: it " +
                    "says " + documentLength + " bytes, where its index of " + indexCount + " offsets takes " +
                    (byIndex - offset - 4) + " (the next document starts at byte " + byIndex + ")");
                offset = byIndex;
                continue;
            }
            if ((word & META_DATA) == 0 && offset >= from && !splitsExactly(reader, offset + 4, documentLength))
            {
                // Its entries end elsewhere than its length word says: where a whole next document starts there,
                // the word is damaged (Chronicle would read on from the wrong byte), and the walk goes on from there.
                final long entriesEnd = entriesEnd(reader, offset + 4);
                final long next = (entriesEnd + 3) & ~3L;
                // Only where the length word leads nowhere: one that leads to the next document is whole, and the
                // damage is inside an entry (a length in its header), which the entry's own checks name. Nor where
                // both lead to the end of the data (a newest document whose last entries were zeroed), unless the
                // word says more than a writer puts in a document of several entries. Either way the entries it is
                // cut back to must pass their own checks: an entry whose length in its header was damaged does not.
                // A word off by 1 to 3 bytes leads to the same next document, past the padding: the entries then end
                // inside that padding (or past the word's end, within it), whole, where no entry's own damage ends them.
                // In the newest document, where both lead to the end of the data, a word that ends inside the entries
                // (whose last bytes may be zeros, as a document's end would be), or past them by fewer bytes than an
                // entry takes, all zeros, is damaged too: no writer wrote such a document, and no lost entry fits there.
                final long said = (offset + 4 + documentLength + 3) & ~3L;
                final long wordEnd = offset + 4 + documentLength;
                if (entriesEnd != wordEnd && entriesEnd > offset + 4 && documentAt(reader, next) &&
                    (!documentAt(reader, said) || (leapsOverData(reader, next, said) ||
                    documentLength > ChronicleJournal.MAX_DOCUMENT_BYTES && reader.intAt(next) == 0 ||
                    (said == next || wordEnd < entriesEnd || wordEnd - entriesEnd < CommandCodec.MIN_ENTRY_LENGTH &&
                    zeros(reader, entriesEnd, said)) && checksummed(reader, offset + 4, entriesEnd)) &&
                    entriesCheck(reader, offset + 4, entriesEnd)))
                {
                    documentDamage("the length word of its document at byte " + offset + " is damaged: it says " +
                        documentLength + " bytes, where the document's entries take " + (entriesEnd - offset - 4) +
                        (reader.intAt(next) == 0 ? " (the data ends there, at byte " + next + ")" : " (the next " +
                        "document starts at byte " + next + ")") + ": Chronicle would read on from the wrong byte");
                    countData(reader, offset, (int)(entriesEnd - offset - 4), visitor);
                    offset = next;
                    continue;
                }
            }
            if ((word & META_DATA) != 0 && offset >= from && documentLength >= CommandCodec.MIN_ENTRY_LENGTH &&
                offset + 4 + documentLength <= length && !chronicleNamed(reader, offset, documentLength) &&
                splitsExactly(reader, offset + 4, documentLength))
            {
                // Whole entries in a document marked as Chronicle's metadata: its header's flag is damaged, and
                // Chronicle's readers pass over the entries. They are counted as the data they are.
                documentDamage("its document at byte " + offset + " holds whole entries but is marked as Chronicle's " +
                    "metadata (its header word is damaged): Chronicle's readers would pass over them");
                countData(reader, offset, documentLength, visitor);
                offset = (offset + 4 + documentLength + 3) & ~3L;
                continue;
            }
            if (offset + 4 + documentLength > length)
            {
                end = offset;
                header = word;
                state = End.CUT;
                dataEnd = reader.dataEnd(offset + 4, length);
                if ((word & META_DATA) == 0)
                {
                    // The entries wholly before the cut are still there: counted, so a repair can keep them.
                    splitDocument(reader, offset, (int)(length - offset - 4), visitor, true);
                }
                return;
            }
            if ((word & META_DATA) == 0)
            {
                countData(reader, offset, documentLength, visitor);
            }
            else if (offset >= from && documentLength >= 4 && !chronicleNamed(reader, offset, documentLength))
            {
                foreignMetadata++;
            }
            offset = (offset + 4 + documentLength + 3) & ~3L;
        }
    }

    /**
     * Whether the header's newest document is not one of the walk's: where Chronicle's next append looks for the
     * end, so a damaged one has the writer overwrite committed entries. It must be a data document the walk found,
     * numbered as the walk numbers it; not always the newest, which a writer killed between completing a document
     * and moving the header past it leaves behind (Chronicle reads on from there). Numbered higher than the walk's,
     * the walk is the one short where a data document's header reads as metadata that is none of Chronicle's (a
     * flipped bit): that is the document's damage, which the count against Chronicle's index reports.
     */
    private String writePositionDamage(final long writePosition)
    {
        final String says = "its Chronicle header is damaged: it says the newest document is " +
            (writeSequence >= 0 ? "number " + (writeSequence + 1) + ", " : "") + "at byte " + writePosition;
        if (writeIndex >= 0)
        {
            // A count Chronicle does not take from the header (see sequenceAtWritePosition) it takes from its index.
            if (writeSequence < 0 || writeIndex == writeSequence || writeSequence > writeIndex && foreignMetadata > 0)
            {
                return null;
            }
            return says + ", where the file's document " + (writeIndex + 1) + " starts: Chronicle would count its " +
                documents + " documents wrong";
        }
        if (writePosition == end)
        {
            // Where the next document goes: one a writer has begun and not yet written a header for.
            return null;
        }
        if (writePosition > end)
        {
            return says + ", past where the file's documents end (byte " + end + ")";
        }
        return says + ", where no document starts (the newest is number " + documents + ", at byte " + lastDataOffset +
            "): the next append would go " + (writePosition < lastDataOffset ? "over committed entries" :
            "inside the newest document");
    }

    /**
     * Whether the walk ended at a torn document that Chronicle's header names as the newest (or names a place past
     * it): where power was lost after the header's page reached the disk and the document's did not. Chronicle's
     * next append starts from the document the header names and steps over its length, zero here, so it would
     * write four bytes past the torn document instead of over it, leaving a zero word no reader gets past.
     */
    boolean writeAtTorn()
    {
        return state == End.TORN && writeAt >= end;
    }

    /** Whether the header reads otherwise now than it did: a writer at work, not damage. */
    private static boolean changedSince(final FileChannel channel, final byte[] first, final CycleHeader header)
        throws IOException
    {
        final byte[] again = new byte[first.length];
        read(channel, 0, again, again.length, null);
        final CycleHeader now = CycleHeader.read(again, again.length);
        return now.writePosition != header.writePosition || now.writeSequence != header.writeSequence ||
            now.lastIndex != header.lastIndex;
    }

    /**
     * Where Chronicle's first index lists an index document that is not one (it would send a reader to
     * that byte to find a sequence number), or null.
     */
    private String indexDamage(final Reader reader, final CycleHeader header) throws IOException
    {
        for (int i = 0; i < indexDocuments.length; i++)
        {
            final long offset = indexDocuments[i];
            final int word = offset > header.end && offset + 4 <= end && (offset & 3) == 0 ? reader.intAt(offset) : 0;
            if ((word & (META_DATA | NOT_COMPLETE)) != META_DATA)
            {
                return "Chronicle's index document after its header, at byte " + header.end + ", is damaged: its " +
                    "entry " + i + " says an index document starts at byte " + offset + ", where none does";
            }
        }
        return null;
    }

    /**
     * Where every index document that Chronicle's first index lists starts: those the header's bytes held, and the rest
     * read from the file (a file of more documents than the header's bytes' index documents cover: over ten million of
     * FAST_DAILY's).
     */
    private static long[] allIndexDocuments(final FileChannel channel, final CycleHeader header, final long length,
        final Path file) throws IOException
    {
        final long used = header.indexUsed;
        if (used <= header.indexOffsets.length || used > 1 << 20 || header.indexOffsetsAt < 0 ||
            header.indexOffsetsAt + used * 8 > length)
        {
            return header.indexOffsets;
        }
        final byte[] bytes = new byte[(int)used * 8];
        final long[] offsets = new long[(int)used];
        readLongs(channel, header.indexOffsetsAt, bytes, offsets, file);
        return offsets;
    }

    /** Reads {@code into.length} little-endian longs from {@code offset} of the file, through {@code bytes}. */
    private static void readLongs(final FileChannel channel, final long offset, final byte[] bytes, final long[] into,
        final Path file) throws IOException
    {
        read(channel, offset, bytes, into.length * 8, file);
        final UnsafeBuffer view = new UnsafeBuffer(bytes);
        for (int i = 0; i < into.length; i++)
        {
            into[i] = view.getLong(i * 8, ByteOrder.LITTLE_ENDIAN);
        }
    }

    /**
     * The index value Chronicle keeps for slot {@code slot} (data document {@code slot * indexSpacing}), 0 where it
     * keeps none or the index document holding it does not fit in the file ({@link #indexDamage} names that). The slot
     * must be {@link #listed}.
     */
    private long indexValue(final Reader reader, final long slot) throws IOException
    {
        final long document = slot / indexCount;
        if (document != loadedIndexDocument)
        {
            if (loadedValues == null)
            {
                loadedValues = new long[(int)indexCount];
                loadedBytes = new byte[(int)indexCount * 8];
            }
            loadedIndexDocument = (int)document;
            final long offset = indexDocuments[(int)document];
            // Chronicle aligns the offsets to 8 bytes of the file: after a head of 28 or 32 bytes (see indexDocumentEnd).
            final long start = (offset + INDEX_DOCUMENT_HEAD + 7) & ~7L;
            if (offset <= headerEnd || start + loadedBytes.length > length)
            {
                Arrays.fill(loadedValues, 0);
            }
            else
            {
                readLongs(reader.channel, start, loadedBytes, loadedValues, file);
            }
        }
        return loadedValues[(int)(slot % indexCount)];
    }

    /** Whether an index document listed in Chronicle's first index holds slot {@code slot}. */
    private boolean listed(final long slot)
    {
        return slot / indexCount < indexDocuments.length;
    }

    /** Checks the index value kept for data document {@code number}, whose header the walk found at {@code offset}. */
    private void checkIndexValue(final Reader reader, final long number, final long offset) throws IOException
    {
        if (indexSpacing == 0 || number % indexSpacing != 0 || indexValueDamage != null || !listed(number / indexSpacing))
        {
            return;
        }
        final long said = indexValue(reader, number / indexSpacing);
        if (said != 0 && said != offset)
        {
            indexValueDamage = indexValueSays(number, said) + ", where it starts at byte " + offset;
        }
    }

    /**
     * What is wrong with Chronicle's index of the data documents, or null: a value that sends a reader elsewhere than
     * the document it names (past the file's end, a fault the JVM reports at some later instruction), or that names a
     * document the file does not hold (looked for only in a file that ends {@code whole}: past a torn document the
     * walk does not know how many there are). A value for the document a writer would append next is a writer's.
     */
    private String indexValueDamage(final Reader reader, final boolean whole) throws IOException
    {
        if (indexValueDamage != null || indexSpacing == 0 || !whole)
        {
            return indexValueDamage;
        }
        for (long slot = (documents + indexSpacing - 1) / indexSpacing; listed(slot); slot++)
        {
            final long said = indexValue(reader, slot);
            if (said != 0 && !(state == End.OPEN && said == end && slot * indexSpacing == documents))
            {
                return indexValueSays(slot * indexSpacing, said) + ", but the file holds " + documents + " data " +
                    "documents (the data ends at byte " + end + ")";
            }
        }
        return null;
    }

    private String indexValueSays(final long number, final long said)
    {
        return INDEX_DAMAGED + ": it says data document " + number + " starts at byte " + said +
            (said >= length ? ", past the file's end (" + length + " bytes)" : "");
    }

    private void documentDamage(final String damage)
    {
        if (documentDamage == null)
        {
            documentDamage = damage;
        }
    }

    /**
     * Whether whole entries start right after the header word at {@code offset}, and a document follows them:
     * one with a header of its own (data, Chronicle's metadata, or its end-of-file marker), not the zeros past
     * the data that follow a writer's last, torn document.
     */
    private boolean wholeBeforeADocument(final Reader reader, final long offset) throws IOException
    {
        final long entriesEnd = entriesEnd(reader, offset + 4);
        if (entriesEnd <= offset + 4)
        {
            return false;
        }
        final long next = (entriesEnd + 3) & ~3L;
        return next + 4 <= length && reader.intAt(next) != 0 && documentAt(reader, next);
    }

    /**
     * Whether the document at {@code offset} starts as Chronicle's own metadata does, with an event name
     * (0xB9), and not with a format-3 entry: whose first byte is its payload length's low byte, 0xB9 for a
     * 185-byte payload, but whose bytes 4..7 are its magic, where Chronicle's hold the name's letters.
     */
    private static boolean chronicleNamed(final Reader reader, final long offset, final int documentLength)
        throws IOException
    {
        return (reader.intAt(offset + 4) & 0xFF) == CycleHeader.EVENT_NAME && (documentLength < 8 ||
            reader.intAt(offset + 4 + CommandCodec.COMPACT_MAGIC_OFFSET) != CommandCodec.COMPACT_MAGIC);
    }

    /**
     * The length of an entry starting at {@code at} by its header (in any entry format), or -1 where no
     * entry's header is there or the length it gives runs past {@code limit}.
     */
    private static int entryLength(final Reader reader, final long at, final long limit) throws IOException
    {
        final long left = limit - at;
        if (left < CommandCodec.MIN_ENTRY_LENGTH)
        {
            return -1;
        }
        final int length;
        final int word = reader.intAt(at + CommandCodec.COMPACT_MAGIC_OFFSET);
        if (word == CommandCodec.COMPACT_MAGIC)
        {
            // Bytes 12..15 as a little-endian int: the flags are its top byte.
            length = CommandCodec.compactEntryLength(reader.intAt(at + CommandCodec.COMPACT_LENGTH_OFFSET),
                reader.intAt(at + CommandCodec.COMPACT_TYPE_OFFSET) >>> 24);
        }
        else
        {
            if (left < CommandCodec.LEGACY_HEADER_LENGTH)
            {
                return -1;
            }
            final int magic = reader.intAt(at + CommandCodec.MAGIC_OFFSET);
            if (magic != CommandCodec.MAGIC && CommandCodec.damagedCompactMagic(word))
            {
                return -1;
            }
            final int headerLength = magic == CommandCodec.MAGIC ? CommandCodec.HEADER_LENGTH :
                magic == CommandCodec.LEGACY_MAGIC ? CommandCodec.LEGACY_HEADER_LENGTH : -1;
            final int payloadLength = reader.intAt(at + CommandCodec.PAYLOAD_LENGTH_OFFSET);
            length = headerLength < 0 || payloadLength < 0 ? -1 : headerLength + payloadLength;
        }
        return length < 0 || length > left ? -1 : length;
    }

    /** Whether the {@code length} bytes at {@code start} are whole entries back to back, one or more. */
    private boolean splitsExactly(final Reader reader, final long start, final int length) throws IOException
    {
        final long end = start + length;
        if (length == 0 || end > this.length)
        {
            return false;
        }
        long at = start;
        while (at < end)
        {
            final int entry = entryLength(reader, at, end);
            if (entry <= 0)
            {
                return false;
            }
            at += entry;
        }
        return true;
    }

    /** Where the run of whole entries from {@code start} ends, whatever a length word says (at most the file's end). */
    private long entriesEnd(final Reader reader, final long start) throws IOException
    {
        long at = start;
        int entry;
        while ((entry = entryLength(reader, at, length)) > 0)
        {
            at += entry;
        }
        return at;
    }

    /**
     * Whether every entry from {@code start} to {@code end} carries a checksum (formats 2 and 3), so that one whose
     * length in its header is damaged fails its checks: format 1's entries, from before checksums, would pass them.
     */
    private static boolean checksummed(final Reader reader, final long start, final long end) throws IOException
    {
        long at = start;
        while (at < end)
        {
            final int entry = entryLength(reader, at, end);
            if (entry <= 0 || reader.intAt(at + CommandCodec.COMPACT_MAGIC_OFFSET) != CommandCodec.COMPACT_MAGIC &&
                reader.intAt(at + CommandCodec.MAGIC_OFFSET) != CommandCodec.MAGIC)
            {
                return false;
            }
            at += entry;
        }
        return true;
    }

    /** Whether the bytes from {@code from} to {@code to} are all zeros and all in the file (read 4 KB at a time). */
    private boolean zeros(final Reader reader, final long from, final long to) throws IOException
    {
        if (to > length)
        {
            return false;
        }
        final byte[] bytes = new byte[(int)Math.min(4096, to - from)];
        for (long at = from; at < to; at += bytes.length)
        {
            final int chunk = (int)Math.min(bytes.length, to - at);
            reader.copy(at, bytes, chunk);
            for (int i = 0; i < chunk; i++)
            {
                if (bytes[i] != 0)
                {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether the entries from {@code start} to {@code end}, split by their headers, each pass their own checks. */
    private static boolean entriesCheck(final Reader reader, final long start, final long end) throws IOException
    {
        final Crc32c crc = new Crc32c();
        byte[] bytes = new byte[256];
        long at = start;
        while (at < end)
        {
            final int entry = entryLength(reader, at, end);
            if (entry <= 0)
            {
                return false;
            }
            if (bytes.length < entry)
            {
                bytes = new byte[entry];
            }
            reader.copy(at, bytes, entry);
            try
            {
                CommandCodec.check(new UnsafeBuffer(bytes, 0, entry), 0, entry, crc);
            }
            catch (final CorruptEntryException ex)
            {
                return false;
            }
            at += entry;
        }
        return true;
    }

    /**
     * Whether a length word that leads to {@code said} leaps over data: it lands in the zeros past the end of the
     * data, while the document's entries end at {@code next}, where a written document starts (not the end of the
     * data). A high bit flipped in a length word does that: 27,404 bytes read as 16,739,084 took the walk past every
     * later document, and the tools offered to drop thousands of whole entries.
     */
    private boolean leapsOverData(final Reader reader, final long next, final long said) throws IOException
    {
        return said > next && (said + 4 > length || reader.intAt(said) == 0) && next + 4 <= length &&
            reader.intAt(next) != 0;
    }

    /**
     * The offset of the first document found past a lost header's zeros (its metadata by name, or a data document of
     * whole entries, with another document after it), looking as far as the first {@value #LOST_HEADER_SEARCH}
     * bytes; -1 if there is none there.
     */
    private long firstDocument(final Reader reader) throws IOException
    {
        final long limit = Math.min(length - 4, LOST_HEADER_SEARCH);
        for (long offset = 4; offset <= limit; offset += 4)
        {
            final int word = reader.intAt(offset);
            if (word != 0 && word != END_OF_DATA && documentAt(reader, offset))
            {
                return offset;
            }
        }
        return -1;
    }

    /**
     * Where the walk stopped at a zero header word (the file is open, or its newest document torn): the offset of the
     * first whole data document past it (whole entries, and another document or the end of the data after it), looked
     * for as far as the longest document a writer writes; -1 if there is none. A writer writes
     * past it only while it fills the documents of a batch, before their commit returns: entries there that were
     * committed (the committed mark says) were hidden by damage (a document's header word and its first entry's
     * zeroed together, a page lost); others are a batch a writer was killed in, or is writing. Said, not acted on:
     * for the tools.
     */
    long wholeDocumentPastTheEnd() throws IOException
    {
        pastTheEndPosition = -1;
        if (state != End.OPEN && state != End.TORN || end <= 0)
        {
            return -1;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final Reader reader = new Reader(channel, length);
            final long limit = Math.min(length - 4, end + 4 + ChronicleJournal.MAX_DOCUMENT_BYTES + 4);
            for (long at = end + 4; at <= limit; at += 4)
            {
                final int word = reader.intAt(at);
                if (word != 0 && word != END_OF_DATA && (word & (NOT_COMPLETE | META_DATA)) == 0 && documentAt(reader, at))
                {
                    pastTheEndPosition = positionAt(file, at + 4, entryLength(reader, at + 4, length));
                    return at;
                }
            }
        }
        return -1;
    }

    /**
     * Whether a document Chronicle could have written starts at {@code offset}, and another after it: the end of
     * the data (zeros from there), Chronicle's end-of-file marker, its metadata by its name, or a data document of
     * whole entries. A file's end is none (a file cut there ends inside a document, not at one).
     */
    private boolean documentAt(final Reader reader, final long offset) throws IOException
    {
        return documentAt(reader, offset, true);
    }

    private boolean documentAt(final Reader reader, final long offset, final boolean andTheNext) throws IOException
    {
        if (offset + 4 > length)
        {
            return false;
        }
        final int word = reader.intAt(offset);
        if (word == END_OF_DATA)
        {
            return true;
        }
        if (word == 0)
        {
            // The end of the data: nothing written after it (a zero inside an entry is followed by more of it).
            return !reader.anyNonZero(offset + 4, Math.min(length, offset + 4 + ZEROS_AT_THE_END));
        }
        if ((word & NOT_COMPLETE) != 0)
        {
            return false;
        }
        final int documentLength = word & LENGTH_MASK;
        if ((word & META_DATA) != 0)
        {
            // The name's first byte is read as an int: all 4 bytes must be in the file.
            return documentLength >= 1 && offset + 8 <= length && (reader.intAt(offset + 4) & 0xFF) == CycleHeader.EVENT_NAME;
        }
        return splitsExactly(reader, offset + 4, documentLength) &&
            (!andTheNext || documentAt(reader, (offset + 4 + documentLength + 3) & ~3L, false));
    }

    /** Counts the document at {@code offset}, whose entries take {@code documentLength} bytes, as data, and splits it. */
    private void countData(final Reader reader, final long offset, final int documentLength, final EntryVisitor visitor)
        throws IOException
    {
        if (offset == writeAt)
        {
            writeIndex = documents;
        }
        lastDataOffset = offset;
        checkIndexValue(reader, documents, offset);
        final int next = writtenPerCommit(reader, offset + 4, documentLength);
        if (documents == 0)
        {
            firstPerCommitLength = next;
        }
        else if (closedByCommit(documents - 1, entries - newestDocumentFrom, newestDocumentLength, next))
        {
            entriesCommittedBefore = entries;
        }
        newestDocumentFrom = entries;
        newestDocumentLength = documentLength;
        documents++;
        splitDocument(reader, offset, documentLength, visitor, false);
    }

    /**
     * Whether a commit closed a document that another follows: the writer closes its batch's document at the commit,
     * and begins the next only at the next append, once the commit (the committed mark's write included) has
     * returned. It closes one inside a batch only where the next entry would take it past
     * {@link ChronicleJournal#MAX_DOCUMENT_BYTES}, and after the first entry of a new cycle file: neither is told from
     * a commit, so neither counts. Nor does any document of one entry: a repair ({@link CycleRewriter}) writes every
     * entry it keeps in a document of its own, whether a commit covered it or not, as writers before 2026-12-01 did.
     * Damage that hides the next entry's length ({@code nextEntryLength} not positive) counts for nothing either.
     *
     * @param document        the document's number in its file, from 0.
     * @param entries         how many entries it holds.
     * @param documentLength  its length word: the bytes of its entries.
     * @param nextEntryLength the length of the first entry of the document after it.
     */
    static boolean closedByCommit(final long document, final long entries, final int documentLength,
        final int nextEntryLength)
    {
        return nextEntryLength > 0 && entries > 1 &&
            (long)documentLength + nextEntryLength <= ChronicleJournal.MAX_DOCUMENT_BYTES;
    }

    /**
     * The length of the entry at {@code at}, the first of a document of {@code documentLength} bytes, where it is of
     * entry format 3, whose writers all write a document a commit (before 2026-12-01 a writer wrote one an entry, in an
     * older format); -1 otherwise.
     */
    private static int writtenPerCommit(final Reader reader, final long at, final int documentLength) throws IOException
    {
        return documentLength >= CommandCodec.MIN_ENTRY_LENGTH &&
            reader.intAt(at + CommandCodec.COMPACT_MAGIC_OFFSET) == CommandCodec.COMPACT_MAGIC ?
            entryLength(reader, at, at + documentLength) : -1;
    }

    /**
     * The newest position that the order of the documents shows a commit covered: the last entry of the newest
     * document that a commit closed, which another document follows ({@link #closedByCommit}), in its file or in
     * the next file with entries; 0 where none shows it. The committed mark says as much or more, except where its
     * page lags the entries' (a power cut that wrote the journal's pages back and not ringlog.meta's), and then this
     * says what clients may have seen. Counted from each file's first position, so a document whose entries the walk
     * could not tell apart makes it short, never long.
     *
     * @param scans  the walks of the cycle files, oldest first.
     * @param firsts the position of each one's first entry.
     */
    static long committedByOrder(final List<CycleFileScan> scans, final List<Long> firsts)
    {
        long committed = 0;
        for (int i = 0; i < scans.size(); i++)
        {
            final CycleFileScan scan = scans.get(i);
            if (scan.entries == 0)
            {
                continue;
            }
            final long first = firsts.get(i);
            if (scan.entriesCommittedBefore > 0)
            {
                committed = Math.max(committed, first + scan.entriesCommittedBefore - 1);
            }
            int next = i + 1;
            while (next < scans.size() && scans.get(next).entries == 0)
            {
                next++;
            }
            if (next < scans.size() && closedByCommit(scan.documents - 1, scan.entries - scan.newestDocumentFrom,
                scan.newestDocumentLength, scans.get(next).firstPerCommitLength))
            {
                committed = Math.max(committed, first + scan.entries - 1 - (scan.zeroTail ? 1 : 0));
            }
        }
        return committed;
    }

    /**
     * Splits one data document into the entries stored in it back to back, by the lengths their headers
     * give (no checksum is checked here). Where the bytes do not split into whole entry headers and
     * lengths (damage), the rest of the document counts as one entry, which fails its checks when read.
     * Of a document the file is {@code cut} inside, only the entries wholly before the cut count.
     */
    private void splitDocument(final Reader reader, final long headerOffset, final int documentLength,
        final EntryVisitor visitor, final boolean cut) throws IOException
    {
        final long start = headerOffset + 4;
        int at = 0;
        do
        {
            final int left = documentLength - at;
            int length = left;
            boolean split = false;
            int byHeader = entryLength(reader, start + at, start + documentLength);
            if (byHeader > 0 && !cut && byHeader < left && left - byHeader < CommandCodec.MIN_ENTRY_LENGTH &&
                !checks(reader, start + at, byHeader))
            {
                // Fewer bytes after it than any entry takes, and it fails its checks: the length its header gives is
                // damaged (zeros from inside its header, say), as a damaged magic would be.
                byHeader = -1;
            }
            if (byHeader > 0)
            {
                length = byHeader;
                split = true;
            }
            if (cut && !split)
            {
                return;
            }
            long count = 1;
            boolean exact = split;
            boolean rest = false;
            zeroTail = false;
            if (!split && documentLength <= ChronicleJournal.MAX_DOCUMENT_BYTES)
            {
                // A damaged header hides its entry's length: find where whole entries start again. Only in a document
                // a writer could have filled with several entries: a longer one holds a single entry, or its length
                // word is damaged and the walk is past the data (where a search per header would cost the file's size).
                final UnsafeBuffer bytes = new UnsafeBuffer(new byte[left]);
                reader.copy(start + at, bytes.byteArray(), left);
                final int resumed = EntryResync.after(bytes, 0, left, new Crc32c());
                length = resumed > 0 ? resumed : left;
                final boolean afterWhole = newestWhole(reader);
                if (resumed > 0)
                {
                    // The positions on either side tell how many the damage hid: counted as that many, visited once;
                    // none where the bytes are the rest of an entry counted already (its header gave too short a length).
                    final long hidden = hidden(reader, CommandCodec.position(bytes, resumed), resumed);
                    exact = hidden >= 0 || length < 2 * CommandCodec.MIN_ENTRY_LENGTH && afterWhole;
                    count = hidden >= 0 ? hidden : 1;
                }
                else if (at > 0 && !afterWhole && !magicIn(bytes, left) && !zeros(reader, start + at, start + documentLength))
                {
                    // The document's last bytes, not zeros and without an entry's magic anywhere, after an entry of it
                    // that fails its checks: most likely its rest (its length damaged short). Counted as none, so the count may fall
                    // short (which every check allows, as for any damaged header), never long (the newest entry's
                    // position would then say a gap that is not there). Zeros there are what a write that never reached
                    // the disk leaves, of the next entries as much as of this one's rest: counted as before.
                    count = 0;
                    rest = true;
                }
                else
                {
                    zeroTail = zeros(reader, start + at, start + documentLength);
                    // Too few bytes for two entries, after a whole one: one entry, its header damaged.
                    exact = length < 2 * CommandCodec.MIN_ENTRY_LENGTH && afterWhole;
                }
            }
            else if (!split)
            {
                zeroTail = zeros(reader, start + at, start + documentLength);
            }
            zeroTailFrom = zeroTail ? start + at : -1;
            zeroTailTo = zeroTail ? start + documentLength : -1;
            if (!split && (count > 0 || rest))
            {
                if (unsplit == 0)
                {
                    firstUnsplit = rest ? entries - 1 : entries;
                }
                unsplit++;
                recounted += exact && !rest ? 1 : 0;
            }
            record(headerOffset, start + at, length, split, visitor, count);
            at += length;
        }
        while (at < documentLength);
    }

    /** Whether the {@code length} bytes at {@code offset} are one entry that passes its checks, in any format. */
    private static boolean checks(final Reader reader, final long offset, final int length) throws IOException
    {
        final UnsafeBuffer entry = new UnsafeBuffer(new byte[length]);
        reader.copy(offset, entry.byteArray(), length);
        try
        {
            CommandCodec.check(entry, 0, length, new Crc32c());
            return true;
        }
        catch (final CorruptEntryException ex)
        {
            return false;
        }
    }

    /** Counts {@code count} entries of the walk (more than one: a damaged run), found at {@code offset}. */
    private void record(final long headerOffset, final long offset, final int length, final boolean split,
        final EntryVisitor visitor, final long count) throws IOException
    {
        if (count > 1 && firstRun < 0)
        {
            firstRun = entries;
            firstRunCount = count;
        }
        if (visitor != null && count > 0)
        {
            visitor.entry(entries, offset, length, count);
        }
        for (long k = 0; k < count; k++)
        {
            recordOne(headerOffset, offset, length, split);
        }
    }

    private void recordOne(final long headerOffset, final long offset, final int length, final boolean split)
    {
        if (entries == 0)
        {
            firstOffset = offset;
            firstLength = length;
        }
        if (entries < OLDEST_KEPT)
        {
            oldestOffsets[(int)entries] = offset;
            oldestLengths[(int)entries] = length;
            oldestSplit[(int)entries] = split;
        }
        final int slot = (int)(entries % NEWEST_KEPT);
        newestOffsets[slot] = offset;
        newestLengths[slot] = length;
        newestDocuments[slot] = headerOffset;
        newestSplit[slot] = split;
        entries++;
    }

    /** Whether an entry of format 3 could begin anywhere in the first {@code length} bytes: its magic is there. */
    private static boolean magicIn(final UnsafeBuffer bytes, final int length)
    {
        for (int at = CommandCodec.COMPACT_MAGIC_OFFSET; at + 4 <= length; at++)
        {
            if (bytes.getInt(at, ByteOrder.LITTLE_ENDIAN) == CommandCodec.COMPACT_MAGIC)
            {
                return true;
            }
        }
        return false;
    }

    /** Whether the walk's newest entry so far told its length by its header and passes its checks. */
    private boolean newestWhole(final Reader reader) throws IOException
    {
        return entries > 0 && newestSplit(0) && newestLength(0) <= MAX_CHECKED_BACK &&
            checks(reader, newestOffset(0), newestLength(0));
    }

    /** What {@link #hidden} says where it cannot tell. */
    private static final long UNKNOWN = -1;

    /**
     * How many entries the {@code bytes} before the whole entry that carries {@code resumed} held, by the position of
     * the newest whole entry before them in this file (counting those counted since, damaged): 0 where they are the
     * rest of one of those; {@link #UNKNOWN} where that cannot be told, or the count does not fit the bytes.
     */
    private long hidden(final Reader reader, final long resumed, final int bytes) throws IOException
    {
        final Crc32c crc = new Crc32c();
        for (int back = 0; back < newestKnown(); back++)
        {
            final int length = newestLength(back);
            if (!newestSplit(back) || length <= 0 || length > MAX_CHECKED_BACK)
            {
                continue;
            }
            final UnsafeBuffer entry = new UnsafeBuffer(new byte[length]);
            reader.copy(newestOffset(back), entry.byteArray(), length);
            if (EntryResync.whole(entry, 0, length, crc))
            {
                final long hidden = resumed - CommandCodec.position(entry, 0) - 1 - back;
                return hidden >= 0 && hidden * CommandCodec.MIN_ENTRY_LENGTH <= bytes ? hidden : UNKNOWN;
            }
        }
        return UNKNOWN;
    }

    /**
     * The file's first position as its oldest intact entry says it, counting back over the entries before
     * it: for a file whose first entry is damaged but whose header still gives its length (a flipped payload
     * or checksum bit), the second entry's position less one. Only entries the walk told apart by their
     * headers are counted back over, so a count the walk could not make is never used; -1 where none of the
     * oldest {@value #OLDEST_KEPT} entries says it.
     */
    long firstPositionByOldestIntact() throws IOException
    {
        for (int k = 0; k < Math.min(entries, OLDEST_KEPT); k++)
        {
            final long position = positionAt(file, oldestOffsets[k], oldestLengths[k]);
            if (position > 0)
            {
                return position - k > 0 ? position - k : -1;
            }
            // Damaged too: the next one may say it, if the walk could tell where it starts.
            if (!oldestSplit[k])
            {
                break;
            }
        }
        return -1;
    }

    /**
     * The position of the entry of {@code length} bytes at {@code offset} in {@code file}, read with plain
     * reads and checked whole; -1 where it is no intact entry.
     */
    static long positionAt(final Path file, final long offset, final int length) throws IOException
    {
        if (length < CommandCodec.MIN_ENTRY_LENGTH || length > 64 << 20)
        {
            return -1;
        }
        final byte[] bytes = new byte[length];
        read(file, offset, bytes, length);
        final UnsafeBuffer entry = new UnsafeBuffer(bytes);
        try
        {
            CommandCodec.check(entry, 0, length, new Crc32c());
            return CommandCodec.position(entry, 0);
        }
        catch (final CorruptEntryException ex)
        {
            return -1;
        }
    }

    /**
     * The file's first position: what its first entry says, or, where that entry is damaged, what the oldest
     * intact one says, counted back ({@link #firstPositionByOldestIntact}); -1 where the file has no entry, or
     * none of them says.
     */
    long firstPosition() throws IOException
    {
        if (entries == 0)
        {
            return -1;
        }
        final long read = positionAt(file, firstOffset, firstLength);
        return read > 0 ? read : firstPositionByOldestIntact();
    }

    /** The first damaged entry of a file: its index among the walk's entries, and what is wrong with it. */
    record DamagedEntry(long index, String problem)
    {
    }

    /**
     * The first of the walk's entries that is damaged: one that does not check (its checksum, its magic, its
     * lengths), or the rest of a document that does not split into entries; null if every entry checks. Reads
     * every entry of the file again: for a file already known to be damaged (a rebuild refused, a header that
     * Chronicle cannot read), where the user is owed the position a cut must stand before.
     *
     * @param tornWindow as the scan that made this one was given.
     */
    DamagedEntry firstDamagedEntry(final int tornWindow) throws IOException
    {
        final DamagedEntry[] found = {null};
        final Crc32c crc = new Crc32c();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final Reader bytes = new Reader(channel, length);
            final byte[][] entry = {new byte[256]};
            scan(file, tornWindow, (index, offset, length, count) ->
            {
                if (index == firstUnsplit)
                {
                    found[0] = new DamagedEntry(index, "its header, at byte " + offset + ", is damaged: the length it " +
                        "gives does not split its document into entries");
                    throw STOP;
                }
                if (entry[0].length < length)
                {
                    entry[0] = new byte[length];
                }
                bytes.copy(offset, entry[0], length);
                try
                {
                    CommandCodec.check(new UnsafeBuffer(entry[0], 0, length), 0, length, crc);
                }
                catch (final CorruptEntryException ex)
                {
                    found[0] = new DamagedEntry(index, ex.getMessage());
                    throw STOP;
                }
            });
        }
        catch (final StopWalk stopped)
        {
            // The first damaged entry is found: the rest of the file is not read.
        }
        return found[0];
    }

    /** Ends a walk from its visitor once it has what it wanted. */
    private static final class StopWalk extends IOException
    {
        private static final long serialVersionUID = 1L;

        @Override
        public synchronized Throwable fillInStackTrace()
        {
            return this;
        }
    }

    private static final StopWalk STOP = new StopWalk();

    /** How many of the newest entries' offsets are known: at most {@link #NEWEST_KEPT}. */
    int newestKnown()
    {
        return (int)Math.min(entries, NEWEST_KEPT);
    }

    /** File offset of the entry {@code back} places before the newest (0: the newest). */
    long newestOffset(final int back)
    {
        return newestOffsets[(int)((entries - 1 - back) % NEWEST_KEPT)];
    }

    /** File offset of the Chronicle header of the document holding the entry {@code back} places before the newest. */
    long newestDocument(final int back)
    {
        return newestDocuments[(int)((entries - 1 - back) % NEWEST_KEPT)];
    }

    /**
     * Whether the entry {@code back} places before the newest is as long as its header says; false for
     * the rest of a document that does not split into entries (damaged), which may hide several.
     */
    boolean newestSplit(final int back)
    {
        return newestSplit[(int)((entries - 1 - back) % NEWEST_KEPT)];
    }

    /** Length of the entry {@code back} places before the newest. */
    int newestLength(final int back)
    {
        return newestLengths[(int)((entries - 1 - back) % NEWEST_KEPT)];
    }

    /** Whether the first {@code length} bytes of {@code channel} are all zeros (a sparse file's holes read quickly). */
    private static boolean allZeros(final FileChannel channel, final long length) throws IOException
    {
        final ByteBuffer chunk = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        long at = 0;
        while (at < length)
        {
            chunk.clear().limit((int)Math.min(CHUNK, length - at));
            while (chunk.hasRemaining() && channel.read(chunk, at + chunk.position()) >= 0)
            {
                // Read the whole chunk.
            }
            chunk.flip();
            if (!chunk.hasRemaining())
            {
                // The file ends sooner than it did (a writer cut it): what there was is zeros.
                return true;
            }
            at += chunk.limit();
            while (chunk.remaining() >= 8)
            {
                if (chunk.getLong() != 0)
                {
                    return false;
                }
            }
            while (chunk.hasRemaining())
            {
                if (chunk.get() != 0)
                {
                    return false;
                }
            }
        }
        return true;
    }

    /** Reads {@code length} bytes at {@code offset} of the file into {@code into}. */
    static void read(final Path file, final long offset, final byte[] into, final int length) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            read(channel, offset, into, length, file);
        }
    }

    private static void read(final FileChannel channel, final long offset, final byte[] into, final int length,
        final Path file) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.wrap(into, 0, length);
        while (buffer.hasRemaining())
        {
            if (channel.read(buffer, offset + buffer.position()) < 0)
            {
                throw new IOException("end of " + file + " at byte " + (offset + buffer.position()));
            }
        }
    }

    /**
     * Whether the data document the walk stopped in ({@link End#CUT}) runs past the file's end by its length
     * word only: the file ends in at least a page of zeros, where a file cut short inside a document of entries
     * ends in their bytes. Its length word is damaged, and entries after it may be whole on disk, where the walk
     * cannot find them.
     */
    boolean lengthDamaged()
    {
        // Only a data document's: Chronicle's own (its index arrays) are mostly zeros, cut short or not.
        return state == End.CUT && (header & META_DATA) == 0 && dataEnd >= 0 && length - dataEnd >= 4096;
    }

    /** Whether the walk found the file damaged: cut inside a document, or shorter than its chain. */
    boolean cut()
    {
        return state == End.CUT || state == End.SHORT;
    }

    @Override
    public String toString()
    {
        return file.getFileName() + ": " + entries + " entries in " + documents + " documents, " + state + " at byte " +
            end + " of " + length;
    }

    /** Sequential reads through one reusable chunk: one read call per megabyte, not per header. */
    private static final class Reader
    {
        private final FileChannel channel;
        private final long length;
        private final ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        private long chunkStart;
        private int chunkLength;

        Reader(final FileChannel channel, final long length)
        {
            this.channel = channel;
            this.length = length;
        }

        int intAt(final long offset) throws IOException
        {
            if (offset < chunkStart || offset + 4 > chunkStart + chunkLength)
            {
                fill(offset);
            }
            return chunk.getInt((int)(offset - chunkStart));
        }

        /** The end of the last non-zero byte in [from, to) (rounded up to 4 bytes), or {@code from} if there is none. */
        long dataEnd(final long from, final long to) throws IOException
        {
            for (long end = to; end > from; end -= CHUNK)
            {
                final long start = Math.max(from, end - CHUNK);
                fill(start);
                for (long at = Math.min(end, chunkStart + chunkLength) - 4; at >= start; at -= 4)
                {
                    if (chunk.getInt((int)(at - chunkStart)) != 0)
                    {
                        return at + 4;
                    }
                }
            }
            return from;
        }

        /** Copies {@code count} bytes of the file from {@code offset} into {@code into}. */
        void copy(final long offset, final byte[] into, final int count) throws IOException
        {
            if (count > CHUNK)
            {
                read(channel, offset, into, count, null);
                return;
            }
            if (offset < chunkStart || offset + count > chunkStart + chunkLength)
            {
                fill(offset);
            }
            chunk.get((int)(offset - chunkStart), into, 0, count);
        }

        boolean anyNonZero(final long from, final long to) throws IOException
        {
            for (long at = from; at + 4 <= to; at += 4)
            {
                if (intAt(at) != 0)
                {
                    return true;
                }
            }
            return false;
        }

        private void fill(final long offset) throws IOException
        {
            chunk.clear();
            chunk.limit((int)Math.min(CHUNK, length - offset));
            while (chunk.hasRemaining())
            {
                if (channel.read(chunk, offset + chunk.position()) < 0)
                {
                    break;
                }
            }
            chunkStart = offset;
            chunkLength = chunk.position();
        }
    }
}
