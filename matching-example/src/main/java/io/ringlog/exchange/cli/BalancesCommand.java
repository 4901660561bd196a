package io.ringlog.exchange.cli;

import io.ringlog.exchange.ExchangeStateMachine;
import io.ringlog.exchange.text.StateText;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code exchange balances}: free and reserved balances, as of any position. */
@CommandLine.Command(name = "balances", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Replay the journal (read-only) and print balances, one 'balance acct= asset= free= reserved=' " +
        "line per asset an account holds any of: one account, or every account in id order.")
final class BalancesCommand implements Callable<Integer>
{
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ReplayOptions replay;

    @Option(names = {"-a", "--account"}, paramLabel = "A", description = "Account id (default: every account).")
    Long account;

    @Override
    public Integer call() throws Exception
    {
        final ExchangeRunner.ReplayResult result = ExchangeRunner.replay(replay.settings(spec, null),
            spec.commandLine().getErr());
        final ExchangeStateMachine exchange = result.exchange();
        if (account != null && !exchange.hasAccount(account))
        {
            throw new IllegalArgumentException("no account " + account + " as of position " + result.lastPosition());
        }
        final PrintWriter out = spec.commandLine().getOut();
        out.println("last-position: " + result.lastPosition());
        out.println("state-hash: " + ExchangeCli.hex(result.stateHash()));
        final long[] accounts = account != null ? new long[]{account} : exchange.accountIds();
        out.println("accounts: " + accounts.length);
        final StringBuilder lines = new StringBuilder(256);
        for (final long id : accounts)
        {
            lines.setLength(0);
            out.print(StateText.balances(exchange, id, lines));
            if (account != null && lines.length() == 0)
            {
                // A reviewer's finding: the one account asked for printed no line, and nothing said why.
                spec.commandLine().getErr().println("note: account " + id + " holds nothing (free or reserved) as of " +
                    "position " + result.lastPosition() + ": an account has a line for each asset it holds any of");
            }
        }
        return ExchangeCli.OK;
    }
}
