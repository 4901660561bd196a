package io.ringlog.exchange;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExchangeSnapshotTest
{
    @Test
    void shouldKeepHashBytesAndBehaviourThroughSnapshotRoundTrip()
    {
        final List<String> lines = new RandomFlow(7, 8, 120).generate(4_000);
        final ExchangeHarness original = new ExchangeHarness(new ExchangeStateMachine(4, true));
        final int half = lines.size() / 2;
        for (int i = 0; i < half; i++)
        {
            original.applyLine(lines.get(i));
        }

        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        final int length = original.exchange.writeSnapshot(buffer, 16);
        final ExchangeHarness restored = new ExchangeHarness(new ExchangeStateMachine(4, true));
        restored.exchange.loadSnapshot(buffer, 16, length);
        assertEquals(original.exchange.stateHash(), restored.exchange.stateHash());
        assertTrue(original.exchange.liveOrders() > 0, "the snapshot should hold resting orders");

        final ExpandableArrayBuffer again = new ExpandableArrayBuffer(64);
        assertEquals(length, restored.exchange.writeSnapshot(again, 0));
        for (int i = 0; i < length; i++)
        {
            assertEquals(buffer.getByte(16 + i), again.getByte(i), "snapshot byte " + i);
        }

        final List<String> originalTail = new ArrayList<>();
        final List<String> restoredTail = new ArrayList<>();
        for (int i = half; i < lines.size(); i++)
        {
            originalTail.addAll(ExchangeHarness.text(original.applyLine(lines.get(i))));
            restoredTail.addAll(ExchangeHarness.text(restored.applyLine(lines.get(i))));
        }
        assertEquals(originalTail, restoredTail);
        assertEquals(original.exchange.stateHash(), restored.exchange.stateHash());
    }

    @Test
    void shouldHashEqualStatesEquallyWhateverTheAccountOrder()
    {
        final ExchangeHarness a = new ExchangeHarness();
        final ExchangeHarness b = new ExchangeHarness();
        a.deposit(1, 0, 10);
        a.deposit(2, 0, 20);
        b.deposit(2, 0, 20);
        b.deposit(1, 0, 10);
        assertEquals(a.exchange.stateHash(), b.exchange.stateHash());
        b.deposit(1, 0, 1);
        assertNotEquals(a.exchange.stateHash(), b.exchange.stateHash());
    }

    @Test
    void shouldChangeHashWhenQueueOrderChanges()
    {
        final ExchangeHarness a = new ExchangeHarness();
        a.instrument(1, 1, 0, 1, 1);
        a.deposit(1, 0, 1000);
        a.deposit(2, 0, 1000);
        a.place(1, 1, 1, Side.BUY, OrderType.GTC, 10, 1);
        a.place(2, 2, 1, Side.BUY, OrderType.GTC, 10, 1);
        final long before = a.exchange.stateHash();
        a.move(1, 1, 10);
        assertNotEquals(before, a.exchange.stateHash());
    }

    @Test
    void shouldRefuseSnapshotOfAnotherAssetCount()
    {
        final ExchangeHarness a = new ExchangeHarness(new ExchangeStateMachine(4, true));
        a.deposit(1, 0, 10);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        final int length = a.exchange.writeSnapshot(buffer, 0);
        assertThrows(IllegalArgumentException.class, () -> new ExchangeStateMachine(8, true).loadSnapshot(buffer, 0, length));
        assertThrows(IllegalArgumentException.class, () -> new ExchangeStateMachine(4, true).loadSnapshot(buffer, 0, length - 1));
    }
}
