package io.ringlog.journal.replication;

/** What a node is doing now. */
public enum Role
{
    /** Sequences commands, journals them and ships them to its standby. */
    PRIMARY,
    /** Follows a primary: journals, applies and acknowledges what it sends, and can be promoted. */
    STANDBY,
    /** Was a primary until a newer epoch fenced it: its engine halted, and it makes nothing more visible. */
    FENCED,
    /** Stopped following: its history differs from the primary's, or the primary refused it (see the failure). */
    FAILED
}
