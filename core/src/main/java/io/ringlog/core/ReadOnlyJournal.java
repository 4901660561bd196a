package io.ringlog.core;

/**
 * A journal as it stood at a position, for replays: its last position is at most that, its
 * readers stop there, and it refuses writes. Launching an engine on it rebuilds the state as of
 * that position ("time travel") and cannot append by accident. Closing it closes the journal it
 * wraps.
 */
public final class ReadOnlyJournal implements Journal
{
    private final Journal journal;
    private final long position;

    private ReadOnlyJournal(final Journal journal, final long position)
    {
        if (journal == null)
        {
            throw new IllegalArgumentException("journal must not be null");
        }
        if (position < 0)
        {
            throw new IllegalArgumentException("position must not be negative: " + position);
        }
        this.journal = journal;
        this.position = position;
    }

    /** The whole journal, read-only. */
    public static ReadOnlyJournal of(final Journal journal)
    {
        return new ReadOnlyJournal(journal, Long.MAX_VALUE);
    }

    /** The journal up to and including {@code position}, read-only. */
    public static ReadOnlyJournal upTo(final Journal journal, final long position)
    {
        return new ReadOnlyJournal(journal, position);
    }

    @Override
    public long lastPosition()
    {
        return Math.min(position, journal.lastPosition());
    }

    /** Whether this view stops before the journal's end: a replay to a position. */
    public boolean stopsBeforeTheEnd()
    {
        return position < journal.lastPosition();
    }

    @Override
    public int maxPayloadLength()
    {
        return journal.maxPayloadLength();
    }

    @Override
    public void append(final Command command)
    {
        throw new JournalException(command.position(), "this journal is read-only (a replay); it takes no writes");
    }

    @Override
    public void commit()
    {
    }

    @Override
    public JournalReader reader(final long fromPosition)
    {
        final JournalReader reader = journal.reader(fromPosition);
        final long limit = position;
        return new JournalReader()
        {
            private boolean ended;

            @Override
            public boolean next(final Command into)
            {
                if (ended || !reader.next(into) || into.position() > limit)
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
        };
    }

    @Override
    public JournalId id()
    {
        return journal.id();
    }

    @Override
    public boolean readOnly()
    {
        return true;
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
    public void close()
    {
        journal.close();
    }
}
