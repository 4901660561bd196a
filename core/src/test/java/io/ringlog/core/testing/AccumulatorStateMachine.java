package io.ringlog.core.testing;

import io.ringlog.core.Command;
import io.ringlog.core.Hashing;
import io.ringlog.core.Output;
import io.ringlog.core.StateMachine;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * A test state machine whose hash depends on every command and its order. Commands:
 * <ul>
 *   <li>{@link #ADD}: payload is a long; adds it to the total and emits {@link #TOTAL} with the new total;</li>
 *   <li>{@link #REJECT}: a business rejection with reason {@link #REASON_REJECTED};</li>
 *   <li>{@link #EMIT_THEN_FAIL}: emits an event, then throws.</li>
 * </ul>
 */
public final class AccumulatorStateMachine implements StateMachine
{
    public static final int ADD = 1;
    public static final int REJECT = 2;
    public static final int EMIT_THEN_FAIL = 3;
    public static final int TOTAL = 10;
    public static final int REASON_REJECTED = 7;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[8]);
    private long total;
    private long count;
    private long history;
    private long lastPosition;
    private boolean outOfOrder;

    @Override
    public void apply(final Command command, final Output output)
    {
        if (command.position() != lastPosition + 1 && lastPosition != 0)
        {
            outOfOrder = true;
        }
        lastPosition = command.position();
        switch (command.type())
        {
            case ADD:
                final long value = command.payloadLength() >= 8 ? command.payload().getLong(0, LE) : 0;
                total += value;
                count++;
                history = Hashing.combine(history, value ^ command.timestamp());
                scratch.putLong(0, total, LE);
                output.emit(TOTAL, scratch, 0, 8);
                break;
            case REJECT:
                output.reject(REASON_REJECTED);
                break;
            case EMIT_THEN_FAIL:
                scratch.putLong(0, -1, LE);
                output.emit(TOTAL, scratch, 0, 8);
                throw new IllegalStateException("deliberate failure at position " + command.position());
            default:
                output.reject(99);
        }
    }

    @Override
    public int writeSnapshot(final MutableDirectBuffer buffer, final int offset)
    {
        buffer.putLong(offset, total, LE);
        buffer.putLong(offset + 8, count, LE);
        buffer.putLong(offset + 16, history, LE);
        return 24;
    }

    @Override
    public void loadSnapshot(final DirectBuffer buffer, final int offset, final int length)
    {
        total = buffer.getLong(offset, LE);
        count = buffer.getLong(offset + 8, LE);
        history = buffer.getLong(offset + 16, LE);
    }

    @Override
    public long stateHash()
    {
        return Hashing.combine(Hashing.combine(total, count), history);
    }

    public long total()
    {
        return total;
    }

    public long count()
    {
        return count;
    }

    /** True if any two consecutive commands arrived with non-consecutive positions. */
    public boolean sawOutOfOrder()
    {
        return outOfOrder;
    }

    public static UnsafeBuffer longPayload(final long value)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8]);
        buffer.putLong(0, value, LE);
        return buffer;
    }
}
