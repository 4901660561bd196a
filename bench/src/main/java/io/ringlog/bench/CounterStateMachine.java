package io.ringlog.bench;

import io.ringlog.core.Command;
import io.ringlog.core.Output;
import io.ringlog.core.StateMachine;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The smallest business logic that still does the work every real one does: reads the command,
 * changes state, and emits one event per command, written in place with {@link Output#claim}, so a
 * benchmark measures the pipeline rather than the logic. Allocation-free.
 */
public final class CounterStateMachine implements StateMachine
{
    /** The one command type: add the payload's little-endian long to the total. */
    public static final int ADD = 1;
    /** The one event type: the new total (8 bytes) after the command. */
    public static final int TOTAL = 1;
    /** Bytes of an {@link #ADD} payload. */
    public static final int PAYLOAD_LENGTH = 8;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private long total;
    private long count;

    @Override
    public void apply(final Command command, final Output output)
    {
        total += command.payload().getLong(0, ORDER);
        count++;
        output.claim(TOTAL).putLong(0, total, ORDER);
        output.commit(8);
    }

    @Override
    public int writeSnapshot(final MutableDirectBuffer buffer, final int offset)
    {
        buffer.putLong(offset, total, ORDER);
        buffer.putLong(offset + 8, count, ORDER);
        return 16;
    }

    @Override
    public void loadSnapshot(final DirectBuffer buffer, final int offset, final int length)
    {
        total = buffer.getLong(offset, ORDER);
        count = buffer.getLong(offset + 8, ORDER);
    }

    @Override
    public long stateHash()
    {
        return total * 31 + count;
    }

    public long total()
    {
        return total;
    }

    public long count()
    {
        return count;
    }
}
