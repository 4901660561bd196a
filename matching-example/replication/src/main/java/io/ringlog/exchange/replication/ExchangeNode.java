package io.ringlog.exchange.replication;

import io.ringlog.core.DrainTimeoutException;
import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.EngineHaltedException;
import io.ringlog.core.SnapshotStore;
import io.ringlog.core.SnapshotsUpTo;
import io.ringlog.core.Topology;
import io.ringlog.exchange.ExchangeStateMachine;
import io.ringlog.exchange.cli.JournaledAlready;
import io.ringlog.exchange.codec.CommandTypes;
import io.ringlog.exchange.codec.CommandEncoder;
import io.ringlog.exchange.codec.CommandUpcasters;
import io.ringlog.exchange.codec.command.ConfigureCommandEncoder;
import io.ringlog.exchange.text.CommandFileReader;
import io.ringlog.exchange.text.ParsedCommand;
import io.ringlog.journal.ChronicleJournal;
import io.ringlog.journal.FileSnapshotStore;
import io.ringlog.journal.replication.DivergedHistoryException;
import io.ringlog.journal.replication.FencedException;
import io.ringlog.journal.replication.Promotion;
import io.ringlog.journal.replication.Rejoin;
import io.ringlog.journal.replication.ReplicationContext;
import io.ringlog.journal.replication.ReplicationException;
import io.ringlog.journal.replication.ReplicationMode;
import io.ringlog.journal.replication.ReplicationNode;
import io.ringlog.journal.replication.ReplicationStatus;
import io.ringlog.journal.replication.Role;
import io.ringlog.journal.replication.StandbyLoss;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One exchange node as a process: launches a {@link ReplicationNode} on the node's directory, serves
 * publish requests (as primary) and promote and stop requests from its {@link Mailbox}es, and turns
 * every way it can end into a line a person can act on and an exit code:
 * <pre>
 *   0  stopped (stop request, SIGTERM)
 *   1  failed (the message says why), or stopped before every accepted command was applied (drainTimeout)
 *   3  fenced: a standby was promoted; restart this node as a standby with --rejoin
 *   4  diverged: this standby's journal has a tail the primary's history does not; restart with --rejoin
 * </pre>
 * With {@code --rejoin}, a diverged standby cuts off its tail ({@link Rejoin}), saying what it drops,
 * and starts again as a standby.
 */
final class ExchangeNode
{
    static final int STOPPED = 0;
    static final int FAILED = 1;
    static final int FENCED = 3;
    static final int DIVERGED = 4;
    private static final int REJOIN = -1;
    static final int MAX_PAYLOAD = ParsedCommand.MAX_PAYLOAD_LENGTH;
    /** How long a publish waits for its commands to be applied, unless its request says (replica publish --timeout-s). */
    static final int PUBLISH_TIMEOUT_S = 600;

    record Settings(
        Role role,
        NodeDirectory directory,
        String listen,
        String peer,
        ReplicationMode mode,
        StandbyLoss standbyLoss,
        Duration degradeAfter,
        Duration heartbeat,
        Duration peerTimeout,
        Path events,
        long snapshotEvery,
        Topology topology,
        boolean rejoin,
        int maxAssets,
        Path aeronDirectory,
        Duration drainTimeout,
        long journalPreallocate,
        long stateCheckEvery)
    {
    }

    private final Settings settings;
    private final PrintWriter out;
    private final PrintWriter err;
    /** The node runs again after a rejoin cut its journal: its start line says so. */
    private boolean cut;
    /**
     * How far this node showed events in its last run, if it ran as a primary (-1 if not, or unknown): read before
     * it starts, for a rejoin's plan; whether the events file says it (else the status page does, 10 ms behind).
     */
    private long lastRunShown = -1;
    private boolean lastRunShownExact;
    private final String name;
    private volatile boolean stopping;
    /** The code the node ended with, set as it lets the stop hook go: the process exits with it after a signal. */
    private volatile int exitCode = -1;
    /** How the node ended, in the words of its last line, for {@link NodeDirectory#ended()}. */
    private String outcome = "failed (its log says why)";
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** The journal of the node's engine, once launched. */
    private volatile ChronicleJournal journal;
    private NodeOwner owner;

    ExchangeNode(final Settings settings, final PrintWriter out, final PrintWriter err)
    {
        this.settings = settings;
        this.out = out;
        this.err = err;
        this.name = settings.directory().root().getFileName().toString();
    }

    /**
     * Runs until stopped, fenced or failed; returns the exit code. First makes this process the node on
     * its directory ({@link NodeOwner}): requests left there for a node that is gone are discarded, not done.
     */
    int run() throws IOException
    {
        try
        {
            owner = NodeOwner.claim(settings.directory(), (line) -> out.println(name + ": " + line));
        }
        catch (final RuntimeException ex)
        {
            err.println(name + ": cannot start: " + message(ex));
            return FAILED;
        }
        // How an earlier node here ended is not how this one will: a stop must never read it as this one's.
        Files.deleteIfExists(settings.directory().ended());
        final Thread hook = new Thread(() ->
        {
            stopping = true;
            try
            {
                // Closing the engine drains for up to the drain timeout, then stops its threads within as long again.
                if (stopped.await(settings.drainTimeout().toSeconds() * 2 + 10, TimeUnit.SECONDS) && exitCode >= 0)
                {
                    // A reviewer's finding: stopped by SIGTERM or Ctrl-C, the node exited 143 or 130 whether it
                    // stopped cleanly or failed its drain; 'replica stop' read 0 or 1. It ends with its own code now,
                    // as its help says (its journal and files are closed by then).
                    out.flush();
                    final int code = io.ringlog.journal.tool.StandardOutput.exitCode(exitCode, err);
                    err.flush();
                    Runtime.getRuntime().halt(code);
                }
            }
            catch (final InterruptedException ignore)
            {
                Thread.currentThread().interrupt();
            }
        }, name + "-stop");
        // Chronicle adds a hook of its own as a journal first opens, which the JVM refuses once a signal came.
        ChronicleJournal.loadShutdownHooks();
        Runtime.getRuntime().addShutdownHook(hook);
        final Writer eventsFile;
        try
        {
            eventsFile = settings.events() != null ? openEvents(settings.events(), (line) ->
            {
                err.println(name + ": " + line);
                err.flush();
            }) : null;
        }
        catch (final IOException | RuntimeException ex)
        {
            // Let go at once: the stop hook waited out its drain timeout for a node that never ran (71 s).
            err.println(name + ": cannot open the events file " + settings.events() + ": " + message(ex));
            owner.close();
            exitCode = FAILED;
            stopped.countDown();
            return FAILED;
        }
        int ended = FAILED;
        readLastRunShown();
        try
        {
            Role role = settings.role();
            while (true)
            {
                final int code = runOnce(role, eventsFile);
                if (code != REJOIN)
                {
                    ended = code;
                    break;
                }
                role = Role.STANDBY;
            }
        }
        finally
        {
            try
            {
                if (eventsFile != null)
                {
                    eventsFile.close();
                }
            }
            catch (final IOException ex)
            {
                err.println(name + ": closing the events file failed: " + message(ex));
                outcome = "failed: closing the events file failed: " + message(ex);
                ended = FAILED;
            }
            // Last: what it says is how the process ends.
            recordEnd(ended);
            owner.close();
            exitCode = ended;
            stopped.countDown();
        }
        return ended;
    }

    /** How every line of an events file starts ({@code TextFormat.event}). */
    private static final String EVENT_LINE = "pos=";
    /** Far longer than any event line: a torn last line longer than this is no event's. */
    private static final int MOST_TORN_BYTES = 4096;

    /**
     * The node's events file, appended to: a restarted node goes on after what it showed before, and a
     * client reading the file loses nothing. A last line a kill tore (no newline) is cut off first, saying
     * so through {@code say}: it was never whole, and its event is shown again.
     *
     * @throws IllegalArgumentException if the file holds something else than events ({@link #notAnEventsFile}).
     */
    static Writer openEvents(final Path file, final Consumer<String> say) throws IOException
    {
        final String foreign = notAnEventsFile(file);
        if (foreign != null)
        {
            throw new IllegalArgumentException(foreign);
        }
        if (Files.exists(file))
        {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
            {
                final long whole = endOfLastWholeLine(channel);
                if (whole < channel.size())
                {
                    final String torn = text(channel, whole, (int)(channel.size() - whole));
                    channel.truncate(whole);
                    say.accept("events file " + file + ": cut off its torn last line (" + torn.length() + " bytes, '" +
                        torn + "'), left by a node that was killed while writing it; its event is written again");
                }
            }
        }
        return new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND), StandardCharsets.UTF_8), 1 << 16);
    }

    /**
     * Null if {@code file} may be this node's events file: it does not exist, is not a regular file (a
     * pipe, /dev/stdout), is empty, or holds event lines (its first and its last whole line start
     * {@value #EVENT_LINE}, and a torn last line is the start of one). Otherwise why not: the node would
     * append its events to another file, and cut off that file's last line if it has no newline.
     */
    static String notAnEventsFile(final Path file) throws IOException
    {
        if (!Files.isRegularFile(file) || Files.size(file) == 0)
        {
            return null;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final long size = channel.size();
            final long whole = endOfLastWholeLine(channel);
            final String first = text(channel, 0, (int)Math.min(size, EVENT_LINE.length()));
            final String problem;
            if (!eventLineStart(first))
            {
                problem = "its first line starts '" + text(channel, 0, (int)Math.min(size, 40)) + "'";
            }
            else if (size - whole > MOST_TORN_BYTES || !eventLineStart(text(channel, whole, (int)Math.min(size - whole,
                EVENT_LINE.length()))))
            {
                problem = "its last line, which has no newline, starts '" + text(channel, whole, (int)Math.min(size - whole,
                    40)) + "'";
            }
            else if (whole > 0 && !eventLineStart(text(channel, startOfLine(channel, whole - 1), EVENT_LINE.length())))
            {
                problem = "its last line starts '" + text(channel, startOfLine(channel, whole - 1), 40) + "'";
            }
            else
            {
                return null;
            }
            return "the events file " + file + " holds something else than events: " + problem + ", and every line of " +
                "an events file starts '" + EVENT_LINE + "'. A node appends its events to an events file it wrote " +
                "before (and cuts off a last line a kill tore): name a new file, or the one this node writes";
        }
    }

    /** Whether {@code start}, the first bytes of a line (possibly fewer than {@link #EVENT_LINE}'s), is an event line's. */
    private static boolean eventLineStart(final String start)
    {
        return EVENT_LINE.startsWith(start) || start.startsWith(EVENT_LINE);
    }

    /** Up to {@code length} bytes of the file from {@code position}, as text, up to a newline, control bytes shown as '?'. */
    private static String text(final FileChannel channel, final long position, final int length) throws IOException
    {
        final ByteBuffer bytes = read(channel, position, length);
        final StringBuilder text = new StringBuilder(bytes.position());
        for (int i = 0; i < bytes.position(); i++)
        {
            final int b = bytes.get(i) & 0xff;
            if (b == '\n')
            {
                break;
            }
            text.append(b < 0x20 || b > 0x7e ? '?' : (char)b);
        }
        return text.toString();
    }

    /** Up to {@code length} bytes of the file from {@code position}: fewer at its end (the buffer's position says). */
    private static ByteBuffer read(final FileChannel channel, final long position, final int length) throws IOException
    {
        final ByteBuffer bytes = ByteBuffer.allocate(Math.max(0, length));
        while (bytes.hasRemaining() && channel.read(bytes, position + bytes.position()) > 0)
        {
            // Reads until the length or the end of the file.
        }
        return bytes;
    }

    /** The position of the first byte of the line that holds the byte at {@code position}. */
    private static long startOfLine(final FileChannel channel, final long position) throws IOException
    {
        final ByteBuffer one = ByteBuffer.allocate(1);
        long at = position;
        while (at > 0 && position - at < MOST_TORN_BYTES)
        {
            one.clear();
            if (channel.read(one, at - 1) <= 0 || one.get(0) == '\n')
            {
                return at;
            }
            at--;
        }
        return at;
    }

    /** The length of the file up to and including its last newline (0 if it has none). */
    private static long endOfLastWholeLine(final FileChannel channel) throws IOException
    {
        final ByteBuffer chunk = ByteBuffer.allocate(8192);
        long end = channel.size();
        while (end > 0)
        {
            final long start = Math.max(0, end - chunk.capacity());
            chunk.clear().limit((int)(end - start));
            while (chunk.hasRemaining())
            {
                if (channel.read(chunk, start + chunk.position()) < 0)
                {
                    throw new IOException("the events file shrank while it was read");
                }
            }
            for (int i = chunk.limit() - 1; i >= 0; i--)
            {
                if (chunk.get(i) == '\n')
                {
                    return start + i + 1;
                }
            }
            end = start;
        }
        return 0;
    }

    private int runOnce(final Role role, final Writer eventsFile)
    {
        final AtomicReference<ReplicationNode> launched = new AtomicReference<>();
        final LeaderEvents events = eventsFile != null ? new LeaderEvents(eventsFile, () ->
        {
            final ReplicationNode running = launched.get();
            return running == null ? -1 : running.primaryShown();
        }) : null;
        if (events != null && role == Role.PRIMARY)
        {
            // Before launch, whose recovery replays the journal: what this node showed last time, it does not show again.
            resume(events);
        }
        final ReplicationNode node;
        try
        {
            node = launch(role, events, () ->
            {
                final ReplicationNode running = launched.get();
                return running == null ? -1 : running.engine().metrics().lastAppliedPosition();
            });
            launched.set(node);
        }
        catch (final RuntimeException ex)
        {
            // The node's name leads the line once: the library's message names it too.
            final String why = message(ex).startsWith(name + ": ") ? message(ex).substring(name.length() + 2) : message(ex);
            err.println(name + ": cannot start: " + why);
            outcome = "cannot start: " + why;
            return FAILED;
        }
        try
        {
            if (role == Role.PRIMARY)
            {
                publishGenesis(node.engine());
                if (events != null)
                {
                    events.from(1);
                }
            }
            // A standby's epoch is its journal's until it follows the primary's epoch command: say whose it is.
            out.println(name + ": " + (role == Role.PRIMARY ? "primary in epoch " + node.epoch() : "standby" +
                (cut ? " again after the rejoin's cut" : "") + ", its journal in epoch " + node.epoch()) + ", listening on " +
                settings.listen() + ", peer " + settings.peer() + ", next position " + node.engine().nextPosition());
            return serve(node, events);
        }
        catch (final RuntimeException ex)
        {
            err.println(name + ": failed: " + message(ex));
            outcome = "failed: " + message(ex);
            closeQuietly(node);
            return FAILED;
        }
    }

    private ReplicationNode launch(final Role role, final LeaderEvents events, final LongSupplier applied)
    {
        final NodeDirectory dir = settings.directory();
        final ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context()
            .directory(dir.journal())
            .maxPayloadLength(MAX_PAYLOAD)
            .preallocate(settings.journalPreallocate())
            .tornEntryListener((torn) -> err.println(name + ": torn-entry: " + torn))
            .noticeListener((notice) -> err.println(name + ": note: " + notice)));
        this.journal = journal;
        final EngineContext engine = new EngineContext()
            .name(name)
            .stateMachine(ExchangeStateMachine.configuredByJournal(true))
            // Journals written by version 1 of the exchange's codecs mean what they meant, as in 'exchange replay'.
            .upcasters(CommandUpcasters.create())
            .journal(journal)
            .snapshotStore(resumable(events, FileSnapshotStore.open(new FileSnapshotStore.Context()
                .directory(dir.snapshots()).retain(3).errorHandler((ex) -> err.println(name + ": snapshot: " +
                    ex.getMessage())))))
            .snapshotEvery(settings.snapshotEvery())
            .topology(settings.topology())
            .maxPayloadLength(MAX_PAYLOAD)
            .closeTimeout(settings.drainTimeout())
            .errorHandler((ex) ->
            {
                // A replication failure that halts the engine was told by the replication events already.
                if (!(ex instanceof ReplicationException))
                {
                    err.println(name + ": engine: " + message(ex));
                }
            });
        if (events != null)
        {
            engine.listener("events", events);
        }
        final ReplicationContext replication = new ReplicationContext()
            .name(name)
            .directory(dir.replication())
            .aeronDirectory(settings.aeronDirectory() != null ? settings.aeronDirectory() : dir.aeron())
            .localEndpoint(settings.listen())
            .peerEndpoint(settings.peer())
            .mode(settings.mode())
            .rejoining(settings.rejoin())
            .standbyLoss(settings.standbyLoss())
            .degradeAfter(settings.degradeAfter())
            // Without an events file, what a primary shows is what its publishes answer for: what it applied.
            .shownPosition(events != null ? events::shownPosition : applied)
            .heartbeatInterval(settings.heartbeat())
            .peerTimeout(settings.peerTimeout())
            .stateCheckEvery(settings.stateCheckEvery())
            .eventHandler((message) -> err.println(name + ": " + message));
        return ReplicationNode.launch(replication, engine, role);
    }

    /** A new journal starts with the exchange's settings at position 1, as {@code exchange run} writes them. */
    private void publishGenesis(final Engine engine)
    {
        if (engine.nextPosition() != 1)
        {
            return;
        }
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[MAX_PAYLOAD]);
        new ConfigureCommandEncoder().wrap(payload, 0).settingsVersion(CommandTypes.SETTINGS_VERSION)
            .maxAssets(settings.maxAssets());
        final long position = engine.publish(CommandTypes.CONFIGURE, CommandEncoder.VERSION, 0, 0, 0, payload, 0,
            ConfigureCommandEncoder.BLOCK_LENGTH);
        if (position != 1)
        {
            throw new IllegalStateException("the exchange's settings went to position " + position + ", not 1");
        }
    }

    private int serve(final ReplicationNode node, final LeaderEvents events)
    {
        final NodeDirectory dir = settings.directory();
        while (true)
        {
            if (stopping || takeStop(dir))
            {
                // Replayed events the standby has acknowledged since the last pass are shown before the node goes.
                final long releasable = releasable(node);
                releaseReplayed(node, events);
                sayWhatTheDrainWaitsFor(node);
                final int code = close(node, STOPPED, "stopped");
                // The close drained the listener, which may have been behind in the replay: what it handed over
                // since, acknowledged before the close, is shown too (the page is closed; the file is not).
                release(events, releasable);
                return code;
            }
            final Throwable failure = node.failure();
            if (failure instanceof FencedException)
            {
                // The replication events said why, in full.
                return close(node, FENCED, "fenced (a standby was promoted): restart with --role standby --rejoin");
            }
            if (failure instanceof DivergedHistoryException diverged)
            {
                // A tail the primary shipped, never journaled and never showed is cut without --rejoin: no client saw it.
                if (!settings.rejoin() && !diverged.neverShown())
                {
                    return close(node, DIVERGED, "diverged from the primary's history: restart with --rejoin");
                }
                close(node, REJOIN, "closed to rejoin");
                // What this run followed as a standby, it never showed: only a last run as a primary counts, once.
                Rejoin.truncate(dir.journal(), dir.snapshots(), diverged.keepUpTo(), diverged.neverShown(),
                    diverged.neverShown() ? -1 : Math.min(lastRunShown, diverged.lastPosition()), lastRunShownExact,
                    (line) -> err.println(name + ": " + line));
                // Done: the journal ends in the primary's history now, and the page says so for the next start.
                Rejoin.cutDone(dir.replication());
                cut = true;
                lastRunShown = -1;
                if (diverged.neverShown())
                {
                    err.println(name + ": cut off positions " + (diverged.keepUpTo() + 1) + ".." + diverged.lastPosition() +
                        ", which the primary never journaled; following it again from position " +
                        (diverged.keepUpTo() + 1));
                }
                return REJOIN;
            }
            if (failure != null)
            {
                // Its FAILED line has said it on stderr already; the close says it once more, where scripts read it.
                return close(node, FAILED, "failed: " + failure.getMessage());
            }
            final Throwable halted = node.engine().failure();
            if (halted != null)
            {
                err.println(name + ": the engine halted: " + message(halted));
                return close(node, FAILED, "halted: " + message(halted));
            }
            serveControl(node, events);
            serveInbox(node);
            releaseReplayed(node, events);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /**
     * A synchronous primary with commands no standby has acknowledged drains for up to --drain-timeout-s
     * before it closes: says so first, or the stop looks like a hang.
     */
    private void sayWhatTheDrainWaitsFor(final ReplicationNode node)
    {
        if (node.role() != Role.PRIMARY || settings.mode() != ReplicationMode.SYNCHRONOUS)
        {
            return;
        }
        final ReplicationStatus status = node.status();
        final long accepted = node.engine().nextPosition() - 1;
        final long applied = node.engine().metrics().lastAppliedPosition();
        if (status.degraded() || applied >= accepted)
        {
            return;
        }
        if (node.peerHoldsAnotherJournal())
        {
            err.println(name + ": stopping: positions " + (applied + 1) + ".." + accepted + " are accepted and not " +
                "yet applied, and no standby will acknowledge them: the node this one hears holds another journal (its " +
                "status says which). This stop waits the " + settings.drainTimeout().toSeconds() + " s of " +
                "--drain-timeout-s for nothing, then stops without applying them and says it failed: expected here");
            err.flush();
            return;
        }
        if (node.peerIsPrimary())
        {
            // Probe (replication): the two-primaries advice, followed word for word, waited 30 s and said 'failed'.
            err.println(name + ": stopping: positions " + (applied + 1) + ".." + accepted + " are accepted and not " +
                "yet applied, and no standby will acknowledge them: the peer is a primary too. This stop waits the " +
                settings.drainTimeout().toSeconds() + " s of --drain-timeout-s for nothing, then stops without applying " +
                "them and says it failed: expected here. Restarted with --role standby --rejoin, this node cuts them " +
                "off (they are this epoch's entries of its own) and follows the other");
            err.flush();
            return;
        }
        err.println(name + ": stopping: positions " + (applied + 1) + ".." + accepted + " are accepted and not yet " +
            "applied: no standby has acknowledged them (peer " + status.peer().name().toLowerCase(java.util.Locale.ROOT) +
            "). Waiting up to " + settings.drainTimeout().toSeconds() + " s (--drain-timeout-s) for one to; if none " +
            "does, the node stops without applying them, and those journaled are applied at its next start, once a " +
            "standby holds them");
        err.flush();
    }

    /**
     * A restarted primary must replay from at or before the last position it showed, to show what came
     * after it: recovery sees only the snapshots up to there.
     */
    private static SnapshotStore resumable(final LeaderEvents events, final SnapshotStore snapshots)
    {
        return events != null && events.resumePosition() >= 0 ? new SnapshotsUpTo(snapshots, events.resumePosition()) :
            snapshots;
    }

    /**
     * Where a restarted primary goes on showing: after what its last run showed whole, the file's lines of the
     * next position, which a kill may have cut short, already shown.
     */
    private void resume(final LeaderEvents events)
    {
        final long after = previouslyShown();
        List<String> shownOfNext = List.of();
        if (after >= 0)
        {
            try
            {
                shownOfNext = linesOf(settings.events(), after + 1);
            }
            catch (final IOException | RuntimeException ex)
            {
                // Those lines are shown again: at least once still holds.
                shownOfNext = List.of();
            }
        }
        events.resumeAfter(after, shownOfNext);
    }

    /**
     * Before this run starts: if the last one ran as a primary (its status page's {@link ReplicationStatus#lastRole}),
     * how far it showed events.
     * The events file's last line says it exactly when it is the file that run wrote (it reaches the page's
     * position: the page is written every 10 ms, the file at every batch's end); else the page does. Unknown (-1)
     * when the last run was a standby (the page's shown position is then from an older run, perhaps of a history
     * a rejoin has cut since), on a first start, or when neither can be read.
     */
    private void readLastRunShown()
    {
        try
        {
            // The last run that changed the journal or ended well: a standby refused at its start (exit 4) between
            // this node's run as a primary and its rejoin leaves what that run showed the say.
            final Role last = ReplicationStatus.lastRole(settings.directory().replication());
            final long page = ReplicationStatus.shownPosition(settings.directory().replication());
            if (last != Role.PRIMARY && last != Role.FENCED || page < 0)
            {
                return;
            }
            final long file = settings.events() != null ? lastEventPosition(settings.events()) : 0;
            lastRunShownExact = file >= page;
            lastRunShown = Math.max(page, file);
        }
        catch (final IOException | RuntimeException ex)
        {
            lastRunShown = -1;
        }
    }

    /** The last position this node's status page says it showed as a primary, or -1 (first start, or never said). */
    private long previouslyShown()
    {
        final long page;
        try
        {
            page = ReplicationStatus.shownPosition(settings.directory().replication());
        }
        catch (final RuntimeException ex)
        {
            err.println(name + ": cannot read what this node showed before (" + message(ex) + "): events its " +
                "recovery replays are not shown");
            return -1;
        }
        if (page < 0)
        {
            return page;
        }
        // The page is written every 10 ms, the file at the end of every batch: a kill leaves the file further on.
        // Its last position may be cut short (a batch spills in pieces): the restart goes on within it, after the
        // lines the file holds (resume).
        try
        {
            return Math.max(page, lastEventPosition(settings.events()) - 1);
        }
        catch (final IOException | RuntimeException ex)
        {
            return page;
        }
    }

    /**
     * The whole lines at the end of an events file that are about {@code position} ({@code pos=N ...}), in file
     * order, without newlines: none if its last whole line is about another.
     */
    static List<String> linesOf(final Path file, final long position) throws IOException
    {
        if (!Files.isRegularFile(file))
        {
            return List.of();
        }
        final String prefix = EVENT_LINE + position + " ";
        final ArrayDeque<String> lines = new ArrayDeque<>();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            long end = endOfLastWholeLine(channel);
            while (end > 0)
            {
                final long start = startOfLine(channel, end - 1);
                if (end - 1 - start >= MOST_TORN_BYTES)
                {
                    break;
                }
                // The line, its newline left out.
                final ByteBuffer bytes = read(channel, start, (int)(end - 1 - start));
                final String line = new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8);
                if (!line.startsWith(prefix))
                {
                    break;
                }
                lines.addFirst(line);
                end = start;
            }
        }
        return List.copyOf(lines);
    }

    /** The position of the last whole line of an events file ({@code pos=N ...}), or 0 if it has none. */
    static long lastEventPosition(final Path file) throws IOException
    {
        if (!Files.isRegularFile(file))
        {
            return 0;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final long whole = endOfLastWholeLine(channel);
            if (whole == 0)
            {
                return 0;
            }
            final String line = text(channel, startOfLine(channel, whole - 1), 32);
            if (!line.startsWith(EVENT_LINE))
            {
                return 0;
            }
            int end = EVENT_LINE.length();
            while (end < line.length() && Character.isDigit(line.charAt(end)))
            {
                end++;
            }
            return end > EVENT_LINE.length() ? Long.parseLong(line.substring(EVENT_LINE.length(), end)) : 0;
        }
    }

    private void reportDropped(final LeaderEvents events)
    {
        if (events.droppedReplayedUnreported())
        {
            err.println(name + ": more events were journaled but never shown than are kept to show now: 'scripts/exchange " +
                "replay -d " + settings.directory().journal() + " --events FILE' writes every event of the journal");
        }
    }

    /**
     * Shows the replayed events a restarted primary had journaled but never shown: in synchronous mode those
     * its standby has acknowledged, in asynchronous mode all of them, and all of them too once a synchronous
     * primary has degraded (it shows what only it holds then, and a tail must not wait for the next command).
     */
    private void releaseReplayed(final ReplicationNode node, final LeaderEvents events)
    {
        if (events == null)
        {
            return;
        }
        reportDropped(events);
        release(events, releasable(node));
    }

    /** Up to where replayed events may be shown: what the standby acknowledged, in synchronous mode undegraded. */
    private long releasable(final ReplicationNode node)
    {
        final ReplicationStatus status = node.status();
        return settings.mode() == ReplicationMode.SYNCHRONOUS && !status.degraded() ? status.acknowledgedPosition() :
            Long.MAX_VALUE;
    }

    private void release(final LeaderEvents events, final long position)
    {
        if (events == null)
        {
            return;
        }
        try
        {
            events.release(position);
        }
        catch (final IOException ex)
        {
            err.println(name + ": writing the events file failed: " + message(ex));
        }
    }

    private boolean takeStop(final NodeDirectory dir)
    {
        for (final String request : Mailbox.pending(dir.control()))
        {
            if (request.equals("stop"))
            {
                final Properties result = new Properties();
                result.setProperty("status", "stopping");
                result.setProperty("drain-timeout-s", Long.toString(settings.drainTimeout().toSeconds()));
                Mailbox.answer(dir.control(), request, result);
                return true;
            }
        }
        return false;
    }

    private void serveControl(final ReplicationNode node, final LeaderEvents events)
    {
        final Path control = settings.directory().control();
        for (final String request : Mailbox.pending(control))
        {
            if (!request.equals("promote"))
            {
                continue;
            }
            final Properties result = new Properties();
            try
            {
                final Properties asked = Mailbox.read(control.resolve(request + Mailbox.REQUEST));
                final Promotion promotion = node.promote(Duration.ofSeconds(30),
                    Boolean.parseBoolean(asked.getProperty("force", "false")));
                if (events != null)
                {
                    final long missingFrom = events.promoted(promotion.position(), promotion.primaryShown());
                    if (missingFrom > 0)
                    {
                        err.println(name + ": the events file may miss events from position " + missingFrom + " on " +
                            "(more were held for the promotion than are kept): 'scripts/exchange replay -d " +
                            settings.directory().journal() + " --events FILE' writes every event of the journal");
                    }
                }
                result.setProperty("status", "promoted");
                final long shown = promotion.primaryShown();
                final long held = promotion.position() - 1;
                result.setProperty("primary-shown", shown >= 0 ? Long.toString(shown) : "unknown (no primary that said " +
                    "how far it showed was heard since this node started)");
                result.setProperty("epoch", Long.toString(promotion.epoch()));
                result.setProperty("position", Long.toString(promotion.position()));
                out.println(name + ": promoted to primary in epoch " + promotion.epoch() + " at position " +
                    promotion.position());
                if (shown > held)
                {
                    // Asynchronous mode's loss, said when the arbiter acts, not first at the old primary's rejoin.
                    final String lost = "positions " + (held + 1) + ".." + shown + " (" + (shown - held) + "), whose " +
                        "events the old primary showed its clients by its last heartbeat (it may have shown more since), " +
                        "are not in this node's journal: it showed them before this node held them (asynchronous " +
                        "replication, or a primary gone on alone after --degrade-after-ms), and they are lost with this " +
                        "promotion; the old primary's --rejoin cuts them off its journal and lists them";
                    result.setProperty("lost-shown", (held + 1) + ".." + shown);
                    result.setProperty("message", lost);
                    err.println(name + ": " + lost);
                }
            }
            catch (final ReplicationException | IOException ex)
            {
                result.setProperty("status", "refused");
                result.setProperty("message", message(ex));
            }
            Mailbox.answer(control, request, result);
        }
    }

    private void serveInbox(final ReplicationNode node)
    {
        final Path inbox = settings.directory().inbox();
        for (final String request : Mailbox.pending(inbox))
        {
            final Properties result = new Properties();
            try
            {
                final Properties asked = Mailbox.read(inbox.resolve(request + Mailbox.REQUEST));
                if (node.role() != Role.PRIMARY)
                {
                    result.setProperty("status", "refused");
                    result.setProperty("message", "this node is a " + node.role().name().toLowerCase(java.util.Locale.ROOT) +
                        ": publish to the primary, or promote this node first");
                }
                else
                {
                    final String deadline = asked.getProperty("deadline-ms");
                    final long deadlineMillis = deadline != null ? Long.parseLong(deadline) :
                        System.currentTimeMillis() + PUBLISH_TIMEOUT_S * 1000L;
                    if (Mailbox.cancelled(inbox, request))
                    {
                        // Its asker was stopped (Ctrl-C) while this node was busy: it no longer waits for it.
                        result.setProperty("status", "cancelled");
                        result.setProperty("applied", "false");
                        result.setProperty("message", "not published: its asker withdrew the request before this node " +
                            "reached it; nothing from it was journaled");
                    }
                    else if (System.currentTimeMillis() >= deadlineMillis)
                    {
                        // Its asker has given up (the node was starting, or busy with an earlier publish): publishing
                        // now would enter commands nobody is waiting for, and a retry would enter them twice.
                        result.setProperty("status", "expired");
                        result.setProperty("applied", "false");
                        result.setProperty("message", "not published: this node reached the request after its " +
                            "--timeout-s had run out; nothing from it was journaled");
                    }
                    else
                    {
                        publishOnce(node.engine(), request, asked, deadlineMillis, result);
                        sayWhoHoldsThem(node, result);
                    }
                }
            }
            catch (final IOException | RuntimeException ex)
            {
                result.setProperty("status", "failed");
                result.setProperty("message", message(ex));
            }
            Mailbox.answer(inbox, request, result);
        }
    }

    /**
     * A reviewer's finding: a synchronous primary gone on alone (--degrade-after-ms) answered a publish "applied:
     * true" and nothing else, as a replicated one, though no standby held a command of it. An applied publish says
     * whether the standby holds its commands ({@code replicated}), and where not, which positions are on this machine
     * only, and why.
     */
    private void sayWhoHoldsThem(final ReplicationNode node, final Properties result)
    {
        final String last = result.getProperty("last-position", "none");
        if (!"true".equals(result.getProperty("applied")) || "none".equals(last))
        {
            return;
        }
        final long lastPosition = Long.parseLong(last);
        final ReplicationStatus status = node.status();
        final long acknowledged = status.acknowledgedPosition();
        if (acknowledged >= lastPosition)
        {
            result.setProperty("replicated", "true");
            return;
        }
        final String alone = "positions " + Math.max(Long.parseLong(result.getProperty("first-position")),
            acknowledged + 1) + ".." + lastPosition + " are on this machine only (the standby has acknowledged up to " +
            acknowledged + ", peer " + status.peer().name().toLowerCase(java.util.Locale.ROOT) + ")";
        result.setProperty("replicated", "false");
        final String why = status.degraded() ? "this primary is degraded: no standby acknowledged within " +
            "--degrade-after-ms, so it applied them alone, and " + alone + " until a standby catches up (the node says " +
            "SYNCHRONOUS again when one has)" : settings.mode() == ReplicationMode.ASYNCHRONOUS ? "asynchronous " +
            "replication: " + alone + " so far; the standby takes them as it catches up (status shows the lag)" : alone;
        result.setProperty("note", why + "; a failover before then loses them");
    }

    /** A publish request the node has reached in time: refused if it would apply commands twice, else published. */
    private void publishOnce(final Engine engine, final String request, final Properties asked, final long deadlineMillis,
        final Properties result) throws IOException
    {
        final Path file = Path.of(asked.getProperty("file"));
        final long fromLine = Long.parseLong(asked.getProperty("from-line", "1"));
        final String refused = Boolean.parseBoolean(asked.getProperty("append", "false")) ? null :
            publishedAlready(engine, file, fromLine, deadlineMillis);
        if (refused != null)
        {
            result.setProperty("status", "refused");
            result.setProperty("applied", "false");
            result.setProperty("message", refused);
            out.println(name + ": " + request + ": refused: " + refused);
            out.flush();
            return;
        }
        final long rate = Long.parseLong(asked.getProperty("rate", "0"));
        out.println(name + ": publishing " + file + (rate > 0 ? " at " + rate + "/s" : "") + " for " + request);
        out.flush();
        publish(engine, request, file, rate, fromLine, deadlineMillis, result);
        out.println(name + ": " + request + ": " + result.getProperty("status") + ", " +
            result.getProperty("commands", "0") + " commands");
        out.flush();
    }

    /**
     * Null if {@code file} may be published from {@code fromLine}; why not if the journal ends with the
     * file's first commands, so that this would apply some twice or skip some ({@link JournaledAlready}).
     * Waits first, until the deadline, for the journal to hold every command the engine has taken: those
     * of a publish stopped just before are part of what the file is compared with.
     */
    private String publishedAlready(final Engine engine, final Path file, final long fromLine, final long deadlineMillis)
        throws IOException
    {
        final long taken = engine.nextPosition() - 1;
        while (journal.lastPosition() < taken && System.currentTimeMillis() < deadlineMillis && !stopping)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return JournaledAlready.checkPublish(journal, file, fromLine);
    }

    /**
     * Publishes {@code file}'s commands and waits until they are applied, until {@code deadlineMillis}
     * (epoch ms: the asker's --timeout-s), until the node is asked to stop, or until its asker withdraws
     * {@code request} (Ctrl-C); the result's status says which: published (and applied), not-applied,
     * stopped, cancelled, failed.
     */
    private void publish(final Engine engine, final String request, final Path file, final long rate,
        final long fromLine, final long deadlineMillis, final Properties result) throws IOException
    {
        final long first = engine.nextPosition();
        final Publisher publisher = new Publisher(engine, request, rate, deadlineMillis);
        String stoppedBy = null;
        // The asker sees the first few malformed lines in the answer, the node's log has every one.
        final long[] malformed = {0};
        final StringBuilder malformedLines = new StringBuilder();
        boolean expired = false;
        boolean cancelled = false;
        boolean failed = false;
        boolean fenced = false;
        boolean halted = false;
        try (InputStream in = Files.newInputStream(file))
        {
            new CommandFileReader().fromLine(fromLine).read(in, publisher, (line, text, reason) ->
            {
                // A file that is no command file (an events file) would put millions of lines in the log.
                if (malformed[0] < MALFORMED_LOGGED)
                {
                    err.println(name + ": " + file + " line " + line + ": " + reason);
                }
                malformed[0]++;
                if (malformed[0] <= MALFORMED_SHOWN)
                {
                    malformedLines.append(malformedLines.length() == 0 ? "" : "; ").append("line ").append(line)
                        .append(": ").append(reason);
                }
            });
        }
        catch (final EngineHaltedException ex)
        {
            stoppedBy = message(ex);
            fenced = ex.getCause() instanceof FencedException;
            halted = true;
        }
        catch (final StopPublishing ex)
        {
            stoppedBy = ex.getMessage();
            expired = ex.expired;
            cancelled = ex.cancelled;
        }
        catch (final RuntimeException ex)
        {
            // A command the engine refused (or anything else) part way: what got in is journaled, so the asker is
            // told how far it got and where to go on, not only what went wrong.
            stoppedBy = message(ex);
            failed = true;
        }
        if (malformed[0] > MALFORMED_LOGGED)
        {
            err.println(name + ": " + file + ": " + (malformed[0] - MALFORMED_LOGGED) + " more malformed lines not logged");
        }
        final long last = first + publisher.published - 1;
        // Published whole: wait for it to be applied. A fence can come here too (a synchronous primary waits for
        // acknowledgements), and is answered as one that stopped the publishing.
        String notApplied = null;
        if (stoppedBy == null && publisher.published > 0)
        {
            notApplied = awaitApplied(engine, request, last, deadlineMillis);
            if (notApplied != null && fencedBy(engine.failure()))
            {
                stoppedBy = message(engine.failure());
                fenced = true;
            }
            else if (notApplied != null && engine.failure() != null)
            {
                // The whole file got into the ring before the engine halted (its journal failed: a full disk): as a
                // halt met while publishing, the answer says how much reached the journal. It said "journaled up to"
                // the last position, the suite's flake of 2026-12-06 (ReplicaCliTest), where the journal held fewer.
                stoppedBy = message(engine.failure());
                halted = true;
                notApplied = null;
            }
        }
        // Its asker's deadline passing is a publish not applied in time, as when it passes while waiting for that.
        result.setProperty("status", stoppedBy == null ? "published" : expired ? "not-applied" : cancelled ? "cancelled" :
            failed ? "failed" : "stopped");
        if (fenced)
        {
            // What this node journaled after the promotion is not in the new primary's history: a line counted
            // from here would skip commands. The new primary knows which of the file's commands it holds.
            result.setProperty("message", stoppedBy + "; resume on the new primary: publish the same file there " +
                "without --from-line, and it names the line to go on from (it checks which of the file's commands " +
                "it holds; those this node journaled after the promotion are not among them)");
        }
        else if (halted && publisher.published > 0 && journal.lastPosition() < last)
        {
            // A reviewer's finding: the engine halted at its first append (its journal failed), and the answer said to
            // resume from the line after the last command published, though none had reached the journal: followed,
            // the file's first 313 commands were never journaled, and everything said success. Which lines the journal
            // holds, the node tells when given the same file without --from-line.
            result.setProperty("message", stoppedBy + "; of the " + publisher.published + " commands published, " +
                Math.max(0, journal.lastPosition() - first + 1) + " were committed to the journal when the engine " +
                "halted (more may reach it as the node closes: what a restart finds is what counts). Resume: once the " +
                "node can take it, publish the same file again without --from-line: the node checks which of the " +
                "file's commands its journal ends with, and publishes from the first it does not hold, or names the " +
                "line to go on from");
        }
        else if (stoppedBy != null)
        {
            // Stopped part way: the lines after the last command that got in were not published.
            final long resume = publisher.published > 0 ? publisher.lastLine + 1 : fromLine;
            result.setProperty("resume-from-line", Long.toString(resume));
            result.setProperty("message", stoppedBy + "; resume: publish the same file with --from-line " + resume +
                " once the node can take it");
        }
        result.setProperty("commands", Long.toString(publisher.published));
        result.setProperty("malformed", Long.toString(malformed[0]));
        if (malformed[0] > 0)
        {
            result.setProperty("malformed-lines", malformedLines + (malformed[0] > MALFORMED_SHOWN ? "; and " +
                (malformed[0] - MALFORMED_SHOWN) + " more, in the node's output" : "") + " (skipped: not published)");
        }
        if (stoppedBy == null && publisher.published == 0 && malformed[0] > 0)
        {
            // Not a command file at all: an events file, say. Nothing was published, and saying so is not success.
            result.setProperty("status", "refused");
            result.setProperty("message", "none of the lines of " + file + (fromLine > 1 ? " from line " + fromLine : "") +
                " is a command (" + malformed[0] + " malformed; the first: " + malformedLines.toString().split("; ")[0] +
                "): is it a command file? ('exchange generate' writes one; an events file is not one)");
        }
        else if (stoppedBy == null && publisher.published == 0 && fromLine > 1)
        {
            result.setProperty("note", "no command at or after line " + fromLine + ": the file has " + lineCount(file) +
                " lines, so nothing was left to publish");
        }
        // Fenced, the engine halted with commands sequenced that its journal had not committed: the answer's positions
        // are those it had, and the rest are named apart (entries appended and not yet committed may still reach the
        // file as the node closes; a rejoin cuts whatever it journaled past the promotion anyway).
        final long lastHeld = fenced || halted ? Math.min(last, journal.lastPosition()) : last;
        result.setProperty("first-position", publisher.published == 0 || lastHeld < first ? "none" : Long.toString(first));
        result.setProperty("last-position", publisher.published == 0 || lastHeld < first ? "none" : Long.toString(lastHeld));
        if (publisher.published > 0 && lastHeld < last)
        {
            result.setProperty("not-journaled", Math.max(first, lastHeld + 1) + ".." + last + " (sequenced before the " +
                (fenced ? "fence" : "halt") + ", not committed to this node's journal when its engine halted" +
                (fenced ? "" : "; some may reach it as the node closes") + ")");
        }
        if (notApplied != null && !fenced)
        {
            result.setProperty("status", stopping || stopAsked() ? "stopped" :
                Mailbox.cancelled(settings.directory().inbox(), request) ? "cancelled" : "not-applied");
            result.setProperty("message", notApplied);
        }
        // Stopped part-way, the file was not applied, even when none of it had been published yet.
        final boolean applied = stoppedBy == null && notApplied == null && (publisher.published > 0 || malformed[0] == 0);
        result.setProperty("applied", Boolean.toString(applied));
    }

    /**
     * Null once {@code position} is applied; why not, if the deadline passes, the node is asked to stop, the
     * asker withdraws {@code request}, or the engine halts.
     */
    private String awaitApplied(final Engine engine, final String request, final long position, final long deadlineMillis)
    {
        while (true)
        {
            final long left = deadlineMillis - System.currentTimeMillis();
            try
            {
                engine.awaitApplied(position, Math.max(0, Math.min(left, 100)), TimeUnit.MILLISECONDS);
                return null;
            }
            catch (final EngineHaltedException ex)
            {
                return "journaled up to position " + position + " but not applied: " + message(ex);
            }
            catch (final TimeoutException ex)
            {
                if (stopping || stopAsked())
                {
                    return "the node is stopping: journaled up to position " + position + ", not applied yet";
                }
                if (Mailbox.cancelled(settings.directory().inbox(), request))
                {
                    return "its asker withdrew it (stopped by a signal) after the whole file was published: journaled " +
                        "up to position " + position + ", not applied yet; the node applies it as it can";
                }
                if (left <= 0)
                {
                    return "journaled up to position " + position + " but not applied when publish's --timeout-s ran " +
                        "out (a synchronous primary makes nothing visible until its standby acknowledges it)";
                }
            }
        }
    }

    /** Whether a stop request waits (it is answered by the serving loop, not here). */
    private boolean stopAsked()
    {
        return Mailbox.pending(settings.directory().control()).contains("stop");
    }

    private int close(final ReplicationNode node, final int code, final String why)
    {
        if (code != REJOIN)
        {
            // Closing may drain for a while: from now on askers are told at once that no node runs here.
            owner.withdraw();
        }
        try
        {
            node.close();
        }
        catch (final EngineHaltedException ex)
        {
            // Said already, in the failure that halted it.
        }
        catch (final RuntimeException ex)
        {
            err.println(name + ": while closing: " + message(ex));
            if (code == STOPPED)
            {
                // A stop that did not close cleanly did not do what was asked: scripts must be able to tell.
                outcome = ex instanceof DrainTimeoutException && ((DrainTimeoutException)ex).commandsUnapplied() ?
                    "stopped without applying every accepted command (--drain-timeout-s ran out): " + message(ex) :
                    "stopped, but did not close cleanly: " + message(ex);
                out.println(name + ": " + (ex instanceof DrainTimeoutException && ((DrainTimeoutException)ex).commandsUnapplied() ?
                    "stopped without applying every accepted command (--drain-timeout-s ran out)" :
                    "stopped, but did not close cleanly (the line above says why)"));
                return FAILED;
            }
        }
        if (code >= 0)
        {
            outcome = why;
            out.println(name + ": " + why);
        }
        return code;
    }

    /** How many lines a file has (for a note when a publish from a line found nothing after it). */
    private static long lineCount(final Path file) throws IOException
    {
        try (java.util.stream.Stream<String> lines = Files.lines(file, java.nio.charset.StandardCharsets.ISO_8859_1))
        {
            return lines.count();
        }
    }

    /**
     * Leaves how this node ended (its exit code and last line) in its directory, where {@code replica stop}
     * reads it once the process is gone: a stop asked from elsewhere learns whether it did what was asked.
     */
    private void recordEnd(final int code)
    {
        final Properties ended = new Properties();
        ended.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
        ended.setProperty("exit-code", Integer.toString(code));
        ended.setProperty("outcome", outcome);
        try
        {
            Mailbox.write(settings.directory().ended(), ended);
        }
        catch (final RuntimeException ex)
        {
            err.println(name + ": " + message(ex));
        }
    }

    private static void closeQuietly(final ReplicationNode node)
    {
        try
        {
            node.close();
        }
        catch (final RuntimeException ignore)
        {
            // Reporting the failure that got us here matters more.
        }
    }

    /** Whether {@code failure} (an engine's halt) is, or was caused by, this node being fenced. */
    private static boolean fencedBy(final Throwable failure)
    {
        for (Throwable cause = failure; cause != null; cause = cause.getCause())
        {
            if (cause instanceof FencedException)
            {
                return true;
            }
        }
        return false;
    }

    static String message(final Throwable ex)
    {
        final String message = ex.getMessage();
        return message != null ? message : ex.getClass().getSimpleName();
    }

    /** Thrown through the command file reader when the node is asked to stop mid-file. */
    private static final class StopPublishing extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        /** Whether its asker's deadline passed, rather than the node being stopped. */
        final boolean expired;
        /** Whether its asker withdrew it (Ctrl-C), rather than the node being stopped. */
        final boolean cancelled;

        StopPublishing(final String why)
        {
            this(why, false, false);
        }

        StopPublishing(final String why, final boolean expired, final boolean cancelled)
        {
            super(why, null, false, false);
            this.expired = expired;
            this.cancelled = cancelled;
        }
    }

    /** How many malformed lines a publish's answer quotes. */
    private static final int MALFORMED_SHOWN = 3;
    /** How many malformed lines of a publish the node's log shows; the rest are counted. */
    private static final int MALFORMED_LOGGED = 100;

    /** How often a publish looks for a stop request and at its deadline while it paces or waits for room. */
    private static final long STOP_LOOK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** Publishes each parsed command, at a fixed rate when asked. */
    private final class Publisher implements CommandFileReader.Sink
    {
        private final Engine engine;
        private final String request;
        private final double intervalNanos;
        private final long deadlineMillis;
        private final IdleStrategy idle = new BackoffIdleStrategy(10, 20, 1_000, 1_000_000);
        private long started;
        private long nextLook;
        long published;
        /** The line of the last command that got in. */
        long lastLine;

        Publisher(final Engine engine, final String request, final long rate, final long deadlineMillis)
        {
            this.engine = engine;
            this.request = request;
            this.intervalNanos = rate > 0 ? 1e9 / rate : 0;
            this.deadlineMillis = deadlineMillis;
            this.nextLook = System.nanoTime() + STOP_LOOK_NANOS;
        }

        @Override
        public void command(final ParsedCommand command)
        {
            if (stopping)
            {
                throw new StopPublishing("the node is stopping");
            }
            if (intervalNanos > 0)
            {
                if (published == 0)
                {
                    started = System.nanoTime();
                }
                final long due = started + (long)(published * intervalNanos);
                final long left = due - System.nanoTime();
                if (left > 0)
                {
                    LockSupport.parkNanos(left);
                }
            }
            // A long file, or a paced one, takes a while: it answers a stop, and stops at its asker's deadline.
            look(false);
            if (!offer(command))
            {
                awaitRoom(command);
            }
            published++;
            lastLine = command.lineNumber();
        }

        /** Publishes {@code command} if the ring has room; false, publishing nothing, if it is full. */
        private boolean offer(final ParsedCommand command)
        {
            return engine.tryPublish(command.type(), command.version(), command.sourceId(), command.sourceSequence(),
                command.correlationId(), command.payload(), 0, command.payloadLength());
        }

        /**
         * The ring is full: a synchronous primary whose standby does not acknowledge fills it, since nothing
         * is applied meanwhile. Waits for room as a publish would, but looks for a stop request now and
         * then, so that 'replica stop' is answered (the rest of the file is not published) instead of
         * waiting behind this publish for a standby that may never come back.
         */
        private void awaitRoom(final ParsedCommand command)
        {
            idle.reset();
            while (!offer(command))
            {
                look(true);
                idle.idle();
            }
        }

        /**
         * Every {@link #STOP_LOOK_NANOS}: stops the publish if the node is asked to stop, or once its asker has
         * given up: withdrawn it (Ctrl-C), or its deadline has passed. What it had not published yet would enter
         * commands nobody waits for, and a retry would enter the published ones twice.
         */
        private void look(final boolean ringFull)
        {
            if (stopping)
            {
                throw new StopPublishing("the node is stopping");
            }
            final long now = System.nanoTime();
            if (now - nextLook < 0)
            {
                return;
            }
            nextLook = now + STOP_LOOK_NANOS;
            if (stopAsked())
            {
                throw new StopPublishing("the node is stopping");
            }
            if (Mailbox.cancelled(settings.directory().inbox(), request))
            {
                throw new StopPublishing("its asker withdrew it (stopped by a signal): " + (published == 0 ?
                    "nothing from the file was published" : "the first " + published + " of the file's commands got " +
                    "in, the rest were not published"), false, true);
            }
            if (System.currentTimeMillis() >= deadlineMillis)
            {
                final String got = published == 0 ? "nothing from the file was published" : "the first " + published +
                    " of the file's commands got in, the rest were not published";
                throw new StopPublishing("publish's --timeout-s ran out " + (ringFull ? "while it waited for room in " +
                    "the ring: " + got + ". A synchronous primary applies nothing until its standby acknowledges it, " +
                    "so its ring fills: start the standby (or check the primary's --peer), or run the primary with " +
                    "--degrade-after-ms to go on without one" : "before the whole file was published: " + got), true, false);
            }
        }
    }
}
