package io.ringlog.exchange.codec;

/** Command types of the exchange, as carried in {@link io.ringlog.core.Command#type()}. Never reuse a number. */
public final class CommandTypes
{
    public static final int ADD_INSTRUMENT = 1;
    public static final int DEPOSIT = 2;
    public static final int WITHDRAW = 3;
    public static final int PLACE_ORDER = 4;
    public static final int CANCEL_ORDER = 5;
    public static final int REDUCE_ORDER = 6;
    public static final int MOVE_ORDER = 7;
    /** The exchange's settings: the first command of a journal (see {@link ConfigureCommand}). */
    public static final int CONFIGURE = 8;

    private CommandTypes()
    {
    }

    /** The word the text format uses for a command type, or null for an unknown one. */
    public static String name(final int type)
    {
        switch (type)
        {
            case ADD_INSTRUMENT: return "instrument";
            case DEPOSIT: return "deposit";
            case WITHDRAW: return "withdraw";
            case PLACE_ORDER: return "place";
            case CANCEL_ORDER: return "cancel";
            case REDUCE_ORDER: return "reduce";
            case MOVE_ORDER: return "move";
            default: return null;
        }
    }
}
