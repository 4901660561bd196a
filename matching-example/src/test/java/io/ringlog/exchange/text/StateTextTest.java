package io.ringlog.exchange.text;

import io.ringlog.core.Command;
import io.ringlog.core.DiscardingOutput;
import io.ringlog.core.Output;
import io.ringlog.exchange.ExchangeStateMachine;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StateTextTest
{
    @Test
    void shouldPrintBookAsLadderAndBalancesAsLines()
    {
        final ExchangeStateMachine exchange = new ExchangeStateMachine(4, true);
        apply(exchange,
            "instrument sym=1 base=1 quote=0 tick=1 lot=1",
            "deposit acct=1 asset=0 amount=10000",
            "deposit acct=2 asset=1 amount=50",
            "place oid=1 acct=1 sym=1 side=BUY type=GTC price=99 qty=2",
            "place oid=2 acct=1 sym=1 side=BUY type=GTC price=98 qty=1",
            "place oid=3 acct=2 sym=1 side=SELL type=GTC price=101 qty=4",
            "place oid=4 acct=2 sym=1 side=SELL type=GTC price=103 qty=5",
            "place oid=5 acct=2 sym=1 side=SELL type=GTC price=104 qty=1");
        assertEquals(String.join("\n",
            "book sym=1 bids=2 asks=2",
            "  SELL price=103 qty=5 orders=1",
            "  SELL price=101 qty=4 orders=1",
            "  BUY price=99 qty=2 orders=1",
            "  BUY price=98 qty=1 orders=1",
            ""), StateText.book(exchange, 1, 2, new StringBuilder()).toString());
        assertEquals(String.join("\n",
            "balance acct=1 asset=0 free=9704 reserved=296",
            ""), StateText.balances(exchange, 1, new StringBuilder()).toString());
        assertEquals("book sym=7 bids=0 asks=0\n", StateText.book(exchange, 7, 5, new StringBuilder()).toString());
    }

    private static void apply(final ExchangeStateMachine exchange, final String... lines)
    {
        final CommandParser parser = new CommandParser();
        final ParsedCommand parsed = new ParsedCommand();
        final Command command = new Command(64);
        final Output ignore = new DiscardingOutput(256);
        long position = 0;
        for (final String line : lines)
        {
            assertEquals(CommandParser.Result.COMMAND, parser.parse(line, 1, parsed), parser.error());
            command.set(++position, 0, parsed.type(), parsed.version(), 0, 0, 0, parsed.payload(), 0, parsed.payloadLength());
            exchange.apply(command, ignore);
        }
    }
}
