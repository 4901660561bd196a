package io.ringlog.exchange.kafka.cli;

import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.OutputEvent;
import io.ringlog.core.OutputListener;
import io.ringlog.core.Topology;
import io.ringlog.exchange.ExchangeStateMachine;
import io.ringlog.exchange.codec.CommandEncoder;
import io.ringlog.exchange.kafka.CommandFeed;
import io.ringlog.exchange.kafka.ExchangeKafkaEngine;
import io.ringlog.exchange.kafka.ExchangeRecords;
import io.ringlog.exchange.workload.WorkloadConfig;
import io.ringlog.exchange.workload.WorkloadGenerator;
import io.ringlog.journal.ChronicleJournal;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * {@code exchange kafka bench}: what Kafka at both ends costs. The same commands, already in the
 * commands topic (or in memory), go through the same engine three ways:
 * <pre>
 *  memory  ──► engine ──► in-process listener       the engine alone (publish from memory)
 *  Kafka   ──► engine ──► in-process listener       + the source
 *  Kafka   ──► engine ──► KafkaSink ──► Kafka       + the sink: the figure that matters
 * </pre>
 * Each is timed from the engine's first applied command to the last event delivered (for the sink:
 * committed), with a Chronicle journal in a temporary directory and the COMPACT topology.
 */
@CommandLine.Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Measure commands topic -> engine -> events topic on one broker, and what the source and the sink " +
        "cost against an engine fed from memory with an in-process listener. Creates topics of its own (bench-*) " +
        "and a temporary journal per run.",
        "Prints each run's commands/s and events/s, the ratios, the bytes the sink's thread allocates per event, and " +
        "the load average before and after (figures on a loaded machine mean little)."})
final class BenchCommand implements Callable<Integer>
{
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-b", "--bootstrap"}, paramLabel = "HOST:PORT",
        description = "A running broker (default: start a one-node broker in this JVM, in a temporary directory).")
    String bootstrap;

    @Option(names = {"-n", "--commands"}, defaultValue = "200_000", paramLabel = "N",
        description = "Order-flow commands of the exchange-core preset, after its setup (default: ${DEFAULT-VALUE}).")
    long commands;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Workload seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--events-partitions", defaultValue = "3", paramLabel = "K",
        description = "Partitions of the events topic (default: ${DEFAULT-VALUE}).")
    int eventsPartitions;

    @Override
    public Integer call() throws Exception
    {
        if (bootstrap != null)
        {
            KafkaOptions.requireBroker(bootstrap, spec.commandLine());
        }
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        out.println("load-before: " + load());
        out.println("cpus: " + Runtime.getRuntime().availableProcessors());
        final Path temp = Files.createTempDirectory("ringlog-kafka-bench");
        try (LocalBroker broker = bootstrap == null ? LocalBroker.start(temp.resolve("broker"), freePort(), freePort()) : null)
        {
            final String servers = broker != null ? broker.bootstrapServers() : bootstrap;
            out.println("broker: " + (broker != null ? "in this JVM, " + servers : servers));
            final List<byte[]> payloads = new ArrayList<>();
            final List<Integer> types = new ArrayList<>();
            new WorkloadGenerator(WorkloadConfig.exchangeCore(seed, commands)).generate((type, payload, length) ->
            {
                final byte[] copy = new byte[length];
                payload.getBytes(0, copy);
                payloads.add(copy);
                types.add(type);
            });
            final int total = payloads.size();
            out.println("commands: " + total);

            final String run = Long.toString(System.currentTimeMillis(), 36);
            final String topic = "bench-commands-" + run;
            createTopics(servers, topic, "bench-dead-" + run, "bench-events-" + run);
            final long feedStart = System.nanoTime();
            try (CommandFeed feed = new CommandFeed(servers, topic, 0, 0))
            {
                for (int i = 0; i < total; i++)
                {
                    feed.send(types.get(i), new UnsafeBuffer(payloads.get(i)), payloads.get(i).length, i + 1);
                }
            }
            out.println("feed: " + perSecond(total, System.nanoTime() - feedStart) + " records/s (producer to broker; " +
                "not part of what follows)");
            err.println("bench: fed " + total + " commands to " + topic);

            final Result memory = fromMemory(temp.resolve("memory"), types, payloads);
            print(out, "memory-engine-listener", memory);
            final Result kafkaIn = fromKafka(servers, topic, "bench-dead-" + run, null, temp.resolve("kafka-in"), run + "-in");
            print(out, "kafka-engine-listener", kafkaIn);
            final Result both = fromKafka(servers, topic, "bench-dead-" + run, "bench-events-" + run,
                temp.resolve("kafka-both"), run + "-both");
            print(out, "kafka-engine-kafka", both);
            out.println("events-per-transaction: " + String.format("%,.0f", (double)both.events / Math.max(1, both.transactions)));
            out.println("sink-thread-allocation: " + String.format("%,.0f", both.allocatedPerEvent) + " bytes/event");
            out.println("source-cost: " + ratio(kafkaIn, memory) + " (kafka-engine-listener / memory-engine-listener)");
            out.println("sink-cost: " + ratio(both, kafkaIn) + " (kafka-engine-kafka / kafka-engine-listener)");
            out.println("load-after: " + load());
        }
        finally
        {
            deleteQuietly(temp);
        }
        return ExchangeKafkaCli.OK;
    }

    /**
     * What one run did, how fast, and what CPU it took: the whole process (so the broker too, when it
     * runs in this JVM), the listener's thread (the sink's, or the in-process listener's), the
     * producer's network thread. CPU time is what a loaded machine changes least.
     */
    private record Result(long commands, long events, long nanos, long transactions, double allocatedPerEvent,
        long processCpu, long listenerCpu, long producerCpu)
    {
    }

    /** CPU time of the process and of named threads between two points. */
    private static final class Cpu
    {
        private final Map<Thread, Long> all = new java.util.HashMap<>();
        private final Thread listener;
        private final Thread producer;
        private final long process;
        private final long listenerStart;
        private final long producerStart;

        Cpu(final String listenerThread, final String producerThread)
        {
            this.listener = listenerThread == null ? null : thread(listenerThread);
            this.producer = producerThread == null ? null : thread(producerThread);
            this.process = processCpu();
            this.listenerStart = cpu(listener);
            this.producerStart = cpu(producer);
            for (final Thread thread : Thread.getAllStackTraces().keySet())
            {
                all.put(thread, cpu(thread));
            }
        }

        /** The threads that took the most CPU since, by name (numbers folded), in ms: where the rest went. */
        String busiest(final int count)
        {
            final Map<String, Long> byName = new java.util.TreeMap<>();
            for (final Thread thread : Thread.getAllStackTraces().keySet())
            {
                final long now = cpu(thread);
                if (now >= 0)
                {
                    byName.merge(thread.getName().replaceAll("[0-9]+", "N"), now - all.getOrDefault(thread, 0L), Long::sum);
                }
            }
            return byName.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(count)
                .map((e) -> e.getKey() + "=" + TimeUnit.NANOSECONDS.toMillis(e.getValue()) + "ms")
                .collect(java.util.stream.Collectors.joining(", "));
        }

        long process()
        {
            return processCpu() - process;
        }

        long listener()
        {
            return cpu(listener) - listenerStart;
        }

        long producer()
        {
            return cpu(producer) - producerStart;
        }

        private static long cpu(final Thread thread)
        {
            return thread == null ? 0 : ManagementFactory.getThreadMXBean().getThreadCpuTime(thread.getId());
        }

        private static long processCpu()
        {
            return ((com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        }
    }

    private static Result fromMemory(final Path dir, final List<Integer> types, final List<byte[]> payloads)
        throws Exception
    {
        final Counting counting = new Counting();
        final ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().directory(dir)
            .maxPayloadLength(ExchangeRecords.MAX_PAYLOAD_LENGTH));
        final long started;
        final Cpu cpu;
        final long processCpu;
        final long listenerCpu;
        try (Engine engine = Engine.launch(new EngineContext().name("bench-memory").stateMachine(
            new ExchangeStateMachine(ExchangeRecords.MAX_ASSETS, true)).journal(journal).topology(Topology.COMPACT)
            .maxPayloadLength(ExchangeRecords.MAX_PAYLOAD_LENGTH).listener("count", counting)))
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[0]);
            cpu = new Cpu("bench-memory-listener-count", null);
            started = System.nanoTime();
            for (int i = 0; i < payloads.size(); i++)
            {
                buffer.wrap(payloads.get(i));
                engine.publish(types.get(i), CommandEncoder.VERSION, 0, 0, i + 1, buffer, 0, payloads.get(i).length);
            }
            engine.awaitApplied(engine.nextPosition() - 1, 10, TimeUnit.MINUTES);
            final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (engine.metrics().listenerLag(0) > 0 && System.nanoTime() < deadline)
            {
                LockSupport.parkNanos(100_000);
            }
            // Read while the listener's thread lives: a thread that has ended has no CPU time to report.
            processCpu = cpu.process();
            listenerCpu = cpu.listener();
        }
        return new Result(payloads.size(), counting.events.get(), counting.lastNanos - started, 0, 0, processCpu,
            listenerCpu, 0);
    }

    private static Result fromKafka(final String servers, final String topic, final String dead, final String events,
        final Path dir, final String name) throws Exception
    {
        final Counting counting = new Counting();
        final ExchangeKafkaEngine.Context ctx = new ExchangeKafkaEngine.Context().name("bench-" + name)
            .bootstrapServers(servers).commandsTopic(topic).partitions(0).deadLetterTopic(dead).eventsTopic(events)
            .journalDir(dir).topology(Topology.COMPACT);
        if (events == null)
        {
            ctx.listener("count", counting);
        }
        final Map<Integer, Long> ends = Map.of(0, end(servers, topic));
        final ExchangeKafkaEngine engine = ExchangeKafkaEngine.start(ctx);
        try
        {
            final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (engine.engine().metrics().lastAppliedPosition() < 1)
            {
                check(engine, deadline);
                LockSupport.parkNanos(100_000);
            }
            final long started = System.nanoTime();
            final Thread sinkThread = events != null ? thread("bench-" + name + "-listener-kafka-events") : null;
            final long allocatedBefore = sinkThread != null ? allocated(sinkThread) : 0;
            final Cpu cpu = new Cpu(events != null ? "bench-" + name + "-listener-kafka-events" :
                "bench-" + name + "-listener-count",
                events != null ? "kafka-producer-network-thread | producer-bench-" + name + ".events" : null);
            while (!engine.caughtUp(ends))
            {
                check(engine, deadline);
                LockSupport.parkNanos(1_000_000);   // the run takes seconds; this thread's own CPU counts too
            }
            final long ended = System.nanoTime();
            final long allocated = sinkThread != null ? allocated(sinkThread) - allocatedBefore : 0;
            final long processCpu = cpu.process();
            final long listenerCpu = cpu.listener();
            final long producerCpu = cpu.producer();
            if (System.getProperty("ringlog.bench.threads") != null)
            {
                System.err.println("bench: busiest threads of " + name + ": " + cpu.busiest(12));
            }
            engine.close();
            final long commands = engine.source().published();
            if (events == null)
            {
                return new Result(commands, counting.events.get(), counting.lastNanos - started, 0, 0, processCpu,
                    listenerCpu, 0);
            }
            final long produced = engine.sink().produced();
            return new Result(commands, produced, ended - started, engine.sink().transactions(),
                (double)allocated / Math.max(1, produced), processCpu, listenerCpu, producerCpu);
        }
        finally
        {
            engine.close();
        }
    }

    private static void check(final ExchangeKafkaEngine engine, final long deadline)
    {
        if (engine.failure() != null)
        {
            throw new IllegalStateException("the engine failed: " + engine.failure(), engine.failure());
        }
        if (System.nanoTime() > deadline)
        {
            throw new IllegalStateException("the run did not finish within 10 minutes");
        }
    }

    /** Counts events and notes when the last one came; as cheap as a listener gets. */
    private static final class Counting implements OutputListener
    {
        final AtomicLong events = new AtomicLong();
        volatile long lastNanos;

        @Override
        public void onEvent(final OutputEvent event, final boolean endOfBatch)
        {
            events.lazySet(events.get() + 1);
            if (endOfBatch)
            {
                lastNanos = System.nanoTime();
            }
        }
    }

    private static void print(final PrintWriter out, final String name, final Result result)
    {
        out.println(name + ": " + perSecond(result.commands, result.nanos) + " commands/s, " +
            perSecond(result.events, result.nanos) + " events/s (" + String.format("%,d", result.commands) + " commands, " +
            String.format("%,d", result.events) + " events in " + String.format("%,.2f", result.nanos / 1e9) + " s)");
        out.println(name + "-cpu: " + microsPerEvent(result.processCpu, result.events) + " us/event in the process, " +
            microsPerEvent(result.listenerCpu, result.events) + " on the listener's thread" +
            (result.producerCpu > 0 ? ", " + microsPerEvent(result.producerCpu, result.events) +
            " on the producer's network thread" : ""));
        out.flush();
    }

    private static String microsPerEvent(final long nanos, final long events)
    {
        return String.format("%.2f", nanos / 1e3 / Math.max(1, events));
    }

    private static String perSecond(final long count, final long nanos)
    {
        return String.format("%,.0f", count * 1e9 / Math.max(1, nanos));
    }

    private static String ratio(final Result a, final Result b)
    {
        return String.format("%.2f", (double)a.nanos / a.commands / ((double)b.nanos / b.commands)) + "x the time per command";
    }

    private static Thread thread(final String name)
    {
        return Thread.getAllStackTraces().keySet().stream().filter((t) -> t.getName().equals(name)).findFirst()
            .orElseThrow(() -> new IllegalStateException("no thread " + name));
    }

    private static long allocated(final Thread thread)
    {
        return ((com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean()).getThreadAllocatedBytes(thread.getId());
    }

    private static long end(final String servers, final String topic)
    {
        final TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers), new ByteArrayDeserializer(), new ByteArrayDeserializer()))
        {
            return consumer.endOffsets(List.of(partition)).get(partition);
        }
    }

    private void createTopics(final String servers, final String commandsTopic, final String dead, final String events)
        throws Exception
    {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers)))
        {
            admin.createTopics(List.of(new NewTopic(commandsTopic, 1, (short)1), new NewTopic(dead, 1, (short)1),
                new NewTopic(events, eventsPartitions, (short)1))).all().get();
        }
    }

    private static String load() throws IOException
    {
        final Path loadavg = Path.of("/proc/loadavg");
        return Files.exists(loadavg) ? Files.readString(loadavg).strip() : "unknown";
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }

    private static void deleteQuietly(final Path dir)
    {
        try (Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
        }
        catch (final IOException ignored)
        {
            // a temporary directory; the OS cleans it eventually
        }
    }
}
