package io.ringlog.journal.replication;

import io.aeron.ExclusivePublication;
import io.aeron.logbuffer.BufferClaim;
import io.ringlog.core.Command;
import io.ringlog.core.CommandCodec;
import io.ringlog.core.Crc32c;
import io.ringlog.core.Journal;
import io.ringlog.core.JournalReader;
import org.HdrHistogram.Histogram;
import org.agrona.CloseHelper;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A primary's side of replication, on the replication agent's thread: answers a standby's
 * {@link Messages#REQUEST} (checking first that the standby's history is a prefix of this one),
 * serves its catch-up from the journal until the replicator stage ships live, hands acknowledgements
 * to the engine's gate, measures acknowledgement latency and lag, and applies the
 * {@link StandbyLoss} policy when the standby is gone.
 * <pre>
 *  REQUEST(epoch e, session s, from f, crc of f-1)
 *    e newer than ours                     ──► we are a stale primary: fenced, halt
 *    f-1 beyond our journal                ──► REFUSED: the standby is ahead (we lost entries)
 *    f-1 at or past the first position of an
 *      epoch newer than e                  ──► DIVERGED: keep up to the position before it
 *    crc of our entry f-1 differs          ──► REFUSED: same epoch, different history
 *    otherwise                             ──► session s: catch-up reads f.. from the journal
 * </pre>
 */
final class PrimaryDuty
{
    private final ReplicationContext ctx;
    private final NodeState state;
    private final Channels channels;
    private final StatusFile status;
    private final EpochIndex epochs;
    private final Journal journal;
    private final boolean synchronous;
    private final long degradeAfterNanos;
    private final Command command;
    private final UnsafeBuffer checksumScratch;
    private final Crc32c crc = new Crc32c();
    private final BufferClaim claim = new BufferClaim();
    private final Histogram ackLatency = new Histogram(3_600_000_000_000L, 3);
    private final NodeState.LatencySink latencySink = this::recordLatency;
    private final ExpandableArrayBuffer largeEntry = new ExpandableArrayBuffer(256);
    private JournalReader reader;
    private boolean pending;
    private long cursor;
    private boolean doneSent;
    private long acknowledged;
    private long withoutStandbySince;
    private long now;
    /**
     * Where the journal ended when this node started as a primary: a standby's entries after it, in this
     * epoch, that this journal does not hold are a previous run's shipped tail. MAX_VALUE once promoted.
     */
    private final long launchEnd;
    /** What this node had shown before it started, as its status page kept it; -1 when the page does not say. */
    private final long shownBefore;

    PrimaryDuty(final ReplicationContext ctx, final NodeState state, final Channels channels, final StatusFile status,
        final EpochIndex epochs, final Journal journal, final int maxPayloadLength, final long nowNanos,
        final long launchEnd, final long shownBefore)
    {
        this.launchEnd = launchEnd;
        this.shownBefore = shownBefore;
        this.ctx = ctx;
        this.state = state;
        this.channels = channels;
        this.status = status;
        this.epochs = epochs;
        this.journal = journal;
        this.synchronous = ctx.mode() == ReplicationMode.SYNCHRONOUS;
        this.degradeAfterNanos = ctx.standbyLoss() == StandbyLoss.DEGRADE ? ctx.degradeAfter().toNanos() : -1;
        this.command = new Command(maxPayloadLength);
        this.checksumScratch = new UnsafeBuffer(new byte[CommandCodec.HEADER_LENGTH + maxPayloadLength]);
        this.withoutStandbySince = nowNanos;
    }

    int doWork(final long nowNanos)
    {
        now = nowNanos;
        int work = catchUp();
        final long abandoned = state.abandonedSession;
        if (abandoned != NodeState.NO_SESSION && abandoned == state.session)
        {
            // The stage stopped shipping live for this session: end it, and have the standby ask again now
            // rather than after its stall timeout.
            endSession();
            channels.send(Messages.SESSION_ENDED, state.epoch, abandoned, 0, 0, 0, 0);
            work++;
        }
        if (state.session == NodeState.NO_SESSION || state.peerLost)
        {
            applyStandbyLoss();
        }
        if (state.degraded)
        {
            state.gate.acknowledged(state.stagePosition);
        }
        return work;
    }

    /** A standby asks for everything from {@code from}; see the class comment for the answers. */
    void onRequest(final long standbyEpoch, final long session, final long from, final long previousChecksum)
    {
        if (session == state.session)
        {
            return;
        }
        final long last = journal.lastPosition();
        final long boundary = epochs.startAfter(standbyEpoch);
        if (from - 1 >= boundary)
        {
            final long keep = boundary - 1;
            channels.send(Messages.DIVERGED, state.epoch, session, 2, keep, checksumAt(keep), 0);
            event("a standby of epoch " + standbyEpoch + " has entries up to " + (from - 1) + ", past position " + keep +
                " where its epoch ended here: told it to cut them off before it rejoins");
            return;
        }
        final long first = journal.firstPosition();
        if (first > 1 && from - 1 < first)
        {
            // A reviewer's finding: older entries deleted (retention), a standby that needs them made every read
            // here throw, printed by Aeron's error handler again and again, and the standby waited for ever.
            refuse(Messages.REFUSED_TRIMMED, first, -1, shown(), session, "the standby needs entries from position " +
                from + (from - 1 >= 1 ? " and this journal's entry at " + (from - 1) + " to compare with its own" : "") +
                ", but this journal holds positions from " + first + " on (older ones were deleted): it cannot catch up " +
                "from here");
            return;
        }
        if (standbyEpoch == state.epoch && from - 1 > last && from - 1 <= state.stagePosition)
        {
            // Past this journal's end, but passed through this primary's stage in this run: shipped while the journaler
            // writes (PIPELINED), so a standby that asks again mid-run may hold entries this journal has not yet. Not
            // answered until they are journaled here, when the checks below compare them; the standby asks again. (A
            // reviewer's finding: such a standby was refused as one ahead of the journal's end at launch, and failed
            // with TWO PRIMARIES? though its entries were this primary's.)
            return;
        }
        if (standbyEpoch == state.epoch && launchEnd >= 1 && from - 1 > launchEnd &&
            (from - 1 > last || checksumAt(from - 1) != previousChecksum))
        {
            // The standby goes on past where this journal ended when this primary started, with entries this
            // journal does not have there: shipped by this primary's previous run and journaled by the standby,
            // but not by this one before it stopped (the replicator ships while the journaler writes), or lost
            // from this disk. Its entry at launchEnd and what this node had shown let the standby tell which. (A
            // journal that was empty then gives it nothing to compare: the checks below answer.)
            refuse(Messages.REFUSED_STANDBY_AHEAD, launchEnd, checksumAt(launchEnd), shown(),
                session, "the standby's journal goes on to position " + (from - 1) + ", past position " + launchEnd +
                " where this primary's journal ended when it started, and does not match this journal after it: " +
                "it holds entries this primary shipped before it stopped but never journaled, or that this " +
                "primary's disk lost, or it was a primary of this epoch too (it says which)");
            return;
        }
        if (from - 1 > last)
        {
            // The checksum of this primary's last entry lets the standby tell a journal that goes on further
            // (this primary lost entries) from another history (it was a primary in this epoch too).
            // Which it is, only the standby can tell (its entry at 'last' against this one's checksum): the advice
            // to promote it with force holds only where it says this primary lost entries, never for another history.
            refuse(Messages.REFUSED_STANDBY_AHEAD, last, last >= 1 ? checksumAt(last) : -1, shown(), session, "the standby's " +
                "journal ends at " + (from - 1) + ", past this primary's " + last + ": either this primary lost entries " +
                "it had shipped, or the standby holds another history (it was a primary of this epoch too, or its journal " +
                "is another pair's). " + (last >= 1 ? "The standby compares its entry at position " + last + " with this " +
                "journal's and says which in its own log. Only where it says this primary lost entries: to keep them, " +
                "stop this primary, restart the standby and promote it with force; or move the standby's journal away to " +
                "copy this one" : "This journal is empty, so there is nothing to compare: if the standby's journal is this " +
                "pair's, keep it by stopping this primary, restarting the standby and promoting it with force; if it is " +
                "not (another pair's, another service's), move it away and the standby copies this one"));
            return;
        }
        if (from > 1 && checksumAt(from - 1) != previousChecksum)
        {
            refuse(Messages.REFUSED_HISTORY_DIFFERS, from - 1, -1, shown(), session, "the standby's entry at position " +
                (from - 1) + " differs from this primary's in the same epoch: it was a primary of this epoch too (it " +
                "cuts its own entries of the epoch off with --rejoin, or Rejoin.truncate), or it holds another history (it says which)");
            return;
        }
        CloseHelper.quietClose(reader);
        reader = journal.reader(from);
        pending = false;
        cursor = from;
        doneSent = false;
        state.sendTimes.clear();
        state.catchUpSent = from - 1;
        state.catchUpSession = session;
        state.session = session;
        // The checksum shows the standby holds everything before from.
        onAcknowledged(from - 1);
        status.put(StatusFile.CATCH_UP_FROM, from);
        status.put(StatusFile.CATCH_UP_SENT, from - 1);
        status.put(StatusFile.CATCH_UP_TARGET, last);
        status.add(StatusFile.CATCH_UPS, 1);
        if (state.twoPrimaries)
        {
            // The other primary follows now (restarted as a standby): the warning no longer holds.
            state.twoPrimaries = false;
            status.message("");
        }
        event("standby asked from position " + from + ": " + (last >= from ? "catching it up from the journal on the " +
            (last == from ? "entry it holds from there now (position " + from : (last - from + 1) + " entries it holds " +
            "from there now (positions " + from + ".." + last) + "), and on what " +
            "comes meanwhile, then live" : "the journal holds nothing from there yet: it catches up on what comes " +
            "meanwhile, then follows live"));
        if (from - 1 < acknowledged)
        {
            // Its journal lost entries it had said it held: what they let this primary show is on this node alone.
            event("WARNING: the standby had acknowledged position " + acknowledged + ", but its journal ends at " +
                (from - 1) + ": it lost positions " + from + ".." + acknowledged + " after acknowledging them (a disk " +
                "that lost writes, an older copy of its journal put back). Until it holds them again, they are on this " +
                "node only, and a promotion of the standby now would lose them");
        }
    }

    /**
     * A refused standby searching for the last position both histories share asks whether this journal's entry
     * at {@code position} has {@code checksum}: answered, and nothing else changes.
     */
    void onProbe(final long session, final long position, final long checksum)
    {
        final boolean same = position >= 1 && position <= journal.lastPosition() && checksumAt(position) == checksum;
        channels.send(Messages.PROBE_ANSWER, state.epoch, session, 2, position, same ? 1 : 0, 0);
    }

    void onAck(final long session, final long position)
    {
        if (session != state.session || session == NodeState.NO_SESSION)
        {
            return;
        }
        onAcknowledged(position);
    }

    private void onAcknowledged(final long position)
    {
        if (position <= acknowledged)
        {
            return;
        }
        acknowledged = position;
        status.put(StatusFile.ACKNOWLEDGED, position);
        status.add(StatusFile.ACKS, 1);
        state.sendTimes.acknowledged(position, System.nanoTime(), latencySink);
        state.gate.acknowledged(position);
        if (state.degraded && state.session != NodeState.NO_SESSION && position >= state.stagePosition)
        {
            // The standby holds all the stage has seen: from here on, acknowledgements gate visibility again.
            state.degraded = false;
            event("the standby caught up and acknowledged position " + position + ": SYNCHRONOUS again, events wait " +
                "for its acknowledgement");
        }
    }

    /** The peer went silent: its session ends; it will ask again when it is back. */
    void onPeerLost()
    {
        endSession();
        withoutStandbySince = now;
    }

    private void endSession()
    {
        if (state.session != NodeState.NO_SESSION)
        {
            withoutStandbySince = now;
        }
        state.session = NodeState.NO_SESSION;
        state.catchUpSession = NodeState.NO_SESSION;
        state.sendTimes.clear();
        CloseHelper.quietClose(reader);
        reader = null;
    }

    private void applyStandbyLoss()
    {
        if (!synchronous || degradeAfterNanos < 0 || state.degraded)
        {
            return;
        }
        if (now - withoutStandbySince > degradeAfterNanos)
        {
            state.degraded = true;
            status.add(StatusFile.DEGRADED_COUNT, 1);
            final String message = "DEGRADED to asynchronous: no standby for " + ctx.degradeAfter().toMillis() +
                " ms; events from position " + (acknowledged + 1) + " on are visible while only this machine holds " +
                "them, until a standby catches up";
            status.message(message);
            event(message);
        }
    }

    private int catchUp()
    {
        final long session = state.catchUpSession;
        if (session == NodeState.NO_SESSION || session != state.session || doneSent || reader == null)
        {
            return 0;
        }
        final long liveFrom = state.liveSession == session ? state.liveFrom : Long.MAX_VALUE;
        final long end = Math.min(journal.lastPosition(), liveFrom - 1);
        int sent = 0;
        while (cursor <= end && sent < ctx.catchUpBurst())
        {
            // An entry back-pressure kept from going out is held, and offered again before the next is read.
            if (!pending && !reader.next(command))
            {
                break;
            }
            if (!offer(command, session))
            {
                pending = true;
                break;
            }
            pending = false;
            cursor++;
            sent++;
        }
        state.catchUpSent = cursor - 1;
        if (cursor > end && state.catchUpAtTail != session)
        {
            state.catchUpAtTail = session;
            if (liveFrom == Long.MAX_VALUE)
            {
                // No command since it asked: 'caught up' waits for the first live one, which may be a long wait.
                event("standby sent every entry up to position " + (cursor - 1) + ", all the journal holds: it " +
                    "follows live from the next command");
            }
        }
        status.put(StatusFile.CATCH_UP_SENT, cursor - 1);
        if (liveFrom != Long.MAX_VALUE && cursor >= liveFrom &&
            channels.sendOnCatchUp(Messages.CATCH_UP_DONE, state.epoch, session, liveFrom - 1))
        {
            doneSent = true;
            CloseHelper.quietClose(reader);
            reader = null;
            event("standby caught up to position " + (liveFrom - 1) + "; the replicator stage ships live from " + liveFrom);
        }
        return sent;
    }

    private boolean offer(final Command entry, final long session)
    {
        final ExclusivePublication publication = channels.catchUp();
        final int length = Messages.HEADER_LENGTH + CommandCodec.encodedLength(entry);
        if (length > publication.maxPayloadLength())
        {
            CommandCodec.encode(entry, largeEntry, Messages.header(largeEntry, 0, Messages.ENTRY, state.epoch, session), crc);
            return publication.offer(largeEntry, 0, length) > 0;
        }
        if (publication.tryClaim(length, claim) > 0)
        {
            final MutableDirectBuffer buffer = claim.buffer();
            CommandCodec.encode(entry, buffer, Messages.header(buffer, claim.offset(), Messages.ENTRY, state.epoch, session),
                crc);
            claim.commit();
            return true;
        }
        return false;
    }

    long checksumAt(final long position)
    {
        try (JournalReader at = journal.reader(position))
        {
            if (!at.next(command))
            {
                return -1;
            }
        }
        return CommandCodec.checksum(command, checksumScratch, crc) & 0xFFFF_FFFFL;
    }

    /**
     * The last position whose events this node had shown before this run, as its status page kept it, or -1
     * when it cannot say: no {@link ReplicationContext#shownPosition}, a page that does not say (lost, or a
     * journal copied from elsewhere), or a node promoted in this run. What this run shows is of its own
     * entries, after where its journal ended when it started, and says nothing about a previous run's tail.
     */
    private long shown()
    {
        return ctx.shownPosition() == null || launchEnd == Long.MAX_VALUE ? -1 : shownBefore;
    }

    private void refuse(final long reason, final long position, final long checksum, final long shown,
        final long session, final String why)
    {
        channels.send(Messages.REFUSED, state.epoch, session, 5, reason, position, checksum, shown, journal.lastPosition());
        event("refused a standby: " + why);
    }

    long acknowledged()
    {
        return acknowledged;
    }

    private void recordLatency(final long nanos)
    {
        synchronized (ackLatency)
        {
            ackLatency.recordValue(Math.min(nanos, ackLatency.getHighestTrackableValue()));
        }
    }

    /** A copy of the acknowledgement latencies so far, in nanoseconds; any thread. */
    Histogram ackLatency()
    {
        synchronized (ackLatency)
        {
            return ackLatency.copy();
        }
    }

    /** Writes the latency percentiles into the status page: every quarter second, as they take a walk of the histogram. */
    void publishFigures()
    {
        synchronized (ackLatency)
        {
            status.put(StatusFile.ACK_P50, ackLatency.getValueAtPercentile(50));
            status.put(StatusFile.ACK_P99, ackLatency.getValueAtPercentile(99));
            status.put(StatusFile.ACK_MAX, ackLatency.getMaxValue());
        }
    }

    /**
     * Writes the lag into the status page with the journaled position it is worked out from, every 10 ms
     * (the acknowledged position is written as each acknowledgement comes; a reader works the lag out from
     * the two it reads, {@link ReplicationStatus#lagPositions()}).
     */
    void publishLag(final long journaled)
    {
        status.put(StatusFile.JOURNALED, journaled);
        status.put(StatusFile.LAG_POSITIONS, Math.max(0, journaled - acknowledged));
        final long oldest = state.sendTimes.oldest();
        status.put(StatusFile.LAG_NANOS, oldest < 0 ? 0 : System.nanoTime() - oldest);
    }

    void close()
    {
        CloseHelper.quietClose(reader);
    }

    private void event(final String message)
    {
        ctx.eventHandler().accept(message);
    }
}
