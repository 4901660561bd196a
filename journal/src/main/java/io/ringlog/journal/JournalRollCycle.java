package io.ringlog.journal;

import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;

/**
 * How often the journal starts a new file (a cycle). Whole cycles are the unit that
 * {@link ChronicleJournal#deleteCyclesBefore(long)} drops. Each cycle holds at most
 * {@link #maxEntriesPerCycle()} entries; the journal fails loudly rather than overflow one.
 */
public enum JournalRollCycle
{
    /** One file a second: for tests that need several cycles quickly. */
    SECONDLY(TestRollCycles.TEST_SECONDLY),
    FIVE_MINUTELY(RollCycles.FIVE_MINUTELY),
    HOURLY(RollCycles.FAST_HOURLY),
    DAILY(RollCycles.FAST_DAILY),
    WEEKLY(RollCycles.WEEKLY);

    private final RollCycle rollCycle;

    JournalRollCycle(final RollCycle rollCycle)
    {
        this.rollCycle = rollCycle;
    }

    /** Length of one cycle in milliseconds. */
    public long lengthMillis()
    {
        return rollCycle.lengthInMillis();
    }

    public long maxEntriesPerCycle()
    {
        return rollCycle.maxMessagesPerCycle();
    }

    RollCycle chronicle()
    {
        return rollCycle;
    }
}
