package io.ringlog.core;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A ring's commands, and its events, share arrays (Command.ringSlots, OutputEvent.ringSlots): each slot must still
 * read back exactly what was written to it.
 */
class CommandSlotsTest
{
    /**
     * Slots filled in any order, with any header and payload, then some payloads shortened or replaced: every slot
     * reads back its own last write, whatever its neighbours in the same array (or the next one) hold, and no
     * payload reads past its length.
     */
    @Property(tries = 300)
    void shouldKeepEverySlotsHeaderAndPayloadItsOwn(
        @ForAll @IntRange(min = 1, max = 40) final int count,
        @ForAll @IntRange(max = 70) final int maxPayload,
        @ForAll @IntRange(min = 1, max = 600) final int arrayBytes,
        @ForAll final long seed)
    {
        final Random random = new Random(seed);
        final Supplier<Command> slots = Command.ringSlots(count, maxPayload, arrayBytes);
        final List<Command> ring = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            ring.add(slots.get());
        }
        // Expected values kept raw, not in another Command: the class under test must not judge itself.
        final String[] expected = new String[count];
        final byte[][] payloads = new byte[count][];
        for (int round = 0; round < 3 * count; round++)
        {
            final int i = random.nextInt(count);
            byte[] payload = new byte[random.nextInt(maxPayload + 1)];
            random.nextBytes(payload);
            final long[] header = {random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong(),
                random.nextLong()};
            final int type = random.nextInt();
            int version = random.nextInt();
            final Command slot = ring.get(i);
            slot.set(header[0], header[1], type, version, header[2], header[3], header[4], new UnsafeBuffer(payload), 0,
                payload.length);
            if (random.nextInt(4) == 0 && payload.length > 0)
            {
                // Shortened in place, as a codec that fills the payload finishes; then grown the same way, or replaced
                // as an upcaster does.
                slot.payloadLength(random.nextInt(payload.length));
                payload = new byte[random.nextInt(maxPayload + 1)];
                random.nextBytes(payload);
                if (random.nextBoolean())
                {
                    slot.mutablePayload().putBytes(0, payload);
                    slot.payloadLength(payload.length);
                }
                else
                {
                    version++;
                    slot.payload(version, new UnsafeBuffer(payload), 0, payload.length);
                }
            }
            expected[i] = header[0] + " " + header[1] + " " + type + " " + version + " " + header[2] + " " + header[3] +
                " " + header[4] + " " + payload.length;
            payloads[i] = payload;
        }
        for (int i = 0; i < count; i++)
        {
            final Command slot = ring.get(i);
            assertEquals(maxPayload, slot.maxPayloadLength());
            if (expected[i] == null)
            {
                assertEquals("0 0 0 0 0 0 0 0", fields(slot), "slot " + i + " never written");
                assertEquals(0, slot.payload().capacity());
                continue;
            }
            assertEquals(expected[i], fields(slot), "slot " + i);
            final DirectBuffer payload = slot.payload();
            assertEquals(payloads[i].length, payload.capacity(), "slot " + i);
            assertEquals(new UnsafeBuffer(payloads[i]), payload, "slot " + i);
            assertThrows(IndexOutOfBoundsException.class, () -> payload.getByte(payload.capacity()));
        }
    }

    private static String fields(final Command command)
    {
        return command.position() + " " + command.timestamp() + " " + command.type() + " " + command.version() + " " +
            command.sourceId() + " " + command.sourceSequence() + " " + command.correlationId() + " " +
            command.payloadLength();
    }

    /** The same of an output ring's events: each keeps its cause's header, its own fields and its payload. */
    @Property(tries = 300)
    void shouldKeepEveryEventsFieldsAndPayloadItsOwn(
        @ForAll @IntRange(min = 1, max = 40) final int count,
        @ForAll @IntRange(max = 70) final int maxPayload,
        @ForAll @IntRange(min = 1, max = 600) final int arrayBytes,
        @ForAll final long seed)
    {
        final Random random = new Random(seed);
        final Supplier<OutputEvent> slots = OutputEvent.ringSlots(count, maxPayload, arrayBytes);
        final List<OutputEvent> ring = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            ring.add(slots.get());
        }
        final String[] expected = new String[count];
        final byte[][] payloads = new byte[count][];
        final Command cause = new Command(0);
        for (int round = 0; round < 3 * count; round++)
        {
            final int i = random.nextInt(count);
            cause.set(random.nextLong(), random.nextLong(), random.nextInt(), 1, random.nextLong(), random.nextLong(),
                random.nextLong(), new UnsafeBuffer(new byte[0]), 0, 0);
            final int type = random.nextInt();
            final int index = random.nextInt();
            final boolean replay = random.nextBoolean();
            final byte[] payload = new byte[random.nextInt(maxPayload + 1)];
            random.nextBytes(payload);
            final OutputEvent event = ring.get(i);
            event.reset(cause, type, index, replay);
            event.mutablePayload().putBytes(0, payload);
            event.payloadLength(payload.length);
            payloads[i] = payload;
            expected[i] = cause.position() + " " + cause.correlationId() + " " + cause.sourceId() + " " +
                cause.sourceSequence() + " " + cause.timestamp() + " " + cause.type() + " " + type + " " + index + " " +
                replay + " " + payload.length;
        }
        for (int i = 0; i < count; i++)
        {
            final OutputEvent event = ring.get(i);
            if (expected[i] == null)
            {
                assertEquals(new OutputEvent(maxPayload).toString(), event.toString(), "slot " + i + " never written");
                continue;
            }
            assertEquals(expected[i], event.position() + " " + event.correlationId() + " " + event.sourceId() + " " +
                event.sourceSequence() + " " + event.timestamp() + " " + event.commandType() + " " + event.type() + " " +
                event.index() + " " + event.isReplay() + " " + event.payloadLength(), "slot " + i);
            assertEquals(new UnsafeBuffer(payloads[i]), new UnsafeBuffer(event.payload(), 0, payloads[i].length),
                "slot " + i);
            assertEquals(maxPayload, event.payload().capacity());
        }
    }
}
