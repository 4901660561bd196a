package io.ringlog.exchange;

import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.InMemoryJournal;
import io.ringlog.core.InMemorySnapshotStore;
import io.ringlog.core.RecoveryListener;
import io.ringlog.core.Topology;
import io.ringlog.exchange.text.CommandFileReader;
import io.ringlog.exchange.text.EventTextWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exchange through the real engine: a command file (with malformed lines) is parsed and published,
 * events are written as text; then the same in-memory journal is replayed from empty and from a
 * snapshot. Live, replay and snapshot-plus-tail must end with the same state hash, and replay must
 * regenerate exactly the live events.
 */
class ExchangeEngineDeterminismTest
{
    private static final int COMMANDS = 3_000;

    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldEndWithTheSameHashLiveReplayedAndFromSnapshot(final Topology topology) throws Exception
    {
        final List<String> lines = new ArrayList<>(new RandomFlow(42, 8, 100).generate(COMMANDS));
        lines.add(500, "place oid=1 acct=1 sym=1 side=SIDEWAYS type=GTC price=500 qty=1");
        lines.add(1000, "move oid=1");
        lines.add(1500, "# a comment, skipped");
        final String file = String.join("\n", lines);

        final InMemoryJournal journal = new InMemoryJournal(64);
        final InMemorySnapshotStore snapshots = new InMemorySnapshotStore();
        final StringWriter liveEvents = new StringWriter();
        final ExchangeStateMachine liveExchange = new ExchangeStateMachine(4, true);
        final List<String> malformed = new ArrayList<>();
        final long liveHash;
        final CommandFileReader.Counts counts;
        try (Engine engine = Engine.launch(context(topology, liveExchange, journal, snapshots)
            .snapshotEvery(1_000)
            .listener("events", new EventTextWriter(liveEvents, false))))
        {
            counts = new CommandFileReader().read(new BufferedReader(new StringReader(file)),
                (command) -> engine.publish(command.type(), command.version(), command.sourceId(),
                    command.sourceSequence(), command.correlationId(), command.payload(), 0, command.payloadLength()),
                (lineNumber, line, reason) -> malformed.add(lineNumber + ": " + reason));
        }
        liveHash = liveExchange.stateHash();
        assertEquals(List.of("501: side must be BUY or SELL, got 'SIDEWAYS'", "1001: missing acct=, price="), malformed);
        assertEquals(lines.size() - 3, counts.commands());
        assertEquals(counts.commands(), journal.lastPosition());
        assertTrue(snapshots.positions().length >= 2, "snapshots were taken every 1,000 positions");

        final StringWriter replayedEvents = new StringWriter();
        final ExchangeStateMachine replayed = new ExchangeStateMachine(4, true);
        final long replayEngineHash;
        try (Engine engine = Engine.launch(context(topology, replayed, journal, null)
            .listener("events", new EventTextWriter(replayedEvents, true))))
        {
            assertEquals(counts.commands() + 1, engine.nextPosition());
        }
        assertEquals(liveHash, replayed.stateHash());
        assertEquals(liveEvents.toString(), replayedEvents.toString());

        final ExchangeStateMachine resumed = new ExchangeStateMachine(4, true);
        final long[] recovery = new long[2];
        try (Engine engine = Engine.launch(context(topology, resumed, journal, snapshots)
            .recoveryListener(new RecoveryListener()
            {
                @Override
                public void onRecovered(final long snapshotPosition, final long lastPosition, final long replayed,
                    final long nanos)
                {
                    recovery[0] = snapshotPosition;
                    recovery[1] = replayed;
                }
            })))
        {
            assertEquals(counts.commands() + 1, engine.nextPosition());
        }
        assertEquals(snapshots.positions()[0], recovery[0], "recovery starts from the newest snapshot");
        assertEquals(counts.commands() - recovery[0], recovery[1], "and replays only the tail");
        assertTrue(recovery[1] > 0, "the tail is not empty");
        assertEquals(liveHash, resumed.stateHash());
        assertTrue(liveEvents.toString().contains(" trade id="), "the run should trade");
    }

    private static EngineContext context(
        final Topology topology,
        final ExchangeStateMachine exchange,
        final InMemoryJournal journal,
        final InMemorySnapshotStore snapshots)
    {
        return new EngineContext()
            .name("exchange-" + topology.name().toLowerCase())
            .topology(topology)
            .stateMachine(exchange)
            .journal(journal)
            .snapshotStore(snapshots)
            .maxPayloadLength(64)
            .ringSize(1024)
            .outputRingSize(1 << 14);
    }
}
