package io.ringlog.core.engine;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SequenceBarrier;
import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.OutputListener;
import io.ringlog.core.Topology;
import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.core.testing.CollectingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static io.ringlog.core.testing.AccumulatorStateMachine.ADD;
import static io.ringlog.core.testing.AccumulatorStateMachine.longPayload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ParkingWaitStrategy}'s batching, on a real Disruptor ring and barrier: who holds off, for how
 * long, and what it takes afterwards. Holds are seen through the strategy's own count, never through
 * timing; the delays are long where a test must act inside one and must not wait one out.
 */
@Timeout(60)
class ParkingWaitStrategyTest
{
    private static final long LONG_DELAY = TimeUnit.SECONDS.toNanos(60);

    @Test
    void shouldTakeAFullBatchAtOnce() throws Exception
    {
        final ParkingWaitStrategy strategy = ParkingWaitStrategy.batching(200, 4, 4, LONG_DELAY);
        final RingBuffer<long[]> ring = ring(strategy);
        publish(ring, 4);

        assertEquals(3, ring.newBarrier().waitFor(0), "four ready, a batch of four: no hold");
        assertEquals(0, strategy.holds());
    }

    @Test
    void shouldHoldOffWhenFewerThanABatchAreReadyAndThenTakeAllThatCame() throws Exception
    {
        final AtomicLong now = new AtomicLong();
        final ParkingWaitStrategy strategy = new ParkingWaitStrategy(200, 4, 64, 10_000, now::get);
        final RingBuffer<long[]> ring = ring(strategy);
        final SequenceBarrier barrier = ring.newBarrier();
        publish(ring, 1);

        final CompletableFuture<Long> waited = waitInThread(barrier, 0);
        awaitCondition(() -> strategy.holds() == 1, "the consumer holds off: one ready of a batch of 64");
        publish(ring, 9);
        assertFalse(waited.isDone(), "the hold lasts until its clock says 10 us have passed");
        now.set(10_000);

        assertEquals(9, waited.get(), "what was published during the hold is taken with it");
        assertEquals(1, strategy.holds());
    }

    @Test
    void shouldTakeTheFirstEntryAtOnceWhenItHadToWaitForWork() throws Exception
    {
        final ParkingWaitStrategy strategy = ParkingWaitStrategy.batching(200, 4, 64, LONG_DELAY);
        final RingBuffer<long[]> ring = ring(strategy);
        final SequenceBarrier barrier = ring.newBarrier();
        final Waiter waiter = parkedWaiter(barrier);
        publish(ring, 1);

        // A hold would last a minute; the class's timeout would fail the test long before.
        assertEquals(0, waiter.result());
        assertEquals(0, strategy.holds(), "an idle consumer takes its first entry without holding off");
    }

    /**
     * The multi-producer cursor counts a claim before its publish: a parked consumer whose park runs out
     * sees the claim, is handed nothing by the barrier, and asks again at once. That ask is still the idle
     * consumer's and must not hold (without the guard it held for a minute here).
     */
    @Test
    void shouldNotHoldWhenWokenByAClaimNotYetPublished() throws Exception
    {
        final ParkingWaitStrategy strategy = ParkingWaitStrategy.batching(200, 4, 64, LONG_DELAY);
        final RingBuffer<long[]> ring = ring(strategy);
        final SequenceBarrier barrier = ring.newBarrier();
        final Waiter waiter = parkedWaiter(barrier);

        final long claimed = ring.next();
        awaitCondition(() -> waiter.emptyReturns() > 0, "the consumer wakes to the claim and is handed nothing");
        ring.publish(claimed);

        assertEquals(0, waiter.result());
        assertEquals(0, strategy.holds(), "woken by a claim, it took the publish without holding off");
    }

    /**
     * A single publisher's ring: the publish reads {@code parked} after the announcement's fence, not after its cursor
     * store, so a consumer about to park must look at the announcement. One that sees a claim announced and not
     * published does not park; it takes the publish when it comes, with no signal (the publisher saw nobody parked).
     */
    @Test
    void shouldNotParkOnAClaimItsSinglePublisherAnnounced() throws Exception
    {
        final ParkingWaitStrategy strategy = new ParkingWaitStrategy(200, 4);
        final com.lmax.disruptor.Sequence announced = new com.lmax.disruptor.Sequence(-1);
        final RingBuffer<long[]> ring = RingBuffer.createSingleProducer(() -> new long[1], 1024, strategy);
        assertTrue(strategy.publisherAnnounces(ring, announced));
        final SequenceBarrier barrier = ring.newBarrier();
        final Waiter waiter = parkedWaiter(barrier);

        final long claimed = ring.next();
        announced.setVolatile(claimed);
        awaitCondition(() -> strategy.announcedWaits() > 0, "the consumer sees the claim announced instead of parking");
        // The publish finds nobody parked, so it wakes nobody: the consumer takes it by looking again.
        ring.publish(claimed);

        assertEquals(0, waiter.result());
        assertFalse(strategy.publisherAnnounces(ring, announced), "once");
        assertThrows(IllegalStateException.class, () -> strategy.serves(ring(new ParkingWaitStrategy(200, 4))),
            "a ring of its own is refused too: a strategy whose publishes skip their fence serves one ring");
    }

    /**
     * A multi-producer ring whose publishes skip their fence ({@link ParkingWaitStrategy#publishersClaimOnCursor}): its
     * consumer waits on the slots' flags, so a claim published out of order (a later publisher first) hands it
     * nothing, and it does not park untimed on the claim it waits for; once that is published it takes the whole run,
     * the later slot too. Nobody was parked untimed, so the publish needs to wake nobody.
     */
    @Test
    void shouldWaitOnAMultiProducerRingsFlagsAndNotParkOnItsClaims() throws Exception
    {
        final ParkingWaitStrategy strategy = new ParkingWaitStrategy(0, 0, 1, 0, System::nanoTime,
            TimeUnit.MINUTES.toNanos(1));
        final RingBuffer<long[]> ring = RingBuffer.createMultiProducer(() -> new long[1], 1024, strategy);
        assertTrue(strategy.publishersClaimOnCursor(ring));
        final SequenceBarrier barrier = ring.newBarrier();
        final long first = ring.next();
        final long second = ring.next();
        ring.publish(second);

        final Waiter waiter = new Waiter(barrier, first);
        awaitCondition(() -> strategy.announcedWaits() > 64 && waiter.getState() == Thread.State.TIMED_WAITING,
            "the consumer sees the claim, yields, then parks timed on it, never untimed");
        assertEquals(0, waiter.emptyReturns(), "the slot after it, published, is not handed out alone");
        ring.publish(first);

        assertEquals(second, waiter.result(), "the run of published slots from the one it waited for");
        assertFalse(strategy.publishersClaimOnCursor(ring), "once");
        final RingBuffer<long[]> other = RingBuffer.createMultiProducer(() -> new long[1], 1024, strategy);
        assertThrows(IllegalStateException.class, () -> strategy.serves(other), "one ring per strategy");
    }

    /**
     * A claim that stays announced and unpublished (a CommandBatch being filled while its thread reads a socket): the
     * consumer does not spin on it, it parks, timed, and the batch's publish wakes it with a fenced signal.
     */
    @Test
    void shouldParkOnAClaimLeftOpenAndWakeAtItsPublish() throws Exception
    {
        final ParkingWaitStrategy strategy = new ParkingWaitStrategy(0, 0, 1, 0, System::nanoTime,
            TimeUnit.MINUTES.toNanos(1));
        final com.lmax.disruptor.Sequence announced = new com.lmax.disruptor.Sequence(-1);
        final RingBuffer<long[]> ring = RingBuffer.createSingleProducer(() -> new long[1], 1024, strategy);
        assertTrue(strategy.publisherAnnounces(ring, announced));
        final SequenceBarrier barrier = ring.newBarrier();
        final long claimed = ring.next();
        announced.setVolatile(claimed);

        final Waiter waiter = new Waiter(barrier, 0);
        awaitCondition(() -> strategy.announcedWaits() > 64 && waiter.getState() == Thread.State.TIMED_WAITING,
            "the consumer parks on the open claim instead of yielding on it");
        ring.publish(claimed);
        ParkingWaitStrategy.signalMoved(strategy);

        assertEquals(0, waiter.result(), "it takes the batch once published");
    }

    @Test
    void shouldStopHoldingWhenTheBarrierIsAlerted() throws Exception
    {
        final ParkingWaitStrategy strategy = ParkingWaitStrategy.batching(200, 4, 64, LONG_DELAY);
        final RingBuffer<long[]> ring = ring(strategy);
        final SequenceBarrier barrier = ring.newBarrier();
        publish(ring, 1);

        final Waiter waiter = new Waiter(barrier, 0);
        awaitCondition(() -> strategy.holds() == 1, "the consumer holds off");
        barrier.alert();

        final ExecutionException thrown = assertThrows(ExecutionException.class, waiter::result);
        assertInstanceOf(AlertException.class, thrown.getCause(), "a halt ends the hold");
    }

    @Test
    void shouldNeverHoldOffWhenPlainParking() throws Exception
    {
        final ParkingWaitStrategy strategy = new ParkingWaitStrategy(200, 4);
        final RingBuffer<long[]> ring = ring(strategy);
        publish(ring, 1);

        assertEquals(0, ring.newBarrier().waitFor(0));
        assertEquals(0, strategy.holds());
    }

    @Test
    void shouldRefuseABatchBelowOneAndANegativeDelay()
    {
        assertEquals("batch must be at least 1 and batchDelayNanos not negative: 0, 10",
            assertThrows(IllegalArgumentException.class, () -> ParkingWaitStrategy.batching(200, 4, 0, 10)).getMessage());
        assertEquals("batch must be at least 1 and batchDelayNanos not negative: 64, -1",
            assertThrows(IllegalArgumentException.class, () -> ParkingWaitStrategy.batching(200, 4, 64, -1)).getMessage());
        assertEquals("spins and yields must not be negative: -1, 4",
            assertThrows(IllegalArgumentException.class, () -> new ParkingWaitStrategy(-1, 4)).getMessage());
    }

    /**
     * An engine whose stages hold off for batches delivers a stream published flat out, in order and
     * whole, in both topologies: the holds happen (counted), and nothing is skipped or repeated.
     */
    @ParameterizedTest
    @EnumSource(Topology.class)
    void shouldDeliverAStreamWholeAndInOrderWhileStagesHoldOff(final Topology topology) throws Exception
    {
        final int commands = 50_000;
        final List<ParkingWaitStrategy> made = new CopyOnWriteArrayList<>();
        final AccumulatorStateMachine sm = new AccumulatorStateMachine();
        final CollectingListener listener = new CollectingListener();
        // Holds one stage on its first event until more are ready, so that at least one return to ready work is
        // certain (a stage that starts after the whole stream is published takes it in one batch, and never holds).
        // Nothing more is published until it holds that first event, so its first batch is that event alone: had it
        // started late, its first batch took all that was out, and it could find nothing ready when it came back.
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicBoolean first = new AtomicBoolean(true);
        final OutputListener gate = (event, endOfBatch) ->
        {
            if (first.getAndSet(false))
            {
                entered.countDown();
                assertTrue(release.await(30, TimeUnit.SECONDS), "released");
            }
        };
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(sm).topology(topology)
            .waitStrategy(() ->
            {
                // Nearly every return to ready work is a hold: half the default 64K rings, which this stream
                // seldom has ready (the largest batch a launch takes).
                final ParkingWaitStrategy strategy = ParkingWaitStrategy.batching(200, 4, 1 << 15, 20_000);
                made.add(strategy);
                return strategy;
            })
            .listener("collect", listener)
            .listener("gate", gate)))
        {
            for (int i = 1; i <= commands; i++)
            {
                engine.publish(ADD, 0, 0, i, longPayload(i), 0, 8);
                if (i == 1)
                {
                    assertTrue(entered.await(30, TimeUnit.SECONDS), "the gate holds the first event");
                }
                if (i == 1_000)
                {
                    // Fewer than a batch of events ready behind the gate's first: its return to them holds off.
                    listener.awaitCount(1_000, Duration.ofSeconds(30));
                    release.countDown();
                }
            }
            listener.awaitCount(commands, Duration.ofSeconds(30));
        }
        assertEquals((long)commands * (commands + 1) / 2, sm.total());
        final List<CollectingListener.Seen> seen = listener.events();
        assertEquals(commands, seen.size());
        for (int i = 0; i < commands; i++)
        {
            final long n = i + 1;
            assertEquals(n, seen.get(i).position(), "gap-free and in order");
            assertEquals(n * (n + 1) / 2, seen.get(i).value(), "each command's total, so applied in order, once");
        }
        assertTrue(made.stream().mapToLong(ParkingWaitStrategy::holds).sum() > 0, "stages held off: " + made);
    }

    private static RingBuffer<long[]> ring(final ParkingWaitStrategy strategy)
    {
        return RingBuffer.createMultiProducer(() -> new long[1], 1024, strategy);
    }

    private static void publish(final RingBuffer<long[]> ring, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            ring.publish(ring.next());
        }
    }

    private static CompletableFuture<Long> waitInThread(final SequenceBarrier barrier, final long sequence)
    {
        return new Waiter(barrier, sequence).future;
    }

    /** A consumer asking for sequence 0 of an empty ring, once it has parked. */
    private static Waiter parkedWaiter(final SequenceBarrier barrier) throws Exception
    {
        final Waiter waiter = new Waiter(barrier, 0);
        awaitCondition(() -> waiter.getState() == Thread.State.TIMED_WAITING, "the consumer parks: nothing is ready");
        return waiter;
    }

    private static void awaitCondition(final BooleanSupplier condition, final String what) throws Exception
    {
        CollectingListener.await(condition, Duration.ofSeconds(30), what);
    }

    /**
     * A consumer on a thread of its own (never a shared pool, which a hold that runs on would starve), asking
     * the barrier for a sequence as a BatchEventProcessor does: again whenever it is handed less.
     */
    private static final class Waiter extends Thread
    {
        private final CompletableFuture<Long> future = new CompletableFuture<>();
        private final SequenceBarrier barrier;
        private final long sequence;
        private final AtomicInteger emptyReturns = new AtomicInteger();

        Waiter(final SequenceBarrier barrier, final long sequence)
        {
            super("parking-wait-strategy-test-consumer");
            this.barrier = barrier;
            this.sequence = sequence;
            setDaemon(true);
            start();
        }

        @Override
        public void run()
        {
            try
            {
                long available;
                while ((available = barrier.waitFor(sequence)) < sequence)
                {
                    emptyReturns.getAndIncrement();
                }
                future.complete(available);
            }
            catch (final Throwable ex)
            {
                future.completeExceptionally(ex);
            }
        }

        int emptyReturns()
        {
            return emptyReturns.get();
        }

        long result() throws Exception
        {
            return future.get();
        }
    }
}
