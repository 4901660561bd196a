package io.ringlog.journal.replication;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.ringlog.core.Topology;
import io.ringlog.core.testing.AccumulatorStateMachine;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pair upgraded one node at a time: the node still on the old ringlog sends replication protocol version 1. The
 * node of this version says so ({@code OTHER VERSION}), in its events and on its status page, instead of only that
 * its peer is not heard, and takes nothing of it. The old node is played by a bare Aeron publication sending what a
 * version 1 node's control messages begin with.
 */
class OtherVersionTest
{
    @TempDir
    Path dir;

    @Test
    void shouldSayAPeerSpeaksAnotherProtocolVersionAndTakeNothingOfIt() throws Exception
    {
        final Pair pair = new Pair(dir);
        final ReplicationNode a = pair.launch("a", Role.PRIMARY, ReplicationMode.ASYNCHRONOUS, Topology.COMPACT,
            new AccumulatorStateMachine());
        try (MediaDriver driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
                .aeronDirectoryName(dir.resolve("old-node-aeron").toString())
                .threadingMode(ThreadingMode.SHARED)
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true));
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
            ExclusivePublication control = aeron.addExclusivePublication("aeron:udp?endpoint=127.0.0.1:" + pair.portA,
                ReplicationContext.CONTROL_STREAM))
        {
            Pair.publish(a.engine(), 1, 100);
            final UnsafeBuffer message = new UnsafeBuffer(new byte[Messages.BODY_OFFSET]);
            message.putInt(Messages.VERSION_OFFSET, 1, ByteOrder.LITTLE_ENDIAN);
            final String said = "a: OTHER VERSION: a node sends to 127.0.0.1:" + pair.portA + " in replication protocol " +
                "version 1, and this node reads version 2 only (ringlog from before 2026-12-06 speaks version 1): nothing " +
                "it sends is taken, and it does not take what this node sends. Both nodes of a pair run one version";
            Pair.await(() ->
            {
                control.offer(message);
                return pair.events.stream().anyMatch((e) -> e.startsWith(said));
            }, Duration.ofSeconds(15), "a says the peer speaks version 1");
            assertTrue(a.status().message().startsWith("OTHER VERSION: a node sends to"), a.status().message());
            assertEquals(1, pair.events.stream().filter((e) -> e.startsWith("a: OTHER VERSION")).count(),
                "said once, not once a message: " + pair.events);
            a.engine().awaitApplied(100, 10, TimeUnit.SECONDS);
        }
        finally
        {
            a.close();
        }
        assertEquals(100, a.engine().metrics().applied(), "the primary went on with its own commands");
    }
}
