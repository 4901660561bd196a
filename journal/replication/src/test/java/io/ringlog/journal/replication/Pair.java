package io.ringlog.journal.replication;

import io.ringlog.core.Command;
import io.ringlog.core.CommandCodec;
import io.ringlog.core.Crc32c;
import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.Journal;
import io.ringlog.core.JournalReader;
import io.ringlog.core.StateMachine;
import io.ringlog.core.Topology;
import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.core.testing.LoopbackPorts;
import io.ringlog.journal.ChronicleJournal;
import io.ringlog.journal.FileSnapshotStore;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two nodes of one test on loopback UDP, each with its own directory (journal, snapshots,
 * replication state, Aeron), ports found free for this test, and the events each node reported.
 */
final class Pair
{
    static final int MAX_PAYLOAD = 64;

    final Path root;
    final int portA;
    final int portB;
    /** Copied on write: tests stream it while the nodes' threads add to it (a synchronized list's stream threw). */
    final List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();

    Pair(final Path root)
    {
        this.root = root;
        this.portA = freePort();
        int b = freePort();
        while (b == portA)
        {
            b = freePort();
        }
        this.portB = b;
    }

    /** A free loopback port below the kernel's ephemeral range ({@link LoopbackPorts}). */
    static int freePort()
    {
        return LoopbackPorts.free();
    }

    ReplicationContext context(final String name, final ReplicationMode mode)
    {
        final boolean a = "a".equals(name);
        return new ReplicationContext()
            .name(name)
            .directory(root.resolve(name).resolve("replication"))
            .aeronDirectory(root.resolve(name).resolve("aeron"))
            .localEndpoint("127.0.0.1:" + (a ? portA : portB))
            .peerEndpoint("127.0.0.1:" + (a ? portB : portA))
            .mode(mode)
            .termBufferLength(256 * 1024)
            .heartbeatInterval(Duration.ofMillis(50))
            .peerTimeout(Duration.ofMillis(1_500))
            .stallTimeout(Duration.ofMillis(500))
            .eventHandler((message) ->
            {
                events.add(name + ": " + message);
                System.out.println(name + ": " + message);
            });
    }

    EngineContext engine(final String name, final StateMachine stateMachine, final Topology topology)
    {
        return engine(name, stateMachine, topology, journal(name));
    }

    EngineContext engine(final String name, final StateMachine stateMachine, final Topology topology,
        final Journal journal)
    {
        return new EngineContext()
            .name(name)
            .stateMachine(stateMachine)
            .journal(journal)
            .snapshotStore(FileSnapshotStore.open(root.resolve(name).resolve("snapshots"), 3))
            .snapshotEvery(1_000)
            .topology(topology)
            .maxPayloadLength(MAX_PAYLOAD)
            .ringSize(1024)
            .closeTimeout(Duration.ofSeconds(20))
            .errorHandler((ex) -> System.out.println(name + " engine: " + ex));
    }

    ChronicleJournal journal(final String name)
    {
        return ChronicleJournal.open(new ChronicleJournal.Context().directory(root.resolve(name).resolve("journal"))
            .maxPayloadLength(MAX_PAYLOAD));
    }

    ReplicationNode launch(final String name, final Role role, final ReplicationMode mode, final Topology topology,
        final StateMachine stateMachine)
    {
        return launch(name, role, mode, topology, stateMachine, UnaryOperator.identity());
    }

    ReplicationNode launch(final String name, final Role role, final ReplicationMode mode, final Topology topology,
        final StateMachine stateMachine, final UnaryOperator<ReplicationContext> customize)
    {
        return ReplicationNode.launch(customize.apply(context(name, mode)), engine(name, stateMachine, topology), role);
    }

    /** Publishes ADD commands {@code from..to} (payload: the position's square, so order matters to the hash). */
    static void publish(final Engine engine, final long from, final long to)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[8]);
        for (long i = from; i <= to; i++)
        {
            payload.putLong(0, i * i, java.nio.ByteOrder.LITTLE_ENDIAN);
            engine.publish(AccumulatorStateMachine.ADD, 1, 7, i, i, payload, 0, 8);
        }
    }

    /** Full replay of a node's journal (no snapshots), closed again: its state hash. */
    long replayHash(final String name)
    {
        final Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .journal(io.ringlog.core.ReadOnlyJournal.of(ChronicleJournal.open(new ChronicleJournal.Context()
                .directory(root.resolve(name).resolve("journal")).maxPayloadLength(MAX_PAYLOAD).readOnly(true))))
            .maxPayloadLength(MAX_PAYLOAD));
        engine.close();
        return engine.stateHash();
    }

    /** Both journals hold the same entries, byte for byte (by checksum), positions 1..last with no gap. */
    void assertSameJournals(final long last)
    {
        try (ChronicleJournal a = readOnly("a"); ChronicleJournal b = readOnly("b");
             JournalReader ra = a.reader(1); JournalReader rb = b.reader(1))
        {
            assertEquals(last, a.lastPosition(), "a's last position");
            assertEquals(last, b.lastPosition(), "b's last position");
            final Command ca = new Command(MAX_PAYLOAD);
            final Command cb = new Command(MAX_PAYLOAD);
            final UnsafeBuffer scratch = new UnsafeBuffer(new byte[CommandCodec.HEADER_LENGTH + MAX_PAYLOAD]);
            final Crc32c crc = new Crc32c();
            for (long position = 1; position <= last; position++)
            {
                if (!ra.next(ca) || !rb.next(cb))
                {
                    throw new AssertionError("a journal ends before position " + position);
                }
                assertEquals(position, ca.position());
                assertEquals(position, cb.position());
                assertEquals(CommandCodec.checksum(ca, scratch, crc), CommandCodec.checksum(cb, scratch, crc),
                    "entries differ at position " + position + ": " + ca + " / " + cb);
            }
        }
    }

    /** A node's journal identity, read from its journal directory. */
    io.ringlog.core.JournalId journalId(final String name)
    {
        try (ChronicleJournal journal = readOnly(name))
        {
            return journal.id();
        }
    }

    ChronicleJournal readOnly(final String name)
    {
        return ChronicleJournal.open(new ChronicleJournal.Context().directory(root.resolve(name).resolve("journal"))
            .maxPayloadLength(MAX_PAYLOAD).readOnly(true));
    }

    /** Closes nodes in order, reporting (not throwing) what a close throws, so a test's own failure is the one seen. */
    static void closeQuietly(final ReplicationNode... nodes)
    {
        for (final ReplicationNode node : nodes)
        {
            if (node == null)
            {
                continue;
            }
            try
            {
                node.close();
            }
            catch (final RuntimeException ex)
            {
                System.out.println("close: " + ex);
            }
        }
    }

    static void await(final BooleanSupplier condition, final Duration timeout, final String what)
        throws TimeoutException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new TimeoutException("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            Thread.onSpinWait();
            try
            {
                Thread.sleep(2);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ex);
            }
        }
    }
}
