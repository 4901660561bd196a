package io.ringlog.exchange.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Counts the bytes read through it: how far into the command file a run is. */
final class CountingInputStream extends FilterInputStream
{
    private long count;

    CountingInputStream(final InputStream in)
    {
        super(in);
    }

    long count()
    {
        return count;
    }

    @Override
    public int read() throws IOException
    {
        final int b = super.read();
        if (b >= 0)
        {
            count++;
        }
        return b;
    }

    @Override
    public int read(final byte[] buffer, final int offset, final int length) throws IOException
    {
        final int n = super.read(buffer, offset, length);
        if (n > 0)
        {
            count += n;
        }
        return n;
    }
}
