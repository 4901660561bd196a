package io.ringlog.journal.replication;

/**
 * What a promotion did: the standby is a primary in {@code epoch}, whose history begins at
 * {@code position} with the epoch command; every position before it is what it had followed.
 */
public record Promotion(long epoch, long position)
{
}
