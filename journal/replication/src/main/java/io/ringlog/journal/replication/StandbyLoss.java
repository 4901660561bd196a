package io.ringlog.journal.replication;

/** What a synchronous primary does when its standby is gone (no heartbeat for the peer timeout). */
public enum StandbyLoss
{
    /**
     * Keep waiting: nothing more becomes visible until a standby acknowledges it. The default, because
     * it is what synchronous means: no client ever sees an event that one machine alone holds.
     */
    WAIT,
    /**
     * After {@link ReplicationContext#degradeAfter()} without a standby, make events visible without
     * its acknowledgement (asynchronous), loudly: an event, a metric, and the status file say so. When
     * a standby has caught up again, the primary is synchronous again.
     */
    DEGRADE
}
