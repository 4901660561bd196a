package io.ringlog.journal;

import java.nio.charset.StandardCharsets;

/**
 * Chronicle's header document at the start of a cycle file, read from plain bytes and checked
 * against what Chronicle Queue (the version ringlog is built with) writes there: Chronicle trusts it
 * blindly, so a few damaged bytes in it make a whole file unreadable with Chronicle's internals as the
 * only explanation ({@code ClassNotFoundException: SCQStoXY}, a hex dump), or, where a damaged write
 * position sends it past the file's end, a SIGBUS. Checked here, before Chronicle maps the file, the
 * damage is named by byte, and the file's entries, which do not depend on it (each carries its
 * position and checksum), can be copied into a new file ({@link JournalRepair}).
 * <pre>
 * length word (metadata bit)  "header": SCQStore {
 *   writePosition: [position of the newest document, its sequence]   (an int64 array of 2)
 *   indexing: SCQSIndexing { indexCount, indexSpacing, index2Index (offset), lastIndex }
 *   dataFormat
 * }
 * </pre>
 * In Chronicle's binary wire: an event name, a type prefix, a length-prefixed nested structure, field
 * names each before its value, numbers in the smallest encoding that holds them, padding before the
 * values that Chronicle maps as fields it updates in place. The structure (every name and code) must be
 * exactly that; the values must be ones Chronicle could have written ({@link #valueDamage}).
 * {@code CycleHeaderTest} checks this reading against the files Chronicle writes for every roll cycle,
 * so a Chronicle upgrade that changes the header fails a test, not a user's open.
 */
final class CycleHeader
{
    /** Bytes read from the start of a file: the header document and the start of the next one. */
    static final int READ = 512;
    private static final byte[] INDEX2INDEX = "index2index".getBytes(StandardCharsets.US_ASCII);

    static final int EVENT_NAME = 0xB9;
    private static final int TYPE_PREFIX = 0xB6;
    private static final int BYTES_LENGTH32 = 0x82;
    private static final int I64_ARRAY = 0x8D;
    private static final int PADDING32 = 0x8E;
    private static final int PADDING = 0x8F;
    private static final int FIELD_NAME0 = 0xC0;
    private static final int FIELD_NAME31 = 0xDF;

    /** Where the document after the header starts (Chronicle's index document), or -1 where it cannot be found. */
    final long end;
    /** Where the walk of the file's documents goes on: there, or past it where its length word is damaged. */
    final long walkFrom;
    /** The offsets of Chronicle's index documents that the first index lists, as far as the bytes read hold them. */
    final long[] indexOffsets;
    /**
     * Where in the file the first index's offsets start, and how many it says are used: more than
     * {@link #indexOffsets} holds where they run past the bytes read (-1 and 0 where the index did not read whole).
     */
    final long indexOffsetsAt;
    final long indexUsed;
    /** What is damaged, in words ("at byte 22 ..."), or null when the header reads as Chronicle wrote it. */
    final String damage;
    final long writePosition;
    final long writeSequence;
    final long indexCount;
    final long indexSpacing;
    final long index2Index;
    final long lastIndex;
    final long dataFormat;

    private CycleHeader(final long end, final long walkFrom, final String damage, final Parser parser)
    {
        final long[] values = parser.values;
        this.end = end;
        this.walkFrom = walkFrom;
        this.damage = damage;
        this.indexOffsets = parser.indexOffsets;
        this.indexOffsetsAt = parser.indexOffsetsAt;
        this.indexUsed = parser.indexUsed;
        this.writePosition = values[0];
        this.writeSequence = values[1];
        this.indexCount = values[2];
        this.indexSpacing = values[3];
        this.index2Index = values[4];
        this.lastIndex = values[5];
        this.dataFormat = values[6];
    }

    /**
     * Reads the header from the first bytes of a file ({@code length} of them in {@code bytes}, the
     * file's first {@link #READ} or all of a shorter file). Where its structure is damaged, the walk
     * goes on at Chronicle's index document that follows it, found by its name; {@link #end} is -1 when
     * that cannot be found either.
     */
    static CycleHeader read(final byte[] bytes, final int length)
    {
        final Parser parser = new Parser(bytes, length);
        try
        {
            parser.header();
        }
        catch (final Damaged ex)
        {
            final String damage = "its Chronicle header is damaged at byte " + ex.at + " (" + ex.getMessage() + ")";
            final long found = indexDocument(bytes, length);
            // The index document by its name; else where the header's own length word puts it, if it can.
            final long end = found >= 0 ? found : parser.documentEnd > 0 ? align(parser.documentEnd) : -1;
            return new CycleHeader(end, end, damage, parser);
        }
        final long end = align(parser.documentEnd);
        try
        {
            parser.indexDocument((int)end);
        }
        catch (final Damaged ex)
        {
            // Past a damaged length word by the index's own size; else by the length word, which the walk goes by.
            final long walkFrom = parser.indexEnd > 0 ? align(parser.indexEnd) : end;
            return new CycleHeader(end, walkFrom, "Chronicle's index document after its header, at byte " + end +
                ", is damaged at byte " + ex.at + " (" + ex.getMessage() + ")", parser);
        }
        return new CycleHeader(end, end, null, parser);
    }

    /**
     * A header lost whole (its bytes zeros), with the walk going on at {@code walkFrom}, the first document found after
     * it: none of its values is known, so every one reads 0.
     */
    static CycleHeader lost(final long walkFrom, final String damage)
    {
        return new CycleHeader(walkFrom, walkFrom, damage, new Parser(new byte[0], 0));
    }

    /**
     * What in the header's values Chronicle could not have written, given what the walk of the file
     * found after it (the walk comes after the header was read, so a writer appending meanwhile only
     * makes the file hold more than the header says), or null.
     *
     * @param documents whole data documents the walk found.
     * @param whole     the walk ended where a file ends whole (no torn, damaged or cut-off document): one that
     *                  did not lost documents the header counts, which is not the header's damage (the walk's
     *                  own report says what was lost), so the header is checked against the walk only here.
     */
    String valueDamage(final long documents, final boolean whole)
    {
        if (damage != null)
        {
            return damage;
        }
        if (!powerOfTwo(indexCount) || !powerOfTwo(indexSpacing))
        {
            return "its Chronicle header is damaged: its index sizes (" + indexCount + " entries, every " +
                indexSpacing + "th document) are not ones Chronicle writes";
        }
        if (dataFormat != 1)
        {
            return "its Chronicle header is damaged: its data format is " + dataFormat + ", where Chronicle writes 1";
        }
        if (index2Index != end)
        {
            return "its Chronicle header is damaged: it places Chronicle's index at byte " + index2Index +
                ", where the index document is at byte " + end;
        }
        if (!whole)
        {
            return null;
        }
        if (lastIndex < 0 || lastIndex % indexSpacing != 0 || lastIndex > documents + indexSpacing)
        {
            return "its Chronicle header is damaged: its index mark, " + lastIndex + ", is not one Chronicle writes " +
                "for a file of " + documents + " documents";
        }
        return null;
    }

    /**
     * The number of documents before the one the write position names, as Chronicle takes it from the
     * header, or -1 where it does not. Chronicle keeps the count in the second word with the low bits of the
     * write position above it, and trusts it only where those match the first word; otherwise (a writer
     * between its two writes, or a damaged high half) it counts from its index instead.
     */
    long sequenceAtWritePosition()
    {
        if (writeSequence == 0 || !powerOfTwo(indexCount) || !powerOfTwo(indexSpacing))
        {
            return -1;
        }
        final int shift = Math.max(32, 2 * log2(indexCount) + log2(indexSpacing));
        if (writeSequence >>> shift != (writePosition << shift) >>> shift)
        {
            return -1;
        }
        return writeSequence & ((1L << shift) - 1);
    }

    private static int log2(final long powerOfTwo)
    {
        return 63 - Long.numberOfLeadingZeros(powerOfTwo);
    }

    private static boolean powerOfTwo(final long value)
    {
        return value > 0 && value <= 1 << 24 && (value & (value - 1)) == 0;
    }

    private static long align(final long offset)
    {
        return (offset + 3) & ~3L;
    }

    /** The offset of the metadata document named {@code index2index} within the bytes read, or -1. */
    private static long indexDocument(final byte[] bytes, final int length)
    {
        for (int at = 4; at + 6 + INDEX2INDEX.length <= length; at += 4)
        {
            final int word = le32(bytes, at);
            if ((word & CycleFileScan.META_DATA) != 0 && (word & CycleFileScan.NOT_COMPLETE) == 0 &&
                (bytes[at + 4] & 0xFF) == EVENT_NAME && bytes[at + 5] == INDEX2INDEX.length &&
                matches(bytes, at + 6, INDEX2INDEX))
            {
                return at;
            }
        }
        return -1;
    }

    private static boolean matches(final byte[] bytes, final int at, final byte[] expected)
    {
        for (int i = 0; i < expected.length; i++)
        {
            if (bytes[at + i] != expected[i])
            {
                return false;
            }
        }
        return true;
    }

    private static int le32(final byte[] bytes, final int at)
    {
        return (bytes[at] & 0xFF) | (bytes[at + 1] & 0xFF) << 8 | (bytes[at + 2] & 0xFF) << 16 | (bytes[at + 3] & 0xFF) << 24;
    }

    /** Where and how the header departs from what Chronicle writes. */
    private static final class Damaged extends RuntimeException
    {
        private static final long serialVersionUID = 1L;
        final int at;

        Damaged(final int at, final String what)
        {
            super(what, null, false, false);
            this.at = at;
        }
    }

    /** A strict reader of the header's binary wire: anything else than what Chronicle writes is damage. */
    private static final class Parser
    {
        private final byte[] bytes;
        private final int length;
        private final long[] values = new long[7];
        private int at;
        private long documentEnd;
        private long indexEnd;
        private long[] indexOffsets = new long[0];
        private long indexOffsetsAt = -1;
        private long indexUsed;

        Parser(final byte[] bytes, final int length)
        {
            this.bytes = bytes;
            this.length = length;
        }

        void header()
        {
            final int word = int32("the header's length word");
            if ((word & CycleFileScan.META_DATA) == 0 || (word & CycleFileScan.NOT_COMPLETE) != 0 ||
                (word & CycleFileScan.LENGTH_MASK) > length - 4)
            {
                throw new Damaged(0, "its length word is not a whole metadata document's");
            }
            documentEnd = 4 + (word & CycleFileScan.LENGTH_MASK);
            name(EVENT_NAME, "header");
            name(TYPE_PREFIX, "SCQStore");
            final int storeEnd = nested("SCQStore");
            field("writePosition");
            padding();
            array("writePosition", 0);
            field("indexing");
            name(TYPE_PREFIX, "SCQSIndexing");
            final int indexingEnd = nested("SCQSIndexing");
            values[2] = number("indexCount");
            values[3] = number("indexSpacing");
            values[4] = number("index2Index");
            values[5] = number("lastIndex");
            ends(indexingEnd, "SCQSIndexing");
            values[6] = number("dataFormat");
            ends(storeEnd, "SCQStore");
            if (storeEnd != documentEnd)
            {
                throw new Damaged(0, "its length word says " + (documentEnd - 4) + " bytes, its content " + (storeEnd - 4));
            }
        }

        /**
         * Chronicle's first index document, at {@code start}: its name, then an array of as many offsets as the
         * header's index count, of which it uses some, and as long as that array (the walk goes by its length).
         */
        void indexDocument(final int start)
        {
            at = start;
            documentEnd = 0;
            final int word = int32("the index document's length word");
            final boolean wordWhole = (word & CycleFileScan.META_DATA) != 0 && (word & CycleFileScan.NOT_COMPLETE) == 0;
            // Read on past a damaged length word, to find where the index ends by its own size.
            documentEnd = wordWhole ? at + (word & CycleFileScan.LENGTH_MASK) : length;
            name(EVENT_NAME, "index2index");
            padding();
            final int arrayStart = at;
            if (byte8() != I64_ARRAY)
            {
                throw new Damaged(arrayStart, "where Chronicle writes the index's array");
            }
            final long capacity = int64("the index's array");
            final long used = int64("the index's array");
            if (capacity != values[2] || used < 0 || used > capacity)
            {
                throw new Damaged(arrayStart, "an index of " + capacity + " offsets (" + used + " used), where the " +
                    "header says " + values[2]);
            }
            indexEnd = at + capacity * 8;
            if (!wordWhole)
            {
                throw new Damaged(start, "its length word is not a whole metadata document's");
            }
            if (indexEnd != documentEnd)
            {
                throw new Damaged(start, "its length word says " + (documentEnd - start - 4) + " bytes, its index " +
                    (indexEnd - start - 4));
            }
            indexOffsetsAt = at;
            indexUsed = used;
            indexOffsets = new long[(int)Math.min(used, (length - at) / 8)];
            for (int i = 0; i < indexOffsets.length; i++)
            {
                indexOffsets[i] = int64("the index's array");
            }
        }

        private void name(final int code, final String expected)
        {
            final String what = "where Chronicle writes '" + expected + "'";
            if (byte8() != code)
            {
                throw new Damaged(at - 1, what);
            }
            if (byte8() != expected.length())
            {
                throw new Damaged(at - 1, what);
            }
            if (!text(expected))
            {
                throw new Damaged(at, what);
            }
        }

        private void field(final String expected)
        {
            final String what = "where Chronicle writes the field name '" + expected + "'";
            final int code = byte8();
            if (code < FIELD_NAME0 || code > FIELD_NAME31 || (code - FIELD_NAME0) != expected.length())
            {
                throw new Damaged(at - 1, what);
            }
            if (!text(expected))
            {
                throw new Damaged(at, what);
            }
        }

        private boolean text(final String expected)
        {
            need(expected.length(), expected);
            for (int i = 0; i < expected.length(); i++)
            {
                if (bytes[at + i] != expected.charAt(i))
                {
                    at += i;
                    return false;
                }
            }
            at += expected.length();
            return true;
        }

        /** A length-prefixed nested structure: the offset where it ends. */
        private int nested(final String what)
        {
            final int start = at;
            if (byte8() != BYTES_LENGTH32)
            {
                throw new Damaged(start, "where the length of " + what + " begins");
            }
            final int nestedLength = int32(what);
            if (nestedLength < 0 || at + (long)nestedLength > documentEnd)
            {
                throw new Damaged(start, "the length of " + what + " runs past the header");
            }
            return at + nestedLength;
        }

        private void ends(final int expected, final String what)
        {
            if (at != expected)
            {
                throw new Damaged(at, what + " does not end where its length says");
            }
        }

        private void padding()
        {
            while (at < documentEnd)
            {
                final int code = bytes[at] & 0xFF;
                if (code == PADDING)
                {
                    at++;
                }
                else if (code == PADDING32)
                {
                    final int start = at;
                    at++;
                    final int skip = int32("padding");
                    if (skip < 0 || skip > 8)
                    {
                        throw new Damaged(start, "padding of " + skip + " bytes");
                    }
                    need(skip, "padding");
                    at += skip;
                }
                else
                {
                    return;
                }
            }
        }

        /** An int64 array of two: the newest document's position and sequence, into values[into..into+1]. */
        private void array(final String what, final int into)
        {
            final int start = at;
            if (byte8() != I64_ARRAY)
            {
                throw new Damaged(start, "where Chronicle writes the array of " + what);
            }
            final long capacity = int64(what);
            final long used = int64(what);
            if (capacity != 2 || used != 2)
            {
                throw new Damaged(start, "the array of " + what + " is not of two numbers");
            }
            values[into] = int64(what);
            values[into + 1] = int64(what);
        }

        private long number(final String field)
        {
            field(field);
            padding();
            final int start = at;
            final int code = byte8();
            switch (code)
            {
                case 0xA1:
                    return byte8();
                case 0xA2:
                    return byte8() | byte8() << 8;
                case 0xA3:
                    return int32(field) & 0xFFFF_FFFFL;
                case 0xA4:
                    return (byte)byte8();
                case 0xA5:
                    return (short)(byte8() | byte8() << 8);
                case 0xA6:
                    return int32(field);
                case 0xA7:
                    return int64(field);
                default:
                    throw new Damaged(start, "where Chronicle writes the number " + field);
            }
        }

        private int byte8()
        {
            need(1, "the header");
            return bytes[at++] & 0xFF;
        }

        private int int32(final String what)
        {
            need(4, what);
            final int value = le32(bytes, at);
            at += 4;
            return value;
        }

        private long int64(final String what)
        {
            final long low = int32(what) & 0xFFFF_FFFFL;
            return low | (long)int32(what) << 32;
        }

        private void need(final int count, final String what)
        {
            final int limit = documentEnd > 0 ? (int)Math.min(documentEnd, (long)length) : length;
            if (at + count > limit)
            {
                throw new Damaged(at, what + " runs past the end of the header");
            }
        }
    }
}
