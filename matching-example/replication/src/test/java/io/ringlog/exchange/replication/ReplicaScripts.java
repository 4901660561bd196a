package io.ringlog.exchange.replication;

import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the scripts/replica tests share: a directory for the nodes, the scripts run on the jar the build packaged
 * (RINGLOG_NO_BUILD=1), and waits with deadlines. Two classes, so that failsafe's two forks run them side by side.
 */
abstract class ReplicaScripts
{
    static final Path ROOT = Path.of(System.getProperty("ringlog.root", "../..")).toAbsolutePath().normalize();

    @TempDir
    Path dir;

    /** The value of {@code key: value} in a command's output. */
    static String field(final String output, final String key)
    {
        return output.lines().filter((l) -> l.startsWith(key + ": ")).findFirst()
            .orElseThrow(() -> new AssertionError("no " + key + " in\n" + output)).substring(key.length() + 2);
    }

    static void await(final BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /** Runs a command that must fail with exit code 1 and say {@code expected}; returns what it printed. */
    String assertFails(final String expected, final String... command) throws Exception
    {
        final String output = runFailing(command);
        assertTrue(output.contains(expected), "expected '" + expected + "' from " + String.join(" ", command) + ":\n" +
            output);
        return output;
    }

    void awaitLog(final String name, final String text) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(dir.resolve(name + ".log")) || !log(name).contains(text))
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out waiting for '" + text + "' in " + name + "'s log:\n" + log(name));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    Process node(final String name, final String role, final int listen, final int peer, final boolean rejoin,
        final String... more) throws IOException
    {
        final List<String> command = new ArrayList<>(List.of("scripts/replica", "node", "--role", role,
            "--dir", dir.resolve(name).toString(), "--listen", "127.0.0.1:" + listen, "--peer", "127.0.0.1:" + peer));
        if (rejoin)
        {
            command.add("--rejoin");
        }
        command.addAll(List.of(more));
        final ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile()));
        scriptEnvironment(builder);
        final Process process = builder.start();
        // The script execs java: this process runs the node once it has claimed its directory.
        final NodeDirectory node = new NodeDirectory(dir.resolve(name));
        await(() -> !process.isAlive() || running(node, process), name + " to run its directory");
        return process;
    }

    static boolean running(final NodeDirectory node, final Process process)
    {
        final NodeOwner.Running running = NodeOwner.running(node);
        return running != null && running.pid() == process.pid();
    }

    String log(final String name) throws IOException
    {
        return Files.readString(dir.resolve(name + ".log"), StandardCharsets.UTF_8);
    }

    String run(final String... command) throws Exception
    {
        final Result result = execute(command);
        assertEquals(0, result.code, String.join(" ", command) + "\n" + result.output);
        return result.output;
    }

    String stop(final String node)
    {
        try
        {
            return run("scripts/replica", "stop", "--dir", dir.resolve(node).toString());
        }
        catch (final Exception ex)
        {
            throw new CompletionException(ex);
        }
    }

    String runFailing(final String... command) throws Exception
    {
        final Result result = execute(command);
        assertEquals(1, result.code, String.join(" ", command) + "\n" + result.output);
        return result.output;
    }

    record Result(int code, String output)
    {
    }

    Result execute(final String... command) throws Exception
    {
        final Path out = Files.createTempFile(dir, "out", ".txt");
        final ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
            .redirectOutput(out.toFile());
        scriptEnvironment(builder);
        final Process process = builder.start();
        if (!process.waitFor(180, TimeUnit.SECONDS))
        {
            process.toHandle().destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish:\n" + Files.readString(out));
        }
        final String output = Files.readString(out, StandardCharsets.UTF_8);
        assertNoStackTrace(output);
        return new Result(process.exitValue(), output);
    }

    /**
     * A script run by this test: on the jar the build made (never building), with the client compiler only and the
     * serial collector, as NodeProcess starts its nodes: these commands last seconds, and C2's compilations and G1's
     * threads cost more CPU than they do on 2 cores. What they print does not change.
     */
    static void scriptEnvironment(final ProcessBuilder builder)
    {
        builder.environment().put("RINGLOG_NO_BUILD", "1");
        builder.environment().put("RINGLOG_JAVA_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
    }

    static void assertNoStackTrace(final String output)
    {
        assertFalse(output.contains("\tat ") || output.contains("Exception in thread"), "a stack trace:\n" + output);
    }
}
