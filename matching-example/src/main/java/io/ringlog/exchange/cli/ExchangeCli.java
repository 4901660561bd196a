package io.ringlog.exchange.cli;

import io.ringlog.journal.tool.CliSupport;
import picocli.CommandLine;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code exchange generate | run | replay | book | balances | demo | journal}: the stock exchange from
 * the command line. See the package documentation for what it prints and its exit codes.
 */
@CommandLine.Command(
    name = "exchange",
    mixinStandardHelpOptions = true,
    description = "Drive the ringlog stock exchange: generate order flow, run it with a journal, replay it, " +
        "look at books and balances as of any position.",
    footer = {"", "The exchange with Kafka at both ends (a broker, a feed, engines by partition): " +
        "'scripts/exchange kafka --help'."},
    subcommands = {
        GenerateCommand.class,
        RunCommand.class,
        ReplayCommand.class,
        BookCommand.class,
        BalancesCommand.class,
        DemoCommand.class,
        JournalCommand.class,
        CommandLine.HelpCommand.class})
public final class ExchangeCli implements Callable<Integer>
{
    static final int OK = 0;
    static final int FAILED = CliSupport.FAILED;

    @Spec
    CommandLine.Model.CommandSpec spec;

    ExchangeCli()
    {
    }

    public static void main(final String[] args)
    {
        final io.ringlog.journal.tool.StandardOutput out = io.ringlog.journal.tool.StandardOutput.install();
        final PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(out.exit(run(out.writer(), err, args), err));
    }

    /** Runs the command line with the given output streams (tests call this) and returns its exit code. */
    public static int run(final PrintWriter out, final PrintWriter err, final String... args)
    {
        final CommandLine commandLine = commandLine(out, err);
        final int code = commandLine.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    static CommandLine commandLine(final PrintWriter out, final PrintWriter err)
    {
        final CommandLine commandLine = new CommandLine(new ExchangeCli());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        // journal passes everything, options included, through to the journal tool.
        commandLine.getSubcommands().get("journal").setUnmatchedOptionsArePositionalParams(true);
        return CliSupport.configure(commandLine, out, err);
    }

    @Override
    public Integer call()
    {
        // No subcommand is a usage error: the usage goes where errors go, not into a script's output.
        spec.commandLine().usage(spec.commandLine().getErr());
        return CommandLine.ExitCode.USAGE;
    }

    /** A one-line message for a user, never a stack trace: see {@link CliSupport#message}. */
    static String message(final Throwable ex)
    {
        return CliSupport.message(ex);
    }

    /**
     * Refuses a file to read that is missing, a directory or unreadable, before anything is created:
     * {@code cannot read command file run: it is a directory}.
     */
    public static void checkReadable(final Path file, final String what)
    {
        // A reviewer's '-i -': read as a file named '-', where many tools take it for standard input.
        final String problem = !Files.exists(file) ? "no such file or directory" + (file.toString().equals("-") ?
            " (for standard input, name /dev/stdin)" : "") : Files.isDirectory(file) ?
            "it is a directory" : !Files.isReadable(file) ? "permission denied" : null;
        if (problem != null)
        {
            throw new IllegalArgumentException("cannot read " + what + " " + file + ": " + problem);
        }
    }

    /**
     * Refuses a file to write that is a directory, or whose directory does not exist (it is not created:
     * a mistyped path must not leave directories behind), before anything is created.
     */
    public static void checkWritable(final Path file, final String what)
    {
        final Path parent = file.getParent();
        // Files.isDirectory("") answers for the working directory: an empty name is no file.
        final String problem = file.toString().isEmpty() ? "the name is empty" : Files.isDirectory(file) ?
            "it is a directory" : parent != null && Files.exists(parent) && !Files.isDirectory(parent) ? parent +
            " is a file, not a directory" : parent != null && !Files.isDirectory(parent) ? "no such directory " + parent +
            " (create it first: mkdir -p " + parent + ")" : null;
        if (problem != null)
        {
            throw new IllegalArgumentException("cannot write " + what + " " + file + ": " + problem);
        }
        checkDirectory(file, what, false);
    }

    /**
     * {@link #checkWritable(Path, String)} for a file written whole ({@code WholeFile}: a partial copy beside it, renamed
     * over it), which needs its directory writable even where the file is there already.
     */
    public static void checkWritableWhole(final Path file, final String what)
    {
        checkWritable(file, what);
        checkDirectory(file, what, true);
    }

    /**
     * A directory this user cannot write refused a new file only as it was made, naming the partial copy the user never
     * typed, and saying nothing of what to do (a reviewer's, as user nobody). A file there already is written in place
     * (unless written whole), and a device, a pipe or anything under /dev or /proc is written through, wherever it lies
     * (a code review found /dev/stdout redirected to a file in such a directory refused).
     */
    private static void checkDirectory(final Path file, final String what, final boolean whole)
    {
        final Path absolute = file.toAbsolutePath();
        if (absolute.startsWith("/dev") || absolute.startsWith("/proc") || Files.exists(file) && !Files.isRegularFile(file))
        {
            return;
        }
        final Path directory;
        try
        {
            directory = !Files.exists(file) ? absolute.getParent() : whole ? file.toRealPath().getParent() : null;
        }
        catch (final java.io.IOException ex)
        {
            return;
        }
        if (directory != null && !Files.isWritable(directory))
        {
            throw new IllegalArgumentException("cannot write " + what + " " + file + ": this user cannot write in " +
                directory + " (no permission, or a read-only file system): write it elsewhere, or give this user write " +
                "access to " + directory);
        }
    }

    /**
     * Refuses an output file that is the command's input, or lies inside a directory it keeps (the
     * journal, the snapshots): replacing it would destroy what the command reads or keeps, before any
     * of it was read. Paths are compared as the file system resolves them (links, {@code ..}).
     *
     * @param directories null entries are skipped.
     */
    public static void checkNotOverwriting(final Path output, final String what, final Path input,
        final Path... directories)
    {
        final Path target = resolved(output);
        if (input != null && (target.equals(resolved(input)) || sameFile(output, input)))
        {
            throw new IllegalArgumentException("the " + what + " " + output + " is the command file this run reads: " +
                "writing it would replace the commands before they are read; choose another file");
        }
        for (final Path directory : directories)
        {
            if (directory != null && target.startsWith(resolved(directory)))
            {
                throw new IllegalArgumentException("the " + what + " " + output + " is " + (Files.isDirectory(directory) ||
                    !Files.exists(directory) ? "inside " : "") + directory + ", which this command keeps its journal, " +
                    "snapshots or state in: writing it could destroy them; choose a file outside it");
            }
        }
    }

    /** Whether both exist and are one file (a hard link, a case-insensitive file system). */
    private static boolean sameFile(final Path one, final Path other)
    {
        try
        {
            return Files.exists(one) && Files.exists(other) && Files.isSameFile(one, other);
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /** {@code where} or the nearest of its parents that exists: where it would be created, on which file system. */
    static Path nearestExisting(final Path where)
    {
        Path at = where.toAbsolutePath().normalize();
        while (at.getParent() != null && !Files.exists(at))
        {
            at = at.getParent();
        }
        return at;
    }

    /** The path as the file system resolves it: its deepest existing ancestor's real path, plus the rest. */
    private static Path resolved(final Path path)
    {
        final Path absolute = path.toAbsolutePath().normalize();
        final Path existing = nearestExisting(absolute);
        if (!Files.exists(existing))
        {
            return absolute;
        }
        try
        {
            return existing.toRealPath().resolve(existing.relativize(absolute));
        }
        catch (final IOException ex)
        {
            return absolute;
        }
    }

    /** A UTF-8 file writer that hands the file whole lines only ({@link WholeLinesWriter}), replacing the file if it exists. */
    static Writer newWriter(final Path file) throws IOException
    {
        return new WholeLinesWriter(file);
    }

    static String hex(final long hash)
    {
        return String.format(Locale.ROOT, "%016x", hash);
    }
}
