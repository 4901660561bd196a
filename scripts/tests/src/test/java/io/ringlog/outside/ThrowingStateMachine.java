package io.ringlog.outside;

import io.ringlog.core.Command;
import io.ringlog.core.Output;

/** A user's buggy state machine, for the journal tool to load from RINGLOG_CLASSPATH: every odd position throws. */
public final class ThrowingStateMachine extends CountingStateMachine
{
    @Override
    public void apply(final Command command, final Output output)
    {
        if ((command.position() & 1) == 1)
        {
            throw new IllegalStateException("bug at position " + command.position());
        }
        applied++;
    }
}
