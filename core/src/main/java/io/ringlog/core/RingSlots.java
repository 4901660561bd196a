package io.ringlog.core;

import java.util.function.Supplier;

/**
 * Hands out a ring's slots ({@link Command}s or {@link OutputEvent}s) laid end to end in shared arrays, in the order
 * the ring asks for them, which is sequence order: consecutive positions are consecutive bytes, and a publish writes
 * one run of memory.
 */
final class RingSlots<T> implements Supplier<T>
{
    /**
     * The most bytes one array holds by default: 64 MiB, so a large ring needs no gigabyte of contiguous heap (a
     * slot larger than that gets an array of its own).
     */
    static final int ARRAY_BYTES = 64 << 20;

    /** Makes the slot at {@code offset} of {@code bytes}. */
    interface Slot<T>
    {
        T at(byte[] bytes, int offset);
    }

    private final int count;
    private final int stride;
    private final int perArray;
    private final Slot<T> slot;
    private byte[] bytes;
    private int used;
    private int made;

    /**
     * @param count      the ring's slots.
     * @param slotBytes  one slot's header and largest payload; rounded up to 8 so every slot starts 8-aligned.
     * @param arrayBytes the most one array holds (at least one slot).
     */
    RingSlots(final int count, final int slotBytes, final int arrayBytes, final Slot<T> slot)
    {
        this.count = count;
        this.stride = (slotBytes + 7) & ~7;
        this.perArray = Math.max(1, arrayBytes / stride);
        this.slot = slot;
    }

    /** {@code maxPayloadLength} if a slot of it and {@code header} fits a Java array; a clear refusal if not. */
    static int checkMax(final int header, final int maxPayloadLength)
    {
        final int most = Integer.MAX_VALUE - 64 - header;
        if (maxPayloadLength < 0 || maxPayloadLength > most)
        {
            throw new IllegalArgumentException("maxPayloadLength " + maxPayloadLength + " outside 0.." + most);
        }
        return maxPayloadLength;
    }

    @Override
    public T get()
    {
        if (bytes == null || used == bytes.length)
        {
            bytes = new byte[Math.min(perArray, Math.max(1, count - made)) * stride];
            used = 0;
        }
        final T next = slot.at(bytes, used);
        used += stride;
        made++;
        return next;
    }
}
