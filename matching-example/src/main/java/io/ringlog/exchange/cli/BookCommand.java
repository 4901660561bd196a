package io.ringlog.exchange.cli;

import io.ringlog.exchange.ExchangeStateMachine;
import io.ringlog.exchange.text.StateText;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;

/** {@code exchange book}: a symbol's book as a price ladder, as of any position. */
@CommandLine.Command(name = "book", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Replay the journal (read-only) and print a symbol's order book as a price ladder: asks above " +
        "bids, best prices meeting in the middle, one 'SIDE price= qty= orders=' line per level.")
final class BookCommand implements Callable<Integer>
{
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ReplayOptions replay;

    @Option(names = {"-s", "--symbol"}, required = true, paramLabel = "S", description = "Symbol id.")
    int symbol;

    @Option(names = {"-k", "--depth"}, defaultValue = "10", paramLabel = "K",
        description = "Levels a side (default: ${DEFAULT-VALUE}).")
    int depth;

    @Override
    public Integer call() throws Exception
    {
        if (depth < 1)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--depth must be at least 1: " + depth);
        }
        final ExchangeRunner.ReplayResult result = ExchangeRunner.replay(replay.settings(spec, null),
            spec.commandLine().getErr());
        final ExchangeStateMachine exchange = result.exchange();
        if (exchange.instrument(symbol) == null)
        {
            // In words (a reviewer's "listed: []" was Java's own list).
            final int[] listed = exchange.symbols();
            throw new IllegalArgumentException("no symbol " + symbol + " as of position " + result.lastPosition() +
                (listed.length == 0 ? " (none was listed by then)" : " (listed then: " + Arrays.stream(listed)
                .mapToObj(String::valueOf).collect(java.util.stream.Collectors.joining(", ")) + ")"));
        }
        final PrintWriter out = spec.commandLine().getOut();
        out.println("last-position: " + result.lastPosition());
        out.println("state-hash: " + ExchangeCli.hex(result.stateHash()));
        out.print(StateText.book(exchange, symbol, depth, new StringBuilder()));
        return ExchangeCli.OK;
    }
}
