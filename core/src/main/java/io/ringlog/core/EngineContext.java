package io.ringlog.core;

import com.lmax.disruptor.WaitStrategy;
import io.ringlog.core.engine.CpuPinning;
import io.ringlog.core.engine.StageThreads;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.OffsetEpochNanoClock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Configuration for an {@link Engine}: fluent setters, accessors without {@code get}, and
 * {@link #conclude()}, which fills defaults and validates once, at launch. The engine owns the
 * stages it is given (journal, snapshot store, replicator) and closes them when it closes.
 */
public final class EngineContext
{
    private String name = "ringlog";
    private int ringSize = 1 << 16;
    private int maxPayloadLength = 256;
    private int outputRingSize = 1 << 16;
    private int maxEventPayloadLength = 256;
    private Supplier<WaitStrategy> waitStrategy = WaitStrategies.PARKING;
    private Topology topology = Topology.PIPELINED;
    private StateMachine stateMachine;
    private Journal journal;
    private SnapshotStore snapshotStore;
    private Replicator replicator;
    private final List<OutputListener> listeners = new ArrayList<>();
    private final List<String> listenerNames = new ArrayList<>();
    private final List<OutputListener> inlineListeners = new ArrayList<>();
    private final List<String> inlineListenerNames = new ArrayList<>();
    private final Map<String, Integer> stageCpus = new LinkedHashMap<>();
    private ErrorPolicy errorPolicy = ErrorPolicy.REJECT;
    private ErrorHandler errorHandler;
    private EpochNanoClock clock;
    private ThreadFactory threadFactory;
    private RecoveryListener recoveryListener;
    private Upcasters upcasters = new Upcasters();
    private long snapshotEvery;
    private long stateCheckEvery;
    private boolean replayStateChecks;
    private Duration closeTimeout = Duration.ofSeconds(30);
    private Supplier<IdleStrategy> producerIdleStrategy = () -> new BackoffIdleStrategy(64, 64, 1_000, 50_000);
    private boolean follower;
    private boolean singlePublisher;
    private String promotedBy;
    private BooleanSupplier promoting;
    private boolean concluded;
    private String launchedAs;

    /** Fills defaults and validates. Called by {@link Engine#launch}; calling it twice is harmless. */
    public EngineContext conclude()
    {
        if (concluded)
        {
            return this;
        }
        requirePowerOfTwo("ringSize", ringSize);
        requirePowerOfTwo("outputRingSize", outputRingSize);
        if (maxPayloadLength <= 0)
        {
            throw new IllegalArgumentException("maxPayloadLength must be positive: " + maxPayloadLength);
        }
        if (maxEventPayloadLength < 4)
        {
            throw new IllegalArgumentException("maxEventPayloadLength must be at least 4 (a reason code): " +
                maxEventPayloadLength);
        }
        if (stateMachine == null)
        {
            throw new IllegalArgumentException("stateMachine is required");
        }
        if (stateCheckEvery < 0)
        {
            throw new IllegalArgumentException("stateCheckEvery must be zero (off) or positive: " + stateCheckEvery);
        }
        if (snapshotEvery < 0)
        {
            throw new IllegalArgumentException("snapshotEvery must be zero (off) or positive: " + snapshotEvery);
        }
        // A newcomer's finding: a closed snapshot store launched, and failed at the first snapshot in the words of a
        // thread pool ("Task ... rejected from ... Terminated"); a closed journal at the first read.
        final String closedStage = journal != null && journal.closed() ? "journal" : snapshotStore != null &&
            snapshotStore.closed() ? "snapshot store" : null;
        if (closedStage != null)
        {
            throw new IllegalArgumentException("the " + closedStage + " given (" + (closedStage.equals("journal") ?
                journal : snapshotStore).getClass().getSimpleName() + ") is closed: an engine closes the journal and " +
                "snapshot store it is given when it closes. Open new ones for each launch");
        }
        if (snapshotEvery > 0 && snapshotStore == null)
        {
            throw new IllegalArgumentException("snapshotEvery(" + snapshotEvery + ") needs a snapshotStore to write to; " +
                "without one no snapshot would be taken");
        }
        // The one that is null, by name (a reviewer's closeTimeout(null) was told of all six).
        final String nulls = (waitStrategy == null ? ", waitStrategy" : "") + (topology == null ? ", topology" : "") +
            (errorPolicy == null ? ", errorPolicy" : "") + (upcasters == null ? ", upcasters" : "") +
            (closeTimeout == null ? ", closeTimeout" : "") + (producerIdleStrategy == null ? ", producerIdleStrategy" : "");
        if (!nulls.isEmpty())
        {
            throw new IllegalArgumentException(nulls.substring(2) + " must not be null (leave a setting out for its " +
                "default)");
        }
        if (closeTimeout.isNegative())
        {
            throw new IllegalArgumentException("closeTimeout must not be negative: " + closeTimeout);
        }
        if (singlePublisher && follower)
        {
            throw new IllegalArgumentException("singlePublisher(true) with follower(true): a follower's commands come " +
                "from the thread that follows its leader, and once it is promoted from its own publishers, two threads; " +
                "launch the follower without singlePublisher");
        }
        if (recoveryListener == null)
        {
            recoveryListener = RecoveryListener.printingSkipped(name);
        }
        if (!stageCpus.isEmpty())
        {
            final List<String> stages = stageNames();
            for (final Map.Entry<String, Integer> pin : stageCpus.entrySet())
            {
                if (!stages.contains(pin.getKey()))
                {
                    throw new IllegalArgumentException("stageCpu(\"" + pin.getKey() + "\", " + pin.getValue() +
                        "): this engine has no such stage; its stages are " + String.join(", ", stages));
                }
                CpuPinning.requireAllowed(pin.getKey(), pin.getValue());
            }
        }
        final boolean journalGiven = journal != null;
        if (journal == null)
        {
            journal = new InMemoryJournal(maxPayloadLength);
        }
        if (journal instanceof InMemoryJournal && snapshotStore != null && snapshotStore.persistent())
        {
            throw new IllegalArgumentException("a snapshot store on disk with the in-memory journal" +
                (journalGiven ? "" : " (no journal was given)") + ": the journal ends with the process, and a " +
                "snapshot names its journal, so every start, on a new in-memory journal, would skip every snapshot " +
                "and start empty. Journal to disk (ChronicleJournal, ringlog-journal) to keep state across restarts, " +
                "or keep the snapshots in memory (InMemorySnapshotStore)");
        }
        if (errorHandler == null)
        {
            errorHandler = PrintingErrorHandler.toStandardError(name);
        }
        if (clock == null)
        {
            // nanoTime plus a sampled epoch offset: allocation-free, unlike Instant-based clocks.
            clock = new OffsetEpochNanoClock();
        }
        if (threadFactory == null)
        {
            final String prefix = name;
            final AtomicInteger unnamed = new AtomicInteger();
            threadFactory = (runnable) ->
            {
                final Thread thread = new Thread(runnable, prefix + "-" + unnamed.incrementAndGet());
                thread.setDaemon(false);
                return thread;
            };
        }
        concluded = true;
        return this;
    }

    /** The name of the engine this context launched, or null before its launch. */
    String launchedAs()
    {
        return launchedAs;
    }

    void launchedAs(final String engine)
    {
        launchedAs = engine;
    }

    private static void requirePowerOfTwo(final String what, final int value)
    {
        if (value < 2 || Integer.bitCount(value) != 1)
        {
            throw new IllegalArgumentException(what + " must be a power of two, at least 2: " + value);
        }
    }

    /** Used in thread names and error messages. */
    public EngineContext name(final String name)
    {
        this.name = name;
        return this;
    }

    public String name()
    {
        return name;
    }

    /** Slots in the input ring; a power of two. When it is full, {@code tryPublish} fails and {@code publish} waits. */
    public EngineContext ringSize(final int ringSize)
    {
        this.ringSize = ringSize;
        return this;
    }

    public int ringSize()
    {
        return ringSize;
    }

    /** Largest command payload, in bytes; each input slot preallocates this much. */
    public EngineContext maxPayloadLength(final int maxPayloadLength)
    {
        this.maxPayloadLength = maxPayloadLength;
        return this;
    }

    public int maxPayloadLength()
    {
        return maxPayloadLength;
    }

    /** Slots in the output ring; a power of two, larger than the most events one command emits. */
    public EngineContext outputRingSize(final int outputRingSize)
    {
        this.outputRingSize = outputRingSize;
        return this;
    }

    public int outputRingSize()
    {
        return outputRingSize;
    }

    /** Largest event payload, in bytes; each output slot preallocates this much. */
    public EngineContext maxEventPayloadLength(final int maxEventPayloadLength)
    {
        this.maxEventPayloadLength = maxEventPayloadLength;
        return this;
    }

    public int maxEventPayloadLength()
    {
        return maxEventPayloadLength;
    }

    /** How stage threads wait for work; {@link WaitStrategies#PARKING} by default. Called once per ring. */
    public EngineContext waitStrategy(final Supplier<WaitStrategy> waitStrategy)
    {
        this.waitStrategy = waitStrategy;
        return this;
    }

    public Supplier<WaitStrategy> waitStrategy()
    {
        return waitStrategy;
    }

    /** Which threads the stages run on: {@link Topology#PIPELINED} (the default) or {@link Topology#COMPACT}. */
    public EngineContext topology(final Topology topology)
    {
        this.topology = topology;
        return this;
    }

    public Topology topology()
    {
        return topology;
    }

    /**
     * The business logic, which holds all state; required. A new instance for each launch: one launched
     * before is refused, since it holds the state its engine left.
     */
    public EngineContext stateMachine(final StateMachine stateMachine)
    {
        this.stateMachine = stateMachine;
        return this;
    }

    public StateMachine stateMachine()
    {
        return stateMachine;
    }

    /** Where commands are made durable; an unbounded {@link InMemoryJournal} when not set. */
    public EngineContext journal(final Journal journal)
    {
        this.journal = journal;
        return this;
    }

    public Journal journal()
    {
        return journal;
    }

    /**
     * Where snapshots go, and where recovery looks for the newest one; none by default. A store alone takes
     * no snapshot: set {@link #snapshotEvery} too, or call {@link Engine#requestSnapshot()}.
     */
    public EngineContext snapshotStore(final SnapshotStore snapshotStore)
    {
        this.snapshotStore = snapshotStore;
        return this;
    }

    public SnapshotStore snapshotStore()
    {
        return snapshotStore;
    }

    /** Ships commands to a standby; none by default. */
    public EngineContext replicator(final Replicator replicator)
    {
        this.replicator = replicator;
        return this;
    }

    public Replicator replicator()
    {
        return replicator;
    }

    /** Adds a listener that consumes output events on its own thread. */
    public EngineContext listener(final String name, final OutputListener listener)
    {
        checkListener(name, listener);
        listeners.add(listener);
        listenerNames.add(name);
        return this;
    }

    /**
     * Adds a listener that runs on the business-logic thread instead of its own: it gets each range of
     * events as the logic publishes it (at the end of each batch of commands, or once a quarter of the
     * output ring waits), in order, before the logic goes on. It sees exactly what a listener on its own
     * thread sees, at the moment that one could first see it, so only what is durable (journaled and, with
     * synchronous replication, acknowledged); replayed events only if it {@linkplain
     * OutputListener#receivesReplay asks}; an exception it throws goes to the error handler and it gets
     * the next event.
     * <p>
     * It costs no thread, no wake-up and no cache lines crossing between cores, which is what a listener
     * on its own thread pays per event; in exchange, the logic waits for it. Use it for work that is
     * short and never blocks: a non-blocking write to a socket or to an Aeron publication, a copy into a
     * queue, a counter. The event is a slot of the output ring, reused once it returns: copy what it keeps.
     * To publish to its own engine it uses {@link Engine#tryPublish}: a {@link Engine#publish} that finds
     * the ring full there is refused with an {@link IllegalStateException}, since only the thread it runs
     * on can make room.
     * <p>
     * It usually runs between two commands. When the output ring fills up while a command is applied (a
     * slow listener on its own thread, or a command with many events), the events of the commands before
     * it are published then, to make room, and an inline listener gets them then too, while the state
     * machine is in the middle of that command: so it must never read the state machine, whose state is
     * then half-way through a command (a threaded listener must not either, for other reasons).
     */
    public EngineContext inlineListener(final String name, final OutputListener listener)
    {
        checkListener(name, listener);
        inlineListeners.add(listener);
        inlineListenerNames.add(name);
        return this;
    }

    private void checkListener(final String name, final OutputListener listener)
    {
        if (listener == null || name == null)
        {
            throw new IllegalArgumentException("listener and its name must not be null");
        }
        if (listenerNames.contains(name) || inlineListenerNames.contains(name))
        {
            throw new IllegalArgumentException("a listener named '" + name + "' was added already: " +
                "errors and stage names tell listeners apart by name");
        }
    }

    /** The listeners on the business-logic thread, in the order they were added. */
    public List<OutputListener> inlineListeners()
    {
        return inlineListeners;
    }

    public List<String> inlineListenerNames()
    {
        return inlineListenerNames;
    }

    public List<OutputListener> listeners()
    {
        return listeners;
    }

    public List<String> listenerNames()
    {
        return listenerNames;
    }

    /**
     * Pins a stage's thread to one CPU from the moment it starts ({@code sched_setaffinity} on Linux,
     * through OpenHFT's Java-Thread-Affinity). {@code stage} is the stage thread's name without the
     * engine's name: {@code compact} (COMPACT); {@code journal}, {@code logic} and, with a replicator,
     * {@code replicator} (PIPELINED); {@code listener-<name>} for each listener on its own thread (an
     * {@linkplain #inlineListener inline listener} has none). {@link Engine#launch}
     * refuses a stage this engine does not have, a CPU the launching thread may not run on (the
     * process's CPUs, unless it was narrowed), and a platform where threads cannot be pinned. A thread that
     * fails to pin all the same goes to the {@link #errorHandler} and runs unpinned. It needs
     * {@code net.openhft:affinity} on the class path, an optional dependency of ringlog-core that
     * ringlog-journal brings with Chronicle Queue; without it, launch says so.
     * <p>
     * A CPU per busy-spinning stage, kept free of everything else, is the usual way to run an LMAX-style
     * engine on a machine with cores to spare. On a small machine, a stage that hands every event to
     * another (the business-logic stage and its listeners) can do better on one CPU than on two; see
     * bench/README.md, "Where the threads run".
     */
    public EngineContext stageCpu(final String stage, final int cpu)
    {
        if (stage == null)
        {
            throw new IllegalArgumentException("stage must not be null");
        }
        stageCpus.put(stage, cpu);
        return this;
    }

    /** The stages pinned to CPUs, by stage name (see {@link #stageCpu}). */
    public Map<String, Integer> stageCpus()
    {
        return Collections.unmodifiableMap(stageCpus);
    }

    /** This engine's stage names, as {@link #stageCpu} takes them, in the order their threads start. */
    public List<String> stageNames()
    {
        final List<String> stages = new ArrayList<>();
        for (final String listener : listenerNames)
        {
            stages.add(StageThreads.listener(listener));
        }
        if (topology == Topology.COMPACT)
        {
            stages.add(StageThreads.COMPACT);
        }
        else
        {
            stages.add(StageThreads.JOURNAL);
            if (replicator != null)
            {
                stages.add(StageThreads.REPLICATOR);
            }
            stages.add(StageThreads.LOGIC);
        }
        return stages;
    }

    /**
     * What a command whose {@code apply} throws does: {@link ErrorPolicy#REJECT} (the default) answers it
     * with {@code Rejections.COMMAND_FAILED}, drops its events and goes on; {@link ErrorPolicy#HALT} stops
     * the engine. Both report the failure to the {@link #errorHandler}. Replay applies the same policy.
     */
    public EngineContext errorPolicy(final ErrorPolicy errorPolicy)
    {
        this.errorPolicy = errorPolicy;
        return this;
    }

    public ErrorPolicy errorPolicy()
    {
        return errorPolicy;
    }

    /**
     * Receives every failure the engine records (it must not throw). By default each distinct failure is
     * printed to stderr with its stack trace, and its repeats as one line a second with their count.
     */
    public EngineContext errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        return this;
    }

    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /**
     * Stamps each command at ingress, in epoch nanoseconds. Default: Agrona's
     * {@code OffsetEpochNanoClock}, which allocates nothing. Producers stamp in parallel, so
     * timestamps follow each producer's order, not strictly the position order.
     */
    public EngineContext clock(final EpochNanoClock clock)
    {
        this.clock = clock;
        return this;
    }

    public EpochNanoClock clock()
    {
        return clock;
    }

    /** Makes the stage threads (named {@code <name>-<n>} non-daemon threads by default). */
    public EngineContext threadFactory(final ThreadFactory threadFactory)
    {
        this.threadFactory = threadFactory;
        return this;
    }

    public ThreadFactory threadFactory()
    {
        return threadFactory;
    }

    /**
     * Told what recovery does at launch: the snapshot it loaded or skipped, and replay progress. By default
     * each skipped snapshot is printed to standard error ({@link RecoveryListener#printingSkipped}).
     */
    public EngineContext recoveryListener(final RecoveryListener recoveryListener)
    {
        this.recoveryListener = recoveryListener;
        return this;
    }

    public RecoveryListener recoveryListener()
    {
        return recoveryListener;
    }

    /**
     * Rewrites commands of older schema versions (by type and version) into the current one before
     * {@code apply}, live and in replay, so the state machine sees one version of each command.
     */
    public EngineContext upcasters(final Upcasters upcasters)
    {
        this.upcasters = upcasters;
        return this;
    }

    public Upcasters upcasters()
    {
        return upcasters;
    }

    /** Take a snapshot after every N-th position (positions N, 2N, ...); 0 turns it off. */
    public EngineContext snapshotEvery(final long snapshotEvery)
    {
        this.snapshotEvery = snapshotEvery;
        return this;
    }

    public long snapshotEvery()
    {
        return snapshotEvery;
    }

    /**
     * Take the state hash after every N-th position applied (positions N, 2N, ...), live and in the replay at launch,
     * into {@link Engine#stateChecks()}, beside those taken at snapshots and at the snapshot the launch started from; 0
     * (the default) takes none but those.
     * Each costs one {@link StateMachine#stateHash()} on the business-logic thread. A {@code ReplicationNode}
     * sets it, so that its pair compares states.
     */
    public EngineContext stateCheckEvery(final long stateCheckEvery)
    {
        this.stateCheckEvery = stateCheckEvery;
        return this;
    }

    public long stateCheckEvery()
    {
        return stateCheckEvery;
    }

    /**
     * Take state checks in the tail of the replay at launch too, at the positions a live run takes them (every
     * {@link #stateCheckEvery} positions, and every {@link #snapshotEvery} whether or not it snapshots; the last
     * {@link StateChecks#CAPACITY} such positions), so that a node started again holds hashes its peer can compare
     * within a heartbeat. Off by default, so a replay costs no hash; a {@code ReplicationNode} turns it on.
     */
    public EngineContext replayStateChecks(final boolean replayStateChecks)
    {
        this.replayStateChecks = replayStateChecks;
        return this;
    }

    public boolean replayStateChecks()
    {
        return replayStateChecks;
    }

    /**
     * How a producer waits while the input ring is full: one {@link IdleStrategy} per producer thread,
     * made on its first wait. Agrona's {@code BackoffIdleStrategy} by default: 64 spins, 64 yields,
     * then parks from 1 µs growing to 50 µs, which behaves on a small machine.
     */
    public EngineContext producerIdleStrategy(final Supplier<IdleStrategy> producerIdleStrategy)
    {
        this.producerIdleStrategy = producerIdleStrategy;
        return this;
    }

    public Supplier<IdleStrategy> producerIdleStrategy()
    {
        return producerIdleStrategy;
    }

    /**
     * Every command comes from one thread (the thread that reads the network, a file, a Kafka poll): the input ring
     * is built single-producer, the Disruptor's {@code ProducerType.SINGLE}, so a publish claims its slot without a
     * CAS on the ring's shared cursor. The first thread that publishes (or asks for a snapshot, or claims a
     * {@link CommandBatch}) is the publisher for the engine's life; a publish from any other thread is refused
     * with an {@link IllegalStateException}, never let through to claim the same slot. A claimed {@code CommandBatch}
     * must be published before that thread claims anything else (claims go out in the order made). Close still loses
     * nothing accepted, and a parked stage is still woken by each publish. Not with {@link #follower(boolean)}: a
     * follower's commands come from its leader's thread, then from its own publishers. False by default.
     */
    public EngineContext singlePublisher(final boolean singlePublisher)
    {
        this.singlePublisher = singlePublisher;
        return this;
    }

    public boolean singlePublisher()
    {
        return singlePublisher;
    }

    /**
     * Launches a follower: commands arrive through {@link Engine#follower()} with positions and
     * timestamps assigned elsewhere (a standby's primary), and {@link Engine#publish} is refused until
     * {@link Engine#promote()}. False by default.
     */
    public EngineContext follower(final boolean follower)
    {
        this.follower = follower;
        return this;
    }

    public boolean follower()
    {
        return follower;
    }

    /**
     * For a follower whose promotion belongs to something else, which must stop following its leader
     * before the engine sequences its own commands (a {@code ReplicationNode}, which also journals the
     * new epoch and tells its peer): {@link Engine#promote} is then refused with a message that names
     * {@code owner}, unless {@code promoting} says the owner is promoting it now. Unset by default.
     *
     * @param owner     what promotes it, in words, e.g. "its ReplicationNode (ReplicationNode.promote())".
     * @param promoting asked on the thread that calls promote: true only when that is the owner, promoting
     *                  (a check of the calling thread, not only of a flag another thread could meet set).
     */
    public EngineContext promotedBy(final String owner, final BooleanSupplier promoting)
    {
        this.promotedBy = Objects.requireNonNull(owner, "owner");
        this.promoting = Objects.requireNonNull(promoting, "promoting");
        return this;
    }

    public String promotedBy()
    {
        return promotedBy;
    }

    public BooleanSupplier promoting()
    {
        return promoting;
    }

    /** How long {@link Engine#close()} waits for the rings to drain before it gives up loudly. */
    public EngineContext closeTimeout(final Duration closeTimeout)
    {
        this.closeTimeout = closeTimeout;
        return this;
    }

    public Duration closeTimeout()
    {
        return closeTimeout;
    }
}
