package io.ringlog.exchange.kafka.cli;

import io.ringlog.kafka.DeadLetterReader;
import io.ringlog.kafka.DeadLetterReader.DeadLetter;
import io.ringlog.kafka.KafkaHeaders;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code exchange kafka dead-letters}: the records of the commands topic that no engine took, and why. */
@CommandLine.Command(name = "dead-letters", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Print the dead-letter topic, one line per record of the commands topic that was not a command: " +
        "where it was (topic-partition@offset), why no engine took it, and what it held. From the beginning, " +
        "following new ones until Ctrl-C (or, with --until-end, stopping at the present end).",
        "Each line: TOPIC-P@OFFSET: REASON (type T, version V, correlation C, N bytes[: HEX])"})
final class DeadLettersCommand implements Callable<Integer>
{
    /** Bytes of a value shown in hex; a longer value shows this many, then '...'. */
    static final int HEX_BYTES = 64;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--until-end", description = "Stop at the end the topic has now.")
    boolean untilEnd;

    @Override
    public Integer call() throws Exception
    {
        kafka.requireBroker();
        final PrintWriter out = spec.commandLine().getOut();
        try (DeadLetterReader reader = new DeadLetterReader(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap), kafka.deadLetterTopic))
        {
            if (untilEnd)
            {
                reader.readToEnd(Duration.ofMinutes(10), (letter) -> out.println(line(letter)));
            }
            else
            {
                // As tail: said once each way, where it said nothing while its broker was away.
                final BrokerWatch watch = BrokerWatch.follower("dead-letters", kafka.bootstrap);
                final PrintWriter err = spec.commandLine().getErr();
                while (!Thread.currentThread().isInterrupted())
                {
                    if (reader.poll((letter) -> out.println(line(letter))) > 0)
                    {
                        out.flush();
                    }
                    watch.say(err, reader.brokerAwaySince());
                }
            }
        }
        out.flush();
        return ExchangeKafkaCli.OK;
    }

    static String line(final DeadLetter letter)
    {
        final StringBuilder line = new StringBuilder(128);
        line.append(letter.sourceTopic()).append('-').append(letter.sourcePartition()).append('@')
            .append(letter.sourceOffset()).append(": ").append(letter.reason()).append(" (type ");
        header(line, letter, KafkaHeaders.TYPE).append(", version ");
        header(line, letter, KafkaHeaders.VERSION).append(", correlation ");
        header(line, letter, KafkaHeaders.CORRELATION_ID);
        final byte[] value = letter.record().value();
        if (value == null)
        {
            return line.append(", no value)").toString();
        }
        line.append(", ").append(value.length).append(value.length == 1 ? " byte" : " bytes");
        if (value.length > 0)
        {
            line.append(':');
            for (int i = 0; i < Math.min(value.length, HEX_BYTES); i++)
            {
                line.append(' ').append(Character.forDigit((value[i] >> 4) & 0xF, 16))
                    .append(Character.forDigit(value[i] & 0xF, 16));
            }
            if (value.length > HEX_BYTES)
            {
                line.append(" ...");
            }
        }
        return line.append(')').toString();
    }

    private static StringBuilder header(final StringBuilder line, final DeadLetter letter, final String key)
    {
        final org.apache.kafka.common.header.Header header = letter.record().headers().lastHeader(key);
        // A header there with no value is not "none" (a reviewer's record: its reason said null, its line none).
        if (header == null || header.value() == null)
        {
            return line.append(header == null ? "none" : "null");
        }
        final byte[] value = header.value();
        for (final byte b : value)
        {
            if (b < 0x20 || b > 0x7e)
            {
                // Bytes that are not text are shown as the value is, in hex: copied out, a NUL or a tab reached the
                // terminal as it was (a reviewer's finding).
                line.append("bytes");
                for (int i = 0; i < Math.min(value.length, HEX_BYTES); i++)
                {
                    line.append(' ').append(Character.forDigit((value[i] >> 4) & 0xF, 16))
                        .append(Character.forDigit(value[i] & 0xF, 16));
                }
                return line.append(value.length > HEX_BYTES ? " ..." : "");
            }
        }
        return line.append(new String(value, java.nio.charset.StandardCharsets.US_ASCII));
    }
}
