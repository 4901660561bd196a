package io.ringlog.journal.replication;

import io.ringlog.core.Topology;
import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.journal.ChronicleJournal;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nodes of a pair set up differently, and a node asked for what it can no longer do: each is said once, in words.
 */
class MismatchedSettingsTest
{
    @TempDir
    Path dir;

    /**
     * A reviewer's finding: a standby whose maxPayloadLength (64) was smaller than its primary's (128) met an entry of
     * 100 bytes, which Aeron's error handler logged as "payload length 100 outside 0..64", and the standby said the
     * catch-up stream had lost data and asked for it again, 1,682 times in 8 s, while it heartbeated and acknowledged
     * position 10: the synchronous primary showed nothing more and never saw it gone. The standby fails once, saying
     * which setting differs, and goes silent, so the primary sees it lost.
     */
    @Test
    void shouldFailAStandbyWhoseMaxPayloadLengthIsSmallerThanAnEntryItIsSentOnceAndInWords() throws Exception
    {
        final Pair pair = new Pair(dir);
        final int larger = 128;
        final ReplicationNode a = ReplicationNode.launch(pair.context("a", ReplicationMode.SYNCHRONOUS),
            pair.engine("a", new AccumulatorStateMachine(), Topology.PIPELINED, ChronicleJournal.open(
                new ChronicleJournal.Context().directory(dir.resolve("a").resolve("journal")).maxPayloadLength(larger)))
                .maxPayloadLength(larger).closeTimeout(Duration.ofSeconds(2)), Role.PRIMARY);
        final ReplicationNode b = pair.launch("b", Role.STANDBY, ReplicationMode.SYNCHRONOUS, Topology.PIPELINED,
            new AccumulatorStateMachine());
        try
        {
            Pair.publish(a.engine(), 1, 10);
            b.engine().awaitApplied(10, 30, TimeUnit.SECONDS);
            a.engine().publish(AccumulatorStateMachine.ADD, 1, 7, 11, 11, new UnsafeBuffer(new byte[100]), 0, 100);
            Pair.await(() -> b.failure() != null, Duration.ofSeconds(30), "the standby to fail");
            assertEquals(Role.FAILED, b.role());
            final String said = "the primary shipped the entry at position 11 with a payload of 100 bytes, and this " +
                "standby's maxPayloadLength is 64: it cannot take it, nor follow the primary past it. Give both nodes " +
                "the same maxPayloadLength (the primary's is 100 or more) and restart this one as a standby; what it " +
                "holds, up to position 10, is kept";
            assertEquals(said, b.failure().getMessage());
            Pair.await(() -> pair.events.stream().anyMatch((e) -> e.startsWith("a: peer ") && e.contains(" LOST")),
                Duration.ofSeconds(30), "the primary to see the silent standby gone");
            assertEquals(1, pair.events.stream().filter((e) -> e.startsWith("b: FAILED: " + said)).count(), pair.events
                .toString());
            assertTrue(pair.events.stream().noneMatch((e) -> e.contains("outside 0..64") || e.contains("data lost")),
                "no raw refusal from the engine, no claim that data was lost: " + pair.events);
            assertEquals(10, b.engine().metrics().lastAppliedPosition(), "what it took is kept");
        }
        finally
        {
            Pair.closeQuietly(b, a);
        }
    }

    /**
     * A reviewer's finding: promote on a closed node waited out its whole timeout (its agent had stopped), then said the
     * node "is still a standby" and to ask again with a longer timeout, which could never work. Refused at once.
     */
    @Test
    void shouldRefuseAtOnceToPromoteAClosedNode() throws Exception
    {
        final Pair pair = new Pair(dir);
        final ReplicationNode b = pair.launch("b", Role.STANDBY, ReplicationMode.SYNCHRONOUS, Topology.COMPACT,
            new AccumulatorStateMachine());
        b.close();
        final long asked = System.nanoTime();
        for (final boolean force : new boolean[]{true, false})
        {
            final ReplicationException refused = assertThrows(ReplicationException.class,
                () -> b.promote(Duration.ofSeconds(30), force));
            assertEquals("this node is closed: it cannot be promoted (its agent has stopped). Launch it again as a " +
                "standby and promote that", refused.getMessage());
        }
        assertTrue(System.nanoTime() - asked < TimeUnit.SECONDS.toNanos(10), "refused, not waited out");
    }
}
