package io.ringlog.journal;

/**
 * Whether the writer maps the journal's pages ahead of it with one {@code madvise} per 256 KiB instead of
 * taking a page fault per 4 KiB page in the middle of an append; see
 * {@link ChronicleJournal.Context#prefault(PrefaultMode)}.
 */
public enum PrefaultMode
{
    /**
     * Only where the journal lives on tmpfs: there it made the journal alone 1.2 to 1.5 times as fast, and on
     * ext4 it cost the writer's thread more than the faults it saved. The default.
     */
    AUTO,
    /** On every file system. */
    ALWAYS,
    /** Never: the writer takes the page faults. */
    NEVER
}
