package io.ringlog.core;

import org.agrona.DirectBuffer;

/**
 * A verified snapshot as a store hands it back: the state after {@code position}, the engine's
 * state hash at that position, the bytes the engine wrote, and what ties it to one history: the
 * identity of the journal it was taken on and the checksum of that journal's entry at
 * {@code position} (see {@link CommandCodec#checksum(Command, org.agrona.MutableDirectBuffer, Crc32c)}).
 * Recovery uses a snapshot only on the journal it names, and only if that journal's entry at its
 * position still has that checksum.
 *
 * @param journalId     the journal it was taken on; {@link JournalId#NONE} if its store kept none (older formats).
 * @param entryChecksum the checksum of the entry at {@code position}, 0..2^32-1; {@link #UNKNOWN} if not kept.
 */
public record Snapshot(long position, long stateHash, DirectBuffer data, int length, JournalId journalId,
    long entryChecksum)
{
    /** The entry checksum of a snapshot whose store did not keep one. */
    public static final long UNKNOWN = -1;

    /** A snapshot that names no journal and no entry: recovery will not use it on a journal that has an identity. */
    public Snapshot(final long position, final long stateHash, final DirectBuffer data, final int length)
    {
        this(position, stateHash, data, length, JournalId.NONE, UNKNOWN);
    }
}
