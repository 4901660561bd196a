package io.ringlog.journal.tool;

import io.ringlog.core.Command;
import io.ringlog.core.Output;
import io.ringlog.core.StateMachine;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * A state machine whose snapshot leaves out part of its state: a count of the commands after position 250, which
 * its hash covers. Replays agree with every snapshot; a snapshot taken after position 250 loads to another hash.
 */
public final class LossySnapshotStateMachine implements StateMachine
{
    private long total;
    private long late;

    @Override
    public void apply(final Command command, final Output output)
    {
        total += command.payload().getLong(0, ByteOrder.LITTLE_ENDIAN);
        if (command.position() > 250)
        {
            late++;
        }
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
        return total * 31 + late;
    }
}
