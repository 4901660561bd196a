package io.ringlog.journal.replication;

import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.journal.ChronicleJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rejoin's plan for committed entries it drops: a node that says how far it showed events as a primary is
 * told which of them reached clients, if any, instead of only that they may have.
 */
class RejoinTest
{
    @TempDir
    Path dir;

    @Test
    void shouldSayNoneOfTheDroppedPositionsWasShownWhenTheNodeShowedLess()
    {
        final String dropped = droppedLine("a", 8, true);
        assertTrue(dropped.contains("positions 11..20 were committed") && dropped.endsWith("; this node showed " +
            "events up to position 8 (its events file's last line) only, so no client saw them from it") &&
            !dropped.contains("may have seen"), dropped);
        // From the status page alone, up to 10 ms behind: said.
        final String fromPage = droppedLine("d", 8, false);
        assertTrue(fromPage.endsWith("; its status page, written every 10 ms, says it showed events up to position 8, " +
            "so no client saw them from it, bar any it showed in its last 10 ms"), fromPage);
    }

    /** A reviewer's finding: a node that never showed an event was said to have shown them "up to position 0". */
    @Test
    void shouldSayTheNodeShowedNoEventWhereItShowedNone()
    {
        final String dropped = droppedLine("e", 0, true);
        assertTrue(dropped.endsWith("; this node showed no event (its events file holds none), so no client saw them " +
            "from it") && !dropped.contains("position 0"), dropped);
        final String fromPage = droppedLine("f", 0, false);
        assertTrue(fromPage.endsWith("; its status page, written every 10 ms, says it showed no event, so no client " +
            "saw them from it, bar any it showed in its last 10 ms"), fromPage);
    }

    @Test
    void shouldNameTheDroppedPositionsTheNodeShowed()
    {
        final String dropped = droppedLine("b", 14, true);
        assertTrue(dropped.endsWith("; this node showed events up to position 14 (its events file's last line), so " +
            "those of positions 11..14 reached its clients and are not the primary's history"), dropped);
    }

    @Test
    void shouldSayOnlyThatTheyMayHaveBeenSeenWhenTheNodeCannotSay()
    {
        final String dropped = droppedLine("c", -1, false);
        assertTrue(dropped.contains("so clients may have seen them") && !dropped.contains("showed events up to"), dropped);
    }

    /**
     * A reviewer's finding: a rejoin past snapshots said "--force drops them and the snapshots after 10 anyway", an
     * option the node does not have; it says the snapshots go with the dropped positions.
     */
    @Test
    void shouldSayTheSnapshotsPastTheCutGoWithoutNamingAnOptionTheNodeLacks()
    {
        final Path journal = dir.resolve("e").resolve("journal");
        final Path snapshots = dir.resolve("e").resolve("snapshots");
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .journal(ChronicleJournal.open(new ChronicleJournal.Context().directory(journal)))
            .snapshotStore(io.ringlog.journal.FileSnapshotStore.open(snapshots, 10)).snapshotEvery(5)))
        {
            Pair.publish(engine, 1, 20);
        }
        final List<String> said = new ArrayList<>();
        Rejoin.truncate(journal, snapshots, 10, false, -1, false, said::add);
        final String all = String.join("\n", said);
        assertTrue(all.contains("the snapshots after 10 are dropped with them") && !all.contains("--force"), all);
        assertEquals("rejoin: done; the node can start as a standby and catch up from position 11", said.get(said.size() - 1));
    }

    /** Cuts a journal of 20 committed entries after 10, for a node that showed up to {@code shown}: the plan's line. */
    private String droppedLine(final String name, final long shown, final boolean exact)
    {
        final Path journal = dir.resolve(name).resolve("journal");
        final Path snapshots = dir.resolve(name).resolve("snapshots");
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .journal(ChronicleJournal.open(new ChronicleJournal.Context().directory(journal)))))
        {
            Pair.publish(engine, 1, 20);
        }
        final List<String> said = new ArrayList<>();
        Rejoin.truncate(journal, snapshots, 10, false, shown, exact, said::add);
        assertEquals("rejoin: done; the node can start as a standby and catch up from position 11", said.get(said.size() - 1));
        final List<String> dropped = said.stream().filter((line) -> line.startsWith("rejoin:   dropped though committed: "))
            .toList();
        assertEquals(1, dropped.size(), said.toString());
        return dropped.get(0);
    }
}
