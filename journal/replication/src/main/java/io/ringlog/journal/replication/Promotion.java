package io.ringlog.journal.replication;

/**
 * What a promotion did: the standby is a primary in {@code epoch}, whose history begins at
 * {@code position} with the epoch command; every position before it is what it had followed.
 * {@code primaryShown} is the last position whose events the old primary said it had shown (its last
 * heartbeat's {@link ReplicationContext#shownPosition}), or -1 if it never said: the events of the
 * positions after it, up to {@code position}, may never have reached a client, and are the new primary's
 * to show (at least once: the old primary may have shown a few more after that heartbeat).
 */
public record Promotion(long epoch, long position, long primaryShown)
{
}
