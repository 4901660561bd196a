package io.ringlog.journal;

import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;

/**
 * How often the journal starts a new file (a cycle). Whole cycles are the unit that
 * {@link ChronicleJournal#deleteCyclesBefore(long)} drops. Each cycle holds at most
 * {@link #maxEntriesPerCycle()} Chronicle documents (a document holds the entries of one commit, so at
 * least that many entries); the journal fails loudly rather than overflow one. A repair that cuts a
 * cycle rewrites its kept entries one per document, so it needs the entries to fit that bound.
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

    /** Chronicle documents one cycle can hold (2^30 for FIVE_MINUTELY, 2^32 for the others). */
    public long maxEntriesPerCycle()
    {
        return rollCycle.maxMessagesPerCycle();
    }

    RollCycle chronicle()
    {
        return rollCycle;
    }
}
