package io.ringlog.core;

/** Helpers for deterministic state hashes: order-independent, identity-free. */
public final class Hashing
{
    private Hashing()
    {
    }

    /** MurmurHash3's 64-bit finalizer: a strong, cheap mix of one long. */
    public static long mix(final long value)
    {
        long h = value;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** Combines an accumulated hash with one more value, order-dependent. */
    public static long combine(final long hash, final long value)
    {
        return mix(hash * 31 + mix(value));
    }
}
