package io.ringlog.exchange.cli;

import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code exchange replay}: the exchange rebuilt from its journal, optionally as of a position. */
@CommandLine.Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Rebuild the exchange from the journal (opened read-only) and print its state hash: from the newest " +
            "snapshot at or before the target position, then the journal after it.",
        "--to N travels in time: the state as of position N. --events writes every regenerated event in the " +
            "format 'run --events' writes, so the two files diff clean; it replays from position 1."})
final class ReplayCommand implements Callable<Integer>
{
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ReplayOptions replay;

    @Option(names = "--events", paramLabel = "EVENTS_FILE",
        description = "Write the regenerated events here (replaced if it exists); ignores snapshots.")
    Path events;

    @Override
    public Integer call() throws Exception
    {
        final PrintWriter out = spec.commandLine().getOut();
        final ExchangeRunner.ReplaySettings asked = replay.settings(spec, events);
        if (events != null)
        {
            // On the file named, before its partial copy is made beside it: what the user typed is what is checked.
            ExchangeCli.checkNotOverwriting(events, "events file", null, asked.journalDir(), asked.snapshotsDir());
            ExchangeCli.checkWritableWhole(events, "events file");
        }
        // A reviewer's finding: a replay whose events did not fit (a full disk) replaced a whole events file that was
        // there with its own incomplete one. Kept under its name only where there was none.
        final boolean replacing = events != null && Files.isRegularFile(events);
        final ExchangeRunner.ReplayResult result;
        String keptAsItWas = null;
        try (WholeFile file = events == null ? null : WholeFile.of(events, spec.commandLine().getErr(), "replay"))
        {
            try
            {
                result = ExchangeRunner.replay(new ExchangeRunner.ReplaySettings(asked.journalDir(), asked.snapshotsDir(),
                    asked.useSnapshots(), asked.to(), file == null ? null : file.path(), asked.maxAssets()),
                    spec.commandLine().getErr());
            }
            catch (final io.ringlog.core.EngineHaltedException ex)
            {
                // A reviewer's finding: a journal halted at newer code's command gave no events at all, and nothing
                // said that this code replays it up to that command.
                if (ex.getCause() instanceof io.ringlog.core.CommandFailedException failed &&
                    failed.getCause() instanceof io.ringlog.core.CannotApply && failed.position() > 1)
                {
                    throw new IllegalArgumentException(ExchangeCli.message(ex) + ". This code replays the journal up to " +
                        "the command before it: add --to " + (failed.position() - 1), ex);
                }
                throw ex;
            }
            if (file != null && replacing && result.eventsWriter().failure() != null)
            {
                keptAsItWas = ExchangeRunner.eventsFileState(result.eventsWriter(), file.path());
            }
            else if (file != null)
            {
                // Incomplete after a write failed (a full disk) is kept under its name, as the line below says.
                file.done();
            }
        }
        ExchangeRunner.printReplay(out, result);
        if (keptAsItWas != null)
        {
            out.println("events-file: " + events + " (left as it was: this replay's events did not fit, and its copy " +
                "was deleted; it was " + keptAsItWas + ")");
            spec.commandLine().getErr().println("error: this replay's events did not fit beside " + events + ", which is " +
                "left as it was; the journal is untouched: replay again with --events on a disk with room");
            return ExchangeCli.FAILED;
        }
        if (events != null)
        {
            out.println("events-file: " + events + " (" + ExchangeRunner.eventsFileState(result.eventsWriter(),
                events) + ")");
            if (result.eventsWriter().failure() != null)
            {
                spec.commandLine().getErr().println("error: the events file " + events + " is incomplete; the journal " +
                    "is untouched: replay again with --events on a disk with room");
                return ExchangeCli.FAILED;
            }
        }
        if (result.failed() > 0)
        {
            // A reviewer's finding: an upcaster that threw on 4,170 commands, and a clean-looking hash with exit 0.
            spec.commandLine().getErr().println("error: " + result.failed() + " of the " + result.replayed() +
                " commands replayed threw in the exchange (failed above): the state-hash is of a replay in which they " +
                "did nothing. If they did not throw when they were run, this code does not read the journal as the code " +
                "that wrote it did: a journal of newer code (a newer schema version, said above), or an upcaster that " +
                "throws");
            return ExchangeCli.FAILED;
        }
        return ExchangeCli.OK;
    }
}
