package io.ringlog.journal.replication;

import io.aeron.Aeron;
import io.aeron.AeronCounters;
import io.aeron.AvailableImageHandler;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.UnavailableImageHandler;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.exceptions.TimeoutException;
import io.ringlog.core.Journal;
import io.ringlog.core.JournalId;
import io.ringlog.journal.ProcessFileLock;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A node's Aeron: its own embedded media driver (one shared thread, in the node's own directory),
 * a client, and the three streams each way (see {@link ReplicationContext}). Publications go to the
 * peer's endpoint, subscriptions listen on this node's. Control messages are sent best effort: each
 * is repeated or superseded (requests until answered, acknowledgements and heartbeats periodically),
 * so one that meets back-pressure or no peer is simply dropped.
 */
final class Channels implements AutoCloseable
{
    private final ReplicationContext ctx;
    private final ProcessFileLock driverLock;
    private final MediaDriver driver;
    private final Aeron aeron;
    private final ExclusivePublication log;
    private final ExclusivePublication catchUp;
    private final ExclusivePublication control;
    private final Subscription controlIn;
    private final AvailableImageHandler available;
    private final UnavailableImageHandler unavailable;
    private Subscription logIn;
    private Subscription catchUpIn;
    private final UnsafeBuffer controlBuffer = new UnsafeBuffer(new byte[Messages.length(5)]);
    private final AtomicReference<Throwable> lost;
    /** Whose history this node's messages carry: its journal's identity once it holds an entry. */
    private volatile Journal journal;

    private Channels(final ReplicationContext ctx, final ProcessFileLock driverLock, final MediaDriver driver, final Aeron aeron,
        final AvailableImageHandler available, final UnavailableImageHandler unavailable, final AtomicReference<Throwable> lost)
    {
        this.lost = lost;
        this.ctx = ctx;
        this.driverLock = driverLock;
        this.driver = driver;
        this.aeron = aeron;
        this.available = available;
        this.unavailable = unavailable;
        final String peer = "aeron:udp?endpoint=" + ctx.peerEndpoint() + "|term-length=" + ctx.termBufferLength();
        this.log = aeron.addExclusivePublication(peer, ReplicationContext.LOG_STREAM);
        this.catchUp = aeron.addExclusivePublication(peer, ReplicationContext.CATCH_UP_STREAM);
        this.control = aeron.addExclusivePublication(peer, ReplicationContext.CONTROL_STREAM);
        this.controlIn = aeron.addSubscription(localChannel(), ReplicationContext.CONTROL_STREAM);
        openReceiving();
    }

    /**
     * Launches the media driver and connects to it.
     *
     * @param available   told when a peer's stream appears on this node's log or catch-up subscription.
     * @param unavailable told when one goes away.
     */
    static Channels open(final ReplicationContext ctx, final AvailableImageHandler available,
        final UnavailableImageHandler unavailable)
    {
        final MediaDriver.Context driverContext = new MediaDriver.Context()
            .aeronDirectoryName(ctx.aeronDirectory().toString())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(ctx.driverIdleStrategy().get())
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .termBufferSparseFile(true)
            .publicationTermBufferLength(ctx.termBufferLength())
            // A peer that vanished is noticed in seconds, not Aeron's default tens of seconds.
            .imageLivenessTimeoutNs(TimeUnit.SECONDS.toNanos(2))
            .publicationConnectionTimeoutNs(TimeUnit.SECONDS.toNanos(2))
            .warnIfDirectoryExists(false);
        ctx.driverCustomizer().accept(driverContext);
        final String notOurs = ReplicationContext.aeronDirectoryRefusal(ctx.aeronDirectory());
        if (notOurs != null)
        {
            throw new ReplicationException(ctx.name() + ": " + notOurs);
        }
        final ProcessFileLock driverLock = lockDriverDirectory(ctx);
        final MediaDriver driver;
        try
        {
            final String room = noRoom(ctx.aeronDirectory());
            if (room != null)
            {
                throw new ReplicationException(ctx.name() + ": cannot start the Aeron media driver in " +
                    ctx.aeronDirectory() + ": " + room);
            }
            driver = MediaDriver.launch(driverContext);
        }
        catch (final ReplicationException ex)
        {
            driverLock.close();
            throw ex;
        }
        catch (final RuntimeException | InternalError ex)
        {
            // InternalError: a SIGBUS writing a mapped file the disk had no block for (Aeron maps its files sparse).
            driverLock.close();
            throw new ReplicationException(ctx.name() + ": cannot start the Aeron media driver in " +
                ctx.aeronDirectory() + ": " + (ex instanceof InternalError ? "a fault writing its memory-mapped " +
                "files, where the disk had no room for them" + orNoRoom(ctx.aeronDirectory()) : ex.getMessage()), ex);
        }
        Aeron aeron = null;
        try
        {
            final AtomicReference<Throwable> lost = new AtomicReference<>();
            aeron = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(driver.aeronDirectoryName())
                .errorHandler((ex) ->
                {
                    // The client's conductor, unserved past the driver's client timeout (the process paused), closes
                    // the client for good: nothing sent or received after it. Kept for the agent to stop on.
                    if (ex instanceof TimeoutException || ex instanceof AgentTerminationException)
                    {
                        // Said by the agent when it stops on it, in words: not also as a bare class name (a reviewer's
                        // find: "aeron: org.agrona.concurrent.AgentTerminationException" between the node's FAILED
                        // line and its summary).
                        if (!lost.compareAndSet(null, ex) || ex instanceof AgentTerminationException)
                        {
                            return;
                        }
                    }
                    ctx.eventHandler().accept("aeron: " + (ex.getMessage() != null ? ex.getMessage() :
                        ex.getClass().getSimpleName()));
                }));
            return new Channels(ctx, driverLock, driver, aeron, available, unavailable, lost);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(aeron, driver, driverLock);
            throw new ReplicationException(ctx.name() + ": " + cannotListen(ctx.localEndpoint(), ex), ex);
        }
    }

    /**
     * Why this node's Aeron client is closed for good, or null while it runs: a timeout that made it close itself
     * (its conductor went unserved for longer than the media driver's client liveness timeout, 10 s by default: the
     * process was paused), or its closing.
     */
    Throwable clientLost()
    {
        final Throwable why = lost.get();
        return why != null ? why : aeron.isClosed() ? new IllegalStateException("the Aeron client is closed") : null;
    }

    /** The media driver's client liveness timeout: how long a paused client survives. */
    long clientTimeoutNs()
    {
        return driver.context().clientLivenessTimeoutNs();
    }

    /** Room the media driver's files take at most with these settings (cnc.dat is most of it), with a margin. */
    private static final long DRIVER_ROOM = 64L << 20;

    /**
     * Why the file system of the Aeron directory cannot hold the media driver's files, or null. Aeron maps them
     * sparse and writes through the map: on a full disk that was a SIGBUS and a stack trace, not a message.
     */
    private static String noRoom(final Path aeronDirectory)
    {
        Path existing = aeronDirectory.toAbsolutePath();
        while (existing != null && !Files.exists(existing))
        {
            existing = existing.getParent();
        }
        try
        {
            final long usable = existing == null ? Long.MAX_VALUE : Files.getFileStore(existing).getUsableSpace();
            return usable >= DRIVER_ROOM ? null : "its file system has " + (usable >> 20) + " MB free, and the media " +
                "driver's files take up to " + (DRIVER_ROOM >> 20) + " MB (cnc.dat alone about 48 MB). Free space, or " +
                "give the node an Aeron directory on a file system with room (--aeron-dir, ReplicationContext." +
                "aeronDirectory; Aeron's usual place is /dev/shm)";
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    private static String orNoRoom(final Path aeronDirectory)
    {
        final String room = noRoom(aeronDirectory);
        return room == null ? ". Free space there, or give the node an Aeron directory with room (--aeron-dir, " +
            "ReplicationContext.aeronDirectory)" : ": " + room;
    }

    /**
     * Takes the lock beside the media driver's directory: the driver deletes the directory as it starts, so a
     * second node given the same one would delete it under the first's running driver, which then neither
     * sends nor receives, with no error anywhere. A node killed holding it releases it as it dies.
     */
    private static ProcessFileLock lockDriverDirectory(final ReplicationContext ctx)
    {
        final Path directory = ctx.aeronDirectory().toAbsolutePath();
        final Path lockFile = directory.resolveSibling(directory.getFileName() + ".lock");
        ProcessFileLock lock;
        try
        {
            Files.createDirectories(lockFile.getParent());
            lock = ProcessFileLock.tryAcquire(lockFile);
        }
        catch (final OverlappingFileLockException ex)
        {
            lock = null;
        }
        catch (final IOException ex)
        {
            throw new ReplicationException(ctx.name() + ": cannot lock the Aeron directory " + directory + " (" + lockFile +
                "): " + ex.getMessage(), ex);
        }
        if (lock == null)
        {
            throw new ReplicationException(ctx.name() + ": the Aeron directory " + directory + " is in use by another " +
                "node that is running (its lock " + lockFile + " is held): its media driver would be deleted under it. " +
                "Give each node its own Aeron directory (ReplicationContext.aeronDirectory; --aeron-dir on the command line, " +
                "by default the node's directory's aeron/)");
        }
        return lock;
    }

    /** Why the streams could not open on {@code endpoint}, in a person's words: the socket's reason, not Aeron's text. */
    static String cannotListen(final String endpoint, final Throwable ex)
    {
        final String detail = String.valueOf(ex.getMessage());
        if (detail.contains("Address already in use"))
        {
            return "cannot listen on " + endpoint + ": another process holds that port (address already in use). Give " +
                "this node another endpoint to listen on (and its peer the matching peer endpoint: " +
                "ReplicationContext.localEndpoint and peerEndpoint; --listen and --peer on the command line), or stop the " +
                "process that holds it";
        }
        if (detail.contains("Cannot assign requested address"))
        {
            return "cannot listen on " + endpoint + ": that address is not one of this machine's (cannot assign " +
                "requested address). Give this node an endpoint on one of its own addresses (ReplicationContext.localEndpoint; " +
                "--listen on the command line)";
        }
        // Anything else: Aeron's words, less its error-level prefixes and the native frame it names.
        return "cannot open the replication streams on " + endpoint + ": " +
            detail.replace("ERROR - ", "").replaceAll("\\s*\\(at [^)]*\\)", "");
    }

    private String localChannel()
    {
        return "aeron:udp?endpoint=" + ctx.localEndpoint();
    }

    /** The stage's publication. */
    /** Whether something listens where this node sends: a subscriber at the peer endpoint answers Aeron's setup. */
    boolean peerListening()
    {
        return control.isConnected();
    }

    ExclusivePublication log()
    {
        return log;
    }

    ExclusivePublication catchUp()
    {
        return catchUp;
    }

    Subscription controlIn()
    {
        return controlIn;
    }

    /** This node's log subscription, or null while receiving is dropped. */
    Subscription logIn()
    {
        return logIn;
    }

    /** This node's catch-up subscription, or null while receiving is dropped. */
    Subscription catchUpIn()
    {
        return catchUpIn;
    }

    /** Closes the log and catch-up subscriptions: what is sent meanwhile is lost to this node. Agent thread only. */
    void dropReceiving()
    {
        CloseHelper.closeAll(logIn, catchUpIn);
        logIn = null;
        catchUpIn = null;
    }

    /** Opens the log and catch-up subscriptions (again). Agent thread only. */
    void openReceiving()
    {
        if (logIn == null)
        {
            logIn = aeron.addSubscription(localChannel(), ReplicationContext.LOG_STREAM, available, unavailable);
            catchUpIn = aeron.addSubscription(localChannel(), ReplicationContext.CATCH_UP_STREAM, available, unavailable);
        }
    }

    /**
     * Sends a control message with the first {@code fields} of {@code f0, f1, f2}; returns false,
     * having sent nothing, if the peer is not connected or back-pressures. Agent thread only; allocates nothing.
     */
    boolean send(final int type, final long epoch, final long session, final int fields, final long f0, final long f1,
        final long f2)
    {
        return send(control, type, epoch, session, fields, f0, f1, f2, 0, 0);
    }

    /** Like {@link #send(int, long, long, int, long, long, long)}, with a fourth field. */
    boolean send(final int type, final long epoch, final long session, final int fields, final long f0, final long f1,
        final long f2, final long f3)
    {
        return send(control, type, epoch, session, fields, f0, f1, f2, f3, 0);
    }

    /** Like {@link #send(int, long, long, int, long, long, long)}, with a fourth and a fifth field. */
    boolean send(final int type, final long epoch, final long session, final int fields, final long f0, final long f1,
        final long f2, final long f3, final long f4)
    {
        return send(control, type, epoch, session, fields, f0, f1, f2, f3, f4);
    }

    /** Like {@link #send(int, long, long, int, long, long, long)}, on the catch-up stream. */
    boolean sendOnCatchUp(final int type, final long epoch, final long session, final long f0)
    {
        return send(catchUp, type, epoch, session, 1, f0, 0, 0, 0, 0);
    }

    /**
     * Sends the last message before this node closes (the media driver closes with it) on the control stream, and
     * waits up to {@code timeoutNanos} until the driver has sent it. Best effort: false if nothing listens, or the
     * driver did not send it in time.
     */
    boolean sendLast(final int type, final long epoch, final long session, final long f0, final long f1,
        final long timeoutNanos)
    {
        final long position = offer(control, type, epoch, session, 2, f0, f1, 0, 0, 0);
        if (position <= 0)
        {
            return false;
        }
        final CountersReader counters = aeron.countersReader();
        final long registrationId = control.registrationId();
        final int[] senderPosition = {CountersReader.NULL_COUNTER_ID};
        counters.forEach((counterId, typeId, key, label) ->
        {
            if (typeId == AeronCounters.DRIVER_SENDER_POSITION_TYPE_ID && key.getLong(0) == registrationId)
            {
                senderPosition[0] = counterId;
            }
        });
        if (senderPosition[0] == CountersReader.NULL_COUNTER_ID)
        {
            return false;
        }
        final long deadline = System.nanoTime() + timeoutNanos;
        while (counters.getCounterValue(senderPosition[0]) < position && System.nanoTime() - deadline < 0)
        {
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
        }
        return counters.getCounterValue(senderPosition[0]) >= position;
    }

    private boolean send(final Publication publication, final int type, final long epoch, final long session,
        final int fields, final long f0, final long f1, final long f2, final long f3, final long f4)
    {
        return offer(publication, type, epoch, session, fields, f0, f1, f2, f3, f4) > 0;
    }

    /** Offers one message: the publication's new position, or Aeron's code for why not (not above 0). */
    private long offer(final Publication publication, final int type, final long epoch, final long session,
        final int fields, final long f0, final long f1, final long f2, final long f3, final long f4)
    {
        Messages.header(controlBuffer, 0, type, epoch, session);
        Messages.history(controlBuffer, 0, history());
        Messages.field(controlBuffer, 0, 0, f0);
        Messages.field(controlBuffer, 0, 1, f1);
        Messages.field(controlBuffer, 0, 2, f2);
        Messages.field(controlBuffer, 0, 3, f3);
        Messages.field(controlBuffer, 0, 4, f4);
        return publication.offer(controlBuffer, 0, Messages.length(fields));
    }

    /** The journal whose identity this node's messages carry, from launch on. */
    void history(final Journal nodeJournal)
    {
        journal = nodeJournal;
    }

    /**
     * The history this node's messages say it holds: its journal's identity, or none while it holds no entry (a new
     * standby's, which takes on its primary's; a primary's that has taken no command yet).
     */
    JournalId history()
    {
        final Journal nodeJournal = journal;
        return nodeJournal == null || nodeJournal.lastPosition() == 0 ? JournalId.NONE : nodeJournal.id();
    }

    @Override
    public void close()
    {
        CloseHelper.quietCloseAll(logIn, catchUpIn, controlIn, log, catchUp, control, aeron, driver, driverLock);
    }
}
