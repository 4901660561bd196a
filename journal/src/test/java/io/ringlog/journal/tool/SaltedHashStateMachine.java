package io.ringlog.journal.tool;

import io.ringlog.core.Command;
import io.ringlog.core.Output;

import java.nio.ByteOrder;

/**
 * A state machine whose {@code stateHash} is not deterministic across instances (it mixes in a salt each instance
 * draws), as a hash over identity hash codes would be, or one whose code changed between two versions: a snapshot it
 * took loads to another hash than the one it recorded.
 */
public final class SaltedHashStateMachine extends OneLongStateMachine
{
    private final long salt = new java.util.SplittableRandom(System.nanoTime()).nextLong() | 1;

    @Override
    public void apply(final Command command, final Output output)
    {
        total += command.payload().getLong(0, ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public long stateHash()
    {
        return total * 31 + salt;
    }
}
