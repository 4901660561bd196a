package io.ringlog.core;

import io.ringlog.core.engine.CpuPinning;
import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.core.testing.CollectingListener;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Stage threads pinned to CPUs, checked where a user would check them: the kernel's own view of each
 * thread in {@code /proc/self/task/<tid>/status}. Linux only.
 */
@Timeout(30)
class StageCpuTest
{
    private static int firstCpu;
    private static int lastCpu;

    @BeforeAll
    static void linuxOnly()
    {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "pinning is checked through Linux's /proc");
        final BitSet allowed = CpuPinning.allowedCpus();
        assumeTrue(!allowed.isEmpty(), "threads can be pinned here");
        firstCpu = allowed.nextSetBit(0);
        lastCpu = allowed.length() - 1;
    }

    @Test
    void shouldRunEachPinnedStageOnItsCpuAndLeaveTheOthersAlone() throws Exception
    {
        final CollectingListener pinned = new CollectingListener();
        final CollectingListener free = new CollectingListener();
        try (Engine engine = Engine.launch(new EngineContext()
            .name("pin")
            .topology(Topology.COMPACT)
            .stateMachine(new AccumulatorStateMachine())
            .listener("out", pinned)
            .listener("free", free)
            .stageCpu("compact", lastCpu)
            .stageCpu("listener-out", firstCpu)))
        {
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[8]);
            payload.putLong(0, 5, ByteOrder.LITTLE_ENDIAN);
            for (int i = 1; i <= 100; i++)
            {
                engine.publish(AccumulatorStateMachine.ADD, 0, 1, i, payload, 0, 8);
            }
            pinned.awaitCount(100, Duration.ofSeconds(10));
            free.awaitCount(100, Duration.ofSeconds(10));

            assertEquals(String.valueOf(lastCpu), cpusOf("pin-compact"));
            assertEquals(String.valueOf(firstCpu), cpusOf("pin-listener-ou"), "thread names are cut to 15 characters in /proc");
            assertEquals(processCpus(), cpusOf("pin-listener-fr"), "an unpinned stage keeps the process's CPUs");
            assertEquals(0, engine.metrics().failed());
            assertEquals(500, pinned.events().get(99).value(), "the pinned stages still did their work");
        }
    }

    @Test
    void shouldPinThePipelinedStages() throws Exception
    {
        final CollectingListener listener = new CollectingListener();
        try (Engine engine = Engine.launch(new EngineContext()
            .name("pip")
            .topology(Topology.PIPELINED)
            .stateMachine(new AccumulatorStateMachine())
            .listener("out", listener)
            .stageCpu("journal", firstCpu)
            .stageCpu("logic", lastCpu)))
        {
            engine.publish(AccumulatorStateMachine.ADD, 0, 1, 1, new UnsafeBuffer(new byte[8]), 0, 8);
            listener.awaitCount(1, Duration.ofSeconds(10));

            assertEquals(String.valueOf(firstCpu), cpusOf("pip-journal"));
            assertEquals(String.valueOf(lastCpu), cpusOf("pip-logic"));
        }
    }

    @Test
    void shouldRefuseAStageTheEngineDoesNotHaveAndNameTheOnesItHas()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Engine.launch(
            new EngineContext()
                .name("bad")
                .topology(Topology.PIPELINED)
                .stateMachine(new AccumulatorStateMachine())
                .listener("out", new CollectingListener())
                .stageCpu("compact", 0)));

        assertEquals("stageCpu(\"compact\", 0): this engine has no such stage; its stages are listener-out, journal, logic",
            ex.getMessage());
    }

    @Test
    void shouldRefuseACpuTheProcessMayNotRunOn()
    {
        final int missing = lastCpu + 64;
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Engine.launch(
            new EngineContext()
                .name("bad")
                .topology(Topology.COMPACT)
                .stateMachine(new AccumulatorStateMachine())
                .stageCpu("compact", missing)));

        assertTrue(ex.getMessage().startsWith("stageCpu(\"compact\", " + missing + "): CPU " + missing +
            " is not one this process may run on (it may use "), ex.getMessage());
        final IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> Engine.launch(
            new EngineContext().name("bad").topology(Topology.COMPACT).stateMachine(new AccumulatorStateMachine())
                .stageCpu("compact", -1)));
        assertTrue(negative.getMessage().contains("CPU -1 is not one this process may run on"), negative.getMessage());
    }

    /** The CPUs the kernel lets the named thread of this process run on ({@code Cpus_allowed_list}). */
    private static String cpusOf(final String threadName) throws IOException
    {
        final List<Path> tasks = new ArrayList<>();
        try (Stream<Path> all = Files.list(Path.of("/proc/self/task")))
        {
            all.forEach(tasks::add);
        }
        for (final Path task : tasks)
        {
            if (Files.readString(task.resolve("comm")).strip().equals(threadName))
            {
                return cpusAllowed(task.resolve("status"));
            }
        }
        throw new AssertionError("no thread of this process is named " + threadName);
    }

    /** The process's CPUs, as its main thread has them. */
    private static String processCpus() throws IOException
    {
        return cpusAllowed(Path.of("/proc/self/status"));
    }

    private static String cpusAllowed(final Path status) throws IOException
    {
        for (final String line : Files.readAllLines(status))
        {
            if (line.startsWith("Cpus_allowed_list:"))
            {
                return line.substring("Cpus_allowed_list:".length()).strip();
            }
        }
        throw new IllegalStateException("no Cpus_allowed_list in " + status);
    }
}
