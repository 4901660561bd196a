package io.ringlog.core;

import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.core.testing.CollectingListener;
import io.ringlog.core.testing.CollectingListener.Seen;
import io.ringlog.core.testing.StateMachineAdapter;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.ringlog.core.testing.AccumulatorStateMachine.ADD;
import static io.ringlog.core.testing.AccumulatorStateMachine.REJECT;
import static io.ringlog.core.testing.AccumulatorStateMachine.longPayload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecoveryTest
{
    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldReachTheSameStateHashLiveByFullReplayAndBySnapshotPlusTail(final Topology topology) throws Exception
    {
        final InMemoryJournal journal = new InMemoryJournal(64);
        final InMemorySnapshotStore snapshots = new InMemorySnapshotStore();
        final Random random = new Random(42);
        final Engine live = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .topology(topology).maxPayloadLength(64).journal(journal).snapshotStore(snapshots).snapshotEvery(1000));
        for (int i = 0; i < 10_500; i++)
        {
            final int type = random.nextInt(10) == 0 ? REJECT : ADD;
            live.publish(type, random.nextInt(5), i, i, longPayload(random.nextLong()), 0, 8);
        }
        live.close();
        final long liveHash = live.stateHash();
        assertEquals(10, snapshots.positions().length);
        assertEquals(10_000, snapshots.positions()[0]);

        final Engine fullReplay = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .topology(topology).maxPayloadLength(64).journal(journal));
        fullReplay.close();

        final List<Long> loaded = new ArrayList<>();
        final Engine fromSnapshot = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .topology(topology).maxPayloadLength(64).journal(journal).snapshotStore(snapshots)
            .recoveryListener(new RecoveryListener()
            {
                @Override
                public void onSnapshotLoaded(final long position)
                {
                    loaded.add(position);
                }
            }));
        fromSnapshot.close();

        assertEquals(List.of(10_000L), loaded);
        assertEquals(liveHash, fullReplay.stateHash(), "full replay");
        assertEquals(liveHash, fromSnapshot.stateHash(), "snapshot + tail");
        assertEquals(10_500, fromSnapshot.metrics().lastAppliedPosition());
        assertEquals(500, fromSnapshot.metrics().applied(), "only the tail was replayed");
    }

    @Test
    void shouldFallBackToOlderSnapshotWhenNewestFailsItsChecks() throws Exception
    {
        final InMemoryJournal journal = new InMemoryJournal(64);
        final InMemorySnapshotStore good = new InMemorySnapshotStore();
        final Engine live = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .maxPayloadLength(64).journal(journal).snapshotStore(good).snapshotEvery(100));
        for (int i = 1; i <= 350; i++)
        {
            live.publish(ADD, 0, 0, 0, longPayload(i), 0, 8);
        }
        live.close();

        final SnapshotStore newestCorrupt = new SnapshotStore()
        {
            @Override
            public void store(final long position, final long hash, final DirectBuffer b, final int o, final int l)
            {
            }

            @Override
            public long[] positions()
            {
                return good.positions();
            }

            @Override
            public Snapshot read(final long position)
            {
                if (position == 300)
                {
                    throw new SnapshotException("snapshot at position 300: checksum mismatch");
                }
                return good.read(position);
            }
        };
        final List<String> skipped = new ArrayList<>();
        final List<Long> loaded = new ArrayList<>();
        final Engine recovered = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .maxPayloadLength(64).journal(journal).snapshotStore(newestCorrupt)
            .recoveryListener(new RecoveryListener()
            {
                @Override
                public void onSnapshotSkipped(final long position, final Exception reason)
                {
                    skipped.add(position + ": " + reason.getMessage());
                }

                @Override
                public void onSnapshotLoaded(final long position)
                {
                    loaded.add(position);
                }
            }));
        recovered.close();
        assertEquals(List.of("300: snapshot at position 300: checksum mismatch"), skipped);
        assertEquals(List.of(200L), loaded);
        assertEquals(live.stateHash(), recovered.stateHash());
    }

    @Test
    void shouldRedeliverReplayedEventsOnlyToListenersThatAskForThem() throws Exception
    {
        final InMemoryJournal journal = new InMemoryJournal(64);
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .maxPayloadLength(64).journal(journal)))
        {
            for (int i = 1; i <= 5; i++)
            {
                engine.publish(ADD, 0, 0, i, longPayload(i), 0, 8);
            }
        }
        final CollectingListener readModel = new CollectingListener(true);
        final CollectingListener responder = new CollectingListener(false);
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .maxPayloadLength(64).journal(journal).listener("read-model", readModel).listener("responder", responder)))
        {
            engine.publish(ADD, 0, 0, 6, longPayload(6), 0, 8);
            readModel.awaitCount(6, Duration.ofSeconds(10));
            responder.awaitCount(1, Duration.ofSeconds(10));
        }
        final List<Seen> rebuilt = readModel.events();
        for (int i = 0; i < 5; i++)
        {
            assertTrue(rebuilt.get(i).replay());
            assertEquals(i + 1, rebuilt.get(i).position());
        }
        assertEquals(21, rebuilt.get(5).value());
        assertTrue(!rebuilt.get(5).replay());
        assertEquals(1, responder.count(), "no replayed events for a listener that did not opt in");
        assertEquals(6, responder.events().get(0).position());
    }

    @Test
    void shouldReportReplayProgressAndRecoverySummary() throws Exception
    {
        final InMemoryJournal journal = new InMemoryJournal(64);
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .maxPayloadLength(64).journal(journal).topology(Topology.COMPACT)))
        {
            for (int i = 0; i < 70_000; i++)
            {
                engine.publish(ADD, 0, 0, 0, longPayload(1), 0, 8);
            }
            engine.awaitApplied(70_000, 30, TimeUnit.SECONDS);
        }
        final List<Long> progress = new ArrayList<>();
        final long[] summary = new long[3];
        Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine()).maxPayloadLength(64)
            .journal(journal).recoveryListener(new RecoveryListener()
            {
                @Override
                public void onReplayProgress(final long replayedPosition, final long lastPosition)
                {
                    progress.add(replayedPosition);
                }

                @Override
                public void onRecovered(final long snapshotPosition, final long last, final long replayed, final long ns)
                {
                    summary[0] = snapshotPosition;
                    summary[1] = last;
                    summary[2] = replayed;
                }
            })).close();
        assertEquals(List.of(65_536L, 70_000L), progress);
        assertEquals(0, summary[0]);
        assertEquals(70_000, summary[1]);
        assertEquals(70_000, summary[2]);
    }

    @Test
    void shouldStopRecoveryWithThePositionWhenTheJournalHasAGap()
    {
        final InMemoryJournal journal = new InMemoryJournal(64, 4096);
        final Command command = new Command(64);
        final org.agrona.concurrent.UnsafeBuffer payload = longPayload(1);
        for (long p = 1; p <= 3 * 4096 + 10; p++)
        {
            command.set(p, 0, ADD, 1, 0, 0, 0, payload, 0, 8);
            journal.append(command);
        }
        journal.commit();
        final JournalException ex = assertThrows(JournalException.class, () -> Engine.launch(new EngineContext()
            .stateMachine(new AccumulatorStateMachine()).maxPayloadLength(64).journal(journal)));
        assertEquals(1, ex.position());
        assertTrue(ex.getMessage().contains("no longer retained"), ex.getMessage());
    }

    @Test
    void shouldUpcastOldCommandVersionsOnReplay() throws Exception
    {
        // Version 1 of ADD carried an int; version 2 carries a long.
        final org.agrona.concurrent.UnsafeBuffer v1 = new org.agrona.concurrent.UnsafeBuffer(new byte[4]);
        final InMemoryJournal journal = journaledBy((engine) ->
        {
            for (int i = 1; i <= 3; i++)
            {
                v1.putInt(0, i * 100, java.nio.ByteOrder.LITTLE_ENDIAN);
                engine.publish(ADD, 1, 0, 0, 0, v1, 0, 4);
            }
        });
        final org.agrona.concurrent.UnsafeBuffer widened = new org.agrona.concurrent.UnsafeBuffer(new byte[8]);
        final Upcasters upcasters = new Upcasters().register(ADD, 1, (command) ->
        {
            widened.putLong(0, command.payload().getInt(0, java.nio.ByteOrder.LITTLE_ENDIAN),
                java.nio.ByteOrder.LITTLE_ENDIAN);
            command.payload(2, widened, 0, 8);
        });
        final AccumulatorStateMachine v2 = new AccumulatorStateMachine();
        Engine.launch(new EngineContext().stateMachine(v2).maxPayloadLength(64).journal(journal)
            .upcasters(upcasters)).close();
        assertEquals(600, v2.total());
        assertEquals(3, v2.count());
    }

    @Test
    void shouldSayWhenReplayedCommandsThrowAndAreRejectedByTheErrorPolicy() throws Exception
    {
        // Old code journaled ADDs with an int (version 1); new code reads a long and has no upcaster for them.
        final org.agrona.concurrent.UnsafeBuffer v1 = new org.agrona.concurrent.UnsafeBuffer(new byte[4]);
        final InMemoryJournal journal = journaledBy((engine) ->
        {
            engine.publish(ADD, 2, 0, 0, 0, longPayload(5), 0, 8);
            engine.publish(ADD, 1, 0, 0, 0, v1, 0, 4);
            engine.publish(ADD, 1, 0, 0, 0, v1, 0, 4);
        });
        final long[] told = new long[3];
        final VersionTwoOnly v2 = new VersionTwoOnly();
        Engine.launch(new EngineContext().stateMachine(v2).maxPayloadLength(64).journal(journal)
            .errorHandler(RecoveryTest::ignore).recoveryListener(new RecoveryListener()
            {
                @Override
                public void onReplayFailures(final long failed, final long firstPosition)
                {
                    told[0]++;
                    told[1] = failed;
                    told[2] = firstPosition;
                }
            })).close();
        assertEquals(5, v2.total, "the command the new code reads is applied");
        assertEquals(1, told[0], "said once, at the end of the replay");
        assertEquals(2, told[1]);
        assertEquals(2, told[2]);

        // An engine given no listener says so on stderr, as it does of a skipped snapshot.
        final java.io.PrintStream original = System.err;
        final java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try
        {
            Engine.launch(new EngineContext().name("ledger").stateMachine(new VersionTwoOnly())
                .maxPayloadLength(64).journal(journal).errorHandler(RecoveryTest::ignore)).close();
        }
        finally
        {
            System.setErr(original);
        }
        final String said = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(said.contains("ledger: recovery: 2 of the journal's commands threw as they were replayed (the " +
            "first at position 2), and the error policy (REJECT) rejected them as COMMAND_FAILED"), said);
        assertTrue(said.contains("mark what the state machine throws for such a command CannotApply"), said);
    }

    @Test
    void shouldUseOnlySnapshotsOfThisJournalsHistoryAndRefuseToReusePositionsASnapshotSaw() throws Exception
    {
        final InMemoryJournal journal = new InMemoryJournal(64);
        final InMemorySnapshotStore snapshots = new InMemorySnapshotStore();
        final Engine live = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .maxPayloadLength(64).journal(journal).snapshotStore(snapshots).snapshotEvery(100));
        for (int i = 1; i <= 250; i++)
        {
            live.publish(ADD, 0, 0, i, longPayload(i), 0, 8);
        }
        live.close();
        assertEquals(journal.id(), snapshots.read(200).journalId());

        // The same commands in another journal: another identity, so its snapshots are not these.
        final InMemoryJournal other = new InMemoryJournal(64);
        final Command copy = new Command(64);
        try (JournalReader reader = journal.reader(1))
        {
            while (reader.next(copy))
            {
                other.append(copy);
            }
        }
        other.commit();
        final List<String> skipped = new ArrayList<>();
        final RecoveryListener recording = new RecoveryListener()
        {
            @Override
            public void onSnapshotSkipped(final long position, final Exception reason)
            {
                skipped.add(position + ": " + reason.getMessage());
            }
        };
        final Engine onOther = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .maxPayloadLength(64).journal(other).snapshotStore(snapshots).recoveryListener(recording));
        onOther.close();
        assertEquals(2, skipped.size(), skipped.toString());
        assertTrue(skipped.get(0).startsWith("200: snapshot at position 200 was taken on journal " + journal.id() +
            ", not this one (" + other.id() + ")"), skipped.toString());
        assertEquals(live.stateHash(), onOther.stateHash(), "a full replay instead");

        // This journal's snapshot at 300 on a journal that ends at 250: entries it saw are gone.
        final InMemorySnapshotStore ahead = new InMemorySnapshotStore();
        final Snapshot at200 = snapshots.read(200);
        ahead.store(300, 1, journal.id(), 0, at200.data(), 0, at200.length());
        final JournalException ex = assertThrows(JournalException.class, () -> Engine.launch(new EngineContext()
            .stateMachine(new AccumulatorStateMachine()).maxPayloadLength(64).journal(journal).snapshotStore(ahead)));
        assertEquals(251, ex.position());
        assertTrue(ex.getMessage().contains("a snapshot of this journal was taken at position 300: entries 251..300 " +
            "were committed"), ex.getMessage());
        skipped.clear();
        Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine()).maxPayloadLength(64)
            .journal(ReadOnlyJournal.of(journal)).snapshotStore(ahead).recoveryListener(recording)).close();
        assertEquals(List.of("300: snapshot at position 300 is past the journal's last position 250"), skipped,
            "a replay is not refused: it starts no new positions");

        // A snapshot that names no journal (an older store's): not used on a journal with an identity.
        final InMemorySnapshotStore anonymous = new InMemorySnapshotStore();
        anonymous.store(200, at200.stateHash(), at200.data(), 0, at200.length());
        skipped.clear();
        Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine()).maxPayloadLength(64)
            .journal(journal).snapshotStore(anonymous).recoveryListener(recording)).close();
        assertEquals(1, skipped.size());
        assertTrue(skipped.get(0).contains("names no journal"), skipped.get(0));
    }

    /** New code: ADD carries a long from version 2 on, and version 1's int is not read (its upcaster forgotten). */
    private static final class VersionTwoOnly extends StateMachineAdapter
    {
        long total;

        @Override
        public void apply(final Command command, final Output output)
        {
            if (command.version() != 2)
            {
                throw new IllegalArgumentException("ADD of version " + command.version() + ": this code reads version 2");
            }
            total += command.payload().getLong(0, java.nio.ByteOrder.LITTLE_ENDIAN);
        }
    }

    /** The failures are the test's to expect: not printed. */
    private static void ignore(final Throwable failure)
    {
    }

    /** A journal of what {@code publish} publishes, as old code wrote it: applied by a state machine that does nothing. */
    private static InMemoryJournal journaledBy(final java.util.function.Consumer<Engine> publish)
    {
        final InMemoryJournal journal = new InMemoryJournal(64);
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(new StateMachineAdapter()
        {
            @Override
            public void apply(final Command command, final Output output)
            {
            }
        }).maxPayloadLength(64).journal(journal).clock(() -> 0)))
        {
            publish.accept(engine);
        }
        return journal;
    }
}
