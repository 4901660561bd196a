package io.ringlog.exchange.cli;

import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A UTF-8 file writer that hands the file whole lines only: what it holds goes to the file, up to its last
 * line end, in one write per {@link #flush()} (and whenever it holds more than {@value #LIMIT} characters).
 * A buffered writer handed its buffer over whenever it filled, mid-line, so a process killed between two of
 * its writes left a file ending in {@code oid=439} where the event said {@code oid=43960}, a number that
 * reads as another one. Now only a kill during a write can cut a line (the kernel can stop a write to a
 * file between pages); a reader of a killed process's file still takes a last line without its line end as
 * cut. {@link #close()} writes the rest, whole line or not.
 */
final class WholeLinesWriter extends Writer
{
    private static final int LIMIT = 1 << 20;

    private final FileChannel channel;
    private final StringBuilder pending = new StringBuilder(1 << 16);

    /** Creates {@code file}, or replaces what it holds. */
    WholeLinesWriter(final Path file) throws IOException
    {
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
    }

    @Override
    public void write(final char[] chars, final int offset, final int length) throws IOException
    {
        pending.append(chars, offset, length);
        if (pending.length() > LIMIT)
        {
            writeUpTo(pending.lastIndexOf("\n") + 1);
        }
    }

    @Override
    public void write(final String text, final int offset, final int length) throws IOException
    {
        pending.append(text, offset, offset + length);
        if (pending.length() > LIMIT)
        {
            writeUpTo(pending.lastIndexOf("\n") + 1);
        }
    }

    @Override
    public Writer append(final CharSequence text) throws IOException
    {
        pending.append(text);
        if (pending.length() > LIMIT)
        {
            writeUpTo(pending.lastIndexOf("\n") + 1);
        }
        return this;
    }

    @Override
    public void flush() throws IOException
    {
        writeUpTo(pending.lastIndexOf("\n") + 1);
    }

    @Override
    public void close() throws IOException
    {
        try
        {
            writeUpTo(pending.length());
        }
        finally
        {
            channel.close();
        }
    }

    private void writeUpTo(final int end) throws IOException
    {
        if (end <= 0)
        {
            return;
        }
        final ByteBuffer bytes = ByteBuffer.wrap(pending.substring(0, end).getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining())
        {
            channel.write(bytes);
        }
        pending.delete(0, end);
    }
}
