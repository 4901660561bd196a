package io.ringlog.exchange.replication;

import io.ringlog.exchange.workload.WorkloadConfig;
import io.ringlog.journal.replication.ReplicationStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A synchronous primary whose standby died journals what it is sent, and shows nothing of it: no
 * standby holds it. Killed then, and restarted with its standby, it shows those events once the standby
 * has acknowledged them, and not before: every event of the history reaches its events files.
 */
class RestartedPrimaryEventsTest
{
    private static final int SETUP_CHUNK = 2_000;
    private static final int TAIL = 2_000;

    @TempDir
    Path dir;

    @Test
    void shouldShowTheUnacknowledgedTailOnceTheStandbyHoldsItAfterARestart() throws Exception
    {
        final int[] ports = {Exchanges.freePort(), Exchanges.freePort()};
        NodeProcess primary = NodeProcess.start(dir, "x", "primary", ports[0], ports[1], "sync", false,
            dir.resolve("x-events-0.txt"));
        NodeProcess standby = NodeProcess.start(dir, "y", "standby", ports[1], ports[0], "sync", false,
            dir.resolve("y-events-0.txt"));
        try
        {
            final long[] read = {-1};
            final NodeProcess first = primary;
            final Tail tail = killWithTheTailUnshown(primary, standby);
            final long end = tail.end();
            final long shown = tail.shown();
            final List<String> before = tail.before();

            // Restarted alone, on the same events file: still no standby holds the tail, so nothing of it is shown,
            // and the file keeps what the killed primary showed.
            primary = NodeProcess.start(dir, "x", "primary", ports[0], ports[1], "sync", false, first.events);
            primary.awaitRunning();
            final NodeProcess restarted = primary;
            KillPrimaryTest.await(() -> figure(restarted, ReplicationStatus::journaledPosition) >= end,
                "the restarted primary recovered");
            // Long enough for its serve loop (every 20 ms) to have released anything it would release unacknowledged.
            KillPrimaryTest.await(() -> (read[0] = figure(restarted, ReplicationStatus::updatedMillis)) > 0, "its page");
            final long recoveredAt = read[0];
            KillPrimaryTest.await(() -> figure(restarted, ReplicationStatus::updatedMillis) >= recoveredAt + 500,
                "half a second of it");
            assertEquals(before, Exchanges.wholeLines(primary.events), "the killed primary's lines, and nothing " +
                "shown before a standby held it");

            standby = NodeProcess.start(dir, "y", "standby", ports[1], ports[0], "sync", false,
                dir.resolve("y-events-1.txt"));
            KillPrimaryTest.await(() -> figure(restarted, ReplicationStatus::acknowledgedPosition) >= end,
                "the standby acknowledged the tail");
            KillPrimaryTest.await(() -> lastPosition(restarted.events) >= end, "the tail's events shown");

            KillPrimaryTest.stop(primary);
            KillPrimaryTest.stop(standby);
            final List<String> history = Exchanges.regenerate(dir.resolve("x").resolve("journal"), end, null);
            final List<String> all = Exchanges.wholeLines(primary.events);
            assertEquals(before, all.subList(0, Math.min(before.size(), all.size())), "appended after what it showed");
            final List<String> after = all.subList(before.size(), all.size());
            final Set<String> files = new HashSet<>(all);
            final List<String> unshown = history.stream().filter((line) -> !files.contains(line)).toList();
            assertEquals(List.of(), unshown.subList(0, Math.min(3, unshown.size())),
                unshown.size() + " events of the history in neither events file");
            assertTrue(Exchanges.position(after.get(0)) <= shown + 1, "no gap after what was shown: " + after.get(0));
        }
        finally
        {
            NodeProcess.killAlive(primary, standby);
        }
    }

    /**
     * Restarted alone with --degrade-after-ms, the primary stops waiting for a standby: the tail it journaled
     * and never showed is shown then, as every later event would be, without waiting for a next command.
     */
    @Test
    void shouldShowTheTailOnceARestartedPrimaryDegrades() throws Exception
    {
        final int[] ports = {Exchanges.freePort(), Exchanges.freePort()};
        NodeProcess primary = NodeProcess.start(dir, "x", "primary", ports[0], ports[1], "sync", false,
            dir.resolve("x-events-0.txt"));
        final NodeProcess standby = NodeProcess.start(dir, "y", "standby", ports[1], ports[0], "sync", false,
            dir.resolve("y-events-0.txt"));
        try
        {
            final Tail tail = killWithTheTailUnshown(primary, standby);
            primary = NodeProcess.start(dir, "x", "primary", ports[0], ports[1], "sync", false, primary.events,
                "--degrade-after-ms", "300");
            primary.awaitRunning();
            final NodeProcess restarted = primary;
            KillPrimaryTest.await(() -> figure(restarted, ReplicationStatus::degradations) > 0, "degraded");
            KillPrimaryTest.await(() -> lastPosition(restarted.events) >= tail.end(), "the tail's events shown");
            KillPrimaryTest.stop(primary);
            final List<String> all = Exchanges.wholeLines(primary.events);
            assertEquals(tail.before(), all.subList(0, tail.before().size()), "appended after what it showed");
            final Set<String> files = new HashSet<>(all);
            final List<String> unshown = Exchanges.regenerate(dir.resolve("x").resolve("journal"), tail.end(), null)
                .stream().filter((line) -> !files.contains(line)).toList();
            assertEquals(List.of(), unshown.subList(0, Math.min(3, unshown.size())),
                unshown.size() + " events of the history not in the file");
        }
        finally
        {
            NodeProcess.killAlive(primary, standby);
        }
    }

    /** What a primary killed with its tail journaled and unshown had shown, and where its journal ends. */
    private record Tail(List<String> before, long shown, long end)
    {
    }

    /**
     * Publishes the workload but its tail to a synchronous pair; kills the standby, publishes the tail (journaled,
     * unacknowledged, unshown), and kills the primary.
     */
    private Tail killWithTheTailUnshown(final NodeProcess primary, final NodeProcess standby) throws Exception
    {
        final List<String> workload = Exchanges.workload(WorkloadConfig.exchangeCore(5, SETUP_CHUNK + TAIL));
        final int tailFrom = workload.size() - TAIL;
        primary.awaitRunning();
        KillPrimaryTest.publish(primary, Exchanges.write(dir.resolve("first.txt"), workload.subList(0, tailFrom)), 0, true);
        final long[] read = {-1};
        KillPrimaryTest.await(() -> (read[0] = figure(primary, ReplicationStatus::acknowledgedPosition)) > 0,
            "the first part acknowledged");
        final long acknowledged = read[0];

        // The standby dies; the primary journals the tail, and shows none of it.
        standby.kill();
        KillPrimaryTest.publish(primary, Exchanges.write(dir.resolve("tail.txt"), workload.subList(tailFrom,
            workload.size())), 0, false);
        final long end = acknowledged + TAIL;
        KillPrimaryTest.await(() -> figure(primary, ReplicationStatus::journaledPosition) >= end, "the tail journaled");
        final List<String> before = Exchanges.wholeLines(primary.events);
        final long shown = Exchanges.position(before.get(before.size() - 1));
        assertTrue(shown <= acknowledged, "nothing unacknowledged was shown: " + shown + " > " + acknowledged);
        primary.kill();
        return new Tail(before, shown, end);
    }

    /** A figure of the node's status page; -1 while the page cannot be read (being written, or not yet). */
    private static long figure(final NodeProcess node, final java.util.function.ToLongFunction<ReplicationStatus> figure)
    {
        final ReplicationStatus status = node.status();
        return status == null ? -1 : figure.applyAsLong(status);
    }

    private static long lastPosition(final Path events)
    {
        try
        {
            final List<String> lines = Exchanges.wholeLines(events);
            return lines.isEmpty() ? 0 : Exchanges.position(lines.get(lines.size() - 1));
        }
        catch (final Exception ex)
        {
            return 0;
        }
    }
}
