package io.ringlog.example.ledger;

import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.InMemoryJournal;
import io.ringlog.core.InMemorySnapshotStore;
import io.ringlog.core.Topology;
import io.ringlog.core.WaitStrategies;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LedgerStateMachineTest
{
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);

    @Test
    void shouldNeverOverdrawAndShouldMoveMoneyBetweenAccounts()
    {
        final LedgerStateMachine ledger = new LedgerStateMachine();
        final InMemoryJournal journal = new InMemoryJournal(64);
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(ledger).journal(journal).maxPayloadLength(64)))
        {
            engine.publish(LedgerCodec.DEPOSIT, 0, 0, 0, payload, 0, LedgerCodec.accountAmount(payload, 1, 100));
            engine.publish(LedgerCodec.WITHDRAW, 0, 0, 0, payload, 0, LedgerCodec.accountAmount(payload, 1, 101));
            engine.publish(LedgerCodec.TRANSFER, 0, 0, 0, payload, 0, LedgerCodec.transfer(payload, 1, 2, 60));
            engine.publish(LedgerCodec.TRANSFER, 0, 0, 0, payload, 0, LedgerCodec.transfer(payload, 1, 2, 41));
            engine.publish(LedgerCodec.TRANSFER, 0, 0, 0, payload, 0, LedgerCodec.transfer(payload, 2, 2, 1));
            engine.publish(LedgerCodec.DEPOSIT, 0, 0, 0, payload, 0, LedgerCodec.accountAmount(payload, 3, -5));
            engine.publish(LedgerCodec.DEPOSIT, 0, 0, 0, payload, 0, 3);
        }
        assertEquals(40, ledger.balance(1));
        assertEquals(60, ledger.balance(2));
        assertEquals(0, ledger.balance(3));
    }

    @Test
    void shouldRestoreTheSameStateHashFromItsSnapshot()
    {
        final LedgerStateMachine ledger = new LedgerStateMachine();
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(ledger).maxPayloadLength(64)))
        {
            for (int i = 1; i <= 50; i++)
            {
                engine.publish(LedgerCodec.DEPOSIT, 0, 0, 0, payload, 0, LedgerCodec.accountAmount(payload, i, i * 10));
            }
        }
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final int length = ledger.writeSnapshot(buffer, 8);
        final LedgerStateMachine restored = new LedgerStateMachine();
        restored.loadSnapshot(buffer, 8, length);
        assertEquals(ledger.stateHash(), restored.stateHash());
        assertEquals(500, restored.balance(50));
        final ExpandableArrayBuffer again = new ExpandableArrayBuffer();
        assertEquals(length, restored.writeSnapshot(again, 0));
        for (int i = 0; i < length; i++)
        {
            assertEquals(buffer.getByte(8 + i), again.getByte(i), "snapshot bytes are deterministic");
        }
    }

    @Test
    void shouldReplayTheDemoToTheLiveStateHashFromSnapshotsToo() throws Exception
    {
        final LedgerDemo.Result result = LedgerDemo.run(20_000, 50, 7, Topology.PIPELINED, WaitStrategies.PHASED,
            new InMemoryJournal(64), new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        assertEquals(result.liveHash(), result.replayHash());
        assertEquals(20_000, result.accepted() + result.rejected());
        assertTrue(result.rejected() > 0 && result.accepted() > 0, result.toString());

        final InMemoryJournal journal = new InMemoryJournal(64);
        final InMemorySnapshotStore snapshots = new InMemorySnapshotStore();
        final Engine live = Engine.launch(new EngineContext().stateMachine(new LedgerStateMachine()).journal(journal)
            .snapshotStore(snapshots).snapshotEvery(777).maxPayloadLength(64));
        for (int i = 0; i < 5_000; i++)
        {
            engine(live, i);
        }
        live.close();
        final Engine restored = Engine.launch(new EngineContext().stateMachine(new LedgerStateMachine())
            .journal(journal).snapshotStore(snapshots).maxPayloadLength(64));
        restored.close();
        assertEquals(live.stateHash(), restored.stateHash());
        assertEquals(5_000 - 6 * 777, restored.metrics().applied(), "replayed only the tail after the newest snapshot");
    }

    private void engine(final Engine engine, final int i)
    {
        if (i % 3 == 0)
        {
            engine.publish(LedgerCodec.DEPOSIT, 0, 0, i, payload, 0, LedgerCodec.accountAmount(payload, 1 + i % 7, 100));
        }
        else
        {
            engine.publish(LedgerCodec.TRANSFER, 0, 0, i, payload, 0, LedgerCodec.transfer(payload, 1 + i % 7, 1 + i % 5, 30));
        }
    }
}
