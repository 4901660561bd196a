package io.ringlog.exchange.kafka;

import io.ringlog.exchange.cli.ExchangeCli;
import io.ringlog.exchange.codec.CommandEncoder;
import io.ringlog.exchange.codec.CommandTypes;
import io.ringlog.exchange.codec.command.CancelOrderCommandEncoder;
import io.ringlog.kafka.KafkaHeaders;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import java.nio.charset.StandardCharsets;
import io.ringlog.exchange.kafka.cli.ExchangeKafkaCli;
import io.ringlog.exchange.text.CommandTextWriter;
import io.ringlog.exchange.workload.WorkloadGenerator;
import io.ringlog.kafka.TestBroker;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kafka command lines as scripts use them, against a real broker: topics, feed, two engines,
 * tail, and books and balances read back from the events topics, which must say what the engines'
 * journals say when replayed by the exchange's own command line.
 */
@ExtendWith(TestBroker.Resolver.class)
class ExchangeKafkaCliTest
{
    /** What a command printed and its exit code. */
    private record Result(int code, String out, String err)
    {
        String value(final String key)
        {
            for (final String line : out.split("\n"))
            {
                if (line.startsWith(key + ": "))
                {
                    return line.substring(key.length() + 2);
                }
            }
            throw new AssertionError("no '" + key + ":' in\n" + out + err);
        }

        Result ok()
        {
            assertEquals(0, code, out + err);
            return this;
        }
    }

    @Test
    void shouldFeedRunTailAndReadBackWhatTheJournalsSay(final TestBroker broker, @TempDir final Path dir) throws Exception
    {
        final String prefix = TestBroker.uniqueName("cli");
        final String[] kafka = {"-b", broker.bootstrapServers(), "--commands-topic", prefix + ".commands",
            "--dead-letter-topic", prefix + ".dead", "--events-prefix", prefix + ".events."};
        final Path commands = dir.resolve("commands.txt");
        try (Writer writer = Files.newBufferedWriter(commands))
        {
            new WorkloadGenerator(Workloads.small(9, 3_000)).generate(new CommandTextWriter(writer)::write);
        }

        final Result topics = kafka(kafka, "topics", "--partitions", "2").ok();
        assertTrue(topics.out().contains("topic: " + prefix + ".events.p0 partitions=3 created"), topics.out());
        assertTrue(kafka(kafka, "topics", "--partitions", "2").ok().out().contains("exists"), "a second run changes nothing");
        final Result more = kafka(kafka, "topics", "--partitions", "3");
        assertEquals(1, more.code(), more.out() + more.err());
        assertTrue(more.err().contains(prefix + ".commands exists with 2 partitions, not 3: nothing was created"), more.err());
        assertTrue(!more.out().contains(".events.p2"), "no events topic for a commands partition that does not exist");
        final Result missing = kafka(kafka, "engine", "-p", "2", "-d", dir.resolve("journal-2").toString(), "--until-caught-up");
        assertEquals(1, missing.code(), missing.out() + missing.err());
        assertTrue(missing.err().contains(prefix + ".commands has 2 partitions; there is no partition 2"),
            "said, not waited out as a broker that does not answer: " + missing.err());
        assertFalse(Files.exists(dir.resolve("journal-2")), "a refused start leaves no journal where there was none");
        // A topic that does not exist, on a broker that answers: as the README says it (a reviewer met "has 0 partitions").
        final Result noTopic = kafka(new String[]{"-b", broker.bootstrapServers(), "--commands-topic", prefix + ".nosuch",
            "--dead-letter-topic", prefix + ".dead", "--events-prefix", prefix + ".events."}, "engine", "-p", "0", "-d",
            dir.resolve("journal-none").toString(), "--until-caught-up");
        assertEquals(1, noTopic.code(), noTopic.out() + noTopic.err());
        assertTrue(noTopic.err().contains("topic " + prefix + ".nosuch does not exist (or has no partitions); create it " +
            "first"), noTopic.err());
        // A journal 'exchange run' wrote is not taken over: its history would go into the events topic.
        final Path ran = dir.resolve("ran");
        assertEquals(0, exchange("run", "-i", commands.toString(), "-d", ran.toString()).code());
        final Result foreign = kafka(kafka, "engine", "-p", "0", "-d", ran.toString(), "--until-caught-up");
        assertEquals(1, foreign.code(), foreign.out() + foreign.err());
        assertTrue(foreign.err().contains("the journal in " + ran + " was not written by an engine of " + prefix +
            ".commands: its first command (position 2) came from no source (a file 'exchange run' read, say)"),
            foreign.err());
        assertTrue(kafka(kafka, "tail", "--until-end").ok().out().lines().noneMatch((line) ->
            line.startsWith(prefix + ".events.")), "nothing published");

        final Result feed = kafka(kafka, "feed", "-i", commands.toString(), "--malformed-every", "1000").ok();
        final long fed = Long.parseLong(feed.value("commands"));
        final long injected = Long.parseLong(feed.value("injected-malformed"));
        assertEquals(fed / 1000, injected, "one record that is not a command after every 1,000");
        assertTrue(Long.parseLong(feed.value("records")) > fed, "deposits went to both partitions");

        long published = 0;
        long deadLettered = 0;
        for (final String partition : List.of("0", "1"))
        {
            // Partition 1's engine preallocates its journal, as a service started for the day would.
            final Result engine = kafka(kafka, "engine", "-p", partition, "-d", dir.resolve("journal-" + partition).toString(),
                "--until-caught-up", "--journal-preallocate", "1".equals(partition) ? "16m" : "0").ok();
            assertEquals("position 0 index -1 (the events topic holds none of this engine's events yet: every event is " +
                "published from the first)", engine.value("events-resume-after"), "a new engine, an empty topic");
            published += Long.parseLong(engine.value("published"));
            deadLettered += Long.parseLong(engine.value("dead-lettered"));
            assertEquals(Long.parseLong(engine.value("published")) + 1, Long.parseLong(engine.value("last-position")),
                "the exchange's settings at position 1, then every command from Kafka");

            if ("1".equals(partition))
            {
                try (java.util.stream.Stream<Path> files = Files.list(dir.resolve("journal-1")))
                {
                    final Path cycle = files.filter((file) -> file.toString().endsWith(".cq4")).findFirst().orElseThrow();
                    // Its length says nothing (Chronicle's file is sparse past its data); its blocks on disk do.
                    assertTrue(io.ringlog.core.testing.DiskBlocks.allocatedBytes(cycle) >= 16 << 20, cycle + " holds " +
                        "the 16 MiB: " + io.ringlog.core.testing.DiskBlocks.allocatedBytes(cycle));
                }
            }
            final Result replay = exchange("replay", "-d", dir.resolve("journal-" + partition).toString());
            assertEquals(engine.value("state-hash"), replay.value("state-hash"),
                "the exchange's own replay of the Kafka engine's journal gets to the same state");
        }
        assertEquals(Long.parseLong(feed.value("records")) - injected, published, "every record that is a command, once");
        assertEquals(injected, deadLettered);

        // Partition 0's journal given to partition 1's engine (a slip of -p or -d): refused before it publishes.
        final long p1Events = kafka(kafka, "tail", "--until-end").ok().out().lines()
            .filter((line) -> line.startsWith(prefix + ".events.p1 ")).count();
        final Result swapped = kafka(kafka, "engine", "-p", "1", "-d", dir.resolve("journal-0").toString(),
            "--until-caught-up");
        assertEquals(1, swapped.code(), swapped.out() + swapped.err());
        assertTrue(swapped.err().contains("the journal in " + dir.resolve("journal-0") + " holds the commands of " +
            "partition 0 of " + prefix + ".commands (its first command, position 2, came from there), and this engine " +
            "is for partition 1"), swapped.err());
        assertEquals(p1Events, kafka(kafka, "tail", "--until-end").ok().out().lines()
            .filter((line) -> line.startsWith(prefix + ".events.p1 ")).count(), "nothing more published to p1");
        // Partition 0's engine restarted with another list of partitions: its journal holds partition 0's commands only.
        final Result widened = kafka(kafka, "engine", "-p", "0,1", "-d", dir.resolve("journal-0").toString(),
            "--until-caught-up");
        assertEquals(1, widened.code(), widened.out() + widened.err());
        assertTrue(widened.err().contains("the journal in " + dir.resolve("journal-0") + " was written by the engine of " +
            "partition 0 of " + prefix + ".commands, and this one is for partitions 0,1 of " + prefix + ".commands: an " +
            "engine keeps the partitions it started with") && widened.err().contains("Run it with -p 0, or give this " +
            "one a journal directory of its own (-d)"), widened.err());
        // Partition 0's journal given to an engine of another commands topic: named as another topic's partition 0.
        final String another = TestBroker.uniqueName("other");
        final String[] otherKafka = {"-b", broker.bootstrapServers(), "--commands-topic", another + ".commands",
            "--dead-letter-topic", another + ".dead", "--events-prefix", another + ".events."};
        kafka(otherKafka, "topics", "--partitions", "1").ok();
        final Result elsewhere = kafka(otherKafka, "engine", "-p", "0", "-d", dir.resolve("journal-0").toString(),
            "--until-caught-up");
        assertEquals(1, elsewhere.code(), elsewhere.out() + elsewhere.err());
        assertTrue(elsewhere.err().contains("was not written by an engine of " + another + ".commands: its first command " +
            "(position 2) came from partition 0 of another commands topic (source id ") &&
            elsewhere.err().contains("or the --commands-topic it was written from"), elsewhere.err());
        // A journal lost (an empty directory) under an events topic that goes further: refused, with the way out.
        final Result lost = kafka(kafka, "engine", "-p", "1", "-d", dir.resolve("journal-lost").toString(),
            "--until-caught-up");
        assertEquals(1, lost.code(), lost.out() + lost.err());
        assertTrue(lost.err().contains(prefix + ".events.p1 holds events up to position ") && lost.err().contains(
            "refusing to resume. To go on: restore the journal that wrote " + prefix + ".events.p1; or rebuild from the " +
            "commands topic, which holds every command, with a new journal directory (-d), a new events topic " +
            "(--events-topic) and a --name of its own"), lost.err());

        final Result tail = kafka(kafka, "tail", "--until-end").ok();
        assertTrue(tail.out().lines().anyMatch((line) -> line.startsWith(prefix + ".events.p0 pos=2 ev=0 instrument sym=")),
            "lines name their topic when there are two (position 1 is the exchange's settings, which make no event):\n" +
                tail.out().lines().limit(3).toList());
        assertTrue(tail.out().lines().anyMatch((line) -> line.contains(" trade ")));

        // What no engine took, and why: one line per record that was not a command, where the feed put it.
        final List<String> dead = kafka(kafka, "dead-letters", "--until-end").ok().out().lines().toList();
        assertEquals(injected, dead.size(), String.join("\n", dead));
        final Pattern deadLine = Pattern.compile(Pattern.quote(prefix + ".commands-") + "([01])@[0-9]+: place " +
            "version [0-9]+ payload of 10 bytes, expected [0-9]+ \\(type [0-9]+, version [0-9]+, correlation " +
            "(-[0-9]+), 10 bytes: 00 00 00 00 00 00 00 00 00 00\\)");
        final Set<String> correlations = new HashSet<>();
        for (final String line : dead)
        {
            final Matcher matcher = deadLine.matcher(line);
            assertTrue(matcher.matches(), line);
            correlations.add(matcher.group(2));
        }
        assertTrue(correlations.contains("-1000"), "the first one came after command 1,000: " + correlations);
        assertEquals(injected, correlations.size(), "each once: " + correlations);

        for (final int symbol : new int[]{1, 2})
        {
            final String journal = dir.resolve("journal-" + (symbol % 2)).toString();
            final Result fromKafka = kafka(kafka, "book", "--symbol", Integer.toString(symbol), "--depth", "5").ok();
            final Result fromJournal = exchange("book", "-d", journal, "--symbol", Integer.toString(symbol), "--depth", "5");
            assertEquals(ladder(fromJournal.out()), ladder(fromKafka.out()), "symbol " + symbol);
            assertTrue(ladder(fromKafka.out()).size() > 3, fromKafka.out());
        }
        final Result unknown = kafka(kafka, "book", "--symbol", "99");
        assertEquals(1, unknown.code(), unknown.out() + unknown.err());
        assertTrue(unknown.err().contains("no symbol 99 in ") && unknown.err().contains("(listed: [1, 2"), unknown.err());
        final Result balances = kafka(kafka, "balances", "--account", "7").ok();
        for (final String partition : List.of("0", "1"))
        {
            final Result fromJournal = exchange("balances", "-d", dir.resolve("journal-" + partition).toString(),
                "--account", "7");
            final List<String> expected = fromJournal.out().lines().filter((l) -> l.startsWith("balance ")).toList();
            final List<String> actual = balances.out().lines()
                .filter((l) -> l.startsWith("balance topic=" + prefix + ".events.p" + partition + " "))
                .map((l) -> "balance " + l.substring(l.indexOf("acct="))).toList();
            assertEquals(expected, actual, "account 7 on engine " + partition);
            assertTrue(!expected.isEmpty());
        }

        // The feed remembers: the same file again is refused; grown, it goes on after its last line; another file
        // at the same path is refused unless --force.
        final long lines = Files.readAllLines(commands).size();
        final Result again = kafka(kafka, "feed", "-i", commands.toString());
        assertEquals(1, again.code(), again.out() + again.err());
        assertTrue(again.err().startsWith("error: " + commands + " was fed to " + prefix + ".commands whole already (" + fed +
            " commands, committed at "), again.err());
        Files.writeString(commands, "deposit acct=7 asset=1 amount=5\n", StandardOpenOption.APPEND);
        final Result grown = kafka(kafka, "feed", "-i", commands.toString());
        assertEquals(1, grown.code(), grown.out() + grown.err());
        assertTrue(grown.err().contains("was fed to " + prefix + ".commands up to line " + lines + " already") &&
            grown.err().contains("Resume: feed the same file with --from-line " + (lines + 1)), grown.err());
        final Result rest = kafka(kafka, "feed", "-i", commands.toString(), "--from-line", Long.toString(lines + 1)).ok();
        assertEquals("1", rest.value("commands"), rest.out());
        assertEquals(Long.toString(lines + 1), rest.value("committed-through-line"), rest.out());
        // Regenerated at the same path: its commands may be in the topic already, and the feed cannot tell which.
        Files.writeString(commands, "deposit acct=8 asset=1 amount=5\n");
        final Result changed = kafka(kafka, "feed", "-i", commands.toString());
        assertEquals(1, changed.code(), changed.out() + changed.err());
        assertTrue(changed.err().startsWith("error: " + commands + " was fed to " + prefix + ".commands up to line " +
            (lines + 1) + " (") && changed.err().contains("have changed since (it has 1 lines now)") &&
            changed.err().contains("If it is another file, feed it with --force"), changed.err());
        final Result other = kafka(kafka, "feed", "-i", commands.toString(), "--force").ok();
        assertTrue(other.err().startsWith("note: " + commands + " was fed to " + prefix + ".commands up to line " +
            (lines + 1)) && other.err().contains("have changed since: fed from line 1 as --force says"), other.err());
        assertEquals("1", other.value("commands"), other.out());
    }

    /**
     * A newcomer's probe: a place fed one day and its cancel fed the next, in another file. The second feed had not
     * seen the place, routed the cancel by its order id to the other engine, which rejected it, and the order stayed
     * on the book. A cancel of an order the feed did not see placed now goes to every engine: its own cancels it.
     * And a feed to a topic not made yet says so at once.
     */
    @Test
    void shouldCancelAnOrderPlacedByAnEarlierFeedAndSayATopicIsMissingAtOnce(final TestBroker broker,
        @TempDir final Path dir) throws Exception
    {
        final String prefix = TestBroker.uniqueName("later-cancel");
        final String[] kafka = topicsOf(broker, prefix);
        final Path dayA = dir.resolve("day-a.txt");
        final Path dayB = dir.resolve("day-b.txt");
        Files.writeString(dayB, "cancel oid=777 acct=1\n");
        // Fed before the topics exist: said at once (it was 60 s of silence, then Kafka's 'not present in metadata').
        final Result early = kafka(kafka, "feed", "-i", dayB.toString());
        assertEquals(1, early.code(), early.out() + early.err());
        assertTrue(early.err().startsWith("error: topic " + prefix + ".commands does not exist on " +
            broker.bootstrapServers() + ": create it first"), early.err());
        kafka(kafka, "topics", "--partitions", "2").ok();
        // Symbol 2 is partition 0's; order 777 mod 2 is partition 1.
        Files.writeString(dayA, "instrument sym=2 base=2 quote=0 tick=1 lot=1\ndeposit acct=1 asset=0 amount=100000\n" +
            "place oid=777 acct=1 sym=2 side=BUY type=GTC price=10 qty=5\n");
        kafka(kafka, "feed", "-i", dayA.toString()).ok();
        kafka(kafka, "feed", "-i", dayB.toString()).ok();
        for (int partition = 0; partition < 2; partition++)
        {
            kafka(kafka, "engine", "-p", Integer.toString(partition), "-d", dir.resolve("engine-" + partition).toString(),
                "--until-caught-up").ok();
        }
        final String events = kafka(kafka, "tail", "--until-end").ok().out();
        assertTrue(events.lines().anyMatch((line) -> line.contains(" cancelled oid=777 acct=1 sym=2 side=BUY price=10 " +
            "qty=5 reason=USER")), events);
        final Result book = kafka(kafka, "book", "--symbol", "2").ok();
        assertFalse(book.out().contains("BUY price=10"), book.out());
        // An account no engine knows is said, as 'exchange balances' says it of a journal (it printed nothing, exit 0).
        final Result unknown = kafka(kafka, "balances", "--account", "99999");
        assertEquals(1, unknown.code(), unknown.out() + unknown.err());
        assertTrue(unknown.err().startsWith("error: no account 99999 in the events topics "), unknown.err());
        assertEquals(2, kafka(kafka, "balances", "--account", "-1").code());
    }

    /**
     * A client upgraded before the engine: a command of a newer schema version on the topic. It was dead-lettered, and
     * lost for good once an older client's command behind it moved the engine's resume offset past it (a reviewer's
     * finding). The engine halts on it, exit 1, naming the version and the upgrade; it is journaled in its place, dead-
     * lettered nowhere, and a start of the same code halts there again rather than pass over it.
     */
    @Test
    void shouldHaltOnACommandOfNewerCodeAndKeepItForTheUpgradedEngine(final TestBroker broker, @TempDir final Path dir)
        throws Exception
    {
        final String prefix = TestBroker.uniqueName("newer");
        final String[] kafka = topicsOf(broker, prefix);
        kafka(kafka, "topics", "--partitions", "1").ok();
        final Path before = dir.resolve("before.txt");
        Files.writeString(before, "instrument sym=2 base=2 quote=0 tick=1 lot=1\ndeposit acct=1 asset=0 amount=100000\n" +
            "place oid=777 acct=1 sym=2 side=BUY type=GTC price=10 qty=5\n");
        kafka(kafka, "feed", "-i", before.toString()).ok();
        // A version 3 cancel, as newer code would send it: version 2's block and a field after it.
        final byte[] newer = new byte[CancelOrderCommandEncoder.BLOCK_LENGTH + 8];
        new CommandEncoder().cancel(new UnsafeBuffer(newer), 0, 777, 1);
        sendNewerThenOlder(broker, kafka, prefix, CommandTypes.CANCEL_ORDER, newer, dir);
        final Path journal = dir.resolve("engine");
        startTwiceRefused(kafka, journal, "is of schema version " + (CommandEncoder.VERSION + 1) + ", newer than this " +
            "code's (" + CommandEncoder.VERSION + ")");
        final Result dead = kafka(kafka, "dead-letters", "--until-end");
        assertFalse(dead.out().contains("cancel"), dead.out() + dead.err());
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        assertEquals(1, ExchangeCli.run(new PrintWriter(out), new PrintWriter(err), "replay", "-d", journal.toString()));
        assertTrue(err.toString().contains("recovery halted at position 5: the state machine cannot apply the " +
            "journal's command there"), err.toString());
    }

    /**
     * The same, with the newer command longer than this engine journals: it was dead-lettered by the engine's payload
     * limit before the exchange saw it, and lost (a reviewer's 72-byte version 3). The engine stops at it, taking nothing
     * from its offset on, exit 1, and a start of the same code stops there again; nothing is dead-lettered.
     */
    @Test
    void shouldStopAtACommandOfNewerCodeTooLongToJournal(final TestBroker broker, @TempDir final Path dir) throws Exception
    {
        final String prefix = TestBroker.uniqueName("newer-long");
        final String[] kafka = topicsOf(broker, prefix);
        kafka(kafka, "topics", "--partitions", "1").ok();
        final Path before = dir.resolve("before.txt");
        Files.writeString(before, "instrument sym=2 base=2 quote=0 tick=1 lot=1\ndeposit acct=1 asset=0 amount=100000\n");
        kafka(kafka, "feed", "-i", before.toString()).ok();
        final long offset = sendNewerThenOlder(broker, kafka, prefix, CommandTypes.PLACE_ORDER,
            new byte[ExchangeRecords.MAX_PAYLOAD_LENGTH + 8], dir);
        final Path journal = dir.resolve("engine");
        startTwiceRefused(kafka, journal, prefix + ".commands-0 offset " + offset + ": a command of schema version " +
            (CommandEncoder.VERSION + 1) + " (type " + CommandTypes.PLACE_ORDER + ", " +
            (ExchangeRecords.MAX_PAYLOAD_LENGTH + 8) + " bytes), newer than this code's (" + CommandEncoder.VERSION +
            ") and longer than the " + ExchangeRecords.MAX_PAYLOAD_LENGTH + " bytes this engine journals: newer code " +
            "sent it, and newer code is what can take it. This engine takes nothing from that offset on, and a start " +
            "of the same code stops there again: start it with code that takes that record");
        assertFalse(kafka(kafka, "dead-letters", "--until-end").out().contains("offset " + offset), "not dead-lettered");
        final Result replay = exchange("replay", "-d", journal.toString());
        assertEquals("3", replay.value("last-position"), "the settings and the two commands before it, nothing after");
    }

    /**
     * Sends {@code payload} to partition 0 of the commands topic as a command of {@code type} at the schema version after
     * this code's, as a client of newer code would, then feeds an older client's command behind it; returns its offset.
     */
    private static long sendNewerThenOlder(final TestBroker broker, final String[] kafka, final String prefix,
        final int type, final byte[] payload, final Path dir) throws Exception
    {
        final long offset;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(java.util.Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), new ByteArraySerializer(),
            new ByteArraySerializer()))
        {
            final RecordHeaders headers = new RecordHeaders();
            headers.add(KafkaHeaders.TYPE, Integer.toString(type).getBytes(StandardCharsets.US_ASCII));
            headers.add(KafkaHeaders.VERSION, Integer.toString(CommandEncoder.VERSION + 1)
                .getBytes(StandardCharsets.US_ASCII));
            offset = producer.send(new ProducerRecord<>(prefix + ".commands", 0, (byte[])null, payload, headers)).get()
                .offset();
        }
        final Path after = dir.resolve("after.txt");
        Files.writeString(after, "deposit acct=1 asset=0 amount=5\n");
        kafka(kafka, "feed", "-i", after.toString()).ok();
        return offset;
    }

    /** Starts partition 0's engine on {@code journal} twice: each exits 1 saying {@code said}, with no stack trace. */
    private static void startTwiceRefused(final String[] kafka, final Path journal, final String said)
    {
        for (int start = 1; start <= 2; start++)
        {
            final Result engine = kafka(kafka, "engine", "-p", "0", "-d", journal.toString(), "--until-caught-up");
            assertEquals(1, engine.code(), engine.out() + engine.err());
            assertTrue(engine.err().contains(said), engine.err());
            assertEquals(engine.err().indexOf(said), engine.err().lastIndexOf(said), "said once\n" + engine.err());
            assertFalse(engine.err().contains("\tat "), engine.err());
        }
    }

    /**
     * A reviewer's finding: a file's first feed from {@code --from-line 999999} (past its end) sent nothing and exited
     * 0, recording the file as fed whole, and the real feed was then refused as sending every line a second time;
     * a first feed from line 100 likewise left lines 1..99 unsent and refused. A first feed from a later line needs
     * {@code --force} now, and the file's feed from line 1 then sends it all.
     */
    @Test
    void shouldRefuseAFirstFeedThatSkipsLinesNoFeedSent(final TestBroker broker, @TempDir final Path dir) throws Exception
    {
        final String prefix = TestBroker.uniqueName("first-skip");
        final String[] kafka = topicsOf(broker, prefix);
        kafka(kafka, "topics", "--partitions", "1").ok();
        final Path commands = dir.resolve("day.txt");
        Files.writeString(commands, "instrument sym=2 base=2 quote=0 tick=1 lot=1\ndeposit acct=1 asset=0 amount=100000\n" +
            "place oid=1 acct=1 sym=2 side=BUY type=GTC price=10 qty=5\n");
        for (final String from : new String[] {"999999", "2"})
        {
            final Result skipping = kafka(kafka, "feed", "-i", commands.toString(), "--from-line", from);
            assertEquals(1, skipping.code(), skipping.out() + skipping.err());
            assertTrue(skipping.err().startsWith("error: no feed of " + commands + " to " + prefix + ".commands is on " +
                "record (exchange.feeds holds no mark of one), and --from-line " + from + " would skip lines 1.." +
                (Long.parseLong(from) - 1) + ", which the record would then count as fed"), skipping.err());
        }
        // With --broker-timeout 30 (a reviewer's finding: a topic's first feed with it failed with 'Failed to construct
        // kafka producer': the record of its routing had Kafka's delivery timeout below linger + request timeout).
        final Result whole = kafka(kafka, "feed", "-i", commands.toString(), "--broker-timeout", "30").ok();
        assertEquals("3", whole.value("records"), whole.out());
        assertEquals("3", whole.value("committed-through-line"), whole.out());
    }

    @Test
    void shouldRefuseACommandsTopicMadeAgainUnderItsJournal(final TestBroker broker, @TempDir final Path dir) throws Exception
    {
        final String prefix = TestBroker.uniqueName("renewed");
        final String topic = prefix + ".commands";
        final String[] kafka = topicsOf(broker, prefix);
        kafka(kafka, "topics", "--partitions", "1").ok();
        final Path[] files = twoFiles(dir, 3, 300, 5, 900);
        final Path first = files[0];
        final Path second = files[1];
        final long firstRecords = Long.parseLong(kafka(kafka, "feed", "-i", first.toString()).ok().value("records"));
        final String journal = dir.resolve("journal").toString();
        final Result fed = kafka(kafka, "engine", "-p", "0", "-d", journal, "--until-caught-up").ok();
        assertEquals(firstRecords, Long.parseLong(fed.value("published")), fed.out());
        final String oldId = topicId(broker, topic);

        // Deleted and made again under the same name, then fed anew: the new topic counts its offsets from 0.
        remake(broker, kafka, topic, 1);
        final long secondRecords = Long.parseLong(kafka(kafka, "feed", "-i", second.toString()).ok().value("records"));
        assertTrue(secondRecords > firstRecords, secondRecords + " > " + firstRecords);
        final String newId = topicId(broker, topic);

        // Before, the engine resumed at the offset after its last and passed over the new topic's first records.
        final Result refused = kafka(kafka, "engine", "-p", "0", "-d", journal, "--until-caught-up");
        assertEquals(1, refused.code(), refused.out() + refused.err());
        assertTrue(refused.err().contains("the commands topic " + topic + " is not the one the journal in " + journal +
            " was fed from: its topic id is " + newId + ", and the journal's commands came from topic id " + oldId) &&
            refused.err().contains("(its last command, position " + (firstRecords + 1) + ", was offset ") &&
            refused.err().contains("start the engine with " +
            "--accept-commands-topic-id " + newId + ".") && refused.err().contains("run an engine for the new topic " +
            "with a journal directory (-d), an events topic (--events-topic) and a --name of its own"), refused.err());
        assertFalse(refused.err().contains("\tat ") || refused.err().contains("Exception"), refused.err());
        assertEquals(Long.toString(firstRecords + 1), exchange("replay", "-d", journal).value("last-position"),
            "nothing applied");

        // Told the new topic holds the old one's records at the same offsets: it goes on after the last it applied.
        final Result accepted = kafka(kafka, "engine", "-p", "0", "-d", journal, "--until-caught-up",
            "--accept-commands-topic-id", newId).ok();
        final Matcher last = Pattern.compile("was offset ([0-9]+) of partition 0").matcher(refused.err());
        assertTrue(last.find(), refused.err());
        final long lastOffset = Long.parseLong(last.group(1));
        assertEquals(broker.readAll(topic).get(0).stream().filter((record) -> record.offset() > lastOffset).count(),
            Long.parseLong(accepted.value("published")), accepted.out());
        assertEquals(0, kafka(kafka, "engine", "-p", "0", "-d", journal, "--until-caught-up").ok().code(),
            "the new id is kept: the next start needs no flag");
    }

    @Test
    void shouldRefuseAnEventsTopicMadeAgainThatLacksTheEarlierEvents(final TestBroker broker, @TempDir final Path dir)
        throws Exception
    {
        final String prefix = TestBroker.uniqueName("events-renewed");
        final String events = prefix + ".events.p0";
        final String[] kafka = topicsOf(broker, prefix);
        kafka(kafka, "topics", "--partitions", "1").ok();
        final Path[] files = twoFiles(dir, 7, 300, 8, 300);
        final Path first = files[0];
        final Path second = files[1];
        kafka(kafka, "feed", "-i", first.toString()).ok();
        final String journal = dir.resolve("journal").toString();
        kafka(kafka, "engine", "-p", "0", "-d", journal, "--until-caught-up").ok();
        final long before = eventLines(kafka);
        assertTrue(before > 300, "events of every command: " + before);
        final String oldId = topicId(broker, events);

        // Deleted and made again under a running engine, which publishes the next commands' events into the new one.
        final String[] engineArgs = new String[kafka.length + 4];
        System.arraycopy(new String[]{"-p", "0", "-d", journal}, 0, engineArgs, 0, 4);
        System.arraycopy(kafka, 0, engineArgs, 4, kafka.length);
        try (EngineProcess running = EngineProcess.start(dir.resolve("engine.log"), engineArgs))
        {
            running.awaitOutput("running: true", Duration.ofSeconds(60));
            remake(broker, kafka, events, 3);
            kafka(kafka, "feed", "-i", second.toString()).ok();
            running.awaitWhileAlive(() -> eventLines(kafka) > 0, Duration.ofSeconds(60), "events in the new topic");
        }
        final String newId = topicId(broker, events);
        final Result refused = kafka(kafka, "engine", "-p", "0", "-d", journal, "--until-caught-up");
        assertEquals(1, refused.code(), refused.out() + refused.err());
        assertTrue(refused.err().contains("the events topic " + events + " is not the one this engine published to: " +
            "its topic id is " + newId + ", and the engine's events went to topic id " + oldId) && refused.err().contains(
            "it is not empty (its partitions end at offsets adding up to ") && refused.err().contains("start the " +
            "engine with --accept-events-topic-id " + newId + ".") && refused.err().contains("an engine started on an " +
            "empty events topic publishes every event from the first"), refused.err());
        assertFalse(refused.err().contains("Exception"), refused.err());

        // As it says: made again empty, with no engine running, the topic gets every event from the first.
        remake(broker, kafka, events, 3);
        kafka(kafka, "engine", "-p", "0", "-d", journal, "--until-caught-up").ok();
        final List<String> all = kafka(kafka, "tail", "--until-end").ok().out().lines().toList();
        assertTrue(all.size() > before && all.stream().anyMatch((line) -> line.startsWith("pos=2 ")),
            all.size() + " events, the first command's among them");
    }

    @Test
    void shouldRefuseToFeedACommandsTopicWhosePartitionsWereAdded(final TestBroker broker, @TempDir final Path dir)
        throws Exception
    {
        final String prefix = TestBroker.uniqueName("widened");
        final String topic = prefix + ".commands";
        final String[] kafka = topicsOf(broker, prefix);
        kafka(kafka, "topics", "--partitions", "2").ok();
        final Path[] files = twoFiles(dir, 3, 200, 4, 200);
        final Path first = files[0];
        final Path second = files[1];
        kafka(kafka, "feed", "-i", first.toString()).ok();
        final List<org.apache.kafka.common.TopicPartition> partitions = List.of(
            new org.apache.kafka.common.TopicPartition(topic, 0), new org.apache.kafka.common.TopicPartition(topic, 1),
            new org.apache.kafka.common.TopicPartition(topic, 2));
        try (Admin admin = Admin.create(broker.clientProperties()))
        {
            admin.createPartitions(java.util.Map.of(topic, org.apache.kafka.clients.admin.NewPartitions.increaseTo(3)))
                .all().get();
        }
        final java.util.Map<org.apache.kafka.common.TopicPartition, Long> before = broker.highWatermarks(partitions);

        // Before, the feed routed by the new count: most symbols' orders went to another partition than their book's.
        final Result widened = kafka(kafka, "feed", "-i", second.toString());
        assertEquals(1, widened.code(), widened.out() + widened.err());
        assertTrue(widened.err().startsWith("error: " + topic + " has 3 partitions, and it had 2 when it was first fed " +
            "(recorded in ") && widened.err().contains("partitions were added since. The feed sends each symbol's " +
            "commands to partition symbol mod 2, where its book's engine is") && widened.err().contains("nothing was " +
            "sent"), widened.err());
        assertEquals(before, broker.highWatermarks(partitions), "nothing sent");
    }

    /** The options naming {@code prefix}'s topics, as 'topics' makes them. */
    private static String[] topicsOf(final TestBroker broker, final String prefix)
    {
        return new String[]{"-b", broker.bootstrapServers(), "--commands-topic", prefix + ".commands",
            "--dead-letter-topic", prefix + ".dead", "--events-prefix", prefix + ".events."};
    }

    /** Two command files of the small workload, for a first feed and a later one. */
    private static Path[] twoFiles(final Path dir, final long firstSeed, final long firstCommands, final long secondSeed,
        final long secondCommands) throws Exception
    {
        final Path first = dir.resolve("first.txt");
        final Path second = dir.resolve("second.txt");
        try (Writer one = Files.newBufferedWriter(first); Writer two = Files.newBufferedWriter(second))
        {
            new WorkloadGenerator(Workloads.small(firstSeed, firstCommands)).generate(new CommandTextWriter(one)::write);
            new WorkloadGenerator(Workloads.small(secondSeed, secondCommands)).generate(new CommandTextWriter(two)::write);
        }
        return new Path[]{first, second};
    }

    /** Event lines in the one events topic. */
    private static long eventLines(final String[] kafka)
    {
        return kafka(kafka, "tail", "--until-end").ok().out().lines().filter((line) -> line.startsWith("pos=")).count();
    }

    /**
     * Deletes {@code topic} and has 'kafka topics' make it again ({@code partitions} partitions, as 'topics' makes
     * it), once the broker has let go of the old one.
     */
    private static void remake(final TestBroker broker, final String[] kafka, final String topic, final int partitions)
        throws Exception
    {
        try (Admin admin = Admin.create(broker.clientProperties()))
        {
            admin.deleteTopics(List.of(topic)).all().get();
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Result made = kafka(kafka, "topics", "--partitions", "1");
        final String created = "topic: " + topic + " partitions=" + partitions + " created";
        while (!made.out().contains(created) && System.nanoTime() < deadline)
        {
            made = kafka(kafka, "topics", "--partitions", "1");   // the broker may still be deleting the old one
        }
        assertTrue(made.out().contains(created), made.out() + made.err());
    }

    private static String topicId(final TestBroker broker, final String topic) throws Exception
    {
        try (Admin admin = Admin.create(broker.clientProperties()))
        {
            return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).topicId().toString();
        }
    }

    @Test
    void shouldExplainEverySubcommand()
    {
        for (final String command : new String[]{"broker", "topics", "feed", "engine", "tail", "dead-letters", "book",
            "balances", "bench"})
        {
            final StringWriter out = new StringWriter();
            assertEquals(0, ExchangeKafkaCli.run(new PrintWriter(out), new PrintWriter(new StringWriter()), command, "--help"));
            assertTrue(out.toString().contains("Usage: exchange kafka " + command), out.toString());
        }
        final StringWriter err = new StringWriter();
        assertEquals(2, ExchangeKafkaCli.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "engine", "-d", "x"));
        assertTrue(err.toString().startsWith("error: Missing required option"), err.toString());
    }

    /** Refused in words before anything is formatted or asked of a broker: Kafka's own refusals are stack traces or waits. */
    @Test
    void shouldRefuseAPortOrAPartitionCountNoBrokerCanUse(@TempDir final Path dir)
    {
        final Path data = dir.resolve("kafka");
        for (final String[] args : List.of(new String[]{"broker", "-d", data.toString(), "-p", "-1"},
            new String[]{"broker", "-d", data.toString(), "--controller-port", "99999"},
            new String[]{"broker", "-d", data.toString(), "-p", "9300", "--controller-port", "9300"}))
        {
            final Result refused = kafka(new String[0], args[0], Arrays.copyOfRange(args, 1, args.length));
            assertEquals(2, refused.code(), refused.out() + refused.err());
            assertTrue(refused.err().startsWith("error: ports are 1 to 65535: ") ||
                refused.err().startsWith("error: --port and --controller-port must differ: 9300"), refused.err());
            assertFalse(refused.err().contains("\tat "), refused.err());
        }
        assertFalse(Files.exists(data), "nothing formatted");
        final Result partitions = kafka(new String[]{"-b", "localhost:1"}, "topics", "--partitions", "2147483647");
        assertEquals(2, partitions.code(), partitions.out() + partitions.err());
        assertTrue(partitions.err().startsWith("error: --partitions and --events-partitions are at most 1000 here"),
            partitions.err());
    }

    /**
     * Reviewers' findings, all before a broker is asked: an engine given its commands topic as its events topic started,
     * read its own events back as commands and applied them, saying nothing; {@code topics} made one topic for commands
     * and dead letters, which the engine then refused in words that named neither; {@code --engines 0 1}, the help's
     * own example, was refused as an unmatched argument; {@code --engines 0,0} made a topic {@code ...p0-0}; and
     * {@code engine -p 0,0} exited 1 where every other usage error exits 2.
     */
    @Test
    void shouldRefuseTopicsThatAreOneAndPartitionsNamedTwice(@TempDir final Path dir)
    {
        final String[] kafka = {"-b", "localhost:1", "--commands-topic", "loop", "--dead-letter-topic", "loop.dead",
            "--events-prefix", "loop.e."};
        final Result loop = kafka(kafka, "engine", "-p", "0", "--events-topic", "loop", "-d", dir.resolve("e").toString());
        assertEquals(2, loop.code(), loop.out() + loop.err());
        assertTrue(loop.err().startsWith("error: the events topic and the commands topic are both loop: the engine would " +
            "read its own events back as commands. Give each its own topic"), loop.err());
        // The feed's marks in the commands topic: the engines dead-lettered every one (a reviewer's finding).
        final Result marks = kafka(kafka, "feed", "-i", dir.resolve("none.txt").toString(), "--feeds-topic", "loop");
        assertEquals(2, marks.code(), marks.out() + marks.err());
        assertTrue(marks.err().startsWith("error: --feeds-topic loop is the commands topic, or one Kafka takes for it"),
            marks.err());
        // Names Kafka takes for one topic ('.' and '_'): it created two topics, then refused the third (a reviewer's).
        final Result collide = kafka(new String[]{"-b", "localhost:1", "--commands-topic", "y_p0", "--dead-letter-topic",
            "y.dl", "--events-prefix", "y."}, "topics", "--engines", "0", "--partitions", "1");
        assertEquals(2, collide.code(), collide.out() + collide.err());
        assertTrue(collide.err().startsWith("error: the events topic and the commands topic are y.p0 and y_p0, which " +
            "Kafka takes for one topic"), collide.err());
        final Result dead = kafka(new String[]{"-b", "localhost:1", "--commands-topic", "x", "--dead-letter-topic", "x"},
            "topics");
        assertEquals(2, dead.code(), dead.out() + dead.err());
        assertTrue(dead.err().startsWith("error: the commands topic and the dead-letter topic are both x: dead letters " +
            "would be read back as commands"), dead.err());
        final Result twice = kafka(kafka, "topics", "--partitions", "2", "--engines", "0,0");
        assertEquals(2, twice.code(), twice.out() + twice.err());
        assertTrue(twice.err().startsWith("error: --engines: partition 0 is named twice in '0,0'"), twice.err());
        final Result shared = kafka(kafka, "topics", "--partitions", "2", "--engines", "0,1", "1");
        assertEquals(2, shared.code(), shared.out() + shared.err());
        assertTrue(shared.err().startsWith("error: --engines: partition 1 is given to two engines"), shared.err());
        final Result engineTwice = kafka(kafka, "engine", "-p", "0,0", "-d", dir.resolve("e").toString());
        assertEquals(2, engineTwice.code(), engineTwice.out() + engineTwice.err());
        assertTrue(engineTwice.err().startsWith("error: partition 0 is named twice in '0,0'"), engineTwice.err());
        // A name Kafka refuses, said before the broker is asked (it answered 'an operation on an invalid topic').
        final Result badName = kafka(new String[]{"-b", "localhost:1", "--commands-topic", "bad/name"}, "topics");
        assertEquals(2, badName.code(), badName.out() + badName.err());
        assertTrue(badName.err().startsWith("error: --commands-topic 'bad/name' does not make a Kafka topic name"),
            badName.err());
        // The help's example parses: what stops it is the broker nothing answers for.
        final Result example = kafka(kafka, "topics", "--partitions", "2", "--engines", "0", "1");
        assertEquals(1, example.code(), example.out() + example.err());
        assertTrue(example.err().startsWith("error: the broker at localhost:1 "), example.err());
        assertFalse(Files.exists(dir.resolve("e")), "no journal made");
        // A name that does not resolve: said as every other command says it (it promised to wait, then Kafka's client
        // failed at once with 'Failed to construct kafka consumer').
        final Result unknown = kafka(new String[]{"-b", "nosuchhost.invalid:9092"}, "engine", "-p", "0", "-d",
            dir.resolve("w").toString());
        assertEquals(1, unknown.code(), unknown.out() + unknown.err());
        assertTrue(unknown.err().startsWith("error: the broker at nosuchhost.invalid:9092 did not answer " +
            "(nosuchhost.invalid:9092: unknown host): is the name right?"), unknown.err());
        assertFalse(unknown.err().contains("waiting up to") || unknown.err().contains("Failed to construct"), unknown.err());
    }

    /**
     * A port another process holds: Kafka's refusal was an ERROR with its stack trace and then "Received a fatal
     * error while waiting for all of the SocketServer Acceptors to be started". It is said in words now, before
     * anything is formatted.
     */
    @Test
    void shouldRefuseAPortAnotherProcessHolds(@TempDir final Path dir) throws Exception
    {
        final Path data = dir.resolve("kafka");
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("localhost")))
        {
            final Result refused = kafka(new String[0], "broker", "-d", data.toString(), "-p",
                Integer.toString(taken.getLocalPort()), "--controller-port", Integer.toString(freePort()));
            assertEquals(1, refused.code(), refused.out() + refused.err());
            assertEquals("error: port " + taken.getLocalPort() + " on localhost is in use (another broker?): stop what " +
                "holds it, or give this one another --port", refused.err().strip());
            final Result controller = kafka(new String[0], "broker", "-d", data.toString(), "-p",
                Integer.toString(freePort()), "--controller-port", Integer.toString(taken.getLocalPort()));
            assertEquals(1, controller.code(), controller.out() + controller.err());
            assertTrue(controller.err().strip().endsWith("give this one another --controller-port"), controller.err());
        }
        assertFalse(Files.exists(data), "nothing formatted");
    }

    /**
     * A reviewer's finding: a second broker on a running one's directory was refused by Kafka's own lock only after it
     * had rewritten server.properties with its ports, rotated the first one's log and started a controller; the running
     * broker could then neither create topics nor stop. It is refused before it touches anything. The running broker is
     * played by its hold on the directory's lock.
     */
    @Test
    void shouldRefuseASecondBrokerOnADirectoryBeforeItTouchesIt(@TempDir final Path dir) throws Exception
    {
        final Path data = dir.resolve("kafka");
        Files.createDirectories(data);
        Files.writeString(data.resolve("server.properties"), "listeners=PLAINTEXT://localhost:19292\n");
        Files.writeString(data.resolve("broker.log"), "the running broker's log\n");
        try (io.ringlog.journal.ProcessFileLock running = io.ringlog.journal.ProcessFileLock.tryAcquire(
            data.resolve("broker.lock")))
        {
            final Result second = kafka(new String[0], "broker", "-d", data.toString(), "-p", Integer.toString(freePort()),
                "--controller-port", Integer.toString(freePort()));
            assertEquals(1, second.code(), second.out() + second.err());
            assertEquals("error: a broker is running on " + data + " already (it holds " + data.resolve("broker.lock") +
                "): nothing was changed. Stop it first, or give this one another -d", second.err().strip());
        }
        assertEquals("listeners=PLAINTEXT://localhost:19292\n", Files.readString(data.resolve("server.properties")));
        assertEquals("the running broker's log\n", Files.readString(data.resolve("broker.log")));
        assertFalse(Files.exists(data.resolve("broker.log.1")) || Files.exists(data.resolve("data")), "nothing moved or made");
    }

    private static int freePort() throws java.io.IOException
    {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }

    private static List<String> ladder(final String out)
    {
        return out.lines().filter((line) -> line.startsWith("book ") || line.startsWith("  ")).toList();
    }

    private static Result kafka(final String[] kafka, final String command, final String... args)
    {
        final String[] all = new String[1 + args.length + kafka.length];
        all[0] = command;
        System.arraycopy(args, 0, all, 1, args.length);
        System.arraycopy(kafka, 0, all, 1 + args.length, kafka.length);
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = ExchangeKafkaCli.run(new PrintWriter(out), new PrintWriter(err), all);
        return new Result(code, out.toString(), err.toString());
    }

    private static Result exchange(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = ExchangeCli.run(new PrintWriter(out), new PrintWriter(err), args);
        assertEquals(0, code, out + "\n" + err);
        return new Result(code, out.toString(), err.toString());
    }
}
