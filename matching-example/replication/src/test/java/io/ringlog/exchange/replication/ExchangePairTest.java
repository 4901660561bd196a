package io.ringlog.exchange.replication;

import io.ringlog.core.EngineContext;
import io.ringlog.core.Topology;
import io.ringlog.exchange.ExchangeStateMachine;
import io.ringlog.exchange.codec.CommandTypes;
import io.ringlog.exchange.codec.CommandEncoder;
import io.ringlog.exchange.codec.command.ConfigureCommandEncoder;
import io.ringlog.exchange.text.CommandFileReader;
import io.ringlog.exchange.workload.WorkloadConfig;
import io.ringlog.journal.ChronicleJournal;
import io.ringlog.journal.FileSnapshotStore;
import io.ringlog.journal.replication.ReplicationContext;
import io.ringlog.journal.replication.ReplicationMode;
import io.ringlog.journal.replication.ReplicationNode;
import io.ringlog.journal.replication.Role;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A primary and a hot standby of the exchange, two nodes on loopback UDP in this JVM, through a long
 * randomized run (the many-symbols workload, seeded at random and printed), with the standby
 * restarted part way: equal state hashes, identical journals, snapshots at the same positions.
 */
class ExchangePairTest
{
    private static final int COMMANDS = 150_000;

    @TempDir
    Path dir;

    @Test
    void shouldEndALongRandomizedRunWithEqualStateHashes() throws Exception
    {
        final long seed = System.nanoTime();
        System.out.println("seed " + seed);
        // Many symbols with skewed popularity, fewer accounts than the preset's 10,000 so set-up stays short.
        final List<String> lines = Exchanges.workload(WorkloadConfig.manySymbols(seed, COMMANDS).accounts(300));
        final int portA = Exchanges.freePort();
        final int portB = Exchanges.freePort();
        final ReplicationNode primary = launch("a", Role.PRIMARY, portA, portB);
        ReplicationNode standby = launch("b", Role.STANDBY, portB, portA);
        final UnsafeBuffer genesis = new UnsafeBuffer(new byte[ConfigureCommandEncoder.BLOCK_LENGTH]);
        new ConfigureCommandEncoder().wrap(genesis, 0).settingsVersion(CommandTypes.SETTINGS_VERSION).maxAssets(64);
        assertEquals(1, primary.engine().publish(CommandTypes.CONFIGURE, CommandEncoder.VERSION, 0, 0, 0, genesis, 0,
            ConfigureCommandEncoder.BLOCK_LENGTH));
        final int half = lines.size() / 2;
        try
        {
            publish(primary, lines.subList(0, half));
            standby.engine().awaitApplied(half + 1, 60, TimeUnit.SECONDS);
            standby.close();
            standby = launch("b", Role.STANDBY, portB, portA);
            publish(primary, lines.subList(half, lines.size()));
            final long last = primary.engine().nextPosition() - 1;
            primary.engine().awaitApplied(last, 120, TimeUnit.SECONDS);
            standby.engine().awaitApplied(last, 60, TimeUnit.SECONDS);
            assertTrue(primary.status().catchUps() >= 2, "the restarted standby asked again: " + primary.status());
        }
        finally
        {
            primary.close();
            standby.close();
        }
        assertEquals(primary.engine().stateHash(), standby.engine().stateHash(), "seed " + seed);
        final long last = Exchanges.assertSameJournals(dir.resolve("a").resolve("journal"), dir.resolve("b").resolve("journal"));
        assertEquals(lines.size() + 1, last);
        assertEquals(snapshotFiles("a"), snapshotFiles("b"), "snapshots at the same positions");
    }

    private void publish(final ReplicationNode node, final List<String> lines) throws Exception
    {
        new CommandFileReader().read(new BufferedReader(new StringReader(String.join("\n", lines))), (command) ->
            node.engine().publish(command.type(), command.version(), command.sourceId(), command.sourceSequence(),
                command.correlationId(), command.payload(), 0, command.payloadLength()),
            (line, text, reason) ->
            {
                throw new AssertionError("line " + line + ": " + reason);
            });
    }

    private List<String> snapshotFiles(final String node) throws Exception
    {
        try (Stream<Path> files = Files.list(dir.resolve(node).resolve("snapshots")))
        {
            return files.map((p) -> p.getFileName().toString()).filter((n) -> n.startsWith("snapshot-")).sorted().toList();
        }
    }

    private ReplicationNode launch(final String name, final Role role, final int listen, final int peer)
    {
        final Path root = dir.resolve(name);
        return ReplicationNode.launch(new ReplicationContext()
                .name(name)
                .directory(root.resolve("replication"))
                .aeronDirectory(root.resolve("aeron"))
                .localEndpoint("127.0.0.1:" + listen)
                .peerEndpoint("127.0.0.1:" + peer)
                .mode(ReplicationMode.SYNCHRONOUS)
                .termBufferLength(1 << 20)
                .eventHandler((message) -> System.out.println(name + ": " + message)),
            new EngineContext()
                .name(name)
                .stateMachine(ExchangeStateMachine.configuredByJournal(true))
                .journal(ChronicleJournal.open(new ChronicleJournal.Context().directory(root.resolve("journal"))
                    .maxPayloadLength(Exchanges.MAX_PAYLOAD)))
                .snapshotStore(FileSnapshotStore.open(root.resolve("snapshots"), 3))
                .snapshotEvery(40_000)
                .topology(Topology.PIPELINED)
                .maxPayloadLength(Exchanges.MAX_PAYLOAD)
                .closeTimeout(Duration.ofSeconds(60)),
            role);
    }
}
