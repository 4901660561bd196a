package io.ringlog.journal.tool;

import io.ringlog.core.testing.AccumulatorStateMachine;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/** Decodes the test accumulator's ADD payload, as an application's decoder would its own commands. */
public final class AddDecoder implements PayloadDecoder
{
    @Override
    public String decode(final int type, final int version, final DirectBuffer payload, final int length)
    {
        if (type == AccumulatorStateMachine.ADD && length == 8)
        {
            return "add " + payload.getLong(0, ByteOrder.LITTLE_ENDIAN);
        }
        return null;
    }

    @Override
    public String typeName(final int type)
    {
        return type == AccumulatorStateMachine.ADD ? "add" : null;
    }
}
