package io.ringlog.bench;

/**
 * The last positions of the batches a benchmark thread has published and not yet waited for, so it can
 * keep {@code batches} of them in flight: it waits for the batch that many back, not for the one it just
 * published, and the pipeline never drains between invocations. With 0 it waits for each batch it
 * publishes.
 */
final class InFlight
{
    private final long[] ends;
    private long published;

    InFlight(final int batches)
    {
        if (batches < 0)
        {
            throw new IllegalArgumentException("batches in flight must not be negative: " + batches);
        }
        ends = new long[batches + 1];
    }

    /**
     * Records a published batch ending at {@code last}, and answers the position to wait for now: the
     * end of the batch {@code batches} back, or -1 while fewer have been published.
     */
    long published(final long last)
    {
        ends[(int)(published % ends.length)] = last;
        published++;
        final long behind = published - ends.length;
        return behind < 0 ? -1 : ends[(int)(behind % ends.length)];
    }
}
