package io.ringlog.core;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.WaitStrategy;
import io.ringlog.core.engine.AcknowledgementGate;
import io.ringlog.core.engine.BusinessLogic;
import io.ringlog.core.engine.Counters;
import io.ringlog.core.engine.EngineStatus;
import io.ringlog.core.engine.InputStage;
import io.ringlog.core.engine.Intake;
import io.ringlog.core.engine.InlineListeners;
import io.ringlog.core.engine.ListenerStage;
import io.ringlog.core.engine.ParkingWaitStrategy;
import io.ringlog.core.engine.Recovery;
import io.ringlog.core.engine.RingOutput;
import io.ringlog.core.engine.StageThreads;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A running pipeline: launched from an {@link EngineContext}, fed by {@code publish},
 * {@code tryPublish} and {@link #newBatch()} from any thread (from one, with {@link EngineContext#singlePublisher}),
 * or by {@link #follower()}; stopped by {@link #close()}.
 * <pre>
 *  Intake ──► [input ring] ──► InputStage: journal ──┐                      (io.ringlog.core.engine)
 *   (positions,                 InputStage: replicate ┴─► InputStage: BusinessLogic ──► RingOutput
 *    timestamps)                (compact: one InputStage does all three)        │
 *                                                             InlineListeners ◄─┤ (on the logic thread)
 *                                                                       [output ring] ──► ListenerStage × n
 *  Recovery runs on the logic stage's thread before its first command; close() drains, then stops.
 * </pre>
 * Launch recovers first: the newest snapshot that verifies, then the journal after it, so the
 * state machine starts where the previous run stopped and positions continue without a gap.
 * Close stops intake, lets every accepted command go through journal, business logic and
 * listeners, then closes the stages in reverse order.
 */
public final class Engine implements AutoCloseable
{
    /** Waits at least this long count as forever (about 73 years: far from overflowing a nanoTime deadline). */
    private static final long FOREVER_NANOS = Long.MAX_VALUE / 4;
    private static final Duration FOREVER = Duration.ofNanos(FOREVER_NANOS);
    /** The least time close gives the stage threads to stop, whatever closeTimeout is. */
    private static final Duration MIN_STOP_WAIT = Duration.ofMillis(100);

    private final EngineContext ctx;
    private final EngineStatus status;
    private final RingBuffer<Command> input;
    private final RingBuffer<OutputEvent> output;
    private final BusinessLogic logic;
    /** The position of the epoch command of this engine's own promotion, -1 before one. */
    private volatile long promotedAt = -1;
    private final Counters counters;
    private final StageThreads threads;
    private final int listenerCount;
    private final Sequence replicatorSequence;
    private final Sequence journalSequence;
    private final Sequence logicSequence;
    private final List<Sequence> listenerSequences;
    private final Intake intake;
    private final EngineMetrics metrics;
    private final Long2LongHashMap recoveredSequences;
    private volatile boolean stopped;

    private Engine(final Wiring wiring, final Intake intake)
    {
        this.ctx = wiring.ctx;
        this.status = wiring.status;
        this.input = wiring.input;
        this.output = wiring.output;
        this.logic = wiring.logic;
        this.counters = wiring.counters;
        this.threads = wiring.threads;
        this.listenerCount = wiring.listenerSequences.size();
        this.replicatorSequence = wiring.replicatorSequence;
        this.journalSequence = wiring.journalSequence;
        this.logicSequence = wiring.logicSequence;
        this.listenerSequences = wiring.listenerSequences;
        this.intake = intake;
        this.recoveredSequences = wiring.recoveredSequences;
        this.metrics = new EngineMetrics(intake.basePosition(), intake::lastClaimed, wiring.journalSequence, replicatorSequence,
            logicSequence, output, listenerSequences, ctx.listenerNames(), counters);
    }

    /**
     * Validates the context, recovers state from the snapshot store and journal, starts the stage
     * threads and returns the running engine.
     */
    public static Engine launch(final EngineContext ctx)
    {
        if (ctx == null)
        {
            // A reviewer's launch(null) met an NPE naming EngineContext.journal(), unlike every other launch mistake.
            throw new IllegalArgumentException("Engine.launch needs an EngineContext: Engine.launch(new " +
                "EngineContext().stateMachine(yours))");
        }
        final String flags = JvmFlags.coreProblem();
        if (flags != null)
        {
            // Before anything makes a buffer: the IllegalAccessError that would follow names a class, not the option.
            throw new IllegalStateException(flags);
        }
        try
        {
            ctx.conclude();
        }
        catch (final RuntimeException refused)
        {
            // The engine owns the stages it is given, launched or refused: a service that fixes its settings and
            // launches again opens its journal again. Not a journal another engine runs on: that one is that engine's.
            if (!Launches.journalRunning(ctx.journal()) && !Launches.storeRunning(ctx.snapshotStore()))
            {
                closeStages(ctx, refused);
            }
            throw refused;
        }
        // First, before anything is closed: a journal another engine runs on is that engine's to close.
        Launches.claimJournal(ctx);
        if (ctx.journal().maxPayloadLength() < ctx.maxPayloadLength())
        {
            // Found at launch, not at the first large command, which the engine would have accepted and then halted on.
            final IllegalArgumentException refused = new IllegalArgumentException("the journal holds payloads of at most " +
                ctx.journal().maxPayloadLength() + " bytes, but the engine's maxPayloadLength is " + ctx.maxPayloadLength() +
                ": give both the same value");
            closeStages(ctx, refused);
            throw refused;
        }
        try
        {
            Launches.claim(ctx);
        }
        catch (final IllegalArgumentException refused)
        {
            // The engine owns the stages it is given, launched or refused (a reused context's are closed already).
            closeStages(ctx, refused);
            throw refused;
        }
        final Wiring wiring;
        try
        {
            wiring = new Wiring(ctx);
        }
        catch (final RuntimeException | Error ex)
        {
            Launches.release(ctx);
            closeStages(ctx, ex);
            throw ex;
        }
        try
        {
            final long last = wiring.startAndRecover();
            wiring.startReplicator(last + 1);
            final Intake intake = new Intake(wiring.input, wiring.status, ctx.clock(), ctx.maxPayloadLength(), last + 1,
                ctx.producerIdleStrategy(), ctx.follower(), wiring.counters, wiring.announced, wiring.inputWait,
                ctx.journal()::lastPosition);
            intake.promotedBy(ctx.promotedBy(), ctx.promoting());
            if (ctx.journal().readOnly())
            {
                intake.readOnlyJournal();
            }
            return new Engine(wiring, intake);
        }
        catch (final RuntimeException | Error ex)
        {
            wiring.abandon();
            if (!wiring.stateMachineTouched())
            {
                // Nothing reached the state machine: the same instance may serve the next try.
                Launches.release(ctx);
            }
            throw ex;
        }
    }

    /** Closes the journal, snapshot store and replicator of a launch that did not happen, keeping the first failure. */
    private static void closeStages(final EngineContext ctx, final Throwable failure)
    {
        final AutoCloseable[] stages = {ctx.replicator(), ctx.snapshotStore(), ctx.journal()};
        for (final AutoCloseable stage : stages)
        {
            if (stage == null)
            {
                continue;
            }
            try
            {
                stage.close();
            }
            catch (final Exception ex)
            {
                failure.addSuppressed(ex);
            }
        }
        Launches.stagesClosed(ctx);
    }

    /**
     * Publishes a command, waiting while the ring is full, and returns its position. The payload is
     * copied into a preallocated slot; nothing is allocated. The position says the command will be journaled
     * before anything sees its effects, not that its events reached a listener (see the README's "Answering
     * clients across a restart").
     *
     * @param type           the command's type, 0 or above (negative types are the engine's own).
     * @param version        the schema version of the payload, which {@link EngineContext#upcasters} go by;
     *                       journaled with the command.
     * @param sourceId       who sent it, for duplicate detection; 0 for none (never checked).
     * @param sourceSequence the source's number for it: a command of a source whose sequence is not above the
     *                       last one applied for that source is rejected {@code DUPLICATE} (one source per
     *                       producer, numbering in publish order).
     * @param correlationId  copied to every event the command causes, for the publisher to match them.
     * @throws IllegalArgumentException if the type is reserved (negative), a source's sequence is negative, or the
     *                                  payload is null or larger than maxPayloadLength.
     * @throws IllegalStateException    if the engine is closed, halted or a follower; or if a close gave up waiting
     *                                  for this publish (its closeTimeout ran out while the slot was filled) before
     *                                  the command was journaled ({@link EngineHaltedException} if it had halted), or
     *                                  found a thread stuck (the command may yet be journaled). A publish from the
     *                                  engine's own threads (a listener's) is not told: close waits for them.
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
        return intake.publish(type, version, sourceId, sourceSequence, correlationId, payload, offset, length, true);
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
        return intake.publish(type, 1, sourceId, sourceSequence, correlationId, payload, offset, length, true);
    }

    /**
     * Publishes a command if the ring has room.
     *
     * @return false, having published nothing, when the ring is full: back-pressure, not a drop.
     * @throws IllegalStateException if the engine is closed, halted or a follower.
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
        return intake.publish(type, version, sourceId, sourceSequence, correlationId, payload, offset, length, false) >= 0;
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
     * A batch publisher for one producer thread: claim n positions at once, fill them, publish them
     * together. Make one per thread and reuse it; see {@link CommandBatch}.
     */
    public CommandBatch newBatch()
    {
        return intake.newBatch();
    }

    /**
     * Asks for a snapshot at an exact position: a {@link SystemCommands#SNAPSHOT} command goes
     * through the ring like any other. Returns its position.
     *
     * @throws IllegalStateException if the engine has no snapshot store, or is closed, halted or a follower.
     */
    public long requestSnapshot()
    {
        if (ctx.snapshotStore() == null)
        {
            throw new IllegalStateException(ctx.name() + " has no snapshotStore: a snapshot would go nowhere");
        }
        return intake.publishSystem(SystemCommands.SNAPSHOT);
    }

    /**
     * The intake of an engine launched with {@link EngineContext#follower(boolean)}: commands whose
     * positions and timestamps were assigned elsewhere.
     *
     * @throws IllegalStateException if this engine is not a follower.
     */
    public FollowerIntake follower()
    {
        return intake.follower();
    }

    /**
     * Turns a follower into a leader: from now on it assigns positions and timestamps itself,
     * continuing after the last position its leader sent, and {@link #publish} is open. Call it from
     * the thread that appended to {@link #follower()}, or once that thread has stopped.
     */
    public void promote()
    {
        intake.promote();
    }

    /**
     * Turns a follower into a leader, like {@link #promote()}, and makes a {@link SystemCommands#EPOCH}
     * command carrying {@code epoch} its first command, before any producer's: the journal then shows
     * where the new leader's history begins. Returns that command's position.
     */
    public long promote(final long epoch)
    {
        final long position = intake.promote(epoch);
        promotedAt = position;
        return position;
    }

    /**
     * Waits until business logic has applied {@code position}.
     *
     * @throws EngineHaltedException if the engine halted before it.
     * @throws IllegalStateException if the engine was closed before it, so it never will be; or if called, for a position
     *                               not applied yet, from the business-logic thread (an inline listener, the state
     *                               machine) or a stage before it, which would wait for itself.
     * @throws TimeoutException      if the timeout passed first.
     */
    public void awaitApplied(final long position, final long timeout, final TimeUnit unit) throws TimeoutException
    {
        // A reviewer's finding: an inline listener waiting for the next position held the whole engine for its
        // timeout (a day's, for good), the thread it waited on being its own. Listener threads are [0, listenerCount).
        if (counters.lastAppliedPosition.get() < position && threads.indexOf(Thread.currentThread()) >= listenerCount)
        {
            throw new IllegalStateException(ctx.name() + ": awaitApplied(" + position + ") called from the engine's " +
                "own thread " + Thread.currentThread().getName() + ", which applies it, would wait for itself (applied " +
                "up to " + counters.lastAppliedPosition.get() + "); wait from another thread");
        }
        final long deadline = deadlineAfter(unit.toNanos(timeout));
        final IdleStrategy idle = new BackoffIdleStrategy(64, 64, 1_000, 50_000);
        while (counters.lastAppliedPosition.get() < position)
        {
            final Throwable cause = status.failure();
            if (cause != null)
            {
                throw new EngineHaltedException(ctx.name() + " halted before position " + position, cause);
            }
            if (stopped && counters.lastAppliedPosition.get() < position)
            {
                throw new IllegalStateException(ctx.name() + " is closed, and applied up to position " +
                    counters.lastAppliedPosition.get() + ": position " + position + " will not be applied");
            }
            if (passed(deadline))
            {
                throw new TimeoutException("position " + position + " not applied within " + timeout + " " + unit +
                    "; last applied " + counters.lastAppliedPosition.get() + unpublishedClaim());
            }
            idle.idle();
        }
    }

    /**
     * The last sequence of {@code sourceId} that business logic had applied when launch finished
     * recovering, or -1 if none: where a source that numbers its commands resumes, such as a Kafka
     * partition whose offsets are its sequences. Commands applied since launch do not change it; the
     * dedup table goes on rejecting duplicates either way.
     * <p>
     * A follower promoted with an epoch ({@link #promote(long)}, as a replication node's promotion does)
     * resumes its sources where they stood at its promotion, not at launch (it applied what it followed
     * since): this answers as of its epoch command once business logic has applied it ({@code awaitApplied}
     * its position; a synchronous replication node applies it once a standby acknowledges it).
     *
     * @throws IllegalStateException if this engine was promoted and has not applied its epoch command yet:
     *                               an answer as of launch would send a source back over what it followed.
     */
    public long recoveredSourceSequence(final long sourceId)
    {
        final long promoted = promotedAt;
        Long2LongHashMap table = recoveredSequences;
        if (promoted >= 0)
        {
            final BusinessLogic.SequencesAt atEpoch = logic.sourceSequencesAtEpoch();
            if (atEpoch == null || atEpoch.position() != promoted)
            {
                throw new IllegalStateException(ctx.name() + " was promoted at position " + promoted + " and has not " +
                    "applied it yet: where its sources stood then is known once it has (awaitApplied(" + promoted +
                    ", ...); a synchronous replication node applies it once a standby acknowledges it)");
            }
            table = atEpoch.table();
        }
        final long sequence = table.get(sourceId);
        return sequence == table.missingValue() ? -1 : sequence;
    }

    /** Counters and stage positions, read without stopping the engine: applied, rejected, failed, lag per stage. */
    public EngineMetrics metrics()
    {
        return metrics;
    }

    /** The failure that halted the engine, or null while it is healthy. */
    public Throwable failure()
    {
        return status.failure();
    }

    /** The input ring's size: the most commands one {@link CommandBatch} claim takes. */
    public int ringSize()
    {
        return ctx.ringSize();
    }

    /** The largest command payload this engine takes, in bytes. */
    public int maxPayloadLength()
    {
        return ctx.maxPayloadLength();
    }

    /** Position the next accepted command will get, as of now. */
    public long nextPosition()
    {
        return intake.nextPosition();
    }

    /**
     * The state hashes the business logic took live, with their positions: at snapshots and every
     * {@link EngineContext#stateCheckEvery} positions. Readable from any thread while the engine runs.
     */
    public StateChecks stateChecks()
    {
        return logic.stateChecks();
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
     * @throws EngineHaltedException if the engine had halted (the stages are closed all the same, once the
     *                               listeners were given the events of the commands applied before the halt,
     *                               for up to {@code closeTimeout}): the message says up to which position
     *                               commands were accepted and applied.
     * @throws DrainTimeoutException if the drain took longer than {@code closeTimeout}: the stages stopped
     *                               where they were, and it says whether commands were left unapplied.
     * @throws IllegalStateException if a stage's thread did not stop within a further {@code closeTimeout}
     *                               (a listener stuck in user code): the stages are left open.
     */
    @Override
    public void close()
    {
        // Before the lock: a listener closing while another thread's close drains would wait on the lock, and the
        // drain on the listener, until closeTimeout passed twice (a reviewer's finding).
        if (!stopped && threads.isStageThread(Thread.currentThread()))
        {
            throw new IllegalStateException(ctx.name() + ": close() called from the engine's own thread " +
                Thread.currentThread().getName() + " would wait for itself; close from another thread");
        }
        closeOnce();
    }

    private synchronized void closeOnce()
    {
        if (stopped)
        {
            return;
        }
        status.close();
        final long deadline = deadlineAfter(ctx.closeTimeout());
        RuntimeException drainFailure = null;
        // A halted engine applies nothing more, but its listeners are still given the events of the commands it
        // applied before the halt (they are journaled: a service must not lose them to a full disk, say). An
        // abandoned engine has no stages left to drain.
        if (!status.abandoning())
        {
            if (!status.halted())
            {
                drainFailure = drain(deadline);
            }
            else
            {
                try
                {
                    final IdleStrategy idle = new BackoffIdleStrategy(64, 64, 1_000, 50_000);
                    // The logic thread stops at the command after the halt, then publishes the events of those it
                    // applied before it: waited for first, or the stop below would skip them (a reviewer's finding).
                    // Not for its sequence to pass what was accepted: behind a replication gate, commands the standby
                    // never acknowledged never pass (a second reviewer's finding: a fenced primary waited closeTimeout).
                    while (status.applying())
                    {
                        checkDeadline(deadline, "the logic thread to stop", -1);
                        idle.idle();
                    }
                    drainListeners(deadline, idle);
                }
                catch (final DrainTimeoutException ex)
                {
                    // A stage or listener stuck past closeTimeout: the halt is what close reports; the stop below ends it.
                }
            }
        }
        try
        {
            // A publish under way as close began (claimed while the engine was open, its slot being filled) is waited
            // for until close's deadline, halted or not: the drain waited for it already, a halted close did not.
            stopped = new Shutdown(ctx, status, threads, listenerCount).abandon(input, intake.lastClaimed(),
                journalSequence, deadline);
        }
        catch (final StuckThreads stuck)
        {
            // A thread stuck in user code is why the drain gave up, most often: one exception says both, as the
            // drain's kind, so that a service catching DrainTimeoutException does not miss it. Where the input stages
            // stopped (a listener is what is stuck), how far they got is known, as below.
            if (drainFailure instanceof DrainTimeoutException)
            {
                final DrainTimeoutException drained = stuck.inputStagesStuck ? (DrainTimeoutException)drainFailure :
                    drainReport((DrainTimeoutException)drainFailure);
                throw new DrainTimeoutException(drained.getMessage() + ". Then " + stuck.getMessage(),
                    drained.commandsUnapplied());
            }
            throw stuck;
        }
        if (ctx.errorHandler() instanceof PrintingErrorHandler)
        {
            // Repeats of the last second would otherwise go uncounted: the next failure would have printed them.
            ((PrintingErrorHandler)ctx.errorHandler()).printUnprintedRepeats();
        }
        if (drainFailure instanceof DrainTimeoutException)
        {
            throw drainReport((DrainTimeoutException)drainFailure);
        }
        if (drainFailure != null)
        {
            throw drainFailure;
        }
        final Throwable cause = status.failure();
        if (cause != null)
        {
            // Publishers may have been told "accepted" for commands the halt then kept from being applied.
            // A halt of the business logic leaves the journal going, and what it journaled past the applied position
            // the next start applies; after any other halt the journal stage's sequence passes commands it skipped.
            final long applied = counters.lastAppliedPosition.get();
            final long journaled = metrics.position(EngineMetrics.Stage.JOURNAL);
            // A command this code cannot apply halts every start of it there too (a reviewer read "a start replays" as
            // "a restart goes on").
            final boolean cannotApply = cause.getCause() instanceof CannotApply;
            final String rest = status.haltStopsJournal() || journaled <= applied ? "" :
                ", journaled up to " + journaled + " (" + (cannotApply ? "a start of this code on this journal halts at " +
                (applied + 1) + " again; one of code that can apply that command replays " : "a start on this journal " +
                "replays ") + (applied + 1) + ".." + journaled + ")";
            throw new EngineHaltedException(ctx.name() + " had halted: accepted up to position " +
                metrics.cursorPosition() + ", applied up to " + applied + rest + ": " + cause.getMessage(), cause);
        }
    }

    /**
     * A drain's timeout as close reports it once the input stages have stopped: where commands were left unapplied (and
     * no claim was left unpublished, which the drain's message says as it is), how far each stage got, now known; or, where the
     * command being applied finished as the engine stopped, that every accepted command was applied.
     */
    private DrainTimeoutException drainReport(final DrainTimeoutException drain)
    {
        if (!drain.commandsUnapplied() || !unpublishedClaim().isEmpty())
        {
            return drain;
        }
        final long accepted = intake.basePosition() + intake.lastClaimed();
        final long applied = counters.lastAppliedPosition.get();
        final long journaled = metrics.position(EngineMetrics.Stage.JOURNAL);
        final String gaveUp = ctx.name() + ": gave up waiting for the input ring to drain after " +
            words(ctx.closeTimeout()) + " (closeTimeout); ";
        if (applied >= accepted)
        {
            return new DrainTimeoutException(gaveUp + "the command being applied then finished as the engine " +
                "stopped, so every accepted command, up to position " + accepted + ", was applied (listeners may not " +
                "have seen its events)", false);
        }
        if (status.haltStopsJournal())
        {
            // The journal stage's sequence passes the commands such a halt kept it from appending: not a figure to give.
            return new DrainTimeoutException(gaveUp + "some accepted commands were not applied: accepted up to " +
                "position " + accepted + ", applied up to " + applied + "; the engine halted meanwhile, which stopped the " +
                "journal, so accepted commands after position " + applied + " may not be journaled (the journal's own " +
                "end says which are): " + status.failure().getMessage(), true);
        }
        return new DrainTimeoutException(gaveUp + "some accepted commands were not applied: accepted up to position " +
            accepted + ", applied up to " + applied + ", journaled up to " + journaled + (journaled > applied ?
            " (a start on this journal applies " + (applied + 1) + ".." + journaled + ")" : "") + (journaled <
            accepted ? "; positions " + (journaled + 1) + ".." + accepted + " were accepted and not journaled (the " +
            "journal stage did not reach them within closeTimeout)" : ""), true);
    }

    /**
     * Waits for every accepted command to pass every stage; returns the failure if the deadline passes.
     * The intake's claim-then-check protocol means every claim close can miss is published void.
     */
    private RuntimeException drain(final long deadline)
    {
        try
        {
            final IdleStrategy idle = new BackoffIdleStrategy(64, 64, 1_000, 50_000);
            final long end = intake.lastClaimed();
            while (logicSequence.get() < end || (replicatorSequence != null && replicatorSequence.get() < end))
            {
                // An asynchronous replicator may lag behind the logic: what is left unapplied is the logic's lag.
                final boolean unapplied = logicSequence.get() < end;
                checkDeadline(deadline, unapplied ? "the input ring to drain" : "the replicator to drain", unapplied ?
                    end : -1);
                idle.idle();
            }
            drainListeners(deadline, idle);
        }
        catch (final RuntimeException ex)
        {
            return ex;
        }
        return null;
    }

    /** Waits for every listener to see every event published so far; throws if the deadline passes. */
    private void drainListeners(final long deadline, final IdleStrategy idle)
    {
        final long outputEnd = output.getCursor();
        for (final Sequence listener : listenerSequences)
        {
            idle.reset();
            while (listener.get() < outputEnd)
            {
                checkDeadline(deadline, "the listeners to drain", -1);
                idle.idle();
            }
        }
    }

    /** A duration as a person writes it: 30 s, 1.5 s, 200 ms (Duration's own is PT30S). */
    static String words(final Duration duration)
    {
        if (duration.compareTo(FOREVER) >= 0)
        {
            return duration.getSeconds() + " s";
        }
        final long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis >= 1000 ? millis / 1000.0 + " s" : millis + " ms";
    }

    /**
     * A deadline (System.nanoTime) {@code nanos} from now. A wait longer than about 73 years is as good as forever and
     * is held to that, so that "wait forever" ({@code Long.MAX_VALUE} of any unit, which {@code toNanos} saturates)
     * neither overflows nor comes out in the past.
     */
    static long deadlineAfter(final long nanos)
    {
        return System.nanoTime() + Math.max(0, Math.min(nanos, FOREVER_NANOS));
    }

    static long deadlineAfter(final Duration timeout)
    {
        return deadlineAfter(timeout.compareTo(FOREVER) >= 0 ? FOREVER_NANOS : timeout.toNanos());
    }

    /** Whether the deadline has passed; compared by difference, as System.nanoTime's values may wrap. */
    static boolean passed(final long deadline)
    {
        return System.nanoTime() - deadline > 0;
    }

    /** @param acceptedEnd the last sequence accepted where commands are left unapplied; -1 where none are. */
    private void checkDeadline(final long deadline, final String what, final long acceptedEnd)
    {
        if (passed(deadline))
        {
            final boolean commandsUnapplied = acceptedEnd >= 0;
            throw new DrainTimeoutException(ctx.name() + ": gave up waiting for " + what + " after " +
                words(ctx.closeTimeout()) + " (closeTimeout); " + (commandsUnapplied ? "some accepted commands were " +
                "not applied" + unpublishedClaim() : "every accepted command was applied, but " +
                (what.contains("replicator") ? "not every one was shipped to the standby" : "listeners have not seen " +
                "every event")), commandsUnapplied);
        }
    }

    /**
     * Empty, or why nothing moves: the first position after the last applied one that was claimed and
     * never published. Every stage waits for it, whatever was published after it.
     */
    private String unpublishedClaim()
    {
        final long cursor = intake.lastClaimed();
        for (long sequence = logicSequence.get() + 1; sequence <= cursor; sequence++)
        {
            if (!input.isAvailable(sequence))
            {
                final long position = intake.basePosition() + sequence;
                return ": position " + position + " was claimed and never published, and every stage waits for it " +
                    "(positions up to " + (intake.basePosition() + cursor) + " are claimed). A CommandBatch must " +
                    "publish() what it claimed, in a finally, even when an add() throws";
            }
        }
        return "";
    }

    /** Threads that did not stop in time; whether the input stages (journal, replicator, logic) were among them. */
    private static final class StuckThreads extends IllegalStateException
    {
        private static final long serialVersionUID = 1L;
        private final boolean inputStagesStuck;

        StuckThreads(final String message, final boolean inputStagesStuck)
        {
            super(message);
            this.inputStagesStuck = inputStagesStuck;
        }
    }

    /**
     * Stops every thread and closes the stages, in reverse order of start. A thread that does not
     * stop in time (a listener stuck in user code) is reported and the stages stay open: closing a
     * journal under a live stage thread could pull mapped memory from under it.
     */
    private static final class Shutdown
    {
        private final EngineContext ctx;
        private final EngineStatus status;
        private final StageThreads threads;
        private final int listeners;

        Shutdown(final EngineContext ctx, final EngineStatus status, final StageThreads threads, final int listeners)
        {
            this.ctx = ctx;
            this.status = status;
            this.threads = threads;
            this.listeners = listeners;
        }

        /**
         * Returns true once every thread stopped and the stages are closed; throws if threads were stuck. The
         * logic applies nothing more from here, but the journal stage journals every command accepted before it
         * stops (within closeTimeout), so that the next start applies them: a command accepted and not journaled
         * would be lost.
         */
        boolean abandon(final RingBuffer<Command> input, final long accepted, final Sequence journaled,
            final long claimDeadline)
        {
            status.abandon();
            boolean inputStagesStuck = false;
            try
            {
                return stop(input, accepted, journaled, claimDeadline);
            }
            catch (final StuckThreads stuck)
            {
                inputStagesStuck = stuck.inputStagesStuck;
                throw stuck;
            }
            finally
            {
                // A publisher that saw the abandon after its publish waits for this, then asks the journal (Intake). Where
                // an input stage is stuck (the journal's thread), the journal is left open and may yet take it; a stuck
                // listener alone journals nothing (a review found the publisher told "may yet" then).
                status.stagesStopped(inputStagesStuck);
            }
        }

        private boolean stop(final RingBuffer<Command> input, final long accepted, final Sequence journaled,
            final long claimDeadline)
        {
            if (journaled != null)
            {
                // Up to the last claim. A slot claimed and not yet published (its publisher filling it as the engine
                // halted, say) is waited for until claimDeadline, close's own: no stage passes it until it is published.
                // A claim close gave up on is not journaled, and its publisher is told (Intake).
                final long journalDeadline = deadlineAfter(ctx.closeTimeout());
                final IdleStrategy idle = new BackoffIdleStrategy(64, 64, 1_000, 50_000);
                long at;
                while ((at = journaled.get()) < accepted && !status.haltStopsJournal() && !passed(journalDeadline) &&
                    (input.isAvailable(at + 1) || !passed(claimDeadline)))
                {
                    idle.idle();
                }
            }
            // At least 100 ms, however short closeTimeout is: a thread that is not stuck stops in microseconds, but not in
            // none (a closeTimeout under a millisecond called every thread stuck, a reviewer found, and left the journal
            // open); it is a wait for the threads, not for the rings, which is the drain's.
            final Duration stopWait = ctx.closeTimeout().compareTo(MIN_STOP_WAIT) < 0 ? MIN_STOP_WAIT : ctx.closeTimeout();
            final long deadline = deadlineAfter(stopWait);
            final StringBuilder stuck = new StringBuilder();
            // Input stages first: the logic thread may be waiting for room on the output ring, which only
            // the listeners make. Listeners last, so they can take what logic publishes until it stops.
            threads.stop(listeners, threads.size(), deadline, stuck);
            final boolean inputStagesStuck = stuck.length() > 0;
            threads.stop(0, listeners, deadline, stuck);
            if (stuck.length() > 0)
            {
                // Thrown, not also given to the error handler: close's caller is who must act on it.
                final String open = "the journal" + (ctx.replicator() != null ? ctx.snapshotStore() != null ?
                    ", replicator and snapshot store are" : " and replicator are" : ctx.snapshotStore() != null ?
                    " and snapshot store are" : " is");
                throw new StuckThreads(ctx.name() + ": threads did not stop within " + words(stopWait) +
                    (stopWait == MIN_STOP_WAIT ? "" : " (closeTimeout)") + ": " + stuck + "; " + open + " left open, as closing " +
                    "them under a live thread could pull mapped memory from under it. Once the thread returns, close() " +
                    "again closes them", inputStagesStuck);
            }
            closeQuietly(ctx.snapshotStore());
            closeQuietly(ctx.replicator());
            closeQuietly(ctx.journal());
            Launches.stagesClosed(ctx);
            return true;
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
                status.recordError(ex);
            }
        }
    }

    /**
     * What launch builds before the engine exists: the rings, business logic, the stages and their
     * threads (listeners first, so logic's first events have somewhere to go), then recovery on the
     * logic stage's thread, which launch waits for.
     */
    private static final class Wiring
    {
        final EngineContext ctx;
        final EngineStatus status;
        final Counters counters = new Counters();
        final RingBuffer<Command> input;
        final WaitStrategy inputWait;
        /** A single publisher's announced claims (see Intake); null for a multi-producer input ring. */
        final Sequence announced;
        final RingBuffer<OutputEvent> output;
        final InlineListeners inline;
        final RingOutput ringOutput;
        final BusinessLogic logic;
        final StageThreads threads;
        final List<Sequence> listenerSequences = new ArrayList<>();
        final CountDownLatch recovered = new CountDownLatch(1);
        final AcknowledgementGate gate;
        Sequence journalSequence;
        Sequence replicatorSequence;
        Sequence logicSequence;
        volatile long lastPosition;
        volatile Long2LongHashMap recoveredSequences;
        volatile Throwable recoveryFailure;
        volatile Recovery recovery;

        /**
         * Refuses rings the heap cannot hold, in words: they are allocated whole at launch (every slot with a
         * payload buffer of the largest size), and a ringSize too large ended in a bare OutOfMemoryError.
         */
        private static void checkHeap(final EngineContext ctx)
        {
            final Runtime runtime = Runtime.getRuntime();
            if (runtime.maxMemory() == Long.MAX_VALUE)
            {
                return;
            }
            // About 200 bytes of objects per slot beside its payload buffer.
            final long input = (long)ctx.ringSize() * (ctx.maxPayloadLength() + 200L);
            final long output = (long)ctx.outputRingSize() * (ctx.maxEventPayloadLength() + 200L);
            // Against the whole heap, not what is free now: garbage not yet collected must not refuse a launch.
            if (input + output > runtime.maxMemory())
            {
                throw new IllegalArgumentException("the engine's rings need about " + mib(input + output) + " of heap " +
                    "(ringSize " + ctx.ringSize() + " x (maxPayloadLength " + ctx.maxPayloadLength() + " + ~200 bytes) = " +
                    mib(input) + ", outputRingSize " + ctx.outputRingSize() + " x (maxEventPayloadLength " +
                    ctx.maxEventPayloadLength() + " + ~200 bytes) = " + mib(output) + "), more than this JVM's whole " +
                    "heap, " + mib(runtime.maxMemory()) + " (-Xmx): make the rings or their payloads smaller, or give " +
                    "the JVM more heap");
            }
        }

        private static String mib(final long bytes)
        {
            return (bytes >> 20) + " MiB";
        }

        Wiring(final EngineContext ctx)
        {
            this.ctx = ctx;
            this.status = new EngineStatus(ctx.name(), ctx.errorHandler());
            final int maxPayload = ctx.maxPayloadLength();
            final int maxEventPayload = ctx.maxEventPayloadLength();
            checkHeap(ctx);
            this.inputWait = ctx.waitStrategy().get();
            final WaitStrategy outputWait = ctx.waitStrategy().get();
            // Checked on the instances the rings get, each against its own ring, before any slot is allocated.
            BatchesFit.check(ctx, inputWait, outputWait);
            for (final WaitStrategy strategy : new WaitStrategy[] {inputWait, outputWait})
            {
                if (strategy instanceof ParkingWaitStrategy && ((ParkingWaitStrategy)strategy).skipsPublishFence())
                {
                    throw new IllegalArgumentException(SHARED_STRATEGY);
                }
            }
            // The slots lie end to end in shared arrays (see Command): a publish hands over a line or two.
            final Supplier<Command> slots = Command.ringSlots(ctx.ringSize(), maxPayload);
            if (ctx.singlePublisher())
            {
                // No CAS a claim: the publisher announces its claims instead (Intake), and the strategy reads that.
                this.announced = new Sequence(-1);
                this.input = RingBuffer.createSingleProducer(slots::get, ctx.ringSize(), inputWait);
            }
            else
            {
                this.announced = null;
                this.input = RingBuffer.createMultiProducer(slots::get, ctx.ringSize(), inputWait);
            }
            // One producer, the logic thread, which publishes whole commands as ranges (see RingOutput).
            final Supplier<OutputEvent> events = OutputEvent.ringSlots(ctx.outputRingSize(), maxEventPayload);
            this.output = RingBuffer.createSingleProducer(events::get, ctx.outputRingSize(), outputWait);
            serves(outputWait, output);
            serves(inputWait, input);
            // The publish skips its own fence only where the strategy serves this ring alone (one instance handed to
            // both rings, or to another engine's, keeps it): a single publisher announces its claims, a multi-producer
            // claim is a CAS on the cursor, and the stage reads the announcement, or the slots' flags, instead.
            if (inputWait instanceof ParkingWaitStrategy)
            {
                final ParkingWaitStrategy parking = (ParkingWaitStrategy)inputWait;
                if (announced != null)
                {
                    parking.publisherAnnounces(input, announced);
                }
                else
                {
                    parking.publishersClaimOnCursor(input);
                }
            }
            this.inline = new InlineListeners(ctx.inlineListenerNames(), ctx.inlineListeners(), status, counters);
            this.ringOutput = new RingOutput(output, maxEventPayload, status, inline);
            this.logic = new BusinessLogic(ctx, ringOutput, status, counters);
            this.threads = new StageThreads(ctx.threadFactory(), ctx.name() + "-", ctx.stageCpus(), status::recordError);
            this.gate = ctx.replicator() != null ? new AcknowledgementGate(status, inputWait) : null;
        }

        private static final String SHARED_STRATEGY = "waitStrategy handed this engine an instance that another " +
            "engine's input ring uses (its publishes skip a fence this engine's need): make its supplier return a new " +
            "instance from each get(), as WaitStrategies does";

        /** Tells a parking strategy which ring it serves: refused where another ring's publishes skip their fence on it. */
        private static void serves(final WaitStrategy strategy, final RingBuffer<?> ring)
        {
            if (strategy instanceof ParkingWaitStrategy)
            {
                try
                {
                    ((ParkingWaitStrategy)strategy).serves(ring);
                }
                catch (final IllegalStateException shared)
                {
                    throw new IllegalArgumentException(SHARED_STRATEGY, shared);
                }
            }
        }

        /** Whether business logic waits for the gate rather than for the replicator stage. */
        boolean gatedByAcknowledgement()
        {
            final Replicator replicator = ctx.replicator();
            return replicator != null && replicator.synchronous() && replicator.acknowledgesThroughGate();
        }

        /** Hands the replicator its gate, once recovery has said where positions start. */
        void startReplicator(final long nextPosition)
        {
            if (gate != null)
            {
                gate.basePosition(nextPosition);
                ctx.replicator().start(gate, nextPosition);
            }
        }

        /** Starts every stage; returns the journal's last position once recovery has run. */
        long startAndRecover()
        {
            boolean anyReplayListener = inline.anyReceivesReplay();
            for (int i = 0; i < ctx.listeners().size(); i++)
            {
                final OutputListener listener = ctx.listeners().get(i);
                final String name = ctx.listenerNames().get(i);
                anyReplayListener |= listener.receivesReplay();
                final ListenerStage stage = new ListenerStage(name, listener, status, counters);
                final BatchEventProcessor<OutputEvent> processor = new BatchEventProcessorBuilder()
                    .build(output, output.newBarrier(), stage);
                processor.setExceptionHandler(stage);
                output.addGatingSequences(processor.getSequence());
                listenerSequences.add(processor.getSequence());
                threads.start(processor, StageThreads.listener(name));
            }
            logic.replayDelivered(anyReplayListener);

            final Journal journal = ctx.journal();
            final Replicator replicator = ctx.replicator();
            final InputStage.Failures failures = new InputStage.Failures(status, journal.lastPosition() + 1);
            final Runnable recover = this::recoverOnLogicThread;
            if (ctx.topology() == Topology.COMPACT)
            {
                final BatchEventProcessor<Command> compact = processor(input.newBarrier(),
                    new InputStage(journal, replicator, logic, ringOutput, input, status, recover, null,
                        gatedByAcknowledgement() ? gate.sequence() : null), failures);
                input.addGatingSequences(compact.getSequence());
                journalSequence = compact.getSequence();
                replicatorSequence = replicator == null ? null : compact.getSequence();
                logicSequence = compact.getSequence();
                threads.start(compact, StageThreads.COMPACT);
            }
            else
            {
                final BatchEventProcessor<Command> journalStage = processor(input.newBarrier(),
                    new InputStage(journal, null, null, null, input, status, null, inputWait, null), failures);
                journalSequence = journalStage.getSequence();
                BatchEventProcessor<Command> replicatorStage = null;
                if (replicator != null)
                {
                    replicatorStage = processor(input.newBarrier(),
                        new InputStage(null, replicator, null, null, input, status, null, inputWait, null), failures);
                    replicatorSequence = replicatorStage.getSequence();
                }
                // A replicator acknowledging through the gate never holds its own stage for a round trip:
                // logic waits for the gate, and the ring waits for the stage (which the gate may pass, as a
                // standby catching up acknowledges entries it got from the journal).
                final Sequence[] gates = gatedByAcknowledgement() ?
                    new Sequence[]{journalSequence, gate.sequence()} :
                    replicator != null && replicator.synchronous() ?
                        new Sequence[]{journalSequence, replicatorSequence} : new Sequence[]{journalSequence};
                final BatchEventProcessor<Command> logicStage = processor(input.newBarrier(gates),
                    new InputStage(null, null, logic, ringOutput, input, status, recover, null, null), failures);
                logicSequence = logicStage.getSequence();
                if (replicatorStage != null && (!replicator.synchronous() || gatedByAcknowledgement()))
                {
                    input.addGatingSequences(logicSequence, replicatorSequence);
                }
                else
                {
                    input.addGatingSequences(logicSequence);
                }
                threads.start(journalStage, StageThreads.JOURNAL);
                if (replicatorStage != null)
                {
                    threads.start(replicatorStage, StageThreads.REPLICATOR);
                }
                threads.start(logicStage, StageThreads.LOGIC);
            }
            awaitRecovery();
            return lastPosition;
        }

        private BatchEventProcessor<Command> processor(
            final com.lmax.disruptor.SequenceBarrier barrier, final InputStage stage, final InputStage.Failures failures)
        {
            final BatchEventProcessor<Command> processor = new BatchEventProcessorBuilder().build(input, barrier, stage);
            processor.setExceptionHandler(failures);
            return processor;
        }

        private void recoverOnLogicThread()
        {
            try
            {
                recovery = new Recovery(ctx.journal(), ctx.snapshotStore(), ctx.recoveryListener(), logic,
                    ringOutput, status, ctx.maxPayloadLength(), ctx.follower());
                lastPosition = recovery.recover();
                recoveredSequences = logic.copyOfSourceSequences();
            }
            catch (final Throwable ex)
            {
                recoveryFailure = ex;
            }
            finally
            {
                recovered.countDown();
            }
        }

        private void awaitRecovery()
        {
            boolean interrupted = false;
            while (true)
            {
                try
                {
                    recovered.await();
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

        /** Stops what was started after a failed launch. */
        /** Whether recovery got as far as giving the state machine a snapshot or a command. */
        boolean stateMachineTouched()
        {
            final Recovery started = recovery;
            return started != null && started.touched();
        }

        void abandon()
        {
            try
            {
                // A failed launch accepted nothing: no command to journal before the threads stop.
                new Shutdown(ctx, status, threads, listenerSequences.size()).abandon(input, input.getCursor(), null,
                    System.nanoTime());
            }
            catch (final RuntimeException ex)
            {
                status.recordError(ex);
            }
        }
    }
}
