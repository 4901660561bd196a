package io.ringlog.journal;

import net.openhft.chronicle.queue.RollCycle;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Cycle numbers from Chronicle cycle file names. Names format cycles in order, so a binary search over
 * cycle numbers finds a name's cycle without parsing dates (some roll cycles name files by day, or by week).
 */
final class CycleNames
{
    static final String SUFFIX = ".cq4";
    private static final long LAST_SORTABLE_MILLIS = Instant.parse("9999-12-31T23:59:59Z").toEpochMilli();

    private CycleNames()
    {
    }

    /**
     * Whether {@code name} is one Chronicle gives a cycle file: a date in digits first (every roll cycle's format
     * starts with the year), then digits, letters, '-' or '_', then {@value #SUFFIX}. Chronicle reads no other file
     * of the directory, so neither does ringlog: a {@code backup.cq4} or {@code foo.cq4} beside the journal is not part
     * of it, and a repair must not count, rewrite or delete it.
     */
    static boolean isCycleFileName(final String name)
    {
        if (!name.endsWith(SUFFIX) || name.length() == SUFFIX.length() || !Character.isDigit(name.charAt(0)))
        {
            return false;
        }
        for (int i = 0; i < name.length() - SUFFIX.length(); i++)
        {
            final char c = name.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '-' || c == '_'))
            {
                return false;
            }
        }
        return true;
    }

    /** The cycle whose file is called {@code name}, or -1 if no cycle of this roll cycle and epoch is. */
    static int cycleOf(final String name, final RollCycle rollCycle, final long epoch)
    {
        final DateTimeFormatter format = DateTimeFormatter.ofPattern(rollCycle.format()).withZone(ZoneOffset.UTC);
        long low = 0;
        // Names stop sorting as cycles past the year 9999: their years grow a sign and more digits.
        long high = Math.min(Integer.MAX_VALUE, (LAST_SORTABLE_MILLIS - epoch) / rollCycle.lengthInMillis());
        while (low <= high)
        {
            final long mid = (low + high) >>> 1;
            final String candidate = format.format(Instant.ofEpochMilli(mid * rollCycle.lengthInMillis() + epoch)) +
                SUFFIX;
            final int order = candidate.compareTo(name);
            if (order == 0)
            {
                return (int)mid;
            }
            if (order < 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }
        return -1;
    }
}
