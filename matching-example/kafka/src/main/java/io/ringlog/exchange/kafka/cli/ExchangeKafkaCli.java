package io.ringlog.exchange.kafka.cli;

import io.ringlog.journal.tool.CliSupport;
import picocli.CommandLine;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * {@code exchange kafka broker | topics | feed | engine | tail | book | balances | bench}: the exchange
 * with Kafka at both ends, from the command line. Prints {@code key: value} lines on stdout,
 * diagnostics on stderr; exit 0 done, 1 failed, 2 bad usage.
 */
@CommandLine.Command(
    name = "exchange kafka",
    mixinStandardHelpOptions = true,
    description = "The exchange on Kafka: a local broker, topics, feeding a command file into the commands topic, " +
        "engines on partitions, the events topics read back as text, books and balances, and the dead letters.",
    subcommands = {
        BrokerCommand.class,
        TopicsCommand.class,
        FeedCommand.class,
        EngineCommand.class,
        TailCommand.class,
        DeadLettersCommand.class,
        KafkaBookCommand.class,
        KafkaBalancesCommand.class,
        BenchCommand.class,
        CommandLine.HelpCommand.class})
public final class ExchangeKafkaCli implements Callable<Integer>
{
    static final int OK = 0;

    @Spec
    CommandLine.Model.CommandSpec spec;

    ExchangeKafkaCli()
    {
    }

    public static void main(final String[] args)
    {
        System.exit(run(new PrintWriter(System.out, true, StandardCharsets.UTF_8),
            new PrintWriter(System.err, true, StandardCharsets.UTF_8), args));
    }

    /** Runs the command line with the given output streams (tests call this) and returns its exit code. */
    public static int run(final PrintWriter out, final PrintWriter err, final String... args)
    {
        final CommandLine commandLine = new CommandLine(new ExchangeKafkaCli());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        CliSupport.configure(commandLine, out, err);
        final int code = commandLine.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public Integer call()
    {
        spec.commandLine().usage(spec.commandLine().getErr()); // a usage error: not into a script's output
        return CommandLine.ExitCode.USAGE;
    }

    static String hex(final long value)
    {
        return String.format("%016x", value);
    }
}
