package io.ringlog.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.core.OS;
import net.openhft.posix.PosixAPI;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Maps the pages just ahead of the writer into its memory map before it writes to them, with one
 * {@code madvise(MADV_POPULATE_WRITE)} per {@link #STEP} instead of one page fault per 4 KiB page
 * in the middle of an append.
 * <p>
 * Why: the first write to each page of Chronicle's map is a page fault. On tmpfs, each one costs
 * more than the 50-odd entries that fill the page; populating 256 KiB in one call made the journal
 * alone 1.2 to 1.5 times as fast there, by batch size (see bench/README.md). On ext4, as measured when the
 * {@link SpaceReservation} still wrote zeros ahead (so the pages were in the page cache), the faults were cheap, and in
 * a profile of the exchange the calls cost its thread more than the faults they saved: so by default
 * ({@link PrefaultMode#AUTO}) only a journal on tmpfs prefaults. Since the reservation allocates with
 * {@code fallocate}, the journal's {@link TouchAhead} thread takes those faults on ext4, off the writer.
 * <p>
 * Safety: it runs on the writer's thread, on the writer's own mapping, and only over pages the
 * reservation has already given disk blocks, so it never changes a byte, never races a write, and
 * cannot meet a full disk. The kernel populates page tables as a write would, and leaves content as
 * it is. If the call is refused (a kernel before Linux 5.14, another OS), prefaulting stops for this
 * journal and the writer takes the faults as before. The call goes through Chronicle's own
 * {@code net.openhft:posix} (which chronicle-queue brings), so the journal adds no dependency.
 */
final class Prefault
{
    /** Bytes populated per call, and how far ahead of the write position the populated pages reach. */
    static final long STEP = 256 << 10;
    private static final long PAGE = OS.pageSize();
    /** {@code MADV_POPULATE_WRITE} from linux/mman.h (Linux 5.14). */
    private static final int MADV_POPULATE_WRITE = 23;

    private boolean enabled;
    /** File offset below which the current cycle file's pages are populated. */
    private long populatedTo;
    private long populatedBytes;

    /** @param enabled whether to prefault; loads the native binding now (when enabled), not mid-append. */
    Prefault(final boolean enabled)
    {
        this.enabled = enabled && Binding.AVAILABLE;
    }

    /** Whether a journal in {@code directory} prefaults under {@code mode}; AUTO: only on tmpfs. */
    static boolean wanted(final PrefaultMode mode, final Path directory)
    {
        switch (mode)
        {
            case ALWAYS:
                return true;
            case NEVER:
                return false;
            default:
                return onTmpfs(directory);
        }
    }

    static boolean onTmpfs(final Path directory)
    {
        try
        {
            Path existing = directory.toAbsolutePath();
            while (existing != null && !Files.exists(existing))
            {
                existing = existing.getParent();
            }
            return existing != null && "tmpfs".equals(Files.getFileStore(existing).type());
        }
        catch (final IOException | RuntimeException ex)
        {
            return false;
        }
    }

    /** A new cycle file: its offsets start again. */
    void restart()
    {
        populatedTo = 0;
    }

    /**
     * Populates the next {@link #STEP} of the map once the writer at {@code writeEnd} is within half a
     * step of the populated end; never past {@code reservedTo} or the chunk {@code bytes} writes into.
     */
    void ahead(final Bytes<?> bytes, final long writeEnd, final long reservedTo)
    {
        if (!enabled || writeEnd + STEP / 2 < populatedTo)
        {
            return;
        }
        try
        {
            final BytesStore<?, ?> store = bytes.bytesStore();
            if (!(store instanceof MappedBytesStore))
            {
                enabled = false;
                return;
            }
            final MappedBytesStore mapped = (MappedBytesStore) store;
            final long from = Math.max(populatedTo, (writeEnd + PAGE - 1) & ~(PAGE - 1));
            final long to = Math.min(Math.min(reservedTo, mapped.safeLimit()), from + STEP) & ~(PAGE - 1);
            if (to <= from || !mapped.inside(from, to - from))
            {
                // The chunk (or the reservation) ends here: the writer moves on first.
                return;
            }
            if (!populate(mapped.addressForWrite(from), to - from))
            {
                enabled = false;
                return;
            }
            populatedTo = to;
            populatedBytes += to - from;
        }
        catch (final RuntimeException ex)
        {
            // Only ever an optimisation: the writer takes the page faults instead.
            enabled = false;
        }
    }

    /** Bytes populated since the journal opened; 0 where the kernel refuses. */
    long populatedBytes()
    {
        return populatedBytes;
    }

    /**
     * Whether Chronicle's native binding of the system calls is there (madvise here, fallocate for
     * {@link SpaceReservation}), decided once, at first use: it falls back to a no-op implementation (which
     * answers 0 to everything, so a call it "made" did nothing) where its native library cannot load.
     */
    static boolean nativeCalls()
    {
        return Binding.AVAILABLE;
    }

    private static final class Binding
    {
        static final boolean AVAILABLE = available();

        private static boolean available()
        {
            try
            {
                return !PosixAPI.posix().getClass().getSimpleName().startsWith("NoOp");
            }
            catch (final RuntimeException | LinkageError ex)
            {
                return false;
            }
        }
    }

    /** Populates {@code length} bytes of this process's mapping at {@code address}; false if the kernel refuses. */
    static boolean populate(final long address, final long length)
    {
        try
        {
            return Binding.AVAILABLE && PosixAPI.posix().madvise(address, length, MADV_POPULATE_WRITE) == 0;
        }
        catch (final RuntimeException | LinkageError ex)
        {
            return false;
        }
    }
}
