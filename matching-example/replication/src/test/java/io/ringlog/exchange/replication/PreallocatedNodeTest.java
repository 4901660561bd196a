package io.ringlog.exchange.replication;

import io.ringlog.core.testing.DiskBlocks;
import io.ringlog.exchange.replication.ReplicaRun.Said;
import io.ringlog.exchange.workload.WorkloadConfig;
import io.ringlog.journal.ChronicleJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static io.ringlog.exchange.replication.ReplicaRun.replica;
import static io.ringlog.exchange.replication.ReplicaRun.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nodes started with {@code --journal-preallocate}, each in a JVM of its own as a user starts them: both the
 * primary's and the standby's journal hold the disk blocks from the start, and the standby's journal is the
 * primary's, entry for entry. A size the disk cannot hold is refused when the node starts, in words and with
 * exit code 1, and the journal it would have written to is as it was: the node restarted without the option
 * goes on from it.
 */
class PreallocatedNodeTest
{
    private static final long SIXTEEN_MIB = 16L << 20;

    @TempDir
    Path dir;

    @Test
    void shouldGiveThePrimaryAndTheStandbyJournalsTheirBlocksAtStart() throws Exception
    {
        final int portX = Exchanges.freePort();
        final int portY = Exchanges.freePort();
        final Path commands = Exchanges.write(dir.resolve("commands.txt"),
            Exchanges.workload(WorkloadConfig.exchangeCore(7, 2_000)));
        NodeProcess x = null;
        NodeProcess y = null;
        try
        {
            x = NodeProcess.start(dir, "x", "primary", portX, portY, "sync", false, dir.resolve("x.events"),
                "--journal-preallocate", "16m");
            y = NodeProcess.start(dir, "y", "standby", portY, portX, "sync", false, dir.resolve("y.events"),
                "--journal-preallocate", "16m");
            x.awaitRunning();
            y.awaitRunning();
            final Said published = replica("publish", "--dir", x.root.toString(), "-i", commands.toString());
            assertEquals(0, published.code, published.out + published.err);
            final long last = x.status().journaledPosition();
            final NodeProcess standby = y;
            await(() -> standby.statusShows((status) -> status.journaledPosition() >= last),
                "the standby to journal " + last);
            for (final NodeProcess node : List.of(x, y))
            {
                final Path cycle = cycleFile(node.directory().journal());
                // A cycle file's length is Chronicle's sparse 80 MiB whatever it holds; its blocks on disk say what it got.
                final long held = DiskBlocks.allocatedBytes(cycle);
                assertTrue(held >= SIXTEEN_MIB, node.name + "'s " + cycle + " holds the 16 MiB: " + held);
            }
            for (final NodeProcess node : List.of(y, x))
            {
                final Said stopped = replica("stop", "--dir", node.root.toString());
                assertEquals(0, stopped.code, stopped.out + stopped.err);
                assertTrue(node.process.waitFor(60, TimeUnit.SECONDS), node.name + " has ended");
            }
            assertEquals(last, Exchanges.assertSameJournals(x.directory().journal(), y.directory().journal()));
            assertFalse(text(x.log).contains("\tat ") || text(y.log).contains("\tat "), text(x.log) + text(y.log));
        }
        finally
        {
            NodeProcess.killAlive(x, y);
        }
    }

    @Test
    void shouldRefuseAPreallocationTheDiskCannotHoldAndKeepTheJournal() throws Exception
    {
        final int port = Exchanges.freePort();
        final int peer = Exchanges.freePort();
        final Path commands = Exchanges.write(dir.resolve("commands.txt"),
            Exchanges.workload(WorkloadConfig.exchangeCore(8, 200)));
        final NodeProcess first = NodeProcess.start(dir, "x", "primary", port, peer, "async", false,
            dir.resolve("x.events"));
        final long last;
        try
        {
            first.awaitRunning();
            assertEquals(0, replica("publish", "--dir", first.root.toString(), "-i", commands.toString()).code);
            assertEquals(0, replica("stop", "--dir", first.root.toString()).code);
            assertTrue(first.process.waitFor(60, TimeUnit.SECONDS), "x has ended");
            last = lastPosition(first.directory().journal());
        }
        finally
        {
            NodeProcess.killAlive(first);
        }
        final Path journal = first.directory().journal();
        final Path cycle = cycleFile(journal);
        final long heldBefore = DiskBlocks.allocatedBytes(cycle);

        // 100,000 GiB: more than any disk these tests run on has free, and under the 1 PiB no journal takes.
        final int logged = text(first.log).length();
        final NodeProcess refused = NodeProcess.start(dir, "x", "primary", port, peer, "async", false,
            dir.resolve("x.events"), "--journal-preallocate", "100000g");
        try
        {
            assertTrue(refused.process.waitFor(60, TimeUnit.SECONDS), "the node with no room for its journal has ended");
            assertEquals(1, refused.process.exitValue(), text(refused.log));
        }
        finally
        {
            NodeProcess.killAlive(refused);
        }
        final String said = text(refused.log).substring(logged);
        assertTrue(said.contains("x: cannot start: no room for the journal: preallocating " + (100_000L << 30) + " bytes (" +
            (100_000L << 10) + " MiB) for " + cycle + " needs that much free, and " + journal + " has ") &&
            said.contains("Free space, or preallocate less; the journal is as it was"), said);
        assertFalse(said.contains("\tat ") || said.contains("Exception"), said);
        assertEquals(last, lastPosition(journal), "the journal is as it was");
        assertEquals(heldBefore, DiskBlocks.allocatedBytes(cycle), "no block was written");

        // Started again with what the disk holds, the node preallocates the file its journal already has, and goes on
        // from the journal's last position.
        final int refusedLogged = text(refused.log).length();
        final NodeProcess again = NodeProcess.start(dir, "x", "primary", port, peer, "async", false,
            dir.resolve("x.events"), "--journal-preallocate", "32m");
        try
        {
            again.awaitRunning();
            // Its own line, not the status page the first run left: the journal is open and preallocated by then.
            await(() -> logSince(again, refusedLogged).contains("x: primary in epoch 0, listening on 127.0.0.1:" + port +
                ", peer 127.0.0.1:" + peer + ", next position " + (last + 1)), "the restarted node to go on from " + last);
            final long held = DiskBlocks.allocatedBytes(cycle);
            assertTrue(held >= 2 * SIXTEEN_MIB, cycle + " holds the 32 MiB past its entries: " + held);
            final Said more = replica("publish", "--dir", again.root.toString(), "-i", commands.toString(),
                "--append");
            assertEquals(0, more.code, more.out + more.err);
            assertTrue(more.out.contains("first-position: " + (last + 1) + "\n"), more.out);
        }
        finally
        {
            NodeProcess.killAlive(again);
        }
    }

    private static Path cycleFile(final Path journal) throws IOException
    {
        try (Stream<Path> files = Files.list(journal))
        {
            return files.filter((file) -> file.getFileName().toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
    }

    private static long lastPosition(final Path journal)
    {
        try (ChronicleJournal read = Exchanges.readOnly(journal))
        {
            return read.lastPosition();
        }
    }

    private static String logSince(final NodeProcess node, final int offset)
    {
        final String log = text(node.log);
        return log.length() > offset ? log.substring(offset) : "";
    }

    private static void await(final BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out waiting for " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
