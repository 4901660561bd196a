package io.ringlog.journal.replication;

import io.ringlog.core.StateChecks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The primary's side of the comparison, told by its standby, message by message. */
class StateComparisonTest
{
    /**
     * A reviewer's finding: on an idle pair, a standby heard equal at the newest check (4500), started again with a bad
     * build (differs there), then with the good one (equal there again), left the primary saying DIFFERS for good: it
     * took an equal comparison at or below the last equal one for old news.
     */
    @Test
    void shouldClearADifferenceWhenTheStandbyComparesEqualAgainAtTheSamePosition(@TempDir final Path dir) throws Exception
    {
        try (StatusFile status = StatusFile.create(dir))
        {
            final StateComparison primary = new StateComparison(status, new StateChecks());
            assertNull(primary.standbyEqual(4_500));
            assertTrue(primary.standbyDiffers(4_500, 1, 2).startsWith("THE STANDBY'S STATE DIFFERS from this node's at " +
                "position 4500"));

            final String mended = primary.standbyEqual(4_500);

            assertTrue(mended != null && mended.startsWith("the standby's state is EQUAL to this node's at position " +
                "4500: the difference at position 4500"), String.valueOf(mended));
            assertEquals(0, primary.differsAt());
            assertEquals(4_500, primary.equalAt());
            assertNull(primary.standbyEqual(4_500), "said once");
            assertNull(primary.standbyEqual(3_000), "an older equal one is old news");
        }
    }
}
