package io.ringlog.core;

/** Reads journal entries in position order into a reusable {@link Command}. */
public interface JournalReader extends AutoCloseable
{
    /**
     * Reads the next entry into {@code into}.
     *
     * @return false at the end of the journal (including a torn last entry, which the journal reports).
     * @throws JournalException if an entry cannot be decoded, with its position and the reason.
     */
    boolean next(Command into);

    @Override
    void close();
}
