package io.ringlog.outside;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** Runs a command line with bash, as a user types it, and keeps what it printed. */
final class Shell
{
    private final Path directory;
    private final Map<String, String> environment;

    /**
     * The JVM options the scripts get unless a test gives its own (RINGLOG_JAVA_OPTS in {@code environment}, or on
     * the command line, which replaces them; or the environment the tests run in has one): the client compiler only
     * and the serial collector. Most commands a test runs last a second or less, and in that second C2's compilations
     * and G1's threads took more CPU than the command itself; on 2 cores that was a large part of the suite's time.
     * What the commands print does not change.
     */
    static final String TEST_JAVA_OPTS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

    /**
     * @param directory   the working directory, as a user's shell would be in.
     * @param environment variables to set on top of this process's environment.
     */
    Shell(final Path directory, final Map<String, String> environment)
    {
        this.directory = directory;
        final Map<String, String> merged = new java.util.HashMap<>(environment);
        if (System.getenv("RINGLOG_JAVA_OPTS") == null)
        {
            // One the person running the tests set is theirs to keep.
            merged.putIfAbsent("RINGLOG_JAVA_OPTS", TEST_JAVA_OPTS);
        }
        this.environment = Map.copyOf(merged);
    }

    /** What a command did: its exit code and its two output streams. */
    record Result(String command, int code, String out, String err)
    {
        /** Fails unless the exit code is 0. */
        Result expectOk()
        {
            if (code != 0)
            {
                fail("'" + command + "' exited with " + code + "\n" + this);
            }
            return this;
        }

        /** The value of the first {@code key: value} line on stdout; fails if there is none. */
        String value(final String key)
        {
            final String prefix = key + ": ";
            for (final String line : out.split("\n"))
            {
                if (line.startsWith(prefix))
                {
                    return line.substring(prefix.length());
                }
            }
            return fail("no '" + key + ":' line in the output of '" + command + "'\n" + this);
        }

        /** Both streams, stdout first. */
        String all()
        {
            return out + err;
        }

        @Override
        public String toString()
        {
            return "--- stdout of '" + command + "'\n" + out + "--- stderr\n" + err + "---";
        }
    }

    /** Runs {@code bash -c command} and waits for it; a command still running after {@code timeout} is killed and fails the test. */
    Result run(final String command, final Duration timeout) throws IOException, InterruptedException
    {
        return launch(command, command).await(timeout);
    }

    /** The working directory commands run in. */
    Path directory()
    {
        return directory;
    }

    /** A command started in the background ({@link #start}): signal it, then wait for what it printed. */
    final class Running
    {
        private final String command;
        private final Process process;
        private final Path out;
        private final Path err;

        private Running(final String command, final Process process, final Path out, final Path err)
        {
            this.command = command;
            this.process = process;
            this.out = out;
            this.err = err;
        }

        /**
         * Sends SIGTERM, or SIGKILL if {@code kill}, to the command's process: started with {@code exec}, bash
         * has become the command (a script that ends in {@code exec java ...}, the JVM).
         */
        void signal(final boolean kill)
        {
            if (kill)
            {
                process.destroyForcibly();
            }
            else
            {
                process.destroy();
            }
        }

        /** What it has printed to stdout so far. */
        String outSoFar() throws IOException
        {
            return Files.exists(out) ? Files.readString(out) : "";
        }

        /** Waits for it to end; one still running after {@code timeout} is killed and fails the test. */
        Result await(final Duration timeout) throws IOException, InterruptedException
        {
            try
            {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
                {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                    return fail("'" + command + "' did not finish within " + timeout + "\n" +
                        new Result(command, -1, read(out), read(err)));
                }
                return new Result(command, process.exitValue(), read(out), read(err));
            }
            finally
            {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        }
    }

    /** Starts {@code bash -c 'exec command'} in the background. */
    Running start(final String command) throws IOException
    {
        return launch(command, "exec " + command);
    }

    private Running launch(final String command, final String script) throws IOException
    {
        final Path out = Files.createTempFile("shell-out", ".txt");
        final Path err = Files.createTempFile("shell-err", ".txt");
        final ProcessBuilder builder = new ProcessBuilder("bash", "-c", script)
            .directory(directory.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().putAll(environment);
        return new Running(command, builder.start(), out, err);
    }

    private static String read(final Path file) throws IOException
    {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }
}
