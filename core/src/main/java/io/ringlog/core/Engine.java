package io.ringlog.core;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A running pipeline: launched from an {@link EngineContext}, fed by {@code publish} and
 * {@code tryPublish} from any thread, stopped by {@link #close()}.
 * <p>
 * Launch recovers first: the newest snapshot that verifies, then the journal after it, so the
 * state machine starts where the previous run stopped and positions continue without a gap.
 * Close stops intake, lets every accepted command go through journal, business logic and
 * listeners, then closes the stages in reverse order.
 */
public final class Engine implements AutoCloseable
{
    private static final int REPLAY_PROGRESS_INTERVAL = 1 << 16;
    private static final UnsafeBuffer EMPTY = new UnsafeBuffer(new byte[0]);

    private final EngineContext ctx;
    private final ErrorHandler errorHandler;
    private final EpochNanoClock clock;
    private final RingBuffer<Command> input;
    private final RingBuffer<OutputEvent> output;
    private final BusinessLogic logic;
    private final List<BatchEventProcessor<?>> processors = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<BatchEventProcessor<OutputEvent>> listenerProcessors = new ArrayList<>();
    private final AtomicInteger activePublishers = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final EngineMetrics metrics;
    private final int maxPayloadLength;
    private Sequence journalSequence;
    private Sequence replicatorSequence;
    private Sequence logicSequence;
    private final CountDownLatch recoveryDone = new CountDownLatch(1);
    private volatile Throwable recoveryFailure;
    private volatile long basePosition;
    private volatile boolean closed;
    private volatile boolean abandoning;
    private volatile boolean stopped;

    private Engine(final EngineContext ctx)
    {
        this.ctx = ctx;
        this.errorHandler = ctx.errorHandler();
        this.clock = ctx.clock();
        this.maxPayloadLength = ctx.maxPayloadLength();
        final int maxPayload = ctx.maxPayloadLength();
        final int maxEventPayload = ctx.maxEventPayloadLength();
        this.input = RingBuffer.createMultiProducer(() -> new Command(maxPayload), ctx.ringSize(), ctx.waitStrategy().get());
        // Multi-producer although only the logic thread publishes: see RingOutput for why.
        this.output = RingBuffer.createMultiProducer(
            () -> new OutputEvent(maxEventPayload), ctx.outputRingSize(), ctx.waitStrategy().get());
        this.logic = new BusinessLogic(ctx, new RingOutput(output, maxEventPayload, this), this);
        this.metrics = new EngineMetrics(this);
    }

    /**
     * Validates the context, recovers state from the snapshot store and journal, starts the stage
     * threads and returns the running engine.
     */
    public static Engine launch(final EngineContext ctx)
    {
        ctx.conclude();
        final Engine engine = new Engine(ctx);
        try
        {
            engine.start();
        }
        catch (final RuntimeException | Error ex)
        {
            engine.abandon();
            throw ex;
        }
        return engine;
    }

    private void start()
    {
        boolean anyReplayListener = false;
        for (int i = 0; i < ctx.listeners().size(); i++)
        {
            final OutputListener listener = ctx.listeners().get(i);
            anyReplayListener |= listener.receivesReplay();
            final BatchEventProcessor<OutputEvent> processor = new BatchEventProcessorBuilder()
                .build(output, output.newBarrier(), new ListenerHandler(listener));
            processor.setExceptionHandler(new ListenerExceptionHandler(ctx.listenerNames().get(i)));
            output.addGatingSequences(processor.getSequence());
            listenerProcessors.add(processor);
            startThread(processor, ctx.name() + "-listener-" + ctx.listenerNames().get(i));
        }
        logic.replayDelivered(anyReplayListener);

        final Replicator replicator = ctx.replicator();
        final ExceptionHandler<Command> stageFailure = new StageExceptionHandler();
        if (ctx.topology() == Topology.COMPACT)
        {
            final BatchEventProcessor<Command> compact = new BatchEventProcessorBuilder()
                .build(input, input.newBarrier(), new CompactHandler(ctx.journal(), replicator));
            compact.setExceptionHandler(stageFailure);
            input.addGatingSequences(compact.getSequence());
            journalSequence = compact.getSequence();
            replicatorSequence = replicator == null ? null : compact.getSequence();
            logicSequence = compact.getSequence();
            startThread(compact, ctx.name() + "-compact");
        }
        else
        {
            final BatchEventProcessor<Command> journalProcessor = new BatchEventProcessorBuilder()
                .build(input, input.newBarrier(), new JournalHandler(ctx.journal()));
            journalProcessor.setExceptionHandler(stageFailure);
            journalSequence = journalProcessor.getSequence();

            BatchEventProcessor<Command> replicatorProcessor = null;
            if (replicator != null)
            {
                replicatorProcessor = new BatchEventProcessorBuilder()
                    .build(input, input.newBarrier(), new ReplicatorHandler(replicator));
                replicatorProcessor.setExceptionHandler(stageFailure);
                replicatorSequence = replicatorProcessor.getSequence();
            }

            final Sequence[] gates = replicator != null && replicator.synchronous() ?
                new Sequence[]{journalSequence, replicatorSequence} : new Sequence[]{journalSequence};
            final BatchEventProcessor<Command> logicProcessor = new BatchEventProcessorBuilder()
                .build(input, input.newBarrier(gates), new LogicHandler());
            logicProcessor.setExceptionHandler(stageFailure);
            logicSequence = logicProcessor.getSequence();

            if (replicatorProcessor != null && !replicator.synchronous())
            {
                input.addGatingSequences(logicSequence, replicatorSequence);
            }
            else
            {
                input.addGatingSequences(logicSequence);
            }
            startThread(journalProcessor, ctx.name() + "-journal");
            if (replicatorProcessor != null)
            {
                startThread(replicatorProcessor, ctx.name() + "-replicator");
            }
            startThread(logicProcessor, ctx.name() + "-logic");
        }
        awaitRecovery();
    }

    /**
     * Recovery runs on the business-logic thread, before it takes its first live command, so the
     * output ring keeps one producer thread for its whole life. Launch waits here for the outcome.
     */
    private void awaitRecovery()
    {
        boolean interrupted = false;
        while (true)
        {
            try
            {
                recoveryDone.await();
                break;
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
        final Throwable cause = recoveryFailure;
        if (cause instanceof RuntimeException)
        {
            throw (RuntimeException)cause;
        }
        if (cause instanceof Error)
        {
            throw (Error)cause;
        }
        if (cause != null)
        {
            throw new IllegalStateException("recovery failed", cause);
        }
    }

    /** Called by the business-logic (or compact) handler's onStart. */
    private void recoverOnLogicThread()
    {
        try
        {
            basePosition = recover() + 1;
        }
        catch (final Throwable ex)
        {
            recoveryFailure = ex;
        }
        finally
        {
            recoveryDone.countDown();
        }
    }

    /** Loads the newest verifying snapshot and replays the journal after it; returns the last position. */
    private long recover()
    {
        final long started = System.nanoTime();
        final RecoveryListener listener = ctx.recoveryListener();
        final Journal journal = ctx.journal();
        final long last = journal.lastPosition();
        long snapshotPosition = 0;

        final SnapshotStore store = ctx.snapshotStore();
        if (store != null)
        {
            for (final long position : store.positions())
            {
                if (position > last)
                {
                    skipSnapshotPastTheEnd(store, position, last, journal, listener);
                    continue;
                }
                final Snapshot snapshot;
                try
                {
                    snapshot = store.read(position);
                }
                catch (final SnapshotException ex)
                {
                    listener.onSnapshotSkipped(position, ex);
                    continue;
                }
                final String foreign = foreignTo(snapshot, journal);
                if (foreign != null)
                {
                    listener.onSnapshotSkipped(position, new SnapshotException("snapshot at position " + position +
                        " " + foreign));
                    continue;
                }
                logic.loadSnapshot(snapshot);
                snapshotPosition = position;
                listener.onSnapshotLoaded(position);
                break;
            }
        }

        long expected = snapshotPosition + 1;
        if (expected <= last)
        {
            final Command command = new Command(ctx.maxPayloadLength());
            try (JournalReader reader = journal.reader(expected))
            {
                while (expected <= last && reader.next(command))
                {
                    if (command.position() != expected)
                    {
                        throw new JournalException(expected, "gap in the journal: expected position " + expected +
                            ", found " + command.position());
                    }
                    if (!logic.apply(command, true))
                    {
                        throw new EngineHaltedException("recovery halted at position " + expected +
                            " by the error policy", failure.get());
                    }
                    if (expected % REPLAY_PROGRESS_INTERVAL == 0)
                    {
                        listener.onReplayProgress(expected, last);
                    }
                    expected++;
                }
            }
            if (expected <= last)
            {
                throw new JournalException(expected, "journal ended before its last position " + last);
            }
            listener.onReplayProgress(last, last);
        }
        listener.onRecovered(snapshotPosition, last, last - snapshotPosition, System.nanoTime() - started);
        return last;
    }

    /**
     * A snapshot past the journal's end. On a replay (a read-only journal, possibly cut at a
     * position) it is simply not for this replay. On a journal that will take new commands, a snapshot
     * of this same journal there means the journal lost entries up to at least its position, entries
     * whose events clients may have seen: starting would give new commands those positions, so
     * recovery refuses. A snapshot of another journal is just skipped.
     */
    private static void skipSnapshotPastTheEnd(
        final SnapshotStore store, final long position, final long last, final Journal journal,
        final RecoveryListener listener)
    {
        final String pastTheEnd = "snapshot at position " + position + " is past the journal's last position " + last;
        if (journal.readOnly())
        {
            listener.onSnapshotSkipped(position, new SnapshotException(pastTheEnd));
            return;
        }
        final Snapshot snapshot;
        try
        {
            snapshot = store.read(position);
        }
        catch (final SnapshotException ex)
        {
            listener.onSnapshotSkipped(position, new SnapshotException(pastTheEnd + ", and unreadable: " +
                ex.getMessage(), ex));
            return;
        }
        final JournalId id = journal.id();
        if (id.known() && snapshot.journalId().known() && !id.equals(snapshot.journalId()))
        {
            listener.onSnapshotSkipped(position, new SnapshotException(pastTheEnd + ", and was taken on journal " +
                snapshot.journalId() + ", not this one (" + id + ")"));
            return;
        }
        throw new JournalException(last + 1, "the journal ends at position " + last + ", but a snapshot of this " +
            "journal was taken at position " + position + ": entries " + (last + 1) + ".." + position + " were " +
            "committed, and clients may have seen their events, but the journal no longer has them (a cycle file " +
            "deleted or lost, or an older copy of the journal put back). Refusing to start, so those positions are " +
            "not given to new commands. Restore the missing journal files; or, to accept the loss, remove the " +
            "snapshots past position " + last + " ('journal repair --truncate-after " + last + " --snapshots DIR " +
            "--force' does it, and lowers the journal's committed mark)");
    }

    /**
     * Why a snapshot does not belong to this journal's history, or null if it does: it must name this
     * journal, and the journal's entry at its position must still have the checksum it recorded. A
     * journal restored from an older copy and written on again reuses positions with other entries;
     * their checksums differ, so a snapshot of the lost history is never applied to the new one.
     */
    private String foreignTo(final Snapshot snapshot, final Journal journal)
    {
        final JournalId id = journal.id();
        if (id.known() && !snapshot.journalId().known())
        {
            return "names no journal (written by an older ringlog, or by a store that keeps no identity): it " +
                "cannot be matched to this journal (" + id + ")";
        }
        if (id.known() && !id.equals(snapshot.journalId()))
        {
            return "was taken on journal " + snapshot.journalId() + ", not this one (" + id + ")";
        }
        if (snapshot.entryChecksum() == Snapshot.UNKNOWN)
        {
            return "has no checksum of its entry (written by an older ringlog): it cannot be matched to this journal";
        }
        final long position = snapshot.position();
        final Command entry = new Command(ctx.maxPayloadLength());
        try (JournalReader reader = journal.reader(position))
        {
            if (!reader.next(entry) || entry.position() != position)
            {
                return "has no entry at its position in this journal";
            }
        }
        catch (final JournalException ex)
        {
            return "cannot be checked against this journal, whose entry there cannot be read (" + ex.getMessage() +
                ")";
        }
        final long actual = CommandCodec.checksum(entry,
            new UnsafeBuffer(new byte[CommandCodec.HEADER_LENGTH + ctx.maxPayloadLength()]), new Crc32c()) & 0xFFFF_FFFFL;
        if (actual != snapshot.entryChecksum())
        {
            return "was taken on another history of this journal: its entry at position " + position + " had " +
                "checksum 0x" + Long.toHexString(snapshot.entryChecksum()) + ", the journal's entry there has 0x" +
                Long.toHexString(actual) + " (the journal was put back to an older copy and written on since)";
        }
        return null;
    }

    private void startThread(final BatchEventProcessor<?> processor, final String name)
    {
        processors.add(processor);
        final Thread thread = ctx.threadFactory().newThread(processor);
        thread.setName(name);
        threads.add(thread);
        thread.start();
    }

    /**
     * Publishes a command, waiting while the ring is full, and returns its position. The payload is
     * copied into a preallocated slot; nothing is allocated.
     *
     * @throws IllegalArgumentException if the type is reserved (negative), a source's sequence is negative, or the
     *                                  payload is null or larger than maxPayloadLength.
     * @throws IllegalStateException    if the engine is closed or halted.
     */
    public long publish(
        final int type,
        final int version,
        final long sourceId,
        final long sourceSequence,
        final long correlationId,
        final DirectBuffer payload,
        final int offset,
        final int length)
    {
        checkCommand(type, sourceId, sourceSequence, payload, offset, length);
        return publish0(type, version, sourceId, sourceSequence, correlationId, payload, offset, length, true);
    }

    /** {@link #publish(int, int, long, long, long, DirectBuffer, int, int)} with schema version 1. */
    public long publish(
        final int type,
        final long sourceId,
        final long sourceSequence,
        final long correlationId,
        final DirectBuffer payload,
        final int offset,
        final int length)
    {
        return publish(type, 1, sourceId, sourceSequence, correlationId, payload, offset, length);
    }

    /**
     * Publishes a command if the ring has room.
     *
     * @return false, having published nothing, when the ring is full: back-pressure, not a drop.
     * @throws IllegalStateException if the engine is closed or halted.
     */
    public boolean tryPublish(
        final int type,
        final int version,
        final long sourceId,
        final long sourceSequence,
        final long correlationId,
        final DirectBuffer payload,
        final int offset,
        final int length)
    {
        checkCommand(type, sourceId, sourceSequence, payload, offset, length);
        return publish0(type, version, sourceId, sourceSequence, correlationId, payload, offset, length, false) >= 0;
    }

    /** {@link #tryPublish(int, int, long, long, long, DirectBuffer, int, int)} with schema version 1. */
    public boolean tryPublish(
        final int type,
        final long sourceId,
        final long sourceSequence,
        final long correlationId,
        final DirectBuffer payload,
        final int offset,
        final int length)
    {
        return tryPublish(type, 1, sourceId, sourceSequence, correlationId, payload, offset, length);
    }

    /**
     * Asks for a snapshot at an exact position: a {@link SystemCommands#SNAPSHOT} command goes
     * through the ring like any other. Returns its position.
     */
    public long requestSnapshot()
    {
        return publish0(SystemCommands.SNAPSHOT, 1, 0, 0, 0, EMPTY, 0, 0, true);
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
        activePublishers.getAndIncrement();
        try
        {
            checkOpen();
            long sequence;
            int idle = 0;
            while (true)
            {
                try
                {
                    sequence = input.tryNext();
                    break;
                }
                catch (final InsufficientCapacityException ex)
                {
                    if (!wait)
                    {
                        return -1;
                    }
                    checkOpen();
                    idle = backOff(idle);
                }
            }
            final Command slot = input.get(sequence);
            final long position = basePosition + sequence;
            slot.position(position);
            try
            {
                slot.header(clock.nanoTime(), type, version, sourceId, sourceSequence, correlationId);
                slot.mutablePayload().putBytes(0, payload, offset, length);
                slot.payloadLength(length);
            }
            catch (final RuntimeException | Error ex)
            {
                // A claimed slot must be published or every stage stops at it: publish a void command.
                slot.header(0, SystemCommands.VOID, 1, 0, 0, correlationId);
                slot.payloadLength(0);
                input.publish(sequence);
                throw ex;
            }
            input.publish(sequence);
            return position;
        }
        finally
        {
            activePublishers.getAndDecrement();
        }
    }

    private void checkOpen()
    {
        final Throwable cause = failure.get();
        if (cause != null)
        {
            throw new EngineHaltedException(ctx.name() + " has halted: " + cause.getMessage(), cause);
        }
        if (closed)
        {
            throw new IllegalStateException(ctx.name() + " is closed: it takes no more commands");
        }
    }

    /** Spin a little, then yield, then park: behaves on a small machine, reacts fast on a big one. */
    static int backOff(final int idle)
    {
        if (idle < 64)
        {
            Thread.onSpinWait();
        }
        else if (idle < 128)
        {
            Thread.yield();
        }
        else
        {
            LockSupport.parkNanos(50_000);
        }
        return idle + 1;
    }

    /** Waits until business logic has applied {@code position} (or the engine halted). */
    public void awaitApplied(final long position, final long timeout, final TimeUnit unit) throws TimeoutException
    {
        final long deadline = System.nanoTime() + unit.toNanos(timeout);
        int idle = 0;
        while (logic.lastAppliedPosition.get() < position)
        {
            final Throwable cause = failure.get();
            if (cause != null)
            {
                throw new EngineHaltedException(ctx.name() + " halted before position " + position, cause);
            }
            if (System.nanoTime() > deadline)
            {
                throw new TimeoutException("position " + position + " not applied within " + timeout + " " + unit +
                    "; last applied " + logic.lastAppliedPosition.get());
            }
            idle = backOff(idle);
        }
    }

    public EngineMetrics metrics()
    {
        return metrics;
    }

    /** The failure that halted the engine, or null while it is healthy. */
    public Throwable failure()
    {
        return failure.get();
    }

    /** Position the next accepted command will get, as of now. */
    public long nextPosition()
    {
        return basePosition + input.getCursor() + 1;
    }

    /**
     * The state hash (state machine plus dedup table) after the last applied command. Read on a
     * closed engine, when the business-logic thread has stopped.
     */
    public long stateHash()
    {
        if (!stopped)
        {
            throw new IllegalStateException("stateHash() reads the business logic's state: close() the engine first");
        }
        return logic.stateHash();
    }

    /**
     * Stops intake, waits for every accepted command to be journaled, applied and delivered to the
     * listeners, then stops the threads and closes snapshot store, replicator and journal, in that
     * order. Idempotent.
     *
     * @throws EngineHaltedException if the engine had halted (the stages are closed all the same): the
     *                               message says up to which position commands were accepted and applied.
     */
    @Override
    public synchronized void close()
    {
        if (stopped)
        {
            return;
        }
        if (threads.contains(Thread.currentThread()))
        {
            throw new IllegalStateException(ctx.name() + ": close() called from the engine's own thread " +
                Thread.currentThread().getName() + " would wait for itself; close from another thread");
        }
        closed = true;
        final long deadline = System.nanoTime() + ctx.closeTimeout().toNanos();
        RuntimeException drainFailure = null;
        // A halted engine applies nothing more, and an abandoned one has no stages left to drain.
        if (failure.get() == null && !abandoning)
        {
            drainFailure = drain(deadline);
        }
        abandon();
        if (drainFailure != null)
        {
            throw drainFailure;
        }
        final Throwable cause = failure.get();
        if (cause != null)
        {
            // Publishers may have been told "accepted" for commands the halt then kept from being applied.
            throw new EngineHaltedException(ctx.name() + " had halted: accepted up to position " +
                metrics.cursorPosition() + ", applied up to " + logic.lastAppliedPosition.get() + ": " +
                cause.getMessage(), cause);
        }
    }

    /** Waits for every accepted command to pass every stage; returns the failure if the deadline passes. */
    private RuntimeException drain(final long deadline)
    {
        try
        {
            int idle = 0;
            while (activePublishers.get() != 0)
            {
                checkDeadline(deadline, "publishers to finish");
                idle = backOff(idle);
            }
            final long end = input.getCursor();
            idle = 0;
            while (logicSequence.get() < end || (replicatorSequence != null && replicatorSequence.get() < end))
            {
                checkDeadline(deadline, "the input ring to drain");
                idle = backOff(idle);
            }
            final long outputEnd = output.getCursor();
            for (final BatchEventProcessor<OutputEvent> processor : listenerProcessors)
            {
                idle = 0;
                while (processor.getSequence().get() < outputEnd)
                {
                    checkDeadline(deadline, "the listeners to drain");
                    idle = backOff(idle);
                }
            }
        }
        catch (final RuntimeException ex)
        {
            return ex;
        }
        return null;
    }

    private void checkDeadline(final long deadline, final String what)
    {
        if (System.nanoTime() > deadline)
        {
            throw new IllegalStateException(ctx.name() + ": gave up waiting for " + what + " after " +
                ctx.closeTimeout() + "; some accepted commands may not have been applied");
        }
    }

    /**
     * Stops every thread and closes the stages, in reverse order of start. A thread that does not
     * stop in time (a listener stuck in user code) is reported and the stages stay open: closing a
     * journal under a live stage thread could pull mapped memory from under it.
     */
    private void abandon()
    {
        closed = true;
        abandoning = true;
        final long deadline = System.nanoTime() + ctx.closeTimeout().toNanos();
        final StringBuilder stuck = new StringBuilder();
        // Input stages first: the logic thread may be waiting for room on the output ring, which only
        // the listeners make. Listeners last, so they can take what logic publishes until it stops.
        final int listeners = listenerProcessors.size();
        stopThreads(listeners, processors.size(), deadline, stuck);
        stopThreads(0, listeners, deadline, stuck);
        if (stuck.length() > 0)
        {
            final IllegalStateException ex = new IllegalStateException(ctx.name() + ": threads did not stop within " +
                ctx.closeTimeout() + ": " + stuck + "; journal, replicator and snapshot store left open");
            recordError(ex);
            throw ex;
        }
        stopped = true;
        closeQuietly(ctx.snapshotStore());
        closeQuietly(ctx.replicator());
        closeQuietly(ctx.journal());
    }

    /** Halts processors [from, to) and joins their threads until the deadline; names the ones still alive. */
    private void stopThreads(final int from, final int to, final long deadline, final StringBuilder stuck)
    {
        for (int i = from; i < to; i++)
        {
            processors.get(i).halt();
        }
        boolean interrupted = false;
        for (int i = from; i < to; i++)
        {
            final Thread thread = threads.get(i);
            while (thread.isAlive())
            {
                final long leftMs = (deadline - System.nanoTime()) / 1_000_000;
                if (leftMs <= 0)
                {
                    stuck.append(stuck.length() == 0 ? "" : ", ").append(thread.getName());
                    break;
                }
                try
                {
                    thread.join(leftMs);
                }
                catch (final InterruptedException ex)
                {
                    interrupted = true;
                }
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    boolean abandoning()
    {
        return abandoning;
    }

    private void closeQuietly(final AutoCloseable closeable)
    {
        if (closeable == null)
        {
            return;
        }
        try
        {
            closeable.close();
        }
        catch (final Exception ex)
        {
            recordError(ex);
        }
    }

    /** Records the failure and stops the engine from applying or exposing anything further. */
    void halt(final Throwable cause)
    {
        if (failure.compareAndSet(null, cause))
        {
            recordError(cause);
        }
    }

    boolean halted()
    {
        return failure.get() != null;
    }

    void recordError(final Throwable cause)
    {
        try
        {
            errorHandler.onError(cause);
        }
        catch (final Throwable ignore)
        {
            // An ErrorHandler must not throw; if it does there is nowhere left to report it.
        }
    }

    long basePosition()
    {
        return basePosition;
    }

    RingBuffer<Command> input()
    {
        return input;
    }

    RingBuffer<OutputEvent> output()
    {
        return output;
    }

    BusinessLogic logic()
    {
        return logic;
    }

    Sequence journalSequence()
    {
        return journalSequence;
    }

    Sequence replicatorSequence()
    {
        return replicatorSequence;
    }

    Sequence logicSequence()
    {
        return logicSequence;
    }

    List<BatchEventProcessor<OutputEvent>> listenerProcessors()
    {
        return listenerProcessors;
    }

    List<String> listenerNames()
    {
        return ctx.listenerNames();
    }

    /** Appends each command, commits at the end of each batch. Stops appending after the first failure. */
    private final class JournalHandler implements EventHandler<Command>
    {
        private final Journal journal;

        JournalHandler(final Journal journal)
        {
            this.journal = journal;
        }

        @Override
        public void onEvent(final Command command, final long sequence, final boolean endOfBatch)
        {
            if (halted())
            {
                return;
            }
            try
            {
                journal.append(command);
                if (endOfBatch)
                {
                    journal.commit();
                }
            }
            catch (final Throwable ex)
            {
                // Halt before this processor's sequence moves, so business logic sees the failure first.
                halt(ex instanceof JournalException ? ex :
                    new JournalException(command.position(), "journal write failed: " + ex, ex));
            }
        }
    }

    private final class ReplicatorHandler implements EventHandler<Command>
    {
        private final Replicator replicator;

        ReplicatorHandler(final Replicator replicator)
        {
            this.replicator = replicator;
        }

        @Override
        public void onEvent(final Command command, final long sequence, final boolean endOfBatch)
        {
            if (halted())
            {
                return;
            }
            try
            {
                replicator.replicate(command);
                if (endOfBatch)
                {
                    replicator.endOfBatch();
                }
            }
            catch (final Throwable ex)
            {
                halt(new IllegalStateException("replication of position " + command.position() + " failed: " + ex, ex));
            }
        }
    }

    private final class LogicHandler implements EventHandler<Command>
    {
        @Override
        public void onStart()
        {
            recoverOnLogicThread();
        }

        @Override
        public void onEvent(final Command command, final long sequence, final boolean endOfBatch)
        {
            if (!halted())
            {
                logic.apply(command, false);
            }
        }
    }

    /** Journal, replicate, then apply: one thread, each batch committed before any of it is applied. */
    private final class CompactHandler implements EventHandler<Command>
    {
        private final Journal journal;
        private final Replicator replicator;
        private long batchStart = -1;

        CompactHandler(final Journal journal, final Replicator replicator)
        {
            this.journal = journal;
            this.replicator = replicator;
        }

        @Override
        public void onStart()
        {
            recoverOnLogicThread();
        }

        @Override
        public void onEvent(final Command command, final long sequence, final boolean endOfBatch)
        {
            if (batchStart < 0)
            {
                batchStart = sequence;
            }
            if (!halted())
            {
                try
                {
                    journal.append(command);
                    if (replicator != null)
                    {
                        replicator.replicate(command);
                    }
                    if (endOfBatch)
                    {
                        journal.commit();
                        if (replicator != null)
                        {
                            replicator.endOfBatch();
                        }
                    }
                }
                catch (final Throwable ex)
                {
                    halt(ex instanceof JournalException ? ex :
                        new JournalException(command.position(), "journal or replication failed: " + ex, ex));
                }
            }
            if (endOfBatch)
            {
                // The slots stay ours until this processor's sequence moves past the batch.
                for (long s = batchStart; s <= sequence && !halted(); s++)
                {
                    logic.apply(input.get(s), false);
                }
                batchStart = -1;
            }
        }
    }

    private static final class ListenerHandler implements EventHandler<OutputEvent>
    {
        private final OutputListener listener;
        private final boolean receivesReplay;

        ListenerHandler(final OutputListener listener)
        {
            this.listener = listener;
            this.receivesReplay = listener.receivesReplay();
        }

        @Override
        public void onEvent(final OutputEvent event, final long sequence, final boolean endOfBatch) throws Exception
        {
            if (event.isCancelled() || (event.isReplay() && !receivesReplay))
            {
                return;
            }
            listener.onEvent(event, endOfBatch);
        }
    }

    private final class ListenerExceptionHandler implements ExceptionHandler<OutputEvent>
    {
        private final String name;

        ListenerExceptionHandler(final String name)
        {
            this.name = name;
        }

        @Override
        public void handleEventException(final Throwable ex, final long sequence, final OutputEvent event)
        {
            metrics.listenerErrors.getAndIncrement();
            recordError(new ListenerException(name, event == null ? -1 : event.position(), ex));
        }

        @Override
        public void handleOnStartException(final Throwable ex)
        {
            recordError(new ListenerException(name, -1, ex));
        }

        @Override
        public void handleOnShutdownException(final Throwable ex)
        {
            recordError(new ListenerException(name, -1, ex));
        }
    }

    private final class StageExceptionHandler implements ExceptionHandler<Command>
    {
        @Override
        public void handleEventException(final Throwable ex, final long sequence, final Command command)
        {
            halt(new IllegalStateException("stage failed at position " + (basePosition + sequence), ex));
        }

        @Override
        public void handleOnStartException(final Throwable ex)
        {
            halt(ex);
        }

        @Override
        public void handleOnShutdownException(final Throwable ex)
        {
            recordError(ex);
        }
    }
}
