package io.ringlog.core;

import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.core.testing.CollectingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.ringlog.core.testing.AccumulatorStateMachine.ADD;
import static io.ringlog.core.testing.AccumulatorStateMachine.longPayload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link EngineContext#singlePublisher}: the input ring built single-producer. It keeps the engine's promises (close
 * loses nothing accepted, a parked stage is woken by each publish, the same state as a multi-producer engine), and
 * refuses what a single-producer ring cannot take: a second publishing thread, a claim while a batch is open, a
 * follower.
 */
class SinglePublisherTest
{
    @ParameterizedTest
    @EnumSource(Topology.class)
    @Timeout(120)
    void shouldLoseNothingWhenClosingWhileThePublisherPublishes(final Topology topology) throws Exception
    {
        // Each round closes at a different point of the publisher's claim, announce, check and publish.
        for (int round = 0; round < 20; round++)
        {
            final AccumulatorStateMachine sm = new AccumulatorStateMachine();
            final Engine engine = Engine.launch(new EngineContext().stateMachine(sm).topology(topology).ringSize(64)
                .singlePublisher(true));
            final AtomicLong acceptedSum = new AtomicLong();
            final AtomicLong acceptedCount = new AtomicLong();
            final AtomicReference<Throwable> unexpected = new AtomicReference<>();
            final Thread publisher = new Thread(() ->
            {
                try
                {
                    for (long i = 1; ; i++)
                    {
                        try
                        {
                            engine.publish(ADD, 0, 0, 0, longPayload(i), 0, 8);
                        }
                        catch (final IllegalStateException closed)
                        {
                            assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
                            return;
                        }
                        acceptedSum.addAndGet(i);
                        acceptedCount.incrementAndGet();
                    }
                }
                catch (final Throwable ex)
                {
                    unexpected.set(ex);
                }
            });
            publisher.start();
            final long before = 1_000 + round * 500L;
            CollectingListener.await(() -> acceptedCount.get() > before, Duration.ofSeconds(30), "publisher under way");
            engine.close();
            publisher.join(10_000);
            assertEquals(null, unexpected.get());
            assertEquals(acceptedCount.get(), sm.count(), "round " + round + ": every publish that returned was applied");
            assertEquals(acceptedSum.get(), sm.total(), "round " + round);
        }
    }

    /**
     * The race itself, made certain: the publisher is held after its claim passed the state check (in the clock that
     * stamps the command) while close runs. Close must wait for that claim, which it sees only through the
     * announcement (a single-producer claim moves no shared cursor), and the command it then publishes is applied.
     * Without the announcement close drained to the cursor, stopped, and the publish returned "accepted" for a
     * command nothing applied.
     */
    @ParameterizedTest
    @EnumSource(Topology.class)
    @Timeout(60)
    void shouldWaitAtCloseForAClaimThatPassedTheStateCheck(final Topology topology) throws Exception
    {
        final java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        final AtomicReference<Thread> publisher = new AtomicReference<>();
        final AtomicLong stamps = new AtomicLong();
        final AccumulatorStateMachine sm = new AccumulatorStateMachine();
        final Engine engine = Engine.launch(new EngineContext().stateMachine(sm).topology(topology).singlePublisher(true)
            .clock(() ->
            {
                if (Thread.currentThread() == publisher.get() && stamps.incrementAndGet() == 101)
                {
                    held.countDown();
                    try
                    {
                        release.await();
                    }
                    catch (final InterruptedException ex)
                    {
                        Thread.currentThread().interrupt();
                    }
                }
                return 1;
            }));
        final AtomicLong accepted = new AtomicLong();
        final AtomicReference<Throwable> refused = new AtomicReference<>();
        final Thread publishing = new Thread(() ->
        {
            try
            {
                for (int i = 1; i <= 101; i++)
                {
                    engine.publish(ADD, 0, 0, i, longPayload(1), 0, 8);
                    accepted.incrementAndGet();
                }
            }
            catch (final Throwable ex)
            {
                refused.set(ex);
            }
        });
        publisher.set(publishing);
        publishing.start();
        assertTrue(held.await(30, java.util.concurrent.TimeUnit.SECONDS), "the 101st publish is held after its claim");
        final Thread closing = new Thread(engine::close);
        closing.start();
        // Close has written the state and is draining (or, without the announcement, has finished already).
        CollectingListener.await(() -> !closing.isAlive() || java.util.Arrays.stream(closing.getStackTrace())
            .anyMatch((frame) -> frame.getMethodName().equals("drain")), Duration.ofSeconds(30), "close to drain");
        release.countDown();
        publishing.join(30_000);
        closing.join(30_000);
        assertEquals(null, refused.get(), "its claim had passed the state check: the held publish is accepted");
        assertEquals(101, accepted.get());
        assertEquals(101, sm.count(), "the publish close raced with was accepted, and applied");
    }

    @Test
    void shouldRefuseASecondPublishingThreadAndGoOnWithTheFirst() throws Exception
    {
        final AccumulatorStateMachine sm = new AccumulatorStateMachine();
        final CollectingListener listener = new CollectingListener();
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(sm).singlePublisher(true)
            .listener("collect", listener)))
        {
            engine.publish(ADD, 0, 0, 1, longPayload(1), 0, 8);
            final AtomicReference<Throwable> refused = new AtomicReference<>();
            final Thread other = new Thread(() ->
            {
                try
                {
                    engine.publish(ADD, 0, 0, 2, longPayload(100), 0, 8);
                }
                catch (final Throwable ex)
                {
                    refused.set(ex);
                }
                try
                {
                    engine.newBatch().claim(2);
                }
                catch (final IllegalStateException ex)
                {
                    assertTrue(ex.getMessage().contains("singlePublisher(true)"), ex.getMessage());
                    return;
                }
                refused.set(new AssertionError("a batch claim from a second thread went through"));
            }, "second-publisher");
            other.start();
            other.join(10_000);
            assertTrue(refused.get() instanceof IllegalStateException, String.valueOf(refused.get()));
            assertEquals("ringlog was launched with singlePublisher(true), and thread '" + Thread.currentThread().getName() +
                "' publishes to it: this is thread 'second-publisher'. Hand the command to that thread, or launch " +
                "without singlePublisher (any thread may then publish)", refused.get().getMessage());
            for (int i = 2; i <= 100; i++)
            {
                engine.publish(ADD, 0, 0, i, longPayload(1), 0, 8);
            }
            listener.awaitCount(100, Duration.ofSeconds(10));
        }
        assertEquals(100, sm.count(), "the refused commands never reached the ring");
        assertEquals(100, sm.total());
    }

    @Test
    void shouldRefuseAClaimWhileItsBatchIsOpenThenPublishTheBatchInOrder() throws Exception
    {
        final AccumulatorStateMachine sm = new AccumulatorStateMachine();
        final CollectingListener listener = new CollectingListener();
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(sm).singlePublisher(true)
            .listener("collect", listener)))
        {
            final CommandBatch batch = engine.newBatch();
            final long first = batch.claim(3);
            final IllegalStateException open = assertThrows(IllegalStateException.class,
                () -> engine.publish(ADD, 0, 0, 9, longPayload(1000), 0, 8));
            assertEquals("a single publisher's claims are published in the order made: publish() the CommandBatch " +
                "claimed at position " + first + " before claiming anything else", open.getMessage());
            for (int i = 1; i <= 3; i++)
            {
                batch.add(ADD, 1, 0, 0, i, longPayload(i), 0, 8);
            }
            batch.publish();
            final long after = engine.publish(ADD, 0, 0, 4, longPayload(4), 0, 8);
            assertEquals(first + 3, after);
            listener.awaitCount(4, Duration.ofSeconds(10));
        }
        assertEquals(4, sm.count());
        assertEquals(10, sm.total());
    }

    /**
     * The publish skips its fence only on an input ring whose strategy instance is its own: one instance handed to
     * both rings keeps the fence (the output ring's publishes need it), and an instance a single publisher's ring
     * uses is refused to any other engine.
     */
    @Test
    void shouldKeepTheFenceOnAStrategySharedByBothRingsAndRefuseOneAnotherEngineUses() throws Exception
    {
        final io.ringlog.core.engine.ParkingWaitStrategy shared = new io.ringlog.core.engine.ParkingWaitStrategy(200, 4);
        final CollectingListener listener = new CollectingListener();
        final AccumulatorStateMachine sm = new AccumulatorStateMachine();
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(sm).singlePublisher(true)
            .waitStrategy(() -> shared).listener("collect", listener)))
        {
            assertTrue(!shared.announced(), "both rings' instance keeps its fence");
            for (int i = 1; i <= 100; i++)
            {
                engine.publish(ADD, 0, 0, i, longPayload(1), 0, 8);
                listener.awaitCount(i, Duration.ofSeconds(10));
            }
        }
        assertEquals(100, sm.total());

        final java.util.List<io.ringlog.core.engine.ParkingWaitStrategy> made = new java.util.ArrayList<>();
        try (Engine single = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .singlePublisher(true).waitStrategy(() ->
            {
                final io.ringlog.core.engine.ParkingWaitStrategy strategy = new io.ringlog.core.engine.ParkingWaitStrategy(200, 4);
                made.add(strategy);
                return strategy;
            })))
        {
            assertTrue(made.get(0).announced(), "the input ring's own instance reads the announcement");
            final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Engine.launch(
                new EngineContext().stateMachine(new AccumulatorStateMachine()).waitStrategy(() -> made.get(0))));
            assertTrue(refused.getMessage().startsWith("waitStrategy handed this engine an instance that another engine's " +
                "input ring uses"), refused.getMessage());
        }
    }

    @Test
    void shouldRefuseAFollowerAtLaunch()
    {
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Engine.launch(
            new EngineContext().stateMachine(new AccumulatorStateMachine()).singlePublisher(true).follower(true)));
        assertTrue(refused.getMessage().startsWith("singlePublisher(true) with follower(true)"), refused.getMessage());
    }

    /**
     * One command at a time, each waited for at the listener, so the stages park between them and each publish must
     * wake them (a lost wake-up would stall a round until a bounded park ran out); and the state ends where a
     * multi-producer engine's does.
     */
    @ParameterizedTest
    @EnumSource(value = WaitStrategies.class, names = {"PARKING", "BATCHING", "BLOCKING"})
    @Timeout(120)
    void shouldWakeParkedStagesAndEndInTheSameStateAsAMultiProducerEngine(final WaitStrategies strategy) throws Exception
    {
        for (final Topology topology : Topology.values())
        {
            final long[] hashes = new long[2];
            for (int single = 0; single < 2; single++)
            {
                final AccumulatorStateMachine sm = new AccumulatorStateMachine();
                final CollectingListener listener = new CollectingListener();
                // Timestamps into the hash: a clock that counts makes both runs stamp alike.
                final AtomicLong clock = new AtomicLong();
                final Engine engine = Engine.launch(new EngineContext().stateMachine(sm).topology(topology)
                    .waitStrategy(strategy).singlePublisher(single == 1).listener("collect", listener)
                    .clock(clock::incrementAndGet));
                try (engine)
                {
                    for (int i = 1; i <= 200; i++)
                    {
                        engine.publish(ADD, 0, 0, i, longPayload(i), 0, 8);
                        listener.awaitCount(i, Duration.ofSeconds(10));
                    }
                }
                hashes[single] = engine.stateHash();
                assertEquals(200 * 201 / 2, sm.total(), strategy + " " + topology);
            }
            assertEquals(hashes[0], hashes[1], strategy + " " + topology + ": the same state either way");
        }
    }
}
