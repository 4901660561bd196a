package io.ringlog.journal.replication;

import io.ringlog.core.EngineHaltedException;
import io.ringlog.core.Topology;
import io.ringlog.core.testing.AccumulatorStateMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Promotion bumps the epoch and journals it; the old primary, still running, is fenced (halts, shows
 * nothing more), is told its tail diverged when it asks to rejoin, cuts it off with {@link Rejoin},
 * and follows the new primary to the same state.
 */
class PromotionTest
{
    @TempDir
    Path dir;

    @Test
    void shouldFenceTheStalePrimaryAndLetItRejoinAfterCuttingItsTail() throws Exception
    {
        final Pair pair = new Pair(dir);
        final ReplicationMode mode = ReplicationMode.SYNCHRONOUS;
        ReplicationNode a = pair.launch("a", Role.PRIMARY, mode, Topology.PIPELINED, new AccumulatorStateMachine());
        ReplicationNode b = pair.launch("b", Role.STANDBY, mode, Topology.PIPELINED, new AccumulatorStateMachine());
        try
        {
            Pair.publish(a.engine(), 1, 5_000);
            b.engine().awaitApplied(5_000, 30, TimeUnit.SECONDS);

            // The standby stops hearing entries: a journals a tail b never gets (and, synchronous, shows none of it).
            b.dropReceiving(Duration.ofSeconds(60));
            Pair.await(() -> pair.events.contains("b: receiving dropped: the log and catch-up subscriptions are closed " +
                "for a while"), Duration.ofSeconds(10), "b's subscriptions closed");
            final ReplicationNode primary = a;
            Pair.publish(primary.engine(), 5_001, 5_200);
            Pair.await(() -> primary.engine().metrics().lastAppliedPosition() == 5_200 ||
                primary.status().lagPositions() > 0, Duration.ofSeconds(30), "a tail the standby does not have");

            // The engine's own promote() would have b sequence commands while it still follows a, and acknowledge
            // them as a's: refused, naming what promotes it; and a publish to it says the same.
            final ReplicationNode standby = b;
            final IllegalStateException direct = assertThrows(IllegalStateException.class, () -> standby.engine().promote());
            assertTrue(direct.getMessage().endsWith(" is promoted by its ReplicationNode (ReplicationNode.promote()), not " +
                "by Engine.promote(): it must stop following its leader first"), direct.getMessage());
            assertThrows(IllegalStateException.class, () -> standby.engine().promote(7));
            final IllegalStateException publish = assertThrows(IllegalStateException.class,
                () -> Pair.publish(standby.engine(), 9_999, 9_999));
            assertTrue(publish.getMessage().endsWith(" is a follower: its commands come from its leader until its " +
                "ReplicationNode (ReplicationNode.promote()) promotes it"), publish.getMessage());
            assertEquals(Role.STANDBY, b.role());

            // a still heartbeats: an unforced promotion is refused, saying it runs; forced, as a partition's arbiter would.
            final ReplicationException running = assertThrows(ReplicationException.class,
                () -> standby.promote(Duration.ofSeconds(10)));
            assertTrue(running.getMessage().startsWith("the primary at 127.0.0.1:" + pair.portA + " was heard from ") &&
                running.getMessage().contains("ms ago: it is running"), running.getMessage());
            assertEquals(Role.STANDBY, b.role());
            final Promotion promotion = b.promote(Duration.ofSeconds(10), true);
            assertEquals(1, promotion.epoch());
            assertTrue(promotion.position() <= 5_201, "the epoch follows what b had: " + promotion);
            assertEquals(Role.PRIMARY, b.role());
            // Its status is a primary's: nothing acknowledged to it yet, so all of its journal is lag, and none of
            // the figures it had as a standby.
            final ReplicationNode promoted = b;
            Pair.await(() -> promoted.status().lagPositions() == promotion.position(), Duration.ofSeconds(5),
                "b's lag: its whole journal");
            assertEquals(0, b.status().acknowledgedPosition(), "its acknowledgements as a standby are not a standby's");
            assertEquals(0, b.status().catchUpFrom(), "no catch-up served as a primary yet");

            // The stale primary hears the new epoch in b's heartbeats and halts.
            Pair.await(() -> primary.role() == Role.FENCED, Duration.ofSeconds(10), "a fenced");
            assertInstanceOf(FencedException.class, a.failure());
            assertThrows(EngineHaltedException.class, () -> Pair.publish(primary.engine(), 9_999, 9_999));
            assertEquals(Role.FENCED, a.status().role());
            assertTrue(a.status().message().startsWith("FENCED"), a.status().message());
            assertThrows(EngineHaltedException.class, primary::close);

            // Rejoining as a standby: refused until the tail is cut, then it follows.
            a = pair.launch("a", Role.STANDBY, mode, Topology.PIPELINED, new AccumulatorStateMachine());
            final ReplicationNode rejoining = a;
            Pair.await(() -> rejoining.failure() != null, Duration.ofSeconds(10), "the divergence found");
            final DivergedHistoryException diverged = assertInstanceOf(DivergedHistoryException.class, a.failure());
            assertEquals(promotion.position() - 1, diverged.keepUpTo());
            assertThrows(EngineHaltedException.class, rejoining::close);
            Rejoin.truncate(dir.resolve("a").resolve("journal"), dir.resolve("a").resolve("snapshots"),
                diverged.keepUpTo(), System.out::println);

            a = pair.launch("a", Role.STANDBY, mode, Topology.PIPELINED, new AccumulatorStateMachine());
            final long next = b.engine().nextPosition();
            Pair.publish(b.engine(), next, next + 999);
            a.engine().awaitApplied(next + 999, 30, TimeUnit.SECONDS);
            assertEquals(1, a.epoch(), "the rejoined node is in the new epoch");
        }
        catch (final Throwable ex)
        {
            Pair.closeQuietly(b, a);
            throw ex;
        }
        b.close();
        a.close();
        assertEquals(b.engine().stateHash(), a.engine().stateHash());
        pair.assertSameJournals(b.engine().nextPosition() - 1);
    }

    /**
     * A primary that lost entries it had shipped (its journal cut back, an older copy restored) refuses its
     * standby as ahead. The standby says how to keep what only it has, and doing what it says works.
     */
    @Test
    void shouldTellAStandbyAheadOfItsPrimaryHowToKeepWhatOnlyItHas() throws Exception
    {
        final Pair pair = new Pair(dir);
        final ReplicationMode mode = ReplicationMode.SYNCHRONOUS;
        ReplicationNode a = pair.launch("a", Role.PRIMARY, mode, Topology.COMPACT, new AccumulatorStateMachine());
        ReplicationNode b = pair.launch("b", Role.STANDBY, mode, Topology.COMPACT, new AccumulatorStateMachine());
        try
        {
            Pair.publish(a.engine(), 1, 2_000);
            b.engine().awaitApplied(2_000, 30, TimeUnit.SECONDS);
            a.close();
            b.close();
            // a's disk loses its last 500 entries.
            Rejoin.truncate(dir.resolve("a").resolve("journal"), dir.resolve("a").resolve("snapshots"), 1_500,
                System.out::println);

            a = pair.launch("a", Role.PRIMARY, mode, Topology.COMPACT, new AccumulatorStateMachine());
            b = pair.launch("b", Role.STANDBY, mode, Topology.COMPACT, new AccumulatorStateMachine());
            final ReplicationNode ahead = b;
            Pair.await(() -> ahead.failure() != null, Duration.ofSeconds(10), "b refused as ahead");
            final ReplicationException refused = assertInstanceOf(ReplicationException.class, b.failure());
            assertTrue(refused.getMessage().startsWith("the primary's journal ends at position 1500, before this " +
                "standby's: either both nodes stopped at once and this node, the primary before them, had journaled entries " +
                "its standby never acknowledged (then restart the two in their former roles, this node as the primary: " +
                "nothing is lost, and every event is shown), or the primary lost entries it had shipped") &&
                refused.getMessage().contains("To keep them, stop the primary, restart this node as a standby and promote " +
                "it with force"), refused.getMessage());

            // As it says: stop the primary, restart b as a standby, promote it with force; a follows it.
            assertThrows(EngineHaltedException.class, ahead::close);
            a.close();
            b = pair.launch("b", Role.STANDBY, mode, Topology.COMPACT, new AccumulatorStateMachine());
            final Promotion promotion = b.promote(Duration.ofSeconds(10), true);
            assertEquals(2_001, promotion.position(), "the entries only b had are kept");
            a = pair.launch("a", Role.STANDBY, mode, Topology.COMPACT, new AccumulatorStateMachine());
            Pair.publish(b.engine(), 2_002, 2_500);
            a.engine().awaitApplied(2_500, 30, TimeUnit.SECONDS);
        }
        catch (final Throwable ex)
        {
            Pair.closeQuietly(b, a);
            throw ex;
        }
        b.close();
        a.close();
        assertEquals(b.engine().stateHash(), a.engine().stateHash());
        pair.assertSameJournals(2_500);
    }

    /**
     * A primary whose journal is gone (a new disk) is empty: the standby cannot tell that from a journal of
     * another pair's, so it says both, and the way for each. Before, it said the primary lost entries and advised
     * a forced promotion only, which for another pair's journal would make that history this pair's.
     */
    @Test
    void shouldNotTellAStandbyAheadOfAnEmptyPrimaryThatTheJournalIsThisPairs() throws Exception
    {
        final Pair pair = new Pair(dir);
        final ReplicationMode mode = ReplicationMode.SYNCHRONOUS;
        ReplicationNode a = pair.launch("a", Role.PRIMARY, mode, Topology.COMPACT, new AccumulatorStateMachine());
        ReplicationNode b = pair.launch("b", Role.STANDBY, mode, Topology.COMPACT, new AccumulatorStateMachine());
        try
        {
            Pair.publish(a.engine(), 1, 500);
            b.engine().awaitApplied(500, 30, TimeUnit.SECONDS);
            a.close();
            b.close();
            java.nio.file.Files.move(dir.resolve("a").resolve("journal"), dir.resolve("a-journal-lost"));

            a = pair.launch("a", Role.PRIMARY, mode, Topology.COMPACT, new AccumulatorStateMachine());
            b = pair.launch("b", Role.STANDBY, mode, Topology.COMPACT, new AccumulatorStateMachine());
            final ReplicationNode ahead = b;
            Pair.await(() -> ahead.failure() != null, Duration.ofSeconds(10), "b refused as ahead");
            final String said = assertInstanceOf(ReplicationException.class, b.failure()).getMessage();
            assertTrue(said.startsWith("the primary's journal is empty, and this standby's goes on to position 500: " +
                "either the primary lost its journal") && said.contains("or this standby's journal is not this " +
                "pair's") && said.contains("If it is this pair's, keep it: stop the primary, restart this node as a " +
                "standby and promote it with force") && said.contains("If it is not, move this standby's journal away " +
                "and let it copy the primary's"), said);
            assertEquals(500, b.engine().nextPosition() - 1, "the standby keeps all it has");
        }
        finally
        {
            Pair.closeQuietly(b, a);
        }
    }

    /**
     * Two nodes started as primaries on new journals (a misconfiguration) each journal their own commands: two
     * journals under two identities, which share no entry, as a node of another pair's would. Each says so, and
     * neither takes anything from the other. The one restarted as a standby is refused and cuts nothing, with
     * --rejoin too (a rejoin cut the whole journal before, and copied the other's: the same path let a wrong --peer
     * replace a journal with another pair's); whether its journal ends before the kept one's or after it. Moved
     * away as the refusal says, it copies the kept one's, and takes on its identity.
     */
    @ParameterizedTest
    @ValueSource(ints = {1_500, 3_000})
    void shouldRefuseToFollowAPrimaryOfAnotherJournalAndCutNothingEvenToRejoin(final int ownEntries)
        throws Exception
    {
        final Pair pair = new Pair(dir);
        final ReplicationMode mode = ReplicationMode.ASYNCHRONOUS;
        final ReplicationNode a = pair.launch("a", Role.PRIMARY, mode, Topology.PIPELINED, new AccumulatorStateMachine());
        ReplicationNode b = pair.launch("b", Role.PRIMARY, mode, Topology.PIPELINED, new AccumulatorStateMachine());
        try
        {
            Pair.publish(a.engine(), 1, 2_000);
            // Other payloads at the same positions: another history.
            Pair.publish(b.engine(), 100_001, 100_000 + ownEntries);
            b.engine().awaitApplied(ownEntries, 30, TimeUnit.SECONDS);
            Pair.await(() -> pair.events.stream().anyMatch((e) -> e.startsWith("b: ANOTHER JOURNAL: a node whose " +
                "journal is another one than this node's sends to ") && e.contains("If the two were meant to be one " +
                "pair (both started as primaries, each on a new journal), keep one: stop the other, move its journal " +
                "away, and start it again as a standby")), Duration.ofSeconds(10), "b warned");
            assertTrue(b.status().message().startsWith("ANOTHER JOURNAL"), b.status().message());
            b.close();

            for (final boolean rejoining : new boolean[] {false, true})
            {
                b = pair.launch("b", Role.STANDBY, mode, Topology.PIPELINED, new AccumulatorStateMachine(),
                    (ctx) -> ctx.rejoining(rejoining));
                final ReplicationNode refused = b;
                Pair.await(() -> refused.failure() != null, Duration.ofSeconds(10), "b refused");
                final String said = refused.failure().getMessage();
                assertFalse(refused.failure() instanceof DivergedHistoryException, said);
                assertTrue(said.startsWith("the primary at 127.0.0.1:" + pair.portA + " holds another journal than " +
                    "this node's: its journal id is " + pair.journalId("a") + " (its journal ends at position ") &&
                    said.contains("nothing was cut or changed") && said.contains("stop this node, move its journal " +
                    "away, and start it again as a standby, and it copies the primary's"), said);
                assertEquals(ownEntries, refused.engine().nextPosition() - 1, "b keeps all it has");
                assertThrows(EngineHaltedException.class, refused::close);
                try (io.ringlog.journal.ChronicleJournal journal = pair.readOnly("b"))
                {
                    assertEquals(ownEntries, journal.lastPosition(), "nothing was cut");
                }
            }
            assertTrue(pair.events.stream().anyMatch((e) -> e.startsWith("a: ANOTHER JOURNAL: ")),
                String.join("\n", pair.events));
            assertEquals(Role.PRIMARY, a.role(), "a took nothing from b: " + a.failure());

            java.nio.file.Files.move(dir.resolve("b").resolve("journal"), dir.resolve("b-journal-moved-away"));
            b = pair.launch("b", Role.STANDBY, mode, Topology.PIPELINED, new AccumulatorStateMachine());
            Pair.publish(a.engine(), 2_001, 2_500);
            b.engine().awaitApplied(2_500, 30, TimeUnit.SECONDS);
            assertEquals(null, b.failure());
        }
        catch (final Throwable ex)
        {
            Pair.closeQuietly(b, a);
            throw ex;
        }
        b.close();
        a.close();
        assertEquals(a.engine().stateHash(), b.engine().stateHash());
        pair.assertSameJournals(2_500);
        assertEquals(pair.journalId("a"), pair.journalId("b"), "b's journal is a copy of a's, by identity too");
    }

    /**
     * A standby restarted as a primary by mistake, after it had followed: its entries of the epoch begin with
     * the primary's. Restarted as a standby, it finds the last position both hold the same (by halving,
     * PROBE by PROBE) and keeps up to there; only its own commands are cut, and it follows from the next.
     */
    @Test
    void shouldKeepWhatTwoPrimariesSharedBeforeTheyParted() throws Exception
    {
        final Pair pair = new Pair(dir);
        final ReplicationMode mode = ReplicationMode.ASYNCHRONOUS;
        final ReplicationNode a = pair.launch("a", Role.PRIMARY, mode, Topology.PIPELINED, new AccumulatorStateMachine());
        ReplicationNode b = pair.launch("b", Role.STANDBY, mode, Topology.PIPELINED, new AccumulatorStateMachine());
        try
        {
            Pair.publish(a.engine(), 1, 3_000);
            b.engine().awaitApplied(3_000, 30, TimeUnit.SECONDS);
            b.close();
            // b restarted as a primary: its own commands at 3001.., while a goes on with others.
            b = pair.launch("b", Role.PRIMARY, mode, Topology.PIPELINED, new AccumulatorStateMachine());
            Pair.publish(b.engine(), 100_001, 100_500);
            Pair.publish(a.engine(), 3_001, 3_700);
            b.engine().awaitApplied(3_500, 30, TimeUnit.SECONDS);
            a.engine().awaitApplied(3_700, 30, TimeUnit.SECONDS);
            b.close();

        }
        catch (final Throwable ex)
        {
            Pair.closeQuietly(b, a);
            throw ex;
        }
        final DivergedHistoryException diverged = refusedAsDiverged(pair, mode, a);
        try
        {
            assertEquals(3_000, diverged.keepUpTo(), "what both held before they parted is kept: " + diverged.getMessage());
            assertEquals(3_500, diverged.lastPosition());
            assertTrue(diverged.getMessage().startsWith("TWO PRIMARIES in epoch 0? This node's entry at position 3500 " +
                "differs from the primary's, in the epoch both are in: its entries from position 3001 to 3500 are another " +
                "history (it was started as a primary too, or its journal was changed) (positions 1..3000 of the epoch " +
                "are the primary's too, and are kept)"), diverged.getMessage());
            assertTrue(pair.events.stream().anyMatch((e) -> e.startsWith("b: the primary's entry at position 3500 " +
                "differs from this node's, in the epoch both are in: looking for the last position both hold the same, " +
                "after 0")), "b says it searches");
        }
        catch (final Throwable ex)
        {
            Pair.closeQuietly(a);
            throw ex;
        }
        final List<String> cut = rejoinAndFollow(pair, mode, a, diverged, 3_701, 4_000);
        assertTrue(cut.contains("drop-positions: 3001..3500 (500 entries)"), "the plan: " + cut);
    }

    /**
     * A newcomer's probe: as above, but the primary kept had been restarted (its journal ended at 3000 when it
     * started, and it had shown up to there), and went on past it. The standby's entries past 3000 differ from the
     * primary's there, and its entry at 3000 matches: it said "the primary's journal ends at position 3000, before
     * this standby's: the primary lost entries it had shipped", advised keeping its own by a forced promotion
     * (dropping the primary's), and never exited as diverged. The primary's last position now comes with the
     * refusal: the standby searches where the two part, as for two primaries, and a rejoin cuts its own entries.
     */
    @Test
    void shouldFindWhereTwoPrimariesPartWhenTheOneKeptWasRestarted() throws Exception
    {
        final Pair pair = new Pair(dir);
        final ReplicationMode mode = ReplicationMode.ASYNCHRONOUS;
        final ReplicationNode a = restartedPrimaryBesideASecond(pair, mode, 3_700);
        final DivergedHistoryException diverged = refusedAsDiverged(pair, mode, a);
        try
        {
            assertEquals(3_000, diverged.keepUpTo(), diverged.getMessage());
            assertEquals(3_500, diverged.lastPosition());
            assertTrue(diverged.getMessage().startsWith("TWO PRIMARIES in epoch 0? This node's entry at position 3500 " +
                "differs from the primary's, in the epoch both are in: its entries from position 3001 to 3500 are another " +
                "history (it was started as a primary too; or the primary, which started again with its journal ending at " +
                "position 3000, had shipped them before it stopped and then did not have them (never journaled, or lost " +
                "from its disk), and went on with others) (positions 1..3000 of the epoch are the primary's too, and are " +
                "kept)"), diverged.getMessage());
        }
        catch (final Throwable ex)
        {
            Pair.closeQuietly(a);
            throw ex;
        }
        rejoinAndFollow(pair, mode, a, diverged, 3_701, 4_000);
    }

    /**
     * As above, with the standby's journal going on past the restarted primary's end (3500 against 3200). The
     * refusal said "this node's journal goes on to position 3201", the position it compared, not its last.
     */
    @Test
    void shouldSayWhereTheStandbysJournalEndsWhenItGoesOnPastTheRestartedPrimarys() throws Exception
    {
        final Pair pair = new Pair(dir);
        final ReplicationMode mode = ReplicationMode.ASYNCHRONOUS;
        final ReplicationNode a = restartedPrimaryBesideASecond(pair, mode, 3_200);
        final DivergedHistoryException diverged = refusedAsDiverged(pair, mode, a);
        try
        {
            assertEquals(3_000, diverged.keepUpTo(), diverged.getMessage());
            assertEquals(3_500, diverged.lastPosition());
            assertTrue(diverged.getMessage().startsWith("TWO PRIMARIES in epoch 0? This node's journal goes on to " +
                "position 3500, past the primary's 3200, and differs from it, in the epoch both are in: its entries from " +
                "position 3001 to 3500 are another history"), diverged.getMessage());
        }
        catch (final Throwable ex)
        {
            Pair.closeQuietly(a);
            throw ex;
        }
        rejoinAndFollow(pair, mode, a, diverged, 3_201, 3_600);
    }

    /**
     * A pair that shared 1..3000, shown by a; then a restarted as primary going on to {@code aLast} (and showing it
     * all), while b, started as a primary too, took its own commands to 3500 and stopped. Returns a, running; on any
     * failure, closes both.
     */
    private ReplicationNode restartedPrimaryBesideASecond(final Pair pair, final ReplicationMode mode, final long aLast)
        throws Exception
    {
        // What a's clients have seen (an exchange node's events file says it): everything it applied, asynchronous.
        final AtomicLong shownByA = new AtomicLong(-1);
        final UnaryOperator<ReplicationContext> shown = (ctx) -> ctx.shownPosition(shownByA::get);
        ReplicationNode a = pair.launch("a", Role.PRIMARY, mode, Topology.PIPELINED, new AccumulatorStateMachine(), shown);
        ReplicationNode b = pair.launch("b", Role.STANDBY, mode, Topology.PIPELINED, new AccumulatorStateMachine());
        try
        {
            publishAndShow(a, b, shownByA, 3_000);
            b.close();
            a.close();
            a = pair.launch("a", Role.PRIMARY, mode, Topology.PIPELINED, new AccumulatorStateMachine(), shown);
            b = pair.launch("b", Role.PRIMARY, mode, Topology.PIPELINED, new AccumulatorStateMachine());
            Pair.publish(b.engine(), 100_001, 100_500);
            Pair.publish(a.engine(), 3_001, aLast);
            b.engine().awaitApplied(3_500, 30, TimeUnit.SECONDS);
            a.engine().awaitApplied(aLast, 30, TimeUnit.SECONDS);
            shownByA.set(aLast);
            b.close();
            return a;
        }
        catch (final Throwable ex)
        {
            Pair.closeQuietly(b, a);
            throw ex;
        }
    }

    /**
     * Publishes 1..{@code last} on primary {@code a}, followed by standby {@code b}, then has a say it showed them all
     * (through {@code shownByA}, its context's shownPosition) and waits until its status page keeps that.
     */
    private void publishAndShow(final ReplicationNode a, final ReplicationNode b, final AtomicLong shownByA,
        final long last) throws Exception
    {
        Pair.publish(a.engine(), 1, last);
        b.engine().awaitApplied(last, 30, TimeUnit.SECONDS);
        a.engine().awaitApplied(last, 30, TimeUnit.SECONDS);
        shownByA.set(last);
        final Path pageOfA = dir.resolve("a").resolve("replication");
        Pair.await(() -> ReplicationStatus.shownPosition(pageOfA) == last, Duration.ofSeconds(10), "a's page");
    }

    /**
     * Starts b as a standby of {@code a}, which refuses it as diverged; returns what it was told, b closed (halted). On
     * any failure, closes both.
     */
    private static DivergedHistoryException refusedAsDiverged(final Pair pair, final ReplicationMode mode,
        final ReplicationNode a) throws Exception
    {
        final ReplicationNode b = pair.launch("b", Role.STANDBY, mode, Topology.PIPELINED, new AccumulatorStateMachine());
        try
        {
            Pair.await(() -> b.failure() != null, Duration.ofSeconds(15), "b told what to cut");
            final DivergedHistoryException diverged = assertInstanceOf(DivergedHistoryException.class, b.failure(),
                String.valueOf(b.failure()));
            assertThrows(EngineHaltedException.class, b::close);
            return diverged;
        }
        catch (final Throwable ex)
        {
            Pair.closeQuietly(b, a);
            throw ex;
        }
    }

    /**
     * Cuts b's journal after what {@code diverged} keeps, starts it as a standby of {@code a} again, publishes
     * {@code from..to} on a, and closes both: the same state, and the same journals entry for entry. Returns the cut's
     * plan.
     */
    private List<String> rejoinAndFollow(final Pair pair, final ReplicationMode mode, final ReplicationNode a,
        final DivergedHistoryException diverged, final long from, final long to) throws Exception
    {
        ReplicationNode b = null;
        final List<String> cut;
        try
        {
            cut = Rejoin.truncate(dir.resolve("b").resolve("journal"), dir.resolve("b").resolve("snapshots"),
                diverged.keepUpTo(), System.out::println);
            b = pair.launch("b", Role.STANDBY, mode, Topology.PIPELINED, new AccumulatorStateMachine());
            Pair.publish(a.engine(), from, to);
            b.engine().awaitApplied(to, 30, TimeUnit.SECONDS);
            assertEquals(null, b.failure());
        }
        catch (final Throwable ex)
        {
            Pair.closeQuietly(b, a);
            throw ex;
        }
        b.close();
        a.close();
        assertEquals(a.engine().stateHash(), b.engine().stateHash());
        pair.assertSameJournals(to);
        return cut;
    }

    /**
     * A reviewer's probe of the above: a primary that had shown up to 2000 lost its entries from 1501 (its disk), and
     * took one command after it started again. The standby holds what clients saw: it is not told to cut it as another
     * history, but that the primary lost entries, what a forced promotion of this node would drop, and the way out.
     */
    @Test
    void shouldNotCutWhatAPrimaryShowedAndLostBecauseItTookACommandSince() throws Exception
    {
        final Pair pair = new Pair(dir);
        // Asynchronous, so that closing a does not wait for acknowledgements of 1501 that the refused b never sends.
        final ReplicationMode mode = ReplicationMode.ASYNCHRONOUS;
        final AtomicLong shownByA = new AtomicLong(-1);
        final UnaryOperator<ReplicationContext> shown = (ctx) -> ctx.shownPosition(shownByA::get);
        ReplicationNode a = pair.launch("a", Role.PRIMARY, mode, Topology.PIPELINED, new AccumulatorStateMachine(), shown);
        ReplicationNode b = pair.launch("b", Role.STANDBY, mode, Topology.PIPELINED, new AccumulatorStateMachine());
        try
        {
            publishAndShow(a, b, shownByA, 2_000);
            a.close();
            b.close();
            // a's disk loses its last 500 entries, which clients saw.
            Rejoin.truncate(dir.resolve("a").resolve("journal"), dir.resolve("a").resolve("snapshots"), 1_500,
                System.out::println);
            a = pair.launch("a", Role.PRIMARY, mode, Topology.PIPELINED, new AccumulatorStateMachine(), shown);
            Pair.publish(a.engine(), 5_001, 5_001);
            final ReplicationNode primary = a;
            Pair.await(() -> primary.engine().metrics().position(io.ringlog.core.EngineMetrics.Stage.JOURNAL) >= 1_501,
                Duration.ofSeconds(10), "a journaled 1501");

            b = pair.launch("b", Role.STANDBY, mode, Topology.PIPELINED, new AccumulatorStateMachine());
            final ReplicationNode ahead = b;
            Pair.await(() -> ahead.failure() != null, Duration.ofSeconds(15), "b refused");
            assertFalse(b.failure() instanceof DivergedHistoryException, String.valueOf(b.failure()));
            assertEquals("the primary's journal ended at position 1500 when it started again, before this standby's, and " +
                "it has journaled positions 1501..1501 of its own since: either both nodes stopped at once and this node, the " +
                "primary before them, had journaled entries its standby never acknowledged (then restart the two in " +
                "their former roles, this node as the primary: nothing is lost, and every event is shown), or the " +
                "primary lost entries it had shipped (its " +
                "disk, or an older copy of its journal), and it had shown events up to position 2000, so clients may " +
                "have seen them. To keep them, stop the primary, restart this node as a standby and promote it with " +
                "force (it will not have heard a primary: ReplicationNode.promote(timeout, true), scripts/replica " +
                "promote --force), which drops the primary's positions 1501..1501, then restart the old primary as a " +
                "standby; or, to drop them, move this standby's journal away and let it copy the primary's",
                b.failure().getMessage());
            assertEquals(2_000, b.engine().nextPosition() - 1, "b keeps what clients saw");
        }
        finally
        {
            Pair.closeQuietly(b, a);
        }
    }

    /**
     * A reviewer's finding: promote(300 ms), asked right after the primary stopped, threw "the engine did not journal
     * the epoch command", and the node promoted itself once the peer timeout (1.5 s) passed, seconds after its caller
     * was told it had failed. Now it is called off, and says why it waited; asked again with time enough, it promotes.
     */
    @Test
    void shouldCallOffAPromotionItsCallerGaveUpOnAndSaySo() throws Exception
    {
        final Pair pair = new Pair(dir);
        final ReplicationMode mode = ReplicationMode.ASYNCHRONOUS;   // a synchronous one alone would not close at once
        final ReplicationNode a = pair.launch("a", Role.PRIMARY, mode, Topology.PIPELINED, new AccumulatorStateMachine());
        final ReplicationNode b = pair.launch("b", Role.STANDBY, mode, Topology.PIPELINED, new AccumulatorStateMachine());
        try
        {
            Pair.publish(a.engine(), 1, 500);
            b.engine().awaitApplied(500, 30, TimeUnit.SECONDS);
            Pair.await(() -> b.status().peerHeardMillis() > 0, Duration.ofSeconds(10), "b heard a");
            a.close();
            final ReplicationException gaveUp = assertThrows(ReplicationException.class,
                () -> b.promote(Duration.ofMillis(300)));
            assertTrue(gaveUp.getMessage().startsWith("promotion did not complete within 300 ms, and was called off: " +
                "this node is still a standby. It waits to promote until the primary has been silent for the peer " +
                "timeout (1500 ms)"), gaveUp.getMessage());
            // Past the peer timeout, when it promoted itself before: still a standby.
            Pair.await(() -> pair.events.stream().anyMatch((e) -> e.startsWith("b: peer ") && e.contains(" LOST")),
                Duration.ofSeconds(10), "b says the primary is lost");
            final long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (System.nanoTime() < until)
            {
                assertEquals(Role.STANDBY, b.role(), "promoted after its caller was told it was called off");
                Thread.onSpinWait();
            }
            assertEquals(1, b.promote(Duration.ofSeconds(10)).epoch(), "asked again, it promotes");
        }
        finally
        {
            Pair.closeQuietly(b, a);
        }
    }

    /**
     * A second reviewer's finding: a primary whose heartbeats came further apart than its standby's peer timeout (the
     * two started with different settings) made the standby say LOST and heard again every few seconds, and a promotion
     * without --force asked in one of those silences went through and fenced the healthy primary. The standby says why
     * it flaps, and refuses the promotion while the primary was heard again a moment ago.
     */
    @Test
    void shouldRefuseAPromotionInASilenceOfAPrimaryThatWasHeardAgainAMomentAgo() throws Exception
    {
        final Pair pair = new Pair(dir);
        final ReplicationMode mode = ReplicationMode.ASYNCHRONOUS;
        final ReplicationNode a = pair.launch("a", Role.PRIMARY, mode, Topology.PIPELINED, new AccumulatorStateMachine(),
            (ctx) -> ctx.heartbeatInterval(Duration.ofMillis(2_500)).peerTimeout(Duration.ofMillis(8_000)));
        final ReplicationNode b = pair.launch("b", Role.STANDBY, mode, Topology.PIPELINED, new AccumulatorStateMachine());
        try
        {
            Pair.publish(a.engine(), 1, 100);
            b.engine().awaitApplied(100, 30, TimeUnit.SECONDS);
            Pair.await(() -> pair.events.stream().anyMatch((e) -> e.startsWith("b: peer heard (epoch 0) after ") &&
                e.contains("give both nodes the same --heartbeat-ms and --peer-timeout-ms")), Duration.ofSeconds(20),
                "b says the primary flaps, and why");
            Pair.await(() -> b.status().peer() == PeerState.LOST, Duration.ofSeconds(20), "b in a silence");

            final ReplicationException refused = assertThrows(ReplicationException.class,
                () -> b.promote(Duration.ofSeconds(5)));

            assertTrue(refused.getMessage().startsWith("the primary at 127.0.0.1:") && refused.getMessage().contains(
                "is silent now, but it was LOST and heard again ") && refused.getMessage().contains("Stop the old one " +
                "first"), refused.getMessage());
            assertEquals(Role.STANDBY, b.role());
            assertEquals(Role.PRIMARY, a.role());
            assertNull(a.failure(), "the primary is not fenced");
        }
        finally
        {
            Pair.closeQuietly(b, a);
        }
    }

    /**
     * A reviewer's finding: a promoted node restarted without its epoch index (the file lost) came back in epoch 0,
     * and its own standby then fenced it, saying it had been promoted. The index is rebuilt from the journal.
     */
    @Test
    void shouldRebuildALostEpochIndexFromTheJournalAndKeepItsEpoch() throws Exception
    {
        final Pair pair = new Pair(dir);
        final ReplicationMode mode = ReplicationMode.ASYNCHRONOUS;
        final ReplicationNode a = pair.launch("a", Role.PRIMARY, mode, Topology.PIPELINED, new AccumulatorStateMachine());
        ReplicationNode b = pair.launch("b", Role.STANDBY, mode, Topology.PIPELINED, new AccumulatorStateMachine());
        try
        {
            Pair.publish(a.engine(), 1, 300);
            b.engine().awaitApplied(300, 30, TimeUnit.SECONDS);
            final ReplicationNode follower = b;
            Pair.await(() -> follower.status().peerHeardMillis() > 0, Duration.ofSeconds(10), "b heard a");
            a.close();
            assertEquals(1, b.promote(Duration.ofSeconds(10)).epoch());
            b.close();
            java.nio.file.Files.delete(dir.resolve("b").resolve("replication").resolve(EpochIndex.FILE_NAME));
            b = pair.launch("b", Role.PRIMARY, mode, Topology.PIPELINED, new AccumulatorStateMachine());
            assertEquals(1, b.epoch());
            assertTrue(pair.events.stream().anyMatch((e) -> e.contains("was missing: rebuilt from the journal's 301 " +
                "entries (epoch 1 at position 301)")), pair.events.toString());
        }
        finally
        {
            Pair.closeQuietly(b, a);
        }
    }
}
