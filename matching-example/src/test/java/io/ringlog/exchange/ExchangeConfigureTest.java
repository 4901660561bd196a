package io.ringlog.exchange;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The settings command: an exchange configured by its journal takes its settings from the first
 * command (or a snapshot), exactly once, within bounds, and then behaves as one built with them.
 */
class ExchangeConfigureTest
{
    @Test
    void shouldTakeItsSettingsFromTheFirstCommandOnceAndWithinBounds()
    {
        final ExchangeHarness byJournal = new ExchangeHarness(ExchangeStateMachine.configuredByJournal(true));
        assertFalse(byJournal.exchange.configured());
        assertTrue(byJournal.deposit(1, 0, 100).get(0).contains("reason=NOT_CONFIGURED"),
            "nothing before the settings");
        assertTrue(byJournal.configure(2, 8).get(0).contains("reason=BAD_SETTINGS"), "an unknown settings layout");
        assertTrue(byJournal.configure(1, 1).get(0).contains("reason=BAD_SETTINGS"));
        assertTrue(byJournal.configure(1, 2_000_000_000).get(0).contains("reason=BAD_SETTINGS"), "refused, not allocated");
        assertEquals(List.of(), byJournal.configure(1, 8));
        assertTrue(byJournal.exchange.configured());
        assertEquals(8, byJournal.exchange.maxAssets());
        assertTrue(byJournal.configure(1, 8).get(0).contains("reason=ALREADY_CONFIGURED"), "settings never change");

        final ExchangeHarness built = new ExchangeHarness(new ExchangeStateMachine(8, true));
        for (final ExchangeHarness harness : List.of(byJournal, built))
        {
            harness.instrument(1, 1, 0, 5, 100);
            harness.deposit(1, 0, 1_000_000);
            harness.deposit(2, 7, 50);
            assertTrue(harness.deposit(2, 8, 50).get(0).contains("reason=UNKNOWN_ASSET"));
        }
        assertEquals(built.exchange.stateHash(), byJournal.exchange.stateHash(), "the same exchange either way");
        assertThrows(IllegalArgumentException.class, () -> new ExchangeStateMachine(ExchangeStateMachine.MAX_ASSETS + 1,
            true));
    }

    @Test
    void shouldTakeItsSettingsFromASnapshot()
    {
        final ExchangeHarness original = new ExchangeHarness(ExchangeStateMachine.configuredByJournal(true));
        original.configure(1, 12);
        original.deposit(5, 11, 10);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final int length = original.exchange.writeSnapshot(buffer, 0);

        final ExchangeStateMachine restored = ExchangeStateMachine.configuredByJournal(true);
        restored.loadSnapshot(buffer, 0, length);
        assertTrue(restored.configured());
        assertEquals(12, restored.maxAssets());
        assertEquals(original.exchange.stateHash(), restored.stateHash());
    }
}
