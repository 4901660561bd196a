package io.ringlog.exchange.kafka.cli;

import io.ringlog.core.OutputEvent;
import io.ringlog.core.OutputListener;
import io.ringlog.exchange.text.TextFormat;
import io.ringlog.kafka.KafkaEventReader;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code exchange kafka tail}: the events topics as text lines, from the beginning. */
@CommandLine.Command(name = "tail", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Print the events in events topics as lines of the text format ('pos=N ev=K trade ...'), from the " +
        "beginning, following new ones until Ctrl-C (or, with --until-end, stopping at the present end).",
        "Events of one symbol (or account) are in order; partitions and topics interleave. With more than one " +
        "topic each line starts with its topic."})
final class TailCommand implements Callable<Integer>
{
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    EventsOptions events;

    @Option(names = "--until-end", description = "Stop at the end the topics have now.")
    boolean untilEnd;

    @Override
    public Integer call() throws Exception
    {
        final List<String> topics = events.topics();
        final PrintWriter out = spec.commandLine().getOut();
        final Lines lines = new Lines(out, topics.size() > 1);
        try (KafkaEventReader reader = new KafkaEventReader(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, events.kafka.bootstrap), topics, lines, 256))
        {
            lines.reader = reader;
            if (untilEnd)
            {
                reader.readToEnd(Duration.ofMinutes(10));
            }
            else
            {
                // A reviewer's finding: a tail whose broker went away said nothing (a quiet market, or a dead broker?).
                final BrokerWatch watch = BrokerWatch.follower("tail", events.kafka.bootstrap);
                final PrintWriter err = spec.commandLine().getErr();
                while (!Thread.currentThread().isInterrupted())
                {
                    reader.doWork();
                    watch.say(err, reader.brokerAwaySince());
                }
            }
        }
        out.flush();
        return ExchangeKafkaCli.OK;
    }

    /** Writes each event as a line, its topic first when there are several. */
    private static final class Lines implements OutputListener
    {
        private final PrintWriter out;
        private final boolean withTopic;
        private final TextFormat format = new TextFormat();
        private final StringBuilder line = new StringBuilder(256);
        private KafkaEventReader reader;

        Lines(final PrintWriter out, final boolean withTopic)
        {
            this.out = out;
            this.withTopic = withTopic;
        }

        @Override
        public void onEvent(final OutputEvent event, final boolean endOfBatch)
        {
            line.setLength(0);
            if (withTopic)
            {
                line.append(reader.topic()).append(' ');
            }
            out.println(format.event(event, line));
            if (endOfBatch)
            {
                out.flush();
            }
        }
    }
}
