package io.ringlog.outside;

import io.ringlog.exchange.kafka.CommandRouter;
import io.ringlog.exchange.kafka.FeedProgress;
import io.ringlog.exchange.text.CommandFileReader;
import io.ringlog.kafka.KafkaHeaders;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code scripts/exchange kafka} as a user meets it, in the order the Kafka README gives: a local
 * broker from the Maven artifacts, topics, a many-symbol command file fed to two partitions (with
 * records that are not commands), two engines, the events as text, a book from Kafka equal to the
 * book the exchange replays from that engine's journal (so the journal is the exchange's, readable by
 * its own command line), and an account's balances on each engine from Kafka equal to its journal's.
 * The broker runs on free ports and is stopped (by its process id) at the end.
 */
class KafkaScriptsIT
{
    private static final Duration QUICK = Duration.ofMinutes(3);

    @TempDir
    static Path temp;
    private static Shell shell;
    private static Process broker;
    private static Path brokerErr;
    private static String bootstrap;

    @BeforeAll
    static void startBroker() throws Exception
    {
        final Path dir = Repository.sessionDirectory(temp);
        // Ten short JVMs on a small machine: Shell gives them C1 only and the serial collector (the broker keeps C2).
        shell = new Shell(dir, Map.of("RINGLOG_NO_BUILD", "1"));
        final int port = freePort();
        final Path out = dir.resolve("broker.out");
        brokerErr = dir.resolve("broker.err");
        final ProcessBuilder builder = new ProcessBuilder("bash", "-c", "exec scripts/exchange kafka broker -d run/kafka -p " +
            port + " --controller-port " + freePort()).directory(dir.toFile()).redirectOutput(out.toFile())
            .redirectError(dir.resolve("broker.err").toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("RINGLOG_NO_BUILD", "1");
        broker = builder.start();
        final long deadline = System.nanoTime() + QUICK.toNanos();
        while (!(Files.exists(out) && Files.readString(out).contains("bootstrap-servers: localhost:" + port)))
        {
            if (!broker.isAlive() || System.nanoTime() > deadline)
            {
                fail("the broker did not start: " + Files.readString(dir.resolve("broker.err")));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        bootstrap = " -b localhost:" + port;
    }

    @AfterAll
    static void stopBroker() throws Exception
    {
        if (broker != null)
        {
            broker.destroy();   // SIGTERM: the broker's shutdown hook stops it cleanly
            if (!broker.waitFor(60, TimeUnit.SECONDS))
            {
                broker.destroyForcibly();
            }
            // Kafka's own log goes to the broker's log file, as a broker keeps its server log: the terminal shows
            // the command's lines only (before, every start and stop warned, and a killed feed's refused requests
            // were ERRORs with stack traces).
            final String err = Files.readString(brokerErr);
            assertFalse(err.contains(" WARN ") || err.contains(" ERROR ") || err.contains("\tat "), err);
            final Path log = brokerErr.resolveSibling("run/kafka/broker.log");
            assertTrue(Files.readString(brokerErr.resolveSibling("broker.out")).contains("log: run/kafka/broker.log ("),
                Files.readString(brokerErr.resolveSibling("broker.out")));
            assertTrue(Files.readString(log).contains("QuorumController"), "the log has Kafka's lines");
            // It says how it ended (a newcomer's note: 143 and no word).
            final String out = Files.readString(brokerErr.resolveSibling("broker.out"));
            assertTrue(out.contains("\nbroker: stopping (a signal); its topics stay in ") && out.endsWith(
                "broker: stopped\n"), out);
        }
    }

    @Test
    void shouldRunTheKafkaSessionOfTheReadme() throws Exception
    {
        shell.run("scripts/exchange generate --preset many-symbols --symbols 4 --accounts 100 --commands 3_000 " +
            "--seed 5 -o run/commands.txt", QUICK).expectOk();
        final Shell.Result topics = shell.run("scripts/exchange kafka topics --partitions 2" + bootstrap, QUICK).expectOk();
        assertTrue(topics.out().contains("topic: exchange.events.p1 partitions=3 created"), topics.toString());
        final Shell.Result feed = shell.run("scripts/exchange kafka feed -i run/commands.txt --malformed-every 1_000" +
            bootstrap, QUICK).expectOk();
        final long records = Long.parseLong(feed.value("records"));
        final long injected = Long.parseLong(feed.value("injected-malformed"));

        long published = 0;
        for (final String partition : new String[]{"0", "1"})
        {
            final Shell.Result engine = shell.run("scripts/exchange kafka engine -p " + partition + " -d run/engine-" +
                partition + " --until-caught-up" + bootstrap, QUICK).expectOk();
            UserOutput.assertNoStackTrace(new Shell.Result(engine.command(), engine.code(), engine.out(), ""));
            published += Long.parseLong(engine.value("published"));
        }
        assertEquals(records - injected, published, "every command applied once; the rest dead-lettered");

        final Shell.Result tail = shell.run("scripts/exchange kafka tail --until-end" + bootstrap + " | grep -c ' trade '",
            QUICK).expectOk();
        assertTrue(Long.parseLong(tail.out().strip()) > 100, "trades in the events topics: " + tail.out());

        final Shell.Result fromKafka = shell.run("scripts/exchange kafka book --symbol 2 --depth 3" + bootstrap, QUICK)
            .expectOk();
        final Shell.Result fromJournal = shell.run("scripts/exchange book -d run/engine-0 --symbol 2 --depth 3", QUICK)
            .expectOk();
        assertEquals(ladder(fromJournal.out()), ladder(fromKafka.out()), "symbol 2 lives on engine 0 (2 mod 2)");

        final Shell.Result balances = shell.run("scripts/exchange kafka balances --account 12" + bootstrap, QUICK)
            .expectOk();
        for (final String partition : new String[]{"0", "1"})
        {
            final List<String> expected = shell.run("scripts/exchange balances -d run/engine-" + partition +
                " --account 12", QUICK).expectOk().out().lines().filter((line) -> line.startsWith("balance ")).toList();
            final List<String> actual = balances.out().lines()
                .filter((line) -> line.startsWith("balance topic=exchange.events.p" + partition + " "))
                .map((line) -> "balance " + line.substring(line.indexOf("acct="))).toList();
            assertFalse(expected.isEmpty(), "account 12 has funds on engine " + partition);
            assertEquals(expected, actual, "account 12's ledger on engine " + partition + ", from Kafka and from its journal");
        }
    }

    /**
     * A feed stopped by SIGTERM says the line to resume from; one killed with SIGKILL is refused when run
     * again, with the line to resume from; resumed from those lines, the commands topic holds every command
     * line of the file exactly once on each partition it goes to (ExchangeKafkaCliTest refuses the file fed
     * whole, grown and changed).
     */
    @Test
    void shouldResumeAFeedStoppedBySignalOrKilledExactlyWhereItStopped() throws Exception
    {
        shell.run("scripts/exchange generate --preset many-symbols --symbols 4 --accounts 100 --commands 12_000 " +
            "--seed 6 -o run/resumed.txt", QUICK).expectOk();
        final String topics = " --commands-topic resumed.commands --dead-letter-topic resumed.dead --events-prefix " +
            "resumed.events." + bootstrap;
        shell.run("scripts/exchange kafka topics --partitions 2" + topics, QUICK).expectOk();
        final String feed = "scripts/exchange kafka feed -i run/resumed.txt --rate 500" + topics;
        final String feedId = FeedProgress.feedId("resumed.commands", shell.directory().resolve("run/resumed.txt"));

        // SIGTERM part way: the feed commits what it sent and says where to go on.
        final Shell.Running first = shell.start(feed);
        awaitMark(feedId, 0);
        first.signal(false);
        final Shell.Result stopped = first.await(QUICK);
        assertEquals(128 + 15, stopped.code(), "a JVM stopped by SIGTERM, once its hook has run: " + stopped);
        UserOutput.assertNoStackTrace(stopped);
        final long stoppedAfter = Long.parseLong(stopped.value("committed-through-line"));
        assertTrue(stopped.out().contains("stopped: by a signal after line " + stoppedAfter), stopped.toString());
        assertTrue(stopped.out().contains("resume: feed the same file with --from-line " + (stoppedAfter + 1)),
            stopped.toString());

        // SIGKILL part way through the resumed feed: nothing is printed; running it again says where to go on.
        final Shell.Running second = shell.start(feed + " --from-line " + (stoppedAfter + 1));
        awaitMark(feedId, stoppedAfter + 1);
        second.signal(true);
        second.await(QUICK);
        final Shell.Result refused = shell.run(feed, QUICK);
        assertEquals(1, refused.code(), refused.toString());
        UserOutput.assertNoStackTrace(refused);
        final Matcher resume = Pattern.compile(
            "was fed to resumed.commands up to line (\\d+) already .*Resume: feed the same file with --from-line (\\d+)")
            .matcher(refused.err());
        assertTrue(resume.find(), refused.toString());
        final long killedAfter = Long.parseLong(resume.group(1));
        assertTrue(killedAfter > stoppedAfter, refused.toString());
        assertEquals(killedAfter + 1, Long.parseLong(resume.group(2)), refused.toString());

        final Shell.Result rest = shell.run(feed.replace("--rate 500", "") + " --from-line " + (killedAfter + 1), QUICK)
            .expectOk();
        final List<String> lines = Files.readAllLines(shell.directory().resolve("run/resumed.txt"));
        assertEquals(lines.size(), Long.parseLong(rest.value("committed-through-line")), rest.toString());

        // Each command line once on each partition it goes to (deposits and withdrawals go to both), none twice.
        final Map<Integer, List<Long>> fed = committedCorrelationIds("resumed.commands");
        final Set<Long> commandLines = new TreeSet<>();
        long broadcast = 0;
        for (int i = 0; i < lines.size(); i++)
        {
            final String line = lines.get(i).strip();
            if (!line.isEmpty() && !line.startsWith("#"))
            {
                commandLines.add(i + 1L);
                broadcast += line.startsWith("deposit") || line.startsWith("withdraw") ? 1 : 0;
            }
        }
        final Set<Long> distinct = new TreeSet<>();
        for (final List<Long> ids : fed.values())
        {
            assertEquals(ids.size(), new HashSet<>(ids).size(), "no line twice on a partition");
            distinct.addAll(ids);
        }
        assertEquals(commandLines, distinct, "every command line of the file is in the topic, and nothing else");
        assertEquals(commandLines.size() + broadcast, fed.values().stream().mapToLong(List::size).sum(),
            "a deposit or withdrawal once on each of the two partitions, any other command once");
        // And on the partition a feed of the whole file sends it to: a cancel, move or reduce after a resume goes
        // to its order's symbol's partition, though the order was placed before the resume.
        final Map<Integer, Set<Long>> expected = wholeFeedPartitions(shell.directory().resolve("run/resumed.txt"), 2);
        for (final int partition : List.of(0, 1))
        {
            final Set<Long> actual = new TreeSet<>(fed.getOrDefault(partition, List.of()));
            final Set<Long> misplaced = new TreeSet<>(actual);
            misplaced.removeAll(expected.get(partition));
            assertEquals(Set.of(), misplaced.stream().limit(5).collect(java.util.stream.Collectors.toSet()),
                misplaced.size() + " lines on partition " + partition + " that a whole feed sends elsewhere");
            assertEquals(expected.get(partition), actual, "partition " + partition + " holds what a whole feed sends it");
        }
    }

    /** The lines a feed of the whole file sends to each partition (a ledger command to all of them). */
    private static Map<Integer, Set<Long>> wholeFeedPartitions(final Path file, final int partitions) throws IOException
    {
        final Map<Integer, Set<Long>> lines = new TreeMap<>();
        for (int p = 0; p < partitions; p++)
        {
            lines.put(p, new TreeSet<>());
        }
        final CommandRouter router = new CommandRouter(partitions);
        try (java.io.InputStream in = Files.newInputStream(file))
        {
            new CommandFileReader().read(in, (command) ->
            {
                final int partition = router.partition(command.type(), command.payload());
                for (int p = 0; p < partitions; p++)
                {
                    if (partition < 0 || partition == p)
                    {
                        lines.get(p).add(command.lineNumber());
                    }
                }
            }, (line, text, reason) ->
            {
            });
        }
        return lines;
    }

    /** Waits until the feed has committed a mark past {@code line}: it has sent commands of this run. */
    private static void awaitMark(final String feedId, final long line) throws Exception
    {
        final long deadline = System.nanoTime() + QUICK.toNanos();
        FeedProgress.Mark mark;
        while ((mark = FeedProgress.last(bootstrap.substring(" -b ".length()), FeedProgress.DEFAULT_TOPIC, feedId,
            Duration.ofSeconds(30))) == null || mark.line() <= line)
        {
            if (System.nanoTime() > deadline)
            {
                fail("the feed did not commit past line " + line + ": " + mark);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
    }

    /** The correlation ids (the file's line numbers) of every committed record, partition by partition. */
    private static Map<Integer, List<Long>> committedCorrelationIds(final String topic)
    {
        final Map<Integer, List<Long>> ids = new TreeMap<>();
        final Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap.substring(" -b ".length()), ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
            new ByteArrayDeserializer()))
        {
            for (final PartitionInfo info : consumer.partitionsFor(topic))
            {
                final TopicPartition partition = new TopicPartition(topic, info.partition());
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
                final long end = consumer.endOffsets(List.of(partition)).get(partition);
                final List<Long> list = ids.computeIfAbsent(info.partition(), (p) -> new ArrayList<>());
                final long deadline = System.nanoTime() + QUICK.toNanos();
                while (consumer.position(partition) < end && System.nanoTime() < deadline)
                {
                    for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100)))
                    {
                        list.add(Long.parseLong(new String(record.headers().lastHeader(KafkaHeaders.CORRELATION_ID)
                            .value(), StandardCharsets.US_ASCII)));
                    }
                }
                assertEquals(end, consumer.position(partition), "read " + partition + " to its end");
            }
        }
        return ids;
    }

    private static String ladder(final String out)
    {
        return out.substring(out.indexOf("book sym="));
    }

    @Test
    void shouldSayInOneLineAndAtOnceThatNoBrokerAnswers() throws Exception
    {
        // A port nothing listens on: Kafka's clients alone warned every second and failed after 74 s.
        final String nowhere = "localhost:" + freePort();
        for (final String command : List.of("topics", "tail", "balances --account 12"))
        {
            final Shell.Result result = shell.run("scripts/exchange kafka " + command + " -b " + nowhere,
                Duration.ofSeconds(30));
            assertEquals(1, result.code(), result.toString());
            assertEquals("", result.out(), result.toString());
            assertEquals("error: the broker at " + nowhere + " did not answer (" + nowhere + ": Connection refused): " +
                "is it running? ('exchange kafka broker' starts one)", result.err().strip(), result.toString());
            UserOutput.assertNoStackTrace(result);
        }
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }
}
