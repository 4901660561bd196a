package io.ringlog.journal.tool;

import io.ringlog.core.Command;
import io.ringlog.core.Output;

import java.nio.ByteOrder;

/**
 * A state machine whose snapshot leaves out part of its state: a count of the commands after position 250, which
 * its hash covers. Replays agree with every snapshot; a snapshot taken after position 250 loads to another hash.
 */
public final class LossySnapshotStateMachine extends OneLongStateMachine
{
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
    public long stateHash()
    {
        return total * 31 + late;
    }
}
