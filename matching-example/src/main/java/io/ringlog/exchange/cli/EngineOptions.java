package io.ringlog.exchange.cli;

import io.ringlog.core.Topology;
import io.ringlog.core.WaitStrategies;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Engine options {@code run} and {@code demo} share. */
final class EngineOptions
{
    @Option(names = "--topology", defaultValue = "COMPACT", paramLabel = "TOPOLOGY",
        description = "How stages map onto threads: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}, " +
            "the better choice where threads outnumber cores).")
    Topology topology;

    @Option(names = "--wait-strategy", defaultValue = "PARKING", paramLabel = "STRATEGY",
        description = "How stage threads wait for work: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; " +
            "BATCHING holds a busy stage off at least 10 us to take more at once: throughput for latency; " +
            "YIELDING and BUSY_SPIN only with a core per stage thread).")
    WaitStrategies waitStrategy;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "PER_SECOND",
        description = "Publish at this many commands a second, so latency is measured at a known load rather than " +
            "under saturation (default: 0, flat out). The publisher parks between commands and spins the last 50 us.")
    long rate;

    @Option(names = "--max-assets", paramLabel = "N",
        description = "Asset ids the exchange accepts, 0..N-1, N from 2 to 1024 (default: " +
            ExchangeSettings.DEFAULT_MAX_ASSETS + "). Journaled as the first command of a new journal; later runs " +
            "and replays use the journal's value, and a run asking for another is refused.")
    Integer maxAssets;

    /** The settings asked for (or the defaults); a {@code --max-assets} out of bounds is a usage error (exit 2). */
    ExchangeSettings settings(final CommandLine commandLine)
    {
        try
        {
            return ExchangeSettings.requested(maxAssets);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.ParameterException(commandLine, "--" + ex.getMessage());
        }
    }
}
