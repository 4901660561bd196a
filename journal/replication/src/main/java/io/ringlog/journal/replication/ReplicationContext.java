package io.ringlog.journal.replication;

import io.aeron.driver.MediaDriver;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Configuration of a {@link ReplicationNode}: fluent setters, accessors without {@code get}, and
 * {@link #conclude()}, which fills defaults and validates once, at launch.
 * <p>
 * A node listens on one UDP endpoint and sends to its peer's; three Aeron streams share each:
 * <pre>
 *   primary ──── stream 1001 log: entries as the replicator stage ships them ────► standby
 *           ──── stream 1002 catch-up: entries read back from the journal ────────►
 *           ◄─── stream 1003 control: REQUEST, ACK, HEARTBEAT (FENCED, DIVERGED) ──►  (both ways)
 * </pre>
 * Each node runs its own embedded media driver in {@link #aeronDirectory()} (by default in its own
 * directory), and holds a lock beside it while it runs: a node given the directory of a node that runs
 * is refused, since its driver would delete that directory under the running one's.
 */
public final class ReplicationContext
{
    static final int LOG_STREAM = 1001;
    static final int CATCH_UP_STREAM = 1002;
    static final int CONTROL_STREAM = 1003;

    private String name = "node";
    private Path directory;
    private Path aeronDirectory;
    private String localEndpoint;
    private String peerEndpoint;
    private ReplicationMode mode = ReplicationMode.SYNCHRONOUS;
    private boolean rejoining;
    private StandbyLoss standbyLoss = StandbyLoss.WAIT;
    private Duration degradeAfter = Duration.ofSeconds(5);
    private Duration heartbeatInterval = Duration.ofMillis(100);
    private Duration peerTimeout = Duration.ofSeconds(2);
    private Duration stallTimeout = Duration.ofSeconds(1);
    private long stateCheckEvery = 1_000_000;
    private int handoffWindow = 1024;
    private int catchUpBurst = 256;
    private int termBufferLength = 2 * 1024 * 1024;
    private Supplier<IdleStrategy> idleStrategy = () -> new BackoffIdleStrategy(64, 64, 1_000, 1_000_000);
    private Supplier<IdleStrategy> driverIdleStrategy = () -> new BackoffIdleStrategy(64, 64, 1_000, 1_000_000);
    private Consumer<MediaDriver.Context> driverCustomizer = (driver) ->
    {
    };
    private Consumer<String> eventHandler;
    private LongSupplier shownPosition;
    private boolean concluded;

    /** Fills defaults and validates; called by {@link ReplicationNode#launch}, harmless twice. */
    public ReplicationContext conclude()
    {
        if (concluded)
        {
            return this;
        }
        if (directory == null)
        {
            throw new IllegalArgumentException("directory is required: the node keeps its epoch index and status there");
        }
        if (localEndpoint == null || peerEndpoint == null)
        {
            throw new IllegalArgumentException("localEndpoint and peerEndpoint are required (host:port each)");
        }
        checkEndpoint("localEndpoint", localEndpoint);
        checkEndpoint("peerEndpoint", peerEndpoint);
        if (localEndpoint.equalsIgnoreCase(peerEndpoint))
        {
            throw new IllegalArgumentException("localEndpoint and peerEndpoint are the same, " + localEndpoint +
                ": this node would hear its own messages; the peer endpoint is where the other node listens");
        }
        final InetAddress local = checkResolves("localEndpoint", localEndpoint);
        // Aeron resolves the peer once, when the node opens its streams, and would blame the local endpoint.
        final InetAddress peer = checkResolves("peerEndpoint", peerEndpoint);
        if (port(localEndpoint) == port(peerEndpoint) && (local.equals(peer) || local.isAnyLocalAddress() && isLocal(peer)))
        {
            throw new IllegalArgumentException("localEndpoint " + localEndpoint + " and peerEndpoint " + peerEndpoint +
                " are the same endpoint of this machine: this node would hear its own messages; the peer endpoint is " +
                "where the other node listens");
        }
        if (mode == null || standbyLoss == null || degradeAfter == null || heartbeatInterval == null ||
            peerTimeout == null || stallTimeout == null || idleStrategy == null || driverIdleStrategy == null ||
            driverCustomizer == null)
        {
            throw new IllegalArgumentException("mode, standbyLoss, degradeAfter, heartbeatInterval, peerTimeout, " +
                "stallTimeout, idleStrategy, driverIdleStrategy and driverCustomizer must not be null");
        }
        if (stateCheckEvery < 0)
        {
            throw new IllegalArgumentException("stateCheckEvery must be zero (snapshots only) or positive: " +
                stateCheckEvery);
        }
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero() || peerTimeout.compareTo(heartbeatInterval) <= 0)
        {
            throw new IllegalArgumentException("heartbeatInterval must be positive and peerTimeout longer than it: " +
                heartbeatInterval + ", " + peerTimeout);
        }
        if (handoffWindow < 1 || catchUpBurst < 1)
        {
            throw new IllegalArgumentException("handoffWindow and catchUpBurst must be positive");
        }
        if (termBufferLength < 64 * 1024 || Integer.bitCount(termBufferLength) != 1)
        {
            throw new IllegalArgumentException("termBufferLength must be a power of two of at least 64 KiB: " +
                termBufferLength);
        }
        if (aeronDirectory == null)
        {
            aeronDirectory = directory.resolve("aeron");
        }
        if (eventHandler == null)
        {
            final String prefix = name;
            eventHandler = (message) -> System.err.println(prefix + ": " + message);
        }
        concluded = true;
        return this;
    }

    /**
     * Why {@code aeronDirectory} cannot be this node's media driver directory, or null if it can: the driver
     * deletes its directory as it starts and as it stops, so a path that names a file, or a directory holding
     * files that are not a media driver's (no {@code cnc.dat}), is refused instead of deleted with what it holds.
     * A path that does not exist, an empty directory, or an earlier driver's directory are taken.
     */
    public static String aeronDirectoryRefusal(final Path aeronDirectory)
    {
        if (aeronDirectory == null)
        {
            return null;
        }
        if (!java.nio.file.Files.exists(aeronDirectory))
        {
            // Made by the media driver: under a file it cannot be, and the node would have made its own folders first.
            for (Path above = aeronDirectory.toAbsolutePath().getParent(); above != null; above = above.getParent())
            {
                if (java.nio.file.Files.exists(above))
                {
                    return java.nio.file.Files.isDirectory(above) ? null : "the Aeron directory " + aeronDirectory +
                        " cannot be made: " + above + " is a file, not a directory";
                }
            }
            return null;
        }
        final String deleted = ": a media driver deletes its directory as it starts and as it stops, so it would " +
            "delete " + (java.nio.file.Files.isDirectory(aeronDirectory) ? "them" : "it") + ". Give a path of the " +
            "node's own (one that does not exist is made; Aeron's usual place is /dev/shm/NAME)";
        if (!java.nio.file.Files.isDirectory(aeronDirectory))
        {
            return "the Aeron directory " + aeronDirectory + " is a file" + deleted;
        }
        try (java.util.stream.Stream<Path> listing = java.nio.file.Files.list(aeronDirectory))
        {
            final java.util.List<String> names = listing.map((file) -> file.getFileName().toString()).sorted().toList();
            if (names.isEmpty() || names.contains("cnc.dat"))
            {
                return null;
            }
            return "the Aeron directory " + aeronDirectory + " holds files that are not a media driver's (" +
                String.join(", ", names.subList(0, Math.min(3, names.size()))) + (names.size() > 3 ? ", ..." : "") +
                ")" + deleted;
        }
        catch (final java.io.IOException ex)
        {
            return "the Aeron directory " + aeronDirectory + " cannot be listed (" + ex.getMessage() + ")";
        }
    }

    /**
     * Why this node could not listen on its local endpoint now, in the words its start would use, or null if
     * it can: a UDP socket is bound there and let go at once. For a launcher that would otherwise create
     * files (a node directory) before the streams open and find the port taken. Another process may still
     * take the port between this check and the start.
     */
    public String listenRefusal()
    {
        checkEndpoint("localEndpoint", localEndpoint);
        checkResolves("localEndpoint", localEndpoint);
        final int colon = localEndpoint.lastIndexOf(':');
        final String host = localEndpoint.substring(0, colon);
        final int port = Integer.parseInt(localEndpoint.substring(colon + 1));
        try (DatagramSocket socket = new DatagramSocket(null))
        {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(host.startsWith("[") && host.endsWith("]") ?
                host.substring(1, host.length() - 1) : host, port));
            return null;
        }
        catch (final SocketException ex)
        {
            return Channels.cannotListen(localEndpoint, ex);
        }
    }

    /** A host this node cannot resolve cannot be bound or sent to; Aeron would say so only as a driver error. */
    private static int port(final String endpoint)
    {
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }

    /** Whether the address is one of this machine's, where a node listening on every address would hear it. */
    private static boolean isLocal(final InetAddress address)
    {
        try
        {
            return address.isLoopbackAddress() || address.isAnyLocalAddress() ||
                java.net.NetworkInterface.getByInetAddress(address) != null;
        }
        catch (final java.net.SocketException ex)
        {
            return false;
        }
    }

    private static InetAddress checkResolves(final String what, final String endpoint)
    {
        final String host = endpoint.substring(0, endpoint.lastIndexOf(':'));
        try
        {
            return InetAddress.getByName(host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) :
                host);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException(what + " names a host this machine cannot resolve: '" + host + "' in '" +
                endpoint + "'");
        }
    }

    private static void checkEndpoint(final String what, final String endpoint)
    {
        final int colon = endpoint.lastIndexOf(':');
        boolean ok = colon > 0 && colon < endpoint.length() - 1;
        if (ok)
        {
            try
            {
                final int port = Integer.parseInt(endpoint.substring(colon + 1));
                ok = port > 0 && port < 65536;
            }
            catch (final NumberFormatException ex)
            {
                ok = false;
            }
        }
        if (!ok)
        {
            throw new IllegalArgumentException(what + " must be host:port with a port in 1..65535: '" + endpoint + "'");
        }
    }

    /** Used in thread names, events and the status file. */
    public ReplicationContext name(final String name)
    {
        this.name = name;
        return this;
    }

    public String name()
    {
        return name;
    }

    /** Where the node keeps its epoch index ({@value EpochIndex#FILE_NAME}) and status ({@value StatusFile#FILE_NAME}). */
    public ReplicationContext directory(final Path directory)
    {
        this.directory = directory;
        return this;
    }

    public Path directory()
    {
        return directory;
    }

    /** The embedded media driver's directory, this node's alone; {@code directory/aeron} by default. */
    public ReplicationContext aeronDirectory(final Path aeronDirectory)
    {
        this.aeronDirectory = aeronDirectory;
        return this;
    }

    public Path aeronDirectory()
    {
        return aeronDirectory;
    }

    /** host:port this node receives on (UDP). */
    public ReplicationContext localEndpoint(final String localEndpoint)
    {
        this.localEndpoint = localEndpoint;
        return this;
    }

    public String localEndpoint()
    {
        return localEndpoint;
    }

    /** host:port the peer receives on (UDP). */
    public ReplicationContext peerEndpoint(final String peerEndpoint)
    {
        this.peerEndpoint = peerEndpoint;
        return this;
    }

    public String peerEndpoint()
    {
        return peerEndpoint;
    }

    /**
     * Whoever runs this node cuts a diverged tail itself when told one ({@link DivergedHistoryException}, then
     * {@link Rejoin#truncate}), as {@code --rejoin} does: the node then says it is doing so, not that it failed
     * and should be restarted with --rejoin; and once its primary serves it, it says it follows from where its
     * journal ends (with nothing to cut, the only line a rejoin makes). Wording only; false by default.
     */
    public ReplicationContext rejoining(final boolean rejoining)
    {
        this.rejoining = rejoining;
        return this;
    }

    public boolean rejoining()
    {
        return rejoining;
    }

    /** {@link ReplicationMode#SYNCHRONOUS} by default. */
    public ReplicationContext mode(final ReplicationMode mode)
    {
        this.mode = mode;
        return this;
    }

    public ReplicationMode mode()
    {
        return mode;
    }

    /** What a synchronous primary does without a standby; {@link StandbyLoss#WAIT} by default. */
    public ReplicationContext standbyLoss(final StandbyLoss standbyLoss)
    {
        this.standbyLoss = standbyLoss;
        return this;
    }

    public StandbyLoss standbyLoss()
    {
        return standbyLoss;
    }

    /** Under {@link StandbyLoss#DEGRADE}: how long without a standby before visibility stops waiting; 5 s by default. */
    public ReplicationContext degradeAfter(final Duration degradeAfter)
    {
        this.degradeAfter = degradeAfter;
        return this;
    }

    public Duration degradeAfter()
    {
        return degradeAfter;
    }

    /**
     * The pair compares states every N positions: both engines take their state hash after positions N, 2N, ...
     * ({@link io.ringlog.core.EngineContext#stateCheckEvery}, where the engine context sets none of its own), and at
     * their snapshots; the primary sends its hashes and the standby compares them with its own at the same positions,
     * so states that parted while the journals agree (code that differs between the nodes, or is not deterministic)
     * are said, not found at a failover. 1,000,000 by default; each check is one {@code StateMachine.stateHash()} on the
     * business-logic thread. A node takes them in the tail of its replay at a start too (and at the snapshot it starts
     * from), so one started again is compared within a few heartbeats. Give both nodes the same N and the same
     * {@code snapshotEvery}. 0 compares at snapshot positions only (where both take them; in a replay, at the
     * {@code snapshotEvery} positions).
     */
    public ReplicationContext stateCheckEvery(final long stateCheckEvery)
    {
        this.stateCheckEvery = stateCheckEvery;
        return this;
    }

    public long stateCheckEvery()
    {
        return stateCheckEvery;
    }

    /** How often each node tells the other it is alive; 100 ms by default. */
    public ReplicationContext heartbeatInterval(final Duration heartbeatInterval)
    {
        this.heartbeatInterval = heartbeatInterval;
        return this;
    }

    public Duration heartbeatInterval()
    {
        return heartbeatInterval;
    }

    /** Silence after which the peer counts as lost; 2 s by default (a loaded small machine pauses). */
    public ReplicationContext peerTimeout(final Duration peerTimeout)
    {
        this.peerTimeout = peerTimeout;
        return this;
    }

    public Duration peerTimeout()
    {
        return peerTimeout;
    }

    /**
     * How long a standby waits without progress while its primary is ahead (a live entry waiting for
     * missing ones, say) before it asks again from its next position; 1 s by default.
     */
    public ReplicationContext stallTimeout(final Duration stallTimeout)
    {
        this.stallTimeout = stallTimeout;
        return this;
    }

    public Duration stallTimeout()
    {
        return stallTimeout;
    }

    /**
     * How close (in positions) catch-up from the journal must come to the replicator stage before the
     * stage ships live again; 1024 by default. Live entries wait at the standby while catch-up covers the rest.
     */
    public ReplicationContext handoffWindow(final int handoffWindow)
    {
        this.handoffWindow = handoffWindow;
        return this;
    }

    public int handoffWindow()
    {
        return handoffWindow;
    }

    /** Most journal entries catch-up sends per duty cycle; 256 by default. */
    public ReplicationContext catchUpBurst(final int catchUpBurst)
    {
        this.catchUpBurst = catchUpBurst;
        return this;
    }

    public int catchUpBurst()
    {
        return catchUpBurst;
    }

    /** Aeron term buffer length for the node's publications (a power of two, at least 64 KiB); 2 MiB by default. */
    public ReplicationContext termBufferLength(final int termBufferLength)
    {
        this.termBufferLength = termBufferLength;
        return this;
    }

    public int termBufferLength()
    {
        return termBufferLength;
    }

    /**
     * How the replication agent waits when it has nothing to do; by default a backoff that parks up to 1 ms
     * (an idle node costs about a tenth of a core; give a busy-spin strategy to a node with cores of its own).
     */
    public ReplicationContext idleStrategy(final Supplier<IdleStrategy> idleStrategy)
    {
        this.idleStrategy = idleStrategy;
        return this;
    }

    public Supplier<IdleStrategy> idleStrategy()
    {
        return idleStrategy;
    }

    /** The embedded media driver's idle strategy (one shared thread); a backoff that parks up to 1 ms by default. */
    public ReplicationContext driverIdleStrategy(final Supplier<IdleStrategy> driverIdleStrategy)
    {
        this.driverIdleStrategy = driverIdleStrategy;
        return this;
    }

    public Supplier<IdleStrategy> driverIdleStrategy()
    {
        return driverIdleStrategy;
    }

    /** Last word on the embedded media driver's settings (tests put a loss generator on its receive channel). */
    public ReplicationContext driverCustomizer(final Consumer<MediaDriver.Context> driverCustomizer)
    {
        this.driverCustomizer = driverCustomizer;
        return this;
    }

    public Consumer<MediaDriver.Context> driverCustomizer()
    {
        return driverCustomizer;
    }

    /**
     * Told, in words, of everything an operator must know: peer lost and back, degraded and synchronous
     * again, catch-up started and done, promotion, fencing. Prints to stderr by default. Must not throw.
     */
    public ReplicationContext eventHandler(final Consumer<String> eventHandler)
    {
        this.eventHandler = eventHandler;
        return this;
    }

    public Consumer<String> eventHandler()
    {
        return eventHandler;
    }

    /**
     * The last position whose events this node, as a primary, has shown to its clients (its output
     * listener's progress), sent in its heartbeats; a standby promoted after hearing it reports it in
     * {@link Promotion#primaryShown()}, so it can show what the old primary had not. The status page keeps
     * it across restarts: a primary restarted after a crash that tells its standby it showed nothing past
     * where its journal now ends lets the standby cut a tail it shipped and never journaled, instead of
     * refusing it as lost entries (see {@link DivergedHistoryException#neverShown()}). Read on the
     * replication thread: keep it a volatile read; a negative value says nothing. None by default (-1: not known).
     */
    public ReplicationContext shownPosition(final LongSupplier shownPosition)
    {
        this.shownPosition = shownPosition;
        return this;
    }

    public LongSupplier shownPosition()
    {
        return shownPosition;
    }
}
