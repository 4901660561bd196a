package io.ringlog.journal.replication;

/** Whether business logic, hence visibility, waits for the standby. */
public enum ReplicationMode
{
    /**
     * An event is visible only once the standby's journal has its command: a client never sees what
     * one machine alone holds. Acknowledged per batch; the primary keeps shipping meanwhile.
     */
    SYNCHRONOUS,
    /**
     * Business logic does not wait: the primary is as fast as without a standby, and what the standby
     * had not acknowledged when the primary died is lost to it (the lag metric says how much that is).
     */
    ASYNCHRONOUS
}
