package io.ringlog.exchange.kafka.cli;

import io.ringlog.exchange.kafka.ExchangeRecords;
import io.ringlog.exchange.readmodel.BalancesReadModel;
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
        final PrintWriter out = spec.commandLine().getOut();
        for (final String topic : events.topics())
        {
            final BalancesReadModel model = new BalancesReadModel(ExchangeRecords.MAX_ASSETS, false);
            final long read = events.readToEnd(List.of(topic), model);
            out.println("events-topic: " + topic + " events-read=" + read);
            for (final BalancesReadModel.Balance balance : model.balances(account))
            {
                out.println("balance topic=" + topic + " acct=" + balance.account() + " asset=" + balance.asset() +
                    " free=" + balance.free() + " reserved=" + balance.reserved());
            }
        }
        return ExchangeKafkaCli.OK;
    }
}
