package io.ringlog.kafka;

import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.InMemoryJournal;
import io.ringlog.core.InMemorySnapshotStore;
import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.core.testing.CollectingListener;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sink against a real broker: what a record carries, and resuming after the sink was down or killed. */
@ExtendWith(TestBroker.Resolver.class)
class KafkaSinkTest
{
    private static final int KEYS = 5;
    private static TestBroker broker;

    /** What identifies an event in the topic, and what it says. */
    private record Event(long key, long position, long index, long correlationId, long type, long total)
    {
    }

    @BeforeAll
    static void broker(final TestBroker testBroker)
    {
        broker = testBroker;
    }

    @Test
    void shouldProduceEachEventOnceKeyedWithItsCausationInHeaders() throws Exception
    {
        final String topic = broker.createTopic(TestBroker.uniqueName("events"), 3);
        final KafkaSink sink = KafkaSink.open(context(topic, "headers"));
        assertEquals(0, sink.resumePosition(), "an empty topic: nothing published yet");
        try (Engine engine = Engine.launch(sink.attach("kafka", new EngineContext()
            .stateMachine(new AccumulatorStateMachine()))))
        {
            publish(engine, 1, 50);
        }
        sink.close();
        assertEquals(50, sink.produced());
        assertTrue(sink.transactions() >= 1);

        final List<List<ConsumerRecord<byte[], byte[]>>> partitions = broker.readAll(topic);
        assertEquals(50, partitions.stream().mapToInt(List::size).sum());
        for (final List<ConsumerRecord<byte[], byte[]>> partition : partitions)
        {
            long previous = 0;
            for (final ConsumerRecord<byte[], byte[]> record : partition)
            {
                final Event event = event(record);
                assertTrue(event.position() > previous, "positions increase within a partition");
                previous = event.position();
                assertEquals(event.position() % KEYS, event.key(), "keyed by the application's key");
                assertEquals(1000 + event.position(), event.correlationId());
                assertEquals(AccumulatorStateMachine.TOTAL, event.type());
                assertEquals(event.position() * (event.position() + 1) / 2, event.total());
                assertEquals("headers-" + topic, KafkaHeaders.text(record.headers(), KafkaHeaders.WRITER));
            }
        }
    }

    @Test
    void shouldRegenerateFromTheJournalWhatTheTopicLacksAndDropWhatAKilledSinkLeftOpen() throws Exception
    {
        final String topic = broker.createTopic(TestBroker.uniqueName("events"), 3);
        final InMemoryJournal journal = new InMemoryJournal(256);
        final InMemorySnapshotStore snapshots = new InMemorySnapshotStore();

        // 1. Commands 1..100 with the sink: all their events committed.
        final KafkaSink first = KafkaSink.open(context(topic, "resume"));
        try (Engine engine = Engine.launch(first.attach("kafka", engineContext(journal, snapshots))))
        {
            publish(engine, 1, 100);
        }
        first.close();

        // 2. Commands 101..200 while the sink is down; snapshots at 120, 150 and 180 are past what the topic has.
        try (Engine engine = Engine.launch(engineContext(journal, snapshots)))
        {
            publish(engine, 101, 100);
        }
        assertTrue(snapshots.positions()[0] >= 180, "snapshots were taken after the topic's last event");

        // 3. A sink killed in the middle of a transaction: records sent, never committed.
        leaveATransactionOpen(topic, "resume-" + topic);

        // 4. The sink comes back: it fences the dead one, finds event 100 last, regenerates 101..200, then goes live.
        final KafkaSink resumed = KafkaSink.open(context(topic, "resume"));
        assertEquals(100, resumed.resumePosition());
        assertEquals(0, resumed.resumeIndex());
        try (Engine engine = Engine.launch(resumed.attach("kafka", engineContext(journal, snapshots))))
        {
            publish(engine, 201, 50);
        }
        resumed.close();
        assertEquals(100, resumed.regenerated(), "events 101..200 came from the journal");
        assertEquals(150, resumed.produced());

        final List<Event> topicEvents = new ArrayList<>();
        for (final List<ConsumerRecord<byte[], byte[]>> partition : broker.readAll(topic))
        {
            for (final ConsumerRecord<byte[], byte[]> record : partition)
            {
                topicEvents.add(event(record));
            }
        }
        topicEvents.sort(Comparator.comparingLong(Event::position));
        assertEquals(reference(250), topicEvents, "every event once, as a clean run makes them; none of the open transaction's");
    }

    @Test
    void shouldRefuseToResumeATopicThatIsAheadOfTheJournal() throws Exception
    {
        final String topic = broker.createTopic(TestBroker.uniqueName("events"), 1);
        final KafkaSink sink = KafkaSink.open(context(topic, "ahead"));
        try (Engine engine = Engine.launch(sink.attach("kafka", new EngineContext()
            .stateMachine(new AccumulatorStateMachine()))))
        {
            publish(engine, 1, 10);
        }
        sink.close();
        try (KafkaSink again = KafkaSink.open(context(topic, "ahead")))
        {
            final IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> again.attach("kafka", new EngineContext().stateMachine(new AccumulatorStateMachine())
                    .journal(new InMemoryJournal(256))));
            assertTrue(refused.getMessage().contains("holds events up to position 10 but the journal ends at 0"),
                refused.getMessage());
        }
    }

    @Test
    void shouldRefuseATopicAheadOfItsJournalBeforeFencingTheSinkThatRunsOnIt() throws Exception
    {
        final String topic = broker.createTopic(TestBroker.uniqueName("events"), 1);
        final InMemoryJournal journal = new InMemoryJournal(256);
        final KafkaSink running = KafkaSink.open(context(topic, "healthy"));
        try (Engine engine = Engine.launch(running.attach("kafka", new EngineContext()
            .stateMachine(new AccumulatorStateMachine()).journal(journal))))
        {
            publish(engine, 1, 10);
            CollectingListener.await(() -> running.committedPosition() >= 10, Duration.ofSeconds(30), "the first commit");

            // A second engine of the same name, started on an empty journal by mistake.
            final IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> KafkaSink.open(context(topic, "healthy").journalLastPosition(0)));
            assertTrue(refused.getMessage().contains("holds events up to position 10 but the journal ends at 0"),
                refused.getMessage());

            // Not fenced: the running sink goes on publishing.
            publish(engine, 11, 5);
            CollectingListener.await(() -> running.committedPosition() >= 15, Duration.ofSeconds(30),
                "commits after the refused open");
            assertEquals(null, running.failure(), "the running sink was not fenced");
        }
        running.close();
    }

    @Test
    void shouldSaySoWhenAnotherSinkOfItsTransactionalIdFencesIt() throws Exception
    {
        final String topic = broker.createTopic(TestBroker.uniqueName("events"), 1);
        final List<Throwable> engineErrors = new CopyOnWriteArrayList<>();
        final KafkaSink running = KafkaSink.open(context(topic, "twice"));
        try (Engine engine = Engine.launch(running.attach("kafka", new EngineContext()
            .stateMachine(new AccumulatorStateMachine()).journal(new InMemoryJournal(256)).errorHandler(engineErrors::add))))
        {
            publish(engine, 1, 10);
            CollectingListener.await(() -> running.committedPosition() >= 10, Duration.ofSeconds(30), "the first commit");

            // A second engine of the same name whose journal cannot be told apart (say a copy): opening fences the first.
            try (KafkaSink second = KafkaSink.open(context(topic, "twice")))
            {
                publish(engine, 11, 5);
                CollectingListener.await(() -> running.failure() != null, Duration.ofSeconds(60), "the fenced sink to fail");
                final String expected = "another producer with transactional id twice-" + topic + " fenced this sink " +
                    "(another engine with the same name started?)";
                assertTrue(running.failure().getMessage().startsWith(expected), running.failure().toString());
                CollectingListener.await(() -> engineErrors.stream().anyMatch((error) -> error.getMessage().contains(expected)),
                    Duration.ofSeconds(10), "the engine's error to say so: " + engineErrors);
                assertEquals(0, second.produced());
            }
        }
        running.close();
    }

    /**
     * A reviewer's finding: the events topic deleted under a running engine made the sink stop with "the broker ... did
     * not answer within 10 s ... is it running?", the broker up throughout. It says the topic is gone.
     */
    @Test
    void shouldSayItsTopicIsGoneWhenItIsDeletedUnderIt() throws Exception
    {
        final String topic = broker.createTopic(TestBroker.uniqueName("events"), 1);
        final List<Throwable> engineErrors = new CopyOnWriteArrayList<>();
        final KafkaSink sink = KafkaSink.open(new KafkaSink.Context().producerProperties(Map.of("max.block.ms", 3_000))
            .bootstrapServers(broker.bootstrapServers()).topic(topic).transactionalId("deleted-" + topic)
            .keys((event) -> event.position() % KEYS));
        try (Engine engine = Engine.launch(sink.attach("kafka", new EngineContext()
            .stateMachine(new AccumulatorStateMachine()).journal(new InMemoryJournal(256)).errorHandler(engineErrors::add))))
        {
            publish(engine, 1, 10);
            CollectingListener.await(() -> sink.committedPosition() >= 10, Duration.ofSeconds(30), "the first commit");
            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(Map.of(
                "bootstrap.servers", broker.bootstrapServers())))
            {
                admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            }
            publish(engine, 11, 5);
            CollectingListener.await(() -> sink.failure() != null, Duration.ofSeconds(60), "the sink to stop");
            assertTrue(sink.failure() instanceof TopicGoneException, sink.failure().toString());
            assertTrue(sink.failure().getMessage().startsWith("topic " + topic + " is not on the broker at " +
                broker.bootstrapServers() + " any more (deleted while this sink produced to it?)"), sink.failure().toString());
        }
        sink.close();
    }

    @Test
    void shouldRefuseATopicThatAnotherWriterWrote() throws Exception
    {
        final String topic = broker.createTopic(TestBroker.uniqueName("events"), 1);
        final KafkaSink sink = KafkaSink.open(context(topic, "one"));
        try (Engine engine = Engine.launch(sink.attach("kafka", new EngineContext()
            .stateMachine(new AccumulatorStateMachine()))))
        {
            publish(engine, 1, 3);
        }
        sink.close();
        final IllegalStateException refused = assertThrows(IllegalStateException.class,
            () -> KafkaSink.open(context(topic, "other")));
        assertTrue(refused.getMessage().contains("was written by one-" + topic), refused.getMessage());
    }

    /** The events a clean run of commands 1..n makes, as the topic should hold them. */
    private static List<Event> reference(final int n) throws Exception
    {
        final CollectingListener collected = new CollectingListener();
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .listener("collect", collected)))
        {
            publish(engine, 1, n);
            collected.awaitCount(n, Duration.ofSeconds(10));
        }
        return collected.events().stream().map((seen) -> new Event(seen.position() % KEYS, seen.position(), seen.index(),
            seen.correlationId(), seen.type(), seen.value())).toList();
    }

    /**
     * What a hanging transaction aborted in one partition leaves when its coordinator had committed it in the others
     * (by the sink, by an earlier start that did not finish, or by hand): partition 0 lacks events that partitions 1
     * and 2 hold after them. Resuming after the newest event in the topic would lose partition 0's; resuming before
     * them and sending everything again would put the others' twice. The sink reads it from the topic at every start.
     */
    @Test
    void shouldResumeBeforeEventsAPartitionLacksAndSendOnlyThoseTheTopicDoesNotHold() throws Exception
    {
        final String topic = broker.createTopic(TestBroker.uniqueName("events"), 3);
        final InMemoryJournal journal = new InMemoryJournal(256);
        final InMemorySnapshotStore snapshots = new InMemorySnapshotStore();
        // The transaction that hung held the events of 101..150: committed in partitions 1 and 2, aborted in 0.
        final List<List<ConsumerRecord<byte[], byte[]>>> made = hungTransaction(topic, "hang", journal, snapshots, 200, 150);
        final long firstLacking = made.get(0).stream().mapToLong((record) ->
            KafkaHeaders.number(record.headers(), KafkaHeaders.POSITION, -1)).filter((position) -> position >= 101)
            .min().orElseThrow();

        // A start that stops before it has sent anything (killed, or refused later) leaves the topic as it was.
        final KafkaSink stopped = KafkaSink.open(context(topic, "hang"));
        assertEquals(firstLacking, stopped.resumePosition(), "resumes before the first event partition 0 lacks");
        stopped.close();
        final KafkaSink resumed = KafkaSink.open(context(topic, "hang"));
        assertEquals(firstLacking, resumed.resumePosition(), "and so does the next start: the topic says so, not memory");
        assertEquals(-1, resumed.resumeIndex());
        assertEquals(List.of(), resumed.hangingAborted(), "this start aborted nothing");
        try (Engine engine = Engine.launch(resumed.attach("kafka", engineContext(journal, snapshots))))
        {
            publish(engine, 201, 50);
        }
        resumed.close();

        final List<Event> topicEvents = new ArrayList<>();
        for (final List<ConsumerRecord<byte[], byte[]>> partition : broker.readAll(topic))
        {
            for (final ConsumerRecord<byte[], byte[]> record : partition)
            {
                topicEvents.add(event(record));
            }
        }
        topicEvents.sort(Comparator.comparingLong(Event::position));
        assertEquals(reference(250), topicEvents, "every event once: partition 0's part of the aborted transaction sent " +
            "again, the other partitions' not");
        final long inPartition0 = made.get(0).stream().map(KafkaSinkTest::event)
            .filter((event) -> event.position() >= 101 && event.position() <= 150).count();
        assertEquals(inPartition0 + 50, resumed.regenerated(), "partition 0's events of 101..150, and 151..200");

        // Caught up: the aborted records now lie before partition 0's last committed event, and a start resumes at the end.
        final KafkaSink after = KafkaSink.open(context(topic, "hang"));
        assertEquals(250, after.resumePosition());
        after.close();
    }

    /**
     * Copies the records of {@code made} (a topic's partitions) with positions {@code from..to} into the same
     * partitions of {@code topic}: those of partition 0 in a transaction that aborts, or the others committed.
     */
    /**
     * A reviewer's finding: retention (which deletes even an idle partition's active segment) emptied the topic, the
     * sink found no last event, resumed at the journal's start and published every event again. Refused now, unless
     * told where to resume.
     */
    @Test
    void shouldRefuseATopicRetentionEmptiedUnlessToldWhereToResume() throws Exception
    {
        final String topic = broker.createTopic(TestBroker.uniqueName("events"), 3);
        final InMemoryJournal journal = new InMemoryJournal(256);
        final InMemorySnapshotStore snapshots = new InMemorySnapshotStore();
        final KafkaSink first = KafkaSink.open(context(topic, "retention"));
        try (Engine engine = Engine.launch(first.attach("kafka", engineContext(journal, snapshots))))
        {
            publish(engine, 1, 50);
        }
        first.close();
        assertEquals(50, count(broker.readAll(topic)));
        // Retention deletes the segments (as deleteRecords up to each partition's end).
        final List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1),
            new TopicPartition(topic, 2));
        final Map<TopicPartition, Long> ends = broker.highWatermarks(partitions);
        for (final TopicPartition partition : partitions)
        {
            broker.deleteRecordsBefore(topic, partition.partition(), ends.get(partition));
        }
        assertEquals(0, count(broker.readAll(topic)), "nothing left in the topic");

        final IllegalStateException refused = assertThrows(IllegalStateException.class,
            () -> KafkaSink.open(context(topic, "retention")));
        assertTrue(refused.getMessage().startsWith(topic + " held events, and holds none now: they were deleted") &&
            refused.getMessage().contains("KafkaSink.Context.resumeAfter(position)"), refused.getMessage());
        // Told, it resumes there: nothing of the 50 again.
        final KafkaSink resumed = KafkaSink.open(context(topic, "retention").resumeAfter(50));
        try (Engine engine = Engine.launch(resumed.attach("kafka", engineContext(journal, snapshots))))
        {
            engine.awaitApplied(50, 10, TimeUnit.SECONDS);
            publish(engine, 51, 1);
            CollectingListener.await(() -> resumed.committedPosition() >= 51, java.time.Duration.ofSeconds(20),
                "the new command's event committed");
        }
        resumed.close();
        assertEquals(0, resumed.regenerated(), "none of the 50 published again");
        assertEquals(1, count(broker.readAll(topic)), "only the new event");
    }

    /**
     * A transaction committed in partitions 1 and 2 and aborted in 0 (what aborting a hanging transaction can leave).
     * The restart resumes before partition 0's first lacking event and, replaying, sends partition 0's events and skips
     * the others'. When the last event of a listener batch is one it skips, onEvent returns before the
     * endOfBatch commit: the transaction holding partition 0's regenerated events stays open on an idle engine.
     */
    @Test
    void shouldCommitWhatItRegeneratedWhenTheReplayEndsOnAnEventTheTopicHeld() throws Exception
    {
        final String topic = broker.createTopic(TestBroker.uniqueName("events"), 3);
        final InMemoryJournal journal = new InMemoryJournal(256);
        final InMemorySnapshotStore snapshots = new InMemorySnapshotStore();
        // The journal's last command: one whose event goes to partition 1 or 2 (key = position % KEYS).
        long last = 150;
        while (partitionOf(last % KEYS) == 0)
        {
            last--;
        }
        final List<List<ConsumerRecord<byte[], byte[]>>> made = hungTransaction(topic, "hangidle", journal, snapshots,
            last, last);
        final long lackingInP0 = made.get(0).stream().filter((r) -> position(r) >= 101).count();

        final KafkaSink resumed = KafkaSink.open(context(topic, "hangidle"));
        final Engine engine = Engine.launch(resumed.attach("kafka", engineContext(journal, snapshots)));
        try
        {
            engine.awaitApplied(last, 10, TimeUnit.SECONDS);
            // Idle engine: nothing more comes, and what it regenerated is committed all the same.
            final long endOfJournal = last;
            CollectingListener.await(() -> resumed.committedPosition() >= endOfJournal, java.time.Duration.ofSeconds(20),
                "the regenerated events committed on an idle engine: produced " + resumed.produced() + ", skipped " +
                resumed.skipped() + ", committed up to " + resumed.committedPosition());
            assertTrue(resumed.produced() > 0 && resumed.skipped() > 0, "it sent partition 0's and skipped the others'");
            final long high = broker.highWatermarks(List.of(new TopicPartition(topic, 0))).get(new TopicPartition(topic, 0));
            assertEquals(high, lastStable(topic, 0), "no transaction left open in partition 0");
            assertEquals(lackingInP0, broker.readAll(topic).get(0).stream().filter((r) -> position(r) >= 101).count(),
                "partition 0's lacking events are there, committed");
        }
        finally
        {
            engine.close();
            resumed.close();
        }
    }

    private static long lastStable(final String topic, final int partition)
    {
        final Map<String, Object> properties = broker.clientProperties();
        properties.put(org.apache.kafka.clients.consumer.ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer =
            new org.apache.kafka.clients.consumer.KafkaConsumer<>(properties,
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer()))
        {
            final TopicPartition tp = new TopicPartition(topic, partition);
            return consumer.endOffsets(List.of(tp)).get(tp);
        }
    }

    private static int partitionOf(final long key)
    {
        final byte[] bytes = ByteBuffer.allocate(8).putLong(key).array();
        return Utils.toPositive(Utils.murmur2(bytes)) % 3;
    }

    private static long position(final ConsumerRecord<byte[], byte[]> record)
    {
        return KafkaHeaders.number(record.headers(), KafkaHeaders.POSITION, -1);
    }

    private static int count(final List<List<ConsumerRecord<byte[], byte[]>>> partitions)
    {
        return partitions.stream().mapToInt(List::size).sum();
    }

    /**
     * Commands 1..100 through a sink of {@code name} on {@code topic}; the events of 101..{@code made} as that sink
     * makes them (its writer, keys and partitions), in a scratch topic; and those of 101..{@code hung} put in
     * {@code topic} as a hanging transaction's abort can leave them: committed in partitions 1 and 2, aborted in 0.
     * Returns the scratch topic's records, by partition.
     */
    private static List<List<ConsumerRecord<byte[], byte[]>>> hungTransaction(final String topic, final String name,
        final InMemoryJournal journal, final InMemorySnapshotStore snapshots, final long made, final long hung)
        throws Exception
    {
        final String scratch = broker.createTopic(TestBroker.uniqueName("scratch"), 3);
        final KafkaSink first = KafkaSink.open(context(topic, name));
        try (Engine engine = Engine.launch(first.attach("kafka", engineContext(journal, snapshots))))
        {
            publish(engine, 1, 100);
        }
        first.close();
        final KafkaSink maker = KafkaSink.open(context(scratch, "scratch").transactionalId(name + "-" + topic));
        try (Engine engine = Engine.launch(maker.attach("kafka", engineContext(journal, snapshots))))
        {
            publish(engine, 101, (int)(made - 100));
        }
        maker.close();
        final List<List<ConsumerRecord<byte[], byte[]>>> records = broker.readAll(scratch);
        copy(records, topic, 101, hung, true);
        copy(records, topic, 101, hung, false);
        return records;
    }

    private static void copy(final List<List<ConsumerRecord<byte[], byte[]>>> made, final String topic, final long from,
        final long to, final boolean committed)
    {
        final Map<String, Object> properties = broker.clientProperties();
        properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "copy-" + committed + "-" + topic);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(),
            new ByteArraySerializer()))
        {
            producer.initTransactions();
            producer.beginTransaction();
            for (int p = committed ? 1 : 0; p < (committed ? made.size() : 1); p++)
            {
                for (final ConsumerRecord<byte[], byte[]> record : made.get(p))
                {
                    final long position = KafkaHeaders.number(record.headers(), KafkaHeaders.POSITION, -1);
                    if (position >= from && position <= to)
                    {
                        producer.send(new ProducerRecord<>(topic, p, record.timestamp(), record.key(), record.value(),
                            record.headers()));
                    }
                }
            }
            if (committed)
            {
                producer.commitTransaction();
            }
            else
            {
                producer.flush();   // in the partition, then aborted: an abort drops what was not sent yet
                producer.abortTransaction();
            }
        }
    }

    private static void leaveATransactionOpen(final String topic, final String transactionalId)
    {
        final Map<String, Object> properties = broker.clientProperties();
        properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        properties.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 300_000);
        final KafkaProducer<byte[], byte[]> dying = new KafkaProducer<>(properties, new ByteArraySerializer(),
            new ByteArraySerializer());
        dying.initTransactions();
        dying.beginTransaction();
        for (int i = 0; i < 3; i++)
        {
            final RecordHeaders headers = new RecordHeaders();
            headers.add(KafkaHeaders.POSITION, KafkaHeaders.ascii(900 + i));
            headers.add(KafkaHeaders.INDEX, KafkaHeaders.ascii(0));
            headers.add(KafkaHeaders.WRITER, Records.text(transactionalId));
            dying.send(new ProducerRecord<>(topic, i % 3, new byte[8], new byte[8], headers));
        }
        dying.flush();
        dying.close(Duration.ZERO);   // no commit, no abort: as a SIGKILL leaves it
    }

    private static EngineContext engineContext(final InMemoryJournal journal, final InMemorySnapshotStore snapshots)
    {
        return new EngineContext().stateMachine(new AccumulatorStateMachine()).journal(journal).snapshotStore(snapshots)
            .snapshotEvery(30);
    }

    private static KafkaSink.Context context(final String topic, final String name)
    {
        return new KafkaSink.Context().bootstrapServers(broker.bootstrapServers()).topic(topic)
            .transactionalId(name + "-" + topic).keys((event) -> event.position() % KEYS);
    }

    /** ADD 1, ADD 2, ... with correlation id 1000 + the value, so command k adds k and its total is k(k+1)/2. */
    private static void publish(final Engine engine, final long from, final int count) throws Exception
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[8]);
        long last = 0;
        for (long value = from; value < from + count; value++)
        {
            payload.putLong(0, value, ByteOrder.LITTLE_ENDIAN);
            last = engine.publish(AccumulatorStateMachine.ADD, 0, 0, 1000 + value, payload, 0, 8);
        }
        engine.awaitApplied(last, 10, TimeUnit.SECONDS);
    }

    private static Event event(final ConsumerRecord<byte[], byte[]> record)
    {
        return new Event(ByteBuffer.wrap(record.key()).getLong(),
            KafkaHeaders.number(record.headers(), KafkaHeaders.POSITION, -1),
            KafkaHeaders.number(record.headers(), KafkaHeaders.INDEX, -1),
            KafkaHeaders.number(record.headers(), KafkaHeaders.CORRELATION_ID, -1),
            KafkaHeaders.number(record.headers(), KafkaHeaders.TYPE, -1),
            ByteBuffer.wrap(record.value()).order(ByteOrder.LITTLE_ENDIAN).getLong());
    }
}
