package io.ringlog.exchange.codec;

import io.ringlog.core.OutputEvent;
import io.ringlog.exchange.codec.event.BalanceChangedEventEncoder;
import io.ringlog.exchange.codec.event.BookChangedEventEncoder;
import io.ringlog.exchange.codec.event.InstrumentAddedEventEncoder;
import io.ringlog.exchange.codec.event.OrderAcceptedEventEncoder;
import io.ringlog.exchange.codec.event.OrderCancelledEventEncoder;
import io.ringlog.exchange.codec.event.OrderMovedEventEncoder;
import io.ringlog.exchange.codec.event.OrderReducedEventEncoder;
import io.ringlog.exchange.codec.event.TradeEventEncoder;

/**
 * Output event types of the exchange, as carried in {@link OutputEvent#type()}: each is the template id
 * of its message in the events' schema, except a rejection's. Never reuse a number.
 */
public final class EventTypes
{
    /** The engine's rejection type; the exchange's payload is the events' schema's RejectedEvent. */
    public static final int REJECTED = OutputEvent.REJECTED;
    public static final int INSTRUMENT_ADDED = InstrumentAddedEventEncoder.TEMPLATE_ID;
    public static final int ORDER_ACCEPTED = OrderAcceptedEventEncoder.TEMPLATE_ID;
    public static final int TRADE = TradeEventEncoder.TEMPLATE_ID;
    public static final int ORDER_CANCELLED = OrderCancelledEventEncoder.TEMPLATE_ID;
    public static final int ORDER_REDUCED = OrderReducedEventEncoder.TEMPLATE_ID;
    public static final int ORDER_MOVED = OrderMovedEventEncoder.TEMPLATE_ID;
    public static final int BOOK_CHANGED = BookChangedEventEncoder.TEMPLATE_ID;
    public static final int BALANCE_CHANGED = BalanceChangedEventEncoder.TEMPLATE_ID;

    private EventTypes()
    {
    }

    /** The word the text format uses for an event type, or null for an unknown one. */
    public static String name(final int type)
    {
        switch (type)
        {
            case REJECTED: return "rejected";
            case INSTRUMENT_ADDED: return "instrument";
            case ORDER_ACCEPTED: return "accepted";
            case TRADE: return "trade";
            case ORDER_CANCELLED: return "cancelled";
            case ORDER_REDUCED: return "reduced";
            case ORDER_MOVED: return "moved";
            case BOOK_CHANGED: return "book";
            case BALANCE_CHANGED: return "balance";
            default: return null;
        }
    }
}
