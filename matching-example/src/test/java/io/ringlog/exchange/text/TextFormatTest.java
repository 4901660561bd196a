package io.ringlog.exchange.text;

import io.ringlog.exchange.RejectReason;
import io.ringlog.exchange.codec.CommandTypes;
import io.ringlog.exchange.codec.EventTypes;
import io.ringlog.exchange.codec.event.RejectedEventEncoder;
import io.ringlog.exchange.workload.WorkloadConfig;
import io.ringlog.exchange.workload.WorkloadGenerator;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class TextFormatTest
{
    private final CommandParser parser = new CommandParser();
    private final ParsedCommand parsed = new ParsedCommand();
    private final TextFormat format = new TextFormat();

    @Test
    void shouldParseEveryCommandAndFormatItBackTheSame()
    {
        final String[] lines = {
            "instrument sym=1 base=1 quote=0 tick=5 lot=100",
            "deposit acct=12 asset=0 amount=1000000",
            "withdraw acct=12 asset=0 amount=500",
            "place oid=77 acct=12 sym=1 side=BUY type=GTC price=10050 qty=5",
            "place oid=78 acct=12 sym=1 side=SELL type=IOC price=10050 qty=5",
            "place oid=79 acct=12 sym=1 side=SELL type=FOK price=10050 qty=5",
            "place oid=80 acct=12 sym=1 side=BUY type=MARKET qty=5",
            "cancel oid=77 acct=12",
            "reduce oid=77 acct=12 by=2",
            "move oid=77 acct=12 price=10040",
        };
        for (final String line : lines)
        {
            assertEquals(CommandParser.Result.COMMAND, parser.parse(line, 1, parsed), line + ": " + parser.error());
            assertEquals(line, format.command(parsed.type(), parsed.payload(), 0, parsed.payloadLength(),
                new StringBuilder()).toString());
        }
    }

    @Test
    void shouldAcceptFieldsInAnyOrderWithHeaderFieldsAndComments()
    {
        assertEquals(CommandParser.Result.COMMAND,
            parser.parse("  move price=10 acct=2 oid=3 src=9 seq=4 corr=77   # moving", 5, parsed));
        assertEquals(CommandTypes.MOVE_ORDER, parsed.type());
        assertEquals(9, parsed.sourceId());
        assertEquals(4, parsed.sourceSequence());
        assertEquals(77, parsed.correlationId());
        assertEquals(5, parsed.lineNumber());
        assertEquals(CommandParser.Result.COMMAND, parser.parse("cancel oid=3 acct=2", 6, parsed));
        assertEquals(6, parsed.correlationId(), "correlation id defaults to the line number");
        assertEquals(CommandParser.Result.COMMAND, parser.parse("place oid=1 acct=1 sym=1 side=buy type=gtc price=5 qty=1",
            7, parsed));
        assertEquals(CommandParser.Result.SKIP, parser.parse("   ", 8, parsed));
        assertEquals(CommandParser.Result.SKIP, parser.parse("# only a comment", 9, parsed));
    }

    @Test
    void shouldReportMalformedLinesWithLineNumbersAndCarryOn() throws Exception
    {
        final String file = String.join("\n",
            "deposit acct=1 asset=0 amount=100",
            "deposit acct=1 asset=0 amount=lots",
            "place oid=1 acct=1 sym=1 side=BUY type=GTC qty=1",
            "sell everything",
            "cancel oid=1 acct=1 acct=2",
            "cancel oid=1 acct=1 colour=red",
            "cancel oid=1acct=1",
            "instrument sym=99999999999 base=1 quote=0 tick=1 lot=1",
            "place oid=2 acct=1 sym=1 side=BUY type=STOP price=5 qty=1",
            "",
            "deposit acct=-5 asset=0 amount=100",
            "cancel oid=-1 acct=1",
            "place oid=3 acct=1 sym=1 side=BUY type=MARKET price=10 qty=1",
            "deposit acct=1 asset=0 amount=100\0",
            "place oid=4 acct=1 sym=1 side=BUY type=MARKET price=0 qty=1",
            "cancel oid=1 acct=1",
            "deposit acct=1 asset=0 amount=99999999999999999999999999999999",
            "place oid=5 acct=1 sym=1 side=BUY type=GTC price=5 qty=1 clientOrderId=-9223372036854775808",
            // A reviewer's: each of these said "missing acct=" or "expected key=value", of fields plainly there.
            "place oid=79\u00a0acct=12 sym=1 side=BUY type=GTC price=5 qty=1",
            "deposit acct=12\u2003asset=0 amount=1",
            "cancel oid=1\u200bacct=1",
            "instrument sym=-7 base=1 quote=0 tick=1 lot=1",
            "deposit acct=1 asset=0 amount=1 # caf\u00e9\u00a0in a comment is fine");
        final List<String> errors = new ArrayList<>();
        final List<Long> commandLines = new ArrayList<>();
        final CommandFileReader.Counts counts = new CommandFileReader().read(new BufferedReader(new StringReader(file)),
            (command) -> commandLines.add(command.lineNumber()),
            (lineNumber, line, reason) -> errors.add(lineNumber + ": " + reason));
        assertEquals(List.of(
            "2: amount must be an integer in ASCII digits, got 'lots'",
            "3: missing price=",
            "4: unknown command 'sell' (instrument, deposit, withdraw, place, cancel, reduce, move)",
            "5: 'acct' given twice",
            "6: unknown field 'colour' (expected oid, acct)",
            "7: missing acct=",
            "8: sym is out of int range: 99999999999",
            "9: type must be GTC, IOC, FOK or MARKET, got 'STOP'",
            "11: acct must not be negative, got -5: ids count from 0",
            "12: oid must not be negative, got -1: ids count from 0",
            "13: a MARKET order takes no price, got price=10: leave it out, or give type=IOC for an order that takes " +
                "what it can at that price or better",
            "14: amount must be an integer in ASCII digits, got '100\\u0000'",
            // ASCII digits, too many of them: out of range, as sym's is.
            "17: amount is out of long range: 99999999999999999999999999999999",
            // A reviewer's finding: the optional field's null value was taken as "not given", and vanished.
            "18: clientOrderId -9223372036854775808 is the value that means none is given: leave clientOrderId= out " +
                "for none, or give another",
            "19: a U+00A0 (no-break space) at column 13: fields are separated by spaces or tabs, and a command's words " +
                "and numbers are ASCII",
            "20: a U+2003 (em space) at column 16: fields are separated by spaces or tabs, and a command's words and " +
                "numbers are ASCII",
            "21: a U+200B (zero width space) at column 13: fields are separated by spaces or tabs, and a command's " +
                "words and numbers are ASCII",
            "22: sym must not be negative, got -7: ids count from 0"), errors);
        assertEquals(List.of(1L, 15L, 16L, 23L), commandLines, "a market order's price=0 is the generator's: no price");
        assertEquals(new CommandFileReader.Counts(23, 4, 18), counts);
    }

    @Test
    void shouldRoundTripAGeneratedWorkloadThroughText() throws Exception
    {
        final List<byte[]> binary = new ArrayList<>();
        final List<Integer> types = new ArrayList<>();
        final StringWriter text = new StringWriter();
        final CommandTextWriter writer = new CommandTextWriter(text);
        new WorkloadGenerator(WorkloadConfig.manySymbols(9, 5_000).accounts(50).restingPerSymbol(10))
            .generate((type, payload, length) ->
            {
                final byte[] bytes = new byte[length];
                payload.getBytes(0, bytes);
                binary.add(bytes);
                types.add(type);
                writer.write(type, payload, length);
            });
        final List<byte[]> parsedBack = new ArrayList<>();
        final List<Integer> parsedTypes = new ArrayList<>();
        final CommandFileReader.Counts counts = new CommandFileReader().read(
            new BufferedReader(new StringReader(text.toString())),
            (command) ->
            {
                final byte[] bytes = new byte[command.payloadLength()];
                command.payload().getBytes(0, bytes);
                parsedBack.add(bytes);
                parsedTypes.add(command.type());
            },
            (lineNumber, line, reason) ->
            {
                throw new AssertionError(lineNumber + ": " + reason + ": " + line);
            });
        assertEquals(binary.size(), counts.commands());
        assertEquals(writer.written(), counts.lines());
        assertEquals(types, parsedTypes);
        for (int i = 0; i < binary.size(); i++)
        {
            assertArrayEquals(binary.get(i), parsedBack.get(i), "command " + (i + 1));
        }
    }

    @Test
    void shouldFormatUnknownEventsAndEngineRejectionsReadably()
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[8]);
        payload.putInt(0, -1, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals("rejected reason=DUPLICATE", format.event(-1, payload, 0, 4, new StringBuilder()).toString());
        assertEquals("# event type 42, 8 bytes", format.event(42, payload, 0, 8, new StringBuilder()).toString());
        assertEquals("# command type 4, 3 bytes", format.command(4, payload, 0, 3, new StringBuilder()).toString());
    }

    /** Version 3 of the events appended the symbol to a rejection: a version 2 rejection (24 bytes) reads without it. */
    @Test
    void shouldNameTheSymbolOfARejectionWhereItHasOne()
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[RejectedEventEncoder.BLOCK_LENGTH]);
        final RejectedEventEncoder rejected = new RejectedEventEncoder().wrap(payload, 0)
            .reason(RejectReason.DUPLICATE_SYMBOL.code()).commandType(CommandTypes.ADD_INSTRUMENT).orderId(0).account(0);
        rejected.symbol(7);
        assertEquals("rejected reason=DUPLICATE_SYMBOL cmd=instrument oid=0 acct=0 sym=7",
            format.event(EventTypes.REJECTED, payload, 0, RejectedEventEncoder.BLOCK_LENGTH, new StringBuilder()).toString());
        assertEquals("rejected reason=DUPLICATE_SYMBOL cmd=instrument oid=0 acct=0",
            format.event(EventTypes.REJECTED, payload, 0, 24, new StringBuilder()).toString(), "a version 2 rejection");
        rejected.symbol(RejectedEventEncoder.symbolNullValue());
        assertEquals("rejected reason=DUPLICATE_SYMBOL cmd=instrument oid=0 acct=0",
            format.event(EventTypes.REJECTED, payload, 0, RejectedEventEncoder.BLOCK_LENGTH, new StringBuilder()).toString(),
            "none to name");
    }
}
