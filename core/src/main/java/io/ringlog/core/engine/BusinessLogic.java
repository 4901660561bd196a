package io.ringlog.core.engine;

import io.ringlog.core.Command;
import io.ringlog.core.CommandCodec;
import io.ringlog.core.Crc32c;
import io.ringlog.core.CannotApply;
import io.ringlog.core.CommandFailedException;
import io.ringlog.core.EngineContext;
import io.ringlog.core.ErrorPolicy;
import io.ringlog.core.Hashing;
import io.ringlog.core.Journal;
import io.ringlog.core.ListenerException;
import io.ringlog.core.Rejections;
import io.ringlog.core.Snapshot;
import io.ringlog.core.SnapshotException;
import io.ringlog.core.SnapshotStore;
import io.ringlog.core.StateChecks;
import io.ringlog.core.StateMachine;
import io.ringlog.core.SystemCommands;
import io.ringlog.core.Upcasters;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Applies commands to the {@link StateMachine}, one at a time, on the business-logic thread (recovery
 * included). Owns what the engine adds to the user's state: the dedup table, the reserved system
 * commands, the error policy and the snapshot framing.
 *
 * <pre>
 * engine snapshot payload (little-endian):
 *  +------------------+-----------------------------------------+---------------------------+
 *  | dedup count (4)  | count x (source id (8), last seq (8))    | state machine bytes ...   |
 *  +------------------+-----------------------------------------+---------------------------+
 *  dedup entries sorted by source id, so equal states write equal bytes.
 * </pre>
 */
public final class BusinessLogic
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    private static final long NONE = Long.MIN_VALUE;

    private final StateMachine stateMachine;
    private final RingOutput output;
    private final EngineStatus status;
    private final Counters counters;
    private final ErrorPolicy errorPolicy;
    private final SnapshotStore snapshotStore;
    private final long snapshotEvery;
    private final long stateCheckEvery;
    private final boolean replayStateChecks;
    private final StateChecks stateChecks = new StateChecks();
    /** The next position to take a state check at or past (a multiple of stateCheckEvery); never, when off. */
    private long nextStateCheck;
    /** The replay at launch takes its state checks after this position (see replayingTo); none when off. */
    private long replayChecksFrom = Long.MAX_VALUE;
    private final Upcasters upcasters;
    private final Command upcastScratch;
    private final Long2LongHashMap lastSequenceBySource = new Long2LongHashMap(NONE);
    private final ExpandableArrayBuffer snapshotBuffer = new ExpandableArrayBuffer(4096);
    private final UnsafeBuffer entryScratch;
    private final Crc32c entryCrc = new Crc32c();
    private final Journal journal;
    private boolean replayDelivered;
    /** The dedup table as of the last epoch command applied live, for other threads; null before one. */
    private volatile SequencesAt sequencesAtEpoch;

    /** The dedup table as of the epoch command at {@code position}: a copy, never changed. */
    public record SequencesAt(long position, Long2LongHashMap table)
    {
    }

    public BusinessLogic(final EngineContext ctx, final RingOutput output, final EngineStatus status,
        final Counters counters)
    {
        this.stateMachine = ctx.stateMachine();
        this.output = output;
        this.status = status;
        this.counters = counters;
        this.errorPolicy = ctx.errorPolicy();
        this.snapshotStore = ctx.snapshotStore();
        this.snapshotEvery = ctx.snapshotEvery();
        this.stateCheckEvery = ctx.stateCheckEvery();
        this.replayStateChecks = ctx.replayStateChecks();
        this.nextStateCheck = stateCheckEvery > 0 ? stateCheckEvery : Long.MAX_VALUE;
        this.upcasters = ctx.upcasters().isEmpty() ? null : ctx.upcasters();
        this.upcastScratch = new Command(ctx.maxPayloadLength());
        this.entryScratch = new UnsafeBuffer(new byte[CommandCodec.HEADER_LENGTH + ctx.maxPayloadLength()]);
        this.journal = ctx.journal();
    }

    /** Whether replayed events go to the output ring (some listener asked for them). */
    public void replayDelivered(final boolean replayDelivered)
    {
        this.replayDelivered = replayDelivered;
    }

    /** Commands that threw in the state machine (or its upcasters) since launch, replayed ones included. */
    public long failed()
    {
        return counters.failed.get();
    }

    /**
     * Applies one command at its position.
     *
     * @return false if the engine halted on this command.
     */
    public boolean apply(final Command received, final boolean replay)
    {
        output.begin(received, replay, replay && !replayDelivered);
        try
        {
            return applyBegun(received, replay);
        }
        catch (final RingOutput.ListenersStopped ex)
        {
            // A close that timed out stopped the listeners while this command waited to emit, its own events or a
            // rejection the engine makes (a duplicate, say: a reviewer found those escaping as a stage's failure, which
            // stopped the journal and lost the accepted commands after it). The command did not fail, and it is
            // journaled, so the next start applies it (and those after it) and delivers the events.
            output.abort();
            status.halt(new RingOutput.ListenersStopped(status.name() + ": the close timed out while position " +
                received.position() + " waited for its listeners to take events, and they were stopped: it and the " +
                "commands after it are journaled, and the next start recovers them from the journal, where only " +
                "listeners that receive replayed events (OutputListener.receivesReplay) see theirs"));
            return false;
        }
    }

    private boolean applyBegun(final Command received, final boolean replay)
    {
        Command command = received;
        final long position = received.position();
        final long sourceId = received.sourceId();

        if (sourceId != 0)
        {
            // Publish refuses these; a journal written elsewhere might not have. Never a dedup entry.
            if (received.sourceSequence() < 0)
            {
                return rejectBeforeApply(Rejections.INVALID_SOURCE_SEQUENCE, received, replay, false);
            }
            final long last = lastSequenceBySource.get(sourceId);
            if (last != NONE && received.sourceSequence() <= last)
            {
                return rejectBeforeApply(Rejections.DUPLICATE, received, replay, true);
            }
        }

        final int type = received.type();
        if (type < 0)
        {
            applySystemCommand(received, replay);
        }
        else
        {
            boolean upcasting = false;
            try
            {
                if (upcasters != null && upcasters.appliesTo(received))
                {
                    command = upcastScratch.set(position, received.timestamp(), type, received.version(),
                        sourceId, received.sourceSequence(), received.correlationId(), received.payload(), 0,
                        received.payloadLength());
                    upcasting = true;
                    upcasters.upcast(command);
                    upcasting = false;
                    output.begin(command, replay, replay && !replayDelivered);
                }
                stateMachine.apply(command, output);
                output.end();
                if (output.rejectedByStateMachine())
                {
                    Counters.increment(counters.rejectedByStateMachine);
                }
            }
            catch (final RingOutput.ListenersStopped ex)
            {
                throw ex;   // not the command's failure: apply says what it is
            }
            catch (final Throwable ex)
            {
                if (ex instanceof VirtualMachineError && status.failure() instanceof ListenerException &&
                    status.failure().getCause() == ex)
                {
                    // An inline listener's, once the command's events were published: the listener halted the engine.
                    return false;
                }
                // A reviewer's: an upcaster that threw was blamed on the state machine, which never saw the command.
                final boolean claimedOverflow = !upcasting && claimedOverflow(ex);
                final String hint = upcasting ? "thrown by the upcasters of type " + type + " version " +
                    received.version() + ", before the state machine saw the command" : boundsHint(ex, command);
                output.abort();
                Counters.increment(counters.failed);
                final CommandFailedException failure = new CommandFailedException(position, type, ex, hint);
                // A JVM error (out of memory, stack overflow) is not a property of the command: replay
                // would not fail the same way, so it can never be a deterministic rejection. Nor is an event past the
                // output's limits (EventLimitException, a claimed event written past its bytes): a setting's.
                if (errorPolicy == ErrorPolicy.HALT || ex instanceof VirtualMachineError || ex instanceof CannotApply ||
                    claimedOverflow || status.abandoning())
                {
                    if (!status.abandoning())
                    {
                        // The events of the batch's earlier commands go out before the halt can be seen: close drains
                        // the listeners of what is published when it looks, and would leave these behind. Room for
                        // them was made as they were written, so this never waits.
                        output.flush();
                    }
                    status.halt(failure);
                    return false;
                }
                status.recordError(failure);
                output.begin(received, replay, replay && !replayDelivered);
                output.engineReject(Rejections.COMMAND_FAILED);
                output.end();
                Counters.increment(counters.rejected);
            }
        }

        if (sourceId != 0)
        {
            lastSequenceBySource.put(sourceId, received.sourceSequence());
        }
        finish(received, replay);
        return true;
    }

    private boolean rejectBeforeApply(
        final int reason, final Command received, final boolean replay, final boolean duplicate)
    {
        output.engineReject(reason);
        output.end();
        if (duplicate)
        {
            Counters.increment(counters.duplicates);
        }
        Counters.increment(counters.rejected);
        finish(received, replay);
        return true;
    }

    /**
     * What an {@link IndexOutOfBoundsException} from the state machine most likely was, in words, from the
     * capacity it names: an event claimed with {@code Output.claim} written past the event payload's capacity,
     * or a read past the command's payload. Null when it names neither (or is no such exception).
     */
    private String boundsHint(final Throwable ex, final Command command)
    {
        if (!(ex instanceof IndexOutOfBoundsException) || ex.getMessage() == null)
        {
            return null;
        }
        final String message = ex.getMessage();
        final int claimed = output.claimedCapacity();
        if (claimed >= 0 && names(message, claimed))
        {
            return "an event claimed with Output.claim was written past its " + claimed + " bytes, the engine's " +
                "maxEventPayloadLength (EngineContext.maxEventPayloadLength): the engine halts, the command journaled; " +
                "start it with a larger maxEventPayloadLength and the command is applied whole";
        }
        if (names(message, command.payloadLength()))
        {
            return "it read past the command's payload of " + command.payloadLength() + " bytes: Command.payload() " +
                "holds payloadLength() bytes, and a command may carry fewer than the state machine expects (check " +
                "the length first)";
        }
        return null;
    }

    /** Whether {@code ex} is an event claimed with {@code Output.claim} written past its bytes, the engine's limit. */
    private boolean claimedOverflow(final Throwable ex)
    {
        final int claimed = output.claimedCapacity();
        return ex instanceof IndexOutOfBoundsException && ex.getMessage() != null && claimed >= 0 &&
            names(ex.getMessage(), claimed);
    }

    /** Whether an Agrona or JDK bounds message names {@code capacity} as the buffer's length. */
    private static boolean names(final String message, final int capacity)
    {
        return message.endsWith("capacity=" + capacity) || message.endsWith("for length " + capacity);
    }

    private void applySystemCommand(final Command command, final boolean replay)
    {
        if (command.type() == SystemCommands.SNAPSHOT)
        {
            output.end();
            if (!replay)
            {
                takeSnapshot(command);
            }
        }
        else if (command.type() == SystemCommands.VOID)
        {
            output.end();
        }
        else if (command.type() == SystemCommands.EPOCH)
        {
            output.end();
            if (!replay)
            {
                // A leader's history begins: where each source stands now is where it resumes on this leader.
                sequencesAtEpoch = new SequencesAt(command.position(), copyOfSourceSequences());
            }
        }
        else
        {
            output.engineReject(Rejections.UNKNOWN_SYSTEM_COMMAND);
            output.end();
            Counters.increment(counters.rejected);
        }
    }

    private void finish(final Command command, final boolean replay)
    {
        final long position = command.position();
        Counters.increment(counters.applied);
        counters.lastAppliedPosition.lazySet(position);
        // Not a second time where a requested one (SystemCommands.SNAPSHOT) was just taken at this position (a reviewer
        // found one state written, synced and counted twice).
        if (!replay && snapshotEvery > 0 && position % snapshotEvery == 0 && command.type() != SystemCommands.SNAPSHOT)
        {
            takeSnapshot(command);
        }
        if (replay)
        {
            // Where it took them live, at its checks and its snapshots: a replicated node started again holds the hashes
            // its journal reached, so its pair compares them within a heartbeat rather than at the next live check
            // both take (a reviewer's note: a million positions away on an idle pair at the default, and a mended
            // standby's promotion refused until then). Only the tail's: the ring keeps the newest CAPACITY.
            if (position > replayChecksFrom && (stateCheckEvery > 0 && position % stateCheckEvery == 0 ||
                snapshotEvery > 0 && position % snapshotEvery == 0))
            {
                recordCheck(position);
            }
        }
        else if (position >= nextStateCheck)
        {
            checkState(position);
        }
    }

    /**
     * The replay at launch goes up to {@code last}: with {@link EngineContext#replayStateChecks} it takes its state
     * checks at the positions a live run takes them, from the {@link StateChecks#CAPACITY} such positions before
     * {@code last} on (at snapshot positions alone where {@code stateCheckEvery} is 0: a reviewer's mended standby with
     * checks at snapshots only took none, and stayed DIFFERS on an idle pair).
     */
    public void replayingTo(final long last)
    {
        final long step = stateCheckEvery > 0 && snapshotEvery > 0 ? Math.min(stateCheckEvery, snapshotEvery) :
            Math.max(stateCheckEvery, snapshotEvery);
        if (replayStateChecks && step > 0)
        {
            replayChecksFrom = step > last / StateChecks.CAPACITY ? 0 : last - StateChecks.CAPACITY * step;
        }
    }

    /** Takes the state hash at a multiple of stateCheckEvery (a live start past one waits for the next). */
    private void checkState(final long position)
    {
        nextStateCheck = (position / stateCheckEvery + 1) * stateCheckEvery;
        // A snapshot at the same position took the hash already.
        if (position % stateCheckEvery == 0 && stateChecks.latestPosition() != position)
        {
            recordCheck(position);
        }
    }

    private void recordCheck(final long position)
    {
        try
        {
            stateChecks.record(position, stateHash());
        }
        catch (final RuntimeException ex)
        {
            // The command was applied; the check is what failed, and a pair compares at the next one instead.
            status.recordError(new IllegalStateException("the state hash at position " + position + " failed " +
                "(StateMachine.stateHash threw): no state check there: " + ex, ex));
        }
    }

    /** The state hashes taken live, at state checks and snapshots: for other threads (a replicated pair compares them). */
    public StateChecks stateChecks()
    {
        return stateChecks;
    }

    /**
     * Snapshots the state after {@code command}, naming the journal and the checksum of the command's
     * entry: the command as journaled, before any upcast, so recovery can find the same entry there.
     */
    private void takeSnapshot(final Command command)
    {
        if (snapshotStore == null)
        {
            return;
        }
        final long position = command.position();
        try
        {
            final int length = writeSnapshot(snapshotBuffer);
            final long entryChecksum = CommandCodec.checksum(command, entryScratch, entryCrc) & 0xFFFF_FFFFL;
            final long hash = stateHash();
            stateChecks.record(position, hash);
            snapshotStore.store(position, hash, journal.id(), entryChecksum, snapshotBuffer, 0, length);
            Counters.increment(counters.snapshots);
        }
        catch (final Throwable ex)
        {
            // A failed snapshot costs recovery time, not correctness: the journal still has everything.
            final String why = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
            status.recordError(new SnapshotException("snapshot at position " + position + " failed: " + why, ex));
        }
    }

    public int writeSnapshot(final ExpandableArrayBuffer buffer)
    {
        final long[] sources = lastSequenceBySource.keySet().stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sources);
        int offset = 0;
        buffer.putInt(offset, sources.length, ORDER);
        offset += 4;
        for (final long source : sources)
        {
            buffer.putLong(offset, source, ORDER);
            buffer.putLong(offset + 8, lastSequenceBySource.get(source), ORDER);
            offset += 16;
        }
        final int written = stateMachine.writeSnapshot(buffer, offset);
        if (written < 0 || written > buffer.capacity() - offset)
        {
            // A reviewer's: -5 failed as "Range [52, 52 + 4) out of bounds", -1000 as a NegativeArraySizeException.
            throw new SnapshotException(stateMachine.getClass().getName() + ".writeSnapshot returned " + written +
                ": it returns the number of bytes it wrote from the offset it was given (" + offset + "), 0 to " +
                (buffer.capacity() - offset) + " here");
        }
        return offset + written;
    }

    public void loadSnapshot(final Snapshot snapshot)
    {
        final DirectBuffer data = snapshot.data();
        final int length = snapshot.length();
        if (length < 4)
        {
            throw new SnapshotException("snapshot at position " + snapshot.position() + " is too short: " + length);
        }
        final int count = data.getInt(0, ORDER);
        if (count < 0 || 4 + 16L * count > length)
        {
            throw new SnapshotException("snapshot at position " + snapshot.position() + " has a bad dedup count " + count);
        }
        lastSequenceBySource.clear();
        int offset = 4;
        for (int i = 0; i < count; i++)
        {
            lastSequenceBySource.put(data.getLong(offset, ORDER), data.getLong(offset + 8, ORDER));
            offset += 16;
        }
        try
        {
            stateMachine.loadSnapshot(data, offset, length - offset);
        }
        catch (final RuntimeException ex)
        {
            // Not skipped for an older one: the state machine is half loaded now, and only a new instance could try again.
            throw new SnapshotException("the snapshot at position " + snapshot.position() + " passed its checks, but " +
                stateMachine.getClass().getName() + ".loadSnapshot failed on it (" + (ex.getMessage() != null ?
                ex.getMessage() : ex.getClass().getSimpleName()) + "). Is this the StateMachine that wrote this journal " +
                "and its snapshots, and did its snapshot format change without a version? Move the snapshots away to " +
                "recover from the journal alone", ex);
        }
        counters.lastAppliedPosition.set(snapshot.position());
        final long hash = stateHash();
        if (hash != snapshot.stateHash())
        {
            // A reviewer's: this was an IllegalStateException naming no way out, where a loadSnapshot that throws names
            // one. A stateHash whose code changed (an upgrade) meets it as surely as one that is not deterministic.
            throw new SnapshotException("the snapshot at position " + snapshot.position() + " passed its checks, but " +
                stateMachine.getClass().getName() + " loaded it to state hash " + Long.toHexString(hash) + ", not the " +
                Long.toHexString(snapshot.stateHash()) + " it recorded when it was taken: its writeSnapshot, " +
                "loadSnapshot and stateHash disagree (did one of them change since, or is stateHash not deterministic?). " +
                "Move the snapshots away to recover from the journal alone; 'scripts/journal replay --check-snapshots' " +
                "compares a replay with each of them");
        }
        // The state this process holds there, as a snapshot taken live records it.
        stateChecks.record(snapshot.position(), hash);
    }

    /**
     * A copy of the dedup table: source id to the last source sequence applied. Taken on the
     * business-logic thread (at the end of recovery), for readers on other threads.
     */
    public Long2LongHashMap copyOfSourceSequences()
    {
        final Long2LongHashMap copy = new Long2LongHashMap(NONE);
        copy.putAll(lastSequenceBySource);
        return copy;
    }

    /**
     * The dedup table as of the last epoch command this engine applied live (its promotion, or one it
     * followed), with that command's position, or null if none: taken on the business-logic thread, for
     * readers on other threads.
     */
    public SequencesAt sourceSequencesAtEpoch()
    {
        return sequencesAtEpoch;
    }

    /** The state machine's hash combined with the dedup table's; independent of map iteration order. */
    public long stateHash()
    {
        long dedup = 0;
        final Long2LongHashMap.EntryIterator it = lastSequenceBySource.entrySet().iterator();
        while (it.hasNext())
        {
            it.next();
            dedup += Hashing.mix(Hashing.combine(it.getLongKey(), it.getLongValue()));
        }
        return Hashing.combine(stateMachine.stateHash(), dedup);
    }
}
