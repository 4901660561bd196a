package io.ringlog.exchange.cli;

import io.ringlog.core.Command;
import io.ringlog.core.Journal;
import io.ringlog.core.JournalException;
import io.ringlog.core.JournalReader;

/**
 * A journal as it stood at {@code position}: its last position is at most that, its readers stop
 * there, and it refuses writes. Launching an engine on it replays up to {@code position} and no
 * further ("time travel"), and nothing can be appended by accident.
 */
final class JournalAsOf implements Journal
{
    private final Journal journal;
    private final long position;

    JournalAsOf(final Journal journal, final long position)
    {
        this.journal = journal;
        this.position = position;
    }

    @Override
    public long lastPosition()
    {
        return Math.min(position, journal.lastPosition());
    }

    @Override
    public void append(final Command command)
    {
        throw new JournalException(command.position(), "a replay reads the journal; it does not write to it");
    }

    @Override
    public void commit()
    {
    }

    @Override
    public JournalReader reader(final long fromPosition)
    {
        return new Reader(journal.reader(fromPosition), position);
    }

    @Override
    public void close()
    {
        journal.close();
    }

    /** Reads entries up to and including the limit, then reports the end. */
    private static final class Reader implements JournalReader
    {
        private final JournalReader reader;
        private final long limit;
        private boolean ended;

        Reader(final JournalReader reader, final long limit)
        {
            this.reader = reader;
            this.limit = limit;
        }

        @Override
        public boolean next(final Command into)
        {
            if (ended || !reader.next(into))
            {
                ended = true;
                return false;
            }
            if (into.position() > limit)
            {
                ended = true;
                return false;
            }
            return true;
        }

        @Override
        public void close()
        {
            reader.close();
        }
    }
}
