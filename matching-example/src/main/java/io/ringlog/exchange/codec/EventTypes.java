package io.ringlog.exchange.codec;

import io.ringlog.core.OutputEvent;

/** Output event types of the exchange, as carried in {@link OutputEvent#type()}. Never reuse a number. */
public final class EventTypes
{
    /** The engine's rejection type; the exchange's payload is {@link RejectedEvent}. */
    public static final int REJECTED = OutputEvent.REJECTED;
    public static final int INSTRUMENT_ADDED = 1;
    public static final int ORDER_ACCEPTED = 2;
    public static final int TRADE = 3;
    public static final int ORDER_CANCELLED = 4;
    public static final int ORDER_REDUCED = 5;
    public static final int ORDER_MOVED = 6;
    public static final int BOOK_CHANGED = 7;
    public static final int BALANCE_CHANGED = 8;

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
