package io.ringlog.core;

/** What the engine does when a {@link StateMachine} throws while applying a command. */
public enum ErrorPolicy
{
    /**
     * Record the failure, discard the events the command had emitted, emit a rejection with
     * {@link Rejections#COMMAND_FAILED}, and go on with the next command.
     */
    REJECT,

    /**
     * Record the failure and halt the engine: no later command is applied or made visible. Commands accepted
     * before the halt (publishers were given their positions) are journaled all the same, so a start on the
     * journal replays them, the failing one first, and gives their positions to no other command; unless the
     * failure is a JVM error, which stops the journal too.
     */
    HALT
}
