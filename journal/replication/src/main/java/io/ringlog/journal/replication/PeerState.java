package io.ringlog.journal.replication;

/** What a node knows of its peer, from the messages it gets (any message counts as a heartbeat). */
public enum PeerState
{
    /** Nothing heard since this node started. */
    NEVER_SEEN,
    /** Heard from within the peer timeout. */
    CONNECTED,
    /** Silent for longer than the peer timeout. */
    LOST,
    /**
     * Heard from, but nothing listens where this node sends (its peer endpoint is not the other node's listen
     * endpoint): what this node sends goes nowhere.
     */
    ONE_WAY
}
