package io.ringlog.bench;

/**
 * The last positions of the batches a benchmark thread has published and not yet waited for, so it can
 * keep {@code batches} of them in flight: it waits for the batch that many back, not for the one it just
 * published, and the pipeline never drains between invocations. With 0 it waits for each batch it
 * publishes; with {@link #STREAM} (-1) it never waits: it publishes flat out, paced only by the ring's
 * back-pressure, as exchange-core's throughput test submits its flow.
 */
final class InFlight
{
    /** Never wait for a batch: the ring's back-pressure alone paces the producer. */
    static final int STREAM = -1;

    private final long[] ends;
    private final boolean stream;
    private long published;

    InFlight(final int batches)
    {
        if (batches < STREAM)
        {
            throw new IllegalArgumentException("batches in flight must be " + STREAM + " (never wait) or more: " +
                batches);
        }
        stream = batches == STREAM;
        ends = new long[Math.max(0, batches) + 1];
    }

    /**
     * Records a published batch ending at {@code last}, and answers the position to wait for now: the
     * end of the batch {@code batches} back, or -1 while fewer have been published (always, when streaming).
     */
    long published(final long last)
    {
        if (stream)
        {
            return -1;
        }
        ends[(int)(published % ends.length)] = last;
        published++;
        final long behind = published - ends.length;
        return behind < 0 ? -1 : ends[(int)(behind % ends.length)];
    }
}
