package io.ringlog.exchange.cli;

import io.ringlog.journal.ChronicleJournal;
import picocli.CommandLine;

import java.util.Locale;

/**
 * A journal's preallocation as a user writes it on the command line: a whole number of bytes, with an optional k,
 * m, g or t (KiB, MiB, GiB, TiB), in either case: {@code 0}, {@code 65536}, {@code 512m}, {@code 2g}. Up to the
 * most a journal preallocates ({@link ChronicleJournal.Context#MAX_PREALLOCATE}, 1 PiB), so a size beyond it is a
 * usage error here, not a node that fails at start.
 */
public final class ByteSize implements CommandLine.ITypeConverter<Long>
{
    @Override
    public Long convert(final String value)
    {
        final String text = value.trim().toLowerCase(Locale.ROOT);
        final int shift = text.endsWith("k") ? 10 : text.endsWith("m") ? 20 : text.endsWith("g") ? 30 :
            text.endsWith("t") ? 40 : 0;
        final String digits = shift == 0 ? text : text.substring(0, text.length() - 1);
        final long number;
        try
        {
            number = Long.parseLong(digits);
        }
        catch (final NumberFormatException ex)
        {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a size: a whole number of bytes, or " +
                "one with k, m, g or t (512m, 2g)");
        }
        if (number < 0 || number > ChronicleJournal.Context.MAX_PREALLOCATE >> shift)
        {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a size a journal preallocates: it " +
                "must be from 0 to 1 PiB (1024t)");
        }
        return number << shift;
    }
}
