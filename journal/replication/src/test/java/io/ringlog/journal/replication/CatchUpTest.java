package io.ringlog.journal.replication;

import io.ringlog.core.Topology;
import io.ringlog.core.testing.AccumulatorStateMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A standby that starts late, or restarts mid-run, asks from its last position, catches up from the
 * primary's journal while the primary keeps taking commands, then follows live: same journal, same hash.
 */
class CatchUpTest
{
    @TempDir
    Path dir;

    @Test
    void shouldCatchUpALateStandbyAndOneRestartedMidRunWithoutStoppingIntake() throws Exception
    {
        final Pair pair = new Pair(dir);
        final ReplicationMode mode = ReplicationMode.ASYNCHRONOUS;
        final ReplicationNode primary = pair.launch("a", Role.PRIMARY, mode, Topology.PIPELINED,
            new AccumulatorStateMachine());
        ReplicationNode standby = null;
        try
        {
            Pair.publish(primary.engine(), 1, 30_000);
            final AtomicReference<Throwable> publisherFailure = new AtomicReference<>();
            final Thread publisher = new Thread(() ->
            {
                try
                {
                    Pair.publish(primary.engine(), 30_001, 60_000);
                }
                catch (final Throwable ex)
                {
                    publisherFailure.set(ex);
                }
            });
            // Intake goes on while the late standby catches up.
            publisher.start();
            standby = pair.launch("b", Role.STANDBY, mode, Topology.PIPELINED, new AccumulatorStateMachine());
            final ReplicationNode late = standby;
            Pair.await(() -> late.engine().metrics().lastAppliedPosition() >= 40_000, Duration.ofSeconds(60),
                "the late standby past 40,000");
            standby.close();

            // Restarted mid-run: it recovers from its own snapshot and journal, then asks from where it is.
            standby = pair.launch("b", Role.STANDBY, mode, Topology.PIPELINED, new AccumulatorStateMachine());
            publisher.join(TimeUnit.SECONDS.toMillis(60));
            assertNull(publisherFailure.get());
            Pair.publish(primary.engine(), 60_001, 61_000);
            final ReplicationNode restarted = standby;
            restarted.engine().awaitApplied(61_000, 60, TimeUnit.SECONDS);
            Pair.await(() -> primary.status().acknowledgedPosition() == 61_000, Duration.ofSeconds(10), "the last ack");
            assertTrue(primary.status().catchUps() >= 2, "two catch-ups served: " + primary.status());

            // Probe (replication): restarted with no command coming, the standby caught up and the primary never
            // said so ('standby caught up' waits for the first live command). It says what it sent.
            standby.close();
            standby = pair.launch("b", Role.STANDBY, mode, Topology.PIPELINED, new AccumulatorStateMachine());
            Pair.await(() -> new java.util.ArrayList<>(pair.events).contains("a: standby sent every entry up to " +
                "position 61000, all the journal holds: it follows live from the next command"), Duration.ofSeconds(30),
                "the primary to say the idle catch-up is done");
        }
        finally
        {
            primary.close();
            if (standby != null)
            {
                standby.close();
            }
        }
        assertEquals(primary.engine().stateHash(), standby.engine().stateHash());
        pair.assertSameJournals(61_000);
    }

    /**
     * Probe (README walk-through): a primary whose standby had only caught up showed "ack-latency-us: p50 0.0,
     * p99 0.0, max 0.0", which reads as instant. Catch-up sends are not timed, so it says none was; live batches
     * are.
     */
    /**
     * A reviewer's finding: a standby whose journal was moved away (its snapshots left where they were) took on its
     * primary's identity, which its old snapshots carry too; stopped before it had caught up again, it refused its
     * next start as a journal that lost committed entries ("the journal ends at position 0, but a snapshot of this
     * journal was taken at position 3000"). A follower takes those positions from its primary again: it starts, says
     * why the snapshots are not used, and catches up.
     */
    @Test
    void shouldStartAStandbyWhoseSnapshotsAreAheadOfItsJournalAndCatchItUp() throws Exception
    {
        final Pair pair = new Pair(dir);
        final ReplicationMode mode = ReplicationMode.ASYNCHRONOUS;
        final ReplicationNode a = pair.launch("a", Role.PRIMARY, mode, Topology.COMPACT, new AccumulatorStateMachine());
        ReplicationNode b = pair.launch("b", Role.STANDBY, mode, Topology.COMPACT, new AccumulatorStateMachine());
        try
        {
            Pair.publish(a.engine(), 1, 3_000);
            b.engine().awaitApplied(3_000, 30, TimeUnit.SECONDS);
            b.close();
            // Its journal moved away, and a new one that took on the pair's identity and was stopped before any entry.
            final io.ringlog.core.JournalId id = pair.journalId("a");
            java.nio.file.Files.move(dir.resolve("b").resolve("journal"), dir.resolve("b-journal-moved-away"));
            try (io.ringlog.journal.ChronicleJournal empty = pair.journal("b"))
            {
                assertTrue(empty.adopt(id));
            }
            b = pair.launch("b", Role.STANDBY, mode, Topology.COMPACT, new AccumulatorStateMachine());
            Pair.publish(a.engine(), 3_001, 3_100);
            b.engine().awaitApplied(3_100, 30, TimeUnit.SECONDS);
            assertNull(b.failure());
        }
        finally
        {
            Pair.closeQuietly(b, a);
        }
        assertEquals(a.engine().stateHash(), b.engine().stateHash());
        pair.assertSameJournals(3_100);
    }

    @Test
    void shouldSayNoAcknowledgementWasTimedUntilALiveBatchIs() throws Exception
    {
        final Pair pair = new Pair(dir);
        final ReplicationMode mode = ReplicationMode.ASYNCHRONOUS;
        final ReplicationNode primary = pair.launch("a", Role.PRIMARY, mode, Topology.COMPACT, new AccumulatorStateMachine());
        ReplicationNode standby = null;
        try
        {
            Pair.publish(primary.engine(), 1, 500);
            primary.engine().awaitApplied(500, 30, TimeUnit.SECONDS);
            assertTrue(new java.util.ArrayList<>(pair.events).stream().noneMatch((e) -> e.contains("standby asked")));
            standby = pair.launch("b", Role.STANDBY, mode, Topology.COMPACT, new AccumulatorStateMachine());
            Pair.await(() -> primary.status().acknowledgedPosition() == 500, Duration.ofSeconds(30), "the catch-up acknowledged");
            assertTrue(new java.util.ArrayList<>(pair.events).contains("a: standby asked from position 1: catching it up " +
                "from the journal on the 500 entries it holds from there now (positions 1..500), and on what comes " +
                "meanwhile, then live"), pair.events.toString());
            assertEquals("- (none timed yet: only batches shipped live are, from their send to the standby's " +
                "acknowledgement; what catch-up sends is not)", primary.status().fields().get("ack-latency-us"));

            Pair.await(() -> new java.util.ArrayList<>(pair.events).stream().anyMatch((e) -> e.startsWith("a: standby " +
                "sent every entry up to position 500")), Duration.ofSeconds(30), "the catch-up done");
            // The first batch after the catch-up may still go by catch-up (the standby goes live at the replicator's
            // next batch): publish in batches until one is shipped live and timed.
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long next = 501;
            while (!primary.status().fields().get("ack-latency-us").startsWith("p50 "))
            {
                assertTrue(System.nanoTime() < deadline, "no live batch timed by position " + (next - 1) + ": " +
                    primary.status().fields().get("ack-latency-us"));
                Pair.publish(primary.engine(), next, next + 99);
                next += 100;
                final long published = next - 1;
                Pair.await(() -> primary.status().acknowledgedPosition() >= published, Duration.ofSeconds(10),
                    "the standby acknowledges " + published);
            }
        }
        finally
        {
            primary.close();
            if (standby != null)
            {
                standby.close();
            }
        }
    }

    /**
     * A reviewer's finding: a primary whose older cycle files were deleted (retention), asked by a standby for entries
     * older than its oldest, threw at every read (printed by Aeron's error handler again and again) and the standby
     * waited for ever, saying nothing. The primary refuses it, and the standby's node fails saying what to do.
     */
    @Test
    void shouldTellAStandbyBehindATrimmedPrimaryThatItCannotCatchUpFromIt() throws Exception
    {
        final Pair pair = new Pair(dir);
        final ReplicationMode mode = ReplicationMode.ASYNCHRONOUS;
        final java.util.concurrent.atomic.AtomicLong millis = new java.util.concurrent.atomic.AtomicLong(1_700_000_000_000L);
        final io.ringlog.journal.ChronicleJournal aJournal = io.ringlog.journal.ChronicleJournal.open(
            new io.ringlog.journal.ChronicleJournal.Context().directory(dir.resolve("a").resolve("journal"))
                .maxPayloadLength(Pair.MAX_PAYLOAD).rollCycle(io.ringlog.journal.JournalRollCycle.SECONDLY)
                .epochMillisClock(millis::get));
        final ReplicationNode a = ReplicationNode.launch(pair.context("a", mode),
            pair.engine("a", new AccumulatorStateMachine(), Topology.PIPELINED, aJournal), Role.PRIMARY);
        ReplicationNode b = pair.launch("b", Role.STANDBY, mode, Topology.PIPELINED, new AccumulatorStateMachine());
        try
        {
            Pair.publish(a.engine(), 1, 200);
            b.engine().awaitApplied(200, 30, TimeUnit.SECONDS);
            b.close();
            Pair.publish(a.engine(), 201, 300);
            a.engine().awaitApplied(300, 30, TimeUnit.SECONDS);
            millis.addAndGet(2_000);   // the next cycle file
            Pair.publish(a.engine(), 301, 600);
            a.engine().awaitApplied(600, 30, TimeUnit.SECONDS);
            aJournal.deleteCyclesBefore(301);
            assertEquals(301, aJournal.firstPosition());

            b = pair.launch("b", Role.STANDBY, mode, Topology.PIPELINED, new AccumulatorStateMachine());
            final ReplicationNode standby = b;
            Pair.await(() -> standby.failure() != null, Duration.ofSeconds(15), "b is told");
            assertTrue(b.failure().getMessage().startsWith("the primary's journal holds positions from 301 on (older " +
                "entries were deleted there), and this standby's ends at position 200: it cannot catch up from the " +
                "primary's journal"), b.failure().getMessage());
            assertTrue(pair.events.stream().anyMatch((e) -> e.startsWith("a: refused a standby: the standby needs " +
                "entries from position 201")), pair.events.toString());
        }
        finally
        {
            Pair.closeQuietly(b, a);
        }
    }
}
