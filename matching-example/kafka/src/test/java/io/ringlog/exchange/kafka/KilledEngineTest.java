package io.ringlog.exchange.kafka;

import io.ringlog.exchange.ExchangeStateMachine;
import io.ringlog.kafka.KafkaHeaders;
import io.ringlog.kafka.TestBroker;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Exactly once at both ends, seen from outside: an engine process is SIGKILLed again and again while
 * commands stream into its partition (including records that are not commands), then runs to the end.
 * Its events topic must then hold, partition by partition, exactly the records a run that was never
 * killed produces (same events, same order, none missing, none twice), its dead-letter topic each bad
 * record once, and its state hash (exchange and offsets applied) must be the clean run's. The exchange
 * itself must equal one fed the same commands with no Kafka at all: nothing lost, nothing added.
 */
@ExtendWith(TestBroker.Resolver.class)
class KilledEngineTest
{
    private static final Duration STEP = Duration.ofSeconds(90);
    /** Events the topic must grow by after a start before the kill; 0 kills as soon as it runs (mid-regeneration). */
    private static final long[] KILL_AFTER_EVENTS = {2_000, 0, 3_000, 1_000};

    /** What a test compares of an event record: everything but the writer's name. */
    private record EventRecord(String key, String value, long position, long index, long correlationId, long type)
    {
    }

    @Test
    void shouldHoldExactlyTheEventsOfACleanRunAfterRepeatedKillsWhileCommandsStreamIn(
        final TestBroker broker, @TempDir final Path dir) throws Exception
    {
        final List<Workloads.Generated> commands = Workloads.generate(Workloads.small(11, 12_000));
        final String topic = broker.createTopic(TestBroker.uniqueName("commands-kill"), 1);
        final String dead = broker.createTopic(TestBroker.uniqueName("dead-kill"), 1);
        final String events = broker.createTopic(TestBroker.uniqueName("events-kill"), 3);
        final String cleanDead = broker.createTopic(TestBroker.uniqueName("dead-clean"), 1);
        final String cleanEvents = broker.createTopic(TestBroker.uniqueName("events-clean"), 3);

        final String[] args = {"-b", broker.bootstrapServers(), "--commands-topic", topic, "--dead-letter-topic", dead,
            "--events-topic", events, "-p", "0", "-d", dir.resolve("journal").toString(), "--name", "killed-" + topic,
            "--snapshot-every", "4000"};
        final long started = System.nanoTime();
        final Chunks chunks = new Chunks(broker, topic, commands, 24);
        int journalAheadOfTopic = 0;
        try (EventsEnd end = new EventsEnd(broker, events))
        {
            for (int kill = 0; kill < KILL_AFTER_EVENTS.length; kill++)
            {
                try (EngineProcess engine = EngineProcess.start(dir.resolve("engine-" + kill + ".log"), args))
                {
                    engine.awaitOutput("running: true", STEP);
                    final long target = end.total() + KILL_AFTER_EVENTS[kill];
                    // A chunk at a time, the next once the engine has taken it (every command makes an event):
                    // commands arrive as fast as the engine takes them, however slowly it runs on a loaded machine.
                    while (end.total() < target)
                    {
                        final long progress = Math.min(target, end.total() + chunks.size());
                        chunks.send(chunks.size());
                        engine.awaitWhileAlive(() -> end.total() >= progress, STEP,
                            "the events topic grew to " + progress + " while commands streamed in");
                    }
                    // The kill falls inside a chunk: records the engine has not read yet, and more arriving while
                    // it is down.
                    chunks.send(chunks.size() / 2);
                    engine.kill();
                    chunks.send(chunks.size() - chunks.size() / 2);
                    journalAheadOfTopic += aheadOfTopic(engine) ? 1 : 0;
                    System.out.println(seconds(started) + " kill " + kill + " after " + KILL_AFTER_EVENTS[kill] +
                        " events; it had resumed after " + engine.value("events-resume-after") + " with the journal at " +
                        engine.value("recovered-position") + " and offset " + engine.value("resume-offset-0") + "; " +
                        chunks.sent() + " commands sent so far");
                }
            }
        }
        chunks.sendRest();

        final EngineProcess last = EngineProcess.start(dir.resolve("engine-last.log"),
            append(args, "--until-caught-up"));
        try (last)
        {
            assertEquals(0, last.awaitExit(STEP), last.output());
        }
        System.out.println(seconds(started) + " last run: resumed after " + last.value("events-resume-after") + ", journal at " +
            last.value("recovered-position") + ", regenerated " + last.value("events-regenerated") + ", dead letters " +
            "seen again " + last.value("dead-letters-seen-again"));
        assertTrue(journalAheadOfTopic > 0 || aheadOfTopic(last),
            "at least one restart found the journal ahead of the events topic, so the sink regenerated events");

        final ExchangeKafkaEngine clean = ExchangeKafkaEngine.start(new ExchangeKafkaEngine.Context()
            .name("clean-" + topic).bootstrapServers(broker.bootstrapServers()).commandsTopic(topic).partitions(0)
            .eventsTopic(cleanEvents).deadLetterTopic(cleanDead).journalDir(dir.resolve("clean")).snapshotEvery(4000));
        final Map<Integer, Long> ends = ScaleOutTest.ends(broker, topic, new int[]{0});
        final long deadline = System.nanoTime() + STEP.toNanos();
        while (!clean.caughtUp(ends))
        {
            assertEquals(null, clean.failure());
            assertTrue(System.nanoTime() < deadline, "the clean run did not catch up within " + STEP);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        clean.close();
        System.out.println(seconds(started) + " clean run done");

        assertEquals(hex(clean.stateHash()), last.value("state-hash"), "the killed engine's state, offsets included");
        final ExchangeStateMachine withoutKafka = Workloads.runWithoutKafka(commands);
        assertEquals(hex(withoutKafka.stateHash()), hex(clean.exchange().stateHash()), "Kafka lost or added nothing");
        assertEquals(hex(withoutKafka.stateHash()), last.value("exchange-hash"));

        final List<List<ConsumerRecord<byte[], byte[]>>> killedTopic = broker.readAll(events);
        final List<List<ConsumerRecord<byte[], byte[]>>> cleanTopic = broker.readAll(cleanEvents);
        long total = 0;
        for (int p = 0; p < killedTopic.size(); p++)
        {
            final List<EventRecord> expected = records(cleanTopic.get(p));
            assertTrue(expected.size() > 1_000, "partition " + p + " has events to compare: " + expected.size());
            assertEquals(expected.size(), killedTopic.get(p).size(), "partition " + p + ": as many events as the clean run");
            assertEquals(expected, records(killedTopic.get(p)), "partition " + p + ": the same events, in the same order");
            total += expected.size();
        }
        System.out.println("events compared: " + total + " in " + killedTopic.size() + " partitions");

        final List<String> deadLetters = deadLetters(broker.readAll(dead).get(0));
        assertEquals(chunks.injected(), deadLetters.size(), "each record that is not a command, dead-lettered once");
        assertEquals(deadLetters(broker.readAll(cleanDead).get(0)), deadLetters);
        assertTrue(deadLetters.get(0).endsWith("place version 2 payload of 10 bytes, expected 48"), deadLetters.get(0));
    }

    /** Whether the engine's journal held more than its events topic when it started: it regenerated. */
    private static boolean aheadOfTopic(final EngineProcess engine) throws Exception
    {
        final String resumed = engine.value("events-resume-after");
        final long position = Long.parseLong(resumed.split(" ")[1]);
        return Long.parseLong(engine.value("recovered-position")) > position;
    }

    private static List<EventRecord> records(final List<ConsumerRecord<byte[], byte[]>> partition)
    {
        final List<EventRecord> list = new ArrayList<>(partition.size());
        final HexFormat hex = HexFormat.of();
        for (final ConsumerRecord<byte[], byte[]> record : partition)
        {
            list.add(new EventRecord(hex.formatHex(record.key()), hex.formatHex(record.value()),
                KafkaHeaders.number(record.headers(), KafkaHeaders.POSITION, -1),
                KafkaHeaders.number(record.headers(), KafkaHeaders.INDEX, -1),
                KafkaHeaders.number(record.headers(), KafkaHeaders.CORRELATION_ID, -1),
                KafkaHeaders.number(record.headers(), KafkaHeaders.TYPE, -1)));
        }
        return list;
    }

    private static List<String> deadLetters(final List<ConsumerRecord<byte[], byte[]>> partition)
    {
        final List<String> list = new ArrayList<>();
        for (final ConsumerRecord<byte[], byte[]> record : partition)
        {
            list.add("offset " + KafkaHeaders.number(record.headers(), KafkaHeaders.DEAD_LETTER_OFFSET, -1) + ": " +
                KafkaHeaders.text(record.headers(), KafkaHeaders.DEAD_LETTER_REASON));
        }
        return list;
    }

    private static String[] append(final String[] args, final String arg)
    {
        final String[] longer = Arrays.copyOf(args, args.length + 1);
        longer[args.length] = arg;
        return longer;
    }

    private static String seconds(final long started)
    {
        return String.format("%5.1f s:", (System.nanoTime() - started) / 1e9);
    }

    private static String hex(final long value)
    {
        return String.format("%016x", value);
    }

    /**
     * Feeds the commands in order, as many at a time as the test asks, with a record that is not a
     * command after every 1,499; each send is flushed before it returns.
     */
    private static final class Chunks
    {
        private final TestBroker broker;
        private final String topic;
        private CommandFeed feed;
        private final List<Workloads.Generated> commands;
        private final int size;
        private int sent;
        private long injectedBefore;

        Chunks(final TestBroker broker, final String topic, final List<Workloads.Generated> commands, final int chunks)
        {
            this.broker = broker;
            this.topic = topic;
            // Paced while engines run and are killed, so that records stream in around each kill.
            this.feed = new CommandFeed(broker.bootstrapServers(), topic, 500, 1_499);
            this.commands = commands;
            this.size = (commands.size() + chunks - 1) / chunks;
        }

        /** Commands in a chunk. */
        int size()
        {
            return size;
        }

        void send(final int count)
        {
            if (sent + count > commands.size())
            {
                fail("all " + sent + " commands were sent before the last kill: use more commands or fewer kills");
            }
            for (int i = sent; i < sent + count; i++)
            {
                final Workloads.Generated command = commands.get(i);
                feed.send(command.type(), new org.agrona.concurrent.UnsafeBuffer(command.payload()),
                    command.payload().length, i + 1);
            }
            feed.flush();
            sent += count;
        }

        /**
         * Sends what is left, unpaced (no engine runs now), and closes the feed. The paced feed is flushed
         * and closed first, so the rest follows it in the partition.
         */
        void sendRest()
        {
            injectedBefore = feed.injected();
            feed.close();
            feed = new CommandFeed(broker.bootstrapServers(), topic, 0, 1_499);
            try
            {
                send(commands.size() - sent);
            }
            finally
            {
                feed.close();
            }
        }

        int sent()
        {
            return sent;
        }

        long injected()
        {
            return injectedBefore + feed.injected();
        }
    }

    /** The events topic's end, uncommitted records included: how a test sees an engine make progress. */
    private static final class EventsEnd implements AutoCloseable
    {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<TopicPartition> partitions = new ArrayList<>();

        EventsEnd(final TestBroker broker, final String topic)
        {
            consumer = new KafkaConsumer<>(broker.clientProperties(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumer.partitionsFor(topic).forEach((info) -> partitions.add(new TopicPartition(topic, info.partition())));
        }

        long total()
        {
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }

        @Override
        public void close()
        {
            consumer.close();
        }
    }
}
