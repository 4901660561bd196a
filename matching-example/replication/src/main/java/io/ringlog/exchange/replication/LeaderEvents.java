package io.ringlog.exchange.replication;

import io.ringlog.core.OutputEvent;
import io.ringlog.core.OutputListener;
import io.ringlog.exchange.text.TextFormat;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The events file of an exchange node: events this node shows as a primary, and, once promoted, those of
 * its followed history that its old primary may not have shown.
 * <p>
 * A standby applies what it follows (hot), and those events are its primary's to show, so it hides them;
 * but it keeps, as text, those of positions after the last one its primary said it had shown (its
 * heartbeats' shown position, read through {@code primaryShown}). On promotion it writes the kept ones
 * after the position the promotion reports, then every event on: at least once across a failover, in
 * position order, a few events possibly twice (the old primary may have shown some after its last
 * heartbeat), which clients skip by the position and index each line starts with ({@code pos=N ev=K}). At
 * most {@link #MAX_KEPT} are kept; older ones are dropped and the promotion says from where the file misses
 * events.
 * <p>
 * {@link #shownPosition()} is what this node, as a primary, has written whole (every event of it): its
 * heartbeats carry it, and its status page keeps it. A primary restarted after {@link #resumeAfter} its last
 * shown position gets the events its recovery replays after it, which were journaled but never shown (a
 * synchronous primary whose standby had stopped acknowledging), and shows them once {@link #release released}:
 * in synchronous mode as the standby acknowledges them, before any later event. Of the position after it,
 * whose first lines a kill may have left in the file, it shows only the events after those lines.
 */
final class LeaderEvents implements OutputListener
{
    /** Hidden events kept for a promotion (some 40 MB of text): far more than a primary's unshown tail. */
    static final int MAX_KEPT = 1 << 18;

    private final Writer writer;
    private final LongSupplier primaryShown;
    private final TextFormat format = new TextFormat();
    private final StringBuilder line = new StringBuilder(256);
    private final ArrayDeque<Kept> kept = new ArrayDeque<>();
    private final ArrayDeque<Kept> pending = new ArrayDeque<>();
    private long resumeAfter = -1;
    /**
     * The last position all of whose events have arrived: a listener's batch ends only between commands,
     * and a later position's event says the earlier ones are done. Released events never go past it, and
     * what this node says it showed is never a position with some of its events unwritten.
     */
    private long wholeUpTo = -1;
    /** Shown before this node wrote anything: what its last run showed, or its old primary once promoted. */
    private long shownBefore = -1;
    /** The lines of position {@code resumeAfter + 1} the file holds already, and how many replayed events matched them. */
    private List<String> shownOfNext = List.of();
    private int matchedOfNext;
    private boolean dropReported;
    private long from = Long.MAX_VALUE;
    private long showAfter = Long.MAX_VALUE;
    private long droppedUpTo;
    private long written;
    private long lastWritten;
    private volatile long shown;

    private record Kept(long position, String line)
    {
    }

    /**
     * @param writer       the events file; flushed at the end of each batch.
     * @param primaryShown the last position the primary this node follows said it had shown, or -1.
     */
    LeaderEvents(final Writer writer, final LongSupplier primaryShown)
    {
        this.writer = writer;
        this.primaryShown = primaryShown;
    }

    /**
     * Before launch, on a primary starting again: its events were shown up to {@code position}, so the
     * replayed events after it are to show, once released.
     */
    synchronized void resumeAfter(final long position)
    {
        resumeAfter(position, List.of());
    }

    /**
     * As {@link #resumeAfter(long)}, the file holding {@code shownOfNext} already (without newlines): the first
     * lines of position {@code position + 1}, whose other lines a kill cut short. Replayed events of that
     * position that match them, in order, are not shown again, so a restart repeats no line.
     */
    synchronized void resumeAfter(final long position, final List<String> shownOfNext)
    {
        this.shownOfNext = List.copyOf(shownOfNext);
        matchedOfNext = 0;
        resumeAfter = position;
        shownBefore = Math.max(shownBefore, position);
        // Shown before this start: what the heartbeats and the status page say until more is shown.
        lastWritten = Math.max(lastWritten, position);
        shown = lastWritten;
    }

    /** The position a restarted primary resumes showing after, or -1: recovery must start at or before it. */
    synchronized long resumePosition()
    {
        return resumeAfter;
    }

    /**
     * Shows the pending replayed events of positions up to {@code position} (what the standby has
     * acknowledged; any position in asynchronous mode) whose events have all arrived.
     */
    synchronized void release(final long position) throws IOException
    {
        final long upTo = Math.min(position, wholeUpTo);
        if (pending.isEmpty() || pending.peekFirst().position() > upTo)
        {
            return;
        }
        while (!pending.isEmpty() && pending.peekFirst().position() <= upTo)
        {
            final Kept event = pending.pollFirst();
            writer.write(event.line());
            written++;
            lastWritten = event.position();
        }
        flush();
    }

    /** Shows events of positions from {@code position} on: a primary from its start. */
    synchronized void from(final long position)
    {
        from = position;
    }

    /**
     * Promoted at {@code position}: writes the kept events after {@code primaryShown} (all kept ones if it
     * is -1, unknown), and shows every later event after it too.
     *
     * @return the first position whose events this file may miss (some were dropped, unkept), or 0.
     */
    synchronized long promoted(final long position, final long primaryShown) throws IOException
    {
        showAfter = primaryShown;
        shownBefore = Math.max(shownBefore, primaryShown);
        from = position;
        for (final Kept event : kept)
        {
            if (event.position() > showAfter)
            {
                writer.write(event.line());
                written++;
                lastWritten = event.position();
            }
        }
        kept.clear();
        // What the old primary showed is shown: a later promotion of this node's standby starts after it.
        lastWritten = Math.max(lastWritten, showAfter);
        flush();
        return droppedUpTo > 0 && droppedUpTo > showAfter ? Math.max(showAfter + 1, 1) : 0;
    }

    @Override
    public synchronized void onEvent(final OutputEvent event, final boolean endOfBatch) throws Exception
    {
        final long position = event.position();
        // The serve loop releases and promotes on its own thread, maybe between two events of one command.
        wholeUpTo = Math.max(wholeUpTo, endOfBatch ? position : position - 1);
        if (event.isReplay())
        {
            if (position > resumeAfter && resumeAfter >= 0)
            {
                keepPending(event);
            }
            return;
        }
        if (!pending.isEmpty())
        {
            // A live event comes after every replayed one: in synchronous mode their positions are acknowledged.
            release(position - 1);
        }
        if (position >= from || position > showAfter)
        {
            line.setLength(0);
            format.event(event, line).append('\n');
            writer.append(line);
            written++;
            lastWritten = position;
        }
        else if (showAfter == Long.MAX_VALUE)
        {
            keep(event);
        }
        if (endOfBatch)
        {
            flush();
        }
    }

    /**
     * Flushes the file; only then are its events shown, and the heartbeats may say so: up to the last position
     * written whole (a promotion between two events of one command writes the first at once, in order).
     */
    private void flush() throws IOException
    {
        writer.flush();
        shown = lastWritten > wholeUpTo && lastWritten > shownBefore ? lastWritten - 1 : lastWritten;
    }

    private void keepPending(final OutputEvent event)
    {
        line.setLength(0);
        format.event(event, line);
        if (event.position() == resumeAfter + 1 && matchedOfNext < shownOfNext.size())
        {
            final String inFile = shownOfNext.get(matchedOfNext);
            // A file written before lines carried the event's index holds the same line without its ev=K.
            if (inFile.contentEquals(line) ||
                !inFile.contains(" ev=") && inFile.equals(line.toString().replaceFirst(" ev=\\d+", "")))
            {
                // In the file already, before the kill cut its position short.
                matchedOfNext++;
                return;
            }
            // Not the file's line (never expected: replay regenerates what was shown): this one and the rest are shown.
            matchedOfNext = shownOfNext.size();
        }
        if (pending.size() == MAX_KEPT)
        {
            // Never dropped silently: the first position the file may miss is the one after the last shown.
            pending.pollFirst();
            droppedUpTo = Math.max(droppedUpTo, resumeAfter + 1);
        }
        pending.addLast(new Kept(event.position(), line.append('\n').toString()));
    }

    /**
     * True once, when replayed events after a restart have been dropped, unkept (more than {@link #MAX_KEPT}):
     * the caller says so.
     */
    synchronized boolean droppedReplayedUnreported()
    {
        if (droppedUpTo > 0 && resumeAfter >= 0 && !dropReported)
        {
            dropReported = true;
            return true;
        }
        return false;
    }

    /** A hidden event of a standby: kept while its primary has not said it showed it. */
    private void keep(final OutputEvent event)
    {
        final long shownThere = primaryShown.getAsLong();
        if (shownThere < 0)
        {
            // The primary does not say what it shows (no events file, an older node): nothing to complete.
            kept.clear();
            return;
        }
        while (!kept.isEmpty() && kept.peekFirst().position() <= shownThere)
        {
            kept.pollFirst();
        }
        if (event.position() <= shownThere)
        {
            return;
        }
        if (kept.size() == MAX_KEPT)
        {
            droppedUpTo = kept.pollFirst().position();
        }
        line.setLength(0);
        format.event(event, line).append('\n');
        kept.addLast(new Kept(event.position(), line.toString()));
    }

    /** The last position whose events this node has written whole and flushed as a primary (0 before any). */
    long shownPosition()
    {
        return shown;
    }

    /** Lines written so far. */
    synchronized long written()
    {
        return written;
    }

    @Override
    public synchronized boolean receivesReplay()
    {
        return resumeAfter >= 0;
    }
}
