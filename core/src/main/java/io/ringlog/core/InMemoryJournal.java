package io.ringlog.core;

import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * A journal in the heap, for tests and for services that embed without disk. Entries are fixed-size
 * records (header + maxPayloadLength) in 1 MiB-ish slabs: unbounded by default (a new slab as it
 * fills), or bounded to the newest {@code retainedEntries} entries in preallocated slabs, which
 * allocates nothing while running. Readers and the writer may be on different threads, but a
 * reader that falls a whole ring behind a bounded journal's writer fails rather than wait. An unbounded
 * journal that would fill the heap fails its append with a {@link JournalException} that says so (an
 * engine halts on it) rather than with an {@link OutOfMemoryError} in whichever thread allocates next.
 * Nothing survives the process.
 */
public final class InMemoryJournal implements Journal
{
    /** Entries a slab holds at most: a slab of small entries is about 1 MiB. */
    private static final int MAX_ENTRIES_PER_SLAB = 4096;
    /** Bytes a slab of large entries holds at most (one entry at least, whatever its size). */
    private static final long MAX_SLAB_BYTES = 4L << 20;

    private final int recordLength;
    private final int entriesPerSlab;
    private final int maxPayloadLength;
    private final long retainedEntries;
    private final List<UnsafeBuffer> slabs = new ArrayList<>();
    private final UnsafeBuffer[] ring;
    private final Crc32c appendCrc = new Crc32c();
    private volatile JournalId id = JournalId.random();
    private volatile long lastPosition;
    private long firstPosition = 1;
    private long appendedPosition;
    /**
     * Where the next entry goes when it is the one after the last appended (nearly always): its index, slab and offset
     * in it, so that an append within a slab divides nothing (three long divisions were an eighth of the engine's
     * compact thread in a profile of the trivial pipeline).
     */
    private long cursorIndex = -1;
    private UnsafeBuffer cursorSlab;
    private int cursorOffset;

    /** Unbounded: keeps every entry. */
    public InMemoryJournal(final int maxPayloadLength)
    {
        this(maxPayloadLength, 0);
    }

    /**
     * @param retainedEntries keep only the newest entries, rounded up to whole slabs; 0 keeps all.
     */
    public InMemoryJournal(final int maxPayloadLength, final long retainedEntries)
    {
        if (maxPayloadLength <= 0 || retainedEntries < 0)
        {
            throw new IllegalArgumentException("maxPayloadLength must be positive and retainedEntries not negative");
        }
        if (bytesPerEntry(maxPayloadLength) > Integer.MAX_VALUE - 16)
        {
            throw new IllegalArgumentException("maxPayloadLength " + maxPayloadLength + " is too large for the " +
                "in-memory journal: an entry must fit a Java array");
        }
        this.recordLength = (int)bytesPerEntry(maxPayloadLength);
        // Large entries get fewer to a slab: 4096 of them would overflow an array, or take a slab of gigabytes.
        this.entriesPerSlab = (int)Math.max(1, Math.min(MAX_ENTRIES_PER_SLAB, MAX_SLAB_BYTES / recordLength));
        this.maxPayloadLength = maxPayloadLength;
        this.retainedEntries = retainedEntries;
        if (retainedEntries > 0)
        {
            final long slabCount = (retainedEntries + entriesPerSlab - 1) / entriesPerSlab + 1;
            final long bytes = slabCount * recordLength * entriesPerSlab;
            if (slabCount > Integer.MAX_VALUE || bytes > Runtime.getRuntime().maxMemory())
            {
                throw tooLarge(retainedEntries, bytes, null);
            }
            ring = new UnsafeBuffer[(int)slabCount];
            try
            {
                for (int i = 0; i < slabCount; i++)
                {
                    ring[i] = new UnsafeBuffer(new byte[recordLength * entriesPerSlab]);
                }
            }
            catch (final OutOfMemoryError ex)
            {
                throw tooLarge(retainedEntries, bytes, ex);
            }
        }
        else
        {
            ring = null;
        }
    }

    @Override
    public long lastPosition()
    {
        return lastPosition;
    }

    /** Oldest position still held. */
    @Override
    public synchronized long firstPosition()
    {
        return firstPosition;
    }

    @Override
    public void append(final Command command)
    {
        final long position = command.position();
        if (position == lastPosition + 1 && appendedPosition > lastPosition)
        {
            // An engine that halted mid-batch left entries appended but never committed; a new engine
            // starts after the committed ones, so the uncommitted tail is dropped, as a crash would.
            appendedPosition = lastPosition;
        }
        if (position != appendedPosition + 1 && appendedPosition != 0)
        {
            throw new JournalException(position, "out of order append after position " + appendedPosition);
        }
        final long index = position - 1;
        final UnsafeBuffer slab;
        final int offset;
        if (index == cursorIndex && cursorOffset < cursorSlab.capacity())
        {
            slab = cursorSlab;
            offset = cursorOffset;
        }
        else
        {
            // A new slab (slabFor overwrites the oldest or adds one), or an append after the uncommitted tail was dropped.
            slab = slabFor(index);
            offset = (int)(index % entriesPerSlab) * recordLength;
        }
        final int length = CommandCodec.encodeCompact(command, slab, offset + 4, appendCrc);
        slab.putInt(offset, length);
        appendedPosition = position;
        cursorIndex = index + 1;
        cursorSlab = slab;
        cursorOffset = offset + recordLength;
    }

    private UnsafeBuffer slabFor(final long index)
    {
        final long slabIndex = index / entriesPerSlab;
        if (ring != null)
        {
            if (index % entriesPerSlab == 0 && slabIndex >= ring.length)
            {
                // Starting this slab overwrites the oldest one.
                synchronized (this)
                {
                    firstPosition = (slabIndex - ring.length + 1) * entriesPerSlab + 1;
                }
            }
            return ring[(int)(slabIndex % ring.length)];
        }
        while (slabs.size() <= slabIndex)
        {
            final UnsafeBuffer slab = newSlab(index + 1);
            synchronized (this)
            {
                slabs.add(slab);
            }
        }
        return slabs.get((int)slabIndex);
    }

    /**
     * The next slab of an unbounded journal, or a {@link JournalException} that says the heap is full: an
     * engine halts on it in words, where an {@link OutOfMemoryError} would have killed whichever thread
     * allocated next. A slab that would leave less than a sixteenth of the heap free is refused after one
     * collection, so the failure leaves room for the engine to report it; a slab the heap refuses outright is
     * refused the same way.
     */
    private UnsafeBuffer newSlab(final long position)
    {
        final Runtime runtime = Runtime.getRuntime();
        final long slabBytes = (long)recordLength * entriesPerSlab;
        final long reserve = runtime.maxMemory() / 16;
        if (free(runtime) - slabBytes < reserve)
        {
            System.gc();
            if (free(runtime) - slabBytes < reserve)
            {
                throw heapFull(position, runtime, null);
            }
        }
        try
        {
            return new UnsafeBuffer(new byte[(int)slabBytes]);
        }
        catch (final OutOfMemoryError ex)
        {
            throw heapFull(position, runtime, ex);
        }
    }

    private IllegalArgumentException tooLarge(final long retainedEntries, final long bytes, final OutOfMemoryError cause)
    {
        return new IllegalArgumentException("retaining " + retainedEntries + " entries of up to " + maxPayloadLength +
            " bytes of payload takes " + bytes + " bytes of heap, and the JVM has " + Runtime.getRuntime().maxMemory() +
            " at most (-Xmx): retain fewer entries, or give the JVM more heap", cause);
    }

    private static long free(final Runtime runtime)
    {
        return runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory());
    }

    private JournalException heapFull(final long position, final Runtime runtime, final OutOfMemoryError cause)
    {
        final long held = (position - 1) * recordLength;
        return new JournalException(position, "the heap is full: the in-memory journal holds " + (position - 1) +
            " entries (" + held / (1024 * 1024) + " MiB, " + recordLength + " bytes each), and the engine's rings and " +
            "state most of the rest of the " + runtime.maxMemory() / (1024 * 1024) + " MiB this JVM may use; journal " +
            "to disk, or give the JVM more heap (-Xmx)", cause);
    }

    /** Heap bytes an unbounded journal takes per entry, for a check of a run's size before it starts. */
    public static long bytesPerEntry(final int maxPayloadLength)
    {
        return 4L + CommandCodec.HEADER_LENGTH + maxPayloadLength;
    }

    @Override
    public void commit()
    {
        lastPosition = appendedPosition;
    }

    @Override
    public JournalReader reader(final long fromPosition)
    {
        return new JournalReader()
        {
            private long next = Math.max(1, fromPosition);
            private final Crc32c crc = new Crc32c();

            @Override
            public boolean next(final Command into)
            {
                if (next > lastPosition)
                {
                    return false;
                }
                final UnsafeBuffer slab;
                synchronized (InMemoryJournal.this)
                {
                    if (next < firstPosition)
                    {
                        throw new JournalException(next, "no longer retained (oldest is " + firstPosition + ")");
                    }
                    final long index = next - 1;
                    slab = ring != null ? ring[(int)((index / entriesPerSlab) % ring.length)] :
                        slabs.get((int)(index / entriesPerSlab));
                }
                final int offset = (int)((next - 1) % entriesPerSlab) * recordLength;
                try
                {
                    CommandCodec.decode(slab, offset + 4, slab.getInt(offset), into, crc);
                }
                catch (final CorruptEntryException ex)
                {
                    throw new JournalException(next, ex.getMessage(), ex);
                }
                next++;
                return true;
            }

            @Override
            public void close()
            {
            }
        };
    }

    /** Drawn when this journal was created: snapshots of another journal are not applied to it. */
    @Override
    public JournalId id()
    {
        return id;
    }

    /** Takes on {@code adopted} while this journal holds no entry (see {@link Journal#adopt}). */
    @Override
    public boolean adopt(final JournalId adopted)
    {
        if (!adopted.known() || appendedPosition != 0 || lastPosition != 0)
        {
            return adopted.equals(id);
        }
        id = adopted;
        return true;
    }

    /** Entries held, for tests. */
    public long retainedEntries()
    {
        return retainedEntries;
    }

    @Override
    public int maxPayloadLength()
    {
        return maxPayloadLength;
    }

    @Override
    public void close()
    {
    }
}
