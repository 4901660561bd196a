package io.ringlog.exchange.kafka.cli;

import io.ringlog.exchange.cli.SignalStop;
import io.ringlog.exchange.kafka.CommandFeed;
import io.ringlog.exchange.kafka.CommandRouter;
import io.ringlog.exchange.kafka.ExchangeKafkaEngine;
import io.ringlog.exchange.kafka.FeedProgress;
import io.ringlog.exchange.text.CommandFileReader;
import io.ringlog.exchange.text.ParsedCommand;
import io.ringlog.journal.ProcessFileLock;
import io.ringlog.journal.tool.CliSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@code exchange kafka feed}: a command file into the commands topic, each command to its symbol's partition. */
@CommandLine.Command(name = "feed", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Produce every command of a command file to the commands topic: the payload as the engine " +
        "journals it, its type and correlation id (the line number unless corr=) in headers. instrument and place go " +
        "to partition symbol mod N; cancel, move and reduce to their order's partition; deposit and withdraw to " +
        "every partition (each engine keeps its own ledger: see the module README). Malformed lines are reported " +
        "as 'line N: reason' and skipped.",
        "The feed remembers: its commands go in Kafka transactions, each with a mark of the last line it holds in the " +
            "feeds topic, so a feed stopped any way (a signal, kill -9, the broker going) is resumed exactly: feeding " +
            "the file again is refused, saying the --from-line to go on from.",
        "The file's src= and seq= are not sent: on Kafka a command's source is its partition and its sequence its offset."})
final class FeedCommand implements Callable<Integer>
{
    /** What the feed says when its broker goes away and comes back; set as the feed starts. */
    private BrokerWatch brokerWatch;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = {"-i", "--input"}, required = true, paramLabel = "COMMANDS_FILE",
        description = "Command file in the text format (see 'exchange generate').")
    Path input;

    @Option(names = "--from-line", defaultValue = "1", paramLabel = "N",
        description = "Send the commands from line N on (lines count from 1): to go on where a feed of this file " +
            "stopped, which it says (default: ${DEFAULT-VALUE}).")
    long fromLine;

    @Option(names = "--force",
        description = "Feed from --from-line even where the file's earlier feed says that sends lines a second time " +
            "or skips lines, or the file has changed since, or where no feed of it is on record and --from-line skips " +
            "lines.")
    boolean force;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "PER_SECOND",
        description = "Commands a second (default: 0, as fast as the broker takes them).")
    long rate;

    @Option(names = "--commit-every-ms", defaultValue = "100", paramLabel = "MS",
        description = "How long a transaction gathers lines before it commits; engines see a command once its " +
            "transaction commits (default: ${DEFAULT-VALUE}).")
    long commitEveryMs;

    @Option(names = "--feeds-topic", defaultValue = FeedProgress.DEFAULT_TOPIC, paramLabel = "TOPIC",
        description = "Where feeds keep their marks (compacted, created if missing; default: ${DEFAULT-VALUE}).")
    String feedsTopic;

    @Option(names = "--malformed-every", defaultValue = "0", paramLabel = "N",
        description = "After every N-th command also send a record that is not a command (a place with a short " +
            "payload), to see the dead-letter topic at work (default: 0, never).")
    long malformedEvery;

    @Option(names = "--broker-timeout", defaultValue = "60", paramLabel = "SECONDS",
        description = "Fail, saying so, when the broker has not taken a record for this long (default: ${DEFAULT-VALUE}).")
    int brokerTimeoutSeconds;

    @Override
    public Integer call() throws Exception
    {
        check(rate >= 0, "--rate must not be negative: " + rate);
        check(malformedEvery >= 0, "--malformed-every must not be negative: " + malformedEvery);
        check(fromLine >= 1, "--from-line counts lines from 1: " + fromLine);
        // A reviewer's finding: the marks went into the commands topic, and the engines dead-lettered every one.
        check(!ExchangeKafkaEngine.Context.collide(feedsTopic, kafka.commandsTopic) &&
            !ExchangeKafkaEngine.Context.collide(feedsTopic, kafka.deadLetterTopic), "--feeds-topic " + feedsTopic +
            " is the " + (ExchangeKafkaEngine.Context.collide(feedsTopic, kafka.commandsTopic) ? "commands" : "dead-letter") +
            " topic, or one Kafka takes for it: the feed's marks would be read as commands. Give the marks their own topic");
        kafka.checkTopicName("--feeds-topic", feedsTopic);
        check(commitEveryMs >= 1 && commitEveryMs < CommandFeed.TRANSACTION_TIMEOUT.toMillis() / 2,
            "--commit-every-ms must be 1.." + (CommandFeed.TRANSACTION_TIMEOUT.toMillis() / 2 - 1) + ": " + commitEveryMs);
        check(brokerTimeoutSeconds >= 1, "--broker-timeout must be at least 1 second");
        if (!Files.isRegularFile(input) || !Files.isReadable(input))
        {
            throw new IllegalArgumentException("cannot read command file " + input + (Files.isDirectory(input) ?
                ": it is a directory" : Files.exists(input) ? ": permission denied" : ": no such file"));
        }
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        kafka.requireBroker();
        final Duration brokerTimeout = Duration.ofSeconds(brokerTimeoutSeconds);
        final String feedId = FeedProgress.feedId(kafka.commandsTopic, input);
        // Before the producer: its initTransactions would fence a feed of this file still running, and stop it.
        try (ProcessFileLock running = FeedProgress.lockFeed(feedId))
        {
            if (running == null)
            {
                err.println("error: a feed of " + input + " to " + kafka.commandsTopic + " is running on this machine; " +
                    "stop it first (Ctrl-C or SIGTERM: it says the --from-line to go on from)");
                return CliSupport.FAILED;
            }
            return feed(out, err, brokerTimeout, feedId);
        }
    }

    /**
     * Null, having recorded the commands topic's partition count at its first feed; the refusal, where partitions
     * were added to the topic since. The router sends each symbol to partition symbol mod N: with another N, a
     * symbol's orders would go where no engine holds its book (partitions added by hand; 'topics' refuses to).
     */
    private String checkRouting(final int partitions, final Duration brokerTimeout) throws Exception
    {
        final String topicId = FeedProgress.topicId(kafka.bootstrap, kafka.commandsTopic, brokerTimeout);
        final FeedProgress.Routing first = FeedProgress.routing(kafka.bootstrap, feedsTopic, kafka.commandsTopic,
            brokerTimeout);
        if (first == null || !first.topicId().equals(topicId))
        {
            // Never fed, fed before feeds recorded this, or made again under the name: this count is its first.
            FeedProgress.recordRouting(kafka.bootstrap, feedsTopic, kafka.commandsTopic,
                new FeedProgress.Routing(topicId, partitions, System.currentTimeMillis()), brokerTimeout);
            return null;
        }
        if (first.partitions() == partitions)
        {
            return null;
        }
        return kafka.commandsTopic + " has " + partitions + " partitions, and it had " + first.partitions() + " when " +
            "it was first fed (recorded in " + feedsTopic + " at " + java.time.Instant.ofEpochMilli(first.atMillis()) +
            "): partitions were " + (partitions > first.partitions() ? "added" : "removed") + " since. The feed sends " +
            "each symbol's commands to partition symbol mod " + first.partitions() + ", where its book's engine is; " +
            "with " + partitions + ", the orders of most symbols would go to a partition whose engine has never seen " +
            "their book. The exchange does not move books between engines: nothing was sent. Feed a commands topic " +
            "made with the partition count its engines run ('topics --partitions N' on a new --commands-topic, with " +
            "engines of their own)";
    }

    /** Why {@code topic} cannot be fed, it not existing, in words; null if it exists (or the broker cannot say). */
    static String missingTopic(final String bootstrap, final String topic, final Duration brokerTimeout)
    {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap)))
        {
            admin.describeTopics(List.of(topic)).allTopicNames().get(brokerTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        }
        catch (final ExecutionException ex)
        {
            return ex.getCause() instanceof UnknownTopicOrPartitionException ? "topic " + topic + " does not exist on " +
                bootstrap + ": create it first ('scripts/exchange kafka topics' makes the commands topic and the engines' " +
                "events topics)" : null;
        }
        catch (final TimeoutException | InterruptedException | RuntimeException ex)
        {
            // The feed itself then says what the broker does, in its own words.
            if (ex instanceof InterruptedException)
            {
                Thread.currentThread().interrupt();
            }
            return null;
        }
    }

    private int feed(final PrintWriter out, final PrintWriter err, final Duration brokerTimeout, final String feedId)
        throws IOException
    {
        final FeedProgress.Fingerprint fingerprint = new FeedProgress.Fingerprint();
        final long[] commandsSoFar = {0};
        final CommandFeed.Transactions transactions = new CommandFeed.Transactions(feedId, feedsTopic,
            Duration.ofMillis(commitEveryMs), (line, ended) -> new FeedProgress.Mark(line, commandsSoFar[0],
            fingerprint.hex(), ended, System.currentTimeMillis()));
        // Asked first: the producer waits out the whole broker timeout for a topic that is not there (a newcomer's
        // probe: 64 s of silence, then Kafka's own 'not present in metadata').
        final String missing = missingTopic(kafka.bootstrap, kafka.commandsTopic, brokerTimeout);
        if (missing != null)
        {
            err.println("error: " + missing);
            return CliSupport.FAILED;
        }
        // Its initTransactions aborts what a killed feed of this file left open: read the mark after it.
        final CommandFeed feed = new CommandFeed(kafka.bootstrap, kafka.commandsTopic, rate, malformedEvery, brokerTimeout,
            transactions);
        SignalStop stop = null;
        final ScheduledExecutorService watching = watchBroker(feed, err);
        try
        {
            final String topicNote = FeedProgress.prepareTopic(kafka.bootstrap, feedsTopic, brokerTimeout);
            if (topicNote != null)
            {
                err.println(topicNote);
            }
            final FeedProgress.Mark mark = FeedProgress.last(kafka.bootstrap, feedsTopic, feedId, brokerTimeout);
            final String refusal = mark == null ? firstFeedFromALaterLine() : checkMark(mark, err);
            if (refusal != null)
            {
                err.println("error: " + refusal);
                return CliSupport.FAILED;
            }
            final String rerouted = checkRouting(feed.partitions(), brokerTimeout);
            if (rerouted != null)
            {
                err.println("error: " + rerouted);
                return CliSupport.FAILED;
            }
            if (fromLine > 1)
            {
                // The skipped lines' places teach the router where their orders live: a cancel, move or reduce
                // after the resume goes to its order's partition, as in a feed of the whole file.
                final CommandRouter router = feed.router();
                final Prefix before = prefix(input, fromLine - 1, fingerprint,
                    (command) -> router.partition(command.type(), command.payload()));
                commandsSoFar[0] = before.commands();
                feed.startAfter(fromLine - 1);
            }
            stop = SignalStop.install(err, "feed: stopping: no more lines are read; what was sent is being committed",
                "feed-stop");
            final long started = System.nanoTime();
            final CommandFileReader reader = new CommandFileReader().fromLine(fromLine).stopWhen(stop::signalled);
            final CommandFileReader.Counts counts;
            try (InputStream in = Files.newInputStream(input))
            {
                counts = reader.read(in, (command) ->
                {
                    fingerprint.add(command.lineNumber(), command.type(), command.version(), command.payload(),
                        command.payloadLength());
                    commandsSoFar[0]++;
                    feed.send(command.type(), command.version(), command.payload(), command.payloadLength(),
                        command.correlationId());
                    feed.lineDone(command.lineNumber());
                }, (line, text, reason) -> err.println("line " + line + ": " + reason));
            }
            feed.finish(counts.lines(), !reader.stopped());
            // Every record committed: the broker answered. A feed that finished before its watch saw the broker back
            // said it was away and never that it answered again (a fresh clone's run of BrokerAwayTest); said now, on
            // the watch's own thread.
            watching.submit(() -> brokerWatch.say(err, 0)).get(5, TimeUnit.SECONDS);
            final double seconds = (System.nanoTime() - started) / 1e9;
            out.println("topic: " + kafka.commandsTopic + " partitions=" + feed.partitions());
            out.println("commands: " + counts.commands());
            out.println("malformed-lines: " + counts.malformed());
            out.println("records: " + feed.records());
            out.println("injected-malformed: " + feed.injected());
            for (int p = 0; p < feed.partitions(); p++)
            {
                out.println("partition-" + p + ": " + feed.records(p));
            }
            out.println("throughput: " + String.format("%,.0f", feed.records() / Math.max(seconds, 1e-9)) + " records/s");
            out.println("committed-through-line: " + feed.committedLine());
            if (reader.stopped())
            {
                out.println("stopped: by a signal " + (counts.lines() == 0 ? "before the first line" : "after line " +
                    counts.lines()) + " (every line up to it is in the topic)");
                out.println("resume: feed the same file with --from-line " + (counts.lines() + 1));
            }
            else if (stop.signalled())
            {
                out.println("stopped: by a signal after the whole file was read (every line is in the topic): " +
                    "nothing to resume");
            }
            return ExchangeKafkaCli.OK;
        }
        catch (final Exception ex)
        {
            // Said here, not by picocli after call() returns: after a signal the JVM halts once the hook returns.
            err.println("error: " + CliSupport.message(ex) + (feed.records() > 0 ? ". Run the same command again (once " +
                "the broker is back, if it went): it reads where this feed got to and says the --from-line to go on from" :
                ""));
            return CliSupport.FAILED;
        }
        finally
        {
            watching.shutdownNow();
            feed.close();
            out.flush();
            err.flush();
            if (stop != null)
            {
                stop.close();
            }
        }
    }

    /**
     * A reviewer's finding: a feed whose broker went away said nothing for --broker-timeout (a minute), blocked in a
     * send or a commit, where an engine says at once. A thread of its own says it, as the engine does, once each way.
     */
    private ScheduledExecutorService watchBroker(final CommandFeed feed, final PrintWriter err)
    {
        final BrokerWatch watch = BrokerWatch.feed(kafka.bootstrap, brokerTimeoutSeconds);
        brokerWatch = watch;
        final ScheduledExecutorService watching = Executors.newSingleThreadScheduledExecutor((task) ->
        {
            final Thread thread = new Thread(task, "feed-broker-watch");
            thread.setDaemon(true);
            return thread;
        });
        watching.scheduleWithFixedDelay(() -> watch.say(err, feed.brokerAwaySince()), 0, 250, TimeUnit.MILLISECONDS);
        return watching;
    }

    /**
     * A reviewer's finding: a file's first feed (no mark of it on record) from {@code --from-line N} sent nothing of
     * lines 1..N-1, yet its mark said every line up to where it got was fed (a feed from past the end: the whole file),
     * so every later feed of those lines was refused as sending them a second time. Null where the feed starts at line
     * 1 or is forced; otherwise why not.
     */
    private String firstFeedFromALaterLine()
    {
        if (fromLine <= 1 || force)
        {
            return null;
        }
        return "no feed of " + input + " to " + kafka.commandsTopic + " is on record (" + feedsTopic + " holds no mark " +
            "of one), and --from-line " + fromLine + " would skip lines 1.." + (fromLine - 1) + ", which the record would " +
            "then count as fed: a later feed of them would be refused as sending them a second time. Feed it from line 1; " +
            "if those lines reached the topic some other way (a feed whose record is gone), add --force";
    }

    /**
     * Null when the feed may go from {@code --from-line} as asked, after what the file's earlier feed
     * ({@code mark}) sent; otherwise why not, and what to run instead.
     */
    private String checkMark(final FeedProgress.Mark mark, final PrintWriter err) throws IOException
    {
        final FeedProgress.Fingerprint then = new FeedProgress.Fingerprint();
        final Prefix prefix = prefix(input, mark.line(), then, (command) ->
        {
        });
        final String when = Instant.ofEpochMilli(mark.atMillis()).toString();
        if (prefix.lines() < mark.line() || !then.hex().equals(mark.fingerprint()))
        {
            // Changed since: regenerated at this path, a malformed line fixed, a last line that was still being
            // written. Its commands may be in the topic already, and the feed cannot tell which.
            if (force)
            {
                err.println("note: " + input + " was fed to " + kafka.commandsTopic + " up to line " + mark.line() +
                    " (at " + when + "), and its lines 1.." + mark.line() + " have changed since: fed from line " +
                    fromLine + " as --force says");
                return null;
            }
            return input + " was fed to " + kafka.commandsTopic + " up to line " + mark.line() + " (" + mark.commands() +
                " commands, committed at " + when + "), and its lines 1.." + mark.line() + " have changed since " +
                (prefix.lines() < mark.line() ? "(it has " + prefix.lines() + " lines now)" : "(other commands, or a " +
                "line that was fixed or finished)") + ": feeding it could send commands that are in the topic already. " +
                "If it is another file, feed it with --force; if it is the same one changed, --force --from-line N " +
                "goes on from line N";
        }
        final long next = prefix.nextCommandLine();
        final boolean repeats = fromLine <= mark.line();
        final boolean skips = next > 0 && fromLine > next;
        if (force || !(repeats || (next == 0 && fromLine == 1) || skips))
        {
            return null;
        }
        final String fed = input + " was fed to " + kafka.commandsTopic + " " + (mark.end() && next == 0 ? "whole" :
            "up to line " + mark.line()) + " already (" + mark.commands() + " command" + (mark.commands() == 1 ? "" : "s") +
            ", committed at " + when + ")";
        if (next == 0)
        {
            return fed + ", and it holds no command after line " + mark.line() + ": nothing is left to feed. Feeding it " +
                "again would send " + (repeats ? "lines " + fromLine + ".." + mark.line() : "nothing") + " a second " +
                "time (--force does that)";
        }
        return fed + ". Feeding it from line " + fromLine + " would " + (repeats ? "send lines " + fromLine + ".." +
            mark.line() + " a second time" : "skip lines " + next + ".." + (fromLine - 1)) + ". Resume: feed the same " +
            "file with --from-line " + (mark.line() + 1) + " (--force feeds it from line " + fromLine + " anyway)";
    }

    /** What lines 1..through of a file hold, and the line of its first command after them (0: none). */
    private record Prefix(long lines, long commands, long nextCommandLine)
    {
    }

    /**
     * Reads lines 1..through (and on to the next command), adding their commands to {@code fingerprint} and
     * handing each to {@code each}.
     */
    private static Prefix prefix(final Path file, final long through, final FeedProgress.Fingerprint fingerprint,
        final java.util.function.Consumer<ParsedCommand> each) throws IOException
    {
        final long[] commands = {0};
        final long[] next = {0};
        final CommandFileReader.Counts counts;
        try (InputStream in = Files.newInputStream(file))
        {
            counts = new CommandFileReader().stopWhen(() -> next[0] > 0).read(in, (ParsedCommand command) ->
            {
                if (command.lineNumber() <= through)
                {
                    fingerprint.add(command.lineNumber(), command.type(), command.version(), command.payload(),
                        command.payloadLength());
                    each.accept(command);
                    commands[0]++;
                }
                else
                {
                    next[0] = command.lineNumber();
                }
            }, (line, text, reason) ->
            {
            });
        }
        return new Prefix(Math.min(counts.lines(), through), commands[0], next[0]);
    }

    private void check(final boolean ok, final String message)
    {
        if (!ok)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), message);
        }
    }
}
