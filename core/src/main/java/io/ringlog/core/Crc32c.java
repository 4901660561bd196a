package io.ringlog.core;

import org.agrona.DirectBuffer;

import java.util.zip.CRC32C;

/**
 * A reusable CRC32C (the JDK's, which the JIT turns into the CPU's crc32 instruction) over ranges of
 * Agrona buffers. Holding one per thread that checksums keeps the hot path free of allocation:
 * array-backed buffers are summed in place; buffers without an array (off-heap) go through a small
 * chunk array allocated with this object. Not thread-safe.
 */
public final class Crc32c
{
    private static final int CHUNK = 256;

    private final CRC32C crc = new CRC32C();
    private final byte[] chunk = new byte[CHUNK];

    /** Starts a new checksum. */
    public Crc32c reset()
    {
        crc.reset();
        return this;
    }

    /** Adds {@code length} bytes of {@code buffer} from {@code index}. */
    public Crc32c update(final DirectBuffer buffer, final int index, final int length)
    {
        final byte[] array = buffer.byteArray();
        if (array != null)
        {
            crc.update(array, buffer.wrapAdjustment() + index, length);
            return this;
        }
        int done = 0;
        while (done < length)
        {
            final int n = Math.min(CHUNK, length - done);
            buffer.getBytes(index + done, chunk, 0, n);
            crc.update(chunk, 0, n);
            done += n;
        }
        return this;
    }

    /** Adds {@code length} bytes of {@code array} from {@code offset}. */
    public Crc32c update(final byte[] array, final int offset, final int length)
    {
        crc.update(array, offset, length);
        return this;
    }

    /** The checksum so far, as the 32 bits stored in files. */
    public int value()
    {
        return (int)crc.getValue();
    }
}
