package io.ringlog.exchange;

import io.ringlog.core.Output;
import io.ringlog.core.OutputContract;
import io.ringlog.core.OutputEvent;
import io.ringlog.exchange.text.TextFormat;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link Output} for driving a state machine on the test thread: keeps each event as bytes and
 * text, and enforces the engine's {@link OutputContract}, so what breaks in the engine breaks here.
 */
final class RecordingOutput implements Output
{
    /** One event as emitted. */
    record Event(int type, UnsafeBuffer payload, int length, String text)
    {
    }

    private final UnsafeBuffer claimed = new UnsafeBuffer(new byte[1024]);
    private final TextFormat format = new TextFormat();
    private final List<Event> events = new ArrayList<>();
    private int claimedType;
    private int claimedReason;
    private boolean inClaim;

    @Override
    public void emit(final int type, final DirectBuffer src, final int offset, final int length)
    {
        OutputContract.checkPayloadLength(length, claimed.capacity());
        claim(type).putBytes(0, src, offset, length);
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
        claim0(OutputEvent.REJECTED, reasonCode).putInt(0, reasonCode, ByteOrder.LITTLE_ENDIAN);
        return claimed;
    }

    private MutableDirectBuffer claim0(final int type, final int reasonCode)
    {
        if (inClaim)
        {
            throw new IllegalStateException("claim before commit");
        }
        inClaim = true;
        claimedType = type;
        claimedReason = reasonCode;
        claimed.setMemory(0, claimed.capacity(), (byte)0);
        return claimed;
    }

    @Override
    public void commit(final int length)
    {
        if (!inClaim)
        {
            throw new IllegalStateException("commit without claim");
        }
        OutputContract.checkPayloadLength(length, claimed.capacity());
        if (claimedReason != 0)
        {
            OutputContract.checkRejectionLength(length);
            if (claimed.getInt(0, ByteOrder.LITTLE_ENDIAN) != claimedReason)
            {
                throw new IllegalStateException("the rejection's reason code was overwritten");
            }
        }
        inClaim = false;
        final byte[] copy = new byte[length];
        claimed.getBytes(0, copy);
        final UnsafeBuffer payload = new UnsafeBuffer(copy);
        events.add(new Event(claimedType, payload, length,
            format.event(claimedType, payload, 0, length, new StringBuilder()).toString()));
    }

    List<Event> events()
    {
        return events;
    }

    List<String> lines()
    {
        final List<String> lines = new ArrayList<>();
        for (final Event event : events)
        {
            lines.add(event.text());
        }
        return lines;
    }

    void clear()
    {
        events.clear();
    }
}
