package io.ringlog.journal.tool;

import io.ringlog.core.StateMachine;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The tool's test state machines whose state is one long, {@code total}, snapshotted as itself: each says only how it
 * applies and hashes (and, where that is the point, what its snapshot leaves out).
 */
public abstract class OneLongStateMachine implements StateMachine
{
    protected long total;

    @Override
    public int writeSnapshot(final MutableDirectBuffer buffer, final int offset)
    {
        buffer.putLong(offset, total, ByteOrder.LITTLE_ENDIAN);
        return Long.BYTES;
    }

    @Override
    public void loadSnapshot(final DirectBuffer buffer, final int offset, final int length)
    {
        total = buffer.getLong(offset, ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public long stateHash()
    {
        return total;
    }
}
