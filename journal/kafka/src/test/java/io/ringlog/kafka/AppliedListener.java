package io.ringlog.kafka;

import io.ringlog.core.OutputEvent;
import io.ringlog.core.OutputListener;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Records, for each event, the command's source and sequence and the event's first long: what a source test asks. */
final class AppliedListener implements OutputListener
{
    record Applied(long position, long sourceId, long sourceSequence, long correlationId, int type, long value)
    {
    }

    private final List<Applied> applied = new ArrayList<>();

    @Override
    public synchronized void onEvent(final OutputEvent event, final boolean endOfBatch)
    {
        final long value = event.payloadLength() >= 8 ? event.payload().getLong(0, ByteOrder.LITTLE_ENDIAN) :
            event.payloadLength() >= 4 ? event.payload().getInt(0, ByteOrder.LITTLE_ENDIAN) : 0;
        applied.add(new Applied(event.position(), event.sourceId(), event.sourceSequence(), event.correlationId(),
            event.type(), value));
    }

    synchronized List<Applied> applied()
    {
        return new ArrayList<>(applied);
    }
}
