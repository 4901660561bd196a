package io.ringlog.journal.tool;

import io.ringlog.core.Command;
import io.ringlog.core.Output;
import io.ringlog.core.StateMachine;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * A state machine that breaks the rule of determinism as services do by mistake: it adds the clock to its
 * state, so a replay of the same commands gives another state. For {@code replay --check-snapshots}.
 */
public final class ClockedStateMachine implements StateMachine
{
    private long total;

    @Override
    public void apply(final Command command, final Output output)
    {
        total += System.nanoTime();
    }

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
