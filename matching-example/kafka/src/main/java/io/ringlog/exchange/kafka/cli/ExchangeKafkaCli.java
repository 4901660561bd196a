package io.ringlog.exchange.kafka.cli;

import io.ringlog.journal.tool.CliSupport;
import io.ringlog.kafka.BrokerTimeouts;
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
        final io.ringlog.journal.tool.StandardOutput out = io.ringlog.journal.tool.StandardOutput.install();
        final PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(out.exit(run(out.writer(), err, args), err));
    }

    /** Runs the command line with the given output streams (tests call this) and returns its exit code. */
    public static int run(final PrintWriter out, final PrintWriter err, final String... args)
    {
        final CommandLine commandLine = new CommandLine(new ExchangeKafkaCli());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        CliSupport.configure(commandLine, out, err);
        final CommandLine.IExecutionExceptionHandler said = commandLine.getExecutionExceptionHandler();
        commandLine.setExecutionExceptionHandler((ex, failed, parsed) ->
        {
            final String unanswered = unanswered(ex, failed);
            if (unanswered == null)
            {
                return said.handleExecutionException(ex, failed, parsed);
            }
            failed.getErr().println("error: " + unanswered);
            failed.getErr().flush();
            return CliSupport.FAILED;
        });
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

    /**
     * A reviewer's finding: with the broker hung (SIGSTOPped: connections accepted, nothing answered), book said
     * 'error: TimeoutException' and tail 'Timed out waiting for a node assignment. Call: listTopics'. A timeout not
     * worded already is said as one from the broker the command was given; null for any other failure.
     */
    static String unanswered(final Exception ex, final CommandLine failed)
    {
        if (BrokerTimeouts.worded(ex) != null)
        {
            return null;
        }
        for (Throwable at = ex; at != null; at = at.getCause() == at ? null : at.getCause())
        {
            if (at instanceof org.apache.kafka.common.errors.TimeoutException ||
                at instanceof java.util.concurrent.TimeoutException)
            {
                final CommandLine.Model.OptionSpec bootstrap = failed.getCommandSpec().findOption("--bootstrap");
                final Object servers = bootstrap == null ? null : bootstrap.getValue();
                return "the broker" + (servers == null ? "" : " at " + servers) + " did not answer in time: is it " +
                    "running, and not hung?" + (at.getMessage() == null ? "" : " (" + at.getMessage() + ")");
            }
        }
        return null;
    }

    static String hex(final long value)
    {
        return String.format("%016x", value);
    }
}
