package io.ringlog.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.core.OS;
import net.openhft.chronicle.core.UnsafeMemory;
import net.openhft.chronicle.core.io.ReferenceOwner;
import net.openhft.posix.PosixAPI;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A thread of the journal's own that writes to each page of Chronicle's map just ahead of the writer, so that the
 * writer's first store into a page does not pay for making it writable.
 * <p>
 * Why: the first store into each 4 KiB page of a file's map is a fault (the kernel marks the page dirty and makes
 * it writable), and on a VM whose host shadows the guest's page tables it also exits to the host: about 5.5 µs a
 * page on the 2-core VM this was measured on, about 90 ns an exchange command at 66 bytes each, on the one thread
 * that journals and applies. A store from another thread pays that instead, and the writer's stores find the page
 * writable. Neither the kernel's {@code madvise(MADV_POPULATE_WRITE)} nor the reservation's {@code pwrite} does
 * it there ({@link Prefault}, bench/README.md "What did not help"); a user-mode store does. Touching every page at
 * open does not either: a touched page that the kernel writes back before the writer reaches it costs more at its
 * next store than an untouched one. So this keeps a bounded lead, {@link #LEAD}, a few milliseconds of writing.
 * <p>
 * Safety:
 * <ul>
 *   <li>The touch is an atomic add of zero to the page's first 8 bytes (aligned, so within one cache line): it
 *       writes back what it read, atomically, so it changes no byte whichever of it and a write of the journal's
 *       comes first. It touches only pages past the one the writer is in when it asks.</li>
 *   <li>It touches only pages the journal's {@link SpaceReservation} (or its preallocation) has already given
 *       disk blocks, so a full disk is never met by a store into the map.</li>
 *   <li>It touches a chunk of Chronicle's map only while it holds a reservation (a reference count) on that chunk,
 *       taken by the writer while the writer holds it, so the chunk is not unmapped under it; the reservation is
 *       given back when the toucher moves to the next chunk, and at close, which stops the thread and waits for it
 *       before Chronicle closes.</li>
 *   <li>If anything goes wrong, on its thread or in the writer's call that asks for pages (the thread could not
 *       start, say), touching stops, the reservations are given back, and the writer takes the faults as before:
 *       it is only ever an optimisation, never a failed append.</li>
 *   <li>A copy-on-write file system (btrfs, ZFS) may need new blocks for any store, reserved or not, as it does for
 *       the writer's own stores: the reservation's promise, and so this one, holds on ext4, XFS and tmpfs.</li>
 * </ul>
 * Cost: one daemon thread per writable journal, started at the end of a successful open (on the opening thread, so
 * it may run where the opener may, not on a stage pinned by {@code EngineContext.stageCpu}), parked while it is
 * ahead; the writer wakes it once per half {@link #LEAD} written (an unpark only when it sleeps), so an idle journal
 * costs no CPU. The touching moves the pages' cost to that thread: about a quarter of a core at three million
 * exchange commands a second when measured with the kernel's readahead; each page brought in on its own (below)
 * costs it about twice that (at 500K commands a second, 13-16% of a core against 6-7%).
 */
final class TouchAhead implements Runnable
{
    /** How far past the writer's position the touched pages reach: 1 MiB, a few milliseconds of journal. */
    static final long LEAD = 1 << 20;
    private static final long PAGE = OS.pageSize();
    /** Pages touched between two checks of the file's size within a pass (a power of two). */
    private static final long SIZE_CHECK_EVERY = 16;
    /** {@code MADV_RANDOM} from linux/mman.h: no readahead around this range's faults. */
    private static final int MADV_RANDOM = 1;

    private final String threadName;
    /** The newest window, handed from the writer to the toucher; whoever takes it out owns its reservation. */
    private final AtomicReference<Window> handOver = new AtomicReference<>();
    private volatile Thread thread;
    /** The window the toucher holds a reservation on, until it gives it back; close gives back one left held. */
    private volatile Window held;
    private volatile boolean parked;
    private volatile boolean stopping;
    /** Set by the toucher when it gave up: the writer stops asking. */
    private volatile boolean failed;
    /** Set when it gave up because the file was shorter than the pages asked for (cut under the writer): for tests. */
    private volatile boolean sawCut;
    private volatile long touchedBytes;
    /** The toucher's own read-only channel on the file it touches, for its size; on its thread only. */
    private FileChannel sizeChannel;
    private Path sizePath;
    /** File offset the toucher has touched to in its current window, written once a pass: for tests. */
    private volatile long touchedTo;

    // The writer's side, on the writer's thread only.
    private boolean enabled;
    /** {@code ChronicleJournal.Context.touchAheadReadahead(false)}: each chunk is advised before it is touched. */
    private final boolean noReadahead;
    /** The window the writer publishes the reach of: the chunk it writes into. */
    private Window current;
    /** File offset below which the current cycle file's pages have been asked for. */
    private long askedTo;
    /** The current chunk's {@code safeLimit()}, and the last page boundary below it: nothing is asked past them. */
    private long chunkLimit;
    private long chunkEnd;

    /** One chunk of Chronicle's map, reserved for the toucher while it is handed over or touched. */
    private static final class Window implements ReferenceOwner
    {
        final MappedBytesStore chunk;
        /** Address of the chunk's first byte, read by the writer (Chronicle's stores are the writer's to call). */
        final long baseAddress;
        final long chunkStart;
        /** File offset the toucher starts at: the page after the writer's when the window was made. */
        final long from;
        /** File offset below which the toucher may touch; only grows. */
        volatile long to;
        /** The cycle file the chunk maps: its size is checked before each pass. */
        final Path file;

        Window(final MappedBytesStore chunk, final long from, final Path file)
        {
            this.file = file;
            this.chunk = chunk;
            this.chunkStart = chunk.start();
            this.baseAddress = chunk.addressForWrite(chunkStart);
            this.from = from;
        }

        @Override
        public String referenceName()
        {
            return "ringlog-touch-ahead";
        }
    }

    /**
     * @param enabled     whether to touch ahead at all
     * @param noReadahead whether to ask the kernel not to read ahead around the touches ({@link #adviseNoReadAhead})
     * @param threadName  the thread's name when it starts
     */
    TouchAhead(final boolean enabled, final boolean noReadahead, final String threadName)
    {
        this.enabled = enabled;
        this.noReadahead = noReadahead;
        this.threadName = threadName;
    }

    /**
     * Starts the thread, parked until the writer asks for pages: at the end of a successful open, on the opening
     * thread, so it runs on the CPUs the opener may use (a new thread inherits them), not on a pinned stage's.
     */
    void start()
    {
        if (!enabled)
        {
            return;
        }
        try
        {
            final Thread started = new Thread(this, threadName);
            started.setDaemon(true);
            // A fault in the map (a file cut short under the journal, SIGBUS) reaches Java as an InternalError at the
            // JVM's next check, which can be past run()'s catch: never a stack trace on stderr, only the end of an
            // optimisation; the writer meets the same fault and says what it is.
            started.setUncaughtExceptionHandler((t, ex) -> failed = true);
            started.start();
            thread = started;
        }
        catch (final RuntimeException | Error ex)
        {
            // No thread (a limit on threads, say): the writer takes the faults as before.
            enabled = false;
        }
    }

    /** A new cycle file: its offsets start again. */
    void restart()
    {
        askedTo = 0;
        chunkLimit = 0;
        chunkEnd = 0;
    }

    /**
     * Asks for the pages from the one after {@code writeEnd}'s to {@link #LEAD} past it, never past
     * {@code reservedTo} or the chunk {@code bytes} writes into, once the writer is within half the lead of what it
     * asked for before. Called by the writer after each append, so the common case is one comparison.
     */
    void ahead(final Bytes<?> bytes, final long writeEnd, final long reservedTo, final Path file)
    {
        if (!enabled || writeEnd + LEAD / 2 < askedTo || reservedTo <= askedTo ||
            askedTo >= chunkEnd && writeEnd < chunkLimit)
        {
            // Ahead enough, nothing newly reserved, or asked to the end of the chunk the writer is still in.
            return;
        }
        try
        {
            askAhead(bytes, writeEnd, reservedTo, file);
        }
        catch (final RuntimeException | Error ex)
        {
            // Only ever an optimisation, on this side too: the writer goes on taking the faults.
            enabled = false;
            releaseHandOver();
        }
    }

    private void askAhead(final Bytes<?> bytes, final long writeEnd, final long reservedTo, final Path file)
    {
        if (failed)
        {
            enabled = false;
            releaseHandOver();
            return;
        }
        final BytesStore<?, ?> store = bytes.bytesStore();
        if (!(store instanceof MappedBytesStore))
        {
            enabled = false;
            releaseHandOver();
            return;
        }
        final MappedBytesStore chunk = (MappedBytesStore) store;
        final long limit = chunk.safeLimit();
        final long from = (writeEnd + PAGE) & ~(PAGE - 1);
        final long to = Math.min(Math.min(reservedTo, limit), writeEnd + LEAD) & ~(PAGE - 1);
        final boolean sameChunk = current != null && current.chunk == chunk;
        if (to <= from || sameChunk && to <= askedTo || !chunk.inside(from, to - from))
        {
            // Nothing new: the chunk (or the reservation) ends here, and the next one is asked for from the writer.
            return;
        }
        if (!sameChunk)
        {
            publish(chunk, from, file);
            chunkLimit = limit;
            chunkEnd = limit & ~(PAGE - 1);
        }
        current.to = to;
        askedTo = to;
        wake();
    }

    private void publish(final MappedBytesStore chunk, final long from, final Path file)
    {
        final Window window = new Window(chunk, from, file);
        chunk.reserve(window);
        current = window;
        final Window displaced = handOver.getAndSet(window);
        if (displaced != null)
        {
            displaced.chunk.release(displaced);
        }
    }

    private void wake()
    {
        final Thread running = thread;
        if (parked && running != null)
        {
            parked = false;
            LockSupport.unpark(running);
        }
    }

    /** Stops the thread and waits for it, then gives back every reservation: before Chronicle closes. */
    void close()
    {
        enabled = false;
        stopping = true;
        final Thread running = thread;
        if (running != null)
        {
            LockSupport.unpark(running);
            boolean interrupted = false;
            while (running.isAlive())
            {
                try
                {
                    running.join();
                }
                catch (final InterruptedException ex)
                {
                    // It must be gone before its chunk can be unmapped; keep the interrupt for the caller.
                    interrupted = true;
                }
            }
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
            if (held != null)
            {
                // The toucher ended on a fault delivered before it gave its window back.
                try
                {
                    releaseHeld();
                }
                catch (final RuntimeException releasedAlready)
                {
                    held = null;
                }
            }
            // And its size channel, where the fault skipped its own finally.
            closeSizeChannel();
        }
        releaseHandOver();
    }

    private void releaseHeld()
    {
        final Window window = held;
        if (window != null)
        {
            // Cleared first: a fault delivered late, between the two, would otherwise have close release it twice.
            held = null;
            window.chunk.release(window);
        }
    }

    private void releaseHandOver()
    {
        final Window left = handOver.getAndSet(null);
        if (left != null)
        {
            left.chunk.release(left);
        }
    }

    /** Bytes of pages touched since open: for tests. */
    long touchedBytes()
    {
        return touchedBytes;
    }

    /** Whether the toucher stopped at a file shorter than the pages asked for, before touching past its end. */
    boolean sawCut()
    {
        return sawCut;
    }

    /** Whether the toucher is parked, caught up with what the writer asked: for tests. */
    boolean parked()
    {
        return parked;
    }

    /** File offset the toucher has touched to in the window it holds: for tests. */
    long touchedTo()
    {
        return touchedTo;
    }

    /** Whether the thread is still there (started and not yet stopped): for tests. */
    boolean threadAlive()
    {
        final Thread running = thread;
        return running != null && running.isAlive();
    }

    @Override
    public void run()
    {
        Window window = null;
        long touchedTo = 0;
        try
        {
            while (!stopping)
            {
                final Window next = handOver.getAndSet(null);
                if (next != null)
                {
                    final Window done = window;
                    // Held from here on, so that the finally below gives it back whatever the release of the last one does.
                    window = next;
                    held = next;
                    touchedTo = next.from;
                    if (noReadahead && (done == null || done.chunk != next.chunk))
                    {
                        adviseNoReadAhead(next);
                    }
                    if (done != null)
                    {
                        done.chunk.release(done);
                    }
                }
                final long to = window == null ? 0 : window.to;
                if (window == null || touchedTo >= to)
                {
                    parked = true;
                    if (handOver.get() == null && (window == null || window.to <= touchedTo) && !stopping)
                    {
                        LockSupport.park(this);
                        // Nothing here is interruptible; an interrupt left set would make every park return at once.
                        Thread.interrupted();
                    }
                    parked = false;
                    continue;
                }
                touchedTo = touch(window, touchedTo, to);
                this.touchedTo = touchedTo;
                if (failed)
                {
                    break;
                }
            }
        }
        catch (final RuntimeException | Error ex)
        {
            // Only ever an optimisation: the writer goes on taking the faults.
            failed = true;
        }
        finally
        {
            closeSizeChannel();
            releaseHeld();
        }
    }

    /**
     * Asks the kernel not to read ahead around the faults in the window's chunk ({@code madvise(MADV_RANDOM)}), once a
     * chunk, while its reference is held, where {@code ChronicleJournal.Context.touchAheadReadahead(false)} asks for
     * it (it is for latency, not throughput: see there). Without it, this thread's touches, a page at a time in a
     * tight loop, are what the kernel's readahead takes for a sequential reader: at each readahead mark it brings in
     * the next window (the device's {@code read_ahead_kb}, 8 MiB on the VM this was measured on) in one go,
     * zero-filling every page of the file's unwritten blocks, about 20 ms of kernel work each time on that VM, and the
     * writer's commands were late meanwhile: an exchange at 100K commands/s had p99.9 of 7-20 ms with it, 2.8-3.5 ms
     * without (bench/README.md, "Where the time goes"). Each touch then brings in its own page, the cost spread page
     * by page as the writer would have paid it. Only a hint: where the native binding is missing or the kernel refuses, nothing changes.
     * The journal's readers in this process share the chunk's map, so they read it without readahead too: a reader
     * catching up through the part of the chunk written before a restart faults it in a page at a time. And from Linux
     * 6.3 on, reclaim does not count accesses through an advised map as recent, so under memory pressure the chunk's
     * pages may leave the page cache sooner.
     */
    private static void adviseNoReadAhead(final Window window)
    {
        if (!Prefault.nativeCalls())
        {
            return;
        }
        try
        {
            // The whole map, overlap included: realCapacity() is its end as a file offset.
            PosixAPI.posix().madvise(window.baseAddress, window.chunk.realCapacity() - window.chunkStart, MADV_RANDOM);
        }
        catch (final RuntimeException | LinkageError ignore)
        {
            // A hint the kernel did not take: the touches read ahead as before.
        }
    }

    /** The size of {@code file} now (fstat on a channel of the toucher's own, reopened when the file changes). */
    private long fileEnd(final Path file)
    {
        try
        {
            if (!file.equals(sizePath))
            {
                closeSizeChannel();
                sizeChannel = FileChannel.open(file, StandardOpenOption.READ);
                sizePath = file;
            }
            return sizeChannel.size();
        }
        catch (final IOException ex)
        {
            // Gone, or unreadable: nothing past its start is safe to touch.
            return -1;
        }
    }

    private void closeSizeChannel()
    {
        if (sizeChannel != null)
        {
            try
            {
                sizeChannel.close();
            }
            catch (final IOException ex)
            {
                // A read-only channel: nothing was written through it.
            }
            sizeChannel = null;
            sizePath = null;
        }
    }

    /** Touches the pages of {@code window} from {@code from} to {@code to} (file offsets); returns how far it got. */
    private long touch(final Window window, final long from, final long to)
    {
        long offset = from;
        while (offset < to && !stopping)
        {
            if (((offset - from) & (SIZE_CHECK_EVERY * PAGE - 1)) == 0 && fileEnd(window.file) < to)
            {
                // The file is shorter than the pages the writer asked for: something outside cut it, before the pass
                // or during it. A touch past its end is a SIGBUS, which kills the JVM where the touch runs in the
                // interpreter (a native CAS the JVM does not guard). Stop touching for good; the writer meets the cut
                // itself and says so.
                sawCut = true;
                failed = true;
                return offset;
            }
            UnsafeMemory.UNSAFE.getAndAddLong(null, window.baseAddress + (offset - window.chunkStart), 0L);
            offset += PAGE;
            touchedBytes += PAGE;
        }
        return offset;
    }
}
