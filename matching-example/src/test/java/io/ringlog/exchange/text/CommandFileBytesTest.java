package io.ringlog.exchange.text;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad bytes in a command file are malformed lines, each reported with its number and the rest of the
 * file applied: a byte that is not UTF-8 used to stop a run part way with "Input length = 1" (no file,
 * no line); Unicode digits were taken as numbers; a byte order mark made line 1 an unknown command; a
 * 20 MB line was echoed whole.
 */
class CommandFileBytesTest
{
    @Test
    void shouldReportBadBytesForeignDigitsAndOverlongLinesAndApplyTheRest() throws IOException
    {
        final ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write(new byte[]{(byte)0xEF, (byte)0xBB, (byte)0xBF});
        file.write("deposit acct=1 asset=0 amount=100\r\n".getBytes(StandardCharsets.UTF_8));
        file.write("deposit acct=2 asset=0 amount=1".getBytes(StandardCharsets.UTF_8));
        file.write(new byte[]{(byte)0xFF, (byte)0xC3});
        file.write("0\n".getBytes(StandardCharsets.UTF_8));
        file.write("move oid=1 acct=1 price=\u0661\u0660\n".getBytes(StandardCharsets.UTF_8));
        file.write("deposit acct=3 asset=0 amount=5 # caf\u00e9 is fine in a comment\n".getBytes(StandardCharsets.UTF_8));
        final byte[] huge = new byte[20 << 20];
        java.util.Arrays.fill(huge, (byte)'x');
        file.write("plaec ".getBytes(StandardCharsets.UTF_8));
        file.write(huge);
        file.write('\n');
        file.write("cancel oid=1 acct=1\n".getBytes(StandardCharsets.UTF_8));

        final List<String> errors = new ArrayList<>();
        final List<Long> commands = new ArrayList<>();
        final CommandFileReader.Counts counts = new CommandFileReader().read(new ByteArrayInputStream(file.toByteArray()),
            (command) -> commands.add(command.lineNumber()),
            (lineNumber, line, reason) -> errors.add(lineNumber + ": " + reason + " | " + line));
        assertEquals(List.of(1L, 4L, 6L), commands, "the BOM is skipped, CRLF accepted, the rest applied");
        assertEquals(3, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("2: not valid UTF-8 (byte 0xff where a character should be) | deposit " +
            "acct=2 asset=0 amount=1"), errors.get(0));
        assertTrue(errors.get(1).startsWith("3: price must be an integer in ASCII digits, got '\\u0661\\u0660'"),
            errors.get(1));
        assertTrue(errors.get(2).startsWith("5: the line is " + (6 + (20 << 20)) + " bytes long; a line may have at " +
            "most 4096 | plaec xxxxxxxx"), errors.get(2));
        assertTrue(errors.get(2).length() < 200, "the line is cut in the message: " + errors.get(2).length());
        assertEquals(new CommandFileReader.Counts(6, 3, 3), counts);
    }

    /**
     * A reviewer's: a FIFO whose writer was killed in {@code amount=1000000} left {@code amount=10} as the input's last
     * line, applied at exit 0. A last command no newline ends may be cut, and is malformed, said so; a last blank or
     * comment line without one is nothing, as before.
     */
    @Test
    void shouldNotApplyALastCommandThatNoNewlineEnds() throws IOException
    {
        final List<String> errors = new ArrayList<>();
        final List<Long> commands = new ArrayList<>();
        final CommandFileReader.Counts counts = new CommandFileReader().read(new ByteArrayInputStream(
                "deposit acct=1 asset=0 amount=1\ndeposit acct=12 asset=0 amount=10".getBytes(StandardCharsets.UTF_8)),
            (command) -> commands.add(command.lineNumber()),
            (lineNumber, line, reason) -> errors.add(lineNumber + ": " + reason + " | " + line));
        assertEquals(List.of(1L), commands);
        assertEquals(List.of("2: the input ends in this line without a newline: it may have been cut off as it was " +
            "written (a number cut short is another valid number), so it is not applied; end the line with a newline to " +
            "apply it | deposit acct=12 asset=0 amount=10"), errors);
        assertEquals(new CommandFileReader.Counts(2, 1, 1), counts);

        for (final String end : new String[]{"# a comment", "   ", "deposit acct=1 asset=0 amount=1 # its comment\n"})
        {
            errors.clear();
            final CommandFileReader.Counts ended = new CommandFileReader().read(new ByteArrayInputStream(
                ("deposit acct=1 asset=0 amount=1\n" + end).getBytes(StandardCharsets.UTF_8)),
                (command) -> commands.add(command.lineNumber()), (lineNumber, line, reason) -> errors.add(lineNumber + ": " + reason));
            assertEquals(List.of(), errors, end);
            assertEquals(end.endsWith("\n") ? 2 : 1, ended.commands(), end);
        }
    }

    /**
     * A reviewer's: a carriage return inside a line said {@code expected key=value, got 'cancel'}, and a file whose lines
     * end in {@code \r} alone read as one line, which a first comment made no command at all. The carriage return is named.
     */
    @Test
    void shouldNameACarriageReturnInsideALine() throws IOException
    {
        final List<String> errors = new ArrayList<>();
        new CommandFileReader().read(new ByteArrayInputStream(("reduce oid=1 acct=12 by=2\rcancel oid=78 acct=13\n" +
                "# old Mac line ends\rdeposit acct=1 asset=0 amount=1\r").getBytes(StandardCharsets.UTF_8)),
            (command) -> errors.add("applied line " + command.lineNumber()),
            (lineNumber, line, reason) -> errors.add(lineNumber + ": " + reason));
        final String said = ", inside the line: a line ends in \\n or \\r\\n, and a file whose lines end in \\r alone " +
            "reads as one line (tr '\\r' '\\n' mends it)";
        assertEquals(List.of("1: a carriage return (\\r) at column 26" + said, "2: a carriage return (\\r) at column 20" +
            said), errors);

        // The code review's: a file of \r line ends longer than a line may be was said as one long line alone.
        errors.clear();
        new CommandFileReader().read(new ByteArrayInputStream("deposit acct=1 asset=0 amount=1\r".repeat(200)
                .getBytes(StandardCharsets.UTF_8)), (command) -> errors.add("applied line " + command.lineNumber()),
            (lineNumber, line, reason) -> errors.add(lineNumber + ": " + reason));
        assertEquals(List.of("1: the line is 6400 bytes long; a line may have at most 4096 (it holds carriage returns: a " +
            "file whose lines end in \\r alone reads as one line; tr '\\r' '\\n' mends it)"), errors);
    }

    /**
     * What a stopped run's resume relies on: from line N, the lines before it are neither parsed nor
     * reported (a BOM on line 1 included), and a stop is asked only from line N on, so the last line read is
     * never before N - 1.
     */
    @Test
    void shouldStartAtALineAndStopBeforeTheNextOneWhenAsked() throws IOException
    {
        final byte[] file = ("\uFEFFdeposit acct=1 asset=0 amount=1\nnot a command\ndeposit acct=3 asset=0 amount=3\n" +
            "deposit acct=4 asset=0 amount=4\ndeposit acct=5 asset=0 amount=5\n").getBytes(StandardCharsets.UTF_8);
        final List<Long> read = new ArrayList<>();
        final List<Long> errors = new ArrayList<>();
        final CommandFileReader fromThree = new CommandFileReader().fromLine(3);
        final CommandFileReader.Counts all = fromThree.read(new ByteArrayInputStream(file),
            (command) -> read.add(command.lineNumber()), (lineNumber, line, reason) -> errors.add(lineNumber));
        assertEquals(List.of(3L, 4L, 5L), read, "from line 3");
        assertEquals(List.of(), errors, "line 2 is before the start: not parsed, not reported");
        assertEquals(new CommandFileReader.Counts(5, 3, 0), all);
        assertTrue(!fromThree.stopped());

        read.clear();
        final CommandFileReader stoppedAtOnce = new CommandFileReader().fromLine(3).stopWhen(() -> true);
        final CommandFileReader.Counts none = stoppedAtOnce.read(new ByteArrayInputStream(file),
            (command) -> read.add(command.lineNumber()), (lineNumber, line, reason) -> errors.add(lineNumber));
        assertTrue(stoppedAtOnce.stopped());
        assertEquals(2, none.lines(), "a stop asked at once still counts the skipped lines as read: resume at 3");
        assertEquals(List.of(), read);

        final CommandFileReader stoppedAfterFour = new CommandFileReader();
        stoppedAfterFour.stopWhen(() -> read.size() == 3);
        final CommandFileReader.Counts some = stoppedAfterFour.read(new ByteArrayInputStream(file),
            (command) -> read.add(command.lineNumber()), (lineNumber, line, reason) -> errors.add(lineNumber));
        assertTrue(stoppedAfterFour.stopped());
        assertEquals(List.of(1L, 3L, 4L), read);
        assertEquals(4, some.lines(), "the last line read; line 5 was not");
        assertEquals(List.of(2L), errors);
    }

    @Test
    void shouldNeverHoldMoreThanALineLimitOfAnEndlessLine() throws IOException
    {
        final long[] served = {0};
        final InputStream endless = new InputStream()
        {
            @Override
            public int read()
            {
                return served[0]++ < (64L << 20) ? 'y' : -1;
            }

            @Override
            public int read(final byte[] b, final int off, final int len)
            {
                if (served[0] >= (64L << 20))
                {
                    return -1;
                }
                java.util.Arrays.fill(b, off, off + len, (byte)'y');
                served[0] += len;
                return len;
            }
        };
        final List<String> errors = new ArrayList<>();
        new CommandFileReader().read(endless, (command) ->
        {
        }, (lineNumber, line, reason) -> errors.add(reason));
        assertEquals(List.of("the line is 67108864 bytes long; a line may have at most 4096"), errors);
    }

    /** A line that never ends (/dev/zero, say) must not hold a read that was asked to stop: Ctrl-C used to do nothing. */
    @Test
    @Timeout(30)
    void shouldStopInsideALineThatNeverEnds() throws IOException
    {
        final long[] served = {0};
        final InputStream zeros = new InputStream()
        {
            @Override
            public int read()
            {
                served[0]++;
                return 0;
            }

            @Override
            public int read(final byte[] b, final int off, final int len)
            {
                java.util.Arrays.fill(b, off, off + len, (byte)0);
                served[0] += len;
                return len;
            }
        };
        final CommandFileReader reader = new CommandFileReader().stopWhen(() -> served[0] > (1 << 20));
        final CommandFileReader.Counts counts = reader.read(zeros, (command) ->
        {
        }, (lineNumber, line, reason) ->
        {
        });
        assertTrue(reader.stopped(), "stopped");
        assertEquals(new CommandFileReader.Counts(0, 0, 0), counts, "no whole line read; the endless one stays unread");
        assertTrue(served[0] < (2 << 20), "stopped within a chunk of being asked: " + served[0] + " bytes read");

        // Also before the line a read starts from: the endless line is line 1, the read starts at 5.
        served[0] = 0;
        final CommandFileReader later = new CommandFileReader().fromLine(5).stopWhen(() -> served[0] > (1 << 20));
        assertEquals(new CommandFileReader.Counts(4, 0, 0), later.read(zeros, (command) ->
        {
        }, (lineNumber, line, reason) ->
        {
        }), "the lines before the start count as read");
        assertTrue(later.stopped(), "stopped");
    }
}
