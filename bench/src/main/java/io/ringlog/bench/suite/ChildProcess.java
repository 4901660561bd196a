package io.ringlog.bench.suite;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A step of the suite that runs in a JVM of its own: the exchange-core peer (its own classpath, which
 * must not meet ringlog's) and the latency harness (a fresh JVM per rate, as JMH gives each row a fresh
 * fork). Output goes to a log file in the results directory; a child still running at its deadline is
 * killed, with its descendants, and reported as such.
 */
final class ChildProcess
{
    private ChildProcess()
    {
    }

    /** What a child did: its exit status, or that it timed out. */
    record Exit(int code, boolean timedOut)
    {
        boolean ok()
        {
            return code == 0 && !timedOut;
        }

        String describe(final Path log)
        {
            return timedOut ? "timed out; see " + log : "exited with " + code + "; see " + log;
        }
    }

    /** Runs {@code command}, stdout and stderr into {@code log}, waiting at most {@code timeout}. */
    static Exit run(final List<String> command, final Path log, final Duration timeout) throws IOException
    {
        Files.createDirectories(log.toAbsolutePath().getParent());
        final Process process = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
        try
        {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
            {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                return new Exit(-1, true);
            }
            return new Exit(process.exitValue(), false);
        }
        catch (final InterruptedException ex)
        {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while " + command.get(0) + " ran", ex);
        }
    }

    /**
     * A command line that starts {@code mainClass} in a JVM like this one: the same java, JVM flags
     * (the build's argfile, which scripts/bench passed) and classpath, as JMH starts its forks.
     */
    static List<String> java(final String mainClass, final List<String> args)
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin",
            "java").toString()));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /** The last {@code lines} lines of a log, for an error message. */
    static String tail(final Path log, final int lines)
    {
        try
        {
            final List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        }
        catch (final IOException ex)
        {
            return "(no log: " + ex.getMessage() + ")";
        }
    }
}
