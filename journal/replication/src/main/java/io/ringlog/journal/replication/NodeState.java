package io.ringlog.journal.replication;

import io.ringlog.core.ReplicationGate;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the replicator stage, the replication agent and the API threads share: each field has one
 * writer, named beside it, and is volatile, so a reader sees a value its writer finished.
 * <pre>
 *  agent ──► session ("ship to this standby's session"), catchUpSession/catchUpSent, epoch, leaderFrom,
 *            fenced, degraded                                                           ──► stage
 *  stage ──► liveSession/liveFrom ("shipping live for that session from here"), stagePosition,
 *            send times of live batches                                                 ──► agent
 * </pre>
 * The hand-off from catch-up to live: the stage goes live for a session at the end of a batch, once
 * catch-up has come within the hand-off window; it ships from the next position, and catch-up reads
 * the journal up to the one before. Entries both send are duplicates the standby drops by position.
 */
final class NodeState
{
    /** No standby session: the stage ships nothing. */
    static final long NO_SESSION = 0;

    /** Agent: the standby session to ship to; {@link #NO_SESSION} when none. */
    volatile long session = NO_SESSION;
    /** Agent: the session its catch-up serves, and the last position catch-up sent for it. */
    volatile long catchUpSession = NO_SESSION;
    volatile long catchUpSent;
    /** Agent: the session whose catch-up found nothing more in the journal to send: the stage may go live. */
    volatile long catchUpAtTail = NO_SESSION;
    /** Agent: its own thread while it promotes the engine, null otherwise; the engine refuses any other promoter. */
    volatile Thread promoter;
    /** Agent: the epoch this node sends in. */
    volatile long epoch;
    /** Agent (or launch): the first position this node sequences itself; earlier ones it followed. */
    volatile long leaderFrom = Long.MAX_VALUE;
    /** Agent: a newer epoch fenced this node; the stage ships nothing more. */
    volatile boolean fenced;
    /** Agent: synchronous, standby lost, and visibility no longer waits for it. */
    volatile boolean degraded;
    /** Agent: the peer is silent beyond the peer timeout. */
    volatile boolean peerLost = true;
    /** Agent: the peer was heard as a primary of this epoch too, and the status page says so. */
    volatile boolean twoPrimaries;
    /** Agent: a node whose journal is another one than this node's sends to it, and the status page says so. */
    volatile boolean anotherHistory;
    /** Agent: what the node is doing. */
    volatile Role role;

    /** Stage: the session it ships live for, and the first position it shipped live. */
    volatile long liveSession = NO_SESSION;
    volatile long liveFrom = Long.MAX_VALUE;
    /** Stage: the session it stopped shipping for (nobody connected; asynchronous: back-pressure). */
    volatile long abandonedSession = NO_SESSION;
    /** Stage: the last position it has handled (shipped, or left to catch-up). */
    volatile long stagePosition;
    /** Stage: counts of sends that met back-pressure, and of sends that found nobody connected. */
    final AtomicLong backPressured = new AtomicLong();
    final AtomicLong notConnected = new AtomicLong();
    /** Stage produces, agent consumes: when each live batch was shipped. */
    final SendTimes sendTimes = new SendTimes(4096);

    /** Aeron's client thread: counts log or catch-up streams that appeared (a primary started, or receiving reopened). */
    final AtomicLong streamsAppeared = new AtomicLong();

    /** Launch: the engine's gate. */
    volatile ReplicationGate gate;

    /**
     * When each live batch left, for acknowledgement latency and lag in time. One producer (the
     * stage), one consumer (the agent); full means a sample is skipped, never a wait.
     */
    static final class SendTimes
    {
        private final long[] positions;
        private final long[] nanos;
        private final int mask;
        private volatile long head;
        private volatile long tail;

        SendTimes(final int capacity)
        {
            positions = new long[capacity];
            nanos = new long[capacity];
            mask = capacity - 1;
        }

        /** Stage: batch ending at {@code position} shipped at {@code now}. */
        void shipped(final long position, final long now)
        {
            final long h = head;
            if (h - tail > mask)
            {
                return;
            }
            final int i = (int)(h & mask);
            positions[i] = position;
            nanos[i] = now;
            head = h + 1;
        }

        /** Agent: when the oldest unacknowledged batch was shipped, or -1 if none is waiting. */
        long oldest()
        {
            final long t = tail;
            return t < head ? nanos[(int)(t & mask)] : -1;
        }

        /** Agent: retires batches up to {@code position} and returns how many; {@code latency} gets each round trip. */
        int acknowledged(final long position, final long now, final LatencySink latency)
        {
            long t = tail;
            final long h = head;
            int retired = 0;
            while (t < h && positions[(int)(t & mask)] <= position)
            {
                latency.record(now - nanos[(int)(t & mask)]);
                t++;
                retired++;
            }
            tail = t;
            return retired;
        }

        /** Agent: forgets every batch shipped so far (its session ended). */
        void clear()
        {
            tail = head;
        }
    }

    /** Where acknowledgement round trips go. */
    interface LatencySink
    {
        void record(long nanos);
    }
}
