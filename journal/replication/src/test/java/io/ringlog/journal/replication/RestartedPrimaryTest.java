package io.ringlog.journal.replication;

import io.ringlog.core.Command;
import io.ringlog.core.EngineContext;
import io.ringlog.core.EngineHaltedException;
import io.ringlog.core.Journal;
import io.ringlog.core.JournalException;
import io.ringlog.core.Topology;
import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.core.testing.ForwardingJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A synchronous primary ships an entry while its journaler writes it (PIPELINED: the replicator and the
 * journal stage run side by side), so a primary stopped between the two leaves its standby with a tail
 * it never journaled and never showed. Restarted as the primary, it tells the standby where its journal
 * ended when it started and what it had shown; the standby cuts that tail off (nothing any client saw)
 * instead of refusing the primary as one that lost entries, and the pair goes on to the same state.
 */
class RestartedPrimaryTest
{
    private static final ReplicationMode MODE = ReplicationMode.SYNCHRONOUS;

    @TempDir
    Path dir;

    /**
     * @param standbyRestarts whether the standby is restarted too, after the primary has taken new commands
     *                        of its own at the positions of the tail (else it stays up and sees the restart).
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldCutTheTailTheStoppedPrimaryShippedButNeverJournaled(final boolean standbyRestarts) throws Exception
    {
        // The scenario needs the standby following a live when a's journaler stops: a standby that asked again
        // (its first live entries missed as it connected) is caught up from a's journal, which then never gets
        // the tail. Such a start is set aside and the pair started anew in a directory of its own.
        Pair pair = null;
        HeldJournal held = null;
        ReplicationNode a = null;
        ReplicationNode b = null;
        Path base = null;
        for (int attempt = 1; attempt <= 3 && pair == null; attempt++)
        {
            base = dir.resolve("attempt-" + attempt);
            final Pair started = new Pair(base);
            held = new HeldJournal(started.journal("a"));
            a = launchPrimary(started, held);
            b = started.launch("b", Role.STANDBY, MODE, Topology.PIPELINED, new AccumulatorStateMachine());
            try
            {
                publishAndShow(started, base, a, b);
            }
            catch (final Throwable ex)
            {
                Pair.closeQuietly(b, a);
                throw ex;
            }
            if (followsLive(started))
            {
                pair = started;
            }
            else
            {
                Pair.closeQuietly(b, a);
            }
        }
        assertNotNull(pair, "in 3 starts the standby never followed live once it had 2000 entries");
        try
        {
            // a's journaler stops writing; its replicator ships on, and b journals and applies what it gets.
            held.hold();
            Pair.publish(a.engine(), 2_001, 2_600);
            b.engine().awaitApplied(2_600, 30, TimeUnit.SECONDS);
            assertEquals(2_000, a.engine().metrics().lastAppliedPosition(), "a showed nothing past what it journaled");
            // ... and a dies before it journals any of it.
            held.fail();
            final ReplicationNode dying = a;
            Pair.await(() -> dying.engine().failure() != null, Duration.ofSeconds(10), "a's engine halted");
            Pair.closeQuietly(a);
            if (standbyRestarts)
            {
                Pair.closeQuietly(b);
            }

            a = launchPrimary(pair, null);
            final long journaled = a.engine().nextPosition() - 1;
            assertTrue(journaled >= 2_000 && journaled < 2_600, "a's journal ends where its journaler stopped: " + journaled);
            long next = journaled + 1;
            if (standbyRestarts)
            {
                // New commands at the tail's positions: journaled, shown to nobody until a standby has them.
                Pair.publish(a.engine(), next, next + 99);
                next += 100;
                b = pair.launch("b", Role.STANDBY, MODE, Topology.PIPELINED, new AccumulatorStateMachine());
            }
            final ReplicationNode standby = b;
            Pair.await(() -> standby.failure() != null, Duration.ofSeconds(15), "b told the primary lacks its tail");
            final DivergedHistoryException cut = assertInstanceOf(DivergedHistoryException.class, b.failure());
            assertTrue(cut.neverShown(), cut.getMessage());
            assertEquals(journaled, cut.keepUpTo());
            assertEquals(2_600, cut.lastPosition());
            assertTrue(cut.getMessage().startsWith("positions " + (journaled + 1) + "..2600 of this standby's journal " +
                "were shipped by its primary, which stopped before it journaled them: it started again with its journal " +
                "ending at position " + journaled + ", and it has shown events up to position 2000 only") &&
                cut.getMessage().contains("No client saw them; they are cut off here"), cut.getMessage());
            assertThrows(EngineHaltedException.class, standby::close);

            Rejoin.truncate(base.resolve("b").resolve("journal"), base.resolve("b").resolve("snapshots"), cut.keepUpTo(),
                System.out::println);
            b = pair.launch("b", Role.STANDBY, MODE, Topology.PIPELINED, new AccumulatorStateMachine());
            Pair.publish(a.engine(), next, next + 499);
            b.engine().awaitApplied(next + 499, 30, TimeUnit.SECONDS);
            a.engine().awaitApplied(next + 499, 30, TimeUnit.SECONDS);
            next += 500;
            assertEquals(Role.STANDBY, b.role());
            assertEquals(0, a.epoch(), "no promotion: the same primary, in the same epoch");
        }
        catch (final Throwable ex)
        {
            held.fail();
            Pair.closeQuietly(b, a);
            throw ex;
        }
        b.close();
        a.close();
        assertEquals(a.engine().stateHash(), b.engine().stateHash());
        assertEquals(a.engine().stateHash(), pair.replayHash("b"));
        pair.assertSameJournals(a.engine().nextPosition() - 1);
    }

    /**
     * The same refusal from a primary that had shown more than its journal holds now (its disk lost entries,
     * or an older copy was restored) is no tail to cut: the standby holds what clients saw, and says how to
     * keep it.
     */
    @Test
    void shouldNotCutWhatThePrimaryHadShownBeforeItsJournalLostIt() throws Exception
    {
        final Pair pair = new Pair(dir);
        ReplicationNode a = launchPrimary(pair, null);
        ReplicationNode b = pair.launch("b", Role.STANDBY, MODE, Topology.PIPELINED, new AccumulatorStateMachine());
        try
        {
            publishAndShow(pair, dir, a, b);
            a.close();
            b.close();
            Rejoin.truncate(dir.resolve("a").resolve("journal"), dir.resolve("a").resolve("snapshots"), 1_500,
                System.out::println);

            a = launchPrimary(pair, null);
            b = pair.launch("b", Role.STANDBY, MODE, Topology.PIPELINED, new AccumulatorStateMachine());
            final ReplicationNode ahead = b;
            Pair.await(() -> ahead.failure() != null, Duration.ofSeconds(15), "b refused as ahead");
            assertFalse(b.failure() instanceof DivergedHistoryException, b.failure().toString());
            assertTrue(b.failure().getMessage().startsWith("the primary's journal ends at position 1500, before this " +
                "standby's: either both nodes stopped at once and this node, the primary before them, had journaled entries " +
                "its standby never acknowledged (then restart the two in their former roles, this node as the primary: " +
                "nothing is lost, and every event is shown), or the primary lost entries it had shipped"), b.failure().getMessage());
            assertEquals(2_000, b.engine().nextPosition() - 1, "b keeps all it has");
        }
        finally
        {
            Pair.closeQuietly(b, a);
        }
    }

    /**
     * Publishes positions 1..2000 through the pair and waits until a's status page says it showed them, with
     * the standby following live. A standby that reached the end of a's journal by catch-up goes live at the
     * replicator's next batch; were all 2000 published before, the batch after them (the tail the tests
     * then hold a's journaler for) would be left to a catch-up that reads a's journal, which never gets it:
     * the standby stalled at 2000, once in a while. So half, the standby holding it, then the rest.
     */
    private static void publishAndShow(final Pair pair, final Path dir, final ReplicationNode a, final ReplicationNode b)
        throws Exception
    {
        Pair.publish(a.engine(), 1, 1_000);
        b.engine().awaitApplied(1_000, 30, TimeUnit.SECONDS);
        Pair.publish(a.engine(), 1_001, 2_000);
        Pair.await(() -> new java.util.ArrayList<>(pair.events).stream().anyMatch((e) -> e.startsWith("a: standby " +
            "caught up to position ")), Duration.ofSeconds(30), "the standby following live");
        b.engine().awaitApplied(2_000, 30, TimeUnit.SECONDS);
        a.engine().awaitApplied(2_000, 30, TimeUnit.SECONDS);
        final Path aReplication = dir.resolve("a").resolve("replication");
        Pair.await(() -> ReplicationStatus.shownPosition(aReplication) == 2_000, Duration.ofSeconds(10),
            "a's status page saying it showed 2000");
    }

    /** Whether a's latest word on the standby's catch-up is that it caught up and the replicator ships live. */
    private static boolean followsLive(final Pair pair)
    {
        String last = "";
        for (final String event : new java.util.ArrayList<>(pair.events))
        {
            if (event.startsWith("a: standby asked from") || event.startsWith("a: standby caught up to"))
            {
                last = event;
            }
        }
        return last.startsWith("a: standby caught up to");
    }

    /** A primary whose shown position is what it applied, as an exchange node without an events file says. */
    private static ReplicationNode launchPrimary(final Pair pair, final Journal journal)
    {
        final AtomicReference<ReplicationNode> node = new AtomicReference<>();
        final EngineContext engine = pair.engine("a", new AccumulatorStateMachine(), Topology.PIPELINED,
            journal != null ? journal : pair.journal("a"));
        node.set(ReplicationNode.launch(pair.context("a", MODE).shownPosition(() ->
        {
            final ReplicationNode running = node.get();
            return running == null ? -1 : running.engine().metrics().lastAppliedPosition();
        }), engine, Role.PRIMARY));
        return node.get();
    }

    /** A journal whose appends can be held (a journaler that has stalled), then failed (the process dies there). */
    private static final class HeldJournal extends ForwardingJournal
    {
        private final CountDownLatch released = new CountDownLatch(1);
        private volatile boolean held;
        private volatile boolean failed;

        HeldJournal(final Journal journal)
        {
            super(journal);
        }

        void hold()
        {
            held = true;
        }

        void fail()
        {
            failed = true;
            released.countDown();
        }

        @Override
        public void append(final Command command)
        {
            if (held)
            {
                try
                {
                    released.await();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
            if (failed)
            {
                throw new JournalException(command.position(), "the test stopped this journal, as a SIGKILL would");
            }
            delegate.append(command);
        }

        @Override
        public void commit()
        {
            if (failed)
            {
                throw new JournalException("the test stopped this journal, as a SIGKILL would");
            }
            delegate.commit();
        }
    }
}
