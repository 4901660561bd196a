package io.ringlog.core.engine;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.WaitStrategy;
import io.ringlog.core.Command;
import io.ringlog.core.EngineHaltedException;
import io.ringlog.core.CommandBatch;
import io.ringlog.core.FollowerIntake;
import io.ringlog.core.SystemCommands;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Where commands enter the input ring: a leader assigns each its position ({@code basePosition +
 * sequence}) and ingress timestamp; a follower takes both from its leader and only checks the
 * position is the next one. Producers wait on a full ring with an Agrona {@link IdleStrategy}, one
 * per producer thread, made on first need.
 *
 * <h2>Close loses nothing accepted</h2>
 * A publisher claims its slot first and then reads the engine's state; {@code close()} writes the
 * state first and then reads the ring's cursor. Both are volatile, so either the publisher sees the
 * engine closed (and publishes its slot void, and throws: not accepted), or close sees the claim (and
 * drains it). No shared counter is written on the publish path.
 * <p>
 * A single publisher ({@code EngineContext.singlePublisher}) claims on a single-producer ring, which moves no
 * shared cursor until the publish. So it announces the claim ({@link #announced}, a volatile store) before it
 * reads the state, and close reads the announcement after writing the state: the same two orders, on another
 * field. The publisher is the first thread that publishes; any other is refused. Its claims go out in the order
 * made, so a {@link CommandBatch} claim must be published before anything else is claimed.
 * <p>
 * A claim made while the engine was open and published after close began is drained by close until its
 * closeTimeout, halted or not. One published later still (its publisher held up past the timeout, or a
 * {@link CommandBatch} published after close) may not be journaled: the publisher reads whether close has abandoned
 * the stages after its publish, and if so waits for them to stop and asks the journal, and throws where its command
 * is not there, rather than return a position that the next start gives to another command. (Close abandons a
 * closeTimeout or more before it gives up on a claim, so a publish it misses sees the abandon; the slot's release
 * store and this read may pass each other only where close gives up at once, and close's own report names the claim.)
 */
public final class Intake
{
    private static final UnsafeBuffer EMPTY = new UnsafeBuffer(new byte[0]);
    private static final VarHandle PUBLISHER;

    static
    {
        try
        {
            PUBLISHER = MethodHandles.lookup().findVarHandle(Intake.class, "publisher", Thread.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final RingBuffer<Command> ring;
    private final EngineStatus status;
    private final EpochNanoClock clock;
    private final int maxPayloadLength;
    private final long basePosition;
    private final ThreadLocal<IdleStrategy> idleStrategies;
    private final Follower follower;
    private final Counters counters;
    private volatile boolean leader;
    /** Set before {@link #leader} is cleared, read after it was read false. */
    private boolean readOnlyJournal;
    private String promotedBy;
    private BooleanSupplier promoting;
    /** A single publisher's last claim, announced before it reads the state; null where publishers CAS their claims. */
    private final Sequence announced;
    /** The single publisher: the first thread that published. */
    private volatile Thread publisher;
    /** A single publisher's CommandBatch claimed and not yet published; read and written on that thread only. */
    private long openBatchPosition = -1;
    /** The input ring's wait strategy: a batch publish wakes with a fence where its publishes have none (ParkingWaitStrategy). */
    private final WaitStrategy inputWait;
    /** The journal's last committed position, readable from any thread: asked after a publish that close abandoned. */
    private final LongSupplier journaled;

    /**
     * @param basePosition the position of ring sequence 0: the journal's last position at launch, plus one.
     * @param follower     whether commands come through {@link #follower()} until {@link #promote()}.
     * @param counters     where the slots it publishes void are counted ({@link Counters#voided}).
     * @param announced    for a single publisher on a single-producer ring, where it announces its claims (the
     *                     ring's wait strategy reads it too); null for a multi-producer ring.
     * @param inputWait    the input ring's wait strategy.
     * @param journaled    the journal's last committed position ({@code Journal.lastPosition}).
     */
    public Intake(
        final RingBuffer<Command> ring,
        final EngineStatus status,
        final EpochNanoClock clock,
        final int maxPayloadLength,
        final long basePosition,
        final Supplier<IdleStrategy> idleStrategy,
        final boolean follower,
        final Counters counters,
        final Sequence announced,
        final WaitStrategy inputWait,
        final LongSupplier journaled)
    {
        if (announced != null && follower)
        {
            throw new IllegalArgumentException("a follower has two publishers: its leader's, then its own");
        }
        this.announced = announced;
        this.inputWait = inputWait;
        this.journaled = journaled;
        this.counters = counters;
        this.ring = ring;
        this.status = status;
        this.clock = clock;
        this.maxPayloadLength = maxPayloadLength;
        this.basePosition = basePosition;
        this.idleStrategies = ThreadLocal.withInitial(idleStrategy);
        this.follower = follower ? new Follower() : null;
        this.leader = !follower;
    }

    /**
     * Refuses {@link #promote()} and {@link #promote(long)} unless {@code promoting} says {@code owner}
     * is promoting now (see {@code EngineContext.promotedBy}); a null owner leaves promotion to anyone.
     */
    public void promotedBy(final String owner, final BooleanSupplier promoting)
    {
        this.promotedBy = owner;
        this.promoting = promoting;
    }

    /**
     * The engine replays a read-only journal (a replay, a tool): it takes no command. A newcomer's finding: publish
     * accepted one, and the journal's refusal to append it then halted the engine.
     */
    public void readOnlyJournal()
    {
        this.readOnlyJournal = true;
        this.leader = false;   // the volatile write publishes the flag above to every publisher
    }

    /** Position of ring sequence 0. */
    public long basePosition()
    {
        return basePosition;
    }

    /** Position the next command will get, as of now: after every claim, published or not. */
    public long nextPosition()
    {
        return basePosition + lastClaimed() + 1;
    }

    /**
     * The last sequence claimed, published or not: what close must see drained. The cursor of a multi-producer ring;
     * for a single publisher, its announcement when that is ahead.
     */
    public long lastClaimed()
    {
        final long cursor = ring.getCursor();
        return announced == null ? cursor : Math.max(cursor, announced.get());
    }

    /**
     * Publishes one command, waiting while the ring is full when {@code wait}; returns its position,
     * or -1 if it did not wait and the ring was full.
     */
    public long publish(
        final int type,
        final int version,
        final long sourceId,
        final long sourceSequence,
        final long correlationId,
        final DirectBuffer payload,
        final int offset,
        final int length,
        final boolean wait)
    {
        checkLeader();
        checkCommand(type, sourceId, sourceSequence, payload, offset, length);
        return publish0(type, version, sourceId, sourceSequence, correlationId, payload, offset, length, wait);
    }

    /** Publishes one of the engine's own commands (a snapshot request), waiting for room. */
    public long publishSystem(final int type)
    {
        checkLeader();
        return publish0(type, 1, 0, 0, 0, EMPTY, 0, 0, true);
    }

    /**
     * Ends follower mode and publishes the {@link SystemCommands#EPOCH} command as the first command
     * of the new leader, before any producer can: returns its position.
     */
    public long promote(final long epoch)
    {
        checkPromotable();
        if (leader)
        {
            throw new IllegalStateException(status.name() + " was promoted already");
        }
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[SystemCommands.EPOCH_LENGTH]);
        payload.putLong(0, epoch, ByteOrder.LITTLE_ENDIAN);
        follower.promoted = true;
        // Publishers are refused until leader is set, so the epoch command is the leader's first.
        final long position = publish0(SystemCommands.EPOCH, 1, 0, 0, 0, payload, 0, SystemCommands.EPOCH_LENGTH, true);
        leader = true;
        return position;
    }

    private long publish0(
        final int type,
        final int version,
        final long sourceId,
        final long sourceSequence,
        final long correlationId,
        final DirectBuffer payload,
        final int offset,
        final int length,
        final boolean wait)
    {
        final long sequence = claim(1, wait);
        if (sequence < 0)
        {
            return -1;
        }
        final long position = basePosition + sequence;
        final Command slot = ring.get(sequence);
        boolean filled = false;
        try
        {
            slot.set(position, clock.nanoTime(), type, version, sourceId, sourceSequence, correlationId, payload, offset,
                length);
            filled = true;
        }
        finally
        {
            // Whatever the clock or the payload's buffer threw (checked ones too): a claim is always published, void if
            // not filled. Unpublished, it would stall every stage; on a single publisher's ring the next publish would
            // pass it and the slot's last lap would be applied as a command.
            if (!filled)
            {
                voidSlot(slot, position, correlationId);
                counters.voided.getAndIncrement();
            }
            ring.publish(sequence);
        }
        checkJournaledIfAbandoned(position, position);
        return position;
    }

    /**
     * After a publish: where close has abandoned the stages (see the class comment), waits for them to stop and throws
     * unless the journal holds {@code first..last}. A stage thread (the logic's, an inline or threaded listener's)
     * cannot wait, as close waits for it, nor know yet (close may still be journaling it: a reviewer's listener was
     * told "not journaled" of a position close then journaled): it is told nothing, as before this check.
     */
    private void checkJournaledIfAbandoned(final long first, final long last)
    {
        if (!status.abandoning() || status.onLogicThread() || status.onListenerThread() != null)
        {
            return;
        }
        final IdleStrategy idle = new BackoffIdleStrategy(64, 64, 1_000, 1_000_000);
        while (!status.areStagesStopped())
        {
            idle.idle();
        }
        final long journaledTo = journaled.getAsLong();
        if (journaledTo >= last)
        {
            return;
        }
        if (status.stagesStuck() && !status.haltStopsJournal())
        {
            // The journal is left open under a stuck thread, which may yet journal these (a reviewer's stuck commit did).
            throw new IllegalStateException(status.name() + " closed with a thread stuck before " + (first == last ?
                "position " + first : "positions " + first + ".." + last) + " could be journaled: the journal is left " +
                "open, and " + (first == last ? "it" : "they") + " may yet be journaled once that thread returns (close() " +
                "said which); once close() again succeeds, the journal's last position says");
        }
        final String positions = first == last ? "position " + first : journaledTo >= first ?
            "positions " + (journaledTo + 1) + ".." + last + " (of " + first + ".." + last + ")" : "positions " + first +
            ".." + last;
        final String lost = ": " + (first == last ? "it is" : "they are") + " not journaled, and a start on the journal " +
            "gives " + (first == last ? "that position" : "those positions") + " to other commands";
        final Throwable cause = status.failure();
        if (cause != null)
        {
            throw new EngineHaltedException(status.name() + " halted and closed before " + positions + " could be " +
                "journaled" + lost + "; the halt: " + cause.getMessage(), cause);
        }
        throw new IllegalStateException(status.name() + " closed before " + positions + " could be journaled: close() " +
            "gave up waiting for this publish after its closeTimeout" + lost);
    }

    /**
     * Claims {@code count} slots and returns the last sequence, or -1 if not waiting and the ring is full.
     * Checks the engine's state after the claim (see the class comment): a claim made after close is
     * published void, and the publisher is told.
     */
    private long claim(final int count, final boolean wait)
    {
        status.checkOpen();
        if (announced != null)
        {
            checkSinglePublisher();
        }
        long hi;
        try
        {
            hi = ring.tryNext(count);
        }
        catch (final InsufficientCapacityException full)
        {
            if (!wait)
            {
                return -1;
            }
            hi = awaitRoom(count);
        }
        if (announced != null)
        {
            // Volatile: the store is ordered before the state's read below, as a multi-producer claim's CAS is.
            announced.setVolatile(hi);
        }
        if (!status.open())
        {
            final long lo = hi - count + 1;
            for (long s = lo; s <= hi; s++)
            {
                voidSlot(ring.get(s), basePosition + s, 0);
            }
            counters.voided.getAndAdd(count);
            ring.publish(lo, hi);
            status.checkOpen();
        }
        return hi;
    }

    /**
     * Binds the single publisher to the first thread that publishes, and refuses any other: a second thread on a
     * single-producer ring would claim the same slots. Refuses a claim while this thread's CommandBatch holds one.
     */
    private void checkSinglePublisher()
    {
        final Thread current = Thread.currentThread();
        final Thread bound = publisher;
        if (bound != current && !(bound == null && PUBLISHER.compareAndSet(this, null, current)))
        {
            throw new IllegalStateException(status.name() + " was launched with singlePublisher(true), and thread '" +
                publisher.getName() + "' publishes to it: this is thread '" + current.getName() + "'. Hand the " +
                "command to that thread, or launch without singlePublisher (any thread may then publish)");
        }
        if (openBatchPosition >= 0)
        {
            throw new IllegalStateException("a single publisher's claims are published in the order made: publish() " +
                "the CommandBatch claimed at position " + openBatchPosition + " before claiming anything else");
        }
    }

    private long awaitRoom(final int count)
    {
        if (status.onLogicThread())
        {
            // Only this thread frees slots: waiting here would wait forever.
            throw new IllegalStateException("the input ring is full and this publish comes from the business-logic " +
                "thread (an inline listener?), the only thread that can make room: it would wait for itself " +
                "forever; use tryPublish there, which returns false when the ring is full");
        }
        final String listener = status.onListenerThread();
        if (listener != null)
        {
            // The business logic may be waiting for this very listener to take events (the output ring full), and
            // then it frees no slot of the input ring: both would wait forever, and nothing would say so.
            throw new IllegalStateException("the input ring is full and this publish comes from the thread of listener '" +
                listener + "', which the business logic may be waiting for (once the output ring is full), and then " +
                "no slot frees: both would wait forever; use tryPublish there, which returns false when the ring is " +
                "full, and keep what did not fit for the next event (or hand it to a thread of your own to publish)");
        }
        final IdleStrategy idle = idleStrategies.get();
        idle.reset();
        while (true)
        {
            status.checkOpen();
            idle.idle();
            try
            {
                return ring.tryNext(count);
            }
            catch (final InsufficientCapacityException stillFull)
            {
                // keep waiting: back-pressure, never a drop
            }
        }
    }

    /** Fills a slot as a void command; the caller adds the slots it voided to {@link Counters#voided}, once. */
    private static void voidSlot(final Command slot, final long position, final long correlationId)
    {
        slot.set(position, 0, SystemCommands.VOID, 1, 0, 0, correlationId, EMPTY, 0, 0);
    }

    private void checkLeader()
    {
        if (!leader)
        {
            if (readOnlyJournal)
            {
                throw readOnly("; launch on a writable journal to publish");
            }
            throw new IllegalStateException(status.name() + " is a follower: its commands come " + (promotedBy == null ?
                "through its FollowerIntake until promote()" : "from its leader until " + promotedBy + " promotes it"));
        }
    }

    /** The refusal of a command on a read-only journal, its last words {@code then}'s. */
    private IllegalStateException readOnly(final String then)
    {
        return new IllegalStateException(status.name() + " runs on a read-only journal (ReadOnlyJournal, or a journal " +
            "opened read-only): it replays it and takes no commands" + then);
    }

    private void checkPromotable()
    {
        if (readOnlyJournal)
        {
            throw new IllegalStateException(status.name() + " runs on a read-only journal: it cannot be promoted to take " +
                "commands");
        }
        if (follower == null)
        {
            throw new IllegalStateException(status.name() + " was not launched as a follower");
        }
        if (promotedBy != null && !promoting.getAsBoolean())
        {
            // Promoted behind its owner's back, a standby would sequence its own commands while still following.
            throw new IllegalStateException(status.name() + " is promoted by " + promotedBy + ", not by Engine.promote(): " +
                "it must stop following its leader first");
        }
    }

    private void checkCommand(
        final int type,
        final long sourceId,
        final long sourceSequence,
        final DirectBuffer payload,
        final int offset,
        final int length)
    {
        if (type < 0)
        {
            throw new IllegalArgumentException("command type " + type + " is reserved for the engine; use 0 or above");
        }
        if (sourceId != 0 && sourceSequence < 0)
        {
            throw new IllegalArgumentException("source sequence " + sourceSequence + " of source " + sourceId +
                " is negative; sequences of a (non-zero) source start at 0 or above");
        }
        checkPayload(payload, offset, length);
    }

    private void checkPayload(final DirectBuffer payload, final int offset, final int length)
    {
        if (payload == null)
        {
            throw new IllegalArgumentException("payload must not be null (use an empty buffer and length 0)");
        }
        if (length < 0 || length > maxPayloadLength)
        {
            throw new IllegalArgumentException("payload length " + length + " outside 0.." + maxPayloadLength +
                " (maxPayloadLength)");
        }
        if (offset < 0 || (long)offset + length > payload.capacity())
        {
            throw new IllegalArgumentException("payload range [" + offset + ", " + ((long)offset + length) +
                ") is outside the buffer's capacity " + payload.capacity());
        }
    }

    /** A new batch for one producer thread. */
    public CommandBatch newBatch()
    {
        return new Batch();
    }

    /** The follower intake; only on an engine launched as a follower. */
    public FollowerIntake follower()
    {
        if (follower == null)
        {
            throw new IllegalStateException(status.name() + " was not launched as a follower");
        }
        return follower;
    }

    /**
     * Ends follower mode: from now on this engine assigns positions itself, continuing after the last
     * one its leader sent. Call it from the thread that appended, or once it has stopped.
     */
    public void promote()
    {
        checkPromotable();
        follower.promoted = true;
        leader = true;
    }

    private final class Batch implements CommandBatch
    {
        private long lo = -1;
        private long hi = -1;
        private long next;
        private long timestamp;

        @Override
        public long claim(final int count)
        {
            return claim(count, true);
        }

        @Override
        public long tryClaim(final int count)
        {
            return claim(count, false);
        }

        private long claim(final int count, final boolean wait)
        {
            checkLeader();
            if (hi >= 0)
            {
                throw new IllegalStateException("publish() the claimed batch before claiming another");
            }
            if (count < 1 || count > ring.getBufferSize())
            {
                throw new IllegalArgumentException("batch of " + count + " outside 1.." + ring.getBufferSize() +
                    " (ringSize)");
            }
            // The whole batch arrived together: one ingress time for all of it, read before the claim, so that a clock
            // that throws leaves no claim open (every stage would wait for it).
            final long stamp = clock.nanoTime();
            final long last = Intake.this.claim(count, wait);
            if (last < 0)
            {
                return -1;
            }
            hi = last;
            lo = last - count + 1;
            next = lo;
            if (announced != null)
            {
                openBatchPosition = basePosition + lo;
            }
            timestamp = stamp;
            return basePosition + lo;
        }

        @Override
        public long add(
            final int type,
            final int version,
            final long sourceId,
            final long sourceSequence,
            final long correlationId,
            final DirectBuffer payload,
            final int offset,
            final int length)
        {
            if (hi < 0 || next > hi)
            {
                throw new IllegalStateException(hi < 0 ? "claim() before add()" : "every claimed slot is filled");
            }
            checkCommand(type, sourceId, sourceSequence, payload, offset, length);
            final long position = basePosition + next;
            ring.get(next).set(position, timestamp, type, version, sourceId, sourceSequence, correlationId, payload,
                offset, length);
            next++;
            return position;
        }

        @Override
        public void publish()
        {
            if (hi < 0)
            {
                return;
            }
            for (long s = next; s <= hi; s++)
            {
                voidSlot(ring.get(s), basePosition + s, 0);
            }
            if (next <= hi)
            {
                counters.voided.getAndAdd(hi - next + 1);
            }
            ring.publish(lo, hi);
            final long first = basePosition + lo;
            final long last = basePosition + hi;
            lo = -1;
            hi = -1;
            if (announced != null)
            {
                openBatchPosition = -1;
            }
            if (inputWait instanceof ParkingWaitStrategy && ((ParkingWaitStrategy)inputWait).skipsPublishFence())
            {
                // A stage may have parked, timed, on the open claim, and the publish's own signal has no fence here.
                ParkingWaitStrategy.signalMoved(inputWait);
            }
            checkJournaledIfAbandoned(first, last);
        }

        @Override
        public int remaining()
        {
            return hi < 0 ? 0 : (int)(hi - next + 1);
        }
    }

    private final class Follower implements FollowerIntake
    {
        private volatile boolean promoted;

        @Override
        public long nextPosition()
        {
            return Intake.this.nextPosition();
        }

        @Override
        public long append(
            final long position,
            final long timestamp,
            final int type,
            final int version,
            final long sourceId,
            final long sourceSequence,
            final long correlationId,
            final DirectBuffer payload,
            final int offset,
            final int length)
        {
            return append0(position, timestamp, type, version, sourceId, sourceSequence, correlationId, payload, offset,
                length, true);
        }

        @Override
        public long tryAppend(
            final long position,
            final long timestamp,
            final int type,
            final int version,
            final long sourceId,
            final long sourceSequence,
            final long correlationId,
            final DirectBuffer payload,
            final int offset,
            final int length)
        {
            return append0(position, timestamp, type, version, sourceId, sourceSequence, correlationId, payload, offset,
                length, false);
        }

        private long append0(
            final long position,
            final long timestamp,
            final int type,
            final int version,
            final long sourceId,
            final long sourceSequence,
            final long correlationId,
            final DirectBuffer payload,
            final int offset,
            final int length,
            final boolean wait)
        {
            if (promoted)
            {
                throw new IllegalStateException(status.name() + " was promoted: it sequences its own commands now");
            }
            if (!leader && readOnlyJournal)
            {
                // leader read first: its volatile write published the flag (readOnlyJournal()).
                throw readOnly(", its leader's neither; launch on a writable journal to follow");
            }
            if (position < 1)
            {
                // Not an old command: no journal has such a position. A decoder or a caller got it wrong.
                throw new IllegalArgumentException("position " + position + " is not a journal position: positions start at 1");
            }
            // One appending thread, so the cursor only moves here: the next position is exact.
            final long expected = Intake.this.nextPosition();
            if (position < expected)
            {
                return DUPLICATE;
            }
            if (position > expected)
            {
                return GAP;
            }
            checkPayload(payload, offset, length);
            final long sequence = claim(1, wait);
            if (sequence < 0)
            {
                return BACK_PRESSURED;
            }
            final Command slot = ring.get(sequence);
            boolean filled = false;
            try
            {
                slot.set(position, timestamp, type, version, sourceId, sourceSequence, correlationId, payload, offset,
                    length);
                filled = true;
            }
            finally
            {
                if (!filled)
                {
                    voidSlot(slot, position, correlationId);
                    counters.voided.getAndIncrement();
                }
                ring.publish(sequence);
            }
            checkJournaledIfAbandoned(position, position);
            return position;
        }
    }
}
