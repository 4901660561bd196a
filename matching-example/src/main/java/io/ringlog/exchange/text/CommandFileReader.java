package io.ringlog.exchange.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * Reads a command file line by line: each good command goes to a {@link Sink}, each malformed line to
 * an {@link ErrorSink} with its line number, and reading goes on, so one bad line neither stops nor
 * corrupts a run.
 * <p>
 * From bytes ({@link #read(InputStream, Sink, ErrorSink)}), each line is decoded on its own with a
 * strict UTF-8 decoder: a line that is not valid UTF-8, or longer than {@value #MAX_LINE_BYTES} bytes
 * (never held whole: the rest is skipped to its end), is malformed like any other, and the lines
 * around it are read as usual. A UTF-8 byte order mark before the first line is skipped; a line may end
 * in {@code \n} or {@code \r\n}. From bytes, a command on a last line that no newline ends is malformed: its writer may
 * have been cut off in it (lines already decoded, {@link #read(BufferedReader, Sink, ErrorSink)}, cannot tell).
 */
public final class CommandFileReader
{
    /** The longest line read, in bytes; a command is well under 200. */
    public static final int MAX_LINE_BYTES = 4096;

    /** Receives each parsed command; the instance is reused, so copy what you keep. */
    @FunctionalInterface
    public interface Sink
    {
        void command(ParsedCommand command) throws IOException;
    }

    /** Receives each malformed line: its number, the line (cut to a fit length), and why. */
    @FunctionalInterface
    public interface ErrorSink
    {
        void malformed(long lineNumber, String line, String reason);
    }

    /** What a read saw. */
    public record Counts(long lines, long commands, long malformed)
    {
    }

    private static final int STOPPED = -2;
    /** A UTF-8 byte order mark's 3 bytes and a line end's {@code \r}: not counted in a line's length. */
    private static final int KEPT_BESIDE_LINE = 4;

    private final CommandParser parser = new CommandParser();
    private final ParsedCommand command = new ParsedCommand();
    private long lines;
    private long commands;
    private long malformed;
    private long fromLine = 1;
    private BooleanSupplier stop = () -> false;
    private boolean stopped;

    /** Lines before {@code line} (numbered from 1) are counted but not parsed: to go on where a stopped read ended. */
    public CommandFileReader fromLine(final long line)
    {
        if (line < 1)
        {
            throw new IllegalArgumentException("lines are numbered from 1, not " + line);
        }
        this.fromLine = line;
        return this;
    }

    /**
     * Asked before each line from {@link #fromLine} on: once it answers true the read ends there, that
     * line unread, and {@link #stopped()} says so; {@link Counts#lines()} is then the number of the last
     * line read (at least {@code fromLine - 1}: the lines skipped count as read).
     */
    public CommandFileReader stopWhen(final BooleanSupplier stop)
    {
        this.stop = stop;
        return this;
    }

    /** Whether the last read ended because {@link #stopWhen} asked it to, before the end of the input. */
    /** What was read so far: where a sink threw, the counts up to that line. */
    public Counts counts()
    {
        return new Counts(Math.max(lines, fromLine - 1), commands, malformed);
    }

    public boolean stopped()
    {
        return stopped;
    }

    /** Reads lines already decoded (a string, say); a line longer than the limit is malformed. */
    public Counts read(final BufferedReader reader, final Sink sink, final ErrorSink errors) throws IOException
    {
        reset();
        String line;
        while ((line = reader.readLine()) != null)
        {
            if (stopBeforeNextLine())
            {
                break;
            }
            lines++;
            if (lines < fromLine)
            {
                continue;
            }
            if (lines == 1 && line.startsWith("\uFEFF"))
            {
                line = line.substring(1);
            }
            if (line.length() > MAX_LINE_BYTES)
            {
                reportMalformed(errors, line, "the line is " + line.length() + " characters long; a line may have at " +
                    "most " + MAX_LINE_BYTES);
                continue;
            }
            parse(line, sink, errors);
        }
        return new Counts(lines, commands, malformed);
    }

    /** Reads a file's bytes; see the class comment for what makes a line malformed. */
    public Counts read(final InputStream in, final Sink sink, final ErrorSink errors) throws IOException
    {
        reset();
        final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        final byte[] chunk = new byte[1 << 16];
        // Room for a byte order mark and a \r besides the longest line: kept whole, a line of the longest length is read as
        // one (a reviewer's finding: the mark's 3 bytes cut the end off such a first line, a number in it read shorter).
        final byte[] line = new byte[MAX_LINE_BYTES + KEPT_BESIDE_LINE];
        int length = 0;
        long lineBytes = 0;
        boolean first = true;
        int read;
        while ((read = read(in, chunk)) >= 0)
        {
            for (int i = 0; i < read; i++)
            {
                final byte b = chunk[i];
                if (b == '\n')
                {
                    if (stopBeforeNextLine())
                    {
                        return new Counts(lines, commands, malformed);
                    }
                    lines++;
                    line(line, length, lineBytes, first, true, decoder, sink, errors);
                    first = false;
                    length = 0;
                    lineBytes = 0;
                    continue;
                }
                if (length < line.length)
                {
                    line[length++] = b;
                }
                lineBytes++;
            }
            // Also between chunks of a line: one that never ends (/dev/zero, a file with no newline in gigabytes)
            // must not keep a stopped read going. That line stays unread.
            if (lineBytes > MAX_LINE_BYTES && (stopBeforeNextLine() || stop.getAsBoolean()))
            {
                // Before fromLine too: a stop asked there ends the read as well, the lines skipped counted as read.
                stopped = true;
                return new Counts(Math.max(lines, fromLine - 1), commands, malformed);
            }
        }
        if (read == STOPPED)
        {
            // The stop closed the input under a waiting read (a pipe): the part of a line read before it stays unread.
            stopped = true;
            return new Counts(Math.max(lines, fromLine - 1), commands, malformed);
        }
        if (lineBytes > 0)
        {
            if (stopBeforeNextLine())
            {
                return new Counts(lines, commands, malformed);
            }
            lines++;
            line(line, length, lineBytes, first, false, decoder, sink, errors);
        }
        return new Counts(lines, commands, malformed);
    }

    private void line(
        final byte[] bytes,
        final int kept,
        final long lineBytes,
        final boolean first,
        final boolean ended,
        final CharsetDecoder decoder,
        final Sink sink,
        final ErrorSink errors) throws IOException
    {
        if (lines < fromLine)
        {
            return;
        }
        int from = 0;
        int length = kept;
        long total = lineBytes;
        if (first && length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF)
        {
            from = 3;
            length -= 3;
            total -= 3;
        }
        if (length > 0 && bytes[from + length - 1] == '\r' && total == length)
        {
            length--;
            total--;
        }
        if (total > MAX_LINE_BYTES)
        {
            reportMalformed(errors, lenient(bytes, from, length), "the line is " + total + " bytes long; a line may " +
                "have at most " + MAX_LINE_BYTES + (carriageReturnIn(bytes, from, length) ? " (it holds carriage returns: " +
                "a file whose lines end in \\r alone reads as one line; tr '\\r' '\\n' mends it)" : ""));
            return;
        }
        final String text;
        try
        {
            text = decoder.reset().decode(ByteBuffer.wrap(bytes, from, length)).toString();
        }
        catch (final CharacterCodingException ex)
        {
            reportMalformed(errors, lenient(bytes, from, length), "not valid UTF-8 (byte 0x" +
                Integer.toHexString(firstBad(decoder, bytes, from, length)) + " where a character should be)");
            return;
        }
        parse(text, ended, sink, errors);
    }

    private void parse(final String line, final Sink sink, final ErrorSink errors) throws IOException
    {
        parse(line, true, sink, errors);
    }

    /**
     * @param ended whether a newline ended the line: one that did not is the last of the input, and may be a line its
     *              writer was cut off in (a pipe's writer killed, a copy that stopped), where {@code amount=10} can be
     *              what was left of {@code amount=1000000}: a valid command of another value. It is not applied.
     */
    private void parse(final String line, final boolean ended, final Sink sink, final ErrorSink errors) throws IOException
    {
        switch (parser.parse(line, lines, command))
        {
            case COMMAND:
                if (!ended)
                {
                    // A reviewer's: a FIFO's writer killed mid-number applied the cut value, exit 0, even with --strict.
                    reportMalformed(errors, line, "the input ends in this line without a newline: it may have been cut " +
                        "off as it was written (a number cut short is another valid number), so it is not applied; end " +
                        "the line with a newline to apply it");
                    break;
                }
                commands++;
                sink.command(command);
                break;
            case ERROR:
                reportMalformed(errors, line, parser.error());
                break;
            default:
                break;
        }
    }

    private void reportMalformed(final ErrorSink errors, final String line, final String reason)
    {
        malformed++;
        errors.malformed(lines, Excerpt.of(line), reason);
    }

    /**
     * {@code in.read(chunk)}, or {@link #STOPPED} where it failed once the stop was asked: a stop closes a pipe whose
     * writer sends nothing, so that the read waiting on it returns.
     */
    private int read(final InputStream in, final byte[] chunk) throws IOException
    {
        try
        {
            return in.read(chunk);
        }
        catch (final IOException ex)
        {
            if (stop.getAsBoolean())
            {
                return STOPPED;
            }
            throw ex;
        }
    }

    /** Whether to stop before the next line: asked only from {@link #fromLine} on; remembers a yes. */
    private boolean stopBeforeNextLine()
    {
        if (lines + 1 >= fromLine && stop.getAsBoolean())
        {
            stopped = true;
        }
        return stopped;
    }

    private void reset()
    {
        stopped = false;
        lines = 0;
        commands = 0;
        malformed = 0;
    }

    /** Whether the kept bytes of a line hold a carriage return (the code review's long file of \r line ends). */
    private static boolean carriageReturnIn(final byte[] bytes, final int from, final int length)
    {
        for (int i = from; i < from + length; i++)
        {
            if (bytes[i] == '\r')
            {
                return true;
            }
        }
        return false;
    }

    /** The line decoded with replacement characters, for showing it. */
    private static String lenient(final byte[] bytes, final int from, final int length)
    {
        return new String(bytes, from, Math.min(length, 4 * Excerpt.MAX), StandardCharsets.UTF_8);
    }

    /** The first byte of a line the strict decoder refuses. */
    private static int firstBad(final CharsetDecoder decoder, final byte[] bytes, final int from, final int length)
    {
        final ByteBuffer in = ByteBuffer.wrap(bytes, from, length);
        final CharBuffer out = CharBuffer.allocate(length + 1);
        decoder.reset().decode(in, out, true);
        return in.hasRemaining() ? in.get() & 0xFF : 0;
    }
}
