package io.ringlog.bench;

import io.ringlog.core.InMemoryJournal;
import io.ringlog.core.Journal;
import io.ringlog.journal.ChronicleJournal;
import io.ringlog.journal.Durability;

/**
 * Which journal a benchmark writes through, as a JMH parameter, so one run measures both and the
 * ratio between them comes from the same machine in the same minute.
 */
public enum JournalKind
{
    /** The core's bounded {@link InMemoryJournal}: what the pipeline costs without any I/O. */
    IN_MEMORY
    {
        @Override
        public Journal open(final BenchDirectory directory, final Durability durability, final int maxPayloadLength,
            final long preallocate, final boolean touchAhead, final boolean touchAheadReadahead)
        {
            return new InMemoryJournal(maxPayloadLength, RETAINED_ENTRIES);
        }
    },

    /** {@link ChronicleJournal} in a fresh directory: memory-mapped files, one document per commit. */
    CHRONICLE
    {
        @Override
        public Journal open(final BenchDirectory directory, final Durability durability, final int maxPayloadLength,
            final long preallocate, final boolean touchAhead, final boolean touchAheadReadahead)
        {
            return ChronicleJournal.open(new ChronicleJournal.Context()
                .directory(directory.resolve("journal"))
                .durability(durability)
                .maxPayloadLength(maxPayloadLength)
                .preallocate(preallocate)
                .touchAhead(touchAhead)
                .touchAheadReadahead(touchAheadReadahead));
        }
    };

    /** Entries the in-memory journal keeps: enough for a replay test, bounded so a long run stays in memory. */
    public static final long RETAINED_ENTRIES = 1 << 16;

    /**
     * Opens this kind of journal; a file-backed one lives in {@code directory}/journal
     * ({@link Durability} only applies to those).
     */
    public Journal open(final BenchDirectory directory, final Durability durability, final int maxPayloadLength)
    {
        return open(directory, durability, maxPayloadLength, 0, true);
    }

    /**
     * As {@link #open(BenchDirectory, Durability, int)}, a file-backed journal given disk blocks for
     * {@code preallocate} bytes at open ({@link ChronicleJournal.Context#preallocate}); 0: none.
     */
    public Journal open(final BenchDirectory directory, final Durability durability, final int maxPayloadLength,
        final long preallocate)
    {
        return open(directory, durability, maxPayloadLength, preallocate, true);
    }

    /**
     * As {@link #open(BenchDirectory, Durability, int, long)}, with the file-backed journal's pages touched ahead of
     * its writer by a thread of its own ({@link ChronicleJournal.Context#touchAhead}, the default) or not.
     */
    public Journal open(final BenchDirectory directory, final Durability durability, final int maxPayloadLength,
        final long preallocate, final boolean touchAhead)
    {
        return open(directory, durability, maxPayloadLength, preallocate, touchAhead, true);
    }

    /**
     * As {@link #open(BenchDirectory, Durability, int, long, boolean)}, with the kernel's readahead around the
     * touches allowed (the default) or not ({@link ChronicleJournal.Context#touchAheadReadahead}).
     */
    public abstract Journal open(BenchDirectory directory, Durability durability, int maxPayloadLength, long preallocate,
        boolean touchAhead, boolean touchAheadReadahead);
}
