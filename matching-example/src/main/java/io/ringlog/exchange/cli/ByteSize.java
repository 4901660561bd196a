package io.ringlog.exchange.cli;

import picocli.CommandLine;

import java.util.Locale;

/**
 * A size in bytes as a user writes it on the command line: a whole number, with an optional k, m or g (KiB, MiB,
 * GiB), in either case: {@code 0}, {@code 65536}, {@code 512m}, {@code 2g}.
 */
public final class ByteSize implements CommandLine.ITypeConverter<Long>
{
    @Override
    public Long convert(final String value)
    {
        final String text = value.trim().toLowerCase(Locale.ROOT);
        final int shift = text.endsWith("k") ? 10 : text.endsWith("m") ? 20 : text.endsWith("g") ? 30 : 0;
        final String digits = shift == 0 ? text : text.substring(0, text.length() - 1);
        final long number;
        try
        {
            number = Long.parseLong(digits);
        }
        catch (final NumberFormatException ex)
        {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a size: a whole number of bytes, or " +
                "one with k, m or g (512m, 2g)");
        }
        if (number < 0 || number > Long.MAX_VALUE >> shift)
        {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a size: it must be from 0 to 8 EiB");
        }
        return number << shift;
    }
}
