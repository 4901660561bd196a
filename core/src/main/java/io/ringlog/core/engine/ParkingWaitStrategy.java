package io.ringlog.core.engine;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;

import java.lang.invoke.VarHandle;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * A Disruptor wait strategy for machines with fewer cores than threads: spin briefly, yield a few
 * times, then park. A parked consumer costs nothing, and a producer pays for waking it only when
 * one is parked: {@link #signalAllWhenBlocking()} is one volatile read otherwise, and a fence before it only where
 * no fence comes earlier in the publish (below), where a lock-based strategy takes a monitor on every publish.
 * <p>
 * A consumer counts itself in {@code parked} and then re-reads the sequence it waits for; a producer
 * publishes and then reads {@code parked}, after a full fence. So either the producer sees the consumer parked and
 * unparks it, or the consumer sees the new sequence and does not park. The Disruptor publishes with release stores,
 * which are no fence, so the fence is the strategy's own unless the engine says one comes earlier: on a
 * multi-producer ring ({@link #publishersClaimOnCursor}), the claim is an atomic update of the cursor (which counts
 * claims; a CAS, or {@code next()}'s {@code getAndAdd}) and
 * comes before the publish's read of {@code parked}, so the consumer of that cursor, about to park, re-reads the
 * cursor. Until then it does not read the cursor at all: it waits on the flag the Disruptor sets in each slot it
 * publishes, and takes the run of published slots from the one it waits for. A cursor the consumer kept reading would
 * be a line each publisher's CAS has to fetch back from the consumer's core first, the publish's costliest step on the
 * 2-core VM (bench/README.md). Stages whose progress is not a publish (a journal stage that a
 * logic stage waits for) signal when they move, always with a fence; anything else is caught by a bounded park.
 * <p>
 * <b>Batching</b> ({@link #batching}, {@code WaitStrategies.BATCHING}) trades latency for throughput
 * when a consumer keeps pace with its producer one entry at a time. A consumer that has just
 * finished a batch and finds fewer than {@code batch} entries ready holds off for at least
 * {@code batchDelayNanos}, yielding and not looking at the sequence, then takes all that is ready (a
 * yield that hands the core to another thread can stretch the hold to a scheduler time slice).
 * Without it, such a consumer reads each entry's cache lines (the slot, its availability flag, the
 * cursor) as the producer writes them, and the producer's next publish waits for those lines to come
 * back from the consumer's core: on the 2-core VM this engine is measured on, that holds a pipeline
 * of trivial commands at half of what it reaches with its consumers a batch behind (bench/README.md,
 * "Batching"). A consumer that had to wait for work (nothing was ready when it came back) takes the
 * first entry the moment it comes, so a quiet engine answers as fast as with plain parking; the
 * delay is paid by entries that arrive while their consumer is busy, once at each stage that uses
 * the strategy (in PIPELINED the journal, replication and logic stages, and each listener thread).
 * On a multi-producer ring "ready" counts claimed slots, some perhaps not yet published, unless the engine said
 * its publishers claim on the cursor (then published slots, as above).
 * <p>
 * <b>A single publisher</b> ({@code EngineContext.singlePublisher}) announces each claim (a volatile store, so a
 * fence) before it publishes, and {@link #publisherAnnounces} hands this strategy the announcement: the consumer
 * of the ring's cursor then re-reads the announcement, not the cursor, after counting itself parked, and the
 * publish's own signal needs no fence of its own, since the announcement's is ahead of its read of
 * {@code parked}. Either the publisher sees the consumer parked, or the consumer sees the claim coming and does not
 * park; it waits for that publish by yielding, then, if the claim stays open (a {@code CommandBatch} being filled),
 * in timed parks that double up to the bounded park, and a batch's publish signals with a fence. A multi-producer
 * ring's cursor consumer waits for a claim it sees the same way, and its batch publishes signal with a fence too. A
 * stage's progress still signals with a fence ({@link #signalMoved}). Either way, an instance whose publishes skip
 * their fence serves one ring: the engine says which rings each instance serves ({@link #serves}), and asks for
 * either only on an instance that serves its input ring alone.
 */
public final class ParkingWaitStrategy implements WaitStrategy
{
    /** A consumer waiting on a sequence nobody signals (a dependent stage) looks again after this long. */
    private static final long MAX_PARK_NANOS = 1_000_000;
    /** Yields on a claim announced and not yet published before the consumer parks for it (timed, doubling). */
    private static final int ANNOUNCED_YIELDS = 64;
    private static final long ANNOUNCED_FIRST_PARK_NANOS = 2_000;
    /**
     * The longest of those parks: a single publish's signal has no fence, so one that raced the park can miss it, and
     * then the stage wakes by itself this soon (a batch's publish signals with a fence).
     */
    private static final long ANNOUNCED_MAX_PARK_NANOS = 50_000;
    /** The most slots a multi-producer ring's cursor consumer reads the flags of for one batch, for batches below it. */
    private static final int MAX_SCAN = 1024;

    /** Where in {@link #holds} the count lies: 64 bytes past the array's header, off the line of {@link #parked}. */
    private static final int HOLDS_INDEX = 8;
    /** Beside it: times a consumer about to park found a claim (announced, or on the cursor) not yet published. */
    private static final int ANNOUNCED_INDEX = 9;

    private final int spins;
    private final int yields;
    private final int batch;
    private final long batchDelayNanos;
    private final LongSupplier nanoClock;
    private final long maxParkNanos;
    private final AtomicInteger parked = new AtomicInteger();
    /** Every publish reads {@link #parked}; the count written by each hold stays off that cache line. */
    private final AtomicLongArray holds = new AtomicLongArray(2 * HOLDS_INDEX);
    /**
     * Per consumer thread, the sequence it last asked for and was handed after waiting (batching only): a
     * multi-producer ring's cursor counts claimed slots, so a consumer can wake to a claim whose publish is
     * still to come, and then ask for the same sequence again at once. That second ask finds work "ready"
     * but is still the idle consumer's, and must not hold. (Not so for the cursor's consumer where
     * {@link #publishersClaimOnCursor} took effect: it waits for published slots.) Then, for the claim it waits for
     * unpublished, that sequence and how often it has looked.
     */
    private final ThreadLocal<long[]> woken = ThreadLocal.withInitial(() -> new long[] {Long.MIN_VALUE, Long.MIN_VALUE, 0});
    private volatile Thread[] consumers = new Thread[0];
    /** The single publisher's last announced claim, or null where publishers claim with a CAS (multi-producer). */
    private volatile Sequence announced;
    /**
     * Whether a publish fences before it reads {@link #parked}: not where the engine said a fence ahead of it serves
     * ({@link #publisherAnnounces}, {@link #publishersClaimOnCursor}).
     */
    private volatile boolean fenceOnPublish = true;
    /**
     * The multi-producer ring whose cursor consumer waits on its slots' flags ({@link #publishersClaimOnCursor}), or
     * null.
     */
    private volatile RingBuffer<?> claimRing;
    /**
     * The rings said to wait with this instance ({@link #serves}), by identity (a ring has no equals of its own), held
     * weakly: an instance shared by engine after engine keeps none of their rings alive. Guarded by this.
     */
    private final Set<RingBuffer<?>> servedRings =
        Collections.newSetFromMap(new WeakHashMap<>());
    /** The most slots a multi-producer ring's cursor consumer reads the flags of for one batch: at least a batch. */
    private final int maxScan;

    /**
     * @param spins  busy-wait iterations ({@code Thread.onSpinWait()}) before yielding.
     * @param yields {@code Thread.yield()} calls before parking.
     */
    public ParkingWaitStrategy(final int spins, final int yields)
    {
        this(spins, yields, 1, 0, System::nanoTime);
    }

    /** With the clock the batch delay is timed by: {@code System::nanoTime} but in tests. */
    ParkingWaitStrategy(
        final int spins, final int yields, final int batch, final long batchDelayNanos, final LongSupplier nanoClock)
    {
        this(spins, yields, batch, batchDelayNanos, nanoClock, MAX_PARK_NANOS);
    }

    /**
     * With the bounded park's length too: tests make it long, so that a wake-up a publish missed hangs the test
     * instead of costing a millisecond nobody sees.
     */
    ParkingWaitStrategy(final int spins, final int yields, final int batch, final long batchDelayNanos,
        final LongSupplier nanoClock, final long maxParkNanos)
    {
        if (spins < 0 || yields < 0)
        {
            throw new IllegalArgumentException("spins and yields must not be negative: " + spins + ", " + yields);
        }
        if (batch < 1 || batchDelayNanos < 0)
        {
            throw new IllegalArgumentException(
                "batch must be at least 1 and batchDelayNanos not negative: " + batch + ", " + batchDelayNanos);
        }
        this.spins = spins;
        this.yields = yields;
        this.batch = batch;
        this.batchDelayNanos = batchDelayNanos;
        this.nanoClock = nanoClock;
        this.maxParkNanos = maxParkNanos;
        this.maxScan = Math.max(MAX_SCAN, batch);
    }

    /**
     * Parking that holds off for a batch (see the class comment): a consumer that comes back from a batch
     * and finds fewer than {@code batch} entries ready waits at least {@code batchDelayNanos} before taking them.
     *
     * @param spins           busy-wait iterations ({@code Thread.onSpinWait()}) before yielding.
     * @param yields          {@code Thread.yield()} calls before parking.
     * @param batch           entries ready at which a consumer goes on at once; at least 1 (1 never holds off),
     *                        and well below the ring's size: an engine refuses to launch on rings that cannot
     *                        hold two batches, where nearly every batch would wait the delay.
     * @param batchDelayNanos the least a consumer that found fewer holds off; not negative.
     */
    public static ParkingWaitStrategy batching(
        final int spins, final int yields, final int batch, final long batchDelayNanos)
    {
        return new ParkingWaitStrategy(spins, yields, batch, batchDelayNanos, System::nanoTime);
    }

    @Override
    public long waitFor(final long sequence, final Sequence cursor, final Sequence dependentSequence,
        final SequenceBarrier barrier) throws AlertException
    {
        // The consumer of a multi-producer ring's cursor looks at the slots' flags, not at the cursor (see the class
        // comment); every other consumer at the sequence it waits for.
        final RingBuffer<?> flags = dependentSequence == cursor ? claimRing : null;
        long available = ready(flags, sequence, dependentSequence);
        if (available >= sequence)
        {
            // Work was ready as this consumer came back for it: it keeps pace with a busy producer, unless it
            // is back for the sequence it was just woken for (a claim that was not yet a publish).
            return available - sequence + 1 < batch && woken.get()[0] != sequence ?
                holdForBatch(flags, sequence, dependentSequence, barrier) : available;
        }
        int counter = 0;
        do
        {
            barrier.checkAlert();
            if (counter < spins)
            {
                Thread.onSpinWait();
                counter++;
            }
            else if (counter < spins + yields)
            {
                Thread.yield();
                counter++;
            }
            else
            {
                park(sequence, cursor, dependentSequence, flags, barrier);
            }
        }
        while ((available = ready(flags, sequence, dependentSequence)) < sequence);
        if (batch > 1)
        {
            woken.get()[0] = sequence;
        }
        return available;
    }

    /**
     * The last sequence ready from {@code sequence} on, or less than it when none is: the dependent sequence, or where
     * {@code flags} is a multi-producer ring, the last of the run of published slots from {@code sequence} (at most
     * {@link #maxScan} of them, so at least a batch), read from their flags.
     */
    private long ready(final RingBuffer<?> flags, final long sequence, final Sequence dependentSequence)
    {
        if (flags == null)
        {
            return dependentSequence.get();
        }
        long last = sequence - 1;
        final long end = sequence + maxScan;
        while (last + 1 < end && flags.isAvailable(last + 1))
        {
            last++;
        }
        return last;
    }

    /**
     * Holds off for the batch delay without reading the sequence (each read would pull its line back from
     * the producer's core while the producer writes it), then returns what is ready. It yields meanwhile,
     * so on a machine with fewer cores than threads the producer it waits for can have this core.
     */
    private long holdForBatch(final RingBuffer<?> flags, final long sequence, final Sequence dependentSequence,
        final SequenceBarrier barrier) throws AlertException
    {
        final long start = nanoClock.getAsLong();
        holds.getAndIncrement(HOLDS_INDEX);
        do
        {
            barrier.checkAlert();
            Thread.yield();
        }
        while (nanoClock.getAsLong() - start < batchDelayNanos);
        return ready(flags, sequence, dependentSequence);
    }

    /**
     * Says that {@code ring} waits with this instance. An engine says so for each of its rings before it starts them,
     * and before it calls {@link #publisherAnnounces} or {@link #publishersClaimOnCursor}, which take effect only on an
     * instance that serves one ring.
     *
     * @throws IllegalStateException where this instance's publishes skip their fence for another ring: that ring's
     *                               consumers wait on something only its own publishers keep.
     */
    public synchronized void serves(final RingBuffer<?> ring)
    {
        if (!servedRings.contains(ring))
        {
            if (!fenceOnPublish)
            {
                throw new IllegalStateException("this wait strategy serves another ring already, whose publishes skip " +
                    "a fence this ring's need: make one per ring (a waitStrategy supplier that returns a new instance " +
                    "from each get(), as WaitStrategies does)");
            }
            servedRings.add(ring);
        }
    }

    /**
     * For {@code ring}, a single-producer ring whose publisher stores each claim in {@code announced} (volatile) before
     * it fills and publishes it (see the class comment). Set before the ring's consumers start. Returns whether it took
     * effect: not where this instance serves another ring too, or other consumers have parked on it (its publishes then
     * keep their fence, and its consumers read the cursor).
     */
    public synchronized boolean publisherAnnounces(final RingBuffer<?> ring, final Sequence announced)
    {
        if (!servesOnly(ring))
        {
            return false;
        }
        this.announced = announced;
        this.fenceOnPublish = false;
        return true;
    }

    /**
     * For {@code ring}, a multi-producer ring: every claim is an atomic update of its cursor (a CAS, or
     * {@code getAndAdd} in {@code next()}), a fence ahead of the publish's read of {@code parked}, and the consumer of
     * the cursor waits on the slots' flags, reading the cursor only to decide whether to park (see the class comment).
     * Set before the ring's consumers start. Returns whether it took effect, as {@link #publisherAnnounces} does.
     */
    public synchronized boolean publishersClaimOnCursor(final RingBuffer<?> ring)
    {
        if (!servesOnly(ring))
        {
            return false;
        }
        this.claimRing = ring;
        this.fenceOnPublish = false;
        return true;
    }

    /** Whether {@code ring} is the one ring this instance serves, and nothing has parked on it yet. */
    private boolean servesOnly(final RingBuffer<?> ring)
    {
        serves(ring);
        return fenceOnPublish && servedRings.size() == 1 && consumers.length == 0;
    }

    /** Whether a single publisher's ring uses this instance ({@link #publisherAnnounces}). */
    public boolean announced()
    {
        return announced != null;
    }

    /**
     * Whether this instance's publishes skip their fence ({@link #publisherAnnounces}, {@link #publishersClaimOnCursor}):
     * then no other ring may use it, and a publish whose slots a stage may have waited for long (a batch) signals with
     * {@link #signalMoved}.
     */
    public boolean skipsPublishFence()
    {
        return !fenceOnPublish;
    }

    /** Entries ready at which a consumer back from a batch goes on at once; 1 for plain parking, which never holds. */
    public int batch()
    {
        return batch;
    }

    /** The least a consumer that found fewer than {@link #batch()} entries ready holds off; 0 for plain parking. */
    public long batchDelayNanos()
    {
        return batchDelayNanos;
    }

    /** Times a consumer held off for a batch (at most one a batch delay per consumer, so the count costs nothing). */
    long holds()
    {
        return holds.get(HOLDS_INDEX);
    }

    /** Times a consumer about to park saw a claim not yet published and did not park untimed: for tests. */
    long announcedWaits()
    {
        return holds.get(ANNOUNCED_INDEX);
    }

    private void park(final long sequence, final Sequence cursor, final Sequence dependentSequence,
        final RingBuffer<?> flags, final SequenceBarrier barrier) throws AlertException
    {
        register(Thread.currentThread());
        parked.getAndIncrement();
        // The sequences below are read with acquire loads, not volatile ones: the fence orders them after the count, as
        // a publish's read of parked comes after its claim's (or announcement's) fence.
        VarHandle.fullFence();
        try
        {
            // The consumer of a ring's cursor looks at its claims: a single publisher's announcement, or a
            // multi-producer ring's cursor itself. A publish reads parked after the claim's fence, not its own.
            final Sequence claims = dependentSequence != cursor ? null : flags != null ? cursor : announced;
            if (ready(flags, sequence, dependentSequence) < sequence)
            {
                if (claims != null && claims.get() >= sequence)
                {
                    // Claimed, not yet published: a publish comes at once, maybe without a signal, so yield; a batch
                    // being filled may take long, and signals with a fence, so park, timed, doubling.
                    holds.getAndIncrement(ANNOUNCED_INDEX);
                    final long[] mine = woken.get();
                    if (mine[1] != sequence)
                    {
                        mine[1] = sequence;
                        mine[2] = 0;
                    }
                    final long waits = ++mine[2];
                    if (waits <= ANNOUNCED_YIELDS)
                    {
                        Thread.yield();
                    }
                    else
                    {
                        barrier.checkAlert();
                        LockSupport.parkNanos(this, Math.min(Math.min(maxParkNanos, ANNOUNCED_MAX_PARK_NANOS),
                            ANNOUNCED_FIRST_PARK_NANOS << Math.min(20, waits - ANNOUNCED_YIELDS - 1)));
                    }
                    return;
                }
                barrier.checkAlert();
                LockSupport.parkNanos(this, maxParkNanos);
            }
        }
        finally
        {
            parked.getAndDecrement();
        }
    }

    private void register(final Thread thread)
    {
        final Thread[] known = consumers;
        for (final Thread consumer : known)
        {
            if (consumer == thread)
            {
                return;
            }
        }
        synchronized (this)
        {
            final Thread[] now = consumers;
            for (final Thread consumer : now)
            {
                if (consumer == thread)
                {
                    return;
                }
            }
            final Thread[] grown = java.util.Arrays.copyOf(now, now.length + 1);
            grown[now.length] = thread;
            consumers = grown;
        }
    }

    /**
     * A publish: wakes any parked consumer. A fence, then a read of {@code parked}; only the read where a fence comes
     * before it (a multi-producer claim's CAS, a single publisher's announcement: see the class comment). An alert (a
     * stage halted at close) signals here too: its flag is volatile, so its store is ordered before this read without
     * the fence.
     */
    @Override
    public void signalAllWhenBlocking()
    {
        if (fenceOnPublish)
        {
            VarHandle.fullFence();
        }
        wakeParked();
    }

    /** A stage moved a sequence that another stage waits for (not a publish): always with the fence. */
    public void signalProgress()
    {
        VarHandle.fullFence();
        wakeParked();
    }

    /**
     * Tells {@code strategy}'s waiting consumers that a stage moved: {@link #signalProgress()} for this strategy, the
     * Disruptor's signal for any other.
     */
    public static void signalMoved(final WaitStrategy strategy)
    {
        if (strategy instanceof ParkingWaitStrategy)
        {
            ((ParkingWaitStrategy)strategy).signalProgress();
        }
        else
        {
            strategy.signalAllWhenBlocking();
        }
    }

    private void wakeParked()
    {
        if (parked.get() != 0)
        {
            for (final Thread consumer : consumers)
            {
                LockSupport.unpark(consumer);
            }
        }
    }

    @Override
    public String toString()
    {
        return "ParkingWaitStrategy{spins=" + spins + ", yields=" + yields +
            (batch > 1 ? ", batch=" + batch + ", batchDelayNanos=" + batchDelayNanos : "") + '}';
    }
}
