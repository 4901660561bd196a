package io.ringlog.journal.replication;

import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.Journal;
import org.HdrHistogram.Histogram;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One node of a primary/standby pair: an {@link Engine} with its own journal, state machine and
 * snapshots, the Aeron replicator stage inside it, and a replication agent beside it.
 * <pre>
 *   primary node                                      standby node
 *   ┌─────────────────────────────────┐               ┌─────────────────────────────────┐
 *   │ Engine: journal ─┐              │   log (1001)  │ ReplicationAgent ─► Engine      │
 *   │   AeronReplicator ┴► logic ─► … │ ────────────► │   (StandbyDuty)    (follower:   │
 *   │      ▲ gate                     │ catch-up(1002)│                     journal,     │
 *   │ ReplicationAgent (PrimaryDuty) ─┼─────────────► │                     logic, snap- │
 *   │   catch-up from the journal     │ control (1003)│   ACK of committed  shots)       │
 *   │   acks ─► gate                  │ ◄───────────► │   REQUEST, HEARTBEAT            │
 *   └─────────────────────────────────┘               └─────────────────────────────────┘
 * </pre>
 * A standby is promoted by {@link #promote(Duration)}: an external arbiter decides when (a pair has
 * no quorum to decide it by itself). The node's epoch, kept in its journal ({@link EpochIndex}),
 * fences a primary of an older epoch the moment either hears from the other.
 */
public final class ReplicationNode implements AutoCloseable
{
    private final ReplicationContext ctx;
    private final NodeState state;
    private final Channels channels;
    private final StatusFile status;
    private final Engine engine;
    private final ReplicationAgent agent;
    private final AgentRunner runner;
    /** Volatile: promote reads it unlocked (close holds the lock as it stops the agent). */
    private volatile boolean closed;

    private ReplicationNode(final ReplicationContext ctx, final NodeState state, final Channels channels,
        final StatusFile status, final Engine engine, final ReplicationAgent agent, final AgentRunner runner)
    {
        this.ctx = ctx;
        this.state = state;
        this.channels = channels;
        this.status = status;
        this.engine = engine;
        this.agent = agent;
        this.runner = runner;
    }

    /**
     * Launches a node: recovers its engine from the journal (and snapshots) in {@code engine}, then
     * replicates in {@code role}. The engine context must have a durable journal; the node sets its
     * replicator and, for a standby, follower mode. The node owns the engine's stages as the engine does.
     *
     * @throws ReplicationException if the epoch index does not match the journal, or Aeron cannot start.
     */
    public static ReplicationNode launch(final ReplicationContext ctx, final EngineContext engine, final Role role)
    {
        if (role != Role.PRIMARY && role != Role.STANDBY)
        {
            throw new IllegalArgumentException("a node is launched as PRIMARY or STANDBY, not " + role);
        }
        ctx.conclude();
        final Journal journal = engine.journal();
        if (journal == null || journal.readOnly())
        {
            throw new IllegalArgumentException("a replication node needs a writable journal in its engine context");
        }
        final int maxPayloadLength = engine.maxPayloadLength();
        StatusFile status = null;
        Channels channels = null;
        Engine launched = null;
        try
        {
            Files.createDirectories(ctx.directory());
            final EpochIndex epochs = EpochIndex.load(ctx.directory(), journal, maxPayloadLength, ctx.eventHandler());
            status = StatusFile.create(ctx.directory());
            final NodeState state = new NodeState();
            state.role = role;
            state.epoch = epochs.current();
            channels = Channels.open(ctx, (image) -> state.streamsAppeared.incrementAndGet(), (image) ->
            {
            });
            channels.history(journal);
            if (engine.stateCheckEvery() == 0)
            {
                engine.stateCheckEvery(ctx.stateCheckEvery());
            }
            // With checks at snapshots only (0) too: a node started again is compared at once, at a snapshot position.
            engine.replayStateChecks(true);
            engine.replicator(new AeronReplicator(state, channels.log(), ctx, maxPayloadLength)).follower(role == Role.STANDBY)
                .promotedBy("its ReplicationNode (ReplicationNode.promote())", () -> state.promoter == Thread.currentThread());
            launched = Engine.launch(engine);
            final ReplicationAgent agent = new ReplicationAgent(ctx, state, channels, status, epochs, journal, launched,
                maxPayloadLength);
            final AgentRunner runner = new AgentRunner(ctx.idleStrategy().get(),
                (ex) ->
                {
                    // A closing primary's journal closes under a catch-up reading it: not a failure to report.
                    if (!journal.closed())
                    {
                        ctx.eventHandler().accept("replication agent failed: " + ex);
                    }
                }, null, agent);
            // Said before the agent runs: its first events (the peer connected) come after, as they happen.
            ctx.eventHandler().accept("started as " + role.name().toLowerCase(java.util.Locale.ROOT) + " in epoch " +
                state.epoch + " (" + epochs + "), " + ctx.mode().name().toLowerCase(java.util.Locale.ROOT) +
                ", listening on " + ctx.localEndpoint() + ", peer " + ctx.peerEndpoint() + ", journal ends at " +
                journal.lastPosition());
            AgentRunner.startOnThread(runner);
            return new ReplicationNode(ctx, state, channels, status, launched, agent, runner);
        }
        catch (final IOException ex)
        {
            cleanUp(launched, channels, status, engine);
            throw new UncheckedIOException("cannot create the node directory " + ctx.directory() + ": " + ex, ex);
        }
        catch (final RuntimeException ex)
        {
            cleanUp(launched, channels, status, engine);
            throw ex;
        }
    }

    private static void cleanUp(final Engine launched, final Channels channels, final StatusFile status,
        final EngineContext engine)
    {
        if (launched != null)
        {
            CloseHelper.quietClose(launched);
        }
        else
        {
            // The engine would have owned them; it never started, so close them as it would have.
            CloseHelper.quietCloseAll(engine.snapshotStore(), engine.journal());
        }
        CloseHelper.quietCloseAll(channels, status);
    }

    /** The node's engine: publish to it while it is the primary. */
    public Engine engine()
    {
        return engine;
    }

    /** What the node is doing now. */
    public Role role()
    {
        return state.role;
    }

    /** Whether this primary's peer says it is a primary too (both started as primaries): it acknowledges nothing. */
    public boolean peerIsPrimary()
    {
        return state.twoPrimaries;
    }

    /**
     * Whether a node whose journal is another one than this node's sends to it (a --peer that names a node of another
     * pair, or two primaries started on new journals): it neither fences nor follows this node, and acknowledges
     * nothing. Any thread.
     */
    public boolean peerHoldsAnotherJournal()
    {
        return state.anotherHistory;
    }

    /** The epoch the node is in. */
    public long epoch()
    {
        return state.epoch;
    }

    /**
     * The last position whose events the primary this standby follows said it had shown (its
     * {@link ReplicationContext#shownPosition}), or -1 if it has not said. Any thread.
     */
    public long primaryShown()
    {
        return agent.primaryShown();
    }

    /**
     * Promotes this standby to primary: it stops following, journals a new epoch as its first own
     * command, and from then on sequences commands and replicates them to a standby of its own (the old
     * primary, once it rejoins). Waits until the epoch is in the journal.
     *
     * @throws ReplicationException if this node is not a standby, has not heard from a primary since it
     *                              started, or heard from one within the peer timeout (it is running: see
     *                              {@link #promote(Duration, boolean)}), or the promotion did not complete in time.
     */
    public Promotion promote(final Duration timeout)
    {
        return promote(timeout, false);
    }

    /**
     * Like {@link #promote(Duration)}; with {@code force}, also a standby that has not heard from a primary
     * since it started (its new epoch is then one more than the newest it knows, which a primary it never
     * heard from may already have: force only when the old primary is known to be gone and no newer), and one
     * whose primary is still heard from (two primaries until the old one is fenced: force only when the old
     * one is cut off from its clients too).
     */
    public Promotion promote(final Duration timeout, final boolean force)
    {
        if (closed)
        {
            // A reviewer's: its agent had stopped, so the request waited out the timeout and then advised a longer one.
            throw closedNode();
        }
        final java.util.concurrent.CompletableFuture<Promotion> request = agent.requestPromotion(force);
        try
        {
            return request.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (final ExecutionException ex)
        {
            final Throwable cause = ex.getCause();
            throw cause instanceof ReplicationException ? (ReplicationException)cause :
                new ReplicationException("promotion failed: " + cause, cause);
        }
        catch (final TimeoutException ex)
        {
            // A reviewer's finding: this said the engine had not journaled the epoch command, and the promotion then
            // went through all the same, seconds later, while the agent had only been waiting out the peer timeout.
            if (agent.callOffPromotion(request))
            {
                if (closed)
                {
                    throw closedNode();
                }
                throw new ReplicationException("promotion did not complete within " + timeout.toMillis() + " ms, and " +
                    "was called off: this node is still a standby. " + (force ? "Forced, it does not wait for the " +
                    "primary to go silent; its agent did not get to the request in time (a loaded machine): ask again " +
                    "with a longer timeout" : "It waits to promote until the primary has been silent for the peer " +
                    "timeout (" + agent.peerTimeoutMillis() + " ms), to be sure it is gone: ask again with a longer " +
                    "timeout"));
            }
            throw new ReplicationException("promotion did not complete within " + timeout.toMillis() + " ms: the " +
                "engine has its epoch command and has not journaled it yet; the promotion goes on, and this node is " +
                "the primary once it is journaled (its status says PROMOTED)");
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new ReplicationException("interrupted while promoting", ex);
        }
    }

    /** The node's replication figures now (also readable from another process: {@link ReplicationStatus#read}). */
    public ReplicationStatus status()
    {
        return ReplicationStatus.of(status.page());
    }

    /** Acknowledgement round trips measured as a primary, in nanoseconds; empty on a standby. */
    public Histogram ackLatency()
    {
        final Histogram latency = agent.ackLatency();
        return latency != null ? latency : new Histogram(3);
    }

    /** Why the node stopped replicating (fenced, diverged, refused), or null while it is fine. */
    public Throwable failure()
    {
        return agent.failure();
    }

    /** Test support: closes the standby's log and catch-up subscriptions for {@code duration}, then opens them again. */
    void dropReceiving(final Duration duration)
    {
        agent.dropReceiving(System.nanoTime() + duration.toNanos());
    }

    /**
     * Stops the node. A primary closes its engine first (acknowledgements still flow while it drains),
     * a standby stops following first; then the agent, Aeron and the status file.
     *
     * @throws io.ringlog.core.EngineHaltedException if the engine had halted (a fenced primary, say).
     * @throws io.ringlog.core.DrainTimeoutException  if the engine did not drain within its {@code closeTimeout}:
     *                                                a synchronous primary whose standby is gone, which cannot
     *                                                show what it journaled; that stays journaled for the next start.
     */
    private ReplicationException closedNode()
    {
        return new ReplicationException("this node is closed: it cannot be promoted (its agent has stopped). Launch it " +
            "again as a standby and promote that");
    }

    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        if (state.role == Role.PRIMARY || state.role == Role.FENCED)
        {
            failure = closeEngine();
            agent.engineClosed();
            agent.cleanClose(failure == null);
            CloseHelper.quietClose(runner);
        }
        else
        {
            agent.cleanClose(engine.failure() == null);
            CloseHelper.quietClose(runner);
            failure = closeEngine();
        }
        CloseHelper.quietCloseAll(channels, status);
        if (failure != null)
        {
            // Its thrower says how it closed: "closed" before that would read as a clean close.
            throw failure;
        }
        ctx.eventHandler().accept("closed");
    }

    private RuntimeException closeEngine()
    {
        try
        {
            engine.close();
            return null;
        }
        catch (final RuntimeException ex)
        {
            return ex;
        }
    }
}
