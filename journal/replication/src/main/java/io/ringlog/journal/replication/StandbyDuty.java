package io.ringlog.journal.replication;

import io.aeron.ControlledFragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import io.ringlog.core.Command;
import io.ringlog.core.CommandCodec;
import io.ringlog.core.CorruptEntryException;
import io.ringlog.core.Crc32c;
import io.ringlog.core.Engine;
import io.ringlog.core.EngineMetrics;
import io.ringlog.core.FollowerIntake;
import io.ringlog.core.Journal;
import io.ringlog.core.JournalId;
import io.ringlog.core.JournalReader;
import io.ringlog.core.SystemCommands;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A standby's side of replication, on the replication agent's thread: asks its primary for
 * everything from its next position (a {@link Messages#REQUEST} opening a session), takes entries
 * from the catch-up and log streams in position order into the engine's {@link FollowerIntake},
 * and acknowledges the highest position its journal has committed.
 * <pre>
 *  entry at position p, session s, epoch e:
 *    e older than this node's epoch ──► tell the sender it is FENCED; drop
 *    s not this node's session      ──► drop (an older session's, still in flight)
 *    p below next                   ──► drop (a duplicate: both streams may carry it)
 *    p above next, log stream       ──► leave it there (ABORT): catch-up will fill what is before it
 *    p above next, catch-up stream  ──► data was lost under us: ask again, in a new session
 *    p == next                      ──► checksum, epoch command? index it first; append
 * </pre>
 * A standby that makes no progress while its primary reports being ahead, for the stall timeout,
 * asks again; so does one whose log stream reappears (the primary restarted, or receiving was
 * dropped): nothing is ever skipped, a session at worst starts over from the next position.
 */
final class StandbyDuty
{
    private final ReplicationContext ctx;
    private final NodeState state;
    private final Channels channels;
    private final StatusFile status;
    private final EpochIndex epochs;
    private final Journal journal;
    private final Engine engine;
    private final FollowerIntake intake;
    private final EngineMetrics metrics;
    private final Crc32c crc = new Crc32c();
    /** The engine's: an entry whose payload is larger cannot be taken ({@link CannotFollow}). */
    private final int maxPayloadLength;
    /** Set by a fragment handler that met an entry this standby cannot take; thrown once the poll returns. */
    private CannotFollow cannotFollow;
    private final Command scratch;
    private final UnsafeBuffer checksumScratch;
    private final ControlledFragmentAssembler logAssembler = new ControlledFragmentAssembler(this::onLogFragment);
    private final ControlledFragmentAssembler catchUpAssembler = new ControlledFragmentAssembler(this::onCatchUpFragment);
    private final long stallNanos;
    private final long heartbeatNanos;

    private long session = NodeState.NO_SESSION;
    private boolean askAgain = true;
    private long requestedNanos;
    private long requestedFrom;
    private boolean answered;
    private boolean catchUpDone;
    private boolean blocked;
    private long progressNanos;
    private long acknowledged = -1;
    private long acknowledgedNanos;
    private long primaryPosition;
    private long primarySession = NodeState.NO_SESSION;
    private long now;
    private long lastFencedReplyNanos;
    private boolean stopped;
    private long streamsSeen;
    /** A node started to rejoin says once that its primary took its journal as it is (or as the cut left it). */
    private boolean rejoinFollowing;
    /** The primary's heartbeat names this request's session: it took the request, whether or not it has sent anything. */
    private boolean servedHeard;
    /**
     * Whether this node's journal is of its primary's history by identity too: it held entries already, or, empty,
     * took on the primary's identity before its first entry (its primary's heartbeat for this session names it).
     */
    private boolean historySettled;
    /** Since when this node's requests go unanswered while a primary is heard (0: answered, or none heard). */
    private long unansweredSinceNanos;
    private long lastPrimaryHeardNanos;
    private boolean unansweredSaid;
    private boolean primaryHistoryHeard;
    private long primaryHistoryHigh;
    private long primaryHistoryLow;
    private long primaryHistoryPosition;

    StandbyDuty(final ReplicationContext ctx, final NodeState state, final Channels channels, final StatusFile status,
        final EpochIndex epochs, final Journal journal, final Engine engine, final int maxPayloadLength)
    {
        this.ctx = ctx;
        this.state = state;
        this.channels = channels;
        this.status = status;
        this.epochs = epochs;
        this.journal = journal;
        this.engine = engine;
        this.intake = engine.follower();
        this.metrics = engine.metrics();
        this.maxPayloadLength = maxPayloadLength;
        this.scratch = new Command(maxPayloadLength);
        this.checksumScratch = new UnsafeBuffer(new byte[CommandCodec.HEADER_LENGTH + maxPayloadLength]);
        this.stallNanos = ctx.stallTimeout().toNanos();
        this.heartbeatNanos = ctx.heartbeatInterval().toNanos();
    }

    int doWork(final long nowNanos)
    {
        if (stopped)
        {
            return 0;
        }
        now = nowNanos;
        int work = 0;
        final long appeared = state.streamsAppeared.get();
        if (appeared != streamsSeen)
        {
            streamsSeen = appeared;
            onStreamAvailable();
        }
        if (!answered && servedHeard && !askAgain && now - requestedNanos > stallNanos &&
            primaryPosition >= intake.nextPosition())
        {
            // The primary serves this session (its heartbeat says so) and holds more, and nothing of it arrived: what it
            // sent was lost under us (a stream joined after it was sent, a rejoin's restart). A repeat of the same session
            // is a no-op to the primary, whose catch-up has passed it; and each repeat kept the stall check from firing
            // (found by KillPrimaryTest: a rejoined standby waited forever for the epoch entry, one position short).
            event("the primary took this standby's request from position " + requestedFrom + " and holds up to " +
                primaryPosition + ", and nothing of it arrived in " + ctx.stallTimeout().toMillis() + " ms (lost under " +
                "it): asking again");
            askAgain = true;
        }
        if ((askAgain || (!answered && now - requestedNanos > stallNanos)) &&
            metrics.position(EngineMetrics.Stage.JOURNAL) >= intake.nextPosition() - 1)
        {
            // Asked only once the journal holds everything appended: the request names its last entry's checksum.
            request();
        }
        final Subscription catchUp = channels.catchUpIn();
        if (catchUp != null)
        {
            work += catchUp.controlledPoll(catchUpAssembler, 64);
        }
        final Subscription log = channels.logIn();
        if (log != null && cannotFollow == null)
        {
            work += log.controlledPoll(logAssembler, 64);
        }
        if (cannotFollow != null)
        {
            // Thrown here, not in the handler: Aeron hands what a handler throws to its error handler, which logged
            // it and dropped the fragment, and the standby asked for it again, for ever (a reviewer's finding).
            throw cannotFollow;
        }
        work += acknowledge();
        checkStalled();
        checkUnanswered();
        return work;
    }

    /**
     * A reviewer's finding: a standby whose --peer named another pair's primary, while its own primary still sent to
     * it, said "connected" and asked again and again, unanswered (the other primary refuses it, but answers its own
     * --peer). Heard, and never answered for twice the peer timeout: said once, until it is answered.
     */
    private void checkUnanswered()
    {
        final long timeout = ctx.peerTimeout().toNanos();
        final boolean served = answered || servedHeard;
        if (served || session == NodeState.NO_SESSION || now - lastPrimaryHeardNanos > timeout)
        {
            unansweredSinceNanos = 0;
            if (served && unansweredSaid)
            {
                unansweredSaid = false;
                status.message("");
                event("answered: the primary now serves this standby");
            }
            return;
        }
        if (unansweredSinceNanos == 0)
        {
            unansweredSinceNanos = now;
        }
        else if (!unansweredSaid && now - unansweredSinceNanos > 2 * timeout)
        {
            unansweredSaid = true;
            final String message = "NOT ANSWERED: this standby has asked " + ctx.peerEndpoint() + " to catch it up " +
                "from position " + requestedFrom + " for " + TimeUnit.NANOSECONDS.toMillis(now - unansweredSinceNanos) +
                " ms with no answer, though a primary is heard (its heartbeats, epoch " + state.epoch + " or newer): " +
                "the primary heard does not get this node's requests. --peer must be that primary's --listen endpoint: " +
                "it names another node (another pair's primary refuses a standby of another journal, and answers its " +
                "own --peer), or something between drops what this node sends";
            status.message(message);
            event(message);
        }
    }


    /**
     * Said once, as a rejoining node starts to follow: the primary serves a request only once it has checked the entry
     * before it, so the journal is its history.
     */
    private void following()
    {
        if (ctx.rejoining() && !rejoinFollowing)
        {
            rejoinFollowing = true;
            event("rejoin: following the primary from position " + requestedFrom + (requestedFrom > 1 ? ": this " +
                "node's journal, up to position " + (requestedFrom - 1) + ", is the primary's history" : ": this node's " +
                "journal is empty"));
        }
    }

    /** The primary's session, position and history, as its heartbeat said. */
    void onPrimaryHeartbeat(final long heartbeatSession, final long position, final long historyHigh,
        final long historyLow)
    {
        primaryPosition = position;
        primarySession = heartbeatSession;
        lastPrimaryHeardNanos = now;
        if (heartbeatSession == session && session != NodeState.NO_SESSION)
        {
            // The primary took the request (it serves a session only once its checks passed): with nothing to send, a
            // quiet primary sends nothing else, and the standby said NOT ANSWERED (found by hand: a standby restarted
            // beside a primary that took no command meanwhile).
            servedHeard = true;
            following();
            primaryHistoryHeard = true;
            primaryHistoryHigh = historyHigh;
            primaryHistoryLow = historyLow;
            primaryHistoryPosition = position;
        }
        if (session != NodeState.NO_SESSION && heartbeatSession != session && answered &&
            now - requestedNanos > stallNanos)
        {
            // The primary serves no session of ours (it restarted, or ended ours): start over.
            event("the primary serves no session of this standby (it restarted, or lost it): asking again");
            askAgain = true;
        }
    }

    /** The primary stopped shipping live for our session: ask again from the next position. */
    void onSessionEnded(final long endedSession)
    {
        if (endedSession == session && !stopped)
        {
            askAgain = true;
        }
    }

    void onCatchUpDone(final long doneSession)
    {
        if (doneSession == session)
        {
            catchUpDone = true;
        }
    }

    /** A log or catch-up stream appeared: whatever was sent before it is lost to us, so ask from the next position. */
    void onStreamAvailable()
    {
        // Before any answer the request is still on its way: a stream appearing then is the primary's first.
        if (session != NodeState.NO_SESSION && answered)
        {
            askAgain = true;
        }
    }

    /** Stops following for good (promotion, or a refusal); what was appended stays. */
    void stop()
    {
        stopped = true;
    }

    boolean stopped()
    {
        return stopped;
    }

    long session()
    {
        return session;
    }

    long primaryPosition()
    {
        return primaryPosition;
    }

    private void request()
    {
        final long next = intake.nextPosition();
        final long previous = next - 1;
        final long checksum = previous >= 1 ? checksumAt(previous) : -1;
        if (askAgain || session == NodeState.NO_SESSION)
        {
            session = 1 + ThreadLocalRandom.current().nextLong(Long.MAX_VALUE - 1);
            status.add(StatusFile.CATCH_UPS, 1);
            status.put(StatusFile.CATCH_UP_FROM, next);
        }
        // The session id is the request's identity: a repeat of it is harmless to the primary.
        channels.send(Messages.REQUEST, state.epoch, session, 2, next, checksum, 0);
        askAgain = false;
        answered = false;
        servedHeard = false;
        catchUpDone = false;
        blocked = false;
        requestedFrom = next;
        requestedNanos = now;
        progressNanos = now;
    }

    /** CRC32C of this standby's entry at {@code position}, which its journal holds. */
    long checksumAt(final long position)
    {
        try (JournalReader reader = journal.reader(position))
        {
            if (!reader.next(scratch))
            {
                throw new ReplicationException("this standby's journal has no entry at position " + position +
                    " though its engine is past it");
            }
        }
        return CommandCodec.checksum(scratch, checksumScratch, crc) & 0xFFFF_FFFFL;
    }

    private Action onLogFragment(final DirectBuffer buffer, final int offset, final int length,
        final io.aeron.logbuffer.Header header)
    {
        return onFragment(buffer, offset, length, true);
    }

    private Action onCatchUpFragment(final DirectBuffer buffer, final int offset, final int length,
        final io.aeron.logbuffer.Header header)
    {
        return onFragment(buffer, offset, length, false);
    }

    private Action onFragment(final DirectBuffer buffer, final int offset, final int length, final boolean live)
    {
        if (stopped || length < Messages.HEADER_LENGTH)
        {
            return Action.CONTINUE;
        }
        final int type = Messages.type(buffer, offset);
        final long epoch = Messages.epoch(buffer, offset);
        final long messageSession = Messages.session(buffer, offset);
        if (epoch < state.epoch)
        {
            replyFenced(epoch);
            return Action.CONTINUE;
        }
        if (messageSession != session)
        {
            return Action.CONTINUE;
        }
        following();
        answered = true;
        if (type == Messages.CATCH_UP_DONE)
        {
            catchUpDone = true;
            return Action.CONTINUE;
        }
        if (type != Messages.ENTRY)
        {
            return Action.CONTINUE;
        }
        final int entryOffset = offset + Messages.HEADER_LENGTH;
        final int entryLength = length - Messages.HEADER_LENGTH;
        // Replication ships entry format 2 (CommandCodec.encode), whose fields are read below by their offsets.
        if (entryLength < CommandCodec.HEADER_LENGTH || CommandCodec.format(buffer, entryOffset) != 2)
        {
            event("an entry of " + entryLength + " bytes arrived that is not in entry format 2, the one replication " +
                "ships (damaged in transit): asking again");
            askAgain = true;
            return Action.CONTINUE;
        }
        final long position = CommandCodec.position(buffer, entryOffset);
        final long next = intake.nextPosition();
        if (position < next)
        {
            return Action.CONTINUE;
        }
        if (position > next)
        {
            if (live)
            {
                blocked = true;
                return Action.ABORT;
            }
            event("the catch-up stream skipped from " + next + " to " + position + " (data lost under it): asking again");
            askAgain = true;
            return Action.CONTINUE;
        }
        if (!historySettled && !settleHistory())
        {
            // Held where it is until the primary's heartbeat for this session names its history.
            return Action.ABORT;
        }
        final int headerLength;
        try
        {
            headerLength = CommandCodec.check(buffer, entryOffset, entryLength, crc);
        }
        catch (final CorruptEntryException ex)
        {
            event("entry " + position + " arrived damaged (" + ex.getMessage() + "): asking again from it");
            askAgain = true;
            return Action.CONTINUE;
        }
        final int commandType = buffer.getInt(entryOffset + CommandCodec.TYPE_OFFSET, ByteOrder.LITTLE_ENDIAN);
        final int payloadLength = entryLength - headerLength;
        if (payloadLength > maxPayloadLength)
        {
            // Whole and checked, and larger than this engine takes: asking again brings the same entry. A setting that
            // differs from the primary's, said once; the node stops following, and goes silent so the primary sees it
            // gone (a synchronous primary that kept hearing it waited for its acknowledgement for ever).
            cannotFollow = new CannotFollow("the primary shipped the entry at position " + position + " with a payload " +
                "of " + payloadLength + " bytes, and this standby's maxPayloadLength is " + maxPayloadLength + ": it " +
                "cannot take it, nor follow the primary past it. Give both nodes the same maxPayloadLength (the " +
                "primary's is " + payloadLength + " or more) and restart this one as a standby; what it holds, up to " +
                "position " + (position - 1) + ", is kept");
            return Action.ABORT;
        }
        if (commandType == SystemCommands.EPOCH && payloadLength >= SystemCommands.EPOCH_LENGTH)
        {
            adoptEpoch(buffer.getLong(entryOffset + headerLength, ByteOrder.LITTLE_ENDIAN), position);
        }
        final long appended = intake.tryAppend(
            position,
            buffer.getLong(entryOffset + CommandCodec.TIMESTAMP_OFFSET, ByteOrder.LITTLE_ENDIAN),
            commandType,
            buffer.getInt(entryOffset + CommandCodec.VERSION_OFFSET, ByteOrder.LITTLE_ENDIAN),
            buffer.getLong(entryOffset + CommandCodec.SOURCE_ID_OFFSET, ByteOrder.LITTLE_ENDIAN),
            buffer.getLong(entryOffset + CommandCodec.SOURCE_SEQUENCE_OFFSET, ByteOrder.LITTLE_ENDIAN),
            buffer.getLong(entryOffset + CommandCodec.CORRELATION_ID_OFFSET, ByteOrder.LITTLE_ENDIAN),
            buffer, entryOffset + headerLength, payloadLength);
        if (appended == FollowerIntake.BACK_PRESSURED)
        {
            return Action.ABORT;
        }
        if (appended < 0)
        {
            event("the engine refused entry " + position + " as " + (appended == FollowerIntake.GAP ? "a gap" :
                "a duplicate") + ": asking again");
            askAgain = true;
            return Action.CONTINUE;
        }
        blocked = false;
        progressNanos = now;
        return Action.CONTINUE;
    }

    /**
     * Before its first entry, a standby whose journal is empty takes on the identity of its primary's journal, which
     * the primary's heartbeat for this session names: the two journals are then one history under one identity (the
     * pair's snapshots are each other's, and a node of another pair is told from the peer). Nothing is appended
     * meanwhile, so the journal is not written under it. False while the primary has not named it yet.
     */
    private boolean settleHistory()
    {
        if (journal.lastPosition() > 0 || intake.nextPosition() > 1)
        {
            historySettled = true;
            return true;
        }
        if (!primaryHistoryHeard || primaryHistoryHigh == 0 && primaryHistoryLow == 0 && primaryHistoryPosition == 0)
        {
            return false;
        }
        historySettled = true;
        if (primaryHistoryHigh == 0 && primaryHistoryLow == 0)
        {
            event("the primary's journal keeps no identity: this standby's journal keeps its own");
            return true;
        }
        final JournalId primaryHistory = new JournalId(primaryHistoryHigh, primaryHistoryLow);
        final JournalId before = journal.id();
        if (journal.adopt(primaryHistory))
        {
            if (!primaryHistory.equals(before))
            {
                event("this standby's journal is empty: it takes on the primary's journal id " + primaryHistory +
                    " (it was " + before + "), and holds a copy of the primary's history from here");
            }
        }
        else if (before.known())
        {
            // Followed so, its journal would hold the primary's entries under its own identity, and be refused as
            // another pair's at the next request: said now, before it holds any.
            throw new ReplicationException("this standby's journal is empty and keeps its own identity (" + before +
                "), and cannot take on its primary's (" + primaryHistory + "): Journal.adopt refused (a journal " +
                "that wraps another must pass adopt on, as it passes id). A standby's journal holds its primary's " +
                "history under the primary's identity; nothing was appended");
        }
        return true;
    }

    /** An epoch command is indexed before it is appended (see {@link EpochIndex}), and this node is in its epoch from then on. */
    private void adoptEpoch(final long epoch, final long position)
    {
        if (!epochs.contains(epoch, position))
        {
            epochs.begin(epoch, position);
            event("the primary's history enters epoch " + epoch + " at position " + position);
        }
        if (epoch > state.epoch)
        {
            state.epoch = epoch;
            status.put(StatusFile.EPOCH, epoch);
            status.put(StatusFile.EPOCH_START, position);
        }
    }

    /**
     * What this node's journal holds, for acknowledgements, heartbeats and the status page: what it committed,
     * not how far its journal stage got. A stage that halted (a full disk) passes over the commands after the
     * failure without writing them, and acknowledging those let a synchronous primary show events of positions
     * this standby never journaled, lost with a promotion.
     */
    static long journaled(final EngineMetrics metrics, final Journal journal)
    {
        return Math.min(metrics.position(EngineMetrics.Stage.JOURNAL), journal.lastPosition());
    }

    private int acknowledge()
    {
        if (session == NodeState.NO_SESSION)
        {
            return 0;
        }
        final long committed = journaled(metrics, journal);
        if (committed > acknowledged || now - acknowledgedNanos > heartbeatNanos)
        {
            if (channels.send(Messages.ACK, state.epoch, session, 1, committed, 0, 0))
            {
                if (committed > acknowledged)
                {
                    status.add(StatusFile.ACKS, 1);
                    status.put(StatusFile.ACKNOWLEDGED, committed);
                }
                acknowledged = committed;
                acknowledgedNanos = now;
                return 1;
            }
        }
        return 0;
    }

    private void checkStalled()
    {
        if (session == NodeState.NO_SESSION || askAgain)
        {
            return;
        }
        final long next = intake.nextPosition();
        if (blocked && catchUpDone)
        {
            event("the live stream is ahead at position " + next + " after catch-up ended: asking again");
            askAgain = true;
        }
        else if (primaryPosition >= next && now - progressNanos > stallNanos && now - requestedNanos > stallNanos)
        {
            event("no progress for " + ctx.stallTimeout().toMillis() + " ms at position " + next + " while the primary " +
                "is at " + primaryPosition + ": asking again");
            askAgain = true;
        }
    }

    private void replyFenced(final long senderEpoch)
    {
        if (now - lastFencedReplyNanos > heartbeatNanos)
        {
            lastFencedReplyNanos = now;
            channels.send(Messages.FENCED, state.epoch, NodeState.NO_SESSION, 1, epochs.currentStart(), 0, 0);
            event("entries of epoch " + senderEpoch + " arrived from a primary this node's epoch " + state.epoch +
                " has fenced: refused, and told it so");
        }
    }

    long requestedFrom()
    {
        return requestedFrom;
    }

    private void event(final String message)
    {
        ctx.eventHandler().accept(message);
    }

    /**
     * An entry this standby cannot take however often it is sent (its settings differ from the primary's): the node
     * fails, and goes silent so that its primary sees it gone.
     */
    static final class CannotFollow extends ReplicationException
    {
        private static final long serialVersionUID = 1L;

        CannotFollow(final String message)
        {
            super(message);
        }
    }
}
