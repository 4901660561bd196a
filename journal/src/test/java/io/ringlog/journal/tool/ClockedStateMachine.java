package io.ringlog.journal.tool;

import io.ringlog.core.Command;
import io.ringlog.core.Output;

/**
 * A state machine that breaks the rule of determinism as services do by mistake: it adds the clock to its
 * state, so a replay of the same commands gives another state. For {@code replay --check-snapshots}.
 */
public final class ClockedStateMachine extends OneLongStateMachine
{
    @Override
    public void apply(final Command command, final Output output)
    {
        total += System.nanoTime();
    }
}
