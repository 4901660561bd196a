package io.ringlog.exchange.cli;

import io.ringlog.journal.tool.JournalTool;
import picocli.CommandLine;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code exchange journal ...}: the journal tool ({@code dump | verify | stats | repair}; not {@code replay}), with
 * {@code dump} showing exchange commands in the text format and {@code stats} naming their types, unless another
 * {@code --decoder} is named.
 */
@CommandLine.Command(name = "journal",
    description = {"Inspect the journal with the journal tool: dump, verify, stats, repair (see 'journal --help'). " +
        "dump shows exchange commands as lines of the command format, stats names their types; for replay use " +
        "'exchange replay'."})
final class JournalCommand implements Callable<Integer>
{
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "ARGS", description = "Passed to the journal tool.")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call()
    {
        if (!args.isEmpty() && args.get(0).equals("replay"))
        {
            // Its --help too: a reviewer found 'journal --help' listing it and 'journal replay --help' showing its usage.
            // The exchange's own replay reads journals of older codec versions (its upcasters), finds its
            // snapshots and writes events; the generic one knows none of that.
            spec.commandLine().getErr().println("error: use 'exchange replay' (it reads journals of every exchange " +
                "codec version, uses the journal's snapshots and can write the events); 'exchange journal' does " +
                "dump, verify, stats and repair");
            return CommandLine.ExitCode.USAGE;
        }
        final List<String> toolArgs = new ArrayList<>(args);
        if (!toolArgs.isEmpty() && (toolArgs.get(0).equals("dump") || toolArgs.get(0).equals("stats")) &&
            toolArgs.stream().noneMatch((a) -> a.startsWith("--decoder")) &&
            !toolArgs.contains("--help") && !toolArgs.contains("-h"))
        {
            toolArgs.add("--decoder");
            toolArgs.add(ExchangePayloadDecoder.class.getName());
        }
        return JournalTool.runAs("exchange journal", List.of("replay"), spec.commandLine().getOut(),
            spec.commandLine().getErr(), toolArgs.toArray(new String[0]));
    }
}
