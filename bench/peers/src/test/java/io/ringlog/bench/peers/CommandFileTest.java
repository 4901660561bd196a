package io.ringlog.bench.peers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandFileTest
{
    private static CommandFile parse(final String text) throws IOException
    {
        return CommandFile.read(new BufferedReader(new StringReader(text)));
    }

    private static String failure(final String text)
    {
        return assertThrows(CommandFile.MalformedCommandException.class, () -> parse(text)).getMessage();
    }

    @Test
    void shouldReadEveryVerbOfTheFormat() throws IOException
    {
        final CommandFile file = parse("""
            # a comment line, then a blank one

            instrument sym=1 base=1 quote=0 tick=5 lot=100
            deposit acct=12 asset=0 amount=1000000   # trailing comment
            withdraw acct=12 asset=0 amount=7
            place oid=77 acct=12 sym=1 side=BUY type=GTC price=10050 qty=5
            place qty=2 type=market side=sell sym=1 acct=13 oid=78
            cancel oid=77 acct=12 src=3 seq=9 corr=44
            reduce oid=77 acct=12 by=2
            \tmove   oid=77 acct=12 price=10040
            """);

        assertEquals(8, file.size());
        assertEquals(CommandFile.INSTRUMENT, file.verb(0));
        assertEquals(new CommandFile.Instrument(1, 1, 0, 5, 100), file.instrument(0));

        assertEquals(CommandFile.DEPOSIT, file.verb(1));
        assertEquals(12, file.account(1));
        assertEquals(0, file.symbol(1));
        assertEquals(1_000_000, file.price(1));
        assertEquals(CommandFile.WITHDRAW, file.verb(2));
        assertEquals(7, file.price(2));

        assertEquals(CommandFile.PLACE, file.verb(3));
        assertEquals(77, file.orderId(3));
        assertEquals(CommandFile.BUY, file.side(3));
        assertEquals(CommandFile.GTC, file.orderType(3));
        assertEquals(10050, file.price(3));
        assertEquals(5, file.quantity(3));

        assertEquals(CommandFile.SELL, file.side(4), "words are case-insensitive, fields in any order");
        assertEquals(CommandFile.MARKET, file.orderType(4));
        assertEquals(0, file.price(4), "a market order needs no price");

        assertEquals(CommandFile.CANCEL, file.verb(5));
        assertEquals(77, file.orderId(5));
        assertEquals(CommandFile.REDUCE, file.verb(6));
        assertEquals(2, file.quantity(6));
        assertEquals(CommandFile.MOVE, file.verb(7));
        assertEquals(10040, file.price(7));
    }

    @Test
    void shouldStopAtTheFirstMalformedLineWithItsNumber()
    {
        assertTrue(failure("deposit acct=1 asset=0 amount=5\nbuy oid=1\n").startsWith("line 2: unknown command 'buy'"));
        assertTrue(failure("cancel oid=1 acct=2 colour=red").contains("unknown field 'colour'"));
        assertTrue(failure("cancel oid=1 acct=2 sym=1").contains("unknown field 'sym' for this command"));
        assertTrue(failure("place oid=1 acct=2 sym=1 side=BUY type=GTC").contains("missing price= qty="));
        assertTrue(failure("move oid=1 oid=2 acct=1 price=3").contains("'oid' given twice"));
        assertTrue(failure("move oid=x acct=1 price=3").contains("oid must be an integer, got 'x'"));
        assertTrue(failure("move oid=99999999999999999999 acct=1 price=3").contains("out of long range"));
        assertTrue(failure("deposit acct=1 asset=4294967296 amount=1").contains("asset is out of int range"));
        assertTrue(failure("place oid=1 acct=2 sym=1 side=UP type=GTC price=1 qty=1").contains("side must be BUY or SELL"));
        assertTrue(failure("place oid=1 acct=2 sym=1 side=BUY type=GTD price=1 qty=1").contains("type must be GTC"));
        assertTrue(failure("cancel oid=1 acct=").contains("expected key=value"));
    }

    @Test
    void shouldReadNegativeAndExtremeNumbersExactly() throws IOException
    {
        final CommandFile file = parse("""
            move oid=9223372036854775807 acct=-9223372036854775808 price=-1
            """);
        assertEquals(Long.MAX_VALUE, file.orderId(0));
        assertEquals(Long.MIN_VALUE, file.account(0));
        assertEquals(-1, file.price(0));
    }

    @Test
    void shouldReadAGzippedFile(@TempDir final Path dir) throws IOException
    {
        final Path file = dir.resolve("commands.txt.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file)))
        {
            out.write("instrument sym=1 base=1 quote=0 tick=1 lot=1\ncancel oid=1 acct=2\n".getBytes(StandardCharsets.UTF_8));
        }
        final CommandFile commands = CommandFile.read(file);
        assertEquals(2, commands.size());
        assertEquals(CommandFile.CANCEL, commands.verb(1));
    }

    @Test
    void shouldGrowPastItsFirstCapacity() throws IOException
    {
        final StringBuilder text = new StringBuilder();
        final int commands = (1 << 16) + 3;
        for (int i = 0; i < commands; i++)
        {
            text.append("cancel oid=").append(i).append(" acct=1\n");
        }
        final CommandFile file = parse(text.toString());
        assertEquals(commands, file.size());
        assertEquals(commands - 1, file.orderId(commands - 1));
    }
}
