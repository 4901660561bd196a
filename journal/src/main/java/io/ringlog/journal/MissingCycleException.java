package io.ringlog.journal;

import io.ringlog.core.JournalException;

import java.nio.file.Path;
import java.util.List;

/**
 * A journal whose cycle files leave a gap: a file in the middle was deleted or lost. Says where the gap is and
 * which files hold the positions before it, so a tool that knows the journal's snapshots can tell whether one
 * of them holds the state through the gap (then moving those files aside keeps every entry after it).
 */
public final class MissingCycleException extends JournalException
{
    private static final long serialVersionUID = 1L;
    private final long lastBefore;
    private final long firstAfter;
    private final transient List<Path> filesBefore;

    MissingCycleException(final long lastBefore, final long firstAfter, final List<Path> filesBefore,
        final String message)
    {
        super(lastBefore + 1, message);
        this.lastBefore = lastBefore;
        this.firstAfter = firstAfter;
        this.filesBefore = List.copyOf(filesBefore);
    }

    /** Where the last position before the gap is not known (a damaged oldest file): the failure names no position. */
    MissingCycleException(final long firstAfter, final List<Path> filesBefore, final String message)
    {
        super(message);
        this.lastBefore = -1;
        this.firstAfter = firstAfter;
        this.filesBefore = List.copyOf(filesBefore);
    }

    /** The last position before the gap; -1 where it is not known. */
    public long lastBefore()
    {
        return lastBefore;
    }

    /** The first position after it: the first of the file that follows the gap. */
    public long firstAfter()
    {
        return firstAfter;
    }

    /** The cycle files that hold the positions before the gap, oldest first. */
    public List<Path> filesBefore()
    {
        return filesBefore;
    }
}
