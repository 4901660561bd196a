package io.ringlog.exchange.kafka;

import io.ringlog.exchange.kafka.cli.ExchangeKafkaCli;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code exchange kafka engine ...} in a JVM of its own, as a user runs it, that a test can SIGKILL.
 * Closing it kills it if it still runs: a failed test must not leave an engine retrying a broker that is gone.
 */
final class EngineProcess implements AutoCloseable
{
    private final Process process;
    private final Path log;

    private EngineProcess(final Process process, final Path log)
    {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code java <project flags> -cp <test classpath> ExchangeKafkaCli engine args}, output to {@code log}. */
    static EngineProcess start(final Path log, final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        command.addAll(jvmFlags());
        command.add("-Xmx384m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ExchangeKafkaCli.class.getName());
        command.add("engine");
        command.addAll(Arrays.asList(args));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new EngineProcess(process, log);
    }

    /** What it has printed so far. */
    String output() throws IOException
    {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** The value of its first {@code key: value} line. */
    String value(final String key) throws IOException
    {
        for (final String line : output().split("\n"))
        {
            if (line.startsWith(key + ": "))
            {
                return line.substring(key.length() + 2).strip();
            }
        }
        return fail("no '" + key + ":' in the engine's output:\n" + output());
    }

    /** Waits until {@code condition} holds, failing if the process exits first or the timeout passes. */
    void awaitWhileAlive(final BooleanSupplier condition, final Duration timeout, final String what) throws IOException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean())
        {
            if (!process.isAlive())
            {
                fail("the engine exited (" + process.exitValue() + ") before " + what + ":\n" + output());
            }
            if (System.nanoTime() > deadline)
            {
                fail("not " + what + " within " + timeout + ":\n" + output());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /** Waits until it prints {@code text}. */
    void awaitOutput(final String text, final Duration timeout) throws IOException
    {
        awaitWhileAlive(() ->
        {
            try
            {
                return output().contains(text);
            }
            catch (final IOException ex)
            {
                return false;
            }
        }, timeout, "it printed '" + text + "'");
    }

    /** SIGKILL, as the journal's crash test does: no shutdown hook runs, nothing is flushed. */
    void kill() throws InterruptedException
    {
        process.toHandle().destroyForcibly();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the engine did not die");
    }

    /** Waits for it to exit by itself and returns the exit code. */
    int awaitExit(final Duration timeout) throws Exception
    {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
        {
            process.destroyForcibly();
            fail("the engine did not finish within " + timeout + ":\n" + output());
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException
    {
        if (process.isAlive())
        {
            kill();
        }
    }

    /** The flags surefire passes in {@code ringlog.jvm.flags}; this JVM's own flags when run elsewhere (an IDE). */
    private static List<String> jvmFlags()
    {
        final String flags = System.getProperty("ringlog.jvm.flags");
        if (flags != null && !flags.isBlank())
        {
            return Arrays.asList(flags.trim().split("\\s+"));
        }
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter((a) -> a.startsWith("--add-") || a.startsWith("-Dchronicle") || a.startsWith("--sun-misc")
                || a.startsWith("--enable-native-access"))
            .toList();
    }
}
