package io.ringlog.outside;

import io.ringlog.core.StateMachine;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/** A user's state machine that counts what it applied, for the journal tool to load from RINGLOG_CLASSPATH. */
abstract class CountingStateMachine implements StateMachine
{
    /** Commands applied. */
    long applied;

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
