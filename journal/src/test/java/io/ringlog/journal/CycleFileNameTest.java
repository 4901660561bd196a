package io.ringlog.journal;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which names are a journal's cycle files: every name Chronicle gives one, for each of ringlog's roll cycles across the
 * years, and no other (a directory holding another .cq4 file is refused by name, so a real one refused would lock a
 * user out of their journal).
 */
class CycleFileNameTest
{
    @Test
    void shouldTakeEveryNameChronicleGivesACycleFileOfEachRollCycle()
    {
        for (final JournalRollCycle cycle : JournalRollCycle.values())
        {
            final DateTimeFormatter format = DateTimeFormatter.ofPattern(cycle.chronicle().format()).withZone(ZoneOffset.UTC);
            for (long millis = 0; millis < Instant.parse("2101-01-01T00:00:00Z").toEpochMilli(); millis += 86_399_987L * 7)
            {
                final String name = format.format(Instant.ofEpochMilli(millis)) + ".cq4";
                assertTrue(CycleNames.isCycleFileName(name), cycle + ": " + name);
            }
        }
    }

    @Test
    void shouldRefuseOtherNames()
    {
        for (final String name : new String[] {"foo.cq4", "backup-20261204F.cq4", "20261204F-copy.cq4", "20261204F_old.cq4",
            "20261304F.cq4", "0.cq4", ".cq4", "20261204F.cq4t", "20261204F.cq4.bak"})
        {
            assertFalse(CycleNames.isCycleFileName(name), name);
        }
    }
}
