package io.ringlog.journal.replication;

import io.ringlog.core.Engine;
import io.ringlog.core.Topology;
import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.core.testing.CollectingListener;
import io.ringlog.core.testing.SmallFileSystem;
import io.ringlog.journal.ChronicleJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Probe (replication operator): a synchronous pair whose standby's journal disk fills. The standby halted,
 * but went on acknowledging the positions its journal stage passed over without writing them (the stage moves
 * on once the engine halts), so the primary showed their events, and a promotion of the standby then lost
 * them: 1,485 positions in the probe's run. The standby acknowledges what its journal committed, and the
 * primary shows nothing past it.
 */
class StandbyFullDiskTest
{
    @TempDir
    Path dir;

    @Test
    void shouldNotAcknowledgeWhatAStandbyWithAFullDiskNeverJournaled() throws Exception
    {
        final Pair pair = new Pair(dir);
        final StringBuilder why = new StringBuilder();
        final SmallFileSystem small = SmallFileSystem.mount(dir.resolve("b").resolve("journal"), "2m", why);
        assumeTrue(small != null, "cannot mount a tmpfs here: " + why);
        ReplicationNode standby = null;
        ReplicationNode primary = null;
        try
        {
            standby = ReplicationNode.launch(pair.context("b", ReplicationMode.SYNCHRONOUS),
                pair.engine("b", new AccumulatorStateMachine(), Topology.PIPELINED).closeTimeout(Duration.ofSeconds(2)),
                Role.STANDBY);
            final CollectingListener shown = new CollectingListener();
            primary = ReplicationNode.launch(pair.context("a", ReplicationMode.SYNCHRONOUS),
                pair.engine("a", new AccumulatorStateMachine(), Topology.PIPELINED).closeTimeout(Duration.ofSeconds(2))
                    .listener("clients", shown), Role.PRIMARY);
            final Engine engine = primary.engine();
            final ReplicationNode b = standby;
            // About 4 MB of journal: the standby's 2 MB fills part way. Published from a thread of its own, as the
            // primary stops showing (and so taking) commands once its standby stops acknowledging them.
            final AtomicLong published = new AtomicLong();
            final Thread publisher = new Thread(() ->
            {
                try
                {
                    for (long i = 1; i <= 60_000 && b.engine().failure() == null; i++)
                    {
                        Pair.publish(engine, i, i);
                        published.set(i);
                    }
                }
                catch (final RuntimeException stopped)
                {
                    // The primary halted or closed under it.
                }
            }, "publisher");
            publisher.setDaemon(true);
            publisher.start();
            Pair.await(() -> b.engine().failure() != null, Duration.ofSeconds(60), "the standby's disk to fill");
            assertTrue(b.engine().failure().getMessage().contains("no room for the journal"),
                b.engine().failure().getMessage());
            final long journaled;
            try (ChronicleJournal look = ChronicleJournal.open(new ChronicleJournal.Context()
                .directory(dir.resolve("b").resolve("journal")).maxPayloadLength(Pair.MAX_PAYLOAD).readOnly(true)))
            {
                journaled = look.lastPosition();
            }
            // The probe's standby acknowledged up to 1,485 positions past its journal; give the agent time to.
            final long settle = System.nanoTime() + Duration.ofMillis(1_500).toNanos();
            while (System.nanoTime() < settle)
            {
                final ReplicationStatus status = ReplicationStatus.read(dir.resolve("b").resolve("replication"));
                assertTrue(status.acknowledgedPosition() <= journaled, "acknowledged " + status.acknowledgedPosition() +
                    ", journaled " + journaled);
                Thread.onSpinWait();
            }
            final long maxShown = shown.events().stream().mapToLong(CollectingListener.Seen::position).max().orElse(0);
            assertTrue(maxShown <= journaled, "the primary showed position " + maxShown + ", past the standby's " +
                "journal, which ends at " + journaled);
            assertTrue(journaled > 0 && published.get() > journaled, "published " + published.get() + ", journaled " +
                journaled);
        }
        finally
        {
            Pair.closeQuietly(primary, standby);
            small.close();
        }
    }

    /**
     * Probe (replication): a node whose Aeron directory was on a 20 MB tmpfs died with "Exception in thread main
     * java.lang.InternalError: a fault occurred in a recent unsafe memory access operation" from Aeron's
     * mapNewFile. It is refused in words, before the media driver starts, naming the option that moves it.
     */
    @Test
    void shouldRefuseAnAeronDirectoryWithoutRoomInWords() throws Exception
    {
        final Pair pair = new Pair(dir);
        final StringBuilder why = new StringBuilder();
        final SmallFileSystem small = SmallFileSystem.mount(dir.resolve("small"), "20m", why);
        assumeTrue(small != null, "cannot mount a tmpfs here: " + why);
        try
        {
            final ReplicationException refused = org.junit.jupiter.api.Assertions.assertThrows(
                ReplicationException.class, () -> ReplicationNode.launch(pair.context("b", ReplicationMode.SYNCHRONOUS)
                    .aeronDirectory(dir.resolve("small").resolve("aeron")),
                    pair.engine("b", new AccumulatorStateMachine(), Topology.PIPELINED), Role.STANDBY));
            assertTrue(refused.getMessage().startsWith("b: cannot start the Aeron media driver in " +
                dir.resolve("small").resolve("aeron") + ": its file system has ") && refused.getMessage().contains(
                "give the node an Aeron directory on a file system with room (--aeron-dir, ReplicationContext." +
                "aeronDirectory"), refused.getMessage());
        }
        finally
        {
            small.close();
        }
    }
}
