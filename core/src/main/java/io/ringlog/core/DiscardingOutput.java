package io.ringlog.core;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * An {@link Output} that drops every event and counts them by type, for driving a
 * {@link StateMachine} directly, outside an engine: benchmarks of the business logic alone,
 * allocation checks, workload tools. Claims hand out one reused scratch buffer; nothing is allocated.
 * It enforces the same {@link OutputContract} as the engine's output, so a state machine that breaks
 * a rule fails here too.
 */
public final class DiscardingOutput implements Output
{
    /** Event types counted one by one: {@link OutputEvent#REJECTED} (-1) up to {@value #TYPES} - 2. */
    public static final int TYPES = 32;

    private final UnsafeBuffer scratch;
    private final long[] counts = new long[TYPES];
    private int claimedType;
    private int claimedReason;
    private boolean claimed;
    private long events;

    /** @param maxEventPayloadLength the largest event the state machine writes. */
    public DiscardingOutput(final int maxEventPayloadLength)
    {
        scratch = new UnsafeBuffer(new byte[maxEventPayloadLength]);
    }

    @Override
    public void emit(final int type, final DirectBuffer src, final int offset, final int length)
    {
        if (src == null)
        {
            throw new IllegalArgumentException("event payload must not be null");
        }
        OutputContract.checkPayloadLength(length, scratch.capacity());
        claim(type);
        commit(length);
    }

    @Override
    public MutableDirectBuffer claim(final int type)
    {
        OutputContract.checkEventType(type);
        return claim0(type, 0);
    }

    @Override
    public MutableDirectBuffer claimRejection(final int reasonCode)
    {
        OutputContract.checkRejectReason(reasonCode);
        final MutableDirectBuffer buffer = claim0(OutputEvent.REJECTED, reasonCode);
        buffer.putInt(0, reasonCode, ByteOrder.LITTLE_ENDIAN);
        return buffer;
    }

    private MutableDirectBuffer claim0(final int type, final int reasonCode)
    {
        if (claimed)
        {
            throw new IllegalStateException("commit() the claimed event before claiming another");
        }
        claimed = true;
        claimedType = type;
        claimedReason = reasonCode;
        return scratch;
    }

    @Override
    public void commit(final int length)
    {
        if (!claimed)
        {
            throw new IllegalStateException("commit() without claim()");
        }
        OutputContract.checkPayloadLength(length, scratch.capacity());
        if (claimedReason != 0)
        {
            OutputContract.checkRejectionLength(length);
        }
        claimed = false;
        count(claimedType);
    }

    private void count(final int type)
    {
        events++;
        counts[Math.min(TYPES - 1, Math.max(0, type + 1))]++;
    }

    /** Events of every type so far. */
    public long events()
    {
        return events;
    }

    /** Events of {@code type} so far; types past the counted range share the last counter. */
    public long events(final int type)
    {
        return counts[Math.min(TYPES - 1, Math.max(0, type + 1))];
    }

    /** Rejections so far, whether sent with {@link #reject} or claimed as {@link OutputEvent#REJECTED} events. */
    public long rejections()
    {
        return events(OutputEvent.REJECTED);
    }
}
