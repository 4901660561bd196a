package io.ringlog.core.testing;

import io.ringlog.core.StateMachine;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/** A stateless state machine for tests that only care about {@code apply}. */
public abstract class StateMachineAdapter implements StateMachine
{
    @Override
    public int writeSnapshot(final MutableDirectBuffer buffer, final int offset)
    {
        return 0;
    }

    @Override
    public void loadSnapshot(final DirectBuffer buffer, final int offset, final int length)
    {
    }

    @Override
    public long stateHash()
    {
        return 0;
    }
}
