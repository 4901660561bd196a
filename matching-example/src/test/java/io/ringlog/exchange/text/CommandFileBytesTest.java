package io.ringlog.exchange.text;

import org.junit.jupiter.api.Test;

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
        file.write("cancel oid=1 acct=1".getBytes(StandardCharsets.UTF_8));

        final List<String> errors = new ArrayList<>();
        final List<Integer> commands = new ArrayList<>();
        final CommandFileReader.Counts counts = new CommandFileReader().read(new ByteArrayInputStream(file.toByteArray()),
            (command) -> commands.add(command.lineNumber()),
            (lineNumber, line, reason) -> errors.add(lineNumber + ": " + reason + " | " + line));
        assertEquals(List.of(1, 4, 6), commands, "the BOM is skipped, CRLF accepted, the rest applied");
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
}
