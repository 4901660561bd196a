package io.ringlog.bench;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.util.List;

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

    /**
     * The commands a fixed-rate run sends, {@code rate} × ({@code seconds} + {@code warmup}); refused where that
     * does not fit in a long (a run of --seconds 2^63 - 1 reported 0 commands as kept up, exit 0; --rate 2^63 - 1
     * said only "long overflow") or in {@code most}, the most the run can hold.
     */
    public static long commandsAtRate(final CommandSpec spec, final long rate, final long seconds, final long warmup,
        final long most)
    {
        final long total;
        try
        {
            total = Math.multiplyExact(rate, Math.addExact(seconds, warmup));
        }
        catch (final ArithmeticException ex)
        {
            throw refused(spec, "--rate " + rate + " for --seconds " + seconds + " and --warmup " + warmup + " is more " +
                "commands than a run can count: lower --rate or --seconds");
        }
        if (total > most)
        {
            throw refused(spec, "--rate " + rate + " for --seconds " + seconds + " and --warmup " + warmup + " is " + total +
                " commands, more than the " + most + " this run can hold: lower --rate or --seconds");
        }
        return total;
    }

    /**
     * {@link OutputPaths#checkDirectory} as a usage error: a results directory that cannot be written is refused as
     * every other bad option is, exit 2, in the same words for each command.
     */
    public static void outputDirectory(final CommandSpec spec, final String option, final java.nio.file.Path dir)
    {
        try
        {
            OutputPaths.checkDirectory(option, dir);
        }
        catch (final IllegalStateException ex)
        {
            throw refused(spec, ex.getMessage());
        }
    }

    /** {@link OutputPaths#checkFile} as a usage error, as {@link #outputDirectory}. */
    public static void outputFile(final CommandSpec spec, final String option, final java.nio.file.Path file)
    {
        try
        {
            OutputPaths.checkFile(option, file);
        }
        catch (final IllegalStateException ex)
        {
            throw refused(spec, ex.getMessage());
        }
    }

    /**
     * An option split at commas given a number grouped by them: a reviewer's {@code --sizes 1,000} measured sizes 1 and 0,
     * exit 0 ({@code --rates 10,000} said "must be positive: 0"), where the number parser's own hint allows commas. A
     * value after the first that begins with 0 and has more digits is refused, with the grouping that works.
     */
    public static void notGroupedByCommas(final CommandSpec spec, final String option)
    {
        final CommandLine.Model.OptionSpec matched = spec.commandLine().getParseResult().matchedOption(option);
        if (matched == null)
        {
            return;
        }
        final List<String> given = matched.stringValues();
        for (int i = 1; i < given.size(); i++)
        {
            final String value = given.get(i).strip();
            if (value.length() > 1 && value.charAt(0) == '0')
            {
                final String joined = String.join(",", given);
                throw refused(spec, option + " " + joined + ": its values are separated by commas, so this reads as " +
                    String.join(" and ", given) + "; group thousands with _ (" + joined.replace(',', '_') + ")");
            }
        }
    }

    /** A usage error with {@code message}: exit 2, with the line saying where help is. */
    public static CommandLine.ParameterException refused(final CommandSpec spec, final String message)
    {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
