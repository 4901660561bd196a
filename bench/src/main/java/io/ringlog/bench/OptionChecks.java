package io.ringlog.bench;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The range checks the harnesses' options share, each a usage error naming the one option that is
 * wrong and the value it was given ({@code --rate must be positive: 0}), so a user fixes that one.
 */
public final class OptionChecks
{
    private OptionChecks()
    {
    }

    /** Refuses a value below 1. */
    public static void positive(final CommandSpec spec, final String option, final long value)
    {
        if (value < 1)
        {
            throw refused(spec, option + " must be positive: " + value);
        }
    }

    /** Refuses a value below 0. */
    public static void notNegative(final CommandSpec spec, final String option, final long value)
    {
        if (value < 0)
        {
            throw refused(spec, option + " must not be negative: " + value);
        }
    }

    /** Refuses what is not a power of two of at least 2 (a ring's size). */
    public static void powerOfTwo(final CommandSpec spec, final String option, final int value)
    {
        if (value < 2 || Integer.bitCount(value) != 1)
        {
            throw refused(spec, option + " must be a power of two, at least 2: " + value);
        }
    }

    /** A usage error with {@code message}: exit 2, with the line saying where help is. */
    public static CommandLine.ParameterException refused(final CommandSpec spec, final String message)
    {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
