package io.ringlog.bench;

import io.ringlog.core.Command;
import io.ringlog.core.Journal;
import io.ringlog.core.JournalId;
import io.ringlog.core.JournalReader;

import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * A {@link Journal} that passes everything to another and counts commits: the journal stage
 * commits once per ring batch, so commands / commits is the batch size, and under
 * {@link io.ringlog.journal.Durability#SYNC_EACH_BATCH} commits are syncs. The count is written by
 * the journal stage only and read by the benchmark thread, hence the ordered store.
 */
public final class CommitCountingJournal implements Journal
{
    private static final AtomicLongFieldUpdater<CommitCountingJournal> COMMITS =
        AtomicLongFieldUpdater.newUpdater(CommitCountingJournal.class, "commits");

    private final Journal journal;
    private volatile long commits;

    public CommitCountingJournal(final Journal journal)
    {
        this.journal = journal;
    }

    @Override
    public long lastPosition()
    {
        return journal.lastPosition();
    }

    @Override
    public void append(final Command command)
    {
        journal.append(command);
    }

    @Override
    public void commit()
    {
        journal.commit();
        COMMITS.lazySet(this, commits + 1);
    }

    @Override
    public JournalReader reader(final long fromPosition)
    {
        return journal.reader(fromPosition);
    }

    @Override
    public JournalId id()
    {
        return journal.id();
    }

    @Override
    public boolean readOnly()
    {
        return journal.readOnly();
    }

    @Override
    public boolean closed()
    {
        return journal.closed();
    }

    @Override
    public long firstPosition()
    {
        return journal.firstPosition();
    }

    @Override
    public int maxPayloadLength()
    {
        return journal.maxPayloadLength();
    }

    @Override
    public void close()
    {
        journal.close();
    }

    /** Commits so far. */
    public long commits()
    {
        return commits;
    }
}
