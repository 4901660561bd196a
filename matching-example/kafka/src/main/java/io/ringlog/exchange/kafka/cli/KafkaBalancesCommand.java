package io.ringlog.exchange.kafka.cli;

import io.ringlog.exchange.kafka.ExchangeRecords;
import io.ringlog.exchange.readmodel.BalancesReadModel;
import io.ringlog.journal.tool.CliSupport;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code exchange kafka balances}: an account's balances on each engine, built from the events topics. */
@CommandLine.Command(name = "balances", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Build the balances read model from each events topic and print an account's balances on each " +
        "engine: 'balance topic= acct= asset= free= reserved=' lines.",
        "Every engine keeps its own ledger of every account (deposits and withdrawals go to every partition), so " +
        "an account has a balance on each: see the module README for how they add up."})
final class KafkaBalancesCommand implements Callable<Integer>
{
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    EventsOptions events;

    @Option(names = {"-a", "--account"}, required = true, paramLabel = "A", description = "Account id.")
    long account;

    @Override
    public Integer call() throws Exception
    {
        if (account < 0)
        {
            // As the feed refuses it: no account has a negative id.
            throw new CommandLine.ParameterException(spec.commandLine(), "--account " + account + ": account ids are " +
                "0 or more");
        }
        final PrintWriter out = spec.commandLine().getOut();
        boolean found = false;
        final List<String> topics = events.topics();
        for (final String topic : topics)
        {
            final BalancesReadModel model = new BalancesReadModel(ExchangeRecords.MAX_ASSETS, false);
            final long read = events.readToEnd(List.of(topic), model);
            out.println("events-topic: " + topic + " events-read=" + read);
            for (final BalancesReadModel.Balance balance : model.balances(account))
            {
                found = true;
                out.println("balance topic=" + topic + " acct=" + balance.account() + " asset=" + balance.asset() +
                    " free=" + balance.free() + " reserved=" + balance.reserved());
            }
        }
        if (!found)
        {
            // A newcomer's probe: nothing printed, exit 0, where 'exchange balances' on a journal says it.
            spec.commandLine().getErr().println("error: no account " + account + " in " + (topics.size() == 1 ?
                "the events topic " : "the events topics ") + String.join(", ", topics) + " (no deposit to it has " +
                "been applied)");
            return CliSupport.FAILED;
        }
        return ExchangeKafkaCli.OK;
    }
}
