package io.ringlog.core;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * An {@link Output} that drops every event and counts them by type, for driving a
 * {@link StateMachine} directly, outside an engine: benchmarks of the business logic alone,
 * allocation checks, workload tools. Claims hand out one reused scratch buffer; nothing is allocated.
 */
public final class DiscardingOutput implements Output
{
    /** Event types counted one by one: {@link OutputEvent#REJECTED} (-1) up to {@value #TYPES} - 2. */
    public static final int TYPES = 32;

    private final UnsafeBuffer scratch;
    private final long[] counts = new long[TYPES];
    private int claimedType;
    private long events;

    /** @param maxEventPayloadLength the largest event the state machine writes. */
    public DiscardingOutput(final int maxEventPayloadLength)
    {
        scratch = new UnsafeBuffer(new byte[maxEventPayloadLength]);
    }

    @Override
    public void emit(final int type, final DirectBuffer src, final int offset, final int length)
    {
        count(type);
    }

    @Override
    public MutableDirectBuffer claim(final int type)
    {
        claimedType = type;
        return scratch;
    }

    @Override
    public void commit(final int length)
    {
        count(claimedType);
    }

    @Override
    public void reject(final int reasonCode)
    {
        count(OutputEvent.REJECTED);
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
