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
     * Whether {@code name} is one Chronicle gives a cycle file of one of ringlog's roll cycles (the cycle's date and
     * time in that cycle's format, then {@value #SUFFIX}). Chronicle's writer reads every {@value #SUFFIX} name in the
     * directory as a cycle's and cannot open the journal beside any other, so such a file is refused by name, not
     * walked as part of the journal (nor rewritten or deleted by a repair).
     */
    static boolean isCycleFileName(final String name)
    {
        if (!name.endsWith(SUFFIX) || name.length() == SUFFIX.length() || !Character.isDigit(name.charAt(0)))
        {
            return false;
        }
        final String base = name.substring(0, name.length() - SUFFIX.length());
        for (final JournalRollCycle cycle : JournalRollCycle.values())
        {
            final DateTimeFormatter format = DateTimeFormatter.ofPattern(cycle.chronicle().format());
            try
            {
                // Parsed whole and written back the same: 20261204F-copy or 20261304F are not names Chronicle gives.
                if (format.format(format.parse(base)).equals(base))
                {
                    return true;
                }
            }
            catch (final java.time.DateTimeException ex)
            {
                // Not this cycle's format; the next may be its.
            }
        }
        return false;
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
