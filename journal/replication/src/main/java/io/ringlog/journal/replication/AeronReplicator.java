package io.ringlog.journal.replication;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.logbuffer.BufferClaim;
import io.ringlog.core.Command;
import io.ringlog.core.CommandCodec;
import io.ringlog.core.Crc32c;
import io.ringlog.core.ReplicationGate;
import io.ringlog.core.Replicator;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The replicator stage on the input ring: ships each command the node sequenced, as an
 * {@link Messages#ENTRY}, on the log stream's {@link ExclusivePublication} (claimed in place with
 * {@code tryClaim}; offered from a buffer when an entry is larger than one frame).
 * <ul>
 *   <li>It ships only while it is live for the standby's current session (see {@link NodeState}): with
 *       no standby, or while catch-up from the journal covers the standby's missing range, it lets
 *       commands pass; nothing is lost, since everything it skips catch-up sends.</li>
 *   <li>Synchronous, back-pressure (a slow standby) is waited out, never dropped: the standby slows the
 *       primary once Aeron's window and then the ring are full. Waiting stops if the standby's session
 *       ends, the peer is lost, or the node is fenced. Asynchronous, back-pressure ends live shipping
 *       for the session at once: the primary never waits, and catch-up serves the standby from the
 *       journal. NOT_CONNECTED ends it in both modes. The agent tells the standby, which asks again.</li>
 *   <li>Synchronous mode acknowledges through the engine's {@link ReplicationGate}: this stage never
 *       waits for a round trip, and business logic waits for the standby's acknowledgements, which the
 *       replication agent hands to the gate. Commands the node followed (before it was promoted) are
 *       released at the end of each batch, as are all while the primary is degraded.</li>
 * </ul>
 */
final class AeronReplicator implements Replicator
{
    /** {@link NodeState#liveSession} after shipping for a session failed: never live for it again. */
    private static final long ABANDONED = -1;
    /** Asynchronous: how long back-pressure is waited out (a hand-off holds the live stream that long) before shipping stops. */
    private static final long ASYNCHRONOUS_PATIENCE_NANOS = 20_000_000;

    private final NodeState state;
    private final ExclusivePublication log;
    private final boolean synchronous;
    private final int handoffWindow;
    private final IdleStrategy backPressureIdle;
    private final BufferClaim claim = new BufferClaim();
    private final UnsafeBuffer offerBuffer;
    private final Crc32c crc = new Crc32c();
    private ReplicationGate gate;
    private long lastPosition;
    private long liveSession = NodeState.NO_SESSION;
    private long abandonedSession = NodeState.NO_SESSION;
    private volatile boolean closed;

    AeronReplicator(final NodeState state, final ExclusivePublication log, final ReplicationContext ctx,
        final int maxPayloadLength)
    {
        this.state = state;
        this.log = log;
        this.synchronous = ctx.mode() == ReplicationMode.SYNCHRONOUS;
        this.handoffWindow = ctx.handoffWindow();
        this.backPressureIdle = ctx.idleStrategy().get();
        this.offerBuffer = new UnsafeBuffer(new byte[Messages.HEADER_LENGTH + CommandCodec.HEADER_LENGTH +
            maxPayloadLength]);
    }

    @Override
    public boolean synchronous()
    {
        return synchronous;
    }

    @Override
    public boolean acknowledgesThroughGate()
    {
        return true;
    }

    @Override
    public void start(final ReplicationGate gate, final long nextPosition)
    {
        this.gate = gate;
        this.lastPosition = nextPosition - 1;
        state.stagePosition = nextPosition - 1;
        state.gate = gate;
        if (state.role == Role.PRIMARY)
        {
            state.leaderFrom = nextPosition;
        }
    }

    @Override
    public void replicate(final Command command)
    {
        final long position = command.position();
        lastPosition = position;
        if (position < state.leaderFrom || state.fenced)
        {
            return;
        }
        final long session = state.session;
        if (session == NodeState.NO_SESSION || session != liveSession)
        {
            return;
        }
        ship(command, session);
    }

    @Override
    public void endOfBatch()
    {
        final long last = lastPosition;
        final long leaderFrom = state.leaderFrom;
        if (last < leaderFrom)
        {
            // Followed, not sequenced here: its primary's standby is this node itself.
            gate.acknowledged(last);
            state.stagePosition = last;
            return;
        }
        gate.acknowledged(leaderFrom - 1);
        state.stagePosition = last;
        if (state.fenced)
        {
            return;
        }
        final long session = state.session;
        if (session != NodeState.NO_SESSION && session != liveSession && session != abandonedSession &&
            state.catchUpSession == session &&
            (state.catchUpSent >= last - handoffWindow || state.catchUpAtTail == session))
        {
            // Catch-up is close, or has all the journal had: ship live from the next position, and
            // catch-up covers up to this one (the standby keeps live entries waiting meanwhile).
            state.liveFrom = last + 1;
            liveSession = session;
            state.liveSession = session;
        }
        else if (session == liveSession && session != NodeState.NO_SESSION)
        {
            state.sendTimes.shipped(last, System.nanoTime());
        }
        if (state.degraded || !synchronous)
        {
            gate.acknowledged(last);
        }
    }

    private void ship(final Command command, final long session)
    {
        final int length = Messages.HEADER_LENGTH + CommandCodec.encodedLength(command);
        final long epoch = state.epoch;
        boolean counted = false;
        long firstBackPressure = 0;
        backPressureIdle.reset();
        while (true)
        {
            final long result;
            if (length <= log.maxPayloadLength())
            {
                result = log.tryClaim(length, claim);
                if (result > 0)
                {
                    final MutableDirectBuffer buffer = claim.buffer();
                    final int offset = claim.offset();
                    CommandCodec.encode(command, buffer, Messages.header(buffer, offset, Messages.ENTRY, epoch, session),
                        crc);
                    claim.commit();
                    return;
                }
            }
            else
            {
                CommandCodec.encode(command, offerBuffer, Messages.header(offerBuffer, 0, Messages.ENTRY, epoch, session),
                    crc);
                result = log.offer(offerBuffer, 0, length);
                if (result > 0)
                {
                    return;
                }
            }
            if (result == Publication.NOT_CONNECTED || result == Publication.CLOSED)
            {
                state.notConnected.incrementAndGet();
                abandon(session);
                return;
            }
            if (result == Publication.MAX_POSITION_EXCEEDED)
            {
                throw new ReplicationException("the log stream reached Aeron's maximum position: restart the node " +
                    "to ship on a new stream (the standby catches up from the journal)");
            }
            // BACK_PRESSURED or ADMIN_ACTION: the standby has not taken what is in flight yet.
            if (!counted)
            {
                state.backPressured.incrementAndGet();
                counted = true;
                firstBackPressure = System.nanoTime();
            }
            if (!synchronous && System.nanoTime() - firstBackPressure > ASYNCHRONOUS_PATIENCE_NANOS)
            {
                // Asynchronous: the primary does not wait for a standby that cannot keep up (beyond the
                // moment a hand-off from catch-up takes). It lags instead, and catch-up serves it from the
                // journal at the pace it can take.
                abandon(session);
                return;
            }
            if (closed || state.fenced || state.peerLost || state.session != session)
            {
                abandon(session);
                return;
            }
            backPressureIdle.idle();
        }
    }

    /** Stops shipping live for {@code session}; the standby will ask again, and catch-up covers what follows. */
    private void abandon(final long session)
    {
        abandonedSession = session;
        liveSession = ABANDONED;
        state.liveSession = ABANDONED;
        state.abandonedSession = session;
    }

    @Override
    public void close()
    {
        closed = true;
    }
}
