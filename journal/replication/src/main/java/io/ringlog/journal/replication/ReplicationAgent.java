package io.ringlog.journal.replication;

import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.ringlog.core.Engine;
import io.ringlog.core.EngineMetrics;
import io.ringlog.core.Journal;
import io.ringlog.core.JournalId;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one thread of replication beside the engine's: polls the control stream, runs the node's duty
 * for its role ({@link PrimaryDuty} or {@link StandbyDuty}), sends heartbeats, watches the peer's,
 * keeps the status page current, and carries out promotion. Agrona runs it with an idle strategy;
 * {@link #doWork()} says how much it did.
 * <pre>
 *  control message from the peer, epoch e:
 *    sender's journal is another one than this node's (both hold entries, different identities)
 *                             ──► taken from a node that is not the peer: nothing else below; said every 30 s;
 *                                 a REQUEST is REFUSED (ANOTHER_HISTORY), a standby so refused FAILS, cutting nothing
 *    any                      ──► peer heard now
 *    e newer than ours, and we are primary ──► fenced: the engine halts, nothing more is visible here
 *    HEARTBEAT of a primary of an older epoch ──► FENCED back, so it halts too
 *    REQUEST, ACK             ──► primary duty (a standby answers REFUSED: not a primary)
 *    DIVERGED, REFUSED        ──► standby duty stops: the node FAILED, the message says why
 * </pre>
 */
final class ReplicationAgent implements Agent
{
    private static final long STATUS_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long FIGURES_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long CONFLICT_REPEAT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final ReplicationContext ctx;
    private final NodeState state;
    private final Channels channels;
    private final StatusFile status;
    private final EpochIndex epochs;
    private final Journal journal;
    private final Engine engine;
    private final EngineMetrics metrics;
    private final int maxPayloadLength;
    private final FragmentHandler controlHandler = this::onControl;
    private final FragmentHandler entryHandler = this::onEntryAtPrimary;
    private final long heartbeatNanos;
    private final long peerTimeoutNanos;
    private final StateComparison states;
    /** The last equal position this standby told its primary of. */
    private long toldEqualAt;
    private final org.agrona.collections.MutableLong checkHash = new org.agrona.collections.MutableLong();
    private StandbyDuty standby;
    private PrimaryDuty primary;
    private long now;
    private long heartbeatSentNanos;
    private long peerHeardNanos;
    /**
     * The Aeron session of the peer's control stream, as last heard: a restarted peer's publication is a new one, with
     * another session, which tells a restart from a peer that ran on through a silence.
     */
    private int peerControlSession;
    private boolean peerControlSessionKnown;
    /** When the peer was last heard again after it was LOST, and how long it had been silent then. */
    private long peerBackNanos;
    private long peerBackSilenceMillis;
    private final long startNanos;
    private boolean silenceReported;
    /** Since when the peer is heard but nothing listens at its endpoint (0: not so); whether that was said. */
    private long oneWaySinceNanos;
    private boolean oneWayReported;
    /** When the promotion being worked on was first seen here (0: none). */
    private long promotionAskedNanos;
    private long peerEpoch = -1;
    /** The peer said it was stopping (a clean stop), and nothing since: its silence is that, not a crash. */
    private boolean peerStopped;
    /** False when the node closes after its engine halted or failed to drain: no STOPPED is sent then. */
    private volatile boolean cleanClose = true;
    private volatile boolean engineClosed;
    private long statusNanos;
    private long figuresNanos;
    private long fencedReplyNanos;
    /** When the two-primaries warning was last said, or 0: it is said at once, then every half minute. */
    private long conflictSaidNanos;
    /** When "the peer is not a primary" was last said, or 0. */
    private long notPrimarySaidNanos;
    /** When a node of another history was last said to be heard, or 0: at once, then every half minute. */
    private long anotherHistorySaidNanos;
    /** When a message of another protocol version was last said to be heard, or 0. */
    private long otherVersionSaidNanos;
    /** When one was last heard, while the status page says so (0: it does not). */
    private long anotherHistoryHeardNanos;
    private volatile Throwable failure;
    /**
     * Whether this node's last process (one that did not fail, or failed after changing the journal) was a primary:
     * its journal may end in its own entries.
     */
    private final boolean ownTail;
    /** Where this node had shown events up to in its last process as a primary (its status page), -1 if it cannot say. */
    private final long ownShown;
    /** The journal's last position as this process started: a run that fails having moved it says its role. */
    private final long startedAt;
    private volatile CompletableFuture<Promotion> promotion;
    /** A standby whose engine halted: it sends no heartbeat, so that its primary sees it gone. */
    private boolean silent;
    /** The agent has given the engine the epoch command of the promotion under way (guarded by this). */
    private boolean promotionBegun;
    private volatile boolean promotionForced;
    private boolean heardPrimary;
    private volatile long primaryShown = -1;
    /** The most any primary of this node's epoch has said it showed, since this node started; -1 if none said. */
    private long mostPrimaryShown = -1;
    /** The peer's mode last said to differ from this node's, or -1. */
    private long peerModeSaid = -1;

    /** See {@link ReplicationNode#primaryShown()}. */
    long primaryShown()
    {
        return primaryShown;
    }
    /**
     * A refused standby's search for the last position it shares with the primary (two primaries in one
     * epoch), by halving: {@code searchLo} is shared (or the position before the epoch began), {@code searchHi}
     * differs. Searching while {@code searchProbe} > 0.
     */
    private long searchLo;
    private long searchHi;
    private long searchLast;
    private long searchProbe;
    /** Why this node's entries may be another history, where the search began from more than a difference; or null. */
    private String searchReason;
    /** The primary's last position as its refusal said it, where the search began from more than a difference. */
    private long searchPrimaryLast = Long.MAX_VALUE;
    private long searchSentNanos;
    private long searchAnsweredNanos;
    private long searchRefused;
    private long promotionPosition;
    private long promotionEpoch;
    private volatile long dropReceivingUntil;

    ReplicationAgent(final ReplicationContext ctx, final NodeState state, final Channels channels,
        final StatusFile status, final EpochIndex epochs, final Journal journal, final Engine engine,
        final int maxPayloadLength)
    {
        this.ctx = ctx;
        this.state = state;
        this.channels = channels;
        this.status = status;
        this.epochs = epochs;
        this.journal = journal;
        this.engine = engine;
        this.metrics = engine.metrics();
        this.maxPayloadLength = maxPayloadLength;
        this.heartbeatNanos = ctx.heartbeatInterval().toNanos();
        this.peerTimeoutNanos = ctx.peerTimeout().toNanos();
        this.states = new StateComparison(status, engine.stateChecks());
        final long start = System.nanoTime();
        this.startNanos = start;
        if (state.role == Role.PRIMARY)
        {
            primary = new PrimaryDuty(ctx, state, channels, status, epochs, journal, maxPayloadLength, start,
                journal.lastPosition(), status.get(StatusFile.SHOWN_PLUS_ONE) - 1);
        }
        else
        {
            standby = new StandbyDuty(ctx, state, channels, status, epochs, journal, engine, maxPayloadLength);
        }
        // Read before this process's role is written: its journal may end in entries it wrote as a primary.
        final long lastRole = status.get(StatusFile.LAST_ROLE_PLUS_ONE) - 1;
        this.ownTail = lastRole == Role.PRIMARY.ordinal() || lastRole == Role.FENCED.ordinal();
        this.ownShown = status.get(StatusFile.SHOWN_PLUS_ONE) - 1;
        this.startedAt = journal.lastPosition();
        status.put(StatusFile.ROLE, state.role.ordinal());
        status.put(StatusFile.ROLE_SET, 1);
        status.put(StatusFile.EPOCH, state.epoch);
        status.put(StatusFile.EPOCH_START, epochs.currentStart());
        status.put(StatusFile.MODE, ctx.mode() == ReplicationMode.SYNCHRONOUS ? StatusFile.MODE_SYNC : StatusFile.MODE_ASYNC);
    }

    @Override
    public String roleName()
    {
        return ctx.name() + "-replication";
    }

    @Override
    public int doWork()
    {
        if (engineClosed)
        {
            return 0;
        }
        now = System.nanoTime();
        if (failure == null && (state.role == Role.PRIMARY || state.role == Role.STANDBY))
        {
            final Throwable lost = channels.clientLost();
            if (lost != null)
            {
                lostTransport(lost);
                return 1;
            }
        }
        int work = channels.controlIn().poll(controlHandler, 32);
        final Role role = state.role;
        if (role == Role.STANDBY)
        {
            work += standbyWork();
        }
        else if (role == Role.PRIMARY)
        {
            work += primary.doWork(now);
            work += drainEntries();
        }
        work += heartbeat();
        watchPeer();
        work += promotionWork();
        if (now - statusNanos > STATUS_INTERVAL_NANOS)
        {
            publishStatus();
        }
        return work;
    }

    private int standbyWork()
    {
        final Throwable halted = engine.failure();
        if (halted != null)
        {
            // A reviewer's finding: a standby whose engine halted (its journal failed) went on heartbeating and
            // acknowledging what it had, so a synchronous primary never degraded and showed nothing more; or its agent
            // failed at every step, thousands of times a second; and node.failure() said nothing either way.
            // Silent from now on: its heartbeats kept the primary's session with it alive, so the primary waits for
            // it to go silent for the peer timeout, then goes on without it as with any standby lost.
            silent = true;
            // What it took from the primary before the halt goes on into its journal (a reviewer read "journals nothing
            // more" and saw its journal grow by 2,000): kept, for a start to apply.
            fail(new ReplicationException("this standby's engine halted, so it " + (halted instanceof
                io.ringlog.core.JournalException ? "journals and applies nothing more, and follows the primary no more: " :
                "applies nothing more and follows the primary no more (what it had taken from the primary is journaled, " +
                "for its next start to apply): ") + halted.getMessage() + ". The primary sees it as gone (" +
                (ctx.mode() == ReplicationMode.SYNCHRONOUS ? "synchronous: nothing more becomes visible until a " +
                "standby acknowledges it, or the primary degrades" : "asynchronous: the primary goes on alone") +
                "); mend what halted it and restart it as a standby", halted));
            return 1;
        }
        final String compared = states.compare();
        if (compared != null)
        {
            event(compared);
        }
        if (compared != null || states.equalAt() > toldEqualAt)
        {
            // Told as it is compared, not only with the next check: the primary's page showed the standby 4,500
            // positions behind what it had compared, and on an idle pair for good (a reviewer's finding).
            tellPrimaryTheState();
        }
        if (searchProbe > 0)
        {
            return search();
        }
        final long until = dropReceivingUntil;
        if (until != 0)
        {
            if (now < until)
            {
                if (channels.logIn() != null)
                {
                    channels.dropReceiving();
                    event("receiving dropped: the log and catch-up subscriptions are closed for a while");
                }
                return standby.doWork(now);
            }
            dropReceivingUntil = 0;
            channels.openReceiving();
            event("receiving again: the log and catch-up subscriptions are open");
        }
        try
        {
            return standby.doWork(now);
        }
        catch (final ReplicationException ex)
        {
            if (ex instanceof StandbyDuty.CannotFollow)
            {
                // Its heartbeats would keep the primary's session with it alive, acknowledging nothing more.
                silent = true;
            }
            fail(ex);
            return 1;
        }
    }

    /**
     * A primary receives no entries, unless another primary ships to it: one of an older epoch is told
     * it is fenced, one of a newer epoch fences this one. Either way nothing it sends is kept.
     */
    private int drainEntries()
    {
        int work = 0;
        if (channels.logIn() != null)
        {
            work += channels.logIn().poll(entryHandler, 64);
            work += channels.catchUpIn().poll(entryHandler, 64);
        }
        return work;
    }

    private void onEntryAtPrimary(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length < Messages.HEADER_LENGTH || state.role != Role.PRIMARY)
        {
            return;
        }
        final long epoch = Messages.epoch(buffer, offset);
        peerHeard(epoch, false, 0);
        if (epoch > state.epoch)
        {
            fence(epoch, -1, "entries");
        }
        else if (epoch < state.epoch)
        {
            replyFenced(epoch);
        }
        else
        {
            conflict();
        }
    }

    private void onControl(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length < Messages.HEADER_LENGTH)
        {
            return;
        }
        if (Messages.version(buffer, offset) != Messages.VERSION)
        {
            otherVersion(Messages.version(buffer, offset));
            return;
        }
        final int type = Messages.type(buffer, offset);
        final long epoch = Messages.epoch(buffer, offset);
        final long session = Messages.session(buffer, offset);
        final long historyHigh = Messages.historyHigh(buffer, offset, length);
        final long historyLow = Messages.historyLow(buffer, offset, length);
        if (anotherHistory(type, session, historyHigh, historyLow, buffer, offset, length))
        {
            onAnotherHistory(type, epoch, session, historyHigh, historyLow, buffer, offset, length);
            return;
        }
        peerHeard(epoch, true, header.sessionId());
        peerStopped = type == Messages.STOPPED;
        final Role role = state.role;
        if (role == Role.PRIMARY && epoch > state.epoch && type != Messages.REQUEST)
        {
            fence(epoch, type == Messages.HEARTBEAT ? Messages.field(buffer, offset, length, 2, -1) :
                type == Messages.FENCED ? Messages.field(buffer, offset, length, 0, -1) : -1, Messages.name(type));
            return;
        }
        switch (type)
        {
            case Messages.HEARTBEAT:
            {
                final long peerRole = Messages.field(buffer, offset, length, 0, -1);
                final long position = Messages.field(buffer, offset, length, 1, 0);
                status.put(StatusFile.PEER_POSITION, position);
                if (peerRole == Role.PRIMARY.ordinal() && role == Role.STANDBY ||
                    peerRole == Role.STANDBY.ordinal() && role == Role.PRIMARY)
                {
                    peerMode(Messages.field(buffer, offset, length, 4, -1));
                }
                if (peerRole == Role.PRIMARY.ordinal())
                {
                    if (epoch < state.epoch)
                    {
                        replyFenced(epoch);
                    }
                    else if (role == Role.STANDBY)
                    {
                        heardPrimary = true;
                        // A sender without the field (older) says nothing: -1.
                        primaryShown = Messages.field(buffer, offset, length, 3, -1);
                        if (epoch == state.epoch)
                        {
                            mostPrimaryShown = Math.max(mostPrimaryShown, primaryShown);
                        }
                        standby.onPrimaryHeartbeat(session, position, historyHigh, historyLow);
                    }
                    else if (role == Role.PRIMARY && epoch == state.epoch)
                    {
                        conflict();
                    }
                }
                break;
            }
            case Messages.REQUEST:
                if (role == Role.PRIMARY)
                {
                    if (epoch > state.epoch)
                    {
                        fence(epoch, -1, "REQUEST");
                        return;
                    }
                    primary.onRequest(epoch, session, Messages.field(buffer, offset, length, 0, 1),
                        Messages.field(buffer, offset, length, 1, -1));
                    if (state.session == session)
                    {
                        // Served: a heartbeat at once names this primary's history for the session, which a standby with
                        // an empty journal takes on before its first entry.
                        heartbeatSentNanos = now - heartbeatNanos;
                    }
                }
                else
                {
                    channels.send(Messages.REFUSED, state.epoch, session, 2, Messages.REFUSED_NOT_PRIMARY, 0, 0);
                }
                break;
            case Messages.STATE_CHECK:
                if (role == Role.STANDBY && epoch == state.epoch)
                {
                    final String compared = states.primaryCheck(Messages.field(buffer, offset, length, 0, 0),
                        Messages.field(buffer, offset, length, 1, 0));
                    if (compared != null)
                    {
                        event(compared);
                    }
                    // Answered to each check, so a primary started since hears it too (it says a change once).
                    tellPrimaryTheState();
                }
                break;
            case Messages.STATE_DIFFERS:
                if (role == Role.PRIMARY && epoch == state.epoch)
                {
                    final String said = states.standbyDiffers(Messages.field(buffer, offset, length, 0, 0),
                        Messages.field(buffer, offset, length, 1, 0), Messages.field(buffer, offset, length, 2, 0));
                    if (said != null)
                    {
                        event(said);
                    }
                }
                break;
            case Messages.STATE_EQUAL:
                if (role == Role.PRIMARY && epoch == state.epoch)
                {
                    final String said = states.standbyEqual(Messages.field(buffer, offset, length, 0, 0));
                    if (said != null)
                    {
                        event(said);
                    }
                }
                break;
            case Messages.ACK:
                if (role == Role.PRIMARY)
                {
                    primary.onAck(session, Messages.field(buffer, offset, length, 0, 0));
                }
                break;
            case Messages.DIVERGED:
                if (role == Role.STANDBY && session == standby.session())
                {
                    final long keep = Messages.field(buffer, offset, length, 0, 0);
                    final long last = standby.requestedFrom() - 1;
                    final long primaryChecksum = Messages.field(buffer, offset, length, 1, -1);
                    if (keep >= 1 && primaryChecksum >= 0 && standby.checksumAt(keep) != primaryChecksum)
                    {
                        // A reviewer's finding: the checksum was sent and never compared, so a rejoin cut after 'keep'
                        // a journal whose history had parted from the primary's before it, and appended the primary's.
                        fail(new ReplicationException("the primary's epoch " + epoch + " history took another course " +
                            "after position " + keep + ", where this node's epoch ended there; but this node's entry at " +
                            "position " + keep + " differs from the primary's, so the two histories part before it, " +
                            "and cutting this journal after it would not make it the primary's. Nothing was cut. Check " +
                            "the journal (scripts/journal verify), or move it away and let this node copy the primary's"));
                        break;
                    }
                    fail(new DivergedHistoryException("this node's journal goes on to position " + last + " past " +
                        "position " + keep + ", where the primary's epoch " + epoch + " history took another course " +
                        "(this node journaled them as a primary, and its standby was promoted without them: they were " +
                        "not acknowledged when this node stopped, or came after the promotion): positions " + (keep + 1) +
                        ".." + last + " must be cut off before it rejoins" + rejoinAdvice("; "), keep, last));
                }
                break;
            case Messages.REFUSED:
                if (role == Role.STANDBY && session == standby.session() &&
                    Messages.field(buffer, offset, length, 0, 0) == Messages.REFUSED_ANOTHER_HISTORY)
                {
                    refusedAsAnotherHistory(new JournalId(historyHigh, historyLow), Messages.field(buffer, offset, length,
                        4, -1));
                }
                else if (role == Role.STANDBY && session == standby.session())
                {
                    onRefused(Messages.field(buffer, offset, length, 0, 0), Messages.field(buffer, offset, length, 1, 0),
                        Messages.field(buffer, offset, length, 2, -1), Messages.field(buffer, offset, length, 3, -1),
                        Messages.field(buffer, offset, length, 4, -1));
                }
                break;
            case Messages.STOPPED:
                onPeerStopped(epoch, Messages.field(buffer, offset, length, 0, -1),
                    Messages.field(buffer, offset, length, 1, -1));
                break;
            case Messages.PROBE:
                if (role == Role.PRIMARY)
                {
                    primary.onProbe(session, Messages.field(buffer, offset, length, 0, -1),
                        Messages.field(buffer, offset, length, 1, -1));
                }
                break;
            case Messages.PROBE_ANSWER:
                if (role == Role.STANDBY && searchProbe > 0 && session == standby.session() &&
                    Messages.field(buffer, offset, length, 0, -1) == searchProbe)
                {
                    onProbeAnswer(Messages.field(buffer, offset, length, 1, 0) == 1);
                }
                break;
            case Messages.SESSION_ENDED:
                if (role == Role.STANDBY)
                {
                    standby.onSessionEnded(session);
                }
                break;
            case Messages.FENCED:
                if (role == Role.PRIMARY)
                {
                    fence(Math.max(epoch, state.epoch + 1), Messages.field(buffer, offset, length, 0, -1), "FENCED");
                }
                break;
            default:
                break;
        }
    }

    /**
     * The primary refused this standby's request. Refused in this epoch, with this node's entries of the
     * epoch in the way, it was a primary of this epoch too (two nodes started as primaries): its own
     * entries from the epoch's first position on are another history, cut off by a rejoin. Refused for a
     * difference before that, it holds another history. Refused as ahead with the same entry where the
     * primary's journal ends (or ended when it started), this node holds entries the primary shipped and
     * then did not have: if the primary says it showed nothing past there, and no primary of the epoch
     * told this node otherwise, it never journaled them (it was stopped between shipping and journaling
     * them), nobody saw them, and they are cut off ({@link DivergedHistoryException#neverShown()}); if
     * it showed more, or cannot say, its disk lost them, and only this node has what was seen.
     */
    private void onRefused(final long reason, final long position, final long primaryChecksum, final long primaryShown,
        final long primaryLast)
    {
        if (reason == Messages.REFUSED_NOT_PRIMARY)
        {
            // Refused at each request, a second apart: said at once, then every 30 s, as the other conditions that last
            // (a reviewer's two standbys said it 11 times in 11 s).
            if (notPrimarySaidNanos == 0 || now - notPrimarySaidNanos > CONFLICT_REPEAT_NANOS)
            {
                notPrimarySaidNanos = now == 0 ? 1 : now;
                event("the peer is not a primary (a standby too?): waiting for a primary");
            }
            return;
        }
        if (reason == Messages.REFUSED_TRIMMED)
        {
            fail(new ReplicationException("the primary's journal holds positions from " + position + " on (older " +
                "entries were deleted there), and this standby's ends at position " + (standby.requestedFrom() - 1) +
                ": it cannot catch up from the primary's journal. Stop this node, give it a copy of the primary's " +
                "journal and snapshots (the primary stopped, or from a copy it keeps), and start it again as a standby"));
            return;
        }
        final long last = standby.requestedFrom() - 1;
        final long epochStart = epochs.currentStart();
        if (reason == Messages.REFUSED_STANDBY_AHEAD)
        {
            final boolean differs = primaryChecksum >= 0 && position >= 1 && standby.checksumAt(position) != primaryChecksum;
            final boolean wentOn = primaryLast > position;
            if (!differs && ownTail && !wentOn && (ownShown < 0 || ownShown > position))
            {
                // A reviewer's finding: this node was the primary last, and its entries past 'position' are its own,
                // which it showed (its status page says how far). They were cut below as "shipped by the primary, which
                // stopped before it journaled them ... no client saw them": the node started as primary here has the
                // older history (it followed this one, then stopped hearing it), and cutting this node would drop what
                // clients saw. Refused, saying which node to start as the primary; a node started to rejoin is cutting
                // them, as that refusal says a rejoin does (a reviewer's finding: --rejoin was refused the same way).
                final String shown = ownShown < 0 ? "cannot say how far it showed events (its status page does not say)" :
                    "showed events up to position " + ownShown;
                if (ctx.rejoining())
                {
                    fail(new DivergedHistoryException("positions " + (position + 1) + ".." + last + " of this node's " +
                        "journal are its own, from its last run as a primary, which " + shown + ", past position " +
                        position + ", where the journal of the node started as the primary now ends: clients may have " +
                        "seen their events. This node was started to rejoin that history, so they are cut off, and it " +
                        "follows the primary from position " + (position + 1), position, last, false));
                    return;
                }
                fail(new ReplicationException("this node was the primary before it stopped, and " + shown + ", past " +
                    "position " + position + ", where the journal of the node started " +
                    "as the primary now ends: positions " + (position + 1) + ".." + last + " are this node's own entries, " +
                    "which clients may have seen, and the other node's history is the older (it followed this one, then " +
                    "stopped hearing it). To keep them, stop the other node, restart this one as the primary and the " +
                    "other as its standby, which then follows this history. To drop them instead, restart this node as a " +
                    "standby with a rejoin (Rejoin.truncate, scripts/replica node --rejoin), whose plan lists them"));
                return;
            }
            if (!differs && !(ownTail && wentOn) && primaryShown >= 0 && primaryShown <= position &&
                mostPrimaryShown <= position)
            {
                // Where this node was the primary last (and showed no more than 'position', above), they are its own.
                fail(new DivergedHistoryException("positions " + (position + 1) + ".." + last + " of this standby's " +
                    "journal " + (ownTail ? "are its own, from its last run as a primary, which showed events up to " +
                    "position " + ownShown + " only; the node started as the primary has its journal ending at position " +
                    position : "were shipped by its primary, which stopped before it journaled them: it started again " +
                    "with its journal ending at position " + position + ", and it has shown events up to position " +
                    primaryShown + " only" + (mostPrimaryShown >= 0 ? " (and said " + mostPrimaryShown + " at most to " +
                    "this node)" : "")) + ". No client saw them; they are cut off here (Rejoin.truncate), and this node " +
                    "follows the primary from position " + (position + 1), position, last, true));
                return;
            }
            if (!differs && wentOn && (ownTail || primaryShown >= 0 && primaryShown <= position) &&
                position >= epochStart - 1)
            {
                // A newcomer's probe: the primary's journal ended at 'position' when it started, and it has gone on
                // past it with entries of its own, which this node's differ from. Where this node was a primary too
                // (its last process), its entries there are its own, which it may have shown: not "shipped and never
                // journaled", cut without a word (above), nor "the primary lost entries", kept by a forced promotion
                // that drops the primary's (below), as it said before. Where it was not, and the primary had shown
                // nothing past 'position', no client saw them from the primary. Either way the primary's history goes
                // on, and this node's entries from where the two part are another, as with two primaries: found, and
                // cut by a rejoin, whose plan says what this node showed. Where the primary had shown past 'position',
                // or cannot say, it lost entries clients may have seen: said below, with what a promotion would drop.
                searchReason = "it was started as a primary too; or the primary, which started again with its journal " +
                    "ending at position " + position + ", had shipped them before it stopped and then did not have them " +
                    "(never journaled, or lost from its disk), and went on with others";
                searchPrimaryLast = primaryLast;
                startSearch(position, Math.min(last, primaryLast + 1), last);
                return;
            }
            if (!differs && position == 0)
            {
                // Nothing to compare: a primary that lost its whole journal, or a standby given a journal not this
                // pair's, look the same from here. Forcing a promotion is right for the one and wrong for the other.
                fail(new ReplicationException("the primary's journal is empty, and this standby's goes on to position " +
                    last + ": either the primary lost its journal (a new disk, its directory moved away), or this " +
                    "standby's journal is not this pair's (another pair's, another service's), and with no entry on the " +
                    "primary to compare, this node cannot tell which. If it is this pair's, keep it: stop the primary, " +
                    "restart this node as a standby and promote it with force (ReplicationNode.promote(timeout, true), " +
                    "scripts/replica promote --force), then restart the old primary as a standby. If it is not, move " +
                    "this standby's journal away and let it copy the primary's"));
                return;
            }
            if (!differs)
            {
                final String since = wentOn ? " and it has journaled positions " + (position + 1) + ".." + primaryLast +
                    " of its own since" : "";
                fail(new ReplicationException((wentOn ? "the primary's journal ended at position " + position + " when " +
                    "it started again, before this standby's," + since : "the primary's journal ends at position " +
                    position + ", before this standby's") + ": either both nodes stopped at once and this node, the " +
                    "primary before them, had journaled entries its standby never acknowledged (then restart the two in " +
                    "their former roles, this node as the primary: nothing is lost, and every event is shown), or the " +
                    "primary lost entries it had shipped (its disk, or an older copy of its journal)" +
                    (primaryShown > position ? ", and it had shown events up to position " +
                    primaryShown + ", so clients may have seen them" : "") + ". To keep them, stop the primary, restart " +
                    "this node as a standby and promote it with force (it will not have heard a primary: " +
                    "ReplicationNode.promote(timeout, true), scripts/replica promote --force)" + (wentOn ? ", which drops " +
                    "the primary's positions " + (position + 1) + ".." + primaryLast : "") + ", then restart the old " +
                    "primary as a standby; or, to drop them, move this standby's journal away and let it copy the " +
                    "primary's" + (wentOn && primaryShown < 0 ? ". (The primary cannot say what it had shown: if this " +
                    "node was started as a primary of this epoch too, they are its own entries, and a restart as a " +
                    "standby with --rejoin cuts them)" : "")));
                return;
            }
        }
        if (position >= epochStart)
        {
            searchReason = null;
            searchPrimaryLast = Long.MAX_VALUE;
            // Its entries of the epoch may begin with ones the primary has too (it followed, then was started as a
            // primary): find the last of them, so a rejoin keeps them instead of copying them again.
            startSearch(epochStart - 1, position, last);
            return;
        }
        fail(new ReplicationException("this standby's entry at position " + position + " differs from the " +
            "primary's, before this epoch began here (position " + epochStart + "): a different history, not a tail " +
            "of its own. Repair it by hand (scripts/journal) or start this standby from an empty journal"));
    }

    private void startSearch(final long shared, final long differs, final long last)
    {
        standby.stop();
        searchLo = shared;
        searchHi = differs;
        searchLast = last;
        searchRefused = differs;
        searchAnsweredNanos = now;
        event((differs > searchPrimaryLast ? "the primary has no entry at position " + differs + " (its journal ends at " +
            searchPrimaryLast + "), which this node holds" : "the primary's entry at position " + differs + " differs from " +
            "this node's") + ", in the epoch both are in: looking for the last position both hold the same, after " + shared);
        nextProbe();
    }

    private void nextProbe()
    {
        if (searchHi - searchLo <= 1)
        {
            searchProbe = 0;
            twoPrimaries(searchRefused, searchLo, searchLast);
            return;
        }
        searchProbe = searchLo + (searchHi - searchLo) / 2;
        sendProbe();
    }

    private void sendProbe()
    {
        searchSentNanos = now;
        channels.send(Messages.PROBE, state.epoch, standby.session(), 2, searchProbe, standby.checksumAt(searchProbe), 0);
    }

    private int search()
    {
        if (now - searchAnsweredNanos > peerTimeoutNanos)
        {
            // No answer for a peer timeout (a primary that does not know PROBE, or gone): what is known is kept.
            event("the primary did not answer where the histories part; keeping what is known to be shared, up to " +
                "position " + searchLo);
            searchProbe = 0;
            twoPrimaries(searchRefused, searchLo, searchLast);
            return 1;
        }
        if (now - searchSentNanos > heartbeatNanos)
        {
            sendProbe();
            return 1;
        }
        return 0;
    }

    private void onProbeAnswer(final boolean same)
    {
        searchAnsweredNanos = now;
        if (same)
        {
            searchLo = searchProbe;
        }
        else
        {
            searchHi = searchProbe;
        }
        nextProbe();
    }

    /** Two primaries in one epoch: this node's entries after {@code keep} are another history, cut by a rejoin. */
    private void twoPrimaries(final long position, final long keep, final long last)
    {
        final long epochStart = epochs.currentStart();
        final String shared = keep >= epochStart ? " (positions " + epochStart + ".." + keep + " of the epoch are the " +
            "primary's too, and are kept)" : "";
        fail(new DivergedHistoryException("TWO PRIMARIES in epoch " + state.epoch + "? " + (position > searchPrimaryLast ?
            "This node's journal goes on to position " + last + ", past the primary's " + searchPrimaryLast + ", and " +
            "differs from it" : "This node's entry at position " + position + " differs from the primary's") + ", in " +
            "the epoch both are in: its entries from position " +
            (keep + 1) + " to " + last + " are another history (" + (searchReason != null ? searchReason :
            "it was started as a primary too, or its journal was changed") + ")" + shared + ". They must be cut off " +
            "before it follows" + rejoinAdvice(": ") + "; it then catches up on the primary's history from position " +
            (keep + 1) + (keep > 0 ? "" : ". That is all of its journal: if the journal is not this pair's at all " +
            "(another service's, say), move it away instead of rejoining"), keep, last));
    }

    /** How to cut a diverged tail, after {@code separator}; nothing for a node started to rejoin, which is doing it. */
    private String rejoinAdvice(final String separator)
    {
        return ctx.rejoining() ? "" : separator + "restart it as a standby with --rejoin (Rejoin.truncate), which says " +
            "what it drops";
    }

    /** @param controlSession the Aeron session the message came in on, where {@code onControl} it came on the control stream. */
    private void peerHeard(final long epoch, final boolean onControl, final int controlSession)
    {
        // A newcomer's: the README's pair, its killed primary rejoined within three peer timeouts, had the new primary
        // advise giving both nodes the same settings. A new control stream is a restarted process, not a flapping one.
        final boolean restarted = onControl && peerControlSessionKnown && controlSession != peerControlSession;
        if (onControl)
        {
            peerControlSession = controlSession;
            peerControlSessionKnown = true;
        }
        final long silenceMillis = peerHeardNanos == 0 ? 0 : (now - peerHeardNanos) / 1_000_000;
        peerHeardNanos = now;
        peerEpoch = Math.max(peerEpoch, epoch);
        if (state.peerLost)
        {
            state.peerLost = false;
            status.put(StatusFile.PEER_STATE, PeerState.CONNECTED.ordinal());
            // A peer that said it was stopping, heard again, was restarted: its silence is explained.
            final boolean soon = !peerStopped && !restarted && silenceMillis > 0 &&
                silenceMillis < 3 * ctx.peerTimeout().toMillis();
            if (silenceMillis > 0 && !peerStopped)
            {
                peerBackNanos = now;
                peerBackSilenceMillis = silenceMillis;
            }
            // Heard is all it knows: a reviewer's standby whose --peer named nothing said "peer <that endpoint>
            // connected", hearing its own primary. Whether its own messages reach --peer, ONE WAY and NOT ANSWERED say.
            // Heard again this soon (a second reviewer's pair, the primary with a longer --heartbeat-ms, flapped every
            // few seconds): its messages come further apart than this node's peer timeout allows.
            event("peer heard (epoch " + epoch + ")" + (silenceMillis > 0 ? " after " + silenceMillis + " ms of silence" :
                "") + (restarted ? ", a process started since (a new stream)" : "") + ": the other node's messages " +
                "arrive; this node sends its own to " + ctx.peerEndpoint() + " (--peer)" + (soon ? ". Heard again this " +
                "soon, the same process as before, it was running all along, its messages further apart than this " +
                "node's peer timeout (" + ctx.peerTimeout().toMillis() + " ms) allows: " +
                "give both nodes the same --heartbeat-ms and --peer-timeout-ms" : ""));
        }
        status.put(StatusFile.PEER_EPOCH, peerEpoch);
    }

    /** The peer closed cleanly (its last message): says so, and what this node holds beside its journal. */
    private void onPeerStopped(final long peerEpoch, final long peerRole, final long peerPosition)
    {
        final String who = peerRole == Role.PRIMARY.ordinal() ? "the primary" : peerRole == Role.STANDBY.ordinal() ?
            "the standby" : "it";
        String held = "";
        // Only of a primary this standby follows, in its epoch: one that failed (diverged) or stopped following (a
        // search for where two histories part) holds positions of another history, which say nothing here.
        if (state.role == Role.STANDBY && peerRole == Role.PRIMARY.ordinal() && peerEpoch == state.epoch &&
            failure == null && !standby.stopped())
        {
            final long journaled = StandbyDuty.journaled(metrics, journal);
            held = journaled >= peerPosition ? "; this standby holds all of it (up to position " + journaled + "): " +
                "promoting it loses nothing" : "; this standby holds up to position " + journaled + " only: promoted " +
                "now, it would not have positions " + (journaled + 1) + ".." + peerPosition;
            if (states.differsHere())
            {
                held += "; but its state differs from the primary's (" + (states.carried() ? "found by an earlier " +
                    "process of this node, and not compared since" : "the STATE DIFFERS line above") + ")";
            }
        }
        event("peer " + ctx.peerEndpoint() + " STOPPED: " + who + " is stopping cleanly, its journal ending at position " +
            peerPosition + held);
    }

    private void watchPeer()
    {
        watchOneWay();
        if (anotherHistoryHeardNanos != 0 && now - anotherHistoryHeardNanos > peerTimeoutNanos)
        {
            anotherHistoryHeardNanos = 0;
            anotherHistorySaidNanos = 0;
            state.anotherHistory = false;
            if (failure == null && !state.fenced && !state.twoPrimaries)
            {
                status.message("");
            }
            event("the node of another journal is heard no more (for " + ctx.peerTimeout().toMillis() + " ms)");
        }
        if (!state.peerLost && now - peerHeardNanos > peerTimeoutNanos)
        {
            state.peerLost = true;
            status.put(StatusFile.PEER_STATE, PeerState.LOST.ordinal());
            event("peer " + ctx.peerEndpoint() + " LOST: silent for " + ctx.peerTimeout().toMillis() + " ms" +
                (peerStopped ? " since it said it was stopping (the STOPPED line above)" : "") + anotherHeard() +
                withoutPeer());
            if (state.role == Role.PRIMARY)
            {
                primary.onPeerLost();
            }
        }
        else if (peerHeardNanos == 0 && !silenceReported && now - startNanos > peerTimeoutNanos)
        {
            // A peer that never answered is no LOST event (it was never connected), yet a synchronous
            // primary waits on it all the same: say so once, or a wrong --peer looks like a hang.
            silenceReported = true;
            event("peer " + ctx.peerEndpoint() + " NOT HEARD from in the " + ctx.peerTimeout().toMillis() +
                " ms since this node started (is it running, and is that its listen endpoint?)" + anotherHeard() +
                (state.role == Role.PRIMARY ? withoutPeer() : ": this standby waits for a primary"));
        }
    }

    /** Where a node of another journal is heard, that the silence is the peer's only: a reviewer read it as the node heard. */
    private String anotherHeard()
    {
        return state.anotherHistory ? " (what is heard is a node of another journal, whose messages are not taken: the " +
            "ANOTHER JOURNAL line)" : "";
    }

    /**
     * A peer heard from while nothing listens where this node sends: its --peer is not the other node's --listen.
     * Heard, it looked connected on both sides (a primary catching up a standby that never got a byte, again and
     * again); said once, and in the status, until something listens.
     */
    private void watchOneWay()
    {
        // A peer that said it is stopping no longer listens, and is no wrong --peer (a reviewer saw "peer ONE WAY ...
        // your --peer is wrong" after a primary's clean stop, in some tries).
        final boolean heard = peerHeardNanos != 0 && !state.peerLost && !peerStopped;
        if (!heard || channels.peerListening())
        {
            if (oneWayReported && heard)
            {
                status.put(StatusFile.PEER_STATE, PeerState.CONNECTED.ordinal());
                event("peer " + ctx.peerEndpoint() + " now hears this node: connected both ways");
            }
            oneWaySinceNanos = 0;
            oneWayReported = false;
            return;
        }
        if (oneWaySinceNanos == 0)
        {
            oneWaySinceNanos = now;
        }
        else if (!oneWayReported && now - oneWaySinceNanos > peerTimeoutNanos)
        {
            oneWayReported = true;
            status.put(StatusFile.PEER_STATE, PeerState.ONE_WAY.ordinal());
            event("peer ONE WAY: this node hears its peer, but nothing listens at " + ctx.peerEndpoint() + ", where " +
                "this node sends: its --peer (ReplicationContext.peerEndpoint) must be the other node's --listen " +
                "endpoint, and is not (or something between drops it). Until it is, " + (state.role == Role.PRIMARY ?
                "the standby gets nothing from this primary" + withoutPeer() : "the primary hears nothing from this " +
                "standby: no acknowledgement, no request to catch up"));
        }
    }

    private long configuredMode()
    {
        return ctx.mode() == ReplicationMode.SYNCHRONOUS ? StatusFile.MODE_SYNC : StatusFile.MODE_ASYNC;
    }

    /**
     * The mode the peer was started with, from its heartbeat (-1 from an older sender). Only the
     * primary's mode decides whether visibility waits for the standby; the standby's applies once it is
     * promoted. Nodes started with different modes are said once (for each mode the peer comes with).
     */
    private void peerMode(final long mode)
    {
        if (mode != StatusFile.MODE_ASYNC && mode != StatusFile.MODE_SYNC)
        {
            return;
        }
        status.put(StatusFile.PEER_MODE_PLUS_ONE, mode + 1);
        if (mode == configuredMode() || mode == peerModeSaid)
        {
            peerModeSaid = mode == configuredMode() ? -1 : peerModeSaid;
            return;
        }
        peerModeSaid = mode;
        final boolean peerSync = mode == StatusFile.MODE_SYNC;
        final String peer = state.role == Role.STANDBY ? "primary" : "standby";
        final String consequence;
        if (state.role == Role.STANDBY)
        {
            consequence = peerSync ? "the primary waits for this standby, but if this node is promoted it will not " +
                "wait for a standby of its own" : "the primary does not wait for this standby (what it shows can be " +
                "lost with it, whatever this node's mode), and this node's mode applies only once it is promoted";
        }
        else
        {
            consequence = peerSync ? "this primary does not wait for it (what it shows can be lost with this node), " +
                "and the standby's mode applies only once it is promoted" : "this primary waits for it, but if the " +
                "standby is promoted it will not wait for a standby of its own";
        }
        event("the " + peer + " at " + ctx.peerEndpoint() + " was started " + (peerSync ? "synchronous" :
            "asynchronous") + " and this node " + (peerSync ? "asynchronous" : "synchronous") + ": " + consequence +
            ". Give both nodes the same mode (ReplicationContext.mode; --mode on the command line)");
    }

    /** What this node does while it has no peer, in words. */
    private String withoutPeer()
    {
        if (state.role != Role.PRIMARY)
        {
            return ": no automatic failover; an arbiter may promote this standby";
        }
        if (ctx.mode() != ReplicationMode.SYNCHRONOUS)
        {
            return ": asynchronous, so the primary goes on alone";
        }
        if (ctx.standbyLoss() == StandbyLoss.WAIT)
        {
            return ": synchronous, so nothing more becomes visible until a standby acknowledges it (standbyLoss WAIT)";
        }
        // With --degrade-after-ms no longer than the peer timeout, the primary has degraded by the time it says this.
        return state.degraded ? ": synchronous, degraded to asynchronous already (the DEGRADED line above)" :
            ": synchronous, waiting up to " + ctx.degradeAfter().toMillis() + " ms before degrading to asynchronous";
    }

    private int heartbeat()
    {
        if (silent || now - heartbeatSentNanos < heartbeatNanos)
        {
            return 0;
        }
        heartbeatSentNanos = now;
        final Role role = state.role;
        final long position = role == Role.PRIMARY ? journal.lastPosition() : StandbyDuty.journaled(metrics, journal);
        final long session = role == Role.STANDBY ? standby.session() : state.session;
        final long shown = role == Role.PRIMARY && ctx.shownPosition() != null ? ctx.shownPosition().getAsLong() : -1;
        channels.send(Messages.HEARTBEAT, state.epoch, session, 5, role.ordinal(), position, epochs.currentStart(), shown,
            configuredMode());
        if (role == Role.PRIMARY)
        {
            sendStateChecks(session);
        }
        return 1;
    }

    /**
     * The state hashes taken since the last heartbeat, for the standby to compare with its own (StateComparison); a
     * send that fails (no standby listening yet) is tried again at the next heartbeat. With none new, the newest again:
     * a standby started since the primary's last check, or that lost it, compares that one (a standby restarted after
     * a mend waited for good when the one check after its start went out before it listened).
     */
    private void sendStateChecks(final long session)
    {
        boolean sent = false;
        for (long at = states.nextToSend(checkHash); at != 0; at = states.nextToSend(checkHash))
        {
            if (!channels.send(Messages.STATE_CHECK, state.epoch, session, 2, at, checkHash.get(), 0))
            {
                return;
            }
            states.sent(at);
            sent = true;
        }
        final long newest = sent ? 0 : states.newest(checkHash);
        if (newest != 0)
        {
            channels.send(Messages.STATE_CHECK, state.epoch, session, 2, newest, checkHash.get(), 0);
            // And one older, in turn: a standby started again whose hashes miss the newest's position compares one.
            final long older = states.olderToResend(checkHash);
            if (older != 0)
            {
                channels.send(Messages.STATE_CHECK, state.epoch, session, 2, older, checkHash.get(), 0);
            }
        }
    }

    /**
     * Where the next comparison comes, as far as this node knows. A node takes its hashes in its replay at a start too,
     * so a standby compares within a heartbeat of hearing from its primary where its journal reaches the primary's
     * newest check; else at its own next check position, or a snapshot both take first.
     */
    private String nextComparison()
    {
        final long every = ctx.stateCheckEvery();
        final long applied = metrics.lastAppliedPosition();
        final String soon = "within a few heartbeats of hearing from the primary (" + (heardPrimary ? "it has heard from " +
            "it" : "it has not heard from it since it started") + "), at a position both took a state hash at, live or " +
            "in the replay at their start (every --state-check-every and --snapshot-every positions, so both nodes need " +
            "the same of each) and after the difference; else ";
        return every > 0 ? soon + "at position " + (applied / every + 1) * every + " at the latest (the next multiple of " +
            "--state-check-every " + every + " past this node's " + applied + "), or at a snapshot both nodes take " +
            "before it" : soon + "this node takes state hashes at its snapshots only (--state-check-every 0), so at the " +
            "next snapshot both nodes take, if they take any";
    }

    /** A standby tells its primary how its state compares: differs (where, both hashes), or equal up to where. */
    private void tellPrimaryTheState()
    {
        toldEqualAt = states.equalAt();
        if (states.differsHere())
        {
            channels.send(Messages.STATE_DIFFERS, state.epoch, standby.session(), 3, states.differsAt(),
                states.hashHere(), states.hashPeer());
        }
        else if (states.equalAt() > 0)
        {
            channels.send(Messages.STATE_EQUAL, state.epoch, standby.session(), 1, states.equalAt(), 0, 0);
        }
    }

    private void replyFenced(final long senderEpoch)
    {
        if (now - fencedReplyNanos > heartbeatNanos)
        {
            fencedReplyNanos = now;
            channels.send(Messages.FENCED, state.epoch, NodeState.NO_SESSION, 1, epochs.currentStart(), 0, 0);
            event("a primary of epoch " + senderEpoch + " is still running; this node is in epoch " + state.epoch +
                ": told it it is fenced");
        }
    }

    /**
     * Whether a message's sender holds another history than this node: its journal holds entries under another
     * identity than this node's. Not for a sender whose journal is empty (a new standby takes on its primary's), nor
     * in a session the primary serves (it took the request first). A standby with an empty journal takes anything (it
     * takes on its primary's); a primary with an empty journal compares its own (a reviewer's finding: a new
     * primary was fenced, before its first entry, by another pair's node in a newer epoch), except for a request,
     * which it answers by what it holds. A request from a journal under another identity whose entry before the first
     * it asks for checks against this journal's is this history under another name (a pair made before the two
     * shared one, a copy given a new identity): it is served.
     */
    private boolean anotherHistory(final int type, final long session, final long senderHigh, final long senderLow,
        final DirectBuffer buffer, final int offset, final int length)
    {
        if (senderHigh == 0 && senderLow == 0 || session != NodeState.NO_SESSION && (state.role == Role.PRIMARY ?
            session == state.session : standby != null && session == standby.session()))
        {
            return false;
        }
        final boolean empty = journal.lastPosition() == 0;
        final JournalId own = !empty || state.role == Role.PRIMARY && type != Messages.REQUEST ? journal.id() :
            JournalId.NONE;
        if (!own.known() || own.high() == senderHigh && own.low() == senderLow)
        {
            return false;
        }
        if (type == Messages.REQUEST && state.role == Role.PRIMARY)
        {
            final long from = Messages.field(buffer, offset, length, 0, 1);
            final long checksum = Messages.field(buffer, offset, length, 1, -1);
            if (from > 1 && from - 1 <= journal.lastPosition() && from - 1 >= journal.firstPosition() && checksum >= 0 &&
                primary.checksumAt(from - 1) == checksum)
            {
                event("a standby whose journal holds this primary's history up to position " + (from - 1) + " (its entry " +
                    "there checks) under another journal id (" + new JournalId(senderHigh, senderLow) + ", this node's " +
                    own + "): a pair made before ringlog gave both nodes one identity (2026-12-06), or a copy given a new " +
                    "identity since. It is served. Outside a catch-up session, though (a promotion of it), it is not told " +
                    "from another pair's node: give it this journal's identity (stop it, move its journal away, and let it " +
                    "copy this one)");
                return false;
            }
        }
        return true;
    }

    /**
     * A message of another protocol version: not read. Said (a reviewer's finding: a pair upgraded one node at a time
     * said only that the peer was not heard), at once and every half minute.
     */
    private void otherVersion(final int version)
    {
        if (otherVersionSaidNanos != 0 && now - otherVersionSaidNanos <= CONFLICT_REPEAT_NANOS)
        {
            return;
        }
        otherVersionSaidNanos = now == 0 ? 1 : now;
        final String message = "OTHER VERSION: a node sends to " + ctx.localEndpoint() + " in replication protocol " +
            "version " + version + ", and this node reads version " + Messages.VERSION + " only" + (version < Messages.VERSION ?
            " (ringlog from before 2026-12-06 speaks version 1)" : " (newer ringlog)") + ": nothing it sends is taken, " +
            "and it does not take what this node sends. Both nodes of a pair run one version: stop the standby, then " +
            "the primary, upgrade both, and start the primary, then the standby";
        status.message(message);
        event(message);
    }

    /** The primary refused this standby's request: its journal is another one than this node's. Nothing is changed. */
    private void refusedAsAnotherHistory(final JournalId primaryHistory, final long primaryLast)
    {
        final long last = journal.lastPosition();
        fail(new ReplicationException("the primary at " + ctx.peerEndpoint() + " holds another journal than this " +
            "node's: its journal id is " + primaryHistory + " (its journal ends at position " + primaryLast + "), this " +
            "node's " + journal.id() + " (ending at position " + last + "). The two share no history that this node can " +
            "tell, so it cannot follow it, and nothing was cut or changed. Either --peer names another pair's node (or " +
            "another service's): give this node its own primary's endpoint. Or this journal is not the one to keep " +
            "(both nodes were started as primaries, each on a new journal, or it was copied from elsewhere): stop this " +
            "node, move its journal away, and start it again as a standby, and it copies the primary's. Or it is the " +
            "primary that started on a new journal (its own was lost or moved away" + (primaryLast < last ? ", and it " +
            "holds less than this node" : "") + "): to keep this node's history, stop the primary, promote this node " +
            "with force (restarted as a standby with the primary stopped: scripts/replica promote --force), and restart " +
            "the other as a standby with its journal moved away. A rejoin never cuts a journal of another history"));
    }

    /**
     * A node whose journal is another one than this node's sends to it: a --peer names a node of another pair (or
     * another service), or both nodes were started as primaries, each on a journal of its own. Nothing it says is
     * taken (a reviewer's finding: a node of another pair in a newer epoch fenced a healthy primary with its REQUEST,
     * and a standby told by another pair's primary that its history had diverged cut its whole journal when rejoined,
     * and copied the other's). A standby's request is refused, saying why; the standby's own node fails on it, having
     * changed nothing.
     */
    private void onAnotherHistory(final int type, final long epoch, final long session, final long senderHigh,
        final long senderLow, final DirectBuffer buffer, final int offset, final int length)
    {
        final JournalId sender = new JournalId(senderHigh, senderLow);
        final Role role = state.role;
        anotherHistoryHeardNanos = now == 0 ? 1 : now;
        state.anotherHistory = true;
        if (type == Messages.REQUEST && role == Role.PRIMARY)
        {
            channels.send(Messages.REFUSED, state.epoch, session, 5, Messages.REFUSED_ANOTHER_HISTORY,
                journal.lastPosition(), -1, -1, journal.lastPosition());
        }
        if (anotherHistorySaidNanos != 0 && now - anotherHistorySaidNanos <= CONFLICT_REPEAT_NANOS)
        {
            return;
        }
        anotherHistorySaidNanos = now == 0 ? 1 : now;
        final String message = "ANOTHER JOURNAL: a node whose journal is another one than this node's sends to " +
            ctx.localEndpoint() + " (its " + Messages.name(type) + ", in epoch " + epoch + "; its journal id is " +
            sender + ", this node's " + channels.history() + "): the two share no history. Nothing it sends is taken: " +
            "it neither fences this node nor follows it" + (type == Messages.REQUEST && role == Role.PRIMARY ?
            " (its request is refused, saying why)" : "") + ". A --peer names the wrong node, this one's or that " +
            "node's: a node of another pair, or of another service. If the two were meant to be one pair (both " +
            "started as primaries, each on a new journal), keep one: stop the other, move its journal away, and " +
            "start it again as a standby, and it copies the one kept";
        status.message(message);
        event(message);
    }

    private void conflict()
    {
        if (conflictSaidNanos == 0 || now - conflictSaidNanos > CONFLICT_REPEAT_NANOS)
        {
            conflictSaidNanos = now == 0 ? 1 : now;
            final String message = "TWO PRIMARIES in epoch " + state.epoch + ": the peer is a primary too. Both were " +
                "started as primaries without a promotion, and each journals its own commands. Keep one: stop the " +
                "other (synchronous, its stop waits its --drain-timeout-s for acknowledgements no primary sends, then " +
                "says it failed) and restart it with --role standby --rejoin (Rejoin.truncate in code). It cuts off its " +
                "own entries of this epoch (its commands there are lost) and follows the one kept. Where the two were " +
                "each started on a new journal, they share no history, and a rejoin refuses to cut it (a reviewer's " +
                "pair): move the other's journal away instead, and it starts as a standby on none and copies the one " +
                "kept";
            status.message(message);
            state.twoPrimaries = true;
            event(message);
        }
    }

    /** A newer epoch exists: this primary is stale. Its engine halts; nothing more becomes visible here. */
    private void fence(final long newerEpoch, final long newerEpochStart, final String how)
    {
        if (state.fenced)
        {
            return;
        }
        state.fenced = true;
        final String tail = newerEpochStart > 0 ? "its history took its own course from position " + newerEpochStart +
            ", so whatever this node holds from there on is not in it" : "whatever this node holds beyond what the " +
            "peer had may not be in its history";
        final String message = "FENCED: the peer is in epoch " + newerEpoch + " (learnt from its " + how + "), " +
            "newer than this primary's epoch " + state.epoch + ": it was promoted, and " + tail + ". This node halts " +
            "and makes nothing more visible (its standby acknowledged up to " + Math.max(0, primary.acknowledged()) +
            "). Restart it as a standby with --rejoin (Rejoin.truncate in code) to cut off what the new primary does " +
            "not have, and follow";
        final FencedException fenced = new FencedException(message, state.epoch, newerEpoch);
        failure = fenced;
        state.gate.halt(fenced);
        status.message(message);
        status.put(StatusFile.ROLE, Role.FENCED.ordinal());
        state.role = Role.FENCED;
        event(message);
    }

    /**
     * Aeron's client closed itself for good (a newcomer's probe: a node paused with a stop signal for 15 s went on
     * running, its status 'peer: lost' forever, and a primary paused so went on taking commands, unfenced, after its
     * standby was promoted). Nothing can be sent or heard any more: the node fails, saying how to come back.
     */
    private void lostTransport(final Throwable lost)
    {
        final boolean wasPrimary = state.role == Role.PRIMARY;
        fail(new ReplicationException("this node's Aeron client closed itself (" + lost + "): it went unserved for " +
            "longer than the media driver's client timeout (" + Math.round(channels.clientTimeoutNs() / 1e9) + " s), as " +
            "when the process is paused (a stop signal, a long GC pause, a frozen VM), so the node can no longer send " +
            "to or hear from its peer, and stops. Restart it: " + (wasPrimary ? "as the primary if its standby was not " +
            "promoted meanwhile ('scripts/replica status' on the standby says its role); if it was, as a standby with " +
            "--rejoin" : "as a standby; it asks the primary for what it missed from its next position")));
    }

    private void fail(final ReplicationException cause)
    {
        if (standby != null)
        {
            standby.stop();
        }
        status.message(cause.getMessage());
        if (journal.lastPosition() != startedAt)
        {
            // This run changed the journal: the next knows what its tail is by this run's role, not by the run before.
            // A run refused at its start keeps the one before; a rejoin's cut says its own once done (Rejoin.cutDone).
            status.put(StatusFile.LAST_ROLE_PLUS_ONE, state.role.ordinal() + 1);
        }
        status.put(StatusFile.ROLE, Role.FAILED.ordinal());
        state.role = Role.FAILED;
        // After the role: a thread that sees the failure (ReplicationNode.failure()) sees the FAILED role with it
        // (StandbyLossTest read STANDBY once, between the two).
        failure = cause;
        // And before the engine halts: a node's loop that sees the engine halted finds this failure, the cause, with it
        // (the exchange's node closed a diverged standby as 'halted' instead of cutting its tail: two fresh-clone runs).
        state.gate.halt(cause);
        // A node started with --rejoin used to say 'FAILED: ... restart it as a standby with --rejoin' and then do the
        // cut: rejoining, it says it cuts, and its cause leaves out the advice it is following.
        event((ctx.rejoining() && cause instanceof DivergedHistoryException ? "DIVERGED, and started to rejoin, so " +
            "it cuts its tail off now (the rejoin lines below say what): " : "FAILED: ") + cause.getMessage());
    }

    /**
     * Asks the agent to promote this standby; completes on the agent's thread once the epoch is journaled.
     *
     * @param force promote even if no primary has been heard from since this node started.
     */
    CompletableFuture<Promotion> requestPromotion(final boolean force)
    {
        promotionForced = force;
        final CompletableFuture<Promotion> request = new CompletableFuture<>();
        synchronized (this)
        {
            if (promotion != null && !promotion.isDone())
            {
                return promotion;
            }
            promotion = request;
        }
        return request;
    }

    long peerTimeoutMillis()
    {
        return peerTimeoutNanos / 1_000_000;
    }

    /**
     * Calls off a promotion whose caller gave up waiting, if the agent has not yet begun it (given the engine its
     * epoch command); returns whether it did. Begun, it completes: the engine is promoted either way.
     */
    synchronized boolean callOffPromotion(final CompletableFuture<Promotion> request)
    {
        return !promotionBegun && request.cancel(false);
    }

    private int promotionWork()
    {
        final CompletableFuture<Promotion> request = promotion;
        if (request == null || request.isDone())
        {
            if (promotionPosition == 0)
            {
                promotionAskedNanos = 0;   // a promotion called off: the next one waits from when it is asked
            }
            return 0;
        }
        if (promotionPosition == 0)
        {
            if (state.role != Role.STANDBY)
            {
                request.completeExceptionally(new ReplicationException("only a standby can be promoted; this node is " +
                    state.role.name().toLowerCase(java.util.Locale.ROOT) +
                    (failure != null ? " (" + failure.getMessage() + ")" : "")));
                return 1;
            }
            if (states.differsHere() && !promotionForced)
            {
                request.completeExceptionally(new ReplicationException("this standby's state differs from the " +
                    "primary's: found at position " + states.differsAt() + (states.carried() ? " by an earlier " +
                    "process of this node (kept until a comparison comes back equal)" : states.foundAgainAt() > 0 ?
                    " by an earlier process of this node, and again by this one at position " + states.foundAgainAt() :
                    "") + " (state hash " +
                    StateComparison.hex(states.hashHere()) + " here, " + StateComparison.hex(states.hashPeer()) + " at the " +
                    "primary), so promoted it would serve a state the primary never had. Its journal is the primary's: " +
                    (states.carried() ? "if it was mended (its snapshots after the last equal position moved away, and " +
                    "started again with the code you trust), the next comparison says so and lifts this: " +
                    nextComparison() + "; until then, force the promotion (--force, ReplicationNode.promote(timeout, " +
                    "true)) if it is known mended" : "stop it, move away " + (states.equalBefore() == 0 ? "all its " +
                    "snapshots" : "its snapshots after position " + states.equalBefore()) + ", and start it again with " +
                    "the code you trust: it replays to that code's state, and the next comparison says so (its STATE " +
                    "DIFFERS line says more); or force the promotion (--force, ReplicationNode.promote(timeout, true)) " +
                    "where its state is wanted over none")));
                return 1;
            }
            if (!heardPrimary && !promotionForced)
            {
                // Its epoch is known only from a primary: one never heard from may be in a newer one already.
                request.completeExceptionally(new ReplicationException("this standby has not heard from a primary " +
                    "since it started, so it cannot know the primary's epoch: promoting it could start a second " +
                    "history under the same epoch number. Promote a standby that has followed the primary, or force " +
                    "it if the old primary is known to be gone and in epoch " + state.epoch + " or older"));
                return 1;
            }
            if (promotionAskedNanos == 0)
            {
                promotionAskedNanos = now;
            }
            if (!promotionForced && state.peerLost && peerBackNanos != 0 &&
                now - peerBackNanos < Math.max(TimeUnit.SECONDS.toNanos(30), 10 * peerTimeoutNanos))
            {
                // Lost, and heard again a moment ago: silent now, it may be running (a second reviewer's promotion went
                // through in such a silence, and fenced a healthy primary whose heartbeats came further apart than this
                // node's peer timeout).
                promotionAskedNanos = 0;
                request.completeExceptionally(new ReplicationException("the primary at " + ctx.peerEndpoint() + " is " +
                    "silent now, but it was LOST and heard again " + (now - peerBackNanos) / 1_000_000 + " ms ago, " +
                    "after " + peerBackSilenceMillis + " ms of silence: unless it was restarted then, its messages come " +
                    "further apart than this node's peer timeout (" + ctx.peerTimeout().toMillis() + " ms) allows, so it " +
                    "may well be running (most " +
                    "likely with a longer --heartbeat-ms than this node expects: give both nodes the same --heartbeat-ms " +
                    "and --peer-timeout-ms). Promoted now, this node could be a second primary. Stop the old one first " +
                    "(replica stop, or kill it), then promote; or force the promotion (--force, " +
                    "ReplicationNode.promote(timeout, true)) where it is known to be gone"));
                return 1;
            }
            if (!promotionForced && !state.peerLost && peerHeardNanos != 0)
            {
                // Probe (replication): accepted without a word, an asynchronous old primary went on showing events
                // for a second until it was fenced: 7,056 positions of them, given to other commands in the new
                // history. A primary killed just before is not heard again: wait for the peer timeout to say it is
                // gone. One heard again (past what was in flight when this was asked) is running: refused.
                if (peerHeardNanos <= promotionAskedNanos + heartbeatNanos)
                {
                    return 0;
                }
                promotionAskedNanos = 0;
                request.completeExceptionally(new ReplicationException("the primary at " + ctx.peerEndpoint() +
                    " was heard from " + Math.max(0, (now - peerHeardNanos) / 1_000_000) + " ms ago: it is running. " +
                    "Promoted now, this node would be a second primary until the old one hears of the new epoch and " +
                    "is fenced, and what the old one shows its clients meanwhile (in asynchronous mode, commands this " +
                    "standby never received) is not in the new history. Stop it first (replica stop, or kill it), " +
                    "then promote; or force the promotion (--force, ReplicationNode.promote(timeout, true)) where it " +
                    "is cut off from its clients as well as from this node"));
                return 1;
            }
            synchronized (this)
            {
                // From here the promotion goes through: a caller that gives up waiting is told it is under way.
                if (request.isDone())
                {
                    return 0;
                }
                promotionBegun = true;
            }
            promotionAskedNanos = 0;
            standby.stop();
            final long epoch = Math.max(state.epoch, peerEpoch) + 1;
            final long position = engine.nextPosition();
            // Written ahead: the index has the epoch before the journal can.
            epochs.begin(epoch, position);
            state.leaderFrom = position;
            final long promoted;
            state.promoter = Thread.currentThread();
            try
            {
                promoted = engine.promote(epoch);
            }
            finally
            {
                state.promoter = null;
            }
            if (promoted != position)
            {
                request.completeExceptionally(new IllegalStateException("the epoch command went to position " +
                    promoted + ", not " + position));
                return 1;
            }
            promotionPosition = position;
            promotionEpoch = epoch;
            event("promoting: epoch " + epoch + " begins at position " + position + "; waiting for it to be journaled");
            return 1;
        }
        // The journal's own committed position, not the journal stage's: a COMPACT stage moves its sequence only
        // once it has applied the batch, which a synchronous node does only when a standby acknowledges it, and a
        // node promoted because its primary died has no standby yet.
        if (journal.lastPosition() < promotionPosition)
        {
            return 0;
        }
        // Only now does any message carry the new epoch: it is in this node's journal.
        state.epoch = promotionEpoch;
        // No standby has acknowledged anything to this primary: what it acknowledged as a standby, and the
        // catch-up it asked for, are not its figures now. Until a standby asks, all of the journal is at risk
        // (the old primary may be gone), which is what the lag says.
        primary = new PrimaryDuty(ctx, state, channels, status, epochs, journal, maxPayloadLength, now, Long.MAX_VALUE, -1);
        status.put(StatusFile.ACKNOWLEDGED, 0);
        status.put(StatusFile.CATCH_UP_FROM, 0);
        status.put(StatusFile.CATCH_UP_SENT, 0);
        status.put(StatusFile.CATCH_UP_TARGET, 0);
        state.role = Role.PRIMARY;
        status.put(StatusFile.ROLE, Role.PRIMARY.ordinal());
        status.put(StatusFile.EPOCH, promotionEpoch);
        status.put(StatusFile.EPOCH_START, promotionPosition);
        final String message = "PROMOTED to primary in epoch " + promotionEpoch + " at position " + promotionPosition +
            ": a primary of an older epoch is fenced as soon as it is heard from" + (states.differsHere() ? ". Its state " +
            "differed from the former primary's at position " + states.differsAt() + ", and it is the state this pair " +
            "serves now: a standby that follows it with the former primary's state says STATE DIFFERS, and its refusal " +
            "to be promoted then keeps this node's state, not the former primary's" : "");
        status.message(message);
        event(message);
        request.complete(new Promotion(promotionEpoch, promotionPosition, primaryShown));
        promotionPosition = 0;
        synchronized (this)
        {
            promotionBegun = false;
        }
        return 1;
    }

    /** Closes the log and catch-up subscriptions until {@code untilNanos} (System.nanoTime), then opens them again. */
    void dropReceiving(final long untilNanos)
    {
        dropReceivingUntil = untilNanos;
    }

    private void publishStatus()
    {
        final long previous = figuresNanos;
        statusNanos = now;
        status.put(StatusFile.UPDATED, System.currentTimeMillis());
        if (peerHeardNanos != 0)
        {
            status.put(StatusFile.PEER_HEARD, System.currentTimeMillis() - TimeUnit.NANOSECONDS.toMillis(now - peerHeardNanos));
        }
        status.put(StatusFile.BACK_PRESSURED, state.backPressured.get());
        status.put(StatusFile.NOT_CONNECTED, state.notConnected.get());
        if (ctx.mode() == ReplicationMode.SYNCHRONOUS)
        {
            status.put(StatusFile.MODE, state.degraded ? StatusFile.MODE_DEGRADED : StatusFile.MODE_SYNC);
        }
        if (state.role == Role.PRIMARY || state.role == Role.FENCED)
        {
            final long journaled = journal.lastPosition();
            final long shown = ctx.shownPosition() != null ? ctx.shownPosition().getAsLong() : -1;
            if (shown >= 0)
            {
                // Kept on the page, which outlives the process: a restart resumes showing after it.
                status.put(StatusFile.SHOWN_PLUS_ONE, shown + 1);
            }
            if (primary == null)
            {
                status.put(StatusFile.JOURNALED, journaled);
            }
            else
            {
                primary.publishLag(journaled);
                if (now - previous > FIGURES_INTERVAL_NANOS)
                {
                    figuresNanos = now;
                    primary.publishFigures();
                }
            }
        }
        else if (state.role == Role.STANDBY)
        {
            final long committed = StandbyDuty.journaled(metrics, journal);
            status.put(StatusFile.JOURNALED, committed);
            status.put(StatusFile.LAG_POSITIONS, Math.max(0, standby.primaryPosition() - committed));
        }
    }

    /** Why the node stopped replicating (fenced, diverged, refused), or null. */
    Throwable failure()
    {
        return failure;
    }

    /** The acknowledgement latencies a primary measured, or null on a standby. */
    org.HdrHistogram.Histogram ackLatency()
    {
        final PrimaryDuty duty = primary;
        return duty == null ? null : duty.ackLatency();
    }

    /** Before the agent closes: whether the node's close is a clean stop, which the peer is told of. */
    void cleanClose(final boolean clean)
    {
        cleanClose = clean;
    }

    /**
     * The node's engine has closed, and its journal with it: the agent does nothing more until its runner stops it (a
     * reviewer's primary, closed while a standby caught up from its journal, said "replication agent failed: ...
     * StoreTailer closed" 31 times on a clean close).
     */
    void engineClosed()
    {
        engineClosed = true;
    }

    @Override
    public void onClose()
    {
        if (primary != null)
        {
            primary.close();
        }
        if (failure == null && cleanClose && (state.role == Role.PRIMARY || state.role == Role.STANDBY))
        {
            // The last word, so the peer can tell a stop from a crash. Best effort, as a crash sends nothing: a close
            // goes on whatever happens to it.
            try
            {
                final boolean isPrimary = state.role == Role.PRIMARY;
                channels.sendLast(Messages.STOPPED, state.epoch, isPrimary ? state.session : standby.session(),
                    state.role.ordinal(), isPrimary ? journal.lastPosition() : StandbyDuty.journaled(metrics, journal),
                    TimeUnit.MILLISECONDS.toNanos(50));
            }
            catch (final RuntimeException ex)
            {
                event("could not tell the peer this node is stopping (" + ex + "): it will see it go silent");
            }
        }
        final CompletableFuture<Promotion> request = promotion;
        if (request != null)
        {
            request.completeExceptionally(new ReplicationException("the node closed before the promotion completed"));
        }
    }

    private void event(final String message)
    {
        ctx.eventHandler().accept(message);
    }
}
