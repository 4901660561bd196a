package io.ringlog.journal.replication;

import io.aeron.driver.ext.DebugReceiveChannelEndpoint;
import io.aeron.driver.ext.RandomLossGenerator;
import io.ringlog.core.Topology;
import io.ringlog.core.testing.AccumulatorStateMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The standby's media driver drops a seeded share of the data frames it receives (Aeron's debug
 * receive endpoint with a random loss generator), and its log and catch-up subscriptions are closed
 * for a while mid-run: Aeron retransmits what was lost in flight, the standby asks again for what it
 * missed while not subscribed, and both end with the same journal (no gap, no duplicate) and state.
 */
class LossTest
{
    private static final double LOSS_RATE = 0.05;
    private static final long SEED = 20_261_201L;

    @TempDir
    Path dir;

    @Test
    void shouldLoseNothingToFrameLossOrADroppedSubscription() throws Exception
    {
        final Pair pair = new Pair(dir);
        final ReplicationMode mode = ReplicationMode.SYNCHRONOUS;
        final ReplicationNode standby = pair.launch("b", Role.STANDBY, mode, Topology.PIPELINED,
            new AccumulatorStateMachine(),
            (ctx) -> ctx.driverCustomizer((driver) -> driver.receiveChannelEndpointSupplier(
                (channel, dispatcher, status, context) -> new DebugReceiveChannelEndpoint(channel, dispatcher, status,
                    context, new RandomLossGenerator(LOSS_RATE, SEED), new RandomLossGenerator(0)))));
        final ReplicationNode primary = pair.launch("a", Role.PRIMARY, mode, Topology.PIPELINED,
            new AccumulatorStateMachine());
        try (standby; primary)
        {
            Pair.publish(primary.engine(), 1, 10_000);
            standby.engine().awaitApplied(10_000, 60, TimeUnit.SECONDS);

            standby.dropReceiving(Duration.ofMillis(700));
            final Thread publisher = new Thread(() -> Pair.publish(primary.engine(), 10_001, 20_000));
            publisher.start();
            standby.engine().awaitApplied(20_000, 60, TimeUnit.SECONDS);
            publisher.join();
            Pair.await(() -> primary.status().acknowledgedPosition() == 20_000, Duration.ofSeconds(10), "the last ack");
            assertTrue(pair.events.stream().anyMatch((e) -> e.startsWith("b: receiving again")), "the drop happened");
            assertTrue(standby.status().catchUps() >= 2, "asked again after the drop: " + standby.status());
        }
        assertEquals(primary.engine().stateHash(), standby.engine().stateHash());
        pair.assertSameJournals(20_000);
    }
}
