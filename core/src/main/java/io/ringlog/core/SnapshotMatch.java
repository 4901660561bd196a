package io.ringlog.core;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Whether a snapshot belongs to a journal, as recovery decides before it loads one: it must name the
 * journal, and the journal's entry at its position must still have the checksum it recorded (else it
 * was taken on another history: an older copy of the journal put back and written on since). Shared by
 * recovery and the journal tool's {@code verify}, so both say the same of the same snapshot.
 */
public final class SnapshotMatch
{
    private SnapshotMatch()
    {
    }

    /**
     * Null when {@code snapshot} can be loaded over {@code journal}; otherwise why not, in words that
     * follow "snapshot at position P ".
     */
    public static String mismatch(final Journal journal, final Snapshot snapshot, final int maxPayloadLength)
    {
        final JournalId id = journal.id();
        if (id.known() && !snapshot.journalId().known())
        {
            return "names no journal (written by an older ringlog, or by a store that keeps no identity): it " +
                "cannot be matched to this journal (" + id + ")";
        }
        if (id.known() && !id.equals(snapshot.journalId()))
        {
            return "was taken on journal " + snapshot.journalId() + ", not this one (" + id + ")";
        }
        if (snapshot.entryChecksum() == Snapshot.UNKNOWN)
        {
            return "has no checksum of its entry (written by an older ringlog): it cannot be matched to this journal";
        }
        final long position = snapshot.position();
        final long actual;
        try
        {
            actual = entryChecksum(journal, position, maxPayloadLength);
        }
        catch (final JournalException ex)
        {
            return "cannot be checked against this journal, whose entry there cannot be read (" + ex.getMessage() +
                ")";
        }
        if (actual < 0)
        {
            return "has no entry at its position in this journal";
        }
        if (actual != snapshot.entryChecksum())
        {
            return "was taken on another history of this journal: its entry at position " + position + " had " +
                "checksum 0x" + Long.toHexString(snapshot.entryChecksum()) + ", the journal's entry there has 0x" +
                Long.toHexString(actual) + " (the journal was put back to an older copy and written on since, or a " +
                "cycle file of another journal was put in the place of its own)";
        }
        return null;
    }

    /**
     * Whether the journal's entry at the snapshot's position has the checksum the snapshot recorded, whatever
     * journal the snapshot names: where a journal's identity is in doubt (another journal's metadata put beside
     * it), a snapshot that matches its entries was most likely taken on it. False where the entry cannot be read.
     */
    public static boolean entryMatches(final Journal journal, final Snapshot snapshot, final int maxPayloadLength)
    {
        try
        {
            return snapshot.entryChecksum() != Snapshot.UNKNOWN &&
                entryChecksum(journal, snapshot.position(), maxPayloadLength) == snapshot.entryChecksum();
        }
        catch (final JournalException ex)
        {
            return false;
        }
    }

    /** The format-2 checksum of the journal's entry at {@code position}, or -1 if it has none there. */
    private static long entryChecksum(final Journal journal, final long position, final int maxPayloadLength)
    {
        final Command entry = new Command(maxPayloadLength);
        try (JournalReader reader = journal.reader(position))
        {
            if (!reader.next(entry) || entry.position() != position)
            {
                return -1;
            }
        }
        return CommandCodec.checksum(entry,
            new UnsafeBuffer(new byte[CommandCodec.HEADER_LENGTH + maxPayloadLength]), new Crc32c()) & 0xFFFF_FFFFL;
    }
}
