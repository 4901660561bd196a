package io.ringlog.exchange.kafka.cli;

import io.ringlog.exchange.readmodel.DepthReadModel;
import io.ringlog.exchange.text.StateText;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code exchange kafka book}: a symbol's book built from the events topics, the CQRS read side. */
@CommandLine.Command(name = "book", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Build the L2 depth read model from the events topics (every engine's, by default: each symbol " +
        "lives on one engine) and print a symbol's book as 'exchange book' prints it from a journal.")
final class KafkaBookCommand implements Callable<Integer>
{
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    EventsOptions events;

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
        final List<String> topics = events.topics();
        final DepthReadModel model = new DepthReadModel(false);
        final long read = events.readToEnd(topics, model);
        if (!model.lists(symbol))
        {
            // As 'exchange book' says it from a journal, instead of an empty book and exit 0.
            throw new IllegalArgumentException("no symbol " + symbol + " in " + read + " events of " +
                String.join(" ", topics) + " (listed: " + java.util.Arrays.toString(model.symbols()) + ")");
        }
        final PrintWriter out = spec.commandLine().getOut();
        out.println("events-topics: " + String.join(" ", topics));
        out.println("events-read: " + read);
        out.print(StateText.depth(model.depth(symbol, depth), new StringBuilder()));
        return ExchangeKafkaCli.OK;
    }
}
