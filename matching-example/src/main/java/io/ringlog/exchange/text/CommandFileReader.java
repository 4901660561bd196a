package io.ringlog.exchange.text;

import java.io.BufferedReader;
import java.io.IOException;

/**
 * Reads a command file line by line: each good command goes to a {@link Sink}, each malformed line to
 * an {@link ErrorSink} with its line number, and reading goes on, so one bad line neither stops nor
 * corrupts a run.
 */
public final class CommandFileReader
{
    /** Receives each parsed command; the instance is reused, so copy what you keep. */
    @FunctionalInterface
    public interface Sink
    {
        void command(ParsedCommand command) throws IOException;
    }

    /** Receives each malformed line. */
    @FunctionalInterface
    public interface ErrorSink
    {
        void malformed(int lineNumber, String line, String reason);
    }

    /** What a read saw. */
    public record Counts(int lines, int commands, int malformed)
    {
    }

    private final CommandParser parser = new CommandParser();
    private final ParsedCommand command = new ParsedCommand();

    public Counts read(final BufferedReader reader, final Sink sink, final ErrorSink errors) throws IOException
    {
        int lines = 0;
        int commands = 0;
        int malformed = 0;
        String line;
        while ((line = reader.readLine()) != null)
        {
            lines++;
            switch (parser.parse(line, lines, command))
            {
                case COMMAND:
                    commands++;
                    sink.command(command);
                    break;
                case ERROR:
                    malformed++;
                    errors.malformed(lines, line, parser.error());
                    break;
                default:
                    break;
            }
        }
        return new Counts(lines, commands, malformed);
    }
}
