package io.ringlog.exchange;

import io.ringlog.core.Command;
import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.Upcasters;
import io.ringlog.core.testing.CollectingListener;
import io.ringlog.exchange.codec.CommandBlocks;
import io.ringlog.exchange.codec.CommandEncoder;
import io.ringlog.exchange.codec.CommandTypes;
import io.ringlog.exchange.codec.CommandUpcasters;
import io.ringlog.exchange.codec.EventTypes;
import io.ringlog.exchange.codec.command.PlaceOrderCommandDecoder;
import io.ringlog.exchange.codec.event.OrderAcceptedEventDecoder;
import io.ringlog.exchange.text.CommandParser;
import io.ringlog.exchange.text.ParsedCommand;
import io.ringlog.exchange.text.TextFormat;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Version 2 of the schemas, end to end: a place gained a client order id, and an acceptance echoes it.
 * A version 1 place is read at its acting version (no client order id: SBE gives the null value) or,
 * through the exchange's upcaster, as what version 1 meant (its order id was the client's reference).
 * A version 1 acceptance is read by version 2 readers, and version 2 commands go through the text format
 * with no text-format change.
 */
class SchemaEvolutionTest
{
    private static final int V1_PLACE_LENGTH = 40;
    private static final int V1_ACCEPTED_LENGTH = 40;

    private final CommandEncoder encoder = new CommandEncoder();
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[256]);
    private final TextFormat format = new TextFormat();

    @Test
    void shouldReadAVersionOnePlaceAtItsActingVersionWhenNoUpcasterRuns()
    {
        final ExchangeStateMachine exchange = funded();
        final RecordingOutput output = new RecordingOutput();
        final Command command = new Command(256);
        encoder.place(payload, 0, 7, 1, 1, Side.BUY_CODE, OrderType.GTC_CODE, 100, 2);
        command.set(10, 10, CommandTypes.PLACE_ORDER, 1, 0, 0, 10, payload, 0, V1_PLACE_LENGTH);
        exchange.apply(command, output);

        final RecordingOutput.Event accepted = output.events().get(0);
        assertEquals("accepted oid=7 acct=1 sym=1 side=BUY type=GTC price=100 qty=2", accepted.text());
        assertEquals(OrderAcceptedEventDecoder.clientOrderIdNullValue(), new OrderAcceptedEventDecoder()
            .wrap(accepted.payload(), 0, accepted.length(), OrderAcceptedEventDecoder.SCHEMA_VERSION).clientOrderId());
        assertEquals(2, exchange.remaining(7));
    }

    @Test
    void shouldGiveAVersionOnePlaceItsOrderIdAsClientOrderIdThroughTheUpcaster()
    {
        final Upcasters upcasters = CommandUpcasters.create();
        final Command command = new Command(256);
        encoder.place(payload, 0, 7, 1, 1, Side.SELL_CODE, OrderType.IOC_CODE, 105, 3);
        command.set(10, 10, CommandTypes.PLACE_ORDER, 1, 0, 0, 10, payload, 0, V1_PLACE_LENGTH);
        upcasters.upcast(command);

        assertEquals(2, command.version());
        assertEquals(PlaceOrderCommandDecoder.BLOCK_LENGTH, command.payloadLength());
        for (int i = 0; i < V1_PLACE_LENGTH; i++)
        {
            assertEquals(payload.getByte(i), command.payload().getByte(i), "version 1's byte " + i);
        }
        final PlaceOrderCommandDecoder place = new PlaceOrderCommandDecoder()
            .wrap(command.payload(), 0, command.payloadLength(), command.version());
        assertEquals(7, place.clientOrderId());
        assertEquals(105, place.price());
    }

    @Test
    void shouldKeepTheClientOrderIdOfAVersionTwoPlacePublishedWithTheDefaultVersion()
    {
        final Command command = new Command(256);
        final int length = encoder.place(payload, 0, 7, 1, 1, Side.BUY_CODE, OrderType.GTC_CODE, 100, 2, 9001);
        command.set(10, 10, CommandTypes.PLACE_ORDER, 1, 0, 0, 10, payload, 0, length);
        CommandUpcasters.create().upcast(command);
        assertEquals(2, command.version());
        assertEquals(9001, new PlaceOrderCommandDecoder().wrap(command.payload(), 0, command.payloadLength(), 2)
            .clientOrderId());
    }

    @Test
    void shouldRejectAPlaceShorterThanTheBlockOfItsVersionAsMalformed()
    {
        final ExchangeStateMachine exchange = funded();
        final RecordingOutput output = new RecordingOutput();
        final Command command = new Command(256);
        encoder.place(payload, 0, 7, 1, 1, Side.BUY_CODE, OrderType.GTC_CODE, 100, 2);

        command.set(10, 10, CommandTypes.PLACE_ORDER, 2, 0, 0, 10, payload, 0, V1_PLACE_LENGTH);
        exchange.apply(command, output);
        assertEquals("rejected reason=MALFORMED cmd=place oid=0 acct=0", output.events().get(0).text(),
            "version 2 with version 1's block");

        output.clear();
        command.set(11, 11, CommandTypes.PLACE_ORDER, 1, 0, 0, 11, payload, 0, 10);
        CommandUpcasters.create().upcast(command);
        assertEquals(10, command.payloadLength(), "the upcaster makes no place out of ten bytes");
        exchange.apply(command, output);
        assertEquals("rejected reason=MALFORMED cmd=place oid=0 acct=0", output.events().get(0).text());
    }

    @Test
    void shouldAcceptVersionOneAndTwoPlacesSideBySideThroughAnEngine() throws Exception
    {
        final List<String> accepted = new CopyOnWriteArrayList<>();
        final StringBuilder line = new StringBuilder();
        try (Engine engine = Engine.launch(new EngineContext()
            .stateMachine(new ExchangeStateMachine(ExchangeStateMachine.DEFAULT_MAX_ASSETS, true))
            .upcasters(CommandUpcasters.create())
            .listener("accepted", (event, endOfBatch) ->
            {
                if (event.type() == EventTypes.ORDER_ACCEPTED)
                {
                    line.setLength(0);
                    accepted.add(format.event(event.type(), event.payload(), 0, event.payloadLength(), line).toString());
                }
            })))
        {
            engine.publish(CommandTypes.ADD_INSTRUMENT, CommandEncoder.VERSION, 0, 0, 0, payload, 0,
                encoder.addInstrument(payload, 0, 1, 1, 0, 1, 1));
            engine.publish(CommandTypes.DEPOSIT, 1, 0, 0, 0, payload, 0, encoder.deposit(payload, 0, 1, 0, 1_000_000));
            encoder.place(payload, 0, 1, 1, 1, Side.BUY_CODE, OrderType.GTC_CODE, 10, 1);
            engine.publish(CommandTypes.PLACE_ORDER, 1, 0, 0, 0, payload, 0, V1_PLACE_LENGTH);
            engine.publish(CommandTypes.PLACE_ORDER, CommandEncoder.VERSION, 0, 0, 0, payload, 0,
                encoder.place(payload, 0, 2, 1, 1, Side.BUY_CODE, OrderType.GTC_CODE, 10, 1, 9002));
            engine.publish(CommandTypes.PLACE_ORDER, CommandEncoder.VERSION, 0, 0, 0, payload, 0,
                encoder.place(payload, 0, 3, 1, 1, Side.BUY_CODE, OrderType.GTC_CODE, 10, 1));
            CollectingListener.await(() -> accepted.size() == 3, Duration.ofSeconds(10), "three acceptances");
            assertEquals(0, engine.metrics().failed());
        }
        assertEquals(List.of(
            "accepted oid=1 acct=1 sym=1 side=BUY type=GTC price=10 qty=1 clientOrderId=1",
            "accepted oid=2 acct=1 sym=1 side=BUY type=GTC price=10 qty=1 clientOrderId=9002",
            "accepted oid=3 acct=1 sym=1 side=BUY type=GTC price=10 qty=1"), accepted);
    }

    @Test
    void shouldReadAVersionOneAcceptanceWithVersionTwoReaders()
    {
        final ExchangeStateMachine exchange = funded();
        final RecordingOutput output = new RecordingOutput();
        final Command command = new Command(256);
        command.set(10, 10, CommandTypes.PLACE_ORDER, CommandEncoder.VERSION, 0, 0, 10, payload, 0,
            encoder.place(payload, 0, 7, 1, 1, Side.BUY_CODE, OrderType.GTC_CODE, 100, 2, 77));
        exchange.apply(command, output);
        final RecordingOutput.Event accepted = output.events().get(0);
        assertEquals("accepted oid=7 acct=1 sym=1 side=BUY type=GTC price=100 qty=2 clientOrderId=77", accepted.text());

        // The same event as version 1 code emitted it: its first 40 bytes.
        assertEquals("accepted oid=7 acct=1 sym=1 side=BUY type=GTC price=100 qty=2",
            format.event(EventTypes.ORDER_ACCEPTED, accepted.payload(), 0, V1_ACCEPTED_LENGTH, new StringBuilder())
                .toString());
        final OrderAcceptedEventDecoder v1 = new OrderAcceptedEventDecoder().wrap(accepted.payload(), 0,
            V1_ACCEPTED_LENGTH, 1);
        assertEquals(OrderAcceptedEventDecoder.clientOrderIdNullValue(), v1.clientOrderId());
        assertEquals(100, v1.price());
    }

    @Test
    void shouldWriteAndParseTheNewFieldInTheTextFormatUnderItsSchemaName()
    {
        final CommandParser parser = new CommandParser();
        final ParsedCommand parsed = new ParsedCommand();
        final String line = "place oid=7 acct=1 sym=1 side=BUY type=GTC price=100 qty=2 clientOrderId=9001";
        assertEquals(CommandParser.Result.COMMAND, parser.parse(line, 1, parsed), parser.error());
        assertEquals(CommandEncoder.VERSION, parsed.version());
        assertEquals(9001, new PlaceOrderCommandDecoder().wrap(parsed.payload(), 0, parsed.payloadLength(),
            parsed.version()).clientOrderId());
        assertEquals(line, format.command(parsed.type(), parsed.payload(), 0, parsed.payloadLength(),
            new StringBuilder()).toString());

        assertEquals(CommandParser.Result.COMMAND,
            parser.parse("place oid=7 acct=1 sym=1 side=BUY type=GTC price=100 qty=2", 2, parsed));
        assertEquals(CommandEncoder.NO_CLIENT_ORDER_ID, new PlaceOrderCommandDecoder().wrap(parsed.payload(), 0,
            parsed.payloadLength(), parsed.version()).clientOrderId(), "optional: left out, it is null");

        assertEquals(CommandParser.Result.ERROR, parser.parse("cancel oid=7 acct=1 clientOrderId=3", 3, parsed));
        assertTrue(parser.error().startsWith("unknown field 'clientOrderId'"), parser.error());
    }

    /** Symbol 1 (base 1, quote 0, tick 5, lot 100) and account 1 holding both assets. */
    private ExchangeStateMachine funded()
    {
        final ExchangeStateMachine exchange = new ExchangeStateMachine(ExchangeStateMachine.DEFAULT_MAX_ASSETS, true);
        final Command command = new Command(256);
        command.set(1, 1, CommandTypes.ADD_INSTRUMENT, 1, 0, 0, 1, payload, 0,
            encoder.addInstrument(payload, 0, 1, 1, 0, 5, 100));
        exchange.apply(command, new RecordingOutput());
        for (int asset = 0; asset <= 1; asset++)
        {
            command.set(2 + asset, 2 + asset, CommandTypes.DEPOSIT, 1, 0, 0, 2 + asset, payload, 0,
                encoder.deposit(payload, 0, 1, asset, 1_000_000));
            exchange.apply(command, new RecordingOutput());
        }
        return exchange;
    }

    /**
     * Each version's block of each command, from the schema, for the exchange to check every payload against the
     * block of its own version (a reviewer's finding: checked against the newest block, a field added to a cancel
     * made every older cancel malformed). No block for a version newer than the schema's, or a type it lacks.
     */
    @Test
    void shouldKnowTheBlockOfEveryVersionOfEveryCommandFromTheSchema()
    {
        assertEquals(CommandEncoder.VERSION, CommandBlocks.schemaVersion());
        assertEquals(V1_PLACE_LENGTH, CommandBlocks.blockLength(CommandTypes.PLACE_ORDER, 1));
        assertEquals(PlaceOrderCommandDecoder.BLOCK_LENGTH, CommandBlocks.blockLength(CommandTypes.PLACE_ORDER, 2));
        assertEquals(16, CommandBlocks.blockLength(CommandTypes.CANCEL_ORDER, 1));
        assertEquals(16, CommandBlocks.blockLength(CommandTypes.CANCEL_ORDER, 2));
        assertEquals(-1, CommandBlocks.blockLength(CommandTypes.PLACE_ORDER, CommandBlocks.schemaVersion() + 1));
        assertEquals(-1, CommandBlocks.blockLength(99, 1));
    }

    /**
     * A command of a schema version newer than this code's: read up to the block it knows, it was applied as
     * something else, and old code replayed a newer journal to another state with nothing said (a reviewer's
     * finding). It throws, before changing anything, saying why.
     */
    @Test
    void shouldThrowOnACommandOfANewerSchemaVersionBeforeChangingAnything()
    {
        final ExchangeStateMachine exchange = funded();
        final long before = exchange.stateHash();
        final RecordingOutput output = new RecordingOutput();
        final Command command = new Command(256);
        final int length = encoder.place(payload, 0, 7, 1, 1, Side.BUY_CODE, OrderType.GTC_CODE, 100, 2);
        command.set(10, 10, CommandTypes.PLACE_ORDER, CommandBlocks.schemaVersion() + 1, 0, 0, 10, payload, 0, length + 8);
        final IllegalStateException thrown = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
            () -> exchange.apply(command, output));
        assertEquals("command place at position 10 is of schema version " + (CommandBlocks.schemaVersion() + 1) +
            ", newer than this code's (" + CommandBlocks.schemaVersion() + "): newer code wrote it, and newer code is what " +
            "can apply it", thrown.getMessage());
        assertEquals(List.of(), output.events());
        assertEquals(before, exchange.stateHash());
    }

    /** The block lengths the text and Kafka paths check against are the schema's, version by version, too. */
    @Test
    void shouldGiveEveryClientCommandTheLengthOfItsVersionsBlock()
    {
        for (int type = 0; type <= CommandBlocks.maxType(); type++)
        {
            for (int version = 1; version <= CommandBlocks.schemaVersion() + 1; version++)
            {
                assertEquals(type == CommandTypes.CONFIGURE ? -1 : CommandBlocks.blockLength(type, version),
                    CommandTypes.commandLength(type, version), "type " + type + " version " + version);
            }
        }
    }

    /**
     * A later upcaster is reached from every older version: the versions below a message's newest upcaster that have
     * none get a step that appends the null values of what they added (a reviewer's finding: an upcaster from place
     * version 3 to 4 never ran for the places of versions 1 and 2, as version 3 left a place alone). Shown with a
     * schema of version 5 and a place upcaster from 3; the step itself on the real schema, version 1 to 2.
     */
    @Test
    void shouldStepOverEveryVersionWithoutAnUpcasterBelowTheNewest()
    {
        final Upcasters upcasters = new Upcasters().register(CommandTypes.PLACE_ORDER, 3, (command) ->
        {
        });
        CommandUpcasters.stepOverGaps(upcasters, CommandBlocks.maxType(), 5);
        assertTrue(upcasters.registered(CommandTypes.PLACE_ORDER, 1) && upcasters.registered(CommandTypes.PLACE_ORDER, 2));
        assertTrue(!upcasters.registered(CommandTypes.PLACE_ORDER, 4), "nothing above the newest");
        assertTrue(!upcasters.registered(CommandTypes.CANCEL_ORDER, 1), "nothing for a message without upcasters");

        final Upcasters steps = CommandUpcasters.stepOverGaps(new Upcasters()
            .register(CommandTypes.PLACE_ORDER, 2, (command) -> command.payload(3, command.payload(), 0,
                command.payloadLength())), CommandBlocks.maxType(), 3);
        final Command command = new Command(256);
        final int v1 = encoder.place(payload, 0, 7, 1, 1, Side.BUY_CODE, OrderType.GTC_CODE, 100, 2) - 8;
        command.set(10, 10, CommandTypes.PLACE_ORDER, 1, 0, 0, 10, payload, 0, v1);
        steps.upcast(command);
        assertEquals(3, command.version(), "on through the step to the later upcaster");
        assertEquals(PlaceOrderCommandDecoder.BLOCK_LENGTH, command.payloadLength());
        final PlaceOrderCommandDecoder place = new PlaceOrderCommandDecoder().wrap(command.payload(), 0,
            command.payloadLength(), 2);
        assertEquals(7, place.orderId());
        assertEquals(PlaceOrderCommandDecoder.clientOrderIdNullValue(), place.clientOrderId(), "the added field's null");

        command.set(11, 11, CommandTypes.PLACE_ORDER, 1, 0, 0, 11, payload, 0, v1 - 1);
        steps.upcast(command);
        assertEquals(v1 - 1, command.payloadLength(), "too short for its own version: left so, not filled out");
    }
}
