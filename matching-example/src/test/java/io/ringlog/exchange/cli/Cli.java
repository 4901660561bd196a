package io.ringlog.exchange.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** Runs the exchange CLI with captured output, as a script would see it: in this JVM, or in a child JVM. */
final class Cli
{
    private Cli()
    {
    }

    /** One invocation: exit code, stdout, stderr. */
    record Result(int code, String out, String err)
    {
        /** The value of the first {@code key: value} line on stdout; fails the test if there is none. */
        String value(final String key)
        {
            return find(key).orElseGet(() -> fail("no '" + key + ":' line in the output:\n" + this));
        }

        Optional<String> find(final String key)
        {
            final String prefix = key + ": ";
            return Arrays.stream(out.split("\n")).filter((line) -> line.startsWith(prefix))
                .map((line) -> line.substring(prefix.length())).findFirst();
        }

        long number(final String key)
        {
            final String value = value(key);
            final int space = value.indexOf(' ');
            return Long.parseLong(space < 0 ? value : value.substring(0, space));
        }

        Result expectOk()
        {
            if (code != 0)
            {
                fail("exit code " + code + "\n" + this);
            }
            return this;
        }

        @Override
        public String toString()
        {
            return "--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Result run(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = ExchangeCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    /** Runs and fails the test unless the exit code is 0. */
    static Result ok(final String... args)
    {
        return run(args).expectOk();
    }

    /**
     * Runs {@code ExchangeCli} in a new JVM (the project's flags, this test classpath, a 256 MB heap),
     * as {@code scripts/exchange} would, and returns its exit code and output (stdout and stderr
     * together, in the {@code out} of the result). Waits at most {@code timeoutSeconds}.
     */
    static Result inChildJvm(final long timeoutSeconds, final Path log, final String... args)
        throws IOException, InterruptedException
    {
        final Process process = startInChildJvm(List.of(), log, args);
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            fail("exchange " + String.join(" ", args) + " did not end within " + timeoutSeconds + " s");
        }
        return new Result(process.exitValue(), java.nio.file.Files.readString(log, StandardCharsets.UTF_8), "");
    }

    /**
     * Starts {@code ExchangeCli} in a new JVM as {@link #inChildJvm} does, with {@code jvmOptions} too
     * (a {@code -Djava.io.tmpdir=} of its own), writing stdout and stderr to {@code log}; does not wait.
     */
    static Process startInChildJvm(final List<String> jvmOptions, final Path log, final String... args)
        throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        final String flags = System.getProperty("ringlog.jvm.flags");
        if (flags != null && !flags.isBlank())
        {
            command.addAll(Arrays.asList(flags.trim().split("\\s+")));
        }
        else
        {
            command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter((a) -> a.startsWith("--add-") || a.startsWith("-Dchronicle") || a.startsWith("--sun-misc")
                    || a.startsWith("--enable-native-access"))
                .toList());
        }
        command.add("-Xmx256m");
        // Short runs: C2's compilations and G1's threads cost more CPU than the command does (NodeProcess does the same).
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ExchangeCli.class.getName());
        command.addAll(Arrays.asList(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Makes a named pipe at {@code path}; a machine without {@code mkfifo} skips the test. */
    static Path fifo(final Path path) throws IOException, InterruptedException
    {
        final Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0,
            "no mkfifo here");
        return path;
    }
}
