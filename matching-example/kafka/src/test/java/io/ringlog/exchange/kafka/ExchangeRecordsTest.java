package io.ringlog.exchange.kafka;

import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.OutputEvent;
import io.ringlog.exchange.ExchangeStateMachine;
import io.ringlog.exchange.codec.CommandEncoder;
import io.ringlog.exchange.codec.CommandTypes;
import io.ringlog.exchange.codec.EventTypes;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExchangeRecordsTest
{
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
    private final CommandEncoder encoder = new CommandEncoder();

    @Test
    void shouldTakeTheExchangesCommandsAndSayWhyItRefusesOthers()
    {
        final int place = encoder.place(payload, 0, 1, 2, 3, 1, 0, 100, 5);
        assertNull(ExchangeRecords.PAYLOAD_CHECK.check(CommandTypes.PLACE_ORDER, CommandEncoder.VERSION, payload, 0, place));
        assertNull(ExchangeRecords.PAYLOAD_CHECK.check(CommandTypes.PLACE_ORDER, 1, payload, 0, 40),
            "a version 1 place: the block before the client order id");
        assertEquals("place version 2 payload of 10 bytes, expected 48",
            ExchangeRecords.PAYLOAD_CHECK.check(CommandTypes.PLACE_ORDER, 2, payload, 0, 10));
        assertEquals("place version 1 payload of 48 bytes, expected 40",
            ExchangeRecords.PAYLOAD_CHECK.check(CommandTypes.PLACE_ORDER, 1, payload, 0, place));
        assertEquals("unknown command type 99", ExchangeRecords.PAYLOAD_CHECK.check(99, 1, payload, 0, 8));
        assertEquals("unknown version 0 of place (this exchange reads versions 1.." + CommandEncoder.VERSION + ")",
            ExchangeRecords.PAYLOAD_CHECK.check(CommandTypes.PLACE_ORDER, 0, payload, 0, place));
        assertNull(ExchangeRecords.PAYLOAD_CHECK.check(CommandTypes.PLACE_ORDER, CommandEncoder.VERSION + 1, payload, 0,
            place + 8), "newer code's: the exchange halts on it, and the engine upgraded applies it");
        assertNull(ExchangeRecords.PAYLOAD_CHECK.check(99, CommandEncoder.VERSION + 1, payload, 0, 8),
            "a type newer code added");
        assertTrue(ExchangeRecords.PAYLOAD_CHECK.check(CommandTypes.CONFIGURE, 1, payload, 0,
            ExchangeRecords.configure(payload)).startsWith("configure is the engine's own command"));
    }

    @Test
    void shouldRouteOrdersBySymbolAndLedgerCommandsEverywhere()
    {
        final CommandRouter router = new CommandRouter(3);
        assertEquals(1, router.partition(CommandTypes.ADD_INSTRUMENT, payloadOf(encoder.addInstrument(payload, 0, 7, 7, 0, 1, 1))));
        assertEquals(1, router.partition(CommandTypes.PLACE_ORDER, payloadOf(encoder.place(payload, 0, 42, 5, 7, 0, 0, 100, 1))));
        assertEquals(1, router.partition(CommandTypes.CANCEL_ORDER, payloadOf(encoder.cancel(payload, 0, 42, 5))),
            "a cancel goes where its order was placed, though 42 mod 3 is 0");
        assertEquals(1, router.partition(CommandTypes.MOVE_ORDER, payloadOf(encoder.move(payload, 0, 42, 5, 101))));
        assertEquals(2, router.partition(CommandTypes.PLACE_ORDER, payloadOf(encoder.place(payload, 0, 42, 5, 8, 0, 0, 100, 1))));
        assertEquals(1, router.partition(CommandTypes.REDUCE_ORDER, payloadOf(encoder.reduce(payload, 0, 42, 5, 1))),
            "an order id used again keeps the partition of its first place");
        assertEquals(-1, router.partition(CommandTypes.CANCEL_ORDER, payloadOf(encoder.cancel(payload, 0, 43, 5))),
            "an order this router never saw placed (an earlier feed's): every partition, where its engine acts on it");
        assertEquals(-1, router.partition(CommandTypes.DEPOSIT, payloadOf(encoder.deposit(payload, 0, 5, 0, 100))));
        assertEquals(-1, router.partition(CommandTypes.WITHDRAW, payloadOf(encoder.withdraw(payload, 0, 5, 0, 100))));
    }

    @Test
    void shouldKeyMarketEventsBySymbolAndAccountEventsByAccount() throws Exception
    {
        final List<long[]> keys = new ArrayList<>();   // type, key
        final ExchangeRecords records = new ExchangeRecords();
        final ExchangeStateMachine exchange = ExchangeStateMachine.configuredByJournal(true);
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(exchange).maxPayloadLength(64)
            .listener("keys", (OutputEvent event, boolean end) -> keys.add(new long[]{event.type(), records.key(event)}))))
        {
            final UnsafeBuffer settings = new UnsafeBuffer(new byte[64]);
            final int v = CommandEncoder.VERSION;
            engine.publish(CommandTypes.CONFIGURE, v, 0, 0, 0, settings, 0, ExchangeRecords.configure(settings));
            engine.publish(CommandTypes.ADD_INSTRUMENT, v, 0, 0, 0, payload, 0, encoder.addInstrument(payload, 0, 7, 1, 0, 1, 1));
            engine.publish(CommandTypes.DEPOSIT, v, 0, 0, 0, payload, 0, encoder.deposit(payload, 0, 11, 0, 1_000_000));
            engine.publish(CommandTypes.DEPOSIT, v, 0, 0, 0, payload, 0, encoder.deposit(payload, 0, 12, 1, 1_000));
            engine.publish(CommandTypes.PLACE_ORDER, v, 0, 0, 0, payload, 0, encoder.place(payload, 0, 1, 11, 7, 0, 0, 100, 5));
            engine.publish(CommandTypes.PLACE_ORDER, v, 0, 0, 0, payload, 0, encoder.place(payload, 0, 2, 12, 7, 1, 0, 100, 2));
            final long last = engine.publish(CommandTypes.CANCEL_ORDER, v, 0, 0, 0, payload, 0, encoder.cancel(payload, 0, 9, 12));
            engine.awaitApplied(last, 10, TimeUnit.SECONDS);
        }
        for (final long[] typeAndKey : keys)
        {
            final int type = (int)typeAndKey[0];
            if (type == EventTypes.BALANCE_CHANGED || type == EventTypes.REJECTED)
            {
                assertTrue(typeAndKey[1] == 11 || typeAndKey[1] == 12, EventTypes.name(type) + " keyed by its account");
            }
            else
            {
                assertEquals(7, typeAndKey[1], EventTypes.name(type) + " keyed by its symbol");
            }
        }
        assertTrue(keys.stream().anyMatch((k) -> k[0] == EventTypes.TRADE), "a trade among the events");
        assertTrue(keys.stream().anyMatch((k) -> k[0] == EventTypes.REJECTED), "a rejection among the events");
    }

    private UnsafeBuffer payloadOf(final int length)
    {
        return payload;
    }
}
