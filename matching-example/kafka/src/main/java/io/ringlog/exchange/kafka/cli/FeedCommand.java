package io.ringlog.exchange.kafka.cli;

import io.ringlog.exchange.kafka.CommandFeed;
import io.ringlog.exchange.text.CommandFileReader;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code exchange kafka feed}: a command file into the commands topic, each command to its symbol's partition. */
@CommandLine.Command(name = "feed", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Produce every command of a command file to the commands topic: the payload as the engine " +
        "journals it, its type and correlation id (the line number unless corr=) in headers. instrument and place go " +
        "to partition symbol mod N; cancel, move and reduce to their order's partition; deposit and withdraw to " +
        "every partition (each engine keeps its own ledger: see the module README). Malformed lines are reported " +
        "as 'line N: reason' and skipped.",
        "The file's src= and seq= are not sent: on Kafka a command's source is its partition and its sequence its offset."})
final class FeedCommand implements Callable<Integer>
{
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = {"-i", "--input"}, required = true, paramLabel = "COMMANDS_FILE",
        description = "Command file in the text format (see 'exchange generate').")
    Path input;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "PER_SECOND",
        description = "Commands a second (default: 0, as fast as the broker takes them).")
    long rate;

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
        if (rate < 0 || malformedEvery < 0)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rate and --malformed-every must not be negative");
        }
        if (brokerTimeoutSeconds < 1)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--broker-timeout must be at least 1 second");
        }
        if (!Files.isReadable(input))
        {
            throw new IllegalArgumentException("cannot read command file " + input);
        }
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        kafka.requireBroker();
        final CommandFeed feed = new CommandFeed(kafka.bootstrap, kafka.commandsTopic, rate, malformedEvery,
            Duration.ofSeconds(brokerTimeoutSeconds));
        final long started = System.nanoTime();
        final CommandFileReader.Counts counts;
        try (BufferedReader reader = Files.newBufferedReader(input))
        {
            counts = new CommandFileReader().read(reader,
                (command) -> feed.send(command.type(), command.version(), command.payload(), command.payloadLength(),
                    command.correlationId()),
                (line, text, reason) -> err.println("line " + line + ": " + reason));
        }
        finally
        {
            feed.close();
        }
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
        return ExchangeKafkaCli.OK;
    }
}
