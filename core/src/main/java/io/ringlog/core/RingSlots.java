package io.ringlog.core;

import java.util.function.Supplier;

/**
 * Hands out a ring's slots ({@link Command}s or {@link OutputEvent}s) laid end to end in shared arrays, in the order
 * the ring asks for them, which is sequence order: consecutive positions are consecutive bytes, and a publish writes
 * one run of memory.
 */
final class RingSlots<T> implements Supplier<T>
{
    /** The most bytes one array holds by default. */
    static final int ARRAY_BYTES = Integer.MAX_VALUE - 64;

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

    /** {@code maxPayloadLength} if a slot of it and {@code header} fits an array; a clear refusal if not. */
    static int checkMax(final int header, final int maxPayloadLength)
    {
        if (maxPayloadLength < 0 || maxPayloadLength > ARRAY_BYTES - 8 - header)
        {
            throw new IllegalArgumentException("maxPayloadLength " + maxPayloadLength + " outside 0.." +
                (ARRAY_BYTES - 8 - header));
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
