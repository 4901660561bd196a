package io.ringlog.journal;

import io.ringlog.core.CommandCodec;
import io.ringlog.core.CorruptEntryException;
import io.ringlog.core.Crc32c;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * Where whole entries start again in a document after one whose header is damaged. The entries of a batch lie back to
 * back in one Chronicle document, each found by the length the one before gives; a damaged length (or magic) hides
 * where the next starts, and every entry after it in the document was read as lost. An entry of format 3 begins with
 * its length and a magic word, and a checksum covers it whole: the first offset past the damage where the magic sits
 * and the entry checks is where the next entry starts (a stray match passes both one time in 2^64).
 */
final class EntryResync
{
    private EntryResync()
    {
    }

    /**
     * The offset of the first whole entry of format 3 in {@code document} after a damaged one at {@code from}: at
     * least the shortest entry past it, before {@code end}, with its magic and passing its checks; -1 where none.
     */
    static int after(final DirectBuffer document, final int from, final int end, final Crc32c crc)
    {
        for (int at = from + CommandCodec.MIN_ENTRY_LENGTH; at <= end - CommandCodec.MIN_ENTRY_LENGTH; at++)
        {
            if (whole(document, at, end, crc))
            {
                return at;
            }
        }
        return -1;
    }

    /** Whether the bytes at {@code at}, up to {@code end}, begin with an entry of format 3 that passes its checks. */
    static boolean whole(final DirectBuffer document, final int at, final int end, final Crc32c crc)
    {
        if (end - at < CommandCodec.MIN_ENTRY_LENGTH ||
            document.getInt(at + CommandCodec.COMPACT_MAGIC_OFFSET, ByteOrder.LITTLE_ENDIAN) != CommandCodec.COMPACT_MAGIC)
        {
            return false;
        }
        try
        {
            CommandCodec.check(document, at, CommandCodec.entryLength(document, at, end - at), crc);
            return true;
        }
        catch (final CorruptEntryException ex)
        {
            return false;
        }
    }
}
