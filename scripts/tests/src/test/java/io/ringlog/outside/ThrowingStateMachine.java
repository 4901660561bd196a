package io.ringlog.outside;

import io.ringlog.core.Command;
import io.ringlog.core.Output;
import io.ringlog.core.StateMachine;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/** A user's buggy state machine, for the journal tool to load from RINGLOG_CLASSPATH: every odd position throws. */
public final class ThrowingStateMachine implements StateMachine
{
    private long applied;

    @Override
    public void apply(final Command command, final Output output)
    {
        if ((command.position() & 1) == 1)
        {
            throw new IllegalStateException("bug at position " + command.position());
        }
        applied++;
    }

    @Override
    public int writeSnapshot(final MutableDirectBuffer buffer, final int offset)
    {
        buffer.putLong(offset, applied);
        return Long.BYTES;
    }

    @Override
    public void loadSnapshot(final DirectBuffer buffer, final int offset, final int length)
    {
        applied = buffer.getLong(offset);
    }

    @Override
    public long stateHash()
    {
        return applied;
    }
}
