package io.ringlog.journal.tool;

import io.ringlog.core.ListenerException;
import io.ringlog.core.MappedFileFault;
import io.ringlog.journal.FileErrors;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * What every ringlog command line shares, so they behave alike: {@code -V} prints the version; a
 * usage error prints one {@code error:} line and where to find help (exit 2), not the whole usage;
 * a failure prints one {@code error:} line with its message (exit 1), never a stack trace.
 */
public final class CliSupport
{
    /** Exit code of a command that failed. */
    public static final int FAILED = 1;
    /** An integer: plain digits, or groups of three after the first, all set off by _ or all by a comma. */
    private static final Pattern GROUPED = Pattern.compile("[-+]?(\\d+|\\d{1,3}(_\\d{3})+|\\d{1,3}(,\\d{3})+)");

    private CliSupport()
    {
    }

    /** Routes output to {@code out}/{@code err} and installs the version, usage-error and failure handling on every subcommand. */
    public static CommandLine configure(final CommandLine commandLine, final PrintWriter out, final PrintWriter err)
    {
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.registerConverter(Long.class, CliSupport::parseLong);
        commandLine.registerConverter(long.class, CliSupport::parseLong);
        commandLine.registerConverter(Integer.class, CliSupport::parseInt);
        commandLine.registerConverter(int.class, CliSupport::parseInt);
        // A reviewer's --journal "$DIR" and --out "" (a variable unset) wrote a journal at / and results into the
        // repository's root: an empty path is no path.
        commandLine.registerConverter(java.nio.file.Path.class, (value) ->
        {
            if (value.isEmpty())
            {
                // Not "'.' for the current directory" (a reviewer's): most of them name files.
                throw new CommandLine.TypeConversionException("it is empty: name a path (an unset shell variable " +
                    "gives an empty one)");
            }
            return java.nio.file.Path.of(value);
        });
        setVersion(commandLine, version());
        commandLine.setParameterExceptionHandler((ex, args) ->
        {
            final CommandLine failed = ex.getCommandLine();
            final PrintWriter to = failed.getErr();
            to.println("error: " + usageMessage(ex));
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, to);
            to.println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more information.");
            to.flush();
            return CommandLine.ExitCode.USAGE;
        });
        commandLine.setExecutionExceptionHandler((ex, failed, parsed) ->
        {
            failed.getErr().println("error: " + message(ex));
            failed.getErr().flush();
            return FAILED;
        });
        final CommandLine.IExecutionStrategy strategy = commandLine.getExecutionStrategy();
        commandLine.setExecutionStrategy((parsed) ->
        {
            try
            {
                return strategy.execute(parsed);
            }
            catch (final OutOfMemoryError ex)
            {
                // A reviewer's finding: a benchmark given too little heap ended in 23 lines of stack trace.
                err.println("error: " + message(ex));
                err.flush();
                return FAILED;
            }
            catch (final InternalError ex)
            {
                // Picocli hands only Exceptions to the handler above. A fault reading a memory-mapped file is an Error
                // the JVM raises at some later instruction, which in compiled code can be past the reader's own catch.
                if (!MappedFileFault.is(ex))
                {
                    throw ex;
                }
                err.println("error: " + message(ex));
                err.flush();
                return FAILED;
            }
        });
        return commandLine;
    }

    /**
     * What a usage error says: picocli's words, but where an unknown option came with a value ({@code -x 3}), picocli
     * lists the value as a second unknown option; this names the options, then the values that came with them.
     */
    static String usageMessage(final CommandLine.ParameterException ex)
    {
        if (ex instanceof CommandLine.UnmatchedArgumentException)
        {
            final List<String> unmatched = ((CommandLine.UnmatchedArgumentException)ex).getUnmatched();
            final List<String> options = new ArrayList<>();
            final List<String> values = new ArrayList<>();
            for (final String argument : unmatched)
            {
                (argument.startsWith("-") && argument.length() > 1 && !Character.isDigit(argument.charAt(1)) ?
                    options : values).add(argument);
            }
            if (!options.isEmpty() && !values.isEmpty() && unmatched.get(0).startsWith("-"))
            {
                return "Unknown option" + (options.size() > 1 ? "s" : "") + ": " + quoted(options) + ", with " +
                    (values.size() > 1 ? "the values " : "the value ") + quoted(values);
            }
        }
        return ex.getMessage();
    }

    private static String quoted(final List<String> arguments)
    {
        final StringBuilder text = new StringBuilder();
        for (final String argument : arguments)
        {
            text.append(text.length() == 0 ? "'" : ", '").append(argument).append('\'');
        }
        return text.toString();
    }

    /**
     * Accepts the digit separators people type in counts, between groups of three digits: {@code 1_000_000} and
     * {@code 1,000,000}. Anywhere else they are refused: a reviewer found {@code --to 1,2} taken as 12.
     */
    public static long parseLong(final String text)
    {
        if (!GROUPED.matcher(text).matches())
        {
            throw new CommandLine.TypeConversionException("'" + text + "' is not an integer (digits, grouped by " +
                "thousands with _ or , if at all: 1000000, 1_000_000 or 1,000,000)");
        }
        try
        {
            return Long.parseLong(text.replace("_", "").replace(",", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw new CommandLine.TypeConversionException("'" + text + "' is out of long range");
        }
    }

    /** {@link #parseLong} for ints, refusing what does not fit. */
    public static int parseInt(final String text)
    {
        final long value = parseLong(text);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE)
        {
            throw new CommandLine.TypeConversionException("'" + text + "' is out of int range");
        }
        return (int)value;
    }

    private static void setVersion(final CommandLine commandLine, final String version)
    {
        commandLine.getCommandSpec().version("ringlog " + version + " (Java " + Runtime.version() + ", " +
            System.getProperty("java.vm.name") + ")");
        for (final CommandLine sub : commandLine.getSubcommands().values())
        {
            setVersion(sub, version);
        }
    }

    /** The project version the build wrote into this jar. */
    public static String version()
    {
        try (InputStream in = CliSupport.class.getResourceAsStream("version.properties"))
        {
            if (in == null)
            {
                return "unknown";
            }
            final Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Says {@code what} on {@code err} if the JVM stops (Ctrl-C, SIGTERM) before {@link #removeHook} is
     * called on the returned hook: for commands whose partial result a user must know about.
     */
    public static Thread onStop(final PrintWriter err, final String what)
    {
        return onStop(err, () -> what);
    }

    /** {@link #onStop(PrintWriter, String)}, with the words made when the stop comes (how far the work got). */
    public static Thread onStop(final PrintWriter err, final java.util.function.Supplier<String> what)
    {
        final Thread hook = new Thread(() ->
        {
            err.println(what.get());
            err.flush();
        }, "stopped-before-the-end");
        try
        {
            Runtime.getRuntime().addShutdownHook(hook);
        }
        catch (final IllegalStateException shuttingDown)
        {
            // The signal came first: said now, and the work goes on until the JVM halts (it printed "error: Shutdown
            // in progress", a reviewer's repair).
            hook.run();
        }
        return hook;
    }

    /** Removes a hook of {@link #onStop}, unless the JVM is already stopping (it then runs, as it should). */
    public static void removeHook(final Thread hook)
    {
        try
        {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (final IllegalStateException shuttingDown)
        {
            // The hook runs: the JVM was stopped before the work ended.
        }
    }

    /**
     * Refuses a run whose in-memory journal could not fit in the heap, before it starts, rather than
     * let it halt part way (or, before the journal said so, die of {@link OutOfMemoryError}).
     *
     * @param entries       the commands the journal will hold.
     * @param bytesPerEntry the heap each takes ({@code InMemoryJournal.bytesPerEntry}).
     * @return {@code null} if they take no more than three quarters of the heap this JVM may use (the
     *         engine's rings and state need the rest); otherwise why not, in a sentence, with the
     *         {@code -Xmx} that would do, for the caller to add its own alternatives to.
     */
    public static String heapShortfall(final long entries, final long bytesPerEntry)
    {
        final long max = Runtime.getRuntime().maxMemory();
        final double needed = (double)entries * bytesPerEntry;
        if (max == Long.MAX_VALUE || needed <= max * 0.75)
        {
            return null;
        }
        final long gib = 1L << 30;
        final long suggested = (long)Math.ceil((needed / 0.75 + (256L << 20)) / gib);
        final long physical = physicalMemory();
        if (physical > 0 && (double)suggested * gib > physical)
        {
            // A reviewer's --commands 9223372036854775807 was advised -Xmx1511828488193g.
            return String.format(Locale.ROOT, "%,d commands need about %,.0f MiB of heap for the in-memory journal " +
                "(%d bytes each), and with the engine's rings and state a JVM of about %d GiB, more than this machine's " +
                "%,d MiB of memory", entries, needed / (1 << 20), bytesPerEntry, suggested, physical >> 20);
        }
        // The share said: a reviewer read "5,035 MiB needed, at most 6,028 MiB" as a refusal that contradicts itself.
        return String.format(Locale.ROOT, "%,d commands need about %,.0f MiB of heap for the in-memory journal " +
            "(%d bytes each), more than the %,d MiB it may take: three quarters of the %,d MiB this JVM may use, the " +
            "rest left to the engine's rings and state; give it more (RINGLOG_JAVA_OPTS=-Xmx%dg)",
            entries, needed / (1 << 20), bytesPerEntry, (long)(max * 0.75) >> 20, max >> 20, suggested);
    }

    /** The machine's physical memory in bytes, or 0 where the JVM does not say. */
    private static long physicalMemory()
    {
        try
        {
            return ((com.sun.management.OperatingSystemMXBean)java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getTotalMemorySize();
        }
        catch (final RuntimeException | LinkageError ex)
        {
            return 0;
        }
    }

    /**
     * A one-line message for a user: the exception's own message (or its cause's, when it has none),
     * file errors said in words ({@link FileErrors}). Never a stack trace.
     */
    public static String message(final Throwable ex)
    {
        if (ex instanceof OutOfMemoryError)
        {
            return "out of memory (" + ex.getMessage() + "); give the JVM more with RINGLOG_JAVA_OPTS=-Xmx...";
        }
        if (MappedFileFault.is(ex))
        {
            return "a fault reading a memory-mapped file where the file has no data: a journal's cycle file damaged, or " +
                "cut short while it was read ('journal verify -d DIR' names the damage)";
        }
        if (ex instanceof ListenerException && ex.getCause() != null)
        {
            // Its own message quotes the cause with its class name; a full disk should read as one.
            final ListenerException failed = (ListenerException)ex;
            return "listener '" + failed.listener() + "' failed" + (failed.position() > 0 ? " on the event of position " +
                failed.position() : "") + ": " + message(failed.getCause());
        }
        Throwable at = ex;
        // A wrapper with no message of its own (or only its cause's toString()) says nothing: use the cause's.
        while (at.getCause() != null && (at.getMessage() == null || at.getMessage().equals(at.getCause().toString())))
        {
            at = at.getCause();
        }
        if (at instanceof FileSystemException)
        {
            return FileErrors.describe(at);
        }
        return at.getMessage() != null ? at.getMessage() : at.getClass().getSimpleName();
    }
}
