package io.ringlog.journal;

import java.nio.file.Path;

/**
 * The end of a journal that a writer never finished: an entry a crashed writer left half written
 * after the newest whole entry, or newest entries whose bytes never all reached the file (a full
 * disk) and that no commit ever covered. The journal found it on open and ignores it: recovery runs
 * up to {@code lastWholePosition}, and the next writer reclaims the space (a torn entry is
 * overwritten; damaged, never-committed entries are cut off the file when it is opened for writing).
 *
 * @param lastWholePosition position of the newest whole entry before it (0 if none).
 * @param file              the cycle file that holds it.
 * @param fileOffset        byte offset of its 4-byte Chronicle header in that file.
 * @param header            the header word found there (not-complete flag, or 0 while the length was unknown).
 * @param what              what was found and what was done about it, in words.
 */
public record TornEntry(long lastWholePosition, Path file, long fileOffset, int header, String what)
{
    private static final String HALF_WRITTEN = "a writer stopped mid-entry; ignored";
    /** The same, found by a writable open, whose first append takes the entry's place: nothing for anyone to do. */
    private static final String HALF_WRITTEN_HERE = "a writer stopped mid-entry; ignored, and this journal's next " +
        "append writes over it";

    /**
     * The same, where a commit covered more than the entries before it: no writer leaves a document it committed
     * marked as being written, so its header word may be damaged, with whole entries past it.
     */
    private static final String COMMITTED_PAST = "a document marked as being written (or a writer stopped mid-entry) " +
        "past the last whole entry, though ringlog.meta says more was committed: its header word's last write did not " +
        "reach the disk, or it was damaged since, and the committed entries may be whole on disk past it; not written " +
        "over (the problem about the missing committed entries says what to do)";

    /**
     * The entry after the last whole one, found by a read-only open while the journal's writer holds its lock: the
     * document that writer is in the middle of, not damage (a reviewer's read-only opens beside a live writer were
     * told "a writer stopped mid-entry", with a repair to run).
     */
    private static final String BEING_WRITTEN_PREFIX = "being written by the journal's writer, which is alive (";

    /** A half-written entry: a writer stopped mid-entry; found by a read-only open. */
    public TornEntry(final long lastWholePosition, final Path file, final long fileOffset, final int header)
    {
        this(lastWholePosition, file, fileOffset, header, HALF_WRITTEN);
    }

    /** A half-written entry, found by an open that writes ({@code writable}) or only reads. */
    static TornEntry halfWritten(final long lastWholePosition, final Path file, final long fileOffset, final int header,
        final boolean writable)
    {
        return halfWritten(lastWholePosition, file, fileOffset, header, writable, -1);
    }

    /** As {@link #halfWritten(long, Path, long, int, boolean)}, where the committed mark is {@code committed} (-1: unknown). */
    static TornEntry halfWritten(final long lastWholePosition, final Path file, final long fileOffset, final int header,
        final boolean writable, final long committed)
    {
        return new TornEntry(lastWholePosition, file, fileOffset, header, committed > lastWholePosition ? COMMITTED_PAST :
            writable ? HALF_WRITTEN_HERE : HALF_WRITTEN);
    }

    /**
     * The entry a live writer is in the middle of, found by a read-only open: not damage, and nothing to do; what it
     * holds is read once the writer commits it.
     *
     * @param writer the writer, as the lock names it ("pid 123").
     */
    static TornEntry beingWritten(final long lastWholePosition, final Path file, final long fileOffset, final int header,
        final String writer)
    {
        return new TornEntry(lastWholePosition, file, fileOffset, header, BEING_WRITTEN_PREFIX + writer + "), which " +
            "holds the journal's lock: not damage, and nothing to do; what it writes is read once it commits it");
    }

    /**
     * Whether this is an entry found half-written (what a writer in the middle of it also leaves), rather
     * than whole entries that fail their checks (which no writer at work leaves).
     */
    public boolean halfWritten()
    {
        return HALF_WRITTEN.equals(what) || HALF_WRITTEN_HERE.equals(what) || COMMITTED_PAST.equals(what) ||
            beingWritten();
    }

    /** Whether a live writer was in the middle of this entry as a read-only open found it ({@link #beingWritten}). */
    public boolean beingWritten()
    {
        return what.startsWith(BEING_WRITTEN_PREFIX);
    }

    @Override
    public String toString()
    {
        if (beingWritten())
        {
            return "entry after position " + lastWholePosition + ", in the document at byte " + fileOffset + " of " + file +
                ": " + what;
        }
        return "torn entry after position " + lastWholePosition + ", in the document at byte " + fileOffset + " of " + file +
            " (header 0x" + Integer.toHexString(header) + "): " + what + (HALF_WRITTEN.equals(what) && file.getParent() != null ?
            " (the next writable open writes over it; 'scripts/journal repair -d " + file.getParent() + " --truncate-after " +
            lastWholePosition + "' clears it now, dropping no whole entry)" : "");
    }
}
