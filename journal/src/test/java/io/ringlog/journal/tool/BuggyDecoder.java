package io.ringlog.journal.tool;

import io.ringlog.core.testing.AccumulatorStateMachine;
import org.agrona.DirectBuffer;

/** A decoder with a bug: it throws on the accumulator's REJECT commands (every tenth entry of the test journal). */
public final class BuggyDecoder implements PayloadDecoder
{
    @Override
    public String decode(final int type, final int version, final DirectBuffer payload, final int length)
    {
        if (type == AccumulatorStateMachine.REJECT)
        {
            throw new IllegalStateException("decoder bug");
        }
        return "ok";
    }
}
