package io.ringlog.exchange.replication;

import io.ringlog.journal.replication.ReplicationStatus;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One exchange node in a JVM of its own ({@code ReplicaCli node}), as a person runs it with
 * scripts/replica: same class path as the test, the build's JVM flags, output appended to a log.
 */
final class NodeProcess
{
    final String name;
    final Path root;
    final Process process;
    final Path events;
    final Path log;

    private NodeProcess(final String name, final Path root, final Process process, final Path events, final Path log)
    {
        this.name = name;
        this.root = root;
        this.process = process;
        this.events = events;
        this.log = log;
    }

    static NodeProcess start(final Path base, final String name, final String role, final int listen, final int peer,
        final String mode, final boolean rejoin, final Path events, final String... options) throws IOException
    {
        return start(base, name, role, listen, peer, mode, rejoin, events, List.of(), options);
    }

    /** As {@link #start(Path, String, String, int, int, String, boolean, Path, String...)}, with JVM options added. */
    static NodeProcess start(final Path base, final String name, final String role, final int listen, final int peer,
        final String mode, final boolean rejoin, final Path events, final List<String> jvmOptions, final String... options)
        throws IOException
    {
        final Path root = base.resolve(name);
        final Path log = base.resolve(name + ".log");
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(System.getProperty("ringlog.jvm.flags", "").trim().split("\\s+")));
        command.addAll(jvmOptions);
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-cp", System.getProperty("java.class.path"),
            ReplicaCli.class.getName(), "node",
            "--role", role, "--dir", root.toString(),
            "--listen", "127.0.0.1:" + listen, "--peer", "127.0.0.1:" + peer,
            "--mode", mode, "--events", events.toString(), "--snapshot-every", "2000",
            "--heartbeat-ms", "50", "--peer-timeout-ms", "1500"));
        if (rejoin)
        {
            command.add("--rejoin");
        }
        command.addAll(List.of(options));
        command.removeIf(String::isEmpty);
        final Process process = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
        return new NodeProcess(name, root, process, events, log);
    }

    NodeDirectory directory()
    {
        return new NodeDirectory(root);
    }

    /**
     * Whether the node's status page, read once, shows what {@code test} asks: false where there is none yet, or it
     * cannot be read (a starting node makes it anew). Reading it once per look keeps a page that goes between a null
     * check and its use from failing the look.
     */
    boolean statusShows(final Predicate<ReplicationStatus> test)
    {
        final ReplicationStatus status = status();
        return status != null && test.test(status);
    }

    /** The node's status page, or null before the node has written one. */
    ReplicationStatus status()
    {
        try
        {
            return ReplicationStatus.read(directory().replication());
        }
        catch (final RuntimeException ex)
        {
            return null;
        }
    }

    /**
     * Waits until this process runs the node on its directory: a starting node discards the requests it
     * finds, so one asked before then may never be answered.
     */
    NodeProcess awaitRunning() throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true)
        {
            final NodeOwner.Running running = NodeOwner.running(directory());
            if (running != null && running.pid() == process.pid())
            {
                return this;
            }
            if (!process.isAlive() || System.nanoTime() > deadline)
            {
                throw new IllegalStateException(name + " is not running its directory; see " + log);
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    /** SIGKILL: no shutdown hook, no flush, no close. */
    void kill() throws InterruptedException
    {
        process.toHandle().destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            throw new IllegalStateException(name + " did not die");
        }
    }

    /** Sends the process a signal by name (STOP, CONT), as {@code kill -NAME pid} does. */
    void signal(final String name) throws IOException, InterruptedException
    {
        final Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0)
        {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    boolean alive()
    {
        return process.isAlive();
    }

    /** SIGKILLs those of {@code nodes} still alive (a test's cleanup, whatever failed); nulls are skipped. */
    static void killAlive(final NodeProcess... nodes) throws InterruptedException
    {
        for (final NodeProcess node : nodes)
        {
            if (node != null && node.alive())
            {
                node.kill();
            }
        }
    }
}
