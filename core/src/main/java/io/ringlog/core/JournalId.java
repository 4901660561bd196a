package io.ringlog.core;

import java.security.SecureRandom;

/**
 * The identity of one journal: 128 random bits drawn once, when the journal is created, and kept
 * with it. A snapshot records the identity of the journal it was taken on, so recovery can refuse
 * to combine it with another journal's entries. {@link #NONE} is the identity of a journal, or a
 * snapshot, that has none (written before identities existed).
 *
 * @param high the first 64 bits.
 * @param low  the last 64 bits.
 */
public record JournalId(long high, long low)
{
    /** No identity: both halves zero, which {@link #random()} never returns. */
    public static final JournalId NONE = new JournalId(0, 0);

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new identity from a strong random source. */
    public static JournalId random()
    {
        long high;
        long low;
        do
        {
            high = RANDOM.nextLong();
            low = RANDOM.nextLong();
        }
        while (high == 0 && low == 0);
        return new JournalId(high, low);
    }

    /**
     * Parses the 32 hex digits {@link #toString()} writes.
     *
     * @throws IllegalArgumentException if {@code text} is not 32 hex digits.
     */
    public static JournalId parse(final String text)
    {
        if (text == null || text.length() != 32)
        {
            throw new IllegalArgumentException("a journal id is 32 hex digits: " + text);
        }
        try
        {
            return new JournalId(Long.parseUnsignedLong(text.substring(0, 16), 16),
                Long.parseUnsignedLong(text.substring(16), 16));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("a journal id is 32 hex digits: " + text, ex);
        }
    }

    /** Whether this is a real identity, not {@link #NONE}. */
    public boolean known()
    {
        return high != 0 || low != 0;
    }

    /** 32 lower-case hex digits ("none" for {@link #NONE}). */
    @Override
    public String toString()
    {
        return known() ? String.format("%016x%016x", high, low) : "none";
    }
}
