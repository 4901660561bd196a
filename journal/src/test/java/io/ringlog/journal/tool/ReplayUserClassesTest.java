package io.ringlog.journal.tool;

import io.ringlog.core.Command;
import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.Output;
import io.ringlog.core.StateMachine;
import io.ringlog.core.Upcasters;
import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.core.testing.ForwardingStateMachine;
import io.ringlog.journal.ChronicleJournal;
import io.ringlog.journal.FileSnapshotStore;
import io.ringlog.journal.tool.JournalToolTest.Result;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

import static io.ringlog.core.testing.AccumulatorStateMachine.ADD;
import static io.ringlog.core.testing.AccumulatorStateMachine.longPayload;
import static io.ringlog.journal.tool.JournalToolTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reviewer's findings on {@code replay} with a user's own classes: the replay's payload limits were not the
 * service's (another state hash, exit 0), and a user's class that fails in a plausible way was described wrongly or
 * by its bare message.
 */
class ReplayUserClassesTest
{
    @TempDir
    Path root;

    /** Emits an event of 300 bytes for every fifth command, then adds: past EngineContext's 256, the engine halts. */
    public static final class LargeEvents extends OneLongStateMachine
    {
        private final UnsafeBuffer event = new UnsafeBuffer(new byte[300]);

        @Override
        public void apply(final Command command, final Output output)
        {
            if (command.correlationId() % 5 == 0)
            {
                output.emit(1, event, 0, 300);
            }
            total += command.payload().getLong(0, ByteOrder.LITTLE_ENDIAN);
        }
    }

    /** A state machine whose stateHash throws. */
    public static final class HashThrows extends ForwardingStateMachine
    {
        public HashThrows()
        {
            super(new AccumulatorStateMachine());
        }

        @Override
        public long stateHash()
        {
            throw new IllegalStateException("hash not implemented");
        }
    }

    /** Upcasters whose supplier throws. */
    public static final class SupplierThrows implements Supplier<Upcasters>
    {
        @Override
        public Upcasters get()
        {
            throw new IllegalStateException("upcasters broken");
        }
    }

    /** Upcasters whose upcaster of ADD version 3 throws. */
    public static final class UpcasterThrows implements Supplier<Upcasters>
    {
        @Override
        public Upcasters get()
        {
            return new Upcasters().register(ADD, 3, (command) ->
            {
                throw new IllegalStateException("cannot read version 3");
            });
        }
    }

    /** Its static initializer throws. */
    public static final class StaticThrows extends ForwardingStateMachine
    {
        static
        {
            if (Boolean.parseBoolean("true"))
            {
                throw new IllegalStateException("static init boom");
            }
        }

        public StaticThrows()
        {
            super(new AccumulatorStateMachine());
        }
    }

    /** Not public. */
    static final class Hidden extends ForwardingStateMachine
    {
        Hidden()
        {
            super(new AccumulatorStateMachine());
        }
    }

    /** Abstract. */
    public abstract static class Abstract extends ForwardingStateMachine
    {
        public Abstract()
        {
            super(new AccumulatorStateMachine());
        }
    }

    /**
     * The replay's engine takes the service's limits: a service at EngineContext's defaults halts on an event of 300
     * bytes (a limit of the engine's halts, whatever the error policy: a rejection would make the state depend on the
     * setting), and so does the replay, naming the options; a service launched with a larger limit applies the command
     * whole, and so does the replay given that limit, to the same state hash.
     */
    @Test
    void shouldReplayWithTheServicesPayloadLimitsAndGiveItsStateHash()
    {
        final Path dir = root.resolve("journal");
        final Engine engine = Engine.launch(new EngineContext()
            .stateMachine(new LargeEvents())
            .journal(ChronicleJournal.open(new ChronicleJournal.Context().directory(dir)))
            .errorHandler(new io.ringlog.core.testing.RecordingErrorHandler()));
        for (int i = 1; i <= 4; i++)
        {
            engine.publish(ADD, 3, 0, 0, i, longPayload(i), 0, 8);
        }
        // The fifth emits its event of 300 bytes: the engine halts there, the command journaled.
        engine.publish(ADD, 3, 0, 0, 5, longPayload(5), 0, 8);
        assertThrows(io.ringlog.core.EngineHaltedException.class, engine::close);

        final Result replay = run("replay", "-d", dir.toString(), "--state-machine", LargeEvents.class.getName());
        assertEquals(1, replay.code(), replay.out() + replay.err());
        assertTrue(replay.err().contains("event payload length 300 outside 0..256 (maxEventPayloadLength)") &&
            replay.err().contains("(--max-event-payload N, --output-ring-size N)"), replay.err());

        // The service, started again with maxEventPayloadLength(512), applies it whole; the replay given 512 too.
        final Engine restarted = Engine.launch(new EngineContext()
            .stateMachine(new LargeEvents())
            .maxEventPayloadLength(512)
            .journal(ChronicleJournal.open(new ChronicleJournal.Context().directory(dir))));
        restarted.close();
        final Result larger = run("replay", "-d", dir.toString(), "--state-machine", LargeEvents.class.getName(),
            "--max-event-payload", "512");
        assertEquals(0, larger.code(), larger.out() + larger.err());
        assertTrue(larger.out().contains("failed: 0\n"), larger.out());
        assertTrue(larger.out().contains("state-hash: " + String.format("%016x", restarted.stateHash()) + "\n"),
            larger.out());

        final Result refused = run("replay", "-d", dir.toString(), "--state-machine", LargeEvents.class.getName(),
            "--max-event-payload", "0");
        assertEquals(2, refused.code(), refused.err());
        assertTrue(refused.err().startsWith("error: --max-event-payload 0: the service's maxEventPayloadLength, 4 or more"),
            refused.err());
    }

    @Test
    void shouldSayWhatIsWrongWithAUsersClassAndWhichOneFailed() throws Exception
    {
        final Path dir = root.resolve("journal");
        final Path snapshots = root.resolve("snapshots");
        final Engine engine = Engine.launch(new EngineContext()
            .stateMachine(new AccumulatorStateMachine())
            .journal(ChronicleJournal.open(new ChronicleJournal.Context().directory(dir)))
            .snapshotStore(FileSnapshotStore.open(snapshots, 3))
            .snapshotEvery(50));
        for (int i = 1; i <= 100; i++)
        {
            engine.publish(ADD, 3, 0, 0, i, longPayload(i), 0, 8);
        }
        engine.close();
        final String accumulator = AccumulatorStateMachine.class.getName();
        final String[][] errors = {
            {HashThrows.class.getName(), null, "error: " + HashThrows.class.getName() + ".stateHash() threw " +
                "IllegalStateException: hash not implemented, so the replay has no state hash to give"},
            {accumulator, SupplierThrows.class.getName(), "error: " + SupplierThrows.class.getName() + ".get() threw " +
                "IllegalStateException: upcasters broken, so there are no upcasters to replay with"},
            {StaticThrows.class.getName(), null, "error: class " + StaticThrows.class.getName() + " is on the classpath, " +
                "but its static initializer threw IllegalStateException: static init boom"},
            {Hidden.class.getName(), null, "error: class " + Hidden.class.getName() + " is not public: make it public " +
                "(and, if it is nested, static), with a public no-argument constructor"},
            {Abstract.class.getName(), null, "error: class " + Abstract.class.getName() + " is abstract: give a class " +
                "that implements io.ringlog.core.StateMachine and can be made with new"},
            {StateMachine.class.getName(), null, "error: " + StateMachine.class.getName() + " is an interface: give a " +
                "class that implements io.ringlog.core.StateMachine and can be made with new"},
            {Hidden.class.getCanonicalName(), null, "error: class " + Hidden.class.getCanonicalName() + " is not on the " +
                "classpath, but " + Hidden.class.getName() + " is: name a nested class by its binary name, with $ before " +
                "its own name"}};
        for (final String[] error : errors)
        {
            final Result result = error[1] == null ?
                run("replay", "-d", dir.toString(), "--state-machine", error[0]) :
                run("replay", "-d", dir.toString(), "--state-machine", error[0], "--upcasters", error[1]);
            assertEquals(1, result.code(), result.out() + result.err());
            assertEquals(error[2], result.err().strip());
        }

        // An upcaster that throws is named as the upcaster, not the state machine, which never saw the command.
        final Result upcaster = run("replay", "-d", dir.toString(), "--state-machine", accumulator, "--upcasters",
            UpcasterThrows.class.getName());
        assertEquals(1, upcaster.code(), upcaster.out() + upcaster.err());
        assertTrue(upcaster.err().contains("(thrown by the upcasters of type " + ADD + " version 3, before the state " +
            "machine saw the command)"), upcaster.err());
        assertTrue(upcaster.err().contains("commands replayed threw in " + accumulator + " or the upcasters of " +
            UpcasterThrows.class.getName() + " (failed above: each says which)"), upcaster.err());

        // A halt says this replay's options, not the embedding API's (a reviewer's: "launch with errorPolicy REJECT").
        final Result halted = run("replay", "-d", dir.toString(), "--state-machine", accumulator, "--upcasters",
            UpcasterThrows.class.getName(), "--error-policy", "HALT");
        assertEquals(1, halted.code(), halted.out() + halted.err());
        assertTrue(halted.err().contains("recovery halted at position 1 by the error policy (HALT)") && halted.err().contains(
            ". In this replay: --error-policy REJECT records such a command as COMMAND_FAILED and goes on"), halted.err());
        assertFalse(halted.err().contains("\tat "), halted.err());

        // --snapshots that is not there is a usage error, in a reader's words, not a writer's.
        final Result nowhere = run("replay", "-d", dir.toString(), "--state-machine", accumulator, "--snapshots",
            root.resolve("nope").toString());
        assertEquals(2, nowhere.code(), nowhere.err());
        assertTrue(nowhere.err().startsWith("error: --snapshots " + root.resolve("nope") + " is not a directory: give the " +
            "directory the journal's snapshots are in"), nowhere.err());

        // A check of determinism that found no snapshot to check did not pass: it checked nothing.
        final Path empty = Files.createDirectories(root.resolve("empty"));
        final Result nothing = run("replay", "-d", dir.toString(), "--state-machine", accumulator, "--snapshots",
            empty.toString(), "--check-snapshots");
        assertEquals(1, nothing.code(), nothing.out() + nothing.err());
        assertTrue(nothing.err().contains("error: no snapshot of this journal at or before position 100 in " + empty +
            " to compare a replay with, so nothing was checked"), nothing.err());
        final Result checked = run("replay", "-d", dir.toString(), "--state-machine", accumulator, "--snapshots",
            snapshots.toString(), "--check-snapshots");
        assertEquals(0, checked.code(), checked.out() + checked.err());
        assertFalse(checked.err().contains("\tat "), checked.err());
    }

    /**
     * A reviewer's: a restart refused the newest snapshot, which did not load to the hash it recorded, and named
     * --check-snapshots, which loaded every snapshot but that one and called it ok, exit 0.
     */
    @Test
    void shouldCheckThatTheNewestSnapshotLoadsToTheHashItRecorded()
    {
        final Path dir = root.resolve("journal");
        final Path snapshots = root.resolve("snapshots");
        final Engine engine = Engine.launch(new EngineContext()
            .stateMachine(new LossySnapshotStateMachine())
            .journal(ChronicleJournal.open(new ChronicleJournal.Context().directory(dir)))
            .snapshotStore(FileSnapshotStore.open(snapshots, 5))
            .snapshotEvery(100));
        for (int i = 1; i <= 300; i++)
        {
            engine.publish(ADD, 3, 0, 0, i, longPayload(i), 0, 8);
        }
        engine.close();

        final Result check = run("replay", "-d", dir.toString(), "--state-machine",
            LossySnapshotStateMachine.class.getName(), "--snapshots", snapshots.toString(), "--check-snapshots");
        assertEquals(1, check.code(), check.out() + check.err());
        assertTrue(check.out().contains("snapshot-check: 300 ok (replayed from the snapshot at position 200)\n") &&
            check.out().contains("snapshot-check: 300 does not load (the snapshot at position 300 passed its checks, but " +
            LossySnapshotStateMachine.class.getName() + " loaded it to state hash "), check.out());
        assertTrue(check.err().contains("error: the snapshot at position 300, the newest checked and the one a restart " +
            "from it loads, does not load into " + LossySnapshotStateMachine.class.getName() + " as it was taken"),
            check.err());
    }

    /**
     * A reviewer's: with the replay's engine at EngineContext's 256, a journal of larger entries had --check-snapshots
     * skip every snapshot as one "recovery skips too", and send the user to verify. It says what the limit is instead.
     */
    @Test
    void shouldSayWhereAServicesLargerPayloadsNeedItsMaxPayload()
    {
        final Path dir = root.resolve("journal");
        final Path snapshots = root.resolve("snapshots");
        final Engine engine = Engine.launch(new EngineContext()
            .stateMachine(new AccumulatorStateMachine())
            .maxPayloadLength(1024)
            .journal(ChronicleJournal.open(new ChronicleJournal.Context().directory(dir).maxPayloadLength(1024)))
            .snapshotStore(FileSnapshotStore.open(snapshots, 5))
            .snapshotEvery(10));
        final UnsafeBuffer large = new UnsafeBuffer(new byte[1000]);
        for (int i = 1; i <= 30; i++)
        {
            large.putLong(0, i, ByteOrder.LITTLE_ENDIAN);
            engine.publish(ADD, 3, 0, 0, i, large, 0, 1000);
        }
        engine.close();
        final String live = String.format("%016x", engine.stateHash());
        final String accumulator = AccumulatorStateMachine.class.getName();

        for (final String[] args : new String[][] {
            {"replay", "-d", dir.toString(), "--state-machine", accumulator},
            {"replay", "-d", dir.toString(), "--state-machine", accumulator, "--snapshots", snapshots.toString(),
                "--check-snapshots"}})
        {
            final Result refused = run(args);
            assertEquals(1, refused.code(), refused.out() + refused.err());
            assertTrue(refused.err().contains("its payload of 1000 bytes is larger than the maxPayloadLength 256") &&
                refused.err().contains("scripts/journal: --max-payload"), refused.err());
            assertFalse(refused.out().contains("recovery skips it too") || refused.err().contains("verify"),
                refused.out() + refused.err());
        }
        final Result replay = run("replay", "-d", dir.toString(), "--state-machine", accumulator, "--max-payload", "1024");
        assertTrue(replay.out().contains("state-hash: " + live + "\n"), replay.out() + replay.err());
        final Result checked = run("replay", "-d", dir.toString(), "--state-machine", accumulator, "--max-payload", "1024",
            "--snapshots", snapshots.toString(), "--check-snapshots");
        assertEquals(0, checked.code(), checked.out() + checked.err());
        assertTrue(checked.out().contains("snapshots-checked: 3\n"), checked.out());
    }

    /** Rejects every command, with 7 ("not enough funds") or 8 (named as the engine's COMMAND_FAILED). */
    public static final class NamedRejections extends OneLongStateMachine
    {
        @Override
        public void apply(final Command command, final Output output)
        {
            total++;
            output.reject(command.correlationId() % 2 == 0 ? 7 : 8);
        }

        @Override
        public String rejectionName(final int reasonCode)
        {
            return reasonCode == 7 ? "not enough funds" : reasonCode == 8 ? "COMMAND_FAILED" : null;
        }
    }

    /**
     * A reviewer's: a rejection name with spaces split the name=count list, and a state machine's own "COMMAND_FAILED"
     * could not be told from the engine's.
     */
    @Test
    void shouldCountAStateMachinesRejectionsUnderNamesThatReadAsOne()
    {
        final Path dir = root.resolve("journal");
        final Engine engine = Engine.launch(new EngineContext()
            .stateMachine(new NamedRejections())
            .journal(ChronicleJournal.open(new ChronicleJournal.Context().directory(dir))));
        for (int i = 1; i <= 10; i++)
        {
            engine.publish(ADD, 3, 0, 0, i, longPayload(i), 0, 8);
        }
        engine.close();

        final Result replay = run("replay", "-d", dir.toString(), "--state-machine", NamedRejections.class.getName());
        final String line = replay.out().lines().filter((l) -> l.startsWith("rejected-by-reason: ")).findFirst().orElseThrow();
        assertTrue(line.contains("not_enough_funds=5") && line.contains("COMMAND_FAILED(8)=5") &&
            line.split(" ").length == 3, line);
    }

    /** A decoder whose text holds a line break and a tab. */
    public static final class BreakingDecoder implements PayloadDecoder
    {
        @Override
        public String decode(final int type, final int version, final DirectBuffer payload, final int length)
        {
            return "line1\nposition: 999999\tend";
        }
    }

    /** A reviewer's: a decoder's line break added a line to the dump that read as its own ("position: 999999"). */
    @Test
    void shouldKeepADecodersTextOnItsOwnLine()
    {
        final Path dir = root.resolve("journal");
        final Engine engine = Engine.launch(new EngineContext()
            .stateMachine(new AccumulatorStateMachine())
            .journal(ChronicleJournal.open(new ChronicleJournal.Context().directory(dir))));
        engine.publish(ADD, 3, 0, 0, 1, longPayload(1), 0, 8);
        engine.close();

        final Result dump = run("dump", "-d", dir.toString(), "--decoder", BreakingDecoder.class.getName());
        assertEquals(0, dump.code(), dump.out() + dump.err());
        assertTrue(dump.out().contains("payload: line1\\nposition: 999999\\tend\n"), dump.out());
        assertFalse(dump.out().contains("position: 999999\n"), dump.out());
    }
}
