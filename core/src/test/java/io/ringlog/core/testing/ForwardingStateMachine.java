package io.ringlog.core.testing;

import io.ringlog.core.Command;
import io.ringlog.core.Output;
import io.ringlog.core.StateMachine;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/** A state machine that passes every call on to another: tests override the calls they make go wrong. */
public abstract class ForwardingStateMachine implements StateMachine
{
    protected final StateMachine delegate;

    protected ForwardingStateMachine(final StateMachine delegate)
    {
        this.delegate = delegate;
    }

    @Override
    public void apply(final Command command, final Output output)
    {
        delegate.apply(command, output);
    }

    @Override
    public int writeSnapshot(final MutableDirectBuffer buffer, final int offset)
    {
        return delegate.writeSnapshot(buffer, offset);
    }

    @Override
    public void loadSnapshot(final DirectBuffer buffer, final int offset, final int length)
    {
        delegate.loadSnapshot(buffer, offset, length);
    }

    @Override
    public long stateHash()
    {
        return delegate.stateHash();
    }

    @Override
    public String rejectionName(final int reasonCode)
    {
        return delegate.rejectionName(reasonCode);
    }
}
