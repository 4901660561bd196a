package io.ringlog.journal.tool;

import org.agrona.DirectBuffer;

import java.util.concurrent.atomic.AtomicLong;

/** A dump decoder that counts the entries it was asked to decode (JournalToolTest), and leaves them as hex. */
public final class CountingDecoder implements PayloadDecoder
{
    static final AtomicLong DECODED = new AtomicLong();

    @Override
    public String decode(final int type, final int version, final DirectBuffer payload, final int length)
    {
        DECODED.incrementAndGet();
        return null;
    }
}
