package io.ringlog.exchange.cli;

import io.ringlog.core.OutputEvent;
import io.ringlog.core.OutputListener;
import io.ringlog.exchange.RejectReason;
import io.ringlog.exchange.codec.EventTypes;

import java.util.ArrayList;
import java.util.List;

/**
 * The first rejections of a run, each said with the line of the file its command came from: {@code line 24: rejected by
 * the exchange: NOT_OWNER (position 13)}. The events say only the position, and past a line that held no command (a
 * blank, a comment, a malformed line) position and line part: a reviewer found nothing but the events file to tell
 * which commands were refused.
 */
final class RejectedLines implements OutputListener
{
    private final PublishedLines published;
    private final int kept;
    private final List<String> said = new ArrayList<>();

    RejectedLines(final PublishedLines published, final int kept)
    {
        this.published = published;
        this.kept = kept;
    }

    @Override
    public void onEvent(final OutputEvent event, final boolean endOfBatch)
    {
        if (event.type() != EventTypes.REJECTED)
        {
            return;
        }
        synchronized (this)
        {
            if (said.size() < kept)
            {
                final long line = published.lineOf(event.position());
                said.add((line > 0 ? "line " + line : "position " + event.position()) + ": rejected by the exchange: " +
                    RejectReason.describe(event.rejectReason()) + (line > 0 ? " (position " + event.position() + ")" : ""));
            }
        }
    }

    /** What was said, in order: as many as it keeps. */
    synchronized List<String> said()
    {
        return List.copyOf(said);
    }
}
