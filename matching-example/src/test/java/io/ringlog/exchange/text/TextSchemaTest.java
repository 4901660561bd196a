package io.ringlog.exchange.text;

import io.ringlog.exchange.codec.CommandTypes;
import io.ringlog.exchange.codec.EventTypes;
import io.ringlog.exchange.codec.command.ConfigureCommandDecoder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The text format's lines and the schemas agree: every message but the settings has a verb, the verb
 * of a type is the one {@link CommandTypes#name} and {@link EventTypes#name} give, and every field of a
 * message is on its line.
 */
class TextSchemaTest
{
    @Test
    void shouldWriteEveryCommandButTheSettingsUnderTheWordCommandTypesGivesIt()
    {
        final List<String> verbs = TextSchema.COMMANDS.verbs();
        assertEquals(List.of("instrument", "deposit", "withdraw", "place", "cancel", "reduce", "move"), verbs);
        for (final String verb : verbs)
        {
            final TextSchema.Message message = TextSchema.COMMANDS.message(verb);
            assertEquals(verb, CommandTypes.name(message.type()));
            assertEquals(message, TextSchema.COMMANDS.message(message.type()));
        }
        assertEquals(null, TextSchema.COMMANDS.message(ConfigureCommandDecoder.TEMPLATE_ID),
            "the settings are written by the command line, never by a line of a command file");
    }

    @Test
    void shouldWriteEveryEventUnderTheWordEventTypesGivesIt()
    {
        for (final int type : new int[]{EventTypes.REJECTED, EventTypes.INSTRUMENT_ADDED, EventTypes.ORDER_ACCEPTED,
            EventTypes.TRADE, EventTypes.ORDER_CANCELLED, EventTypes.ORDER_REDUCED, EventTypes.ORDER_MOVED,
            EventTypes.BOOK_CHANGED, EventTypes.BALANCE_CHANGED})
        {
            final TextSchema.Message message = TextSchema.EVENTS.message(type);
            assertNotNull(message, "event type " + type);
            assertEquals(EventTypes.name(type), message.verb());
        }
    }

    @Test
    void shouldPutEveryFieldOfTheSchemaOnTheLine()
    {
        final TextSchema.Message trade = TextSchema.EVENTS.message(EventTypes.TRADE);
        assertEquals(11, trade.fields().length);
        assertEquals("makerRemaining", trade.field("makerLeft").name());
        final TextSchema.Message place = TextSchema.COMMANDS.message(CommandTypes.PLACE_ORDER);
        assertEquals("orderType", place.field("type").name());
        assertEquals(TextSchema.Words.ORDER_TYPE, place.field("type").words());
        assertEquals("GTC, IOC, FOK or MARKET", place.field("type").words().choices());
        assertEquals(40, place.blockLength(1));
    }
}
