package io.ringlog.core;

/** What the engine does when a {@link StateMachine} throws while applying a command. */
public enum ErrorPolicy
{
    /**
     * Record the failure, discard the events the command had emitted, emit a rejection with
     * {@link Rejections#COMMAND_FAILED}, and go on with the next command.
     */
    REJECT,

    /** Record the failure and halt the engine: no later command is applied or made visible. */
    HALT
}
