package io.ringlog.kafka;

import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.InMemoryJournal;
import io.ringlog.core.testing.AccumulatorStateMachine;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.ringlog.kafka.Records.add;
import static io.ringlog.kafka.Records.workUntil;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The source against a real broker: what it publishes, where it resumes, where bad records go. */
@ExtendWith(TestBroker.Resolver.class)
class KafkaSourceTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static TestBroker broker;

    @BeforeAll
    static void broker(final TestBroker testBroker)
    {
        broker = testBroker;
    }

    @Test
    void shouldPublishEachRecordWithItsPartitionAsSourceAndItsOffsetAsSequence() throws Exception
    {
        final String topic = broker.createTopic(TestBroker.uniqueName("commands"), 2);
        final String deadLetters = broker.createTopic(TestBroker.uniqueName("dead"), 2);
        try (KafkaProducer<byte[], byte[]> producer = broker.producer())
        {
            for (int i = 0; i < 5; i++)
            {
                producer.send(add(topic, 0, 10 + i));
            }
            for (int i = 0; i < 3; i++)
            {
                producer.send(add(topic, 1, 100 + i));
            }
        }
        final AppliedListener applied = new AppliedListener();
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .listener("applied", applied));
            KafkaSource source = new KafkaSource(engine, context(topic, deadLetters, "publish", 0, 1)))
        {
            workUntil(source, () -> source.nextOffset(0) == 5 && source.nextOffset(1) == 3, TIMEOUT, "both partitions read");
            engine.awaitApplied(8, 10, TimeUnit.SECONDS);
            assertEquals(8, source.published());
        }
        final List<AppliedListener.Applied> events = applied.applied();
        assertEquals(8, events.size());
        assertOffsetsInOrder(events, SourceIds.of(topic, 0), 0, 5);
        assertOffsetsInOrder(events, SourceIds.of(topic, 1), 0, 3);
        final long p0 = SourceIds.of(topic, 0);
        assertEquals(0, events.stream().filter((e) -> e.sourceId() == p0 && e.sourceSequence() == 3)
            .findFirst().orElseThrow().correlationId() - 3, "without a correlation header, the offset is the correlation id");
    }

    @Test
    void shouldResumeAfterWhatTheJournalHoldsNotAfterWhatWasCommittedToKafka() throws Exception
    {
        final String topic = broker.createTopic(TestBroker.uniqueName("commands"), 1);
        final String deadLetters = broker.createTopic(TestBroker.uniqueName("dead"), 1);
        produce(topic, 0, 10);
        final InMemoryJournal journal = new InMemoryJournal(256);
        try (Engine engine = launch(journal, new AppliedListener());
            KafkaSource source = new KafkaSource(engine, context(topic, deadLetters, "resume", 0)))
        {
            workUntil(source, () -> source.nextOffset(0) == 10, TIMEOUT, "first ten read");
            engine.awaitApplied(10, 10, TimeUnit.SECONDS);
        }
        // A committed offset that disagrees with the journal, as a crash between the two would leave.
        commitGroupOffset("resume", new TopicPartition(topic, 0), 3);
        produce(topic, 10, 5);

        final AppliedListener applied = new AppliedListener();
        try (Engine engine = launch(journal, applied);
            KafkaSource source = new KafkaSource(engine, context(topic, deadLetters, "resume", 0)))
        {
            assertEquals(9, engine.recoveredSourceSequence(SourceIds.of(topic, 0)), "the dedup table is the offset store");
            assertEquals(10, source.nextOffset(0), "seeks to the last applied offset + 1");
            workUntil(source, () -> source.nextOffset(0) == 15, TIMEOUT, "the five new records read");
            engine.awaitApplied(15, 10, TimeUnit.SECONDS);
            assertEquals(0, engine.metrics().duplicates(), "nothing applied twice, nothing even offered twice");
        }
        final List<AppliedListener.Applied> events = applied.applied();
        assertEquals(5, events.size());
        assertOffsetsInOrder(events, SourceIds.of(topic, 0), 10, 15);
        long expected = 0;
        for (int i = 0; i < 15; i++)
        {
            expected += i;
        }
        assertEquals(expected, events.get(4).value(), "the running total covers every record once");
    }

    @Test
    void shouldCountACommitMarkerAndAnAbortedTransactionAsReadSoACaughtUpEngineIsCaughtUp() throws Exception
    {
        final String topic = broker.createTopic(TestBroker.uniqueName("commands"), 1);
        final String deadLetters = broker.createTopic(TestBroker.uniqueName("dead"), 1);
        final Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, TestBroker.uniqueName("feeder"));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
            new ByteArraySerializer()))
        {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(add(topic, 0, 1));                 // 0
            producer.send(add(topic, 0, 2));                 // 1
            producer.commitTransaction();                    // 2: the commit marker
            producer.beginTransaction();
            producer.send(add(topic, 0, 100));               // 3: aborted
            producer.flush();                                // (in the log before the abort, not dropped unsent)
            producer.abortTransaction();                     // 4: the abort marker
        }
        final long end = 5;   // two records, a commit marker, an aborted record and its marker (written soon after)
        final AppliedListener applied = new AppliedListener();
        try (Engine engine = launch(new InMemoryJournal(256), applied);
            KafkaSource source = new KafkaSource(engine, context(topic, deadLetters, "markers", 0)))
        {
            // It used to stop at the last record it was given + 1 (2), and an engine run until caught up never was.
            workUntil(source, () -> source.nextOffset(0) == end, TIMEOUT, "read past the markers to the end");
            engine.awaitApplied(2, 10, TimeUnit.SECONDS);
            assertEquals(2, source.published(), "the aborted record is not a command");
        }
        assertEquals(List.of(1L, 3L), applied.applied().stream().map(AppliedListener.Applied::value).toList());
    }

    @Test
    void shouldSendARecordThatIsNotACommandToTheDeadLetterTopicOnceWithItsReason() throws Exception
    {
        final String topic = broker.createTopic(TestBroker.uniqueName("commands"), 1);
        final String deadLetters = broker.createTopic(TestBroker.uniqueName("dead"), 1);
        try (KafkaProducer<byte[], byte[]> producer = broker.producer())
        {
            producer.send(add(topic, 0, 1));                                                 // 0
            producer.send(new ProducerRecord<>(topic, 0, null, Records.longValue(7)));       // 1: no type header
            producer.send(add(topic, 0, 2));                                                 // 2
            producer.send(withType(topic, "abc"));                                           // 3: not a number
            producer.send(add(topic, 0, 3));                                                 // 4
            producer.send(withType(topic, "-5"));                                            // 5: negative type
            producer.send(new ProducerRecord<>(topic, 0, (byte[])null, new byte[300], add(topic, 0, 0).headers())); // 6: too long
            producer.send(add(topic, 0, 4));                                                 // 7
        }
        final AppliedListener applied = new AppliedListener();
        try (Engine engine = launch(new InMemoryJournal(256), applied);
            KafkaSource source = new KafkaSource(engine, context(topic, deadLetters, "dead", 0)))
        {
            workUntil(source, () -> source.nextOffset(0) == 8, TIMEOUT, "all eight records read");
            engine.awaitApplied(4, 10, TimeUnit.SECONDS);
            assertEquals(4, source.deadLettered());
        }
        assertEquals(List.of(1L, 3L, 6L, 10L), applied.applied().stream().map(AppliedListener.Applied::value).toList(),
            "the good records are applied, in order, around the bad ones");

        final List<ConsumerRecord<byte[], byte[]>> dead = broker.readAll(deadLetters).get(0);
        assertEquals(4, dead.size());
        assertEquals(List.of(1L, 3L, 5L, 6L), dead.stream()
            .map((r) -> KafkaHeaders.number(r.headers(), KafkaHeaders.DEAD_LETTER_OFFSET, -1)).toList());
        assertEquals("no ringlog.type header", KafkaHeaders.text(dead.get(0).headers(), KafkaHeaders.DEAD_LETTER_REASON));
        assertEquals("ringlog.type is not a command type (0 or more): 'abc'",
            KafkaHeaders.text(dead.get(1).headers(), KafkaHeaders.DEAD_LETTER_REASON));
        assertEquals("ringlog.type is not a command type (0 or more): '-5'",
            KafkaHeaders.text(dead.get(2).headers(), KafkaHeaders.DEAD_LETTER_REASON));
        assertEquals("payload of 300 bytes exceeds maxPayloadLength 256",
            KafkaHeaders.text(dead.get(3).headers(), KafkaHeaders.DEAD_LETTER_REASON));
        assertEquals(topic, KafkaHeaders.text(dead.get(0).headers(), KafkaHeaders.DEAD_LETTER_TOPIC));
        assertArrayEquals(Records.longValue(7), dead.get(0).value(), "a dead letter keeps the record's value");

        // A source that starts over (an engine with an empty journal) reads every record again: the good ones
        // go to its engine, the bad ones are known to be dead-lettered already.
        try (Engine engine = launch(new InMemoryJournal(256), new AppliedListener());
            KafkaSource source = new KafkaSource(engine, context(topic, deadLetters, "dead", 0)))
        {
            workUntil(source, () -> source.nextOffset(0) == 8, TIMEOUT, "all eight records read again");
            assertEquals(4, source.published());
            assertEquals(4, source.seenAgain());
            assertEquals(0, source.deadLettered());
        }
        assertEquals(4, broker.readAll(deadLetters).get(0).size(), "no dead letter twice");
    }

    /**
     * Probe (Kafka operator): records deleted past the offset an engine goes on from (retention, deleteRecords)
     * stopped it with Kafka's "Fetch position FetchPosition{offset=4316, ...} is out of range". It still stops
     * (it never passes over commands on its own), and says what happened and what to do.
     */
    @Test
    void shouldSayInWordsThatThePartitionNoLongerHoldsWhereItGoesOn() throws Exception
    {
        final String topic = broker.createTopic(TestBroker.uniqueName("commands"), 1);
        final String deadLetters = broker.createTopic(TestBroker.uniqueName("dead"), 1);
        produce(topic, 0, 5);
        final InMemoryJournal journal = new InMemoryJournal(256);
        try (Engine engine = launch(journal, new AppliedListener());
            KafkaSource source = new KafkaSource(engine, context(topic, deadLetters, "gone", 0)))
        {
            workUntil(source, () -> source.nextOffset(0) == 5, TIMEOUT, "five read");
            engine.awaitApplied(5, 10, TimeUnit.SECONDS);
        }
        produce(topic, 5, 5);
        broker.deleteRecordsBefore(topic, 0, 8);
        try (Engine engine = launch(journal, new AppliedListener());
            KafkaSource source = new KafkaSource(engine, context(topic, deadLetters, "gone", 0)))
        {
            final String said = stopped(source);
            assertTrue(said.startsWith(topic + "-0 no longer holds offset 5, where this engine goes on (its journal " +
                "holds the partition's commands before it): the records from there were deleted (retention, " +
                "deleteRecords) or the topic was deleted and made again. Any commands in them were never applied " +
                "here"), said);
            assertEquals(5, engine.metrics().lastAppliedPosition(), "nothing passed over");
        }
    }

    /**
     * Reviewer's finding: a partition whose last records were dead letters, deleted by retention while the engine
     * was down, stopped the source at every start, saying the commands in them were never applied. They were not
     * commands: it goes on past them, and the next command is applied.
     */
    @Test
    void shouldGoOnPastDeadLettersThatRetentionDeleted() throws Exception
    {
        final String topic = broker.createTopic(TestBroker.uniqueName("commands"), 1);
        final String deadLetters = broker.createTopic(TestBroker.uniqueName("dead"), 1);
        produce(topic, 0, 3);                                                                   // 0..2
        try (KafkaProducer<byte[], byte[]> producer = broker.producer())
        {
            producer.send(withType(topic, "abc"));                                              // 3
            producer.send(withType(topic, "-5"));                                               // 4
        }
        final InMemoryJournal journal = new InMemoryJournal(256);
        try (Engine engine = launch(journal, new AppliedListener());
            KafkaSource source = new KafkaSource(engine, context(topic, deadLetters, "trailing", 0)))
        {
            workUntil(source, () -> source.nextOffset(0) == 5, TIMEOUT, "five read");
            engine.awaitApplied(3, 10, TimeUnit.SECONDS);
            assertEquals(2, source.deadLettered());
        }
        broker.deleteRecordsBefore(topic, 0, 5);
        produce(topic, 5, 1);                                                                   // 5
        final AppliedListener applied = new AppliedListener();
        try (Engine engine = launch(journal, applied);
            KafkaSource source = new KafkaSource(engine, context(topic, deadLetters, "trailing", 0)))
        {
            workUntil(source, () -> !applied.applied().isEmpty(), TIMEOUT, "the command after the dead letters applied");
            assertEquals(1, source.published());
            assertEquals(0, source.deadLettered());
            assertEquals(List.of(5L), applied.applied().stream().map(AppliedListener.Applied::sourceSequence).toList(),
                "offset 5 applied, and nothing before it again");
        }
        assertEquals(2, broker.readAll(deadLetters).get(0).size(), "no dead letter twice");
    }

    /** But where a deleted record among dead letters was a command never applied, it still stops and says so. */
    @Test
    void shouldStillStopWhereADeletedRecordAmongDeadLettersWasACommandNeverApplied() throws Exception
    {
        final String topic = broker.createTopic(TestBroker.uniqueName("commands"), 1);
        final String deadLetters = broker.createTopic(TestBroker.uniqueName("dead"), 1);
        produce(topic, 0, 3);                                                                   // 0..2
        final InMemoryJournal journal = new InMemoryJournal(256);
        try (Engine engine = launch(journal, new AppliedListener());
            KafkaSource source = new KafkaSource(engine, context(topic, deadLetters, "among", 0)))
        {
            workUntil(source, () -> source.nextOffset(0) == 3, TIMEOUT, "three read");
            engine.awaitApplied(3, 10, TimeUnit.SECONDS);
        }
        try (KafkaProducer<byte[], byte[]> producer = broker.producer())
        {
            producer.send(withType(topic, "abc"));                                              // 3
            producer.send(add(topic, 0, 4));                                                    // 4: never applied
            producer.send(withType(topic, "-5"));                                               // 5
        }
        // Another engine, from an empty journal, reads them all and dead-letters 3 and 5; then 0..5 are deleted.
        try (Engine engine = launch(new InMemoryJournal(256), new AppliedListener());
            KafkaSource source = new KafkaSource(engine, context(topic, deadLetters, "among-other", 0)))
        {
            workUntil(source, () -> source.nextOffset(0) == 6, TIMEOUT, "six read");
            assertEquals(2, source.deadLettered());
        }
        broker.deleteRecordsBefore(topic, 0, 6);
        try (Engine engine = launch(journal, new AppliedListener());
            KafkaSource source = new KafkaSource(engine, context(topic, deadLetters, "among", 0)))
        {
            final String said = stopped(source);
            assertTrue(said.startsWith(topic + "-0 no longer holds offset 3, where this engine goes on"), said);
            assertEquals(3, engine.metrics().lastAppliedPosition(), "nothing passed over");
        }
    }

    /**
     * Probe (Kafka operator): a record larger than a dead letter may be (2 MB in a commands topic that takes
     * 3 MB) made the dead-letter send fail, the source stop with "Cannot execute transactional method because
     * we are in an error state", and every restart meet the same record: the partition stopped for good. The
     * dead letter now keeps the first bytes of the value that fit, says so, and the partition goes on.
     */
    @Test
    void shouldDeadLetterTheStartOfARecordTooLargeToDeadLetterWholeAndGoOn() throws Exception
    {
        final String topic = broker.createTopic(TestBroker.uniqueName("commands"), 1,
            Map.of("max.message.bytes", Integer.toString(3 << 20)));
        final String deadLetters = broker.createTopic(TestBroker.uniqueName("dead"), 1);
        final Map<String, Object> properties = broker.clientProperties();
        properties.put(org.apache.kafka.clients.producer.ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 3 << 20);
        final byte[] huge = new byte[2_000_000];
        huge[0] = 42;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties,
            new org.apache.kafka.common.serialization.ByteArraySerializer(),
            new org.apache.kafka.common.serialization.ByteArraySerializer()))
        {
            producer.send(add(topic, 0, 1));                                                      // 0
            producer.send(new ProducerRecord<>(topic, 0, (byte[])null, huge, add(topic, 0, 0).headers())); // 1
            producer.send(add(topic, 0, 2));                                                      // 2
        }
        final AppliedListener applied = new AppliedListener();
        try (Engine engine = launch(new InMemoryJournal(256), applied);
            KafkaSource source = new KafkaSource(engine, context(topic, deadLetters, "huge", 0)))
        {
            workUntil(source, () -> source.nextOffset(0) == 3, TIMEOUT, "all three records read");
            engine.awaitApplied(2, 10, TimeUnit.SECONDS);
            assertEquals(1, source.deadLettered());
        }
        assertEquals(List.of(1L, 3L), applied.applied().stream().map(AppliedListener.Applied::value).toList());
        final List<ConsumerRecord<byte[], byte[]>> dead = broker.readAll(deadLetters).get(0);
        assertEquals(1, dead.size());
        final String reason = KafkaHeaders.text(dead.get(0).headers(), KafkaHeaders.DEAD_LETTER_REASON);
        assertTrue(reason.startsWith("payload of 2000000 bytes exceeds maxPayloadLength 256; the dead letter keeps the " +
            "first ") && reason.contains(" of its value's 2000000 bytes"), reason);
        assertEquals(2_000_000, KafkaHeaders.number(dead.get(0).headers(), KafkaHeaders.DEAD_LETTER_VALUE_LENGTH, -1));
        assertTrue(dead.get(0).value().length > 900_000 && dead.get(0).value().length < 1 << 20,
            "as much as fits: " + dead.get(0).value().length);
        assertEquals(42, dead.get(0).value()[0]);
    }

    /**
     * A dead letter the topic holds only as an aborted record after its last committed one: a killed source's, or a
     * hanging transaction's that a start aborted, which the source may have taken for committed. Its command lies
     * before what the journal holds, so the source never reads it again: the start sends it again, once.
     */
    @Test
    void shouldSendAgainADeadLetterTheTopicHoldsOnlyAborted() throws Exception
    {
        final String topic = broker.createTopic(TestBroker.uniqueName("commands"), 1);
        final String first = broker.createTopic(TestBroker.uniqueName("dead"), 1);
        final String lacking = broker.createTopic(TestBroker.uniqueName("dead"), 1);
        try (KafkaProducer<byte[], byte[]> producer = broker.producer())
        {
            producer.send(add(topic, 0, 1));                                                 // 0
            producer.send(new ProducerRecord<>(topic, 0, null, Records.longValue(7)));       // 1: no type header
            producer.send(add(topic, 0, 2));                                                 // 2
        }
        final InMemoryJournal journal = new InMemoryJournal(256);
        try (Engine engine = launch(journal, new AppliedListener());
            KafkaSource source = new KafkaSource(engine, context(topic, first, "again", 0)))
        {
            workUntil(source, () -> source.nextOffset(0) == 3, TIMEOUT, "all three records read");
            engine.awaitApplied(2, 10, TimeUnit.SECONDS);
        }
        final ConsumerRecord<byte[], byte[]> deadLetter = broker.readAll(first).get(0).get(0);
        final Map<String, Object> properties = broker.clientProperties();
        properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "aborting-" + lacking);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(),
            new ByteArraySerializer()))
        {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(lacking, 0, deadLetter.key(), deadLetter.value(), deadLetter.headers()));
            producer.flush();
            producer.abortTransaction();
        }
        for (int start = 1; start <= 2; start++)
        {
            try (Engine engine = launch(journal, new AppliedListener());
                KafkaSource source = new KafkaSource(engine, context(topic, lacking, "again", 0)))
            {
                assertEquals(3, source.nextOffset(0), "it resumes after what the journal holds");
            }
            final List<ConsumerRecord<byte[], byte[]>> dead = broker.readAll(lacking).get(0);
            assertEquals(List.of(1L), dead.stream().map((r) -> KafkaHeaders.number(r.headers(), KafkaHeaders.DEAD_LETTER_OFFSET,
                -1)).toList(), "start " + start + ": the dead letter of offset 1, committed once");
            assertEquals("no ringlog.type header", KafkaHeaders.text(dead.get(0).headers(), KafkaHeaders.DEAD_LETTER_REASON));
        }
    }

    @Test
    void shouldRefuseADeadLetterTopicWithFewerPartitionsThanItNeeds() throws Exception
    {
        final String topic = broker.createTopic(TestBroker.uniqueName("commands"), 2);
        final String deadLetters = broker.createTopic(TestBroker.uniqueName("dead"), 1);
        try (Engine engine = launch(new InMemoryJournal(256), new AppliedListener()))
        {
            final IllegalStateException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> new KafkaSource(engine, context(topic, deadLetters, "narrow", 1)));
            assertTrue(refused.getMessage().contains("has 1 partitions"), refused.getMessage());
        }
    }

    @Test
    void shouldCheckItsTopicsWithoutAnEngineSoAHostCanRefuseBeforeLaunching() throws Exception
    {
        final String topic = broker.createTopic(TestBroker.uniqueName("commands"), 2);
        final String deadLetters = broker.createTopic(TestBroker.uniqueName("dead"), 1);
        final String wide = broker.createTopic(TestBroker.uniqueName("dead"), 2);
        final IllegalStateException missing = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
            () -> KafkaSource.checkTopics(context("no-such-" + topic, wide, "check", 0)));
        assertTrue(missing.getMessage().contains("topic no-such-" + topic + " does not exist"), missing.getMessage());
        final IllegalArgumentException partition = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> KafkaSource.checkTopics(context(topic, wide, "check", 2)));
        assertEquals(topic + " has 2 partitions; there is no partition 2", partition.getMessage());
        final IllegalStateException narrow = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
            () -> KafkaSource.checkTopics(context(topic, deadLetters, "check", 1)));
        assertTrue(narrow.getMessage().contains("has 1 partitions"), narrow.getMessage());
        KafkaSource.checkTopics(context(topic, wide, "check", 0, 1));
    }

    private static ProducerRecord<byte[], byte[]> withType(final String topic, final String type)
    {
        final RecordHeaders headers = new RecordHeaders();
        headers.add(KafkaHeaders.TYPE, Records.text(type));
        return new ProducerRecord<>(topic, 0, (byte[])null, Records.longValue(9), headers);
    }

    /**
     * A reviewer's findings: a maxBatch above the engine's ring failed the source under load, and a maxPayloadLength
     * above the engine's stopped the partition at every start on a record the source passed and the engine refused.
     * Both are refused when the source is made, in words.
     */
    @Test
    void shouldRefuseABatchOrPayloadLimitTheEngineCannotTake()
    {
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .ringSize(64).maxPayloadLength(16)))
        {
            final IllegalArgumentException batch = assertThrows(IllegalArgumentException.class, () ->
                new KafkaSource(engine, context("t", "t-dlq", "batch", 0).maxPayloadLength(16)));
            assertEquals("maxBatch 512 is more than the engine's ringSize 64: a poll that large would not fit in one " +
                "claim. Give maxBatch at most the ring size", batch.getMessage());
            final IllegalArgumentException payload = assertThrows(IllegalArgumentException.class, () ->
                new KafkaSource(engine, context("t", "t-dlq", "payload", 0).maxBatch(64)));
            assertTrue(payload.getMessage().startsWith("maxPayloadLength 256 is more than the engine's, 16"),
                payload.getMessage());
        }
    }

    private static Engine launch(final InMemoryJournal journal, final AppliedListener listener)
    {
        return Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine()).journal(journal)
            .listener("applied", listener));
    }

    private static KafkaSource.Context context(final String topic, final String deadLetters, final String name,
        final int... partitions)
    {
        return new KafkaSource.Context().name(name + "-" + topic).bootstrapServers(broker.bootstrapServers()).topic(topic)
            .partitions(partitions).deadLetterTopic(deadLetters);
    }

    /** Works the source until it stops, as it must, and returns why, in its words. */
    private static String stopped(final KafkaSource source)
    {
        return assertThrows(org.agrona.concurrent.AgentTerminationException.class,
            () -> workUntil(source, () -> false, TIMEOUT, "the source to stop")).getCause().getMessage();
    }

    private static void produce(final String topic, final long from, final int count)
    {
        try (KafkaProducer<byte[], byte[]> producer = broker.producer())
        {
            for (int i = 0; i < count; i++)
            {
                producer.send(add(topic, 0, from + i));
            }
        }
    }

    private static void commitGroupOffset(final String name, final TopicPartition partition, final long offset)
    {
        final Map<String, Object> properties = broker.clientProperties();
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, name + "-" + partition.topic());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(),
            new ByteArrayDeserializer()))
        {
            consumer.assign(List.of(partition));
            consumer.commitSync(Map.of(partition, new OffsetAndMetadata(offset)));
        }
    }

    private static void assertOffsetsInOrder(final List<AppliedListener.Applied> events, final long sourceId,
        final long from, final long to)
    {
        final List<Long> offsets = events.stream().filter((e) -> e.sourceId() == sourceId)
            .map(AppliedListener.Applied::sourceSequence).toList();
        assertEquals(java.util.stream.LongStream.range(from, to).boxed().toList(), offsets,
            "partition " + SourceIds.partition(sourceId) + ": every offset once, in order");
    }
}
