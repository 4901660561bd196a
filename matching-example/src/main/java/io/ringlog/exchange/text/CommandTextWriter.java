package io.ringlog.exchange.text;

import org.agrona.DirectBuffer;

import java.io.IOException;
import java.io.Writer;

/**
 * Writes commands as lines of the text format, e.g. a generated workload to a file:
 * {@code generator.generate(writer::write)}. The lines parse back to the same payloads.
 */
public final class CommandTextWriter
{
    private final Writer writer;
    private final TextFormat format = new TextFormat();
    private final StringBuilder line = new StringBuilder(128);
    private long written;

    public CommandTextWriter(final Writer writer)
    {
        this.writer = writer;
    }

    public void write(final int type, final DirectBuffer payload, final int length) throws IOException
    {
        line.setLength(0);
        format.command(type, payload, 0, length, line).append('\n');
        writer.append(line);
        written++;
    }

    public long written()
    {
        return written;
    }
}
