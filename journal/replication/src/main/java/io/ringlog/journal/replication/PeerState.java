package io.ringlog.journal.replication;

/** What a node knows of its peer, from the messages it gets (any message counts as a heartbeat). */
public enum PeerState
{
    /** Nothing heard since this node started. */
    NEVER_SEEN,
    /** Heard from within the peer timeout. */
    CONNECTED,
    /** Silent for longer than the peer timeout. */
    LOST
}
