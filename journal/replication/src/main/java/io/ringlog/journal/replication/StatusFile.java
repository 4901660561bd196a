package io.ringlog.journal.replication;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@value #FILE_NAME}: a node's replication figures in one memory-mapped page, written in place as
 * they change (ordered stores, no syscalls), read by {@link ReplicationStatus#read(Path)} from this
 * process or another one (the {@code status} command), and still there after the node was killed:
 * what a killed primary had acknowledged is exactly what it last wrote here.
 * <pre>
 * replication.status, little-endian, one 4096-byte page; every field 8 bytes unless marked
 *   offset  field                              offset  field
 *      0    magic 'RLRS' (4), layout (4)         112    catch-up target position
 *      8    process id                           120    ack latency p50, ns
 *     16    updated, epoch ms                    128    ack latency p99, ns
 *     24    role (Role ordinal)                  136    ack latency max, ns
 *     32    epoch                                144    acknowledgements received / sent
 *     40    epoch's first position               152    sends that met back-pressure
 *     48    peer state (PeerState ordinal)       160    sends that found no standby connected
 *     56    mode: 0 async, 1 sync, 2 degraded    168    catch-up sessions
 *     64    journaled position                   176    peer last heard, epoch ms
 *     72    acknowledged position                184    peer's epoch
 *     80    lag, positions                       192    peer's last reported position
 *     88    lag, ns (oldest unacknowledged)      200    times degraded to asynchronous
 *                                               208    last position shown, plus one (0: not known);
 *                                                      kept from the page of the node's last process
 *                                               216    the peer's configured mode, plus one (0: not known)
 *                                               224    the role of the node's last process that did not end
 *                                                      FAILED, plus one (0: not known); kept across processes
 *                                               232    role written (1) or not yet (0)
 *                                               240    state hashes last compared equal at, position (0: none)
 *                                               248    state hashes compared equal, times
 *                                               256    state hashes first found to differ at, position (0: none)
 *                                               264    this node's state hash there;  272: the peer's
 *                                               280    who found it: 1 this node, 2 its standby; 288: 1 if an
 *                                                      earlier process did (256..280 kept across processes)
 *                                               296    the last position compared equal before it (kept with it)
 *     96    catch-up from position              1024    message length (4), then UTF-8 text: the
 *    104    catch-up sent up to                         latest failure, for a person to read
 * </pre>
 */
final class StatusFile implements AutoCloseable
{
    static final String FILE_NAME = "replication.status";
    static final int LENGTH = 4096;
    static final int MAGIC = 0x53524C52;
    static final int LAYOUT = 2;

    static final int PID = 8;
    static final int UPDATED = 16;
    static final int ROLE = 24;
    static final int EPOCH = 32;
    static final int EPOCH_START = 40;
    static final int PEER_STATE = 48;
    static final int MODE = 56;
    static final int JOURNALED = 64;
    static final int ACKNOWLEDGED = 72;
    static final int LAG_POSITIONS = 80;
    static final int LAG_NANOS = 88;
    static final int CATCH_UP_FROM = 96;
    static final int CATCH_UP_SENT = 104;
    static final int CATCH_UP_TARGET = 112;
    static final int ACK_P50 = 120;
    static final int ACK_P99 = 128;
    static final int ACK_MAX = 136;
    static final int ACKS = 144;
    static final int BACK_PRESSURED = 152;
    static final int NOT_CONNECTED = 160;
    static final int CATCH_UPS = 168;
    static final int PEER_HEARD = 176;
    static final int PEER_EPOCH = 184;
    static final int PEER_POSITION = 192;
    static final int DEGRADED_COUNT = 200;
    /** The last position a primary has shown (ReplicationContext.shownPosition), plus one; 0: not known. */
    static final int SHOWN_PLUS_ONE = 208;
    /** The mode the peer was started with (its heartbeats say it), plus one: 1 asynchronous, 2 synchronous; 0 not known. */
    static final int PEER_MODE_PLUS_ONE = 216;
    /**
     * The role (Role ordinal) of the node's last process that did not end FAILED, or that failed after changing its
     * journal (it journaled an entry, or a rejoin cuts it), plus one; 0: not known. A run that failed without changing
     * it (refused as diverged, say) keeps the one before it: whether this node's journal ends in entries it wrote as a
     * primary.
     */
    static final int LAST_ROLE_PLUS_ONE = 224;
    /**
     * 1 once the process wrote its role at ROLE; 0 while it has not (a fresh page's ROLE, 0, reads as PRIMARY: a
     * start that failed before its agent wrote the role is no run as a primary). Pages of layout 1 lack it.
     */
    static final int ROLE_SET = 232;
    /** The last position the pair's state hashes were compared at and found equal (0: none yet), and how many times. */
    static final int STATE_EQUAL_AT = 240;
    static final int STATE_EQUAL_COUNT = 248;
    /** The first position they were found to differ at (0: none), this node's hash there and its peer's. */
    static final int STATE_DIFFERS_AT = 256;
    static final int STATE_HASH_HERE = 264;
    static final int STATE_HASH_PEER = 272;
    /** Who found it: StateComparison.FOUND_HERE or FOUND_BY_STANDBY; and 1 if an earlier process of the node did. */
    static final int STATE_DIFFERS_FOUND = 280;
    static final int STATE_DIFFERS_CARRIED = 288;
    /** The last position compared equal before the difference (0: none), kept with it: the snapshots before it are whole. */
    static final int STATE_EQUAL_BEFORE = 296;
    static final int MESSAGE = 1024;
    static final int MESSAGE_MAX = LENGTH - MESSAGE - 4;

    static final long MODE_ASYNC = 0;
    static final long MODE_SYNC = 1;
    static final long MODE_DEGRADED = 2;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final MappedByteBuffer mapped;
    private final UnsafeBuffer page;

    private StatusFile(final MappedByteBuffer mapped)
    {
        this.mapped = mapped;
        this.page = new UnsafeBuffer(mapped);
    }

    /**
     * Creates (or clears) the file in {@code directory} and maps it; the last position shown is kept from
     * the page there, so a start that fails before it says its own does not lose it.
     */
    static StatusFile create(final Path directory)
    {
        final Path file = directory.resolve(FILE_NAME);
        long shownPlusOne = 0;
        long lastRolePlusOne = 0;
        final long[] differs = new long[5];
        try
        {
            final UnsafeBuffer previous = readPage(directory);
            shownPlusOne = previous == null ? 0 : previous.getLong(SHOWN_PLUS_ONE, ORDER);
            final long role = previous == null || !roleSet(previous) ? -1 : previous.getLong(ROLE, ORDER);
            lastRolePlusOne = role >= 0 && role < Role.values().length && role != Role.FAILED.ordinal() ? role + 1 :
                previous == null ? 0 : previous.getLong(LAST_ROLE_PLUS_ONE, ORDER);
            if (previous != null)
            {
                // A difference of states outlives the process that found it, until a comparison comes back equal.
                differs[0] = previous.getLong(STATE_DIFFERS_AT, ORDER);
                differs[1] = previous.getLong(STATE_HASH_HERE, ORDER);
                differs[2] = previous.getLong(STATE_HASH_PEER, ORDER);
                differs[3] = previous.getLong(STATE_DIFFERS_FOUND, ORDER);
                differs[4] = previous.getLong(STATE_EQUAL_BEFORE, ORDER);
            }
        }
        catch (final RuntimeException damaged)
        {
            // A page that cannot be read keeps nothing: the position is not known.
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING))
        {
            final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, LENGTH);
            final StatusFile status = new StatusFile(mapped);
            status.page.putInt(4, LAYOUT, ORDER);
            status.put(PID, ProcessHandle.current().pid());
            status.put(SHOWN_PLUS_ONE, shownPlusOne);
            status.put(LAST_ROLE_PLUS_ONE, lastRolePlusOne);
            if (differs[0] > 0 && (differs[3] == 1 || differs[3] == 2))
            {
                status.put(STATE_HASH_HERE, differs[1]);
                status.put(STATE_HASH_PEER, differs[2]);
                status.put(STATE_DIFFERS_FOUND, differs[3]);
                status.put(STATE_EQUAL_BEFORE, differs[4]);
                status.put(STATE_DIFFERS_AT, differs[0]);
            }
            status.page.putIntOrdered(0, MAGIC);
            return status;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create the status file " + file + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Records, on the page a stopped node left in {@code directory}, that its journal now ends in its primary's
     * history (a rejoin cut its own tail): the next start takes its last role as STANDBY. Nothing if it has no page.
     */
    static void recordCut(final Path directory)
    {
        final Path file = directory.resolve(FILE_NAME);
        if (!Files.isRegularFile(file))
        {
            return;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final java.nio.ByteBuffer value = java.nio.ByteBuffer.allocate(8).order(ORDER);
            value.putLong(0, Role.STANDBY.ordinal() + 1);
            channel.write(value, LAST_ROLE_PLUS_ONE);
            channel.force(false);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write the status file " + file + ": " + ex.getMessage(), ex);
        }
    }

    /** Whether {@code page}'s process wrote its role (always, on a page of layout 1, which did before it started). */
    static boolean roleSet(final UnsafeBuffer page)
    {
        return page.getInt(4, ORDER) < 2 || page.getLong(ROLE_SET, ORDER) != 0;
    }

    /** Maps {@code directory}'s status file read-only, or returns null if it has none. */
    static UnsafeBuffer readPage(final Path directory)
    {
        final Path file = directory.resolve(FILE_NAME);
        try
        {
            final byte[] bytes = Files.readAllBytes(file);
            if (bytes.length < LENGTH)
            {
                throw new ReplicationException(file + " is " + bytes.length + " bytes, not a status page of " + LENGTH);
            }
            final UnsafeBuffer page = new UnsafeBuffer(bytes);
            if (page.getInt(0, ORDER) != MAGIC)
            {
                throw new ReplicationException(file + " is not a ringlog replication status file (bad magic)");
            }
            return page;
        }
        catch (final NoSuchFileException ex)
        {
            return null;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + file + ": " + ex.getMessage(), ex);
        }
    }

    UnsafeBuffer page()
    {
        return page;
    }

    void put(final int offset, final long value)
    {
        page.putLongOrdered(offset, value);
    }

    long get(final int offset)
    {
        return page.getLongVolatile(offset);
    }

    void add(final int offset, final long delta)
    {
        page.getAndAddLong(offset, delta);
    }

    /** Keeps {@code text} (cut to fit) as the message a person reads in the status. */
    synchronized void message(final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        final int length = Math.min(bytes.length, MESSAGE_MAX);
        page.putInt(MESSAGE, 0, ORDER);
        page.putBytes(MESSAGE + 4, bytes, 0, length);
        page.putIntOrdered(MESSAGE, length);
    }

    static String message(final UnsafeBuffer page)
    {
        final int length = Math.max(0, Math.min(page.getInt(MESSAGE, ORDER), MESSAGE_MAX));
        final byte[] bytes = new byte[length];
        page.getBytes(MESSAGE + 4, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void close()
    {
        mapped.force();
        IoUtil.unmap(mapped);
    }
}
