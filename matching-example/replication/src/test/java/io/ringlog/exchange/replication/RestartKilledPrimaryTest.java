package io.ringlog.exchange.replication;

import io.ringlog.exchange.workload.WorkloadConfig;
import io.ringlog.journal.ChronicleJournal;
import io.ringlog.journal.replication.ReplicationStatus;
import io.ringlog.journal.replication.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two exchange nodes as two processes, synchronous and PIPELINED: the primary is SIGKILLed while it
 * publishes and restarted as the primary, with no promotion and no operator. Its replicator ships
 * beside its journaler, so a kill can leave the standby holding a tail the primary never journaled
 * (and never showed); the standby cuts it off by itself and follows. Each trial checks the pair
 * comes back whole without the standby ever stopping: same journal position on both, everything
 * acknowledged. At the end: identical journals, every event a client saw is in the history, and every
 * event of the history is in the primary's events file.
 */
class RestartKilledPrimaryTest
{
    private static final int TRIALS = 2;
    private static final int CHUNK = 10_000;
    private static final String CUT = ", which the primary never journaled; following it again from position ";

    @TempDir
    Path dir;

    @Test
    void shouldComeBackWholeWhenTheKilledPrimaryIsRestartedAsThePrimary() throws Exception
    {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final List<String> workload = Exchanges.workload(WorkloadConfig.exchangeCore(seed, (long)CHUNK * TRIALS));
        final int setup = workload.size() - CHUNK * TRIALS;
        final int[] ports = {Exchanges.freePort(), Exchanges.freePort()};
        final Path events = dir.resolve("x-events.txt");
        NodeProcess primary = NodeProcess.start(dir, "x", "primary", ports[0], ports[1], "sync", false, events);
        final NodeProcess standby = NodeProcess.start(dir, "y", "standby", ports[1], ports[0], "sync", false,
            dir.resolve("y-events.txt"));
        final Set<String> seen = new HashSet<>();
        int tails = 0;
        try
        {
            primary.awaitRunning();
            KillPrimaryTest.publish(primary, Exchanges.write(dir.resolve("setup.txt"), workload.subList(0, setup)), 0, true);
            for (int trial = 1; trial <= TRIALS; trial++)
            {
                final String where = "seed " + seed + ", trial " + trial;
                final NodeProcess killed = primary;
                final Path chunk = Exchanges.write(dir.resolve("chunk-" + trial + ".txt"),
                    workload.subList(setup + (trial - 1) * CHUNK, setup + trial * CHUNK));
                final long from = killed.status().journaledPosition() + 1;
                // As fast as it goes: big batches, the replicator and the journaler each with a batch in hand.
                KillPrimaryTest.publish(killed, chunk, 0, false);
                final long killAt = from + 500 + random.nextInt(CHUNK - 1_000);
                KillPrimaryTest.await(() -> killed.statusShows((status) -> status.journaledPosition() >= killAt) || !killed.alive(),
                    "position " + killAt + " journaled before the kill, " + where);
                killed.kill();
                final List<String> atKill = Exchanges.wholeLines(events);
                seen.addAll(atKill);
                final long lastShown = atKill.isEmpty() ? 0 : Exchanges.position(atKill.get(atKill.size() - 1));
                final long journaledAtKill;
                try (ChronicleJournal journal = Exchanges.readOnly(killed.directory().journal()))
                {
                    journaledAtKill = journal.lastPosition();
                }
                // Entries in flight when the primary died may still arrive: what the standby holds is a figure, not a check.
                final long standbyAtKill = standby.status().journaledPosition();
                final long cutsBefore = count(standby.log, CUT);

                primary = NodeProcess.start(dir, "x", "primary", ports[0], ports[1], "sync", false, events);
                final NodeProcess restarted = primary.awaitRunning();
                KillPrimaryTest.await(() ->
                {
                    final ReplicationStatus x = restarted.status();
                    final ReplicationStatus y = standby.status();
                    return !standby.alive() || x != null && y != null && x.pid() == restarted.process.pid() &&
                        x.role() == Role.PRIMARY && y.role() == Role.STANDBY && x.journaledPosition() >= journaledAtKill &&
                        y.journaledPosition() == x.journaledPosition() &&
                        x.acknowledgedPosition() == x.journaledPosition();
                }, "the pair whole again, " + where);
                assertTrue(standby.alive(), "the standby ended instead of following the restarted primary, " + where +
                    ":\n" + Files.readString(standby.log));
                final boolean cut = count(standby.log, CUT) > cutsBefore;
                if (cut)
                {
                    assertTrue(count(standby.log, "journal ending at position " + journaledAtKill + ", and it has shown") >
                        0, "the tail cut is the one after the killed primary's journal, " + journaledAtKill + ", " + where);
                }
                // The restarted primary goes on after what its file shows (its last position again at most, which a
                // kill may have cut short), not after what its status page said up to 10 ms earlier.
                if (journaledAtKill > lastShown)
                {
                    KillPrimaryTest.await(() -> Exchanges.wholeLines(events).size() > atKill.size(),
                        "the journaled, unshown events shown after the restart, " + where);
                    final String next = Exchanges.wholeLines(events).get(atKill.size());
                    assertTrue(Exchanges.position(next) >= lastShown, "the first event after the restart, '" + next +
                        "', goes back before the last one shown, position " + lastShown + ", " + where);
                }
                tails += cut ? 1 : 0;
                System.out.println(where + ": primary journaled " + journaledAtKill + ", standby held " + standbyAtKill +
                    (cut ? ": the standby cut the positions after " + journaledAtKill : ""));
            }
            KillPrimaryTest.stop(primary);
            KillPrimaryTest.stop(standby);
        }
        finally
        {
            NodeProcess.killAlive(primary, standby);
        }
        System.out.println("seed " + seed + ": in " + TRIALS + " kills, the standby held a tail the primary never " +
            "journaled " + tails + " times; the standby cut it by itself each time");
        Exchanges.assertSameJournals(dir.resolve("x").resolve("journal"), dir.resolve("y").resolve("journal"));
        final List<String> history = Exchanges.regenerate(dir.resolve("x").resolve("journal"), Long.MAX_VALUE, null);
        final Set<String> kept = new HashSet<>(history);
        final List<String> lost = seen.stream().filter((line) -> !kept.contains(line)).sorted().toList();
        assertEquals(List.of(), lost.subList(0, Math.min(3, lost.size())), lost.size() + " events seen before a kill " +
            "are not in the history, seed " + seed);
        final List<String> file = Exchanges.wholeLines(events);
        final Set<String> shown = new HashSet<>(file);
        final List<String> unshown = history.stream().filter((line) -> !shown.contains(line)).toList();
        // What the file holds of the first missing event's position tells a lost line from a different one.
        final long missing = unshown.isEmpty() ? -1 : Exchanges.position(unshown.get(0));
        assertEquals(List.of(), unshown.subList(0, Math.min(3, unshown.size())), unshown.size() + " events of the " +
            "history are not in the primary's events file, seed " + seed + "; the file's lines of position " + missing +
            ": " + file.stream().filter((line) -> Exchanges.position(line) == missing).toList());
        // Each restart went on after the file's last line, even one of a position the kill cut short: no line twice.
        int same = 0;
        while (same < Math.min(file.size(), history.size()) && file.get(same).equals(history.get(same)))
        {
            same++;
        }
        assertEquals(history.size(), file.size(), "the primary's events file is not the history line for line: " +
            "they part at line " + (same + 1) + ", '" + (same < file.size() ? file.get(same) : "(end)") + "' where the " +
            "history has '" + (same < history.size() ? history.get(same) : "(end)") + "', seed " + seed);
        assertEquals(history.size(), same, "the primary's events file parts from the history at line " + (same + 1) +
            ", '" + (same < file.size() ? file.get(same) : "") + "' where the history has '" +
            (same < history.size() ? history.get(same) : "") + "', seed " + seed);
    }

    /**
     * The state a kill between shipping and journaling leaves, made on purpose: the primary's whole node
     * directory (journal, snapshots, status page) as it was at position N, the standby's with more. The
     * standby cuts the tail without being asked, says what it drops, and follows; the primary goes on.
     */
    @Test
    void shouldCutATailTheRestartedPrimaryNeverJournaledAndGoOn() throws Exception
    {
        final long seed = System.nanoTime();
        final List<String> workload = Exchanges.workload(WorkloadConfig.exchangeCore(seed, 3_000));
        final int setup = workload.size() - 3_000;
        final int[] ports = {Exchanges.freePort(), Exchanges.freePort()};
        NodeProcess primary = NodeProcess.start(dir, "x", "primary", ports[0], ports[1], "sync", false,
            dir.resolve("x-events-1.txt"));
        NodeProcess standby = NodeProcess.start(dir, "y", "standby", ports[1], ports[0], "sync", false,
            dir.resolve("y-events-1.txt"));
        try
        {
            primary.awaitRunning();
            KillPrimaryTest.publish(primary, Exchanges.write(dir.resolve("setup.txt"), workload.subList(0, setup)), 0, true);
            KillPrimaryTest.stop(primary);
            KillPrimaryTest.stop(standby);
            final long kept = primary.status().journaledPosition();
            copy(dir.resolve("x"), dir.resolve("x-at-" + kept));

            primary = NodeProcess.start(dir, "x", "primary", ports[0], ports[1], "sync", false,
                dir.resolve("x-events-1.txt"));
            standby = NodeProcess.start(dir, "y", "standby", ports[1], ports[0], "sync", false,
                dir.resolve("y-events-1.txt"));
            primary.awaitRunning();
            KillPrimaryTest.publish(primary, Exchanges.write(dir.resolve("tail.txt"),
                workload.subList(setup, setup + 1_000)), 0, true);
            KillPrimaryTest.stop(primary);
            KillPrimaryTest.stop(standby);
            final long tail = standby.status().journaledPosition();
            assertTrue(tail > kept, tail + " > " + kept);
            // The primary as it was at 'kept': that is all it journaled, and all it showed.
            delete(dir.resolve("x"));
            copy(dir.resolve("x-at-" + kept), dir.resolve("x"));

            standby = NodeProcess.start(dir, "y", "standby", ports[1], ports[0], "sync", false,
                dir.resolve("y-events-2.txt"));
            primary = NodeProcess.start(dir, "x", "primary", ports[0], ports[1], "sync", false,
                dir.resolve("x-events-2.txt"));
            final NodeProcess x = primary.awaitRunning();
            final NodeProcess y = standby;
            awaitOrShow(() -> count(y.log, CUT) > 0 || !y.alive(), "the standby's answer to the tail", x, y);
            awaitOrShow(() ->
            {
                final ReplicationStatus ys = y.status();
                return !y.alive() || ys != null && ys.role() == Role.STANDBY && ys.pid() == y.process.pid() &&
                    ys.journaledPosition() == kept && x.statusShows((xs) -> xs.acknowledgedPosition() == kept);
            }, "the standby following from " + (kept + 1), x, y);
            assertTrue(y.alive(), Files.readString(y.log));
            final String log = Files.readString(y.log);
            assertTrue(log.contains("y: FAILED: positions " + (kept + 1) + ".." + tail + " of this standby's journal were " +
                "shipped by its primary, which stopped before it journaled them: it started again with its journal " +
                "ending at position " + kept + ", and it has shown events up to position " + kept + " only") &&
                log.contains("No client saw them; they are cut off here"), log);
            assertTrue(log.contains("y: rejoin:   drop-positions: " + (kept + 1) + ".." + tail), log);
            assertTrue(log.contains("y: cut off positions " + (kept + 1) + ".." + tail + CUT + (kept + 1)), log);
            assertTrue(!log.contains("forced:"), "no warning that clients may have seen what no client saw: " + log);
            assertTrue(!log.contains("Exception") && !log.contains("\tat "), log);

            KillPrimaryTest.publish(x, Exchanges.write(dir.resolve("after.txt"),
                workload.subList(setup + 1_000, setup + 3_000)), 0, true);
            KillPrimaryTest.stop(x);
            KillPrimaryTest.stop(y);
        }
        finally
        {
            NodeProcess.killAlive(primary, standby);
        }
        final long last = Exchanges.assertSameJournals(dir.resolve("x").resolve("journal"), dir.resolve("y").resolve("journal"));
        final List<String> history = Exchanges.regenerate(dir.resolve("x").resolve("journal"), last, null);
        final Set<String> shown = new HashSet<>(Exchanges.wholeLines(dir.resolve("x-events-1.txt")));
        shown.addAll(Exchanges.wholeLines(dir.resolve("x-events-2.txt")));
        final List<String> unshown = history.stream().filter((line) -> !shown.contains(line)).toList();
        assertEquals(List.of(), unshown.subList(0, Math.min(3, unshown.size())), unshown.size() + " events of the " +
            "history are in neither of the primary's events files, seed " + seed);
    }

    /** Waits as {@link KillPrimaryTest#await} does; on a timeout, the nodes' logs are in the failure. */
    private static void awaitOrShow(final java.util.function.BooleanSupplier condition, final String what,
        final NodeProcess... nodes) throws Exception
    {
        try
        {
            KillPrimaryTest.await(condition, what);
        }
        catch (final java.util.concurrent.TimeoutException ex)
        {
            final StringBuilder logs = new StringBuilder(ex.getMessage());
            for (final NodeProcess node : nodes)
            {
                logs.append("\n--- ").append(node.log).append(":\n").append(Files.readString(node.log));
            }
            throw new AssertionError(logs.toString(), ex);
        }
    }

    private static void copy(final Path from, final Path to) throws java.io.IOException
    {
        try (java.util.stream.Stream<Path> paths = Files.walk(from))
        {
            for (final Path path : (Iterable<Path>)paths::iterator)
            {
                final Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path))
                {
                    Files.createDirectories(target);
                }
                else
                {
                    Files.copy(path, target);
                }
            }
        }
    }

    private static void delete(final Path root) throws java.io.IOException
    {
        try (java.util.stream.Stream<Path> paths = Files.walk(root))
        {
            for (final Path path : (Iterable<Path>)paths.sorted(java.util.Comparator.reverseOrder())::iterator)
            {
                Files.delete(path);
            }
        }
    }

    /** Lines of a node's log that contain {@code text}. */
    private static long count(final Path log, final String text)
    {
        try
        {
            return Files.exists(log) ? Files.readAllLines(log).stream().filter((line) -> line.contains(text)).count() : 0;
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
