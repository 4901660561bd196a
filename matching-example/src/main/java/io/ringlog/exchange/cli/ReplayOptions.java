package io.ringlog.exchange.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where the journal is and how far to replay it: {@code replay}, {@code book} and {@code balances} share these. */
final class ReplayOptions
{
    @Option(names = {"-d", "--dir"}, required = true, paramLabel = "JOURNAL_DIR", description = "Journal directory.")
    Path journalDir;

    @Option(names = "--to", paramLabel = "N",
        description = "State as of position N, after its command (default: the journal's last position; 0: before the " +
            "first command).")
    Long to;

    @Option(names = "--no-snapshot", description = "Replay from position 1, ignoring snapshots.")
    boolean noSnapshot;

    @Option(names = "--max-assets", paramLabel = "N",
        description = "Only for a journal written before the exchange kept its settings in the journal, whose " +
            "exchange.properties is lost: the max-assets it was written with. Other journals carry their own.")
    Integer maxAssets;

    @Option(names = "--snapshots", paramLabel = "DIR", description = "Snapshot directory (default: JOURNAL_DIR/snapshots).")
    Path snapshots;

    ExchangeRunner.ReplaySettings settings(final CommandLine.Model.CommandSpec spec, final Path events)
    {
        if (to != null && to < 0)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--to " + to + " is not a position: positions " +
                "start at 1, and 0 is the state before the first command");
        }
        if (snapshots != null && !java.nio.file.Files.isDirectory(snapshots))
        {
            // A mistyped path would replay from position 1 without a word, as if the journal had no snapshots.
            throw new CommandLine.ParameterException(spec.commandLine(), "--snapshots " + snapshots + " is not a " +
                "directory: give the directory the journal's snapshots are in (without it: " +
                journalDir.resolve("snapshots") + ")");
        }
        return new ExchangeRunner.ReplaySettings(journalDir, snapshots != null ? snapshots : journalDir.resolve("snapshots"),
            !noSnapshot, to == null ? Long.MAX_VALUE : to, events, maxAssets);
    }
}
